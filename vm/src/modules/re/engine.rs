//! MicroPython's regular expressions (the re1.5 dialect of `extmod/modre.c`): the parser to a
//! small backtracking program, and the matcher.
//!
//! Syntax: literal bytes, `.` (any byte), `[...]` and `[^...]` sets with ranges and the named
//! classes `\d \D \w \W \s \S` (also outside sets), `*`, `+`, `?` and their non-greedy `*?`,
//! `+?`, `??`, `|`, capturing `(...)` and non-capturing `(?:...)` groups, `^` (the subject's
//! start) and `$` (its end). Any other escaped byte is itself; `{` is a literal. Subjects are
//! matched as bytes, as in MicroPython.
//!
//! The matcher backtracks with an explicit stack and a step budget: patterns that would
//! recurse without end in MicroPython's C matcher (an empty loop such as `(a*)*` on a long
//! subject) give `RuntimeError` there and here, never a hang.

/// One instruction of a compiled pattern.
#[derive(Debug, Clone)]
enum Inst {
    Byte(u8),
    Any,
    /// `named` for `\d` and its kin outside brackets, which MicroPython codes shorter.
    Set {
        ranges: Vec<(u8, u8)>,
        negated: bool,
        named: bool,
    },
    LineStart,
    LineEnd,
    /// Try the first target, then the second.
    Split(usize, usize),
    Jump(usize),
    /// Record the current position in capture slot `n`.
    Save(usize),
    Match,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Regex {
    program: Vec<Inst>,
    /// Capturing groups, the whole match (group 0) included.
    pub groups: usize,
}

/// Why a pattern did not compile, or a match could not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// `ValueError: error in regex`.
    Syntax,
    /// `RuntimeError: maximum recursion depth exceeded` (MicroPython's C stack overflows).
    TooDeep,
}

/// Deepest group nesting the parser follows.
const MAX_NESTING: usize = 500;
/// Sets and groups beyond what MicroPython's byte-sized program fields hold.
const MAX_SET_RANGES: usize = 255;
const MAX_GROUPS: usize = 255;
/// Backtracking steps before giving up on a match.
const MAX_STEPS: u64 = 50_000_000;

struct Parser<'a> {
    pattern: &'a [u8],
    pos: usize,
    program: Vec<Inst>,
    groups: usize,
    depth: usize,
}

impl Regex {
    pub fn compile(pattern: &[u8]) -> Result<Regex, Error> {
        let mut parser = Parser {
            pattern,
            pos: 0,
            program: vec![Inst::Save(0)],
            groups: 1,
            depth: 0,
        };
        parser.alternation()?;
        if parser.pos != pattern.len() {
            return Err(Error::Syntax);
        }
        parser.program.push(Inst::Save(1));
        parser.program.push(Inst::Match);
        check_jumps(&parser.program)?;
        Ok(Regex {
            program: parser.program,
            groups: parser.groups,
        })
    }

    /// The first match starting at or after `start` (only at `start` when `anchored`) within
    /// `subject[..end]`: each group's `(start, end)`, `None` for groups that did not take part.
    #[allow(clippy::type_complexity)]
    pub fn exec(
        &self,
        subject: &[u8],
        start: usize,
        end: usize,
        anchored: bool,
    ) -> Result<Option<Vec<Option<(usize, usize)>>>, Error> {
        let mut steps = 0;
        for from in start..=end {
            if let Some(caps) = self.run(subject, from, end, &mut steps)? {
                let groups = (0..self.groups)
                    .map(|g| match (caps[2 * g], caps[2 * g + 1]) {
                        (Some(s), Some(e)) => Some((s, e)),
                        _ => None,
                    })
                    .collect();
                return Ok(Some(groups));
            }
            if anchored {
                break;
            }
        }
        Ok(None)
    }

    fn run(
        &self,
        subject: &[u8],
        start: usize,
        end: usize,
        steps: &mut u64,
    ) -> Result<Option<Vec<Option<usize>>>, Error> {
        enum Undo {
            Branch(usize, usize),
            Restore(usize, Option<usize>),
        }
        let mut caps = vec![None; 2 * self.groups];
        let mut stack = vec![Undo::Branch(0, start)];
        'backtrack: while let Some(undo) = stack.pop() {
            let (mut pc, mut sp) = match undo {
                Undo::Branch(pc, sp) => (pc, sp),
                Undo::Restore(slot, old) => {
                    caps[slot] = old;
                    continue;
                }
            };
            loop {
                *steps += 1;
                if *steps > MAX_STEPS {
                    return Err(Error::TooDeep);
                }
                let byte = (sp < end).then(|| subject[sp]);
                match &self.program[pc] {
                    Inst::Byte(b) if byte == Some(*b) => sp += 1,
                    Inst::Any if byte.is_some() => sp += 1,
                    Inst::Set {
                        ranges, negated, ..
                    } => match byte {
                        Some(b)
                            if ranges.iter().any(|&(lo, hi)| lo <= b && b <= hi) != *negated =>
                        {
                            sp += 1
                        }
                        _ => continue 'backtrack,
                    },
                    Inst::LineStart if sp == 0 => {}
                    Inst::LineEnd if sp == end => {}
                    Inst::Split(first, second) => {
                        stack.push(Undo::Branch(*second, sp));
                        pc = *first;
                        continue;
                    }
                    Inst::Jump(target) => {
                        pc = *target;
                        continue;
                    }
                    Inst::Save(slot) => {
                        stack.push(Undo::Restore(*slot, caps[*slot]));
                        caps[*slot] = Some(sp);
                    }
                    Inst::Match => return Ok(Some(caps)),
                    _ => continue 'backtrack,
                }
                pc += 1;
            }
        }
        Ok(None)
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.pattern.get(self.pos).copied()
    }

    /// Alternatives `a|b|c`, as `Split(a, next); a; Jump(end); next: Split(b, c); b; Jump(end);
    /// c; end:` (a loop, so a long chain of `|` needs no host stack).
    fn alternation(&mut self) -> Result<(), Error> {
        let mut branch = self.program.len();
        let mut jumps = Vec::new();
        self.concatenation()?;
        while self.peek() == Some(b'|') {
            self.pos += 1;
            self.program.insert(branch, Inst::Split(0, 0));
            self.shift_targets(branch + 1, 1);
            jumps.push(self.program.len());
            self.program.push(Inst::Jump(0));
            let next = self.program.len();
            self.program[branch] = Inst::Split(branch + 1, next);
            branch = next;
            self.concatenation()?;
        }
        let end = self.program.len();
        for jump in jumps {
            self.program[jump] = Inst::Jump(end);
        }
        Ok(())
    }

    fn concatenation(&mut self) -> Result<(), Error> {
        while let Some(c) = self.peek() {
            if c == b'|' || c == b')' {
                break;
            }
            self.repetition()?;
        }
        Ok(())
    }

    fn repetition(&mut self) -> Result<(), Error> {
        let start = self.program.len();
        self.atom()?;
        let Some(op @ (b'*' | b'+' | b'?')) = self.peek() else {
            return Ok(());
        };
        self.pos += 1;
        let greedy = if self.peek() == Some(b'?') {
            self.pos += 1;
            false
        } else {
            true
        };
        let order = |a: usize, b: usize| if greedy { (a, b) } else { (b, a) };
        match op {
            b'+' => {
                // start: atom; Split(start, next)
                let next = self.program.len() + 1;
                let (x, y) = order(start, next);
                self.program.push(Inst::Split(x, y));
            }
            _ => {
                // start: Split(start + 1, after); atom; [Jump(start) for *]; after:
                self.program.insert(start, Inst::Split(0, 0));
                self.shift_targets(start + 1, 1);
                if op == b'*' {
                    self.program.push(Inst::Jump(start));
                }
                let after = self.program.len();
                let (x, y) = order(start + 1, after);
                self.program[start] = Inst::Split(x, y);
            }
        }
        Ok(())
    }

    /// Moves jump targets at or after `from` by `by` (after an insertion at `from - 1`).
    fn shift_targets(&mut self, from: usize, by: usize) {
        for inst in &mut self.program[from..] {
            match inst {
                Inst::Split(a, b) => {
                    *a += by;
                    *b += by;
                }
                Inst::Jump(t) => *t += by,
                _ => {}
            }
        }
    }

    fn atom(&mut self) -> Result<(), Error> {
        let Some(c) = self.peek() else {
            return Err(Error::Syntax);
        };
        self.pos += 1;
        match c {
            b'*' | b'+' | b'?' => return Err(Error::Syntax),
            b'.' => self.program.push(Inst::Any),
            b'^' => self.program.push(Inst::LineStart),
            b'$' => self.program.push(Inst::LineEnd),
            b'[' => self.set()?,
            b'(' => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return Err(Error::TooDeep);
                }
                let capture = if self.pattern[self.pos..].starts_with(b"?:") {
                    self.pos += 2;
                    None
                } else {
                    self.groups += 1;
                    if self.groups > MAX_GROUPS {
                        return Err(Error::Syntax);
                    }
                    Some(self.groups - 1)
                };
                if let Some(group) = capture {
                    self.program.push(Inst::Save(2 * group));
                }
                self.alternation()?;
                if self.peek() != Some(b')') {
                    return Err(Error::Syntax);
                }
                self.pos += 1;
                if let Some(group) = capture {
                    self.program.push(Inst::Save(2 * group + 1));
                }
                self.depth -= 1;
            }
            b'\\' => {
                let Some(escaped) = self.peek() else {
                    return Err(Error::Syntax);
                };
                self.pos += 1;
                match named_class(escaped) {
                    Some((ranges, negated)) => self.program.push(Inst::Set {
                        ranges,
                        negated,
                        named: true,
                    }),
                    None => self.program.push(Inst::Byte(escaped)),
                }
            }
            _ => self.program.push(Inst::Byte(c)),
        }
        Ok(())
    }

    /// A set after its `[`, through its `]`.
    fn set(&mut self) -> Result<(), Error> {
        let negated = self.peek() == Some(b'^');
        if negated {
            self.pos += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(Error::Syntax);
            };
            self.pos += 1;
            if c == b']' && !first {
                break;
            }
            first = false;
            let lo = if c == b'\\' {
                let Some(escaped) = self.peek() else {
                    return Err(Error::Syntax);
                };
                self.pos += 1;
                if let Some((named, named_negated)) = named_class(escaped) {
                    ranges.extend(if named_negated {
                        complement(&named)
                    } else {
                        named
                    });
                    continue;
                }
                escaped
            } else {
                c
            };
            let is_range = self.peek() == Some(b'-')
                && self.pattern.get(self.pos + 1).is_some_and(|&n| n != b']');
            if is_range {
                let hi = self.pattern[self.pos + 1];
                self.pos += 2;
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
            if ranges.len() > MAX_SET_RANGES {
                return Err(Error::Syntax);
            }
        }
        self.program.push(Inst::Set {
            ranges,
            negated,
            named: false,
        });
        Ok(())
    }
}

/// Refuses a program whose jumps MicroPython's byte code could not encode: it stores each
/// jump as a signed byte, relative to the end of the jump, over instructions of these sizes.
fn check_jumps(program: &[Inst]) -> Result<(), Error> {
    let size = |inst: &Inst| match inst {
        Inst::Any | Inst::LineStart | Inst::LineEnd | Inst::Match => 1,
        Inst::Set {
            ranges,
            named: false,
            ..
        } => 2 + 2 * ranges.len() as i64,
        _ => 2,
    };
    let mut at = vec![0i64; program.len() + 1];
    for (i, inst) in program.iter().enumerate() {
        at[i + 1] = at[i] + size(inst);
    }
    let fits = |from: usize, to: usize| (-128..=127).contains(&(at[to] - at[from + 1]));
    for (i, inst) in program.iter().enumerate() {
        let ok = match *inst {
            // The preferred target of a split is the next instruction, or the other is.
            Inst::Split(a, b) => fits(i, if a == i + 1 { b } else { a }),
            Inst::Jump(t) => fits(i, t),
            _ => true,
        };
        if !ok {
            return Err(Error::Syntax);
        }
    }
    Ok(())
}

/// The ranges of `\d`, `\w`, `\s` (and whether the upper-case form negates them).
fn named_class(c: u8) -> Option<(Vec<(u8, u8)>, bool)> {
    let ranges = match c.to_ascii_lowercase() {
        b'd' => vec![(b'0', b'9')],
        b'w' => vec![(b'0', b'9'), (b'A', b'Z'), (b'_', b'_'), (b'a', b'z')],
        b's' => vec![(b'\t', b'\r'), (b' ', b' ')],
        _ => return None,
    };
    Some((ranges, c.is_ascii_uppercase()))
}

/// The bytes outside sorted, disjoint `ranges`.
fn complement(ranges: &[(u8, u8)]) -> Vec<(u8, u8)> {
    let mut out = Vec::new();
    let mut next = 0u16;
    for &(lo, hi) in ranges {
        if u16::from(lo) > next {
            out.push((next as u8, lo - 1));
        }
        next = u16::from(hi) + 1;
    }
    if next <= 255 {
        out.push((next as u8, 255));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Error, Regex};

    fn find(pattern: &str, subject: &str) -> Option<Vec<Option<(usize, usize)>>> {
        let regex = Regex::compile(pattern.as_bytes()).expect("compiles");
        regex
            .exec(subject.as_bytes(), 0, subject.len(), false)
            .expect("finishes")
    }

    #[test]
    fn matches_as_python_re_does() {
        // Spans CPython's re gives for the same pattern and subject.
        assert_eq!(find("o+", "foobar"), Some(vec![Some((1, 3))]));
        assert_eq!(find("a+?", "aaa"), Some(vec![Some((0, 1))]));
        assert_eq!(
            find("(a|ab)(c|bcd)(d*)", "abcd"),
            Some(vec![Some((0, 4)), Some((0, 1)), Some((1, 4)), Some((4, 4))])
        );
        assert_eq!(
            find(r"(\w+)\s+(\d+)", "x  age 42!"),
            Some(vec![Some((3, 9)), Some((3, 6)), Some((7, 9))])
        );
        assert_eq!(find("(x)?y", "y"), Some(vec![Some((0, 1)), None]));
        assert_eq!(find("^b", "ab"), None);
        assert_eq!(find("a$", "ba"), Some(vec![Some((1, 2))]));
        assert_eq!(find(r"[^\d-]+", "12-ab3"), Some(vec![Some((3, 5))]));
    }

    #[test]
    fn rejects_what_micropython_rejects() {
        for bad in ["?", "*", "+", ")", "[", "([", "([)", r"[a\]", "(a", "a)"] {
            assert_eq!(
                Regex::compile(bad.as_bytes()).err(),
                Some(Error::Syntax),
                "{bad}"
            );
        }
        let deep = "(?:".repeat(10_000) + &")".repeat(10_000);
        assert_eq!(Regex::compile(deep.as_bytes()).err(), Some(Error::TooDeep));
        // A long chain of alternatives compiles without recursing (its jumps are too long
        // for MicroPython's byte code, so it is refused).
        let wide = "a|".repeat(100_000);
        assert_eq!(Regex::compile(wide.as_bytes()).err(), Some(Error::Syntax));
    }
}
