#ifndef C_ALLOCATION_COUNTER_H
#define C_ALLOCATION_COUNTER_H

#include <stdint.h>

/// Heap allocations made by the whole process since it started: every call of malloc, calloc,
/// realloc, posix_memalign, aligned_alloc, memalign and valloc, counted by the wrappers that the
/// benchmark executable defines over glibc's own allocator. 0 where they cannot be installed.
uint64_t allocation_count(void);

/// Whether the wrappers are installed (glibc), so that a count of 0 means no allocation.
int allocation_counting_available(void);

#endif
