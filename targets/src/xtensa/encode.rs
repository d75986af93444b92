//! Xtensa instructions as typed values, and their encodings.
//!
//! - Each variant is one machine instruction: the 16-bit forms of the code density option
//!   (`add.n`, `l32i.n`, ...) are variants of their own, so the encoder never picks a width;
//!   the layout pass decides, as `.begin no-transform` makes GNU `as` do.
//! - Register fields keep the names the ISA reference gives their operands (`r`, `s`, `t`),
//!   so each variant reads against the reference's operand list (`add ar, as, at`).
//! - PC-relative operands (`target`) are byte offsets from the instruction's own address to
//!   its target. [`encode`] takes that address, because `call0`/`call8` and `l32r` count from
//!   it rounded to a word: whether an offset is encodable depends on where the instruction is.
//! - An operand no encoding holds (a branch out of reach, an immediate off its table, a
//!   misaligned target) is an [`EncodeError`]; the backend answers it with another sequence
//!   (an inverted branch over a `j`, a literal), so the encoder itself never guesses.
//! - Encodings are little-endian (the `lx106` of the ESP8266 and the `esp32`/`dc233c` cores).

use std::fmt;

/// An address register, `a0`..`a15` (in the windowed ABI, of the current window).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg(pub u8);

impl Reg {
    /// The return address (call0 ABI) or return address and window increment (windowed).
    pub const A0: Reg = Reg(0);
    /// The stack pointer in both ABIs.
    pub const SP: Reg = Reg(1);
}

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a{}", self.0)
    }
}

/// `ar = as op at`: the three-register arithmetic and logic forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AluOp {
    Add,
    Addx2,
    Addx4,
    Addx8,
    Sub,
    Subx2,
    Subx4,
    Subx8,
    And,
    Or,
    Xor,
    /// The 32-bit multiply option (`lx106` and `esp32` have it).
    Mull,
    /// The 32-bit divide option (`esp32` and `dc233c`, not `lx106`).
    Quou,
    Quos,
    Remu,
    Rems,
}

impl AluOp {
    pub const ALL: [AluOp; 16] = [
        AluOp::Add,
        AluOp::Addx2,
        AluOp::Addx4,
        AluOp::Addx8,
        AluOp::Sub,
        AluOp::Subx2,
        AluOp::Subx4,
        AluOp::Subx8,
        AluOp::And,
        AluOp::Or,
        AluOp::Xor,
        AluOp::Mull,
        AluOp::Quou,
        AluOp::Quos,
        AluOp::Remu,
        AluOp::Rems,
    ];

    /// The `op1` and `op2` fields (`op0` is 0 for all).
    pub(crate) fn op1_op2(self) -> (u32, u32) {
        match self {
            AluOp::And => (0, 1),
            AluOp::Or => (0, 2),
            AluOp::Xor => (0, 3),
            AluOp::Add => (0, 8),
            AluOp::Addx2 => (0, 9),
            AluOp::Addx4 => (0, 10),
            AluOp::Addx8 => (0, 11),
            AluOp::Sub => (0, 12),
            AluOp::Subx2 => (0, 13),
            AluOp::Subx4 => (0, 14),
            AluOp::Subx8 => (0, 15),
            AluOp::Mull => (2, 8),
            AluOp::Quou => (2, 12),
            AluOp::Quos => (2, 13),
            AluOp::Remu => (2, 14),
            AluOp::Rems => (2, 15),
        }
    }

    pub fn mnemonic(self) -> &'static str {
        match self {
            AluOp::Add => "add",
            AluOp::Addx2 => "addx2",
            AluOp::Addx4 => "addx4",
            AluOp::Addx8 => "addx8",
            AluOp::Sub => "sub",
            AluOp::Subx2 => "subx2",
            AluOp::Subx4 => "subx4",
            AluOp::Subx8 => "subx8",
            AluOp::And => "and",
            AluOp::Or => "or",
            AluOp::Xor => "xor",
            AluOp::Mull => "mull",
            AluOp::Quou => "quou",
            AluOp::Quos => "quos",
            AluOp::Remu => "remu",
            AluOp::Rems => "rems",
        }
    }
}

/// Loads and stores of the `LSAI` group: `l32i at, as, offset` and the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemOp {
    L8ui,
    L16ui,
    L16si,
    L32i,
    S8i,
    S16i,
    S32i,
}

impl MemOp {
    pub const ALL: [MemOp; 7] = [
        MemOp::L8ui,
        MemOp::L16ui,
        MemOp::L16si,
        MemOp::L32i,
        MemOp::S8i,
        MemOp::S16i,
        MemOp::S32i,
    ];

    /// The `r` field that names the operation.
    pub(crate) fn code(self) -> u32 {
        match self {
            MemOp::L8ui => 0,
            MemOp::L16ui => 1,
            MemOp::L32i => 2,
            MemOp::S8i => 4,
            MemOp::S16i => 5,
            MemOp::S32i => 6,
            MemOp::L16si => 9,
        }
    }

    /// log2 of the access size: the offset's scale.
    pub fn scale(self) -> u32 {
        match self {
            MemOp::L8ui | MemOp::S8i => 0,
            MemOp::L16ui | MemOp::L16si | MemOp::S16i => 1,
            MemOp::L32i | MemOp::S32i => 2,
        }
    }

    pub fn mnemonic(self) -> &'static str {
        match self {
            MemOp::L8ui => "l8ui",
            MemOp::L16ui => "l16ui",
            MemOp::L16si => "l16si",
            MemOp::L32i => "l32i",
            MemOp::S8i => "s8i",
            MemOp::S16i => "s16i",
            MemOp::S32i => "s32i",
        }
    }
}

/// Branches comparing two registers (`beq as, at, target`), and the bit tests `bbc`/`bbs`
/// (`at` holds the bit number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegCond {
    Beq,
    Bne,
    Blt,
    Bge,
    Bltu,
    Bgeu,
    Bany,
    Bnone,
    Ball,
    Bnall,
    Bbc,
    Bbs,
}

impl RegCond {
    pub const ALL: [RegCond; 12] = [
        RegCond::Beq,
        RegCond::Bne,
        RegCond::Blt,
        RegCond::Bge,
        RegCond::Bltu,
        RegCond::Bgeu,
        RegCond::Bany,
        RegCond::Bnone,
        RegCond::Ball,
        RegCond::Bnall,
        RegCond::Bbc,
        RegCond::Bbs,
    ];

    /// The `r` field of the `B` group (`op0` 7).
    pub(crate) fn code(self) -> u32 {
        match self {
            RegCond::Bnone => 0,
            RegCond::Beq => 1,
            RegCond::Blt => 2,
            RegCond::Bltu => 3,
            RegCond::Ball => 4,
            RegCond::Bbc => 5,
            RegCond::Bany => 8,
            RegCond::Bne => 9,
            RegCond::Bge => 10,
            RegCond::Bgeu => 11,
            RegCond::Bnall => 12,
            RegCond::Bbs => 13,
        }
    }

    /// The branch taken exactly when this one is not.
    pub fn inverse(self) -> RegCond {
        match self {
            RegCond::Beq => RegCond::Bne,
            RegCond::Bne => RegCond::Beq,
            RegCond::Blt => RegCond::Bge,
            RegCond::Bge => RegCond::Blt,
            RegCond::Bltu => RegCond::Bgeu,
            RegCond::Bgeu => RegCond::Bltu,
            RegCond::Bany => RegCond::Bnone,
            RegCond::Bnone => RegCond::Bany,
            RegCond::Ball => RegCond::Bnall,
            RegCond::Bnall => RegCond::Ball,
            RegCond::Bbc => RegCond::Bbs,
            RegCond::Bbs => RegCond::Bbc,
        }
    }

    pub fn mnemonic(self) -> &'static str {
        match self {
            RegCond::Beq => "beq",
            RegCond::Bne => "bne",
            RegCond::Blt => "blt",
            RegCond::Bge => "bge",
            RegCond::Bltu => "bltu",
            RegCond::Bgeu => "bgeu",
            RegCond::Bany => "bany",
            RegCond::Bnone => "bnone",
            RegCond::Ball => "ball",
            RegCond::Bnall => "bnall",
            RegCond::Bbc => "bbc",
            RegCond::Bbs => "bbs",
        }
    }
}

/// Branches comparing a register with zero (`beqz as, target`), 12-bit offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZeroCond {
    Beqz,
    Bnez,
    Bltz,
    Bgez,
}

impl ZeroCond {
    pub const ALL: [ZeroCond; 4] = [
        ZeroCond::Beqz,
        ZeroCond::Bnez,
        ZeroCond::Bltz,
        ZeroCond::Bgez,
    ];

    pub fn inverse(self) -> ZeroCond {
        match self {
            ZeroCond::Beqz => ZeroCond::Bnez,
            ZeroCond::Bnez => ZeroCond::Beqz,
            ZeroCond::Bltz => ZeroCond::Bgez,
            ZeroCond::Bgez => ZeroCond::Bltz,
        }
    }

    pub fn mnemonic(self) -> &'static str {
        ["beqz", "bnez", "bltz", "bgez"][self as usize]
    }
}

/// Branches comparing a register with a constant of the `b4const` (signed) or `b4constu`
/// (unsigned) table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImmCond {
    Beqi,
    Bnei,
    Blti,
    Bgei,
    Bltui,
    Bgeui,
}

impl ImmCond {
    pub const ALL: [ImmCond; 6] = [
        ImmCond::Beqi,
        ImmCond::Bnei,
        ImmCond::Blti,
        ImmCond::Bgei,
        ImmCond::Bltui,
        ImmCond::Bgeui,
    ];

    /// The constants its 4-bit field can name.
    pub fn table(self) -> &'static [i32; 16] {
        match self {
            ImmCond::Bltui | ImmCond::Bgeui => &B4CONSTU,
            _ => &B4CONST,
        }
    }

    pub fn inverse(self) -> ImmCond {
        match self {
            ImmCond::Beqi => ImmCond::Bnei,
            ImmCond::Bnei => ImmCond::Beqi,
            ImmCond::Blti => ImmCond::Bgei,
            ImmCond::Bgei => ImmCond::Blti,
            ImmCond::Bltui => ImmCond::Bgeui,
            ImmCond::Bgeui => ImmCond::Bltui,
        }
    }

    pub fn mnemonic(self) -> &'static str {
        ["beqi", "bnei", "blti", "bgei", "bltui", "bgeui"][self as usize]
    }
}

/// The signed constants of `beqi`/`bnei`/`blti`/`bgei`, indexed by the `r` field (the ISA
/// reference's `B4CONST` table).
pub const B4CONST: [i32; 16] = [-1, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 32, 64, 128, 256];
/// The unsigned constants of `bltui`/`bgeui` (`B4CONSTU`): the first two differ.
pub const B4CONSTU: [i32; 16] = [
    32768, 65536, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 32, 64, 128, 256,
];

/// One instruction. See the module doc for the field names and `target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inst {
    Alu {
        op: AluOp,
        r: Reg,
        s: Reg,
        t: Reg,
    },
    /// `neg ar, at`
    Neg {
        r: Reg,
        t: Reg,
    },
    /// `sll ar, as`: shift left by `32 - SAR` (set by `ssl`).
    Sll {
        r: Reg,
        s: Reg,
    },
    /// `srl ar, at` / `sra ar, at`: shift right by `SAR` (set by `ssr`).
    Srl {
        r: Reg,
        t: Reg,
    },
    Sra {
        r: Reg,
        t: Reg,
    },
    /// Set `SAR` for a left shift by `as` / a right shift by `as` / to `sa` (0..31).
    Ssl {
        s: Reg,
    },
    Ssr {
        s: Reg,
    },
    Ssai {
        sa: u8,
    },
    /// `slli ar, as, 1..31`
    Slli {
        r: Reg,
        s: Reg,
        sa: u8,
    },
    /// `srli ar, at, 0..15` (no wider immediate exists: use `extui`)
    Srli {
        r: Reg,
        t: Reg,
        sa: u8,
    },
    /// `srai ar, at, 0..31`
    Srai {
        r: Reg,
        t: Reg,
        sa: u8,
    },
    /// `extui ar, at, shift, bits`: `bits` (1..16) bits of `at` from bit `shift` (0..31).
    Extui {
        r: Reg,
        t: Reg,
        shift: u8,
        bits: u8,
    },
    /// `movi at, -2048..2047`
    Movi {
        t: Reg,
        imm: i32,
    },
    /// `addi at, as, -128..127`
    Addi {
        t: Reg,
        s: Reg,
        imm: i32,
    },
    /// `addmi at, as, imm`: `imm` a multiple of 256 in -32768..32512.
    Addmi {
        t: Reg,
        s: Reg,
        imm: i32,
    },
    /// `l32i at, as, offset` and the rest: `offset` in bytes, a multiple of the access size,
    /// at most 255 accesses.
    Mem {
        op: MemOp,
        t: Reg,
        s: Reg,
        offset: u32,
    },
    /// `l32r at, literal`: the literal a word-aligned address below the instruction, within
    /// 256 KiB.
    L32r {
        t: Reg,
        target: i32,
    },
    Branch {
        cond: RegCond,
        s: Reg,
        t: Reg,
        target: i32,
    },
    BranchZ {
        cond: ZeroCond,
        s: Reg,
        target: i32,
    },
    BranchImm {
        cond: ImmCond,
        s: Reg,
        imm: i32,
        target: i32,
    },
    /// `bbci as, bit, target` (`set: false`) / `bbsi`.
    BranchBit {
        set: bool,
        s: Reg,
        bit: u8,
        target: i32,
    },
    J {
        target: i32,
    },
    Jx {
        s: Reg,
    },
    Call0 {
        target: i32,
    },
    Callx0 {
        s: Reg,
    },
    /// `call4`: rotates the window by 4 registers; what an outermost frame (`a0` zero)
    /// uses, as its window then spills without an extra save area.
    Call4 {
        target: i32,
    },
    Callx4 {
        s: Reg,
    },
    Call8 {
        target: i32,
    },
    Callx8 {
        s: Reg,
    },
    Ret,
    Retw,
    /// `entry as, frame`: rotate the window (by the caller's `call8`) and allocate `frame`
    /// bytes (a multiple of 8, below 32 KiB) of stack.
    Entry {
        s: Reg,
        frame: u32,
    },
    /// `movsp at, as`
    Movsp {
        t: Reg,
        s: Reg,
    },
    Nop,
    /// The Linux system call (number in `a2`, arguments in `a6`, `a3`, `a4`, `a5`, ...).
    Syscall,
    /// The 16-bit density forms.
    AddN {
        r: Reg,
        s: Reg,
        t: Reg,
    },
    /// `addi.n ar, as, imm`: `imm` is -1 or 1..15.
    AddiN {
        r: Reg,
        s: Reg,
        imm: i32,
    },
    /// `mov.n at, as`
    MovN {
        t: Reg,
        s: Reg,
    },
    /// `movi.n as, -32..95`
    MoviN {
        s: Reg,
        imm: i32,
    },
    /// `l32i.n at, as, 0..60` / `s32i.n`
    L32iN {
        t: Reg,
        s: Reg,
        offset: u32,
    },
    S32iN {
        t: Reg,
        s: Reg,
        offset: u32,
    },
    /// `beqz.n as, target` / `bnez.n`: forward only, 4..67 bytes.
    BeqzN {
        s: Reg,
        target: i32,
    },
    BnezN {
        s: Reg,
        target: i32,
    },
    RetN,
    RetwN,
    NopN,
}

/// The configuration options an instruction needs beyond the core ISA (the ones that tell
/// the ESP8266's `lx106` apart from the windowed cores).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsaOption {
    Windowed,
    Div32,
}

impl Inst {
    /// Its size in bytes: 2 for the density forms, 3 for the others (known before its
    /// operands are, which is what layout needs).
    pub fn size(&self) -> usize {
        use Inst::*;
        match self {
            AddN { .. }
            | AddiN { .. }
            | MovN { .. }
            | MoviN { .. }
            | L32iN { .. }
            | S32iN { .. }
            | BeqzN { .. }
            | BnezN { .. }
            | RetN
            | RetwN
            | NopN => 2,
            _ => 3,
        }
    }

    /// The option this instruction needs, if any (`lx106` has neither).
    pub fn option(&self) -> Option<IsaOption> {
        match self {
            Inst::Alu {
                op: AluOp::Quou | AluOp::Quos | AluOp::Remu | AluOp::Rems,
                ..
            } => Some(IsaOption::Div32),
            Inst::Call4 { .. }
            | Inst::Callx4 { .. }
            | Inst::Call8 { .. }
            | Inst::Callx8 { .. }
            | Inst::Retw
            | Inst::RetwN
            | Inst::Entry { .. }
            | Inst::Movsp { .. } => Some(IsaOption::Windowed),
            _ => None,
        }
    }
}

/// An instruction's bits: a 16-bit density form or a 24-bit form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Narrow(u16),
    Wide(u32),
}

impl Encoding {
    pub fn len(self) -> usize {
        match self {
            Encoding::Narrow(_) => 2,
            Encoding::Wide(_) => 3,
        }
    }

    /// Never empty; here for clippy's `len_without_is_empty`.
    pub fn is_empty(self) -> bool {
        false
    }

    /// The bytes in memory order (little-endian).
    pub fn bytes(self) -> Vec<u8> {
        match self {
            Encoding::Narrow(h) => h.to_le_bytes().to_vec(),
            Encoding::Wide(w) => w.to_le_bytes()[..3].to_vec(),
        }
    }
}

/// Why an instruction has no encoding, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError(pub String);

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn fail<T>(what: String) -> Result<T, EncodeError> {
    Err(EncodeError(what))
}

fn reg(r: Reg) -> Result<u32, EncodeError> {
    if r.0 < 16 {
        Ok(u32::from(r.0))
    } else {
        fail(format!("no register a{}", r.0))
    }
}

/// Checks `v` lies in `lo..=hi`.
fn range(what: &str, v: i64, lo: i64, hi: i64) -> Result<u32, EncodeError> {
    if (lo..=hi).contains(&v) {
        Ok(v as u32)
    } else {
        fail(format!("{what} {v} out of range {lo}..{hi}"))
    }
}

/// The `RRR` format: `op2 op1 r s t op0`, four bits each.
fn rrr(op2: u32, op1: u32, r: u32, s: u32, t: u32, op0: u32) -> Encoding {
    Encoding::Wide(op2 << 20 | op1 << 16 | r << 12 | s << 8 | t << 4 | op0)
}

/// The `RRI8` format: `imm8 r s t op0`.
fn rri8(imm8: u32, r: u32, s: u32, t: u32, op0: u32) -> Encoding {
    Encoding::Wide((imm8 & 0xff) << 16 | r << 12 | s << 8 | t << 4 | op0)
}

/// The `imm8` of a branch reaching `target` bytes away (counted from the address + 4).
fn branch8(target: i32) -> Result<u32, EncodeError> {
    range("branch offset", i64::from(target) - 4, -128, 127)
}

/// `call0`/`call8`'s 18-bit word offset: the target must be word-aligned, and counts from
/// the instruction's address rounded down to a word, plus 4.
fn call_offset(at: u32, target: i32) -> Result<u32, EncodeError> {
    let dest = at.wrapping_add(target as u32);
    if !dest.is_multiple_of(4) {
        return fail(format!("call target {dest:#x} is not word-aligned"));
    }
    let delta = i64::from(dest as i32) - i64::from(((at & !3) + 4) as i32);
    Ok(range("call offset", delta / 4, -(1 << 17), (1 << 17) - 1)? & 0x3ffff)
}

/// Encodes `inst` placed at address `at`.
pub fn encode(inst: &Inst, at: u32) -> Result<Encoding, EncodeError> {
    use Inst::*;
    Ok(match *inst {
        Alu { op, r, s, t } => {
            let (op1, op2) = op.op1_op2();
            rrr(op2, op1, reg(r)?, reg(s)?, reg(t)?, 0)
        }
        Neg { r, t } => rrr(6, 0, reg(r)?, 0, reg(t)?, 0),
        Sll { r, s } => rrr(10, 1, reg(r)?, reg(s)?, 0, 0),
        Srl { r, t } => rrr(9, 1, reg(r)?, 0, reg(t)?, 0),
        Sra { r, t } => rrr(11, 1, reg(r)?, 0, reg(t)?, 0),
        Ssr { s } => rrr(4, 0, 0, reg(s)?, 0, 0),
        Ssl { s } => rrr(4, 0, 1, reg(s)?, 0, 0),
        Ssai { sa } => {
            let sa = range("ssai amount", sa.into(), 0, 31)?;
            rrr(4, 0, 4, sa & 15, sa >> 4, 0)
        }
        Slli { r, s, sa } => {
            // The field holds 32 - sa, its top bit in op2.
            let inv = 32 - range("slli amount", sa.into(), 1, 31)?;
            rrr(inv >> 4, 1, reg(r)?, reg(s)?, inv & 15, 0)
        }
        Srai { r, t, sa } => {
            let sa = range("srai amount", sa.into(), 0, 31)?;
            rrr(2 | sa >> 4, 1, reg(r)?, sa & 15, reg(t)?, 0)
        }
        Srli { r, t, sa } => rrr(
            4,
            1,
            reg(r)?,
            range("srli amount", sa.into(), 0, 15)?,
            reg(t)?,
            0,
        ),
        Extui { r, t, shift, bits } => {
            let shift = range("extui shift", shift.into(), 0, 31)?;
            let bits = range("extui width", bits.into(), 1, 16)?;
            rrr(bits - 1, 4 | shift >> 4, reg(r)?, shift & 15, reg(t)?, 0)
        }
        Movi { t, imm } => {
            let imm = range("movi immediate", imm.into(), -2048, 2047)?;
            rri8(imm, 10, (imm >> 8) & 15, reg(t)?, 2)
        }
        Addi { t, s, imm } => rri8(
            range("addi immediate", imm.into(), -128, 127)?,
            12,
            reg(s)?,
            reg(t)?,
            2,
        ),
        Addmi { t, s, imm } => {
            if imm % 256 != 0 {
                return fail(format!("addmi immediate {imm} is not a multiple of 256"));
            }
            rri8(
                range("addmi immediate", (imm / 256).into(), -128, 127)?,
                13,
                reg(s)?,
                reg(t)?,
                2,
            )
        }
        Mem { op, t, s, offset } => {
            let scale = op.scale();
            if offset % (1 << scale) != 0 {
                return fail(format!("{} offset {offset} is misaligned", op.mnemonic()));
            }
            let imm = range("load/store offset", (offset >> scale).into(), 0, 255)?;
            rri8(imm, op.code(), reg(s)?, reg(t)?, 2)
        }
        L32r { t, target } => {
            let dest = at.wrapping_add(target as u32);
            if !dest.is_multiple_of(4) {
                return fail(format!("l32r literal {dest:#x} is not word-aligned"));
            }
            let base = (at.wrapping_add(3) & !3) as i32;
            let words = (i64::from(dest as i32) - i64::from(base)) / 4;
            let imm = range("l32r offset", words, -65536, -1)?;
            Encoding::Wide((imm & 0xffff) << 8 | reg(t)? << 4 | 1)
        }
        Branch { cond, s, t, target } => rri8(branch8(target)?, cond.code(), reg(s)?, reg(t)?, 7),
        BranchBit {
            set,
            s,
            bit,
            target,
        } => {
            let bit = range("bit number", bit.into(), 0, 31)?;
            let r = if set { 14 } else { 6 } | bit >> 4;
            rri8(branch8(target)?, r, reg(s)?, bit & 15, 7)
        }
        BranchZ { cond, s, target } => {
            let imm = range("branch offset", i64::from(target) - 4, -2048, 2047)?;
            Encoding::Wide((imm & 0xfff) << 12 | reg(s)? << 8 | (cond as u32) << 6 | 1 << 4 | 6)
        }
        BranchImm {
            cond,
            s,
            imm,
            target,
        } => {
            let Some(index) = cond.table().iter().position(|&c| c == imm) else {
                return fail(format!("{} has no constant {imm}", cond.mnemonic()));
            };
            // beqi..bgei are the BI0 group (n = 2), bltui/bgeui the BI1 group (n = 3, m 2, 3).
            let (m, n) = match cond {
                ImmCond::Bltui => (2, 3),
                ImmCond::Bgeui => (3, 3),
                _ => (cond as u32, 2),
            };
            rri8(branch8(target)?, index as u32, reg(s)?, m << 2 | n, 6)
        }
        J { target } => {
            let imm = range(
                "jump offset",
                i64::from(target) - 4,
                -(1 << 17),
                (1 << 17) - 1,
            )?;
            Encoding::Wide((imm & 0x3ffff) << 6 | 6)
        }
        Call0 { target } => Encoding::Wide(call_offset(at, target)? << 6 | 5),
        Call4 { target } => Encoding::Wide(call_offset(at, target)? << 6 | 1 << 4 | 5),
        Call8 { target } => Encoding::Wide(call_offset(at, target)? << 6 | 2 << 4 | 5),
        Jx { s } => rrr(0, 0, 0, reg(s)?, 0b1010, 0),
        Callx0 { s } => rrr(0, 0, 0, reg(s)?, 0b1100, 0),
        Callx4 { s } => rrr(0, 0, 0, reg(s)?, 0b1101, 0),
        Callx8 { s } => rrr(0, 0, 0, reg(s)?, 0b1110, 0),
        Ret => rrr(0, 0, 0, 0, 0b1000, 0),
        Retw => rrr(0, 0, 0, 0, 0b1001, 0),
        Entry { s, frame } => {
            if frame % 8 != 0 {
                return fail(format!("entry frame {frame} is not a multiple of 8"));
            }
            let imm = range("entry frame", (frame / 8).into(), 0, 4095)?;
            Encoding::Wide(imm << 12 | reg(s)? << 8 | 3 << 4 | 6)
        }
        Movsp { t, s } => rrr(0, 0, 1, reg(s)?, reg(t)?, 0),
        Nop => rrr(0, 0, 2, 0, 15, 0),
        Syscall => rrr(0, 0, 5, 0, 0, 0),
        AddN { r, s, t } => narrow(reg(r)?, reg(s)?, reg(t)?, 10),
        AddiN { r, s, imm } => {
            let field = match imm {
                -1 => 0,
                1..=15 => imm as u32,
                _ => return fail(format!("addi.n immediate {imm} is not -1 or 1..15")),
            };
            narrow(reg(r)?, reg(s)?, field, 11)
        }
        MovN { t, s } => narrow(0, reg(s)?, reg(t)?, 13),
        MoviN { s, imm } => {
            let imm = range("movi.n immediate", imm.into(), -32, 95)?;
            narrow(imm & 15, reg(s)?, (imm >> 4) & 7, 12)
        }
        L32iN { t, s, offset } | S32iN { t, s, offset } => {
            if offset % 4 != 0 {
                return fail(format!("l32i.n/s32i.n offset {offset} is misaligned"));
            }
            let imm = range("l32i.n/s32i.n offset", (offset / 4).into(), 0, 15)?;
            let op0 = if matches!(inst, L32iN { .. }) { 8 } else { 9 };
            narrow(imm, reg(s)?, reg(t)?, op0)
        }
        BeqzN { s, target } | BnezN { s, target } => {
            let imm = range("beqz.n/bnez.n offset", i64::from(target) - 4, 0, 63)?;
            let kind = if matches!(inst, BeqzN { .. }) { 2 } else { 3 };
            narrow(imm & 15, reg(s)?, kind << 2 | imm >> 4, 12)
        }
        RetN => narrow(15, 0, 0, 13),
        RetwN => narrow(15, 0, 1, 13),
        NopN => narrow(15, 0, 3, 13),
    })
}

/// The 16-bit `RRRN` format: `r s t op0`.
fn narrow(r: u32, s: u32, t: u32, op0: u32) -> Encoding {
    Encoding::Narrow((r << 12 | s << 8 | t << 4 | op0) as u16)
}
