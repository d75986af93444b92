//! Constructors and the methods of `bytes`, `bytearray` and `memoryview` that are theirs
//! alone (the text methods they share with `str` are in `text.rs`).
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;

/// `bytes(...)` (`bytes_make_new`).
pub fn bytes_new(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos == 0 {
        return vm.new_bytes(&[]);
    }
    let source = vm.arg(&args, 0);
    if vm.is_bytes(source) {
        return Ok(source);
    }
    if vm.is_str(source) {
        if !(2..=3).contains(&args.n_pos) {
            return Err(vm.type_error("string argument without an encoding"));
        }
        let data = vm.str_bytes(source);
        return vm.new_bytes(&data);
    }
    if args.n_pos > 1 {
        return Err(vm.type_error("wrong number of arguments"));
    }
    let data = byte_source(vm, source)?;
    vm.new_bytes(&data)
}

/// `bytearray(...)` (`bytearray_make_new`).
pub fn bytearray_new(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos > 3 {
        return Err(vm.type_error("function expected at most 3 arguments"));
    }
    if args.n_pos == 0 {
        return vm.new_bytearray(&[]);
    }
    let source = vm.arg(&args, 0);
    if vm.is_str(source) {
        if args.n_pos == 1 {
            return Err(vm.type_error("string argument without an encoding"));
        }
        let data = vm.str_bytes(source);
        return vm.new_bytearray(&data);
    }
    let data = byte_source(vm, source)?;
    vm.new_bytearray(&data)
}

/// The bytes a bytes or bytearray is built from: a count of zeros, a buffer's bytes, or an
/// iterable of ints in `0..256`.
fn byte_source(vm: &mut Vm, source: Obj) -> PyResult<Vec<u8>> {
    if let Some(n) = source.as_small_int() {
        if n < 0 {
            return Err(vm.value_error("negative count"));
        }
        vm.check_repeat_size(n as usize, 1, 1)?;
        return Ok(vec![0; n as usize]);
    }
    if let Some(data) = vm.buffer_bytes_of(source) {
        return Ok(data);
    }
    let mark = vm.stack_mark();
    let iter = vm.get_iter(source)?;
    let iter_slot = vm.root(iter)?;
    let mut data = Vec::new();
    while let Some(item) = vm.iter_next(vm.slot(iter_slot))? {
        let value = vm.get_int(item)?;
        if !(0..=255).contains(&value) {
            return Err(vm.value_error("bytes value out of range"));
        }
        data.push(value as u8);
    }
    vm.stack_release(mark);
    Ok(data)
}

/// `memoryview(obj)`.
pub fn memoryview_new(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos != 1 || args.n_kw != 0 {
        return Err(vm.type_error(&format!(
            "function takes 1 positional arguments but {} were given",
            args.n_pos
        )));
    }
    vm.new_memoryview(vm.arg(&args, 0))
}

/// `bytearray.append(x)`.
pub fn array_append(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    vm.array_append(vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

/// `bytearray.extend(iterable)`.
pub fn array_extend(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    vm.array_extend(vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

/// `x.hex([sep])` of anything with a buffer.
pub fn hex(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let buffer = vm.get_buffer_raise(vm.arg(&args, 0))?;
    let data = vm.buffer_bytes(buffer);
    let sep = if args.n_pos > 1 {
        vm.expect_str(vm.arg(&args, 1))?.chars().next()
    } else {
        None
    };
    let mut text = String::with_capacity(data.len() * 3);
    for (i, byte) in data.iter().enumerate() {
        if let (Some(sep), true) = (sep, i > 0) {
            text.push(sep);
        }
        text.push_str(&format!("{byte:02x}"));
    }
    vm.new_str(&text)
}

/// `bytes.fromhex(text)` (a classmethod): pairs of hex digits, whitespace between pairs.
pub fn fromhex(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let class = vm.arg(&args, 0).raw();
    let source = vm.arg(&args, 1);
    let text = if vm.is_str(source) {
        vm.str_bytes(source)
    } else {
        let buffer = vm.get_buffer_raise(source)?;
        vm.buffer_bytes(buffer)
    };
    let mut data = Vec::with_capacity(text.len() / 2);
    let mut digits = text.iter().copied();
    while let Some(high) = digits.next() {
        if high.is_ascii_whitespace() {
            continue;
        }
        let pair = (high as char)
            .to_digit(16)
            .zip(digits.next().and_then(|low| (low as char).to_digit(16)));
        let Some((high, low)) = pair else {
            return Err(vm.value_error("non-hex digit"));
        };
        data.push((high << 4 | low) as u8);
    }
    if vm.is_subclass(class, ty::BYTEARRAY) {
        vm.new_bytearray(&data)
    } else {
        vm.new_bytes(&data)
    }
}

/// `bytes.decode([encoding])`: the text, which must be UTF-8.
pub fn decode(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let buffer = vm.get_buffer_raise(vm.arg(&args, 0))?;
    let data = vm.buffer_bytes(buffer);
    new_str_from_utf8(vm, data)
}

/// A `str` from bytes that must be valid UTF-8 (`UnicodeError` otherwise, as MicroPython's
/// unicode check raises).
pub fn new_str_from_utf8(vm: &mut Vm, data: Vec<u8>) -> PyResult<Obj> {
    match String::from_utf8(data) {
        Ok(text) => vm.new_str(&text),
        Err(_) => Err(vm.raise_type(ty::UNICODE_ERROR)),
    }
}

/// `str.encode([encoding])`: the UTF-8 bytes.
pub fn encode(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let data = vm.str_bytes(vm.arg(&args, 0));
    vm.new_bytes(&data)
}

/// `str(obj, encoding[, errors])`: bytes-like `obj` decoded.
pub fn str_decoding(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let source = vm.arg(&args, 0);
    match vm.get_buffer(source) {
        Some(buffer) => {
            let data = vm.buffer_bytes(buffer);
            new_str_from_utf8(vm, data)
        }
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}
