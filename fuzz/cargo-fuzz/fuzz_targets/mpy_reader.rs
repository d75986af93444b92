#![no_main]
//! libFuzzer entry for the `mpy_reader` target; the checks live in `fuzz::targets::mpy_reader`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz::targets::mpy_reader(data);
});
