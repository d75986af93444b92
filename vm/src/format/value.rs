//! Applying a parsed format spec to one value: the second half of MicroPython's
//! `str.format` field handling, and `mp_print_float`.

use super::error::FormatError;
use super::float::format_float;
use super::int::{int_to_f64, write_char, write_int};
use super::pad::{pad_into, Align, Flags};
use super::spec::FormatSpec;
use num_bigint::BigInt;

/// An argument as the formatter sees it. The VM classifies its objects: exact `int`, `bool`
/// and `float` are numbers; `str` and `bytes` carry their bytes; anything else is `Other`
/// with its type's name (for error messages).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Bool(bool),
    Int(BigInt),
    Float(f64),
    Str(Vec<u8>),
    Bytes(Vec<u8>),
    Other(String),
}

impl Value {
    /// The name MicroPython's error messages use for the value's type.
    pub fn type_name(&self) -> &str {
        match self {
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::Other(name) => name,
        }
    }

    /// The integer value of an int or bool.
    pub(crate) fn as_integer(&self) -> Option<BigInt> {
        match self {
            Value::Bool(b) => Some(BigInt::from(u8::from(*b))),
            Value::Int(n) => Some(n.clone()),
            _ => None,
        }
    }

    /// `mp_obj_get_float`: ints, bools and floats; anything else is a `TypeError`.
    pub(crate) fn to_float(&self) -> Result<f64, FormatError> {
        match self {
            Value::Float(x) => Ok(*x),
            Value::Int(n) => Ok(int_to_f64(n)),
            Value::Bool(b) => Ok(f64::from(u8::from(*b))),
            other => Err(FormatError::type_error(format!(
                "can't convert {} to float",
                other.type_name()
            ))),
        }
    }

    /// `mp_obj_get_int`: ints and bools; anything else is a `TypeError`.
    pub(crate) fn to_integer(&self) -> Result<BigInt, FormatError> {
        self.as_integer().ok_or_else(|| {
            FormatError::type_error(format!("can't convert {} to int", self.type_name()))
        })
    }
}

fn unknown_code(kind: u8, value: &Value) -> FormatError {
    FormatError::value(format!(
        "unknown format code '{}' for object of type '{}'",
        char::from(kind),
        value.type_name()
    ))
}

/// Appends `value` formatted by `spec`, as a `str.format` field with no conversion does
/// (`format(value, spec)` in CPython terms, which MicroPython does not have as a builtin).
pub fn format_value(
    out: &mut Vec<u8>,
    value: &Value,
    spec: &FormatSpec,
) -> Result<(), FormatError> {
    let integer = matches!(value, Value::Bool(_) | Value::Int(_));
    let numeric = integer || matches!(value, Value::Float(_));
    let mut align = spec.align;
    let mut fill = spec.fill;
    if spec.zero {
        if align.is_none() && numeric {
            align = Some(b'=');
        }
        fill = fill.or(Some(b'0'));
    }
    let align = align.unwrap_or(if numeric { b'>' } else { b'<' });
    let fill = fill.unwrap_or(b' ');
    let kind = spec.kind;

    let mut flags = Flags {
        show_sign: spec.sign == Some(b'+'),
        space_sign: spec.sign == Some(b' '),
        show_prefix: spec.alternate,
        grouping: spec.grouping,
        ..Flags::default()
    };
    if flags.show_sign || flags.space_sign {
        if kind == Some(b's') {
            return Err(FormatError::value(
                "sign not allowed in string format specifier",
            ));
        }
        if kind == Some(b'c') {
            return Err(FormatError::value(
                "sign not allowed with integer format specifier 'c'",
            ));
        }
    }
    flags.align = match align {
        b'<' => Align::Left,
        b'^' => Align::Center,
        _ => Align::Right,
    };
    flags.after_sign = align == b'=';
    let width = spec.width;

    if let Some(n) = value.as_integer() {
        // Float styles print integers as floats, below.
        let base = match kind {
            Some(b'b') => Some(2),
            Some(b'c') => return write_char(out, &n, flags, fill, width),
            None | Some(b'n' | b'd') => Some(10),
            Some(b'o') => {
                flags.octal_letter = flags.show_prefix;
                Some(8)
            }
            Some(b'x' | b'X') => Some(16),
            Some(b'e' | b'E' | b'f' | b'F' | b'g' | b'G' | b'%') => None,
            Some(other) => return Err(unknown_code(other, value)),
        };
        if let Some(base) = base {
            return write_int(out, &n, base, kind == Some(b'X'), flags, fill, width, 0);
        }
    }
    if numeric {
        let x = value.to_float()?;
        return match kind.unwrap_or(b'g') {
            b'n' => write_float(out, x, b'g', flags, fill, width, spec.precision, false),
            style @ (b'e' | b'E' | b'f' | b'F' | b'g' | b'G') => {
                write_float(out, x, style, flags, fill, width, spec.precision, false)
            }
            b'%' => write_float(
                out,
                x * 100.0,
                b'f',
                flags,
                fill,
                width,
                spec.precision,
                true,
            ),
            other => Err(unknown_code(other, value)),
        };
    }

    if flags.after_sign {
        return Err(FormatError::value(
            "'=' alignment not allowed in string format specifier",
        ));
    }
    match kind {
        None | Some(b's') => {
            let data = match value {
                Value::Str(data) | Value::Bytes(data) => data,
                other => {
                    let name = other.type_name();
                    let target = if name == "str" { "bytes" } else { "str" };
                    return Err(FormatError::type_error(format!(
                        "can't convert '{name}' object to {target} implicitly"
                    )));
                }
            };
            let shown = match usize::try_from(spec.precision) {
                Ok(precision) => &data[..precision.min(data.len())],
                Err(_) => data,
            };
            pad_into(out, shown, flags, fill, width)
        }
        Some(other) => Err(unknown_code(other, value)),
    }
}

/// `mp_print_float`: `x` in `style` with sign flags, then a `%` if asked, padded to `width`
/// (with `=` alignment the sign stays in front of the padding).
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_float(
    out: &mut Vec<u8>,
    x: f64,
    style: u8,
    flags: Flags,
    fill: u8,
    mut width: i32,
    precision: i32,
    percent: bool,
) -> Result<(), FormatError> {
    let sign = if flags.show_sign {
        Some('+')
    } else if flags.space_sign {
        Some(' ')
    } else {
        None
    };
    let mut text = format_float(x, char::from(style), precision, sign).into_bytes();
    if percent {
        text.push(b'%');
    }
    let mut body = &text[..];
    if flags.after_sign {
        if let Some(&first @ (b' ' | b'+' | b'-')) = text.first() {
            out.push(first);
            width = width.saturating_sub(1);
            body = &text[1..];
        }
    }
    pad_into(out, body, flags, fill, width)
}
