//! The machine form ("MIR") of one native function: what every backend consumes.
//!
//! - Values are 32-bit words in virtual registers ([`VReg`]), each with one viper type
//!   ([`Ty`]) for its whole life; a vreg may be assigned in several places (locals are), so the
//!   form is not SSA: backends that want SSA build it (Cranelift's frontend does).
//! - Code is a list of basic blocks; block 0 is the entry. Each block is straight-line
//!   instructions and exactly one terminator.
//! - Everything the machine cannot do alone is a call to a runtime helper named by its
//!   fun-table index ([`Helper`], MicroPython's `MP_F_*`). A helper call that can raise names
//!   its exception edge: the block to continue in when the helper reports an exception.
//! - Object words that must survive a helper call live in frame slots ([`Inst::StoreSlot`]),
//!   a region of krait's Python stack that the GC scans, so no backend needs stack maps.
//! - Memory operations address the arena: an address is a 32-bit arena offset, and a backend
//!   adds its arena base, so a wild pointer cannot leave the arena.

use std::collections::HashMap;
use std::fmt;

/// A viper type (`MP_NATIVE_TYPE_*`, whose numbers the discriminants are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ty {
    Obj = 0,
    Bool = 1,
    Int = 2,
    Uint = 3,
    Ptr = 4,
    Ptr8 = 5,
    Ptr16 = 6,
    Ptr32 = 7,
}

impl Ty {
    /// The type a viper annotation or cast names, by MicroPython's qstr.
    pub fn from_name(name: &str) -> Option<Ty> {
        Some(match name {
            "object" => Ty::Obj,
            "bool" => Ty::Bool,
            "int" => Ty::Int,
            "uint" => Ty::Uint,
            "ptr" => Ty::Ptr,
            "ptr8" => Ty::Ptr8,
            "ptr16" => Ty::Ptr16,
            "ptr32" => Ty::Ptr32,
            _ => return None,
        })
    }

    /// The name MicroPython's messages use (`vtype_to_qstr`).
    pub fn name(self) -> &'static str {
        match self {
            Ty::Obj => "object",
            Ty::Bool => "bool",
            Ty::Int => "int",
            Ty::Uint => "uint",
            Ty::Ptr => "ptr",
            Ty::Ptr8 => "ptr8",
            Ty::Ptr16 => "ptr16",
            Ty::Ptr32 => "ptr32",
        }
    }

    pub fn is_integer(self) -> bool {
        matches!(self, Ty::Int | Ty::Uint)
    }

    pub fn is_ptr(self) -> bool {
        matches!(self, Ty::Ptr | Ty::Ptr8 | Ty::Ptr16 | Ty::Ptr32)
    }

    /// The element width a pointer type loads and stores (`ptr` loads words, as in MicroPython).
    pub fn elem_width(self) -> Option<Width> {
        match self {
            Ty::Ptr8 => Some(Width::W8),
            Ty::Ptr16 => Some(Width::W16),
            Ty::Ptr | Ty::Ptr32 => Some(Width::W32),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VReg(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockId(pub u32);

/// Two-operand arithmetic on 32-bit words, wrapping as on a 32-bit MCU. Shift amounts are
/// taken modulo 32, as the backends' shift instructions do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
    Shl,
    /// Arithmetic (sign-filling) shift right.
    Sar,
    /// Logical (zero-filling) shift right.
    Shr,
}

/// A comparison giving a `bool` (0 or 1); signed and unsigned orders are distinct conditions.
/// `Eq` and `Ne` also compare object words (identity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    LtU,
    LeU,
    GtU,
    GeU,
}

/// Width of a memory access; loads zero-extend to 32 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    W8,
    W16,
    W32,
}

impl Width {
    pub fn bytes(self) -> u32 {
        match self {
            Width::W8 => 1,
            Width::W16 => 2,
            Width::W32 => 4,
        }
    }
}

/// A runtime helper, by its fun-table index (`MP_F_*` in MicroPython's `py/nativeglue.h`).
/// Every helper takes the native context and up to three words and returns one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Helper {
    /// `(obj, type) -> native value` (`mp_native_from_obj`).
    ConvertObjToNative = 3,
    /// `(native value, type) -> obj` (`mp_native_to_obj`).
    ConvertNativeToObj = 4,
    /// `(qstr index) -> obj`: a class body's name (`mp_load_name`).
    LoadName = 6,
    /// `(qstr index) -> obj`.
    LoadGlobal = 7,
    /// `() -> __build_class__`.
    LoadBuildClass = 8,
    /// `(obj, qstr index) -> obj`.
    LoadAttr = 9,
    /// `(qstr index, class, self) -> obj`: `super().name`, a method bound to `self`.
    LoadSuperMethod = 11,
    /// `(qstr index, value) -> None`: a class body's name.
    StoreName = 12,
    /// `(qstr index, value) -> None`.
    StoreGlobal = 13,
    /// `(obj, qstr index, value) -> None`.
    StoreAttr = 14,
    /// `(base, index, value) -> obj`: loads when `value` is `MP_OBJ_SENTINEL`, else stores
    /// and returns `None`.
    ObjSubscr = 15,
    /// `(obj) -> bool`.
    ObjIsTrue = 16,
    /// `(op, obj) -> obj`.
    UnaryOp = 17,
    /// `(op, lhs, rhs) -> obj`.
    BinaryOp = 18,
    /// `(n, arena address of the items) -> tuple`.
    BuildTuple = 19,
    /// `(n, arena address of the items) -> list`.
    BuildList = 20,
    /// `(size hint) -> dict`.
    BuildMap = 21,
    /// `(n, arena address of the items) -> set`.
    BuildSet = 22,
    /// `(set, item) -> None`.
    StoreSet = 23,
    /// `(list, item) -> None`.
    ListAppend = 24,
    /// `(dict, key, value) -> dict`.
    StoreMap = 25,
    /// `(child index, defaults, keyword defaults) -> function`: a function for the running
    /// function's child raw code (`None` for absent defaults).
    MakeFunction = 26,
    /// `(fun, n_args, arena address of the arguments) -> obj`.
    NativeCallFunctionNKw = 27,
    /// `(has self, n_args | n_kw << 8, arena address of [fun, self?, args..., star bitmap])
    /// -> obj`: a call with `*args`/`**kwargs`.
    CallMethodNKwVar = 29,
    /// `(obj) -> iterator`.
    NativeGetiter = 30,
    /// `(iterator) -> next item, or MP_OBJ_STOP_ITERATION`.
    NativeIternext = 31,
    /// `(exception or class) -> never`: always raises.
    NativeRaise = 34,
    /// `(qstr index, fromlist, level) -> module` (`mp_import_name`).
    ImportName = 35,
    /// `(module, qstr index) -> obj`: `from module import name`'s value.
    ImportFrom = 36,
    /// `(module) -> None`: `from module import *` into the globals.
    ImportAll = 37,
    /// `(start, stop, step) -> slice`.
    NewSlice = 38,
    /// `(seq, n, arena address) -> None`: the items, reversed, at the address.
    UnpackSequence = 39,
    /// `(seq, n_left | n_right << 8, arena address) -> None`: `n_left` items, a list of the
    /// rest and `n_right` items, reversed, at the address.
    UnpackEx = 40,
    /// `(qstr index) -> None`: deletes a class body's name (`NameError` if it is not there).
    DeleteName = 41,
    /// `(qstr index) -> None`: deletes a global (`NameError` if it is not there).
    DeleteGlobal = 42,
    /// `(function, n, arena address of n cells) -> closure` (`mp_obj_new_closure`).
    NewClosure = 43,
    /// `(dividend, divisor) -> quotient`, Python's flooring division.
    SmallIntFloorDivide = 46,
    /// `(dividend, divisor) -> remainder` with the divisor's sign.
    SmallIntModulo = 47,
    // krait's own helpers, past MicroPython's table (the host's code only: on a device,
    // `mp_setup_code_state` makes cells and native code reads them inline).
    /// `(value, or MP_OBJ_NULL for none) -> cell`.
    NewCell = 64,
    /// `(cell) -> value`; an empty cell raises `NameError`, as bytecode does.
    CellGet = 65,
    /// `(cell, value) -> None`.
    CellSet = 66,
    /// `(bound __exit__, exception, None or a small int) -> what END_FINALLY gets`: calls
    /// `__exit__` as a `with` ends; `None` if it swallowed the exception, else the argument.
    WithExit = 67,
    /// `(n, arena address of n candidates) -> never`: raises the first candidate that is an
    /// exception (a bare `raise`), else `RuntimeError`.
    Reraise = 68,
    /// `(exception or class, cause) -> never`: `raise ... from ...`.
    RaiseFrom = 69,
    /// `() -> the value sent`: where a generator resumes; raises what was thrown in.
    GenResume = 70,
    /// `() -> None`: lets the runtime run a long loop's pending work (Ctrl-C's
    /// `KeyboardInterrupt`, scheduled callbacks, the step limit), after a `Tick`.
    Poll = 72,
    /// `() -> never`: a local read before it was assigned (or after `del`).
    RaiseUnboundLocal = 73,
    /// `(inner iterator, True on the first step, arena address of a slot) -> value`: one
    /// step of `yield from`, sending what this generator was resumed with (on the first
    /// step `None`); the slot gets `True` when the inner one returned (the value is its
    /// result), else `False` (the value is what it yielded).
    YieldFromStep = 71,
}

impl Helper {
    /// The fun-table index.
    pub fn index(self) -> u32 {
        self as u32
    }

    pub fn n_args(self) -> usize {
        match self {
            Helper::LoadBuildClass
            | Helper::GenResume
            | Helper::Poll
            | Helper::RaiseUnboundLocal => 0,
            Helper::NewCell
            | Helper::CellGet
            | Helper::LoadName
            | Helper::DeleteName
            | Helper::LoadGlobal
            | Helper::ObjIsTrue
            | Helper::NativeGetiter
            | Helper::NativeIternext
            | Helper::BuildMap
            | Helper::DeleteGlobal
            | Helper::ImportAll
            | Helper::NativeRaise => 1,
            Helper::ConvertObjToNative
            | Helper::ConvertNativeToObj
            | Helper::LoadAttr
            | Helper::StoreName
            | Helper::StoreGlobal
            | Helper::BuildTuple
            | Helper::BuildList
            | Helper::BuildSet
            | Helper::UnaryOp
            | Helper::ImportFrom
            | Helper::StoreSet
            | Helper::WithExit
            | Helper::Reraise
            | Helper::RaiseFrom
            | Helper::CellSet
            | Helper::ListAppend
            | Helper::SmallIntFloorDivide
            | Helper::SmallIntModulo => 2,
            Helper::StoreAttr
            | Helper::ObjSubscr
            | Helper::BinaryOp
            | Helper::UnpackSequence
            | Helper::UnpackEx
            | Helper::NewSlice
            | Helper::StoreMap
            | Helper::MakeFunction
            | Helper::ImportName
            | Helper::LoadSuperMethod
            | Helper::NewClosure
            | Helper::YieldFromStep
            | Helper::CallMethodNKwVar
            | Helper::NativeCallFunctionNKw => 3,
        }
    }

    /// Whether the result is an object, so that 0 (`MP_OBJ_NULL`) signals an exception;
    /// otherwise the helper signals one through the context's exception flag.
    pub fn returns_obj(self) -> bool {
        !matches!(
            self,
            Helper::ConvertObjToNative
                | Helper::ObjIsTrue
                | Helper::SmallIntFloorDivide
                | Helper::SmallIntModulo
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Helper::ConvertObjToNative => "convert_obj_to_native",
            Helper::ConvertNativeToObj => "convert_native_to_obj",
            Helper::LoadName => "load_name",
            Helper::LoadGlobal => "load_global",
            Helper::LoadBuildClass => "load_build_class",
            Helper::StoreName => "store_name",
            Helper::DeleteName => "delete_name",
            Helper::LoadAttr => "load_attr",
            Helper::LoadSuperMethod => "load_super_method",
            Helper::StoreGlobal => "store_global",
            Helper::StoreAttr => "store_attr",
            Helper::NativeRaise => "native_raise",
            Helper::BuildTuple => "build_tuple",
            Helper::BuildList => "build_list",
            Helper::BuildMap => "build_map",
            Helper::BuildSet => "build_set",
            Helper::NewSlice => "new_slice",
            Helper::ImportName => "import_name",
            Helper::ImportFrom => "import_from",
            Helper::ImportAll => "import_all",
            Helper::MakeFunction => "make_function_from_proto_fun",
            Helper::StoreMap => "store_map",
            Helper::StoreSet => "store_set",
            Helper::NewClosure => "new_closure",
            Helper::CallMethodNKwVar => "call_method_n_kw_var",
            Helper::NewCell => "new_cell",
            Helper::CellGet => "cell_get",
            Helper::CellSet => "cell_set",
            Helper::WithExit => "with_exit",
            Helper::Reraise => "reraise",
            Helper::RaiseFrom => "raise_from",
            Helper::GenResume => "gen_resume",
            Helper::Poll => "poll",
            Helper::RaiseUnboundLocal => "raise_unbound_local",
            Helper::YieldFromStep => "yield_from_step",
            Helper::ListAppend => "list_append",
            Helper::UnpackSequence => "unpack_sequence",
            Helper::UnpackEx => "unpack_ex",
            Helper::DeleteGlobal => "delete_global",
            Helper::NativeGetiter => "native_getiter",
            Helper::NativeIternext => "native_iternext",
            Helper::ObjSubscr => "obj_subscr",
            Helper::ObjIsTrue => "obj_is_true",
            Helper::UnaryOp => "unary_op",
            Helper::BinaryOp => "binary_op",
            Helper::NativeCallFunctionNKw => "native_call_function_n_kw",
            Helper::SmallIntFloorDivide => "small_int_floor_divide",
            Helper::SmallIntModulo => "small_int_modulo",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inst {
    Const {
        dst: VReg,
        value: u32,
    },
    Copy {
        dst: VReg,
        src: VReg,
    },
    Bin {
        dst: VReg,
        op: BinOp,
        a: VReg,
        b: VReg,
    },
    Cmp {
        dst: VReg,
        cond: Cond,
        a: VReg,
        b: VReg,
    },
    /// `dst = *(arena + addr)`, zero-extended.
    Load {
        dst: VReg,
        width: Width,
        addr: VReg,
    },
    /// `*(arena + addr) = value`, truncated to `width`.
    Store {
        width: Width,
        addr: VReg,
        value: VReg,
    },
    /// Frame slot `slot` (a GC root) holds `value` from now on.
    StoreSlot {
        slot: u32,
        value: VReg,
    },
    /// `dst` = entry `index` of the module's constant-object table.
    LoadConst {
        dst: VReg,
        index: u32,
    },
    /// `dst` = the qstr object of entry `index` of the module's qstr table.
    LoadQstr {
        dst: VReg,
        index: u32,
    },
    /// `dst` = the exception a helper raised, which is now handled: the start of every
    /// exception edge that does not leave the function.
    CatchException {
        dst: VReg,
    },
    /// `dst` = the 32 bits of `src` under the other kind of type: an object word as a number,
    /// or a number as an object word (inline small-int arithmetic).
    Bits {
        dst: VReg,
        src: VReg,
    },
    /// `dst` = 1 once every so many executions (a loop's back edge counting down in the
    /// context), when the code should let the runtime poll (`Helper::Poll`), else 0.
    Tick {
        dst: VReg,
    },
    /// `dst` = the object in frame slot `slot`.
    LoadSlot {
        dst: VReg,
        slot: u32,
    },
    /// `dst` = the arena address of frame slot `slot`.
    SlotAddr {
        dst: VReg,
        slot: u32,
    },
    /// `dst = helper(ctx, args...)`; when the helper reports an exception, control goes to
    /// `on_raise` instead of the next instruction.
    Call {
        dst: VReg,
        helper: Helper,
        args: Vec<VReg>,
        on_raise: BlockId,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    Jump(BlockId),
    /// To `then` if `cond` is non-zero, else to `else_`.
    Branch {
        cond: VReg,
        then: BlockId,
        else_: BlockId,
    },
    /// Returns `value` (of the function's return type) to the caller.
    Return(VReg),
    /// Leaves with the exception the VM holds in flight.
    Raise,
    /// A generator suspends, giving `value`; resuming enters `resume` from the function's
    /// entry, where nothing is defined but what it loads from frame slots.
    Yield {
        value: VReg,
        resume: BlockId,
    },
}

impl Term {
    pub fn successors(&self) -> Vec<BlockId> {
        match self {
            Term::Jump(b) => vec![*b],
            Term::Branch { then, else_, .. } => vec![*then, *else_],
            Term::Yield { resume, .. } => vec![*resume],
            Term::Return(_) | Term::Raise => vec![],
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    pub insts: Vec<Inst>,
    /// `None` only while the block is being built.
    pub term: Option<Term>,
}

/// One function in machine form.
#[derive(Debug, Clone, PartialEq)]
pub struct Func {
    pub name: String,
    /// The vregs holding the arguments on entry, in order.
    pub params: Vec<VReg>,
    pub ret: Ty,
    /// The type of every vreg, by number.
    pub vregs: Vec<Ty>,
    pub blocks: Vec<Block>,
    /// Words of GC-scanned frame the function needs.
    pub frame_slots: u32,
    /// A generator: calling it makes a generator object, which runs the code; every
    /// `Term::Yield` suspends it.
    pub generator: bool,
}

impl Func {
    pub fn ty(&self, v: VReg) -> Ty {
        self.vregs[v.0 as usize]
    }

    /// Renumbers the blocks reachable from the entry and drops the rest (dead code after a
    /// `return`, `break` or `continue`).
    pub fn prune_unreachable(&mut self) {
        let mut order: Vec<usize> = vec![0];
        let mut index: HashMap<usize, u32> = HashMap::from([(0, 0)]);
        let mut i = 0;
        while i < order.len() {
            let block = &self.blocks[order[i]];
            let mut succ: Vec<BlockId> = block.term.iter().flat_map(|t| t.successors()).collect();
            for inst in &block.insts {
                if let Inst::Call { on_raise, .. } = inst {
                    succ.push(*on_raise);
                }
            }
            for s in succ {
                let s = s.0 as usize;
                if let std::collections::hash_map::Entry::Vacant(e) = index.entry(s) {
                    e.insert(order.len() as u32);
                    order.push(s);
                }
            }
            i += 1;
        }
        let map = |b: &mut BlockId| *b = BlockId(index[&(b.0 as usize)]);
        let mut blocks: Vec<Block> = order.iter().map(|&b| self.blocks[b].clone()).collect();
        for block in &mut blocks {
            for inst in &mut block.insts {
                if let Inst::Call { on_raise, .. } = inst {
                    map(on_raise);
                }
            }
            match &mut block.term {
                Some(Term::Jump(b)) => map(b),
                Some(Term::Branch { then, else_, .. }) => {
                    map(then);
                    map(else_);
                }
                Some(Term::Yield { resume, .. }) => map(resume),
                _ => {}
            }
        }
        self.blocks = blocks;
    }
}

impl Inst {
    /// The vreg this instruction assigns, if any.
    pub fn def(&self) -> Option<VReg> {
        match self {
            Inst::Const { dst, .. }
            | Inst::Copy { dst, .. }
            | Inst::Bits { dst, .. }
            | Inst::Bin { dst, .. }
            | Inst::Cmp { dst, .. }
            | Inst::Load { dst, .. }
            | Inst::SlotAddr { dst, .. }
            | Inst::LoadConst { dst, .. }
            | Inst::LoadSlot { dst, .. }
            | Inst::CatchException { dst }
            | Inst::Tick { dst }
            | Inst::LoadQstr { dst, .. }
            | Inst::Call { dst, .. } => Some(*dst),
            Inst::Store { .. } | Inst::StoreSlot { .. } => None,
        }
    }

    /// The vregs this instruction reads.
    pub fn uses(&self) -> Vec<VReg> {
        match self {
            Inst::Const { .. }
            | Inst::SlotAddr { .. }
            | Inst::LoadConst { .. }
            | Inst::LoadSlot { .. }
            | Inst::CatchException { .. }
            | Inst::Tick { .. }
            | Inst::LoadQstr { .. } => vec![],
            Inst::Copy { src, .. } | Inst::Bits { src, .. } => vec![*src],
            Inst::Bin { a, b, .. } | Inst::Cmp { a, b, .. } => vec![*a, *b],
            Inst::Load { addr, .. } => vec![*addr],
            Inst::Store { addr, value, .. } => vec![*addr, *value],
            Inst::StoreSlot { value, .. } => vec![*value],
            Inst::Call { args, .. } => args.clone(),
        }
    }
}

impl fmt::Display for VReg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b{}", self.0)
    }
}

fn lower(debug: impl fmt::Debug) -> String {
    format!("{debug:?}").to_lowercase()
}

impl fmt::Display for Inst {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Inst::Const { dst, value } => write!(f, "{dst} = const {value:#x}"),
            Inst::Copy { dst, src } => write!(f, "{dst} = {src}"),
            Inst::Bits { dst, src } => write!(f, "{dst} = bits {src}"),
            Inst::Tick { dst } => write!(f, "{dst} = tick"),
            Inst::Bin { dst, op, a, b } => write!(f, "{dst} = {} {a}, {b}", lower(op)),
            Inst::Cmp { dst, cond, a, b } => write!(f, "{dst} = cmp.{} {a}, {b}", lower(cond)),
            Inst::Load { dst, width, addr } => write!(f, "{dst} = load.{} [{addr}]", lower(width)),
            Inst::Store { width, addr, value } => {
                write!(f, "store.{} [{addr}], {value}", lower(width))
            }
            Inst::StoreSlot { slot, value } => write!(f, "slot[{slot}] = {value}"),
            Inst::SlotAddr { dst, slot } => write!(f, "{dst} = &slot[{slot}]"),
            Inst::LoadConst { dst, index } => write!(f, "{dst} = const_obj[{index}]"),
            Inst::LoadSlot { dst, slot } => write!(f, "{dst} = slot[{slot}]"),
            Inst::CatchException { dst } => write!(f, "{dst} = catch"),
            Inst::LoadQstr { dst, index } => write!(f, "{dst} = qstr[{index}]"),
            Inst::Call {
                dst,
                helper,
                args,
                on_raise,
            } => {
                let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
                write!(
                    f,
                    "{dst} = call {}#{}({}) raise {on_raise}",
                    helper.name(),
                    helper.index(),
                    args.join(", ")
                )
            }
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Jump(b) => write!(f, "jump {b}"),
            Term::Branch { cond, then, else_ } => write!(f, "branch {cond}, {then}, {else_}"),
            Term::Return(v) => write!(f, "return {v}"),
            Term::Raise => write!(f, "raise"),
            Term::Yield { value, resume } => write!(f, "yield {value}, resume at {resume}"),
        }
    }
}

/// The printed form, for tests and debugging: a header, then each block with its instructions.
impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| format!("{p}: {}", self.ty(*p).name()))
            .collect();
        writeln!(
            f,
            "func {}({}) -> {}, frame {}",
            self.name,
            params.join(", "),
            self.ret.name(),
            self.frame_slots
        )?;
        let mut types: Vec<String> = Vec::new();
        for (i, t) in self.vregs.iter().enumerate() {
            types.push(format!("v{i}: {}", t.name()));
        }
        writeln!(f, "  vregs {}", types.join(", "))?;
        for (i, block) in self.blocks.iter().enumerate() {
            writeln!(f, "b{i}:")?;
            for inst in &block.insts {
                writeln!(f, "  {inst}")?;
            }
            match &block.term {
                Some(t) => writeln!(f, "  {t}")?,
                None => writeln!(f, "  <unterminated>")?,
            }
        }
        Ok(())
    }
}
