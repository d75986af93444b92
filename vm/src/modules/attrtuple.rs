//! Attribute tuples (`mp_obj_attrtuple_t`): tuples whose items are also named attributes, as
//! `sys.implementation` and `os.uname()` are. Printed as `(name='micropython', ...)`.
//!
//! Only modules hand them out, so krait keeps them as `{type, field names, values}`, two
//! tuples, rather than MicroPython's tuple-with-a-hidden-pointer.
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;

impl Vm {
    /// An attribute tuple with the given field names and values.
    pub fn new_attrtuple(&mut self, names: &[&str], values: &[Obj]) -> PyResult<Obj> {
        let values = self.new_tuple(values)?;
        let values = self.root(values)?;
        let names = names
            .iter()
            .map(|name| Ok(Obj::qstr(self.intern(name)?).unwrap_or(Obj::NONE)))
            .collect::<PyResult<Vec<Obj>>>()?;
        let names = self.new_tuple(&names)?;
        self.new_pair(ty::ATTR_TUPLE, names, self.slot(values))
    }

    /// Field `q` of an attribute tuple.
    pub fn attrtuple_attr(&self, obj: Obj, q: u32) -> Option<Obj> {
        let names = self.seq_items(self.field(obj, 1));
        let index = names.iter().position(|name| name.as_qstr() == Some(q))?;
        self.seq_items(self.field(obj, 2)).get(index).copied()
    }

    /// `(name=value, ...)`.
    pub fn attrtuple_repr(&mut self, obj: Obj) -> PyResult<String> {
        let names = self.seq_items(self.field(obj, 1));
        let values = self.seq_items(self.field(obj, 2));
        let mut fields = Vec::with_capacity(names.len());
        for (name, value) in names.into_iter().zip(values) {
            let name = self.str_text(name);
            fields.push(format!("{name}={}", self.repr(value)?));
        }
        Ok(format!("({})", fields.join(", ")))
    }
}
