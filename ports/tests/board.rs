//! The emulated Cortex-M board (feature `board`; see `src/board/mod.rs` for the build) runs
//! the viper functions of native `.mpy` files written by krait-cross and by mpy-cross 1.29:
//! both must give the results the bytecode semantics give, which checks the board's side of
//! the ABI against code krait did not write. Prints guest instructions per call.
#![cfg(feature = "board")]

mod common;

use common::{mpy_cross, run_in, scratch_dir};
use ports::board::{Board, BoardError, Core};
use vm::compile::{compile_source_with, CompileOptions};
use vm::rawcode::{CompiledModule, NativeArch};

const SOURCE: &str = "import micropython

@micropython.viper
def sum8(p: ptr8, n: int) -> int:
    s = 0
    for i in range(n):
        s += p[i]
    return s

@micropython.viper
def mix(a: int, b: int) -> int:
    return (a * 31 + b) % 1000 - b // 7

@micropython.viper
def div(a: int, b: int) -> int:
    return a // b
";

fn small_int(v: i32) -> u32 {
    ((v as u32) << 1) | 1
}

fn krait(arch: NativeArch) -> CompiledModule {
    let backend = targets::device_backend(arch).expect("a Thumb target");
    let mut module =
        compile_source_with(SOURCE, "app.py", &CompileOptions::default(), Some(&backend))
            .expect("krait compiles the program");
    module.arch = arch;
    module
}

fn mpy_cross_module(arch: &str) -> CompiledModule {
    let dir = scratch_dir(&format!("board_{arch}"));
    std::fs::write(dir.join("app.py"), SOURCE).unwrap();
    let out = run_in(&dir, &mpy_cross(), &[&format!("-march={arch}"), "app.py"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    vm::mpy::read(&std::fs::read(dir.join("app.mpy")).unwrap()).expect("a valid .mpy")
}

#[test]
fn krait_and_mpy_cross_code_run_on_both_cores() {
    let data: Vec<u8> = (0..=255u8).collect();
    let want_sum: i32 = data.iter().map(|&b| i32::from(b)).sum();
    let mix = |a: i32, b: i32| (a * 31 + b).rem_euclid(1000) - b.div_euclid(7);
    let mut report = Vec::new();
    for (core, arch, name) in [
        (Core::CortexM0, NativeArch::Armv6m, "armv6m"),
        (Core::CortexM4, NativeArch::Armv7m, "armv7m"),
        (Core::CortexM4, NativeArch::Armv7emsp, "armv7emsp"),
    ] {
        for (who, module) in [
            ("krait", krait(arch)),
            ("mpy-cross", mpy_cross_module(name)),
        ] {
            let mut board = Board::new(core, 64 * 1024, 8 * 1024).expect("a board");
            let functions = board.load(&module).expect("the module loads");
            assert_eq!(functions.len(), 3, "{who} {name}");
            let buf = board.alloc(&data).unwrap();
            let sum = board
                .call(&functions[0], &[buf, small_int(data.len() as i32)])
                .unwrap_or_else(|e| panic!("{who} {name} sum8: {e}"));
            assert_eq!(sum.result, small_int(want_sum), "{who} {name} sum8");
            for (a, b) in [(5, 9), (-40, 13), (1000, -3)] {
                let got = board
                    .call(&functions[1], &[small_int(a), small_int(b)])
                    .unwrap_or_else(|e| panic!("{who} {name} mix: {e}"));
                assert_eq!(
                    got.result,
                    small_int(mix(a, b)),
                    "{who} {name} mix({a}, {b})"
                );
            }
            report.push(format!(
                "{core:?} {name} {who:9}: sum8 of 256 bytes in {} instructions, {} code bytes",
                sum.instructions, functions[0].code_len
            ));
        }
    }
    eprintln!("{}", report.join("\n"));
}

#[test]
fn errors_are_reported_not_crashes() {
    let mut board = Board::new(Core::CortexM0, 16 * 1024, 4096).unwrap();
    // ARMv7-M code does not load on a Cortex-M0, in MicroPython's words.
    let err = board.load(&krait(NativeArch::Armv7m)).unwrap_err();
    assert_eq!(err.to_string(), "ValueError: incompatible .mpy arch");
    let functions = board.load(&krait(NativeArch::Armv6m)).unwrap();
    // A wrong argument count raises MicroPython's TypeError through the fun table.
    let err = board.call(&functions[0], &[small_int(1)]).unwrap_err();
    assert_eq!(
        err,
        BoardError::Raised(
            "TypeError: function takes 2 positional arguments but 1 were given".into()
        )
    );
    // A wild pointer faults at a guest PC inside the function, and the board lives on.
    let err = board
        .call(&functions[0], &[0x0000_0100, small_int(4)])
        .unwrap_err();
    match err {
        BoardError::Fault { pc, .. } => assert!(
            (functions[0].code..functions[0].code + functions[0].code_len).contains(&pc),
            "fault pc {pc:#x} outside the function"
        ),
        other => panic!("expected a fault, got {other}"),
    }
    let err = board
        .call(&functions[2], &[small_int(1), small_int(0)])
        .unwrap_err();
    assert_eq!(
        err,
        BoardError::Raised("ZeroDivisionError: divide by zero".into())
    );
    // RAM is the board's size.
    assert!(matches!(
        board.alloc(&vec![0; 32 * 1024]),
        Err(BoardError::OutOfRam { .. })
    ));
}

/// Viper kernels, each run by krait-cross's and mpy-cross's code on both cores: the results
/// must agree, and the table of guest instructions and code bytes is printed (krait's must
/// not execute more instructions than mpy-cross's).
#[test]
fn kernel_instruction_counts() {
    const KERNELS: &str = "import micropython

@micropython.viper
def fletcher16(buf, n: int) -> int:
    p = ptr8(buf)
    a = 0
    b = 0
    for i in range(n):
        a = (a + p[i]) % 255
        b = (b + a) % 255
    return (b << 8) | a

@micropython.viper
def fill16(p: ptr16, n: int, v: int):
    for i in range(n):
        p[i] = v + i
    return None

@micropython.viper
def dot32(a: ptr32, b: ptr32, n: int) -> int:
    s = 0
    for i in range(n):
        s += a[i] * b[i]
    return s

@micropython.viper
def count_above(p: ptr8, n: int, t: int) -> int:
    c = 0
    i = 0
    while i < n:
        if p[i] > t:
            c += 1
        i += 1
    return c
";
    let dir = scratch_dir("board_kernels");
    std::fs::write(dir.join("kernels.py"), KERNELS).unwrap();
    let n = 200u32;
    let data: Vec<u8> = (0..4 * n).map(|i| (i * 7 + 3) as u8).collect();
    let mut table = vec![format!(
        "{:<12} {:<8} {:>14} {:>18} {:>6}",
        "kernel", "core", "krait instrs", "mpy-cross instrs", "ratio"
    )];
    for (core, arch, name) in [
        (Core::CortexM0, NativeArch::Armv6m, "armv6m"),
        (Core::CortexM4, NativeArch::Armv7m, "armv7m"),
    ] {
        let backend = targets::device_backend(arch).unwrap();
        let mut ours = compile_source_with(
            KERNELS,
            "kernels.py",
            &CompileOptions::default(),
            Some(&backend),
        )
        .expect("krait compiles the kernels");
        ours.arch = arch;
        let out = run_in(
            &dir,
            &mpy_cross(),
            &[&format!("-march={name}"), "kernels.py"],
        );
        assert!(out.status.success());
        let theirs = vm::mpy::read(&std::fs::read(dir.join("kernels.mpy")).unwrap()).unwrap();
        let mut results: Vec<Vec<(u32, u64, u32)>> = Vec::new();
        for module in [&ours, &theirs] {
            let mut board = Board::new(core, 64 * 1024, 8 * 1024).unwrap();
            let f = board.load(module).unwrap();
            let buf = board.alloc(&data).unwrap();
            let other = board.alloc(&data).unwrap();
            let calls: [(usize, Vec<u32>); 4] = [
                (0, vec![buf, small_int(n as i32)]),
                (1, vec![other, small_int(n as i32), small_int(-5)]),
                (2, vec![buf, other, small_int(n as i32)]),
                (3, vec![buf, small_int(n as i32), small_int(100)]),
            ];
            let mut got = Vec::new();
            for (i, args) in calls {
                let o = board
                    .call(&f[i], &args)
                    .unwrap_or_else(|e| panic!("{name} {i}: {e}"));
                got.push((o.result, o.instructions, f[i].code_len));
            }
            // What the stores left behind is part of the result.
            let filled = board.read(other, 2 * n).unwrap();
            got.push((filled.iter().map(|&b| u32::from(b)).sum(), 0, 0));
            results.push(got);
        }
        let names = ["fletcher16", "fill16", "dot32", "count_above"];
        for (k, kernel) in names.iter().enumerate() {
            let (ours, theirs) = (results[0][k], results[1][k]);
            assert_eq!(ours.0, theirs.0, "{kernel} on {name}: results differ");
            assert!(
                ours.1 <= theirs.1,
                "{kernel} on {name}: {} > {}",
                ours.1,
                theirs.1
            );
            table.push(format!(
                "{kernel:<12} {core:<8?} {:>14} {:>18} {:>6.2}   ({} vs {} code bytes)",
                ours.1,
                theirs.1,
                ours.1 as f64 / theirs.1 as f64,
                ours.2,
                theirs.2
            ));
        }
        assert_eq!(results[0][4], results[1][4], "fill16's stores on {name}");
    }
    eprintln!("n = {n}\n{}", table.join("\n"));
}

/// Globals under the native entry's protocol: the module's globals are swapped in around
/// the body (or `load_global` refuses), and swapped back out both on return and when an
/// exception passes through the entry's `nlr` frame, which re-raises it.
#[test]
fn globals_are_swapped_in_and_out_even_through_exceptions() {
    const SOURCE: &str = "import micropython

@micropython.viper
def twice(n: int) -> int:
    global counter
    counter = n * 2
    return int(counter) + 1

@micropython.viper
def fails(n: int) -> int:
    global counter
    counter = n
    return n // 0
";
    let dir = scratch_dir("board_globals");
    std::fs::write(dir.join("g.py"), SOURCE).unwrap();
    for (core, arch, name) in [
        (Core::CortexM0, NativeArch::Armv6m, "armv6m"),
        (Core::CortexM4, NativeArch::Armv7m, "armv7m"),
    ] {
        let backend = targets::device_backend(arch).unwrap();
        let mut ours =
            compile_source_with(SOURCE, "g.py", &CompileOptions::default(), Some(&backend))
                .expect("krait compiles globals");
        ours.arch = arch;
        let out = run_in(&dir, &mpy_cross(), &[&format!("-march={name}"), "g.py"]);
        assert!(out.status.success());
        let theirs = vm::mpy::read(&std::fs::read(dir.join("g.mpy")).unwrap()).unwrap();
        for (who, module) in [("krait", &ours), ("mpy-cross", &theirs)] {
            let mut board = Board::new(core, 32 * 1024, 4096).unwrap();
            let f = board.load(module).unwrap();
            let got = board
                .call(&f[0], &[small_int(20)])
                .unwrap_or_else(|e| panic!("{who} {name}: {e}"));
            assert_eq!(got.result, small_int(41), "{who} {name}");
            assert!(
                board.caller_globals_current(),
                "{who} {name}: globals restored"
            );
            let err = board.call(&f[1], &[small_int(3)]).unwrap_err();
            assert_eq!(
                err,
                BoardError::Raised("ZeroDivisionError: divide by zero".into()),
                "{who} {name}"
            );
            assert!(
                board.caller_globals_current(),
                "{who} {name}: globals restored after the exception"
            );
        }
    }
}

/// More than four arguments (up to the six krait's emitter takes; the body takes the fourth
/// on through memory), with and without globals, objects among them: krait's code agrees
/// with mpy-cross's on both cores.
#[test]
fn more_than_four_arguments() {
    const SOURCE: &str = "import micropython

@micropython.viper
def six(a: int, b: int, p: ptr8, c: int, d: uint, e) -> int:
    return a * 100000 + b * 10000 + p[1] * 1000 + c * 100 + int(d) * 10 + int(e)

@micropython.viper
def six_globals(a: int, b: int, c: int, d: int, e: int, f: int) -> int:
    global counter
    counter = f
    return a - b * 2 + c * 3 - d * 4 + e * 5 + int(counter) * 7

@micropython.viper
def five(a, b, c, d, e) -> int:
    return int(a) + int(b) * 2 + int(c) * 3 + int(d) * 4 + int(e) * 5
";
    let dir = scratch_dir("board_args");
    std::fs::write(dir.join("a.py"), SOURCE).unwrap();
    for (core, arch, name) in [
        (Core::CortexM0, NativeArch::Armv6m, "armv6m"),
        (Core::CortexM4, NativeArch::Armv7m, "armv7m"),
    ] {
        let backend = targets::device_backend(arch).unwrap();
        let mut ours =
            compile_source_with(SOURCE, "a.py", &CompileOptions::default(), Some(&backend))
                .expect("krait compiles more than four arguments");
        ours.arch = arch;
        let out = run_in(&dir, &mpy_cross(), &[&format!("-march={name}"), "a.py"]);
        assert!(out.status.success());
        let theirs = vm::mpy::read(&std::fs::read(dir.join("a.mpy")).unwrap()).unwrap();
        let mut results = Vec::new();
        for module in [&ours, &theirs] {
            let mut board = Board::new(core, 32 * 1024, 4096).unwrap();
            let f = board.load(module).unwrap();
            let buf = board.alloc(&[5, 7, 9]).unwrap();
            let ints = |v: &[i32]| v.iter().map(|&v| small_int(v)).collect::<Vec<_>>();
            let calls = [
                (
                    0,
                    vec![
                        small_int(1),
                        small_int(2),
                        buf,
                        small_int(3),
                        small_int(4),
                        small_int(5),
                    ],
                ),
                (1, ints(&[9, 8, 7, 6, 5, 3])),
                (2, ints(&[1, -2, 3, -4, 5])),
            ];
            let mut got = Vec::new();
            for (i, args) in calls {
                let o = board
                    .call(&f[i], &args)
                    .unwrap_or_else(|e| panic!("{name} function {i}: {e}"));
                got.push(o.result);
            }
            assert!(board.caller_globals_current(), "{name}");
            results.push(got);
        }
        let want = vec![
            small_int(100000 + 20000 + 7000 + 300 + 40 + 5),
            small_int(9 - 16 + 21 - 24 + 25 + 21),
            small_int(1 - 4 + 9 - 16 + 25),
        ];
        assert_eq!(results[0], want, "krait on {name}");
        assert_eq!(results[1], want, "mpy-cross on {name}");
    }
}
