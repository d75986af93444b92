//! Integers as text and text as integers, as MicroPython 1.29 does it.

use super::error::FormatError;
use super::pad::{pad_into, spaces_into, Align, Flags};
use super::quote::quote;
use num_bigint::{BigInt, Sign};
use num_traits::{ToPrimitive, Zero};

/// The digits of `value` in `base` (2..=36, clamped): letters in `upper` case, a `-` for
/// negative values, and `prefix` between the sign and the digits; with `grouping`, that
/// separator between groups of 3 digits in base 10 and of 4 in other bases
/// (`mp_obj_int_formatted`).
pub fn int_to_radix(
    value: &BigInt,
    base: u32,
    upper: bool,
    prefix: &[u8],
    grouping: Option<u8>,
) -> Vec<u8> {
    let base = base.clamp(2, 36);
    let group = if base == 10 { 3 } else { 4 };
    let mut digits = value.magnitude().to_radix_be(base);
    if digits.is_empty() {
        digits.push(0);
    }
    let mut out = Vec::with_capacity(digits.len() * 5 / 4 + prefix.len() + 1);
    if value.sign() == Sign::Minus {
        out.push(b'-');
    }
    out.extend_from_slice(prefix);
    let letter_base = if upper { b'A' } else { b'a' };
    for (index, &digit) in digits.iter().enumerate() {
        let remaining = digits.len() - index;
        if let Some(separator) = grouping {
            if index > 0 && remaining.is_multiple_of(group) {
                out.push(separator);
            }
        }
        out.push(if digit < 10 {
            b'0' + digit
        } else {
            letter_base + digit - 10
        });
    }
    out
}

/// `mp_print_mp_int`: `value` in `base` with sign, prefix, grouping, `width` and, as `%`
/// formatting uses it, a `precision` that zero-pads the digits to that many. `fill` is the
/// padding byte; `upper` upper-cases hex digits and prefix letters.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_int(
    out: &mut Vec<u8>,
    value: &BigInt,
    base: u32,
    upper: bool,
    mut flags: Flags,
    mut fill: u8,
    mut width: i32,
    mut precision: i32,
) -> Result<(), FormatError> {
    if flags.align == Align::Right && fill == b'0' {
        width = width.max(precision);
        precision = 0;
    }
    let mut prefix = Vec::new();
    if value.sign() != Sign::Minus {
        if flags.show_sign {
            prefix.push(b'+');
        } else if flags.space_sign {
            prefix.push(b' ');
        }
    }
    if flags.show_prefix {
        let letter = match base {
            2 => Some(b'b'),
            8 => flags.octal_letter.then_some(b'o'),
            16 => Some(b'x'),
            _ => None,
        };
        if base == 2 || base == 8 || base == 16 {
            prefix.push(b'0');
        }
        if let Some(letter) = letter {
            prefix.push(if upper {
                letter.to_ascii_uppercase()
            } else {
                letter
            });
        }
    }

    if precision > 1 {
        flags.after_sign = true;
    }
    let after_sign = flags.after_sign;
    let mut digits = if after_sign {
        int_to_radix(value, base, upper, b"", flags.grouping)
    } else {
        int_to_radix(value, base, upper, &prefix, flags.grouping)
    };
    let mut sign = None;
    if after_sign && digits.first() == Some(&b'-') {
        sign = Some(b'-');
        digits.remove(0);
    }

    let mut spaces_before = 0;
    let mut spaces_after = 0;
    if precision > 1 {
        // The digits are zero-padded to `precision`, and that is aligned in `width`.
        let mut zero_padded_width = (digits.len() as i64).max(i64::from(precision));
        if after_sign {
            zero_padded_width += i64::from(sign.is_some()) + prefix.len() as i64;
        }
        if zero_padded_width < i64::from(width) {
            let gap = (i64::from(width) - zero_padded_width) as i32;
            if flags.align == Align::Left {
                spaces_after = gap;
            } else {
                spaces_before = gap;
            }
        }
        fill = b'0';
        if flags.align == Align::Left {
            flags.align = Align::Right;
        }
    }

    spaces_into(out, spaces_before)?;
    if after_sign {
        if let Some(sign) = sign {
            out.push(sign);
            width = width.saturating_sub(1);
        }
        out.extend_from_slice(&prefix);
        width = width.saturating_sub(prefix.len() as i32);
    }
    if precision > 1 {
        width = precision;
    }
    pad_into(out, &digits, flags, fill, width)?;
    spaces_into(out, spaces_after)
}

/// Appends the UTF-8 encoding of code point `code` padded to `width` (`mp_print_char`):
/// `OverflowError` outside `range(0x110000)`. Surrogates are encoded like any other code point.
pub(crate) fn write_char(
    out: &mut Vec<u8>,
    code: &BigInt,
    flags: Flags,
    fill: u8,
    width: i32,
) -> Result<(), FormatError> {
    let code = machine_word(code)? as u64;
    if code >= 0x11_0000 {
        return Err(FormatError::overflow("char not in range(0x110000)"));
    }
    pad_into(out, &encode_code_point(code as u32), flags, fill, width)
}

/// UTF-8 bytes of `code` (below 0x110000), surrogates included.
fn encode_code_point(code: u32) -> Vec<u8> {
    match code {
        0..=0x7f => vec![code as u8],
        0x80..=0x7ff => vec![0xc0 | (code >> 6) as u8, 0x80 | (code & 0x3f) as u8],
        0x800..=0xffff => vec![
            0xe0 | (code >> 12) as u8,
            0x80 | ((code >> 6) & 0x3f) as u8,
            0x80 | (code & 0x3f) as u8,
        ],
        _ => vec![
            0xf0 | (code >> 18) as u8,
            0x80 | ((code >> 12) & 0x3f) as u8,
            0x80 | ((code >> 6) & 0x3f) as u8,
            0x80 | (code & 0x3f) as u8,
        ],
    }
}

/// `mp_obj_get_int` of an int: its value as the unix port's 64-bit machine word.
pub(crate) fn machine_word(value: &BigInt) -> Result<i64, FormatError> {
    value
        .to_i64()
        .ok_or_else(|| FormatError::overflow("overflow converting long int to machine word"))
}

/// `float(value)` as MicroPython's unix port computes it: exactly rounded while the value fits
/// a machine word, beyond that by accumulating 32-bit digits in double arithmetic
/// (`mpz_as_float`), which can round differently from CPython for very large values.
pub fn int_to_f64(value: &BigInt) -> f64 {
    if let Some(small) = value.to_i64() {
        return small as f64;
    }
    let magnitude = value
        .magnitude()
        .iter_u32_digits()
        .rev()
        .fold(0.0f64, |acc, digit| {
            acc * 4_294_967_296.0 + f64::from(digit)
        });
    if value.sign() == Sign::Minus {
        -magnitude
    } else {
        magnitude
    }
}

/// `int(x)` for a float (`mp_obj_new_int_from_float`): truncation toward zero, with
/// MicroPython's errors for infinities and NaN.
pub fn f64_to_int(x: f64) -> Result<BigInt, FormatError> {
    if x.is_nan() {
        return Err(FormatError::value("can't convert NaN to int"));
    }
    if x.is_infinite() {
        return Err(FormatError::overflow("can't convert inf to int"));
    }
    let truncated = x.trunc();
    if truncated.abs() < 9.0e18 {
        return Ok(BigInt::from(truncated as i64));
    }
    // An exact integer: significand times a power of two.
    let bits = truncated.abs().to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1075;
    let significand = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let magnitude = BigInt::from(significand) << exponent as usize;
    Ok(if x < 0.0 { -magnitude } else { magnitude })
}

/// Why [`parse_int`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIntError(pub FormatError);

/// `int(text, base)` with MicroPython's acceptance rules (`mp_parse_num_integer`): surrounding
/// whitespace, a sign, a `0x`/`0o`/`0b` prefix where `base` is 0 or matches, `_` anywhere
/// among the digits, and in base 0 a leading `0` only for an all-zero number.
///
/// `small_int_bits` is the width of the VM's small ints (31 for krait, as on a 32-bit MCU;
/// 63 on the 64-bit unix port): MicroPython re-parses a number that outgrows them with its
/// big-int parser, which stops at the first `_`, so `int('1_000_000_000_000')` is an error
/// with 31-bit small ints and 10**12 with 63-bit ones.
pub fn parse_int(text: &[u8], base: u32, small_int_bits: u32) -> Result<BigInt, FormatError> {
    if base == 1 || base > 36 {
        return Err(FormatError::value("int() arg 2 must be >= 2 and <= 36"));
    }
    let mut pos = skip_space(text, 0);
    let mut negative = false;
    if let Some(&sign @ (b'+' | b'-')) = text.get(pos) {
        negative = sign == b'-';
        pos += 1;
    }
    let (base, prefix_len) = find_base(&text[pos..], base);
    pos += prefix_len;
    let digits_start = pos;
    let limit = BigInt::from(1u64) << (small_int_bits.clamp(2, 64) - 1);

    let mut value = BigInt::zero();
    let mut overflowed = false;
    while let Some(&byte) = text.get(pos) {
        if byte == b'_' {
            pos += 1;
            continue;
        }
        let Some(digit) = digit_value(byte).filter(|&d| d < base) else {
            break;
        };
        value = value * base + digit;
        pos += 1;
        if value >= limit {
            overflowed = true;
            break;
        }
    }
    if overflowed {
        // The big-int parser starts over and knows no underscores.
        value = BigInt::zero();
        pos = digits_start;
        while let Some(digit) = text
            .get(pos)
            .and_then(|&b| digit_value(b))
            .filter(|&d| d < base)
        {
            value = value * base + digit;
            pos += 1;
        }
    }
    let parsed_something = pos != digits_start;
    pos = skip_space(text, pos);
    if !parsed_something || pos != text.len() {
        let shown_base = if base == 1 { 0 } else { base };
        let mut message =
            format!("invalid syntax for integer with base {shown_base}: ").into_bytes();
        message.extend_from_slice(&quote(&text[digits_start..], true));
        return Err(FormatError::value(message));
    }
    Ok(if negative { -value } else { value })
}

/// The base a number is read in and the length of its prefix (`mp_parse_num_base`). In base 0
/// a leading `0` without a prefix gives base 1, which accepts only zeros.
fn find_base(text: &[u8], base: u32) -> (u32, usize) {
    if text.len() >= 2 && text[0] == b'0' {
        let found = match text[1] | 0x20 {
            b'x' => 16,
            b'o' => 8,
            b'b' => 2,
            _ => 0,
        };
        if found != 0 && (base == 0 || base == found) {
            return (found, 2);
        }
        if base == 0 {
            return (1, 0);
        }
        return (base, 0);
    }
    (if base == 0 { 10 } else { base }, 0)
}

fn digit_value(byte: u8) -> Option<u32> {
    match byte {
        b'0'..=b'9' => Some(u32::from(byte - b'0')),
        b'a'..=b'z' | b'A'..=b'Z' => Some(u32::from((byte | 0x20) - b'a') + 10),
        _ => None,
    }
}

/// MicroPython's `unichar_isspace` for bytes.
fn skip_space(text: &[u8], mut pos: usize) -> usize {
    while matches!(text.get(pos), Some(b' ' | b'\t'..=b'\r')) {
        pos += 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(text: &str) -> BigInt {
        text.parse().unwrap()
    }

    #[test]
    fn radix_text_matches_cpython_format() {
        // Bases 2 to 16: CPython's format(n, 'b'/'o'/'x'/'X'/'d'/','), on which MicroPython
        // agrees; base 36 worked by hand (1295 = 35 * 36 + 35).
        let n = big("-123456789012345678901234567890");
        assert_eq!(
            int_to_radix(&n, 10, false, b"", None),
            b"-123456789012345678901234567890"
        );
        assert_eq!(
            int_to_radix(&n, 16, false, b"0x", None),
            b"-0x18ee90ff6c373e0ee4e3f0ad2"
        );
        assert_eq!(
            int_to_radix(&n, 16, true, b"", None),
            b"-18EE90FF6C373E0EE4E3F0AD2"
        );
        assert_eq!(
            int_to_radix(&n, 10, false, b"", Some(b',')),
            b"-123,456,789,012,345,678,901,234,567,890"
        );
        assert_eq!(
            int_to_radix(&big("255"), 2, false, b"", Some(b'_')),
            b"1111_1111"
        );
        assert_eq!(
            int_to_radix(&big("256"), 2, false, b"", Some(b'_')),
            b"1_0000_0000"
        );
        assert_eq!(int_to_radix(&big("8"), 8, false, b"0o", None), b"0o10");
        assert_eq!(int_to_radix(&big("0"), 16, false, b"0x", None), b"0x0");
        assert_eq!(int_to_radix(&big("1295"), 36, true, b"", None), b"ZZ");
        assert_eq!(int_to_radix(&big("-46655"), 36, false, b"", None), b"-zzz");
    }

    #[test]
    fn radix_text_parses_back() {
        let mut n = BigInt::from(7);
        for step in 0..200u32 {
            n = &n * 131 - step;
            let base = 2 + step % 35;
            let text = int_to_radix(&n, base, step % 2 == 0, b"", None);
            assert_eq!(parse_int(&text, base, 31), Ok(n.clone()), "base {base}");
        }
    }

    #[test]
    fn chars_follow_micropython_1_29() {
        // 1.29 encodes the code point as UTF-8 and range-checks it (`MICROPY_FULL_CHECKS`);
        // a negative int is a huge unsigned machine word there.
        let char_text = |code: i64| {
            let mut out = Vec::new();
            write_char(&mut out, &BigInt::from(code), Flags::default(), b' ', -1).map(|()| out)
        };
        assert_eq!(char_text(65).unwrap(), b"A");
        assert_eq!(char_text(0xe9).unwrap(), "\u{e9}".as_bytes());
        assert_eq!(char_text(0x20ac).unwrap(), "\u{20ac}".as_bytes());
        assert_eq!(char_text(0x1f600).unwrap(), "\u{1f600}".as_bytes());
        assert_eq!(char_text(0x10ffff).unwrap(), "\u{10ffff}".as_bytes());
        assert_eq!(char_text(0xd800).unwrap(), b"\xed\xa0\x80");
        for bad in [0x110000, -1, 1 << 40] {
            let error = char_text(bad).unwrap_err();
            assert_eq!(error.kind, super::super::ErrorKind::OverflowError);
            assert_eq!(error.message, b"char not in range(0x110000)");
        }
        let error = write_char(
            &mut Vec::new(),
            &(BigInt::from(1) << 70),
            Flags::default(),
            b' ',
            1,
        )
        .unwrap_err();
        assert_eq!(
            error.message,
            b"overflow converting long int to machine word"
        );
        // Padding counts bytes: the two-byte 'é' gets two spaces in a width of 4.
        let mut out = Vec::new();
        let centered = Flags {
            align: Align::Center,
            ..Flags::default()
        };
        write_char(&mut out, &BigInt::from(0xe9), centered, b' ', 4).unwrap();
        assert_eq!(out, " \u{e9} ".as_bytes());
    }

    #[test]
    fn underscores_in_big_numbers_depend_on_the_small_int_width() {
        // krait's 31-bit small ints (and the 32-bit webassembly runtime): the big-int
        // re-parse stops at the first `_`.
        let error = parse_int(b"1_000_000_000_000", 10, 31).unwrap_err();
        assert_eq!(
            error.message,
            b"invalid syntax for integer with base 10: '1_000_000_000_000'"
        );
        // The 64-bit unix port's 63-bit small ints hold it.
        assert_eq!(
            parse_int(b"1_000_000_000_000", 10, 63),
            Ok(big("1000000000000"))
        );
        assert!(parse_int(b"1_000_000_000_000_000_000_000", 10, 63).is_err());
        assert_eq!(parse_int(b"  -0x_ff_ff  ", 0, 31), Ok(big("-65535")));
    }

    #[test]
    fn big_int_to_float_accumulates_32_bit_digits() {
        assert_eq!(int_to_f64(&big("9007199254740993")), 9007199254740992.0);
        assert_eq!(int_to_f64(&big("-1000000000000000000000")), -1e21);
        // CPython rounds this correctly to 0x1.2fd4b83b8a453p+149; MicroPython's digit-wise
        // accumulation (32-bit digits on x86-64) gives the float just below.
        let n = big("846957036358777114547875397617949635788771600");
        assert_eq!(int_to_f64(&n), f64::from_bits(0x4942_fd4b_83b8_a452));
    }

    #[test]
    fn float_to_int_truncates_exactly() {
        assert_eq!(f64_to_int(-2.7), Ok(big("-2")));
        assert_eq!(f64_to_int(1e20), Ok(big("100000000000000000000")));
        assert_eq!(f64_to_int(-1e300).unwrap().to_string().len(), 302);
        assert_eq!(
            f64_to_int(f64::INFINITY).unwrap_err().message,
            b"can't convert inf to int"
        );
        assert_eq!(
            f64_to_int(f64::NAN).unwrap_err().message,
            b"can't convert NaN to int"
        );
    }
}
