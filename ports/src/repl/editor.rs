//! The line editor of the friendly REPL, with the keys and screen output of MicroPython's
//! `shared/readline/readline.c` as the unix port configures it: VT100 cursor movement, a
//! 50-line history, emacs keys and word moves, auto-indent, and tab completion.
//!
//! It is a state machine over input bytes, with no terminal or VM of its own: [`Editor::feed`]
//! takes one byte and appends what the terminal should show to an output buffer, and
//! completion is asked of a [`Completer`]. That keeps it testable byte for byte.

/// Lines kept for the up and down keys (`MICROPY_READLINE_HISTORY_SIZE` on unix).
pub const HISTORY_SIZE: usize = 50;

const CTRL_A: u8 = 1;
const CTRL_B: u8 = 2;
const CTRL_C: u8 = 3;
const CTRL_D: u8 = 4;
const CTRL_E: u8 = 5;
const CTRL_F: u8 = 6;
const CTRL_K: u8 = 11;
const CTRL_N: u8 = 14;
const CTRL_P: u8 = 16;
const CTRL_U: u8 = 21;
const CTRL_W: u8 = 23;
const ESC: u8 = 27;
const TAB: u8 = 9;

/// How reading a line ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Enter: the line is complete.
    Enter,
    /// A control key the REPL acts on: Ctrl-A..Ctrl-E on an empty line, or Ctrl-C anywhere.
    Control(u8),
}

/// What tab completion found for the word before the cursor.
pub enum Completion {
    None,
    /// Text to insert at the cursor.
    Insert(String),
    /// Several candidates, already printed (each line ending in `\n`).
    Listed(String),
}

/// Completes the text of the current line up to the cursor (`mp_repl_autocomplete`).
pub trait Completer {
    fn complete(&mut self, line_to_cursor: &str) -> Completion;
}

/// The most recent lines entered, newest first.
#[derive(Default)]
pub struct History {
    lines: Vec<String>,
}

impl History {
    /// Adds `line` unless it is empty or repeats the newest entry (`readline_push_history`).
    pub fn push(&mut self, line: &str) {
        if line.is_empty() || self.lines.first().is_some_and(|newest| newest == line) {
            return;
        }
        self.lines.insert(0, line.to_string());
        self.lines.truncate(HISTORY_SIZE);
    }

    /// Newest first.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Escape {
    None,
    Esc,
    Bracket,
    BracketDigit(u8),
    O,
}

/// The state of one line being edited. `line` holds earlier continuation lines too (joined by
/// `\n`); editing happens after `start`, where the current line begins.
pub struct Editor<'h> {
    pub line: String,
    start: usize,
    cursor: usize,
    escape: Escape,
    history: &'h mut History,
    /// Index into the history of the entry shown, if any.
    shown: Option<usize>,
    prompt: String,
    last_newline: u8,
    auto_indent: bool,
    just_indented: bool,
}

impl<'h> Editor<'h> {
    /// Starts a line after `line` (empty for a first line), writing the prompt to `out`.
    pub fn new(line: String, prompt: &str, history: &'h mut History, out: &mut Vec<u8>) -> Self {
        let start = line.len();
        let mut editor = Editor {
            auto_indent: line.is_empty(),
            line,
            start,
            cursor: start,
            escape: Escape::None,
            history,
            shown: None,
            prompt: prompt.to_string(),
            last_newline: 0,
            just_indented: false,
        };
        out.extend_from_slice(prompt.as_bytes());
        editor.indent_after_newline(out);
        editor
    }

    /// Continues with the next line of the same input (a `...` prompt), keeping auto-indent.
    pub fn next_line(&mut self, prompt: &str, out: &mut Vec<u8>) {
        self.start = self.line.len();
        self.cursor = self.start;
        self.shown = None;
        self.prompt = prompt.to_string();
        out.extend_from_slice(prompt.as_bytes());
        self.indent_after_newline(out);
    }

    /// The current line (after earlier continuation lines).
    #[cfg(test)]
    fn current(&self) -> &str {
        &self.line[self.start..]
    }

    /// Feeds one input byte; `Some` when the line ended.
    pub fn feed(
        &mut self,
        c: u8,
        out: &mut Vec<u8>,
        completer: &mut dyn Completer,
    ) -> Option<Ending> {
        let old_len = self.line.len();
        let mut edit = Redraw::default();
        match self.escape {
            Escape::None => {
                if (CTRL_A..=CTRL_E).contains(&c) && self.line.len() == self.start {
                    return Some(Ending::Control(c));
                }
                match c {
                    CTRL_A => edit.back = self.cursor - self.start,
                    CTRL_B => edit.back = usize::from(self.cursor > self.start),
                    CTRL_C => return Some(Ending::Control(c)),
                    CTRL_D => self.delete_at_cursor(&mut edit),
                    CTRL_E => edit.forward = self.line.len() - self.cursor,
                    CTRL_F => edit.forward = usize::from(self.cursor < self.line.len()),
                    CTRL_K => {
                        self.line.truncate(self.cursor);
                        edit.from_cursor = true;
                    }
                    CTRL_N => self.history_step(false, &mut edit),
                    CTRL_P => self.history_step(true, &mut edit),
                    CTRL_U => {
                        edit.back = self.cursor - self.start;
                        self.line.replace_range(self.start..self.cursor, "");
                        edit.from_cursor = true;
                    }
                    CTRL_W => self.kill_word_back(&mut edit),
                    b'\r' | b'\n' if self.is_newline(c) => {
                        out.extend_from_slice(b"\r\n");
                        self.history.push(&self.line[self.start..]);
                        return Some(Ending::Enter);
                    }
                    ESC => self.escape = Escape::Esc,
                    8 | 127 => self.backspace(&mut edit),
                    TAB | b' ' if self.just_indented => {
                        // Typing after an automatic indent turns auto-indent off; a space
                        // also takes the indent back to one space.
                        self.auto_indent = false;
                        if c == b' ' {
                            edit.back = 3;
                            self.line.truncate(self.line.len() - 3);
                        }
                    }
                    TAB => self.tab(&mut edit, out, completer),
                    32..=126 => {
                        self.line.insert(self.cursor, char::from(c));
                        edit.from_cursor = true;
                        edit.forward = 1;
                    }
                    _ => {}
                }
            }
            Escape::Esc => {
                self.escape = Escape::None;
                match c {
                    b'[' => self.escape = Escape::Bracket,
                    b'O' => self.escape = Escape::O,
                    b'b' => edit.back = self.word_len(false),
                    b'f' => edit.forward = self.word_len(true),
                    b'd' => {
                        let n = self.word_len(true);
                        self.line.replace_range(self.cursor..self.cursor + n, "");
                        edit.from_cursor = true;
                    }
                    127 => self.kill_word_back(&mut edit),
                    _ => {}
                }
            }
            Escape::Bracket => {
                self.escape = Escape::None;
                match c {
                    b'0'..=b'9' => self.escape = Escape::BracketDigit(c),
                    b'A' => self.history_step(true, &mut edit),
                    b'B' => self.history_step(false, &mut edit),
                    b'C' => edit.forward = usize::from(self.cursor < self.line.len()),
                    b'D' => edit.back = usize::from(self.cursor > self.start),
                    b'H' => edit.back = self.cursor - self.start,
                    b'F' => edit.forward = self.line.len() - self.cursor,
                    _ => {}
                }
            }
            Escape::BracketDigit(digit) => {
                self.escape = Escape::None;
                match (digit, c) {
                    (b'1' | b'7', b'~') => edit.back = self.cursor - self.start,
                    (b'4' | b'8', b'~') => edit.forward = self.line.len() - self.cursor,
                    (b'3', b'~') => self.delete_at_cursor(&mut edit),
                    // `ESC [ 1 ; 5 C`: the modifier form of the arrows, read on as `ESC [`.
                    (b'1', b';') => self.escape = Escape::Bracket,
                    (b'5', b'C') => edit.forward = self.word_len(true),
                    (b'5', b'D') => edit.back = self.word_len(false),
                    _ => {}
                }
            }
            Escape::O => {
                self.escape = Escape::None;
                match c {
                    b'H' => edit.back = self.cursor - self.start,
                    b'F' => edit.forward = self.line.len() - self.cursor,
                    _ => {}
                }
            }
        }
        self.redraw(edit, old_len, out);
        self.just_indented = false;
        None
    }

    /// A `\r` or `\n` ends the line unless it is the second half of a `\r\n` or `\n\r` pair.
    fn is_newline(&mut self, c: u8) -> bool {
        if self.last_newline == 0 || self.last_newline == c {
            self.last_newline = c;
            true
        } else {
            self.last_newline = 0;
            false
        }
    }

    fn delete_at_cursor(&mut self, edit: &mut Redraw) {
        if self.cursor < self.line.len() {
            self.line.remove(self.cursor);
            edit.from_cursor = true;
        }
    }

    /// Backspace deletes one character, or a whole indent step within leading spaces.
    fn backspace(&mut self, edit: &mut Redraw) {
        if self.cursor == self.start {
            return;
        }
        let before = &self.line[self.start..self.cursor];
        let n = if before.len() >= 4 && before.bytes().all(|b| b == b' ') {
            4
        } else {
            1
        };
        self.line.replace_range(self.cursor - n..self.cursor, "");
        edit.back = n;
        edit.from_cursor = true;
    }

    fn kill_word_back(&mut self, edit: &mut Redraw) {
        let n = self.word_len(false);
        self.line.replace_range(self.cursor - n..self.cursor, "");
        edit.back = n;
        edit.from_cursor = true;
    }

    /// Characters from the cursor to the end (`forward`) or start of the word beside it.
    fn word_len(&self, forward: bool) -> usize {
        let bytes = self.line.as_bytes();
        let mut pos = self.cursor;
        let mut in_word = false;
        loop {
            if (!forward && pos == self.start) || (forward && pos == bytes.len()) {
                break;
            }
            let c = if forward { bytes[pos] } else { bytes[pos - 1] };
            if c.is_ascii_alphanumeric() {
                in_word = true;
            } else if in_word {
                break;
            }
            if forward {
                pos += 1;
            } else {
                pos -= 1;
            }
        }
        pos.abs_diff(self.cursor)
    }

    /// Up (`older`) or down through the history, replacing the current line.
    fn history_step(&mut self, older: bool, edit: &mut Redraw) {
        let next = match (older, self.shown) {
            (true, None) => 0,
            (true, Some(i)) => i + 1,
            (false, None) => return,
            (false, Some(0)) => usize::MAX,
            (false, Some(i)) => i - 1,
        };
        if older && next >= self.history.lines().len() {
            return;
        }
        self.line.truncate(self.start);
        if next == usize::MAX {
            self.shown = None;
        } else {
            self.line.push_str(&self.history.lines()[next]);
            self.shown = Some(next);
        }
        edit.back = self.cursor - self.start;
        edit.from_cursor = true;
        edit.forward = self.line.len() - self.start;
    }

    /// Tab: four spaces after whitespace, else completion of the word before the cursor.
    fn tab(&mut self, edit: &mut Redraw, out: &mut Vec<u8>, completer: &mut dyn Completer) {
        let after_space = self.cursor > 0
            && self.line.as_bytes()[self.cursor - 1].is_ascii_whitespace()
            && !self.line.is_empty();
        let completion = if after_space {
            Completion::Insert("    ".to_string())
        } else {
            completer.complete(&self.line[self.start..self.cursor])
        };
        match completion {
            Completion::None => {}
            Completion::Insert(text) => {
                self.line.insert_str(self.cursor, &text);
                edit.from_cursor = true;
                edit.forward = text.len();
            }
            Completion::Listed(listing) => {
                out.extend_from_slice(listing.replace('\n', "\r\n").as_bytes());
                out.extend_from_slice(self.prompt.as_bytes());
                out.extend_from_slice(&self.line.as_bytes()[self.start..self.cursor]);
                edit.from_cursor = true;
            }
        }
    }

    /// After a newline inside the input: indent like the previous line, one step more after
    /// a `:`, unless the last two lines were blank (`readline_auto_indent`).
    fn indent_after_newline(&mut self, out: &mut Vec<u8>) {
        if !self.auto_indent || self.line.len() < 2 || !self.line.ends_with('\n') {
            return;
        }
        let body = &self.line[..self.line.len() - 1];
        let line_start = body.rfind('\n').map_or(0, |i| i + 1);
        let previous = &body[line_start..];
        let spaces = previous.bytes().take_while(|&b| b == b' ').count();
        if line_start > 0 && spaces == previous.len() {
            // The previous line is blank: stop if the one before it is blank too.
            let before = &body[..line_start - 1];
            let before_start = before.rfind('\n').map_or(0, |i| i + 1);
            if before[before_start..].bytes().all(|b| b == b' ') {
                return;
            }
        }
        let steps = spaces / 4 + usize::from(body.ends_with(':'));
        for _ in 0..steps {
            self.line.push_str("    ");
            out.extend_from_slice(b"    ");
            self.cursor += 4;
            self.just_indented = true;
        }
    }

    /// Brings the screen in line with an edit: cursor back, redraw from the cursor (erasing
    /// what the line lost), cursor forward.
    fn redraw(&mut self, edit: Redraw, old_len: usize, out: &mut Vec<u8>) {
        if edit.back > 0 {
            move_back(edit.back, out);
            self.cursor -= edit.back;
        }
        if edit.from_cursor {
            if self.line.len() < old_len {
                out.extend_from_slice(b"\x1b[K");
            }
            out.extend_from_slice(&self.line.as_bytes()[self.cursor..]);
            move_back(self.line.len() - (self.cursor + edit.forward), out);
            self.cursor += edit.forward;
        } else if edit.forward > 0 {
            out.extend_from_slice(&self.line.as_bytes()[self.cursor..self.cursor + edit.forward]);
            self.cursor += edit.forward;
        }
    }
}

/// What an edit needs redrawn (`readline_process_char`'s redraw step variables).
#[derive(Default)]
struct Redraw {
    back: usize,
    from_cursor: bool,
    forward: usize,
}

/// Moves the terminal cursor `n` columns left: backspaces for a few, `ESC [ n D` for more.
fn move_back(n: usize, out: &mut Vec<u8>) {
    match n {
        0 => {}
        1..=4 => out.extend(std::iter::repeat_n(b'\x08', n)),
        _ => out.extend_from_slice(format!("\x1b[{n}D").as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoCompletion;
    impl Completer for NoCompletion {
        fn complete(&mut self, _: &str) -> Completion {
            Completion::None
        }
    }

    /// Feeds `keys` to a fresh editor; the line, how it ended, and the screen output.
    fn type_keys(history: &mut History, keys: &[u8]) -> (String, Option<Ending>, Vec<u8>) {
        let mut out = Vec::new();
        let mut editor = Editor::new(String::new(), ">>> ", history, &mut out);
        let mut ending = None;
        for &c in keys {
            ending = editor.feed(c, &mut out, &mut NoCompletion);
            if ending.is_some() {
                break;
            }
        }
        (editor.line, ending, out)
    }

    #[test]
    fn typing_and_enter() {
        let mut history = History::default();
        let (line, ending, out) = type_keys(&mut history, b"1+2\r");
        assert_eq!((line.as_str(), ending), ("1+2", Some(Ending::Enter)));
        assert_eq!(out, b">>> 1+2\r\n");
        assert_eq!(history.lines(), ["1+2"]);
    }

    #[test]
    fn backspace_and_delete_redraw_as_micropython() {
        let mut history = History::default();
        let (line, _, out) = type_keys(&mut history, b"abc\x7f\x7f\r");
        assert_eq!(line, "a");
        assert_eq!(out, b">>> abc\x08\x1b[K\x08\x1b[K\r\n");
    }

    #[test]
    fn arrows_move_and_insert_in_the_middle() {
        let mut history = History::default();
        let (line, _, _) = type_keys(&mut history, b"ac\x1b[Db\r");
        assert_eq!(line, "abc");
        let (line, _, _) = type_keys(&mut history, b"bc\x01a\x05d\r");
        assert_eq!(line, "abcd");
    }

    #[test]
    fn history_walks_up_and_down() {
        let mut history = History::default();
        type_keys(&mut history, b"first\r");
        type_keys(&mut history, b"second\r");
        let (line, _, _) = type_keys(&mut history, b"\x1b[A\x1b[A\r");
        assert_eq!(line, "first");
        let (line, _, _) = type_keys(&mut history, b"\x1b[A\x1b[A\x1b[B\r");
        assert_eq!(line, "first");
        assert_eq!(history.lines()[0], "first");
    }

    #[test]
    fn control_keys_on_an_empty_line_end_it() {
        let mut history = History::default();
        for key in [CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E] {
            let (_, ending, _) = type_keys(&mut history, &[key]);
            assert_eq!(ending, Some(Ending::Control(key)));
        }
        let (_, ending, _) = type_keys(&mut history, b"x\x03");
        assert_eq!(ending, Some(Ending::Control(CTRL_C)));
    }

    #[test]
    fn auto_indent_follows_colons_and_stops_after_two_blank_lines() {
        let mut history = History::default();
        let mut out = Vec::new();
        let mut editor = Editor::new(String::new(), ">>> ", &mut history, &mut out);
        for &c in b"if 1:\r" {
            editor.feed(c, &mut out, &mut NoCompletion);
        }
        editor.line.push('\n');
        editor.next_line("... ", &mut out);
        assert_eq!(editor.current(), "    ");
        for &c in b"x = 1\r" {
            editor.feed(c, &mut out, &mut NoCompletion);
        }
        editor.line.push('\n');
        editor.next_line("... ", &mut out);
        assert_eq!(editor.current(), "    ");
        // Backspace over an indent removes the whole step.
        editor.feed(127, &mut out, &mut NoCompletion);
        assert_eq!(editor.current(), "");
    }

    #[test]
    fn word_moves_and_kills() {
        let mut history = History::default();
        let (line, _, _) = type_keys(&mut history, b"foo bar\x17\r");
        assert_eq!(line, "foo ");
        let (line, _, _) = type_keys(&mut history, b"foo bar\x1bbX\r");
        assert_eq!(line, "foo Xbar");
    }
}
