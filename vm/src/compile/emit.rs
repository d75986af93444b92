//! The emitter interface: the stream of operations the compiler produces for one scope.
//!
//! It mirrors the method table of MicroPython's `py/emit.h`, so that every backend (the bytecode
//! emitter here, the native emitters of a later issue) receives exactly the operations, in
//! exactly the order, that `py/compile.c` would hand to its emitters.

use super::scope::{Scope, ScopeId, ScopeKind};
use crate::ast::Name;
use crate::bytecode::{BinaryOpNum, UnaryOpNum};
use crate::rawcode::ConstObj;

/// A jump target inside one scope, numbered from 0 per scope as `comp_next_label` does.
pub type Label = u32;

/// The identity of a constant's AST node (its address, stable while the tree is borrowed for
/// every pass). MicroPython's constant table matches by object identity before equality: that
/// lets every pass find the entry the first pass made, while two NaN constants, never equal to
/// each other, stay two entries.
pub type ConstOrigin = usize;

/// The [`ConstOrigin`] of `node`.
pub fn const_origin<T>(node: &T) -> ConstOrigin {
    node as *const T as usize
}

/// The passes MicroPython runs over each scope. The compiler walks a scope twice: once to find
/// its identifiers (`Scope`), once to produce the final operation stream (`Emit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Scope,
    Emit,
}

/// How a local variable is reached (`MP_EMIT_IDOP_LOCAL_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalKind {
    Fast,
    Deref,
}

/// How a global variable is reached (`MP_EMIT_IDOP_GLOBAL_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalKind {
    /// Through the local namespace first (`LOAD_NAME`).
    Name,
    /// Directly in the globals (`LOAD_GLOBAL`).
    Global,
}

/// What an identifier operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdOp {
    Load,
    Store,
    Delete,
}

/// The form of an `import` operation (`MP_EMIT_IMPORT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Name,
    From,
    Star,
}

/// What a subscript or attribute operation does (`MP_EMIT_SUBSCR_*`, `MP_EMIT_ATTR_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessKind {
    Load,
    Store,
    Delete,
}

/// The kind of block a `SETUP_*` opcode opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    With,
    Except,
    Finally,
}

/// The container a `BUILD_*` opcode makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildKind {
    Tuple,
    List,
    Map,
    Set,
    Slice,
}

/// The constants that have their own load opcode (MicroPython's `load_const_tok`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstToken {
    None,
    False,
    True,
    Ellipsis,
}

/// A binary operator as the compiler asks for it: the bytecode operators, plus the two
/// negated tests that the bytecode expresses as an operator followed by `not`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Op(BinaryOpNum),
    NotIn,
    IsNot,
}

/// `yield` or `yield from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YieldKind {
    Value,
    From,
}

/// The `*args` / `**kwargs` flags of a call (`MP_EMIT_STAR_FLAG_*`).
pub const STAR_FLAG_SINGLE: u32 = 0x01;
pub const STAR_FLAG_DOUBLE: u32 = 0x02;

/// A `break` target: the label, and whether the jump leaves a `for` loop (whose iterator must
/// then be popped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakTarget {
    pub label: Label,
    pub from_for: bool,
}

/// The operations of `py/emit.h`'s `emit_method_table_t`, minus the pass bookkeeping which
/// the compiler driver handles itself.
pub trait Emitter {
    /// Starts a pass over `scope` (the bytecode emitter registers its name qstrs here).
    fn start_pass(&mut self, pass: Pass, scope: &Scope);
    fn adjust_stack_size(&mut self, delta: i32);
    fn set_source_line(&mut self, line: u32);

    fn load_local(&mut self, name: &Name, local_num: u16, kind: LocalKind);
    fn load_global(&mut self, name: &Name, kind: GlobalKind);
    fn store_local(&mut self, name: &Name, local_num: u16, kind: LocalKind);
    fn store_global(&mut self, name: &Name, kind: GlobalKind);
    fn delete_local(&mut self, name: &Name, local_num: u16, kind: LocalKind);
    fn delete_global(&mut self, name: &Name, kind: GlobalKind);

    fn label_assign(&mut self, label: Label);
    fn import(&mut self, name: &Name, kind: ImportKind);
    fn load_const_tok(&mut self, tok: ConstToken);
    fn load_const_small_int(&mut self, value: i64);
    fn load_const_str(&mut self, value: &Name);
    /// `origin` identifies the constant's AST node (see [`ConstOrigin`]).
    fn load_const_obj(&mut self, obj: ConstObj, origin: ConstOrigin);
    fn load_null(&mut self);
    fn load_method(&mut self, name: &Name, is_super: bool);
    fn load_build_class(&mut self);
    fn subscr(&mut self, kind: AccessKind);
    fn attr(&mut self, name: &Name, kind: AccessKind);
    fn dup_top(&mut self);
    fn dup_top_two(&mut self);
    fn pop_top(&mut self);
    fn rot_two(&mut self);
    fn rot_three(&mut self);
    fn jump(&mut self, label: Label);
    fn pop_jump_if(&mut self, cond: bool, label: Label);
    fn jump_if_or_pop(&mut self, cond: bool, label: Label);
    fn unwind_jump(&mut self, target: BreakTarget, except_depth: u16);
    fn setup_block(&mut self, label: Label, kind: BlockKind);
    fn with_cleanup(&mut self, label: Label);
    fn async_with_setup_finally(
        &mut self,
        label_aexit_no_exc: Label,
        label_finally_block: Label,
        label_ret_unwind_jump: Label,
    );
    /// At an `async with`'s `label_ret_unwind_jump`: brings the context manager, under what
    /// a `return` or a jump out left in the exception's place, to the top. Bytecode keeps
    /// two words there (`ROT_THREE` twice); native code one marker.
    fn async_with_unwind_entry(&mut self);
    fn end_finally(&mut self);
    fn get_iter(&mut self, use_stack: bool);
    fn for_iter(&mut self, label: Label);
    fn for_iter_end(&mut self);
    fn pop_except_jump(&mut self, label: Label, within_exc_handler: bool);
    fn unary_op(&mut self, op: UnaryOpNum);
    fn binary_op(&mut self, op: BinaryOp);
    fn build(&mut self, n_args: u32, kind: BuildKind);
    fn store_map(&mut self);
    fn store_comp(&mut self, kind: ScopeKind, collection_stack_index: u32);
    fn unpack_sequence(&mut self, n_args: u32);
    fn unpack_ex(&mut self, n_left: u32, n_right: u32);
    fn make_function(&mut self, child: ScopeId, n_pos_defaults: u32, n_kw_defaults: u32);
    fn make_closure(
        &mut self,
        child: ScopeId,
        n_closed_over: u32,
        n_pos_defaults: u32,
        n_kw_defaults: u32,
    );
    fn call_function(&mut self, n_positional: u32, n_keyword: u32, star_flags: u32);
    fn call_method(&mut self, n_positional: u32, n_keyword: u32, star_flags: u32);
    fn return_value(&mut self);
    fn raise_varargs(&mut self, n_args: u32);
    fn yield_(&mut self, kind: YieldKind);
    fn start_except_handler(&mut self);
    fn end_except_handler(&mut self);
}
