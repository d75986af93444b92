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
