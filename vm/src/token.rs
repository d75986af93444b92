//! The tokens the lexer hands to the parser, one for each of MicroPython's `MP_TOKEN_*` kinds.
//!
//! Values are already decoded: string escapes are resolved, adjacent literals of one kind are
//! joined, and f-strings arrive as the token sequence MicroPython's lexer produces for them
//! (`'...'.format(...)`), so the parser never sees an f-string.

/// One token with the position of its first character (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    End,
    Newline,
    Indent,
    Dedent,

    /// An identifier, NFC-normalisation not applied (MicroPython compares bytes).
    Name(String),
    /// The literal's text as MicroPython's lexer keeps it, for the parser to evaluate:
    /// underscores dropped (`0x_ff` is `0xff`), as quoted in MicroPython's number errors.
    Integer(String),
    /// The literal's text as MicroPython's lexer keeps it: underscores dropped and `E` written
    /// `e` (`1_0E3j` is `10e3j`).
    FloatOrImag(String),
    /// A decoded `str` literal (adjacent `str` literals already joined).
    Str(String),
    /// A decoded `bytes` literal (adjacent `bytes` literals already joined).
    Bytes(Vec<u8>),
    /// `...`
    Ellipsis,

    KwFalse,
    KwNone,
    KwTrue,
    KwDebug,
    KwAnd,
    KwAs,
    KwAssert,
    KwAsync,
    KwAwait,
    KwBreak,
    KwClass,
    KwContinue,
    KwDef,
    KwDel,
    KwElif,
    KwElse,
    KwExcept,
    KwFinally,
    KwFor,
    KwFrom,
    KwGlobal,
    KwIf,
    KwImport,
    KwIn,
    KwIs,
    KwLambda,
    KwNonlocal,
    KwNot,
    KwOr,
    KwPass,
    KwRaise,
    KwReturn,
    KwTry,
    KwWhile,
    KwWith,
    KwYield,

    /// `:=`
    OpAssign,
    OpTilde,
    OpLess,
    OpMore,
    OpDblEqual,
    OpLessEqual,
    OpMoreEqual,
    OpNotEqual,
    OpPipe,
    OpCaret,
    OpAmpersand,
    OpDblLess,
    OpDblMore,
    OpPlus,
    OpMinus,
    OpStar,
    OpAt,
    OpDblSlash,
    OpSlash,
    OpPercent,
    OpDblStar,

    DelPipeEqual,
    DelCaretEqual,
    DelAmpersandEqual,
    DelDblLessEqual,
    DelDblMoreEqual,
    DelPlusEqual,
    DelMinusEqual,
    DelStarEqual,
    DelAtEqual,
    DelDblSlashEqual,
    DelSlashEqual,
    DelPercentEqual,
    DelDblStarEqual,
    DelParenOpen,
    DelParenClose,
    DelBracketOpen,
    DelBracketClose,
    DelBraceOpen,
    DelBraceClose,
    DelComma,
    DelColon,
    DelPeriod,
    DelSemicolon,
    /// `=`
    DelEqual,
    /// `->`
    DelMinusMore,
}
