// cuda_emu.h: just enough of the CUDA execution model to run Lethe's kernel sources on the host.
//
// Included by emu_runtime.cpp before the .cu files, which compile unchanged for the host. A
// launch runs the grid one block at a time; each thread of a block is a fiber with its own
// stack, and __syncthreads() switches to the scheduler until every thread of the block has arrived.
// Between barriers the scheduler runs the threads in alternating order (forwards, then backwards),
// so that a missing barrier shows up as a wrong result rather than being hidden by one lucky order.
// A block whose thread 0 finishes without reaching a barrier runs its other threads as plain calls
// (a barrier reached there is reported as divergence). __shared__ variables become statics: blocks
// never overlap, so one copy serves them all.
//
// What this does not model: concurrent blocks, warps (no warp intrinsics are used), memory spaces,
// alignment faults, the GPU's math library (host libm instead, within an ulp or two), fused
// multiply-add contraction. It checks the kernels' indexing, bounds, barriers and arithmetic; it says
// nothing about their speed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};

extern dim3 threadIdx;
extern dim3 blockIdx;
extern dim3 blockDim;
extern dim3 gridDim;

void emu_syncthreads();

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __restrict__ __restrict
#define __syncthreads() emu_syncthreads()

using std::max;
using std::min;
using std::signbit;
