//! Serialises a [`CompiledModule`] exactly as `mpy-cross` 1.29 does (`mp_raw_code_save`).

use super::float::{complex_repr, float_repr};
use super::qstr::static_qstr_index;
use super::{obj_tag, scope_flag, FEATURE_ARCH_FLAGS, MPY_SUB_VERSION, MPY_VERSION};
use crate::rawcode::{CodeKind, CompiledModule, ConstObj, NativeArch, NativeSection, RawCode};

/// The `.mpy` bytes of `module`.
///
/// Native sections are written from their fields: for viper and asm code the stored scope
/// flags are written as given (mpy-cross writes 0), with the rodata, bss and relocation bits
/// added when those sections are non-empty; relocation bytes are written verbatim.
pub fn write(module: &CompiledModule) -> Vec<u8> {
    let mut out = Vec::new();
    let mut feature = 0u8;
    if module.arch_flags != 0 {
        feature |= FEATURE_ARCH_FLAGS;
    }
    if module.arch != NativeArch::None {
        feature |= MPY_SUB_VERSION | (module.arch as u8) << 2;
    }
    out.extend_from_slice(&[b'M', MPY_VERSION, feature, module.small_int_bits]);
    if module.arch_flags != 0 {
        push_uint(&mut out, module.arch_flags as usize);
    }
    push_uint(&mut out, module.qstrs.len());
    push_uint(&mut out, module.objs.len());
    for qstr in &module.qstrs {
        push_qstr(&mut out, qstr);
    }
    for obj in &module.objs {
        push_obj(&mut out, obj);
    }
    push_raw_code(&mut out, &module.root);
    out
}

/// Appends `n` as MicroPython's variable-length uint: 7 bits a byte, most significant first,
/// bit 7 set on every byte but the last.
pub(crate) fn push_uint(out: &mut Vec<u8>, n: usize) {
    let mut groups = [0u8; (usize::BITS as usize).div_ceil(7)];
    let mut len = 0;
    let mut rest = n;
    loop {
        groups[len] = (rest & 0x7f) as u8;
        len += 1;
        rest >>= 7;
        if rest == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        let more = if i > 0 { 0x80 } else { 0 };
        out.push(groups[i] | more);
    }
}

/// A static qstr as `index << 1 | 1`; any other as `len << 1`, its bytes and a NUL.
fn push_qstr(out: &mut Vec<u8>, qstr: &str) {
    match static_qstr_index(qstr) {
        Some(index) => push_uint(out, usize::from(index) << 1 | 1),
        None => {
            push_uint(out, qstr.len() << 1);
            out.extend_from_slice(qstr.as_bytes());
            out.push(0);
        }
    }
}

fn push_obj(out: &mut Vec<u8>, obj: &ConstObj) {
    match obj {
        ConstObj::FunTable => out.push(obj_tag::FUN_TABLE),
        ConstObj::None => out.push(obj_tag::NONE),
        ConstObj::False => out.push(obj_tag::FALSE),
        ConstObj::True => out.push(obj_tag::TRUE),
        ConstObj::Ellipsis => out.push(obj_tag::ELLIPSIS),
        ConstObj::Str(s) => push_data_with_nul(out, obj_tag::STR, s.as_bytes()),
        ConstObj::Bytes(b) => push_data_with_nul(out, obj_tag::BYTES, b),
        // Numbers are stored as the text of their repr, without a NUL.
        ConstObj::Int(n) => push_text(out, obj_tag::INT, &n.to_string()),
        ConstObj::Float(x) => push_text(out, obj_tag::FLOAT, &float_repr(*x)),
        ConstObj::Complex { real, imag } => {
            push_text(out, obj_tag::COMPLEX, &complex_repr(*real, *imag))
        }
        ConstObj::Tuple(items) => {
            out.push(obj_tag::TUPLE);
            push_uint(out, items.len());
            for item in items {
                push_obj(out, item);
            }
        }
    }
}

fn push_data_with_nul(out: &mut Vec<u8>, tag: u8, data: &[u8]) {
    out.push(tag);
    push_uint(out, data.len());
    out.extend_from_slice(data);
    out.push(0);
}

fn push_text(out: &mut Vec<u8>, tag: u8, text: &str) {
    out.push(tag);
    push_uint(out, text.len());
    out.extend_from_slice(text.as_bytes());
}

/// The 2-bit kind field of a raw code (`kind - MP_CODE_BYTECODE`).
pub(crate) fn kind_number(kind: CodeKind) -> usize {
    match kind {
        CodeKind::Bytecode => 0,
        CodeKind::NativePy => 1,
        CodeKind::NativeViper => 2,
        CodeKind::NativeAsm => 3,
    }
}

fn push_raw_code(out: &mut Vec<u8>, rc: &RawCode) {
    let has_children = usize::from(!rc.children.is_empty());
    push_uint(
        out,
        rc.fun_data.len() << 3 | has_children << 2 | kind_number(rc.kind),
    );
    out.extend_from_slice(&rc.fun_data);

    let default_native = NativeSection::default();
    let native = rc.native.as_ref().unwrap_or(&default_native);
    let flags = stored_scope_flags(rc.kind, native);
    match rc.kind {
        CodeKind::Bytecode => {}
        CodeKind::NativePy => push_uint(out, native.prelude_offset),
        CodeKind::NativeViper | CodeKind::NativeAsm => {
            push_uint(out, flags as usize);
            if rc.kind == CodeKind::NativeAsm {
                push_uint(out, native.asm_n_pos_args as usize);
                push_uint(out, native.asm_type_sig as usize);
            }
        }
    }
    if rc.kind == CodeKind::NativeViper {
        if flags & scope_flag::VIPERRODATA != 0 {
            push_uint(out, native.rodata.len());
        }
        if flags & scope_flag::VIPERBSS != 0 {
            push_uint(out, native.bss_size);
        }
        if flags & scope_flag::VIPERRODATA != 0 {
            out.extend_from_slice(&native.rodata);
        }
    }

    if !rc.children.is_empty() {
        push_uint(out, rc.children.len());
        for child in &rc.children {
            push_raw_code(out, child);
        }
    }
    // MicroPython's loader applies relocations after loading the children.
    if rc.kind != CodeKind::Bytecode {
        out.extend_from_slice(&native.relocations);
    }
}

/// The scope flags a viper or asm raw code stores: the given ones plus a bit for each
/// optional section that has content.
fn stored_scope_flags(kind: CodeKind, native: &NativeSection) -> u32 {
    let mut flags = native.scope_flags;
    if kind == CodeKind::NativeViper {
        if !native.rodata.is_empty() {
            flags |= scope_flag::VIPERRODATA;
        }
        if native.bss_size != 0 {
            flags |= scope_flag::VIPERBSS;
        }
    }
    if !native.relocations.is_empty() {
        flags |= scope_flag::VIPERRELOC;
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uint_bytes(n: usize) -> Vec<u8> {
        let mut out = Vec::new();
        push_uint(&mut out, n);
        out
    }

    #[test]
    fn uints_are_big_endian_groups_of_seven_bits() {
        assert_eq!(uint_bytes(0), [0]);
        assert_eq!(uint_bytes(0x7f), [0x7f]);
        assert_eq!(uint_bytes(0x80), [0x81, 0x00]);
        assert_eq!(uint_bytes(0x3fff), [0xff, 0x7f]);
        assert_eq!(uint_bytes(usize::MAX).len(), 10);
    }

    #[test]
    fn static_qstrs_are_written_by_index() {
        let mut out = Vec::new();
        push_qstr(&mut out, "zip");
        push_qstr(&mut out, "c.py");
        assert_eq!(out, b"\x82\x4b\x08c.py\x00");
    }
}
