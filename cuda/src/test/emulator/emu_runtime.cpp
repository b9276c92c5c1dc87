// emu_runtime.cpp: the host side of the CUDA emulator (cuda_emu.h) and its JNI entry points, the
// native half of org.lethe.kernels.cuda.EmulatedDevice (test sources).
//
// Built by Emulator.java (a test helper) with g++: this file includes the generated kernels.inc (the
// .cu files) and registry.inc (one EMU_KERNEL line per kernel the PTX defines), so the emulator
// runs exactly the kernels the GPU would.
//
// Memory: "device" memory is host memory; each block is followed by a 256-byte guard filled with a
// pattern, checked when the block is freed, so a kernel that writes past the end of a buffer is
// reported (EmulatedDevice turns the report into a test failure).
#include <jni.h>
#include <ucontext.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "cuda_emu.h"
#include "kernels.inc"

dim3 threadIdx;
dim3 blockIdx;
dim3 blockDim;
dim3 gridDim;

namespace {

typedef void (*Invoker)(void** params);

template <typename... A, std::size_t... I>
void call_with(void (*f)(A...), void** p, std::index_sequence<I...>) {
    f(*static_cast<std::remove_cv_t<std::remove_reference_t<A>>*>(p[I])...);
}

template <typename... A>
void call_all(void (*f)(A...), void** p) {
    call_with(f, p, std::index_sequence_for<A...>{});
}

template <typename... A>
constexpr int arity(void (*)(A...)) {
    return sizeof...(A);
}

struct Entry {
    Invoker invoke;
    int params;
};

std::map<std::string, Entry>& registry() {
    static std::map<std::string, Entry> r;
    return r;
}

#define EMU_KERNEL(k) registry()[#k] = Entry{[](void** p) { call_all(&k, p); }, arity(&k)};

void register_all() {
#include "registry.inc"
}

// ---- fibers ---------------------------------------------------------------------------------
//
// On x86-64 a fiber switch is six pushes, a stack swap and six pops (emu_switch below): glibc's
// swapcontext also saves the signal mask with a system call, which made the training-step tests
// take minutes. Elsewhere, ucontext.

const std::size_t STACK_BYTES = 256 * 1024;
enum State { RUNNABLE, AT_BARRIER, DONE };

struct Fiber {
    void* sp;
    ucontext_t ctx;
    dim3 idx;
    State state;
};

std::vector<Fiber> fibers;
std::vector<char*> stacks;
Fiber* current = nullptr;
bool direct = false;
Invoker invoker;
void** params;

#if defined(__x86_64__)
extern "C" void emu_switch(void** save_sp, void* load_sp);
asm(R"(
    .text
    .globl emu_switch
    .type emu_switch, @function
emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_switch, .-emu_switch
)");
void* scheduler_sp;
#else
ucontext_t scheduler;
#endif

void to_scheduler() {
#if defined(__x86_64__)
    emu_switch(&current->sp, scheduler_sp);
#else
    swapcontext(&current->ctx, &scheduler);
#endif
}

[[noreturn]] void fiber_main() {
    invoker(params);
    current->state = DONE;
    to_scheduler();
    std::abort();  // a finished fiber is never resumed
}

void start_fiber(int t) {
    Fiber& f = fibers[t];
    f.idx = dim3{(unsigned) t, 0, 0};
    f.state = RUNNABLE;
#if defined(__x86_64__)
    // a stack that emu_switch "returns" from into fiber_main, aligned as after a call
    std::uintptr_t top = ((std::uintptr_t) (stacks[t] + STACK_BYTES)) & ~(std::uintptr_t) 15;
    void** sp = reinterpret_cast<void**>(top);
    *--sp = nullptr;                                         // fiber_main's return address (never used)
    *--sp = reinterpret_cast<void*>(&fiber_main);             // where emu_switch's ret goes
    for (int r = 0; r < 6; r++) {
        *--sp = nullptr;                                     // rbp, rbx, r12-r15
    }
    f.sp = sp;
#else
    getcontext(&f.ctx);
    f.ctx.uc_stack.ss_sp = stacks[t];
    f.ctx.uc_stack.ss_size = STACK_BYTES;
    f.ctx.uc_link = &scheduler;
    makecontext(&f.ctx, (void (*)()) fiber_main, 0);
#endif
}

void resume(int t) {
    Fiber& f = fibers[t];
    current = &f;
    threadIdx = f.idx;
#if defined(__x86_64__)
    emu_switch(&scheduler_sp, f.sp);
#else
    swapcontext(&scheduler, &f.ctx);
#endif
    current = nullptr;
}

void run_block(int threads) {
    while ((int) stacks.size() < threads) {
        stacks.push_back(static_cast<char*>(std::malloc(STACK_BYTES)));
        fibers.emplace_back();
    }
    start_fiber(0);
    resume(0);
    if (fibers[0].state == DONE) {
        // no barrier in this kernel (for this block): the other threads as plain calls
        direct = true;
        for (int t = 1; t < threads; t++) {
            threadIdx = dim3{(unsigned) t, 0, 0};
            invoker(params);
        }
        direct = false;
        threadIdx = dim3{0, 0, 0};
        return;
    }
    for (int t = 1; t < threads; t++) {
        start_fiber(t);
        resume(t);
    }
    for (int phase = 1;; phase++) {
        int waiting = 0;
        int done = 0;
        for (int t = 0; t < threads; t++) {
            waiting += fibers[t].state == AT_BARRIER;
            done += fibers[t].state == DONE;
        }
        if (waiting == 0) {
            break;
        }
        if (done > 0) {
            throw std::runtime_error("divergent __syncthreads: " + std::to_string(done) + " threads finished while "
                                     + std::to_string(waiting) + " wait at a barrier");
        }
        for (int t = 0; t < threads; t++) {
            fibers[t].state = RUNNABLE;
        }
        for (int i = 0; i < threads; i++) {
            resume(phase % 2 == 1 ? threads - 1 - i : i);
        }
    }
}

// ---- memory ---------------------------------------------------------------------------------

const std::size_t GUARD = 256;
const unsigned char PATTERN = 0xCD;
std::map<std::uintptr_t, std::size_t> blocks;

}  // namespace

void emu_syncthreads() {
    if (direct) {
        throw std::runtime_error("divergent __syncthreads: thread 0 of the block finished without reaching a barrier that thread "
                                 + std::to_string(threadIdx.x) + " reached");
    }
    current->state = AT_BARRIER;
    to_scheduler();
}

// ---- JNI ------------------------------------------------------------------------------------

extern "C" {

JNIEXPORT jobjectArray JNICALL Java_org_lethe_kernels_cuda_EmulatedDevice_kernels(JNIEnv* env, jclass) {
    if (registry().empty()) {
        register_all();
    }
    jobjectArray out = env->NewObjectArray((jsize) registry().size(), env->FindClass("java/lang/String"), nullptr);
    int i = 0;
    for (auto& e : registry()) {
        env->SetObjectArrayElement(out, i++, env->NewStringUTF(e.first.c_str()));
    }
    return out;
}

JNIEXPORT jlong JNICALL Java_org_lethe_kernels_cuda_EmulatedDevice_malloc0(JNIEnv*, jclass, jlong bytes) {
    std::size_t size = ((std::size_t) bytes + 255) / 256 * 256;
    unsigned char* p = static_cast<unsigned char*>(std::aligned_alloc(256, size + GUARD));
    if (p == nullptr) {
        return 0;
    }
    // poison the block (kernels must not read what they did not write) and fill the guard
    std::memset(p, 0xFF, size);
    std::memset(p + size, PATTERN, GUARD);
    blocks[(std::uintptr_t) p] = size;
    return (jlong) (std::uintptr_t) p;
}

JNIEXPORT jstring JNICALL Java_org_lethe_kernels_cuda_EmulatedDevice_free0(JNIEnv* env, jclass, jlong address) {
    auto it = blocks.find((std::uintptr_t) address);
    if (it == blocks.end()) {
        return env->NewStringUTF("free of an address that was not allocated");
    }
    unsigned char* p = reinterpret_cast<unsigned char*>(address);
    std::size_t size = it->second;
    for (std::size_t i = 0; i < GUARD; i++) {
        if (p[size + i] != PATTERN) {
            char msg[160];
            std::snprintf(msg, sizeof msg, "a kernel wrote %zu bytes past the end of a block of %zu bytes", i, size);
            blocks.erase(it);
            std::free(p);
            return env->NewStringUTF(msg);
        }
    }
    blocks.erase(it);
    std::free(p);
    return nullptr;
}

JNIEXPORT void JNICALL Java_org_lethe_kernels_cuda_EmulatedDevice_memset32(JNIEnv*, jclass, jlong address, jint value, jlong count) {
    std::uint32_t* p = reinterpret_cast<std::uint32_t*>(address);
    for (jlong i = 0; i < count; i++) {
        p[i] = (std::uint32_t) value;
    }
}

JNIEXPORT void JNICALL Java_org_lethe_kernels_cuda_EmulatedDevice_putFloats(JNIEnv* env, jclass, jlong dst, jfloatArray src, jint off,
                                                                           jint n) {
    env->GetFloatArrayRegion(src, off, n, reinterpret_cast<jfloat*>(dst));
}

JNIEXPORT void JNICALL Java_org_lethe_kernels_cuda_EmulatedDevice_putDoubles(JNIEnv* env, jclass, jlong dst, jdoubleArray src,
                                                                            jint off, jint n) {
    env->GetDoubleArrayRegion(src, off, n, reinterpret_cast<jdouble*>(dst));
}

JNIEXPORT void JNICALL Java_org_lethe_kernels_cuda_EmulatedDevice_putInts(JNIEnv* env, jclass, jlong dst, jintArray src, jint off,
                                                                         jint n) {
    env->GetIntArrayRegion(src, off, n, reinterpret_cast<jint*>(dst));
}

JNIEXPORT void JNICALL Java_org_lethe_kernels_cuda_EmulatedDevice_getFloats(JNIEnv* env, jclass, jlong src, jfloatArray dst, jint off,
                                                                           jint n) {
    env->SetFloatArrayRegion(dst, off, n, reinterpret_cast<const jfloat*>(src));
}

JNIEXPORT void JNICALL Java_org_lethe_kernels_cuda_EmulatedDevice_getDoubles(JNIEnv* env, jclass, jlong src, jdoubleArray dst,
                                                                            jint off, jint n) {
    env->SetDoubleArrayRegion(dst, off, n, reinterpret_cast<const jdouble*>(src));
}

// Runs a kernel: params holds each parameter's bytes at offsets[i] (16-byte aligned), as
// cuLaunchKernel's kernelParams point at them. Returns null, or what went wrong.
JNIEXPORT jstring JNICALL Java_org_lethe_kernels_cuda_EmulatedDevice_launch0(JNIEnv* env, jclass, jstring kernel, jint gx, jint gy,
                                                                           jint gz, jint block, jbyteArray packed,
                                                                           jintArray offsets) {
    if (registry().empty()) {
        register_all();
    }
    const char* name = env->GetStringUTFChars(kernel, nullptr);
    std::string k(name);
    env->ReleaseStringUTFChars(kernel, name);
    auto it = registry().find(k);
    if (it == registry().end()) {
        return env->NewStringUTF(("no kernel named " + k).c_str());
    }
    jsize count = env->GetArrayLength(offsets);
    if (count != it->second.params) {
        return env->NewStringUTF((k + " takes " + std::to_string(it->second.params) + " parameters, the launch passed "
                                  + std::to_string(count)).c_str());
    }
    if (block < 1 || block > 1024 || gx < 1 || gy < 1 || gz < 1 || gy > 65535 || gz > 65535) {
        return env->NewStringUTF(("invalid launch configuration for " + k).c_str());
    }
    jsize bytes = env->GetArrayLength(packed);
    std::vector<std::max_align_t> storage((std::size_t) bytes / sizeof(std::max_align_t) + 1);
    env->GetByteArrayRegion(packed, 0, bytes, reinterpret_cast<jbyte*>(storage.data()));
    std::vector<jint> off((std::size_t) count);
    env->GetIntArrayRegion(offsets, 0, count, off.data());
    std::vector<void*> ptrs((std::size_t) count);
    for (jsize i = 0; i < count; i++) {
        ptrs[(std::size_t) i] = reinterpret_cast<char*>(storage.data()) + off[(std::size_t) i];
    }
    invoker = it->second.invoke;
    params = ptrs.data();
    gridDim = dim3{(unsigned) gx, (unsigned) gy, (unsigned) gz};
    blockDim = dim3{(unsigned) block, 1, 1};
    try {
        for (unsigned z = 0; z < gridDim.z; z++) {
            for (unsigned y = 0; y < gridDim.y; y++) {
                for (unsigned x = 0; x < gridDim.x; x++) {
                    blockIdx = dim3{x, y, z};
                    run_block(block);
                }
            }
        }
    } catch (const std::exception& e) {
        direct = false;
        return env->NewStringUTF((k + ": " + e.what()).c_str());
    }
    return nullptr;
}

}  // extern "C"
