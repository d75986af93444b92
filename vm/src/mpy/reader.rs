//! Reads and validates a `.mpy` file (`mp_raw_code_load`), checking what MicroPython's loader
//! trusts: every length against the bytes left, every index against its table, every
//! bytecode instruction against its function.
//!
//! Nothing is allocated from a length field before the input is known to hold that many
//! items (each takes at least one byte), and recursion into tuples and children is bounded.

use super::float::{parse_decimal, Decimal};
use super::qstr::static_qstr;
use super::{native_arch_from_number, obj_tag, scope_flag, MpyError, FEATURE_ARCH_FLAGS};
use super::{MPY_SUB_VERSION, MPY_VERSION};
use crate::bytecode::decode::{
    decode_instruction, decode_line_info, decode_prelude, multi_opcode_group, DecodeError,
    Instruction, Operand,
};
use crate::bytecode::op;
use crate::rawcode::{CodeKind, CompiledModule, ConstObj, NativeArch, NativeSection, RawCode};
use num_bigint::BigInt;
use std::rc::Rc;

/// How deeply constant tuples, and raw codes within raw codes, may nest.
const MAX_NESTING: usize = 128;

/// Parses `.mpy` bytes into a module, or says precisely why they are not a valid `.mpy` v6.3.
///
/// Header problems give MicroPython's own errors ([`MpyError::IncompatibleFile`], and
/// [`MpyError::IncompatibleArch`] for an unknown native arch). Whether the module suits a
/// particular VM (arch, small-int width, arch flags) is left to [`super::check_loadable`].
pub fn read(bytes: &[u8]) -> Result<CompiledModule, MpyError> {
    let mut input = Input { bytes, pos: 0 };
    let Header {
        arch,
        arch_flags,
        small_int_bits,
    } = read_header(&mut input)?;

    let at = input.pos;
    let n_qstr = input.count("qstr count")?;
    if n_qstr == 0 {
        return Err(malformed(at, "the qstr table has no source file name"));
    }
    let n_obj = input.count("constant count")?;
    let mut qstrs = Vec::with_capacity(n_qstr);
    for _ in 0..n_qstr {
        qstrs.push(read_qstr(&mut input)?);
    }
    let mut objs = Vec::with_capacity(n_obj);
    for _ in 0..n_obj {
        objs.push(read_obj(&mut input, 0)?);
    }

    let tables = Tables {
        n_qstr,
        n_obj,
        arch,
        small_int_bits,
    };
    let root = read_raw_code(&mut input, &tables, 0)?;
    if input.pos != bytes.len() {
        return Err(malformed(
            input.pos,
            format!("{} bytes after the module", bytes.len() - input.pos),
        ));
    }
    Ok(CompiledModule {
        qstrs,
        objs,
        root,
        arch,
        arch_flags,
        small_int_bits,
    })
}

/// What the header and arch flags say about the module.
struct Header {
    arch: NativeArch,
    arch_flags: u32,
    small_int_bits: u8,
}

/// The 4-byte header and, when the feature byte announces them, the arch flags; rejected as
/// MicroPython's loader rejects them.
fn read_header(input: &mut Input) -> Result<Header, MpyError> {
    let header: [u8; 4] = match input.bytes.get(..4) {
        Some(header) => [header[0], header[1], header[2], header[3]],
        // MicroPython reads missing bytes as 0xff, so a short header always fails its
        // small-int check.
        None => return Err(MpyError::IncompatibleFile),
    };
    input.pos = 4;
    let feature = header[2];
    let arch_number = (feature >> 2) & 0x2f;
    if header[0] != b'M'
        || header[1] != MPY_VERSION
        || (arch_number != 0 && feature & 3 != MPY_SUB_VERSION)
    {
        return Err(MpyError::IncompatibleFile);
    }
    let arch = native_arch_from_number(arch_number).ok_or(MpyError::IncompatibleArch)?;
    let arch_flags = if feature & FEATURE_ARCH_FLAGS != 0 {
        let at = input.pos;
        let flags = input.uint("arch flags")?;
        u32::try_from(flags).map_err(|_| malformed(at, "arch flags too large"))?
    } else {
        0
    };
    Ok(Header {
        arch,
        arch_flags,
        small_int_bits: header[3],
    })
}

fn malformed(offset: usize, reason: impl Into<String>) -> MpyError {
    MpyError::Malformed {
        offset,
        reason: reason.into(),
    }
}

/// The module-wide facts raw codes are checked against.
struct Tables {
    n_qstr: usize,
    n_obj: usize,
    arch: NativeArch,
    small_int_bits: u8,
}

/// A cursor over the file that never reads past its end.
struct Input<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Input<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn byte(&mut self, needed: &'static str) -> Result<u8, MpyError> {
        let byte = *self.bytes.get(self.pos).ok_or(MpyError::Truncated {
            offset: self.pos,
            needed,
        })?;
        self.pos += 1;
        Ok(byte)
    }

    fn take(&mut self, len: usize, needed: &'static str) -> Result<&'a [u8], MpyError> {
        if len > self.remaining() {
            return Err(MpyError::Truncated {
                offset: self.pos,
                needed,
            });
        }
        let data = &self.bytes[self.pos..self.pos + len];
        self.pos += len;
        Ok(data)
    }

    /// A variable-length uint (`read_uint`), which must fit a `usize`.
    fn uint(&mut self, needed: &'static str) -> Result<usize, MpyError> {
        let start = self.pos;
        let mut value: usize = 0;
        loop {
            let byte = self.byte(needed)?;
            if value > usize::MAX >> 7 {
                return Err(malformed(start, format!("{needed} overflows")));
            }
            value = value << 7 | usize::from(byte & 0x7f);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
    }

    /// A count of items that follow, each at least one byte long: no larger than the input.
    fn count(&mut self, needed: &'static str) -> Result<usize, MpyError> {
        let at = self.pos;
        let n = self.uint(needed)?;
        if n > self.remaining() {
            return Err(malformed(at, format!("{needed} {n} exceeds the file size")));
        }
        Ok(n)
    }

    /// `len` bytes followed by the NUL MicroPython stores after strings.
    fn nul_terminated(&mut self, len: usize, needed: &'static str) -> Result<&'a [u8], MpyError> {
        let data = self.take(len, needed)?;
        let at = self.pos;
        if self.byte(needed)? != 0 {
            return Err(malformed(at, format!("{needed} is not NUL-terminated")));
        }
        Ok(data)
    }
}

fn utf8(data: &[u8], at: usize, what: &str) -> Result<Rc<str>, MpyError> {
    std::str::from_utf8(data)
        .map(Rc::from)
        .map_err(|_| malformed(at, format!("{what} is not valid UTF-8")))
}

fn read_qstr(input: &mut Input) -> Result<Rc<str>, MpyError> {
    let at = input.pos;
    let header = input.uint("qstr")?;
    if header & 1 == 1 {
        let index = header >> 1;
        return u16::try_from(index)
            .ok()
            .and_then(static_qstr)
            .map(Rc::from)
            .ok_or_else(|| malformed(at, format!("static qstr index {index} out of range")));
    }
    let data = input.nul_terminated(header >> 1, "qstr data")?;
    utf8(data, at, "qstr")
}

fn read_obj(input: &mut Input, depth: usize) -> Result<ConstObj, MpyError> {
    let at = input.pos;
    let tag = input.byte("constant")?;
    let simple = match tag {
        obj_tag::FUN_TABLE => Some(ConstObj::FunTable),
        obj_tag::NONE => Some(ConstObj::None),
        obj_tag::FALSE => Some(ConstObj::False),
        obj_tag::TRUE => Some(ConstObj::True),
        obj_tag::ELLIPSIS => Some(ConstObj::Ellipsis),
        _ => None,
    };
    if let Some(obj) = simple {
        return Ok(obj);
    }
    match tag {
        obj_tag::TUPLE => {
            if depth >= MAX_NESTING {
                return Err(malformed(at, "constant tuples nested too deeply"));
            }
            let n = input.count("tuple length")?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(read_obj(input, depth + 1)?);
            }
            Ok(ConstObj::Tuple(items))
        }
        obj_tag::STR => {
            let len = input.uint("str length")?;
            let data = input.nul_terminated(len, "str data")?;
            Ok(ConstObj::Str(utf8(data, at, "str constant")?))
        }
        obj_tag::BYTES => {
            let len = input.uint("bytes length")?;
            Ok(ConstObj::Bytes(Rc::from(
                input.nul_terminated(len, "bytes data")?,
            )))
        }
        obj_tag::INT => {
            let len = input.uint("int length")?;
            let text = input.take(len, "int text")?;
            parse_int(text)
                .map(ConstObj::Int)
                .ok_or_else(|| malformed(at, "invalid syntax for integer"))
        }
        obj_tag::FLOAT | obj_tag::COMPLEX => {
            let len = input.uint("number length")?;
            let text = input.take(len, "number text")?;
            // A complex constant is an imaginary literal; text without `j` loads as a float.
            match parse_decimal(text, tag == obj_tag::COMPLEX) {
                Some(Decimal::Float(value)) => Ok(ConstObj::Float(value)),
                Some(Decimal::Imaginary(imag)) => Ok(ConstObj::Complex { real: 0.0, imag }),
                None => Err(malformed(at, "invalid syntax for number")),
            }
        }
        _ => Err(malformed(at, format!("unknown constant type {tag}"))),
    }
}

/// Decimal integer text as `mp_parse_num_integer` accepts it: surrounding whitespace, a sign,
/// digits with `_` anywhere among them.
fn parse_int(text: &[u8]) -> Option<BigInt> {
    let is_space = |c: &u8| matches!(c, b' ' | b'\t'..=b'\r');
    let start = text.iter().position(|c| !is_space(c))?;
    let end = text.iter().rposition(|c| !is_space(c))? + 1;
    let mut body = &text[start..end];
    let negative = body.first() == Some(&b'-');
    if matches!(body.first(), Some(b'+' | b'-')) {
        body = &body[1..];
    }
    if body.is_empty() || !body.iter().all(|&c| c.is_ascii_digit() || c == b'_') {
        return None;
    }
    let digits: Vec<u8> = body.iter().copied().filter(|&c| c != b'_').collect();
    let magnitude = if digits.is_empty() {
        BigInt::default()
    } else {
        BigInt::parse_bytes(&digits, 10)?
    };
    Some(if negative { -magnitude } else { magnitude })
}

fn code_kind(bits: usize) -> CodeKind {
    match bits & 3 {
        0 => CodeKind::Bytecode,
        1 => CodeKind::NativePy,
        2 => CodeKind::NativeViper,
        _ => CodeKind::NativeAsm,
    }
}

fn read_raw_code(input: &mut Input, tables: &Tables, depth: usize) -> Result<RawCode, MpyError> {
    let at = input.pos;
    if depth >= MAX_NESTING {
        return Err(malformed(at, "raw codes nested too deeply"));
    }
    let kind_len = input.uint("raw code header")?;
    let kind = code_kind(kind_len);
    let has_children = kind_len & 4 != 0;
    if kind != CodeKind::Bytecode && tables.arch == NativeArch::None {
        // Only a VM with native code enabled gets further; it would then run machine code
        // for an undeclared arch.
        return Err(MpyError::IncompatibleFile);
    }
    let data_at = input.pos;
    let fun_data = input.take(kind_len >> 3, "function data")?.to_vec();

    let native = match kind {
        CodeKind::Bytecode => None,
        CodeKind::NativePy => Some(read_native_py(input, &fun_data, data_at, tables)?),
        CodeKind::NativeViper | CodeKind::NativeAsm => Some(read_viper_or_asm(input, kind)?),
    };

    let mut children = Vec::new();
    if has_children {
        let n = input.count("child count")?;
        children.reserve(n);
        for _ in 0..n {
            children.push(read_raw_code(input, tables, depth + 1)?);
        }
    }

    let native = match native {
        Some((mut section, flags)) => {
            // MicroPython's loader applies relocations after loading the children.
            if flags & scope_flag::VIPERRELOC != 0 {
                section.relocations = read_relocations(input)?;
            }
            Some(section)
        }
        None => {
            check_bytecode(&fun_data, children.len(), tables)
                .map_err(|e| malformed(data_at + e.offset, e.reason))?;
            None
        }
    };
    Ok(RawCode {
        kind,
        fun_data,
        native,
        children,
    })
}

/// The prelude offset of native Python code, and the scope flags its prelude declares.
fn read_native_py(
    input: &mut Input,
    fun_data: &[u8],
    data_at: usize,
    tables: &Tables,
) -> Result<(NativeSection, u32), MpyError> {
    let at = input.pos;
    let prelude_offset = input.uint("prelude offset")?;
    let prelude = fun_data
        .get(prelude_offset..)
        .filter(|rest| !rest.is_empty())
        .ok_or_else(|| malformed(at, "prelude offset past the end of the machine code"))?;
    let decoded = decode_prelude(prelude)
        .and_then(|p| check_names(&p.arg_names, p.simple_name, tables.n_qstr).map(|()| p))
        .map_err(|e| malformed(data_at + prelude_offset + e.offset, e.reason))?;
    // These flags come from the prelude, not the file's native fields, so the section keeps
    // its stored-flags field at 0; they only decide whether relocations follow.
    let section = NativeSection {
        prelude_offset,
        ..NativeSection::default()
    };
    Ok((section, decoded.signature.scope_flags))
}

/// The stored scope flags and optional sections of viper and inline-assembler code.
fn read_viper_or_asm(input: &mut Input, kind: CodeKind) -> Result<(NativeSection, u32), MpyError> {
    let at = input.pos;
    let flags = input.uint("scope flags")?;
    let flags = u32::try_from(flags).map_err(|_| malformed(at, "scope flags too large"))?;
    let mut section = NativeSection {
        scope_flags: flags,
        ..NativeSection::default()
    };
    if kind == CodeKind::NativeAsm {
        let at = input.pos;
        let n_pos_args = input.uint("asm argument count")?;
        let type_sig = input.uint("asm type signature")?;
        section.asm_n_pos_args =
            u32::try_from(n_pos_args).map_err(|_| malformed(at, "too many asm arguments"))?;
        section.asm_type_sig =
            u32::try_from(type_sig).map_err(|_| malformed(at, "asm type signature too large"))?;
    }
    if kind == CodeKind::NativeViper {
        let rodata_size = if flags & scope_flag::VIPERRODATA != 0 {
            input.uint("rodata size")?
        } else {
            0
        };
        if flags & scope_flag::VIPERBSS != 0 {
            section.bss_size = input.uint("bss size")?;
        }
        section.rodata = input.take(rodata_size, "rodata")?.to_vec();
    }
    Ok((section, flags))
}

/// The relocation records up to and including their `0xff` terminator, as the file holds them
/// (`mp_native_relocate`): an op byte, a location when bit 0 is set, and a repeat count for
/// text/rodata/bss destinations with bit 1 of the destination set.
fn read_relocations(input: &mut Input) -> Result<Vec<u8>, MpyError> {
    let start = input.pos;
    loop {
        let op = input.byte("relocation")?;
        if op == 0xff {
            break;
        }
        if op & 1 != 0 {
            input.uint("relocation location")?;
        }
        let destination = op >> 1;
        if destination <= 5 && destination & 1 != 0 {
            input.uint("relocation count")?;
        }
    }
    Ok(input.bytes[start..input.pos].to_vec())
}

fn check_names(args: &[usize], name: usize, n_qstr: usize) -> Result<(), DecodeError> {
    for &q in std::iter::once(&name).chain(args) {
        if q >= n_qstr {
            return Err(DecodeError {
                offset: 0,
                reason: format!("prelude qstr index {q} out of range"),
            });
        }
    }
    Ok(())
}

/// Checks a bytecode function: a sound prelude, a well-formed line table, and instructions
/// that decode, stay inside the function, and refer only to existing qstrs, constants,
/// children, locals and instruction starts.
fn check_bytecode(fun_data: &[u8], n_children: usize, tables: &Tables) -> Result<(), DecodeError> {
    let prelude = decode_prelude(fun_data)?;
    check_names(&prelude.arg_names, prelude.simple_name, tables.n_qstr)?;
    decode_line_info(&fun_data[prelude.line_info.clone()]).map_err(|e| DecodeError {
        offset: prelude.line_info.start + e.offset,
        reason: e.reason,
    })?;
    let n_state = prelude.signature.n_state as usize;
    let at_code = |offset: usize, reason: String| DecodeError {
        offset: prelude.code_start + offset,
        reason,
    };
    if let Some(&cell) = prelude.cells.iter().find(|&&c| usize::from(c) >= n_state) {
        return Err(at_code(0, format!("cell local {cell} out of range")));
    }
    let code = &fun_data[prelude.code_start..];
    if code.is_empty() {
        return Err(at_code(0, "function has no instructions".into()));
    }

    let mut is_start = vec![false; code.len()];
    let mut jumps = Vec::new();
    let mut offset = 0;
    while offset < code.len() {
        let inst = decode_instruction(code, offset).map_err(|e| at_code(e.offset, e.reason))?;
        is_start[offset] = true;
        check_operand(&inst, n_children, n_state, tables).map_err(|r| at_code(offset, r))?;
        if let Operand::Jump(target) = inst.operand {
            jumps.push((offset, target));
        }
        offset += inst.size;
    }
    for (offset, target) in jumps {
        let lands = usize::try_from(target)
            .ok()
            .and_then(|t| is_start.get(t).copied())
            .unwrap_or(false);
        if !lands {
            return Err(at_code(
                offset,
                format!("jump to {target}, which is not an instruction"),
            ));
        }
    }
    Ok(())
}

fn check_operand(
    inst: &Instruction,
    n_children: usize,
    n_state: usize,
    tables: &Tables,
) -> Result<(), String> {
    let limit = |what: &str, index: usize, count: usize| {
        if index < count {
            Ok(())
        } else {
            Err(format!("{what} {index} out of range ({count})"))
        }
    };
    match (inst.opcode, inst.operand) {
        (_, Operand::Qstr(q)) => limit("qstr index", q, tables.n_qstr),
        (op::LOAD_CONST_OBJ, Operand::Uint(i)) => limit("constant index", i, tables.n_obj),
        (
            op::MAKE_FUNCTION
            | op::MAKE_FUNCTION_DEFARGS
            | op::MAKE_CLOSURE
            | op::MAKE_CLOSURE_DEFARGS,
            Operand::Uint(i),
        ) => limit("child index", i, n_children),
        (
            op::LOAD_FAST_N
            | op::STORE_FAST_N
            | op::DELETE_FAST
            | op::LOAD_DEREF
            | op::STORE_DEREF
            | op::DELETE_DEREF,
            Operand::Uint(i),
        ) => limit("local", i, n_state),
        (_, Operand::SmallInt(n)) => {
            let bits = u32::from(tables.small_int_bits.clamp(1, 63)) - 1;
            if (-(1i64 << bits)..(1i64 << bits)).contains(&n) {
                Ok(())
            } else {
                Err(format!("small int {n} does not fit the file's small ints"))
            }
        }
        (opcode, Operand::None) => match multi_opcode_group(opcode) {
            Some(("LOAD_FAST" | "STORE_FAST", local)) => limit("local", local as usize, n_state),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}
