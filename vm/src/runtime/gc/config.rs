//! Where the heap goes and how big it is, including MicroPython's `-X heapsize=` syntax.

/// Where the pool sits in the arena and how big it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeapConfig {
    /// Arena offset of the first block: a nonzero multiple of [`super::BYTES_PER_BLOCK`].
    pub pool_start: u32,
    /// Pool size in bytes (rounded down to whole blocks), like `-X heapsize=`.
    pub pool_size: u32,
}

/// Where [`HeapConfig::with_size`] puts the pool: past a first 64 KiB that stays uncommitted,
/// so native code dereferencing `NULL` or another small word faults instead of reading.
pub const DEFAULT_POOL_START: u32 = 0x1_0000;

/// The unix port's default heap for a 32-bit word: 1 MiB.
pub const DEFAULT_HEAP_SIZE: u32 = 1 << 20;

impl HeapConfig {
    /// A pool of `pool_size` bytes at [`DEFAULT_POOL_START`].
    pub fn with_size(pool_size: u32) -> HeapConfig {
        HeapConfig {
            pool_start: DEFAULT_POOL_START,
            pool_size,
        }
    }
}

/// Parses the value of MicroPython's `-X heapsize=<n>[w][K|M]`: `n` as C's `strtol` in base 0
/// reads it (decimal, `0x` hex or leading-`0` octal), an optional `w` (scale by the word size
/// over 4 bytes, which is 1 for krait's 32-bit words), then an optional `K` or `M`. `None` if
/// malformed or larger than the 32-bit arena.
pub fn parse_heapsize(text: &str) -> Option<u32> {
    let (number, suffix) = split_number(text);
    let value = if let Some(hex) = number
        .strip_prefix("0x")
        .or_else(|| number.strip_prefix("0X"))
    {
        u64::from_str_radix(hex, 16).ok()?
    } else if number.len() > 1 && number.starts_with('0') {
        u64::from_str_radix(&number[1..], 8).ok()?
    } else {
        number.parse::<u64>().ok()?
    };
    let suffix = suffix.strip_prefix(['w', 'W']).unwrap_or(suffix);
    let scale: u64 = match suffix {
        "" => 1,
        "k" | "K" => 1 << 10,
        "m" | "M" => 1 << 20,
        _ => return None,
    };
    u32::try_from(value.checked_mul(scale)?).ok()
}

/// Splits `text` after its leading number (with a `0x` prefix, hex digits count).
fn split_number(text: &str) -> (&str, &str) {
    let is_hex = text.starts_with("0x") || text.starts_with("0X");
    let skip = if is_hex { 2 } else { 0 };
    let end = text[skip..]
        .find(|c: char| {
            if is_hex {
                !c.is_ascii_hexdigit()
            } else {
                !c.is_ascii_digit()
            }
        })
        .map_or(text.len(), |index| index + skip);
    text.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heapsize_option_parses_like_the_unix_port() {
        assert_eq!(parse_heapsize("1024"), Some(1024));
        assert_eq!(parse_heapsize("64K"), Some(64 << 10));
        assert_eq!(parse_heapsize("2m"), Some(2 << 20));
        assert_eq!(
            parse_heapsize("16wK"),
            Some(16 << 10),
            "w scales by word size / 4 = 1"
        );
        assert_eq!(parse_heapsize("0x100"), Some(256));
        assert_eq!(parse_heapsize("0x10k"), Some(16 << 10));
        assert_eq!(
            parse_heapsize("010"),
            Some(8),
            "leading zero is octal, as strtol base 0"
        );
        assert_eq!(parse_heapsize("4096M"), None, "past the 32-bit arena");
        for bad in ["", "K", "12Q", "1KK", "0x", "09", "-5", "1 K"] {
            assert_eq!(parse_heapsize(bad), None, "{bad:?}");
        }
    }
}
