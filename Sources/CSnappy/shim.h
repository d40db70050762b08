// Snappy through its C wrapper (Debian: libsnappy-dev ships snappy-c.h beside the C++ API).
#include <snappy-c.h>
