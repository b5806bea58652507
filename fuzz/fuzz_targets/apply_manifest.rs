//! cargo-fuzz target: see fuzz/harness.rs (`make fuzz TARGET=apply_manifest`).
#![no_main]

include!("../harness.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    apply_manifest(data);
});
