//! `json` (`extmod/modjson.c`): `dumps`/`dump` print objects the way MicroPython's
//! `PRINT_JSON` print kind does, and `loads`/`load` parse with MicroPython's lenient reader.
//!
//! Printing: `None`, `True`, `False` become `null`, `true`, `false`; `str` and `bytes` are
//! quoted with `\"`, `\\`, `\n`, `\r`, `\t` and `\uXXXX` escapes (other bytes as they are);
//! tuples and lists are arrays; dicts (and `OrderedDict`s, in their order) are objects, with
//! keys that are not strings printed inside quotes;
//! anything else prints its `repr` (so floats print `inf` and `nan` as MicroPython does).
//! `separators=(item, key)` replaces `", "` and `": "`.
//!
//! Reading (as MicroPython, and unlike CPython): `,` and `:` are skipped like whitespace, so
//! they are optional; an object's keys may be any value; `\u` escapes are taken as code
//! points. Every failure is `ValueError: syntax error in JSON`.
use super::args::{arg_or_kw, read_buffer};
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Raise, Slot, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;

pub const MODULE: ModuleDef = ModuleDef {
    name: "json",
    extensible: true,
    functions: &[
        ("dump", dump),
        ("dumps", dumps),
        ("load", load),
        ("loads", loads),
    ],
    attrs: super::no_attrs,
};

/// Deepest nesting `dumps` follows before giving up, as MicroPython's C recursion would
/// (a list that contains itself must raise, not exhaust the host stack).
const MAX_DEPTH: u32 = 1000;

struct Separators {
    item: String,
    key: String,
}

fn separators(vm: &mut Vm, args: &Args) -> PyResult<Separators> {
    let given = arg_or_kw(vm, args, u32::MAX, "separators")?;
    let Some(given) = given.filter(|&s| s != Obj::NONE) else {
        return Ok(Separators {
            item: ", ".into(),
            key: ": ".into(),
        });
    };
    if !matches!(vm.type_of(given), ty::TUPLE | ty::LIST) {
        let name = vm.type_name_of(given);
        return Err(vm.type_error(&format!("object '{name}' isn't a tuple or list")));
    }
    let items = vm.seq_items(given);
    if items.len() != 2 {
        return Err(vm.value_error("tuple/list has wrong length"));
    }
    Ok(Separators {
        item: vm.expect_str(items[0])?,
        key: vm.expect_str(items[1])?,
    })
}

/// `dumps(obj, *, separators=None)`.
fn dumps(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let separators = separators(vm, &args)?;
    let mut out = String::new();
    write_json(vm, vm.arg(&args, 0), &separators, &mut out, 0)?;
    vm.new_str(&out)
}

/// `dump(obj, stream, *, separators=None)`: writes through the stream's `write`.
fn dump(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let separators = separators(vm, &args)?;
    let mut out = String::new();
    write_json(vm, vm.arg(&args, 0), &separators, &mut out, 0)?;
    let text = vm.new_str(&out)?;
    let write = vm.intern("write")?;
    let (method, self_obj) = vm.load_method(vm.arg(&args, 1), write)?;
    vm.call_method(method, self_obj, &[text])?;
    Ok(Obj::NONE)
}

fn write_json(
    vm: &mut Vm,
    obj: Obj,
    separators: &Separators,
    out: &mut String,
    depth: u32,
) -> PyResult<()> {
    if depth > MAX_DEPTH {
        return Err(vm.raise_msg(ty::RUNTIME_ERROR, "maximum recursion depth exceeded"));
    }
    if obj == Obj::NONE {
        out.push_str("null");
    } else if obj == Obj::TRUE || obj == Obj::FALSE {
        out.push_str(if obj == Obj::TRUE { "true" } else { "false" });
    } else if vm.is_str(obj) || vm.is_bytes(obj) {
        write_string(&vm.str_bytes(obj), out);
    } else {
        match vm.type_of(obj) {
            ty::TUPLE | ty::LIST => {
                let mark = vm.stack_mark();
                let items = vm.seq_items(obj);
                let first = vm.root_all(&items)?;
                out.push('[');
                for i in 0..items.len() as u32 {
                    if i > 0 {
                        out.push_str(&separators.item);
                    }
                    let item = Obj::from_raw(vm.arena().load_u32(first + 4 * i));
                    write_json(vm, item, separators, out, depth + 1)?;
                }
                out.push(']');
                vm.stack_release(mark);
            }
            t if t == ty::DICT || is_ordered_dict(vm, obj) => {
                let mark = vm.stack_mark();
                let pairs = match super::collections::ordered_items(vm, obj)? {
                    Some(pairs) => pairs,
                    None => vm.dict_entries(obj),
                };
                let entries: Vec<Obj> = pairs
                    .into_iter()
                    .flat_map(|(key, value)| [key, value])
                    .collect();
                let first = vm.root_all(&entries)?;
                out.push('{');
                for i in 0..entries.len() as u32 / 2 {
                    if i > 0 {
                        out.push_str(&separators.item);
                    }
                    let key = Obj::from_raw(vm.arena().load_u32(first + 8 * i));
                    let value = Obj::from_raw(vm.arena().load_u32(first + 8 * i + 4));
                    let quoted = !(vm.is_str(key) || vm.is_bytes(key));
                    if quoted {
                        out.push('"');
                    }
                    write_json(vm, key, separators, out, depth + 1)?;
                    if quoted {
                        out.push('"');
                    }
                    out.push_str(&separators.key);
                    write_json(vm, value, separators, out, depth + 1)?;
                }
                out.push('}');
                vm.stack_release(mark);
            }
            _ => out.push_str(&vm.repr(obj)?),
        }
    }
    Ok(())
}

/// Whether `obj` is a `collections.OrderedDict`, which prints as a dict in its order.
fn is_ordered_dict(vm: &mut Vm, obj: Obj) -> bool {
    super::native::state(vm, obj, "OrderedDict").is_ok()
}

fn write_string(bytes: &[u8], out: &mut String) {
    let mut quoted = Vec::with_capacity(bytes.len() + 2);
    quoted.push(b'"');
    for &b in bytes {
        match b {
            b'"' | b'\\' => quoted.extend_from_slice(&[b'\\', b]),
            b'\n' => quoted.extend_from_slice(b"\\n"),
            b'\r' => quoted.extend_from_slice(b"\\r"),
            b'\t' => quoted.extend_from_slice(b"\\t"),
            0..=31 => quoted.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => quoted.push(b),
        }
    }
    quoted.push(b'"');
    out.push_str(&String::from_utf8_lossy(&quoted));
}

/// `loads(text)`: `str`, `bytes` or anything with the buffer protocol.
fn loads(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let text = read_buffer(vm, vm.arg(&args, 0))?;
    parse(vm, &text)
}

/// `load(stream)`: reads the stream to its end with `read()`, then parses.
fn load(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let read = vm.intern("read")?;
    let (method, self_obj) = vm.load_method(vm.arg(&args, 0), read)?;
    let text = vm.call_method(method, self_obj, &[])?;
    let text = read_buffer(vm, text)?;
    parse(vm, &text)
}

fn syntax_error(vm: &mut Vm) -> Raise {
    vm.value_error("syntax error in JSON")
}

/// The containers being filled, innermost last, each rooted, with a dict's pending key.
struct Nesting {
    open: Vec<(Slot, Option<Slot>)>,
}

fn parse(vm: &mut Vm, text: &[u8]) -> PyResult<Obj> {
    let mark = vm.stack_mark();
    let result = parse_rooted(vm, text);
    vm.stack_release(mark);
    result
}

fn parse_rooted(vm: &mut Vm, text: &[u8]) -> PyResult<Obj> {
    let mut nesting = Nesting { open: Vec::new() };
    let mut pos = 0;
    loop {
        let Some(&c) = text.get(pos) else {
            return Err(syntax_error(vm));
        };
        pos += 1;
        let (value, enter) = match c {
            b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' => continue,
            b'n' => (keyword(vm, text, &mut pos, b"ull", Obj::NONE)?, false),
            b't' => (keyword(vm, text, &mut pos, b"rue", Obj::TRUE)?, false),
            b'f' => (keyword(vm, text, &mut pos, b"alse", Obj::FALSE)?, false),
            b'"' => (string(vm, text, &mut pos)?, false),
            b'-' | b'0'..=b'9' => (number(vm, text, &mut pos)?, false),
            b'[' => (vm.new_list(&[])?, true),
            b'{' => (vm.new_dict(0)?, true),
            b']' | b'}' => match nesting.open.pop() {
                Some((container, _)) if nesting.open.is_empty() => {
                    return finish(vm, text, pos, vm.slot(container));
                }
                Some(_) => continue,
                None => return Err(syntax_error(vm)),
            },
            _ => return Err(syntax_error(vm)),
        };
        let Some(&(container, key)) = nesting.open.last() else {
            if enter {
                let slot = vm.root(value)?;
                nesting.open.push((slot, None));
                continue;
            }
            return finish(vm, text, pos, value);
        };
        let value_slot = vm.root(value)?;
        let container_obj = vm.slot(container);
        if vm.type_of(container_obj) == ty::LIST {
            vm.list_append(container_obj, value)?;
        } else if let Some(key) = key {
            vm.dict_store(container_obj, vm.slot(key), value)?;
            if let Some(top) = nesting.open.last_mut() {
                top.1 = None;
            }
        } else {
            if enter {
                // A container cannot be a key.
                return Err(syntax_error(vm));
            }
            if let Some(top) = nesting.open.last_mut() {
                top.1 = Some(value_slot);
            }
        }
        if enter {
            nesting.open.push((value_slot, None));
        }
    }
}

/// The value once complete: only whitespace may follow it.
fn finish(vm: &mut Vm, text: &[u8], pos: usize, value: Obj) -> PyResult<Obj> {
    if text[pos..].iter().all(u8::is_ascii_whitespace) {
        Ok(value)
    } else {
        Err(syntax_error(vm))
    }
}

fn keyword(vm: &mut Vm, text: &[u8], pos: &mut usize, rest: &[u8], value: Obj) -> PyResult<Obj> {
    if text[*pos..].starts_with(rest) {
        *pos += rest.len();
        Ok(value)
    } else {
        Err(syntax_error(vm))
    }
}

/// A string after its opening quote, through the closing one.
fn string(vm: &mut Vm, text: &[u8], pos: &mut usize) -> PyResult<Obj> {
    let mut bytes = Vec::new();
    loop {
        let Some(&c) = text.get(*pos) else {
            return Err(syntax_error(vm));
        };
        *pos += 1;
        match c {
            b'"' => break,
            b'\\' => {
                let escaped = text.get(*pos).copied().unwrap_or(0);
                *pos += 1;
                match escaped {
                    b'b' => bytes.push(0x08),
                    b'f' => bytes.push(0x0c),
                    b'n' => bytes.push(b'\n'),
                    b'r' => bytes.push(b'\r'),
                    b't' => bytes.push(b'\t'),
                    b'u' => {
                        let hex = text.get(*pos..*pos + 4).unwrap_or_default();
                        let code = std::str::from_utf8(hex)
                            .ok()
                            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                            .and_then(char::from_u32);
                        let Some(code) = code else {
                            return Err(syntax_error(vm));
                        };
                        *pos += 4;
                        bytes.extend_from_slice(code.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                    other => bytes.push(other),
                }
            }
            other => bytes.push(other),
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => vm.new_str(&text),
        Err(_) => Err(syntax_error(vm)),
    }
}

/// A number starting at `pos - 1`: an int, or a float if it has `.`, `e` or `E`.
fn number(vm: &mut Vm, text: &[u8], pos: &mut usize) -> PyResult<Obj> {
    let start = *pos - 1;
    while let Some(&c) = text.get(*pos) {
        if !(c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')) {
            break;
        }
        *pos += 1;
    }
    let literal = &text[start..*pos];
    if literal.iter().any(|c| matches!(c, b'.' | b'e' | b'E')) {
        return match crate::format::float::parse_decimal(literal, false) {
            Some(crate::format::float::Decimal::Float(f)) => vm.new_float(f),
            _ => Err(vm.value_error("invalid syntax for number")),
        };
    }
    match crate::format::int::parse_int(literal, 10, 31) {
        Ok(value) => vm.new_big_int(&value),
        Err(_) => {
            let shown = crate::format::quote::repr_str(&String::from_utf8_lossy(literal));
            Err(vm.value_error(&format!("invalid syntax for integer with base 10: {shown}")))
        }
    }
}
