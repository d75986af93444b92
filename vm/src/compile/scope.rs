//! Scopes and identifiers, as `py/scope.c` and the scope parts of `py/compile.c` decide them:
//! which names are locals, cells, frees or globals, and the slot number of each local.

use crate::ast::Arguments;
use crate::ast::{ClassDef, Comprehension, Expr, FunctionDef, Name, Stmt};

/// Index of a scope in the compiler's scope list (creation order, module first).
pub type ScopeId = usize;

/// `scope_kind_t`, in MicroPython's order: the order matters for the "function-like" test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScopeKind {
    Module,
    Class,
    Lambda,
    ListComp,
    DictComp,
    SetComp,
    GenExpr,
    Function,
}

impl ScopeKind {
    /// Functions, lambdas and comprehensions: scopes whose assigned names are locals.
    pub fn is_func_like(self) -> bool {
        self >= ScopeKind::Lambda
    }

    pub fn is_comp_like(self) -> bool {
        matches!(
            self,
            ScopeKind::ListComp | ScopeKind::DictComp | ScopeKind::SetComp | ScopeKind::GenExpr
        )
    }
}

/// `id_info_kind_t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Undecided,
    GlobalImplicit,
    GlobalImplicitAssigned,
    GlobalExplicit,
    Local,
    Cell,
    Free,
}

pub const ID_FLAG_IS_PARAM: u8 = 0x01;
pub const ID_FLAG_IS_STAR_PARAM: u8 = 0x02;
pub const ID_FLAG_IS_DBL_STAR_PARAM: u8 = 0x04;

/// `MP_SCOPE_FLAG_*` bits that end up in the bytecode prelude.
pub const SCOPE_FLAG_GENERATOR: u16 = 0x01;
pub const SCOPE_FLAG_VARKEYWORDS: u16 = 0x02;
pub const SCOPE_FLAG_VARARGS: u16 = 0x04;
pub const SCOPE_FLAG_DEFKWARGS: u16 = 0x08;

#[derive(Debug, Clone)]
pub struct IdInfo {
    pub kind: IdKind,
    pub flags: u8,
    /// Slot of a local, or closure index of a cell/free variable.
    pub local_num: u16,
    pub name: Name,
}

/// How a scope's code is to be generated (`MP_EMIT_OPT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmitOption {
    Bytecode,
    NativePython,
    Viper,
    Asm,
}

/// The syntax a scope compiles.
#[derive(Debug, Clone, Copy)]
pub enum ScopeNode<'a> {
    Module(&'a [Stmt]),
    Function(&'a FunctionDef),
    Class(&'a ClassDef),
    Lambda {
        args: &'a Arguments,
        body: &'a Expr,
        line: u32,
    },
    Comprehension {
        elt: CompElement<'a>,
        generators: &'a [Comprehension],
        line: u32,
    },
}

/// What a comprehension produces per iteration.
#[derive(Debug, Clone, Copy)]
pub enum CompElement<'a> {
    Value(&'a Expr),
    KeyValue(&'a Expr, &'a Expr),
}

#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    pub node: ScopeNode<'a>,
    pub simple_name: Name,
    pub flags: u16,
    pub emit_option: EmitOption,
    pub num_pos_args: u16,
    pub num_kwonly_args: u16,
    pub num_def_pos_args: u16,
    pub num_locals: u16,
    pub exc_stack_size: u16,
    pub ids: Vec<IdInfo>,
    /// Scopes created while compiling this one, in the order the compiler meets them.
    pub children: Vec<ScopeId>,
}

impl<'a> Scope<'a> {
    pub fn new(
        kind: ScopeKind,
        parent: Option<ScopeId>,
        node: ScopeNode<'a>,
        simple_name: Name,
        emit_option: EmitOption,
    ) -> Self {
        Scope {
            kind,
            parent,
            node,
            simple_name,
            flags: 0,
            emit_option,
            num_pos_args: 0,
            num_kwonly_args: 0,
            num_def_pos_args: 0,
            num_locals: 0,
            exc_stack_size: 0,
            ids: Vec::new(),
            children: Vec::new(),
        }
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.ids.iter().position(|id| &*id.name == name)
    }

    /// `scope_find_or_add_id`: the index of `name`, added with `kind` if it is new.
    pub fn find_or_add(&mut self, name: &Name, kind: IdKind) -> usize {
        if let Some(i) = self.find(name) {
            return i;
        }
        self.ids.push(IdInfo {
            kind,
            flags: 0,
            local_num: 0,
            name: name.clone(),
        });
        self.ids.len() - 1
    }

    /// `mp_emit_common_get_id_for_modification`: a name being bound in this scope.
    pub fn id_for_modification(&mut self, name: &Name) -> usize {
        let i = self.find_or_add(name, IdKind::GlobalImplicit);
        let id = &mut self.ids[i];
        if id.kind == IdKind::GlobalImplicit {
            id.kind = if self.kind.is_func_like() {
                IdKind::Local
            } else {
                IdKind::GlobalImplicitAssigned
            };
        }
        i
    }
}

/// `scope_find_global`: the id of `name` in the module scope.
fn find_global(scopes: &[Scope], mut scope: ScopeId, name: &str) -> Option<(ScopeId, usize)> {
    while let Some(parent) = scopes[scope].parent {
        scope = parent;
    }
    scopes[scope].find(name).map(|i| (scope, i))
}

/// Marks `name` explicitly global, in `scope` and in the module scope if it is known there.
pub fn mark_global_explicit(scopes: &mut [Scope], scope: ScopeId, name: &str) {
    if let Some((s, i)) = find_global(scopes, scope, name) {
        scopes[s].ids[i].kind = IdKind::GlobalExplicit;
    }
}

/// `scope_close_over_in_parents`: walk up from `scope` marking `name` free until the scope that
/// owns it, which turns it into a cell.
fn close_over_in_parents(scopes: &mut [Scope], scope: ScopeId, name: &Name) {
    let mut s = scopes[scope].parent;
    while let Some(sid) = s {
        let i = scopes[sid].find_or_add(name, IdKind::Undecided);
        let id = &mut scopes[sid].ids[i];
        match id.kind {
            IdKind::Undecided => id.kind = IdKind::Free,
            IdKind::Local => {
                id.kind = IdKind::Cell;
                return;
            }
            _ => return,
        }
        s = scopes[sid].parent;
    }
}

/// `scope_check_to_close_over`: if an enclosing function binds the name of id `index`, the id
/// becomes free here and the binding a cell there.
pub fn check_to_close_over(scopes: &mut [Scope], scope: ScopeId, index: usize) {
    let name = scopes[scope].ids[index].name.clone();
    let mut s = scopes[scope].parent;
    while let Some(sid) = s {
        if scopes[sid].parent.is_none() {
            break;
        }
        if let Some(i) = scopes[sid].find(&name) {
            if matches!(
                scopes[sid].ids[i].kind,
                IdKind::Local | IdKind::Cell | IdKind::Free
            ) {
                scopes[scope].ids[index].kind = IdKind::Free;
                close_over_in_parents(scopes, scope, &name);
            }
            break;
        }
        s = scopes[sid].parent;
    }
}

/// `scope_compute_things`: final id kinds and slot numbers once every scope has been walked.
pub fn compute_locals(scopes: &mut [Scope], sid: ScopeId) {
    let parent_ids: Option<Vec<IdInfo>> = scopes[sid].parent.map(|p| scopes[p].ids.clone());
    let scope = &mut scopes[sid];

    // MicroPython puts the `*args` parameter after all other parameters except `**kwargs`.
    if scope.flags & SCOPE_FLAG_VARARGS != 0 {
        let mut last_plain_param = None;
        for i in (0..scope.ids.len()).rev() {
            let flags = scope.ids[i].flags;
            if flags & ID_FLAG_IS_STAR_PARAM != 0 {
                if let Some(j) = last_plain_param {
                    scope.ids.swap(i, j);
                }
                break;
            } else if last_plain_param.is_none() && flags == ID_FLAG_IS_PARAM {
                last_plain_param = Some(i);
            }
        }
    }

    scope.num_locals = 0;
    let kind = scope.kind;
    for id in scope.ids.iter_mut() {
        if kind == ScopeKind::Class && &*id.name == "__class__" {
            // Not a local: if a method uses it, it becomes a cell.
            continue;
        }
        if kind.is_func_like() && id.kind == IdKind::GlobalImplicit {
            id.kind = IdKind::GlobalExplicit;
        }
        // Parameters keep their slot even when they are cells.
        if id.kind == IdKind::Local || id.flags & ID_FLAG_IS_PARAM != 0 {
            id.local_num = scope.num_locals;
            scope.num_locals += 1;
        }
    }

    // Cells come right after the fast locals.
    for id in scope.ids.iter_mut() {
        if id.kind == IdKind::Cell && id.flags & ID_FLAG_IS_PARAM == 0 {
            id.local_num = scope.num_locals;
            scope.num_locals += 1;
        }
    }

    // Free variables come first of all, in the order of the parent scope.
    if let Some(parent_ids) = parent_ids {
        let mut num_free = 0u16;
        for pid in &parent_ids {
            if matches!(pid.kind, IdKind::Cell | IdKind::Free) {
                for id in scope.ids.iter_mut() {
                    if id.kind == IdKind::Free && id.name == pid.name {
                        id.local_num = num_free;
                        num_free += 1;
                    }
                }
            }
        }
        if num_free > 0 {
            for id in scope.ids.iter_mut() {
                if id.kind != IdKind::Free || id.flags & ID_FLAG_IS_PARAM != 0 {
                    id.local_num += num_free;
                }
            }
            scope.num_pos_args += num_free;
            scope.num_locals += num_free;
        }
    }
}
