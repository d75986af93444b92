//! Text formatting exactly as MicroPython 1.29's unix port does it, over plain Rust values so
//! that it can be tested alone and shared by `print`, `repr`, `str.format`, `%`, `int()` and
//! the `.mpy` writer. Output is bytes: MicroPython pads and truncates by bytes, and `%` also
//! formats bytes objects.
//!
//! - [`float`]: float `repr`, parsing, and `e`/`f`/`g` printing.
//! - [`int`]: integers in any base, `int(text, base)`, int/float conversions.
//! - [`spec`]: the format-spec mini-language; [`value`]: applying a spec to a [`Value`].
//! - [`template`]: `str.format`; [`percent`]: `%`. Both reach the VM's objects through a
//!   [`FormatHost`].

pub mod error;
mod f80;
pub mod float;
pub mod host;
pub mod int;
mod pad;
pub mod percent;
pub mod quote;
pub mod spec;
pub mod template;
pub mod value;

#[cfg(test)]
mod tests;

pub use error::{ErrorKind, FormatError};
pub use host::FormatHost;
pub use int::{int_to_radix, parse_int};
pub use percent::format_percent;
pub use quote::quote;
pub use spec::{parse_spec, FormatSpec};
pub use template::format_template;
pub use value::{format_value, Value};
