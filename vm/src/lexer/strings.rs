//! String and bytes literals, including MicroPython's rewriting of f-strings and t-strings.
//!
//! Adjacent literals are joined into one token. An f-string becomes a plain format string
//! whose replacement fields keep their conversion and format spec, and the expressions are
//! pushed back into the input as `.format((expr1),(expr2),)`, so `f'a{x!r:>{w}}b'` lexes as
//! `'a{!r:>{}}b'.format((x),(w),)`. A field ending in `=` also copies its text in front:
//! `f'{a=}'` is `'a={}'.format((a),)`. The expression scan only counts brackets; it knows
//! nothing of quotes.
//!
//! A t-string becomes the name `__template__` followed by pushed-back source text for the
//! call: `t'a{x!r:>5}b'` lexes as `__template__((('a','b',),(x),'x','r','>5',)`, each
//! interpolation giving its value, its source text, its conversion (or `None`) and its format
//! spec (an f-string when the spec has nested fields). The string parts stay source text,
//! escapes included, and are decoded when the pushed-back text is lexed.

use super::{is_space, Kind, Lexer};
use crate::error::{CompileError, ErrorKind};

/// A literal's prefix letters.
#[derive(Clone, Copy, Default)]
struct Prefix {
    /// Letters before the quote: 0, 1 or 2.
    len: usize,
    raw: bool,
    bytes: bool,
    format: bool,
    template: bool,
}

impl Prefix {
    /// Reads the prefix in front of a literal the lexer has already recognised (so a second
    /// letter here is always followed by the quote).
    fn read(first: u8, second: u8) -> Prefix {
        let mut prefix = Prefix::default();
        let has_second_letter = match first {
            b'u' => false,
            b'b' => {
                prefix.bytes = true;
                prefix.raw = second == b'r';
                prefix.raw
            }
            b'r' => {
                prefix.raw = true;
                match second {
                    b'b' => prefix.bytes = true,
                    b'f' => prefix.format = true,
                    b't' => prefix.template = true,
                    _ => return Prefix { len: 1, ..prefix },
                }
                true
            }
            b'f' => {
                prefix.format = true;
                prefix.raw = second == b'r';
                prefix.raw
            }
            b't' => {
                prefix.template = true;
                prefix.raw = second == b'r';
                prefix.raw
            }
            _ => return prefix,
        };
        prefix.len = 1 + usize::from(has_second_letter);
        prefix
    }
}

/// Progress through a t-string's format spec, which is kept apart from the literal text.
#[derive(Default)]
struct TemplateSpec {
    /// Open braces of the current spec, counting the field's own; 0 outside a spec.
    depth: usize,
    /// Where the spec starts in the token text (at the field's `{`).
    start: usize,
    /// The spec has nested fields, so it is passed on as an f-string.
    has_fields: bool,
    interpolations: usize,
}

fn is_quote(byte: u8) -> bool {
    byte == b'\'' || byte == b'"'
}

/// Appends `code` as UTF-8 the way MicroPython does, surrogates included.
fn push_utf8(text: &mut Vec<u8>, code: u32) {
    if code < 0x80 {
        text.push(code as u8);
    } else if code < 0x800 {
        text.push(0xc0 | (code >> 6) as u8);
        text.push(0x80 | (code & 0x3f) as u8);
    } else if code < 0x10000 {
        text.push(0xe0 | (code >> 12) as u8);
        text.push(0x80 | ((code >> 6) & 0x3f) as u8);
        text.push(0x80 | (code & 0x3f) as u8);
    } else {
        text.push(0xf0 | (code >> 18) as u8);
        text.push(0x80 | ((code >> 12) & 0x3f) as u8);
        text.push(0x80 | ((code >> 6) & 0x3f) as u8);
        text.push(0x80 | (code & 0x3f) as u8);
    }
}

impl Lexer<'_> {
    pub(super) fn at_string_start(&self) -> bool {
        let (first, second, third) = (
            self.source.cur(),
            self.source.next(),
            self.source.after_next(),
        );
        is_quote(first)
            || (matches!(first, b'r' | b'u' | b'b' | b'f' | b't') && is_quote(second))
            || (matches!(
                (first, second),
                (b'r', b'f')
                    | (b'f', b'r')
                    | (b'r', b't')
                    | (b't', b'r')
                    | (b'r', b'b')
                    | (b'b', b'r')
            ) && is_quote(third))
    }

    /// Lexes a run of adjacent literals (across lines only inside brackets) into one token.
    /// A `str` literal next to a `bytes` literal ends the run, and the parser rejects the
    /// second token.
    pub(super) fn lex_string_run(&mut self) -> Result<(), CompileError> {
        self.kind = Kind::Unset;
        let mut had_template = false;
        loop {
            let prefix = Prefix::read(self.source.cur(), self.source.next());
            had_template |= prefix.template;
            let kind = if prefix.bytes { Kind::Bytes } else { Kind::Str };
            if self.kind == Kind::Unset {
                self.kind = kind;
            } else if self.kind != kind {
                break;
            }
            for _ in 0..prefix.len {
                self.source.advance();
            }
            self.lex_literal(prefix)?;
            self.skip_whitespace(true);
            if !self.at_string_start() {
                break;
            }
        }

        if had_template {
            // The whole run becomes the `__template__(...)` call's argument text.
            self.text.extend_from_slice(b",),");
            self.fstring_args.splice(0..0, self.text.iter().copied());
            if !self.kind.is_error() {
                self.kind = Kind::Name;
                self.text.clear();
                self.text.extend_from_slice(b"__template__");
            }
        }
        if !self.fstring_args.is_empty() {
            self.fstring_args.push(b')');
            self.source.inject(&self.fstring_args);
            self.fstring_args.clear();
        }
        Ok(())
    }

    /// Lexes one literal, its prefix already skipped, appending its value to the token text.
    fn lex_literal(&mut self, prefix: Prefix) -> Result<(), CompileError> {
        let quote = if self.source.is(b'"') { b'"' } else { b'\'' };
        self.source.advance();
        let quote_count = if self.source.is(quote) && self.source.next() == quote {
            self.source.advance();
            self.source.advance();
            3
        } else {
            1
        };

        if prefix.format && self.fstring_args.is_empty() {
            self.fstring_args.extend_from_slice(b".format(");
        }
        if prefix.template && self.fstring_args.is_empty() {
            self.text.extend_from_slice(b"((");
            self.push_quotes(quote, quote_count);
        }

        let mut spec = TemplateSpec::default();
        let mut closing = 0;
        while !self.source.at_end()
            && (quote_count > 1 || !self.source.is(b'\n'))
            && closing < quote_count
        {
            let cur = self.source.cur();
            if cur == quote {
                closing += 1;
                self.text.push(cur);
            } else if prefix.template && cur == b'\n' {
                // Kept as an escape so the pushed-back literal stays on one line. The count
                // of closing quotes is not reset here, as in MicroPython.
                self.text.extend_from_slice(b"\\n");
            } else {
                closing = 0;
                if (prefix.format || prefix.template) && cur == b'{' {
                    if spec.depth > 0 {
                        // A nested field inside a t-string's format spec stays in the spec.
                        spec.depth += 1;
                    } else {
                        self.lex_replacement_field(prefix, quote, quote_count, &mut spec);
                        continue;
                    }
                }
                if prefix.template && cur == b'\\' {
                    // Left for the lexer to decode when it reads the pushed-back text.
                    self.text.push(b'\\');
                    if prefix.raw {
                        self.text.push(b'\\');
                    } else {
                        self.source.advance();
                        self.text.push(self.source.cur());
                    }
                } else if cur == b'\\' {
                    if self.lex_escape(prefix.raw)? == Escape::LineContinuation {
                        self.source.advance();
                        continue;
                    }
                } else if prefix.template && spec.depth > 0 && cur == b'}' {
                    self.close_template_brace(quote, &mut spec);
                } else {
                    // Copied byte by byte, so UTF-8 passes through unchanged.
                    self.text.push(cur);
                    if prefix.template && cur == b'}' {
                        if self.source.next() == b'}' {
                            self.source.advance();
                        } else {
                            self.kind = Kind::MalformedFstring;
                        }
                    }
                }
            }
            self.source.advance();
        }

        if closing < quote_count {
            self.kind = Kind::LonelyStringOpen;
        }
        if prefix.template {
            if spec.depth > 0 {
                self.kind = Kind::MalformedFstring;
            }
            // A call takes at most 255 arguments; more interpolations go in one tuple.
            if 1 + spec.interpolations * 4 > 255 {
                self.fstring_args.insert(0, b'(');
                self.fstring_args.push(b')');
            }
        } else {
            self.text.truncate(self.text.len() - closing);
        }
        Ok(())
    }

    fn push_quotes(&mut self, quote: u8, count: usize) {
        for _ in 0..count {
            self.text.push(quote);
        }
    }

    /// Handles a `{` in an f-string or t-string: `{{`, or a replacement field whose expression
    /// moves to the format arguments. Stops at the field's `!`, `:` or `}`, which the caller
    /// then reads as literal text.
    fn lex_replacement_field(
        &mut self,
        prefix: Prefix,
        quote: u8,
        quote_count: usize,
        spec: &mut TemplateSpec,
    ) {
        self.source.advance();
        if self.source.is(b'{') {
            // An f-string keeps `{{` for str.format to unescape.
            if !prefix.template {
                self.text.push(b'{');
            }
            self.source.advance();
            self.text.push(b'{');
            return;
        }

        // Each argument is parenthesised, so `f'{a,b}'` formats the tuple.
        self.fstring_args.push(b'(');
        let start = self.fstring_args.len();
        // MicroPython keeps this count in an unsigned int, so a stray `]` or `}` wraps it and
        // the expression then runs to the end of the input.
        let mut depth: u32 = 0;
        while !self.source.at_end() && (depth != 0 || !self.at_field_end()) {
            let cur = self.source.cur();
            match cur {
                b'[' | b'{' => depth = depth.wrapping_add(1),
                b']' | b'}' => depth = depth.wrapping_sub(1),
                _ => {}
            }
            self.fstring_args.push(cur);
            self.source.advance();
        }

        let self_documenting = self.fstring_args.last() == Some(&b'=');
        if self_documenting {
            self.text.extend_from_slice(&self.fstring_args[start..]);
            self.fstring_args.pop();
        }
        if prefix.template {
            while self.fstring_args.last().is_some_and(|&byte| is_space(byte)) {
                self.fstring_args.pop();
            }
        }
        if self.fstring_args.len() == start {
            self.kind = Kind::MalformedFstring;
        }
        self.fstring_args.extend_from_slice(b"),");

        if prefix.template {
            self.start_template_interpolation(start, quote, quote_count, self_documenting);
            spec.depth = 1;
            spec.start = self.text.len();
        }
        self.text.push(b'{');
    }

    /// Whether the expression scan stops here: at `:`, `}`, or a `!r`/`!s` conversion.
    fn at_field_end(&self) -> bool {
        let (cur, next, after_next) = (
            self.source.cur(),
            self.source.next(),
            self.source.after_next(),
        );
        cur == b':'
            || cur == b'}'
            || (cur == b'!' && matches!(next, b'r' | b's') && matches!(after_next, b':' | b'}'))
    }

    /// After a t-string field's expression (`fstring_args[expr_start..]` is `expr),`): adds
    /// the expression's text and the conversion, ends the current string part and consumes
    /// the `!c` and `:` that precede the format spec.
    fn start_template_interpolation(
        &mut self,
        expr_start: usize,
        quote: u8,
        quote_count: usize,
        self_documenting: bool,
    ) {
        let expr_end = self.fstring_args.len() - 2;
        self.fstring_args.push(quote);
        for index in expr_start..expr_end {
            let byte = self.fstring_args[index];
            if byte == quote || byte == b'\\' {
                self.fstring_args.push(b'\\');
            }
            self.fstring_args.push(byte);
        }
        self.fstring_args.push(quote);
        self.fstring_args.push(b',');

        self.push_quotes(quote, quote_count);
        self.text.push(b',');
        self.push_quotes(quote, quote_count);

        if self.source.is(b'!') {
            self.source.advance();
            let conversion = self.source.cur();
            self.fstring_args
                .extend_from_slice(&[quote, conversion, quote, b',']);
            self.source.advance();
        } else if self_documenting && !self.source.is(b':') {
            self.fstring_args.extend_from_slice(b"'r',");
        } else {
            self.fstring_args.extend_from_slice(b"None,");
        }
        if self.source.is(b':') {
            self.source.advance();
        }
    }

    /// A `}` inside a t-string's format spec: closes a nested field or the spec itself, which
    /// then moves from the token text to the arguments as a string (or f-string) literal.
    fn close_template_brace(&mut self, quote: u8, spec: &mut TemplateSpec) {
        spec.depth -= 1;
        if spec.depth > 0 {
            spec.has_fields = true;
            self.text.push(b'}');
            return;
        }
        spec.interpolations += 1;
        if spec.has_fields {
            self.fstring_args.push(b'f');
            spec.has_fields = false;
        }
        self.fstring_args.push(quote);
        let spec_text = self.text.get(spec.start + 1..).unwrap_or_default();
        self.fstring_args.extend_from_slice(spec_text);
        self.text.truncate(spec.start);
        self.fstring_args.push(quote);
        self.fstring_args.push(b',');
    }

    /// Decodes the escape at the current `\`, leaving the input at its last character.
    fn lex_escape(&mut self, raw: bool) -> Result<Escape, CompileError> {
        self.source.advance();
        let escaped = self.source.cur();
        let mut code = u32::from(escaped);
        if raw {
            // A raw literal keeps the backslash; the next character is still taken as one
            // unit so that `r'\''` does not end the literal.
            self.text.push(b'\\');
        } else {
            match escaped {
                b'\n' => return Ok(Escape::LineContinuation),
                b'\\' | b'\'' | b'"' => {}
                b'a' => code = 0x07,
                b'b' => code = 0x08,
                b't' => code = 0x09,
                b'n' => code = 0x0a,
                b'v' => code = 0x0b,
                b'f' => code = 0x0c,
                b'r' => code = 0x0d,
                // `b'\u1234'` is the six characters, as in CPython.
                b'u' | b'U' if self.kind == Kind::Bytes => self.text.push(b'\\'),
                b'x' | b'u' | b'U' => {
                    let digits = match escaped {
                        b'x' => 2,
                        b'u' => 4,
                        _ => 8,
                    };
                    code = self.read_hex(digits).unwrap_or_else(|| {
                        self.kind = Kind::Invalid;
                        0
                    });
                }
                b'N' => {
                    // MicroPython raises this at once, without a line number.
                    return Err(CompileError::new(
                        ErrorKind::NotImplementedError,
                        "unicode name escapes",
                        0,
                    ));
                }
                b'0'..=b'7' => code = self.read_octal(escaped),
                _ => {
                    // Unknown escapes are kept verbatim, backslash included.
                    self.text.push(b'\\');
                }
            }
        }
        if code < 0x11_0000 && self.kind == Kind::Str {
            push_utf8(&mut self.text, code);
        } else if code < 0x100 && self.kind == Kind::Bytes {
            self.text.push(code as u8);
        } else {
            self.kind = Kind::Invalid;
        }
        Ok(Escape::Char)
    }

    /// Reads exactly `digits` hex digits after the current character; `None` leaves the input
    /// at the first non-digit.
    fn read_hex(&mut self, digits: usize) -> Option<u32> {
        let mut value: u32 = 0;
        for _ in 0..digits {
            self.source.advance();
            let digit = char::from(self.source.cur()).to_digit(16)?;
            value = (value << 4) | digit;
        }
        Some(value)
    }

    /// Reads up to two more octal digits after `first`.
    fn read_octal(&mut self, first: u8) -> u32 {
        let mut value = u32::from(first - b'0');
        for _ in 0..2 {
            let next = self.source.next();
            if !(b'0'..=b'7').contains(&next) {
                break;
            }
            self.source.advance();
            value = value * 8 + u32::from(next - b'0');
        }
        value
    }
}

#[derive(PartialEq)]
enum Escape {
    Char,
    LineContinuation,
}
