//! `io` (`py/modio.c`, `py/objstringio.c` and the stream methods of `py/stream.c`):
//! `StringIO` and `BytesIO`, in-memory streams, `IOBase` for streams written in Python, and
//! `open` (also the builtin) with its file objects (see [`file`]).
//!
//! Both hold bytes and a position: `StringIO` reads and returns `str` (its `read(n)` and
//! `readline(n)` count characters), `BytesIO` `bytes`; `write` takes either (anything with the
//! buffer protocol, as MicroPython's `stream.write`) and returns the number of bytes written.
//! Writing past the end after a `seek` fills the gap with zero bytes. After `close()`, every
//! operation raises `ValueError: I/O operation on closed file`. They are classes of this module
//! (see [`super::native`]); their state is `(contents, position)`, `contents` `None` once
//! closed.
mod file;

pub use file::open;

use super::args::read_buffer;
use super::native::{self, State};
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;

pub const MODULE: ModuleDef = ModuleDef {
    name: "io",
    extensible: true,
    functions: &[
        ("open", open),
        ("IOBase.__init__", iobase_init),
        ("StringIO.__init__", init_text),
        ("StringIO.__repr__", repr),
        ("StringIO.read", read),
        ("StringIO.readline", readline),
        ("StringIO.write", write),
        ("StringIO.seek", seek),
        ("StringIO.tell", tell),
        ("StringIO.flush", flush),
        ("StringIO.close", close),
        ("StringIO.getvalue", getvalue),
        ("StringIO.__enter__", enter),
        ("StringIO.__exit__", exit),
        ("StringIO.__iter__", enter),
        ("StringIO.__next__", next),
        ("BytesIO.__init__", init_bytes),
        ("BytesIO.__repr__", repr),
        ("BytesIO.read", read),
        ("BytesIO.readline", readline),
        ("BytesIO.write", write),
        ("BytesIO.seek", seek),
        ("BytesIO.tell", tell),
        ("BytesIO.flush", flush),
        ("BytesIO.close", close),
        ("BytesIO.getvalue", getvalue),
        ("BytesIO.__enter__", enter),
        ("BytesIO.__exit__", exit),
        ("BytesIO.__iter__", enter),
        ("BytesIO.__next__", next),
        ("TextIOWrapper.__repr__", file::repr),
        ("TextIOWrapper.read", file::read),
        ("TextIOWrapper.readline", file::readline),
        ("TextIOWrapper.readlines", file::readlines),
        ("TextIOWrapper.write", file::write),
        ("TextIOWrapper.seek", file::seek),
        ("TextIOWrapper.tell", file::tell),
        ("TextIOWrapper.flush", file::flush),
        ("TextIOWrapper.close", file::close),
        ("TextIOWrapper.__enter__", file::enter),
        ("TextIOWrapper.__exit__", file::close),
        ("TextIOWrapper.__iter__", file::enter),
        ("TextIOWrapper.__next__", file::next),
        ("FileIO.__repr__", file::repr),
        ("FileIO.read", file::read),
        ("FileIO.readline", file::readline),
        ("FileIO.readlines", file::readlines),
        ("FileIO.write", file::write),
        ("FileIO.seek", file::seek),
        ("FileIO.tell", file::tell),
        ("FileIO.flush", file::flush),
        ("FileIO.close", file::close),
        ("FileIO.__enter__", file::enter),
        ("FileIO.__exit__", file::close),
        ("FileIO.__iter__", file::enter),
        ("FileIO.__next__", file::next),
    ],
    attrs: super::no_attrs,
};

const CONTENTS: u32 = 0;
const POSITION: u32 = 1;

/// The stream `obj`: its state and whether it is a text (`StringIO`) stream.
fn stream(vm: &mut Vm, obj: Obj) -> PyResult<(State, bool)> {
    if let Ok(state) = native::state(vm, obj, "StringIO") {
        return Ok((state, true));
    }
    Ok((native::state(vm, obj, "BytesIO")?, false))
}

/// The contents and position of an open stream.
fn open_stream(vm: &mut Vm, obj: Obj) -> PyResult<(State, bool, Vec<u8>, usize)> {
    let (state, text) = stream(vm, obj)?;
    let contents = state.get(vm, CONTENTS);
    if contents == Obj::NONE {
        return Err(vm.value_error("I/O operation on closed file"));
    }
    let position = vm.get_int(state.get(vm, POSITION))?;
    let position = usize::try_from(position).unwrap_or(0);
    Ok((state, text, vm.str_bytes(contents), position))
}

fn store(vm: &mut Vm, state: State, contents: Option<&[u8]>, position: usize) -> PyResult<()> {
    if let Some(contents) = contents {
        let contents = vm.new_bytes(contents)?;
        state.set(vm, CONTENTS, contents);
    }
    let position = vm.new_int(position as i64)?;
    state.set(vm, POSITION, position);
    Ok(())
}

fn new_content(vm: &mut Vm, text: bool, bytes: &[u8]) -> PyResult<Obj> {
    if text {
        vm.new_str(&String::from_utf8_lossy(bytes))
    } else {
        vm.new_bytes(bytes)
    }
}

/// Writes `text` through `stream`'s `write` if it is a stream of this module (a `StringIO`,
/// `BytesIO`, file, or an instance of an `IOBase` subclass), for `print(file=...)`; false for
/// anything else.
pub fn write_to_stream(vm: &mut Vm, stream: Obj, text: &str) -> PyResult<bool> {
    if !vm.is_instance_of_user_type(stream) {
        return Ok(false);
    }
    let t = vm.type_of(stream);
    let mut is_stream = false;
    for class in ["StringIO", "BytesIO", "TextIOWrapper", "FileIO", "IOBase"] {
        let class = native::class(vm, "io", class)?;
        is_stream |= vm.is_subclass(t, class.raw());
    }
    if !is_stream {
        return Ok(false);
    }
    let mark = vm.stack_mark();
    let stream_slot = vm.root(stream)?;
    let text = vm.new_str(text)?;
    let text_slot = vm.root(text)?;
    let write = vm.intern("write")?;
    let (method, self_obj) = vm.load_method(vm.slot(stream_slot), write)?;
    vm.call_method(method, self_obj, &[vm.slot(text_slot)])?;
    vm.stack_release(mark);
    Ok(true)
}

/// `IOBase()`: the base for streams written in Python (they define `write`, `readinto`, ...).
fn iobase_init(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    Ok(Obj::NONE)
}

fn init_text(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    init(vm, args, "StringIO")
}

fn init_bytes(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    init(vm, args, "BytesIO")
}

/// `StringIO([initial])`, `BytesIO([initial])`: initial contents (a buffer) or a size hint.
fn init(vm: &mut Vm, args: Args, kind: &str) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let initial = if args.n_pos > 1 && vm.type_of(vm.arg(&args, 1)) != ty::INT {
        read_buffer(vm, vm.arg(&args, 1))?
    } else {
        Vec::new()
    };
    let contents = vm.new_bytes(&initial)?;
    let contents_slot = vm.root(contents)?;
    let position = vm.new_int(0)?;
    native::attach(
        vm,
        vm.arg(&args, 0),
        kind,
        &[vm.slot(contents_slot), position],
    )?;
    Ok(Obj::NONE)
}

fn repr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let this = vm.arg(&args, 0);
    let (_, text) = stream(vm, this)?;
    let kind = if text { "StringIO" } else { "BytesIO" };
    vm.new_str(&format!("<io.{kind} 0x{:x}>", this.raw()))
}

/// Where `count` units from `start` end: bytes, or characters of UTF-8 text.
fn advance(contents: &[u8], start: usize, count: Option<usize>, text: bool) -> usize {
    let Some(count) = count else {
        return contents.len();
    };
    if !text {
        return start.saturating_add(count).min(contents.len());
    }
    let mut end = start;
    for _ in 0..count {
        if end >= contents.len() {
            break;
        }
        end += 1;
        while end < contents.len() && contents[end] & 0xC0 == 0x80 {
            end += 1;
        }
    }
    end
}

/// An optional size argument: absent, `None` or negative means everything.
fn size_arg(vm: &mut Vm, args: &Args) -> PyResult<Option<usize>> {
    if args.n_pos < 2 || vm.arg(args, 1) == Obj::NONE {
        return Ok(None);
    }
    let size = vm.get_int(vm.arg(args, 1))?;
    Ok(usize::try_from(size).ok())
}

/// `read([size])`.
fn read(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let count = size_arg(vm, &args)?;
    let (state, text, contents, position) = open_stream(vm, vm.arg(&args, 0))?;
    let start = position.min(contents.len());
    let end = advance(&contents, start, count, text);
    store(vm, state, None, position.max(end))?;
    new_content(vm, text, &contents[start..end])
}

/// `readline([size])`: through the next newline (or `size` units, or the end).
fn readline(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let count = size_arg(vm, &args)?;
    let (state, text, contents, position) = open_stream(vm, vm.arg(&args, 0))?;
    let start = position.min(contents.len());
    let limit = advance(&contents, start, count, text);
    let end = contents[start..limit]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(limit, |i| start + i + 1);
    store(vm, state, None, position.max(end))?;
    new_content(vm, text, &contents[start..end])
}

/// `__next__`: the next line, or `StopIteration` at the end.
fn next(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let line = readline(vm, args)?;
    if vm.str_bytes(line).is_empty() {
        return Err(vm.raise_type(ty::STOP_ITERATION));
    }
    Ok(line)
}

/// `write(data[, max_len])` or `write(data, offset, max_len)`: the number of bytes written.
fn write(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 4)?;
    let mut data = read_buffer(vm, vm.arg(&args, 1))?;
    let (offset, max_len) = match args.n_pos {
        3 => (0, vm.get_int(vm.arg(&args, 2))?),
        4 => (vm.get_int(vm.arg(&args, 2))?, vm.get_int(vm.arg(&args, 3))?),
        _ => (0, i64::MAX),
    };
    let start = usize::try_from(offset).unwrap_or(0).min(data.len());
    let end = start
        .saturating_add(usize::try_from(max_len).unwrap_or(0))
        .min(data.len());
    data = data[start..end].to_vec();
    let (state, _, mut contents, position) = open_stream(vm, vm.arg(&args, 0))?;
    let end = position.saturating_add(data.len());
    super::args::check_size(vm, end)?;
    if contents.len() < end {
        contents.resize(end, 0);
    }
    contents[position..end].copy_from_slice(&data);
    store(vm, state, Some(&contents), end)?;
    vm.new_int(data.len() as i64)
}

/// `seek(offset[, whence])`: from the start (0), the position (1) or the end (2); a
/// negative result from 1 or 2 clamps to 0, as in CPython.
fn seek(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 3)?;
    let offset = vm.get_int(vm.arg(&args, 1))?;
    let whence = if args.n_pos > 2 {
        vm.get_int(vm.arg(&args, 2))?
    } else {
        0
    };
    let (state, _, contents, position) = open_stream(vm, vm.arg(&args, 0))?;
    let reference = match whence {
        1 => position as i64,
        2 => contents.len() as i64,
        _ => 0,
    };
    let target = reference + offset;
    let target = if target < 0 {
        if whence == 0 {
            return Err(super::os::os_error(
                vm,
                &std::io::Error::from_raw_os_error(22),
            ));
        }
        0
    } else {
        target as usize
    };
    store(vm, state, None, target)?;
    vm.new_int(target as i64)
}

fn tell(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (_, _, _, position) = open_stream(vm, vm.arg(&args, 0))?;
    vm.new_int(position as i64)
}

fn flush(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    open_stream(vm, vm.arg(&args, 0))?;
    Ok(Obj::NONE)
}

/// `close()`: drops the contents; closing again is allowed.
fn close(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (state, _) = stream(vm, vm.arg(&args, 0))?;
    state.set(vm, CONTENTS, Obj::NONE);
    Ok(Obj::NONE)
}

/// `getvalue()`: all the contents, whatever the position.
fn getvalue(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (_, text, contents, _) = open_stream(vm, vm.arg(&args, 0))?;
    new_content(vm, text, &contents)
}

/// `__enter__` and `__iter__`: the stream itself.
fn enter(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let this = vm.arg(&args, 0);
    stream(vm, this)?;
    Ok(this)
}

/// `__exit__(*exc_info)`: closes the stream.
fn exit(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let (state, _) = stream(vm, vm.arg(&args, 0))?;
    state.set(vm, CONTENTS, Obj::NONE);
    Ok(Obj::NONE)
}
