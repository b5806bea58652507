//! The Yew app (wasm32 only).
