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
}

impl CompileError {
    pub fn new(kind: ErrorKind, message: impl Into<String>, line: u32) -> Self {
        CompileError {
            kind,
            message: message.into(),
            line,
        }
    }

    pub fn syntax(message: impl Into<String>, line: u32) -> Self {
        Self::new(ErrorKind::SyntaxError, message, line)
    }

    /// The text MicroPython prints for this error when compiling `file`, ending in a newline.
    pub fn traceback(&self, file: &str) -> String {
        format!(
            "Traceback (most recent call last):\n  File \"{}\", line {}\n{}: {}\n",
            file,
            self.line,
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
