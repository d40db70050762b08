// zlib's inflate, for Parquet's GZIP codec (Debian: zlib1g-dev).
#include <zlib.h>
