//! Integer and float literal values, with MicroPython's acceptance rules and messages
//! (`py/parsenum.c`): underscores are skipped anywhere, a leading `0` allows only zeros.

use num_bigint::BigInt;
use num_traits::Zero;

/// Value of an integer literal, or the message of the `SyntaxError` MicroPython raises.
pub(super) fn parse_integer(text: &str) -> Result<BigInt, String> {
    let bytes = text.as_bytes();
    let (base, digits_start, shown_base) = match bytes {
        [b'0', p, ..] if p | 0x20 == b'x' => (16, 2, 16),
        [b'0', p, ..] if p | 0x20 == b'o' => (8, 2, 8),
        [b'0', p, ..] if p | 0x20 == b'b' => (2, 2, 2),
        // A leading zero makes MicroPython parse in "base 1": only zeros are valid.
        [b'0', _, ..] => (1, 0, 0),
        _ => (10, 0, 10),
    };
    let digits = &bytes[digits_start..];
    let mut value = BigInt::zero();
    let mut consumed = 0;
    for &c in digits {
        let digit = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'_' => {
                consumed += 1;
                continue;
            }
            c if (c | 0x20).is_ascii_lowercase() => u32::from((c | 0x20) - b'a') + 10,
            _ => break,
        };
        if digit >= base {
            break;
        }
        value = value * base.max(2) + digit;
        consumed += 1;
    }
    if consumed == 0 || consumed != digits.len() {
        let shown = String::from_utf8_lossy(digits);
        return Err(format!(
            "invalid syntax for integer with base {shown_base}: '{shown}'"
        ));
    }
    Ok(value)
}

/// A float or imaginary literal: `(value, is_imaginary)`.
pub(super) fn parse_float(text: &str) -> Result<(f64, bool), String> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let (body, imag) = match cleaned.strip_suffix(['j', 'J']) {
        Some(body) => (body, true),
        None => (cleaned.as_str(), false),
    };
    let value = body
        .parse::<f64>()
        .ok()
        .filter(|_| {
            body.bytes()
                .all(|b| b.is_ascii_digit() || b".eE+-".contains(&b))
        })
        .ok_or_else(|| "invalid syntax for number".to_string())?;
    Ok((value, imag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_every_base() {
        assert_eq!(parse_integer("123").unwrap(), BigInt::from(123));
        assert_eq!(parse_integer("0x_ff").unwrap(), BigInt::from(255));
        assert_eq!(parse_integer("0O17").unwrap(), BigInt::from(15));
        assert_eq!(parse_integer("0b101").unwrap(), BigInt::from(5));
        assert_eq!(parse_integer("1__0").unwrap(), BigInt::from(10));
        assert_eq!(parse_integer("00").unwrap(), BigInt::from(0));
        assert_eq!(
            parse_integer("123456789012345678901234567890").unwrap(),
            "123456789012345678901234567890".parse::<BigInt>().unwrap()
        );
    }

    #[test]
    fn integer_errors_match_mpy_cross() {
        // Messages verified with mpy-cross 1.29 on `x = 012` and `x = 0x`.
        assert_eq!(
            parse_integer("012").unwrap_err(),
            "invalid syntax for integer with base 0: '012'"
        );
        assert_eq!(
            parse_integer("0x").unwrap_err(),
            "invalid syntax for integer with base 16: ''"
        );
    }

    #[test]
    fn floats_and_imaginary() {
        assert_eq!(parse_float("1.5e3").unwrap(), (1500.0, false));
        assert_eq!(parse_float("1_0.5").unwrap(), (10.5, false));
        assert_eq!(parse_float("2j").unwrap(), (2.0, true));
        assert_eq!(parse_float(".5").unwrap(), (0.5, false));
        assert!(parse_float("1e400").unwrap().0.is_infinite());
    }
}
