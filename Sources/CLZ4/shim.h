// Only ScoreIO imports this (Parquet page decompression).
#include <lz4.h>
