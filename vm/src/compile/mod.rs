//! The compiler: AST to MicroPython 1.29 bytecode, byte-identical to `mpy-cross`.
//!
//! As in `py/compile.c`, every scope (module, class, function, lambda, comprehension) is
//! walked once to find its identifiers (creating nested scopes as it meets them), then once
//! all scopes are known their locals are numbered, and each scope is walked again to drive an
//! [`emit::Emitter`] with the final operation stream.

mod bytecode_emitter;
pub mod emit;
mod expr;
pub mod scope;
mod stmt;
mod tables;

#[cfg(test)]
mod tests;

use crate::ast::{self, Name};
use crate::error::{CompileError, ErrorKind};
use crate::rawcode::{CodeKind, CompiledModule, NativeArch, RawCode};
use bytecode_emitter::{assemble, BytecodeEmitter, PreludeInfo, Recording};
use emit::{BreakTarget, Emitter, Label, Pass};
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
    if opts.emit != EmitKind::Bytecode {
        return Err(native_not_available());
    }
    let mut tables = ModuleTables::new(source_file);
    let mut scopes = vec![Scope::new(
        ScopeKind::Module,
        None,
        ScopeNode::Module(&module.body),
        Name::from("<module>"),
        EmitOption::Bytecode,
    )];

    // Scope pass over every scope, in creation order (nested scopes are appended as found).
    let mut sid = 0;
    while sid < scopes.len() {
        let mut emitter = BytecodeEmitter::new(&mut tables, opts.records_lines());
        let scope_name = scopes[sid].simple_name.clone();
        let mut comp = Compiler::new(&mut scopes, sid, Pass::Scope, &mut emitter, opts);
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

    let mut fun_data: Vec<Option<(Vec<u8>, Vec<ScopeId>)>> = vec![None; scopes.len()];
    for sid in 0..scopes.len() {
        if scopes[sid].emit_option != EmitOption::Bytecode {
            return Err(native_not_available());
        }
        let mut emitter = BytecodeEmitter::new(&mut tables, opts.records_lines());
        let scope_name = scopes[sid].simple_name.clone();
        let n_labels = {
            let mut comp = Compiler::new(&mut scopes, sid, Pass::Emit, &mut emitter, opts);
            comp.compile_scope().map_err(|e| e.in_scope(&scope_name))?;
            comp.next_label as usize
        };
        let rec: Recording = emitter.finish(n_labels);
        let prelude = PreludeInfo::new(&scopes[sid], rec.stack_size, &mut tables);
        fun_data[sid] = Some((assemble(&rec, &prelude), rec.children.clone()));
    }

    let root = build_raw_code(&mut fun_data, 0);
    Ok(CompiledModule {
        qstrs: tables.qstrs,
        objs: tables.objs,
        root,
        arch: NativeArch::None,
        arch_flags: 0,
        small_int_bits: opts.small_int_bits,
    })
}

/// Tokenizes, parses and compiles `source` (mpy-cross's whole front end).
pub fn compile_source(
    source: &str,
    source_file: &str,
    opts: &CompileOptions,
) -> CResult<CompiledModule> {
    let parse_opts = crate::parser::ParseOptions {
        opt_level: opts.opt_level,
        small_int_bits: opts.small_int_bits,
        known_qstrs: vec![source_file.to_owned()],
    };
    let module = crate::parser::parse(source, opts.mode, &parse_opts)?;
    compile_module(&module, source_file, opts)
}

fn build_raw_code(fun_data: &mut [Option<(Vec<u8>, Vec<ScopeId>)>], sid: ScopeId) -> RawCode {
    let (data, children) = fun_data[sid].take().unwrap_or_default();
    RawCode {
        kind: CodeKind::Bytecode,
        fun_data: data,
        native: None,
        children: children
            .into_iter()
            .map(|c| build_raw_code(fun_data, c))
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
pub(crate) struct Compiler<'c, 'a, E: Emitter> {
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
}

impl<'c, 'a, E: Emitter> Compiler<'c, 'a, E> {
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
