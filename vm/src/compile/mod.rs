//! The compiler: AST to MicroPython 1.29 bytecode, byte-identical to `mpy-cross`.
//!
//! As in `py/compile.c`, every scope (module, class, function, lambda, comprehension) is
//! walked once to find its identifiers (creating nested scopes as it meets them), then once
//! all scopes are known their locals are numbered, and each scope is walked again to drive an
//! [`emit::Emitter`] with the final operation stream.

mod bytecode_emitter;
pub mod emit;
mod expr;
pub mod native;
pub mod scope;
mod stmt;
mod tables;

#[cfg(test)]
mod tests;

use crate::ast::{self, Name};
use crate::error::{CompileError, ErrorKind};
use crate::rawcode::{CodeKind, CompiledModule, MachineCode, NativeArch, NativeSection, RawCode};
use bytecode_emitter::{assemble, BytecodeEmitter, PreludeInfo, Recording};
use emit::{BreakTarget, Emitter, Label, Pass};
use native::NativeBackend;
use scope::{EmitOption, Scope, ScopeId, ScopeKind, ScopeNode};
use tables::ModuleTables;

pub use crate::parser::InputMode;

/// Which emitter generates the module's code by default (`-X emit=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmitKind {
    #[default]
    Bytecode,
    Native,
    Viper,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompileOptions {
    /// `-O` level: 1 and above drop `assert`, 3 and above drop line numbers.
    pub opt_level: u8,
    /// Bits in a small int on the target (31 for mpy-cross's default).
    pub small_int_bits: u8,
    pub mode: InputMode,
    pub emit: EmitKind,
    /// Record line numbers (`-X no-source-lines` clears it; `-O3` drops them anyway).
    pub source_lines: bool,
}

impl CompileOptions {
    /// Whether the code-info tables get line numbers.
    fn records_lines(&self) -> bool {
        self.opt_level < 3 && self.source_lines
    }
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            opt_level: 0,
            small_int_bits: 31,
            mode: InputMode::File,
            emit: EmitKind::Bytecode,
            source_lines: true,
        }
    }
}

type CResult<T = ()> = Result<T, CompileError>;

/// Compiles a parsed module. `source_file` becomes qstr 0, as mpy-cross records it.
pub fn compile_module(
    module: &ast::Module,
    source_file: &str,
    opts: &CompileOptions,
) -> CResult<CompiledModule> {
    compile_module_with(module, source_file, opts, None)
}

/// Compiles a parsed module, sending `@native` and `@viper` scopes (and every scope under
/// `-X emit=native|viper`) through `backend`; without one they are refused.
pub fn compile_module_with(
    module: &ast::Module,
    source_file: &str,
    opts: &CompileOptions,
    backend: Option<&dyn NativeBackend>,
) -> CResult<CompiledModule> {
    let module_option = match (opts.emit, backend) {
        (EmitKind::Bytecode, _) => EmitOption::Bytecode,
        (_, None) => return Err(native_not_available()),
        (EmitKind::Native, Some(_)) => EmitOption::NativePython,
        (EmitKind::Viper, Some(_)) => EmitOption::Viper,
    };
    let mut tables = ModuleTables::new(source_file);
    let mut scopes = vec![Scope::new(
        ScopeKind::Module,
        None,
        ScopeNode::Module(&module.body),
        Name::from("<module>"),
        module_option,
    )];

    // Scope pass over every scope, in creation order (nested scopes are appended as found).
    let mut sid = 0;
    while sid < scopes.len() {
        let mut emitter = BytecodeEmitter::new(&mut tables, opts.records_lines());
        let scope_name = scopes[sid].simple_name.clone();
        let mut comp = Compiler::new(&mut scopes, sid, Pass::Scope, &mut emitter, opts);
        comp.native_available = backend.is_some();
        comp.compile_scope().map_err(|e| e.in_scope(&scope_name))?;
        for i in 0..scopes[sid].ids.len() {
            if scopes[sid].ids[i].kind == scope::IdKind::GlobalImplicit {
                scope::check_to_close_over(&mut scopes, sid, i);
            }
        }
        sid += 1;
    }
    for sid in 0..scopes.len() {
        scope::compute_locals(&mut scopes, sid);
    }

    let mut codes: Vec<Option<ScopeCode>> = vec![None; scopes.len()];
    for sid in 0..scopes.len() {
        let scope_name = scopes[sid].simple_name.clone();
        let code = match (scopes[sid].emit_option, backend) {
            (EmitOption::Bytecode, _) => {
                compile_bytecode_scope(&mut scopes, sid, &mut tables, opts, backend.is_some())
            }
            (option @ (EmitOption::NativePython | EmitOption::Viper), Some(backend)) => {
                compile_native_scope(&mut scopes, sid, &mut tables, opts, backend, option)
            }
            _ => Err(native_not_available()),
        };
        codes[sid] = Some(code.map_err(|e| e.in_scope(&scope_name))?);
    }

    let root = build_raw_code(&mut codes, 0);
    Ok(CompiledModule {
        qstrs: tables.qstrs,
        objs: tables.objs,
        root,
        arch: NativeArch::None,
        arch_flags: 0,
        small_int_bits: opts.small_int_bits,
    })
}

/// What the emit pass made of one scope, before the raw-code tree is assembled.
#[derive(Clone)]
struct ScopeCode {
    kind: CodeKind,
    fun_data: Vec<u8>,
    native: Option<NativeSection>,
    children: Vec<ScopeId>,
}

fn compile_bytecode_scope(
    scopes: &mut Vec<Scope>,
    sid: ScopeId,
    tables: &mut ModuleTables,
    opts: &CompileOptions,
    native_available: bool,
) -> CResult<ScopeCode> {
    let mut emitter = BytecodeEmitter::new(tables, opts.records_lines());
    let n_labels = {
        let mut comp = Compiler::new(scopes, sid, Pass::Emit, &mut emitter, opts);
        comp.native_available = native_available;
        comp.compile_scope()?;
        comp.next_label as usize
    };
    let rec: Recording = emitter.finish(n_labels);
    let prelude = PreludeInfo::new(&scopes[sid], rec.stack_size, tables);
    Ok(ScopeCode {
        kind: CodeKind::Bytecode,
        fun_data: assemble(&rec, &prelude),
        native: None,
        children: rec.children,
    })
}

/// A native or viper scope: machine code from the backend. For host code `fun_data` is the
/// bytecode prelude alone (signature, name, argument names), which MicroPython's native code
/// carries too and the VM reads for the function's name and argument binding; device code
/// is the `fun_data` a native `.mpy` stores, as the backend laid it out.
fn compile_native_scope(
    scopes: &mut Vec<Scope>,
    sid: ScopeId,
    tables: &mut ModuleTables,
    opts: &CompileOptions,
    backend: &dyn NativeBackend,
    option: EmitOption,
) -> CResult<ScopeCode> {
    let (code, children) = {
        let mut emitter = backend.new_emitter(option, tables);
        let mut comp = Compiler::new(scopes, sid, Pass::Emit, &mut *emitter, opts);
        comp.native_available = true;
        comp.compile_scope()?;
        emitter.finish()?
    };
    let kind = match option {
        EmitOption::Viper => CodeKind::NativeViper,
        _ => CodeKind::NativePy,
    };
    let (fun_data, native) = match code {
        MachineCode::Host(host) => {
            let prelude = PreludeInfo::new(&scopes[sid], 0, tables);
            let section = NativeSection {
                host: Some(host),
                ..NativeSection::default()
            };
            (assemble(&Recording::default(), &prelude), section)
        }
        MachineCode::Device {
            fun_data,
            prelude_offset,
        } => {
            let section = NativeSection {
                prelude_offset,
                ..NativeSection::default()
            };
            (fun_data, section)
        }
    };
    Ok(ScopeCode {
        kind,
        fun_data,
        native: Some(native),
        children,
    })
}

/// Tokenizes, parses and compiles `source` (mpy-cross's whole front end).
pub fn compile_source(
    source: &str,
    source_file: &str,
    opts: &CompileOptions,
) -> CResult<CompiledModule> {
    compile_source_with(source, source_file, opts, None)
}

/// [`compile_source`] with a native backend (see [`compile_module_with`]).
pub fn compile_source_with(
    source: &str,
    source_file: &str,
    opts: &CompileOptions,
    backend: Option<&dyn NativeBackend>,
) -> CResult<CompiledModule> {
    let parse_opts = crate::parser::ParseOptions {
        opt_level: opts.opt_level,
        small_int_bits: opts.small_int_bits,
        known_qstrs: vec![source_file.to_owned()],
    };
    let module = crate::parser::parse(source, opts.mode, &parse_opts)?;
    compile_module_with(&module, source_file, opts, backend)
}

fn build_raw_code(codes: &mut [Option<ScopeCode>], sid: ScopeId) -> RawCode {
    let code = codes[sid].take().expect("every scope is compiled once");
    RawCode {
        kind: code.kind,
        fun_data: code.fun_data,
        native: code.native,
        children: code
            .children
            .into_iter()
            .map(|c| build_raw_code(codes, c))
            .collect(),
    }
}

fn native_not_available() -> CompileError {
    CompileError::new(
        ErrorKind::NotImplementedError,
        "native code emission is not available yet",
        0,
    )
}

/// Compiler state for one pass over one scope (`compiler_t`).
pub(crate) struct Compiler<'c, 'a, E: Emitter + ?Sized> {
    scopes: &'c mut Vec<Scope<'a>>,
    cur: ScopeId,
    pass: Pass,
    emit: &'c mut E,
    opts: &'c CompileOptions,
    next_label: Label,
    break_label: Option<BreakTarget>,
    continue_label: Option<Label>,
    cur_except_level: u16,
    break_continue_except_level: u16,
    have_star: bool,
    num_dict_params: u32,
    num_default_params: u32,
    /// In the emit pass, how many of this scope's child scopes have been met so far.
    child_cursor: usize,
    /// Line of the innermost statement, for errors on nodes that carry no line of their own.
    stmt_line: u32,
    /// Whether `@micropython.native` / `@micropython.viper` have a backend to compile them.
    native_available: bool,
}

impl<'c, 'a, E: Emitter + ?Sized> Compiler<'c, 'a, E> {
    fn new(
        scopes: &'c mut Vec<Scope<'a>>,
        cur: ScopeId,
        pass: Pass,
        emit: &'c mut E,
        opts: &'c CompileOptions,
    ) -> Self {
        Compiler {
            scopes,
            cur,
            pass,
            emit,
            opts,
            next_label: 0,
            break_label: None,
            continue_label: None,
            cur_except_level: 0,
            break_continue_except_level: 0,
            have_star: false,
            num_dict_params: 0,
            num_default_params: 0,
            child_cursor: 0,
            stmt_line: 0,
            native_available: false,
        }
    }

    fn scope(&self) -> &Scope<'a> {
        &self.scopes[self.cur]
    }

    fn scope_mut(&mut self) -> &mut Scope<'a> {
        &mut self.scopes[self.cur]
    }

    fn next_label(&mut self) -> Label {
        let l = self.next_label;
        self.next_label += 1;
        l
    }

    fn syntax_error(&self, message: &str, line: u32) -> CompileError {
        let line = if line == 0 { self.stmt_line } else { line };
        CompileError::syntax(message, line)
    }

    /// The scope for a nested definition: created in the scope pass, looked up in order after.
    fn child_scope(
        &mut self,
        kind: ScopeKind,
        node: ScopeNode<'a>,
        name: Name,
        emit_option: EmitOption,
    ) -> ScopeId {
        match self.pass {
            Pass::Scope => {
                let id = self.scopes.len();
                self.scopes
                    .push(Scope::new(kind, Some(self.cur), node, name, emit_option));
                self.scope_mut().children.push(id);
                id
            }
            Pass::Emit => {
                let id = self.scope().children[self.child_cursor];
                self.child_cursor += 1;
                id
            }
        }
    }
}
