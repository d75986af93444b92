//! The native emitter: the compiler's operation stream for one scope, lowered to [`Func`].
//!
//! As in MicroPython's `py/emitnative.c`, the value stack exists only at compile time: each
//! entry is a vreg with a viper type (or a cast operator, or `None`), locals are vregs typed
//! by their parameter annotation or their first assignment, and a label's stack is a fixed set
//! of vregs that every jump to it copies into. Errors are recorded once (the first wins, as
//! MicroPython's `error_slot`) and reported by [`FuncEmitter::finish_mir`].
//!
//! `@viper` covers: scalar arithmetic and comparisons with MicroPython's rules and messages,
//! `//` and `%` through their fun-table helpers, control flow (`if`, `while`, `for` over
//! `range` as the compiler's counted loop and over any iterable, `and`/`or`), casts (`int(x)`, `ptr8(buf)`...),
//! pointer loads and stores, constants, globals, attributes, subscripts, calls of Python
//! objects, tuples, lists, dicts, sets and slices, unpacking, `raise` and `return`. `@native` is the same emitter with every value an object:
//! each operation goes through its helper. Object values are written to frame slots as they
//! are made (locals and label stack entries to one slot each, rewritten on every assignment),
//! which is all the GC needs to see them.
//!
//! `try`/`except` uses the exception edges: inside a `try` body, helpers raise to a landing
//! block that takes the exception (`CatchException`) into the handler's stack.
//!
//! Module scopes (`-X emit=`) work too: their name lookups and stores are global ones, and
//! `def` makes functions from the child raw codes.
//!
//! `finally` (and `except ... as name`, which the compiler wraps in one) enters its body from
//! a landing with the exception or by falling through with `None`; `end_finally` raises what
//! is not `None`. A `return`, `break` or `continue` that would have to run a `finally` first
//! is not supported yet.
//!
//! Not yet: `with`, closures,
//! default, keyword-only or star parameters of native functions (calls may pass keywords to
//! Python functions), class bodies, lambdas, comprehensions, generators. They report a
//! `NotImplementedError` naming them, so the compile fails instead of running something wrong.

use crate::mir::*;
use crate::viper::{annotation_type, binary_op_method_name};
use crate::Target;
use std::collections::{HashMap, HashSet};
use vm::ast::{Expr, Name};
use vm::bytecode::{BinaryOpNum, UnaryOpNum};
use vm::compile::emit::*;
use vm::compile::native::{ModuleTablesMut, NativeEmitter};
use vm::compile::scope::{
    EmitOption, IdInfo, IdKind, Scope, ScopeId, ScopeKind, ScopeNode, ID_FLAG_IS_PARAM,
    SCOPE_FLAG_GENERATOR,
};
use vm::error::{CompileError, ErrorKind};
use vm::rawcode::{ConstObj, MachineCode};
use vm::runtime::obj::Obj;

/// Most arguments a viper function takes (MicroPython allows 4; the host passes more in
/// registers just as easily).
pub const MAX_VIPER_ARGS: usize = 6;

/// `MP_OBJ_SENTINEL`: asks `obj_subscr` to load.
const OBJ_SENTINEL: u32 = 8;

/// A `try` block between `setup_block` and its `end_finally`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OpenBlock {
    /// `Some(label)` for a `finally` whose handler is still active (until `label`).
    finally_label: Option<Label>,
    is_finally: bool,
    /// The stack's depth outside the block.
    outer_depth: usize,
    /// Unique in the function: which jumps pass through it.
    id: usize,
    /// Where its handler starts.
    handler: Label,
    /// From the handler on: what it caught (an exception, or in a `finally` entered
    /// another way `None` or a marker), which a bare `raise` raises again.
    caught: Option<VReg>,
}

/// A `break` or `continue` leaving `finally` bodies to run on its way (its marker is the
/// small int of its index in `FuncEmitter::pending_jumps`).
#[derive(Clone)]
struct PendingJump {
    target: BreakTarget,
    /// The outermost block it leaves, as an index into `FuncEmitter::open_blocks`.
    outermost: usize,
    /// The stack's depth outside that block.
    outer_depth: usize,
    /// The blocks it leaves ([`OpenBlock::id`]).
    through: Vec<usize>,
}

/// What a `finally` body (or `with` cleanup) finds in place of the exception when a
/// `return` passes through it: a small int, as in bytecode (`-1`).
const RETURN_MARKER: u32 = 0xffff_ffff;

/// The marker of pending jump `k` (a small int, never [`RETURN_MARKER`]).
fn jump_marker(k: usize) -> u32 {
    (k as u32) << 1 | 1
}

/// One entry of the compile-time value stack.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Item {
    Value(VReg),
    /// A viper cast operator (`int`, `ptr8`...), MicroPython's `VTYPE_BUILTIN_CAST`.
    Cast(Ty),
    /// The `None` constant, which viper returns as 0 from a scalar function (`VTYPE_PTR_NONE`).
    None,
    /// The empty slot `load_method` leaves for a plain function.
    Null,
    /// A word of the iterator buffer bytecode keeps on its stack (`GET_ITER_STACK`): the
    /// iterator is one object here, under these, but the compiler counts stack depths (a
    /// comprehension's collection) in bytecode's words.
    IterPadding,
}

/// Words of bytecode's on-stack iterator buffer (`MP_OBJ_ITER_BUF_NSLOTS`).
const ITER_BUF_WORDS: usize = 4;

struct LabelInfo {
    block: BlockId,
    /// The vregs the stack holds on entry, fixed by the first jump or fall-through.
    stack: Option<Vec<Item>>,
}

/// Lowers one scope; see the module documentation.
pub struct FuncEmitter<'t> {
    tables: &'t mut dyn ModuleTablesMut,
    target: &'t dyn Target,
    /// Viper typing; otherwise `@native`, where every value is an object.
    viper: bool,
    /// A class body, whose names live in the dict `__build_class__` made for it.
    class_body: bool,
    /// A generator expression's body.
    gen_expr: bool,
    /// The value a `return` inside `try`/`finally` or `with` returns once the `finally`
    /// bodies have run (made at the first such `return`).
    pending_return: Option<VReg>,
    pending_jumps: Vec<PendingJump>,
    /// Variables given a value at the entry (`define_at_entry`): a generator's every yield
    /// saves and reloads them, including the yields emitted before they were made.
    entry_defined: Vec<VReg>,
    /// Each yield's block, its resume block, and what it saves.
    yields: Vec<(BlockId, BlockId, Vec<VReg>)>,
    /// Blocks set up so far (the next [`OpenBlock::id`]).
    blocks_opened: usize,
    /// Labels already placed: a jump to one closes a loop.
    placed: HashSet<Label>,
    func: Func,
    cur: BlockId,
    /// Set after an unconditional transfer of control, until the next label.
    dead: bool,
    stack: Vec<Item>,
    locals: Vec<Option<VReg>>,
    /// The frame slot of each object vreg that is assigned in several places (locals, label
    /// stacks): every assignment writes it, so the current value is always rooted.
    root_slots: HashMap<VReg, u32>,
    labels: HashMap<Label, LabelInfo>,
    raise_block: BlockId,
    /// Landing blocks of the enclosing `try` bodies, innermost last.
    handlers: Vec<BlockId>,
    /// A label placed after dead code that no jump had reached: its entry stack was taken
    /// from the dead code's, which the compiler may still correct (`adjust_stack_size`).
    unreached_label: Option<Label>,
    /// The `try` blocks set up and not yet ended (`end_finally`), innermost last: a
    /// `finally`'s handler stays active until its label, where the body falls into it.
    open_blocks: Vec<OpenBlock>,
    children: Vec<ScopeId>,
    line: u32,
    error: Option<CompileError>,
    /// The fun table's index in the module's constants, when the target finds it there.
    fun_table_const: Option<u32>,
}

impl<'t> FuncEmitter<'t> {
    pub fn new(
        option: EmitOption,
        tables: &'t mut dyn ModuleTablesMut,
        target: &'t dyn Target,
    ) -> Self {
        let mut e = FuncEmitter {
            tables,
            target,
            viper: option == EmitOption::Viper,
            class_body: false,
            gen_expr: false,
            pending_return: None,
            pending_jumps: Vec::new(),
            entry_defined: Vec::new(),
            yields: Vec::new(),
            blocks_opened: 0,
            placed: HashSet::new(),
            func: Func {
                name: String::new(),
                params: Vec::new(),
                ret: Ty::Obj,
                vregs: Vec::new(),
                blocks: vec![Block::default(), Block::default()],
                frame_slots: 0,
                generator: false,
            },
            cur: BlockId(0),
            dead: false,
            stack: Vec::new(),
            locals: Vec::new(),
            root_slots: HashMap::new(),
            labels: HashMap::new(),
            raise_block: BlockId(1),
            handlers: Vec::new(),
            open_blocks: Vec::new(),
            unreached_label: None,
            children: Vec::new(),
            line: 0,
            error: None,
            fun_table_const: None,
        };
        if target.fun_table_in_constants() {
            let index = e.tables.use_const_obj(ConstObj::FunTable, None);
            e.fun_table_const = Some(index as u32);
        }
        e.func.blocks[1].term = Some(Term::Raise);
        e
    }

    /// The function in machine form, or the first error met.
    pub fn finish_mir(&mut self) -> Result<(Func, Vec<ScopeId>), CompileError> {
        if let Some(err) = self.error.take() {
            return Err(err);
        }
        self.save_entry_defined_across_yields();
        let mut func = self.func.clone();
        func.prune_unreachable();
        crate::verify::verify(&func).map_err(|e| {
            CompileError::new(
                ErrorKind::NotImplementedError,
                format!("native emitter produced malformed code: {}", e.0),
                self.line,
            )
        })?;
        Ok((func, std::mem::take(&mut self.children)))
    }

    // ---- errors

    fn fail(&mut self, kind: ErrorKind, message: String) {
        if self.error.is_none() && !self.dead {
            self.error = Some(CompileError::new(kind, message, self.line));
        }
    }

    fn viper_error(&mut self, message: String) {
        self.fail(ErrorKind::ViperTypeError, message);
    }

    /// Unlike type errors, an unsupported operation fails even in dead code.
    fn unsupported(&mut self, what: &str) {
        if self.error.is_none() {
            self.error = Some(CompileError::new(
                ErrorKind::NotImplementedError,
                format!("native code: {what} not supported yet"),
                self.line,
            ));
        }
    }

    // ---- building blocks

    fn vreg(&mut self, ty: Ty) -> VReg {
        self.func.vregs.push(ty);
        VReg(self.func.vregs.len() as u32 - 1)
    }

    fn new_block(&mut self) -> BlockId {
        self.func.blocks.push(Block::default());
        BlockId(self.func.blocks.len() as u32 - 1)
    }

    fn inst(&mut self, inst: Inst) {
        self.func.blocks[self.cur.0 as usize].insts.push(inst);
    }

    /// Ends the current block with `term`; the caller goes on in a block of its choosing.
    fn end_block(&mut self, term: Term) {
        self.func.blocks[self.cur.0 as usize].term = Some(term);
    }

    /// Ends the current block with `term`; code that follows is unreachable until a label.
    fn terminate(&mut self, term: Term) {
        self.end_block(term);
        self.cur = self.new_block();
        self.dead = true;
    }

    /// Loads constant `obj` (`origin`: its AST node, if any). Viper integers are 32-bit
    /// words: a big constant is truncated, as on the device.
    fn const_obj(&mut self, obj: ConstObj, origin: Option<ConstOrigin>) {
        if let (true, ConstObj::Int(value)) = (self.viper, &obj) {
            let low = value.iter_u32_digits().next().unwrap_or(0);
            let word = if value.sign() == num_bigint::Sign::Minus {
                low.wrapping_neg()
            } else {
                low
            };
            let v = self.constant(Ty::Int, word);
            return self.push(v);
        }
        let index = self.tables.use_const_obj(obj, origin) as u32;
        let dst = self.vreg(Ty::Obj);
        self.inst(Inst::LoadConst { dst, index });
        self.push(dst);
    }

    fn constant(&mut self, ty: Ty, value: u32) -> VReg {
        let dst = self.vreg(ty);
        self.inst(Inst::Const { dst, value });
        dst
    }

    fn new_slot(&mut self) -> u32 {
        self.func.frame_slots += 1;
        self.func.frame_slots - 1
    }

    /// A constant holding `name`'s index in the module's qstr table, as helpers take names.
    fn qstr_index(&mut self, name: &Name) -> VReg {
        let q = self.tables.use_qstr(name) as u32;
        self.constant(Ty::Uint, q)
    }

    /// Until the handler's `label` (an `except`'s: until `pop_except_jump`), helper calls
    /// raise to a landing block that catches the exception and enters the handler with it on
    /// the stack.
    fn protect(&mut self, label: Label, is_finally: bool, outer_depth: usize) {
        self.open_blocks.push(OpenBlock {
            finally_label: is_finally.then_some(label),
            is_finally,
            outer_depth,
            id: self.blocks_opened,
            handler: label,
            caught: None,
        });
        self.blocks_opened += 1;
        let landing = self.new_block();
        let (body, body_dead) = (self.cur, self.dead);
        self.cur = landing;
        self.dead = false;
        let exc = self.vreg(Ty::Obj);
        self.inst(Inst::CatchException { dst: exc });
        self.push(exc);
        self.jump_to(label);
        self.stack.pop();
        self.cur = body;
        self.dead = body_dead;
        self.handlers.push(landing);
    }

    /// The handler label of the innermost `finally` or `with` whose body is being emitted.
    fn innermost_finally(&self) -> Option<Label> {
        self.open_blocks.iter().rev().find_map(|b| b.finally_label)
    }

    /// Enters `label`'s `finally` body as a `return` does: the stack cut to the handler's
    /// depth, [`RETURN_MARKER`] in the exception's place.
    fn unwind_to_finally(&mut self, label: Label, marker: u32) {
        let depth = self.label(label).stack.as_ref().map_or(1, Vec::len);
        self.stack.truncate(depth.saturating_sub(1));
        let marker = self.constant(Ty::Obj, marker);
        self.push(marker);
        self.jump_to(label);
    }

    /// A variable an inner function closes over lives in a cell (a parameter's holds the
    /// argument; a class body's `__class__` gets the class when it is made): the local holds
    /// the cell.
    fn make_cells(&mut self, scope: &Scope) {
        for id in scope.ids.iter().filter(|id| id.kind == IdKind::Cell) {
            let value = match self.locals.get(id.local_num as usize).copied().flatten() {
                Some(param) if id.flags & ID_FLAG_IS_PARAM != 0 => param,
                _ => self.constant(Ty::Obj, Obj::NULL.raw()),
            };
            let cell = self.call(Helper::NewCell, vec![value], Ty::Obj);
            self.set_local(&id.name, id.local_num, cell);
        }
    }

    /// Unpacks the sequence on top into `n` items through `helper`, which leaves them
    /// reversed in consecutive slots, the first one in the last slot: the top.
    fn unpack(&mut self, helper: Helper, count: VReg, n: u32) {
        let seq = self.pop_obj();
        let base = self.slots(n as usize);
        let addr = self.vreg(Ty::Uint);
        self.inst(Inst::SlotAddr {
            dst: addr,
            slot: base,
        });
        self.call(helper, vec![seq, count, addr], Ty::Obj);
        for i in 0..n {
            let item = self.vreg(Ty::Obj);
            self.inst(Inst::LoadSlot {
                dst: item,
                slot: base + i,
            });
            self.push(item);
        }
    }

    /// `a op b` on two objects: identity inline; `+ - & | ^ >>` and the comparisons inline
    /// when both are small ints (and the result is), else through `binary_op`, as MicroPython's
    /// native code always goes.
    fn object_binary(&mut self, op: BinaryOpNum, a: VReg, b: VReg) -> VReg {
        use BinaryOpNum as B;
        if op == B::Is {
            let same = self.vreg(Ty::Bool);
            self.inst(Inst::Cmp {
                dst: same,
                cond: Cond::Eq,
                a,
                b,
            });
            return self.bool_object(same);
        }
        let fast = matches!(
            op,
            B::Add
                | B::InplaceAdd
                | B::Subtract
                | B::InplaceSubtract
                | B::And
                | B::InplaceAnd
                | B::Or
                | B::InplaceOr
                | B::Xor
                | B::InplaceXor
                | B::Rshift
                | B::InplaceRshift
                | B::Less
                | B::More
                | B::LessEqual
                | B::MoreEqual
                | B::Equal
                | B::NotEqual
        );
        if !fast {
            let k = self.constant(Ty::Uint, op as u32);
            return self.call(Helper::BinaryOp, vec![k, a, b], Ty::Obj);
        }
        // The result, assigned on both paths: rooted, as the slow one may make an object.
        let result = self.vreg(Ty::Obj);
        let root = self.new_slot();
        let (x, y) = (self.bits(a, Ty::Int), self.bits(b, Ty::Int));
        let tags = self.bin(BinOp::And, x, y);
        let one = self.constant(Ty::Int, 1);
        let tag = self.bin(BinOp::And, tags, one);
        let (fast_block, slow, join) = (self.new_block(), self.new_block(), self.new_block());
        self.end_block(Term::Branch {
            cond: tag,
            then: fast_block,
            else_: slow,
        });
        self.cur = fast_block;
        // Tagged words `2n + 1`: sums and differences need the tag taken off one side, and
        // overflow past 31 bits goes the slow way (to a big int).
        let word = match op {
            B::Add | B::InplaceAdd | B::Subtract | B::InplaceSubtract => {
                let untagged = self.bin(BinOp::Sub, y, one);
                let adding = matches!(op, B::Add | B::InplaceAdd);
                let (sum, flips) = if adding {
                    let sum = self.bin(BinOp::Add, x, untagged);
                    let p = self.bin(BinOp::Xor, x, sum);
                    let q = self.bin(BinOp::Xor, untagged, sum);
                    (sum, self.bin(BinOp::And, p, q))
                } else {
                    let diff = self.bin(BinOp::Sub, x, untagged);
                    let p = self.bin(BinOp::Xor, x, untagged);
                    let q = self.bin(BinOp::Xor, x, diff);
                    (diff, self.bin(BinOp::And, p, q))
                };
                let zero = self.constant(Ty::Int, 0);
                let overflow = self.vreg(Ty::Bool);
                self.inst(Inst::Cmp {
                    dst: overflow,
                    cond: Cond::Lt,
                    a: flips,
                    b: zero,
                });
                let fits = self.new_block();
                self.end_block(Term::Branch {
                    cond: overflow,
                    then: slow,
                    else_: fits,
                });
                self.cur = fits;
                self.bits(sum, Ty::Obj)
            }
            B::And | B::InplaceAnd => {
                let v = self.bin(BinOp::And, x, y);
                self.bits(v, Ty::Obj)
            }
            B::Or | B::InplaceOr => {
                let v = self.bin(BinOp::Or, x, y);
                self.bits(v, Ty::Obj)
            }
            B::Xor | B::InplaceXor => {
                let v = self.bin(BinOp::Xor, x, y);
                let v = self.bin(BinOp::Or, v, one);
                self.bits(v, Ty::Obj)
            }
            B::Rshift | B::InplaceRshift => {
                // `(2n + 1) >> k | 1` is `2(n >> k) + 1`, for shifts of 0 to 31 bits.
                let k = self.bin(BinOp::Sar, y, one);
                let limit = self.constant(Ty::Uint, 32);
                let in_range = self.vreg(Ty::Bool);
                let k_unsigned = self.retype(k, Ty::Uint);
                self.inst(Inst::Cmp {
                    dst: in_range,
                    cond: Cond::LtU,
                    a: k_unsigned,
                    b: limit,
                });
                let shift = self.new_block();
                self.end_block(Term::Branch {
                    cond: in_range,
                    then: shift,
                    else_: slow,
                });
                self.cur = shift;
                let v = self.bin(BinOp::Sar, x, k);
                let v = self.bin(BinOp::Or, v, one);
                self.bits(v, Ty::Obj)
            }
            _ => {
                // Tagged words order as their numbers.
                let cond = match op {
                    B::Less => Cond::Lt,
                    B::More => Cond::Gt,
                    B::LessEqual => Cond::Le,
                    B::MoreEqual => Cond::Ge,
                    B::Equal => Cond::Eq,
                    _ => Cond::Ne,
                };
                let holds = self.vreg(Ty::Bool);
                self.inst(Inst::Cmp {
                    dst: holds,
                    cond,
                    a: x,
                    b: y,
                });
                self.bool_object(holds)
            }
        };
        self.assign_rooted(result, word, root);
        self.end_block(Term::Jump(join));
        self.cur = slow;
        let k = self.constant(Ty::Uint, op as u32);
        let general = self.call(Helper::BinaryOp, vec![k, a, b], Ty::Obj);
        self.assign_rooted(result, general, root);
        self.end_block(Term::Jump(join));
        self.cur = join;
        result
    }

    /// The truth of object `v`: inline for `True` and `False` (what comparisons give),
    /// else through `obj_is_true`.
    fn object_truth(&mut self, v: VReg) -> VReg {
        let truth = self.vreg(Ty::Bool);
        let (yes, no) = (
            self.constant(Ty::Obj, Obj::TRUE.raw()),
            self.constant(Ty::Obj, Obj::FALSE.raw()),
        );
        let (is_true, is_false) = (self.vreg(Ty::Bool), self.vreg(Ty::Bool));
        self.inst(Inst::Cmp {
            dst: is_true,
            cond: Cond::Eq,
            a: v,
            b: yes,
        });
        self.inst(Inst::Cmp {
            dst: is_false,
            cond: Cond::Eq,
            a: v,
            b: no,
        });
        let known = self.bin(BinOp::Or, is_true, is_false);
        let (bool_block, other, join) = (self.new_block(), self.new_block(), self.new_block());
        self.end_block(Term::Branch {
            cond: known,
            then: bool_block,
            else_: other,
        });
        self.cur = bool_block;
        self.inst(Inst::Copy {
            dst: truth,
            src: is_true,
        });
        self.end_block(Term::Jump(join));
        self.cur = other;
        let asked = self.call(Helper::ObjIsTrue, vec![v], Ty::Bool);
        self.inst(Inst::Copy {
            dst: truth,
            src: asked,
        });
        self.end_block(Term::Jump(join));
        self.cur = join;
        truth
    }

    /// `True` or `False` for a bool.
    fn bool_object(&mut self, holds: VReg) -> VReg {
        // `True` and `False` are immediates one apart in their payload.
        let step = (Obj::TRUE.raw() - Obj::FALSE.raw()).trailing_zeros();
        let holds = self.retype(holds, Ty::Uint);
        let shift = self.constant(Ty::Uint, step);
        let offset = self.bin(BinOp::Shl, holds, shift);
        let base = self.constant(Ty::Uint, Obj::FALSE.raw());
        let word = self.bin(BinOp::Add, base, offset);
        self.bits(word, Ty::Obj)
    }

    fn bits(&mut self, src: VReg, ty: Ty) -> VReg {
        let dst = self.vreg(ty);
        self.inst(Inst::Bits { dst, src });
        dst
    }

    fn bin(&mut self, op: BinOp, a: VReg, b: VReg) -> VReg {
        let dst = self.vreg(self.func.ty(a));
        self.inst(Inst::Bin { dst, op, a, b });
        dst
    }

    fn assign_rooted(&mut self, var: VReg, value: VReg, slot: u32) {
        self.inst(Inst::Copy {
            dst: var,
            src: value,
        });
        self.inst(Inst::StoreSlot { slot, value: var });
    }

    /// Suspends the generator, giving `value`. What the code after needs (the locals, the
    /// stack, what running handlers caught, a pending return) goes to frame slots, which
    /// persist in the generator object, and is loaded back where it resumes.
    fn suspend(&mut self, value: VReg) {
        let mut live: Vec<VReg> = self.locals.iter().flatten().copied().collect();
        live.extend(self.stack.iter().filter_map(|item| match item {
            Item::Value(v) => Some(*v),
            _ => None,
        }));
        live.extend(self.open_blocks.iter().filter_map(|b| b.caught));
        live.extend(self.pending_return);
        live.sort();
        live.dedup();
        let base = self.slots(live.len());
        for (slot, v) in (base..).zip(&live) {
            self.inst(Inst::StoreSlot { slot, value: *v });
        }
        let resume = self.new_block();
        self.end_block(Term::Yield { value, resume });
        self.yields.push((self.cur, resume, live.clone()));
        self.cur = resume;
        for (slot, v) in (base..).zip(&live) {
            self.inst(Inst::LoadSlot { dst: *v, slot });
        }
    }

    /// Takes pending jump `k` on from inside `open_blocks[..upto]`: into the next `finally`
    /// body it leaves, or, past the last, out of the blocks to its target.
    fn continue_jump(&mut self, k: usize, upto: usize) {
        let jump = &self.pending_jumps[k];
        let (target, outermost, outer_depth) = (jump.target, jump.outermost, jump.outer_depth);
        let next = self
            .open_blocks
            .get(outermost..upto)
            .unwrap_or_default()
            .iter()
            .rev()
            .find_map(|b| b.finally_label);
        if let Some(label) = next {
            return self.unwind_to_finally(label, jump_marker(k));
        }
        self.stack.truncate(outer_depth);
        if target.from_for {
            self.drop_iterator();
        }
        self.jump_to(target.label);
    }

    /// The variable a `return` through `finally` leaves its value in, defined from the
    /// entry so that every path reads a value.
    fn pending_return_var(&mut self) -> VReg {
        if let Some(var) = self.pending_return {
            return var;
        }
        let ret = self.func.ret;
        let var = self.vreg(ret);
        self.define_at_entry(var);
        if ret == Ty::Obj {
            let slot = self.new_slot();
            self.root_slots.insert(var, slot);
        }
        self.pending_return = Some(var);
        var
    }

    /// Gives `v` a first value (`None`, or 0) at the function's entry.
    fn define_at_entry(&mut self, v: VReg) {
        let initial = match self.func.ty(v) {
            Ty::Obj => Obj::NONE.raw(),
            _ => 0,
        };
        self.func.blocks[0].insts.insert(
            0,
            Inst::Const {
                dst: v,
                value: initial,
            },
        );
        self.entry_defined.push(v);
    }

    /// Every yield also saves the variables defined at the entry that it did not (made
    /// after it was emitted), so that a resume finds them as the other paths do.
    fn save_entry_defined_across_yields(&mut self) {
        for (at, resume, saved) in std::mem::take(&mut self.yields) {
            let missing: Vec<VReg> = self
                .entry_defined
                .iter()
                .filter(|v| !saved.contains(v))
                .copied()
                .collect();
            for v in missing {
                let slot = self.new_slot();
                self.func.blocks[at.0 as usize]
                    .insts
                    .push(Inst::StoreSlot { slot, value: v });
                self.func.blocks[resume.0 as usize]
                    .insts
                    .insert(0, Inst::LoadSlot { dst: v, slot });
            }
        }
    }

    fn root_pending_return(&mut self, var: VReg) {
        if let Some(&slot) = self.root_slots.get(&var) {
            self.inst(Inst::StoreSlot { slot, value: var });
        }
    }

    /// `obj.name`, for names the emitter itself looks up.
    fn load_attr_named(&mut self, obj: VReg, name: &str) -> VReg {
        let q = self.qstr_index(&Name::from(name));
        self.call(Helper::LoadAttr, vec![obj, q], Ty::Obj)
    }

    /// Raises as bytecode does when `local` is unbound (`NULL`: never assigned, or deleted),
    /// where MicroPython's native code would read `NULL` or `None`.
    fn check_bound(&mut self, local: VReg) {
        let null = self.constant(Ty::Obj, Obj::NULL.raw());
        let unbound = self.vreg(Ty::Bool);
        self.inst(Inst::Cmp {
            dst: unbound,
            cond: Cond::Eq,
            a: local,
            b: null,
        });
        let (raise, bound) = (self.new_block(), self.new_block());
        self.end_block(Term::Branch {
            cond: unbound,
            then: raise,
            else_: bound,
        });
        self.cur = raise;
        self.call(Helper::RaiseUnboundLocal, Vec::new(), Ty::Obj);
        self.end_block(Term::Raise);
        self.cur = bound;
    }

    /// On a jump back to `label` (a loop), `@native` code lets the runtime poll now and then,
    /// so Ctrl-C, scheduled callbacks and the step limit reach a long loop (MicroPython's
    /// native code never polls). Viper loops stay as tight as C's.
    fn poll_on_back_edge(&mut self, label: Label) {
        if self.viper || !self.placed.contains(&label) {
            return;
        }
        let due = self.vreg(Ty::Bool);
        self.inst(Inst::Tick { dst: due });
        let (poll, after) = (self.new_block(), self.new_block());
        self.end_block(Term::Branch {
            cond: due,
            then: poll,
            else_: after,
        });
        self.cur = poll;
        self.call(Helper::Poll, Vec::new(), Ty::Obj);
        self.end_block(Term::Jump(after));
        self.cur = after;
    }

    /// Pops a `for` loop's iterator and the padding below it.
    fn drop_iterator(&mut self) {
        self.pop_item();
        while self.stack.last() == Some(&Item::IterPadding) {
            self.stack.pop();
        }
    }

    /// Calls `helper`; an object result is rooted in a fresh frame slot.
    fn call(&mut self, helper: Helper, args: Vec<VReg>, result: Ty) -> VReg {
        let dst = self.vreg(result);
        let on_raise = *self.handlers.last().unwrap_or(&self.raise_block);
        self.inst(Inst::Call {
            dst,
            helper,
            args,
            on_raise,
        });
        if result == Ty::Obj {
            let slot = self.new_slot();
            self.inst(Inst::StoreSlot { slot, value: dst });
        }
        dst
    }

    // ---- the value stack

    fn push(&mut self, v: VReg) {
        self.stack.push(Item::Value(v));
    }

    /// The top of the stack. Unreachable code may find less there than it pops: the
    /// compiler's corrections of its stack count (`adjust_stack_size`) follow bytecode's
    /// unwinding, which keeps more under a `finally` than native code does. Nothing runs it,
    /// so a placeholder serves.
    fn pop_item(&mut self) -> Item {
        match self.stack.pop() {
            Some(item) => item,
            None if self.dead => Item::Null,
            None => {
                self.unsupported("this stack shape");
                Item::Null
            }
        }
    }

    /// Pops a value, materialising `None`; casts and empty slots are errors.
    fn pop(&mut self) -> VReg {
        match self.pop_item() {
            Item::Value(v) => v,
            Item::None => self.constant(Ty::Obj, Obj::NONE.raw()),
            _ if self.dead => self.vreg(Ty::Obj),
            Item::Cast(_) | Item::Null => {
                self.unsupported("a cast used as a value");
                self.vreg(Ty::Int)
            }
            Item::IterPadding => {
                self.unsupported("this stack shape");
                self.vreg(Ty::Obj)
            }
        }
    }

    /// Pops a value as an object, boxing a scalar (`MP_F_CONVERT_NATIVE_TO_OBJ`).
    fn pop_obj(&mut self) -> VReg {
        let v = self.pop();
        self.box_value(v)
    }

    fn box_value(&mut self, v: VReg) -> VReg {
        let ty = self.func.ty(v);
        if ty == Ty::Obj {
            return v;
        }
        if ty.is_ptr() {
            // As MicroPython: a pointer becomes an object only as a return value.
            self.fail(
                ErrorKind::NotImplementedError,
                "conversion to object".into(),
            );
        }
        let t = self.constant(Ty::Uint, ty as u32);
        self.call(Helper::ConvertNativeToObj, vec![v, t], Ty::Obj)
    }

    // ---- labels

    fn label(&mut self, label: Label) -> &mut LabelInfo {
        if !self.labels.contains_key(&label) {
            let block = self.new_block();
            self.labels.insert(label, LabelInfo { block, stack: None });
        }
        self.labels.get_mut(&label).expect("inserted above")
    }

    /// Copies the current stack into `label`'s entry vregs (fixing them on first use) and
    /// returns the label's block.
    fn flow_to(&mut self, label: Label) -> BlockId {
        let current = self.stack.clone();
        let (block, entry) = self.fix_label_stack(label);
        if entry.len() != current.len() {
            self.unsupported("a jump with a different stack depth");
            return block;
        }
        // The copies are parallel: when a source is also a destination (the stack permuted
        // across a back edge), go through fresh temporaries first.
        let dsts: Vec<VReg> = entry
            .iter()
            .filter_map(|i| match i {
                Item::Value(v) => Some(*v),
                _ => None,
            })
            .collect();
        let mut current = current;
        for (item, want) in current.iter_mut().zip(&entry) {
            if let Item::Value(src) = item {
                if dsts.contains(src) && *want != Item::Value(*src) {
                    let tmp = self.vreg(self.func.ty(*src));
                    self.inst(Inst::Copy {
                        dst: tmp,
                        src: *src,
                    });
                    *src = tmp;
                }
            }
        }
        for (want, have) in entry.iter().zip(&current) {
            match (want, have) {
                (Item::Value(dst), Item::Value(src)) if dst != src => {
                    if self.func.ty(*dst) != self.func.ty(*src) {
                        let (d, s) = (self.func.ty(*dst), self.func.ty(*src));
                        self.viper_error(format!(
                            "jump to a label with type '{}' but source is '{}'",
                            d.name(),
                            s.name()
                        ));
                        continue;
                    }
                    self.inst(Inst::Copy {
                        dst: *dst,
                        src: *src,
                    });
                    if let Some(&slot) = self.root_slots.get(dst) {
                        self.inst(Inst::StoreSlot { slot, value: *dst });
                    }
                }
                // `None` reaching a label whose entry is an object (a body falling into its
                // `finally`, where a landing brings the exception).
                (Item::Value(dst), Item::None) if self.func.ty(*dst) == Ty::Obj => {
                    let none = self.constant(Ty::Obj, Obj::NONE.raw());
                    self.inst(Inst::Copy {
                        dst: *dst,
                        src: none,
                    });
                    if let Some(&slot) = self.root_slots.get(dst) {
                        self.inst(Inst::StoreSlot { slot, value: *dst });
                    }
                }
                (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
                    self.unsupported("a jump with a different stack shape");
                }
                _ => {}
            }
        }
        block
    }

    /// The label's block and entry stack, fixing the stack as fresh vregs of the current
    /// stack's types if nothing has fixed it yet.
    fn fix_label_stack(&mut self, label: Label) -> (BlockId, Vec<Item>) {
        let info = self.label(label);
        let block = info.block;
        if let Some(entry) = &info.stack {
            return (block, entry.clone());
        }
        let current = self.stack.clone();
        let mut fresh = Vec::new();
        for item in &current {
            fresh.push(match item {
                Item::Value(v) => {
                    let ty = self.func.ty(*v);
                    let fresh = self.vreg(ty);
                    if ty == Ty::Obj {
                        let slot = self.new_slot();
                        self.root_slots.insert(fresh, slot);
                    }
                    if self.func.generator {
                        // A yield saves what handlers caught, which only the paths through
                        // their labels define: the others save this.
                        self.define_at_entry(fresh);
                    }
                    Item::Value(fresh)
                }
                other => *other,
            });
        }
        self.labels.get_mut(&label).expect("exists").stack = Some(fresh.clone());
        (block, fresh)
    }

    fn jump_to(&mut self, label: Label) {
        self.poll_on_back_edge(label);
        let block = self.flow_to(label);
        self.terminate(Term::Jump(block));
    }

    /// Branches on the truth of `v` (a scalar, or an object through `obj_is_true`).
    fn truth(&mut self, v: VReg) -> VReg {
        match self.func.ty(v) {
            Ty::Obj => self.object_truth(v),
            Ty::Bool | Ty::Int | Ty::Uint => v,
            other => {
                self.viper_error(format!(
                    "can't implicitly convert '{}' to 'bool'",
                    other.name()
                ));
                v
            }
        }
    }

    fn branch(&mut self, cond: VReg, when: bool, label: Label) {
        self.poll_on_back_edge(label);
        let target = self.flow_to(label);
        let next = self.new_block();
        let (then, else_) = if when { (target, next) } else { (next, target) };
        self.end_block(Term::Branch { cond, then, else_ });
        self.cur = next;
    }

    // ---- locals

    fn set_local(&mut self, name: &Name, n: u16, value: VReg) {
        let ty = self.func.ty(value);
        let n = n as usize;
        if self.locals.len() <= n {
            self.locals.resize(n + 1, None);
        }
        let local = match self.locals[n] {
            Some(local) => local,
            None => {
                let local = self.vreg(ty);
                if ty == Ty::Obj {
                    let slot = self.new_slot();
                    self.root_slots.insert(local, slot);
                }
                self.locals[n] = Some(local);
                local
            }
        };
        let have = self.func.ty(local);
        if have != ty {
            self.viper_error(format!(
                "local '{name}' has type '{}' but source is '{}'",
                have.name(),
                ty.name()
            ));
            return;
        }
        self.inst(Inst::Copy {
            dst: local,
            src: value,
        });
        if let Some(&slot) = self.root_slots.get(&local) {
            self.inst(Inst::StoreSlot { slot, value: local });
        }
    }

    // ---- operators

    fn int_binary(&mut self, op: BinaryOpNum, a: VReg, b: VReg) -> Option<VReg> {
        use BinaryOpNum as B;
        let (ta, tb) = (self.func.ty(a), self.func.ty(b));
        let plain = match op as u8 {
            n if (B::InplaceOr as u8..=B::InplacePower as u8).contains(&n) => {
                BinaryOpNum::ALL[(n - B::InplaceOr as u8 + B::Or as u8) as usize]
            }
            _ => op,
        };
        let arith = |e: &mut Self, op: BinOp| {
            let dst = e.vreg(ta);
            e.inst(Inst::Bin { dst, op, a, b });
            Some(dst)
        };
        match plain {
            B::Or => arith(self, BinOp::Or),
            B::Xor => arith(self, BinOp::Xor),
            B::And => arith(self, BinOp::And),
            B::Add => arith(self, BinOp::Add),
            B::Subtract => arith(self, BinOp::Sub),
            B::Multiply => arith(self, BinOp::Mul),
            B::Lshift => arith(self, BinOp::Shl),
            B::Rshift if ta == Ty::Uint => arith(self, BinOp::Shr),
            B::Rshift => arith(self, BinOp::Sar),
            B::FloorDivide | B::Modulo => {
                if ta != Ty::Int {
                    self.viper_error("div/mod not implemented for uint".into());
                    return None;
                }
                let helper = if plain == B::FloorDivide {
                    Helper::SmallIntFloorDivide
                } else {
                    Helper::SmallIntModulo
                };
                let b = if tb == Ty::Int {
                    b
                } else {
                    self.retype(b, Ty::Int)
                };
                Some(self.call(helper, vec![a, b], Ty::Int))
            }
            B::Less | B::More | B::Equal | B::LessEqual | B::MoreEqual | B::NotEqual => {
                if ta != tb {
                    self.viper_error("comparison of int and uint".into());
                    return None;
                }
                let unsigned = ta == Ty::Uint;
                let cond = match (plain, unsigned) {
                    (B::Less, false) => Cond::Lt,
                    (B::Less, true) => Cond::LtU,
                    (B::More, false) => Cond::Gt,
                    (B::More, true) => Cond::GtU,
                    // Test-only miscompilation the differential fuzzer must find (fuzz/).
                    (B::LessEqual, false) if cfg!(feature = "planted-bug") => Cond::Lt,
                    (B::LessEqual, false) => Cond::Le,
                    (B::LessEqual, true) => Cond::LeU,
                    (B::MoreEqual, false) => Cond::Ge,
                    (B::MoreEqual, true) => Cond::GeU,
                    (B::Equal, _) => Cond::Eq,
                    _ => Cond::Ne,
                };
                let dst = self.vreg(Ty::Bool);
                self.inst(Inst::Cmp { dst, cond, a, b });
                Some(dst)
            }
            other => {
                self.viper_error(format!(
                    "binary op {} not implemented",
                    binary_op_method_name(other)
                ));
                None
            }
        }
    }

    /// The same bits of scalar `v` under another scalar type (a viper cast).
    fn retype(&mut self, v: VReg, ty: Ty) -> VReg {
        let dst = self.vreg(ty);
        self.inst(Inst::Copy { dst, src: v });
        dst
    }

    /// The arena address of element `index` of pointer `base`.
    fn element_addr(&mut self, base: VReg, index: VReg) -> VReg {
        let width = self.func.ty(base).elem_width().expect("a pointer");
        let scaled = match width.bytes() {
            1 => index,
            n => {
                let shift = self.constant(Ty::Int, n.trailing_zeros());
                let dst = self.vreg(Ty::Int);
                self.inst(Inst::Bin {
                    dst,
                    op: BinOp::Shl,
                    a: index,
                    b: shift,
                });
                dst
            }
        };
        let dst = self.vreg(Ty::Uint);
        self.inst(Inst::Bin {
            dst,
            op: BinOp::Add,
            a: base,
            b: scaled,
        });
        dst
    }
}

impl Emitter for FuncEmitter<'_> {
    fn start_pass(&mut self, pass: Pass, scope: &Scope) {
        if pass != Pass::Emit {
            return;
        }
        self.func.name = scope.simple_name.to_string();
        // A function's annotations type its viper arguments and result; a lambda or a
        // comprehension (whose one argument is the iterable) has none.
        let (args, returns, line) = match scope.node {
            ScopeNode::Function(def) => (Some(&def.args), def.returns.as_ref(), def.line),
            ScopeNode::Lambda { args, line, .. } => (Some(args), None, line),
            ScopeNode::Comprehension { line, .. } => (None, None, line),
            // Module code: no arguments, an object result.
            ScopeNode::Module(_) => return,
            // A class body: its names in its own dict (`__class__` is a cell when a method
            // uses `super()`), its arguments only the cells it closes over.
            ScopeNode::Class(class) => {
                self.class_body = true;
                (None, None, class.line)
            }
        };
        self.line = line;
        if scope.flags & SCOPE_FLAG_GENERATOR != 0 {
            if self.viper {
                return self.fail(ErrorKind::NotImplementedError, "native yield".into());
            }
            self.func.generator = true;
        }
        let closes_over = scope
            .ids
            .iter()
            .any(|id| matches!(id.kind, IdKind::Cell | IdKind::Free));
        if closes_over && self.viper {
            return self.unsupported("closures in viper code");
        }
        // A comprehension's argument is its first local, not flagged as a parameter.
        let comprehension = matches!(scope.node, ScopeNode::Comprehension { .. });
        self.gen_expr = scope.kind == ScopeKind::GenExpr;
        // The cells a closure holds arrive first, as arguments (`closure_call`).
        let is_param = |id: &&IdInfo| {
            id.flags & ID_FLAG_IS_PARAM != 0
                || id.kind == IdKind::Free
                || (comprehension && id.kind == IdKind::Local && id.name.is_empty())
        };
        let n_params = scope.ids.iter().filter(is_param).count();
        if self.viper && n_params > MAX_VIPER_ARGS {
            return self.unsupported("more than 6 arguments");
        }
        let viper = self.viper;
        let typed = |annotation: Option<&Expr>| match annotation {
            Some(_) if viper => annotation_type(annotation),
            _ => Ok(Ty::Obj),
        };
        match typed(returns) {
            Ok(ty) => self.func.ret = ty,
            Err(err) => self.error = self.error.take().or(Some(err)),
        }
        let mut params: Vec<(u16, VReg)> = Vec::new();
        for id in scope.ids.iter().filter(is_param) {
            let annotation = args
                .and_then(|args| args.args.iter().find(|arg| arg.name == id.name))
                .and_then(|arg| arg.annotation.as_ref());
            let ty = match typed(annotation) {
                Ok(ty) => ty,
                Err(err) => {
                    self.error = self.error.take().or(Some(err));
                    Ty::Obj
                }
            };
            let v = self.vreg(ty);
            params.push((id.local_num, v));
        }
        params.sort_by_key(|(n, _)| *n);
        self.func.params = params.iter().map(|(_, v)| *v).collect();
        for (n, v) in params {
            if self.locals.len() <= n as usize {
                self.locals.resize(n as usize + 1, None);
            }
            self.locals[n as usize] = Some(v);
            if self.func.ty(v) == Ty::Obj {
                let slot = self.new_slot();
                self.root_slots.insert(v, slot);
                self.inst(Inst::StoreSlot { slot, value: v });
            }
        }
        self.make_cells(scope);
        if !viper {
            // Every local of a native function is an object, defined from the entry as
            // unbound (`NULL`), so a local assigned in a `try` body is defined on the path a
            // landing takes too, and reading one not yet assigned raises as bytecode does.
            let locals = scope
                .ids
                .iter()
                .filter(|id| id.kind == IdKind::Local && !is_param(id));
            for id in locals {
                let unbound = self.constant(Ty::Obj, Obj::NULL.raw());
                self.set_local(&id.name, id.local_num, unbound);
            }
        }
    }

    /// The bytecode emitter's stack count does not follow jumps, so the compiler corrects it
    /// around labels; here a label already restores its own stack, and only the unreachable
    /// code before a label needs the correction (to give an unjumped label its shape).
    fn adjust_stack_size(&mut self, delta: i32) {
        if let Some(label) = self.unreached_label.take() {
            // A label only dead code led to (an `if` on a constant): nothing has jumped to it
            // and its block is empty, so its entry stack takes the correction, as bytecode's
            // stack count does (`x if 1 else y` leaves `x` on the dead stack before `y`).
            let info = &self.labels[&label];
            let untouched =
                info.block == self.cur && self.func.blocks[self.cur.0 as usize].insts.is_empty();
            if untouched {
                // Growing, the entries are placeholders: the exception a bare `except:`'s
                // `END_FINALLY` would find, which nothing reaches.
                let depth = self.stack.len().saturating_add_signed(delta as isize);
                self.stack.resize(depth, Item::Null);
                let fixed = self.stack.clone();
                self.labels.get_mut(&label).expect("placed").stack = Some(fixed);
                return;
            }
        }
        if !self.dead {
            return;
        }
        for _ in 0..delta.max(0) {
            self.stack.push(Item::Null);
        }
        for _ in 0..(-delta).max(0) {
            self.stack.pop();
        }
    }

    fn set_source_line(&mut self, line: u32) {
        self.line = line;
    }

    fn load_local(&mut self, name: &Name, local_num: u16, kind: LocalKind) {
        if kind != LocalKind::Fast {
            let Some(cell) = self.locals.get(local_num as usize).copied().flatten() else {
                return self.unsupported("closed-over variables");
            };
            let value = self.call(Helper::CellGet, vec![cell], Ty::Obj);
            return self.push(value);
        }
        match self.locals.get(local_num as usize).copied().flatten() {
            Some(local) => {
                if !self.viper {
                    self.check_bound(local);
                }
                // A fresh copy, so a later store to the local cannot change the stack entry;
                // an object copy gets its own root, as the local may be rebound meanwhile.
                let ty = self.func.ty(local);
                let dst = self.vreg(ty);
                self.inst(Inst::Copy { dst, src: local });
                if ty == Ty::Obj {
                    let slot = self.new_slot();
                    self.inst(Inst::StoreSlot { slot, value: dst });
                }
                self.push(dst);
            }
            None => {
                self.viper_error(format!("local '{name}' used before type known"));
                let dummy = self.constant(Ty::Int, 0);
                self.push(dummy);
            }
        }
    }

    fn load_global(&mut self, name: &Name, kind: GlobalKind) {
        if kind == GlobalKind::Global && self.viper {
            if let Some(ty) = Ty::from_name(name).filter(|t| *t != Ty::Obj) {
                self.stack.push(Item::Cast(ty));
                return;
            }
        }
        // Outside class bodies a name lookup (module level) is a global lookup: the module's
        // locals are its globals.
        let helper = match kind {
            GlobalKind::Name if self.class_body => Helper::LoadName,
            _ => Helper::LoadGlobal,
        };
        let q = self.qstr_index(name);
        let v = self.call(helper, vec![q], Ty::Obj);
        self.push(v);
    }

    fn store_local(&mut self, name: &Name, local_num: u16, kind: LocalKind) {
        if kind != LocalKind::Fast {
            let Some(cell) = self.locals.get(local_num as usize).copied().flatten() else {
                return self.unsupported("closed-over variables");
            };
            let value = self.pop_obj();
            self.call(Helper::CellSet, vec![cell, value], Ty::Obj);
            return;
        }
        let v = self.pop();
        self.set_local(name, local_num, v);
    }

    fn store_global(&mut self, name: &Name, kind: GlobalKind) {
        // As in `load_global`, a name store outside class bodies is a global store.
        let helper = match kind {
            GlobalKind::Name if self.class_body => Helper::StoreName,
            _ => Helper::StoreGlobal,
        };
        let value = self.pop_obj();
        let q = self.qstr_index(name);
        self.call(helper, vec![q, value], Ty::Obj);
    }

    /// A deleted local is unbound again (`NULL`; deleting an unbound one raises), and a load
    /// checks (see `load_local`); viper's typed locals keep MicroPython's `None`.
    fn delete_local(&mut self, name: &Name, local_num: u16, kind: LocalKind) {
        if self.viper {
            self.load_const_tok(ConstToken::None);
            return self.store_local(name, local_num, kind);
        }
        if let Some(local) = self.locals.get(local_num as usize).copied().flatten() {
            match kind {
                LocalKind::Fast => self.check_bound(local),
                _ => {
                    self.call(Helper::CellGet, vec![local], Ty::Obj);
                }
            }
        }
        let unbound = self.constant(Ty::Obj, Obj::NULL.raw());
        self.push(unbound);
        self.store_local(name, local_num, kind);
    }

    fn delete_global(&mut self, name: &Name, kind: GlobalKind) {
        let helper = match kind {
            GlobalKind::Name if self.class_body => Helper::DeleteName,
            _ => Helper::DeleteGlobal,
        };
        let q = self.qstr_index(name);
        self.call(helper, vec![q], Ty::Obj);
    }

    fn label_assign(&mut self, label: Label) {
        self.placed.insert(label);
        let unreached = self.dead && self.label(label).stack.is_none();
        self.unreached_label = unreached.then_some(label);
        if self.dead {
            // No fall-through: the stack the code before left has the label's shape, but the
            // label's own vregs (fixed now unless a jump already fixed them) hold its values.
            self.fix_label_stack(label);
        } else {
            let block = self.flow_to(label);
            self.end_block(Term::Jump(block));
        }
        // A `finally`'s label ends its protected body: the handler is no longer active.
        if let Some(open) = self.open_blocks.last_mut() {
            if open.finally_label == Some(label) {
                open.finally_label = None;
                self.handlers.pop();
            }
        }
        let info = self.label(label);
        let block = info.block;
        if let Some(stack) = info.stack.clone() {
            self.stack = stack;
        }
        self.cur = block;
        self.dead = false;
        if let Some(Item::Value(exc)) = self.stack.last().copied() {
            if let Some(open) = self.open_blocks.iter_mut().find(|b| b.handler == label) {
                open.caught = Some(exc);
            }
        }
    }

    fn import(&mut self, name: &Name, kind: ImportKind) {
        match kind {
            ImportKind::Name => {
                let fromlist = self.pop_obj();
                let level = self.pop_obj();
                let q = self.qstr_index(name);
                let module = self.call(Helper::ImportName, vec![q, fromlist, level], Ty::Obj);
                self.push(module);
            }
            ImportKind::From => {
                // The module stays below the value for the next name's import.
                let module = self.pop_obj();
                self.push(module);
                let q = self.qstr_index(name);
                let value = self.call(Helper::ImportFrom, vec![module, q], Ty::Obj);
                self.push(value);
            }
            ImportKind::Star => {
                let module = self.pop_obj();
                self.call(Helper::ImportAll, vec![module], Ty::Obj);
            }
        }
    }

    fn load_const_tok(&mut self, tok: ConstToken) {
        match tok {
            ConstToken::None => self.stack.push(Item::None),
            ConstToken::False | ConstToken::True if self.viper => {
                let v = self.constant(Ty::Bool, u32::from(tok == ConstToken::True));
                self.push(v);
            }
            ConstToken::False | ConstToken::True => {
                let v = self.constant(Ty::Obj, Obj::bool(tok == ConstToken::True).raw());
                self.push(v);
            }
            ConstToken::Ellipsis => self.const_obj(ConstObj::Ellipsis, None),
        }
    }

    fn load_const_small_int(&mut self, value: i64) {
        let v = match (self.viper, Obj::small_int(value)) {
            (true, _) => self.constant(Ty::Int, value as u32),
            (false, Some(obj)) => self.constant(Ty::Obj, obj.raw()),
            (false, None) => return self.const_obj(ConstObj::Int(value.into()), None),
        };
        self.push(v);
    }

    /// A string constant is a qstr object, as in bytecode (keyword names must be qstrs); code
    /// for a `.mpy` takes it from the constant table instead, as mpy-cross's does.
    fn load_const_str(&mut self, value: &Name) {
        if self.fun_table_const.is_some() {
            return self.const_obj(ConstObj::Str(value.as_ref().into()), None);
        }
        let index = self.tables.use_qstr(value) as u32;
        let dst = self.vreg(Ty::Obj);
        self.inst(Inst::LoadQstr { dst, index });
        self.push(dst);
    }

    fn load_const_obj(&mut self, obj: ConstObj, origin: ConstOrigin) {
        self.const_obj(obj, Some(origin));
    }

    fn load_null(&mut self) {
        self.stack.push(Item::Null);
        // A generator expression starts by laying out its argument, already an iterator, as
        // bytecode's iterator buffer `NULL, iterator, NULL, NULL`: here the iterator goes on
        // top of the padding, as `get_iter` leaves one.
        if self.gen_expr && self.stack.len() == ITER_BUF_WORDS {
            if let [Item::Null, Item::Value(iter), Item::Null, Item::Null] = self.stack[..] {
                self.stack.clear();
                let padding = ITER_BUF_WORDS - 1;
                self.stack
                    .extend(std::iter::repeat_n(Item::IterPadding, padding));
                self.push(iter);
            }
        }
    }

    fn load_method(&mut self, name: &Name, is_super: bool) {
        if is_super {
            // (super, class, self): the method found past `class`, bound to `self`.
            let self_obj = self.pop_obj();
            let class = self.pop_obj();
            self.pop_item();
            let q = self.qstr_index(name);
            let method = self.call(Helper::LoadSuperMethod, vec![q, class, self_obj], Ty::Obj);
            self.push(method);
            self.stack.push(Item::Null);
            return;
        }
        // `obj.name` then a plain call: what `mp_load_method` finds is the same bound object.
        self.attr(name, AccessKind::Load);
        self.stack.push(Item::Null);
    }

    fn load_build_class(&mut self) {
        let build = self.call(Helper::LoadBuildClass, Vec::new(), Ty::Obj);
        self.push(build);
    }

    fn subscr(&mut self, kind: AccessKind) {
        match kind {
            AccessKind::Load => {
                let index = self.pop();
                let base = self.pop();
                let (tb, ti) = (self.func.ty(base), self.func.ty(index));
                if tb == Ty::Obj {
                    let index = self.box_value(index);
                    let sentinel = self.constant(Ty::Obj, OBJ_SENTINEL);
                    let v = self.call(Helper::ObjSubscr, vec![base, index, sentinel], Ty::Obj);
                    return self.push(v);
                }
                if !tb.is_ptr() {
                    self.viper_error(format!("can't load from '{}'", tb.name()));
                } else if !ti.is_integer() {
                    self.viper_error(format!("can't load with '{}' index", ti.name()));
                } else {
                    let width = tb.elem_width().expect("a pointer");
                    let addr = self.element_addr(base, index);
                    let dst = self.vreg(Ty::Int);
                    self.inst(Inst::Load { dst, width, addr });
                    return self.push(dst);
                }
                let dummy = self.constant(Ty::Int, 0);
                self.push(dummy);
            }
            AccessKind::Store => {
                let index = self.pop();
                let base = self.pop();
                if self.stack.last() == Some(&Item::None) && self.func.ty(base).is_ptr() {
                    self.viper_error("can't store 'None'".into());
                }
                let value = self.pop();
                let (tb, ti, tv) = (self.func.ty(base), self.func.ty(index), self.func.ty(value));
                if tb == Ty::Obj {
                    let index = self.box_value(index);
                    let value = self.box_value(value);
                    self.call(Helper::ObjSubscr, vec![base, index, value], Ty::Obj);
                    return;
                }
                if !tb.is_ptr() {
                    self.viper_error(format!("can't store to '{}'", tb.name()));
                } else if !ti.is_integer() {
                    self.viper_error(format!("can't store with '{}' index", ti.name()));
                } else if !(tv.is_integer() || tv == Ty::Bool || tv.is_ptr()) {
                    self.viper_error(format!("can't store '{}'", tv.name()));
                } else {
                    let width = tb.elem_width().expect("a pointer");
                    let addr = self.element_addr(base, index);
                    self.inst(Inst::Store { width, addr, value });
                }
            }
            AccessKind::Delete => {
                // `MP_OBJ_NULL` as the value deletes, as `mp_obj_subscr` takes it.
                let index = self.pop_obj();
                let base = self.pop_obj();
                let null = self.constant(Ty::Obj, Obj::NULL.raw());
                self.call(Helper::ObjSubscr, vec![base, index, null], Ty::Obj);
            }
        }
    }

    fn attr(&mut self, name: &Name, kind: AccessKind) {
        match kind {
            AccessKind::Load => {}
            AccessKind::Store | AccessKind::Delete => {
                let base = self.pop_obj();
                // `MP_OBJ_NULL` as the value deletes, as `mp_store_attr` takes it.
                let value = match kind {
                    AccessKind::Store => self.pop_obj(),
                    _ => self.constant(Ty::Obj, Obj::NULL.raw()),
                };
                let q = self.qstr_index(name);
                self.call(Helper::StoreAttr, vec![base, q, value], Ty::Obj);
                return;
            }
        }
        let base = self.pop();
        if self.func.ty(base) != Ty::Obj {
            let t = self.func.ty(base);
            self.viper_error(format!("can't load attribute of '{}'", t.name()));
            let dummy = self.constant(Ty::Obj, Obj::NONE.raw());
            return self.push(dummy);
        }
        let q = self.qstr_index(name);
        let v = self.call(Helper::LoadAttr, vec![base, q], Ty::Obj);
        self.push(v);
    }

    fn dup_top(&mut self) {
        let top = self.pop_item();
        self.stack.push(top);
        self.stack.push(top);
    }

    fn dup_top_two(&mut self) {
        let b = self.pop_item();
        let a = self.pop_item();
        self.stack.extend([a, b, a, b]);
    }

    fn pop_top(&mut self) {
        self.pop_item();
    }

    fn rot_two(&mut self) {
        let b = self.pop_item();
        let a = self.pop_item();
        self.stack.extend([b, a]);
    }

    fn rot_three(&mut self) {
        let c = self.pop_item();
        let b = self.pop_item();
        let a = self.pop_item();
        self.stack.extend([c, a, b]);
    }

    fn jump(&mut self, label: Label) {
        if !self.dead {
            self.jump_to(label);
        }
    }

    fn pop_jump_if(&mut self, cond: bool, label: Label) {
        let v = self.pop();
        let t = self.truth(v);
        self.branch(t, cond, label);
    }

    fn jump_if_or_pop(&mut self, cond: bool, label: Label) {
        let top = self.pop();
        self.push(top);
        let t = self.truth(top);
        self.branch(t, cond, label);
        self.pop_item();
    }

    fn unwind_jump(&mut self, target: BreakTarget, except_depth: u16) {
        if except_depth != 0 {
            let Some(outermost) = self.open_blocks.len().checked_sub(except_depth as usize) else {
                return self.unsupported("this block structure");
            };
            if !self.dead {
                let through = self.open_blocks[outermost..].iter().map(|b| b.id).collect();
                self.pending_jumps.push(PendingJump {
                    target,
                    outermost,
                    outer_depth: self.open_blocks[outermost].outer_depth,
                    through,
                });
                let saved = self.stack.clone();
                self.continue_jump(self.pending_jumps.len() - 1, self.open_blocks.len());
                self.stack = saved;
            }
            return;
        }
        if target.from_for && !self.dead {
            // Leaving a `for` over an iterable drops its iterator.
            self.drop_iterator();
        }
        self.jump(target.label);
    }

    /// `try` and `with` (see [`FuncEmitter::protect`]). A body that ends normally enters a
    /// `finally` with `None` on the stack.
    fn setup_block(&mut self, label: Label, kind: BlockKind) {
        if kind == BlockKind::With {
            // The manager's bound `__exit__` stays on the stack for `with_cleanup`, below a
            // `finally`-like handler's exception; `__enter__`'s result goes above it.
            let manager = self.pop_obj();
            let outer_depth = self.stack.len();
            let exit = self.load_attr_named(manager, "__exit__");
            self.push(exit);
            let enter = self.load_attr_named(manager, "__enter__");
            let no_args = self.spill(&[]);
            let count = self.constant(Ty::Uint, 0);
            let value = self.call(
                Helper::NativeCallFunctionNKw,
                vec![enter, count, no_args],
                Ty::Obj,
            );
            self.protect(label, true, outer_depth);
            return self.push(value);
        }
        self.protect(label, kind == BlockKind::Finally, self.stack.len());
    }

    fn with_cleanup(&mut self, label: Label) {
        self.load_const_tok(ConstToken::None);
        self.label_assign(label);
        let exc = self.pop_obj();
        let exit = self.pop_obj();
        let pending = self.call(Helper::WithExit, vec![exit, exc], Ty::Obj);
        self.push(pending);
    }

    /// The end of an `async with` body, as bytecode does it: a normal exit goes to
    /// `aexit_no_exc` with `None`; the `finally` handler goes on here with an exception, or
    /// to `ret_unwind_jump` with a `return`'s or jump's marker.
    fn async_with_setup_finally(
        &mut self,
        aexit_no_exc: Label,
        finally_block: Label,
        ret_unwind_jump: Label,
    ) {
        // A value, as the marker that reaches `aexit_no_exc` the other way is.
        let none = self.constant(Ty::Obj, Obj::NONE.raw());
        self.push(none);
        self.rot_two();
        self.jump(aexit_no_exc);
        self.label_assign(finally_block);
        self.dup_top();
        self.load_global(&Name::from("BaseException"), GlobalKind::Global);
        self.binary_op(BinaryOp::Op(BinaryOpNum::ExceptionMatch));
        self.pop_jump_if(false, ret_unwind_jump);
    }

    fn async_with_unwind_entry(&mut self) {
        self.rot_two();
    }

    /// The end of a `try`'s handlers (no clause matched) or of a `finally` body: raise the
    /// exception on the stack again; after a `finally` it may be `None`, and then go on.
    fn end_finally(&mut self) {
        let block = self.open_blocks.pop();
        let is_finally = block.as_ref().is_some_and(|b| b.is_finally);
        if self.dead {
            // Unreached: the compiler's own correction (`adjust_stack_size`) has taken the
            // exception's place off the stack, or a bare `except:`'s handler did.
            return;
        }
        let exc = match self.pop_item() {
            Item::Value(v) => v,
            // `None` (a `finally` entered normally), or the placeholder of an unreached one.
            _ => self.constant(Ty::Obj, Obj::NONE.raw()),
        };
        if !is_finally {
            self.call(Helper::NativeRaise, vec![exc], Ty::Obj);
            return self.terminate(Term::Raise);
        }
        let none = self.constant(Ty::Obj, Obj::NONE.raw());
        let is_none = self.vreg(Ty::Bool);
        self.inst(Inst::Cmp {
            dst: is_none,
            cond: Cond::Eq,
            a: exc,
            b: none,
        });
        let (reraise, next) = (self.new_block(), self.new_block());
        self.end_block(Term::Branch {
            cond: is_none,
            then: next,
            else_: reraise,
        });
        self.cur = reraise;
        if let Some(var) = self.pending_return {
            // A `return` passing through: on to the next `finally` out, or return.
            let marker = self.constant(Ty::Obj, RETURN_MARKER);
            let returning = self.vreg(Ty::Bool);
            self.inst(Inst::Cmp {
                dst: returning,
                cond: Cond::Eq,
                a: exc,
                b: marker,
            });
            let (unwind, raise) = (self.new_block(), self.new_block());
            self.end_block(Term::Branch {
                cond: returning,
                then: unwind,
                else_: raise,
            });
            self.cur = unwind;
            let saved = self.stack.clone();
            match self.innermost_finally() {
                Some(outer) => self.unwind_to_finally(outer, RETURN_MARKER),
                None => self.terminate(Term::Return(var)),
            }
            self.stack = saved;
            self.cur = raise;
        }
        // A `break` or `continue` passing through: on to the next `finally` out, or its target.
        let id = block.map_or(usize::MAX, |b| b.id);
        let passing: Vec<usize> = (0..self.pending_jumps.len())
            .filter(|&k| self.pending_jumps[k].through.contains(&id))
            .collect();
        for k in passing {
            let marker = self.constant(Ty::Obj, jump_marker(k));
            let this_one = self.vreg(Ty::Bool);
            self.inst(Inst::Cmp {
                dst: this_one,
                cond: Cond::Eq,
                a: exc,
                b: marker,
            });
            let (go_on, other) = (self.new_block(), self.new_block());
            self.end_block(Term::Branch {
                cond: this_one,
                then: go_on,
                else_: other,
            });
            self.cur = go_on;
            let saved = self.stack.clone();
            self.continue_jump(k, self.open_blocks.len());
            self.stack = saved;
            self.cur = other;
        }
        self.call(Helper::NativeRaise, vec![exc], Ty::Obj);
        self.terminate(Term::Raise);
        self.cur = next;
        self.dead = false;
    }

    /// The iterator is one object on the compile-time stack: a heap iterator, where bytecode
    /// may keep a 4-word iterator buffer on its stack (padded to its depth, see
    /// [`Item::IterPadding`]).
    fn get_iter(&mut self, use_stack: bool) {
        let obj = self.pop_obj();
        let iter = self.call(Helper::NativeGetiter, vec![obj], Ty::Obj);
        if use_stack {
            let padding = ITER_BUF_WORDS - 1;
            self.stack
                .extend(std::iter::repeat_n(Item::IterPadding, padding));
        }
        self.push(iter);
    }

    /// Next item, or on to `label` (iterator still on the stack, for `for_iter_end` to drop).
    fn for_iter(&mut self, label: Label) {
        let iter = self.pop();
        self.push(iter);
        let item = self.call(Helper::NativeIternext, vec![iter], Ty::Obj);
        let stop = self.constant(Ty::Obj, Obj::STOP_ITERATION.raw());
        let done = self.vreg(Ty::Bool);
        self.inst(Inst::Cmp {
            dst: done,
            cond: Cond::Eq,
            a: item,
            b: stop,
        });
        self.branch(done, true, label);
        self.push(item);
    }

    fn for_iter_end(&mut self) {
        self.drop_iterator();
    }

    fn pop_except_jump(&mut self, label: Label, within_exc_handler: bool) {
        if !within_exc_handler {
            // The end of the `try` body.
            self.handlers.pop();
        }
        self.jump(label);
    }

    fn unary_op(&mut self, op: UnaryOpNum) {
        let v = self.pop();
        let ty = self.func.ty(v);
        if ty.is_integer() {
            let (bin, k) = match op {
                UnaryOpNum::Positive => return self.push(v),
                UnaryOpNum::Negative => (BinOp::Sub, 0),
                UnaryOpNum::Invert => (BinOp::Xor, u32::MAX),
                UnaryOpNum::Not => {
                    self.viper_error("'not' not implemented".into());
                    return self.push(v);
                }
            };
            let k = self.constant(ty, k);
            let dst = self.vreg(ty);
            let (a, b) = if bin == BinOp::Sub { (k, v) } else { (v, k) };
            self.inst(Inst::Bin { dst, op: bin, a, b });
            return self.push(dst);
        }
        if ty == Ty::Obj {
            let op = self.constant(Ty::Uint, op as u32);
            let r = self.call(Helper::UnaryOp, vec![op, v], Ty::Obj);
            return self.push(r);
        }
        self.viper_error(format!("can't do unary op of '{}'", ty.name()));
        self.push(v);
    }

    fn binary_op(&mut self, op: BinaryOp) {
        let (op, negate) = match op {
            BinaryOp::Op(op) => (op, false),
            BinaryOp::NotIn => (BinaryOpNum::In, true),
            BinaryOp::IsNot => (BinaryOpNum::Is, true),
        };
        let b = self.pop();
        let a = self.pop();
        let (ta, tb) = (self.func.ty(a), self.func.ty(b));
        if ta.is_integer() && tb.is_integer() {
            let r = self.int_binary(op, a, b);
            let r = r.unwrap_or_else(|| self.constant(ta, 0));
            return self.push(r);
        }
        if ta == Ty::Obj && tb == Ty::Obj {
            let mut r = self.object_binary(op, a, b);
            if negate {
                let not = self.constant(Ty::Uint, UnaryOpNum::Not as u32);
                r = self.call(Helper::UnaryOp, vec![not, r], Ty::Obj);
            }
            return self.push(r);
        }
        self.viper_error(format!(
            "can't do binary op between '{}' and '{}'",
            ta.name(),
            tb.name()
        ));
        let dummy = self.constant(ta, 0);
        self.push(dummy);
    }

    fn build(&mut self, n_args: u32, kind: BuildKind) {
        let helper = match kind {
            BuildKind::Tuple => Helper::BuildTuple,
            BuildKind::List => Helper::BuildList,
            BuildKind::Map => {
                // `n_args` is only a size hint; `store_map` adds the entries.
                let hint = self.constant(Ty::Uint, n_args);
                let dict = self.call(Helper::BuildMap, vec![hint], Ty::Obj);
                return self.push(dict);
            }
            BuildKind::Set => Helper::BuildSet,
            BuildKind::Slice => {
                let step = match n_args {
                    3 => self.pop_obj(),
                    _ => self.constant(Ty::Obj, Obj::NONE.raw()),
                };
                let stop = self.pop_obj();
                let start = self.pop_obj();
                let slice = self.call(Helper::NewSlice, vec![start, stop, step], Ty::Obj);
                return self.push(slice);
            }
        };
        let items = self.pop_objs(n_args as usize);
        let addr = self.spill(&items);
        let count = self.constant(Ty::Uint, n_args);
        let r = self.call(helper, vec![count, addr], Ty::Obj);
        self.push(r);
    }

    fn store_map(&mut self) {
        let key = self.pop_obj();
        let value = self.pop_obj();
        let dict = self.pop();
        self.call(Helper::StoreMap, vec![dict, key, value], Ty::Obj);
        self.push(dict);
    }

    /// Adds the item(s) on top to the comprehension's collection, which lies
    /// `collection_index` entries below them (`MP_BC_STORE_COMP`).
    fn store_comp(&mut self, kind: ScopeKind, collection_index: u32) {
        let (helper, items) = match kind {
            ScopeKind::ListComp => (Helper::ListAppend, vec![self.pop_obj()]),
            ScopeKind::DictComp => {
                let key = self.pop_obj();
                let value = self.pop_obj();
                (Helper::StoreMap, vec![key, value])
            }
            _ => (Helper::StoreSet, vec![self.pop_obj()]),
        };
        let at = self.stack.len().checked_sub(collection_index as usize);
        let Some(Item::Value(collection)) = at.map(|at| self.stack[at]) else {
            return self.unsupported("this stack shape");
        };
        let mut args = vec![collection];
        args.extend(items);
        self.call(helper, args, Ty::Obj);
    }

    fn unpack_sequence(&mut self, n_args: u32) {
        let count = self.constant(Ty::Uint, n_args);
        self.unpack(Helper::UnpackSequence, count, n_args);
    }

    /// `a, *b, c = seq`: `n_left` items, a list, `n_right` items.
    fn unpack_ex(&mut self, n_left: u32, n_right: u32) {
        let count = self.constant(Ty::Uint, n_left | n_right << 8);
        self.unpack(Helper::UnpackEx, count, n_left + 1 + n_right);
    }

    fn make_function(&mut self, child: ScopeId, n_pos_defaults: u32, n_kw_defaults: u32) {
        let (defaults, kw_defaults) = if n_pos_defaults == 0 && n_kw_defaults == 0 {
            let none = self.constant(Ty::Obj, Obj::NONE.raw());
            (none, none)
        } else {
            // Absent defaults, positional or keyword, are an empty slot (`load_null`).
            let mut defaults = [Obj::NONE.raw(); 2].map(|none| self.constant(Ty::Obj, none));
            for slot in defaults.iter_mut().rev() {
                match self.pop_item() {
                    Item::Null | Item::None => {}
                    Item::Value(v) => *slot = self.box_value(v),
                    Item::Cast(_) => return self.unsupported("a cast as defaults"),
                    Item::IterPadding => return self.unsupported("this stack shape"),
                }
            }
            (defaults[0], defaults[1])
        };
        let index = self.constant(Ty::Uint, self.children.len() as u32);
        self.children.push(child);
        let fun = self.call(
            Helper::MakeFunction,
            vec![index, defaults, kw_defaults],
            Ty::Obj,
        );
        self.push(fun);
    }

    /// The cells lie above the defaults: the function is made as `make_function` makes it,
    /// then wrapped with them.
    fn make_closure(&mut self, child: ScopeId, n_closed: u32, n_pos: u32, n_kw: u32) {
        let cells = self.pop_objs(n_closed as usize);
        self.make_function(child, n_pos, n_kw);
        let fun = self.pop();
        let n = self.constant(Ty::Uint, n_closed);
        let cells = self.spill(&cells);
        let closure = self.call(Helper::NewClosure, vec![fun, n, cells], Ty::Obj);
        self.push(closure);
    }

    fn call_function(&mut self, n_positional: u32, n_keyword: u32, star_flags: u32) {
        if star_flags != 0 {
            return self.call_with_star_args(n_positional, n_keyword, false);
        }
        let n = n_positional as usize + 2 * n_keyword as usize;
        let fun_at = self.stack.len().checked_sub(n + 1);
        let fun = fun_at.map(|i| self.stack[i]);
        if let Some(Item::Cast(ty)) = fun {
            if n_positional != 1 || n_keyword != 0 {
                return self.unsupported("a cast with other than one argument");
            }
            let v = self.pop_item();
            self.pop_item();
            let v = match v {
                Item::None => self.constant(Ty::Obj, Obj::NONE.raw()),
                Item::Value(v) => v,
                _ => return self.fail(ErrorKind::NotImplementedError, "casting".into()),
            };
            let r = if self.func.ty(v) == Ty::Obj {
                let t = self.constant(Ty::Uint, ty as u32);
                self.call(Helper::ConvertObjToNative, vec![v, t], ty)
            } else {
                self.retype(v, ty)
            };
            return self.push(r);
        }
        self.call_with_args(n_positional, n_keyword, false);
    }

    fn call_method(&mut self, n_positional: u32, n_keyword: u32, star_flags: u32) {
        if star_flags != 0 {
            return self.call_with_star_args(n_positional, n_keyword, true);
        }
        self.call_with_args(n_positional, n_keyword, true);
    }

    fn return_value(&mut self) {
        let ret = self.func.ret;
        let v = match self.pop_item() {
            Item::None if ret != Ty::Obj => self.constant(ret, 0),
            Item::None => self.constant(Ty::Obj, Obj::NONE.raw()),
            Item::Value(v) => v,
            _ => return self.unsupported("returning a cast"),
        };
        let ty = self.func.ty(v);
        let v = if ty == ret {
            v
        } else if ret == Ty::Obj {
            self.box_value(v)
        } else {
            self.viper_error(format!(
                "return expected '{}' but got '{}'",
                ret.name(),
                ty.name()
            ));
            self.constant(ret, 0)
        };
        match self.innermost_finally() {
            Some(label) => {
                // The `finally` bodies run first; the last one returns the value.
                let var = self.pending_return_var();
                self.inst(Inst::Copy { dst: var, src: v });
                self.root_pending_return(var);
                // The (dead) code after keeps the stack's shape; only the jump cuts it.
                let saved = self.stack.clone();
                self.unwind_to_finally(label, RETURN_MARKER);
                self.stack = saved;
            }
            None => self.terminate(Term::Return(v)),
        }
    }

    /// `raise exc`, `raise exc from cause`, and a bare `raise`, which raises again the
    /// innermost exception a handler being run caught (where MicroPython's native code
    /// refuses the last two).
    fn raise_varargs(&mut self, n_args: u32) {
        let (helper, args) = match n_args {
            0 => {
                let caught: Vec<VReg> = self
                    .open_blocks
                    .iter()
                    .rev()
                    .filter_map(|b| b.caught)
                    .collect();
                let n = self.constant(Ty::Uint, caught.len() as u32);
                let candidates = self.spill(&caught);
                (Helper::Reraise, vec![n, candidates])
            }
            1 => (Helper::NativeRaise, vec![self.pop()]),
            _ => {
                let cause = self.pop_obj();
                (Helper::RaiseFrom, vec![self.pop(), cause])
            }
        };
        if helper != Helper::Reraise && self.func.ty(args[0]) != Ty::Obj {
            return self.viper_error("must raise an object".into());
        }
        self.call(helper, args, Ty::Obj);
        self.terminate(Term::Raise);
    }

    fn yield_(&mut self, kind: YieldKind) {
        match kind {
            YieldKind::Value => {
                let value = self.pop_obj();
                self.suspend(value);
                let sent = self.call(Helper::GenResume, Vec::new(), Ty::Obj);
                self.push(sent);
            }
            // A loop of steps of the inner iterator, each suspending this generator with
            // what the inner one yielded, until it returns.
            YieldKind::From => {
                self.pop_item();
                let inner = self.pop_obj();
                let first = self.constant(Ty::Obj, Obj::TRUE.raw());
                let done_slot = self.slots(1);
                let step = self.new_block();
                self.end_block(Term::Jump(step));
                self.cur = step;
                let done_at = self.vreg(Ty::Uint);
                self.inst(Inst::SlotAddr {
                    dst: done_at,
                    slot: done_slot,
                });
                let value = self.call(Helper::YieldFromStep, vec![inner, first, done_at], Ty::Obj);
                let done = self.vreg(Ty::Obj);
                self.inst(Inst::LoadSlot {
                    dst: done,
                    slot: done_slot,
                });
                let is_done = self.vreg(Ty::Bool);
                let yes = self.constant(Ty::Obj, Obj::TRUE.raw());
                self.inst(Inst::Cmp {
                    dst: is_done,
                    cond: Cond::Eq,
                    a: done,
                    b: yes,
                });
                let (finished, suspend) = (self.new_block(), self.new_block());
                self.end_block(Term::Branch {
                    cond: is_done,
                    then: finished,
                    else_: suspend,
                });
                self.cur = suspend;
                // The inner iterator is saved with the rest.
                self.push(inner);
                self.suspend(value);
                self.pop_item();
                self.inst(Inst::Const {
                    dst: first,
                    value: Obj::FALSE.raw(),
                });
                self.end_block(Term::Jump(step));
                self.cur = finished;
                self.push(value);
            }
        }
    }

    // The handler's stack is its label's, so there is nothing to adjust.
    fn start_except_handler(&mut self) {}

    fn end_except_handler(&mut self) {}
}

impl NativeEmitter for FuncEmitter<'_> {
    fn finish(&mut self) -> Result<(MachineCode, Vec<ScopeId>), CompileError> {
        let (func, children) = self.finish_mir()?;
        let abi = crate::ScopeAbi {
            viper: self.viper,
            fun_table_const: self.fun_table_const,
        };
        let code = self
            .target
            .compile(&func, &abi)
            .map_err(|msg| CompileError::new(ErrorKind::NotImplementedError, msg, self.line))?;
        Ok((code, children))
    }
}

impl FuncEmitter<'_> {
    /// Calls the object under `n` arguments (and, for a method call, under the slot that
    /// `load_method` left): the arguments go to consecutive frame slots as objects, as
    /// `mp_call_function_n_kw` reads them.
    /// A call with `*args` or `**kwargs`: the function, the self slot of a method call, the
    /// arguments (a `**` mapping's key is `NULL`) and the star bitmap on top go to the helper
    /// as one array, as bytecode leaves them (`mp_call_method_n_kw_var`).
    fn call_with_star_args(&mut self, n_positional: u32, n_keyword: u32, method: bool) {
        let n = 1 + n_positional as usize + 2 * n_keyword as usize + usize::from(method);
        let mut words = Vec::with_capacity(n + 1);
        for _ in 0..n {
            let word = match self.pop_item() {
                Item::Null => self.constant(Ty::Obj, Obj::NULL.raw()),
                Item::None => self.constant(Ty::Obj, Obj::NONE.raw()),
                Item::Value(v) => self.box_value(v),
                _ => return self.unsupported("this stack shape"),
            };
            words.push(word);
        }
        words.push(self.pop_obj());
        words.reverse();
        let addr = self.spill(&words);
        let have_self = self.constant(Ty::Uint, u32::from(method));
        let count = self.constant(Ty::Uint, n_positional | n_keyword << 8);
        let r = self.call(
            Helper::CallMethodNKwVar,
            vec![have_self, count, addr],
            Ty::Obj,
        );
        self.push(r);
    }

    fn call_with_args(&mut self, n_positional: u32, n_keyword: u32, method: bool) {
        let args = self.pop_objs((n_positional + 2 * n_keyword) as usize);
        if method && self.pop_item() != Item::Null {
            return self.unsupported("this method call shape");
        }
        let fun = self.pop();
        if self.func.ty(fun) != Ty::Obj {
            let t = self.func.ty(fun);
            self.viper_error(format!("can't call '{}'", t.name()));
            let dummy = self.constant(Ty::Obj, Obj::NONE.raw());
            return self.push(dummy);
        }
        let addr = self.spill(&args);
        let count = self.constant(Ty::Uint, n_positional | n_keyword << 8);
        let r = self.call(
            Helper::NativeCallFunctionNKw,
            vec![fun, count, addr],
            Ty::Obj,
        );
        self.push(r);
    }

    /// Pops `n` values as objects, in stack order (deepest first).
    fn pop_objs(&mut self, n: usize) -> Vec<VReg> {
        let mut items: Vec<VReg> = (0..n).map(|_| self.pop_obj()).collect();
        items.reverse();
        items
    }

    /// Consecutive fresh frame slots, `n` of them (at least one, so the address is valid).
    fn slots(&mut self, n: usize) -> u32 {
        let base = self.func.frame_slots;
        self.func.frame_slots += n.max(1) as u32;
        base
    }

    /// Stores `items` in consecutive frame slots, where helpers read an argument array:
    /// gives the arena address of the first.
    fn spill(&mut self, items: &[VReg]) -> VReg {
        let base = self.slots(items.len());
        for (i, item) in items.iter().enumerate() {
            self.inst(Inst::StoreSlot {
                slot: base + i as u32,
                value: *item,
            });
        }
        let addr = self.vreg(Ty::Uint);
        self.inst(Inst::SlotAddr {
            dst: addr,
            slot: base,
        });
        addr
    }
}
