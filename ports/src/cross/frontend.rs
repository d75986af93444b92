//! The compile pipeline krait-cross drives: lexer, parser, compiler, each step reporting
//! errors under the file name MicroPython would use for it.

use super::arch::Arch;
use super::args::{Emit, Options};
use vm::compile::native::NativeBackend;
use vm::compile::{compile_module_with, CompileOptions, EmitKind};
use vm::error::CompileError;
use vm::parser::{parse, InputMode, ParseOptions};
use vm::rawcode::{CodeKind, CompiledModule, NativeArch, RawCode};

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
        emit: match options.emit {
            Emit::Bytecode => EmitKind::Bytecode,
            Emit::Native => EmitKind::Native,
            Emit::Viper => EmitKind::Viper,
        },
        source_lines: options.source_lines,
    };
    let arch = device_arch(options);
    let backend = arch.and_then(targets::device_backend);
    let mut compiled = compile_module_with(
        &module,
        source_name,
        &compile_options,
        backend.as_ref().map(|b| b as &dyn NativeBackend),
    )
    .map_err(fail_as(source_name))?;
    compiled.small_int_bits = options.small_int_bits;
    compiled.arch_flags = options.arch_flags;
    // As mpy-cross: the header names the architecture only when there is native code.
    if let Some(arch) = arch.filter(|_| has_native(&compiled.root)) {
        compiled.arch = arch;
    }
    Ok(compiled)
}

/// The `-march=` architecture when krait has a native target for it.
pub fn device_arch(options: &Options) -> Option<NativeArch> {
    match options.arch {
        Some(Arch::Machine(arch)) if targets::device_backend(arch).is_some() => Some(arch),
        _ => None,
    }
}

fn has_native(rc: &RawCode) -> bool {
    rc.kind != CodeKind::Bytecode || rc.children.iter().any(has_native)
}
