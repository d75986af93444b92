#![no_main]
//! libFuzzer entry for the `native_compile` target; the checks live in
//! `fuzz::targets::native_compile`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz::targets::native_compile(data);
});
