//! Token-stream tests. Expected errors were taken from running the real `mpy-cross` 1.29 on
//! the same source (`mpy-cross x.py`), as noted per table.

use super::*;

/// Renders the tokens compactly: names and literals with their text, the rest by kind.
fn render(source: &str) -> String {
    match tokenize(source) {
        Ok(tokens) => tokens
            .iter()
            .map(|token| render_kind(&token.kind))
            .collect::<Vec<_>>()
            .join(" "),
        Err(error) => format!("error {}@{}", error, error.line),
    }
}

fn render_kind(kind: &TokenKind) -> String {
    match kind {
        TokenKind::Name(name) => name.clone(),
        TokenKind::Integer(text) => format!("int:{text}"),
        TokenKind::FloatOrImag(text) => format!("float:{text}"),
        TokenKind::Str(text) => format!("{text:?}"),
        TokenKind::Bytes(bytes) => format!("b{:?}", String::from_utf8_lossy(bytes)),
        other => format!("{other:?}"),
    }
}

#[test]
fn smoke() {
    assert_eq!(render("x = 1\n"), "x DelEqual int:1 Newline End");
}
