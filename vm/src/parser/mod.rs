//! The parser: tokens to [`ast::Module`], with MicroPython's parse-time folding.
//!
//! It follows MicroPython 1.29's `py/parse.c` as mpy-cross is built: the same grammar
//! ([`grammar`], from `py/grammar.h`), the same table-driven matching with explicit stacks
//! (so deep nesting cannot overflow the Rust stack; see [`engine`]), and the same rewrites
//! while nodes are built:
//! - constant folding of `| ^ & << >> + - * / // % **` and unary `+ - ~` on ints and floats
//!   ([`fold`]), of `or`/`and`/`not` with constant operands, and of `math.e`, `math.pi`,
//!   `math.tau`, `math.inf`, `math.nan`;
//! - `name = const(value)`: later uses of `name` become the value (a string there is not
//!   interned, and `None`/`True`/`False` become [`ast::Constant::Object`], as MicroPython
//!   loads them as objects); a `_name` is not assigned;
//! - tuples of constants become one constant ([`ast::Constant::Tuple`]);
//! - `__debug__` is `True` at optimisation level 0, else `False`;
//! - a statement that is only a constant (a docstring) becomes `pass` (not in `Single` mode);
//! - string literals are marked interned as MicroPython interns them ([`qstr`]).
//!
//! # Lines
//! Every node carries the line MicroPython's parse node for it has, which is what
//! `py/compile.c` feeds to the line-number table:
//! - a statement, and an expression built from a grammar rule, has the line of its first token
//!   (for a parenthesised tuple or a display, the opening bracket);
//! - `Call`, `Subscript` and `Attribute` have the line of their `(`, `[` or `.`;
//! - names, small ints, interned strings and `None`/`True`/`False`/`...` have the line of
//!   their token (MicroPython keeps no line for these leaves, so the compiler must not emit one
//!   for them); other literals (floats, long ints, other strings, bytes) have their token's
//!   line, and a constant tuple the line of the rule that built it;
//! - a folded constant has line 0 (MicroPython records none) unless it is a small int, which
//!   gets the line of its first token;
//! - an `If` statement standing for an `elif` clause has line 0, as MicroPython records no
//!   line for `elif`; a `pass` replacing a private `const()` definition also has line 0.

mod engine;
mod fold;
mod grammar;
mod lower;
mod node;
mod number;
mod qstr;

use crate::ast;
use crate::error::CompileError;
use crate::token::Token;

/// Which start symbol of the grammar to parse, as MicroPython's `mp_parse_input_kind_t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputMode {
    /// A module (`file_input`).
    #[default]
    File,
    /// One interactive statement (`single_input`).
    Single,
    /// One expression list (`eval_input`), returned as a single expression statement.
    Eval,
}

/// Target properties that change what the parser folds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOptions {
    /// MicroPython's `-O` level; `__debug__` is `True` only at level 0.
    pub opt_level: u8,
    /// Bits of the target's small int (mpy-cross default 31).
    pub small_int_bits: u8,
    /// Strings interned before parsing starts: mpy-cross interns the input file name and the
    /// `-s` source name first, so a literal equal to either is loaded as a qstr.
    pub known_qstrs: Vec<String>,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            opt_level: 0,
            small_int_bits: 31,
            known_qstrs: Vec::new(),
        }
    }
}

/// Parses source text into a module, reporting the first error MicroPython would report
/// (a lexer error only if the parser gets as far as the bad token).
pub fn parse(
    source: &str,
    mode: InputMode,
    opts: &ParseOptions,
) -> Result<ast::Module, CompileError> {
    let lexed = crate::lexer::tokenize_until_error(source);
    parse_lexed(&lexed.tokens, lexed.error, mode, opts)
}

/// Parses `tokens` (as the lexer produces them, ending with `TokenKind::End`) into a module.
pub fn parse_tokens(
    tokens: &[Token],
    mode: InputMode,
    opts: &ParseOptions,
) -> Result<ast::Module, CompileError> {
    parse_lexed(tokens, None, mode, opts)
}

/// Parses `tokens`, after which the lexer stopped with `lex_error` (if any).
fn parse_lexed(
    tokens: &[Token],
    lex_error: Option<CompileError>,
    mode: InputMode,
    opts: &ParseOptions,
) -> Result<ast::Module, CompileError> {
    let root = engine::Engine::new(tokens, lex_error, mode, opts).run()?;
    match mode {
        InputMode::Eval => lower::eval_module(&root),
        InputMode::File | InputMode::Single => lower::module(&root),
    }
}
#[cfg(test)]
mod tests;
