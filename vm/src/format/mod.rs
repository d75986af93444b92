//! Text formatting exactly as MicroPython 1.29's unix port does it, over plain Rust values so
//! that it can be tested alone and shared by `print`, `repr`, `str()`, `str.format`, `%`,
//! `int()`/`float()` and the `.mpy` writer. Output is bytes: MicroPython pads and truncates by
//! bytes, and `%` also formats bytes objects.
//!
//! What the VM calls:
//! - `repr`/`str` of numbers: [`float::float_repr`], [`float::complex_repr`], and
//!   [`int_to_radix`] (also `bin`/`oct`/`hex` with a `0b`/`0o`/`0x` prefix).
//! - `int(text, base)`: [`parse_int`]; `float(text)`: [`float::parse_decimal`];
//!   `float(int)`: [`int::int_to_f64`]; `int(float)`: [`int::f64_to_int`].
//! - `repr` of str and bytes bodies: [`quote()`].
//! - `str.format`: [`format_template`]; `str % x` and `bytes % x`: [`format_percent`]. Both
//!   reach the VM's objects through a [`FormatHost`], which classifies an argument as a
//!   [`Value`], prints its `str`/`repr`, and looks up keywords and dict keys. Errors are
//!   [`FormatError`]s (exception type and MicroPython's message) converted into the host's
//!   error type, so exceptions raised by the host's own callbacks pass through unchanged.
//! - A single field: [`parse_spec`] then [`format_value`].
//!
//! Modules: [`float`] (float text both ways), [`int`] (integer text both ways), [`spec`] (the
//! format-spec mini-language), [`value`] (a spec applied to a value), [`template`]
//! (`str.format`), [`percent`] (`%`), [`mod@quote`], [`host`], [`error`].
//!
//! The tests compare against tables produced by the MicroPython runtime itself (see
//! `testdata/oracle.mjs`).

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
