//! A thin layer over k8s-openapi: resource types, the stored `Object`, label selectors.

pub mod event;
pub mod kinds;
pub mod names;
pub mod object;
pub mod selector;

pub use kinds::ResourceType;
pub use object::{GenericObject, Object};
pub use selector::{Labels, Requirement, Selector};
