//! The target architectures mpy-cross names on its command line, and their feature flags.

use vm::rawcode::NativeArch;

/// An architecture accepted by `-march=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// A real machine, as recorded in a `.mpy` header.
    Machine(NativeArch),
    /// mpy-cross's `debug` pseudo-architecture, which prints the native emitter's operations.
    Debug,
}

impl Arch {
    /// Looks up a `-march=` value; `host` resolves to the machine krait-cross runs on.
    pub fn from_name(name: &str) -> Result<Arch, ArchNameError> {
        let machine = match name {
            "x86" => NativeArch::X86,
            "x64" => NativeArch::X64,
            "armv6" => NativeArch::Armv6,
            "armv6m" => NativeArch::Armv6m,
            "armv7m" => NativeArch::Armv7m,
            "armv7em" => NativeArch::Armv7em,
            "armv7emsp" => NativeArch::Armv7emsp,
            "armv7emdp" => NativeArch::Armv7emdp,
            "xtensa" => NativeArch::Xtensa,
            "xtensawin" => NativeArch::Xtensawin,
            "rv32imc" => NativeArch::Rv32imc,
            "rv64imc" => NativeArch::Rv64imc,
            "debug" => return Ok(Arch::Debug),
            "host" => return host_arch().ok_or(ArchNameError::UnknownHost),
            _ => return Err(ArchNameError::Unknown),
        };
        Ok(Arch::Machine(machine))
    }
}

/// Why a `-march=` value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchNameError {
    /// Not a name mpy-cross knows (mpy-cross then prints its usage).
    Unknown,
    /// `host` on a machine mpy-cross has no emitter for.
    UnknownHost,
}

/// The architecture `-march=host` means here, following mpy-cross's choice per host.
fn host_arch() -> Option<Arch> {
    let machine = if cfg!(target_arch = "x86") {
        NativeArch::X86
    } else if cfg!(target_arch = "x86_64") {
        NativeArch::X64
    } else if cfg!(target_arch = "arm") {
        NativeArch::Armv6
    } else if cfg!(target_arch = "riscv64") {
        NativeArch::Rv64imc
    } else {
        return None;
    };
    Some(Arch::Machine(machine))
}

/// RV32 extension bits, as stored in the `.mpy` header's arch-flags field.
const RV32_EXT_ZBA: u32 = 1 << 0;
const RV32_EXT_ZCMP: u32 = 1 << 1;
const RV32_EXT_ALL: u32 = RV32_EXT_ZBA | RV32_EXT_ZCMP;

/// Parses `-march-flags=` for `arch`: a number (decimal, `0x`, `0o` or `0b`) or a
/// comma-separated list of extension names. Only rv32imc has flags; `None` means refused.
pub fn parse_arch_flags(arch: Arch, text: &str) -> Option<u32> {
    if arch != Arch::Machine(NativeArch::Rv32imc) {
        return None;
    }
    let flags = parse_prefixed_integer(text).or_else(|| parse_rv32_extension_names(text))?;
    (flags & !RV32_EXT_ALL == 0).then_some(flags)
}

/// An unsigned number with an optional base prefix, with nothing before or after it.
fn parse_prefixed_integer(text: &str) -> Option<u32> {
    let lower = text.to_ascii_lowercase();
    let (digits, radix) = if let Some(rest) = lower.strip_prefix("0x") {
        (rest, 16)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (rest, 8)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (rest, 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        // mpy-cross treats a leading zero without a base letter as malformed.
        return None;
    } else {
        (lower.as_str(), 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u32::from_str_radix(digits, radix).ok()
}

/// `zba,zcmp` and the like; at least one known name and no empty or unknown entries.
fn parse_rv32_extension_names(text: &str) -> Option<u32> {
    // A trailing comma is tolerated, as mpy-cross stops at the end of the string.
    let names = text.strip_suffix(',').unwrap_or(text);
    let mut flags = 0;
    for name in names.split(',') {
        flags |= match name {
            "zba" => RV32_EXT_ZBA,
            "zcmp" => RV32_EXT_ZCMP,
            _ => return None,
        };
    }
    (flags != 0).then_some(flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RV32: Arch = Arch::Machine(NativeArch::Rv32imc);

    #[test]
    fn names_cover_every_mpy_cross_architecture() {
        assert_eq!(
            Arch::from_name("xtensawin"),
            Ok(Arch::Machine(NativeArch::Xtensawin))
        );
        assert_eq!(Arch::from_name("debug"), Ok(Arch::Debug));
        assert_eq!(Arch::from_name("arm64"), Err(ArchNameError::Unknown));
        if cfg!(target_arch = "x86_64") {
            assert_eq!(Arch::from_name("host"), Ok(Arch::Machine(NativeArch::X64)));
        }
    }

    #[test]
    fn rv32_flags_accept_numbers_and_names() {
        assert_eq!(parse_arch_flags(RV32, "zba,zcmp"), Some(3));
        assert_eq!(parse_arch_flags(RV32, "zcmp"), Some(2));
        assert_eq!(parse_arch_flags(RV32, "zba,"), Some(1));
        assert_eq!(parse_arch_flags(RV32, "0b11"), Some(3));
        assert_eq!(parse_arch_flags(RV32, "0x1"), Some(1));
        assert_eq!(parse_arch_flags(RV32, "2"), Some(2));
        assert_eq!(parse_arch_flags(RV32, "0"), Some(0));
    }

    #[test]
    fn rv32_flags_refuse_what_mpy_cross_refuses() {
        for text in [
            "",
            "0x10",
            "4",
            "+1",
            "00",
            ",zba",
            "zbb",
            "zba,,zcmp",
            "0x",
        ] {
            assert_eq!(parse_arch_flags(RV32, text), None, "{text:?}");
        }
    }

    #[test]
    fn only_rv32imc_has_flags() {
        assert_eq!(parse_arch_flags(Arch::Machine(NativeArch::X64), "1"), None);
        assert_eq!(parse_arch_flags(Arch::Debug, "zba"), None);
    }
}
