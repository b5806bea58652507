//! kubeplay: a Kubernetes Services playground. Everything outside `ui` is a
//! deterministic simulation in plain Rust; see ARCHITECTURE.md.

// Table rows and grouped endpoints are clearer spelled out than behind aliases.
#![allow(clippy::type_complexity)]

pub mod api;
pub mod cluster;
pub mod dns;
pub mod manifest;
pub mod net;
pub mod scenario;
pub mod sort;
pub mod term;

#[cfg(target_arch = "wasm32")]
pub mod ui;

// Native builds (tests, `replay`, benchmarks) allocate with mimalloc: glibc's malloc spent
// a third of the settle benchmark's instructions in its free lists, because k8s-openapi's
// Container, Pod and Volume are 2-3 KB each and every write mixes them with many small
// blocks (callgrind: 208 M -> 163 M instructions). The wasm build keeps Rust's default
// allocator; cargo-fuzz builds (`--cfg fuzzing`) keep the system one, which AddressSanitizer
// instruments.
#[cfg(not(any(target_arch = "wasm32", fuzzing)))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keeps the memory this process frees for its next allocations instead of returning it to
/// the OS a second later (mimalloc's `purge_delay` set to -1; v3's options.c default is
/// 1000 ms), the way the page's WebAssembly memory behaves: it only grows. The benchmarks call it first, so an iteration does not
/// fault in (and the kernel zero) the pages the previous iteration's cluster freed - perf
/// showed 15% of the settle example's time in the kernel's clear_page for those faults.
#[cfg(not(any(target_arch = "wasm32", fuzzing)))]
pub fn keep_freed_memory() {
    // mimalloc.h's mi_option_e (v3, which libmimalloc-sys builds): mi_option_purge_delay.
    const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
    extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // SAFETY: sets one option in mimalloc's option table (an atomic store); any value is
    // valid and it may be called at any time.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

#[cfg(all(test, not(any(target_arch = "wasm32", fuzzing))))]
mod allocator_tests {
    extern "C" {
        fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
    }

    #[test]
    fn keep_freed_memory_sets_mimallocs_purge_delay() {
        // SAFETY: reads one option (15 = mi_option_purge_delay in mimalloc.h).
        let before = unsafe { mi_option_get(15) };
        // mimalloc v3's default in options.c (1000 ms) proves 15 is the purge delay's number.
        assert_eq!(before, 1000);
        super::keep_freed_memory();
        assert_eq!(unsafe { mi_option_get(15) }, -1);
    }
}
