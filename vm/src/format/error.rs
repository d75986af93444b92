//! The exceptions formatting raises, as plain data for the VM to turn into objects.

use std::fmt;

/// The Python exception type of a [`FormatError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    ValueError,
    TypeError,
    IndexError,
    /// The message is the missing key's text; the VM raises `KeyError(key)` with it as a str.
    KeyError,
    NotImplementedError,
    OverflowError,
    /// A field so wide that its padding could not be allocated.
    MemoryError,
    /// Only for format specs nested too deeply to format without overflowing the stack.
    RuntimeError,
}

/// An exception with MicroPython's (unix port, detailed error reporting) message. The message
/// is bytes because MicroPython copies single bytes of the input into some messages
/// (`unsupported format character '\xc3'`), which are then not valid UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub kind: ErrorKind,
    pub message: Vec<u8>,
}

impl FormatError {
    pub fn new(kind: ErrorKind, message: impl Into<Vec<u8>>) -> FormatError {
        FormatError {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn value(message: impl Into<Vec<u8>>) -> FormatError {
        FormatError::new(ErrorKind::ValueError, message)
    }

    pub(crate) fn type_error(message: impl Into<Vec<u8>>) -> FormatError {
        FormatError::new(ErrorKind::TypeError, message)
    }

    pub(crate) fn overflow(message: impl Into<Vec<u8>>) -> FormatError {
        FormatError::new(ErrorKind::OverflowError, message)
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?}: {}",
            self.kind,
            String::from_utf8_lossy(&self.message)
        )
    }
}

impl std::error::Error for FormatError {}
