//! The syntax tree the parser builds and the compiler walks.
//!
//! It holds exactly what MicroPython 1.29's grammar (`py/grammar.h`) accepts, after the folding
//! that MicroPython's parser does (`py/parse.c`): constant expressions folded, `const()`
//! definitions substituted, `__debug__` resolved. The compiler emits bytecode from it in the
//! same order as `py/compile.c` walks its parse tree, so every node keeps the source line
//! MicroPython would attach to it.

use num_bigint::BigInt;
use std::rc::Rc;

/// An identifier as written in the source.
pub type Name = Rc<str>;

/// A whole module (file input).
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub line: u32,
    pub kind: StmtKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// An expression evaluated for its effect (including a bare docstring).
    Expr(Expr),
    /// `a = b = value`: targets in source order.
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `target: annotation [= value]`.
    AnnAssign {
        target: Expr,
        annotation: Expr,
        value: Option<Expr>,
    },
    Pass,
    Break,
    Continue,
    Delete(Vec<Expr>),
    Return(Option<Expr>),
    Raise {
        exc: Option<Expr>,
        cause: Option<Expr>,
    },
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    Global(Vec<Name>),
    Nonlocal(Vec<Name>),
    /// `import a.b.c as d, e`
    Import(Vec<ImportAlias>),
    /// `from ..mod import a as b` (`names` empty for `import *`).
    ImportFrom {
        level: u32,
        module: Option<String>,
        names: Vec<ImportAlias>,
        star: bool,
    },
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        is_async: bool,
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    With {
        is_async: bool,
        items: Vec<WithItem>,
        body: Vec<Stmt>,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<ExceptHandler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    },
    FunctionDef(Rc<FunctionDef>),
    ClassDef(Rc<ClassDef>),
}

/// `import` target: a dotted name (`a.b.c`) and an optional `as` name.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportAlias {
    pub name: String,
    pub asname: Option<Name>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WithItem {
    pub context: Expr,
    pub target: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExceptHandler {
    pub line: u32,
    /// `None` for a bare `except:`.
    pub exc_type: Option<Expr>,
    pub name: Option<Name>,
    pub body: Vec<Stmt>,
}

/// A decorator as MicroPython's grammar allows it: a dotted name, optionally called.
#[derive(Debug, Clone, PartialEq)]
pub struct Decorator {
    pub line: u32,
    /// The decorator expression (a name, attribute chain, or a call of one).
    pub expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub line: u32,
    pub name: Name,
    pub is_async: bool,
    pub decorators: Vec<Decorator>,
    pub args: Arguments,
    /// The `-> annotation`, kept for viper.
    pub returns: Option<Expr>,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClassDef {
    pub line: u32,
    pub name: Name,
    pub decorators: Vec<Decorator>,
    /// The call arguments in the class header: bases, `metaclass=`, `*`/`**` forms.
    pub args: Vec<Argument>,
    pub body: Vec<Stmt>,
}

/// A parameter list (`def` or `lambda`). MicroPython has no positional-only parameters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Arguments {
    /// Positional-or-keyword parameters, in order.
    pub args: Vec<Arg>,
    /// Defaults for the last `defaults.len()` of `args`.
    pub defaults: Vec<Expr>,
    /// `*name`; `Some` with no name never happens: a bare `*` sets `bare_star`.
    pub vararg: Option<Arg>,
    pub bare_star: bool,
    /// Keyword-only parameters, each with its default if it has one.
    pub kwonlyargs: Vec<(Arg, Option<Expr>)>,
    pub kwarg: Option<Arg>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub line: u32,
    pub name: Name,
    /// Kept for viper (`x: int`, `p: ptr8`).
    pub annotation: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub line: u32,
    pub kind: ExprKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Name(Name),
    Const(Constant),
    /// `a or b or c` / `a and b and c`.
    BoolOp {
        op: BoolOp,
        values: Vec<Expr>,
    },
    BinOp {
        left: Box<Expr>,
        op: BinOp,
        right: Box<Expr>,
    },
    UnaryOp {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    /// `a < b <= c`: `ops.len() == comparators.len()`.
    Compare {
        left: Box<Expr>,
        ops: Vec<CmpOp>,
        comparators: Vec<Expr>,
    },
    /// `name := value`.
    NamedExpr {
        target: Name,
        value: Box<Expr>,
    },
    Lambda {
        args: Box<Arguments>,
        body: Box<Expr>,
    },
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    /// `{k: v, ...}` (MicroPython has no `**` in dict displays).
    Dict(Vec<(Expr, Expr)>),
    Set(Vec<Expr>),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    ListComp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    SetComp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    DictComp {
        key: Box<Expr>,
        value: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    GeneratorExp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    Await(Box<Expr>),
    Yield(Option<Box<Expr>>),
    YieldFrom(Box<Expr>),
    Call {
        func: Box<Expr>,
        args: Vec<Argument>,
    },
    Attribute {
        value: Box<Expr>,
        attr: Name,
    },
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
    },
    /// `lower:upper:step` inside a subscript.
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    /// `*value` in a target list, display or call.
    Starred(Box<Expr>),
}

/// One argument of a call or class header, in source order.
#[derive(Debug, Clone, PartialEq)]
pub enum Argument {
    Positional(Expr),
    /// `*iterable`
    Star(Expr),
    Keyword {
        name: Name,
        value: Expr,
    },
    /// `**mapping`
    DoubleStar(Expr),
}

/// `for target in iter if cond ...` inside a comprehension.
#[derive(Debug, Clone, PartialEq)]
pub struct Comprehension {
    pub target: Expr,
    pub iter: Expr,
    pub ifs: Vec<Expr>,
}

/// A literal constant (or the result of folding constants).
#[derive(Debug, Clone, PartialEq)]
pub enum Constant {
    None,
    True,
    False,
    Ellipsis,
    /// Any integer; the compiler decides small-int versus big-int encoding for the target.
    Int(BigInt),
    Float(f64),
    /// The imaginary part of an imaginary literal such as `2j`.
    Imag(f64),
    /// A `str` literal. `interned` records the parser's choice between a qstr and a string
    /// object, made as MicroPython's parser makes it (short strings and already-known qstrs).
    Str {
        value: Rc<str>,
        interned: bool,
    },
    Bytes(Rc<[u8]>),
    /// A tuple of constants, built by the parser where MicroPython's parser builds one
    /// (`MICROPY_COMP_CONST_TUPLE`: a parenthesised or bare tuple display, or a subscript
    /// tuple, whose items are all constants); the compiler loads it as one constant object.
    Tuple(Vec<Constant>),
    /// `None`, `True` or `False` (never anything else) substituted for a `const()` name.
    /// MicroPython's parser holds these as constant objects, so the compiler loads them with
    /// `LOAD_CONST_OBJ` instead of `LOAD_CONST_NONE`/`TRUE`/`FALSE` (they still count as
    /// constants for its `if` optimisations).
    Object(Box<Constant>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOp {
    Or,
    And,
}

/// Binary operators, in the order of MicroPython's `mp_binary_op_t` inplace/normal groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    Xor,
    And,
    LShift,
    RShift,
    Add,
    Sub,
    Mult,
    MatMult,
    FloorDiv,
    TrueDiv,
    Mod,
    Pow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `+x`
    Positive,
    /// `-x`
    Negative,
    /// `~x`
    Invert,
    /// `not x`
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Gt,
    Eq,
    LtE,
    GtE,
    NotEq,
    In,
    NotIn,
    Is,
    IsNot,
}
