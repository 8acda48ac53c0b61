// Only ScoreIO imports this (Parquet page decompression).
#include <snappy-c.h>
