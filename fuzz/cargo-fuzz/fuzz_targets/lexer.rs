#![no_main]
//! libFuzzer entry for the `lexer` target; the checks live in `fuzz::targets::lexer`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz::targets::lexer(data);
});
