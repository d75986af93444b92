//! Standard streams: `sys.stdin`, `sys.stdout`, `sys.stderr` (the unix port's
//! `io.TextIOWrapper` objects on fds 0, 1 and 2, each with a binary `io.FileIO` as its
//! `buffer`), and where the VM's output goes.
//!
//! Output is streamed to the host's stdout and stderr as it is written (unbuffered, as the
//! unix port writes), once the embedder asks for it with [`Vm::stream_stdio`]; until then
//! both streams are captured, in order, in `vm.out` (what tests compare).
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::{qstrs, ty};
use crate::runtime::obj::Obj;
use std::io::{BufRead, Read, Write};

/// A stream object: its type, its fd (a small int) and, for a text stream, its binary
/// `buffer` stream.
const SIZE: u32 = 12;
const FD: u32 = 4;
const BUFFER: u32 = 8;

pub const STDIN: i64 = 0;
pub const STDOUT: i64 = 1;
pub const STDERR: i64 = 2;

impl Vm {
    /// Sends output straight to the host's stdout/stderr from now on.
    pub fn stream_stdio(&mut self) {
        self.modules.streaming = true;
    }

    /// Writes `bytes` to fd 1 (stdout) or 2 (stderr).
    pub fn write_stdio(&mut self, fd: i64, bytes: &[u8]) {
        if !self.modules.streaming {
            self.out.extend_from_slice(bytes);
        } else if fd == STDERR {
            let _ = std::io::stderr().write_all(bytes);
        } else {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(bytes).and_then(|_| stdout.flush());
        }
    }

    /// A text stream on `fd`, with its binary buffer.
    pub fn new_stream(&mut self, fd: i64) -> PyResult<Obj> {
        let fd = Obj::small_int(fd).unwrap_or(Obj::NONE);
        let buffer = self.alloc_obj(ty::FILE_IO, SIZE)?;
        self.arena_mut().store_u32(buffer + FD, fd.raw());
        let buffer = self.root(Obj::from_raw(buffer))?;
        let text = self.alloc_obj(ty::TEXT_IO, SIZE)?;
        let buffer = self.slot(buffer);
        self.arena_mut().store_u32(text + FD, fd.raw());
        self.arena_mut().store_u32(text + BUFFER, buffer.raw());
        Ok(Obj::from_raw(text))
    }

    /// `stream.buffer`: the binary stream under a text stream.
    pub fn stream_buffer(&self, stream: Obj) -> Obj {
        Obj::from_raw(self.arena().load_u32(stream.raw() + BUFFER))
    }

    /// The fd of a stream object.
    pub fn stream_fd(&self, stream: Obj) -> i64 {
        let fd = Obj::from_raw(self.arena().load_u32(stream.raw() + FD));
        i64::from(fd.as_small_int().unwrap_or(-1))
    }

    /// `repr` of a stream: `<io.TextIOWrapper 1>`, `<io.FileIO 1>`.
    pub fn stream_repr(&self, stream: Obj) -> String {
        let name = self.type_name_of(stream);
        format!("<io.{name} {}>", self.stream_fd(stream))
    }

    /// What a stream read: `str` from a text stream, `bytes` from a binary one.
    fn stream_data(&mut self, stream: Obj, data: &[u8]) -> PyResult<Obj> {
        if self.type_of(stream) == ty::FILE_IO {
            self.new_bytes(data)
        } else {
            self.new_str(&String::from_utf8_lossy(data))
        }
    }
}

impl Vm {
    /// Writes `text` to `stream` (`print(file=...)`, `sys.print_exception`): only objects
    /// with the stream protocol (builtin streams and the `io` module's) qualify, as in
    /// MicroPython.
    pub fn stream_write(&mut self, stream: Obj, text: &str) -> PyResult<()> {
        let t = self.type_of(stream);
        let write = crate::objects::is_builtin_type(t)
            .then(|| crate::builtins::type_attr(t, qstrs::WRITE))
            .flatten();
        let Some(write) = write else {
            if crate::modules::io::write_to_stream(self, stream, text)? {
                return Ok(());
            }
            return Err(self.raise_msg(ty::OS_ERROR, "stream operation not supported"));
        };
        let mark = self.stack_mark();
        let stream = self.root(stream)?;
        let text = self.new_str(text)?;
        self.call_objs(write, &[self.slot(stream), text])?;
        self.stack_release(mark);
        Ok(())
    }
}

/// `stream.write(s)`: writes a `str` or `bytes`, returning the number of bytes.
pub fn write(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let (stream, data) = (vm.arg(&args, 0), vm.arg(&args, 1));
    if !(vm.is_str(data) || vm.is_bytes(data)) {
        return Err(vm.type_error("object with buffer protocol required"));
    }
    let fd = vm.stream_fd(stream);
    if fd == STDIN {
        return Err(bad_fd(vm));
    }
    let bytes = vm.str_bytes(data);
    vm.write_stdio(fd, &bytes);
    vm.new_int(bytes.len() as i64)
}

/// The `input([prompt])` builtin: writes the prompt, reads a line from stdin without its
/// newline; `EOFError` at the end of input.
pub fn input(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 1)?;
    if args.n_pos == 1 {
        let prompt = vm.str_of(vm.arg(&args, 0))?;
        vm.write_stdio(STDOUT, prompt.as_bytes());
    }
    let mut line = Vec::new();
    std::io::stdin()
        .lock()
        .read_until(b'\n', &mut line)
        .map_err(|err| vm.os_error(&err))?;
    if line.is_empty() {
        return Err(vm.raise_type(ty::EOF_ERROR));
    }
    if line.ends_with(b"\n") {
        line.pop();
    }
    vm.new_str(&String::from_utf8_lossy(&line))
}

/// `stream.fileno()`.
pub fn fileno(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    vm.new_int(vm.stream_fd(vm.arg(&args, 0)))
}

/// `stream.flush()`: output is never buffered, so nothing to do.
pub fn flush(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    Ok(Obj::NONE)
}

/// `stream.read([n])`: up to `n` characters (all, if `n` is absent or negative).
pub fn read(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    readable(vm, vm.arg(&args, 0))?;
    let limit = if args.n_pos > 1 {
        vm.get_int(vm.arg(&args, 1))?
    } else {
        -1
    };
    let mut data = Vec::new();
    let stdin = std::io::stdin();
    let result = match u64::try_from(limit) {
        Ok(n) => stdin.lock().take(n).read_to_end(&mut data),
        Err(_) => stdin.lock().read_to_end(&mut data),
    };
    result.map_err(|err| vm.os_error(&err))?;
    vm.stream_data(vm.arg(&args, 0), &data)
}

/// `stream.readline()`: one line, with its newline; empty at the end of input.
pub fn readline(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    readable(vm, vm.arg(&args, 0))?;
    let mut data = Vec::new();
    std::io::stdin()
        .lock()
        .read_until(b'\n', &mut data)
        .map_err(|err| vm.os_error(&err))?;
    vm.stream_data(vm.arg(&args, 0), &data)
}

fn readable(vm: &mut Vm, stream: Obj) -> PyResult<()> {
    if vm.stream_fd(stream) != STDIN {
        return Err(bad_fd(vm));
    }
    Ok(())
}

/// `OSError(EBADF)`: reading an output stream or writing stdin, as the host refuses it.
fn bad_fd(vm: &mut Vm) -> crate::interp::Raise {
    vm.os_error(&std::io::Error::from_raw_os_error(9))
}
