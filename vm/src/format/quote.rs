//! Quoting text as `repr` shows it (`mp_str_print_quoted`).

/// `data` between quotes, as `repr` of a str (`is_bytes` false) or the inside of a bytes
/// repr: `'` unless the text has a `'` and no `"`; `\\`, `\n`, `\r`, `\t` and `\xNN` for
/// other control bytes, and for bytes objects also for bytes above 0x7e. In a str, non-ASCII
/// text is shown as it is.
pub fn quote(data: &[u8], is_bytes: bool) -> Vec<u8> {
    let has_single = data.contains(&b'\'');
    let has_double = data.contains(&b'"');
    let quote = if has_single && !has_double {
        b'"'
    } else {
        b'\''
    };
    let mut out = Vec::with_capacity(data.len() + 2);
    out.push(quote);
    for &byte in data {
        match byte {
            _ if byte == quote => out.extend_from_slice(&[b'\\', quote]),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x20..=0x7e => out.push(byte),
            0x80.. if !is_bytes => out.push(byte),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => out.extend_from_slice(format!("\\x{byte:02x}").as_bytes()),
        }
    }
    out.push(quote);
    out
}

/// `repr` of a `str`: the text in MicroPython's quotes.
pub fn repr_str(text: &str) -> String {
    // Escapes are ASCII and other bytes are copied whole, so valid UTF-8 stays valid.
    String::from_utf8_lossy(&quote(text.as_bytes(), false)).into_owned()
}

/// `repr` of a `bytes`: `b` and the quoted bytes, all ASCII.
pub fn repr_bytes(data: &[u8]) -> String {
    format!("b{}", String::from_utf8_lossy(&quote(data, true)))
}

#[cfg(test)]
mod tests {
    use super::{quote, repr_bytes, repr_str};

    #[test]
    fn picks_quotes_and_escapes_as_micropython() {
        let cases: &[(&[u8], bool, &[u8])] = &[
            (b"abc", false, b"'abc'"),
            (b"a'b", false, b"\"a'b\""),
            (b"a'b\"", false, b"'a\\'b\"'"),
            (b"a\"b", false, b"'a\"b'"),
            (b"\\\n\r\t\x00\x7f", false, b"'\\\\\\n\\r\\t\\x00\\x7f'"),
            ("\u{e9}".as_bytes(), false, "'\u{e9}'".as_bytes()),
            ("\u{e9}".as_bytes(), true, b"'\\xc3\\xa9'"),
        ];
        for &(data, is_bytes, expected) in cases {
            assert_eq!(quote(data, is_bytes), expected, "{data:?}");
        }
    }

    #[test]
    fn reprs_of_str_and_bytes() {
        assert_eq!(repr_str("a'b"), "\"a'b\"");
        assert_eq!(repr_str("\n\x01\u{e9}"), "'\\n\\x01\u{e9}'");
        assert_eq!(repr_bytes(b"a\xff'"), "b\"a\\xff'\"");
    }
}
