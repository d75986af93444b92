//! RV32I + M + C encodings: each [`Inst`] to its bytes, the 16-bit compressed form whenever
//! one exists for its registers and immediate (the forms and conditions of the ISA manual's
//! RVC chapter; the test compares against `llvm-mc`, which compresses the same way), else the
//! 32-bit base form.

use std::fmt;

/// An integer register, `x0`-`x31`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg(pub u8);

impl Reg {
    pub const ZERO: Reg = Reg(0);
    pub const RA: Reg = Reg(1);
    pub const SP: Reg = Reg(2);
    pub const A0: Reg = Reg(10);

    /// The 3-bit field of a compressed form, for `x8`-`x15` (`s0`, `s1`, `a0`-`a5`).
    fn compact(self) -> Option<u32> {
        (8..16).contains(&self.0).then(|| u32::from(self.0) - 8)
    }

    fn field(self) -> u32 {
        u32::from(self.0 & 31)
    }

    /// The ABI name, as assemblers and capstone print it.
    pub fn name(self) -> &'static str {
        const NAMES: [&str; 32] = [
            "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3",
            "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
            "t3", "t4", "t5", "t6",
        ];
        NAMES[usize::from(self.0 & 31)]
    }
}

/// Register-register operations (`OP` major opcode), M extension included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AluOp {
    Add,
    Sub,
    Sll,
    Slt,
    Sltu,
    Xor,
    Srl,
    Sra,
    Or,
    And,
    Mul,
    Mulh,
    Mulhsu,
    Mulhu,
    Div,
    Divu,
    Rem,
    Remu,
}

impl AluOp {
    pub fn mnemonic(self) -> &'static str {
        use AluOp::*;
        match self {
            Add => "add",
            Sub => "sub",
            Sll => "sll",
            Slt => "slt",
            Sltu => "sltu",
            Xor => "xor",
            Srl => "srl",
            Sra => "sra",
            Or => "or",
            And => "and",
            Mul => "mul",
            Mulh => "mulh",
            Mulhsu => "mulhsu",
            Mulhu => "mulhu",
            Div => "div",
            Divu => "divu",
            Rem => "rem",
            Remu => "remu",
        }
    }

    /// (funct7, funct3).
    fn functs(self) -> (u32, u32) {
        use AluOp::*;
        match self {
            Add => (0, 0),
            Sub => (0x20, 0),
            Sll => (0, 1),
            Slt => (0, 2),
            Sltu => (0, 3),
            Xor => (0, 4),
            Srl => (0, 5),
            Sra => (0x20, 5),
            Or => (0, 6),
            And => (0, 7),
            Mul => (1, 0),
            Mulh => (1, 1),
            Mulhsu => (1, 2),
            Mulhu => (1, 3),
            Div => (1, 4),
            Divu => (1, 5),
            Rem => (1, 6),
            Remu => (1, 7),
        }
    }
}

/// Register-immediate operations (`OP-IMM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImmOp {
    Addi,
    Slti,
    Sltiu,
    Xori,
    Ori,
    Andi,
    Slli,
    Srli,
    Srai,
}

impl ImmOp {
    pub fn mnemonic(self) -> &'static str {
        use ImmOp::*;
        match self {
            Addi => "addi",
            Slti => "slti",
            Sltiu => "sltiu",
            Xori => "xori",
            Ori => "ori",
            Andi => "andi",
            Slli => "slli",
            Srli => "srli",
            Srai => "srai",
        }
    }

    fn is_shift(self) -> bool {
        matches!(self, ImmOp::Slli | ImmOp::Srli | ImmOp::Srai)
    }

    fn funct3(self) -> u32 {
        use ImmOp::*;
        match self {
            Addi => 0,
            Slli => 1,
            Slti => 2,
            Sltiu => 3,
            Xori => 4,
            Srli | Srai => 5,
            Ori => 6,
            Andi => 7,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoadOp {
    Lb,
    Lh,
    Lw,
    Lbu,
    Lhu,
}

impl LoadOp {
    pub fn mnemonic(self) -> &'static str {
        match self {
            LoadOp::Lb => "lb",
            LoadOp::Lh => "lh",
            LoadOp::Lw => "lw",
            LoadOp::Lbu => "lbu",
            LoadOp::Lhu => "lhu",
        }
    }

    fn funct3(self) -> u32 {
        match self {
            LoadOp::Lb => 0,
            LoadOp::Lh => 1,
            LoadOp::Lw => 2,
            LoadOp::Lbu => 4,
            LoadOp::Lhu => 5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreOp {
    Sb,
    Sh,
    Sw,
}

impl StoreOp {
    pub fn mnemonic(self) -> &'static str {
        match self {
            StoreOp::Sb => "sb",
            StoreOp::Sh => "sh",
            StoreOp::Sw => "sw",
        }
    }

    fn funct3(self) -> u32 {
        match self {
            StoreOp::Sb => 0,
            StoreOp::Sh => 1,
            StoreOp::Sw => 2,
        }
    }
}

/// A branch condition on `rs1` against `rs2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cond {
    Eq,
    Ne,
    Lt,
    Ge,
    Ltu,
    Geu,
}

impl Cond {
    pub fn mnemonic(self) -> &'static str {
        match self {
            Cond::Eq => "beq",
            Cond::Ne => "bne",
            Cond::Lt => "blt",
            Cond::Ge => "bge",
            Cond::Ltu => "bltu",
            Cond::Geu => "bgeu",
        }
    }

    pub fn invert(self) -> Cond {
        match self {
            Cond::Eq => Cond::Ne,
            Cond::Ne => Cond::Eq,
            Cond::Lt => Cond::Ge,
            Cond::Ge => Cond::Lt,
            Cond::Ltu => Cond::Geu,
            Cond::Geu => Cond::Ltu,
        }
    }

    fn funct3(self) -> u32 {
        match self {
            Cond::Eq => 0,
            Cond::Ne => 1,
            Cond::Lt => 4,
            Cond::Ge => 5,
            Cond::Ltu => 6,
            Cond::Geu => 7,
        }
    }
}

/// One RV32IMC instruction, in its base (32-bit) meaning; [`encode`] picks the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Inst {
    Op {
        op: AluOp,
        rd: Reg,
        rs1: Reg,
        rs2: Reg,
    },
    /// Shifts take `imm` 0-31; the others a signed 12-bit `imm`.
    OpImm {
        op: ImmOp,
        rd: Reg,
        rs1: Reg,
        imm: i32,
    },
    /// `rd = imm20 << 12`.
    Lui {
        rd: Reg,
        imm20: u32,
    },
    /// `rd = pc + (imm20 << 12)`.
    Auipc {
        rd: Reg,
        imm20: u32,
    },
    Load {
        op: LoadOp,
        rd: Reg,
        rs1: Reg,
        offset: i32,
    },
    Store {
        op: StoreOp,
        rs2: Reg,
        rs1: Reg,
        offset: i32,
    },
    /// To `pc + offset` if `rs1 cond rs2`.
    Branch {
        cond: Cond,
        rs1: Reg,
        rs2: Reg,
        offset: i32,
    },
    Jal {
        rd: Reg,
        offset: i32,
    },
    Jalr {
        rd: Reg,
        rs1: Reg,
        offset: i32,
    },
    Ebreak,
}

/// An instruction's bytes: a compressed halfword or a full word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Half(u16),
    Word(u32),
}

impl Encoding {
    pub fn len(self) -> usize {
        match self {
            Encoding::Half(_) => 2,
            Encoding::Word(_) => 4,
        }
    }

    pub fn is_empty(self) -> bool {
        false
    }

    /// Little-endian bytes, as they sit in memory.
    pub fn bytes(self) -> Vec<u8> {
        match self {
            Encoding::Half(h) => h.to_le_bytes().to_vec(),
            Encoding::Word(w) => w.to_le_bytes().to_vec(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError(pub String);

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(inst: &Inst, why: &str) -> Result<T, EncodeError> {
    Err(EncodeError(format!("cannot encode {inst:?}: {why}")))
}

fn fits_signed(v: i32, bits: u32) -> bool {
    let half = 1i64 << (bits - 1);
    (-half..half).contains(&i64::from(v))
}

/// `v`'s bits `hi..=lo`, placed at bit `at`.
fn bits(v: i32, hi: u32, lo: u32, at: u32) -> u32 {
    let v = v as u32;
    ((v >> lo) & ((1 << (hi - lo + 1)) - 1)) << at
}

/// Whether `rd`, and `rs1`, `rs2` if given, are all in the compressed set.
fn all_compact(regs: &[Reg]) -> bool {
    regs.iter().all(|r| r.compact().is_some())
}

/// The encoding of `inst`: compressed whenever some RVC form says the same.
pub fn encode(inst: &Inst) -> Result<Encoding, EncodeError> {
    if let Some(h) = compressed(inst) {
        return Ok(Encoding::Half(h));
    }
    full(inst).map(Encoding::Word)
}

/// The 32-bit form of `inst`, even when a compressed one exists.
pub fn full(inst: &Inst) -> Result<u32, EncodeError> {
    let r = |rd: Reg, rs1: Reg, rs2: Reg| rd.field() << 7 | rs1.field() << 15 | rs2.field() << 20;
    Ok(match *inst {
        Inst::Op { op, rd, rs1, rs2 } => {
            let (f7, f3) = op.functs();
            0x33 | r(rd, rs1, rs2) | f3 << 12 | f7 << 25
        }
        Inst::OpImm { op, rd, rs1, imm } => {
            let imm12 = if op.is_shift() {
                if !(0..32).contains(&imm) {
                    return err(inst, "shift amount out of 0..31");
                }
                let f7 = if op == ImmOp::Srai { 0x20 } else { 0 };
                imm as u32 | f7 << 5
            } else {
                if !fits_signed(imm, 12) {
                    return err(inst, "immediate out of 12-bit range");
                }
                imm as u32 & 0xfff
            };
            0x13 | r(rd, rs1, Reg::ZERO) | op.funct3() << 12 | imm12 << 20
        }
        Inst::Lui { rd, imm20 } | Inst::Auipc { rd, imm20 } => {
            if imm20 >= 1 << 20 {
                return err(inst, "immediate out of 20-bit range");
            }
            let opcode = if matches!(inst, Inst::Lui { .. }) {
                0x37
            } else {
                0x17
            };
            opcode | rd.field() << 7 | imm20 << 12
        }
        Inst::Load {
            op,
            rd,
            rs1,
            offset,
        } => {
            if !fits_signed(offset, 12) {
                return err(inst, "offset out of 12-bit range");
            }
            0x03 | r(rd, rs1, Reg::ZERO) | op.funct3() << 12 | (offset as u32 & 0xfff) << 20
        }
        Inst::Store {
            op,
            rs2,
            rs1,
            offset,
        } => {
            if !fits_signed(offset, 12) {
                return err(inst, "offset out of 12-bit range");
            }
            0x23 | r(Reg::ZERO, rs1, rs2)
                | op.funct3() << 12
                | bits(offset, 4, 0, 7)
                | bits(offset, 11, 5, 25)
        }
        Inst::Branch {
            cond,
            rs1,
            rs2,
            offset,
        } => {
            if !fits_signed(offset, 13) || offset & 1 != 0 {
                return err(inst, "branch offset out of ±4 KiB or odd");
            }
            0x63 | r(Reg::ZERO, rs1, rs2)
                | cond.funct3() << 12
                | bits(offset, 11, 11, 7)
                | bits(offset, 4, 1, 8)
                | bits(offset, 10, 5, 25)
                | bits(offset, 12, 12, 31)
        }
        Inst::Jal { rd, offset } => {
            if !fits_signed(offset, 21) || offset & 1 != 0 {
                return err(inst, "jump offset out of ±1 MiB or odd");
            }
            0x6f | rd.field() << 7
                | bits(offset, 19, 12, 12)
                | bits(offset, 11, 11, 20)
                | bits(offset, 10, 1, 21)
                | bits(offset, 20, 20, 31)
        }
        Inst::Jalr { rd, rs1, offset } => {
            if !fits_signed(offset, 12) {
                return err(inst, "offset out of 12-bit range");
            }
            0x67 | r(rd, rs1, Reg::ZERO) | (offset as u32 & 0xfff) << 20
        }
        Inst::Ebreak => 0x0010_0073,
    })
}

/// CR format: `funct4 | rd/rs1 | rs2 | op`.
fn cr(funct4: u32, rd: Reg, rs2: Reg) -> u16 {
    (funct4 << 12 | rd.field() << 7 | rs2.field() << 2 | 2) as u16
}

/// CA format (`c.sub` and friends) on compact `rd`, `rs2`.
fn ca(funct2: u32, rd: u32, rs2: u32) -> u16 {
    (0x8c01 | rd << 7 | funct2 << 5 | rs2 << 2) as u16
}

/// CI format with a 6-bit immediate split as `imm[5] | rd | imm[4:0]`.
fn ci(funct3: u32, op: u32, rd: Reg, imm: i32) -> u16 {
    (funct3 << 13 | bits(imm, 5, 5, 12) | rd.field() << 7 | bits(imm, 4, 0, 2) | op) as u16
}

/// `c.srli`/`c.srai`/`c.andi` (CB format with a 6-bit immediate) on compact `rd`.
fn cb_alu(funct2: u32, rd: u32, imm: i32) -> u16 {
    (0x8001 | bits(imm, 5, 5, 12) | funct2 << 10 | rd << 7 | bits(imm, 4, 0, 2)) as u16
}

/// The compressed form of `inst`, if one encodes the same operation.
fn compressed(inst: &Inst) -> Option<u16> {
    match *inst {
        Inst::Op { op, rd, rs1, rs2 } => compressed_op(op, rd, rs1, rs2),
        Inst::OpImm { op, rd, rs1, imm } => compressed_imm(op, rd, rs1, imm),
        Inst::Lui { rd, imm20 } => {
            // c.lui: rd not x0 or sp, a nonzero 6-bit signed value of the upper bits.
            let v = ((imm20 << 12) as i32) >> 12;
            (rd.0 != 0 && rd != Reg::SP && v != 0 && fits_signed(v, 6)).then(|| ci(3, 1, rd, v))
        }
        Inst::Auipc { .. } | Inst::Ebreak => matches!(inst, Inst::Ebreak).then_some(0x9002),
        Inst::Load {
            op: LoadOp::Lw,
            rd,
            rs1,
            offset,
        } => {
            if rs1 == Reg::SP && rd.0 != 0 && (0..256).contains(&offset) && offset % 4 == 0 {
                // c.lwsp: uimm[5] | rd | uimm[4:2|7:6].
                let o = offset;
                return Some(
                    (0x4002
                        | bits(o, 5, 5, 12)
                        | rd.field() << 7
                        | bits(o, 4, 2, 4)
                        | bits(o, 7, 6, 2)) as u16,
                );
            }
            let (rd, rs1) = (rd.compact()?, rs1.compact()?);
            ((0..128).contains(&offset) && offset % 4 == 0).then(|| {
                (0x4000
                    | bits(offset, 5, 3, 10)
                    | rs1 << 7
                    | bits(offset, 2, 2, 6)
                    | bits(offset, 6, 6, 5)
                    | rd << 2) as u16
            })
        }
        Inst::Store {
            op: StoreOp::Sw,
            rs2,
            rs1,
            offset,
        } => {
            if rs1 == Reg::SP && (0..256).contains(&offset) && offset % 4 == 0 {
                // c.swsp: uimm[5:2|7:6] | rs2.
                return Some(
                    (0xc002 | bits(offset, 5, 2, 9) | bits(offset, 7, 6, 7) | rs2.field() << 2)
                        as u16,
                );
            }
            let (rs2, rs1) = (rs2.compact()?, rs1.compact()?);
            ((0..128).contains(&offset) && offset % 4 == 0).then(|| {
                (0xc000
                    | bits(offset, 5, 3, 10)
                    | rs1 << 7
                    | bits(offset, 2, 2, 6)
                    | bits(offset, 6, 6, 5)
                    | rs2 << 2) as u16
            })
        }
        Inst::Load { .. } | Inst::Store { .. } => None,
        Inst::Branch {
            cond,
            rs1,
            rs2,
            offset,
        } => {
            // c.beqz / c.bnez: rs1 compact against zero, ±256 bytes.
            let funct3 = match cond {
                Cond::Eq => 6,
                Cond::Ne => 7,
                _ => return None,
            };
            if rs2 != Reg::ZERO || !fits_signed(offset, 9) || offset & 1 != 0 {
                return None;
            }
            let rs1 = rs1.compact()?;
            Some(
                (funct3 << 13
                    | bits(offset, 8, 8, 12)
                    | bits(offset, 4, 3, 10)
                    | rs1 << 7
                    | bits(offset, 7, 6, 5)
                    | bits(offset, 2, 1, 3)
                    | bits(offset, 5, 5, 2)
                    | 1) as u16,
            )
        }
        Inst::Jal { rd, offset } => {
            // c.j (rd x0) / c.jal (rd ra, RV32 only): ±2 KiB.
            let funct3 = match rd.0 {
                0 => 5,
                1 => 1,
                _ => return None,
            };
            (fits_signed(offset, 12) && offset & 1 == 0).then(|| {
                (funct3 << 13
                    | bits(offset, 11, 11, 12)
                    | bits(offset, 4, 4, 11)
                    | bits(offset, 9, 8, 9)
                    | bits(offset, 10, 10, 8)
                    | bits(offset, 6, 6, 7)
                    | bits(offset, 7, 7, 6)
                    | bits(offset, 3, 1, 3)
                    | bits(offset, 5, 5, 2)
                    | 1) as u16
            })
        }
        Inst::Jalr { rd, rs1, offset } => {
            // c.jr / c.jalr: no offset, rs1 not x0.
            if offset != 0 || rs1.0 == 0 {
                return None;
            }
            match rd.0 {
                0 => Some(cr(8, rs1, Reg::ZERO)),
                1 => Some(cr(9, rs1, Reg::ZERO)),
                _ => None,
            }
        }
    }
}

fn compressed_op(op: AluOp, rd: Reg, rs1: Reg, rs2: Reg) -> Option<u16> {
    match op {
        AluOp::Add if rd.0 != 0 => {
            // c.mv takes `x0 + rs` either way round; c.add either operand order.
            if rs1.0 == 0 && rs2.0 != 0 {
                Some(cr(8, rd, rs2))
            } else if rs2.0 == 0 && rs1.0 != 0 {
                Some(cr(8, rd, rs1))
            } else if rs1 == rd && rs2.0 != 0 {
                Some(cr(9, rd, rs2))
            } else if rs2 == rd && rs1.0 != 0 {
                Some(cr(9, rd, rs1))
            } else {
                None
            }
        }
        AluOp::Sub | AluOp::Xor | AluOp::Or | AluOp::And => {
            let funct2 = match op {
                AluOp::Sub => 0,
                AluOp::Xor => 1,
                AluOp::Or => 2,
                _ => 3,
            };
            if !all_compact(&[rd, rs1, rs2]) {
                return None;
            }
            let other = if rs1 == rd {
                rs2
            } else if rs2 == rd && op != AluOp::Sub {
                rs1
            } else {
                return None;
            };
            Some(ca(funct2, rd.compact()?, other.compact()?))
        }
        _ => None,
    }
}

fn compressed_imm(op: ImmOp, rd: Reg, rs1: Reg, imm: i32) -> Option<u16> {
    match op {
        ImmOp::Addi => {
            if rd.0 != 0 && rs1.0 == 0 && fits_signed(imm, 6) {
                return Some(ci(2, 1, rd, imm)); // c.li
            }
            if rd.0 != 0 && rs1.0 != 0 && imm == 0 {
                return Some(cr(8, rd, rs1)); // c.mv
            }
            if rd == rs1 && rd.0 != 0 && imm != 0 && fits_signed(imm, 6) {
                return Some(ci(0, 1, rd, imm)); // c.addi
            }
            if rd == Reg::SP && rs1 == Reg::SP && imm != 0 && imm % 16 == 0 && fits_signed(imm, 10)
            {
                // c.addi16sp: nzimm[9] | 2 | nzimm[4|6|8:7|5].
                return Some(
                    (0x6101
                        | bits(imm, 9, 9, 12)
                        | bits(imm, 4, 4, 6)
                        | bits(imm, 6, 6, 5)
                        | bits(imm, 8, 7, 3)
                        | bits(imm, 5, 5, 2)) as u16,
                );
            }
            if rs1 == Reg::SP && imm > 0 && imm < 1024 && imm % 4 == 0 {
                // c.addi4spn: nzuimm[5:4|9:6|2|3] | rd'.
                let rd = rd.compact()?;
                return Some(
                    (bits(imm, 5, 4, 11)
                        | bits(imm, 9, 6, 7)
                        | bits(imm, 2, 2, 6)
                        | bits(imm, 3, 3, 5)
                        | rd << 2) as u16,
                );
            }
            None
        }
        ImmOp::Andi if rd == rs1 && fits_signed(imm, 6) => Some(cb_alu(2, rd.compact()?, imm)),
        ImmOp::Slli if rd == rs1 && rd.0 != 0 && (1..32).contains(&imm) => Some(ci(0, 2, rd, imm)),
        ImmOp::Srli if rd == rs1 && (1..32).contains(&imm) => Some(cb_alu(0, rd.compact()?, imm)),
        ImmOp::Srai if rd == rs1 && (1..32).contains(&imm) => Some(cb_alu(1, rd.compact()?, imm)),
        _ => None,
    }
}

/// The assembly text of `inst` in its base form, as `llvm-mc` reads it.
pub fn text(inst: &Inst) -> String {
    match *inst {
        Inst::Op { op, rd, rs1, rs2 } => {
            format!(
                "{} {}, {}, {}",
                op.mnemonic(),
                rd.name(),
                rs1.name(),
                rs2.name()
            )
        }
        Inst::OpImm { op, rd, rs1, imm } => {
            format!("{} {}, {}, {imm}", op.mnemonic(), rd.name(), rs1.name())
        }
        Inst::Lui { rd, imm20 } => format!("lui {}, {imm20}", rd.name()),
        Inst::Auipc { rd, imm20 } => format!("auipc {}, {imm20}", rd.name()),
        Inst::Load {
            op,
            rd,
            rs1,
            offset,
        } => format!("{} {}, {offset}({})", op.mnemonic(), rd.name(), rs1.name()),
        Inst::Store {
            op,
            rs2,
            rs1,
            offset,
        } => format!("{} {}, {offset}({})", op.mnemonic(), rs2.name(), rs1.name()),
        Inst::Branch {
            cond,
            rs1,
            rs2,
            offset,
        } => format!(
            "{} {}, {}, {offset}",
            cond.mnemonic(),
            rs1.name(),
            rs2.name()
        ),
        Inst::Jal { rd, offset } => format!("jal {}, {offset}", rd.name()),
        Inst::Jalr { rd, rs1, offset } => {
            format!("jalr {}, {offset}({})", rd.name(), rs1.name())
        }
        Inst::Ebreak => "ebreak".into(),
    }
}
