// The system zlib, called directly by the compression cases as the baseline for WebSocketCompression.
#include <zlib.h>
