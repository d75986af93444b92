//! Whether the REPL's input so far needs another line before it can run, by MicroPython's
//! rules (`mp_repl_continue_with_input` in `py/repl.c`): open brackets or triple quotes, a
//! trailing backslash, or a compound statement whose last line is not yet blank.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    Double,
    TripleSingle,
    TripleDouble,
}

/// Whether `input` (lines joined by `\n`) continues on another line.
pub fn needs_more_input(input: &str) -> bool {
    if input.is_empty() {
        return false;
    }
    let compound = input.starts_with('@')
        || ["if", "while", "for", "try", "with", "def", "class", "async"]
            .iter()
            .any(|keyword| starts_with_word(input, keyword));

    let bytes = input.as_bytes();
    let mut depth = [0i32; 3];
    let mut quote = Quote::None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let triple = |q: u8| bytes.get(i + 1) == Some(&q) && bytes.get(i + 2) == Some(&q);
        match c {
            b'\'' | b'"' => {
                let (one, three) = if c == b'\'' {
                    (Quote::Single, Quote::TripleSingle)
                } else {
                    (Quote::Double, Quote::TripleDouble)
                };
                if (quote == Quote::None || quote == three) && triple(c) {
                    i += 2;
                    quote = if quote == three { Quote::None } else { three };
                } else if quote == Quote::None || quote == one {
                    quote = if quote == one { Quote::None } else { one };
                }
            }
            // An escaped quote or backslash inside a string is skipped.
            b'\\'
                if quote != Quote::None
                    && matches!(bytes.get(i + 1), Some(b'\'' | b'"' | b'\\')) =>
            {
                i += 1;
            }
            _ if quote == Quote::None => match c {
                b'(' => depth[0] += 1,
                b')' => depth[0] -= 1,
                b'[' => depth[1] += 1,
                b']' => depth[1] -= 1,
                b'{' => depth[2] += 1,
                b'}' => depth[2] -= 1,
                _ => {}
            },
            _ => {}
        }
        i += 1;
    }
    if matches!(quote, Quote::TripleSingle | Quote::TripleDouble) {
        return true;
    }
    if depth.iter().any(|&d| d > 0) && quote == Quote::None {
        return true;
    }
    let last = bytes[bytes.len() - 1];
    last == b'\\' || (compound && last != b'\n')
}

/// Whether `text` starts with the word `word` (not merely with its letters).
fn starts_with_word(text: &str, word: &str) -> bool {
    text.strip_prefix(word).is_some_and(|rest| {
        !rest
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::needs_more_input;

    #[test]
    fn statements_that_are_complete() {
        for input in [
            "1 + 2",
            "x = (1,\n2)",
            "print('(')",
            "iffy = 1",
            "s = '''a'''",
            "",
        ] {
            assert!(!needs_more_input(input), "{input:?}");
        }
    }

    #[test]
    fn statements_that_continue() {
        for input in [
            "if x:",
            "def f():\n    return 1",
            "for i in x:\n    pass\n    ",
            "@dec",
            "x = (1,",
            "s = '''abc",
            "x = 1 + \\",
            "d = {1: [2,",
            "async def f():",
        ] {
            assert!(needs_more_input(input), "{input:?}");
        }
        // A compound statement ends at its first blank line.
        assert!(!needs_more_input("if x:\n    y\n"));
    }
}
