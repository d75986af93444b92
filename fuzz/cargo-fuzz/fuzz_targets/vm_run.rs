#![no_main]
//! libFuzzer entry for the `vm_run` target; the checks live in `fuzz::targets::vm_run`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz::targets::vm_run(data);
});
