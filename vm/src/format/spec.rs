//! The format-spec mini-language of `str.format`:
//! `[[fill]align][sign][#][0][width][,|_][.precision][type]`.

use super::error::FormatError;

/// A parsed format spec. Numbers keep MicroPython's C `int` behaviour (wrapping on overflow);
/// `-1` means absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatSpec {
    /// The fill byte, when given before an alignment.
    pub fill: Option<u8>,
    /// One of `<`, `>`, `=`, `^`.
    pub align: Option<u8>,
    /// `+`, `-` or ` `.
    pub sign: Option<u8>,
    /// `#`.
    pub alternate: bool,
    /// A `0` before the width: zero fill, and `=` alignment for numbers.
    pub zero: bool,
    pub width: i32,
    /// `,` or `_`.
    pub grouping: Option<u8>,
    pub precision: i32,
    /// One of `bcdeEfFgGnosxX%`.
    pub kind: Option<u8>,
}

impl Default for FormatSpec {
    fn default() -> Self {
        FormatSpec {
            fill: None,
            align: None,
            sign: None,
            alternate: false,
            zero: false,
            width: -1,
            grouping: None,
            precision: -1,
            kind: None,
        }
    }
}

fn is_alignment(byte: u8) -> bool {
    matches!(byte, b'<' | b'>' | b'=' | b'^')
}

fn is_kind(byte: u8) -> bool {
    b"bcdeEfFgGnosxX%".contains(&byte)
}

/// Parses a format spec (after any nested fields were substituted). As in MicroPython, which
/// reads the spec as a C string, a NUL byte ends it; anything unparsed before that is
/// `ValueError: invalid format specifier`.
pub fn parse_spec(spec: &[u8]) -> Result<FormatSpec, FormatError> {
    let end = spec.iter().position(|&b| b == 0).unwrap_or(spec.len());
    let spec = &spec[..end];
    let at = |pos: usize| spec.get(pos).copied().unwrap_or(0);
    let mut parsed = FormatSpec::default();
    let mut pos = 0;
    if is_alignment(at(0)) {
        parsed.align = Some(at(0));
        pos = 1;
    } else if at(0) != 0 && is_alignment(at(1)) {
        parsed.fill = Some(at(0));
        parsed.align = Some(at(1));
        pos = 2;
    }
    if matches!(at(pos), b'+' | b'-' | b' ') {
        parsed.sign = Some(at(pos));
        pos += 1;
    }
    if at(pos) == b'#' {
        parsed.alternate = true;
        pos += 1;
    }
    // The `0` is not consumed: it also starts the width.
    parsed.zero = at(pos) == b'0';
    pos = read_number(spec, pos, &mut parsed.width);
    if matches!(at(pos), b',' | b'_') {
        parsed.grouping = Some(at(pos));
        pos += 1;
    }
    if at(pos) == b'.' {
        pos = read_number(spec, pos + 1, &mut parsed.precision);
    }
    if is_kind(at(pos)) {
        parsed.kind = Some(at(pos));
        pos += 1;
    }
    if pos < spec.len() {
        return Err(FormatError::value("invalid format specifier"));
    }
    Ok(parsed)
}

/// Reads decimal digits at `pos` into `number` (only if there is at least one), wrapping like
/// a C `int`; returns the position after them.
pub(crate) fn read_number(text: &[u8], mut pos: usize, number: &mut i32) -> usize {
    if text.get(pos).is_some_and(u8::is_ascii_digit) {
        *number = 0;
        while let Some(&digit @ b'0'..=b'9') = text.get(pos) {
            *number = number
                .wrapping_mul(10)
                .wrapping_add(i32::from(digit - b'0'));
            pos += 1;
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_part() {
        let spec = parse_spec(b"*^+#012,.3f").unwrap();
        assert_eq!(
            spec,
            FormatSpec {
                fill: Some(b'*'),
                align: Some(b'^'),
                sign: Some(b'+'),
                alternate: true,
                zero: true,
                width: 12,
                grouping: Some(b','),
                precision: 3,
                kind: Some(b'f'),
            }
        );
        assert_eq!(parse_spec(b"").unwrap(), FormatSpec::default());
        assert_eq!(parse_spec(b"<").unwrap().align, Some(b'<'));
        assert_eq!(parse_spec(b"x<").unwrap().fill, Some(b'x'));
        // An alignment character is read as the alignment first, so it cannot be the fill
        // (CPython accepts `<<`; MicroPython does not).
        assert!(parse_spec(b"<<").is_err());
        assert_eq!(parse_spec(b".f").unwrap().precision, -1);
        assert_eq!(parse_spec(b"_x").unwrap().grouping, Some(b'_'));
        // A NUL ends the spec, as in C.
        assert_eq!(parse_spec(b"d\0junk").unwrap().kind, Some(b'd'));
    }

    #[test]
    fn rejects_leftovers() {
        for bad in [
            &b"dd"[..],
            b"5.2.1",
            b"z",
            b",,",
            b"10 ",
            "\u{e9}<5".as_bytes(),
        ] {
            let error = parse_spec(bad).unwrap_err();
            assert_eq!(error.message, b"invalid format specifier", "{bad:?}");
        }
    }

    #[test]
    fn width_wraps_like_a_c_int() {
        assert_eq!(parse_spec(b"4294967297").unwrap().width, 1);
    }
}
