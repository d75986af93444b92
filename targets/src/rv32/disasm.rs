//! RV32IMC machine code back to text through capstone (an independent decoder): listings,
//! and the decoder half of the encoder's round-trip test.

use capstone::arch::riscv::{ArchExtraMode, ArchMode};
use capstone::prelude::*;

/// One decoded instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub address: u32,
    pub bytes: Vec<u8>,
    pub mnemonic: String,
    pub operands: String,
}

fn decoder() -> Result<Capstone, String> {
    Capstone::new()
        .riscv()
        .mode(ArchMode::RiscV32)
        .extra_mode([ArchExtraMode::RiscVC].into_iter())
        .build()
        .map_err(|e| e.to_string())
}

/// Every instruction of `code`, which starts at `address`; an error where one does not decode.
pub fn decode(code: &[u8], address: u32) -> Result<Vec<Decoded>, String> {
    let cs = decoder()?;
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

/// A listing of `code`: address, bytes, instruction, one a line.
pub fn listing(code: &[u8], address: u32) -> Result<String, String> {
    Ok(decode(code, address)?
        .iter()
        .map(|d| {
            let hex: String = d.bytes.iter().map(|b| format!("{b:02x}")).collect();
            format!(
                "{:08x}: {hex:<8}  {} {}\n",
                d.address, d.mnemonic, d.operands
            )
        })
        .collect())
}
