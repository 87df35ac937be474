// Heap allocations of a benchmark binary, counted by a replaced global operator new (every form:
// plain, array, aligned, nothrow; bench/alloc_counter.cpp, linked into bench_book and bench_e2e).
// Counted per thread and for the process, so that a benchmark with a server on threads of its own
// (bench_e2e) tells the client's allocations from the server's. C allocations (malloc in C
// libraries, OpenSSL's) are not counted; heaptrack or valgrind see those.
#pragma once

#include <cstdint>

namespace kucoin::bench {

// Allocations of the calling thread so far.
std::uint64_t thread_allocations() noexcept;
// Allocations of every thread of the process so far.
std::uint64_t process_allocations() noexcept;

}  // namespace kucoin::bench
