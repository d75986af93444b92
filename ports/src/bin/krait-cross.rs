//! `krait-cross`: a drop-in for `mpy-cross` 1.29, compiling Python to `.mpy` v6.3.

use ports::cross::{run, Streams};
use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut argv = std::env::args_os();
    let program = argv
        .next()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "krait-cross".into());
    let mut args = Vec::new();
    for arg in argv {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(arg) => {
                eprintln!("krait-cross: argument {arg:?} is not valid UTF-8");
                return ExitCode::from(1);
            }
        }
    }
    let code = run(
        &program,
        &args,
        Streams {
            stdin: &mut io::stdin().lock(),
            stdout: &mut io::stdout().lock(),
            stderr: &mut io::stderr().lock(),
        },
    );
    ExitCode::from(code as u8)
}
