//! Files of the host file system (`extmod/vfs_posix_file.c`): `open()` and its objects,
//! `TextIOWrapper` (text: `str` in and out) and `FileIO` (binary: `bytes`).
//!
//! Modes are read as MicroPython reads them, one letter at a time: `r` read, `w` write and
//! truncate (creating), `a` append (creating), `+` read and write, `b` binary, `t` text. The
//! host files live in a per-thread table the objects index (`(slot, text)` is their state;
//! `slot` `None` once closed), since a Rust `File` cannot live in the VM's heap. Objects
//! print as `<io.TextIOWrapper N>` with their table slot standing for the descriptor.
use super::super::args::{arg_or_kw, read_buffer};
use super::super::native::{self, State};
use super::super::os::os_error;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;
use std::cell::RefCell;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

thread_local! {
    static FILES: RefCell<Vec<Option<File>>> = const { RefCell::new(Vec::new()) };
}

const SLOT: u32 = 0;

/// `open(file, mode='r')`.
pub fn open(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 3)?;
    let path = vm.expect_str(vm.arg(&args, 0))?;
    let mode = match arg_or_kw(vm, &args, 1, "mode")? {
        Some(mode) => vm.expect_str(mode)?,
        None => "r".to_string(),
    };
    let mut options = std::fs::OpenOptions::new();
    let mut text = true;
    let (mut read, mut write) = (true, false);
    for c in mode.chars() {
        match c {
            'r' => (read, write) = (true, false),
            'w' => {
                (read, write) = (false, true);
                options.create(true).truncate(true);
            }
            'a' => {
                (read, write) = (false, true);
                options.create(true).append(true);
            }
            '+' => (read, write) = (true, true),
            'b' => text = false,
            't' => text = true,
            _ => {}
        }
    }
    let file = match options.read(read).write(write).open(path) {
        Ok(file) => file,
        Err(err) => return Err(os_error(vm, &err)),
    };
    let slot = FILES.with(|files| {
        let mut files = files.borrow_mut();
        match files.iter().position(Option::is_none) {
            Some(free) => {
                files[free] = Some(file);
                free
            }
            None => {
                files.push(Some(file));
                files.len() - 1
            }
        }
    });
    let kind = if text { "TextIOWrapper" } else { "FileIO" };
    let class = native::class(vm, "io", kind)?;
    let class_slot = vm.root(class)?;
    let instance = vm.new_instance(vm.slot(class_slot).raw())?;
    let instance_slot = vm.root(instance)?;
    let slot = vm.new_int(slot as i64)?;
    native::attach(vm, instance, kind, &[slot])?;
    Ok(vm.slot(instance_slot))
}

/// The file object `obj`: its state, host slot and whether it is text.
fn file(vm: &mut Vm, obj: Obj) -> PyResult<(State, Option<usize>, bool)> {
    let (state, text) = match native::state(vm, obj, "TextIOWrapper") {
        Ok(state) => (state, true),
        Err(_) => (native::state(vm, obj, "FileIO")?, false),
    };
    let slot = state.get(vm, SLOT).as_small_int().map(|s| s as usize);
    Ok((state, slot, text))
}

/// Runs `f` on the open host file of `obj`.
fn with_file<T>(
    vm: &mut Vm,
    obj: Obj,
    f: impl FnOnce(&mut File, bool) -> std::io::Result<T>,
) -> PyResult<T> {
    let (_, slot, text) = file(vm, obj)?;
    let result = FILES.with(|files| {
        let mut files = files.borrow_mut();
        slot.and_then(|slot| files.get_mut(slot)?.as_mut())
            .map(|host| f(host, text))
    });
    match result {
        Some(Ok(value)) => Ok(value),
        Some(Err(err)) => Err(os_error(vm, &err)),
        None => Err(vm.value_error("I/O operation on closed file")),
    }
}

fn new_content(vm: &mut Vm, text: bool, bytes: &[u8]) -> PyResult<Obj> {
    if text {
        vm.new_str(&String::from_utf8_lossy(bytes))
    } else {
        vm.new_bytes(bytes)
    }
}

/// Reads up to `count` units (characters of text, else bytes), stopping after a newline when
/// `line`.
fn read_units(
    host: &mut File,
    text: bool,
    count: Option<usize>,
    line: bool,
) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut units = 0;
    while count.is_none_or(|count| units < count) {
        let unit = if text {
            read_char(host)?
        } else {
            read_bytes(host, 1)?
        };
        if unit.is_empty() {
            break;
        }
        out.extend_from_slice(&unit);
        units += 1;
        if line && unit == b"\n" {
            break;
        }
    }
    Ok(out)
}

/// One UTF-8 character: its first byte says how many follow.
fn read_char(host: &mut File) -> std::io::Result<Vec<u8>> {
    let mut char_bytes = read_bytes(host, 1)?;
    let following = match char_bytes.first() {
        Some(0xC0..=0xDF) => 1,
        Some(0xE0..=0xEF) => 2,
        Some(0xF0..=0xF7) => 3,
        _ => 0,
    };
    char_bytes.extend(read_bytes(host, following)?);
    Ok(char_bytes)
}

/// Up to `n` bytes (fewer at the end of the file).
fn read_bytes(host: &mut File, n: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(n);
    host.take(n as u64).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn size_arg(vm: &mut Vm, args: &Args) -> PyResult<Option<usize>> {
    if args.n_pos < 2 || vm.arg(args, 1) == Obj::NONE {
        return Ok(None);
    }
    let size = vm.get_int(vm.arg(args, 1))?;
    Ok(usize::try_from(size).ok())
}

/// `read([size])`.
pub fn read(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let count = size_arg(vm, &args)?;
    let (_, _, text) = file(vm, vm.arg(&args, 0))?;
    let bytes = with_file(vm, vm.arg(&args, 0), |host, text| {
        if count.is_none() {
            let mut all = Vec::new();
            host.read_to_end(&mut all)?;
            return Ok(all);
        }
        read_units(host, text, count, false)
    })?;
    new_content(vm, text, &bytes)
}

/// `readline([size])`.
pub fn readline(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let count = size_arg(vm, &args)?;
    let (_, _, text) = file(vm, vm.arg(&args, 0))?;
    let bytes = with_file(vm, vm.arg(&args, 0), |host, text| {
        read_units(host, text, count, true)
    })?;
    new_content(vm, text, &bytes)
}

/// `readlines()`: the remaining lines.
pub fn readlines(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let list = vm.new_list(&[])?;
    let list_slot = vm.root(list)?;
    loop {
        let line = readline(vm, args)?;
        if vm.str_bytes(line).is_empty() {
            break;
        }
        vm.list_append(vm.slot(list_slot), line)?;
    }
    Ok(vm.slot(list_slot))
}

/// `__next__`: the next line, or `StopIteration` at the end.
pub fn next(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let line = readline(vm, args)?;
    if vm.str_bytes(line).is_empty() {
        return Err(vm.raise_type(ty::STOP_ITERATION));
    }
    Ok(line)
}

/// `write(data)`: the number of bytes written.
pub fn write(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let data = read_buffer(vm, vm.arg(&args, 1))?;
    let written = with_file(vm, vm.arg(&args, 0), |host, _| host.write(&data))?;
    vm.new_int(written as i64)
}

/// `seek(offset[, whence])`: the new position.
pub fn seek(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 3)?;
    let offset = vm.get_int(vm.arg(&args, 1))?;
    let whence = if args.n_pos > 2 {
        vm.get_int(vm.arg(&args, 2))?
    } else {
        0
    };
    let target = match whence {
        1 => SeekFrom::Current(offset),
        2 => SeekFrom::End(offset),
        _ => SeekFrom::Start(u64::try_from(offset).unwrap_or(u64::MAX)),
    };
    let position = with_file(vm, vm.arg(&args, 0), |host, _| host.seek(target))?;
    vm.new_int(position as i64)
}

pub fn tell(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let position = with_file(vm, vm.arg(&args, 0), |host, _| host.stream_position())?;
    vm.new_int(position as i64)
}

pub fn flush(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    with_file(vm, vm.arg(&args, 0), |host, _| host.flush())?;
    Ok(Obj::NONE)
}

/// `close()`, also `__exit__`: frees the host file; closing again does nothing.
pub fn close(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let (state, slot, _) = file(vm, vm.arg(&args, 0))?;
    if let Some(slot) = slot {
        FILES.with(|files| {
            if let Some(host) = files.borrow_mut().get_mut(slot) {
                *host = None;
            }
        });
        state.set(vm, SLOT, Obj::NONE);
    }
    Ok(Obj::NONE)
}

/// `__enter__` and `__iter__`: the file itself.
pub fn enter(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let this = vm.arg(&args, 0);
    file(vm, this)?;
    Ok(this)
}

pub fn repr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (_, slot, text) = file(vm, vm.arg(&args, 0))?;
    let kind = if text { "TextIOWrapper" } else { "FileIO" };
    let fd = slot.map_or(-1, |slot| slot as i64);
    vm.new_str(&format!("<io.{kind} {fd}>"))
}
