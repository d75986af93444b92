//! Thumb and Thumb-2 instructions as typed values, and their encodings.
//!
//! - [`encode`] picks the narrowest encoding an architecture has for an instruction, as an
//!   assembler does: ARMv6-M has only the 16-bit forms (and the 32-bit `bl`); ARMv7-M adds the
//!   32-bit Thumb-2 forms.
//! - Flags: outside an IT block (this backend never opens one) a 16-bit data-processing form
//!   always sets the flags and its 32-bit twin sets them only when asked, so `s: true` is what
//!   lets an instruction be narrow; `s: false` forms that have no 16-bit encoding are 32-bit
//!   (or missing on ARMv6-M).
//! - An operand no encoding can hold (an immediate that is not a modified immediate, a
//!   branch out of range, a register a form forbids) is an [`EncodeError`]; instruction
//!   selection answers it with another sequence (`movw`/`movt`, a scratch register, a longer
//!   branch), so the encoder itself never guesses.
//! - Branch offsets are in bytes from the branch's PC value (its address + 4), and
//!   PC-relative loads count from that value rounded down to a word, as the ISA defines them.

use std::fmt;

/// A core register, `r0`..`r15`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg(pub u8);

impl Reg {
    pub const R0: Reg = Reg(0);
    pub const R1: Reg = Reg(1);
    pub const R2: Reg = Reg(2);
    pub const R3: Reg = Reg(3);
    pub const R12: Reg = Reg(12);
    pub const SP: Reg = Reg(13);
    pub const LR: Reg = Reg(14);
    pub const PC: Reg = Reg(15);

    /// `r0`..`r7`, the registers every 16-bit form can name.
    pub fn is_low(self) -> bool {
        self.0 < 8
    }

    /// Neither SP nor PC: what most 32-bit forms accept.
    fn is_general(self) -> bool {
        self.0 < 13 || self == Reg::LR
    }

    fn n(self) -> u16 {
        u16::from(self.0)
    }
}

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reg::SP => write!(f, "sp"),
            Reg::LR => write!(f, "lr"),
            Reg::PC => write!(f, "pc"),
            Reg(n) => write!(f, "r{n}"),
        }
    }
}

/// The architecture an instruction is encoded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// Cortex-M0/M0+: 16-bit Thumb plus `bl`.
    V6M,
    /// Cortex-M3 and up: Thumb-2.
    V7M,
}

/// A condition code, numbered as the ISA encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    Eq = 0,
    Ne = 1,
    /// Unsigned higher or same (carry set).
    Hs = 2,
    /// Unsigned lower (carry clear).
    Lo = 3,
    Mi = 4,
    Pl = 5,
    Vs = 6,
    Vc = 7,
    /// Unsigned higher.
    Hi = 8,
    /// Unsigned lower or same.
    Ls = 9,
    Ge = 10,
    Lt = 11,
    Gt = 12,
    Le = 13,
}

impl Cond {
    pub const ALL: [Cond; 14] = [
        Cond::Eq,
        Cond::Ne,
        Cond::Hs,
        Cond::Lo,
        Cond::Mi,
        Cond::Pl,
        Cond::Vs,
        Cond::Vc,
        Cond::Hi,
        Cond::Ls,
        Cond::Ge,
        Cond::Lt,
        Cond::Gt,
        Cond::Le,
    ];

    /// The condition that holds exactly when this one does not.
    pub fn invert(self) -> Cond {
        Cond::ALL[(self as usize) ^ 1]
    }

    pub fn name(self) -> &'static str {
        [
            "eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le",
        ][self as usize]
    }
}

/// A shift kind, numbered as the ISA encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    Lsl = 0,
    Lsr = 1,
    Asr = 2,
}

/// The second operand of a data-processing instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    Reg(Reg),
    Imm(u32),
}

/// Three-operand arithmetic: `rd = rn op rhs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AluOp {
    Add,
    Sub,
    /// Reverse subtract: `rd = rhs - rn`.
    Rsb,
    And,
    Orr,
    Eor,
    /// `rd = rn & !rhs`.
    Bic,
    /// Shifts: by a register, or by an immediate (then `rn` is the shifted register).
    Lsl,
    Lsr,
    Asr,
    Mul,
    Sdiv,
    Udiv,
}

impl AluOp {
    pub fn name(self) -> &'static str {
        match self {
            AluOp::Add => "add",
            AluOp::Sub => "sub",
            AluOp::Rsb => "rsb",
            AluOp::And => "and",
            AluOp::Orr => "orr",
            AluOp::Eor => "eor",
            AluOp::Bic => "bic",
            AluOp::Lsl => "lsl",
            AluOp::Lsr => "lsr",
            AluOp::Asr => "asr",
            AluOp::Mul => "mul",
            AluOp::Sdiv => "sdiv",
            AluOp::Udiv => "udiv",
        }
    }

    fn commutes(self) -> bool {
        matches!(self, AluOp::And | AluOp::Orr | AluOp::Eor | AluOp::Mul)
    }

    /// The opcode of the 16-bit two-operand form (`op rdn, rm`).
    fn narrow_op(self) -> Option<u16> {
        Some(match self {
            AluOp::And => 0,
            AluOp::Eor => 1,
            AluOp::Lsl => 2,
            AluOp::Lsr => 3,
            AluOp::Asr => 4,
            AluOp::Orr => 12,
            AluOp::Mul => 13,
            AluOp::Bic => 14,
            _ => return None,
        })
    }

    /// The opcode of the 32-bit modified-immediate and shifted-register forms.
    fn wide_op(self) -> Option<u16> {
        Some(match self {
            AluOp::And => 0b0000,
            AluOp::Bic => 0b0001,
            AluOp::Orr => 0b0010,
            AluOp::Eor => 0b0100,
            AluOp::Add => 0b1000,
            AluOp::Sub => 0b1101,
            AluOp::Rsb => 0b1110,
            _ => return None,
        })
    }

    fn shift(self) -> Option<Shift> {
        match self {
            AluOp::Lsl => Some(Shift::Lsl),
            AluOp::Lsr => Some(Shift::Lsr),
            AluOp::Asr => Some(Shift::Asr),
            _ => None,
        }
    }
}

/// Flag-setting comparisons: `cmp` (rn - rhs), `cmn` (rn + rhs), `tst` (rn & rhs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Cmp,
    Cmn,
    Tst,
}

impl CmpOp {
    pub fn name(self) -> &'static str {
        match self {
            CmpOp::Cmp => "cmp",
            CmpOp::Cmn => "cmn",
            CmpOp::Tst => "tst",
        }
    }
}

/// Loads (zero- or sign-extending) and stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemOp {
    Ldr,
    Ldrh,
    Ldrb,
    Ldrsh,
    Ldrsb,
    Str,
    Strh,
    Strb,
}

impl MemOp {
    pub const ALL: [MemOp; 8] = [
        MemOp::Ldr,
        MemOp::Ldrh,
        MemOp::Ldrb,
        MemOp::Ldrsh,
        MemOp::Ldrsb,
        MemOp::Str,
        MemOp::Strh,
        MemOp::Strb,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MemOp::Ldr => "ldr",
            MemOp::Ldrh => "ldrh",
            MemOp::Ldrb => "ldrb",
            MemOp::Ldrsh => "ldrsh",
            MemOp::Ldrsb => "ldrsb",
            MemOp::Str => "str",
            MemOp::Strh => "strh",
            MemOp::Strb => "strb",
        }
    }

    /// Bytes accessed.
    pub fn size(self) -> u32 {
        match self {
            MemOp::Ldr | MemOp::Str => 4,
            MemOp::Ldrh | MemOp::Ldrsh | MemOp::Strh => 2,
            MemOp::Ldrb | MemOp::Ldrsb | MemOp::Strb => 1,
        }
    }

    fn is_load(self) -> bool {
        !matches!(self, MemOp::Str | MemOp::Strh | MemOp::Strb)
    }

    fn signed(self) -> bool {
        matches!(self, MemOp::Ldrsh | MemOp::Ldrsb)
    }

    /// The size field of the 32-bit forms.
    fn size_bits(self) -> u16 {
        match self.size() {
            1 => 0,
            2 => 1,
            _ => 2,
        }
    }

    /// The opcode of the 16-bit register-offset form.
    fn narrow_reg_op(self) -> u16 {
        match self {
            MemOp::Str => 0,
            MemOp::Strh => 1,
            MemOp::Strb => 2,
            MemOp::Ldrsb => 3,
            MemOp::Ldr => 4,
            MemOp::Ldrh => 5,
            MemOp::Ldrb => 6,
            MemOp::Ldrsh => 7,
        }
    }

    /// The first halfword of the 16-bit immediate-offset form, if it has one.
    fn narrow_imm_base(self) -> Option<u16> {
        Some(match self {
            MemOp::Str => 0x6000,
            MemOp::Ldr => 0x6800,
            MemOp::Strb => 0x7000,
            MemOp::Ldrb => 0x7800,
            MemOp::Strh => 0x8000,
            MemOp::Ldrh => 0x8800,
            MemOp::Ldrsh | MemOp::Ldrsb => return None,
        })
    }
}

/// A memory operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addr {
    /// `[rn, #offset]`.
    Imm { rn: Reg, offset: i32 },
    /// `[rn, #offset]!`: the address is written back to `rn` before the access.
    PreIndex { rn: Reg, offset: i32 },
    /// `[rn], #offset`: the access uses `rn`, then `rn` advances.
    PostIndex { rn: Reg, offset: i32 },
    /// `[rn, rm, lsl #shift]`, `shift` 0..=3.
    Reg { rn: Reg, rm: Reg, shift: u8 },
    /// `[pc, #offset]` (a literal-pool load), from the word-aligned PC.
    Literal { offset: i32 },
}

/// A set of registers for `push`/`pop`, as a bit mask (bit n = rn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegList(pub u16);

impl RegList {
    pub fn regs(self) -> impl Iterator<Item = Reg> {
        (0..16u8).filter(move |n| self.0 & (1 << n) != 0).map(Reg)
    }
}

impl fmt::Display for RegList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.regs().map(|r| r.to_string()).collect();
        write!(f, "{{{}}}", names.join(", "))
    }
}

/// One instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inst {
    /// `rd = rn op rhs`, setting the flags when `s`.
    Alu {
        op: AluOp,
        s: bool,
        rd: Reg,
        rn: Reg,
        rhs: Operand,
    },
    /// `rd = rn op (rm << shift)`, `shift` 1 to 31, for the operations with a 32-bit
    /// register form (`add`, `sub`, `rsb`, `and`, `orr`, `eor`, `bic`); ARMv7-M only.
    AluShifted {
        op: AluOp,
        s: bool,
        rd: Reg,
        rn: Reg,
        rm: Reg,
        shift: u8,
    },
    /// `rd = src` (`mov`/`movs`), or `rd = !src` (`mvn`/`mvns`) when `not`.
    Mov {
        not: bool,
        s: bool,
        rd: Reg,
        src: Operand,
    },
    /// `rd = imm` (`movw`), or `rd.hi = imm` keeping the low half (`movt`) when `top`.
    MovWide {
        top: bool,
        rd: Reg,
        imm: u16,
    },
    /// Sets the flags from `rn` and `rhs`.
    Compare {
        op: CmpOp,
        rn: Reg,
        rhs: Operand,
    },
    Mem {
        op: MemOp,
        rt: Reg,
        addr: Addr,
    },
    /// Branch, conditional unless `cond` is `None`.
    B {
        cond: Option<Cond>,
        offset: i32,
    },
    /// Branch with link (a call), `offset` from PC.
    Bl {
        offset: i32,
    },
    /// Branch to a register (`bx`), or call it (`blx`) when `link`.
    Bx {
        link: bool,
        rm: Reg,
    },
    /// Compare with zero and branch forward: `cbz`, or `cbnz` when `nonzero`.
    Cbz {
        nonzero: bool,
        rn: Reg,
        offset: i32,
    },
    Push(RegList),
    Pop(RegList),
    Nop,
}

/// The bytes of one instruction: one halfword or two, stored little-endian, first halfword first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Narrow(u16),
    Wide(u16, u16),
}

impl Encoding {
    /// Bytes: 2 or 4.
    pub fn size(self) -> usize {
        match self {
            Encoding::Narrow(_) => 2,
            Encoding::Wide(..) => 4,
        }
    }

    pub fn bytes(self) -> Vec<u8> {
        match self {
            Encoding::Narrow(h) => h.to_le_bytes().to_vec(),
            Encoding::Wide(h1, h2) => [h1.to_le_bytes(), h2.to_le_bytes()].concat(),
        }
    }

    pub fn is_wide(self) -> bool {
        matches!(self, Encoding::Wide(..))
    }
}

/// Why an instruction has no encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodeError {
    /// No form of the instruction takes these registers or this architecture lacks it.
    NoForm(Inst, Arch),
    /// The immediate (or offset) has no encoding in any form.
    ImmOutOfRange(Inst),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::NoForm(inst, arch) => write!(f, "no {arch:?} encoding of {inst:?}"),
            EncodeError::ImmOutOfRange(inst) => write!(f, "immediate out of range in {inst:?}"),
        }
    }
}

/// The 12-bit "modified immediate" field that expands to `value`, if any (`ThumbExpandImm`).
pub fn modified_imm(value: u32) -> Option<u16> {
    let [b0, b1, b2, b3] = value.to_le_bytes();
    if value <= 0xff {
        return Some(value as u16);
    }
    if b1 == 0 && b3 == 0 && b0 == b2 {
        return Some(0x100 | u16::from(b0));
    }
    if b0 == 0 && b2 == 0 && b1 == b3 {
        return Some(0x200 | u16::from(b1));
    }
    if b0 == b1 && b1 == b2 && b2 == b3 {
        return Some(0x300 | u16::from(b0));
    }
    // An 8-bit value with its top bit set, rotated right by 8..=31.
    (8..32u32).find_map(|rot| {
        let unrotated = value.rotate_left(rot);
        (unrotated <= 0xff && unrotated & 0x80 != 0)
            .then_some(((rot as u16) << 7) | (unrotated as u16 & 0x7f))
    })
}

/// Spreads a 12-bit field `i:imm3:imm8` over a 32-bit data-processing encoding.
fn wide_imm12(hw1: u16, hw2: u16, imm12: u16) -> Encoding {
    Encoding::Wide(
        hw1 | ((imm12 >> 11) << 10),
        hw2 | (((imm12 >> 8) & 7) << 12) | (imm12 & 0xff),
    )
}

fn fits_signed(value: i32, bits: u32) -> bool {
    let half = 1i64 << (bits - 1);
    (-half..half).contains(&i64::from(value))
}

/// The encoding of `inst` on `arch`, the narrowest there is.
pub fn encode(inst: &Inst, arch: Arch) -> Result<Encoding, EncodeError> {
    let no_form = || EncodeError::NoForm(*inst, arch);
    let out_of_range = || EncodeError::ImmOutOfRange(*inst);
    let v7 = arch == Arch::V7M;
    let narrow = encode_narrow(inst);
    if let Some(enc) = narrow {
        return Ok(enc);
    }
    if let Inst::Bl { offset } = *inst {
        return branch24(offset, 0xD000).ok_or_else(out_of_range);
    }
    if !v7 {
        return Err(narrow_error(inst, arch));
    }
    encode_wide(inst).ok_or_else(no_form)?
}

/// Why an instruction with no 16-bit form fails on ARMv6-M: an immediate too large for
/// the form that exists, or no form at all.
fn narrow_error(inst: &Inst, arch: Arch) -> EncodeError {
    let imm_form_exists = match *inst {
        Inst::B { .. } => true,
        Inst::Mov {
            not: false,
            s: true,
            rd,
            src: Operand::Imm(_),
        } => rd.is_low(),
        Inst::Compare {
            op: CmpOp::Cmp,
            rn,
            rhs: Operand::Imm(_),
        } => rn.is_low(),
        Inst::Alu {
            op: AluOp::Add | AluOp::Sub,
            s: true,
            rd,
            rn,
            rhs: Operand::Imm(_),
        } => rd.is_low() && rn.is_low(),
        Inst::Mem {
            addr: Addr::Imm { .. } | Addr::Literal { .. },
            ..
        } => true,
        _ => false,
    };
    if imm_form_exists {
        EncodeError::ImmOutOfRange(*inst)
    } else {
        EncodeError::NoForm(*inst, arch)
    }
}

/// The 16-bit encoding, valid on both architectures, if there is one.
fn encode_narrow(inst: &Inst) -> Option<Encoding> {
    let low = |regs: &[Reg]| regs.iter().all(|r| r.is_low());
    let h = match *inst {
        Inst::Alu { op, s, rd, rn, rhs } => return narrow_alu(op, s, rd, rn, rhs),
        Inst::Mov {
            not: false,
            s: true,
            rd,
            src: Operand::Imm(imm),
        } if rd.is_low() && imm <= 0xff => 0x2000 | (rd.n() << 8) | imm as u16,
        Inst::Mov {
            not: false,
            s: true,
            rd,
            src: Operand::Reg(rm),
        } if low(&[rd, rm]) => (rm.n() << 3) | rd.n(),
        Inst::Mov {
            not: false,
            s: false,
            rd,
            src: Operand::Reg(rm),
        } if rd != Reg::PC => 0x4600 | ((rd.n() & 8) << 4) | (rm.n() << 3) | (rd.n() & 7),
        Inst::Mov {
            not: true,
            s: true,
            rd,
            src: Operand::Reg(rm),
        } if low(&[rd, rm]) => 0x43C0 | (rm.n() << 3) | rd.n(),
        Inst::Compare { op, rn, rhs } => match (op, rhs) {
            (CmpOp::Cmp, Operand::Imm(imm)) if rn.is_low() && imm <= 0xff => {
                0x2800 | (rn.n() << 8) | imm as u16
            }
            (_, Operand::Reg(rm)) if low(&[rn, rm]) => {
                let code = match op {
                    CmpOp::Tst => 8,
                    CmpOp::Cmp => 10,
                    CmpOp::Cmn => 11,
                };
                0x4000 | (code << 6) | (rm.n() << 3) | rn.n()
            }
            (CmpOp::Cmp, Operand::Reg(rm)) if rn != Reg::PC && rm != Reg::PC => {
                0x4500 | ((rn.n() & 8) << 4) | (rm.n() << 3) | (rn.n() & 7)
            }
            _ => return None,
        },
        Inst::Mem { op, rt, addr } => return narrow_mem(op, rt, addr),
        Inst::B {
            cond: Some(cond),
            offset,
        } if offset % 2 == 0 && fits_signed(offset, 9) => {
            0xD000 | ((cond as u16) << 8) | ((offset >> 1) as u16 & 0xff)
        }
        Inst::B { cond: None, offset } if offset % 2 == 0 && fits_signed(offset, 12) => {
            0xE000 | ((offset >> 1) as u16 & 0x7ff)
        }
        Inst::Bx { link, rm } if rm != Reg::PC => 0x4700 | (u16::from(link) << 7) | (rm.n() << 3),
        Inst::Push(list) if list.0 & !0x40ff == 0 && list.0 != 0 => {
            0xB400 | ((list.0 >> 6) & 0x100) | (list.0 & 0xff)
        }
        Inst::Pop(list) if list.0 & !0x80ff == 0 && list.0 != 0 => {
            0xBC00 | ((list.0 >> 7) & 0x100) | (list.0 & 0xff)
        }
        Inst::Nop => 0xBF00,
        _ => return None,
    };
    Some(Encoding::Narrow(h))
}

fn narrow_alu(op: AluOp, s: bool, rd: Reg, rn: Reg, rhs: Operand) -> Option<Encoding> {
    let low = rd.is_low() && rn.is_low();
    let h = match (op, rhs) {
        // The stack-pointer forms set no flags.
        (AluOp::Add | AluOp::Sub, Operand::Imm(imm))
            if !s && rd == Reg::SP && rn == Reg::SP && imm % 4 == 0 && imm <= 508 =>
        {
            let sub = u16::from(op == AluOp::Sub) << 7;
            0xB000 | sub | (imm / 4) as u16
        }
        (AluOp::Add, Operand::Imm(imm))
            if !s && rd.is_low() && rn == Reg::SP && imm % 4 == 0 && imm <= 1020 =>
        {
            0xA800 | (rd.n() << 8) | (imm / 4) as u16
        }
        (AluOp::Add, Operand::Reg(rm)) if !s && (rd == rn || rd == rm) => {
            let other = if rd == rn { rm } else { rn };
            if rd == Reg::PC || other == Reg::PC || (rd == Reg::SP) != (other == Reg::SP) {
                return None;
            }
            0x4400 | ((rd.n() & 8) << 4) | (other.n() << 3) | (rd.n() & 7)
        }
        _ if !s || !low => return None,
        (AluOp::Add | AluOp::Sub, Operand::Imm(imm)) => {
            let sub = u16::from(op == AluOp::Sub);
            if imm < 8 {
                0x1C00 | (sub << 9) | ((imm as u16) << 6) | (rn.n() << 3) | rd.n()
            } else if imm <= 0xff && rd == rn {
                0x3000 | (sub << 11) | (rd.n() << 8) | imm as u16
            } else {
                return None;
            }
        }
        (AluOp::Add | AluOp::Sub, Operand::Reg(rm)) if rm.is_low() => {
            let sub = u16::from(op == AluOp::Sub);
            0x1800 | (sub << 9) | (rm.n() << 6) | (rn.n() << 3) | rd.n()
        }
        (AluOp::Rsb, Operand::Imm(0)) => 0x4240 | (rn.n() << 3) | rd.n(),
        (AluOp::Lsl | AluOp::Lsr | AluOp::Asr, Operand::Imm(amount)) => {
            let (code, ok) = match op {
                AluOp::Lsl => (0, amount < 32),
                AluOp::Lsr => (1, (1..=32).contains(&amount)),
                _ => (2, (1..=32).contains(&amount)),
            };
            if !ok {
                return None;
            }
            (code << 11) | (((amount & 31) as u16) << 6) | (rn.n() << 3) | rd.n()
        }
        (_, Operand::Reg(rm)) if rm.is_low() => {
            let code = op.narrow_op()?;
            // `muls` names its destination last (`muls rd, rn, rd`); the rest first.
            let other = if op == AluOp::Mul {
                if rd == rm {
                    rn
                } else if rd == rn {
                    rm
                } else {
                    return None;
                }
            } else if rd == rn {
                rm
            } else if rd == rm && op.commutes() {
                rn
            } else {
                return None;
            };
            0x4000 | (code << 6) | (other.n() << 3) | rd.n()
        }
        _ => return None,
    };
    Some(Encoding::Narrow(h))
}

fn narrow_mem(op: MemOp, rt: Reg, addr: Addr) -> Option<Encoding> {
    if !rt.is_low() {
        return None;
    }
    let size = op.size() as i32;
    let h = match addr {
        Addr::Reg { rn, rm, shift: 0 } if rn.is_low() && rm.is_low() => {
            0x5000 | (op.narrow_reg_op() << 9) | (rm.n() << 6) | (rn.n() << 3) | rt.n()
        }
        Addr::Imm { rn, offset }
            if rn.is_low() && offset >= 0 && offset % size == 0 && offset / size < 32 =>
        {
            op.narrow_imm_base()? | (((offset / size) as u16) << 6) | (rn.n() << 3) | rt.n()
        }
        Addr::Imm {
            rn: Reg::SP,
            offset,
        } if matches!(op, MemOp::Ldr | MemOp::Str) && (0..=1020).contains(&offset) => {
            if offset % 4 != 0 {
                return None;
            }
            let load = u16::from(op == MemOp::Ldr) << 11;
            0x9000 | load | (rt.n() << 8) | (offset / 4) as u16
        }
        Addr::Literal { offset } if op == MemOp::Ldr && (0..=1020).contains(&offset) => {
            if offset % 4 != 0 {
                return None;
            }
            0x4800 | (rt.n() << 8) | (offset / 4) as u16
        }
        _ => return None,
    };
    Some(Encoding::Narrow(h))
}

/// The 32-bit encoding (ARMv7-M), `None` when no form takes these registers, an error when
/// one does but not this immediate.
fn encode_wide(inst: &Inst) -> Option<Result<Encoding, EncodeError>> {
    let out_of_range = || Some(Err(EncodeError::ImmOutOfRange(*inst)));
    let s_bit = |s: bool| u16::from(s) << 4;
    let enc = match *inst {
        Inst::Alu { op, s, rd, rn, rhs } => {
            let sp_ok = matches!(op, AluOp::Add | AluOp::Sub) && rn == Reg::SP;
            if !(rn.is_general() || sp_ok) || !(rd.is_general() || (sp_ok && rd == Reg::SP)) {
                return None;
            }
            match rhs {
                Operand::Reg(rm) if !rm.is_general() => return None,
                Operand::Reg(rm) => match op {
                    AluOp::Mul | AluOp::Sdiv | AluOp::Udiv if s => return None,
                    AluOp::Mul => Encoding::Wide(0xFB00 | rn.n(), 0xF000 | (rd.n() << 8) | rm.n()),
                    AluOp::Sdiv | AluOp::Udiv => {
                        let u = u16::from(op == AluOp::Udiv) << 5;
                        Encoding::Wide(0xFB90 | u | rn.n(), 0xF0F0 | (rd.n() << 8) | rm.n())
                    }
                    AluOp::Lsl | AluOp::Lsr | AluOp::Asr => {
                        let kind = op.shift()? as u16;
                        Encoding::Wide(
                            0xFA00 | (kind << 5) | s_bit(s) | rn.n(),
                            0xF000 | (rd.n() << 8) | rm.n(),
                        )
                    }
                    _ => Encoding::Wide(
                        0xEA00 | (op.wide_op()? << 5) | s_bit(s) | rn.n(),
                        (rd.n() << 8) | rm.n(),
                    ),
                },
                Operand::Imm(imm) => match op {
                    AluOp::Mul | AluOp::Sdiv | AluOp::Udiv => return None,
                    AluOp::Lsl | AluOp::Lsr | AluOp::Asr => {
                        let ok = match op {
                            AluOp::Lsl => imm < 32,
                            _ => (1..=32).contains(&imm),
                        };
                        if !ok {
                            return out_of_range();
                        }
                        let kind = op.shift()? as u16;
                        let amount = (imm & 31) as u16;
                        Encoding::Wide(
                            0xEA4F | s_bit(s),
                            ((amount >> 2) << 12)
                                | (rd.n() << 8)
                                | ((amount & 3) << 6)
                                | (kind << 4)
                                | rn.n(),
                        )
                    }
                    _ => {
                        if let Some(imm12) = modified_imm(imm) {
                            let hw1 = 0xF000 | (op.wide_op()? << 5) | s_bit(s) | rn.n();
                            wide_imm12(hw1, rd.n() << 8, imm12)
                        } else if !s && matches!(op, AluOp::Add | AluOp::Sub) && imm < 4096 {
                            // `addw`/`subw`: a plain 12-bit immediate.
                            let hw1 = if op == AluOp::Add { 0xF200 } else { 0xF2A0 };
                            wide_imm12(hw1 | rn.n(), rd.n() << 8, imm as u16)
                        } else {
                            return out_of_range();
                        }
                    }
                },
            }
        }
        Inst::Mov { not, s, rd, src } => {
            if !rd.is_general() {
                return None;
            }
            let op = if not { 0b0011 } else { 0b0010 };
            match src {
                Operand::Reg(rm) if rm.is_general() => {
                    Encoding::Wide(0xEA0F | (op << 5) | s_bit(s), (rd.n() << 8) | rm.n())
                }
                Operand::Reg(_) => return None,
                Operand::Imm(imm) => match modified_imm(imm) {
                    Some(imm12) => wide_imm12(0xF00F | (op << 5) | s_bit(s), rd.n() << 8, imm12),
                    None => return out_of_range(),
                },
            }
        }
        Inst::MovWide { top, rd, imm } => {
            if !rd.is_general() {
                return None;
            }
            let hw1 = if top { 0xF2C0 } else { 0xF240 } | (imm >> 12);
            wide_imm12(hw1, rd.n() << 8, imm & 0xfff)
        }
        Inst::Compare { op, rn, rhs } => {
            if !rn.is_general() {
                return None;
            }
            let code: u16 = match op {
                CmpOp::Tst => 0b0000,
                CmpOp::Cmn => 0b1000,
                CmpOp::Cmp => 0b1101,
            };
            match rhs {
                Operand::Reg(rm) if rm.is_general() => {
                    Encoding::Wide(0xEA10 | (code << 5) | rn.n(), 0x0F00 | rm.n())
                }
                Operand::Reg(_) => return None,
                Operand::Imm(imm) => match modified_imm(imm) {
                    Some(imm12) => wide_imm12(0xF010 | (code << 5) | rn.n(), 0x0F00, imm12),
                    None => return out_of_range(),
                },
            }
        }
        Inst::Mem { op, rt, addr } => return wide_mem(inst, op, rt, addr),
        Inst::B { cond, offset } => {
            let enc = match cond {
                Some(cond) => branch20(offset, cond),
                None => branch24(offset, 0x9000),
            };
            return Some(enc.ok_or(EncodeError::ImmOutOfRange(*inst)));
        }
        Inst::Cbz {
            nonzero,
            rn,
            offset,
        } => {
            if !rn.is_low() {
                return None;
            }
            if !(0..=126).contains(&offset) || offset % 2 != 0 {
                return out_of_range();
            }
            let imm = (offset >> 1) as u16;
            Encoding::Narrow(
                0xB100
                    | (u16::from(nonzero) << 11)
                    | ((imm >> 5) << 9)
                    | ((imm & 31) << 3)
                    | rn.n(),
            )
        }
        Inst::Push(list) => {
            if list.0 & 0xA000 != 0 || list.0 == 0 {
                return None;
            }
            match single(list) {
                Some(rt) => Encoding::Wide(0xF84D, (rt.n() << 12) | 0x0D04),
                None => Encoding::Wide(0xE92D, list.0),
            }
        }
        Inst::Pop(list) => {
            if list.0 & 0x2000 != 0 || list.0 & 0xC000 == 0xC000 || list.0 == 0 {
                return None;
            }
            match single(list) {
                Some(rt) => Encoding::Wide(0xF85D, (rt.n() << 12) | 0x0B04),
                None => Encoding::Wide(0xE8BD, list.0),
            }
        }
        Inst::AluShifted {
            op,
            s,
            rd,
            rn,
            rm,
            shift,
        } => {
            if ![rd, rn, rm].iter().all(|r| r.is_general()) {
                return None;
            }
            if !(1..32).contains(&shift) {
                return out_of_range();
            }
            let shift = u16::from(shift);
            Encoding::Wide(
                0xEA00 | (op.wide_op()? << 5) | s_bit(s) | rn.n(),
                ((shift >> 2) << 12) | (rd.n() << 8) | ((shift & 3) << 6) | rm.n(),
            )
        }
        Inst::Bl { .. } | Inst::Bx { .. } | Inst::Nop => return None,
    };
    Some(Ok(enc))
}

fn single(list: RegList) -> Option<Reg> {
    (list.0.count_ones() == 1).then(|| Reg(list.0.trailing_zeros() as u8))
}

fn wide_mem(inst: &Inst, op: MemOp, rt: Reg, addr: Addr) -> Option<Result<Encoding, EncodeError>> {
    let out_of_range = || Some(Err(EncodeError::ImmOutOfRange(*inst)));
    if !rt.is_general() {
        return None;
    }
    let base = |rn: Reg| {
        0xF800
            | (u16::from(op.signed()) << 8)
            | (op.size_bits() << 5)
            | (u16::from(op.is_load()) << 4)
            | rn.n()
    };
    // The 8-bit-offset form: P (index first), U (add), W (write back).
    let imm8 = |rn: Reg, offset: i32, p: bool, w: bool| {
        let u = offset >= 0;
        let magnitude = offset.unsigned_abs() as u16;
        let puw = (u16::from(p) << 2) | (u16::from(u) << 1) | u16::from(w);
        Encoding::Wide(base(rn), (rt.n() << 12) | 0x800 | (puw << 8) | magnitude)
    };
    let enc = match addr {
        Addr::Imm { rn, offset } => {
            if rn == Reg::PC {
                return None;
            }
            if (0..4096).contains(&offset) {
                Encoding::Wide(base(rn) | 0x80, (rt.n() << 12) | offset as u16)
            } else if (-255..0).contains(&offset) {
                imm8(rn, offset, true, false)
            } else {
                return out_of_range();
            }
        }
        Addr::PreIndex { rn, offset } | Addr::PostIndex { rn, offset } => {
            if rn == Reg::PC || rn == rt {
                return None;
            }
            if !(-255..=255).contains(&offset) {
                return out_of_range();
            }
            imm8(rn, offset, matches!(addr, Addr::PreIndex { .. }), true)
        }
        Addr::Reg { rn, rm, shift } => {
            if rn == Reg::PC || !rm.is_general() {
                return None;
            }
            if shift > 3 {
                return out_of_range();
            }
            Encoding::Wide(base(rn), (rt.n() << 12) | (u16::from(shift) << 4) | rm.n())
        }
        Addr::Literal { offset } => {
            if !op.is_load() {
                return None;
            }
            if !(-4095..4096).contains(&offset) {
                return out_of_range();
            }
            let u = u16::from(offset >= 0) << 7;
            Encoding::Wide(
                (base(Reg::PC) & !0x80) | u,
                (rt.n() << 12) | offset.unsigned_abs() as u16,
            )
        }
    };
    Some(Ok(enc))
}

/// `b<c>.w`: a 21-bit signed offset (±1 MiB).
fn branch20(offset: i32, cond: Cond) -> Option<Encoding> {
    if offset % 2 != 0 || !fits_signed(offset, 21) {
        return None;
    }
    let v = (offset >> 1) as u32;
    let bit = |n: u32| ((v >> n) & 1) as u16;
    Some(Encoding::Wide(
        0xF000 | (bit(19) << 10) | ((cond as u16) << 6) | ((v >> 11) & 0x3f) as u16,
        0x8000 | (bit(17) << 13) | (bit(18) << 11) | (v & 0x7ff) as u16,
    ))
}

/// `b.w` (`hw2_base` 0x9000) and `bl` (0xD000): a 25-bit signed offset (±16 MiB).
fn branch24(offset: i32, hw2_base: u16) -> Option<Encoding> {
    if offset % 2 != 0 || !fits_signed(offset, 25) {
        return None;
    }
    let v = (offset >> 1) as u32;
    let bit = |n: u32| ((v >> n) & 1) as u16;
    let s = bit(23);
    // J1 = NOT(I1) XOR S, J2 = NOT(I2) XOR S.
    let j1 = (bit(22) ^ 1) ^ s;
    let j2 = (bit(21) ^ 1) ^ s;
    Some(Encoding::Wide(
        0xF000 | (s << 10) | ((v >> 11) & 0x3ff) as u16,
        hw2_base | (j1 << 13) | (j2 << 11) | (v & 0x7ff) as u16,
    ))
}
