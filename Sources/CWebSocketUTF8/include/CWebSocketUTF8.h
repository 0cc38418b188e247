#ifndef C_WEBSOCKET_UTF8_H
#define C_WEBSOCKET_UTF8_H

#include <stddef.h>
#include <stdint.h>

/// Validates `length` bytes as a complete UTF-8 text with vector instructions (AVX2 on x86-64 when
/// the processor has it, NEON on 64-bit ARM): 1 when valid, 0 when not (a sequence cut off at the
/// end is invalid), -1 when no vector unit is available and the caller must validate by itself.
int ws_utf8_validate_vector(const uint8_t *bytes, size_t length);

#endif
