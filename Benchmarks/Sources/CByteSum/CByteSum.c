#include "CByteSum.h"

#if defined(__x86_64__)
#include <emmintrin.h>

uint64_t byte_sum(const uint8_t *bytes, size_t length) {
    __m128i zero = _mm_setzero_si128();
    __m128i a = zero, b = zero;
    size_t index = 0;
    for (; index + 32 <= length; index += 32) {
        // PSADBW against zero: the sum of each 8 bytes, in two 64-bit lanes.
        a = _mm_add_epi64(a, _mm_sad_epu8(_mm_loadu_si128((const __m128i *)(bytes + index)), zero));
        b = _mm_add_epi64(b, _mm_sad_epu8(_mm_loadu_si128((const __m128i *)(bytes + index + 16)), zero));
    }
    __m128i both = _mm_add_epi64(a, b);
    uint64_t lanes[2];
    _mm_storeu_si128((__m128i *)lanes, both);
    uint64_t total = lanes[0] + lanes[1];
    for (; index < length; index++) total += bytes[index];
    return total;
}
#else
uint64_t byte_sum(const uint8_t *bytes, size_t length) {
    uint64_t total = 0;
    for (size_t index = 0; index < length; index++) total += bytes[index];
    return total;
}
#endif
