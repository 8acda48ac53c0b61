// Only ScoreIO imports this (Parquet page decompression).
#include <zlib.h>
