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
    let out = Command::new("mpy-cross")
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
