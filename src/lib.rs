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
