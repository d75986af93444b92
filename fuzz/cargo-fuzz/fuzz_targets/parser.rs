#![no_main]
//! libFuzzer entry for the `parser` target; the checks live in `fuzz::targets::parser`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz::targets::parser(data);
});
