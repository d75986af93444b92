//! Errors the front end reports, worded and classed as MicroPython reports them.

use std::fmt;

/// The exception class MicroPython would raise for a compile-time error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    SyntaxError,
    IndentationError,
    /// Raised by the viper emitter (later issues) for type errors found at compile time.
    ViperTypeError,
    ValueError,
    NotImplementedError,
    OverflowError,
    /// The input nests too deeply (MicroPython runs out of parser memory).
    MemoryError,
}

impl ErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::IndentationError => "IndentationError",
            ErrorKind::ViperTypeError => "ViperTypeError",
            ErrorKind::ValueError => "ValueError",
            ErrorKind::NotImplementedError => "NotImplementedError",
            ErrorKind::OverflowError => "OverflowError",
            ErrorKind::MemoryError => "MemoryError",
        }
    }
}

/// A compile-time error with the source position MicroPython would print in its traceback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub kind: ErrorKind,
    pub message: String,
    /// 1-based line; 0 when MicroPython prints no line for this error.
    pub line: u32,
    /// For errors the compiler raises: the scope being compiled (`<module>`, a function or
    /// class name, `<lambda>`, `<listcomp>`...), which MicroPython's traceback names after the
    /// line. `None` for lexer and parser errors, whose traceback names no scope.
    pub scope: Option<String>,
    /// Set for errors MicroPython's compiler raises but krait's parser finds while building the
    /// tree: `scope` is still to be named, by the innermost scope the error leaves.
    pub scope_pending: bool,
}

impl CompileError {
    pub fn new(kind: ErrorKind, message: impl Into<String>, line: u32) -> Self {
        CompileError {
            kind,
            message: message.into(),
            line,
            scope: None,
            scope_pending: false,
        }
    }

    /// A `SyntaxError` the compiler raises, found early by the parser (see `scope_pending`).
    pub fn compiler_syntax(message: impl Into<String>, line: u32) -> Self {
        CompileError {
            scope_pending: true,
            ..Self::syntax(message, line)
        }
    }

    /// The same error, raised while compiling the scope named `scope`.
    pub fn in_scope(mut self, scope: &str) -> Self {
        self.scope = Some(scope.to_owned());
        self.scope_pending = false;
        self
    }

    pub fn syntax(message: impl Into<String>, line: u32) -> Self {
        Self::new(ErrorKind::SyntaxError, message, line)
    }

    /// The text MicroPython prints for this error when compiling `file`, ending in a newline.
    pub fn traceback(&self, file: &str) -> String {
        if self.line == 0 {
            // Raised outside the parser's error reporting (e.g. `\N{...}` escapes), so
            // MicroPython's traceback has no frame to print.
            return format!("{self}\n");
        }
        let scope = match &self.scope {
            Some(scope) => format!(", in {scope}"),
            None => String::new(),
        };
        format!(
            "Traceback (most recent call last):\n  File \"{}\", line {}{}\n{}: {}\n",
            file,
            self.line,
            scope,
            self.kind.name(),
            self.message
        )
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for CompileError {}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected texts are what mpy-cross 1.29 prints for these errors.
    #[test]
    fn parser_errors_name_no_scope() {
        assert_eq!(
            CompileError::syntax("invalid syntax", 2).traceback("bad.py"),
            "Traceback (most recent call last):\n  File \"bad.py\", line 2\nSyntaxError: invalid syntax\n"
        );
    }

    #[test]
    fn compiler_errors_name_their_scope() {
        let error = CompileError::syntax("'break'/'continue' outside loop", 3).in_scope("f");
        assert_eq!(
            error.traceback("e1.py"),
            "Traceback (most recent call last):\n  File \"e1.py\", line 3, in f\nSyntaxError: 'break'/'continue' outside loop\n"
        );
    }
}
