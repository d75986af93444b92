//! krait's command line: the unix port's (`ports/unix/main.c`), read as it reads it. Options
//! up to the program (`-c`, `-m` or a file) are krait's; everything from the program on is
//! the program's `sys.argv`.
use vm::compile::{CompileOptions, EmitKind};
use vm::interp::VmConfig;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Run(Options),
    /// `-h`: the usage text on stdout, exit 0.
    PrintHelp,
    /// `--version`.
    PrintVersion,
    /// A malformed command line: "Invalid command line arguments" on stderr, exit 1.
    Invalid,
}

/// How to run the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub program: Program,
    /// `sys.argv`.
    pub argv: Vec<String>,
    /// `-X heapsize=`, in bytes.
    pub heap_size: u32,
    /// `-X gcstress`: collect at every allocation (krait's own option).
    pub gc_stress: bool,
    pub compile: CompileOptions,
    /// `-X compile-only`: parse and compile, do not run.
    pub compile_only: bool,
    /// `-v`, counted.
    pub verbose: u32,
    /// `-i`: a REPL after the program (krait has none yet).
    pub inspect: bool,
}

impl Options {
    pub fn vm_config(&self) -> VmConfig {
        VmConfig {
            heap_size: self.heap_size,
            gc_stress: self.gc_stress,
            ..VmConfig::default()
        }
    }
}

/// Where the program comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// `-c <command>`.
    Command(String),
    /// `-m <module>`.
    Module(String),
    /// A `.py` or `.mpy` file.
    File(String),
    /// No program named: stdin (the unix port's REPL when stdin is a terminal).
    Stdin,
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Command {
    let mut options = Options {
        program: Program::Stdin,
        argv: Vec::new(),
        heap_size: VmConfig::default().heap_size,
        gc_stress: false,
        compile: CompileOptions::default(),
        compile_only: false,
        verbose: 0,
        inspect: false,
    };
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        match arg {
            "-c" | "-m" => {
                let Some(value) = args.get(i + 1) else {
                    return Command::Invalid;
                };
                if arg == "-c" {
                    // As in CPython, `-c` is sys.argv[0].
                    options.program = Program::Command(value.clone());
                    options.argv = std::iter::once("-c".to_string())
                        .chain(args[i + 2..].iter().cloned())
                        .collect();
                } else {
                    options.program = Program::Module(value.clone());
                    options.argv = args[i + 1..].to_vec();
                }
                return Command::Run(options);
            }
            "-h" => return Command::PrintHelp,
            "--version" => return Command::PrintVersion,
            "-i" => options.inspect = true,
            "-v" => options.verbose += 1,
            "-X" => {
                let Some(value) = args.get(i + 1) else {
                    return Command::Invalid;
                };
                if !implementation_option(&mut options, value) {
                    return Command::Invalid;
                }
                i += 1;
            }
            _ if arg.starts_with("-O") => options.compile.opt_level = opt_level(&arg[2..]),
            _ if arg.starts_with('-') => return Command::Invalid,
            _ => {
                options.program = Program::File(arg.to_string());
                options.argv = args[i..].to_vec();
                return Command::Run(options);
            }
        }
        i += 1;
    }
    Command::Run(options)
}

/// `-O<digit>` is that level; `-O`, `-OO`, ... count the `O`s.
fn opt_level(rest: &str) -> u8 {
    match rest.as_bytes().first() {
        Some(digit) if digit.is_ascii_digit() => digit & 0xf,
        _ => 1 + rest.bytes().take_while(|&b| b == b'O').count() as u8,
    }
}

/// One `-X` option; false if it is not one the unix port (or krait) knows.
fn implementation_option(options: &mut Options, value: &str) -> bool {
    match value {
        "compile-only" => options.compile_only = true,
        "emit=bytecode" => options.compile.emit = EmitKind::Bytecode,
        "emit=native" => options.compile.emit = EmitKind::Native,
        "emit=viper" => options.compile.emit = EmitKind::Viper,
        "gcstress" => options.gc_stress = true,
        _ => match value.strip_prefix("heapsize=") {
            // The unix port refuses heaps under 700 bytes.
            Some(size) => match vm::runtime::gc::parse_heapsize(size) {
                Some(bytes) if bytes >= 700 => options.heap_size = bytes,
                _ => return false,
            },
            None => return false,
        },
    }
    true
}

/// The `-h` text.
pub fn help(program: &str) -> String {
    format!(
        "usage: {program} [<opts>] [-X <implopt>] [-c <command> | -m <module> | <filename>]\n\
         Options:\n\
         --version : show version information\n\
         -h : print this help message\n\
         -i : enable inspection via REPL after running command/module/file\n\
         -v : verbose (trace various operations); can be multiple\n\
         -O[N] : apply bytecode optimizations of level N\n\
         \n\
         Implementation specific options (-X):\n  \
         compile-only                 -- parse and compile only\n  \
         emit={{bytecode,native,viper}} -- set the default code emitter\n  \
         heapsize=<n>[w][K|M] -- set the heap size for the GC (default {})\n  \
         gcstress -- collect at every allocation (krait)\n",
        VmConfig::default().heap_size
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn run(list: &[&str]) -> Options {
        match parse(&args(list)) {
            Command::Run(options) => options,
            other => panic!("{list:?} parsed as {other:?}"),
        }
    }

    #[test]
    fn the_program_and_its_arguments_end_the_options() {
        let options = run(&["-O2", "x.py", "-c", "a"]);
        assert_eq!(options.program, Program::File("x.py".into()));
        assert_eq!(options.argv, args(&["x.py", "-c", "a"]));
        assert_eq!(options.compile.opt_level, 2);
        let options = run(&["-c", "print(1)", "a", "-v"]);
        assert_eq!(options.program, Program::Command("print(1)".into()));
        assert_eq!(options.argv, args(&["-c", "a", "-v"]));
        let options = run(&["-m", "pkg.mod", "z"]);
        assert_eq!(options.program, Program::Module("pkg.mod".into()));
        assert_eq!(options.argv, args(&["pkg.mod", "z"]));
        assert_eq!(run(&[]).program, Program::Stdin);
    }

    #[test]
    fn options_as_the_unix_port_reads_them() {
        assert_eq!(run(&["-OOO", "x.py"]).compile.opt_level, 3);
        assert_eq!(run(&["-O", "x.py"]).compile.opt_level, 1);
        let options = run(&["-X", "heapsize=64k", "-X", "emit=viper", "-v", "-v", "x.py"]);
        assert_eq!(options.heap_size, 64 << 10);
        assert_eq!(options.compile.emit, EmitKind::Viper);
        assert_eq!(options.verbose, 2);
        assert!(run(&["-X", "gcstress", "x.py"]).gc_stress);
        for bad in [
            &["-X", "heapsize=100"][..],
            &["-X", "nonsense"],
            &["-X"],
            &["-c"],
            &["-q"],
        ] {
            assert_eq!(parse(&args(bad)), Command::Invalid, "{bad:?}");
        }
        assert_eq!(parse(&args(&["-h", "x.py"])), Command::PrintHelp);
    }
}
