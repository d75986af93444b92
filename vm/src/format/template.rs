//! `str.format`: replacement fields `{}`, `{0}`, `{name}`, conversions `!r`/`!s`, specs with
//! nested fields, and `{{`/`}}`, with MicroPython's errors. MicroPython has no field
//! attributes or indexing (`{0.real}`, `{0[1]}`): they raise `NotImplementedError`.

use super::error::{ErrorKind, FormatError};
use super::host::FormatHost;
use super::spec::{parse_spec, read_number, FormatSpec};
use super::value::{format_value, Value};

/// Nesting of replacement fields inside specs beyond which formatting gives up, as
/// MicroPython does when its C stack runs low.
const MAX_SPEC_NESTING: usize = 64;

/// Formats `template` with positional `args` (keywords come from [`FormatHost::keyword`]).
pub fn format_template<H: FormatHost>(
    host: &mut H,
    template: &[u8],
    args: &[H::Arg],
) -> Result<Vec<u8>, H::Error> {
    let mut numbering = Numbering::Unused;
    let mut driver = Driver {
        host,
        args,
        numbering: &mut numbering,
    };
    driver.expand(template, 0)
}

/// How fields pick their argument; a template may not mix the two ways.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Numbering {
    Unused,
    /// `{}`: the index of the next argument.
    Automatic(usize),
    /// `{0}`.
    Manual,
}

struct Driver<'a, H: FormatHost> {
    host: &'a mut H,
    args: &'a [H::Arg],
    numbering: &'a mut Numbering,
}

/// One replacement field's parts, as byte ranges of the text being expanded.
struct Field<'t> {
    name: Option<&'t [u8]>,
    conversion: Option<u8>,
    spec: Option<&'t [u8]>,
}

fn value_error(message: &str) -> FormatError {
    FormatError::value(message)
}

impl<H: FormatHost> Driver<'_, H> {
    fn expand(&mut self, text: &[u8], depth: usize) -> Result<Vec<u8>, H::Error> {
        if depth > MAX_SPEC_NESTING {
            return Err(FormatError::new(
                ErrorKind::RuntimeError,
                "maximum recursion depth exceeded",
            )
            .into());
        }
        let mut out = Vec::with_capacity(text.len() + 16);
        let mut pos = 0;
        while pos < text.len() {
            let byte = text[pos];
            pos += 1;
            if byte == b'}' {
                if text.get(pos) == Some(&b'}') {
                    out.push(b'}');
                    pos += 1;
                    continue;
                }
                return Err(value_error("single '}' encountered in format string").into());
            }
            if byte != b'{' {
                out.push(byte);
                continue;
            }
            if text.get(pos) == Some(&b'{') {
                out.push(b'{');
                pos += 1;
                continue;
            }
            let field = parse_field(text, &mut pos)?;
            // `pos` is at the closing brace.
            pos += 1;
            self.write_field(&mut out, field, depth)?;
        }
        Ok(out)
    }

    fn write_field(
        &mut self,
        out: &mut Vec<u8>,
        field: Field<'_>,
        depth: usize,
    ) -> Result<(), H::Error> {
        let arg = self.argument(field.name)?;
        // `{}` and `{:}` print `str(arg)`: `'{}'.format(True)` is `True`, `'{:d}'` gives `1`.
        let conversion = match (field.conversion, field.spec) {
            (None, None) => Some(b's'),
            (conversion, _) => conversion,
        };
        let value = match conversion {
            Some(conversion) => Value::Str(self.host.text(&arg, conversion == b'r')?),
            None => self.host.value(&arg)?,
        };
        let spec = match field.spec {
            Some(spec) => {
                let expanded = self.expand(spec, depth + 1)?;
                parse_spec(&expanded)?
            }
            None => FormatSpec::default(),
        };
        format_value(out, &value, &spec)?;
        Ok(())
    }

    /// The argument a field names (or the next one for an empty name).
    fn argument(&mut self, name: Option<&[u8]>) -> Result<H::Arg, H::Error> {
        let Some(name) = name else {
            let next =
                match *self.numbering {
                    Numbering::Manual => return Err(value_error(
                        "can't switch from manual field specification to automatic field numbering",
                    )
                    .into()),
                    Numbering::Unused => 0,
                    Numbering::Automatic(next) => next,
                };
            let arg = self.args.get(next).ok_or_else(index_error)?.clone();
            *self.numbering = Numbering::Automatic(next + 1);
            return Ok(arg);
        };
        let (arg, rest) = if name[0].is_ascii_digit() {
            if matches!(*self.numbering, Numbering::Automatic(_)) {
                return Err(value_error(
                    "can't switch from automatic field numbering to manual field specification",
                )
                .into());
            }
            let mut index = 0;
            let end = read_number(name, 0, &mut index);
            let arg = usize::try_from(index)
                .ok()
                .and_then(|index| self.args.get(index))
                .ok_or_else(index_error)?
                .clone();
            *self.numbering = Numbering::Manual;
            (arg, &name[end..])
        } else {
            let end = name
                .iter()
                .position(|&b| b == b'.' || b == b'[')
                .unwrap_or(name.len());
            let key = &name[..end];
            let arg = self
                .host
                .keyword(key)
                .ok_or_else(|| FormatError::new(ErrorKind::KeyError, key))?;
            (arg, &name[end..])
        };
        if !rest.is_empty() {
            return Err(FormatError::new(
                ErrorKind::NotImplementedError,
                "attributes not supported",
            )
            .into());
        }
        Ok(arg)
    }
}

fn index_error() -> FormatError {
    FormatError::new(ErrorKind::IndexError, "tuple index out of range")
}

/// Splits the field starting at `pos` (just after its `{`) and leaves `pos` at its `}`.
fn parse_field<'t>(text: &'t [u8], pos: &mut usize) -> Result<Field<'t>, FormatError> {
    let at = |pos: usize| text.get(pos).copied();
    let ends_name = |b: u8| matches!(b, b'}' | b'!' | b':');
    let start = *pos;
    while at(*pos).is_some_and(|b| !ends_name(b)) {
        *pos += 1;
    }
    let name = (*pos > start).then(|| &text[start..*pos]);

    let mut conversion = None;
    if at(*pos) == Some(b'!') {
        *pos += 1;
        match at(*pos) {
            Some(c @ (b'r' | b's')) => {
                conversion = Some(c);
                *pos += 1;
            }
            None => {
                return Err(value_error(
                    "end of format while looking for conversion specifier",
                ))
            }
            Some(other) => {
                let mut message = b"unknown conversion specifier ".to_vec();
                message.push(other);
                return Err(FormatError::value(message));
            }
        }
    }

    let mut spec = None;
    if at(*pos) == Some(b':') {
        *pos += 1;
        // `{:}` is `{}`; otherwise the spec runs to the brace that balances the field's.
        if at(*pos) != Some(b'}') {
            let spec_start = *pos;
            let mut nesting = 1;
            while let Some(b) = at(*pos) {
                if b == b'{' {
                    nesting += 1;
                } else if b == b'}' {
                    nesting -= 1;
                    if nesting == 0 {
                        break;
                    }
                }
                *pos += 1;
            }
            spec = Some(&text[spec_start..*pos]);
        }
    }
    match at(*pos) {
        None => Err(value_error("unmatched '{' in format")),
        Some(b'}') => Ok(Field {
            name,
            conversion,
            spec,
        }),
        Some(_) => Err(value_error("expected ':' after format specifier")),
    }
}
