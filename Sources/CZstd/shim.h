// Only ScoreIO imports this (Parquet page decompression).
#include <zstd.h>
