//! Tab completion against the running program, by MicroPython's rules
//! (`mp_repl_autocomplete` in `py/repl.c`): the dotted name before the cursor is looked up
//! from `__main__`'s globals, and every qstr that names an attribute of the last object found
//! is a candidate, in qstr order; after `import `, builtin module names are.

use super::editor::{Completer, Completion};
use vm::interp::Vm;
use vm::runtime::obj::Obj;

/// Word slots and line width of the candidate listing (`print_completions`).
const WORD_SLOT: usize = 16;
const LISTING_WIDTH: usize = 4 * WORD_SLOT;

/// Completes names in the REPL's `__main__` module.
pub struct VmCompleter<'v> {
    pub vm: &'v mut Vm,
    pub main: Obj,
}

impl Completer for VmCompleter<'_> {
    fn complete(&mut self, line: &str) -> Completion {
        let word_start = line
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .map_or(0, |i| i + 1);
        let mut parts: Vec<&str> = line[word_start..].split('.').collect();
        let partial = parts.pop().unwrap_or_default();
        // `None` stands for the builtin modules (after `import `).
        let mut scope = Some(self.main);
        for part in parts {
            let Some(obj) = scope else {
                return Completion::None;
            };
            scope = self.attribute(obj, part);
            if scope.is_none() {
                return Completion::None;
            }
        }
        if line.starts_with("import ") {
            scope = None;
        }
        let names = self.candidates(scope, partial);
        if names.is_empty() {
            // Nothing better: the first word of a line may be the start of `import`.
            let import = "import ";
            if word_start == 0 && !partial.is_empty() && import.starts_with(partial) {
                return Completion::Insert(import[partial.len()..].to_string());
            }
            return Completion::None;
        }
        let common = names.iter().skip(1).fold(names[0].len(), |len, name| {
            names[0]
                .bytes()
                .zip(name.bytes())
                .take(len)
                .take_while(|(a, b)| a == b)
                .count()
        });
        if names.len() == 1 || common > partial.len() {
            return Completion::Insert(names[0][partial.len()..common].to_string());
        }
        Completion::Listed(listing(&names))
    }
}

impl VmCompleter<'_> {
    /// Attribute `name` of `obj`, if it has one (errors count as none, as the lookup is
    /// `mp_load_method_protected`).
    fn attribute(&mut self, obj: Obj, name: &str) -> Option<Obj> {
        let q = self.vm.qstrs.find(name.as_bytes())?;
        self.vm.load_attr(obj, q).ok()
    }

    /// Every qstr starting with `partial` that names an attribute of `scope` (or a builtin
    /// module), in qstr order; names starting with `_` only when `partial` is not empty.
    fn candidates(&mut self, scope: Option<Obj>, partial: &str) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for q in 1..self.vm.qstrs.len() {
            let Some(text) = self
                .vm
                .qstrs
                .get(q)
                .and_then(|b| std::str::from_utf8(b).ok())
            else {
                continue;
            };
            if (partial.is_empty() && text.starts_with('_')) || !text.starts_with(partial) {
                continue;
            }
            let text = text.to_string();
            let found = match scope {
                Some(obj) => matches!(self.vm.find_method(obj, q), Ok(Some(_))),
                None => vm::modules::BUILTIN_MODULES
                    .iter()
                    .any(|module| module.name == text),
            };
            if found && !names.contains(&text) {
                names.push(text);
            }
        }
        names
    }
}

/// The candidates in columns of 16, lines of at most 64, starting on a new line.
fn listing(names: &[String]) -> String {
    let mut out = String::new();
    let mut line_len = LISTING_WIDTH;
    for name in names {
        let mut gap = line_len.div_ceil(WORD_SLOT) * WORD_SLOT - line_len;
        if gap < 2 {
            gap += WORD_SLOT;
        }
        if line_len + gap + name.len() <= LISTING_WIDTH {
            out.push_str(&" ".repeat(gap));
            out.push_str(name);
            line_len += gap + name.len();
        } else {
            out.push('\n');
            out.push_str(name);
            line_len = name.len();
        }
    }
    out.push('\n');
    out
}
