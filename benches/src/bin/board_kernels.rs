//! Code quality on a device: the viper kernels of `benches/kernels/` run on the emulated
//! Cortex-M0+ and Cortex-M4 boards (`ports::board`), compiled by krait-cross, by mpy-cross 1.29
//! and, as the limit, the same kernel function in C by `arm-none-eabi-gcc -O2`. For each it
//! reports the guest instructions executed by one call and the code bytes, side by side.
//!
//! - krait and mpy-cross: the kernel file's `DECORATOR` becomes `@micropython.viper`, the whole
//!   file is compiled for the core's arch (`armv6m`, `armv7emsp`) and the board loads its one
//!   viper function; code bytes are the function's `fun_data` (its machine code and whatever
//!   the compiler put inside it), the same measure for both.
//! - C: the kernel function of `<kernel>.c` (cut from the file, `static` dropped, so gcc keeps
//!   it whole and cannot specialise it for main's arguments) is built with
//!   `-O2 -mthumb -mcpu=cortex-m0plus|cortex-m4`; the object's `.text` is placed in the board's
//!   RAM and the function called with the same arguments in `r0`-`r3` (AAPCS). Code bytes are
//!   its symbol's size, literal pool included.
//! - Helpers: a fun-table call runs on the host, so it counts as the one guest instruction of
//!   its trap; the `helpers` columns give how many calls each compiler's code made, so that a
//!   count bought by calling out is visible. (gcc's code calls nothing.)
//!
//! All three must give the same result and leave the same bytes in the buffers, or the
//! benchmark fails. The goals (krait ≤ 0.6x mpy-cross's instructions and no larger; within 1.5x
//! of gcc) are reported per row, not enforced.
//!
//! The CRC kernel is run with CRC-16/MODBUS's parameters (init 0xFFFF, polynomial 0xA001): the
//! board has no big-int objects, so a viper `uint` argument must be a small int. The work per
//! bit is the same as CRC-32's.
//!
//! Built like the board's tests (see `ports/src/board/mod.rs`):
//! ```text
//! RUSTFLAGS="-C target-feature=-crt-static" \
//! BINDGEN_EXTRA_CLANG_ARGS=-I/usr/lib/llvm-14/lib/clang/14.0.6/include \
//! cargo run -p benches --features board --target x86_64-unknown-linux-gnu --bin board_kernels
//! ```
//! (`MPY_CROSS` and `ARM_CC` override mpy-cross and `arm-none-eabi-gcc`.)

use object::{Object, ObjectSection, ObjectSymbol};
use ports::board::{Board, Core};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use vm::compile::{compile_source_with, CompileOptions};
use vm::rawcode::{CompiledModule, NativeArch};

/// An argument of a kernel call.
#[derive(Clone)]
enum Arg {
    Int(i32),
    /// A buffer, passed as its address; its bytes after the call are part of the result.
    Bytes(Vec<u8>),
}

/// One kernel: its file stem in `benches/kernels/`, the function's name there (the same in
/// Python and C), and the arguments of the measured call.
struct Kernel {
    file: &'static str,
    function: &'static str,
    args: Vec<Arg>,
}

fn kernels() -> Vec<Kernel> {
    let checksum_data = b"krait!".repeat(700);
    let crc_data: Vec<u8> = (0..1024u32).map(|i| ((i * 31 + 7) & 0xFF) as u8).collect();
    let (w, h) = (64, 64);
    let image: Vec<u8> = (0..w * h)
        .map(|i| ((i * 7919 + (i >> 6) * 13) & 0xFF) as u8)
        .collect();
    let mut seed: u64 = 12345;
    let unsorted: Vec<u8> = (0..100)
        .flat_map(|_| {
            seed = (seed * 1_103_515_245 + 12345) & 0x7FFF_FFFF;
            ((seed % 100_000) as i32).to_le_bytes()
        })
        .collect();
    vec![
        Kernel {
            file: "integer_loop",
            function: "kernel",
            args: vec![Arg::Int(20_000)],
        },
        Kernel {
            file: "ptr8_checksum",
            function: "kernel",
            args: vec![Arg::Bytes(checksum_data), Arg::Int(4200), Arg::Int(2)],
        },
        Kernel {
            file: "crc32",
            function: "crc32",
            args: vec![
                Arg::Bytes(crc_data),
                Arg::Int(1024),
                Arg::Int(0xFFFF),
                Arg::Int(0xA001),
            ],
        },
        Kernel {
            file: "convolution",
            function: "blur",
            args: vec![
                Arg::Bytes(image),
                Arg::Bytes(vec![0; (w * h) as usize]),
                Arg::Int(w),
                Arg::Int(h),
            ],
        },
        Kernel {
            file: "bubble_sort",
            function: "bubble_sort",
            args: vec![Arg::Bytes(unsorted), Arg::Int(100)],
        },
    ]
}

/// The compilers compared, in the table's order.
#[derive(Clone, Copy)]
enum Compiler {
    Krait,
    MpyCross,
    Gcc,
}

const COMPILERS: [Compiler; 3] = [Compiler::Krait, Compiler::MpyCross, Compiler::Gcc];

/// What one compiler's code did on one core.
struct Run {
    instructions: u64,
    helper_calls: u64,
    code_bytes: u32,
    /// The returned value (decoded from its object for viper) and the buffers afterwards.
    result: Option<i32>,
    buffers: Vec<Vec<u8>>,
}

fn main() -> ExitCode {
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("board_kernels: {message}");
            ExitCode::FAILURE
        }
    }
}

fn bench() -> Result<(), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("kernels");
    let build_dir = std::env::temp_dir().join(format!("krait-board-{}", std::process::id()));
    std::fs::create_dir_all(&build_dir).map_err(|e| e.to_string())?;
    let result = table(&dir, &build_dir);
    let _ = std::fs::remove_dir_all(&build_dir);
    result
}

fn table(dir: &Path, build_dir: &Path) -> Result<(), String> {
    println!(
        "guest instructions of one call and code bytes; helpers: fun-table calls, each counted \
         as one instruction"
    );
    println!(
        "{:<14} {:<7} | {:>9} {:>9} {:>9} | {:>6} {:>6} | {:>5} {:>5} {:>5} | {:>7} | goals",
        "kernel",
        "core",
        "krait",
        "mpy-cross",
        "gcc -O2",
        "/mpy",
        "/gcc",
        "krait",
        "mpy",
        "gcc",
        "helpers"
    );
    let mut missed = 0;
    for kernel in kernels() {
        let source = std::fs::read_to_string(dir.join(format!("{}.py", kernel.file)))
            .map_err(|e| format!("{}.py: {e}", kernel.file))?
            .lines()
            .map(|line| match line {
                "DECORATOR" => "@micropython.viper",
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let c_source = std::fs::read_to_string(dir.join(format!("{}.c", kernel.file)))
            .map_err(|e| format!("{}.c: {e}", kernel.file))?;
        for core in [Core::CortexM0, Core::CortexM4] {
            let runs = COMPILERS
                .iter()
                .map(|&compiler| {
                    run(&kernel, compiler, core, &source, &c_source, build_dir).map_err(|e| {
                        format!("{} on {core:?}, {}: {e}", kernel.file, name(compiler))
                    })
                })
                .collect::<Result<Vec<Run>, String>>()?;
            for (other, compiler) in runs[1..].iter().zip(&COMPILERS[1..]) {
                if (other.result, &other.buffers) != (runs[0].result, &runs[0].buffers) {
                    return Err(format!(
                        "{} on {core:?}: krait's and {}'s code disagree ({:?} vs {:?})",
                        kernel.file,
                        name(*compiler),
                        runs[0].result,
                        other.result
                    ));
                }
            }
            let [ours, theirs, gcc] = [&runs[0], &runs[1], &runs[2]];
            let vs_mpy = ours.instructions as f64 / theirs.instructions as f64;
            let vs_gcc = ours.instructions as f64 / gcc.instructions as f64;
            let goals = [
                (vs_mpy <= 0.6, "<=0.6x mpy"),
                (ours.code_bytes <= theirs.code_bytes, "no larger"),
                (vs_gcc <= 1.5, "<=1.5x gcc"),
            ];
            let missing: Vec<&str> = goals
                .iter()
                .filter(|(met, _)| !met)
                .map(|(_, goal)| *goal)
                .collect();
            missed += missing.len();
            println!(
                "{:<14} {:<7} | {:>9} {:>9} {:>9} | {:>6.2} {:>6.2} | {:>5} {:>5} {:>5} | {:>3} {:>3} | {}",
                kernel.file,
                short(core),
                ours.instructions,
                theirs.instructions,
                gcc.instructions,
                vs_mpy,
                vs_gcc,
                ours.code_bytes,
                theirs.code_bytes,
                gcc.code_bytes,
                ours.helper_calls,
                theirs.helper_calls,
                if missing.is_empty() {
                    "met".to_string()
                } else {
                    format!("missed: {}", missing.join(", "))
                }
            );
        }
    }
    println!("{missed} goal(s) missed");
    Ok(())
}

fn name(compiler: Compiler) -> &'static str {
    match compiler {
        Compiler::Krait => "krait-cross",
        Compiler::MpyCross => "mpy-cross",
        Compiler::Gcc => "arm-none-eabi-gcc",
    }
}

fn short(core: Core) -> &'static str {
    match core {
        Core::CortexM0 => "M0+",
        Core::CortexM4 => "M4",
    }
}

/// The `.mpy` arch and gcc's `-mcpu` for a core.
fn arch_of(core: Core) -> (NativeArch, &'static str, &'static str) {
    match core {
        Core::CortexM0 => (NativeArch::Armv6m, "armv6m", "cortex-m0plus"),
        Core::CortexM4 => (NativeArch::Armv7emsp, "armv7emsp", "cortex-m4"),
    }
}

/// Compiles `kernel` with `compiler` for `core`, runs it on a fresh board and measures it.
fn run(
    kernel: &Kernel,
    compiler: Compiler,
    core: Core,
    source: &str,
    c_source: &str,
    build_dir: &Path,
) -> Result<Run, String> {
    let mut board = Board::new(core, 128 * 1024, 8 * 1024).map_err(|e| e.to_string())?;
    let viper = !matches!(compiler, Compiler::Gcc);
    let (code, code_bytes, function) = match compiler {
        Compiler::Krait | Compiler::MpyCross => {
            let module = match compiler {
                Compiler::Krait => compile_krait(source, arch_of(core).0)?,
                _ => compile_mpy_cross(source, arch_of(core).1, build_dir)?,
            };
            let functions = board.load(&module).map_err(|e| e.to_string())?;
            let [function] = functions[..] else {
                return Err(format!("{} viper functions, expected one", functions.len()));
            };
            (function.code, function.code_len, Some(function))
        }
        Compiler::Gcc => {
            let (text, offset, size) = compile_c(kernel, c_source, arch_of(core).2, build_dir)?;
            let at = board.alloc(&text).map_err(|e| e.to_string())?;
            (at + offset, size, None)
        }
    };
    let mut words = Vec::new();
    let mut buffers = Vec::new();
    for arg in &kernel.args {
        words.push(match arg {
            Arg::Int(v) if viper => small_int(*v)?,
            Arg::Int(v) => *v as u32,
            Arg::Bytes(bytes) => {
                let at = board.alloc(bytes).map_err(|e| e.to_string())?;
                buffers.push((at, bytes.len() as u32));
                at
            }
        });
    }
    let outcome = match function {
        Some(function) => board.call(&function, &words),
        None => board.call_native(code, &words),
    }
    .map_err(|e| e.to_string())?;
    let result = match (viper, outcome.result) {
        (true, word) if word & 1 == 1 => Some(word as i32 >> 1),
        (true, _) => None,
        (false, word) => Some(word as i32),
    };
    Ok(Run {
        instructions: outcome.instructions,
        helper_calls: outcome.helper_calls,
        code_bytes,
        // A function without a result returns None in viper and anything in C.
        result: result.filter(|_| returns(source, kernel.function)),
        buffers: buffers
            .iter()
            .map(|&(at, len)| board.read(at, len))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
    })
}

/// Whether the Python function `function` declares a return type (viper's `-> int`).
fn returns(source: &str, function: &str) -> bool {
    source
        .lines()
        .find(|line| line.starts_with(&format!("def {function}(")))
        .is_some_and(|line| line.contains("->"))
}

fn small_int(v: i32) -> Result<u32, String> {
    if (-(1 << 30)..1 << 30).contains(&v) {
        Ok(((v as u32) << 1) | 1)
    } else {
        Err(format!("{v} is not a small int"))
    }
}

fn compile_krait(source: &str, arch: NativeArch) -> Result<CompiledModule, String> {
    let backend = targets::device_backend(arch).ok_or("no Thumb backend for the arch")?;
    let mut module = compile_source_with(
        source,
        "kernel.py",
        &CompileOptions::default(),
        Some(&backend),
    )
    .map_err(|e| e.to_string())?;
    module.arch = arch;
    Ok(module)
}

fn compile_mpy_cross(source: &str, arch: &str, build_dir: &Path) -> Result<CompiledModule, String> {
    let mpy_cross =
        std::env::var_os("MPY_CROSS").map_or_else(|| PathBuf::from("mpy-cross"), PathBuf::from);
    let py = build_dir.join("kernel.py");
    std::fs::write(&py, source).map_err(|e| e.to_string())?;
    let out = Command::new(&mpy_cross)
        .arg(format!("-march={arch}"))
        .arg(&py)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", mpy_cross.display()))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let bytes = std::fs::read(py.with_extension("mpy")).map_err(|e| e.to_string())?;
    vm::mpy::read(&bytes).map_err(|e| e.to_string())
}

/// Builds the kernel's C function alone for `cpu`; the object's `.text`, and the function's
/// offset and size in it.
fn compile_c(
    kernel: &Kernel,
    c_source: &str,
    cpu: &str,
    build_dir: &Path,
) -> Result<(Vec<u8>, u32, u32), String> {
    let function = c_function(c_source, kernel.function)?;
    let c = build_dir.join(format!("{}.c", kernel.file));
    let o = c.with_extension("o");
    std::fs::write(&c, format!("#include <stdint.h>\n{function}")).map_err(|e| e.to_string())?;
    let cc = std::env::var("ARM_CC").unwrap_or_else(|_| "arm-none-eabi-gcc".into());
    let built = Command::new(&cc)
        .args([
            "-O2",
            "-mthumb",
            &format!("-mcpu={cpu}"),
            "-ffreestanding",
            "-c",
            "-o",
        ])
        .arg(&o)
        .arg(&c)
        .status()
        .map_err(|e| {
            format!("cannot run {cc} ({e}); Debian has it in package gcc-arm-none-eabi")
        })?;
    if !built.success() {
        return Err(format!("{cc} failed on {}", c.display()));
    }
    let bytes = std::fs::read(&o).map_err(|e| e.to_string())?;
    let file = object::File::parse(&*bytes).map_err(|e| e.to_string())?;
    let text = file
        .section_by_name(".text")
        .ok_or("the object has no .text")?;
    if text.relocations().next().is_some() {
        return Err("the C kernel calls out (its .text has relocations)".into());
    }
    let symbol = file
        .symbols()
        .find(|s| s.name() == Ok(kernel.function))
        .ok_or_else(|| format!("no symbol {}", kernel.function))?;
    let data = text.data().map_err(|e| e.to_string())?;
    // Thumb function symbols have bit 0 set.
    Ok((
        data.to_vec(),
        symbol.address() as u32 & !1,
        symbol.size() as u32,
    ))
}

/// The definition of C function `name` in `source`, from its `static` line to the closing
/// brace at the start of a line, made external.
fn c_function(source: &str, name: &str) -> Result<String, String> {
    let start = source
        .lines()
        .position(|line| line.starts_with("static ") && line.contains(&format!(" {name}(")))
        .ok_or_else(|| format!("no C function {name}"))?;
    let lines: Vec<&str> = source.lines().skip(start).collect();
    let end = lines
        .iter()
        .position(|line| *line == "}")
        .ok_or_else(|| format!("C function {name} does not end"))?;
    let text = lines[..=end].join("\n");
    Ok(text.replacen("static ", "", 1) + "\n")
}
