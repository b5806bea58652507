//! See ARCHITECTURE.md.
pub mod transcript;
