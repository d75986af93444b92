//! `--elf <file>`: the Thumb or RV32 code of a native `.mpy` also as an ELF relocatable
//! object, so that `arm-none-eabi-objdump -d` (`riscv64-unknown-elf-objdump -d`), `gdb` and
//! `addr2line` work on what krait-cross emitted.
//!
//! Each native raw code's `fun_data` goes into `.text` as it is in the `.mpy` (word aligned),
//! under a function symbol named by the Python function's qualified name (`Class.method`,
//! `outer.inner`); the Thumb bit is set on it and a `$t` mapping symbol marks the code as
//! Thumb, a `$d` one the `@native` prelude that follows the code (RV32 objects carry the RVC
//! flag and plain symbols). The code refers to the
//! outside world only through the fun table, so the object has no relocations.

use object::write::{Object, Symbol, SymbolSection};
use object::{
    elf, Architecture, BinaryFormat, Endianness, FileFlags, SectionKind, SymbolFlags, SymbolKind,
    SymbolScope,
};
use vm::rawcode::{CodeKind, CompiledModule, NativeArch, RawCode};

/// The object file for `module`'s native code; `names` holds the qualified name of every raw
/// code of the tree in pre-order (the module first), as `frontend::qualified_names` gives it.
pub fn native_object(module: &CompiledModule, names: &[String]) -> Result<Vec<u8>, String> {
    let rv32 = module.arch == NativeArch::Rv32imc;
    let (arch, e_flags) = if rv32 {
        (Architecture::Riscv32, elf::EF_RISCV_RVC)
    } else {
        (Architecture::Arm, elf::EF_ARM_EABI_VER5)
    };
    let mut obj = Object::new(BinaryFormat::Elf, arch, Endianness::Little);
    obj.flags = FileFlags::Elf {
        os_abi: elf::ELFOSABI_NONE,
        abi_version: 0,
        e_flags,
    };
    let text = obj.add_section(Vec::new(), b".text".to_vec(), SectionKind::Text);
    let mut names = names.iter();
    let mut native = Vec::new();
    collect_native(&module.root, &mut names, &mut native);
    for (rc, name) in native {
        let start = obj.append_section_data(text, &rc.fun_data, 4);
        let code_len = match (rc.kind, &rc.native) {
            (CodeKind::NativePy, Some(section)) if section.prelude_offset > 0 => {
                section.prelude_offset
            }
            _ => rc.fun_data.len(),
        };
        let mut symbol = |name: &str, value: u64, size: usize, kind: SymbolKind, scope| {
            obj.add_symbol(Symbol {
                name: name.as_bytes().to_vec(),
                value,
                size: size as u64,
                kind,
                scope,
                weak: false,
                section: SymbolSection::Section(text),
                flags: SymbolFlags::None,
            });
        };
        if !rv32 {
            symbol("$t", start, 0, SymbolKind::Label, SymbolScope::Compilation);
        }
        // Local: a module may define two functions of one name.
        symbol(
            &name,
            if rv32 { start } else { start | 1 },
            code_len,
            SymbolKind::Text,
            SymbolScope::Compilation,
        );
        if code_len < rc.fun_data.len() && !rv32 {
            symbol(
                "$d",
                start + code_len as u64,
                0,
                SymbolKind::Label,
                SymbolScope::Compilation,
            );
        }
    }
    obj.write()
        .map_err(|e| format!("cannot write the ELF object: {e}"))
}

/// The native raw codes of the tree under `rc` in pre-order, each with its name.
fn collect_native<'m>(
    rc: &'m RawCode,
    names: &mut std::slice::Iter<'_, String>,
    out: &mut Vec<(&'m RawCode, String)>,
) {
    let name = names.next().cloned().unwrap_or_default();
    if rc.kind != CodeKind::Bytecode && !rc.fun_data.is_empty() {
        out.push((rc, name));
    }
    for child in &rc.children {
        collect_native(child, names, out);
    }
}
