//! krait-cross's command line: what mpy-cross 1.29 accepts, parsed in the order it parses
//! (so the first problem reported is the one mpy-cross reports), plus `--dump` and `--elf`.

use super::arch::{parse_arch_flags, Arch, ArchNameError};

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Compile(Options),
    /// `--version`.
    PrintVersion,
    /// A malformed command line: print the usage on stdout and exit with 1, as mpy-cross does.
    PrintUsage,
    /// A command line mpy-cross refuses with a one-line message on stderr and exit code 1.
    Refuse(String),
}

/// The options of a compile (or dump) request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub input: Input,
    /// `-o`: `None` writes beside the input (or to stdout for stdin); `Some("-")` is stdout.
    pub output: Option<String>,
    /// `-s`: the file name recorded in the `.mpy` and in compile errors.
    pub source_name: Option<String>,
    pub opt_level: u8,
    pub emit: Emit,
    pub arch: Option<Arch>,
    /// `-march-flags=`, already validated for the architecture.
    pub arch_flags: u32,
    pub small_int_bits: u8,
    /// `-X source-lines` / `-X no-source-lines`.
    pub source_lines: bool,
    /// `--dump`: print the disassembly instead of writing a `.mpy`.
    pub dump: bool,
    /// `--elf <file>`: also write the native code as an ELF relocatable object there.
    pub elf: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(String),
}

/// `-X emit=`: the default code emitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emit {
    Bytecode,
    Native,
    Viper,
}

/// mpy-cross's default small-int width (a 32-bit target's 31 bits).
const DEFAULT_SMALL_INT_BITS: u8 = 31;

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Command {
    let implementation = match parse_implementation_options(args) {
        Some(options) => options,
        None => return Command::PrintUsage,
    };
    let mut options = Options {
        input: Input::Stdin,
        output: None,
        source_name: None,
        opt_level: 0,
        emit: implementation.emit,
        arch: None,
        arch_flags: 0,
        small_int_bits: DEFAULT_SMALL_INT_BITS,
        source_lines: implementation.source_lines,
        dump: false,
        elf: None,
    };
    let mut input = None;
    let mut arch_flags_text = None;
    let mut options_active = true;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let is_option = options_active && arg.starts_with('-') && arg.len() > 1;
        if !is_option {
            if input.is_some() {
                return Command::Refuse("multiple input files".into());
            }
            input = Some(arg.replace('\\', "/"));
            continue;
        }
        match arg.as_str() {
            // Already read by `parse_implementation_options`.
            "-X" => {
                rest.next();
            }
            "--version" => return Command::PrintVersion,
            // Accepted and ignored, as mpy-cross does.
            "-v" => {}
            "--dump" => options.dump = true,
            "--elf" => match rest.next() {
                Some(path) => options.elf = Some(path.clone()),
                None => return Command::PrintUsage,
            },
            "-o" => match rest.next() {
                Some(path) => options.output = Some(path.clone()),
                None => return Command::PrintUsage,
            },
            "-s" => match rest.next() {
                Some(name) => options.source_name = Some(name.replace('\\', "/")),
                None => return Command::PrintUsage,
            },
            "--" => options_active = false,
            _ if arg.starts_with("-O") => options.opt_level = parse_opt_level(arg),
            _ => {
                if let Some(bits) = arg.strip_prefix("-msmall-int-bits=") {
                    match parse_small_int_bits(bits) {
                        Ok(bits) => options.small_int_bits = bits,
                        Err(command) => return command,
                    }
                } else if let Some(name) = arg.strip_prefix("-march=") {
                    match Arch::from_name(name) {
                        Ok(arch) => options.arch = Some(arch),
                        Err(ArchNameError::Unknown) => return Command::PrintUsage,
                        Err(ArchNameError::UnknownHost) => {
                            return Command::Refuse(
                                "unable to determine host architecture for -march=host".into(),
                            )
                        }
                    }
                } else if let Some(flags) = arg.strip_prefix("-march-flags=") {
                    arch_flags_text = Some(flags);
                } else {
                    return Command::PrintUsage;
                }
            }
        }
    }
    // mpy-cross ignores arch flags when no architecture is given.
    if let (Some(text), Some(arch)) = (arch_flags_text, options.arch) {
        match parse_arch_flags(arch, text) {
            Some(flags) => options.arch_flags = flags,
            None => return Command::Refuse("unrecognised arch flags".into()),
        }
    }
    if options.emit != Emit::Bytecode && options.arch.is_none() {
        return Command::Refuse("arch not specified".into());
    }
    match input {
        Some(path) if path == "-" => options.input = Input::Stdin,
        Some(path) => options.input = Input::File(path),
        None => return Command::Refuse("no input file".into()),
    }
    Command::Compile(options)
}

/// The `-X` options, which mpy-cross reads in a pass of their own before anything else.
struct ImplementationOptions {
    emit: Emit,
    source_lines: bool,
}

/// `None` when a `-X` lacks its value or the value is unknown (mpy-cross prints usage).
fn parse_implementation_options(args: &[String]) -> Option<ImplementationOptions> {
    let mut options = ImplementationOptions {
        emit: Emit::Bytecode,
        source_lines: true,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg != "-X" {
            continue;
        }
        match rest.next()?.as_str() {
            "emit=bytecode" => options.emit = Emit::Bytecode,
            "emit=native" => options.emit = Emit::Native,
            "emit=viper" => options.emit = Emit::Viper,
            "source-lines" => options.source_lines = true,
            "no-source-lines" => options.source_lines = false,
            // The GC heap size means nothing to krait, which has no fixed heap while compiling.
            value if value.starts_with("heapsize=") => {}
            _ => return None,
        }
    }
    Some(options)
}

/// `-O3` is level 3; otherwise the level counts the letters `O` (`-O` 1, `-OO` 2).
fn parse_opt_level(arg: &str) -> u8 {
    let after_dash = &arg[1..];
    match after_dash[1..].chars().next() {
        Some(digit @ '0'..='9') => digit as u8 - b'0',
        _ => after_dash
            .chars()
            .take_while(|&c| c == 'O')
            .count()
            .min(255) as u8,
    }
}

/// `-msmall-int-bits=`: a C-style integer (decimal, `0x` hex or `0` octal).
fn parse_small_int_bits(text: &str) -> Result<u8, Command> {
    let (digits, radix) =
        if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            (hex, 16)
        } else if text.len() > 1 && text.starts_with('0') {
            (&text[1..], 8)
        } else {
            (text, 10)
        };
    let bits = u32::from_str_radix(digits, radix).map_err(|_| Command::PrintUsage)?;
    // mpy-cross takes any number here and leaves it unchecked; a width the bytecode cannot
    // describe is refused instead of producing a file no MicroPython could load.
    match u8::try_from(bits) {
        Ok(bits @ 2..=63) => Ok(bits),
        _ => Err(Command::Refuse(format!(
            "-msmall-int-bits={text}: the small-int width must be between 2 and 63"
        ))),
    }
}

/// The usage text, mpy-cross's word for word (`program` is how krait-cross was invoked),
/// with krait-cross's additions, `--dump` and `--elf`.
pub fn usage(program: &str) -> String {
    format!(
        "usage: {program} [<opts>] [-X <implopt>] [--] <input filename>
Options:
--version : show version information
--dump : print a disassembly of the compiled input (.py or .mpy) instead of writing a .mpy
--elf <file> : also write the native code as an ELF object, one symbol per function
-o : output file for compiled bytecode (defaults to input filename with .mpy extension, or stdout if input is stdin)
-s : source filename to embed in the compiled bytecode (defaults to input file)
-v : verbose (trace various operations); can be multiple
-O[N] : apply bytecode optimizations of level N

Target specific options:
-msmall-int-bits=number : set the maximum bits used to encode a small-int
-march=<arch> : set architecture for native emitter;
                x86, x64, armv6, armv6m, armv7m, armv7em, armv7emsp,
                armv7emdp, xtensa, xtensawin, rv32imc, rv64imc, host, debug
-march-flags=<flags> : set architecture-specific flags (can be either a dec/hex/bin value or a comma-separated flags string)
                       supported flags for rv32imc: zba, zcmp

Implementation specific options:
  emit={{bytecode,native,viper}} -- set the default code emitter
  heapsize=<n> -- set the heap size for the GC (default 2097152)
  source-lines    -- include source line numbers (default)
  no-source-lines -- exclude source line numbers
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use vm::rawcode::NativeArch;

    fn parse_str(args: &str) -> Command {
        let args: Vec<String> = args.split_whitespace().map(String::from).collect();
        parse(&args)
    }

    fn options(args: &str) -> Options {
        match parse_str(args) {
            Command::Compile(options) => options,
            other => panic!("{args:?} parsed as {other:?}"),
        }
    }

    #[test]
    fn a_lone_file_gets_mpy_cross_defaults() {
        let got = options("prog.py");
        assert_eq!(got.input, Input::File("prog.py".into()));
        assert_eq!(got.output, None);
        assert_eq!((got.opt_level, got.small_int_bits), (0, 31));
        assert_eq!(
            (got.emit, got.arch, got.dump),
            (Emit::Bytecode, None, false)
        );
        assert!(got.source_lines);
    }

    #[test]
    fn output_source_name_and_stdin() {
        let got = options("-o out.mpy -s lib\\m.py -");
        assert_eq!(got.input, Input::Stdin);
        assert_eq!(got.output.as_deref(), Some("out.mpy"));
        assert_eq!(got.source_name.as_deref(), Some("lib/m.py"));
    }

    #[test]
    fn double_dash_ends_options() {
        assert_eq!(options("-- -odd.py").input, Input::File("-odd.py".into()));
    }

    #[test]
    fn optimisation_levels() {
        assert_eq!(options("-O a.py").opt_level, 1);
        assert_eq!(options("-OO a.py").opt_level, 2);
        assert_eq!(options("-O3 a.py").opt_level, 3);
        assert_eq!(options("-Ofast a.py").opt_level, 1);
    }

    #[test]
    fn implementation_options() {
        let got = options("-X no-source-lines -X heapsize=4k -march=x64 -X emit=viper a.py");
        assert!(!got.source_lines);
        assert_eq!(got.emit, Emit::Viper);
        assert_eq!(got.arch, Some(Arch::Machine(NativeArch::X64)));
        assert_eq!(parse_str("-X bogus a.py"), Command::PrintUsage);
        assert_eq!(parse_str("a.py -X"), Command::PrintUsage);
        // The -X pass runs first, so it wins over --version.
        assert_eq!(parse_str("--version -X bogus"), Command::PrintUsage);
    }

    #[test]
    fn arch_flags_only_matter_with_an_arch() {
        assert_eq!(options("-march-flags=zba a.py").arch_flags, 0);
        assert_eq!(
            options("-march=rv32imc -march-flags=zba,zcmp a.py").arch_flags,
            3
        );
        assert_eq!(
            parse_str("-march=x64 -march-flags=zba a.py"),
            Command::Refuse("unrecognised arch flags".into())
        );
    }

    #[test]
    fn small_int_bits() {
        assert_eq!(options("-msmall-int-bits=63 a.py").small_int_bits, 63);
        assert_eq!(options("-msmall-int-bits=0x1f a.py").small_int_bits, 31);
        assert_eq!(parse_str("-msmall-int-bits=x a.py"), Command::PrintUsage);
        assert!(matches!(
            parse_str("-msmall-int-bits=200 a.py"),
            Command::Refuse(_)
        ));
    }

    #[test]
    fn refusals_match_mpy_cross() {
        let refuse = |message: &str| Command::Refuse(message.into());
        assert_eq!(parse_str(""), refuse("no input file"));
        assert_eq!(parse_str("a.py b.py"), refuse("multiple input files"));
        assert_eq!(
            parse_str("-X emit=native a.py"),
            refuse("arch not specified")
        );
        assert_eq!(parse_str("-march=z80 a.py"), Command::PrintUsage);
        assert_eq!(parse_str("-h"), Command::PrintUsage);
        assert_eq!(parse_str("a.py -o"), Command::PrintUsage);
        assert_eq!(parse_str("--version a.py b.py c.py"), Command::PrintVersion);
    }

    #[test]
    fn usage_names_the_program() {
        assert!(usage("krait-cross").starts_with("usage: krait-cross [<opts>]"));
    }
}
