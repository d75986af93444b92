//! A human-readable disassembly of a compiled module, in the spirit of MicroPython's
//! `mpy-cross -v -v` (`py/showbc.c`): the tables, then each raw code with its prelude and
//! every instruction with its offset, operand and source line. Native code is shown as hex.
//! Never fails: whatever does not decode is reported inline and shown as hex.

use super::float::{complex_repr, float_repr};
use super::scope_flag;
use crate::bytecode::decode::{
    decode_instruction, decode_line_info, decode_prelude, multi_opcode_group, source_line,
    Instruction, Operand, Prelude,
};
use crate::bytecode::op;
use crate::format::quote::{repr_bytes, repr_str};
use crate::rawcode::{CodeKind, CompiledModule, ConstObj, NativeArch, RawCode};
use std::fmt::Write;

/// Disassembles every raw code of `module`.
pub fn dump(module: &CompiledModule) -> String {
    let mut out = String::new();
    let _ = write_module(&mut out, module);
    out
}

fn write_module(out: &mut String, module: &CompiledModule) -> std::fmt::Result {
    writeln!(
        out,
        "mpy v{}.{}, arch {}, small int bits {}",
        super::MPY_VERSION,
        super::MPY_SUB_VERSION,
        arch_name(module.arch),
        module.small_int_bits
    )?;
    if module.arch_flags != 0 {
        writeln!(out, "arch flags 0x{:x}", module.arch_flags)?;
    }
    writeln!(out, "qstrs ({}):", module.qstrs.len())?;
    for (i, q) in module.qstrs.iter().enumerate() {
        writeln!(out, "  {i:3} {}", repr_str(q))?;
    }
    writeln!(out, "constants ({}):", module.objs.len())?;
    for (i, obj) in module.objs.iter().enumerate() {
        writeln!(out, "  {i:3} {}", obj_repr(obj))?;
    }
    write_raw_code(out, module, &module.root, "0")
}

fn arch_name(arch: NativeArch) -> &'static str {
    match arch {
        NativeArch::None => "none",
        NativeArch::X86 => "x86",
        NativeArch::X64 => "x64",
        NativeArch::Armv6 => "armv6",
        NativeArch::Armv6m => "armv6m",
        NativeArch::Armv7m => "armv7m",
        NativeArch::Armv7em => "armv7em",
        NativeArch::Armv7emsp => "armv7emsp",
        NativeArch::Armv7emdp => "armv7emdp",
        NativeArch::Xtensa => "xtensa",
        NativeArch::Xtensawin => "xtensawin",
        NativeArch::Rv32imc => "rv32imc",
        NativeArch::Rv64imc => "rv64imc",
    }
}

/// The `repr` of a constant.
fn obj_repr(obj: &ConstObj) -> String {
    match obj {
        ConstObj::FunTable => "<fun_table>".into(),
        ConstObj::None => "None".into(),
        ConstObj::False => "False".into(),
        ConstObj::True => "True".into(),
        ConstObj::Ellipsis => "Ellipsis".into(),
        ConstObj::Str(s) => repr_str(s),
        ConstObj::Bytes(b) => repr_bytes(b),
        ConstObj::Int(n) => n.to_string(),
        ConstObj::Float(x) => float_repr(*x),
        ConstObj::Complex { real, imag } => complex_repr(*real, *imag),
        ConstObj::Tuple(items) => {
            let inner: Vec<String> = items.iter().map(obj_repr).collect();
            if inner.len() == 1 {
                format!("({},)", inner[0])
            } else {
                format!("({})", inner.join(", "))
            }
        }
    }
}

fn qstr_text(module: &CompiledModule, index: usize) -> String {
    match module.qstrs.get(index) {
        Some(q) => q.to_string(),
        None => format!("<qstr {index}?>"),
    }
}

fn kind_name(kind: CodeKind) -> &'static str {
    match kind {
        CodeKind::Bytecode => "bytecode",
        CodeKind::NativePy => "native",
        CodeKind::NativeViper => "viper",
        CodeKind::NativeAsm => "asm",
    }
}

/// The function name a raw code's prelude declares, if it has a readable prelude.
fn raw_code_name(module: &CompiledModule, rc: &RawCode) -> Option<String> {
    let prelude = match rc.kind {
        CodeKind::Bytecode => decode_prelude(&rc.fun_data).ok()?,
        CodeKind::NativePy => {
            let offset = rc.native.as_ref()?.prelude_offset;
            decode_prelude(rc.fun_data.get(offset..)?).ok()?
        }
        CodeKind::NativeViper | CodeKind::NativeAsm => return None,
    };
    Some(qstr_text(module, prelude.simple_name))
}

fn write_raw_code(
    out: &mut String,
    module: &CompiledModule,
    rc: &RawCode,
    path: &str,
) -> std::fmt::Result {
    let name = raw_code_name(module, rc).unwrap_or_else(|| "?".into());
    writeln!(
        out,
        "\nraw code {path} '{name}': {}, {} bytes, {} children",
        kind_name(rc.kind),
        rc.fun_data.len(),
        rc.children.len()
    )?;
    match rc.kind {
        CodeKind::Bytecode => write_bytecode(out, module, rc)?,
        _ => write_native(out, module, rc)?,
    }
    for (i, child) in rc.children.iter().enumerate() {
        write_raw_code(out, module, child, &format!("{path}.{i}"))?;
    }
    Ok(())
}

fn write_prelude(out: &mut String, module: &CompiledModule, prelude: &Prelude) -> std::fmt::Result {
    let sig = &prelude.signature;
    let mut flags = Vec::new();
    for (bit, name) in [
        (0x01, "generator"),
        (0x02, "varkeywords"),
        (0x04, "varargs"),
        (0x08, "defkwargs"),
    ] {
        if sig.scope_flags & bit != 0 {
            flags.push(name);
        }
    }
    writeln!(
        out,
        "  args: {} positional ({} with defaults), {} keyword-only; flags 0x{:02x} [{}]",
        sig.n_pos_args,
        sig.n_def_pos_args,
        sig.n_kwonly_args,
        sig.scope_flags,
        flags.join(", ")
    )?;
    let names: Vec<String> = prelude
        .arg_names
        .iter()
        .map(|&q| qstr_text(module, q))
        .collect();
    writeln!(out, "  arg names: [{}]", names.join(", "))?;
    writeln!(
        out,
        "  n_state {}, n_exc_stack {}",
        sig.n_state, sig.n_exc_stack
    )?;
    if !prelude.cells.is_empty() {
        writeln!(out, "  cells: {:?}", prelude.cells)?;
    }
    Ok(())
}

fn write_bytecode(out: &mut String, module: &CompiledModule, rc: &RawCode) -> std::fmt::Result {
    let prelude = match decode_prelude(&rc.fun_data) {
        Ok(prelude) => prelude,
        Err(e) => {
            writeln!(out, "  <bad prelude: {e}>")?;
            return write_hex(out, &rc.fun_data);
        }
    };
    write_prelude(out, module, &prelude)?;
    let steps = match decode_line_info(&rc.fun_data[prelude.line_info.clone()]) {
        Ok(steps) => steps,
        Err(e) => {
            writeln!(out, "  <bad line table: {e}>")?;
            Vec::new()
        }
    };
    let code = &rc.fun_data[prelude.code_start..];
    writeln!(out, "  bytecode ({} bytes):", code.len())?;
    let mut offset = 0;
    let mut last_line = 0;
    while offset < code.len() {
        let inst = match decode_instruction(code, offset) {
            Ok(inst) => inst,
            Err(e) => {
                writeln!(out, "  <{e}>")?;
                return write_hex(out, &code[offset..]);
            }
        };
        let line = source_line(&steps, offset);
        let text = instruction_text(module, rc, &inst);
        if line != last_line {
            writeln!(out, "  {offset:4} {text:<48} line {line}")?;
            last_line = line;
        } else {
            writeln!(out, "  {offset:4} {text}")?;
        }
        offset += inst.size;
    }
    Ok(())
}

/// Operator spellings for `UNARY_OP` and `BINARY_OP`, in operator-number order.
const UNARY_OPS: [&str; 4] = ["+", "-", "~", "not"];
const BINARY_OPS: [&str; 35] = [
    "<",
    ">",
    "==",
    "<=",
    ">=",
    "!=",
    "in",
    "is",
    "exception match",
    "|=",
    "^=",
    "&=",
    "<<=",
    ">>=",
    "+=",
    "-=",
    "*=",
    "@=",
    "//=",
    "/=",
    "%=",
    "**=",
    "|",
    "^",
    "&",
    "<<",
    ">>",
    "+",
    "-",
    "*",
    "@",
    "//",
    "/",
    "%",
    "**",
];

fn instruction_text(module: &CompiledModule, rc: &RawCode, inst: &Instruction) -> String {
    let name = crate::bytecode::decode::mnemonic(inst.opcode).unwrap_or("?");
    let text = match (inst.opcode, inst.operand) {
        (op::LOAD_CONST_STRING | op::IMPORT_NAME | op::IMPORT_FROM, Operand::Qstr(q)) => {
            format!("{name} {}", repr_str(&qstr_text(module, q)))
        }
        (_, Operand::Qstr(q)) => format!("{name} {}", qstr_text(module, q)),
        (op::LOAD_CONST_OBJ, Operand::Uint(i)) => match module.objs.get(i) {
            Some(obj) => format!("{name} {i} = {}", obj_repr(obj)),
            None => format!("{name} {i} <out of range>"),
        },
        (
            op::MAKE_FUNCTION
            | op::MAKE_FUNCTION_DEFARGS
            | op::MAKE_CLOSURE
            | op::MAKE_CLOSURE_DEFARGS,
            Operand::Uint(i),
        ) => {
            let child = rc
                .children
                .get(i)
                .and_then(|c| raw_code_name(module, c))
                .unwrap_or_else(|| "?".into());
            match inst.extra {
                Some(n) => format!("{name} child {i} '{child}', {n} closed over"),
                None => format!("{name} child {i} '{child}'"),
            }
        }
        (
            op::CALL_FUNCTION | op::CALL_FUNCTION_VAR_KW | op::CALL_METHOD | op::CALL_METHOD_VAR_KW,
            Operand::Uint(n),
        ) => format!("{name} n={} nkw={}", n & 0xff, (n >> 8) & 0xff),
        (_, Operand::Uint(n)) => format!("{name} {n}"),
        (_, Operand::SmallInt(n)) => format!("{name} {n}"),
        (_, Operand::Jump(target)) => match inst.extra {
            Some(depth) => format!("{name} -> {target}, unwind {depth}"),
            None => format!("{name} -> {target}"),
        },
        (opcode, Operand::None) => match multi_opcode_group(opcode) {
            Some(("UNARY_OP", n)) => format!("UNARY_OP {n} ({})", UNARY_OPS[n as usize]),
            Some(("BINARY_OP", n)) => format!("BINARY_OP {n} ({})", BINARY_OPS[n as usize]),
            Some((group, n)) => format!("{group} {n}"),
            None => name.to_string(),
        },
    };
    text
}

fn write_native(out: &mut String, module: &CompiledModule, rc: &RawCode) -> std::fmt::Result {
    let default = Default::default();
    let native = rc.native.as_ref().unwrap_or(&default);
    match rc.kind {
        CodeKind::NativePy => {
            writeln!(out, "  prelude at offset {}", native.prelude_offset)?;
            match rc.fun_data.get(native.prelude_offset..).map(decode_prelude) {
                Some(Ok(prelude)) => write_prelude(out, module, &prelude)?,
                Some(Err(e)) => writeln!(out, "  <bad prelude: {e}>")?,
                None => writeln!(out, "  <prelude offset out of range>")?,
            }
        }
        _ => {
            writeln!(out, "  scope flags 0x{:02x}", native.scope_flags)?;
            if rc.kind == CodeKind::NativeAsm {
                writeln!(
                    out,
                    "  asm: {} positional args, type signature 0x{:x}",
                    native.asm_n_pos_args, native.asm_type_sig
                )?;
            }
        }
    }
    writeln!(out, "  machine code:")?;
    write_hex(out, &rc.fun_data)?;
    if native.scope_flags & scope_flag::VIPERRODATA != 0 || !native.rodata.is_empty() {
        writeln!(out, "  rodata ({} bytes):", native.rodata.len())?;
        write_hex(out, &native.rodata)?;
    }
    if native.bss_size != 0 {
        writeln!(out, "  bss: {} bytes", native.bss_size)?;
    }
    if !native.relocations.is_empty() {
        writeln!(out, "  relocations ({} bytes):", native.relocations.len())?;
        write_hex(out, &native.relocations)?;
    }
    Ok(())
}

fn write_hex(out: &mut String, bytes: &[u8]) -> std::fmt::Result {
    for (row, chunk) in bytes.chunks(16).enumerate() {
        write!(out, "  {:04x}:", row * 16)?;
        for b in chunk {
            write!(out, " {b:02x}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs_follow_micropython() {
        assert_eq!(repr_str("a'b"), "\"a'b\"");
        assert_eq!(repr_str("a\nb\\"), "'a\\nb\\\\'");
        assert_eq!(repr_bytes(b"\x00A"), "b'\\x00A'");
        let one = ConstObj::Tuple(vec![ConstObj::Int(1.into())]);
        assert_eq!(obj_repr(&one), "(1,)");
        assert_eq!(obj_repr(&ConstObj::Float(1e16)), "1e+16");
    }
}
