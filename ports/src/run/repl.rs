//! The interactive prompt (the unix port's simple line REPL): `>>> `, `... ` while the input
//! is incomplete, each input compiled as a single statement in `__main__`, whose expression
//! values are printed. Exceptions are printed on stdout, as the unix port's REPL prints them.
use std::io::{BufRead, Write};
use vm::compile::{compile_source, CompileOptions, InputMode};
use vm::interp::Vm;
use vm::modules::sys::{MACHINE, VERSION_BANNER};

/// Runs the REPL until end of input or `SystemExit`; `Some(status)` for the latter.
pub fn run(vm: &mut Vm, options: &CompileOptions) -> Option<u8> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let banner = format!("{VERSION_BANNER}; {MACHINE}\nType \"help()\" for more information.\n");
    vm.write_stdio(1, banner.as_bytes());
    loop {
        vm.write_stdio(1, b">>> ");
        let mut input = match lines.next() {
            Some(Ok(line)) => line,
            _ => return None,
        };
        while continues(&input) {
            vm.write_stdio(1, b"... ");
            match lines.next() {
                Some(Ok(line)) => {
                    input.push('\n');
                    input.push_str(&line);
                }
                _ => break,
            }
        }
        let options = CompileOptions {
            mode: InputMode::Single,
            ..*options
        };
        let result = match compile_source(&input, "<stdin>", &options) {
            Ok(compiled) => vm.exec_in_main(&compiled),
            Err(err) => match vm.intern("<stdin>") {
                Ok(file) => Err(vm.raise_compile_error(&err, file)),
                Err(raise) => Err(raise),
            },
        };
        if result.is_err() {
            let exc = vm.pending_exception();
            if let Some(status) = vm.system_exit_status(exc) {
                return Some(status);
            }
            let text = vm.format_exception(exc);
            vm.write_stdio(1, text.as_bytes());
        }
        let _ = std::io::stdout().flush();
    }
}

/// Whether `input` needs more lines (`mp_repl_continue_with_input`): an open triple quote or
/// bracket, a trailing backslash, or a compound statement not yet ended by an empty line.
fn continues(input: &str) -> bool {
    if input.is_empty() {
        return false;
    }
    let compound = input.starts_with('@')
        || ["if", "while", "for", "try", "with", "def", "class", "async"]
            .iter()
            .any(|word| starts_with_word(input, word));
    let bytes = input.as_bytes();
    let (mut depth, mut quote, mut i) = (0i32, None::<&[u8]>, 0);
    while i < bytes.len() {
        let rest = &bytes[i..];
        match quote {
            Some(q) if rest.starts_with(q) => {
                quote = None;
                i += q.len();
                continue;
            }
            Some(_) if rest[0] == b'\\' && rest.len() > 1 => i += 1,
            Some(_) => {}
            None => match rest[0] {
                b'\'' | b'"' => {
                    let len = if rest.len() >= 3 && rest[1] == rest[0] && rest[2] == rest[0] {
                        3
                    } else {
                        1
                    };
                    quote = Some(&rest[..len]);
                    i += len;
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                _ => {}
            },
        }
        i += 1;
    }
    if quote.is_some_and(|q| q.len() == 3) || (depth > 0 && quote.is_none()) {
        return true;
    }
    input.ends_with('\\') || (compound && !input.ends_with('\n'))
}

fn starts_with_word(input: &str, word: &str) -> bool {
    input.strip_prefix(word).is_some_and(|rest| {
        rest.chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

#[cfg(test)]
mod tests {
    use super::continues;

    #[test]
    fn incomplete_inputs_continue() {
        for input in [
            "for i in x:",
            "def f():\n  pass",
            "(1,",
            "'''a",
            "x = 1 \\",
            "@d",
        ] {
            assert!(continues(input), "{input:?}");
        }
        for input in [
            "",
            "1 + 2",
            "format(1)",
            "'('",
            "def f(): pass\n",
            "x = [1]",
        ] {
            assert!(!continues(input), "{input:?}");
        }
    }
}
