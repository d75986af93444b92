//! `os` (`extmod/modos.c` with the unix port's VFS-posix functions): environment, `system`,
//! `urandom`, and the file-system calls on the host's file system.
//!
//! Failures raise `OSError(errno)` with the host's error number, as MicroPython's
//! `mp_raise_OSError` does. Not provided: `statvfs`, `uname` and `errno()`, which need C
//! library calls (`unsafe` FFI) that krait keeps out of its modules, and the VFS mounting
//! functions.
use super::ModuleBuilder;
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Raise, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::process::ExitStatusExt;

pub const MODULE: ModuleDef = ModuleDef {
    name: "os",
    extensible: true,
    functions: &[
        ("getenv", getenv),
        ("putenv", putenv),
        ("unsetenv", unsetenv),
        ("system", system),
        ("urandom", urandom),
        ("chdir", chdir),
        ("getcwd", getcwd),
        ("listdir", listdir),
        ("ilistdir", ilistdir),
        ("mkdir", mkdir),
        ("remove", remove),
        ("unlink", remove),
        ("rename", rename),
        ("rmdir", rmdir),
        ("stat", stat),
        ("sync", sync),
    ],
    attrs,
};

fn attrs(vm: &mut Vm, module: &ModuleBuilder) -> PyResult<()> {
    module.set_str(vm, "sep", "/")
}

/// `OSError(errno)` for a failed host call (`EIO` when the host gives no number).
pub(crate) fn os_error(vm: &mut Vm, err: &std::io::Error) -> Raise {
    let errno = i64::from(err.raw_os_error().unwrap_or(5));
    let args = vm
        .new_int(errno)
        .and_then(|errno| vm.new_tuple(&[errno]))
        .and_then(|args| vm.new_exception(ty::OS_ERROR, args));
    match args {
        Ok(exc) => vm.raise(exc),
        Err(raise) => raise,
    }
}

fn path_arg(vm: &mut Vm, args: &Args, index: u32) -> PyResult<String> {
    vm.expect_str(vm.arg(args, index))
}

fn done(vm: &mut Vm, result: std::io::Result<()>) -> PyResult<Obj> {
    match result {
        Ok(()) => Ok(Obj::NONE),
        Err(err) => Err(os_error(vm, &err)),
    }
}

/// `getenv(key, default=None)`.
fn getenv(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let key = path_arg(vm, &args, 0)?;
    match std::env::var_os(&key) {
        Some(value) => vm.new_str(&value.to_string_lossy()),
        None if args.n_pos > 1 => Ok(vm.arg(&args, 1)),
        None => Ok(Obj::NONE),
    }
}

/// `putenv(key, value)`.
fn putenv(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let key = path_arg(vm, &args, 0)?;
    let value = path_arg(vm, &args, 1)?;
    if key.is_empty() || key.contains(['=', '\0']) || value.contains('\0') {
        return Err(os_error(vm, &std::io::Error::from_raw_os_error(22)));
    }
    std::env::set_var(key, value);
    Ok(Obj::NONE)
}

/// `unsetenv(key)`.
fn unsetenv(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let key = path_arg(vm, &args, 0)?;
    if key.is_empty() || key.contains(['=', '\0']) {
        return Err(os_error(vm, &std::io::Error::from_raw_os_error(22)));
    }
    std::env::remove_var(key);
    Ok(Obj::NONE)
}

/// `system(command)`: the wait status of `sh -c command`, as C's `system` returns it.
fn system(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let command = path_arg(vm, &args, 0)?;
    let status = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .status();
    match status {
        Ok(status) => vm.new_int(i64::from(status.into_raw())),
        Err(_) => vm.new_int(-1),
    }
}

/// `urandom(n)`: `n` bytes from the host's random source.
fn urandom(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let n = vm.get_int(vm.arg(&args, 0))?;
    let n = usize::try_from(n).map_err(|_| vm.value_error("negative count"))?;
    super::args::check_size(vm, n)?;
    let mut bytes = vec![0; n];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    match read {
        Ok(()) => vm.new_bytes(&bytes),
        Err(err) => Err(os_error(vm, &err)),
    }
}

fn chdir(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let path = path_arg(vm, &args, 0)?;
    done(vm, std::env::set_current_dir(path))
}

fn getcwd(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    match std::env::current_dir() {
        Ok(dir) => vm.new_str(&dir.to_string_lossy()),
        Err(err) => Err(os_error(vm, &err)),
    }
}

/// A directory's entries as (name, `stat` type bits, inode), in the host's order.
fn entries(vm: &mut Vm, args: &Args) -> PyResult<Vec<(String, i64, u64)>> {
    arity(vm, args, 0, 1)?;
    let dir = if args.n_pos == 0 {
        ".".to_string()
    } else {
        path_arg(vm, args, 0)?
    };
    let read = std::fs::read_dir(dir).and_then(|entries| {
        entries
            .map(|entry| {
                let entry = entry?;
                let kind = entry.file_type()?;
                let mode = if kind.is_dir() {
                    0o040000
                } else if kind.is_file() {
                    0o100000
                } else if kind.is_symlink() {
                    0o120000
                } else if kind.is_fifo() {
                    0o010000
                } else {
                    0
                };
                let inode = std::os::unix::fs::DirEntryExt::ino(&entry);
                Ok((
                    entry.file_name().to_string_lossy().into_owned(),
                    mode,
                    inode,
                ))
            })
            .collect::<std::io::Result<Vec<_>>>()
    });
    read.map_err(|err| os_error(vm, &err))
}

/// `listdir([dir])`: the names in `dir` (default the current directory).
fn listdir(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let entries = entries(vm, &args)?;
    let list = vm.new_list(&[])?;
    let slot = vm.root(list)?;
    for (name, _, _) in entries {
        let name = vm.new_str(&name)?;
        vm.list_append(vm.slot(slot), name)?;
    }
    Ok(vm.slot(slot))
}

/// `ilistdir([dir])`: an iterator of `(name, type, inode)` tuples.
fn ilistdir(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let entries = entries(vm, &args)?;
    let list = vm.new_list(&[])?;
    let slot = vm.root(list)?;
    for (name, mode, inode) in entries {
        let name = vm.new_str(&name)?;
        let name_slot = vm.root(name)?;
        let inode = vm.new_big_int(&inode.into())?;
        let mode = vm.new_int(mode)?;
        let entry = vm.new_tuple(&[vm.slot(name_slot), mode, inode])?;
        vm.list_append(vm.slot(slot), entry)?;
    }
    vm.get_iter(vm.slot(slot))
}

fn mkdir(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let path = path_arg(vm, &args, 0)?;
    done(vm, std::fs::create_dir(path))
}

fn remove(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let path = path_arg(vm, &args, 0)?;
    done(vm, std::fs::remove_file(path))
}

fn rename(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let from = path_arg(vm, &args, 0)?;
    let to = path_arg(vm, &args, 1)?;
    done(vm, std::fs::rename(from, to))
}

fn rmdir(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let path = path_arg(vm, &args, 0)?;
    done(vm, std::fs::remove_dir(path))
}

/// `stat(path)`: `(mode, ino, dev, nlink, uid, gid, size, atime, mtime, ctime)`.
fn stat(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let path = path_arg(vm, &args, 0)?;
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) => return Err(os_error(vm, &err)),
    };
    let fields = [
        i128::from(meta.mode()),
        i128::from(meta.ino()),
        i128::from(meta.dev()),
        i128::from(meta.nlink()),
        i128::from(meta.uid()),
        i128::from(meta.gid()),
        i128::from(meta.size()),
        i128::from(meta.atime()),
        i128::from(meta.mtime()),
        i128::from(meta.ctime()),
    ];
    let mark = vm.stack_mark();
    let mut slots = Vec::with_capacity(fields.len());
    for field in fields {
        let item = vm.new_big_int(&field.into())?;
        slots.push(vm.root(item)?);
    }
    let items: Vec<Obj> = slots.into_iter().map(|slot| vm.slot(slot)).collect();
    let tuple = vm.new_tuple(&items);
    vm.stack_release(mark);
    tuple
}

/// `sync()`: the host flushes on its own schedule; nothing is buffered in krait.
fn sync(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    Ok(Obj::NONE)
}
