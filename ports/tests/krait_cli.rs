//! The `krait` command against its oracles: the MicroPython runtime for the module programs of
//! the corpus, CPython (and mpy-cross, for compile errors) for what the unix port does as
//! CPython does: `sys.argv`, exit codes, `-c`, `-m`, stdin, `MICROPYPATH`. Streaming output is
//! checked directly: a program's first line must arrive while it still waits for input.
mod common;

use common::{micropython_wasm, mpy_cross, run_in, scratch_dir};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Corpus programs about krait's builtin modules and namespaces, run by `krait` itself here.
const MODULE_PROGRAMS: &[&str] = &["sys_micropython_gc.py", "namespaces_exec_eval.py"];

fn krait() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_krait"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, source: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, source).expect("write program");
}

/// `program` with `args` in `dir`, `stdin` piped in.
fn run_with_stdin(dir: &Path, program: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

#[test]
fn module_programs_print_what_micropython_prints() {
    let dir = scratch_dir("krait_cli_modules");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let runner = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run_mpy.mjs");
    for name in MODULE_PROGRAMS {
        // The runtime imports each program as module `m`, from `m.py`: so does krait here, so
        // tracebacks name the same file.
        let program_dir = dir.join(name.trim_end_matches(".py"));
        std::fs::create_dir_all(&program_dir).expect("mkdir");
        std::fs::copy(corpus.join(name), program_dir.join("m.py")).expect("copy");
        let status = Command::new("node")
            .arg(&runner)
            .arg(micropython_wasm())
            .arg(&program_dir)
            .arg(program_dir.join("m.py"))
            .status()
            .expect("node runs the MicroPython runtime");
        assert!(status.success());
        let expected = std::fs::read(program_dir.join("m.py.out")).expect("runtime output");
        assert!(
            !program_dir.join("m.py.err").exists(),
            "{name} raised in MicroPython"
        );
        for options in [&["m.py"][..], &["-X", "gcstress", "m.py"]] {
            let out = run_in(&program_dir, &krait(), options);
            assert!(out.status.success(), "{name}: {}", text(&out.stderr));
            assert_eq!(text(&out.stdout), text(&expected), "{name} {options:?}");
        }
    }
}

/// Exit status, stdout and stderr of `python3` and `krait` for the same command line.
fn both(dir: &Path, args: &[&str]) -> (Output, Output) {
    let python = run_in(dir, Path::new("python3"), args);
    let krait = run_in(dir, &krait(), args);
    (python, krait)
}

#[test]
fn argv_exit_codes_and_stdout_as_cpython() {
    let dir = scratch_dir("krait_cli_cpython");
    write(
        &dir,
        "prog.py",
        "import sys\nprint(sys.argv[1:], __name__)\nif len(sys.argv) > 2:\n    sys.exit(int(sys.argv[2]))\n",
    );
    write(
        &dir,
        "boom.py",
        "print('before')\nraise ValueError('boom')\n",
    );
    write(&dir, "bye.py", "import sys\nprint('bye')\nsys.exit()\n");
    let cases: &[&[&str]] = &[
        &["prog.py"],
        &["prog.py", "x", "7"],
        &["prog.py", "-c", "0"],
        &["boom.py"],
        &["bye.py"],
        &["-c", "import sys; print(sys.argv)", "a", "b"],
        &["-c", "raise SystemExit(300)"],
        &["-c", "raise SystemExit(None)"],
        &["-c", "print(__name__)"],
    ];
    for args in cases {
        let (python, krait) = both(&dir, args);
        assert_eq!(python.status.code(), krait.status.code(), "{args:?}");
        assert_eq!(text(&python.stdout), text(&krait.stdout), "{args:?}");
    }
    let (python, krait) = both(&dir, &["boom.py"]);
    assert!(text(&python.stderr).ends_with("ValueError: boom\n"));
    assert!(text(&krait.stderr).ends_with("ValueError: boom\n"));
}

#[test]
fn stdin_module_and_micropypath() {
    let dir = scratch_dir("krait_cli_sources");
    write(&dir, "pkg/__init__.py", "");
    write(
        &dir,
        "pkg/tool.py",
        "import sys\nprint('tool', __name__, sys.argv)\n",
    );
    write(&dir, "pkg/__main__.py", "print('package main', __name__)\n");
    write(&dir, "lib/extra.py", "VALUE = 'from MICROPYPATH'\n");
    let piped = run_with_stdin(&dir, &krait(), &[], "print(6 * 7)\n");
    assert_eq!(text(&piped.stdout), "42\n");
    let reader =
        "print(input('name? '), input())\ntry:\n    input()\nexcept EOFError:\n    print('EOF')\n";
    let args = ["-c", reader];
    let python = run_with_stdin(&dir, Path::new("python3"), &args, "ann\nbob");
    let krait_out = run_with_stdin(&dir, &krait(), &args, "ann\nbob");
    assert_eq!(text(&python.stdout), text(&krait_out.stdout));
    // The unix port's sys.argv for -m starts at the module name (CPython's at its path).
    let out = run_in(&dir, &krait(), &["-m", "pkg.tool", "arg"]);
    assert_eq!(text(&out.stdout), "tool __main__ ['pkg.tool', 'arg']\n");
    let (python, package) = both(&dir, &["-m", "pkg"]);
    assert_eq!(text(&python.stdout), text(&package.stdout));
    let out = Command::new(krait())
        .args(["-c", "import extra, sys; print(extra.VALUE, sys.path)"])
        .current_dir(&dir)
        .env("MICROPYPATH", "lib:/nonexistent")
        .output()
        .expect("run krait");
    assert_eq!(
        text(&out.stdout),
        "from MICROPYPATH ['', 'lib', '/nonexistent']\n"
    );
}

#[test]
fn errors_before_running() {
    let dir = scratch_dir("krait_cli_errors");
    write(&dir, "bad.py", "x = 1\nx = = 2\n");
    // The unix port reports a compile error as mpy-cross does: traceback on stderr, status 1.
    let oracle = run_in(&dir, &mpy_cross(), &["bad.py"]);
    let out = run_in(&dir, &krait(), &["bad.py"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), text(&oracle.stderr));
    let missing = run_in(&dir, &krait(), &["missing.py"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr)
        .ends_with("can't open file 'missing.py': [Errno 2] No such file or directory\n"));
    let invalid = run_in(&dir, &krait(), &["-X", "heapsize=1"]);
    assert_eq!(invalid.status.code(), Some(1));
    assert_eq!(
        text(&invalid.stderr),
        "Invalid command line arguments. Use -h option for help.\n"
    );
}

#[test]
fn output_is_streamed_while_the_program_runs() {
    let mut child = Command::new(krait())
        .args([
            "-c",
            "import sys\nprint('prompt')\nline = sys.stdin.readline()\nprint('got', line.strip())",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn krait");
    let stdout = child.stdout.take().expect("stdout");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut first = String::new();
        let mut reader = BufReader::new(stdout);
        let _ = reader.read_line(&mut first);
        let _ = sender.send(first);
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut reader, &mut rest);
    });
    let first = receiver.recv_timeout(Duration::from_secs(20));
    let mut stdin = child.stdin.take().expect("stdin");
    let _ = stdin.write_all(b"answer\n");
    drop(stdin);
    let _ = child.wait();
    assert_eq!(
        first.as_deref(),
        Ok("prompt\n"),
        "no output before input was given"
    );
}

/// What remains of a REPL session's stdout without the banner and prompts.
fn repl_values(stdout: &str) -> String {
    let mut values = String::new();
    for line in stdout.lines().skip(2) {
        let mut line = line;
        while let Some(rest) = line
            .strip_prefix(">>> ")
            .or_else(|| line.strip_prefix("... "))
        {
            line = rest;
        }
        if !line.is_empty() && line != ">>>" {
            values.push_str(line);
            values.push('\n');
        }
    }
    values
}

#[test]
fn the_repl_evaluates_as_cpython_does() {
    let dir = scratch_dir("krait_cli_repl");
    // With -i the unix port reads a REPL session from stdin after the program, as CPython
    // does (CPython writes its prompts on stderr, the unix port on stdout).
    let session = "x * 2\nfor i in range(2):\n    print(i)\n\ndef f(a,\n      b):\n    return (a +\n            b)\n\nf(1, 2)\n_ + 1\nNone\nraise SystemExit(4)\n";
    let args = ["-i", "-c", "x = 5"];
    let python = run_with_stdin(&dir, Path::new("python3"), &args, session);
    let krait_out = run_with_stdin(&dir, &krait(), &args, session);
    assert_eq!(python.status.code(), krait_out.status.code());
    let banner = text(&krait_out.stdout);
    assert!(banner.starts_with("MicroPython v1.29.0"), "{banner}");
    assert_eq!(repl_values(&banner), text(&python.stdout));
}
