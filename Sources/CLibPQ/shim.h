// Only ScoreIO imports this (the postgres reader and writer); libpq raises no errors by longjmp,
// so it is called from Swift directly.
#include <libpq-fe.h>
