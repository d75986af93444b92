//! Oracle: mpy-cross 1.29's command-line behaviour. The same command line, run by both tools in
//! identical directories, must give the same exit code, the same stderr, the same stdout and
//! the same output files; the few intended differences are tested separately below.

mod common;

use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Files every case starts with.
const FILES: &[(&str, &str)] = &[
    (
        "ok.py",
        "x = 1\nprint(x)\nassert x, 'never'\nif __debug__:\n    print('debug')\n",
    ),
    ("syntax_error.py", "x = (\n"),
    ("indentation.py", "if 1:\n    a = 1\n  b = 2\n"),
    ("outside.py", "def f():\n    pass\nreturn 5\n"),
    ("in_function.py", "def f():\n    x = 1\n    break\n"),
    // Long literals equal to the file's names: mpy-cross interns both names before parsing,
    // so these load as qstrs, not as string objects.
    (
        "names_as_literals.py",
        "print('names_as_literals.py', 'renamed_source.py', 'not_a_known_qstr.py')\n",
    ),
];

/// A directory holding the case's starting files, one per tool.
fn prepared(case: &str, tool: &str) -> PathBuf {
    let dir = scratch_dir(&format!("cli/{case}/{tool}"));
    for (name, text) in FILES {
        std::fs::write(dir.join(name), text).unwrap();
    }
    std::fs::create_dir(dir.join("subdir")).unwrap();
    dir
}

/// What one run left behind: exit code, stdout, stderr, and every file in its directory.
#[derive(Debug, PartialEq)]
struct Observed {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    files: Vec<(String, Vec<u8>)>,
}

fn observe(tool: &Path, dir: &Path, args: &[&str], stdin: &[u8]) -> Observed {
    let mut child = Command::new(tool)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let output = child.wait_with_output().unwrap();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    Observed {
        code: output.status.code(),
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        files,
    }
}

/// Runs both tools on the same command line and input and returns what each did.
fn both(case: &str, args: &[&str], stdin: &[u8]) -> (Observed, Observed) {
    let ours = observe(&krait_cross(), &prepared(case, "krait"), args, stdin);
    let theirs = observe(&mpy_cross(), &prepared(case, "mpy-cross"), args, stdin);
    (ours, theirs)
}

fn assert_same(case: &str, args: &[&str], stdin: &[u8]) {
    let (ours, theirs) = both(case, args, stdin);
    if ours != theirs {
        panic!(
            "krait-cross and mpy-cross differ for {args:?}:\n{}",
            differences(&ours, &theirs)
        );
    }
}

/// A readable account of how two runs differ (the raw bytes of .mpy files are not).
fn differences(ours: &Observed, theirs: &Observed) -> String {
    let mut report = Vec::new();
    if ours.code != theirs.code {
        report.push(format!(
            "exit code {:?}, mpy-cross {:?}",
            ours.code, theirs.code
        ));
    }
    if ours.stderr != theirs.stderr {
        report.push(format!(
            "stderr {:?}\nmpy-cross stderr {:?}",
            ours.stderr, theirs.stderr
        ));
    }
    if ours.stdout != theirs.stdout {
        report.push(format!(
            "stdout: {}",
            first_difference(&ours.stdout, &theirs.stdout)
        ));
    }
    let names = |o: &Observed| {
        o.files
            .iter()
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>()
    };
    if names(ours) != names(theirs) {
        report.push(format!(
            "files {:?}, mpy-cross files {:?}",
            names(ours),
            names(theirs)
        ));
    } else {
        for ((name, a), (_, b)) in ours.files.iter().zip(&theirs.files) {
            if a != b {
                report.push(format!("{name}: {}", first_difference(a, b)));
            }
        }
    }
    report.join("\n")
}

#[test]
fn compiles_beside_the_input_by_default() {
    assert_same("default", &["ok.py"], b"");
    assert_same(
        "default_subdir_source",
        &["-s", "sub\\name.py", "ok.py"],
        b"",
    );
    assert_same(
        "literals_equal_to_file_names",
        &["-s", "renamed_source.py", "names_as_literals.py"],
        b"",
    );
}

#[test]
fn output_option() {
    assert_same("output_file", &["-o", "out.bin", "ok.py"], b"");
    assert_same("output_stdout", &["-o", "-", "ok.py"], b"");
    assert_same("output_missing_dir", &["-o", "nowhere/x.mpy", "ok.py"], b"");
    assert_same("output_is_a_directory", &["-o", "subdir", "ok.py"], b"");
}

#[test]
fn stdin_input() {
    assert_same("stdin_to_stdout", &["-"], b"y = 2\n");
    assert_same("stdin_to_file", &["-o", "s.mpy", "-"], b"y = 2\n");
    assert_same("stdin_error", &["-"], b"y = (\n");
}

#[test]
fn compile_options() {
    assert_same("optimise", &["-O3", "ok.py"], b"");
    assert_same("optimise_letters", &["-OO", "-v", "ok.py"], b"");
    assert_same("small_int_bits", &["-msmall-int-bits=63", "ok.py"], b"");
    assert_same("arch_bytecode", &["-march=armv7emsp", "ok.py"], b"");
    assert_same(
        "arch_flags",
        &["-march=rv32imc", "-march-flags=zba,zcmp", "ok.py"],
        b"",
    );
    assert_same("arch_flags_ignored", &["-march-flags=zba", "ok.py"], b"");
    assert_same(
        "emit_bytecode",
        &["-X", "emit=bytecode", "-X", "heapsize=2m", "ok.py"],
        b"",
    );
    assert_same("double_dash", &["--", "ok.py"], b"");
}

#[test]
fn errors_in_the_source() {
    assert_same("syntax_error", &["syntax_error.py"], b"");
    assert_same("indentation", &["indentation.py"], b"");
    // Compiler errors name the -s file and the scope; parser errors name the input file.
    assert_same("outside_function", &["-s", "shown.py", "outside.py"], b"");
    assert_same("break_in_function", &["in_function.py"], b"");
    assert_same(
        "syntax_error_renamed",
        &["-s", "shown.py", "syntax_error.py"],
        b"",
    );
}

#[test]
fn command_line_errors() {
    assert_same("no_input", &[], b"");
    assert_same("two_inputs", &["ok.py", "other.py"], b"");
    assert_same("missing_input", &["missing.py"], b"");
    assert_same("directory_input", &["subdir"], b"");
    assert_same("native_without_arch", &["-X", "emit=native", "ok.py"], b"");
    assert_same(
        "bad_arch_flags",
        &["-march=x64", "-march-flags=zba", "ok.py"],
        b"",
    );
    assert_same("dash_file_after_double_dash", &["--", "-ok.py"], b"");
}

/// Usage text differs only in the program name and krait-cross's `--dump` and `--elf` lines.
#[test]
fn usage_matches_apart_from_program_name_and_dump() {
    for args in [
        &["-h"][..],
        &["--bogus", "ok.py"],
        &["-X"],
        &["-X", "emit=fast", "ok.py"],
        &["-march=z80", "ok.py"],
        &["ok.py", "-o"],
    ] {
        let (ours, theirs) = both("usage", args, b"");
        assert_eq!((ours.code, theirs.code), (Some(1), Some(1)), "{args:?}");
        let strip = |observed: &Observed| {
            let text = String::from_utf8_lossy(&observed.stdout).into_owned();
            let mut lines = text
                .lines()
                .filter(|line| !line.starts_with("--dump ") && !line.starts_with("--elf "));
            let first = lines
                .next()
                .unwrap_or_default()
                .split_once(" [<opts>]")
                .map(|(_, rest)| rest.to_owned());
            (first, lines.map(String::from).collect::<Vec<_>>())
        };
        assert_eq!(strip(&ours), strip(&theirs), "{args:?}");
        assert_eq!((ours.stderr.as_str(), theirs.stderr.as_str()), ("", ""));
    }
}

#[test]
fn version_has_mpy_cross_shape() {
    let (ours, theirs) = both("version", &["--version"], b"");
    assert_eq!((ours.code, theirs.code), (Some(0), Some(0)));
    let suffix = "; mpy-cross emitting mpy v6.3\n";
    let (ours, theirs) = (
        String::from_utf8(ours.stdout).unwrap(),
        String::from_utf8(theirs.stdout).unwrap(),
    );
    assert!(
        theirs.starts_with("MicroPython v1.29.0 ") && theirs.ends_with(suffix),
        "{theirs}"
    );
    assert!(
        ours.starts_with("krait-cross ")
            && ours.contains("MicroPython v1.29.0")
            && ours.ends_with(suffix),
        "{ours}"
    );
}

/// Where krait-cross deliberately parts from mpy-cross: it refuses what it cannot do yet
/// (native code) instead of writing something different, and it adds `--dump`.
#[test]
fn intended_differences() {
    let (ours, theirs) = both("native", &["-march=x64", "-X", "emit=native", "ok.py"], b"");
    assert_eq!(theirs.code, Some(0));
    assert_eq!(ours.code, Some(1));
    assert!(
        ours.stderr
            .contains("native emission is not implemented yet"),
        "{}",
        ours.stderr
    );

    let (ours, _) = both("dump", &["--dump", "ok.py"], b"");
    assert_eq!(ours.code, Some(0), "{}", ours.stderr);
    let dump = String::from_utf8(ours.stdout).unwrap();
    assert!(!dump.is_empty());
    assert!(
        !ours.files.iter().any(|(name, _)| name.ends_with(".mpy")),
        "--dump wrote a file"
    );

    // Dumping mpy-cross's own .mpy shows the same program as dumping the source.
    let dir = prepared("dump_mpy", "krait");
    assert!(run_in(&dir, &mpy_cross(), &["ok.py"]).status.success());
    let from_mpy = run_in(&dir, &krait_cross(), &["--dump", "ok.mpy"]);
    assert_eq!(String::from_utf8(from_mpy.stdout).unwrap(), dump);
}
