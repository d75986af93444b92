//! Padding a piece of text to a width (`mp_print_strn`), the last step of every conversion.

use super::error::{ErrorKind, FormatError};

/// The most padding one field may ask for. MicroPython would try to allocate any width and
/// raise `MemoryError` when its heap cannot hold it; widths beyond this could not fit in a
/// krait heap either, and refusing them early keeps a typo like `{:999999999}` from
/// exhausting the host's memory.
const MAX_PADDING: i64 = 1 << 26;

fn too_wide(bytes: i64) -> FormatError {
    FormatError::new(
        ErrorKind::MemoryError,
        format!("memory allocation failed, allocating {bytes} bytes"),
    )
}

/// Where the padding goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Align {
    Left,
    #[default]
    Right,
    Center,
}

/// How a number or text is printed: MicroPython's `PF_FLAG_*` bits as fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Flags {
    pub(crate) align: Align,
    /// Numbers put their sign (and base prefix) before the padding (`=` alignment, or the `0`
    /// flag of `%`, which can be combined with `-` and then pads zeros on the right).
    pub(crate) after_sign: bool,
    /// `+`: a sign on non-negative numbers too.
    pub(crate) show_sign: bool,
    /// ` `: a space where a non-negative number's sign would go.
    pub(crate) space_sign: bool,
    /// `#`: the `0b`/`0o`/`0x` prefix.
    pub(crate) show_prefix: bool,
    /// Octal prefixes are `0o` rather than `0`.
    pub(crate) octal_letter: bool,
    /// `,` or `_` between digit groups; zero padding then continues the grouping.
    pub(crate) grouping: Option<u8>,
}

/// Appends `text` padded with `fill` to `width` bytes (MicroPython counts bytes, not
/// characters). Zero fill with grouping continues the digit groups into the padding, adding a
/// zero when the padding would otherwise start with a separator.
pub(crate) fn pad_into(
    out: &mut Vec<u8>,
    text: &[u8],
    flags: Flags,
    fill: u8,
    width: i32,
) -> Result<(), FormatError> {
    let mut pad = i64::from(width) - text.len() as i64;
    if pad > MAX_PADDING {
        return Err(too_wide(pad));
    }
    let mut width = i64::from(width);
    let chunk: Vec<u8> = match (fill, flags.grouping) {
        (0 | b' ', _) => vec![b' '],
        (b'0', None) => vec![b'0'],
        (b'0', Some(separator)) => {
            // The padding repeats one group (`0000_` or `000,`) from a phase chosen so that
            // the separators line up with those in the digits.
            let period: i64 = if separator == b'_' { 5 } else { 4 };
            if width % period == 0 {
                pad += 1;
                width += 1;
            }
            let phase = period - 1 - width.rem_euclid(period);
            (0..period)
                .map(|i| {
                    if (phase + i) % period == period - 1 {
                        separator
                    } else {
                        b'0'
                    }
                })
                .collect()
        }
        (other, _) => vec![other],
    };
    let (left, right) = match flags.align {
        Align::Center => (pad / 2, pad - pad / 2),
        Align::Left => (0, pad),
        Align::Right => (pad, 0),
    };
    push_padding(out, &chunk, left);
    out.extend_from_slice(text);
    push_padding(out, &chunk, right);
    Ok(())
}

/// Appends `count` bytes of padding, restarting `chunk` every `chunk.len()` bytes.
fn push_padding(out: &mut Vec<u8>, chunk: &[u8], mut count: i64) {
    while count > 0 {
        let take = count.min(chunk.len() as i64);
        out.extend_from_slice(&chunk[..take as usize]);
        count -= take;
    }
}

/// Appends `count` spaces (nothing when `count` is not positive).
pub(crate) fn spaces_into(out: &mut Vec<u8>, count: i32) -> Result<(), FormatError> {
    if i64::from(count) > MAX_PADDING {
        return Err(too_wide(i64::from(count)));
    }
    push_padding(out, b" ", i64::from(count));
    Ok(())
}
