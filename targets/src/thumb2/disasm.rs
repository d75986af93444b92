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

/// `code` as a listing, one instruction a line: `address: bytes  mnemonic operands`.
pub fn listing(code: &[u8], arch: Arch, address: u32) -> Result<String, String> {
    let mut out = String::new();
    for d in decode(code, arch, address)? {
        let bytes: Vec<String> = d.bytes.iter().map(|b| format!("{b:02x}")).collect();
        let text = format!("{} {}", d.mnemonic, d.operands);
        let _ = writeln!(
            out,
            "{:8x}: {:<12} {}",
            d.address,
            bytes.join(" "),
            text.trim_end()
        );
    }
    Ok(out)
}
