//! `krait`'s interactive prompt, speaking as MicroPython's unix port does
//! (`shared/runtime/pyexec.c`): the friendly REPL with line editing, continuation lines and
//! paste mode (Ctrl-E), and the raw REPL (Ctrl-A) with its raw-paste protocol, so that tools
//! written for MicroPython boards (mpremote, pyboard.py) drive krait unchanged.

mod complete;
mod continuation;
mod editor;

use crate::terminal::RawMode;
use complete::VmCompleter;
use continuation::needs_more_input;
use editor::{Editor, Ending, History};
use std::io::{Read, Write};
use vm::compile::CompileOptions;
use vm::interp::Vm;
use vm::parser::InputMode;
use vm::runtime::obj::Obj;

const CTRL_A: u8 = 1;
const CTRL_B: u8 = 2;
const CTRL_C: u8 = 3;
const CTRL_D: u8 = 4;
const CTRL_E: u8 = 5;

/// Bytes the raw-paste protocol lets the host send before it must wait for a window
/// (`MICROPY_REPL_STDIN_BUFFER_MAX`); the window is half of it.
const RAW_PASTE_BUFFER: u16 = 256;

/// How running one piece of input ended (`PYEXEC_*`).
enum Outcome {
    Done,
    /// An exception was printed.
    Failed,
    /// `SystemExit` (or Ctrl-D): leave the REPL with this exit status.
    Exit(u8),
}

/// What the friendly REPL read.
enum Input {
    Run(String, InputMode),
    /// Nothing to run: prompt again.
    Again,
    /// Ctrl-A: switch to the raw REPL.
    Raw,
    /// Ctrl-D on an empty line.
    Exit,
}

/// Which REPL is active (`pyexec_mode_kind`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Friendly,
    Raw,
}

/// Runs the REPL in `__main__` until Ctrl-D or `SystemExit`; the process exit status.
pub fn run(vm: &mut Vm, options: &CompileOptions, banner: &str) -> u8 {
    let Ok(main) = vm.main_module() else {
        return 1;
    };
    let mut session = Session {
        vm,
        main,
        options,
        history: History::default(),
        banner,
    };
    let mut mode = Mode::Friendly;
    loop {
        let next = match mode {
            Mode::Friendly => session.friendly(),
            Mode::Raw => session.raw(),
        };
        match next {
            Ok(next) => mode = next,
            Err(status) => return status,
        }
    }
}

struct Session<'a> {
    vm: &'a mut Vm,
    main: Obj,
    options: &'a CompileOptions,
    history: History,
    banner: &'a str,
}

impl Session<'_> {
    /// The friendly REPL until it switches to raw mode (`Ok`) or exits (`Err(status)`).
    fn friendly(&mut self) -> Result<Mode, u8> {
        self.write_banner();
        loop {
            let (ps1, ps2) = (self.prompt("ps1", ">>> "), self.prompt("ps2", "... "));
            let raw = RawMode::enter();
            let (source, mode) = match self.read_input(&ps1, &ps2) {
                Input::Run(source, mode) => (source, mode),
                Input::Again => continue,
                Input::Raw => return Ok(Mode::Raw),
                Input::Exit => return Err(0),
            };
            // Python runs in the terminal's own mode, so Ctrl-C raises SIGINT.
            drop(raw);
            if let Outcome::Exit(status) = self.execute(&source, mode, false) {
                return Err(status);
            }
        }
    }

    fn write_banner(&self) {
        let text = format!(
            "{}\r\nType \"help()\" for more information.\r\n",
            self.banner
        );
        write_out(text.as_bytes());
    }

    /// Reads one statement, with continuation lines while it is incomplete, or a pasted
    /// program, or a control key (`pyexec_friendly_repl`'s input part).
    fn read_input(&mut self, ps1: &str, ps2: &str) -> Input {
        let mut out = Vec::new();
        let mut editor = Editor::new(String::new(), ps1, &mut self.history, &mut out);
        write_out(&out);
        match read_line(&mut editor, self.vm, self.main) {
            Ending::Control(CTRL_A) => {
                write_out(b"\r\n");
                Input::Raw
            }
            Ending::Control(CTRL_B) => {
                write_out(b"\r\n");
                self.write_banner();
                Input::Again
            }
            Ending::Control(CTRL_D) => {
                write_out(b"\r\n");
                Input::Exit
            }
            Ending::Control(CTRL_E) => match paste_mode() {
                Some(text) => Input::Run(text, InputMode::File),
                None => Input::Again,
            },
            Ending::Control(_) => {
                write_out(b"\r\n");
                Input::Again
            }
            Ending::Enter if editor.line.is_empty() => Input::Again,
            Ending::Enter => {
                while needs_more_input(&editor.line) {
                    editor.line.push('\n');
                    let mut out = Vec::new();
                    editor.next_line(ps2, &mut out);
                    write_out(&out);
                    match read_line(&mut editor, self.vm, self.main) {
                        Ending::Control(CTRL_C) => {
                            write_out(b"\r\n");
                            return Input::Again;
                        }
                        Ending::Control(CTRL_D) => break,
                        _ => {}
                    }
                }
                Input::Run(editor.line, InputMode::Single)
            }
        }
    }

    /// The raw REPL until it switches back (`Ok`) or exits (`Err(status)`).
    fn raw(&mut self) -> Result<Mode, u8> {
        let _raw = RawMode::enter();
        write_out(b"raw REPL; CTRL-B to exit\r\n");
        loop {
            write_out(b">");
            let mut line: Vec<u8> = Vec::new();
            loop {
                let Some(c) = read_byte() else {
                    return Err(0);
                };
                match c {
                    CTRL_A if line.len() == 2 && line[0] == CTRL_E => {
                        if let Outcome::Exit(status) = self.raw_paste(line[1]) {
                            return Err(status);
                        }
                        line.clear();
                        write_out(b">");
                    }
                    CTRL_A => {
                        write_out(b"raw REPL; CTRL-B to exit\r\n>");
                        line.clear();
                    }
                    CTRL_B => {
                        write_out(b"\r\n");
                        return Ok(Mode::Friendly);
                    }
                    CTRL_C => line.clear(),
                    CTRL_D => break,
                    c => line.push(c),
                }
            }
            write_out(b"OK");
            if line.is_empty() {
                write_out(b"\r\n");
                return Err(0);
            }
            let source = String::from_utf8_lossy(&line).into_owned();
            if let Outcome::Exit(status) = self.execute(&source, InputMode::File, true) {
                return Err(status);
            }
        }
    }

    /// Raw-paste mode (`Ctrl-E` `A` `Ctrl-A` in the raw REPL): the host streams the program
    /// under flow control, one window of bytes per `\x01` krait sends, ending with Ctrl-D.
    fn raw_paste(&mut self, command: u8) -> Outcome {
        if command != b'A' {
            write_out(b"R\x00");
            return Outcome::Done;
        }
        let window = RAW_PASTE_BUFFER / 2;
        write_out(b"R\x01");
        write_out(&[window as u8, (window >> 8) as u8, 1]);
        let mut source = Vec::new();
        let mut remaining = window;
        loop {
            match read_byte() {
                None | Some(CTRL_D) => break,
                Some(CTRL_C) => {
                    write_out(b"\x04");
                    return self.report_interrupt();
                }
                Some(c) => source.push(c),
            }
            remaining -= 1;
            if remaining == 0 {
                write_out(b"\x01");
                remaining = window;
            }
        }
        write_out(b"\x04");
        let source = String::from_utf8_lossy(&source).into_owned();
        self.execute(&source, InputMode::File, true)
    }

    /// A Ctrl-C during raw paste: `KeyboardInterrupt`, reported as an execution error after
    /// the (empty) output.
    fn report_interrupt(&mut self) -> Outcome {
        // Raising makes it the pending exception, which `print_exception` shows.
        let _raised = self.vm.raise_type(vm::objects::ty::KEYBOARD_INTERRUPT);
        write_out(b"\x04");
        self.print_exception();
        write_out(b"\x04");
        Outcome::Failed
    }

    /// Compiles and runs `source` in `__main__` (`parse_compile_execute`). The raw REPL marks
    /// the end of the output and of the error output with `\x04` each.
    fn execute(&mut self, source: &str, mode: InputMode, raw: bool) -> Outcome {
        let options = CompileOptions {
            mode,
            ..*self.options
        };
        let result = match self.vm.compile(source, "<stdin>", &options) {
            Ok(compiled) => self.vm.exec_in_main(&compiled),
            Err(err) => {
                let file = self.vm.intern("<stdin>").unwrap_or(0);
                Err(self.vm.raise_compile_error(&err, file))
            }
        };
        let _ = std::io::stdout().flush();
        if raw {
            write_out(b"\x04");
        }
        let outcome = match result {
            Ok(()) => Outcome::Done,
            Err(_) => {
                let exc = self.vm.pending_exception();
                match self.vm.system_exit_status(exc) {
                    Some(status) => Outcome::Exit(status),
                    None => {
                        self.print_exception();
                        Outcome::Failed
                    }
                }
            }
        };
        if raw {
            write_out(b"\x04");
        }
        outcome
    }

    /// Prints the pending exception as `mp_plat_print` does: newlines "cooked" to `\r\n`.
    fn print_exception(&mut self) {
        let exc = self.vm.pending_exception();
        let text = self.vm.format_exception(exc);
        write_out(text.replace('\n', "\r\n").as_bytes());
    }

    /// `sys.ps1` / `sys.ps2` if set to a `str`, else the default.
    fn prompt(&mut self, name: &str, default: &str) -> String {
        let lookup = |vm: &mut Vm| -> Option<String> {
            let sys = vm.import_module("sys", Obj::NONE, Obj::NONE, 0).ok()?;
            let q = vm.qstrs.find(name.as_bytes())?;
            let value = vm.load_attr(sys, q).ok()?;
            vm.is_str(value).then(|| vm.str_text(value))
        };
        lookup(self.vm).unwrap_or_else(|| default.to_string())
    }
}

/// Reads keys into `editor` until its line ends.
fn read_line(editor: &mut Editor, vm: &mut Vm, main: Obj) -> Ending {
    let mut completer = VmCompleter { vm, main };
    let mut out = Vec::new();
    loop {
        // End of input ends the line as Ctrl-D on an empty line would, whatever was typed.
        let Some(c) = read_byte() else {
            return Ending::Control(CTRL_D);
        };
        let ending = editor.feed(c, &mut out, &mut completer);
        write_out(&out);
        out.clear();
        if let Some(ending) = ending {
            return ending;
        }
    }
}

/// Paste mode: everything up to Ctrl-D, echoed with `=== ` prompts; `None` if cancelled.
fn paste_mode() -> Option<String> {
    write_out(b"\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ");
    let mut text = Vec::new();
    loop {
        match read_byte().unwrap_or(CTRL_D) {
            CTRL_C => {
                write_out(b"\r\n");
                return None;
            }
            CTRL_D => {
                write_out(b"\r\n");
                return Some(String::from_utf8_lossy(&text).into_owned());
            }
            c => {
                text.push(c);
                if c == b'\r' {
                    write_out(b"\r\n=== ");
                } else {
                    write_out(&[c]);
                }
            }
        }
    }
}

/// The next input byte, `\n` read as `\r` as the unix port reads it (`mp_hal_stdin_rx_chr`);
/// `None` at end of input.
fn read_byte() -> Option<u8> {
    let mut byte = [0u8];
    match std::io::stdin().read(&mut byte) {
        Ok(1) if byte[0] == b'\n' => Some(b'\r'),
        Ok(1) => Some(byte[0]),
        _ => None,
    }
}

fn write_out(bytes: &[u8]) {
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(bytes);
    let _ = stdout.flush();
}
