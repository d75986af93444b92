//! `--dump` of native code for Cortex-M and RV32IMC: after the `.mpy` disassembly (which
//! shows machine code as bytes), each native raw code decoded by capstone, one instruction a
//! line, named by the same raw-code path (`0.1` is the module's second child).

use targets::thumb2::{self, Arch};
use vm::rawcode::{CodeKind, CompiledModule, NativeArch, RawCode};

/// The instruction sets capstone decodes here.
#[derive(Clone, Copy)]
enum Isa {
    Thumb(Arch),
    Rv32,
}

/// The listings of `module`'s native code, or nothing when it has none krait decodes.
pub fn native_listings(module: &CompiledModule) -> String {
    let isa = match module.arch {
        NativeArch::Armv6m => Isa::Thumb(Arch::V6M),
        NativeArch::Armv7m
        | NativeArch::Armv7em
        | NativeArch::Armv7emsp
        | NativeArch::Armv7emdp => Isa::Thumb(Arch::V7M),
        NativeArch::Rv32imc => Isa::Rv32,
        _ => return String::new(),
    };
    let mut out = String::new();
    list(&module.root, "0", isa, &mut out);
    out
}

fn list(rc: &RawCode, path: &str, isa: Isa, out: &mut String) {
    if rc.kind != CodeKind::Bytecode {
        let (name, listing) = match isa {
            Isa::Thumb(arch) => ("Thumb", thumb2::disasm::listing(&rc.fun_data, arch, 0)),
            Isa::Rv32 => ("RV32", targets::rv32::disasm::listing(&rc.fun_data, 0)),
        };
        out.push_str(&format!("\n{name} code of raw code {path}:\n"));
        match listing {
            Ok(text) => out.push_str(&text),
            Err(e) => out.push_str(&format!("  (not decodable: {e})\n")),
        }
    }
    for (i, child) in rc.children.iter().enumerate() {
        list(child, &format!("{path}.{i}"), isa, out);
    }
}
