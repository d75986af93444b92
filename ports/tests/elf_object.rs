//! `krait-cross --elf`: the ELF object holds, for every viper function, exactly the machine
//! code of the `.mpy` written beside it, under the function's qualified name with the Thumb
//! bit set; `arm-none-eabi-objdump -d` (when installed) disassembles it under those names.

mod common;

use common::{krait_cross, run_in, scratch_dir};
use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};
use std::process::Command;
use vm::rawcode::{CodeKind, RawCode};

const SOURCE: &str = "import micropython

@micropython.viper
def add(a: int, b: int) -> int:
    return a + b

class Acc:
    @micropython.viper
    def step(self, n: int) -> int:
        s = 0
        for i in range(n):
            s += i
        return s

squares = [x * x for x in range(3)]

def outer():
    @micropython.viper
    def inner(x: int) -> int:
        return x * 3
    return inner
";

fn native_code(rc: &RawCode, out: &mut Vec<Vec<u8>>) {
    if rc.kind != CodeKind::Bytecode {
        out.push(rc.fun_data.clone());
    }
    for child in &rc.children {
        native_code(child, out);
    }
}

#[test]
fn elf_object_has_one_symbol_per_function_over_the_mpy_code() {
    for arch in ["armv6m", "armv7m", "armv7emdp"] {
        let dir = scratch_dir(&format!("elf_{arch}"));
        std::fs::write(dir.join("app.py"), SOURCE).unwrap();
        let out = run_in(
            &dir,
            &krait_cross(),
            &[&format!("-march={arch}"), "--elf", "app.o", "app.py"],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let module = vm::mpy::read(&std::fs::read(dir.join("app.mpy")).unwrap()).unwrap();
        let mut want = Vec::new();
        native_code(&module.root, &mut want);
        assert_eq!(want.len(), 3, "{arch}");

        let bytes = std::fs::read(dir.join("app.o")).unwrap();
        let file = object::File::parse(&*bytes).expect("a valid ELF object");
        assert_eq!(file.architecture(), object::Architecture::Arm);
        let text = file.section_by_name(".text").expect("a .text section");
        assert_eq!(text.relocations().count(), 0, "{arch}");
        let data = text.data().unwrap();
        let functions: Vec<(String, u64, u64)> = file
            .symbols()
            .filter(|s| s.kind() == SymbolKind::Text)
            .map(|s| (s.name().unwrap().to_owned(), s.address(), s.size()))
            .collect();
        let names: Vec<&str> = functions.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["add", "Acc.step", "outer.inner"], "{arch}");
        for ((name, address, size), code) in functions.iter().zip(&want) {
            assert_eq!(address & 1, 1, "{arch} {name}: the Thumb bit");
            let start = (address & !1) as usize;
            assert_eq!(*size as usize, code.len(), "{arch} {name}");
            assert_eq!(&data[start..start + code.len()], &code[..], "{arch} {name}");
        }
        objdump_reads(&dir.join("app.o"), &names, arch);
    }
}

/// `arm-none-eabi-objdump -d` names each function and decodes every instruction, if present.
fn objdump_reads(path: &std::path::Path, names: &[&str], arch: &str) {
    let Ok(out) = Command::new("arm-none-eabi-objdump")
        .arg("-d")
        .arg(path)
        .output()
    else {
        eprintln!("arm-none-eabi-objdump not installed: checked with the object crate only");
        return;
    };
    assert!(out.status.success(), "{arch}: objdump failed");
    let listing = String::from_utf8_lossy(&out.stdout);
    for name in names {
        assert!(
            listing.contains(&format!("<{name}>:")),
            "{arch}: objdump lacks {name}:\n{listing}"
        );
    }
    assert!(
        !listing.contains("(bad)") && !listing.contains("UNDEFINED"),
        "{arch}: objdump cannot decode:\n{listing}"
    );
}

#[test]
fn elf_needs_a_cortex_m_arch() {
    let dir = scratch_dir("elf_no_arch");
    std::fs::write(dir.join("app.py"), "x = 1\n").unwrap();
    let out = run_in(&dir, &krait_cross(), &["--elf", "app.o", "app.py"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--elf needs a Cortex-M architecture"));
    assert!(!dir.join("app.o").exists() && !dir.join("app.mpy").exists());
}
