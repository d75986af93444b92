//! Thumb machine code back to text, through capstone (an independent decoder): listings for
//! debugging and tests, and the decoder half of the encoder's round-trip check.

use super::encode::Arch;
use capstone::arch::arm::{ArchExtraMode, ArchMode};
use capstone::prelude::*;
use std::fmt::Write;

/// One decoded instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub address: u32,
    pub bytes: Vec<u8>,
    pub mnemonic: String,
    pub operands: String,
}

fn decoder(_arch: Arch) -> Result<Capstone, String> {
    // Capstone has no ARMv6-M mode; M-profile Thumb decodes its subset the same way.
    Capstone::new()
        .arm()
        .mode(ArchMode::Thumb)
        .extra_mode([ArchExtraMode::MClass].into_iter())
        .build()
        .map_err(|e| e.to_string())
}

/// Every instruction of `code`, which starts at `address`; an error where a halfword does
/// not decode.
pub fn decode(code: &[u8], arch: Arch, address: u32) -> Result<Vec<Decoded>, String> {
    let cs = decoder(arch)?;
    let insns = cs
        .disasm_all(code, u64::from(address))
        .map_err(|e| e.to_string())?;
    let decoded: Vec<Decoded> = insns
        .iter()
        .map(|i| Decoded {
            address: i.address() as u32,
            bytes: i.bytes().to_vec(),
            mnemonic: i.mnemonic().unwrap_or_default().to_string(),
            operands: i.op_str().unwrap_or_default().to_string(),
        })
        .collect();
    let covered: usize = decoded.iter().map(|d| d.bytes.len()).sum();
    if covered != code.len() {
        return Err(format!(
            "undecodable instruction at {:#x}",
            address as usize + covered
        ));
    }
    Ok(decoded)
}

/// The instructions of a function's `code`, which starts at `address`, up to its literal
/// pool (the words after the code that `ldr rt, [pc, #imm]` loads); an error where a
/// halfword before the pool does not decode.
pub fn decode_function(code: &[u8], arch: Arch, address: u32) -> Result<Vec<Decoded>, String> {
    let cs = decoder(arch)?;
    let mut decoded: Vec<Decoded> = Vec::new();
    let mut pool_start = code.len();
    let mut at = 0;
    while at < pool_start {
        let insns = cs
            .disasm_count(&code[at..pool_start], u64::from(address) + at as u64, 1)
            .map_err(|e| e.to_string())?;
        let Some(i) = insns.iter().next() else {
            return Err(format!(
                "undecodable instruction at {:#x}",
                address as usize + at
            ));
        };
        let d = Decoded {
            address: i.address() as u32,
            bytes: i.bytes().to_vec(),
            mnemonic: i.mnemonic().unwrap_or_default().to_string(),
            operands: i.op_str().unwrap_or_default().to_string(),
        };
        if let Some(target) = literal_target(&d) {
            let offset = target.wrapping_sub(address) as usize;
            if offset > at && offset < pool_start {
                pool_start = offset;
            }
        }
        at += d.bytes.len();
        decoded.push(d);
    }
    Ok(decoded)
}

/// The address a PC-relative load reads (`ldr rt, [pc, #imm]`: from the word-aligned PC).
fn literal_target(d: &Decoded) -> Option<u32> {
    if !d.mnemonic.starts_with("ldr") {
        return None;
    }
    let imm = d.operands.split("[pc, #").nth(1)?.trim_end_matches(']');
    let imm = match imm.strip_prefix("0x") {
        Some(hex) => i64::from_str_radix(hex, 16).ok()?,
        None => imm.parse().ok()?,
    };
    Some(((i64::from((d.address + 4) & !3)) + imm) as u32)
}

/// `code` as a listing, one instruction a line: `address: bytes  mnemonic operands`; a
/// halfword that does not decode (literal-pool data) shows as `.short`.
pub fn listing(code: &[u8], arch: Arch, address: u32) -> Result<String, String> {
    let cs = decoder(arch)?;
    let mut out = String::new();
    let mut at = 0;
    while at < code.len() {
        let insns = cs
            .disasm_all(&code[at..], u64::from(address) + at as u64)
            .map_err(|e| e.to_string())?;
        for i in insns.iter() {
            let text = format!(
                "{} {}",
                i.mnemonic().unwrap_or_default(),
                i.op_str().unwrap_or_default()
            );
            line(&mut out, i.address() as u32, i.bytes(), text.trim_end());
            at += i.bytes().len();
        }
        if at + 1 < code.len() {
            let half = u16::from_le_bytes([code[at], code[at + 1]]);
            line(
                &mut out,
                address + at as u32,
                &code[at..at + 2],
                &format!(".short {half:#06x}"),
            );
            at += 2;
        } else if at < code.len() {
            return Err(format!("odd length {}", code.len()));
        }
    }
    Ok(out)
}

fn line(out: &mut String, address: u32, bytes: &[u8], text: &str) {
    let bytes: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let _ = writeln!(out, "{address:8x}: {:<12} {text}", bytes.join(" "));
}
