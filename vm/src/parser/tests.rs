//! Parser tests. Shapes are written in a compact S-expression form (see `show`); folding
//! results were checked against mpy-cross 1.29's output (`mpy-cross x.py`, then
//! `tools/mpy-tool.py -d x.mpy`), error messages and lines against its printed traceback.

use super::*;
use crate::ast::*;
use crate::error::ErrorKind;

fn parse_with(src: &str, mode: InputMode, opts: &ParseOptions) -> Result<Module, CompileError> {
    parse(src, mode, opts)
}

fn file(src: &str) -> Module {
    parse_with(src, InputMode::File, &ParseOptions::default())
        .unwrap_or_else(|e| panic!("{src:?}: {e:?}"))
}

/// The module in compact form, one statement per line.
fn shape(src: &str) -> String {
    let m = file(src);
    m.body.iter().map(stmt).collect::<Vec<_>>().join("\n")
}

/// The value assigned by a one-line `x = ...` source.
fn value(expr_src: &str) -> String {
    shape(&format!("x = {expr_src}\n"))
        .strip_prefix("(= [x] ")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not an assignment: {expr_src}"))
        .to_string()
}

fn error(src: &str) -> CompileError {
    parse_with(src, InputMode::File, &ParseOptions::default()).expect_err(src)
}

fn block(stmts: &[Stmt]) -> String {
    format!("[{}]", stmts.iter().map(stmt).collect::<Vec<_>>().join(" "))
}

fn stmt(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Expr(e) => expr(e),
        StmtKind::Assign { targets, value } => format!("(= [{}] {})", list(targets), expr(value)),
        StmtKind::AugAssign { target, op, value } => {
            format!("({:?}= {} {})", op, expr(target), expr(value))
        }
        StmtKind::AnnAssign {
            target,
            annotation,
            value,
        } => format!("(ann {} {} {})", expr(target), expr(annotation), opt(value)),
        StmtKind::Pass => "pass".into(),
        StmtKind::Break => "break".into(),
        StmtKind::Continue => "continue".into(),
        StmtKind::Delete(t) => format!("(del {})", list(t)),
        StmtKind::Return(v) => format!("(return {})", opt(v)),
        StmtKind::Raise { exc, cause } => format!("(raise {} {})", opt(exc), opt(cause)),
        StmtKind::Assert { test, msg } => format!("(assert {} {})", expr(test), opt(msg)),
        StmtKind::Global(n) => format!("(global {})", n.join(" ")),
        StmtKind::Nonlocal(n) => format!("(nonlocal {})", n.join(" ")),
        StmtKind::Import(a) => format!("(import {})", aliases(a)),
        StmtKind::ImportFrom {
            level,
            module,
            names,
            star,
        } => format!(
            "(from {} {} {})",
            level,
            module.as_deref().unwrap_or("_"),
            if *star { "*".into() } else { aliases(names) }
        ),
        StmtKind::If { test, body, orelse } => {
            let kw = if s.line == 0 { "elif" } else { "if" };
            format!("({kw} {} {} {})", expr(test), block(body), block(orelse))
        }
        StmtKind::While { test, body, orelse } => {
            format!("(while {} {} {})", expr(test), block(body), block(orelse))
        }
        StmtKind::For {
            is_async,
            target,
            iter,
            body,
            orelse,
        } => format!(
            "({}for {} {} {} {})",
            if *is_async { "async " } else { "" },
            expr(target),
            expr(iter),
            block(body),
            block(orelse)
        ),
        StmtKind::With {
            is_async,
            items,
            body,
        } => format!(
            "({}with [{}] {})",
            if *is_async { "async " } else { "" },
            items
                .iter()
                .map(|i| format!("({} {})", expr(&i.context), opt(&i.target)))
                .collect::<Vec<_>>()
                .join(" "),
            block(body)
        ),
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => format!(
            "(try {} [{}] {} {})",
            block(body),
            handlers
                .iter()
                .map(|h| format!(
                    "(except {} {} {})",
                    opt(&h.exc_type),
                    h.name.as_deref().unwrap_or("_"),
                    block(&h.body)
                ))
                .collect::<Vec<_>>()
                .join(" "),
            block(orelse),
            block(finalbody)
        ),
        StmtKind::FunctionDef(f) => format!(
            "({}def {}{} ({}){} {})",
            if f.is_async { "async " } else { "" },
            decorators(&f.decorators),
            f.name,
            arguments(&f.args),
            f.returns
                .as_ref()
                .map(|r| format!(" -> {}", expr(r)))
                .unwrap_or_default(),
            block(&f.body)
        ),
        StmtKind::ClassDef(c) => format!(
            "(class {}{} ({}) {})",
            decorators(&c.decorators),
            c.name,
            c.args.iter().map(argument).collect::<Vec<_>>().join(" "),
            block(&c.body)
        ),
    }
}

fn decorators(d: &[Decorator]) -> String {
    d.iter().map(|d| format!("@{} ", expr(&d.expr))).collect()
}

fn aliases(a: &[ImportAlias]) -> String {
    a.iter()
        .map(|a| match &a.asname {
            Some(n) => format!("{}:{}", a.name, n),
            None => a.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn arguments(a: &Arguments) -> String {
    let mut parts = Vec::new();
    let first_default = a.args.len() - a.defaults.len();
    for (i, p) in a.args.iter().enumerate() {
        let mut s = param(p);
        if i >= first_default {
            s += &format!("={}", expr(&a.defaults[i - first_default]));
        }
        parts.push(s);
    }
    if let Some(v) = &a.vararg {
        parts.push(format!("*{}", param(v)));
    }
    if a.bare_star {
        parts.push("*".into());
    }
    for (p, d) in &a.kwonlyargs {
        let mut s = param(p);
        if let Some(d) = d {
            s += &format!("={}", expr(d));
        }
        parts.push(s);
    }
    if let Some(k) = &a.kwarg {
        parts.push(format!("**{}", param(k)));
    }
    parts.join(" ")
}

fn param(p: &Arg) -> String {
    match &p.annotation {
        Some(a) => format!("{}:{}", p.name, expr(a)),
        None => p.name.to_string(),
    }
}

fn list(e: &[Expr]) -> String {
    e.iter().map(expr).collect::<Vec<_>>().join(" ")
}

fn opt(e: &Option<Expr>) -> String {
    e.as_ref().map_or("_".into(), expr)
}

fn opt_box(e: &Option<Box<Expr>>) -> String {
    e.as_ref().map_or("_".into(), |e| expr(e))
}

fn constant(c: &Constant) -> String {
    match c {
        Constant::None => "None".into(),
        Constant::True => "True".into(),
        Constant::False => "False".into(),
        Constant::Ellipsis => "...".into(),
        Constant::Int(i) => i.to_string(),
        Constant::Float(f) => format!("{f:?}f"),
        Constant::Imag(f) => format!("{f:?}j"),
        Constant::Str {
            value,
            interned: true,
        } => format!("'{value}'"),
        Constant::Str { value, .. } => format!("\"{value}\""),
        Constant::Bytes(b) => format!("b{:?}", String::from_utf8_lossy(b)),
        Constant::Tuple(items) => format!(
            "#({})",
            items.iter().map(constant).collect::<Vec<_>>().join(" ")
        ),
        Constant::Object(inner) => format!("obj:{}", constant(inner)),
    }
}

fn comps(g: &[Comprehension]) -> String {
    g.iter()
        .map(|c| {
            let ifs: String = c.ifs.iter().map(|i| format!(" (if {})", expr(i))).collect();
            format!("(for {} {}{})", expr(&c.target), expr(&c.iter), ifs)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn argument(a: &Argument) -> String {
    match a {
        Argument::Positional(e) => expr(e),
        Argument::Star(e) => format!("*{}", expr(e)),
        Argument::Keyword { name, value } => format!("{}={}", name, expr(value)),
        Argument::DoubleStar(e) => format!("**{}", expr(e)),
    }
}

fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.to_string(),
        ExprKind::Const(c) => constant(c),
        ExprKind::BoolOp { op, values } => format!("({op:?} {})", list(values)),
        ExprKind::BinOp { left, op, right } => {
            format!("({op:?} {} {})", expr(left), expr(right))
        }
        ExprKind::UnaryOp { op, operand } => format!("({op:?} {})", expr(operand)),
        ExprKind::Compare {
            left,
            ops,
            comparators,
        } => {
            let rest: String = ops
                .iter()
                .zip(comparators)
                .map(|(o, c)| format!(" {o:?} {}", expr(c)))
                .collect();
            format!("(cmp {}{rest})", expr(left))
        }
        ExprKind::NamedExpr { target, value } => format!("(:= {target} {})", expr(value)),
        ExprKind::Lambda { args, body } => format!("(lambda ({}) {})", arguments(args), expr(body)),
        ExprKind::IfExp { test, body, orelse } => {
            format!("(ifexp {} {} {})", expr(test), expr(body), expr(orelse))
        }
        ExprKind::Dict(items) => format!(
            "(dict{})",
            items
                .iter()
                .map(|(k, v)| format!(" {}:{}", expr(k), expr(v)))
                .collect::<String>()
        ),
        ExprKind::Set(i) => format!("(set {})", list(i)),
        ExprKind::List(i) => format!("(list {})", list(i)),
        ExprKind::Tuple(i) => format!("(tuple {})", list(i)),
        ExprKind::ListComp { elt, generators } => {
            format!("(listcomp {} {})", expr(elt), comps(generators))
        }
        ExprKind::SetComp { elt, generators } => {
            format!("(setcomp {} {})", expr(elt), comps(generators))
        }
        ExprKind::DictComp {
            key,
            value,
            generators,
        } => format!(
            "(dictcomp {}:{} {})",
            expr(key),
            expr(value),
            comps(generators)
        ),
        ExprKind::GeneratorExp { elt, generators } => {
            format!("(genexp {} {})", expr(elt), comps(generators))
        }
        ExprKind::Await(v) => format!("(await {})", expr(v)),
        ExprKind::Yield(v) => format!("(yield {})", opt_box(v)),
        ExprKind::YieldFrom(v) => format!("(yieldfrom {})", expr(v)),
        ExprKind::Call { func, args } => format!(
            "(call {}{})",
            expr(func),
            args.iter()
                .map(|a| format!(" {}", argument(a)))
                .collect::<String>()
        ),
        ExprKind::Attribute { value, attr } => format!("(. {} {attr})", expr(value)),
        ExprKind::Subscript { value, index } => format!("(sub {} {})", expr(value), expr(index)),
        ExprKind::Slice { lower, upper, step } => {
            format!(
                "(slice {} {} {})",
                opt_box(lower),
                opt_box(upper),
                opt_box(step)
            )
        }
        ExprKind::Starred(v) => format!("(* {})", expr(v)),
    }
}

// ---------------------------------------------------------------------------------------
// Statements

#[test]
fn simple_statements() {
    assert_eq!(shape("x = y = 1\n"), "(= [x y] 1)");
    assert_eq!(shape("x += 1\n"), "(Add= x 1)");
    assert_eq!(shape("x **= 2\n"), "(Pow= x 2)");
    assert_eq!(shape("x: int = 1\n"), "(ann x int 1)");
    assert_eq!(shape("x: int\n"), "(ann x int _)");
    assert_eq!(shape("pass; x\n"), "pass\nx");
    assert_eq!(shape("del a, b[1]\n"), "(del a (sub b 1))");
    assert_eq!(shape("del (a, b)\n"), "(del (tuple a b))");
    assert_eq!(shape("def f():\n return\n"), "(def f () [(return _)])");
    assert_eq!(shape("raise\n"), "(raise _ _)");
    assert_eq!(shape("raise E from c\n"), "(raise E c)");
    assert_eq!(shape("assert x, 'm'\n"), "(assert x 'm')");
    assert_eq!(shape("global a, b\n"), "(global a b)");
    assert_eq!(shape("nonlocal a\n"), "(nonlocal a)");
    assert_eq!(
        shape("while 1:\n break\n continue\n"),
        "(while 1 [break continue] [])"
    );
    assert_eq!(shape("x = yield\n"), "(= [x] (yield _))");
    assert_eq!(shape("yield from g\n"), "(yieldfrom g)");
    assert_eq!(shape("yield a, b\n"), "(yield (tuple a b))");
    assert_eq!(shape("a, *b = c\n"), "(= [(tuple a (* b))] c)");
}

#[test]
fn imports() {
    assert_eq!(shape("import a.b.c as d, e\n"), "(import a.b.c:d e)");
    assert_eq!(shape("from . import *\n"), "(from 1 _ *)");
    assert_eq!(shape("from ..a.b import c as d, e\n"), "(from 2 a.b c:d e)");
    assert_eq!(shape("from ... import (a, b,)\n"), "(from 3 _ a b)");
    assert_eq!(shape("from .... import a\n"), "(from 4 _ a)");
    assert_eq!(shape("from a import b\n"), "(from 0 a b)");
    // MicroPython accepts a trailing comma without parentheses (verified with mpy-cross).
    assert_eq!(shape("from a import b,\n"), "(from 0 a b)");
}

#[test]
fn compound_statements() {
    assert_eq!(
        shape("if a:\n x\nelif b:\n y\nelif c:\n z\nelse:\n w\n"),
        "(if a [x] [(elif b [y] [(elif c [z] [w])])])"
    );
    assert_eq!(
        shape("if a:\n x\nelse:\n if b: y\n"),
        "(if a [x] [(if b [y] [])])"
    );
    assert_eq!(
        shape("for a, b in c:\n pass\nelse:\n pass\n"),
        "(for (tuple a b) c [pass] [pass])"
    );
    assert_eq!(shape("for x in 1, 2:\n pass\n"), "(for x #(1 2) [pass] [])");
    assert_eq!(
        shape("try:\n a\nexcept E as e:\n b\nexcept:\n c\nelse:\n d\nfinally:\n f\n"),
        "(try [a] [(except E e [b]) (except _ _ [c])] [d] [f])"
    );
    assert_eq!(shape("try:\n a\nfinally:\n f\n"), "(try [a] [] [] [f])");
    assert_eq!(
        shape("try:\n a\nexcept E:\n b\n"),
        "(try [a] [(except E _ [b])] [] [])"
    );
    assert_eq!(
        shape("with a as b, c:\n pass\n"),
        "(with [(a b) (c _)] [pass])"
    );
    assert_eq!(
        shape("class A(B, *c, metaclass=M, **k):\n pass\n"),
        "(class A (B *c metaclass=M **k) [pass])"
    );
    assert_eq!(shape("class A():\n pass\n"), "(class A () [pass])");
    assert_eq!(shape("class A:\n x = 1\n"), "(class A () [(= [x] 1)])");
}

#[test]
fn functions_and_decorators() {
    assert_eq!(
        shape("def f(a, b: int = 1, *c, d, e=2, **g) -> r:\n pass\n"),
        "(def f (a b:int=1 *c d e=2 **g) -> r [pass])"
    );
    assert_eq!(shape("def f(*, a):\n pass\n"), "(def f (* a) [pass])");
    assert_eq!(
        shape("def f(*a: t, **k: u):\n pass\n"),
        "(def f (*a:t **k:u) [pass])"
    );
    assert_eq!(shape("def f(a,):\n pass\n"), "(def f (a) [pass])");
    assert_eq!(
        shape("@a.b(1)\n@c\ndef f():\n pass\n"),
        "(def @(call (. a b) 1) @c f () [pass])"
    );
    assert_eq!(shape("@d\nclass C:\n pass\n"), "(class @d C () [pass])");
    assert_eq!(
        shape("@d\nasync def f():\n pass\n"),
        "(async def @d f () [pass])"
    );
    assert_eq!(
        shape("async def f():\n async for x in y:\n  await z\n async with a:\n  pass\n"),
        "(async def f () [(async for x y [(await z)] []) (async with [(a _)] [pass])])"
    );
    assert_eq!(
        value("lambda a, b=1, *c, d, **e: a"),
        "(lambda (a b=1 *c d **e) a)"
    );
    assert_eq!(value("lambda: 0"), "(lambda () 0)");
}

// ---------------------------------------------------------------------------------------
// Expressions

#[test]
fn operators_and_precedence() {
    assert_eq!(value("a + b * c - d"), "(Sub (Add a (Mult b c)) d)");
    assert_eq!(
        value("a | b ^ c & d << e"),
        "(Or a (Xor b (And c (LShift d e))))"
    );
    assert_eq!(value("a ** b ** c"), "(Pow a (Pow b c))");
    assert_eq!(value("-a ** b"), "(Negative (Pow a b))");
    assert_eq!(
        value("a @ b // c % d / e"),
        "(TrueDiv (Mod (FloorDiv (MatMult a b) c) d) e)"
    );
    assert_eq!(value("~a"), "(Invert a)");
    assert_eq!(value("not a"), "(Not a)");
    assert_eq!(value("a or b and c"), "(Or a (And b c))");
    assert_eq!(
        value("a < b <= c == d != e > f >= g"),
        "(cmp a Lt b LtE c Eq d NotEq e Gt f GtE g)"
    );
    assert_eq!(
        value("a in b not in c is d is not e"),
        "(cmp a In b NotIn c Is d IsNot e)"
    );
    assert_eq!(value("a if b else c"), "(ifexp b a c)");
    assert_eq!(value("await a.b"), "(await (. a b))");
}

#[test]
fn atoms_and_displays() {
    assert_eq!(value("(a)"), "a");
    assert_eq!(value("()"), "(tuple )");
    assert_eq!(value("(a,)"), "(tuple a)");
    assert_eq!(value("(a, b)"), "(tuple a b)");
    assert_eq!(value("(a, b, c,)"), "(tuple a b c)");
    assert_eq!(value("[]"), "(list )");
    assert_eq!(value("[a]"), "(list a)");
    assert_eq!(value("[a, *b]"), "(list a (* b))");
    assert_eq!(value("{}"), "(dict)");
    assert_eq!(value("{a: b, c: d,}"), "(dict a:b c:d)");
    assert_eq!(value("{a}"), "(set a)");
    assert_eq!(value("{a, b}"), "(set a b)");
    assert_eq!(value("..."), "...");
    assert_eq!(value("None"), "None");
    assert_eq!(value("b'x' "), "b\"x\"");
    assert_eq!(value("a, b"), "(tuple a b)");
    assert_eq!(value("(yield)"), "(yield _)");
    assert_eq!(value("(y := 1)"), "(:= y 1)");
}

#[test]
fn comprehensions() {
    assert_eq!(value("[a for b in c]"), "(listcomp a (for b c))");
    assert_eq!(
        value("[a for b, c in d if e if f for g in h]"),
        "(listcomp a (for (tuple b c) d (if e) (if f)) (for g h))"
    );
    assert_eq!(value("{a for b in c}"), "(setcomp a (for b c))");
    assert_eq!(value("{a: b for c in d}"), "(dictcomp a:b (for c d))");
    assert_eq!(value("(a for b in c)"), "(genexp a (for b c))");
    assert_eq!(value("f(a for b in c)"), "(call f (genexp a (for b c)))");
    assert_eq!(
        value("[a for b in c if lambda: d]"),
        "(listcomp a (for b c (if (lambda () d))))"
    );
}

#[test]
fn trailers() {
    assert_eq!(value("a.b.c"), "(. (. a b) c)");
    assert_eq!(value("f(a, *b, c=1, **d)"), "(call f a *b c=1 **d)");
    assert_eq!(value("f(a,)"), "(call f a)");
    assert_eq!(value("f(x := 1)"), "(call f (:= x 1))");
    assert_eq!(value("a[b]"), "(sub a b)");
    assert_eq!(value("a[b, c]"), "(sub a (tuple b c))");
    assert_eq!(value("a[:]"), "(sub a (slice _ _ _))");
    assert_eq!(value("a[b:]"), "(sub a (slice b _ _))");
    assert_eq!(value("a[:c]"), "(sub a (slice _ c _))");
    assert_eq!(value("a[b:c:d]"), "(sub a (slice b c d))");
    assert_eq!(value("a[::d]"), "(sub a (slice _ _ d))");
    assert_eq!(value("a[b::]"), "(sub a (slice b _ _))");
    assert_eq!(value("a[:c:]"), "(sub a (slice _ c _))");
    assert_eq!(value("a[b:, c]"), "(sub a (tuple (slice b _ _) c))");
    assert_eq!(value("a.b(c)[d]"), "(sub (call (. a b) c) d)");
}

// ---------------------------------------------------------------------------------------
// Folding, checked against mpy-cross 1.29's constants for the same source.

#[test]
fn arithmetic_folding() {
    assert_eq!(value("1 + 2 * 3"), "7");
    assert_eq!(value("1 / 2"), "0.5f");
    assert_eq!(value("2 ** -1"), "0.5f");
    assert_eq!(value("1 << 40"), "1099511627776");
    assert_eq!(value("-(2 ** 62)"), "-4611686018427387904");
    assert_eq!(value("~5"), "-6");
    assert_eq!(value("1.5 * 2"), "3.0f");
    assert_eq!(value("2 ** 100"), "1267650600228229401496703205376");
    assert_eq!(value("-7 % 3"), "2");
    assert_eq!(value("(-8.0) ** 0.5"), "(Pow -8.0f 0.5f)");
    assert_eq!(value("7 // 0"), "(FloorDiv 7 0)");
    assert_eq!(value("~1.5"), "(Invert 1.5f)");
    assert_eq!(value("1 @ 2"), "(MatMult 1 2)");
    assert_eq!(value("-1j"), "(Negative 1.0j)");
    // No partial folding: `1 + 2 + x` keeps its constants.
    assert_eq!(value("1 + 2 + x"), "(Add (Add 1 2) x)");
    assert_eq!(value("x + (1 + 2)"), "(Add x 3)");
    assert_eq!(value("'a' * 3"), "(Mult 'a' 3)");
    assert_eq!(value("1 < 2"), "(cmp 1 Lt 2)");
    assert_eq!(value("0x10 | 0b1 ^ 0o7 & 3"), "18");
}

#[test]
fn logical_folding() {
    assert_eq!(value("not 1"), "False");
    assert_eq!(value("not ()"), "True");
    assert_eq!(value("1 or x"), "1");
    assert_eq!(value("x or 0 or y"), "(Or x y)");
    assert_eq!(value("x and 1 and y"), "(And x y)");
    assert_eq!(value("0 or ()"), "(tuple )");
    assert_eq!(value("x or 1 or y"), "(Or x 1)");
    assert_eq!(value("0 and x"), "0");
    assert_eq!(value("(1, 2) or x"), "#(1 2)");
}

#[test]
fn constant_tuples() {
    assert_eq!(value("(1, 2, (3, 4))"), "#(1 2 #(3 4))");
    assert_eq!(value("(1,)"), "#(1)");
    assert_eq!(value("1, 'a', None, ..., ()"), "#(1 'a' None ... #())");
    assert_eq!(value("[1, 2]"), "(list 1 2)");
    assert_eq!(value("(1 + 2, x)"), "(tuple 3 x)");
    assert_eq!(value("x[1, 2]"), "(sub x #(1 2))");
    assert_eq!(
        shape("def f():\n return 1, -2\n"),
        "(def f () [(return #(1 -2))])"
    );
}

#[test]
fn module_constants() {
    assert_eq!(value("math.pi"), format!("{:?}f", std::f64::consts::PI));
    assert_eq!(value("math.inf"), "inff");
    assert_eq!(value("math.sqrt"), "(. math sqrt)");
    assert_eq!(value("math.pi.real"), "(. (. math pi) real)");
    assert_eq!(value("errno.ENOENT"), "(. errno ENOENT)");
}

#[test]
fn const_definitions() {
    assert_eq!(
        shape("X = const(5)\n_Y = const(X + 1)\nz = X + _Y\n"),
        "(= [X] 5)\npass\n(= [z] 11)"
    );
    assert_eq!(shape("X: int = const(2)\ny = X\n"), "(= [X] 2)\n(= [y] 2)");
    assert_eq!(
        shape("X = const((1, 'a'))\ny = X\n"),
        "(= [X] #(1 'a'))\n(= [y] #(1 'a'))"
    );
    // Only a bare `const(...)` counts; `micropython.const` is an ordinary call.
    assert_eq!(
        shape("X = micropython.const(1)\ny = X\n"),
        "(= [X] (call (. micropython const) 1))\n(= [y] X)"
    );
    // Substitution is by name anywhere after the definition, even in functions.
    assert_eq!(
        shape("def f():\n A = const(3)\nb = A\n"),
        "(def f () [(= [A] 3)])\n(= [b] 3)"
    );
    // A name is substituted where it is an atom, not as an attribute or target of `def`.
    assert_eq!(
        shape("A = const(1)\nx.A = A\n"),
        "(= [A] 1)\n(= [(. x A)] 1)"
    );
}

#[test]
fn const_values_become_objects_where_used() {
    // mpy-cross: `y = X` loads `X = const(None)` with LOAD_CONST_OBJ None, and
    // `w = S` for `S = const("s")` with LOAD_CONST_OBJ 's', while the definitions use
    // LOAD_CONST_NONE and LOAD_CONST_STRING.
    assert_eq!(
        shape("X = const(None)\nS = const('s')\nT = const(True)\ny = X, S, T\nz = S\nif T: pass\n"),
        "(= [X] None)\n(= [S] 's')\n(= [T] True)\n(= [y] #(None \"s\" True))\n(= [z] \"s\")\n(if obj:True [pass] [])"
    );
    assert_eq!(
        shape("T = const(True)\nx = not T\n"),
        "(= [T] True)\n(= [x] False)"
    );
}

#[test]
fn const_errors() {
    // mpy-cross: `SyntaxError: not a constant` at line 1 for both.
    for src in ["x = const(1, 2)\n", "x = const(y)\n", "x = const()\n"] {
        let e = error(src);
        assert_eq!(
            (e.kind, e.message.as_str(), e.line),
            (ErrorKind::SyntaxError, "not a constant", 1)
        );
    }
}

#[test]
fn debug_constant_follows_opt_level() {
    let at = |level| {
        let opts = ParseOptions {
            opt_level: level,
            ..ParseOptions::default()
        };
        let m = parse_with("x = __debug__\n", InputMode::File, &opts).unwrap();
        stmt(&m.body[0])
    };
    assert_eq!(at(0), "(= [x] True)");
    assert_eq!(at(1), "(= [x] False)");
    assert_eq!(shape("x = not __debug__\n"), "(= [x] False)");
}

#[test]
fn lonely_constants_become_pass() {
    assert_eq!(
        shape("'doc'\n1\n-1\nNone\n(1, 2)\nx\n()\n"),
        "pass\npass\npass\npass\npass\nx\n(tuple )"
    );
    let m = parse_with("'doc'\n", InputMode::Single, &ParseOptions::default()).unwrap();
    assert_eq!(stmt(&m.body[0]), "'doc'");
}

#[test]
fn string_interning() {
    // mpy-cross: short strings and known qstrs load with LOAD_CONST_STRING, others with
    // LOAD_CONST_OBJ.
    assert_eq!(value("'short'"), "'short'");
    assert_eq!(value("'hello world!'"), "\"hello world!\"");
    assert_eq!(value("'__build_class__'"), "'__build_class__'");
    assert_eq!(
        shape("long_identifier = 1\nx = 'long_identifier'\n"),
        "(= [long_identifier] 1)\n(= [x] 'long_identifier')"
    );
    assert_eq!(
        shape("x = 'long_identifier'\nlong_identifier = 1\n"),
        "(= [x] \"long_identifier\")\n(= [long_identifier] 1)"
    );
}

// ---------------------------------------------------------------------------------------
// Modes, lines, errors

#[test]
fn input_modes() {
    let single = |src| parse_with(src, InputMode::Single, &ParseOptions::default());
    assert_eq!(single("\n").unwrap().body.len(), 0);
    assert_eq!(block(&single("x = 1\n").unwrap().body), "[(= [x] 1)]");
    assert_eq!(
        block(&single("if x:\n y\n").unwrap().body),
        "[(if x [y] [])]"
    );
    let eval = |src| parse_with(src, InputMode::Eval, &ParseOptions::default());
    assert_eq!(block(&eval("a + 1").unwrap().body), "[(Add a 1)]");
    assert_eq!(block(&eval("a, b\n").unwrap().body), "[(tuple a b)]");
    assert!(eval("x = 1").is_err());
    assert_eq!(file("").body.len(), 0);
    assert_eq!(file("\n\n").body.len(), 0);
}

#[test]
fn statement_and_expression_lines() {
    let m = file("x = 1\n\nif a:\n    y = (b +\n         c)\n@d\ndef f():\n  pass\n");
    assert_eq!(m.body[0].line, 1);
    assert_eq!(m.body[1].line, 3);
    let StmtKind::If { body, .. } = &m.body[1].kind else {
        panic!()
    };
    assert_eq!(body[0].line, 4);
    let StmtKind::Assign { value, .. } = &body[0].kind else {
        panic!()
    };
    assert_eq!(value.line, 4);
    assert_eq!(m.body[2].line, 6);
    let StmtKind::FunctionDef(f) = &m.body[2].kind else {
        panic!()
    };
    assert_eq!((f.line, f.decorators[0].line), (7, 6));
}

#[test]
fn trailer_and_constant_lines() {
    let m = file("x = (a\n .b\n (c))\ny = [1.5,\n 2.5 * 2, 3]\n");
    let StmtKind::Assign { value, .. } = &m.body[0].kind else {
        panic!()
    };
    let ExprKind::Call { func, .. } = &value.kind else {
        panic!()
    };
    assert_eq!((value.line, func.line), (3, 2));
    let StmtKind::Assign { value, .. } = &m.body[1].kind else {
        panic!()
    };
    let ExprKind::List(items) = &value.kind else {
        panic!()
    };
    // A literal keeps its token's line; a folded float has none, as in MicroPython.
    assert_eq!(
        (value.line, items[0].line, items[1].line, items[2].line),
        (4, 4, 0, 5)
    );
}

#[test]
fn constant_tuple_lines() {
    // Two items: the line of the first item; more: the line of the second (MicroPython's
    // `testlist_comp_3c` node builds the tuple).
    let line = |src: &str| {
        let m = file(src);
        let StmtKind::Assign { value, .. } = &m.body[0].kind else {
            panic!()
        };
        value.line
    };
    assert_eq!(line("x = (\n1,\n2)\n"), 2);
    assert_eq!(line("x = (\n1,\n2,\n3)\n"), 3);
    assert_eq!(line("x = 1, \\\n 2\n"), 1);
}

#[test]
fn syntax_errors_match_mpy_cross() {
    // Each message and line as printed by mpy-cross 1.29 for the same source.
    let cases: &[(&str, ErrorKind, &str, u32)] = &[
        ("x = (1 2)\n", ErrorKind::SyntaxError, "invalid syntax", 1),
        (
            "x = 1\n  y = 2\n",
            ErrorKind::IndentationError,
            "unexpected indent",
            2,
        ),
        ("if x:\npass\n", ErrorKind::SyntaxError, "invalid syntax", 2),
        (
            "x = [\n 1, 2:3]\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            2,
        ),
        ("import a,\n", ErrorKind::SyntaxError, "invalid syntax", 1),
        (
            "def f(a, /): pass\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            1,
        ),
        ("x = {**a}\n", ErrorKind::SyntaxError, "invalid syntax", 1),
        (
            "@a[1]\ndef f(): pass\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            1,
        ),
        (
            "x = [a async for a in b]\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            1,
        ),
        ("a not b\n", ErrorKind::SyntaxError, "invalid syntax", 1),
        (
            "x = 012\n",
            ErrorKind::SyntaxError,
            "invalid syntax for integer with base 0: '012'",
            1,
        ),
        (
            "f(a.b=1)\n",
            ErrorKind::SyntaxError,
            "LHS of keyword arg must be an id",
            1,
        ),
        (
            "x = 1\n\nf(1\n=2)\n",
            ErrorKind::SyntaxError,
            "LHS of keyword arg must be an id",
            3,
        ),
        (
            "(a.b := 1)\n",
            ErrorKind::SyntaxError,
            "can't assign to expression",
            1,
        ),
        (
            "x = 1\ny = {1:1,\n 3}\n",
            ErrorKind::SyntaxError,
            "expecting key:value for dict",
            2,
        ),
        (
            "x = {1, 2: 3}\n",
            ErrorKind::SyntaxError,
            "expecting just a value for set",
            1,
        ),
        (
            "def f(a=1, b): pass\n",
            ErrorKind::SyntaxError,
            "non-default argument follows default argument",
            1,
        ),
        (
            "def f(*a, *b): pass\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            1,
        ),
        (
            "def f(\n**k,\n a=2): pass\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            3,
        ),
        (
            "lambda **k, a: 0\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            1,
        ),
        ("x = (1,\n", ErrorKind::SyntaxError, "invalid syntax", 2),
        (
            "x = 1\nif x:\n    y\n  z\n",
            ErrorKind::IndentationError,
            "unindent doesn't match any outer indent level",
            3,
        ),
        // A parse error before the lexer's error wins, as MicroPython's lexer runs lazily.
        (
            "x = (1 2)\nif x:\n    y\n  z\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            1,
        ),
        (
            "x = 1\nif x:\n    y\n  z = (1 2)\n",
            ErrorKind::IndentationError,
            "unindent doesn't match any outer indent level",
            3,
        ),
        (
            "x = 1\ny = \"abc\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            2,
        ),
        ("x = $\n", ErrorKind::SyntaxError, "invalid syntax", 1),
    ];
    for &(src, kind, message, line) in cases {
        let e = error(src);
        assert_eq!(
            (e.kind, e.message.as_str(), e.line),
            (kind, message, line),
            "{src:?}"
        );
    }
}

#[test]
fn deep_nesting_is_bounded_not_a_stack_overflow() {
    // mpy-cross accepts 1000 nested parentheses (they fold away) and reports MemoryError
    // for 10000; krait accepts nesting up to its documented tree depth in every form, on a
    // test thread's 2 MiB stack, and reports MemoryError beyond it.
    let parens = |n| format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n));
    assert_eq!(shape(&parens(1000)), "(= [x] 1)");
    assert_eq!(error(&parens(100_000)).kind, ErrorKind::MemoryError);
    let nest = |open: &str, inner: &str, close: &str, n: usize| {
        format!("x = {}{inner}{}\n", open.repeat(n), close.repeat(n))
    };
    let forms: &[(&str, &str, &str)] = &[
        ("[", "", "]"),
        ("{1: ", "2", "}"),
        ("f(", "", ")"),
        ("a[", "1", "]"),
        ("lambda: ", "1", ""),
        ("not ", "y", ""),
        ("-", "y", ""),
        ("(a, ", "b", ")"),
        ("[y for y in ", "z", "]"),
        ("y if z else ", "w", ""),
        ("y ** ", "z", ""),
    ];
    let limit = engine::MAX_TREE_DEPTH;
    assert!(parse(
        &nest("[", "", "]", limit - 5),
        InputMode::File,
        &ParseOptions::default()
    )
    .is_ok());
    for &(open, inner, close) in forms {
        let shallow = nest(open, inner, close, limit / 4);
        assert!(
            parse(&shallow, InputMode::File, &ParseOptions::default()).is_ok(),
            "{open}"
        );
        // Near the limit: parsed or refused, never a stack overflow.
        let near = parse(
            &nest(open, inner, close, limit - 5),
            InputMode::File,
            &ParseOptions::default(),
        );
        assert!(near.is_ok() || near.unwrap_err().kind == ErrorKind::MemoryError);
        let deep = nest(open, inner, close, 20_000);
        assert_eq!(error(&deep).kind, ErrorKind::MemoryError, "{open}");
    }
    let mut src = String::new();
    for depth in 0..100 {
        src += &format!("{}if x:\n", " ".repeat(depth));
    }
    src += &format!("{}pass\n", " ".repeat(100));
    assert!(parse(&src, InputMode::File, &ParseOptions::default()).is_ok());
}

/// Random input never makes the parser panic or overflow: it returns a module or an error.
mod random {
    use super::*;
    use crate::token::{Token, TokenKind};
    use proptest::prelude::*;

    fn token_kind() -> impl Strategy<Value = TokenKind> {
        use TokenKind as K;
        let fixed = vec![
            K::Newline,
            K::Indent,
            K::Dedent,
            K::Ellipsis,
            K::KwFalse,
            K::KwNone,
            K::KwTrue,
            K::KwDebug,
            K::KwAnd,
            K::KwAs,
            K::KwAssert,
            K::KwAsync,
            K::KwAwait,
            K::KwBreak,
            K::KwClass,
            K::KwContinue,
            K::KwDef,
            K::KwDel,
            K::KwElif,
            K::KwElse,
            K::KwExcept,
            K::KwFinally,
            K::KwFor,
            K::KwFrom,
            K::KwGlobal,
            K::KwIf,
            K::KwImport,
            K::KwIn,
            K::KwIs,
            K::KwLambda,
            K::KwNonlocal,
            K::KwNot,
            K::KwOr,
            K::KwPass,
            K::KwRaise,
            K::KwReturn,
            K::KwTry,
            K::KwWhile,
            K::KwWith,
            K::KwYield,
            K::OpAssign,
            K::OpTilde,
            K::OpLess,
            K::OpMore,
            K::OpDblEqual,
            K::OpLessEqual,
            K::OpMoreEqual,
            K::OpNotEqual,
            K::OpPipe,
            K::OpCaret,
            K::OpAmpersand,
            K::OpDblLess,
            K::OpDblMore,
            K::OpPlus,
            K::OpMinus,
            K::OpStar,
            K::OpAt,
            K::OpDblSlash,
            K::OpSlash,
            K::OpPercent,
            K::OpDblStar,
            K::DelPlusEqual,
            K::DelDblStarEqual,
            K::DelParenOpen,
            K::DelParenClose,
            K::DelBracketOpen,
            K::DelBracketClose,
            K::DelBraceOpen,
            K::DelBraceClose,
            K::DelComma,
            K::DelColon,
            K::DelPeriod,
            K::DelSemicolon,
            K::DelEqual,
            K::DelMinusMore,
        ];
        prop_oneof![
            4 => proptest::sample::select(fixed),
            2 => prop::sample::select(vec!["a", "b", "const", "math", "pi", "_p"])
                .prop_map(|n| K::Name(n.to_string())),
            1 => prop::sample::select(vec!["0", "1", "7", "0x10", "99999999999999999999", "012"])
                .prop_map(|n| K::Integer(n.to_string())),
            1 => prop::sample::select(vec!["1.5", "2j", "1e400"])
                .prop_map(|n| K::FloatOrImag(n.to_string())),
            1 => prop::sample::select(vec!["", "s", "a much longer string"])
                .prop_map(|s| K::Str(s.to_string())),
            1 => Just(K::Bytes(b"b".to_vec())),
        ]
    }

    fn python_text() -> impl Strategy<Value = String> {
        let pieces = vec![
            "x",
            "y",
            " ",
            " ",
            "\n",
            "    ",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            ":",
            ",",
            ".",
            "=",
            "+",
            "-",
            "*",
            "**",
            "/",
            "//",
            "%",
            "<<",
            "~",
            "not ",
            " and ",
            " or ",
            "if ",
            " else ",
            "for ",
            " in ",
            "def ",
            "class ",
            "lambda",
            "return ",
            "yield ",
            "1",
            "2.5",
            "'s'",
            "b'b'",
            "const(",
            "math.pi",
            "__debug__",
            "@",
            "async ",
            "await ",
            "try:",
            "except",
            "finally:",
            "with ",
            " as ",
            "import ",
            "from ",
            ":=",
            ";",
        ];
        prop::collection::vec(prop::sample::select(pieces), 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn random_tokens_never_panic(kinds in prop::collection::vec(token_kind(), 0..80)) {
            let mut tokens: Vec<Token> = kinds
                .into_iter()
                .enumerate()
                .map(|(i, kind)| Token { kind, line: 1 + i as u32 / 8, column: 1 })
                .collect();
            tokens.push(Token { kind: TokenKind::End, line: 99, column: 1 });
            for mode in [InputMode::File, InputMode::Single, InputMode::Eval] {
                let _ = parse_tokens(&tokens, mode, &ParseOptions::default());
            }
        }

        #[test]
        fn random_text_never_panics(src in python_text()) {
            for mode in [InputMode::File, InputMode::Single, InputMode::Eval] {
                let _ = parse(&src, mode, &ParseOptions::default());
            }
        }
    }
}
