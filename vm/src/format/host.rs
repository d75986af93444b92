//! What the formatting drivers need from the VM: access to argument objects.

use super::error::FormatError;
use super::value::Value;

/// The VM's side of `str.format` and `%`: the drivers see arguments only through this.
pub trait FormatHost {
    /// A handle to one argument object.
    type Arg: Clone;
    /// The VM's exception type; formatting errors convert into it.
    type Error: From<FormatError>;

    /// How the formatter should treat `arg` (see [`Value`]).
    fn value(&mut self, arg: &Self::Arg) -> Result<Value, Self::Error>;

    /// `str(arg)`, or `repr(arg)` when `repr` is set, as UTF-8 bytes.
    fn text(&mut self, arg: &Self::Arg, repr: bool) -> Result<Vec<u8>, Self::Error>;

    /// The keyword argument `name` of `str.format`, if given.
    fn keyword(&mut self, name: &[u8]) -> Option<Self::Arg> {
        let _ = name;
        None
    }

    /// `mapping[key]` with `key` as a str, for `%(key)s` (the VM raises `KeyError` itself).
    fn lookup(&mut self, mapping: &Self::Arg, key: &[u8]) -> Result<Self::Arg, Self::Error>;
}
