//! The lexer's view of the input: a window of three bytes with line and column tracking.
//!
//! MicroPython's lexer decides everything from the current byte and the two after it, and its
//! quirks depend on exactly when those bytes are normalised: CR and CR LF become LF as a byte
//! enters the middle slot, a missing final newline is supplied as the end of input enters the
//! last slot, and a NUL byte in the source is replaced by 0x01 so it cannot pose as the end.
//! f-strings make the lexer re-read text it produced itself, so bytes can also be pushed back
//! in front of the window ([`SourceWindow::inject`]).

use std::collections::VecDeque;

/// The byte the window holds once the input is exhausted.
pub(super) const EOF: u8 = 0;
/// What a NUL byte in the source turns into, so it is not taken for [`EOF`].
const NUL_REPLACEMENT: u8 = 1;
const TAB_SIZE: usize = 8;

pub(super) struct SourceWindow<'a> {
    source: &'a [u8],
    position: usize,
    /// Bytes to read before resuming `source` (the rewritten tail of f-strings).
    injected: VecDeque<u8>,
    window: [u8; 3],
    /// 1-based line of `window[0]`.
    pub(super) line: usize,
    /// 1-based column of `window[0]`, tabs advancing to the next multiple of 8 plus one.
    pub(super) column: usize,
}

impl<'a> SourceWindow<'a> {
    pub(super) fn new(source: &'a [u8]) -> Self {
        let mut window = SourceWindow {
            source,
            position: 0,
            injected: VecDeque::new(),
            window: [EOF; 3],
            line: 1,
            column: 1,
        };
        for _ in 0..3 {
            window.shift();
        }
        window
    }

    /// The current byte.
    pub(super) fn cur(&self) -> u8 {
        self.window[0]
    }

    /// The byte after the current one.
    pub(super) fn next(&self) -> u8 {
        self.window[1]
    }

    /// The byte two after the current one.
    pub(super) fn after_next(&self) -> u8 {
        self.window[2]
    }

    pub(super) fn is(&self, byte: u8) -> bool {
        self.window[0] == byte
    }

    pub(super) fn at_end(&self) -> bool {
        self.window[0] == EOF
    }

    /// Moves past the current byte, keeping the line and column up to date.
    pub(super) fn advance(&mut self) {
        match self.window[0] {
            b'\n' => {
                self.line = self.line.saturating_add(1);
                self.column = 1;
            }
            b'\t' => self.column = (self.column - 1 + TAB_SIZE) / TAB_SIZE * TAB_SIZE + 1,
            _ => self.column = self.column.saturating_add(1),
        }
        self.shift();
    }

    fn shift(&mut self) {
        self.window[0] = self.window[1];
        self.window[1] = self.window[2];
        let mut incoming = self.fetch();
        if self.window[1] == b'\r' {
            self.window[1] = b'\n';
            if incoming == b'\n' {
                incoming = self.fetch();
            }
        }
        if incoming == EOF && self.window[1] != EOF && self.window[1] != b'\n' {
            incoming = b'\n';
        }
        self.window[2] = incoming;
    }

    fn fetch(&mut self) -> u8 {
        if let Some(byte) = self.injected.pop_front() {
            return byte;
        }
        match self.source.get(self.position) {
            Some(&byte) => {
                self.position += 1;
                if byte == EOF {
                    NUL_REPLACEMENT
                } else {
                    byte
                }
            }
            None => EOF,
        }
    }

    /// Makes `text` the next bytes read, in front of the three bytes in the window, which are
    /// read again after it. The line and column do not move.
    pub(super) fn inject(&mut self, text: &[u8]) {
        for &byte in self.window.iter().rev().chain(text.iter().rev()) {
            self.injected.push_front(byte);
        }
        for slot in 0..3 {
            // The old window was pushed back, so the queue holds at least three bytes.
            self.window[slot] = self.injected.pop_front().unwrap_or(EOF);
        }
    }
}
