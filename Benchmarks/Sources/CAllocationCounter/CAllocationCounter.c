// Allocation counting by interposition: the executable defines the allocator's entry points, so
// the dynamic linker binds every library's calls (the Swift runtime, Foundation, NIO) to these
// wrappers, which count and forward to glibc's own implementations (__libc_malloc and friends,
// exported for exactly this purpose). A relaxed atomic add keeps the cost at a few nanoseconds
// per call and makes the count exact across threads.
#include "CAllocationCounter.h"

#if defined(__GLIBC__)
#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void __libc_free(void *pointer);
extern void *__libc_memalign(size_t alignment, size_t size);

static uint64_t counter;

static inline void count_one(void) { __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED); }

uint64_t allocation_count(void) { return __atomic_load_n(&counter, __ATOMIC_RELAXED); }
int allocation_counting_available(void) { return 1; }

void *malloc(size_t size) {
    count_one();
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    count_one();
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    count_one();
    return __libc_realloc(pointer, size);
}

void free(void *pointer) { __libc_free(pointer); }

void *memalign(size_t alignment, size_t size) {
    count_one();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    count_one();
    return __libc_memalign(alignment, size);
}

void *valloc(size_t size) {
    count_one();
    return __libc_memalign(4096, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    count_one();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL && size != 0) return ENOMEM;
    *result = pointer;
    return 0;
}
#else
uint64_t allocation_count(void) { return 0; }
int allocation_counting_available(void) { return 0; }
#endif
