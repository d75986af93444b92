//! The compile pipeline krait-cross drives: lexer, parser, compiler, each step reporting
//! errors under the file name MicroPython would use for it.

use super::args::Options;
use vm::compile::{compile_module, CompileOptions, EmitKind};
use vm::error::CompileError;
use vm::parser::{parse, InputMode, ParseOptions};
use vm::rawcode::CompiledModule;

/// A compile error with the file name its traceback names.
#[derive(Debug)]
pub struct Failure {
    pub error: CompileError,
    pub file: String,
}

impl Failure {
    /// The text MicroPython prints on stderr for this error.
    pub fn traceback(&self) -> String {
        self.error.traceback(&self.file)
    }
}

/// Compiles `source`, read from `input_name`, into a module whose qstr 0 is `source_name`.
///
/// mpy-cross reports lexer and parser errors under the input's own name and compiler errors
/// under the `-s` name, because the two stages are handed different names.
pub fn compile(
    source: &str,
    input_name: &str,
    source_name: &str,
    options: &Options,
) -> Result<CompiledModule, Failure> {
    let fail_as = |file: &str| {
        let file = file.to_owned();
        move |error| Failure { error, file }
    };
    let parse_options = ParseOptions {
        opt_level: options.opt_level,
        small_int_bits: options.small_int_bits,
        known_qstrs: vec![input_name.to_owned(), source_name.to_owned()],
    };
    let module = parse(source, InputMode::File, &parse_options).map_err(fail_as(input_name))?;
    let compile_options = CompileOptions {
        opt_level: options.opt_level,
        small_int_bits: options.small_int_bits,
        mode: InputMode::File,
        emit: EmitKind::Bytecode,
        source_lines: options.source_lines,
    };
    let mut compiled =
        compile_module(&module, source_name, &compile_options).map_err(fail_as(source_name))?;
    compiled.small_int_bits = options.small_int_bits;
    compiled.arch_flags = options.arch_flags;
    Ok(compiled)
}
