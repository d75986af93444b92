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

/// The qualified name of every raw code of the module `source` compiles to, in pre-order
/// (the module, `<module>`, first): `f`, `Class.method`, `outer.inner`, `f.<lambda>`.
///
/// Machine code carries no names, so the source is compiled again as bytecode, with the
/// `@micropython.native`/`viper` decorators made `@micropython.bytecode` (the same scopes, in
/// the same order), and each bytecode prelude's name is read. Raw codes where the two trees
/// differ anyway are named by their path in the tree (`raw_code_0_1`).
pub fn qualified_names(source: &str, options: &Options, compiled: &CompiledModule) -> Vec<String> {
    let as_bytecode: String = source
        .lines()
        .map(|line| {
            let code = line.trim_start();
            match code.strip_prefix("@micropython.") {
                Some("native" | "viper") => {
                    format!("{}@micropython.bytecode", &line[..line.len() - code.len()])
                }
                _ => line.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let bytecode_options = Options {
        emit: Emit::Bytecode,
        arch: None,
        ..options.clone()
    };
    let twin = compile(&as_bytecode, "<names>", "<names>", &bytecode_options).ok();
    let mut names = Vec::new();
    name_tree(
        &compiled.root,
        twin.as_ref().map(|m| (&m.root, &m.qstrs[..])),
        "raw_code_0",
        None,
        &mut names,
    );
    names
}

fn name_tree(
    rc: &RawCode,
    twin: Option<(&RawCode, &[std::rc::Rc<str>])>,
    path: &str,
    parent: Option<&str>,
    names: &mut Vec<String>,
) {
    let twin = twin.filter(|(t, _)| t.children.len() == rc.children.len());
    let simple = twin.and_then(|(t, qstrs)| {
        let prelude = vm::bytecode::decode::decode_prelude(&t.fun_data).ok()?;
        qstrs.get(prelude.simple_name).map(|q| q.to_string())
    });
    let name = match (parent, simple) {
        (None, _) => "<module>".to_owned(),
        (Some(""), Some(simple)) => simple,
        (Some(parent), Some(simple)) => format!("{parent}.{simple}"),
        (_, None) => path.to_owned(),
    };
    // The module's own name is not part of its functions' names.
    let prefix = if parent.is_none() { "" } else { name.as_str() };
    names.push(name.clone());
    for (i, child) in rc.children.iter().enumerate() {
        let child_twin = twin.map(|(t, q)| (&t.children[i], q));
        name_tree(
            child,
            child_twin,
            &format!("{path}_{i}"),
            Some(prefix),
            names,
        );
    }
}
