//! Token-stream tests.
//!
//! Every expected stream below was produced by MicroPython 1.29's own lexer (`py/lexer.c`,
//! built locally with `mpy-cross`'s configuration and made to print each token's kind, line,
//! column and text), so the tables are the reference behaviour, not a reading of it. The
//! error cases were also run through the real `mpy-cross` 1.29, which reports the same
//! message and line once its parser reaches the failing token.

use super::*;
use proptest::prelude::*;

/// Renders the tokens up to `End` or the first error: names and literals with their text,
/// the rest by kind, optionally with `@line:column`.
fn render(source: &str, positions: bool) -> String {
    let lexed = tokenize_until_error(source);
    let mut parts: Vec<String> = lexed
        .tokens
        .iter()
        .map(|token| {
            let kind = render_kind(&token.kind);
            if positions {
                format!("{kind}@{}:{}", token.line, token.column)
            } else {
                kind
            }
        })
        .collect();
    if let Some(error) = lexed.error {
        parts.push(format!("error {}@{}", error, error.line));
    }
    parts.join(" ")
}

fn render_kind(kind: &TokenKind) -> String {
    match kind {
        TokenKind::Name(name) => name.clone(),
        TokenKind::Integer(text) => format!("int:{text}"),
        TokenKind::FloatOrImag(text) => format!("float:{text}"),
        TokenKind::Str(text) => {
            let shown: String = text
                .chars()
                .map(|c| match c {
                    ' '..='~' if c != '\\' && c != '"' => c.to_string(),
                    _ => format!("\\u{{{:x}}}", u32::from(c)),
                })
                .collect();
            format!("\"{shown}\"")
        }
        TokenKind::Bytes(bytes) => {
            let shown: String = bytes
                .iter()
                .map(|&b| match b {
                    b' '..=b'~' if b != b'\\' && b != b'"' => char::from(b).to_string(),
                    _ => format!("\\x{b:02x}"),
                })
                .collect();
            format!("b\"{shown}\"")
        }
        other => format!("{other:?}"),
    }
}

fn check(cases: &[(&str, &str)], positions: bool) {
    for (source, expected) in cases {
        assert_eq!(render(source, positions), *expected, "source {source:?}");
    }
}

/// Indentation, blank lines, comments, implicit and explicit line joining, line endings.
#[test]
fn layout() {
    check(
        &[
        ("", "End"),
        ("\n", "Newline End"),
        ("x", "x Newline End"),
        ("x\n", "x Newline End"),
        ("x = 1\ny = 2\n", "x DelEqual int:1 Newline y DelEqual int:2 Newline End"),
        ("if x:\n    y\nz\n", "KwIf x DelColon Newline Indent y Newline Dedent z Newline End"),
        ("if x:\n    if y:\n        z\nw\n", "KwIf x DelColon Newline Indent KwIf y DelColon Newline Indent z Newline Dedent Dedent w Newline End"),
        ("if x:\n    if y:\n        z\n", "KwIf x DelColon Newline Indent KwIf y DelColon Newline Indent z Newline Dedent Dedent End"),
        ("if x:\n\ty\n        z\n", "KwIf x DelColon Newline Indent y Newline z Newline Dedent End"),
        ("if x:\n  \ty\n\tz\n", "KwIf x DelColon Newline Indent y Newline z Newline Dedent End"),
        ("if x:\n    y\n\n  # comment\n\n    z\n", "KwIf x DelColon Newline Indent y Newline z Newline Dedent End"),
        ("x  # comment\n# another\n\ny\n", "x Newline y Newline End"),
        ("(1,\n 2,\n  3)\nx\n", "DelParenOpen int:1 DelComma int:2 DelComma int:3 DelParenClose Newline x Newline End"),
        ("[1,\n\n# c\n 2]\n", "DelBracketOpen int:1 DelComma int:2 DelBracketClose Newline End"),
        ("{1:\n2}\n", "DelBraceOpen int:1 DelColon int:2 DelBraceClose Newline End"),
        ("x = 1 + \\\n  2\n", "x DelEqual int:1 OpPlus int:2 Newline End"),
        ("x = \\\n\\\n1\n", "x DelEqual int:1 Newline End"),
        ("x\r\ny\r\n", "x Newline y Newline End"),
        ("x\ry\r", "x Newline y Newline End"),
        ("if x:\r\n  y\r\nz", "KwIf x DelColon Newline Indent y Newline Dedent z Newline End"),
        ("  x\n", "Indent Newline End"),
        ("\n  x\n", "Newline Indent x Newline Dedent End"),
        ("# c\n  x\n", "Newline Indent x Newline Dedent End"),
        ("   \n", "Newline End"),
        ("x\n   ", "x Newline End"),
        (")\nx\ny\n", "DelParenClose x y End"),
        ("(\n", "DelParenOpen End"),
        ("x;y\n", "x DelSemicolon y Newline End"),
        ("x\u{b}y\u{c}z\n", "x y z Newline End"),
        ("if a:\n  if b:\n    c\n  d\n", "KwIf a DelColon Newline Indent KwIf b DelColon Newline Indent c Newline Dedent d Newline Dedent End"),
        ],
        false,
    );
}

/// Token lines and columns: tabs, multi-line strings (the line where they start), and
/// the tokens an f-string or t-string pushes back, which sit after the literal.
#[test]
fn positions() {
    check(
        &[
        ("x = f'a{b}c' + 1\n", "x@1:1 DelEqual@1:3 \"a{}c\"@1:5 DelPeriod@1:14 format@1:15 DelParenOpen@1:21 DelParenOpen@1:22 b@1:23 DelParenClose@1:24 DelComma@1:25 DelParenClose@1:26 OpPlus@1:27 int:1@1:29 Newline@1:30 End@2:1"),
        ("f'''\n{x}\n''' ; y\n", "\"\\u{a}{}\\u{a}\"@1:1 DelPeriod@3:5 format@3:6 DelParenOpen@3:12 DelParenOpen@3:13 x@3:14 DelParenClose@3:15 DelComma@3:16 DelParenClose@3:17 DelSemicolon@3:18 y@3:20 Newline@3:21 End@4:1"),
        ("t'{x}'\n", "__template__@1:1 DelParenOpen@1:7 DelParenOpen@1:8 \"\"@1:9 DelComma@1:11 \"\"@1:12 DelComma@1:14 DelParenClose@1:15 DelComma@1:16 DelParenOpen@1:17 x@1:18 DelParenClose@1:19 DelComma@1:20 \"x\"@1:21 DelComma@1:24 KwNone@1:25 DelComma@1:29 \"\"@1:30 DelComma@1:32 DelParenClose@1:33 Newline@1:34 End@2:1"),
        ("'''a\nb''' c\n", "\"a\\u{a}b\"@1:1 c@2:6 Newline@2:7 End@3:1"),
        ("if x:\n\ty\n", "KwIf@1:1 x@1:4 DelColon@1:5 Newline@1:6 Indent@2:9 y@2:9 Newline@2:10 Dedent@3:1 End@3:1"),
        ("x = (1,\n     2)\n", "x@1:1 DelEqual@1:3 DelParenOpen@1:5 int:1@1:6 DelComma@1:7 int:2@2:6 DelParenClose@2:7 Newline@2:8 End@3:1"),
        ],
        true,
    );
}

/// The layout table with positions.
#[test]
fn positions_of_layout() {
    check(
        &[
        ("", "End@1:1"),
        ("\n", "Newline@1:1 End@2:1"),
        ("x", "x@1:1 Newline@1:2 End@2:1"),
        ("x\n", "x@1:1 Newline@1:2 End@2:1"),
        ("x = 1\ny = 2\n", "x@1:1 DelEqual@1:3 int:1@1:5 Newline@1:6 y@2:1 DelEqual@2:3 int:2@2:5 Newline@2:6 End@3:1"),
        ("if x:\n    y\nz\n", "KwIf@1:1 x@1:4 DelColon@1:5 Newline@1:6 Indent@2:5 y@2:5 Newline@2:6 Dedent@3:1 z@3:1 Newline@3:2 End@4:1"),
        ("if x:\n    if y:\n        z\nw\n", "KwIf@1:1 x@1:4 DelColon@1:5 Newline@1:6 Indent@2:5 KwIf@2:5 y@2:8 DelColon@2:9 Newline@2:10 Indent@3:9 z@3:9 Newline@3:10 Dedent@4:1 Dedent@4:1 w@4:1 Newline@4:2 End@5:1"),
        ("if x:\n    if y:\n        z\n", "KwIf@1:1 x@1:4 DelColon@1:5 Newline@1:6 Indent@2:5 KwIf@2:5 y@2:8 DelColon@2:9 Newline@2:10 Indent@3:9 z@3:9 Newline@3:10 Dedent@4:1 Dedent@4:1 End@4:1"),
        ("if x:\n\ty\n        z\n", "KwIf@1:1 x@1:4 DelColon@1:5 Newline@1:6 Indent@2:9 y@2:9 Newline@2:10 z@3:9 Newline@3:10 Dedent@4:1 End@4:1"),
        ("if x:\n  \ty\n\tz\n", "KwIf@1:1 x@1:4 DelColon@1:5 Newline@1:6 Indent@2:9 y@2:9 Newline@2:10 z@3:9 Newline@3:10 Dedent@4:1 End@4:1"),
        ("if x:\n    y\n\n  # comment\n\n    z\n", "KwIf@1:1 x@1:4 DelColon@1:5 Newline@1:6 Indent@2:5 y@2:5 Newline@2:6 z@6:5 Newline@6:6 Dedent@7:1 End@7:1"),
        ("x  # comment\n# another\n\ny\n", "x@1:1 Newline@1:13 y@4:1 Newline@4:2 End@5:1"),
        ("(1,\n 2,\n  3)\nx\n", "DelParenOpen@1:1 int:1@1:2 DelComma@1:3 int:2@2:2 DelComma@2:3 int:3@3:3 DelParenClose@3:4 Newline@3:5 x@4:1 Newline@4:2 End@5:1"),
        ("[1,\n\n# c\n 2]\n", "DelBracketOpen@1:1 int:1@1:2 DelComma@1:3 int:2@4:2 DelBracketClose@4:3 Newline@4:4 End@5:1"),
        ("{1:\n2}\n", "DelBraceOpen@1:1 int:1@1:2 DelColon@1:3 int:2@2:1 DelBraceClose@2:2 Newline@2:3 End@3:1"),
        ("x = 1 + \\\n  2\n", "x@1:1 DelEqual@1:3 int:1@1:5 OpPlus@1:7 int:2@2:3 Newline@2:4 End@3:1"),
        ("x = \\\n\\\n1\n", "x@1:1 DelEqual@1:3 int:1@3:1 Newline@3:2 End@4:1"),
        ("x\r\ny\r\n", "x@1:1 Newline@1:2 y@2:1 Newline@2:2 End@3:1"),
        ("x\ry\r", "x@1:1 Newline@1:2 y@2:1 Newline@2:2 End@3:1"),
        ("if x:\r\n  y\r\nz", "KwIf@1:1 x@1:4 DelColon@1:5 Newline@1:6 Indent@2:3 y@2:3 Newline@2:4 Dedent@3:1 z@3:1 Newline@3:2 End@4:1"),
        ("  x\n", "Indent@1:3 Newline@1:4 End@2:1"),
        ("\n  x\n", "Newline@1:1 Indent@2:3 x@2:3 Newline@2:4 Dedent@3:1 End@3:1"),
        ("# c\n  x\n", "Newline@1:4 Indent@2:3 x@2:3 Newline@2:4 Dedent@3:1 End@3:1"),
        ("   \n", "Newline@1:4 End@2:1"),
        ("x\n   ", "x@1:1 Newline@1:2 End@3:1"),
        (")\nx\ny\n", "DelParenClose@1:1 x@2:1 y@3:1 End@4:1"),
        ("(\n", "DelParenOpen@1:1 End@2:1"),
        ("x;y\n", "x@1:1 DelSemicolon@1:2 y@1:3 Newline@1:4 End@2:1"),
        ("x\u{b}y\u{c}z\n", "x@1:1 y@1:3 z@1:5 Newline@1:6 End@2:1"),
        ("if a:\n  if b:\n    c\n  d\n", "KwIf@1:1 a@1:4 DelColon@1:5 Newline@1:6 Indent@2:3 KwIf@2:3 b@2:6 DelColon@2:7 Newline@2:8 Indent@3:5 c@3:5 Newline@3:6 Dedent@4:3 d@4:3 Newline@4:4 Dedent@5:1 End@5:1"),
        ],
        true,
    );
}

/// Names (any non-ASCII byte is a name byte), keywords, numbers lexed loosely as
/// MicroPython does (the parser rejects bad ones), operators and delimiters.
#[test]
fn names_numbers_operators() {
    check(
        &[
        ("abc _x x1 __init__ Ab_9\n", "abc _x x1 __init__ Ab_9 Newline End"),
        ("café λ été x y\n", "café λ été x y Newline End"),
        ("False None True and as assert async await break class continue def del\n", "KwFalse KwNone KwTrue KwAnd KwAs KwAssert KwAsync KwAwait KwBreak KwClass KwContinue KwDef KwDel Newline End"),
        ("elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield\n", "KwElif KwElse KwExcept KwFinally KwFor KwFrom KwGlobal KwIf KwImport KwIn KwIs KwLambda KwNonlocal KwNot KwOr KwPass KwRaise KwReturn KwTry KwWhile KwWith KwYield Newline End"),
        ("none TRUE Async _if iff\n", "none TRUE Async _if iff Newline End"),
        ("0 1 123 0x1F 0XfF 0o17 0O7 0b101 0B1 1_000 0x_ff 0b_1\n", "int:0 int:1 int:123 int:0x1F int:0XfF int:0o17 int:0O7 int:0b101 int:0B1 int:1000 int:0xff int:0b1 Newline End"),
        ("1.5 .5 5. 1e5 1E5 1e+5 1e-5 1.5e3 2j 2J 1.5j 1e3j 0e0 1_0.0_1\n", "float:1.5 float:.5 float:5. float:1e5 float:1e5 float:1e+5 float:1e-5 float:1.5e3 float:2j float:2J float:1.5j float:1e3j float:0e0 float:10.01 Newline End"),
        ("0x1e 0x1E5 0b12 1if 1else 1_ 1__2 1e 1.2.3 0x1.5 09 1ej 1.e5\n", "int:0x1e int:0x1E5 int:0b12 int:1if float:1else int:1 int:12 float:1e float:1.2.3 float:0x1.5 int:09 float:1ej float:1.e5 Newline End"),
        ("1 .. 2 ... 3 .\n", "int:1 DelPeriod DelPeriod int:2 Ellipsis int:3 DelPeriod Newline End"),
        ("( ) [ ] { } , ; ~ : := < <= << <<= > >= >> >>= * *= ** **=\n", "DelParenOpen DelParenClose DelBracketOpen DelBracketClose DelBraceOpen DelBraceClose DelComma DelSemicolon OpTilde DelColon OpAssign OpLess OpLessEqual OpDblLess DelDblLessEqual OpMore OpMoreEqual OpDblMore DelDblMoreEqual OpStar DelStarEqual OpDblStar DelDblStarEqual Newline End"),
        ("+ += - -= -> & &= | |= / /= // //= % %= ^ ^= @ @= = == !=\n", "OpPlus DelPlusEqual OpMinus DelMinusEqual DelMinusMore OpAmpersand DelAmpersandEqual OpPipe DelPipeEqual OpSlash DelSlashEqual OpDblSlash DelDblSlashEqual OpPercent DelPercentEqual OpCaret DelCaretEqual OpAt DelAtEqual DelEqual OpDblEqual OpNotEqual Newline End"),
        ("a<<=b>>=c**=d//=e->f:=g\n", "a DelDblLessEqual b DelDblMoreEqual c DelDblStarEqual d DelDblSlashEqual e DelMinusMore f OpAssign g Newline End"),
        ("x.y x. y .5.x\n", "x DelPeriod y x DelPeriod y float:.5.x Newline End"),
        ("<<<>>>***///===\n", "OpDblLess OpLess OpDblMore OpMore OpDblStar OpStar OpDblSlash DelSlashEqual OpDblEqual Newline End"),
        ],
        false,
    );
}

/// Prefixes, quotes, escapes, raw literals, bytes, and joining of adjacent literals.
#[test]
fn strings_and_bytes() {
    check(
        &[
        ("'a' \"b\" '''c''' \"\"\"d\"\"\"\n", "\"abcd\" Newline End"),
        ("'''a\nb''' \"\"\"c\n\nd\"\"\"\n", "\"a\\u{a}bc\\u{a}\\u{a}d\" Newline End"),
        ("'it''s' 'x' \"y\"\n", "\"itsxy\" Newline End"),
        ("u'x' r'x' b'x' rb'x' br'x' Rb'x' R'x' B'x' U'x' ub'x' bu'x' f'x' F'x' rf'x' fr'x' bf'x'\n", "\"xx\" b\"xxx\" Rb \"x\" R \"x\" B \"x\" U \"x\" ub \"x\" bu \"xx\" DelPeriod format DelParenOpen DelParenClose F \"xxx\" DelPeriod format DelParenOpen DelParenClose bf \"x\" Newline End"),
        ("'\\a\\b\\t\\n\\v\\f\\r\\\\\\'\\\"'\n", "\"\\u{7}\\u{8}\\u{9}\\u{a}\\u{b}\\u{c}\\u{d}\\u{5c}'\\u{22}\" Newline End"),
        ("'\\x41\\x4a\\x4A' '\\u00e9\\u20AC' '\\U0001F600'\n", "\"AJJ\\u{e9}\\u{20ac}\\u{1f600}\" Newline End"),
        ("'\\0\\7\\12\\123\\1234\\777\\8\\9'\n", "\"\\u{0}\\u{7}\\u{a}SS4\\u{1ff}\\u{5c}8\\u{5c}9\" Newline End"),
        ("'\\q\\w\\ \\.' '\\z'\n", "\"\\u{5c}q\\u{5c}w\\u{5c} \\u{5c}.\\u{5c}z\" Newline End"),
        ("'a\\\nb' '''c\\\nd'''\n", "\"abcd\" Newline End"),
        ("r'\\n\\x41\\'' r\"\\\"\" r'''\\\n'''\n", "\"\\u{5c}n\\u{5c}x41\\u{5c}'\\u{5c}\\u{22}\\u{5c}\\u{a}\" Newline End"),
        ("b'\\x00\\xff\\377\\u1234\\U00012345\\n\\q'\n", "b\"\\x00\\xff\\xff\\x5cu1234\\x5cU00012345\\x0a\\x5cq\" Newline End"),
        ("b'café' 'é'\n", "b\"caf\\xc3\\xa9\" \"\\u{e9}\" Newline End"),
        ("'a' 'b' \"c\" '''d'''\n", "\"abcd\" Newline End"),
        ("('a'\n 'b'\n # c\n 'c')\n", "DelParenOpen \"abc\" DelParenClose Newline End"),
        ("'a'\n'b'\n", "\"a\" Newline \"b\" Newline End"),
        ("'a' \\\n'b'\n", "\"ab\" Newline End"),
        ("b'a' b'b' rb'c'\n", "b\"abc\" Newline End"),
        ("'a' b'b'\n", "\"a\" b\"b\" Newline End"),
        ("b'a' 'b'\n", "b\"a\" \"b\" Newline End"),
        ("'x\0y'\n", "\"x\\u{1}y\" Newline End"),
        ("'\\xc3\\xa9' b'\\xc3\\xa9'\n", "\"\\u{c3}\\u{a9}\" b\"\\xc3\\xa9\" Newline End"),
        ("'\"' \"'\" '''''' \"\"\"\"\"\"\n", "\"\\u{22}'\" Newline End"),
        ("'''a''''\n", "error SyntaxError: invalid syntax@1"),
        ("''''a'''\n", "\"'a\" Newline End"),
        ("x = '''\n\n'''  ; y\n", "x DelEqual \"\\u{a}\\u{a}\" DelSemicolon y Newline End"),
        ],
        false,
    );
}

/// f-strings become a format string followed by `.format((expr),...)`.
#[test]
fn fstrings() {
    check(
        &[
        ("f'abc'\n", "\"abc\" DelPeriod format DelParenOpen DelParenClose Newline End"),
        ("f'{x}'\n", "\"{}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenClose Newline End"),
        ("f'a{x}b{y}c'\n", "\"a{}b{}c\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen y DelParenClose DelComma DelParenClose Newline End"),
        ("f'{x!r}' f'{x!s}' f'{x!a}'\n", "\"{!r}{!s}{}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen x DelParenClose DelComma DelParenOpen x error SyntaxError: invalid syntax@1"),
        ("f'{x:>10}' f'{x!r:^{w}}'\n", "\"{:>10}{!r:^{}}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen x DelParenClose DelComma DelParenOpen w DelParenClose DelComma DelParenClose Newline End"),
        ("f'a{x!r:>{w}}b'\n", "\"a{!r:>{}}b\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen w DelParenClose DelComma DelParenClose Newline End"),
        ("f'{x:{w}.{p}}'\n", "\"{:{}.{}}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen w DelParenClose DelComma DelParenOpen p DelParenClose DelComma DelParenClose Newline End"),
        ("f'{{}} {{x}} }} {{'\n", "\"{{}} {{x}} }} {{\" DelPeriod format DelParenOpen DelParenClose Newline End"),
        ("f'{{{x}}}'\n", "\"{{{}}}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenClose Newline End"),
        ("f'{x=}' f'{x = }' f'{x=!r}' f'{x=:>5}'\n", "\"x={}{}x={!r}x={:>5}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen x DelEqual DelParenClose DelComma DelParenOpen x DelParenClose DelComma DelParenOpen x DelParenClose DelComma DelParenClose Newline End"),
        ("f'{a,b}' f'{a, b,}'\n", "\"{}{}\" DelPeriod format DelParenOpen DelParenOpen a DelComma b DelParenClose DelComma DelParenOpen a DelComma b DelComma DelParenClose DelComma DelParenClose Newline End"),
        ("f'{d[\"k\"]}' f\"{d['k']}\" f'{d[1:2]}'\n", "\"{}{}{}\" DelPeriod format DelParenOpen DelParenOpen d DelBracketOpen \"k\" DelBracketClose DelParenClose DelComma DelParenOpen d DelBracketOpen \"k\" DelBracketClose DelParenClose DelComma DelParenOpen d DelBracketOpen int:1 DelColon int:2 DelBracketClose DelParenClose DelComma DelParenClose Newline End"),
        ("f'{x!=y}' f'{x!r!=y}' f'{a!b}'\n", "\"{}{}{}\" DelPeriod format DelParenOpen DelParenOpen x OpNotEqual y DelParenClose DelComma DelParenOpen x error SyntaxError: invalid syntax@1"),
        ("f'{ {1:2}[1] }' f'{[1,2][0]}'\n", "\"{}{}\" DelPeriod format DelParenOpen DelParenOpen DelBraceOpen int:1 DelColon int:2 DelBraceClose DelBracketOpen int:1 DelBracketClose DelParenClose DelComma DelParenOpen DelBracketOpen int:1 DelComma int:2 DelBracketClose DelBracketOpen int:0 DelBracketClose DelParenClose DelComma DelParenClose Newline End"),
        ("f'{f\"{x}\"}' f'{f'{y}'}'\n", "\"{}{}\" DelPeriod format DelParenOpen DelParenOpen \"{}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenClose DelParenClose DelComma DelParenOpen \"{}\" DelPeriod format DelParenOpen DelParenOpen y DelParenClose DelComma DelParenClose DelParenClose DelComma DelParenClose Newline End"),
        ("f'''{\nx\n}''' f'''a\n{y}'''\n", "\"{}a\\u{a}{}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen y DelParenClose DelComma DelParenClose Newline End"),
        ("'a' f'{x}' 'b' f'{y}c'\n", "\"a{}b{}c\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen y DelParenClose DelComma DelParenClose Newline End"),
        ("f'{x}' 'plain{' f'{y}'\n", "\"{}plain{{}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen y DelParenClose DelComma DelParenClose Newline End"),
        ("rf'\\n{x}\\t' fr'{x}\\{'\n", "\"\\u{5c}n{}\\u{5c}t{}\\u{5c}{\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen x DelParenClose DelComma DelParenClose Newline End"),
        ("f'\\n{x}\\x41' f'\\x7b{x}'\n", "\"\\u{a}{}A{{}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen x DelParenClose DelComma DelParenClose Newline End"),
        ("(f'{x}'\n f'{y}')\n", "DelParenOpen \"{}{}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenOpen y DelParenClose DelComma DelParenClose DelParenClose Newline End"),
        ("f'{x}'.upper()\n", "\"{}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenClose DelPeriod upper DelParenOpen DelParenClose Newline End"),
        ("print(f'{x}', f'{y}')\n", "print DelParenOpen \"{}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenClose DelComma \"{}\" DelPeriod format DelParenOpen DelParenOpen y DelParenClose DelComma DelParenClose DelParenClose Newline End"),
        ("f'{x:%Y-%m-%d}'\n", "\"{:%Y-%m-%d}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenClose Newline End"),
        ("f'{x}' b'y'\n", "\"{}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma DelParenClose b\"y\" Newline End"),
        ("f'{lambda: 1}'\n", "\"{: 1}\" DelPeriod format DelParenOpen DelParenOpen KwLambda DelParenClose DelComma DelParenClose Newline End"),
        ],
        false,
    );
}

/// Adjacent t-strings: MicroPython's rewrite produces these (mostly broken) streams.
#[test]
fn tstrings_joined() {
    check(
        &[
        ("t'abc'\n", "__template__ DelParenOpen DelParenOpen \"abc\" DelComma DelParenClose DelComma DelParenClose Newline End"),
        ("t'a{x}b'\n", "__template__ DelParenOpen DelParenOpen \"a\" DelComma \"b\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \"\" DelComma DelParenClose Newline End"),
        ("t'{x!r}' t'{x!s:>5}'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma error SyntaxError: invalid syntax@1"),
        ("t'{x=}' t'{x = }' t'{x=:>5}' t'{x=!s}'\n", "__template__ DelParenOpen DelParenOpen \"x=\" DelComma error SyntaxError: invalid syntax@1"),
        ("t'{x:{w}}' t'{x:{w}.{p}}'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma error SyntaxError: invalid syntax@1"),
        ("t'{{a}}' t'a}}b'\n", "__template__ DelParenOpen DelParenOpen \"{a}\" DelParenOpen DelParenOpen \"a}b\" DelComma DelParenClose DelComma DelParenClose End"),
        ("t'\\n{x}\\t' rt'\\n{x}' tr'\\d'\n", "__template__ DelParenOpen DelParenOpen \"\\u{a}\" DelComma \"\\u{9}\" error SyntaxError: invalid syntax@1"),
        ("t'''a\nb{x}\n'''\n", "__template__ DelParenOpen DelParenOpen \"a\\u{a}b\" DelComma \"\\u{a}\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \"\" DelComma DelParenClose Newline End"),
        ("t\"{d['k']}\" t'{d[\"k\"]}'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma \",,),(d[\" k \"]),\\u{22}d[\" k \"]\\u{22},None,\\u{22}\\u{22},(d[\\u{22}k\\u{22}]),\" d DelBracketOpen \"k\" DelBracketClose error SyntaxError: invalid syntax@1"),
        ("t'a' t'b{x}'\n", "__template__ DelParenOpen DelParenOpen \"a\" DelParenOpen DelParenOpen \"b\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \"\" DelComma DelParenClose End"),
        ("'p' t'{x}'\n", "__template__ p DelParenOpen DelParenOpen \"\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \"\" DelComma DelParenClose Newline End"),
        ("t'{x}' 'p'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma \"\" p DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \"\" DelComma DelParenClose Newline End"),
        ("(t'{x}'\n t'{y}')\n", "DelParenOpen __template__ DelParenOpen DelParenOpen \"\" DelComma error SyntaxError: invalid syntax@2"),
        ("t'{a}{b}{c}'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma \"\" DelComma \"\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen a DelParenClose DelComma \"a\" DelComma KwNone DelComma \"\" DelComma DelParenOpen b DelParenClose DelComma \"b\" DelComma KwNone DelComma \"\" DelComma DelParenOpen c DelParenClose DelComma \"c\" DelComma KwNone DelComma \"\" DelComma DelParenClose Newline End"),
        ("t'{x}' f'{y}'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma \"\" DelBraceOpen DelBraceClose DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \"\" DelComma DelParenOpen y DelParenClose DelComma DelParenClose Newline End"),
        ("f'{y}' t'{x}'\n", "__template__ DelBraceOpen DelBraceClose \",,),.format((y),(x),\" x error SyntaxError: invalid syntax@1"),
        ],
        false,
    );
}

/// t-strings become `__template__((strings...,),(value),'text',conversion,spec,...)`.
#[test]
fn tstrings() {
    check(
        &[
        ("t'{x!r}'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma \"r\" DelComma \"\" DelComma DelParenClose Newline End"),
        ("t'{x!s:>5}'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma \"s\" DelComma \">5\" DelComma DelParenClose Newline End"),
        ("t'{x=}'\n", "__template__ DelParenOpen DelParenOpen \"x=\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma \"r\" DelComma \"\" DelComma DelParenClose Newline End"),
        ("t'{ x = }'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelEqual DelParenClose DelComma \" x =\" DelComma KwNone DelComma \"\" DelComma DelParenClose Newline End"),
        ("t'{x=:>5}'\n", "__template__ DelParenOpen DelParenOpen \"x=\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \">5\" DelComma DelParenClose Newline End"),
        ("t'{x=!s}'\n", "__template__ DelParenOpen DelParenOpen \"x=\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma \"s\" DelComma \"\" DelComma DelParenClose Newline End"),
        ("t'{x:{w}}'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \"{}\" DelPeriod format DelParenOpen DelParenOpen w DelParenClose DelComma DelParenClose DelComma DelParenClose Newline End"),
        ("t'{x:{w}.{p}}'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \"{}.{}\" DelPeriod format DelParenOpen DelParenOpen w DelParenClose DelComma DelParenOpen p DelParenClose DelComma DelParenClose DelComma DelParenClose Newline End"),
        ("t'\\n{x}\\t'\n", "__template__ DelParenOpen DelParenOpen \"\\u{a}\" DelComma \"\\u{9}\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \"\" DelComma DelParenClose Newline End"),
        ("rt'\\n{x}'\n", "__template__ DelParenOpen DelParenOpen \"\\u{5c}n\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \"\" DelComma DelParenClose Newline End"),
        ("tr'\\d'\n", "__template__ DelParenOpen DelParenOpen \"\\u{5c}d\" DelComma DelParenClose DelComma DelParenClose Newline End"),
        ("t'{d[\"k\"]}'\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen d DelBracketOpen \"k\" DelBracketClose DelParenClose DelComma \"d[\\u{22}k\\u{22}]\" DelComma KwNone DelComma \"\" DelComma DelParenClose Newline End"),
        ("t\"{d['k']}\"\n", "__template__ DelParenOpen DelParenOpen \"\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen d DelBracketOpen \"k\" DelBracketClose DelParenClose DelComma \"d['k']\" DelComma KwNone DelComma \"\" DelComma DelParenClose Newline End"),
        ("t'a\\'{x}'\n", "__template__ DelParenOpen DelParenOpen \"a'\" DelComma \"\" DelComma DelParenClose DelComma DelParenOpen x DelParenClose DelComma \"x\" DelComma KwNone DelComma \"\" DelComma DelParenClose Newline End"),
        ("t'a}}b{{c'\n", "__template__ DelParenOpen DelParenOpen \"a}b{c\" DelComma DelParenClose DelComma DelParenClose Newline End"),
        ("t'{x:{{}'\n", "error SyntaxError: malformed f-string@1"),
        ],
        false,
    );
}

/// Errors, in the order and on the line MicroPython reports them.
#[test]
fn errors() {
    check(
        &[
        ("x = $\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = ?\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = `\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = !\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("a = 1\nb = 'abc\n", "a DelEqual int:1 Newline b DelEqual error SyntaxError: invalid syntax@2"),
        ("a = 1\nb = \"abc\n", "a DelEqual int:1 Newline b DelEqual error SyntaxError: invalid syntax@2"),
        ("a = 1\nb = '''abc\n\n", "a DelEqual int:1 Newline b DelEqual error SyntaxError: invalid syntax@2"),
        ("'abc\\\n", "error SyntaxError: invalid syntax@1"),
        ("if 1:\n  x\n y\n", "KwIf int:1 DelColon Newline Indent x error IndentationError: unindent doesn't match any outer indent level@2"),
        ("if 1:\n    x\n  y\nz\n", "KwIf int:1 DelColon Newline Indent x error IndentationError: unindent doesn't match any outer indent level@2"),
        ("x = f'{}'\n", "x DelEqual error SyntaxError: malformed f-string@1"),
        ("x = f'{ }'\n", "x DelEqual \"{}\" DelPeriod format DelParenOpen DelParenOpen DelParenClose DelComma DelParenClose Newline End"),
        ("x = f'{x'\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = f'{x]}'\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = t'a}b'\n", "x DelEqual error SyntaxError: malformed f-string@1"),
        ("x = t'{x:{y}'\n", "x DelEqual error SyntaxError: malformed f-string@1"),
        ("x = '\\x4'\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = '\\x4g'\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = '\\u12'\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = '\\U00110000'\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = b'\\777'\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = '\\N{DASH}'\n", "x DelEqual error NotImplementedError: unicode name escapes@0"),
        ("x = b'\\N{DASH}'\n", "x DelEqual error NotImplementedError: unicode name escapes@0"),
        ("a = 1\nb = '\\N{DASH}'\n", "a DelEqual int:1 Newline b DelEqual error NotImplementedError: unicode name escapes@0"),
        ("x = r'\\N{DASH}'\n", "x DelEqual \"\\u{5c}N{DASH}\" Newline End"),
        ("x = '\\x4' '\\N{X}'\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("  x = 1\n", "Indent DelEqual int:1 Newline End"),
        ("  $\n", "Indent Newline End"),
        ("x = 1\n\\\n", "x DelEqual int:1 Newline End"),
        ("x = \\ 1\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = 1\n\0\n", "x DelEqual int:1 Newline error SyntaxError: invalid syntax@2"),
        ("x = f'{x}' '\\xg'\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ("x = 'a' f'{}'\n", "x DelEqual error SyntaxError: malformed f-string@1"),
        ("x = f'{}' '\\x'\n", "x DelEqual error SyntaxError: malformed f-string@1"),
        ("x = '\\x' f'{}'\n", "x DelEqual error SyntaxError: invalid syntax@1"),
        ],
        false,
    );
}

#[test]
fn debug_is_its_own_keyword() {
    // MicroPython's lexer turns `__debug__` into True or False from the optimisation level;
    // here the parser does that, so the lexer keeps it apart.
    assert_eq!(
        render("__debug__ x.__debug__\n", false),
        "KwDebug x DelPeriod KwDebug Newline End"
    );
}

#[test]
fn tokenize_returns_the_pulled_tokens_or_the_first_error() {
    for source in ["if x:\n  y = f'{a}'\n", "x = 1\ny = $\nz = '\n", ""] {
        let mut lexer = Lexer::new(source);
        let mut pulled = Vec::new();
        let expected = loop {
            match lexer.next_token() {
                Ok(token) if token.kind == TokenKind::End => {
                    pulled.push(token);
                    break Ok(pulled);
                }
                Ok(token) => pulled.push(token),
                Err(error) => break Err(error),
            }
        };
        assert_eq!(tokenize(source), expected, "source {source:?}");
    }
    assert_eq!(
        tokenize("x = 1\ny = $\nz = '\n"),
        Err(CompileError::syntax("invalid syntax", 2))
    );
    let lexed = tokenize_until_error("x = 1\ny = $\nz = '\n");
    assert_eq!(lexed.tokens.len(), 6);
    assert_eq!(lexed.error, Some(CompileError::syntax("invalid syntax", 2)));
}

#[test]
fn end_repeats() {
    let mut lexer = Lexer::new("x");
    let kinds: Vec<TokenKind> = (0..5).map(|_| lexer.next_token().unwrap().kind).collect();
    assert_eq!(
        kinds,
        [
            TokenKind::Name("x".into()),
            TokenKind::Newline,
            TokenKind::End,
            TokenKind::End,
            TokenKind::End
        ]
    );
}

#[test]
fn str_literals_a_rust_string_cannot_hold_are_reported() {
    // MicroPython accepts these and stores the bytes ED A0 80 (a lone surrogate) or, for a
    // backslash before a non-ASCII character, a re-encoded lead byte: not valid UTF-8.
    for source in ["'\\ud800'\n", "'\\\u{e9}'\n", "r'\\\u{e9}'\n"] {
        let error = tokenize(source).unwrap_err();
        assert_eq!(
            error.kind,
            ErrorKind::NotImplementedError,
            "source {source:?}"
        );
        assert_eq!(error.line, 1);
    }
    // In bytes the same escapes are fine.
    assert_eq!(
        render("b'\\\u{e9}'\n", false),
        "b\"\\x5c\\xc3\\xa9\" Newline End"
    );
}

#[test]
fn many_template_interpolations_are_wrapped_in_a_tuple() {
    // A call takes at most 255 arguments: 1 + 4 per interpolation, so 64 fields need the
    // extra parentheses and 63 do not (checked against MicroPython's lexer).
    let fields = |count: usize| format!("t'{}'\n", "{a}".repeat(count));
    assert!(render(&fields(63), false).contains("DelComma DelParenOpen a DelParenClose"));
    assert!(
        render(&fields(64), false).contains("DelComma DelParenOpen DelParenOpen a DelParenClose")
    );
}

#[test]
fn deep_nesting_and_huge_literals() {
    let brackets = "(".repeat(100_000) + &")".repeat(100_000) + "\n";
    assert_eq!(tokenize(&brackets).unwrap().len(), 200_002);

    let blocks: String = (0..1000)
        .map(|depth| format!("{}if x:\n", " ".repeat(depth)))
        .collect::<String>()
        + &" ".repeat(1000)
        + "pass\n";
    let tokens = tokenize(&blocks).unwrap();
    let dedents = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Dedent)
        .count();
    assert_eq!(dedents, 1000);

    let long = format!("x = '{}' + 1{}\n", "a".repeat(1 << 20), "0".repeat(100_000));
    let tokens = tokenize(&long).unwrap();
    assert_eq!(tokens[2].kind, TokenKind::Str("a".repeat(1 << 20)));
    assert_eq!(
        tokens[4].kind,
        TokenKind::Integer(format!("1{}", "0".repeat(100_000)))
    );

    let mut nested = String::from("x");
    for level in 0..40 {
        let quote = if level % 2 == 0 { '\'' } else { '"' };
        nested = format!("f{quote}{{{nested}}}{quote}");
    }
    let tokens = tokenize(&(nested + "\n")).unwrap();
    let formats = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Name("format".into()))
        .count();
    assert_eq!(formats, 40);
}

/// Fragments that exercise the lexer's corners more often than random text does.
const SOUP: &[&str] = &[
    "'", "\"", "'''", "\"\"\"", "f", "r", "b", "t", "u", "rb", "fr", "rt", "{", "}", "{{", "}}",
    "!r", "!s", ":", "=", "(", ")", "[", "]", ",", "\\", "\\\n", "\n", "\r", "\r\n", "\t", " ",
    "    ", "#", "x", "_", "0", "9", "0x", "e", "j", ".", "...", "+", "-", "*", "/", "<", ">", "!",
    "@", "$", "é", "λ", "\0", "\u{b}", "\\x4", "\\u00e9", "\\N{A}", "\\777", "\\n", "if x:\n",
    "pass\n",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SOUP), 0..60).prop_map(|parts| parts.concat())
}

/// Lexes to the end, checking that the lexer stops: every token consumes input except
/// dedents (bounded by the indentation stack) and what f-strings push back (bounded by the
/// length of the literal).
fn lex_to_end(source: &str) {
    let limit = 64 * (source.len() + 1) * (source.len() + 1);
    let mut lexer = Lexer::new(source);
    for _ in 0..limit {
        match lexer.next_token() {
            Ok(token) if token.kind == TokenKind::End => return,
            Ok(_) => {}
            Err(_) => return,
        }
    }
    panic!("no End after {limit} tokens for {source:?}");
}

proptest! {
    #[test]
    fn random_text_never_panics_or_hangs(source in any::<String>()) {
        lex_to_end(&source);
    }

    #[test]
    fn token_soup_never_panics_or_hangs(source in soup()) {
        lex_to_end(&source);
    }
}

/// Writes tokens back as Python source, enough for the f-string rewrites below.
fn to_python(tokens: &[Token]) -> String {
    use TokenKind::*;
    let mut out = String::new();
    for token in tokens {
        let text = match &token.kind {
            Name(name) => name.clone(),
            Integer(text) | FloatOrImag(text) => text.clone(),
            Str(text) => {
                let escaped: String = text
                    .chars()
                    .map(|c| match c {
                        ' '..='~' if c != '\\' && c != '\'' => c.to_string(),
                        _ => format!("\\U{:08x}", u32::from(c)),
                    })
                    .collect();
                format!("'{escaped}'")
            }
            KwNone => "None".into(),
            KwLambda => "lambda".into(),
            KwIf => "if".into(),
            KwElse => "else".into(),
            DelPeriod => ".".into(),
            DelParenOpen => "(".into(),
            DelParenClose => ")".into(),
            DelBracketOpen => "[".into(),
            DelBracketClose => "]".into(),
            DelBraceOpen => "{".into(),
            DelBraceClose => "}".into(),
            DelComma => ",".into(),
            DelColon => ":".into(),
            OpPlus => "+".into(),
            OpStar => "*".into(),
            OpNotEqual => "!=".into(),
            Newline | End => String::new(),
            other => panic!("to_python: no text for {other:?}"),
        };
        out.push_str(&text);
        out.push(' ');
    }
    out
}

#[test]
fn bare_self_documenting_field_uses_str_not_repr() {
    // MicroPython's rewrite of `f'{x=}'` is `'x={}'.format((x),)`; CPython would use repr.
    assert_eq!(
        render("f'{x=}'\n", false),
        "\"x={}\" DelPeriod format DelParenOpen DelParenOpen x DelParenClose DelComma \
         DelParenClose Newline End"
    );
}

/// The rewritten f-string must format as CPython formats the f-string itself, for the
/// features MicroPython supports (CPython 3 as the oracle, run through `python3`).
#[test]
fn fstring_rewrites_format_like_cpython() {
    let fstrings = [
        r#"f'a{x}b{y}c'"#,
        r#"f'{x!r}|{x!s}|{x:>8}|{x!r:^{w}}|'"#,
        r#"f'{y:{w}.{p}f}'"#,
        r#"f'{{}} {{{x}}} }}'"#,
        // A bare `{x=}` differs: CPython applies repr, MicroPython's rewrite does not.
        r#"f'{x=!r} {y=:.2f} {x=!s}'"#,
        r#"f'{a,b}' f"{d['k']}" f'{l[1:3]}'"#,
        r#"f'{x!=y} {p*2+1} {[1, 2][0]} { {1: 2}[1] }'"#,
        r#"'plain ' f'{x}' "more" f'{y}!'"#,
        r#"rf'\n{x}\t' f'\x41{x}\u00e9'"#,
        r#"f'{f"{x}-{y}"}'"#,
        r#"f'''{
x
}'''"#,
        r#"f'{x if x else y}'"#,
    ];
    let setup = "x='ab'; y=3.14159; w=9; p=3; a=1; b=2; d={'k': 'v'}; l=[0, 1, 2, 3]\n";
    let mut script = String::from(setup);
    for (index, fstring) in fstrings.iter().enumerate() {
        let tokens = tokenize(&format!("{fstring}\n")).unwrap();
        let rewritten = to_python(&tokens);
        script += &format!("assert ({fstring}) == ({rewritten}), {index}\n");
    }
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}\n{script}",
        String::from_utf8_lossy(&output.stderr)
    );
}
