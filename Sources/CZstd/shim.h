// Zstandard's one-shot decompression API (Debian: libzstd-dev).
#include <zstd.h>
