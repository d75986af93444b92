//! The bytecode emitter (`py/emitbc.c`).
//!
//! During the compiler's scope pass it only registers the qstrs and constants that
//! MicroPython's emitter registers in that pass (so the module tables come out in the same
//! order). During the emit pass it records the operations with their stack effects, then
//! [`assemble`] lays them out, choosing jump encodings over the same sequence of passes as
//! MicroPython (stack-size, code-size, then emit until the size no longer changes).

use super::emit::*;
use super::scope::{IdKind, Scope, ScopeId, ScopeKind, ID_FLAG_IS_PARAM};
use super::tables::ModuleTables;
use crate::ast::Name;
use crate::bytecode::{op, BinaryOpNum, UnaryOpNum};
use crate::rawcode::ConstObj;

/// One recorded operation.
#[derive(Debug, Clone)]
enum Op {
    /// Opcode and operands whose encoding never changes.
    Code(Vec<u8>),
    /// A jump whose offset encoding is decided during layout, optionally followed by a byte.
    Jump {
        opcode: u8,
        label: Label,
        extra: Option<u8>,
    },
    Label(Label),
    Line(u32),
}

/// What the emit pass of one scope produced.
#[derive(Debug, Default)]
pub struct Recording {
    ops: Vec<Op>,
    /// The largest Python stack depth reached.
    pub stack_size: u32,
    /// Child scopes in the order their functions are made (the raw code's children).
    pub children: Vec<ScopeId>,
    n_labels: usize,
}

pub struct BytecodeEmitter<'t> {
    tables: &'t mut ModuleTables,
    pass: Pass,
    /// Set after an unconditional transfer of control until the next label.
    suppress: bool,
    stack: i32,
    rec: Recording,
    include_lines: bool,
}

/// Appends `val` in MicroPython's variable-length unsigned encoding (`mp_encode_uint`).
pub fn encode_uint(out: &mut Vec<u8>, mut val: u64) {
    let mut buf = [0u8; 10];
    let mut n = 0;
    loop {
        buf[n] = (val & 0x7f) as u8;
        n += 1;
        val >>= 7;
        if val == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        out.push(buf[i] | if i > 0 { 0x80 } else { 0 });
    }
}

/// Appends `num` in the signed variable-length encoding of `LOAD_CONST_SMALL_INT`.
fn encode_int(out: &mut Vec<u8>, mut num: i64) {
    let mut buf = Vec::with_capacity(10);
    loop {
        buf.push((num & 0x7f) as u8);
        num >>= 7;
        if num == 0 || num == -1 {
            break;
        }
    }
    let top = *buf.last().unwrap_or(&0);
    if num == -1 && top & 0x40 == 0 {
        buf.push(0x7f);
    } else if num == 0 && top & 0x40 != 0 {
        buf.push(0);
    }
    for i in (0..buf.len()).rev() {
        out.push(buf[i] | if i > 0 { 0x80 } else { 0 });
    }
}

impl<'t> BytecodeEmitter<'t> {
    pub fn new(tables: &'t mut ModuleTables, include_lines: bool) -> Self {
        BytecodeEmitter {
            tables,
            pass: Pass::Scope,
            suppress: false,
            stack: 0,
            rec: Recording::default(),
            include_lines,
        }
    }

    /// Ends the emit pass, handing over what was recorded.
    pub fn finish(&mut self, n_labels: usize) -> Recording {
        let mut rec = std::mem::take(&mut self.rec);
        rec.n_labels = n_labels;
        rec
    }

    fn adjust(&mut self, delta: i32) {
        if self.pass == Pass::Scope {
            return;
        }
        self.stack += delta;
        if self.stack > self.rec.stack_size as i32 {
            self.rec.stack_size = self.stack as u32;
        }
    }

    fn push(&mut self, op: Op) {
        if self.pass == Pass::Emit && !self.suppress {
            self.rec.ops.push(op);
        }
    }

    fn byte(&mut self, stack_adj: i32, b: u8) {
        self.adjust(stack_adj);
        self.push(Op::Code(vec![b]));
    }

    /// A byte that does not count towards the stack (MicroPython's raw byte).
    fn raw_byte(&mut self, b: u8) {
        self.push(Op::Code(vec![b]));
    }

    fn byte_uint(&mut self, stack_adj: i32, b: u8, val: u64) {
        self.adjust(stack_adj);
        let mut v = vec![b];
        encode_uint(&mut v, val);
        self.push(Op::Code(v));
    }

    fn byte_qstr(&mut self, stack_adj: i32, b: u8, qstr: &str) {
        let index = self.tables.use_qstr(qstr);
        self.byte_uint(stack_adj, b, index as u64);
    }

    fn byte_obj(&mut self, stack_adj: i32, b: u8, obj: ConstObj) {
        let index = self.tables.use_const_obj(obj, None);
        self.byte_uint(stack_adj, b, index as u64);
    }

    fn byte_child(&mut self, stack_adj: i32, b: u8, child: ScopeId) {
        let index = self.rec.children.len();
        if self.pass == Pass::Emit {
            self.rec.children.push(child);
        }
        self.byte_uint(stack_adj, b, index as u64);
    }

    fn byte_label(&mut self, stack_adj: i32, opcode: u8, label: Label, extra: Option<u8>) {
        self.adjust(stack_adj);
        self.push(Op::Jump {
            opcode,
            label,
            extra,
        });
    }
}

impl Emitter for BytecodeEmitter<'_> {
    fn start_pass(&mut self, pass: Pass, scope: &Scope) {
        self.pass = pass;
        self.suppress = false;
        self.stack = 0;
        self.rec = Recording::default();
        // The prelude names this function and its arguments (by qstr).
        self.tables.use_qstr(&scope.simple_name);
        for name in arg_names(scope) {
            self.tables.use_qstr(&name);
        }
    }

    fn adjust_stack_size(&mut self, delta: i32) {
        self.adjust(delta);
    }

    fn set_source_line(&mut self, line: u32) {
        if self.include_lines && self.pass == Pass::Emit {
            self.rec.ops.push(Op::Line(line));
        }
    }

    fn load_local(&mut self, _name: &Name, local_num: u16, kind: LocalKind) {
        if kind == LocalKind::Fast && local_num <= 15 {
            self.byte(1, op::LOAD_FAST_MULTI + local_num as u8);
        } else {
            let opcode = match kind {
                LocalKind::Fast => op::LOAD_FAST_N,
                LocalKind::Deref => op::LOAD_DEREF,
            };
            self.byte_uint(1, opcode, local_num as u64);
        }
    }

    fn load_global(&mut self, name: &Name, kind: GlobalKind) {
        let opcode = match kind {
            GlobalKind::Name => op::LOAD_NAME,
            GlobalKind::Global => op::LOAD_GLOBAL,
        };
        self.byte_qstr(1, opcode, name);
    }

    fn store_local(&mut self, _name: &Name, local_num: u16, kind: LocalKind) {
        if kind == LocalKind::Fast && local_num <= 15 {
            self.byte(-1, op::STORE_FAST_MULTI + local_num as u8);
        } else {
            let opcode = match kind {
                LocalKind::Fast => op::STORE_FAST_N,
                LocalKind::Deref => op::STORE_DEREF,
            };
            self.byte_uint(-1, opcode, local_num as u64);
        }
    }

    fn store_global(&mut self, name: &Name, kind: GlobalKind) {
        let opcode = match kind {
            GlobalKind::Name => op::STORE_NAME,
            GlobalKind::Global => op::STORE_GLOBAL,
        };
        self.byte_qstr(-1, opcode, name);
    }

    fn delete_local(&mut self, _name: &Name, local_num: u16, kind: LocalKind) {
        let opcode = match kind {
            LocalKind::Fast => op::DELETE_FAST,
            LocalKind::Deref => op::DELETE_DEREF,
        };
        self.byte_uint(0, opcode, local_num as u64);
    }

    fn delete_global(&mut self, name: &Name, kind: GlobalKind) {
        let opcode = match kind {
            GlobalKind::Name => op::DELETE_NAME,
            GlobalKind::Global => op::DELETE_GLOBAL,
        };
        self.byte_qstr(0, opcode, name);
    }

    fn label_assign(&mut self, label: Label) {
        self.suppress = false;
        if self.pass == Pass::Emit {
            self.rec.ops.push(Op::Label(label));
        }
    }

    fn import(&mut self, name: &Name, kind: ImportKind) {
        match kind {
            ImportKind::Name => self.byte_qstr(-1, op::IMPORT_NAME, name),
            ImportKind::From => self.byte_qstr(1, op::IMPORT_FROM, name),
            ImportKind::Star => self.byte(-1, op::IMPORT_STAR),
        }
    }

    fn load_const_tok(&mut self, tok: ConstToken) {
        match tok {
            ConstToken::Ellipsis => self.byte_obj(1, op::LOAD_CONST_OBJ, ConstObj::Ellipsis),
            ConstToken::None => self.byte(1, op::LOAD_CONST_NONE),
            ConstToken::False => self.byte(1, op::LOAD_CONST_FALSE),
            ConstToken::True => self.byte(1, op::LOAD_CONST_TRUE),
        }
    }

    fn load_const_small_int(&mut self, value: i64) {
        let excess = op::LOAD_CONST_SMALL_INT_MULTI_EXCESS as i64;
        if -excess <= value && value < op::LOAD_CONST_SMALL_INT_MULTI_NUM as i64 - excess {
            self.byte(
                1,
                (op::LOAD_CONST_SMALL_INT_MULTI as i64 + excess + value) as u8,
            );
        } else {
            self.adjust(1);
            let mut v = vec![op::LOAD_CONST_SMALL_INT];
            encode_int(&mut v, value);
            self.push(Op::Code(v));
        }
    }

    fn load_const_str(&mut self, value: &Name) {
        self.byte_qstr(1, op::LOAD_CONST_STRING, value);
    }

    fn load_const_obj(&mut self, obj: ConstObj, origin: ConstOrigin) {
        let index = self.tables.use_const_obj(obj, Some(origin));
        self.byte_uint(1, op::LOAD_CONST_OBJ, index as u64);
    }

    fn load_null(&mut self) {
        self.byte(1, op::LOAD_NULL);
    }

    fn load_method(&mut self, name: &Name, is_super: bool) {
        if is_super {
            self.byte_qstr(-1, op::LOAD_SUPER_METHOD, name);
        } else {
            self.byte_qstr(1, op::LOAD_METHOD, name);
        }
    }

    fn load_build_class(&mut self) {
        self.byte(1, op::LOAD_BUILD_CLASS);
    }

    fn subscr(&mut self, kind: AccessKind) {
        match kind {
            AccessKind::Load => self.byte(-1, op::LOAD_SUBSCR),
            AccessKind::Store => self.byte(-3, op::STORE_SUBSCR),
            AccessKind::Delete => {
                self.load_null();
                self.rot_three();
                self.byte(-3, op::STORE_SUBSCR);
            }
        }
    }

    fn attr(&mut self, name: &Name, kind: AccessKind) {
        match kind {
            AccessKind::Load => self.byte_qstr(0, op::LOAD_ATTR, name),
            AccessKind::Store => self.byte_qstr(-2, op::STORE_ATTR, name),
            AccessKind::Delete => {
                self.load_null();
                self.rot_two();
                self.byte_qstr(-2, op::STORE_ATTR, name);
            }
        }
    }

    fn dup_top(&mut self) {
        self.byte(1, op::DUP_TOP);
    }

    fn dup_top_two(&mut self) {
        self.byte(2, op::DUP_TOP_TWO);
    }

    fn pop_top(&mut self) {
        self.byte(-1, op::POP_TOP);
    }

    fn rot_two(&mut self) {
        self.byte(0, op::ROT_TWO);
    }

    fn rot_three(&mut self) {
        self.byte(0, op::ROT_THREE);
    }

    fn jump(&mut self, label: Label) {
        self.byte_label(0, op::JUMP, label, None);
        self.suppress = true;
    }

    fn pop_jump_if(&mut self, cond: bool, label: Label) {
        let opcode = if cond {
            op::POP_JUMP_IF_TRUE
        } else {
            op::POP_JUMP_IF_FALSE
        };
        self.byte_label(-1, opcode, label, None);
    }

    fn jump_if_or_pop(&mut self, cond: bool, label: Label) {
        let opcode = if cond {
            op::JUMP_IF_TRUE_OR_POP
        } else {
            op::JUMP_IF_FALSE_OR_POP
        };
        self.byte_label(-1, opcode, label, None);
    }

    fn unwind_jump(&mut self, target: BreakTarget, except_depth: u16) {
        if except_depth == 0 {
            if target.from_for {
                // Pop the iterator and the rest of its 4-slot buffer.
                for _ in 0..4 {
                    self.raw_byte(op::POP_TOP);
                }
            }
            self.byte_label(0, op::JUMP, target.label, None);
        } else {
            let extra = (if target.from_for { 0x80 } else { 0 }) | except_depth as u8;
            self.byte_label(0, op::UNWIND_JUMP, target.label, Some(extra));
        }
        self.suppress = true;
    }

    fn setup_block(&mut self, label: Label, kind: BlockKind) {
        let (adj, opcode) = match kind {
            BlockKind::With => (2, op::SETUP_WITH),
            BlockKind::Except => (0, op::SETUP_EXCEPT),
            BlockKind::Finally => (0, op::SETUP_FINALLY),
        };
        self.byte_label(adj, opcode, label, None);
    }

    fn with_cleanup(&mut self, label: Label) {
        self.load_const_tok(ConstToken::None);
        self.label_assign(label);
        // +2 to leave room for calling __exit__; then cancel it and SETUP_WITH's +2.
        self.byte(2, op::WITH_CLEANUP);
        self.adjust(-4);
    }

    fn async_with_setup_finally(
        &mut self,
        label_aexit_no_exc: Label,
        label_finally_block: Label,
        label_ret_unwind_jump: Label,
    ) {
        self.load_const_tok(ConstToken::None);
        self.rot_two();
        self.jump(label_aexit_no_exc);
        self.label_assign(label_finally_block);
        self.dup_top();
        self.load_global(&Name::from("BaseException"), GlobalKind::Global);
        self.binary_op(BinaryOp::Op(BinaryOpNum::ExceptionMatch));
        self.pop_jump_if(false, label_ret_unwind_jump);
    }

    fn async_with_unwind_entry(&mut self) {
        self.rot_three();
        self.rot_three();
    }

    fn end_finally(&mut self) {
        self.byte(-1, op::END_FINALLY);
    }

    fn get_iter(&mut self, use_stack: bool) {
        if use_stack {
            self.byte(3, op::GET_ITER_STACK);
        } else {
            self.byte(0, op::GET_ITER);
        }
    }

    fn for_iter(&mut self, label: Label) {
        self.byte_label(1, op::FOR_ITER, label, None);
    }

    fn for_iter_end(&mut self) {
        self.adjust(-4);
    }

    fn pop_except_jump(&mut self, label: Label, _within_exc_handler: bool) {
        self.byte_label(0, op::POP_EXCEPT_JUMP, label, None);
        self.suppress = true;
    }

    fn unary_op(&mut self, unary: UnaryOpNum) {
        self.byte(0, op::UNARY_OP_MULTI + unary as u8);
    }

    fn binary_op(&mut self, binary: BinaryOp) {
        let (num, invert) = match binary {
            BinaryOp::Op(n) => (n, false),
            BinaryOp::NotIn => (BinaryOpNum::In, true),
            BinaryOp::IsNot => (BinaryOpNum::Is, true),
        };
        self.byte(-1, op::BINARY_OP_MULTI + num as u8);
        if invert {
            self.byte(0, op::UNARY_OP_MULTI + UnaryOpNum::Not as u8);
        }
    }

    fn build(&mut self, n_args: u32, kind: BuildKind) {
        let opcode = match kind {
            BuildKind::Tuple => op::BUILD_TUPLE,
            BuildKind::List => op::BUILD_LIST,
            BuildKind::Map => op::BUILD_MAP,
            BuildKind::Set => op::BUILD_SET,
            BuildKind::Slice => op::BUILD_SLICE,
        };
        let adj = if kind == BuildKind::Map {
            1
        } else {
            1 - n_args as i32
        };
        self.byte_uint(adj, opcode, n_args as u64);
    }

    fn store_map(&mut self) {
        self.byte(-2, op::STORE_MAP);
    }

    fn store_comp(&mut self, kind: ScopeKind, collection_stack_index: u32) {
        let (n, t) = match kind {
            ScopeKind::ListComp => (0, 0),
            ScopeKind::DictComp => (1, 1),
            _ => (0, 2),
        };
        let arg = ((collection_stack_index + n) << 2) | t;
        self.byte_uint(-1 - n as i32, op::STORE_COMP, arg as u64);
    }

    fn unpack_sequence(&mut self, n_args: u32) {
        self.byte_uint(-1 + n_args as i32, op::UNPACK_SEQUENCE, n_args as u64);
    }

    fn unpack_ex(&mut self, n_left: u32, n_right: u32) {
        let adj = n_left as i32 + n_right as i32;
        self.byte_uint(adj, op::UNPACK_EX, (n_left | (n_right << 8)) as u64);
    }

    fn make_function(&mut self, child: ScopeId, n_pos_defaults: u32, n_kw_defaults: u32) {
        if n_pos_defaults == 0 && n_kw_defaults == 0 {
            self.byte_child(1, op::MAKE_FUNCTION, child);
        } else {
            self.byte_child(-1, op::MAKE_FUNCTION_DEFARGS, child);
        }
    }

    fn make_closure(
        &mut self,
        child: ScopeId,
        n_closed_over: u32,
        n_pos_defaults: u32,
        n_kw_defaults: u32,
    ) {
        if n_pos_defaults == 0 && n_kw_defaults == 0 {
            self.byte_child(1 - n_closed_over as i32, op::MAKE_CLOSURE, child);
        } else {
            self.byte_child(-1 - n_closed_over as i32, op::MAKE_CLOSURE_DEFARGS, child);
        }
        self.raw_byte(n_closed_over as u8);
    }

    fn call_function(&mut self, n_positional: u32, n_keyword: u32, star_flags: u32) {
        self.call(0, op::CALL_FUNCTION, n_positional, n_keyword, star_flags);
    }

    fn call_method(&mut self, n_positional: u32, n_keyword: u32, star_flags: u32) {
        self.call(-1, op::CALL_METHOD, n_positional, n_keyword, star_flags);
    }

    fn return_value(&mut self) {
        self.byte(-1, op::RETURN_VALUE);
        self.suppress = true;
    }

    fn raise_varargs(&mut self, n_args: u32) {
        self.byte(-(n_args as i32), op::RAISE_LAST + n_args as u8);
        self.suppress = true;
    }

    fn yield_(&mut self, kind: YieldKind) {
        match kind {
            YieldKind::Value => self.byte(0, op::YIELD_VALUE),
            YieldKind::From => self.byte(-1, op::YIELD_FROM),
        }
    }

    fn start_except_handler(&mut self) {
        // The exception instance, plus 3 for a possible UNWIND_JUMP state.
        self.adjust(4);
    }

    fn end_except_handler(&mut self) {
        self.adjust(-3);
    }
}

impl BytecodeEmitter<'_> {
    fn call(&mut self, base_adj: i32, opcode: u8, n_pos: u32, n_kw: u32, star_flags: u32) {
        let args = n_pos as i32 + 2 * n_kw as i32;
        let arg = ((n_kw << 8) | n_pos) as u64;
        if star_flags != 0 {
            self.byte_uint(base_adj - args - 1, opcode + 1, arg);
        } else {
            self.byte_uint(base_adj - args, opcode, arg);
        }
    }
}

/// The qstr of each argument slot: the parameter in that slot, or `*` for a closed-over slot.
fn arg_names(scope: &Scope) -> Vec<Name> {
    let n = scope.num_pos_args + scope.num_kwonly_args;
    (0..n)
        .map(|i| {
            scope
                .ids
                .iter()
                .find(|id| id.flags & ID_FLAG_IS_PARAM != 0 && id.local_num == i)
                .map(|id| id.name.clone())
                .unwrap_or_else(|| Name::from("*"))
        })
        .collect()
}

/// Everything the prelude needs besides the recording.
pub struct PreludeInfo {
    pub n_state: u32,
    pub n_exc_stack: u32,
    pub scope_flags: u32,
    pub n_pos_args: u32,
    pub n_kwonly_args: u32,
    pub n_def_pos_args: u32,
    pub name_qstrs: Vec<usize>,
    pub cells: Vec<u8>,
}

impl PreludeInfo {
    pub fn new(scope: &Scope, stack_size: u32, tables: &mut ModuleTables) -> Self {
        let n_state = (scope.num_locals as u32 + stack_size).max(1);
        let mut name_qstrs = vec![tables.use_qstr(&scope.simple_name)];
        name_qstrs.extend(arg_names(scope).iter().map(|n| tables.use_qstr(n)));
        let cells = scope
            .ids
            .iter()
            .filter(|id| id.kind == IdKind::Cell)
            .map(|id| id.local_num as u8)
            .collect();
        PreludeInfo {
            n_state,
            n_exc_stack: scope.exc_stack_size as u32,
            scope_flags: (scope.flags & 0x0f) as u32,
            n_pos_args: scope.num_pos_args as u32,
            n_kwonly_args: scope.num_kwonly_args as u32,
            n_def_pos_args: scope.num_def_pos_args as u32,
            name_qstrs,
            cells,
        }
    }

    /// `MP_BC_PRELUDE_SIG_ENCODE`.
    fn encode_signature(&self, out: &mut Vec<u8>) {
        let mut s = self.n_state - 1;
        let mut e = self.n_exc_stack;
        let mut f = self.scope_flags;
        let mut a = self.n_pos_args;
        let mut k = self.n_kwonly_args;
        let mut d = self.n_def_pos_args;
        let mut z = ((s & 0xf) << 3 | (e & 1) << 2 | (a & 3)) as u8;
        s >>= 4;
        e >>= 1;
        a >>= 2;
        while s | e | f | a | k | d != 0 {
            out.push(0x80 | z);
            z = ((f & 1) << 6 | (s & 3) << 4 | (k & 1) << 3 | (a & 1) << 2 | (e & 1) << 1 | (d & 1))
                as u8;
            s >>= 2;
            e >>= 1;
            f >>= 1;
            a >>= 1;
            k >>= 1;
            d >>= 1;
        }
        out.push(z);
    }
}

/// `MP_BC_PRELUDE_SIZE_ENCODE`.
fn encode_size(out: &mut Vec<u8>, mut n_info: usize, mut n_cell: usize) {
    loop {
        let mut z = ((n_info & 0x3f) << 1 | (n_cell & 1)) as u8;
        n_cell >>= 1;
        n_info >>= 6;
        if n_cell | n_info != 0 {
            z |= 0x80;
        }
        out.push(z);
        if n_cell | n_info == 0 {
            break;
        }
    }
}

/// Appends one line-table step (`emit_write_code_info_bytes_lines`).
fn encode_lines(out: &mut Vec<u8>, mut bytes: usize, mut lines: usize) {
    while bytes > 0 || lines > 0 {
        let (b, l);
        if lines <= 6 || bytes > 0xf {
            b = bytes.min(0x1f);
            l = if b < bytes { 0 } else { lines.min(3) };
            out.push((b | (l << 5)) as u8);
        } else {
            b = bytes.min(0xf);
            l = lines.min(0x7ff);
            out.push((0x80 | b | ((l >> 4) & 0x70)) as u8);
            out.push(l as u8);
        }
        bytes -= b;
        lines -= l;
    }
}

/// Which of MicroPython's passes a layout run stands for.
#[derive(PartialEq, Eq, Clone, Copy)]
enum LayoutPass {
    StackSize,
    CodeSize,
    Emit,
}

struct Layout {
    code_info: Vec<u8>,
    bytecode: Vec<u8>,
    n_info: usize,
}

fn layout(
    rec: &Recording,
    prelude: &PreludeInfo,
    pass: LayoutPass,
    label_offsets: &mut [usize],
    prev_n_info: usize,
) -> Layout {
    let mut ci = Vec::new();
    prelude.encode_signature(&mut ci);
    if pass != LayoutPass::StackSize {
        encode_size(&mut ci, prev_n_info, prelude.cells.len());
    }
    let info_start = ci.len();
    for &q in &prelude.name_qstrs {
        encode_uint(&mut ci, q as u64);
    }
    let mut bc: Vec<u8> = Vec::new();
    let mut last_line = 1u32;
    let mut last_line_offset = 0usize;
    for op in &rec.ops {
        match op {
            Op::Code(bytes) => bc.extend_from_slice(bytes),
            Op::Label(l) => label_offsets[*l as usize] = bc.len(),
            Op::Line(line) => {
                if *line > last_line {
                    encode_lines(
                        &mut ci,
                        bc.len() - last_line_offset,
                        (*line - last_line) as usize,
                    );
                    last_line_offset = bc.len();
                    last_line = *line;
                }
            }
            Op::Jump {
                opcode,
                label,
                extra,
            } => {
                let is_signed = *opcode <= op::POP_JUMP_IF_FALSE;
                let mut long = true;
                let mut offset: i64 = 0;
                if pass != LayoutPass::StackSize {
                    offset = label_offsets[*label as usize] as i64 - bc.len() as i64 - 2;
                    if (is_signed && (-64..=63).contains(&offset))
                        || (!is_signed && (0..=127).contains(&offset))
                    {
                        long = false;
                    }
                    if long {
                        offset -= 1;
                    }
                }
                bc.push(*opcode);
                if long {
                    if is_signed {
                        offset += 0x4000;
                    }
                    bc.push(0x80 | (offset & 0x7f) as u8);
                    bc.push((offset >> 7) as u8);
                } else {
                    if is_signed {
                        offset += 0x40;
                    }
                    bc.push(offset as u8);
                }
                if let Some(x) = extra {
                    bc.push(*x);
                }
            }
        }
    }
    let n_info = ci.len() - info_start;
    ci.extend_from_slice(&prelude.cells);
    Layout {
        code_info: ci,
        bytecode: bc,
        n_info,
    }
}

/// Lays out a recorded scope as `fun_data`: prelude, code info, then bytecode.
pub fn assemble(rec: &Recording, prelude: &PreludeInfo) -> Vec<u8> {
    let mut labels = vec![0usize; rec.n_labels.max(1)];
    let first = layout(rec, prelude, LayoutPass::StackSize, &mut labels, 0);
    let mut prev = layout(
        rec,
        prelude,
        LayoutPass::CodeSize,
        &mut labels,
        first.n_info,
    );
    loop {
        let next = layout(rec, prelude, LayoutPass::Emit, &mut labels, prev.n_info);
        let stable = next.code_info.len() == prev.code_info.len()
            && next.bytecode.len() == prev.bytecode.len();
        if stable {
            let mut out = next.code_info;
            out.extend_from_slice(&next.bytecode);
            return out;
        }
        prev = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uint_encoding_is_big_endian_groups_of_seven() {
        let mut v = Vec::new();
        encode_uint(&mut v, 0x81);
        assert_eq!(v, vec![0x81, 0x01]);
    }

    #[test]
    fn int_encoding_keeps_the_sign_bit() {
        let mut v = Vec::new();
        encode_int(&mut v, 64);
        assert_eq!(v, vec![0x80, 0x40]);
        v.clear();
        encode_int(&mut v, -65);
        assert_eq!(v, vec![0xff, 0x3f]);
    }
}
