//! The module-wide qstr and constant-object tables that bytecode indexes into
//! (`mp_emit_common_use_qstr` / `mp_emit_common_use_const_obj`).

use super::emit::ConstOrigin;
use crate::rawcode::ConstObj;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Debug, Default)]
pub struct ModuleTables {
    pub qstrs: Vec<Rc<str>>,
    qstr_index: HashMap<Rc<str>, usize>,
    pub objs: Vec<ConstObj>,
    /// The AST node each entry of `objs` was first made for.
    origins: Vec<Option<ConstOrigin>>,
}

impl ModuleTables {
    /// New tables whose qstr 0 is the source file name, as MicroPython starts them.
    pub fn new(source_file: &str) -> Self {
        let mut tables = ModuleTables::default();
        tables.use_qstr(source_file);
        tables
    }

    /// The index of `qstr`, appended on first use.
    pub fn use_qstr(&mut self, qstr: &str) -> usize {
        if let Some(&i) = self.qstr_index.get(qstr) {
            return i;
        }
        let rc: Rc<str> = Rc::from(qstr);
        self.qstrs.push(rc.clone());
        self.qstr_index.insert(rc, self.qstrs.len() - 1);
        self.qstrs.len() - 1
    }

    /// The index of `obj`: the entry made for the same AST node (`origin`) or a strictly equal
    /// constant already in the table, else a new entry (`mp_emit_common_use_const_obj`).
    pub fn use_const_obj(&mut self, obj: ConstObj, origin: Option<ConstOrigin>) -> usize {
        let found = self
            .objs
            .iter()
            .zip(&self.origins)
            .position(|(o, &o_origin)| {
                (origin.is_some() && o_origin == origin) || strictly_equal(o, &obj)
            });
        if let Some(i) = found {
            return i;
        }
        self.objs.push(obj);
        self.origins.push(origin);
        self.objs.len() - 1
    }
}

/// MicroPython's `strictly_equal` between two distinct constant objects: equal values of the
/// same type, with `0.0` and `-0.0` apart (as `ConstObj`'s `==` has it) and a NaN equal to
/// nothing, as `mp_obj_equal` has it.
fn strictly_equal(a: &ConstObj, b: &ConstObj) -> bool {
    a == b && !holds_nan(a)
}

fn holds_nan(obj: &ConstObj) -> bool {
    match obj {
        ConstObj::Float(f) => f.is_nan(),
        ConstObj::Complex { real, imag } => real.is_nan() || imag.is_nan(),
        ConstObj::Tuple(items) => items.iter().any(holds_nan),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_file_is_qstr_zero_and_qstrs_dedup() {
        let mut t = ModuleTables::new("a.py");
        assert_eq!(t.use_qstr("x"), 1);
        assert_eq!(t.use_qstr("a.py"), 0);
        assert_eq!(t.use_qstr("x"), 1);
    }

    #[test]
    fn float_zero_signs_are_distinct_constants() {
        let mut t = ModuleTables::new("a.py");
        assert_eq!(t.use_const_obj(ConstObj::Float(0.0), None), 0);
        assert_eq!(t.use_const_obj(ConstObj::Float(-0.0), None), 1);
        assert_eq!(t.use_const_obj(ConstObj::Float(0.0), None), 0);
        assert_eq!(t.use_const_obj(ConstObj::Int(1.into()), None), 2);
    }

    #[test]
    fn nan_constants_match_only_their_own_node() {
        let mut t = ModuleTables::new("a.py");
        let nan = || ConstObj::Float(f64::NAN);
        assert_eq!(t.use_const_obj(nan(), Some(1)), 0);
        assert_eq!(t.use_const_obj(nan(), Some(2)), 1);
        assert_eq!(t.use_const_obj(nan(), Some(1)), 0);
        assert_eq!(t.use_const_obj(ConstObj::Tuple(vec![nan()]), Some(3)), 2);
        assert_eq!(t.use_const_obj(ConstObj::Tuple(vec![nan()]), Some(4)), 3);
    }
}
