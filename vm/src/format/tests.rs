//! The drivers against expectations produced by the MicroPython runtime
//! (`testdata/format_oracle.txt`, written by `testdata/oracle.mjs` from `testdata/cases.py`),
//! through a small host that models the few object types the cases use.

use super::float::{float_repr, parse_decimal, Decimal};
use super::*;
use num_bigint::BigInt;

/// The expectations: one case a line, see `testdata/cases.py` for the format.
const TABLE: &str = include_str!("testdata/format_oracle.txt");

#[derive(Debug, Clone)]
enum Arg {
    Int(BigInt),
    Float(f64),
    Str(Vec<u8>),
    Bytes(Vec<u8>),
    Bool(bool),
    None,
    /// The list `[1, 2]`.
    List,
    Dict(Vec<(Vec<u8>, Arg)>),
}

struct Host {
    keywords: Vec<(Vec<u8>, Arg)>,
}

impl FormatHost for Host {
    type Arg = Arg;
    type Error = FormatError;

    fn value(&mut self, arg: &Arg) -> Result<Value, FormatError> {
        Ok(match arg {
            Arg::Int(n) => Value::Int(n.clone()),
            Arg::Float(x) => Value::Float(*x),
            Arg::Str(s) => Value::Str(s.clone()),
            Arg::Bytes(b) => Value::Bytes(b.clone()),
            Arg::Bool(b) => Value::Bool(*b),
            Arg::None => Value::Other("NoneType".into()),
            Arg::List => Value::Other("list".into()),
            Arg::Dict(_) => Value::Other("dict".into()),
        })
    }

    fn text(&mut self, arg: &Arg, repr: bool) -> Result<Vec<u8>, FormatError> {
        Ok(match arg {
            Arg::Int(n) => n.to_string().into_bytes(),
            Arg::Float(x) => float_repr(*x).into_bytes(),
            Arg::Str(s) if repr => quote(s, false),
            Arg::Str(s) => s.clone(),
            Arg::Bytes(b) => [&b"b"[..], &quote(b, true)].concat(),
            Arg::Bool(b) => (if *b { "True" } else { "False" }).into(),
            Arg::None => b"None".to_vec(),
            Arg::List => b"[1, 2]".to_vec(),
            Arg::Dict(items) => {
                let mut out = b"{".to_vec();
                for (index, (key, value)) in items.iter().enumerate() {
                    if index > 0 {
                        out.extend_from_slice(b", ");
                    }
                    out.extend_from_slice(&quote(key, false));
                    out.extend_from_slice(b": ");
                    out.extend_from_slice(&self.text(value, true)?);
                }
                out.push(b'}');
                out
            }
        })
    }

    fn keyword(&mut self, name: &[u8]) -> Option<Arg> {
        self.keywords
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    }

    fn lookup(&mut self, mapping: &Arg, key: &[u8]) -> Result<Arg, FormatError> {
        let Arg::Dict(items) = mapping else {
            unreachable!("only dicts are mappings here")
        };
        items
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| FormatError::new(ErrorKind::KeyError, key))
    }
}

/// Reverses the table's escaping (`\\`, `\t`, `\n`, `\xNN`).
fn unescape(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        if bytes[pos] == b'\\' {
            match bytes[pos + 1] {
                b't' => out.push(b'\t'),
                b'n' => out.push(b'\n'),
                b'x' => {
                    let hex = std::str::from_utf8(&bytes[pos + 2..pos + 4]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    pos += 2;
                }
                other => out.push(other),
            }
            pos += 2;
        } else {
            out.push(bytes[pos]);
            pos += 1;
        }
    }
    out
}

fn parse_arg(token: &str) -> Arg {
    let (tag, rest) = token.split_at(1);
    match tag {
        "i" => Arg::Int(rest.parse().unwrap()),
        "f" => match parse_decimal(rest.as_bytes(), false) {
            Some(Decimal::Float(x)) => Arg::Float(x),
            other => panic!("bad float {rest}: {other:?}"),
        },
        "s" => Arg::Str(unescape(rest)),
        "b" => Arg::Bytes(unescape(rest)),
        "T" => Arg::Bool(true),
        "F" => Arg::Bool(false),
        "N" => Arg::None,
        "L" => Arg::List,
        _ => panic!("bad arg {token}"),
    }
}

/// What a case printed: the result, or `!Type: message`.
fn outcome(result: Result<Vec<u8>, FormatError>) -> Vec<u8> {
    match result {
        Ok(text) => text,
        Err(error) => [format!("!{:?}: ", error.kind).as_bytes(), &error.message].concat(),
    }
}

fn run_case(kind: &str, template: &[u8], tokens: &[&str]) -> Vec<u8> {
    let mut args = Vec::new();
    let mut keywords = Vec::new();
    for token in tokens {
        match token.strip_prefix('k') {
            Some(item) => {
                let (name, value) = item.split_once('=').unwrap();
                keywords.push((name.as_bytes().to_vec(), parse_arg(value)));
            }
            None => args.push(parse_arg(token)),
        }
    }
    match kind {
        "I" => {
            let Arg::Int(base) = &args[0] else { panic!() };
            let base = u32::try_from(base).unwrap_or(u32::MAX);
            outcome(parse_int(template, base, 31).map(|n| n.to_string().into_bytes()))
        }
        "D" => match parse_decimal(template, false) {
            Some(Decimal::Float(x)) => float_repr(x).into_bytes(),
            _ => b"!ValueError: invalid syntax for number".to_vec(),
        },
        "F" => {
            let mut host = Host { keywords };
            outcome(format_template(&mut host, template, &args))
        }
        "PD" => {
            let dict = Arg::Dict(keywords);
            let mut host = Host { keywords: vec![] };
            outcome(format_percent(
                &mut host,
                template,
                false,
                std::slice::from_ref(&dict),
                Some(&dict),
            ))
        }
        "PT" | "PS" | "PBT" => {
            let mut host = Host { keywords };
            outcome(format_percent(
                &mut host,
                template,
                kind == "PBT",
                &args,
                None,
            ))
        }
        _ => panic!("bad kind {kind}"),
    }
}

#[test]
fn drivers_match_micropython() {
    let mut failures = Vec::new();
    let mut count = 0;
    for line in TABLE.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let kind = fields[0].trim_end_matches('=');
        let got = run_case(kind, &unescape(fields[1]), &fields[3..]);
        count += 1;
        if got != unescape(fields[2]) {
            failures.push(format!("{line}\n    got {}", String::from_utf8_lossy(&got)));
        }
    }
    assert!(count > 2_000, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ:\n{}",
        failures.len(),
        failures[..failures.len().min(30)].join("\n")
    );
}

mod never_panic {
    use super::*;
    use crate::format::float::format_float;
    use proptest::prelude::*;

    /// Bytes that mean something in templates, specs and `%` patterns, plus a few that don't.
    const ALPHABET: &[u8] = b"{}{}:!rsa0123456789<>=^+- #,_.bcdeEfFgGnosxX%%()*[]\x00\xc3\xa9z";

    fn pattern() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(prop::sample::select(ALPHABET), 0..24)
    }

    fn args() -> Vec<Arg> {
        vec![
            Arg::Int(BigInt::from(-1234567)),
            Arg::Float(-0.015625),
            Arg::Str("h\u{e9}".into()),
            Arg::Bytes(b"b'".to_vec()),
            Arg::Bool(true),
            Arg::None,
            Arg::Int(BigInt::from(1) << 80),
        ]
    }

    proptest! {
        #[test]
        fn templates(template in pattern(), count in 0usize..7) {
            let mut host = Host { keywords: vec![(b"a".to_vec(), Arg::Float(2.5))] };
            let _ = format_template(&mut host, &template, &args()[..count]);
        }

        #[test]
        fn percent_patterns(template in pattern(), count in 0usize..7, with_dict in any::<bool>()) {
            let mut host = Host { keywords: vec![] };
            if with_dict {
                let dict = Arg::Dict(vec![(b"a".to_vec(), Arg::Int(BigInt::from(5)))]);
                let _ = format_percent(&mut host, &template, false, std::slice::from_ref(&dict), Some(&dict));
            } else {
                let _ = format_percent(&mut host, &template, count % 2 == 0, &args()[..count], None);
            }
        }

        #[test]
        fn specs_on_every_kind_of_value(spec in pattern(), pick in 0usize..7) {
            let mut host = Host { keywords: vec![] };
            let value = host.value(&args()[pick]).unwrap();
            if let Ok(spec) = parse_spec(&spec) {
                let _ = format_value(&mut Vec::new(), &value, &spec);
            }
        }

        #[test]
        fn floats_in_every_style(bits in any::<u64>(), style in prop::sample::select(&b"eEfFgGx"[..]),
                                 precision in -2i32..120, sign in prop::sample::select(&[None, Some('+'), Some(' ')][..])) {
            let text = format_float(f64::from_bits(bits), char::from(style), precision, sign);
            prop_assert!(text.len() <= 40, "{text}");
        }

        #[test]
        fn int_text_round_trips(magnitude in prop::collection::vec(any::<u8>(), 0..40),
                                negative in any::<bool>(), base in 2u32..=36) {
            let n = BigInt::from_bytes_le(
                if negative { num_bigint::Sign::Minus } else { num_bigint::Sign::Plus },
                &magnitude,
            );
            let text = int_to_radix(&n, base, negative, b"", None);
            prop_assert_eq!(parse_int(&text, base, 31), Ok(n));
        }

        #[test]
        fn int_parsing(text in prop::collection::vec(prop::sample::select(&b" \t-+_0123456789abcxoBXZ\xc3"[..]), 0..20),
                       base in 0u32..40) {
            let _ = parse_int(&text, base, 31);
        }
    }

    #[test]
    fn huge_widths_are_memory_errors() {
        let mut host = Host { keywords: vec![] };
        let error =
            format_template(&mut host, b"{:999999999}", &[Arg::Int(BigInt::from(1))]).unwrap_err();
        assert_eq!(error.kind, ErrorKind::MemoryError);
        let star = [Arg::Int(BigInt::from(i32::MAX)), Arg::Str(b"x".to_vec())];
        let error = format_percent(&mut host, b"%*s", false, &star, None).unwrap_err();
        assert_eq!(error.kind, ErrorKind::MemoryError);
    }

    #[test]
    fn deeply_nested_specs_are_runtime_errors() {
        let mut host = Host { keywords: vec![] };
        let template = [&b"{:"[..], &b"{:".repeat(100), &b"}".repeat(101)].concat();
        // Each field takes an argument before its spec is expanded.
        let args = vec![Arg::Int(BigInt::from(1)); 120];
        let error = format_template(&mut host, &template, &args).unwrap_err();
        assert_eq!(error.kind, ErrorKind::RuntimeError);
    }
}
