//! Source text to [`Token`]s, behaving exactly as MicroPython 1.29's lexer (as built into
//! `mpy-cross`: f-strings and t-strings enabled, unicode `str`).
//!
//! MicroPython's lexer is pulled by its parser one token at a time, and its errors are token
//! kinds that become exceptions only when the parser reaches them. [`Lexer::next_token`] keeps
//! that shape so a parser can report whichever error MicroPython would report first, and so
//! does [`tokenize_until_error`] for a parser working on a slice of tokens. [`tokenize`] runs
//! the lexer to the end and stops at the first error.
//!
//! What the parser needs to know, all as MicroPython does it:
//! - Number tokens carry MicroPython's token text: underscores removed and `E` written `e`,
//!   which is also the text MicroPython quotes in its number syntax errors.
//! - `__debug__` is [`TokenKind::KwDebug`]; MicroPython's lexer replaces it by `True` or
//!   `False` from the optimisation level, which is left to the parser here.
//! - An indented first token is replaced by an `Indent`, for "unexpected indent".
//! - A `str` literal next to a `bytes` literal gives two tokens, which no rule accepts.
//! - f-strings and t-strings arrive rewritten as ordinary tokens (see `strings.rs`).

mod source;
mod strings;
#[cfg(test)]
mod tests;

use crate::error::{CompileError, ErrorKind};
use crate::token::{Token, TokenKind};
use source::SourceWindow;

/// Runs the lexer to the end of `source`. The tokens end with the final `Newline` (MicroPython
/// supplies a missing final newline), the `Dedent`s back to column 1, then `End`.
pub fn tokenize(source: &str) -> Result<Vec<Token>, CompileError> {
    let lexed = tokenize_until_error(source);
    match lexed.error {
        Some(error) => Err(error),
        None => Ok(lexed.tokens),
    }
}

/// The tokens before the first error, and that error.
#[derive(Debug, Clone, PartialEq)]
pub struct Lexed {
    /// Ends with `End` when there is no error.
    pub tokens: Vec<Token>,
    /// What MicroPython raises when its parser asks for the token after `tokens`. A parser
    /// that fails within `tokens` reports its own error instead, as MicroPython does.
    pub error: Option<CompileError>,
}

/// Runs the lexer until `End` or the first error, keeping the tokens before the error.
pub fn tokenize_until_error(source: &str) -> Lexed {
    let mut lexer = Lexer::new(source);
    let mut tokens = Vec::new();
    loop {
        match lexer.next_token() {
            Ok(token) => {
                let done = token.kind == TokenKind::End;
                tokens.push(token);
                if done {
                    return Lexed {
                        tokens,
                        error: None,
                    };
                }
            }
            Err(error) => {
                return Lexed {
                    tokens,
                    error: Some(error),
                }
            }
        }
    }
}

/// What the lexer has decided about the token being built, MicroPython's error kinds included.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// Not decided yet: the start of a run of adjacent string literals.
    Unset,
    /// A token without text.
    Plain(TokenKind),
    Name,
    Integer,
    FloatOrImag,
    Str,
    Bytes,
    /// A character that starts no token, or a bad escape in a literal.
    Invalid,
    DedentMismatch,
    LonelyStringOpen,
    MalformedFstring,
}

impl Kind {
    fn is_error(&self) -> bool {
        matches!(
            self,
            Kind::Invalid | Kind::DedentMismatch | Kind::LonelyStringOpen | Kind::MalformedFstring
        )
    }
}

/// A pull lexer: each [`Lexer::next_token`] call lexes one more token.
pub struct Lexer<'a> {
    source: SourceWindow<'a>,
    /// Positive: `Indent`s still to emit; negative: `Dedent`s still to emit.
    pending_dents: isize,
    /// Open brackets; inside brackets newlines are not tokens. It goes negative on a stray
    /// closing bracket, and then newlines are not tokens either, as in MicroPython.
    bracket_depth: isize,
    /// Indentation columns of the open blocks. MicroPython stores them in 16 bits.
    indents: Vec<u16>,
    kind: Kind,
    /// The token's text: a name, number or decoded literal.
    text: Vec<u8>,
    /// The `.format(...)` call being built for the f-strings of the current literal run.
    fstring_args: Vec<u8>,
    line: usize,
    column: usize,
    is_first_token: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(source: &'a str) -> Self {
        Lexer {
            source: SourceWindow::new(source.as_bytes()),
            pending_dents: 0,
            bracket_depth: 0,
            indents: vec![0],
            kind: Kind::Unset,
            text: Vec::new(),
            fstring_args: Vec::new(),
            line: 1,
            column: 1,
            is_first_token: true,
        }
    }

    /// The next token, or the error MicroPython raises when its parser reaches that token.
    /// After `End` every call returns `End` again.
    pub fn next_token(&mut self) -> Result<Token, CompileError> {
        self.lex_token()?;
        if self.is_first_token {
            self.is_first_token = false;
            // MicroPython turns an indented first token into an `Indent` (it is not inserted
            // before it) so that the parser reports "unexpected indent".
            if self.column != 1 && self.kind != Kind::Plain(TokenKind::Newline) {
                self.kind = Kind::Plain(TokenKind::Indent);
            }
        }
        self.finish_token()
    }

    /// Turns the lexed kind and text into a token, or an error kind into its error.
    fn finish_token(&mut self) -> Result<Token, CompileError> {
        let text = std::mem::take(&mut self.text);
        let line = to_u32(self.line);
        let kind = match &self.kind {
            Kind::Plain(kind) => kind.clone(),
            // Names and numbers are whole UTF-8 characters cut from the source.
            Kind::Name => TokenKind::Name(String::from_utf8_lossy(&text).into_owned()),
            Kind::Integer => TokenKind::Integer(String::from_utf8_lossy(&text).into_owned()),
            Kind::FloatOrImag => {
                TokenKind::FloatOrImag(String::from_utf8_lossy(&text).into_owned())
            }
            Kind::Str => TokenKind::Str(String::from_utf8(text).map_err(|_| {
                // MicroPython stores such a literal as it is (`'\ud800'`, or a raw byte
                // after a backslash re-encoded); a Rust string cannot hold it.
                CompileError::new(
                    ErrorKind::NotImplementedError,
                    "str literal that is not valid UTF-8",
                    line,
                )
            })?),
            Kind::Bytes => TokenKind::Bytes(text),
            Kind::DedentMismatch => {
                return Err(CompileError::new(
                    ErrorKind::IndentationError,
                    "unindent doesn't match any outer indent level",
                    line,
                ))
            }
            Kind::MalformedFstring => return Err(CompileError::syntax("malformed f-string", line)),
            Kind::Unset | Kind::Invalid | Kind::LonelyStringOpen => {
                return Err(CompileError::syntax("invalid syntax", line))
            }
        };
        Ok(Token {
            kind,
            line,
            column: to_u32(self.column),
        })
    }

    /// Lexes one token into `kind` and `text`; only a `\N{...}` escape fails here, as it
    /// makes MicroPython raise at once.
    fn lex_token(&mut self) -> Result<(), CompileError> {
        self.text.clear();
        let had_newline = self.skip_whitespace(true);
        self.line = self.source.line;
        self.column = self.source.column;

        if self.pending_dents < 0 {
            self.kind = Kind::Plain(TokenKind::Dedent);
            self.pending_dents += 1;
        } else if self.pending_dents > 0 {
            self.kind = Kind::Plain(TokenKind::Indent);
            self.pending_dents -= 1;
        } else if had_newline {
            // The newline token sits at the end of the line it ends; the indentation is
            // measured on the next line that has a token.
            self.skip_whitespace(false);
            self.kind = Kind::Plain(TokenKind::Newline);
            self.measure_indentation();
        } else if self.source.at_end() {
            self.kind = Kind::Plain(TokenKind::End);
        } else if self.at_string_start() {
            self.lex_string_run()?;
        } else if is_identifier_head(self.source.cur()) {
            self.lex_name();
        } else if self.source.cur().is_ascii_digit()
            || (self.source.is(b'.') && self.source.next().is_ascii_digit())
        {
            self.lex_number();
        } else {
            self.lex_operator();
        }
        Ok(())
    }

    /// Skips spaces, comments, line continuations and, inside brackets or when
    /// `stop_at_newline` is false, newlines. Returns whether it stopped at a newline.
    fn skip_whitespace(&mut self, stop_at_newline: bool) -> bool {
        while !self.source.at_end() {
            let cur = self.source.cur();
            if cur == b'\n' {
                if stop_at_newline && self.bracket_depth == 0 {
                    return true;
                }
                self.source.advance();
            } else if is_space(cur) {
                self.source.advance();
            } else if cur == b'#' {
                while !self.source.at_end() && !self.source.is(b'\n') {
                    self.source.advance();
                }
            } else if cur == b'\\' && self.source.next() == b'\n' {
                self.source.advance();
                self.source.advance();
            } else {
                break;
            }
        }
        false
    }

    fn measure_indentation(&mut self) {
        let spaces = self.source.column - 1;
        if spaces > self.indent_top() {
            // Truncated to 16 bits as MicroPython's indent stack stores it.
            self.indents.push(spaces as u16);
            self.pending_dents += 1;
        } else if spaces < self.indent_top() {
            // The bottom entry is 0, which no indentation is below.
            while spaces < self.indent_top() && self.indents.len() > 1 {
                self.indents.pop();
                self.pending_dents -= 1;
            }
            if spaces != self.indent_top() {
                self.kind = Kind::DedentMismatch;
            }
        }
    }

    fn indent_top(&self) -> usize {
        usize::from(self.indents.last().copied().unwrap_or(0))
    }

    fn lex_name(&mut self) {
        while !self.source.at_end() && is_identifier_tail(self.source.cur()) {
            self.text.push(self.source.cur());
            self.source.advance();
        }
        self.kind = match keyword(&self.text) {
            Some(keyword) => Kind::Plain(keyword),
            None => Kind::Name,
        };
    }

    /// Numbers are lexed loosely (any letters and dots join in) and checked by the parser.
    fn lex_number(&mut self) {
        let mut is_float = self.source.is(b'.');
        // After `0x`, `0o` or `0b` an `e` is a digit, not an exponent.
        let has_base_prefix =
            self.source.is(b'0') && matches!(self.source.next() | 0x20, b'b' | b'o' | b'x');
        self.text.push(self.source.cur());
        self.source.advance();
        while !self.source.at_end() {
            let cur = self.source.cur();
            if !has_base_prefix && (cur == b'e' || cur == b'E') {
                is_float = true;
                self.text.push(b'e');
                self.source.advance();
                if self.source.is(b'+') || self.source.is(b'-') {
                    self.text.push(self.source.cur());
                    self.source.advance();
                }
            } else if cur.is_ascii_alphanumeric() || cur == b'.' {
                if matches!(cur, b'.' | b'j' | b'J') {
                    is_float = true;
                }
                self.text.push(cur);
                self.source.advance();
            } else if cur == b'_' {
                self.source.advance();
            } else {
                break;
            }
        }
        self.kind = if is_float {
            Kind::FloatOrImag
        } else {
            Kind::Integer
        };
    }

    fn lex_operator(&mut self) {
        use TokenKind::*;
        let first = self.source.cur();
        self.source.advance();
        let kind = match first {
            b'(' => DelParenOpen,
            b')' => DelParenClose,
            b'[' => DelBracketOpen,
            b']' => DelBracketClose,
            b'{' => DelBraceOpen,
            b'}' => DelBraceClose,
            b',' => DelComma,
            b';' => DelSemicolon,
            b'~' => OpTilde,
            b':' => self.followed_by_equal(DelColon, OpAssign),
            b'<' => self.doubled_or_equal(b'<', [OpLess, OpLessEqual, OpDblLess, DelDblLessEqual]),
            b'>' => self.doubled_or_equal(b'>', [OpMore, OpMoreEqual, OpDblMore, DelDblMoreEqual]),
            b'*' => self.doubled_or_equal(b'*', [OpStar, DelStarEqual, OpDblStar, DelDblStarEqual]),
            b'/' => {
                self.doubled_or_equal(b'/', [OpSlash, DelSlashEqual, OpDblSlash, DelDblSlashEqual])
            }
            b'+' => self.followed_by_equal(OpPlus, DelPlusEqual),
            b'-' => {
                if self.source.is(b'>') {
                    self.source.advance();
                    DelMinusMore
                } else {
                    self.followed_by_equal(OpMinus, DelMinusEqual)
                }
            }
            b'&' => self.followed_by_equal(OpAmpersand, DelAmpersandEqual),
            b'|' => self.followed_by_equal(OpPipe, DelPipeEqual),
            b'%' => self.followed_by_equal(OpPercent, DelPercentEqual),
            b'^' => self.followed_by_equal(OpCaret, DelCaretEqual),
            b'@' => self.followed_by_equal(OpAt, DelAtEqual),
            b'=' => self.followed_by_equal(DelEqual, OpDblEqual),
            b'!' if self.source.is(b'=') => {
                self.source.advance();
                OpNotEqual
            }
            b'.' if self.source.is(b'.') && self.source.next() == b'.' => {
                self.source.advance();
                self.source.advance();
                Ellipsis
            }
            b'.' => DelPeriod,
            _ => {
                self.kind = Kind::Invalid;
                return;
            }
        };
        match kind {
            DelParenOpen | DelBracketOpen | DelBraceOpen => self.bracket_depth += 1,
            DelParenClose | DelBracketClose | DelBraceClose => self.bracket_depth -= 1,
            _ => {}
        }
        self.kind = Kind::Plain(kind);
    }

    /// `x` or `x=`.
    fn followed_by_equal(&mut self, single: TokenKind, with_equal: TokenKind) -> TokenKind {
        if self.source.is(b'=') {
            self.source.advance();
            with_equal
        } else {
            single
        }
    }

    /// `x`, `x=`, `xx` or `xx=` (kinds in that order), where `x` is the byte just consumed.
    fn doubled_or_equal(&mut self, first: u8, kinds: [TokenKind; 4]) -> TokenKind {
        let [single, with_equal, doubled, doubled_with_equal] = kinds;
        if self.source.is(first) {
            self.source.advance();
            self.followed_by_equal(doubled, doubled_with_equal)
        } else {
            self.followed_by_equal(single, with_equal)
        }
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// MicroPython's ASCII whitespace: tab, LF, VT, FF, CR and space.
fn is_space(byte: u8) -> bool {
    matches!(byte, b'\t'..=b'\r' | b' ')
}

/// Any byte with the high bit set counts, which admits every non-ASCII UTF-8 character.
fn is_identifier_head(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80
}

fn is_identifier_tail(byte: u8) -> bool {
    is_identifier_head(byte) || byte.is_ascii_digit()
}

fn keyword(name: &[u8]) -> Option<TokenKind> {
    use TokenKind::*;
    Some(match name {
        b"False" => KwFalse,
        b"None" => KwNone,
        b"True" => KwTrue,
        b"__debug__" => KwDebug,
        b"and" => KwAnd,
        b"as" => KwAs,
        b"assert" => KwAssert,
        b"async" => KwAsync,
        b"await" => KwAwait,
        b"break" => KwBreak,
        b"class" => KwClass,
        b"continue" => KwContinue,
        b"def" => KwDef,
        b"del" => KwDel,
        b"elif" => KwElif,
        b"else" => KwElse,
        b"except" => KwExcept,
        b"finally" => KwFinally,
        b"for" => KwFor,
        b"from" => KwFrom,
        b"global" => KwGlobal,
        b"if" => KwIf,
        b"import" => KwImport,
        b"in" => KwIn,
        b"is" => KwIs,
        b"lambda" => KwLambda,
        b"nonlocal" => KwNonlocal,
        b"not" => KwNot,
        b"or" => KwOr,
        b"pass" => KwPass,
        b"raise" => KwRaise,
        b"return" => KwReturn,
        b"try" => KwTry,
        b"while" => KwWhile,
        b"with" => KwWith,
        b"yield" => KwYield,
        _ => return None,
    })
}
