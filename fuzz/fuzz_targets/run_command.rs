//! cargo-fuzz target: see fuzz/harness.rs (`make fuzz TARGET=run_command`).
#![no_main]

include!("../harness.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    run_command(data);
});
