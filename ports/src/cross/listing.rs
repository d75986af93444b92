//! `--dump` of Cortex-M native code: after the `.mpy` disassembly (which shows machine code
//! as bytes), each native raw code decoded by capstone, one instruction a line, named by the
//! same raw-code path (`0.1` is the module's second child).

use targets::thumb2::{disasm, Arch};
use vm::rawcode::{CodeKind, CompiledModule, NativeArch, RawCode};

/// The listings of `module`'s native code, or nothing when it has no Thumb code.
pub fn thumb_listings(module: &CompiledModule) -> String {
    let arch = match module.arch {
        NativeArch::Armv6m => Arch::V6M,
        NativeArch::Armv7m
        | NativeArch::Armv7em
        | NativeArch::Armv7emsp
        | NativeArch::Armv7emdp => Arch::V7M,
        _ => return String::new(),
    };
    let mut out = String::new();
    list(&module.root, "0", arch, &mut out);
    out
}

fn list(rc: &RawCode, path: &str, arch: Arch, out: &mut String) {
    if rc.kind != CodeKind::Bytecode {
        out.push_str(&format!("\nThumb code of raw code {path}:\n"));
        match disasm::listing(&rc.fun_data, arch, 0) {
            Ok(text) => out.push_str(&text),
            Err(e) => out.push_str(&format!("  (not decodable: {e})\n")),
        }
    }
    for (i, child) in rc.children.iter().enumerate() {
        list(child, &format!("{path}.{i}"), arch, out);
    }
}
