//! proptest strategies for front-end inputs that get past the lexer: Python-ish token soup
//! (right vocabulary, random order) and grammatical-ish programs (random but mostly valid
//! syntax, deeply nested), so the parser and compiler are exercised, not just lexer errors.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A runner that draws values deterministically from `seed`.
pub fn runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

/// One value of `strategy` (no shrinking; the driver minimises failures itself).
pub fn sample<S: Strategy>(strategy: &S, runner: &mut TestRunner) -> Option<S::Value> {
    strategy.new_tree(runner).ok().map(|tree| tree.current())
}

const KEYWORDS: &[&str] = &[
    "False",
    "None",
    "True",
    "__debug__",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
];

const OPERATORS: &[&str] = &[
    "=", "~", "<", ">", "==", "<=", ">=", "!=", "|", "^", "&", "<<", ">>", "+", "-", "*", "@",
    "//", "/", "%", "**", "|=", "^=", "&=", "<<=", ">>=", "+=", "-=", "*=", "@=", "//=", "/=",
    "%=", "**=", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "->", ":=", "...", "\\\n",
];

const NAMES: &[&str] = &[
    "x",
    "y",
    "z",
    "f",
    "g",
    "C",
    "self",
    "print",
    "len",
    "range",
    "const",
    "micropython",
    "super",
    "__class__",
    "_",
    "é",
    "λ",
    "native",
    "viper",
    "ptr8",
    "uint",
    "int",
];

fn vocab(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(words).prop_map(str::to_string)
}

/// Number literals around MicroPython's interesting boundaries, in every spelling.
pub fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(
            &[
                "0",
                "1",
                "-1",
                "1073741823",
                "1073741824",
                "-1073741824",
                "-1073741825",
                "4611686018427387903",
                "4611686018427387904",
                "0x7fffffff",
                "0xffffffffffffffff",
                "0o777",
                "0b1_0",
                "1_000",
                "123456789012345678901234567890",
                "1.5",
                "0.0",
                "-0.0",
                "1e308",
                "1e309",
                "1e-324",
                "2.5e-3",
                "3j",
                "1.5J",
                "0e0",
                ".5",
                "5.",
                "1_0.0_1",
            ][..]
        )
        .prop_map(str::to_string),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| format!("{n:#x}")),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
    ]
}

/// String and bytes literals: prefixes, escapes, f-strings with nested fields.
pub fn string() -> impl Strategy<Value = String> {
    let body = proptest::sample::select(
        &[
            "",
            "a",
            "\\n",
            "\\x41",
            "\\u00e9",
            "\\N{DASH}",
            "\\777",
            "{x}",
            "{{}}",
            "{x!r:>10}",
            "{y:{x}}",
            "{'a'}",
            "é",
            "\\'",
            "{x=}",
            "\\\n",
        ][..],
    );
    // MicroPython's lexer knows only lower-case prefixes; upper case is a name then a string.
    let prefix = proptest::sample::select(&["", "r", "b", "rb", "br", "f", "rf", "u"][..]);
    let quote = proptest::sample::select(&["'", "\"", "'''", "\"\"\""][..]);
    (prefix, quote, proptest::collection::vec(body, 0..4))
        .prop_map(|(p, q, parts)| format!("{p}{q}{}{q}", parts.concat()))
}

/// Python vocabulary in random order, with newlines and random indentation.
pub fn token_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => vocab(KEYWORDS),
        4 => vocab(OPERATORS),
        4 => vocab(NAMES),
        2 => number(),
        1 => string(),
        2 => (0usize..9).prop_map(|n| format!("\n{}", " ".repeat(n))),
        1 => Just("#c\n".to_string()),
    ];
    proptest::collection::vec(piece, 0..120).prop_map(|pieces| pieces.join(" "))
}

/// Expressions of every form, nested.
pub fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => vocab(NAMES),
        3 => number(),
        1 => string(),
        1 => vocab(&["None", "True", "False", "...", "__debug__"]),
    ];
    leaf.prop_recursive(6, 48, 4, |e| {
        let binop = vocab(&[
            "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "@", "and", "or", "<",
            ">", "==", "!=", "<=", ">=", "in", "not in", "is", "is not",
        ]);
        prop_oneof![
            (e.clone(), binop, e.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (vocab(&["-", "+", "~", "not "]), e.clone()).prop_map(|(op, a)| format!("({op}{a})")),
            (
                e.clone(),
                proptest::collection::vec(e.clone(), 0..4),
                any::<u8>()
            )
                .prop_map(|(f, args, style)| {
                    let args: Vec<String> = args
                        .into_iter()
                        .enumerate()
                        .map(|(i, a)| match (style >> (i * 2)) & 3 {
                            0 => a,
                            1 => format!("k{i}={a}"),
                            2 => format!("*{a}"),
                            _ => format!("**{a}"),
                        })
                        .collect();
                    format!("{f}({})", args.join(", "))
                }),
            (e.clone(), vocab(NAMES)).prop_map(|(a, n)| format!("{a}.{n}")),
            (e.clone(), e.clone()).prop_map(|(a, i)| format!("{a}[{i}]")),
            (e.clone(), e.clone(), e.clone()).prop_map(|(a, i, j)| format!("{a}[{i}:{j}:]")),
            proptest::collection::vec(e.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            proptest::collection::vec(e.clone(), 0..4).prop_map(|items| match items.len() {
                0 => "()".to_string(),
                _ => format!("({},)", items.join(", ")),
            }),
            proptest::collection::vec((e.clone(), e.clone()), 0..3).prop_map(|items| {
                let kv: Vec<String> = items.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", kv.join(", "))
            }),
            proptest::collection::vec(e.clone(), 1..3)
                .prop_map(|items| format!("{{{}}}", items.join(", "))),
            (e.clone(), e.clone(), e.clone(), vocab(&["[", "(", "{"])).prop_map(
                |(v, it, c, open)| {
                    let close = match open.as_str() {
                        "[" => "]",
                        "(" => ")",
                        _ => "}",
                    };
                    format!("{open}{v} for x in {it} if {c}{close}")
                }
            ),
            (e.clone(), e.clone(), e.clone())
                .prop_map(|(a, c, b)| format!("({a} if {c} else {b})")),
            e.clone()
                .prop_map(|a| format!("(lambda x, *y, z=1, **w: {a})")),
            e.clone().prop_map(|a| format!("(x := {a})")),
            e.clone().prop_map(|a| format!("f'{{{a}}}'")),
            e.clone().prop_map(|a| format!("(yield {a})")),
            vocab(NAMES).prop_map(|a| format!("(await {a}())")),
        ]
    })
}

/// Statement blocks: each element is one line, nested blocks already indented.
pub fn block() -> impl Strategy<Value = Vec<String>> {
    let simple = prop_oneof![
        expr(),
        (expr(), expr()).prop_map(|(t, v)| format!("{t} = {v}")),
        (
            vocab(NAMES),
            vocab(&["+=", "-=", "*=", "//=", "**=", "|=", "@=", ">>="]),
            expr()
        )
            .prop_map(|(t, op, v)| format!("{t} {op} {v}")),
        (vocab(NAMES), expr()).prop_map(|(n, v)| format!("{n}: int = {v}")),
        (vocab(NAMES), vocab(NAMES), expr()).prop_map(|(a, b, v)| format!("{a}, *{b} = {v}")),
        expr().prop_map(|v| format!("return {v}")),
        expr().prop_map(|v| format!("assert {v}, 'm'")),
        expr().prop_map(|v| format!("raise {v} from None")),
        expr().prop_map(|v| format!("del {v}")),
        expr().prop_map(|v| format!("yield from {v}")),
        vocab(NAMES).prop_map(|n| format!("{n} = const(1 << 4)")),
        vocab(&[
            "pass",
            "break",
            "continue",
            "return",
            "raise",
            "global x",
            "nonlocal y",
            "import micropython",
            "from . import x as y",
            "from m import *",
            "import a.b.c as d",
        ]),
    ];
    let lines = proptest::collection::vec(simple, 1..4);
    lines.prop_recursive(5, 64, 3, |body| {
        let indented = body.prop_map(|lines| {
            lines
                .into_iter()
                .map(|l| format!("    {}", l.replace('\n', "\n    ")))
                .collect::<Vec<_>>()
        });
        // Each compound statement with the clauses that may follow its first block.
        const IF_TAILS: &[&str] = &["", "else:", "elif x:"];
        const LOOP_TAILS: &[&str] = &["", "else:"];
        const TRY_TAILS: &[&str] = &[
            "except Exception as e:",
            "except (A, B):",
            "finally:",
            "except:",
        ];
        const NO_TAIL: &[&str] = &[""];
        let header = prop_oneof![
            expr().prop_map(|c| (format!("if {c}:"), IF_TAILS)),
            expr().prop_map(|c| (format!("while {c}:"), LOOP_TAILS)),
            expr().prop_map(|it| (format!("for x, *y in {it}:"), LOOP_TAILS)),
            expr().prop_map(|it| (format!("async for x in {it}:"), LOOP_TAILS)),
            expr().prop_map(|c| (format!("with {c} as (x, y):"), NO_TAIL)),
            expr().prop_map(|c| (format!("async with {c}:"), NO_TAIL)),
            vocab(NAMES)
                .prop_map(|n| (format!("def {n}(a, b=1, *c, d, e=2, **f) -> int:"), NO_TAIL)),
            vocab(NAMES).prop_map(|n| (format!("async def {n}(x):"), NO_TAIL)),
            vocab(NAMES).prop_map(|n| (
                format!("@micropython.native\ndef {n}(x: int) -> int:"),
                NO_TAIL
            )),
            vocab(NAMES).prop_map(|n| (format!("@decorator.attr(1)\ndef {n}(*, x):"), NO_TAIL)),
            vocab(NAMES).prop_map(|n| (format!("class {n}(Base, metaclass=M):"), NO_TAIL)),
            Just(("try:".to_string(), TRY_TAILS)),
        ];
        (header, any::<usize>(), indented.clone(), indented).prop_map(
            |((head, tails), pick, body, other)| {
                let mut lines = vec![head];
                lines.extend(body);
                let tail = tails[pick % tails.len()];
                if !tail.is_empty() {
                    lines.push(tail.to_string());
                    lines.extend(other);
                }
                lines
            },
        )
    })
}

/// A whole program: a sequence of blocks.
pub fn program() -> impl Strategy<Value = String> {
    proptest::collection::vec(block(), 1..5).prop_map(|blocks| {
        let mut text = blocks.concat().join("\n");
        text.push('\n');
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_deterministic_per_seed() {
        let a = sample(&program(), &mut runner(3));
        let b = sample(&program(), &mut runner(3));
        assert_eq!(a, b);
    }

    #[test]
    fn generated_programs_often_parse() {
        let mut runner = runner(11);
        let opts = vm::parser::ParseOptions::default();
        let parsed = (0..200)
            .filter_map(|_| sample(&program(), &mut runner))
            .filter(|p| vm::parser::parse(p, vm::parser::InputMode::File, &opts).is_ok())
            .count();
        // The generator is grammatical-ish: some programs are invalid (break outside a loop is
        // a compile error, not a parse one; `x := ...` as an assignment target is a parse error).
        assert!(
            parsed >= 80,
            "only {parsed} of 200 generated programs parse"
        );
    }

    #[test]
    fn generated_expressions_parse_in_eval_mode() {
        let mut runner = runner(5);
        let opts = vm::parser::ParseOptions::default();
        let parsed = (0..200)
            .filter_map(|_| sample(&expr(), &mut runner))
            .filter(|e| vm::parser::parse(e, vm::parser::InputMode::Eval, &opts).is_ok())
            .count();
        assert!(
            parsed >= 50,
            "only {parsed} of 200 generated expressions parse"
        );
    }
}
