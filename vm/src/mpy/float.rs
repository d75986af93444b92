//! Floats as text, exactly as `mpy-cross` 1.29 (x86-64) prints and parses them.
//!
//! A `.mpy` stores float and complex constants as the text of their `repr`, so the writer must
//! reproduce MicroPython's printer digit for digit, and the reader must recover the same double
//! that MicroPython's parser would. Both differ from Rust's (and CPython's) shortest
//! round-trip algorithms: the printer starts at 16 significant digits and adds digits until
//! MicroPython's own parser maps the text back to the value, with all scaling done in x87
//! extended precision (`py/formatfloat.c`, `py/parsenum.c` with
//! `MICROPY_FLOAT_FORMAT_IMPL_EXACT`). For example `5e-324` prints as `4.940656458412465e-324`.

use super::f80::F80;

/// Digits the printer never exceeds (`MAX_MANTISSA_DIGITS` for doubles).
const MAX_DIGITS: i32 = 19;
/// Digits the printer tries first (`SAFE_MANTISSA_DIGITS` for doubles).
const FIRST_TRY_DIGITS: i32 = 16;
/// Decimal exponents below this are printed in full; from it on, with an exponent (as `repr`).
const MAX_EXPONENT_AS_ZEROS: i32 = 16;
/// Past this the parser stops accumulating mantissa digits and counts them as zeros.
const MANTISSA_MAX: u64 = 0x1999_9999_9999_9998;

/// The text of `repr(x)` for a MicroPython float: `0.1`, `1e+100`, `-0.0`, `inf`, `nan`.
pub fn float_repr(x: f64) -> String {
    let mut text = format_repr_digits(x, None);
    // `float.__repr__` always shows that the value is a float.
    if !text.contains(['.', 'e', 'n']) {
        text.push_str(".0");
    }
    text
}

/// The text of `repr(complex(real, imag))`: `2j`, or `(1+2j)` when the real part is non-zero.
pub fn complex_repr(real: f64, imag: f64) -> String {
    if real != 0.0 {
        format!(
            "({}{}j)",
            format_repr_digits(real, None),
            format_repr_digits(imag, Some('+'))
        )
    } else {
        format!("{}j", format_repr_digits(imag, None))
    }
}

/// A number parsed from decimal text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decimal {
    Float(f64),
    /// An imaginary literal such as `2j`: the real part is always zero.
    Imaginary(f64),
}

/// Parses `text` as MicroPython's `float()` does (`mp_parse_num_decimal` without forcing a
/// complex result): surrounding whitespace, a sign, `inf`/`infinity`/`nan` in any case,
/// digits with `_`, a fraction and an exponent; with `allow_imag`, a trailing `j` as well.
/// Returns `None` where MicroPython raises `ValueError: invalid syntax for number`.
pub fn parse_decimal(text: &[u8], allow_imag: bool) -> Option<Decimal> {
    let mut pos = skip_space(text, 0);
    let mut negative = false;
    if let Some(&sign @ (b'+' | b'-')) = text.get(pos) {
        negative = sign == b'-';
        pos += 1;
    }
    let value_start = pos;
    let rest = &text[pos..];
    let mut value;
    if starts_with_ignore_case(rest, b"inf") {
        value = f64::INFINITY;
        pos += 3;
        if starts_with_ignore_case(&text[pos..], b"inity") {
            pos += 5;
        }
    } else if starts_with_ignore_case(rest, b"nan") {
        value = f64::NAN;
        pos += 3;
    } else {
        let (parsed, used) = parse_unsigned(rest)?;
        value = parsed;
        pos += used;
    }
    let mut imaginary = false;
    if allow_imag && matches!(text.get(pos), Some(b'j' | b'J')) {
        if pos == value_start {
            // A bare `j` means `1j`.
            value = 1.0;
        }
        pos += 1;
        imaginary = true;
    }
    if negative {
        value = -value;
    }
    if pos == value_start || skip_space(text, pos) != text.len() {
        return None;
    }
    Some(if imaginary {
        Decimal::Imaginary(value)
    } else {
        Decimal::Float(value)
    })
}

/// MicroPython's `unichar_isspace` for ASCII.
fn skip_space(text: &[u8], mut pos: usize) -> usize {
    while matches!(text.get(pos), Some(b' ' | b'\t'..=b'\r')) {
        pos += 1;
    }
    pos
}

fn starts_with_ignore_case(text: &[u8], word: &[u8]) -> bool {
    text.len() >= word.len() && text[..word.len()].eq_ignore_ascii_case(word)
}

/// `mp_format_float(x, 'g', MP_FLOAT_REPR_PREC)` with an optional forced sign character.
fn format_repr_digits(x: f64, sign: Option<char>) -> String {
    let mut out = String::new();
    let mut magnitude = x;
    let mut sign = sign;
    if x.is_sign_negative() && !x.is_nan() {
        magnitude = -x;
        sign = Some('-');
    }
    if let Some(sign) = sign {
        out.push(sign);
    }
    if magnitude.is_infinite() {
        out.push_str("inf");
    } else if magnitude.is_nan() {
        out.push_str("nan");
    } else {
        out.push_str(&format_unsigned(magnitude));
    }
    out
}

/// The digits of a finite non-negative double, as the repr printer lays them out.
fn format_unsigned(f: f64) -> String {
    let exponent = decimal_exponent(f);
    let mut num_digits = FIRST_TRY_DIGITS;
    loop {
        let scale = if f == 0.0 {
            0
        } else {
            num_digits - exponent - 1
        };
        let scaled = decimal_exp(F80::from_f64(f), scale).add(F80::from_f64(0.5));
        let mantissa = scaled.to_u64_truncated();
        let text = layout_mantissa(mantissa, num_digits, MAX_DIGITS - num_digits, exponent);
        // Stop at the first length whose text MicroPython parses back to the same value.
        if num_digits >= MAX_DIGITS || parse_unsigned(text.as_bytes()).map(|(v, _)| v) == Some(f) {
            return text;
        }
        num_digits += 1;
    }
}

/// The power of ten of the leading digit of `f` (computed with MicroPython's estimate-and-step
/// method, whose powers of ten are rounded to double).
fn decimal_exponent(f: f64) -> i32 {
    if f == 0.0 {
        return 0;
    }
    let binary_exponent = ((f.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let mut exponent = (f64::from(binary_exponent) * std::f64::consts::LOG10_2) as i32;
    let at_least_one = f >= 1.0;
    let power = |e: i32| decimal_exp(F80::from_u64(1), e + i32::from(at_least_one)).to_f64();
    let mut bound = power(exponent);
    while (f >= bound) == at_least_one {
        exponent += if at_least_one { 1 } else { -1 };
        bound = power(exponent);
    }
    exponent
}

/// `num * 10^dec_exp` by binary powering in extended precision (`mp_decimal_exp`).
fn decimal_exp(num: F80, dec_exp: i32) -> F80 {
    if dec_exp == 0 || num.is_zero() {
        return num;
    }
    let divide = dec_exp < 0;
    let mut remaining = dec_exp.unsigned_abs();
    let mut result = num;
    let mut power = F80::from_u64(10);
    while remaining != 0 {
        if remaining & 1 == 1 {
            result = if divide {
                result.div(power)
            } else {
                result.mul(power)
            };
        }
        remaining >>= 1;
        if remaining != 0 {
            power = power.mul(power);
        }
    }
    result
}

/// Lays out `mantissa` (nominally `num_digits` digits, the first of weight `10^exponent`) in
/// `%g` style: plain digits when `-4 <= exponent < 16`, otherwise `d.ddde±XX`; trailing zeros
/// of the fraction dropped (`mp_format_mantissa` in `'g'` mode).
fn layout_mantissa(
    mut mantissa: u64,
    mut num_digits: i32,
    mut trailing_zeros: i32,
    mut exponent: i32,
) -> String {
    let cap = 10u64.pow(num_digits as u32);
    let mut buf = [0u8; 64];
    let mut end = 0usize;
    // Index of the digit after which the decimal point goes; 255 when the text already has one.
    let mut point: i32 = 0;
    if mantissa >= cap {
        // Rounding produced one digit too many.
        mantissa /= 10;
        exponent += 1;
    }
    if exponent > 0 && exponent < MAX_EXPONENT_AS_ZEROS {
        point += exponent;
        if point >= num_digits {
            trailing_zeros = point - (num_digits - 1);
        }
        exponent = 0;
    } else if (-4..0).contains(&exponent) {
        let mut dropped = 0;
        while exponent < 0 && mantissa.is_multiple_of(10) {
            mantissa /= 10;
            dropped += 1;
            exponent += 1;
        }
        num_digits -= dropped;
        buf[..2].copy_from_slice(b"0.");
        end = 2;
        for _ in 0..(dropped - exponent - 1).max(0) {
            buf[end] = b'0';
            end += 1;
        }
        point = 255;
        exponent = 0;
    }

    for digit in (0..num_digits).rev() {
        let offset = if digit > point { digit + 1 } else { digit };
        buf[end + offset as usize] = b'0' + (mantissa % 10) as u8;
        mantissa /= 10;
    }
    let mut has_point = point >= 255;
    if point + 1 < num_digits {
        has_point = true;
        buf[end + point as usize + 1] = b'.';
        end += 1;
    }
    end += num_digits as usize;

    if trailing_zeros > 0 {
        point -= num_digits - 1;
        for _ in 0..trailing_zeros {
            if point == 0 {
                buf[end] = b'.';
                end += 1;
                has_point = true;
            }
            point -= 1;
            buf[end] = b'0';
            end += 1;
        }
    }
    if has_point {
        while buf[end - 1] == b'0' {
            end -= 1;
        }
        if buf[end - 1] == b'.' {
            end -= 1;
        }
    }

    let mut text: String = buf[..end].iter().map(|&b| char::from(b)).collect();
    if exponent != 0 {
        text.push('e');
        text.push(if exponent >= 0 { '+' } else { '-' });
        let magnitude = exponent.unsigned_abs();
        if magnitude >= 100 {
            text.push(char::from(b'0' + (magnitude / 100) as u8));
        }
        text.push(char::from(b'0' + (magnitude / 10 % 10) as u8));
        text.push(char::from(b'0' + (magnitude % 10) as u8));
    }
    text
}

/// Where a digit goes while parsing (`parse_dec_in_t`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Integer,
    Fraction,
    Exponent,
}

/// `mp_parse_float_internal`: parses an unsigned decimal prefix of `text`, returning the value
/// and the bytes used, or `None` for an exponent marker with nothing after it.
fn parse_unsigned(text: &[u8]) -> Option<(f64, usize)> {
    let mut part = Part::Integer;
    let mut exponent_negative = false;
    let mut mantissa: u64 = 0;
    let mut exponent: i64 = 0;
    let mut exponent_extra: i64 = 0;
    let mut deferred_integer_zeros: i64 = 0;
    let mut deferred_fraction_zeros: i64 = 0;

    // Appends one digit, or once the mantissa is full, accounts for it in the exponent.
    let mut accept = |mantissa: u64, digit: u64, part: Part| -> u64 {
        if mantissa < MANTISSA_MAX {
            if part == Part::Fraction {
                exponent_extra -= 1;
            }
            10 * mantissa + digit
        } else {
            if part == Part::Integer {
                exponent_extra += 1;
            }
            mantissa
        }
    };

    let mut pos = 0;
    while pos < text.len() {
        let c = text[pos];
        pos += 1;
        if c.is_ascii_digit() {
            let digit = u64::from(c - b'0');
            if part == Part::Exponent {
                // Stop growing before overflow; the value is then 0 or inf anyway.
                if exponent < (i64::from(i32::MAX) / 2 - 9) / 10 {
                    exponent = 10 * exponent + digit as i64;
                }
            } else if digit == 0 || mantissa >= MANTISSA_MAX {
                // Zeros are only accepted once a non-zero digit follows them.
                if part == Part::Integer {
                    deferred_integer_zeros += 1;
                } else {
                    deferred_fraction_zeros += 1;
                }
            } else {
                for _ in 0..deferred_integer_zeros {
                    mantissa = accept(mantissa, 0, Part::Integer);
                }
                deferred_integer_zeros = 0;
                for _ in 0..deferred_fraction_zeros {
                    mantissa = accept(mantissa, 0, Part::Fraction);
                }
                deferred_fraction_zeros = 0;
                mantissa = accept(mantissa, digit, part);
            }
        } else if part == Part::Integer && c == b'.' {
            part = Part::Fraction;
        } else if part != Part::Exponent && c | 0x20 == b'e' {
            part = Part::Exponent;
            match text.get(pos) {
                Some(b'+') => pos += 1,
                Some(b'-') => {
                    pos += 1;
                    exponent_negative = true;
                }
                _ => {}
            }
            if pos == text.len() {
                return None;
            }
        } else if c != b'_' {
            pos -= 1;
            break;
        }
    }

    if exponent_negative {
        exponent = -exponent;
    }
    let total = (exponent + exponent_extra + deferred_integer_zeros)
        .clamp(-i64::from(i32::MAX), i64::from(i32::MAX)) as i32;
    Some((decimal_exp(F80::from_u64(mantissa), total).to_f64(), pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_of_tricky_values() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (0.5, "0.5"),
            (1.5, "1.5"),
            (100.0, "100.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1e100, "1e+100"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (0.001234, "0.001234"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "nan"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "4.940656458412465e-324"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
        ];
        for &(value, text) in cases {
            assert_eq!(float_repr(value), text, "repr of {value:e}");
        }
    }

    #[test]
    fn complex_repr_shows_real_part_only_when_non_zero() {
        assert_eq!(complex_repr(0.0, 2.0), "2j");
        assert_eq!(complex_repr(0.0, -2.5), "-2.5j");
        assert_eq!(complex_repr(1.0, 2.0), "(1+2j)");
        assert_eq!(complex_repr(1.0, -2.0), "(1-2j)");
        assert_eq!(complex_repr(0.0, f64::INFINITY), "infj");
    }

    #[test]
    fn parser_accepts_micropython_syntax() {
        assert_eq!(parse_decimal(b"1.5", false), Some(Decimal::Float(1.5)));
        assert_eq!(
            parse_decimal(b" -2e3 ", false),
            Some(Decimal::Float(-2000.0))
        );
        assert_eq!(parse_decimal(b"1_0.0", false), Some(Decimal::Float(10.0)));
        assert_eq!(
            parse_decimal(b"-INFINITY", false),
            Some(Decimal::Float(f64::NEG_INFINITY))
        );
        assert!(matches!(parse_decimal(b"nan", false), Some(Decimal::Float(x)) if x.is_nan()));
        assert_eq!(parse_decimal(b"2j", true), Some(Decimal::Imaginary(2.0)));
        assert_eq!(parse_decimal(b"j", true), Some(Decimal::Imaginary(1.0)));
        assert_eq!(
            parse_decimal(b"1e400", false),
            Some(Decimal::Float(f64::INFINITY))
        );
        assert_eq!(parse_decimal(b"1e-400", false), Some(Decimal::Float(0.0)));
        assert_eq!(parse_decimal(b"2j", false), None);
        assert_eq!(parse_decimal(b"(1+2j)", true), None);
        assert_eq!(parse_decimal(b"", false), None);
        assert_eq!(parse_decimal(b"-", false), None);
        assert_eq!(parse_decimal(b"1e", false), None);
        assert_eq!(parse_decimal(b"1x", false), None);
    }

    #[test]
    fn printed_text_parses_back_to_the_value() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            // xorshift: random bit patterns cover every exponent, subnormals included.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let value = f64::from_bits(state);
            if !value.is_finite() {
                continue;
            }
            let text = float_repr(value);
            match parse_decimal(text.as_bytes(), false) {
                Some(Decimal::Float(back)) => assert_eq!(back.to_bits(), value.to_bits(), "{text}"),
                other => panic!("{text} parsed as {other:?}"),
            }
        }
    }
}
