//! Random valid, terminating Python programs for the differential fuzzer (issue 6), as proptest
//! strategies over a small syntax tree, so a diverging program shrinks.
//!
//! Validity and termination come from the shape of the tree, not from filtering:
//! - variables are fixed per scope (`a b c i` at module level, the parameters in a function);
//!   a [`IntExpr::Var`] picks one by index at render time, so any tree renders in any scope;
//! - loops are `range` loops with small literal bounds, and stored values are reduced
//!   (`% modulus`, `[:n]` slices) so nothing grows without bound;
//! - every statement at module level runs inside `try`, printing only the exception's type
//!   name (messages differ between CPython and MicroPython);
//! - floats print as `int(x * 1000)` (MicroPython rounds `'%.6g'` ties up where CPython rounds
//!   the exact value half-even), dict contents sorted, so output is defined in both.
//!
//! Viper programs ([`ViperProgram`]) render twice: with `@micropython.viper` functions over
//! `int`, `uint`, `bool` and `ptr8/16/32` into a `bytearray`, and as plain Python with 32-bit
//! wrap-around written out (`w32`, `wu32`, explicit little-endian loads and stores), which is
//! the oracle.

use proptest::prelude::*;

/// Integer constants around krait's small-int (31-bit) and machine-word boundaries.
const BOUNDARY: [&str; 12] = [
    "0",
    "1",
    "-1",
    "7",
    "2**30",
    "2**30 - 1",
    "-2**30",
    "2**31",
    "2**31 - 1",
    "-2**31",
    "2**62 + 3",
    "2**63 - 1",
];
/// Moduli that keep stored ints bounded yet able to cross every boundary; some negative.
const MODULI: [&str; 5] = [
    "2**31 + 11",
    "2**64 + 13",
    "-(2**30) - 3",
    "1000003",
    "2**63",
];

#[derive(Debug, Clone)]
pub enum IntExpr {
    Lit(i64),
    Boundary(usize),
    Var(usize),
    Bin(Box<IntExpr>, &'static str, Box<IntExpr>),
    Neg(Box<IntExpr>),
    Shift(Box<IntExpr>, &'static str, u8),
    Pow(Box<IntExpr>, u8),
    Len(StrExpr),
    Cond(Box<IntExpr>, Box<IntExpr>, Box<IntExpr>),
    /// `abs`, `min`, `max`.
    Call(&'static str, Box<IntExpr>, Box<IntExpr>),
}

#[derive(Debug, Clone)]
pub enum StrExpr {
    Lit(&'static str),
    Var,
    Concat(Box<StrExpr>, Box<StrExpr>),
    Repeat(Box<StrExpr>, u8),
    /// `s[i:j]`: MicroPython's `str` slices take no step.
    Slice(Box<StrExpr>, i8, i8),
    FromInt(Box<IntExpr>),
    Method(Box<StrExpr>, &'static str),
}

#[derive(Debug, Clone)]
pub enum Stmt {
    AssignInt(usize, IntExpr, usize),
    AugInt(usize, &'static str, IntExpr),
    AssignStr(StrExpr),
    PrintInt(IntExpr),
    PrintCompare(IntExpr, &'static str, IntExpr, &'static str, IntExpr),
    PrintFloat(IntExpr, &'static str, IntExpr),
    PrintStr(StrExpr),
    List(Vec<IntExpr>, i8, i8, IntExpr),
    Dict(Vec<(u8, IntExpr)>, u8),
    Tuple(IntExpr, IntExpr, IntExpr),
    Loop(u8, Vec<Stmt>),
    While(u8, Vec<Stmt>),
    If(IntExpr, Vec<Stmt>, Vec<Stmt>),
    Try(Vec<Stmt>, bool, Vec<Stmt>),
    Function(IntExpr, IntExpr, [IntExpr; 4]),
    Generator(u8, IntExpr),
    Class(IntExpr, [IntExpr; 2]),
    Global(IntExpr),
}

/// A whole program: module-level statements, each in its own `try`.
#[derive(Debug, Clone)]
pub struct Program(pub Vec<Stmt>);

const INT_VARS: [&str; 4] = ["a", "b", "c", "i"];
/// ASCII only: MicroPython's `str.upper` is ASCII-only, and the wasm oracle's `repr`
/// escapes non-ASCII (`\xe9`) where CPython and krait print the character.
const STR_LITS: [&str; 6] = ["''", "'a'", "'krait'", "'Hello, World'", "'x_Y z'", "'12'"];

fn int_expr() -> impl Strategy<Value = IntExpr> {
    let leaf = prop_oneof![
        3 => (0usize..8).prop_map(IntExpr::Var),
        2 => (0usize..BOUNDARY.len()).prop_map(IntExpr::Boundary),
        2 => (-9i64..100).prop_map(IntExpr::Lit),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        let op = prop::sample::select(vec!["+", "-", "*", "//", "%", "&", "|", "^"]);
        prop_oneof![
            4 => (inner.clone(), op, inner.clone())
                .prop_map(|(a, op, b)| IntExpr::Bin(Box::new(a), op, Box::new(b))),
            1 => inner.clone().prop_map(|a| IntExpr::Neg(Box::new(a))),
            1 => (inner.clone(), prop::sample::select(vec!["<<", ">>"]), 0u8..70)
                .prop_map(|(a, op, n)| IntExpr::Shift(Box::new(a), op, n)),
            1 => (inner.clone(), 0u8..4).prop_map(|(a, n)| IntExpr::Pow(Box::new(a), n)),
            1 => str_leaf().prop_map(IntExpr::Len),
            1 => (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| IntExpr::Cond(Box::new(c), Box::new(a), Box::new(b))),
            1 => (prop::sample::select(vec!["abs", "min", "max"]), inner.clone(), inner)
                .prop_map(|(f, a, b)| IntExpr::Call(f, Box::new(a), Box::new(b))),
        ]
    })
}

fn str_leaf() -> impl Strategy<Value = StrExpr> {
    prop_oneof![
        prop::sample::select(STR_LITS.to_vec()).prop_map(StrExpr::Lit),
        Just(StrExpr::Var),
    ]
}

fn str_expr() -> impl Strategy<Value = StrExpr> {
    str_leaf().prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| StrExpr::Concat(Box::new(a), Box::new(b))),
            (inner.clone(), 0u8..4).prop_map(|(a, n)| StrExpr::Repeat(Box::new(a), n)),
            (inner.clone(), -6i8..6, -6i8..6).prop_map(|(a, i, j)| StrExpr::Slice(
                Box::new(a),
                i,
                j
            )),
            int_expr().prop_map(|e| StrExpr::FromInt(Box::new(e))),
            (inner, prop::sample::select(vec!["upper", "lower", "strip"]))
                .prop_map(|(a, m)| StrExpr::Method(Box::new(a), m)),
        ]
    })
}

fn stmt() -> impl Strategy<Value = Stmt> {
    let cmp = || prop::sample::select(vec!["<", "<=", "==", "!=", ">", ">="]);
    let simple = prop_oneof![
        3 => (0usize..4, int_expr(), 0usize..MODULI.len()).prop_map(|(v, e, m)| Stmt::AssignInt(v, e, m)),
        1 => (0usize..4, prop::sample::select(vec!["+", "-", "^", "|"]), int_expr())
            .prop_map(|(v, op, e)| Stmt::AugInt(v, op, e)),
        1 => str_expr().prop_map(Stmt::AssignStr),
        3 => int_expr().prop_map(Stmt::PrintInt),
        2 => (int_expr(), cmp(), int_expr(), cmp(), int_expr())
            .prop_map(|(a, o1, b, o2, c)| Stmt::PrintCompare(a, o1, b, o2, c)),
        1 => (int_expr(), prop::sample::select(vec!["/", "+", "*"]), int_expr())
            .prop_map(|(a, op, b)| Stmt::PrintFloat(a, op, b)),
        2 => str_expr().prop_map(Stmt::PrintStr),
        1 => (prop::collection::vec(int_expr(), 0..5), -5i8..5, -5i8..5, int_expr())
            .prop_map(|(items, i, j, e)| Stmt::List(items, i, j, e)),
        1 => (prop::collection::vec((0u8..6, int_expr()), 0..5), 0u8..6)
            .prop_map(|(items, k)| Stmt::Dict(items, k)),
        1 => (int_expr(), int_expr(), int_expr()).prop_map(|(a, b, c)| Stmt::Tuple(a, b, c)),
        1 => (int_expr(), int_expr(), [int_expr(), int_expr(), int_expr(), int_expr()])
            .prop_map(|(x, y, body)| Stmt::Function(x, y, body)),
        1 => (0u8..6, int_expr()).prop_map(|(n, e)| Stmt::Generator(n, e)),
        1 => (int_expr(), [int_expr(), int_expr()]).prop_map(|(e, args)| Stmt::Class(e, args)),
        1 => int_expr().prop_map(Stmt::Global),
    ];
    simple.prop_recursive(2, 12, 4, |inner| {
        let block = || prop::collection::vec(inner.clone(), 1..4);
        prop_oneof![
            (0u8..6, block()).prop_map(|(n, b)| Stmt::Loop(n, b)),
            (0u8..6, block()).prop_map(|(n, b)| Stmt::While(n, b)),
            (
                int_expr(),
                block(),
                prop::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(c, t, e)| Stmt::If(c, t, e)),
            (
                block(),
                any::<bool>(),
                prop::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(b, raise, f)| Stmt::Try(b, raise, f)),
        ]
    })
}

/// Programs of 1 to `max_stmts` module-level statements.
pub fn program(max_stmts: usize) -> impl Strategy<Value = Program> {
    prop::collection::vec(stmt(), 1..=max_stmts).prop_map(Program)
}

/// Source text, indented by `depth` levels.
struct Out {
    text: String,
    depth: usize,
}

impl Out {
    fn line(&mut self, line: &str) {
        for _ in 0..self.depth {
            self.text.push_str("    ");
        }
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn block(&mut self, head: &str, body: impl FnOnce(&mut Out)) {
        self.line(head);
        self.depth += 1;
        body(self);
        self.depth -= 1;
    }
}

impl IntExpr {
    fn render(&self, vars: &[&str]) -> String {
        match self {
            IntExpr::Lit(n) => format!("({n})"),
            IntExpr::Boundary(k) => format!("({})", BOUNDARY[*k]),
            IntExpr::Var(k) => vars[k % vars.len()].to_string(),
            IntExpr::Bin(a, op, b) => format!("({} {op} {})", a.render(vars), b.render(vars)),
            IntExpr::Neg(a) => format!("(-{})", a.render(vars)),
            IntExpr::Shift(a, op, n) => format!("({} {op} {n})", a.render(vars)),
            // The base is reduced so nested powers stay far below float range.
            IntExpr::Pow(a, n) => format!("(({} % 2**20) ** {n})", a.render(vars)),
            IntExpr::Len(s) => format!("len({})", s.render(vars)),
            IntExpr::Cond(c, a, b) => format!(
                "({} if {} else {})",
                a.render(vars),
                c.render(vars),
                b.render(vars)
            ),
            IntExpr::Call("abs", a, _) => format!("abs({})", a.render(vars)),
            IntExpr::Call(f, a, b) => format!("{f}({}, {})", a.render(vars), b.render(vars)),
        }
    }
}

impl StrExpr {
    fn render(&self, vars: &[&str]) -> String {
        match self {
            StrExpr::Lit(s) => s.to_string(),
            StrExpr::Var => "s".to_string(),
            StrExpr::Concat(a, b) => format!("({} + {})", a.render(vars), b.render(vars)),
            StrExpr::Repeat(a, n) => format!("({} * {n})", a.render(vars)),
            StrExpr::Slice(a, i, j) => format!("{}[{i}:{j}]", a.render(vars)),
            StrExpr::FromInt(e) => format!("str({})", e.render(vars)),
            StrExpr::Method(a, m) => format!("{}.{m}()", a.render(vars)),
        }
    }
}

impl Stmt {
    fn render(&self, out: &mut Out) {
        let v = &INT_VARS[..];
        match self {
            Stmt::AssignInt(var, e, m) => {
                out.line(&format!("{} = {} % ({})", v[*var], e.render(v), MODULI[*m]))
            }
            Stmt::AugInt(var, op, e) => {
                out.line(&format!("{} {op}= {}", v[*var], e.render(v)));
                // Reduced, or a loop around `a += a * a` grows without bound.
                out.line(&format!("{} %= 2**64 + 13", v[*var]));
            }
            Stmt::AssignStr(e) => out.line(&format!("s = {}[:24]", e.render(v))),
            Stmt::PrintInt(e) => out.line(&format!("print({})", e.render(v))),
            Stmt::PrintCompare(a, o1, b, o2, c) => out.line(&format!(
                "print({} {o1} {}, {} {o2} {} {o1} {})",
                a.render(v),
                b.render(v),
                a.render(v),
                b.render(v),
                c.render(v)
            )),
            Stmt::PrintFloat(a, op, b) => out.line(&format!(
                "print(int((float({}) {op} {}) * 1000))",
                a.render(v),
                b.render(v)
            )),
            Stmt::PrintStr(e) => out.line(&format!("print(repr({}))", e.render(v))),
            Stmt::List(items, i, j, e) => {
                let items: Vec<String> = items.iter().map(|x| x.render(v)).collect();
                out.line(&format!("l = [{}] + l[:3]", items.join(", ")));
                out.line(&format!("l.append({})", e.render(v)));
                out.line(&format!(
                    "print(l[{i}:{j}], sorted(l), len(l), l[{i}] if l else None)"
                ));
            }
            Stmt::Dict(items, k) => {
                for (key, e) in items {
                    out.line(&format!("d[{key}] = {}", e.render(v)));
                }
                out.line(&format!(
                    "print(sorted(d.items()), {k} in d, d.get({k}, -1), len(d))"
                ));
            }
            Stmt::Tuple(x, y, z) => {
                out.line(&format!(
                    "t = ({}, {}, {})",
                    x.render(v),
                    y.render(v),
                    z.render(v)
                ));
                out.line("a, b, c = t[2] % 2**63, t[0] % -(2**31), t[1] % (2**31 + 11)");
                out.line("print(t, t[1:], t[:2] < t, a, b, c)");
            }
            Stmt::Loop(n, body) => out.block(&format!("for i in range({n}):"), |out| {
                body.iter().for_each(|s| s.render(out))
            }),
            Stmt::While(n, body) => {
                // A counter no generated statement assigns, one per nesting depth.
                let w = format!("w{}", out.depth);
                out.line(&format!("{w} = 0"));
                out.block(&format!("while {w} < {n}:"), |out| {
                    out.line(&format!("{w} += 1"));
                    body.iter().for_each(|s| s.render(out));
                });
            }
            Stmt::If(c, then, otherwise) => {
                out.block(&format!("if {}:", c.render(v)), |out| {
                    then.iter().for_each(|s| s.render(out))
                });
                if !otherwise.is_empty() {
                    out.block("else:", |out| otherwise.iter().for_each(|s| s.render(out)));
                }
            }
            Stmt::Try(body, raise, finally) => {
                out.block("try:", |out| {
                    body.iter().for_each(|s| s.render(out));
                    if *raise {
                        out.line("raise ValueError(a)");
                    }
                });
                out.block("except (ValueError, ArithmeticError) as e:", |out| {
                    out.line("print('caught', type(e).__name__)")
                });
                out.block("finally:", |out| {
                    out.line("print('finally')");
                    finally.iter().for_each(|s| s.render(out));
                });
            }
            Stmt::Function(x, y, body) => {
                let p = ["x", "y", "z", "w", "acc"];
                out.block("def f(x, y=5, *rest, z=-3, **kw):", |out| {
                    out.block("def inner(w):", |out| {
                        out.line(&format!("return {}", body[0].render(&p[..4])))
                    });
                    out.line("acc = len(kw)");
                    out.block("for r in rest:", |out| {
                        out.line(&format!("acc += r % 1000 + {}", body[1].render(&p)))
                    });
                    out.line(&format!("return inner(acc) + {}", body[2].render(&p)));
                });
                out.line(&format!(
                    "print(f({}), f({}, {}, *[c, 2], z=a), f(x=b, q=1))",
                    x.render(v),
                    y.render(v),
                    body[3].render(v)
                ));
            }
            Stmt::Generator(n, e) => {
                out.block("def g(n):", |out| {
                    out.block("for k in range(n):", |out| {
                        out.line(&format!("yield {}", e.render(&["k", "n", "a"])))
                    })
                });
                out.line(&format!("print(list(g({n})), sum(g({n})))"));
            }
            Stmt::Class(e, args) => {
                out.block("class K:", |out| {
                    out.block("def __init__(self, v):", |out| out.line("self.v = v"));
                    out.block("def __add__(self, o):", |out| {
                        out.line(&format!("return K({})", e.render(&["self.v", "o.v", "a"])))
                    });
                    out.block("def __lt__(self, o):", |out| {
                        out.line("return self.v < o.v")
                    });
                    out.block("def __eq__(self, o):", |out| {
                        out.line("return self.v == o.v")
                    });
                    out.block("def __len__(self):", |out| {
                        out.line("return abs(self.v) % 97")
                    });
                    out.block("def __repr__(self):", |out| {
                        out.line("return 'K(%d)' % self.v")
                    });
                });
                out.line(&format!(
                    "p, q = K({}), K({})",
                    args[0].render(v),
                    args[1].render(v)
                ));
                out.line("print(p + q, p < q, p == q, len(p), sorted([q, p]))");
            }
            Stmt::Global(e) => {
                out.block("def setg():", |out| {
                    out.line("global a");
                    out.line(&format!("a = {} % 1000003", e.render(v)));
                });
                out.line("setg()");
                out.line("print(a)");
            }
        }
    }
}

impl Program {
    /// The program's Python source.
    pub fn render(&self) -> String {
        let mut out = Out {
            text: "a, b, c, i = 2**30 - 1, -7, 2**31, 0\ns = 'py'\nl = [1, 2]\nd = {}\n".into(),
            depth: 0,
        };
        for stmt in &self.0 {
            out.block("try:", |out| stmt.render(out));
            out.block("except Exception as e:", |out| {
                out.line("print(type(e).__name__)")
            });
        }
        out.text
    }
}

// ---- viper

/// The type of a viper function's parameters and result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VType {
    Int,
    Uint,
}

#[derive(Debug, Clone)]
pub enum VExpr {
    Lit(u16),
    Param(usize),
    Bin(Box<VExpr>, &'static str, Box<VExpr>),
    Shift(Box<VExpr>, &'static str, u8),
    /// A load from the buffer through `ptr8/16/32` (width in bytes) at `param & mask`.
    Load(u8, usize),
}

#[derive(Debug, Clone)]
pub enum VStmt {
    Assign(VExpr),
    Store(u8, usize, VExpr),
    IfCmp(VExpr, &'static str, VExpr, VExpr),
    Loop(u8, VExpr),
}

/// One viper function `f(buf, x, y) -> ty` and the argument pairs it is called with.
#[derive(Debug, Clone)]
pub struct ViperProgram {
    pub ty: VType,
    pub body: Vec<VStmt>,
    pub args: Vec<(i64, i64)>,
}

fn vexpr() -> impl Strategy<Value = VExpr> {
    let leaf = prop_oneof![
        2 => (0usize..3).prop_map(VExpr::Param),
        1 => (0u16..1000).prop_map(VExpr::Lit),
        1 => (prop::sample::select(vec![1u8, 2, 4]), 0usize..3).prop_map(|(w, p)| VExpr::Load(w, p)),
    ];
    leaf.prop_recursive(3, 10, 2, |inner| {
        prop_oneof![
            3 => (inner.clone(), prop::sample::select(vec!["+", "-", "*", "&", "|", "^"]), inner.clone())
                .prop_map(|(a, op, b)| VExpr::Bin(Box::new(a), op, Box::new(b))),
            1 => (inner, prop::sample::select(vec!["<<", ">>"]), 0u8..32)
                .prop_map(|(a, op, n)| VExpr::Shift(Box::new(a), op, n)),
        ]
    })
}

fn vstmt() -> impl Strategy<Value = VStmt> {
    prop_oneof![
        3 => vexpr().prop_map(VStmt::Assign),
        1 => (prop::sample::select(vec![1u8, 2, 4]), 0usize..3, vexpr())
            .prop_map(|(w, p, e)| VStmt::Store(w, p, e)),
        2 => (vexpr(), prop::sample::select(vec!["<", "<=", "==", "!=", ">", ">="]), vexpr(), vexpr())
            .prop_map(|(a, op, b, e)| VStmt::IfCmp(a, op, b, e)),
        1 => (0u8..5, vexpr()).prop_map(|(n, e)| VStmt::Loop(n, e)),
    ]
}

const INT32_EDGES: [i64; 10] = [
    0,
    1,
    -1,
    0x3fff_ffff,
    0x4000_0000,
    0x7fff_ffff,
    -0x8000_0000,
    -0x4000_0000,
    12345,
    -77,
];

pub fn viper_program() -> impl Strategy<Value = ViperProgram> {
    let arg = prop_oneof![
        prop::sample::select(INT32_EDGES.to_vec()),
        -0x8000_0000i64..0x8000_0000
    ];
    (
        prop_oneof![Just(VType::Int), Just(VType::Uint)],
        prop::collection::vec(vstmt(), 1..6),
        prop::collection::vec((arg.clone(), arg), 1..4),
    )
        .prop_map(|(ty, body, args)| ViperProgram { ty, body, args })
}

/// The buffer every viper function gets, 16 bytes.
const BUF_LEN: usize = 16;
/// Viper's parameters: `r` (the running result) comes first so it is read most.
const VPARAMS: [&str; 3] = ["r", "x", "y"];

/// Which of the two renderings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Viper,
    Oracle,
}

impl VExpr {
    /// Whether the expression is made of literals only.
    fn is_constant(&self) -> bool {
        match self {
            VExpr::Lit(_) => true,
            VExpr::Param(_) | VExpr::Load(..) => false,
            VExpr::Bin(a, _, b) => a.is_constant() && b.is_constant(),
            VExpr::Shift(a, ..) => a.is_constant(),
        }
    }

    fn render(&self, ty: VType, flavour: Flavour) -> String {
        // MicroPython's parser folds an operation on plain literals with unbounded precision
        // before viper sees it (`(64 << 25) >> 17` is 16384, not the 32-bit -16384), and a
        // folded value past a small int becomes an object. The oracle wraps every operation,
        // so in such a subexpression the viper rendering casts its literals, `int(64)`, which
        // the parser leaves alone: the operations then run in viper at 32 bits.
        self.render_with(ty, flavour, false)
    }

    /// `cast_literals`: inside an operation on literals only (see [`VExpr::render`]).
    fn render_with(&self, ty: VType, flavour: Flavour, cast_literals: bool) -> String {
        let cast_literals = cast_literals
            || (flavour == Flavour::Viper
                && ty == VType::Int
                && matches!(self, VExpr::Bin(..) | VExpr::Shift(..))
                && self.is_constant());
        let wrap = |e: String| match (flavour, ty) {
            (Flavour::Viper, _) => e,
            (Flavour::Oracle, VType::Int) => format!("w32({e})"),
            (Flavour::Oracle, VType::Uint) => format!("wu32({e})"),
        };
        match self {
            // A bare literal is an `int`; in a uint function it is cast like viper code would.
            VExpr::Lit(n) if ty == VType::Uint && flavour == Flavour::Viper => format!("uint({n})"),
            VExpr::Lit(n) if cast_literals => format!("int({n})"),
            VExpr::Lit(n) => n.to_string(),
            VExpr::Param(k) => VPARAMS[*k].to_string(),
            VExpr::Bin(a, op, b) => wrap(format!(
                "({} {op} {})",
                a.render_with(ty, flavour, cast_literals),
                b.render_with(ty, flavour, cast_literals)
            )),
            VExpr::Shift(a, op, n) => wrap(format!(
                "({} {op} {n})",
                a.render_with(ty, flavour, cast_literals)
            )),
            VExpr::Load(width, p) => {
                let index = load_index(*width, *p);
                let load = match flavour {
                    Flavour::Viper => format!("p{}[{index}]", width * 8),
                    Flavour::Oracle => format!("ld(buf, {width}, {index})"),
                };
                // Loads are `int` in viper; a uint function converts.
                match (ty, flavour) {
                    (VType::Int, _) => load,
                    (VType::Uint, Flavour::Viper) => format!("uint({load})"),
                    (VType::Uint, Flavour::Oracle) => format!("wu32({load})"),
                }
            }
        }
    }
}

/// An in-bounds index for a `width`-byte access: a parameter masked to the element count.
fn load_index(width: u8, param: usize) -> String {
    let mask = BUF_LEN / width as usize - 1;
    format!("({} & {mask})", VPARAMS[param])
}

impl VStmt {
    fn render(&self, out: &mut Out, ty: VType, flavour: Flavour) {
        match self {
            VStmt::Assign(e) => out.line(&format!("r = {}", e.render(ty, flavour))),
            VStmt::Store(width, p, e) => {
                let index = load_index(*width, *p);
                let value = e.render(ty, flavour);
                match flavour {
                    Flavour::Viper => out.line(&format!("p{}[{index}] = {value}", width * 8)),
                    Flavour::Oracle => out.line(&format!("st(buf, {width}, {index}, {value})")),
                }
            }
            VStmt::IfCmp(a, op, b, e) => {
                let (a, b) = (a.render(ty, flavour), b.render(ty, flavour));
                // A bool local: viper's comparison result, stored and then tested.
                out.line(&format!("flag = {a} {op} {b}"));
                out.block("if flag:", |out| {
                    out.line(&format!("r = {}", e.render(ty, flavour)))
                });
            }
            VStmt::Loop(n, e) => out.block(&format!("for k in range({n}):"), |out| {
                out.line(&format!("r = {}", e.render(ty, flavour)))
            }),
        }
    }
}

/// Plain-Python helpers the oracle uses: 32-bit wrapping and little-endian buffer access
/// with viper's result types (every load is a signed `int`).
const ORACLE_HELPERS: &str = "\
def w32(v):
    v &= 0xffffffff
    return v - 0x100000000 if v & 0x80000000 else v
def wu32(v):
    return v & 0xffffffff
def ld(buf, width, i):
    v = 0
    for j in range(width):
        v |= buf[i * width + j] << (8 * j)
    return w32(v) if width == 4 else v
def st(buf, width, i, v):
    for j in range(width):
        buf[i * width + j] = (v >> (8 * j)) & 0xff
";

impl ViperProgram {
    fn render(&self, flavour: Flavour) -> String {
        let ty = match self.ty {
            VType::Int => "int",
            VType::Uint => "uint",
        };
        let mut out = Out {
            text: String::new(),
            depth: 0,
        };
        match flavour {
            Flavour::Viper => {
                out.line("import micropython");
                out.line("@micropython.viper");
                out.line(&format!("def f(buf, x: {ty}, y: {ty}) -> {ty}:"));
            }
            Flavour::Oracle => {
                out.text.push_str(ORACLE_HELPERS);
                let wrap = if self.ty == VType::Int { "w32" } else { "wu32" };
                out.line("def f(buf, x, y):");
                out.line(&format!("    x, y = {wrap}(x), {wrap}(y)"));
            }
        }
        out.depth += 1;
        if flavour == Flavour::Viper {
            out.line("p8 = ptr8(buf)");
            out.line("p16 = ptr16(buf)");
            out.line("p32 = ptr32(buf)");
        }
        out.line(&format!(
            "r = {}",
            if flavour == Flavour::Viper {
                format!("{ty}(0)")
            } else {
                "0".into()
            }
        ));
        for stmt in &self.body {
            stmt.render(&mut out, self.ty, flavour);
        }
        out.line("return r");
        out.depth -= 1;
        out.line(&format!("buf = bytearray(range(7, 7 + {BUF_LEN}))"));
        for (x, y) in &self.args {
            out.line(&format!("print(f(buf, {x}, {y}), list(buf))"));
        }
        out.text
    }

    /// The source with `@micropython.viper`.
    pub fn render_viper(&self) -> String {
        self.render(Flavour::Viper)
    }

    /// The same function as plain Python with the wrap-around written out.
    pub fn render_oracle(&self) -> String {
        self.render(Flavour::Oracle)
    }
}
