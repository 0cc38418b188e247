// UTF-8 validation by lookup tables, after John Keiser and Daniel Lemire, "Validating UTF-8 In Less
// Than One Instruction Per Byte" (Software: Practice and Experience, 2021), as simdjson implements it.
//
// Every byte is classified together with the byte before it: three 16-entry tables, indexed by the
// high nibble of the previous byte, its low nibble and the high nibble of the current byte, each give
// a set of error bits; a pair of bytes is wrong exactly when the three sets share a bit. This catches
// a continuation byte without a lead, a lead without its continuation, overlong forms, surrogates and
// code points above U+10FFFF. Which bytes must be the third or fourth of a sequence is then found from
// the bytes two and three back. Blocks of 64 ASCII bytes skip all of it.
//
// The functions carry their own target attribute, so no compiler flag is needed: the AVX2 path is
// chosen at run time when the processor has AVX2, and the caller falls back to its scalar validator
// otherwise.
#include "CWebSocketUTF8.h"

#include <string.h>

// Error bits (simdjson's names): which pair of bytes they describe is in the comment.
#define TOO_SHORT (1 << 0)       // 11______ 0_______ or 11______ 11______
#define TOO_LONG (1 << 1)        // 0_______ 10______
#define OVERLONG_3 (1 << 2)      // 11100000 100_____
#define TOO_LARGE (1 << 3)       // 11110100 1001____ and above
#define SURROGATE (1 << 4)       // 11101101 101_____
#define OVERLONG_2 (1 << 5)      // 1100000_ ________
#define TOO_LARGE_1000 (1 << 6)  // 11110101 1000____ and above
#define OVERLONG_4 (1 << 6)      // 11110000 1000____
#define TWO_CONTS (1 << 7)       // 10______ 10______
#define CARRY (TOO_SHORT | TOO_LONG | TWO_CONTS)

#define BYTE_1_HIGH                                                                                              \
    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TWO_CONTS, TWO_CONTS,        \
        TWO_CONTS, TWO_CONTS, TOO_SHORT | OVERLONG_2, TOO_SHORT, TOO_SHORT | OVERLONG_3 | SURROGATE,             \
        TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4

#define BYTE_1_LOW                                                                                               \
    CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, CARRY | OVERLONG_2, CARRY, CARRY, CARRY | TOO_LARGE,          \
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, \
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, \
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,                                   \
        CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE, CARRY | TOO_LARGE | TOO_LARGE_1000,                        \
        CARRY | TOO_LARGE | TOO_LARGE_1000

#define BYTE_2_HIGH                                                                                              \
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,                      \
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,                             \
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,                                              \
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,                                               \
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT

static const uint8_t byte_1_high_table[16] = {BYTE_1_HIGH};
static const uint8_t byte_1_low_table[16] = {BYTE_1_LOW};
static const uint8_t byte_2_high_table[16] = {BYTE_2_HIGH};
// Per position of the last 16 bytes: the largest byte that does not start a sequence running past
// the end (255 where none can).
static const uint8_t incomplete_limits[16] = {255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
                                              0xF0 - 1, 0xE0 - 1, 0xC0 - 1};

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))

// The 32 bytes ending N bytes before the end of `input`: the last N of `previous`, then `input`.
#define PREV(input, previous, n) \
    _mm256_alignr_epi8((input), _mm256_permute2x128_si256((previous), (input), 0x21), 16 - (n))

AVX2 static inline __m256i broadcast_table(const uint8_t table[16]) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)table));
}

AVX2 static inline __m256i high_nibbles(__m256i v) {
    return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0F));
}

// The error bits of one 32-byte block, given the block before it.
AVX2 static inline __m256i check_block(__m256i input, __m256i previous) {
    const __m256i byte_1_high = broadcast_table(byte_1_high_table);
    const __m256i byte_1_low = broadcast_table(byte_1_low_table);
    const __m256i byte_2_high = broadcast_table(byte_2_high_table);
    __m256i prev1 = PREV(input, previous, 1);
    __m256i special = _mm256_and_si256(
        _mm256_and_si256(_mm256_shuffle_epi8(byte_1_high, high_nibbles(prev1)),
                         _mm256_shuffle_epi8(byte_1_low, _mm256_and_si256(prev1, _mm256_set1_epi8(0x0F)))),
        _mm256_shuffle_epi8(byte_2_high, high_nibbles(input)));
    // A byte two after a 3- or 4-byte lead, or three after a 4-byte lead, must be a continuation:
    // its 0x80 bit is set here exactly then, and `special` has TWO_CONTS (0x80) for a continuation
    // after a continuation; the two must agree.
    __m256i third = _mm256_subs_epu8(PREV(input, previous, 2), _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i fourth = _mm256_subs_epu8(PREV(input, previous, 3), _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i must_continue = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must_continue, special);
}

// Non-zero where the block ends inside a sequence that needs more bytes.
AVX2 static inline __m256i incomplete_at_end(__m256i input) {
    // The low lane may hold any byte: only the high lane's last three positions have limits.
    const __m256i limits = _mm256_inserti128_si256(
        _mm256_set1_epi8((char)0xFF), _mm_loadu_si128((const __m128i *)incomplete_limits), 1);
    return _mm256_subs_epu8(input, limits);
}

AVX2 static int validate_avx2(const uint8_t *bytes, size_t length) {
    __m256i previous = _mm256_setzero_si256();
    __m256i incomplete = _mm256_setzero_si256();
    __m256i error = _mm256_setzero_si256();
    uint8_t tail[64];
    size_t index = 0;
    const __m256i high_bits = _mm256_set1_epi8((char)0x80);
    while (index < length) {
        // Runs of ASCII after a complete sequence: 128 bytes per step, nothing to carry but the
        // bytes before the next block.
        if (_mm256_testz_si256(incomplete, incomplete)) {
            size_t start = index;
            while (length - index >= 128) {
                const __m256i *run = (const __m256i *)(bytes + index);
                __m256i any = _mm256_or_si256(_mm256_or_si256(_mm256_loadu_si256(run), _mm256_loadu_si256(run + 1)),
                                              _mm256_or_si256(_mm256_loadu_si256(run + 2), _mm256_loadu_si256(run + 3)));
                if (!_mm256_testz_si256(any, high_bits)) break;
                index += 128;
            }
            if (index != start) {
                previous = _mm256_loadu_si256((const __m256i *)(bytes + index - 32));
                if (index == length) break;
            }
        }
        const uint8_t *block = bytes + index;
        if (length - index < 64) {
            // Pad the last block with ASCII NULs: valid on their own, and a sequence cut off
            // before them is still an error.
            memset(tail, 0, sizeof tail);
            memcpy(tail, block, length - index);
            block = tail;
        }
        __m256i first = _mm256_loadu_si256((const __m256i *)block);
        __m256i second = _mm256_loadu_si256((const __m256i *)(block + 32));
        if (_mm256_movemask_epi8(_mm256_or_si256(first, second)) == 0) {
            error = _mm256_or_si256(error, incomplete);
            incomplete = _mm256_setzero_si256();
        } else {
            error = _mm256_or_si256(error, check_block(first, previous));
            error = _mm256_or_si256(error, check_block(second, first));
            incomplete = incomplete_at_end(second);
        }
        previous = second;
        index += 64;
        // Fail fast, at a cost of one test per 64 bytes.
        if (!_mm256_testz_si256(error, error)) return 0;
    }
    error = _mm256_or_si256(error, incomplete);
    return _mm256_testz_si256(error, error);
}

static int has_avx2(void) {
    // 0: not yet known, 1: yes, 2: no. Racing first calls compute the same answer.
    static int known = 0;
    int value = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (value == 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx2") ? 1 : 2;
        __atomic_store_n(&known, value, __ATOMIC_RELAXED);
    }
    return value == 1;
}

int ws_utf8_validate_vector(const uint8_t *bytes, size_t length) {
    if (!has_avx2()) return -1;
    return validate_avx2(bytes, length);
}

#elif defined(__aarch64__)
#include <arm_neon.h>

static inline uint8x16_t check_block(uint8x16_t input, uint8x16_t previous) {
    uint8x16_t prev1 = vextq_u8(previous, input, 15);
    uint8x16_t special = vandq_u8(
        vandq_u8(vqtbl1q_u8(vld1q_u8(byte_1_high_table), vshrq_n_u8(prev1, 4)),
                 vqtbl1q_u8(vld1q_u8(byte_1_low_table), vandq_u8(prev1, vdupq_n_u8(0x0F)))),
        vqtbl1q_u8(vld1q_u8(byte_2_high_table), vshrq_n_u8(input, 4)));
    uint8x16_t third = vqsubq_u8(vextq_u8(previous, input, 14), vdupq_n_u8(0xE0 - 0x80));
    uint8x16_t fourth = vqsubq_u8(vextq_u8(previous, input, 13), vdupq_n_u8(0xF0 - 0x80));
    uint8x16_t must_continue = vandq_u8(vorrq_u8(third, fourth), vdupq_n_u8(0x80));
    return veorq_u8(must_continue, special);
}

static inline uint8x16_t incomplete_at_end(uint8x16_t input) {
    return vqsubq_u8(input, vld1q_u8(incomplete_limits));
}

int ws_utf8_validate_vector(const uint8_t *bytes, size_t length) {
    uint8x16_t previous = vdupq_n_u8(0);
    uint8x16_t incomplete = vdupq_n_u8(0);
    uint8x16_t error = vdupq_n_u8(0);
    uint8_t tail[64];
    size_t index = 0;
    while (index < length) {
        const uint8_t *block = bytes + index;
        if (length - index < 64) {
            memset(tail, 0, sizeof tail);
            memcpy(tail, block, length - index);
            block = tail;
        }
        uint8x16_t in0 = vld1q_u8(block), in1 = vld1q_u8(block + 16);
        uint8x16_t in2 = vld1q_u8(block + 32), in3 = vld1q_u8(block + 48);
        if (vmaxvq_u8(vorrq_u8(vorrq_u8(in0, in1), vorrq_u8(in2, in3))) < 0x80) {
            error = vorrq_u8(error, incomplete);
            incomplete = vdupq_n_u8(0);
        } else {
            error = vorrq_u8(error, check_block(in0, previous));
            error = vorrq_u8(error, check_block(in1, in0));
            error = vorrq_u8(error, check_block(in2, in1));
            error = vorrq_u8(error, check_block(in3, in2));
            incomplete = incomplete_at_end(in3);
        }
        previous = in3;
        index += 64;
        if (vmaxvq_u8(error) != 0) return 0;
    }
    error = vorrq_u8(error, incomplete);
    return vmaxvq_u8(error) == 0;
}

#else
int ws_utf8_validate_vector(const uint8_t *bytes, size_t length) {
    (void)bytes;
    (void)length;
    return -1;
}
#endif
