//! Oracle: the REPL of the real MicroPython runtime (WebAssembly port, npm), which runs the
//! same `pyexec` friendly and raw REPLs and `readline` as the unix port. Each session below is
//! a stream of keystrokes typed into both; everything after the banner must be the same bytes:
//! echo, cursor movement, prompts, auto-indent, completion listings, results and tracebacks.
//! krait reads the keys from a pipe (`krait -i`, as the unix port takes a REPL on stdin).

mod common;

use common::*;
use std::io::Write;
use std::process::{Command, Stdio};

const CTRL_A: &str = "\x01";
const CTRL_B: &str = "\x02";
const CTRL_C: &str = "\x03";
const CTRL_D: &str = "\x04";
const CTRL_E: &str = "\x05";
const UP: &str = "\x1b[A";
const LEFT: &str = "\x1b[D";
const BACKSPACE: &str = "\x7f";

/// (name, keystrokes). Enter is `\r`, as a terminal sends it.
fn sessions() -> Vec<(&'static str, String)> {
    vec![
        (
            "expressions_and_names",
            "x = 6\r x * 7\rx * 7\r'a' + 'b'\rNone\r".into(),
        ),
        (
            "errors",
            "1/0\rundefined\r1 + * 2\rif 1:\r  x = )\r\r\r".into(),
        ),
        (
            "compound_statements_auto_indent",
            "for i in range(3):\rprint(i)\r\r\rdef f(a):\rif a:\rreturn 1\r\r\r\rf(1)\r".into(),
        ),
        (
            "open_brackets_continue",
            "(1 +\r2)\r[1,\r2]\r'''a\rb'''\r".into(),
        ),
        (
            "line_editing",
            format!("12{LEFT}{LEFT}3\rabc{BACKSPACE}{BACKSPACE}\r4+4\r{UP}{UP}\r"),
        ),
        (
            "tab_completion",
            "import sys\rsys.byteo\t\rs = 'abc'\rs.up\t()\rs.is\t\t\r".into(),
        ),
        (
            "control_keys",
            format!("12{CTRL_C}3\r{CTRL_B}1\rx = (1,{CTRL_C}x = 2\rx\r"),
        ),
        (
            "paste_mode",
            format!(
                "{CTRL_E}def g():\r    return 5\r\rprint(g())\r{CTRL_D}{CTRL_E}1/0{CTRL_C}g()\r"
            ),
        ),
        (
            "raw_repl",
            format!("{CTRL_A}print(1)\r{CTRL_D}1/0{CTRL_D}{CTRL_C}x = 3{CTRL_D}{CTRL_B}x\r"),
        ),
    ]
}

/// The session's output from the first prompt on, with banner lines (which name different
/// builds) removed.
fn comparable(output: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(output);
    let start = text.find(">>> ").unwrap_or(text.len());
    text[start..]
        .split_inclusive('\n')
        .filter(|line| !line.starts_with("MicroPython v"))
        .collect::<String>()
        .into_bytes()
}

fn krait_session(keys: &str) -> Vec<u8> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_krait"))
        .arg("-i")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("krait runs");
    // Ctrl-D at the end leaves the REPL, as it leaves MicroPython's.
    let input = format!("{keys}{CTRL_D}");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("keys written");
    let output = child.wait_with_output().expect("krait finishes");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The Ctrl-D that ends krait's session answers with a newline; MicroPython's event-driven
    // REPL is given no Ctrl-D.
    let stdout = output
        .stdout
        .strip_suffix(b"\r\n")
        .unwrap_or(&output.stdout);
    comparable(stdout)
}

fn micropython_session(dir: &std::path::Path, name: &str, keys: &str) -> Vec<u8> {
    let file = dir.join(format!("{name}.keys"));
    std::fs::write(&file, keys).expect("keys file");
    let runner = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run_repl.mjs");
    let output = Command::new("node")
        .arg(runner)
        .arg(micropython_wasm())
        .arg(&file)
        .output()
        .expect("node (needed for the MicroPython wasm runtime) is not installed");
    assert!(output.status.success(), "run_repl.mjs failed");
    comparable(&output.stdout)
}

#[test]
fn repl_sessions_match_micropython() {
    let dir = scratch_dir("repl_vs_micropython");
    let mut differences = Vec::new();
    for (name, keys) in sessions() {
        let ours = krait_session(&keys);
        let theirs = micropython_session(&dir, name, &keys);
        if ours != theirs {
            differences.push(format!(
                "{name}: {}\n  krait:       {:?}\n  MicroPython: {:?}",
                first_difference(&ours, &theirs),
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs)
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
