//! See ARCHITECTURE.md.
pub mod shell;
pub mod tools;
