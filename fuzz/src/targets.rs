//! The fuzz targets: each takes arbitrary bytes, drives one component, and panics when an
//! invariant breaks (a panic inside the component is, of course, also a finding). Errors the
//! component returns for bad input are the expected outcome, not failures.

use vm::compile::{compile_source, compile_source_with, CompileOptions, EmitKind};
use vm::mpy;
use vm::parser::{parse, parse_tokens, InputMode, ParseOptions};
use vm::rawcode::{CompiledModule, ConstObj};
use vm::token::{Token, TokenKind};

/// Whether the component accepted the input (for the driver's corpus: accepted inputs reach
/// deeper code, so they are worth mutating further).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    Rejected,
}

impl Verdict {
    fn from_ok(ok: bool) -> Self {
        if ok {
            Verdict::Accepted
        } else {
            Verdict::Rejected
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Lexer,
    Parser,
    Compile,
    Mpy,
    VmRun,
    NativeCompile,
}

impl Target {
    pub const ALL: [Target; 6] = [
        Target::Lexer,
        Target::Parser,
        Target::Compile,
        Target::Mpy,
        Target::VmRun,
        Target::NativeCompile,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Lexer => "lexer",
            Target::Parser => "parser",
            Target::Compile => "compile",
            Target::Mpy => "mpy",
            Target::VmRun => "vm_run",
            Target::NativeCompile => "native_compile",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    pub fn run(self, data: &[u8]) -> Verdict {
        match self {
            Target::Lexer => lexer(data),
            Target::Parser => parser(data),
            Target::Compile => compile(data),
            Target::Mpy => mpy_reader(data),
            Target::VmRun => vm_run(data),
            Target::NativeCompile => native_compile(data),
        }
    }

    /// The target's inputs are `.mpy` files (not source text).
    pub fn takes_mpy(self) -> bool {
        matches!(self, Target::Mpy | Target::VmRun)
    }
}

const MODES: [InputMode; 3] = [InputMode::File, InputMode::Single, InputMode::Eval];

/// Source text for byte inputs: invalid UTF-8 becomes U+FFFD, as the tools reading files would
/// refuse it before the lexer anyway.
fn source_text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The lexer: `tokenize` and `tokenize_until_error` agree on where the error is.
pub fn lexer(data: &[u8]) -> Verdict {
    let source = source_text(data);
    let whole = vm::lexer::tokenize(&source);
    let partial = vm::lexer::tokenize_until_error(&source);
    match &whole {
        Ok(tokens) => {
            assert!(
                partial.error.is_none(),
                "tokenize succeeded but the partial lexer failed"
            );
            assert_eq!(
                &partial.tokens, tokens,
                "the two lexer entry points disagree"
            );
            assert_eq!(tokens.last().map(|t| &t.kind), Some(&TokenKind::End));
        }
        Err(e) => assert_eq!(partial.error.as_ref(), Some(e), "lexer errors disagree"),
    }
    Verdict::from_ok(whole.is_ok())
}

/// The parser in all three input modes, on the bytes as text and on the bytes read as a token
/// stream (which reaches grammar paths text rarely does, and never stops at a lexer error).
pub fn parser(data: &[u8]) -> Verdict {
    let source = source_text(data);
    let opts = ParseOptions::default();
    let mut accepted = false;
    for mode in MODES {
        accepted |= parse(&source, mode, &opts).is_ok();
    }
    let tokens = token_stream(data);
    for mode in MODES {
        accepted |= parse_tokens(&tokens, mode, &opts).is_ok();
    }
    Verdict::from_ok(accepted)
}

/// The VM on any `.mpy` the reader accepts, with a small heap and a step limit: whatever
/// the bytecode does, the run must end in a return or a Python exception, never a panic.
pub fn vm_run(data: &[u8]) -> Verdict {
    let Ok(module) = mpy::read(data) else {
        return Verdict::Rejected;
    };
    let config = vm::interp::VmConfig {
        heap_size: 256 << 10,
        pystack_size: 64 << 10,
        max_depth: 100,
        max_steps: 20_000,
        ..vm::interp::VmConfig::default()
    };
    let Ok(mut machine) = vm::interp::Vm::new(config) else {
        panic!("the VM does not start with the fuzzing configuration");
    };
    let _ = machine.run_module(&module);
    Verdict::Accepted
}

/// The native compiler: source compiled with `-X emit=native` for the host (every function,
/// and `@micropython.viper` ones as viper) must give a module or a Python error, never a
/// panic. Host machine code has no `.mpy` architecture, so nothing is written; and it is not
/// run: native code has no step limit, so a generated loop could hang.
pub fn native_compile(data: &[u8]) -> Verdict {
    thread_local! {
        static BACKEND: Option<emit::NativeCompiler<targets::host::HostTarget>> =
            targets::host_backend().ok();
    }
    let source = source_text(data);
    let opts = CompileOptions {
        emit: EmitKind::Native,
        ..CompileOptions::default()
    };
    BACKEND.with(|backend| {
        let backend = backend.as_ref().expect("the host backend starts");
        Verdict::from_ok(compile_source_with(&source, "fuzz.py", &opts, Some(backend)).is_ok())
    })
}

/// The compiler, source to `.mpy` and back: what it writes must read back as the same module,
/// and the disassembler must handle it. The optimisation level comes from the input length so
/// every level is exercised without spending input bytes on it.
pub fn compile(data: &[u8]) -> Verdict {
    let source = source_text(data);
    let mut accepted = false;
    for mode in MODES {
        let opts = CompileOptions {
            opt_level: (data.len() % 4) as u8,
            mode,
            ..CompileOptions::default()
        };
        if let Ok(module) = compile_source(&source, "fuzz.py", &opts) {
            accepted = true;
            let bytes = mpy::write(&module);
            let reread = mpy::read(&bytes)
                .unwrap_or_else(|e| panic!("the reader rejects the compiler's output: {e:?}"));
            assert_round_trip(&module, &reread, &bytes, "compile -> write -> read");
            let _ = mpy::dump(&module);
        }
    }
    Verdict::from_ok(accepted)
}

/// The `.mpy` reader: any bytes it accepts must write and read back as the same module, and
/// the disassembler must handle them.
pub fn mpy_reader(data: &[u8]) -> Verdict {
    let Ok(module) = mpy::read(data) else {
        return Verdict::Rejected;
    };
    let _ = mpy::dump(&module);
    let bytes = mpy::write(&module);
    let reread = mpy::read(&bytes)
        .unwrap_or_else(|e| panic!("the reader rejects what the writer made of its output: {e:?}"));
    assert_round_trip(&module, &reread, &bytes, "read -> write -> read");
    Verdict::Accepted
}

/// `reread` came from `bytes`, written from `original`: writing it again gives the same bytes,
/// and it equals the original. NaN constants are the exception to the second check: `.mpy`
/// stores floats as text, so a NaN's payload and sign do not survive (nor need to).
fn assert_round_trip(original: &CompiledModule, reread: &CompiledModule, bytes: &[u8], what: &str) {
    assert!(
        mpy::write(reread) == bytes,
        "{what}: writing again gives other bytes:\n{original:#?}\n---\n{reread:#?}"
    );
    assert!(
        original.objs.iter().any(has_nan) || original == reread,
        "{what} changed the module:\n{original:#?}\n---\n{reread:#?}"
    );
}

fn has_nan(obj: &ConstObj) -> bool {
    match obj {
        ConstObj::Float(f) => f.is_nan(),
        ConstObj::Complex { real, imag } => real.is_nan() || imag.is_nan(),
        ConstObj::Tuple(items) => items.iter().any(has_nan),
        _ => false,
    }
}

/// Reads bytes as a lexer-shaped token stream: each byte picks a token, lines advance at
/// `Newline`, indents are kept balanced, and the stream ends as the lexer ends one.
pub fn token_stream(data: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(data.len() + 4);
    let (mut line, mut column, mut depth) = (1u32, 1u32, 0u32);
    let push = |tokens: &mut Vec<Token>, kind: TokenKind, line: u32, column: &mut u32| {
        tokens.push(Token {
            kind,
            line,
            column: *column,
        });
        *column += 2;
    };
    for &byte in data {
        let kind = match byte_token(byte) {
            Some(TokenKind::Newline) => {
                push(&mut tokens, TokenKind::Newline, line, &mut column);
                line += 1;
                column = 1;
                continue;
            }
            Some(TokenKind::Indent) => {
                depth += 1;
                TokenKind::Indent
            }
            Some(TokenKind::Dedent) if depth == 0 => continue,
            Some(TokenKind::Dedent) => {
                depth -= 1;
                TokenKind::Dedent
            }
            Some(kind) => kind,
            None => continue,
        };
        push(&mut tokens, kind, line, &mut column);
    }
    push(&mut tokens, TokenKind::Newline, line, &mut column);
    for _ in 0..depth {
        push(&mut tokens, TokenKind::Dedent, line + 1, &mut column);
    }
    push(&mut tokens, TokenKind::End, line + 1, &mut column);
    tokens
}

fn byte_token(byte: u8) -> Option<TokenKind> {
    use TokenKind::*;
    const FIXED: &[TokenKind] = &[
        Newline,
        Indent,
        Dedent,
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
        DelEqual,
        DelMinusMore,
    ];
    const NAMES: &[&str] = &[
        "x",
        "y",
        "f",
        "self",
        "const",
        "micropython",
        "super",
        "print",
        "__class__",
        "_",
        "__name__",
        "range",
        "native",
        "viper",
        "ptr8",
        "int",
    ];
    const INTS: &[&str] = &[
        "0",
        "1",
        "2",
        "-1",
        "1073741823",
        "1073741824",
        "0x7fffffff",
        "99999999999999999999",
        "0o17",
        "0b101",
        "00",
    ];
    const FLOATS: &[&str] = &["1.5", "0.0", "1e308", "1e-400", "2j", "1e999"];
    let fixed = FIXED.len();
    let i = byte as usize;
    if i < fixed {
        return Some(FIXED[i].clone());
    }
    let i = i - fixed;
    Some(match i % 5 {
        0 | 1 => Name(NAMES[(i / 5) % NAMES.len()].to_string()),
        2 => Integer(INTS[(i / 5) % INTS.len()].to_string()),
        3 => FloatOrImag(FLOATS[(i / 5) % FLOATS.len()].to_string()),
        _ if i & 1 == 0 => Str(["", "a", "{}", "{0!r:>{1}}"][(i / 10) % 4].to_string()),
        _ => Bytes(b"\x00b".to_vec()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_names_round_trip() {
        for t in Target::ALL {
            assert_eq!(Target::from_name(t.name()), Some(t));
        }
        assert_eq!(Target::from_name("nope"), None);
    }

    #[test]
    fn folded_nan_constants_round_trip_through_mpy() {
        // Found by libFuzzer: `-0.0 * 1e400` folds to a NaN whose bits the `.mpy` text "nan"
        // does not keep; the file itself round-trips.
        assert_eq!(compile(b"y = -0.0 * 1e400, 1.5\n"), Verdict::Accepted);
    }

    #[test]
    fn token_streams_end_like_the_lexer_and_keep_indents_balanced() {
        let tokens = token_stream(&[1, 1, 2, 0, 1, 200]);
        assert_eq!(tokens.last().map(|t| &t.kind), Some(&TokenKind::End));
        let indents = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Indent)
            .count();
        let dedents = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Dedent)
            .count();
        assert_eq!(indents, 3);
        assert_eq!(dedents, 3);
    }

    #[test]
    fn verdicts_follow_the_components() {
        assert_eq!(lexer(b"x = 1\n"), Verdict::Accepted);
        assert_eq!(lexer(b"'unterminated"), Verdict::Rejected);
        assert_eq!(parser(b"def f(:"), Verdict::Rejected);
        assert_eq!(
            compile(b"def f(a, *b):\n    return a + len(b)\n"),
            Verdict::Accepted
        );
        assert_eq!(mpy_reader(b"M\x06\x00\x1f"), Verdict::Rejected);
        let module = compile_source(
            "x = (1, 2.5, 'a', b'b', 10**30)",
            "m.py",
            &CompileOptions::default(),
        )
        .expect("compiles");
        assert_eq!(mpy_reader(&mpy::write(&module)), Verdict::Accepted);
    }
}
