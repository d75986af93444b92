//! `import` in krait against the MicroPython runtime: the program tree in `import_tree/`
//! (packages with and without `__init__.py`, relative, star and circular imports,
//! `sys.modules`, `__import__`, a `.mpy` module, the errors) runs under `krait` and is
//! imported by the MicroPython WebAssembly runtime; both must print the same bytes.
mod common;

use common::{first_difference, micropython_wasm, mpy_cross, run_in, scratch_dir};
use std::path::{Path, PathBuf};
use std::process::Command;

fn krait() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_krait"))
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create tree directory");
    for entry in std::fs::read_dir(from).expect("read tree") {
        let entry = entry.expect("tree entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy tree file");
        }
    }
}

/// The tree in a scratch directory, with `mpy_only.py` replaced by its `.mpy`.
fn prepared_tree() -> PathBuf {
    let dir = scratch_dir("imports").join("tree");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import_tree");
    copy_tree(&source, &dir);
    let compiled = run_in(&dir, &mpy_cross(), &["mpy_only.py"]);
    assert!(compiled.status.success(), "mpy-cross failed: {compiled:?}");
    std::fs::remove_file(dir.join("mpy_only.py")).expect("remove mpy_only.py");
    dir
}

fn micropython_output(tree: &Path) -> Vec<u8> {
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run_tree.mjs");
    let out = Command::new("node")
        .arg(driver)
        .arg(micropython_wasm())
        .arg(tree)
        .arg("main")
        .output()
        .expect("node runs the MicroPython runtime");
    assert!(out.status.success(), "node failed: {out:?}");
    out.stdout
}

#[test]
fn import_tree_matches_micropython() {
    let tree = prepared_tree();
    let expected = micropython_output(&tree);
    assert!(
        String::from_utf8_lossy(&expected).contains("hello from mpy_only"),
        "the oracle did not run the whole program:\n{}",
        String::from_utf8_lossy(&expected)
    );
    for options in [&["main.py"][..], &["-X", "gcstress", "main.py"]] {
        let out = run_in(&tree, &krait(), options);
        assert!(
            out.status.success(),
            "krait {options:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout == expected,
            "krait {options:?} differs from MicroPython, {}:\n--- krait\n{}\n--- MicroPython\n{}",
            first_difference(&out.stdout, &expected),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&expected)
        );
    }
}
