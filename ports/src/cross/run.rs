//! krait-cross from arguments to exit code: reads the input, compiles (or disassembles) it and
//! writes the result where mpy-cross would, reporting failures in mpy-cross's words.

use super::args::{self, Command, Emit, Input, Options};
use super::frontend;
use std::fs::File;
use std::io::{self, Read, Write};

/// The MicroPython release whose bytecode and `.mpy` format krait-cross produces.
pub const TARGET_MICROPYTHON: &str = "1.29.0";

/// The standard streams, passed in so the whole command can be tested in-process.
pub struct Streams<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
}

/// Runs krait-cross; `program` is the name it was invoked as, `args` what followed it.
/// Returns the process exit code.
pub fn run(program: &str, args: &[String], streams: Streams) -> i32 {
    // Write errors on the standard streams (a closed pipe) cannot be reported anywhere,
    // so they are ignored rather than turned into a panic.
    match args::parse(args) {
        Command::PrintVersion => {
            let _ = writeln!(streams.stdout, "{}", version());
            0
        }
        Command::PrintUsage => {
            let _ = streams.stdout.write_all(args::usage(program).as_bytes());
            1
        }
        Command::Refuse(message) => {
            let _ = writeln!(streams.stderr, "{message}");
            1
        }
        Command::Compile(options) => match compile_input(&options, streams.stdin) {
            Ok(Product::Mpy(bytes, None)) => write_mpy(&options, &bytes, streams),
            Ok(Product::Mpy(bytes, Some((path, elf)))) => {
                if let Err(error) = std::fs::write(&path, elf) {
                    let _ = streams
                        .stderr
                        .write_all(open_error(&path, &error).as_bytes());
                    return 1;
                }
                write_mpy(&options, &bytes, streams)
            }
            Ok(Product::Dump(text)) => {
                let _ = streams.stdout.write_all(text.as_bytes());
                0
            }
            Err(message) => {
                let _ = streams.stderr.write_all(message.as_bytes());
                1
            }
        },
    }
}

/// The `--version` line: mpy-cross's shape, so tools that parse "emitting mpy vX.Y" work.
pub fn version() -> String {
    format!(
        "krait-cross {} for MicroPython v{TARGET_MICROPYTHON}; mpy-cross emitting mpy v{}.{}",
        env!("CARGO_PKG_VERSION"),
        vm::mpy::MPY_VERSION,
        vm::mpy::MPY_SUB_VERSION
    )
}

enum Product {
    /// The `.mpy`, and with `--elf` the object file's path and bytes.
    Mpy(Vec<u8>, Option<(String, Vec<u8>)>),
    Dump(String),
}

/// Reads and compiles the input; an `Err` holds the complete text for stderr.
fn compile_input(options: &Options, stdin: &mut dyn Read) -> Result<Product, String> {
    if options.emit != Emit::Bytecode && frontend::device_arch(options).is_none() {
        return Err(format!(
            "krait-cross: {} emission is not implemented yet; only -X emit=bytecode is\n",
            if options.emit == Emit::Native {
                "native"
            } else {
                "viper"
            }
        ));
    }
    if options.elf.is_some() && frontend::device_arch(options).is_none() {
        return Err(
            "krait-cross: --elf needs a Cortex-M architecture (-march=armv6m, armv7m, armv7em, \
             armv7emsp or armv7emdp)\n"
                .into(),
        );
    }
    let (input_name, bytes) = read_input(&options.input, stdin)?;
    if options.dump && looks_like_mpy(&bytes) {
        let module = vm::mpy::read(&bytes)
            .map_err(|error| format!("{}: {error}\n", error.exception_name()))?;
        return Ok(Product::Dump(dump(&module)));
    }
    let source = std::str::from_utf8(&bytes).map_err(|error| {
        format!(
            "krait-cross: {input_name}: source is not valid UTF-8 (byte {})\n",
            error.valid_up_to()
        )
    })?;
    let source_name = options.source_name.as_deref().unwrap_or(&input_name);
    let module = frontend::compile(source, &input_name, source_name, options)
        .map_err(|failure| failure.traceback())?;
    if options.dump {
        return Ok(Product::Dump(dump(&module)));
    }
    let elf = match &options.elf {
        Some(path) => {
            let names = frontend::qualified_names(source, options, &module);
            let object = super::elf::native_object(&module, &names)
                .map_err(|e| format!("krait-cross: {e}\n"))?;
            Some((path.clone(), object))
        }
        None => None,
    };
    Ok(Product::Mpy(vm::mpy::write(&module), elf))
}

/// `--dump`'s text: the `.mpy` disassembly, then the native code decoded.
fn dump(module: &vm::rawcode::CompiledModule) -> String {
    vm::mpy::dump(module) + &super::listing::native_listings(module)
}

/// A `.mpy` starts with `M` and a format version; Python source cannot start with `M` followed
/// by a control character below tab.
fn looks_like_mpy(bytes: &[u8]) -> bool {
    matches!(bytes, [b'M', version, ..] if *version < b'\t')
}

/// The input's name as MicroPython's lexer records it, and its bytes.
fn read_input(input: &Input, stdin: &mut dyn Read) -> Result<(String, Vec<u8>), String> {
    let mut bytes = Vec::new();
    match input {
        Input::Stdin => {
            stdin.read_to_end(&mut bytes).map_err(|e| read_error(&e))?;
            Ok(("<stdin>".into(), bytes))
        }
        Input::File(path) => {
            let mut file = File::open(path).map_err(|e| open_error(path, &e))?;
            file.read_to_end(&mut bytes).map_err(|e| read_error(&e))?;
            Ok((path.clone(), bytes))
        }
    }
}

/// Writes the `.mpy` to stdout or to its file, returning the exit code.
fn write_mpy(options: &Options, bytes: &[u8], streams: Streams) -> i32 {
    let path = match (&options.output, &options.input) {
        (Some(path), _) if path == "-" => None,
        (None, Input::Stdin) => None,
        (Some(path), _) => Some(path.clone()),
        (None, Input::File(input)) => Some(default_output_path(input)),
    };
    let result = match &path {
        None => streams
            .stdout
            .write_all(bytes)
            .and_then(|()| streams.stdout.flush()),
        Some(path) => std::fs::write(path, bytes),
    };
    match (result, path) {
        (Ok(()), _) => 0,
        (Err(error), Some(path)) => {
            let _ = streams
                .stderr
                .write_all(open_error(&path, &error).as_bytes());
            1
        }
        // stdout itself failed: nowhere useful to say so.
        (Err(_), None) => 1,
    }
}

/// mpy-cross's naming: the input with its last two bytes replaced by `mpy` (`x.py` -> `x.mpy`).
fn default_output_path(input: &str) -> String {
    let keep = input.len().saturating_sub(2);
    let mut name = input.as_bytes()[..keep].to_vec();
    name.extend_from_slice(b"mpy");
    String::from_utf8_lossy(&name).into_owned()
}

/// MicroPython's message when a file cannot be opened.
fn open_error(path: &str, error: &io::Error) -> String {
    match error.raw_os_error() {
        Some(errno) => format!("OSError: ({errno}, \"can't open {path}\")\n"),
        None => format!("OSError: can't open {path}: {error}\n"),
    }
}

/// MicroPython's message when reading an opened file fails (a directory, say).
fn read_error(error: &io::Error) -> String {
    match error.raw_os_error() {
        Some(errno) => format!("OSError: {errno}\n"),
        None => format!("OSError: {error}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_with(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let code = run(
            "krait-cross",
            &args,
            Streams {
                stdin: &mut &stdin[..],
                stdout: &mut stdout,
                stderr: &mut stderr,
            },
        );
        (code, stdout, String::from_utf8(stderr).unwrap())
    }

    #[test]
    fn output_name_replaces_the_last_two_bytes() {
        assert_eq!(default_output_path("dir/x.py"), "dir/x.mpy");
        assert_eq!(default_output_path("notes.txt"), "notes.tmpy");
        assert_eq!(default_output_path("a"), "mpy");
    }

    #[test]
    fn version_names_krait_and_the_mpy_format() {
        let (code, stdout, _) = run_with(&["--version"], b"");
        assert_eq!(code, 0);
        let text = String::from_utf8(stdout).unwrap();
        assert!(text.starts_with("krait-cross "), "{text}");
        assert!(
            text.ends_with("MicroPython v1.29.0; mpy-cross emitting mpy v6.3\n"),
            "{text}"
        );
    }

    #[test]
    fn missing_input_file_reports_errno_like_micropython() {
        let (code, stdout, stderr) = run_with(&["/nonexistent/krait/x.py"], b"");
        assert_eq!((code, stdout.len()), (1, 0));
        assert_eq!(
            stderr,
            "OSError: (2, \"can't open /nonexistent/krait/x.py\")\n"
        );
    }

    #[test]
    fn a_directory_as_input_is_a_read_error() {
        let (code, _, stderr) = run_with(&["."], b"");
        assert_eq!((code, stderr.as_str()), (1, "OSError: 21\n"));
    }

    #[test]
    fn native_emission_is_refused_clearly() {
        let (code, _, stderr) = run_with(&["-march=x64", "-X", "emit=native", "-"], b"x = 1\n");
        assert_eq!(code, 1);
        assert!(
            stderr.contains("native emission is not implemented yet"),
            "{stderr}"
        );
    }

    #[test]
    fn non_utf8_source_is_an_error_not_a_panic() {
        let (code, _, stderr) = run_with(&["-"], b"x = '\xff'\n");
        assert_eq!(code, 1);
        assert!(
            stderr.contains("<stdin>: source is not valid UTF-8 (byte 5)"),
            "{stderr}"
        );
    }

    #[test]
    fn garbage_with_an_mpy_magic_is_reported_by_dump() {
        let (code, _, stderr) = run_with(&["--dump", "-"], b"M\x05\x00\x1f");
        assert_eq!(code, 1);
        assert!(stderr.starts_with("ValueError: "), "{stderr}");
    }

    #[test]
    fn usage_goes_to_stdout_with_exit_code_1() {
        let (code, stdout, stderr) = run_with(&["--help"], b"");
        assert_eq!((code, stderr.as_str()), (1, ""));
        assert!(String::from_utf8(stdout)
            .unwrap()
            .starts_with("usage: krait-cross "));
    }
}
