//! The module-wide qstr and constant-object tables that bytecode indexes into
//! (`mp_emit_common_use_qstr` / `mp_emit_common_use_const_obj`).

use crate::rawcode::ConstObj;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Debug, Default)]
pub struct ModuleTables {
    pub qstrs: Vec<Rc<str>>,
    qstr_index: HashMap<Rc<str>, usize>,
    pub objs: Vec<ConstObj>,
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

    /// The index of `obj`, shared with any strictly equal constant already in the table.
    pub fn use_const_obj(&mut self, obj: ConstObj) -> usize {
        if let Some(i) = self.objs.iter().position(|o| *o == obj) {
            return i;
        }
        self.objs.push(obj);
        self.objs.len() - 1
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
        assert_eq!(t.use_const_obj(ConstObj::Float(0.0)), 0);
        assert_eq!(t.use_const_obj(ConstObj::Float(-0.0)), 1);
        assert_eq!(t.use_const_obj(ConstObj::Float(0.0)), 0);
        assert_eq!(t.use_const_obj(ConstObj::Int(1.into())), 2);
    }
}
