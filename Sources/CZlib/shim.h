// The system zlib: part of macOS and iOS; on Debian and Ubuntu, the zlib1g-dev package.
#include <zlib.h>
