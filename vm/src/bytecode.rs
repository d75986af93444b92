//! MicroPython 1.29's bytecode vocabulary: opcode numbers, operand formats, and the unary and
//! binary operator numbers that `UNARY_OP_MULTI`/`BINARY_OP_MULTI` carry (`py/bc0.h`,
//! `py/runtime0.h`). The compiler encodes with these, the `.mpy` dumper and the VM decode.

pub mod decode;

/// Opcode numbers. Opcodes are grouped by the high nibble, which decides the operand format.
pub mod op {
    pub const LOAD_CONST_STRING: u8 = 0x10;
    pub const LOAD_NAME: u8 = 0x11;
    pub const LOAD_GLOBAL: u8 = 0x12;
    pub const LOAD_ATTR: u8 = 0x13;
    pub const LOAD_METHOD: u8 = 0x14;
    pub const LOAD_SUPER_METHOD: u8 = 0x15;
    pub const STORE_NAME: u8 = 0x16;
    pub const STORE_GLOBAL: u8 = 0x17;
    pub const STORE_ATTR: u8 = 0x18;
    pub const DELETE_NAME: u8 = 0x19;
    pub const DELETE_GLOBAL: u8 = 0x1a;
    pub const IMPORT_NAME: u8 = 0x1b;
    pub const IMPORT_FROM: u8 = 0x1c;
    pub const MAKE_CLOSURE: u8 = 0x20;
    pub const MAKE_CLOSURE_DEFARGS: u8 = 0x21;
    pub const LOAD_CONST_SMALL_INT: u8 = 0x22;
    pub const LOAD_CONST_OBJ: u8 = 0x23;
    pub const LOAD_FAST_N: u8 = 0x24;
    pub const LOAD_DEREF: u8 = 0x25;
    pub const STORE_FAST_N: u8 = 0x26;
    pub const STORE_DEREF: u8 = 0x27;
    pub const DELETE_FAST: u8 = 0x28;
    pub const DELETE_DEREF: u8 = 0x29;
    pub const BUILD_TUPLE: u8 = 0x2a;
    pub const BUILD_LIST: u8 = 0x2b;
    pub const BUILD_MAP: u8 = 0x2c;
    pub const BUILD_SET: u8 = 0x2d;
    pub const BUILD_SLICE: u8 = 0x2e;
    pub const STORE_COMP: u8 = 0x2f;
    pub const UNPACK_SEQUENCE: u8 = 0x30;
    pub const UNPACK_EX: u8 = 0x31;
    pub const MAKE_FUNCTION: u8 = 0x32;
    pub const MAKE_FUNCTION_DEFARGS: u8 = 0x33;
    pub const CALL_FUNCTION: u8 = 0x34;
    pub const CALL_FUNCTION_VAR_KW: u8 = 0x35;
    pub const CALL_METHOD: u8 = 0x36;
    pub const CALL_METHOD_VAR_KW: u8 = 0x37;
    pub const UNWIND_JUMP: u8 = 0x40;
    pub const JUMP: u8 = 0x42;
    pub const POP_JUMP_IF_TRUE: u8 = 0x43;
    pub const POP_JUMP_IF_FALSE: u8 = 0x44;
    pub const JUMP_IF_TRUE_OR_POP: u8 = 0x45;
    pub const JUMP_IF_FALSE_OR_POP: u8 = 0x46;
    pub const SETUP_WITH: u8 = 0x47;
    pub const SETUP_EXCEPT: u8 = 0x48;
    pub const SETUP_FINALLY: u8 = 0x49;
    pub const POP_EXCEPT_JUMP: u8 = 0x4a;
    pub const FOR_ITER: u8 = 0x4b;
    pub const LOAD_CONST_FALSE: u8 = 0x50;
    pub const LOAD_CONST_NONE: u8 = 0x51;
    pub const LOAD_CONST_TRUE: u8 = 0x52;
    pub const LOAD_NULL: u8 = 0x53;
    pub const LOAD_BUILD_CLASS: u8 = 0x54;
    pub const LOAD_SUBSCR: u8 = 0x55;
    pub const STORE_SUBSCR: u8 = 0x56;
    pub const DUP_TOP: u8 = 0x57;
    pub const DUP_TOP_TWO: u8 = 0x58;
    pub const POP_TOP: u8 = 0x59;
    pub const ROT_TWO: u8 = 0x5a;
    pub const ROT_THREE: u8 = 0x5b;
    pub const WITH_CLEANUP: u8 = 0x5c;
    pub const END_FINALLY: u8 = 0x5d;
    pub const GET_ITER: u8 = 0x5e;
    pub const GET_ITER_STACK: u8 = 0x5f;
    pub const STORE_MAP: u8 = 0x62;
    pub const RETURN_VALUE: u8 = 0x63;
    pub const RAISE_LAST: u8 = 0x64;
    pub const RAISE_OBJ: u8 = 0x65;
    pub const RAISE_FROM: u8 = 0x66;
    pub const YIELD_VALUE: u8 = 0x67;
    pub const YIELD_FROM: u8 = 0x68;
    pub const IMPORT_STAR: u8 = 0x69;
    /// `LOAD_CONST_SMALL_INT_MULTI + n + 16` loads the small int `n` for `-16 <= n < 48`.
    pub const LOAD_CONST_SMALL_INT_MULTI: u8 = 0x70;
    pub const LOAD_CONST_SMALL_INT_MULTI_NUM: u8 = 64;
    pub const LOAD_CONST_SMALL_INT_MULTI_EXCESS: i32 = 16;
    /// `LOAD_FAST_MULTI + n` loads local `n` for `n < 16`.
    pub const LOAD_FAST_MULTI: u8 = 0xb0;
    pub const LOAD_FAST_MULTI_NUM: u8 = 16;
    /// `STORE_FAST_MULTI + n` stores local `n` for `n < 16`.
    pub const STORE_FAST_MULTI: u8 = 0xc0;
    pub const STORE_FAST_MULTI_NUM: u8 = 16;
    /// `UNARY_OP_MULTI + op` for the bytecode unary operators ([`super::UnaryOpNum`]).
    pub const UNARY_OP_MULTI: u8 = 0xd0;
    pub const UNARY_OP_MULTI_NUM: u8 = 4;
    /// `BINARY_OP_MULTI + op` for the bytecode binary operators ([`super::BinaryOpNum`]).
    pub const BINARY_OP_MULTI: u8 = 0xd7;
    pub const BINARY_OP_MULTI_NUM: u8 = 35;
}

/// How the bytes after an opcode are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperandFormat {
    /// No operand.
    Byte,
    /// A qstr index as a variable-length unsigned int.
    Qstr,
    /// A variable-length int (signed for `LOAD_CONST_SMALL_INT`).
    VarUint,
    /// A jump offset: one byte, or two when bit 7 of the first is set.
    Offset,
}

/// The operand format of `opcode` (`MP_BC_FORMAT`).
pub fn operand_format(opcode: u8) -> OperandFormat {
    match (0x0000_03a4u32 >> (2 * (opcode >> 4))) & 3 {
        0 => OperandFormat::Byte,
        1 => OperandFormat::Qstr,
        2 => OperandFormat::VarUint,
        _ => OperandFormat::Offset,
    }
}

/// Whether `opcode` is followed by one extra byte after its operand (`MP_BC_MASK_EXTRA_BYTE`):
/// Of the defined opcodes, that is `UNWIND_JUMP`, `MAKE_CLOSURE` and `MAKE_CLOSURE_DEFARGS`.
pub fn has_extra_byte(opcode: u8) -> bool {
    opcode & 0x9e == 0
}

/// The operator numbers of `mp_unary_op_t` that bytecode can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum UnaryOpNum {
    Positive = 0,
    Negative = 1,
    Invert = 2,
    Not = 3,
}

/// The operator numbers of `mp_binary_op_t` that bytecode can carry, in MicroPython's order:
/// comparisons, then the in-place forms, then the plain forms of the 13 arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum BinaryOpNum {
    Less = 0,
    More,
    Equal,
    LessEqual,
    MoreEqual,
    NotEqual,
    In,
    Is,
    ExceptionMatch,
    InplaceOr,
    InplaceXor,
    InplaceAnd,
    InplaceLshift,
    InplaceRshift,
    InplaceAdd,
    InplaceSubtract,
    InplaceMultiply,
    InplaceMatMultiply,
    InplaceFloorDivide,
    InplaceTrueDivide,
    InplaceModulo,
    InplacePower,
    Or,
    Xor,
    And,
    Lshift,
    Rshift,
    Add,
    Subtract,
    Multiply,
    MatMultiply,
    FloorDivide,
    TrueDivide,
    Modulo,
    Power,
}

impl UnaryOpNum {
    /// The operator `UNARY_OP_MULTI + n` carries; `n` must be below `UNARY_OP_MULTI_NUM`.
    pub fn from_number(n: u8) -> Self {
        match n {
            0 => UnaryOpNum::Positive,
            1 => UnaryOpNum::Negative,
            2 => UnaryOpNum::Invert,
            _ => UnaryOpNum::Not,
        }
    }
}

impl BinaryOpNum {
    /// Every operator, in number order.
    pub const ALL: [BinaryOpNum; op::BINARY_OP_MULTI_NUM as usize] = {
        use BinaryOpNum::*;
        [
            Less,
            More,
            Equal,
            LessEqual,
            MoreEqual,
            NotEqual,
            In,
            Is,
            ExceptionMatch,
            InplaceOr,
            InplaceXor,
            InplaceAnd,
            InplaceLshift,
            InplaceRshift,
            InplaceAdd,
            InplaceSubtract,
            InplaceMultiply,
            InplaceMatMultiply,
            InplaceFloorDivide,
            InplaceTrueDivide,
            InplaceModulo,
            InplacePower,
            Or,
            Xor,
            And,
            Lshift,
            Rshift,
            Add,
            Subtract,
            Multiply,
            MatMultiply,
            FloorDivide,
            TrueDivide,
            Modulo,
            Power,
        ]
    };

    /// The operator `BINARY_OP_MULTI + n` carries; `n` must be below `BINARY_OP_MULTI_NUM`.
    pub fn from_number(n: u8) -> Self {
        Self::ALL[usize::from(n).min(Self::ALL.len() - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_high_nibble() {
        assert_eq!(operand_format(op::LOAD_CONST_STRING), OperandFormat::Qstr);
        assert_eq!(
            operand_format(op::LOAD_CONST_SMALL_INT),
            OperandFormat::VarUint
        );
        assert_eq!(operand_format(op::CALL_FUNCTION), OperandFormat::VarUint);
        assert_eq!(operand_format(op::JUMP), OperandFormat::Offset);
        assert_eq!(operand_format(op::RETURN_VALUE), OperandFormat::Byte);
        assert_eq!(operand_format(op::LOAD_FAST_MULTI), OperandFormat::Byte);
    }

    #[test]
    fn extra_byte_only_for_unwind_jump_and_closures() {
        let defined_with_extra: Vec<u8> = (0x10..=0x6fu8).filter(|&o| has_extra_byte(o)).collect();
        // 0x41, 0x60 and 0x61 match the mask but are not opcodes.
        assert_eq!(
            defined_with_extra,
            vec![
                op::MAKE_CLOSURE,
                op::MAKE_CLOSURE_DEFARGS,
                op::UNWIND_JUMP,
                0x41,
                0x60,
                0x61
            ]
        );
    }

    #[test]
    fn operator_numbers_round_trip() {
        for (n, op) in BinaryOpNum::ALL.iter().enumerate() {
            assert_eq!(*op as usize, n);
            assert_eq!(BinaryOpNum::from_number(n as u8), *op);
        }
        for n in 0..op::UNARY_OP_MULTI_NUM {
            assert_eq!(UnaryOpNum::from_number(n) as u8, n);
        }
    }

    #[test]
    fn binary_op_count_matches_multi_range() {
        assert_eq!(BinaryOpNum::Power as u8 + 1, op::BINARY_OP_MULTI_NUM);
        assert_eq!(
            op::BINARY_OP_MULTI as usize + op::BINARY_OP_MULTI_NUM as usize,
            0xfa
        );
    }
}
