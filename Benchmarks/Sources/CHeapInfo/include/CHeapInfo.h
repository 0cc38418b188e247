#ifndef C_HEAP_INFO_H
#define C_HEAP_INFO_H

#include <stddef.h>

/// Bytes the C heap has handed out and not freed: glibc's mallinfo2() uordblks (in arenas) plus
/// hblkhd (in mmapped chunks). 0 where mallinfo2 is not available.
size_t c_heap_in_use_bytes(void);

#endif
