// OpenBLAS's CBLAS interface. The header is found through pkg-config `openblas`
// (Debian keeps it under /usr/include/x86_64-linux-gnu/openblas-pthread).
#include <cblas.h>

// OpenBLAS exports this but no header declares it: it stops OpenBLAS's worker threads. They are
// started when the library loads and spin (sched_yield) for ~0.1 s before sleeping, which on a
// 2-core machine takes a core from the scoring workers.
int blas_thread_shutdown_(void);
