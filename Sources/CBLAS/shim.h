// OpenBLAS's CBLAS interface. `pkg-config openblas` puts its include directory first
// (Debian: /usr/include/x86_64-linux-gnu/openblas-pthread); without pkg-config the
// alternatives symlink /usr/include/x86_64-linux-gnu/cblas.h is found on the default path.
#include <cblas.h>
