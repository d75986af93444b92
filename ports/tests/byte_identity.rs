//! Oracle: mpy-cross 1.29. For every corpus program, krait-cross's `.mpy` must be byte-identical
//! to mpy-cross's (same command line, same working directory, so the embedded source name
//! matches too).

mod common;

use common::*;
use std::path::Path;
use std::process::Output;

/// Corpus programs whose `.mpy` is known to differ from mpy-cross's, each with the reason.
/// A listed program that becomes identical fails the test too, so this list stays honest.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

/// Option sets every corpus program is also compiled with, beyond the defaults.
const EXTRA_OPTION_SETS: &[&[&str]] = &[
    &["-O2"],
    &["-msmall-int-bits=63", "-s", "renamed.py"],
    &["-X", "no-source-lines"],
];

/// Runs `tool` on corpus program `name` with `extra` options, writing `target`.
fn compile(tool: &Path, extra: &[&str], target: &Path, name: &str) -> Output {
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(["-o", target.to_str().expect("UTF-8 scratch path"), name]);
    run_in(&corpus_dir(), tool, &args)
}

#[test]
fn corpus_compiles_byte_identical_to_mpy_cross() {
    let out = scratch_dir("byte_identity");
    let (krait, mpy_cross) = (krait_cross(), mpy_cross());
    let option_sets: Vec<&[&str]> = std::iter::once(&[][..])
        .chain(EXTRA_OPTION_SETS.iter().copied())
        .collect();
    let programs = corpus_programs();
    let mut identical = 0;
    let mut unexpected = Vec::new();
    for name in &programs {
        let stem = name.trim_end_matches(".py");
        let known = KNOWN_DIFFERENCES.iter().any(|(known, _)| known == name);
        let mut same = true;
        for (set, extra) in option_sets.iter().enumerate() {
            let ours = out.join(format!("{stem}.{set}.krait.mpy"));
            let theirs = out.join(format!("{stem}.{set}.mpy-cross.mpy"));
            let reference = compile(&mpy_cross, extra, &theirs, name);
            assert!(
                reference.status.success(),
                "mpy-cross failed on {name}: {reference:?}"
            );
            let result = compile(&krait, extra, &ours, name);
            let detail = if !result.status.success() {
                format!(
                    "krait-cross failed: {}",
                    String::from_utf8_lossy(&result.stderr)
                )
            } else {
                let (a, b) = (
                    std::fs::read(&ours).unwrap(),
                    std::fs::read(&theirs).unwrap(),
                );
                if a == b {
                    continue;
                }
                first_difference(&a, &b)
            };
            same = false;
            if !known {
                unexpected.push(format!("{name} {extra:?}: {detail}"));
            }
        }
        if same {
            identical += 1;
            if known {
                unexpected.push(format!(
                    "{name} is identical now: remove it from KNOWN_DIFFERENCES"
                ));
            }
        }
    }
    println!(
        "byte-identical to mpy-cross: {identical}/{} corpus programs ({:.1}%), each under {} option sets",
        programs.len(),
        100.0 * identical as f64 / programs.len() as f64,
        option_sets.len()
    );
    assert!(
        unexpected.is_empty(),
        "unexpected differences:\n{}",
        unexpected.join("\n")
    );
}
