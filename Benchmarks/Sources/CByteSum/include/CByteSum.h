#ifndef C_BYTE_SUM_H
#define C_BYTE_SUM_H

#include <stddef.h>
#include <stdint.h>

/// The sum of `length` bytes (wrapping at 2^64), 16 bytes per step with SSE2's PSADBW on x86-64:
/// the check both sides of a decode case run over every payload byte they hand out, made cheap so
/// that it hides as little of the difference between them as possible.
uint64_t byte_sum(const uint8_t *bytes, size_t length);

#endif
