//! Decoding MicroPython 1.29 bytecode: the prelude (signature, sizes, code info, line table,
//! cells) and instructions (`py/bc.h`, `py/bc.c`, `py/showbc.c`). Every decoder is bounded by
//! its input and reports malformed data as a [`DecodeError`] instead of panicking.

use super::{has_extra_byte, op, operand_format, OperandFormat};
use std::fmt;
use std::ops::Range;

/// Why bytes are not valid bytecode; `offset` is relative to the start of the function data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
    pub reason: String,
}

impl DecodeError {
    fn new(offset: usize, reason: impl Into<String>) -> Self {
        DecodeError {
            offset,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at offset {}", self.reason, self.offset)
    }
}

impl std::error::Error for DecodeError {}

/// The values packed into the prelude's first varint (`MP_BC_PRELUDE_SIG_DECODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Signature {
    pub n_state: u32,
    pub n_exc_stack: u32,
    /// `MP_SCOPE_FLAG_*` bits: generator, varkeywords, varargs, defkwargs.
    pub scope_flags: u32,
    pub n_pos_args: u32,
    pub n_kwonly_args: u32,
    pub n_def_pos_args: u32,
}

/// A decoded prelude; ranges index the function data it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prelude {
    pub signature: Signature,
    /// Qstr-table index of the function's name.
    pub simple_name: usize,
    /// Qstr-table indices of the positional then keyword-only argument names.
    pub arg_names: Vec<usize>,
    /// The line-number table, the rest of the code-info section.
    pub line_info: Range<usize>,
    /// Locals turned into cells on entry.
    pub cells: Vec<u8>,
    /// Offset of the first opcode (or, in native code, of whatever follows the prelude).
    pub code_start: usize,
}

/// Reads a varint at `*pos`, advancing past it; at most `u32::MAX`.
pub fn decode_uint(code: &[u8], pos: &mut usize) -> Result<u32, DecodeError> {
    let start = *pos;
    let mut value: u64 = 0;
    loop {
        let byte = *code
            .get(*pos)
            .ok_or_else(|| DecodeError::new(start, "truncated varint"))?;
        *pos += 1;
        value = value << 7 | u64::from(byte & 0x7f);
        if value > u64::from(u32::MAX) {
            return Err(DecodeError::new(start, "varint too large"));
        }
        if byte & 0x80 == 0 {
            return Ok(value as u32);
        }
    }
}

/// Reads the signature varint at `*pos`.
pub fn decode_signature(code: &[u8], pos: &mut usize) -> Result<Signature, DecodeError> {
    let start = *pos;
    let next = |pos: &mut usize| -> Result<u8, DecodeError> {
        let byte = *code
            .get(*pos)
            .ok_or_else(|| DecodeError::new(start, "truncated prelude signature"))?;
        *pos += 1;
        Ok(byte)
    };
    // First byte: xSSSSEAA.
    let mut z = next(pos)?;
    let mut state = u64::from(z >> 3 & 0xf);
    let mut exc = u64::from(z >> 2 & 1);
    let mut args = u64::from(z & 3);
    let (mut flags, mut kwonly, mut defaults) = (0u64, 0u64, 0u64);
    // Each further byte, xFSSKAED, adds one more bit of each value (two of the state size).
    let mut n = 0u32;
    while z & 0x80 != 0 {
        z = next(pos)?;
        if n >= 28 {
            return Err(DecodeError::new(start, "prelude signature too long"));
        }
        state |= u64::from(z >> 4 & 3) << (4 + 2 * n);
        exc |= u64::from(z >> 1 & 1) << (1 + n);
        flags |= u64::from(z >> 6 & 1) << n;
        args |= u64::from(z >> 2 & 1) << (2 + n);
        kwonly |= u64::from(z >> 3 & 1) << n;
        defaults |= u64::from(z & 1) << n;
        n += 1;
    }
    let narrow =
        |v: u64| u32::try_from(v).map_err(|_| DecodeError::new(start, "prelude value too large"));
    Ok(Signature {
        n_state: narrow(state + 1)?,
        n_exc_stack: narrow(exc)?,
        scope_flags: narrow(flags)?,
        n_pos_args: narrow(args)?,
        n_kwonly_args: narrow(kwonly)?,
        n_def_pos_args: narrow(defaults)?,
    })
}

/// Reads the prelude-size varint at `*pos`: the code-info and cell-section sizes.
pub fn decode_prelude_size(code: &[u8], pos: &mut usize) -> Result<(usize, usize), DecodeError> {
    let start = *pos;
    let (mut n_info, mut n_cell) = (0u64, 0u64);
    // Each byte is xIIIIIIC: six more bits of the info size, one more of the cell count.
    for n in 0.. {
        let z = *code
            .get(*pos)
            .ok_or_else(|| DecodeError::new(start, "truncated prelude size"))?;
        *pos += 1;
        if n >= 5 {
            return Err(DecodeError::new(start, "prelude size too long"));
        }
        n_cell |= u64::from(z & 1) << n;
        n_info |= u64::from(z >> 1 & 0x3f) << (6 * n);
        if z & 0x80 == 0 {
            break;
        }
    }
    Ok((n_info as usize, n_cell as usize))
}

/// Decodes the whole prelude at the start of `code`.
pub fn decode_prelude(code: &[u8]) -> Result<Prelude, DecodeError> {
    let mut pos = 0;
    let signature = decode_signature(code, &mut pos)?;
    let (n_info, n_cell) = decode_prelude_size(code, &mut pos)?;
    let info_start = pos;
    let info_end = info_start
        .checked_add(n_info)
        .filter(|&end| end <= code.len())
        .ok_or_else(|| DecodeError::new(info_start, "code info runs past the end"))?;
    let info = &code[..info_end];
    let simple_name = decode_uint(info, &mut pos)? as usize;
    let n_args = signature.n_pos_args as usize + signature.n_kwonly_args as usize;
    let mut arg_names = Vec::new();
    for _ in 0..n_args {
        // Each name takes at least one byte, so this loop is bounded by the info size.
        arg_names.push(decode_uint(info, &mut pos)? as usize);
    }
    let line_info = pos..info_end;
    let code_start = info_end
        .checked_add(n_cell)
        .filter(|&end| end <= code.len())
        .ok_or_else(|| DecodeError::new(info_end, "cell section runs past the end"))?;
    Ok(Prelude {
        signature,
        simple_name,
        arg_names,
        line_info,
        cells: code[info_end..code_start].to_vec(),
        code_start,
    })
}

/// One entry of the line table: this many bytecode bytes, then the line advances this much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineStep {
    pub bytecode_delta: usize,
    pub line_delta: usize,
}

/// Decodes a line table (`mp_bytecode_decode_lineinfo`): `0LLBBBBB` or `1LLLBBBB LLLLLLLL`.
pub fn decode_line_info(table: &[u8]) -> Result<Vec<LineStep>, DecodeError> {
    let mut steps = Vec::new();
    let mut pos = 0;
    while pos < table.len() {
        let c = table[pos];
        if c & 0x80 == 0 {
            steps.push(LineStep {
                bytecode_delta: usize::from(c & 0x1f),
                line_delta: usize::from(c >> 5),
            });
            pos += 1;
        } else {
            let low = *table
                .get(pos + 1)
                .ok_or_else(|| DecodeError::new(pos, "truncated line-table entry"))?;
            steps.push(LineStep {
                bytecode_delta: usize::from(c & 0xf),
                line_delta: (usize::from(c) << 4 & 0x700) | usize::from(low),
            });
            pos += 2;
        }
    }
    Ok(steps)
}

/// The source line of the instruction at `bytecode_offset` (from the first opcode), as
/// `mp_bytecode_get_source_line` computes it.
pub fn source_line(steps: &[LineStep], bytecode_offset: usize) -> usize {
    let mut remaining = bytecode_offset;
    let mut line = 1;
    for step in steps {
        if remaining < step.bytecode_delta {
            break;
        }
        remaining -= step.bytecode_delta;
        line += step.line_delta;
    }
    line
}

/// The operand of an instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    None,
    /// An index into the module's qstr table.
    Qstr(usize),
    /// An unsigned count or index (locals, constants, children, argument counts).
    Uint(usize),
    /// The signed value of `LOAD_CONST_SMALL_INT`.
    SmallInt(i64),
    /// A jump, as the offset (from the first opcode) it lands on; may be out of range.
    Jump(i64),
}

/// One decoded instruction; offsets are from the first opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instruction {
    pub offset: usize,
    pub opcode: u8,
    pub operand: Operand,
    /// The byte after the operand of `UNWIND_JUMP` and `MAKE_CLOSURE*`.
    pub extra: Option<u8>,
    pub size: usize,
}

/// Whether the jump offset of `opcode` is signed (`MP_BC_OPCODE_HAS_SIGNED_OFFSET`).
pub fn has_signed_offset(opcode: u8) -> bool {
    (op::UNWIND_JUMP..=op::POP_JUMP_IF_FALSE).contains(&opcode)
}

/// Decodes the instruction at `offset` of `code` (the opcodes only, prelude excluded).
pub fn decode_instruction(code: &[u8], offset: usize) -> Result<Instruction, DecodeError> {
    let opcode = *code
        .get(offset)
        .ok_or_else(|| DecodeError::new(offset, "truncated instruction"))?;
    if mnemonic(opcode).is_none() {
        return Err(DecodeError::new(
            offset,
            format!("invalid opcode 0x{opcode:02x}"),
        ));
    }
    let mut pos = offset + 1;
    let truncated = || DecodeError::new(offset, "truncated instruction");
    let operand = match operand_format(opcode) {
        OperandFormat::Byte => Operand::None,
        OperandFormat::Qstr => Operand::Qstr(decode_uint(code, &mut pos)? as usize),
        OperandFormat::VarUint if opcode == op::LOAD_CONST_SMALL_INT => {
            Operand::SmallInt(decode_signed(code, &mut pos)?)
        }
        OperandFormat::VarUint => Operand::Uint(decode_uint(code, &mut pos)? as usize),
        OperandFormat::Offset => {
            let first = *code.get(pos).ok_or_else(truncated)?;
            let (raw, bias) = if first & 0x80 == 0 {
                pos += 1;
                (i64::from(first), 0x40)
            } else {
                let second = *code.get(pos + 1).ok_or_else(truncated)?;
                pos += 2;
                (i64::from(first & 0x7f) | i64::from(second) << 7, 0x4000)
            };
            let delta = if has_signed_offset(opcode) {
                raw - bias
            } else {
                raw
            };
            // The offset counts from the end of the operand.
            Operand::Jump(pos as i64 + delta)
        }
    };
    let extra = if has_extra_byte(opcode) {
        let byte = *code.get(pos).ok_or_else(truncated)?;
        pos += 1;
        Some(byte)
    } else {
        None
    };
    Ok(Instruction {
        offset,
        opcode,
        operand,
        extra,
        size: pos - offset,
    })
}

/// The signed varint of `LOAD_CONST_SMALL_INT`: bit 6 of the first byte is the sign.
fn decode_signed(code: &[u8], pos: &mut usize) -> Result<i64, DecodeError> {
    let start = *pos;
    let first = *code
        .get(*pos)
        .ok_or_else(|| DecodeError::new(start, "truncated small int"))?;
    let mut value: i64 = if first & 0x40 != 0 { -1 } else { 0 };
    loop {
        let byte = *code
            .get(*pos)
            .ok_or_else(|| DecodeError::new(start, "truncated small int"))?;
        *pos += 1;
        if !(-(1i64 << 55)..(1i64 << 55)).contains(&value) {
            return Err(DecodeError::new(start, "small int too large"));
        }
        value = value << 7 | i64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
}

/// The name MicroPython's disassembler prints for `opcode`, or `None` if it is not an opcode.
/// Multi-opcodes (small ints, fast locals, operators) share one name per group.
pub fn mnemonic(opcode: u8) -> Option<&'static str> {
    let name = match opcode {
        op::LOAD_CONST_STRING => "LOAD_CONST_STRING",
        op::LOAD_NAME => "LOAD_NAME",
        op::LOAD_GLOBAL => "LOAD_GLOBAL",
        op::LOAD_ATTR => "LOAD_ATTR",
        op::LOAD_METHOD => "LOAD_METHOD",
        op::LOAD_SUPER_METHOD => "LOAD_SUPER_METHOD",
        op::STORE_NAME => "STORE_NAME",
        op::STORE_GLOBAL => "STORE_GLOBAL",
        op::STORE_ATTR => "STORE_ATTR",
        op::DELETE_NAME => "DELETE_NAME",
        op::DELETE_GLOBAL => "DELETE_GLOBAL",
        op::IMPORT_NAME => "IMPORT_NAME",
        op::IMPORT_FROM => "IMPORT_FROM",
        op::MAKE_CLOSURE => "MAKE_CLOSURE",
        op::MAKE_CLOSURE_DEFARGS => "MAKE_CLOSURE_DEFARGS",
        op::LOAD_CONST_SMALL_INT => "LOAD_CONST_SMALL_INT",
        op::LOAD_CONST_OBJ => "LOAD_CONST_OBJ",
        op::LOAD_FAST_N => "LOAD_FAST_N",
        op::LOAD_DEREF => "LOAD_DEREF",
        op::STORE_FAST_N => "STORE_FAST_N",
        op::STORE_DEREF => "STORE_DEREF",
        op::DELETE_FAST => "DELETE_FAST",
        op::DELETE_DEREF => "DELETE_DEREF",
        op::BUILD_TUPLE => "BUILD_TUPLE",
        op::BUILD_LIST => "BUILD_LIST",
        op::BUILD_MAP => "BUILD_MAP",
        op::BUILD_SET => "BUILD_SET",
        op::BUILD_SLICE => "BUILD_SLICE",
        op::STORE_COMP => "STORE_COMP",
        op::UNPACK_SEQUENCE => "UNPACK_SEQUENCE",
        op::UNPACK_EX => "UNPACK_EX",
        op::MAKE_FUNCTION => "MAKE_FUNCTION",
        op::MAKE_FUNCTION_DEFARGS => "MAKE_FUNCTION_DEFARGS",
        op::CALL_FUNCTION => "CALL_FUNCTION",
        op::CALL_FUNCTION_VAR_KW => "CALL_FUNCTION_VAR_KW",
        op::CALL_METHOD => "CALL_METHOD",
        op::CALL_METHOD_VAR_KW => "CALL_METHOD_VAR_KW",
        op::UNWIND_JUMP => "UNWIND_JUMP",
        op::JUMP => "JUMP",
        op::POP_JUMP_IF_TRUE => "POP_JUMP_IF_TRUE",
        op::POP_JUMP_IF_FALSE => "POP_JUMP_IF_FALSE",
        op::JUMP_IF_TRUE_OR_POP => "JUMP_IF_TRUE_OR_POP",
        op::JUMP_IF_FALSE_OR_POP => "JUMP_IF_FALSE_OR_POP",
        op::SETUP_WITH => "SETUP_WITH",
        op::SETUP_EXCEPT => "SETUP_EXCEPT",
        op::SETUP_FINALLY => "SETUP_FINALLY",
        op::POP_EXCEPT_JUMP => "POP_EXCEPT_JUMP",
        op::FOR_ITER => "FOR_ITER",
        op::LOAD_CONST_FALSE => "LOAD_CONST_FALSE",
        op::LOAD_CONST_NONE => "LOAD_CONST_NONE",
        op::LOAD_CONST_TRUE => "LOAD_CONST_TRUE",
        op::LOAD_NULL => "LOAD_NULL",
        op::LOAD_BUILD_CLASS => "LOAD_BUILD_CLASS",
        op::LOAD_SUBSCR => "LOAD_SUBSCR",
        op::STORE_SUBSCR => "STORE_SUBSCR",
        op::DUP_TOP => "DUP_TOP",
        op::DUP_TOP_TWO => "DUP_TOP_TWO",
        op::POP_TOP => "POP_TOP",
        op::ROT_TWO => "ROT_TWO",
        op::ROT_THREE => "ROT_THREE",
        op::WITH_CLEANUP => "WITH_CLEANUP",
        op::END_FINALLY => "END_FINALLY",
        op::GET_ITER => "GET_ITER",
        op::GET_ITER_STACK => "GET_ITER_STACK",
        op::STORE_MAP => "STORE_MAP",
        op::RETURN_VALUE => "RETURN_VALUE",
        op::RAISE_LAST => "RAISE_LAST",
        op::RAISE_OBJ => "RAISE_OBJ",
        op::RAISE_FROM => "RAISE_FROM",
        op::YIELD_VALUE => "YIELD_VALUE",
        op::YIELD_FROM => "YIELD_FROM",
        op::IMPORT_STAR => "IMPORT_STAR",
        _ => return multi_opcode_group(opcode).map(|(name, _)| name),
    };
    Some(name)
}

/// For the multi-opcodes, the group name and the number the opcode carries: the small int
/// loaded, the local's index, or the operator number.
pub fn multi_opcode_group(opcode: u8) -> Option<(&'static str, i32)> {
    let in_group = |base: u8, count: u8| {
        (base..base + count)
            .contains(&opcode)
            .then(|| i32::from(opcode - base))
    };
    if let Some(n) = in_group(
        op::LOAD_CONST_SMALL_INT_MULTI,
        op::LOAD_CONST_SMALL_INT_MULTI_NUM,
    ) {
        return Some((
            "LOAD_CONST_SMALL_INT",
            n - op::LOAD_CONST_SMALL_INT_MULTI_EXCESS,
        ));
    }
    let groups = [
        ("LOAD_FAST", op::LOAD_FAST_MULTI, op::LOAD_FAST_MULTI_NUM),
        ("STORE_FAST", op::STORE_FAST_MULTI, op::STORE_FAST_MULTI_NUM),
        ("UNARY_OP", op::UNARY_OP_MULTI, op::UNARY_OP_MULTI_NUM),
        ("BINARY_OP", op::BINARY_OP_MULTI, op::BINARY_OP_MULTI_NUM),
    ];
    groups
        .into_iter()
        .find_map(|(name, base, count)| in_group(base, count).map(|n| (name, n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_round_trips_the_documented_bit_layout() {
        // n_state 5, no exc stack, 2 positional args: one byte 0b0_0100_0_10.
        let mut pos = 0;
        let sig = decode_signature(&[0x22], &mut pos).unwrap();
        assert_eq!(pos, 1);
        assert_eq!((sig.n_state, sig.n_pos_args, sig.scope_flags), (5, 2, 0));
        // Generator flag and one kw-only arg live in the extension byte.
        let mut pos = 0;
        let sig = decode_signature(&[0x80, 0x48], &mut pos).unwrap();
        assert_eq!((sig.n_state, sig.scope_flags, sig.n_kwonly_args), (1, 1, 1));
        assert!(decode_signature(&[0x80], &mut 0).is_err());
        assert!(decode_signature(&[0xff; 40], &mut 0).is_err());
    }

    #[test]
    fn prelude_size_and_code_info() {
        // sig (n_state 1, 1 arg), size (n_info 2, 1 cell), name 3, arg name 4, cell local 0.
        let code = [0x01, 0x05, 0x03, 0x04, 0x00, op::RETURN_VALUE];
        let prelude = decode_prelude(&code).unwrap();
        assert_eq!(prelude.simple_name, 3);
        assert_eq!(prelude.arg_names, vec![4]);
        assert_eq!(prelude.cells, vec![0]);
        assert_eq!(prelude.code_start, 5);
        assert!(decode_prelude(&code[..4]).is_err());
    }

    #[test]
    fn line_table_forms() {
        let steps = decode_line_info(&[0x23, 0x81, 0x02]).unwrap();
        assert_eq!(
            steps[0],
            LineStep {
                bytecode_delta: 3,
                line_delta: 1
            }
        );
        assert_eq!(
            steps[1],
            LineStep {
                bytecode_delta: 1,
                line_delta: 2
            }
        );
        assert_eq!(source_line(&steps, 0), 1);
        assert_eq!(source_line(&steps, 3), 2);
        assert_eq!(source_line(&steps, 4), 4);
        assert!(decode_line_info(&[0x81]).is_err());
    }

    #[test]
    fn instructions_with_each_operand_form() {
        let jump_back = decode_instruction(&[0x00, op::JUMP, 0x3e], 1).unwrap();
        assert_eq!(jump_back.operand, Operand::Jump(1));
        let long_jump = decode_instruction(&[op::FOR_ITER, 0x81, 0x01], 0).unwrap();
        assert_eq!(long_jump.operand, Operand::Jump(3 + 129));
        let neg = decode_instruction(&[op::LOAD_CONST_SMALL_INT, 0x7f], 0).unwrap();
        assert_eq!(neg.operand, Operand::SmallInt(-1));
        let big = decode_instruction(&[op::LOAD_CONST_SMALL_INT, 0x81, 0x00], 0).unwrap();
        assert_eq!(big.operand, Operand::SmallInt(128));
        let closure = decode_instruction(&[op::MAKE_CLOSURE, 0x02, 0x01], 0).unwrap();
        assert_eq!(
            (closure.operand, closure.extra, closure.size),
            (Operand::Uint(2), Some(1), 3)
        );
        assert!(decode_instruction(&[0x00], 0).is_err());
        assert!(decode_instruction(&[op::LOAD_NAME, 0x80], 0).is_err());
        assert_eq!(
            multi_opcode_group(0x70),
            Some(("LOAD_CONST_SMALL_INT", -16))
        );
        assert_eq!(multi_opcode_group(0xd4), None);
        assert_eq!(mnemonic(0xf9), Some("BINARY_OP"));
        assert_eq!(mnemonic(0xfa), None);
    }
}
