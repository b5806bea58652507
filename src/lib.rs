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
