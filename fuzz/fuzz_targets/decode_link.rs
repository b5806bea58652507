//! cargo-fuzz target: see fuzz/harness.rs (`make fuzz TARGET=decode_link`).
#![no_main]

include!("../harness.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    decode_link(data);
});
