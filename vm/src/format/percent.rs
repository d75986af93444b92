//! `pattern % args` for str and bytes: `%s %r %d %i %u %o %x %X %e %E %f %F %g %G %c %%`,
//! flags `- + space # 0`, width, precision, `*`, and `%(key)s` with a dict, with
//! MicroPython's errors.

use super::error::FormatError;
use super::host::FormatHost;
use super::int::{f64_to_int, machine_word, write_char, write_int};
use super::pad::{pad_into, Align, Flags};
use super::spec::read_number;
use super::value::{write_float, Value};

/// Formats `pattern` (the bytes of a str, or of a bytes object when `is_bytes`) with `args`:
/// the items of a tuple right operand, or the operand itself. When the operand is a dict,
/// `dict` is it (and `args` is just it too): `%(key)` looks keys up there.
pub fn format_percent<H: FormatHost>(
    host: &mut H,
    pattern: &[u8],
    is_bytes: bool,
    args: &[H::Arg],
    dict: Option<&H::Arg>,
) -> Result<Vec<u8>, H::Error> {
    let mut out = Vec::with_capacity(pattern.len() + 16);
    let mut next_arg = 0;
    let mut pos = 0;
    while pos < pattern.len() {
        let byte = pattern[pos];
        pos += 1;
        if byte != b'%' {
            out.push(byte);
            continue;
        }
        let Some(&next) = pattern.get(pos) else {
            return Err(incomplete().into());
        };
        if next == b'%' {
            out.push(b'%');
            pos += 1;
            continue;
        }

        let mut keyed_arg = None;
        if next == b'(' {
            let Some(mapping) = dict else {
                return Err(FormatError::type_error("format needs a dict").into());
            };
            // The dict is the only argument, and it is used up.
            next_arg = 1;
            let key_start = pos + 1;
            let Some(length) = pattern[key_start..].iter().position(|&b| b == b')') else {
                return Err(FormatError::value("incomplete format key").into());
            };
            keyed_arg = Some(host.lookup(mapping, &pattern[key_start..key_start + length])?);
            pos = key_start + length + 1;
        }

        let mut flags = Flags::default();
        let mut fill = b' ';
        let mut alternate = false;
        while let Some(&flag) = pattern.get(pos) {
            match flag {
                b'-' => flags.align = Align::Left,
                b'+' => flags.show_sign = true,
                b' ' => flags.space_sign = true,
                b'#' => alternate = true,
                b'0' => {
                    flags.after_sign = true;
                    fill = b'0';
                }
                _ => break,
            }
            pos += 1;
        }
        let mut width = 0;
        if pattern.get(pos) == Some(&b'*') {
            let arg = args.get(next_arg).ok_or_else(needs_more)?;
            next_arg += 1;
            width = c_int(host, arg)?;
            pos += 1;
        } else {
            pos = read_number(pattern, pos, &mut width);
        }
        let mut precision = -1;
        if pattern.get(pos) == Some(&b'.') {
            pos += 1;
            if pattern.get(pos) == Some(&b'*') {
                let arg = args.get(next_arg).ok_or_else(needs_more)?;
                next_arg += 1;
                precision = c_int(host, arg)?;
                pos += 1;
            } else if pos < pattern.len() {
                precision = 0;
                pos = read_number(pattern, pos, &mut precision);
            }
        }
        let Some(&conversion) = pattern.get(pos) else {
            return Err(incomplete().into());
        };
        let arg = match keyed_arg {
            Some(arg) => arg,
            None => {
                let arg = args.get(next_arg).ok_or_else(needs_more)?.clone();
                next_arg += 1;
                arg
            }
        };
        let conversion_index = pos;
        pos += 1;

        match conversion {
            b'c' => match host.value(&arg)? {
                Value::Str(data) => {
                    if data.len() != 1 {
                        return Err(FormatError::type_error("%c needs int or char").into());
                    }
                    pad_into(&mut out, &data, flags, b' ', width)?;
                }
                value @ (Value::Int(_) | Value::Bool(_)) => {
                    let code = value.to_integer()?;
                    write_char(&mut out, &code, flags, b' ', width)?;
                }
                _ => return Err(FormatError::type_error("integer needed").into()),
            },
            b'd' | b'i' | b'u' => {
                let n = match host.value(&arg)? {
                    Value::Float(x) => f64_to_int(x)?,
                    other => other.to_integer()?,
                };
                write_int(&mut out, &n, 10, false, flags, fill, width, precision)?;
            }
            b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => {
                let x = host.value(&arg)?.to_float()?;
                write_float(
                    &mut out, x, conversion, flags, fill, width, precision, false,
                )?;
            }
            b'o' => {
                let n = host.value(&arg)?.to_integer()?;
                flags.show_prefix = alternate;
                flags.octal_letter = alternate;
                write_int(&mut out, &n, 8, false, flags, fill, width, precision)?;
            }
            b'x' | b'X' => {
                let n = host.value(&arg)?.to_integer()?;
                flags.show_prefix = alternate;
                write_int(
                    &mut out,
                    &n,
                    16,
                    conversion == b'X',
                    flags,
                    fill,
                    width,
                    precision,
                )?;
            }
            b'r' | b's' => {
                // `b'%s' % b'x'` inserts the bytes themselves, not their repr.
                let raw = if is_bytes && conversion == b's' {
                    match host.value(&arg)? {
                        Value::Bytes(data) => Some(data),
                        _ => None,
                    }
                } else {
                    None
                };
                let text = match raw {
                    Some(data) => data,
                    None => host.text(&arg, conversion == b'r')?,
                };
                let shown = match usize::try_from(precision) {
                    Ok(precision) => &text[..precision.min(text.len())],
                    Err(_) => &text[..],
                };
                pad_into(&mut out, shown, flags, b' ', width)?;
            }
            other => {
                let mut message = b"unsupported format character '".to_vec();
                message.push(other);
                message.extend_from_slice(
                    format!("' (0x{other:x}) at index {conversion_index}").as_bytes(),
                );
                return Err(FormatError::value(message).into());
            }
        }
    }
    if dict.is_none() && next_arg != args.len() {
        return Err(FormatError::type_error("format string didn't convert all arguments").into());
    }
    Ok(out)
}

fn incomplete() -> FormatError {
    FormatError::value("incomplete format")
}

fn needs_more() -> FormatError {
    FormatError::type_error("format string needs more arguments")
}

/// A `*` width or precision: `mp_obj_get_int`, then truncated to a C `int`.
fn c_int<H: FormatHost>(host: &mut H, arg: &H::Arg) -> Result<i32, H::Error> {
    let n = host.value(arg)?.to_integer()?;
    Ok(machine_word(&n)? as i32)
}
