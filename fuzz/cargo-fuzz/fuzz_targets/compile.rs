#![no_main]
//! libFuzzer entry for the `compile` target; the checks live in `fuzz::targets::compile`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz::targets::compile(data);
});
