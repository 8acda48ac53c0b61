// OpenBLAS's CBLAS interface. The header is found through pkg-config `openblas`
// (Debian keeps it under /usr/include/x86_64-linux-gnu/openblas-pthread).
#include <cblas.h>
