//! The runtime helpers (MicroPython's fun table): name and attribute access, operators,
//! truth, equality, hashing, iteration, subscripts, unpacking. The interpreter loop calls
//! these for every slow path; native code will call the very same functions.
use super::{PyResult, Raise, Vm};
use crate::bytecode::{BinaryOpNum as B, UnaryOpNum};
use crate::objects::int::{floor_div_mod, Num};
use crate::objects::iter::{DICT_KEYS, DICT_VALUES};
use crate::objects::{qstrs, ty, EMPTY_TUPLE_OBJ, NOT_IMPLEMENTED_OBJ};
use crate::runtime::layout::list;
use crate::runtime::obj::Obj;

/// The special method an operator tries on user classes, and its reflected form.
fn binary_op_method(op: B) -> Option<(&'static str, Option<&'static str>)> {
    Some(match op {
        B::Less => ("__lt__", Some("__gt__")),
        B::More => ("__gt__", Some("__lt__")),
        B::Equal => ("__eq__", None),
        B::LessEqual => ("__le__", Some("__ge__")),
        B::MoreEqual => ("__ge__", Some("__le__")),
        B::NotEqual => ("__ne__", None),
        B::InplaceAdd | B::Add => ("__add__", Some("__radd__")),
        B::InplaceSubtract | B::Subtract => ("__sub__", Some("__rsub__")),
        B::InplaceMultiply | B::Multiply => ("__mul__", Some("__rmul__")),
        B::InplaceFloorDivide | B::FloorDivide => ("__floordiv__", Some("__rfloordiv__")),
        B::InplaceTrueDivide | B::TrueDivide => ("__truediv__", Some("__rtruediv__")),
        B::InplaceModulo | B::Modulo => ("__mod__", Some("__rmod__")),
        B::InplacePower | B::Power => ("__pow__", Some("__rpow__")),
        B::InplaceAnd | B::And => ("__and__", Some("__rand__")),
        B::InplaceOr | B::Or => ("__or__", Some("__ror__")),
        B::InplaceXor | B::Xor => ("__xor__", Some("__rxor__")),
        B::InplaceLshift | B::Lshift => ("__lshift__", Some("__rlshift__")),
        B::InplaceRshift | B::Rshift => ("__rshift__", Some("__rrshift__")),
        B::InplaceMatMultiply | B::MatMultiply => ("__matmul__", None),
        B::In => ("__contains__", None),
        _ => return None,
    })
}

impl Vm {
    /// The type name of `obj` (`mp_obj_get_type_str`).
    pub fn type_name_of(&self, obj: Obj) -> String {
        let t = self.type_of(obj);
        self.qstr_str(crate::objects::type_name(self.arena(), t))
            .to_string()
    }

    pub fn name_error(&mut self, q: u32) -> Raise {
        let name = self.qstr_str(q).to_string();
        self.raise_msg(ty::NAME_ERROR, &format!("name '{name}' isn't defined"))
    }

    /// `LOAD_NAME`/`LOAD_GLOBAL`: locals, then globals, then builtins.
    pub fn load_name(&mut self, locals: Obj, globals: Obj, q: u32) -> PyResult<Obj> {
        if let Some(value) = self.dict_get_qstr(locals, q)? {
            return Ok(value);
        }
        if globals != locals {
            if let Some(value) = self.dict_get_qstr(globals, q)? {
                return Ok(value);
            }
        }
        let builtins = self.builtins();
        match self.dict_get_qstr(builtins, q)? {
            Some(value) => Ok(value),
            None => Err(self.name_error(q)),
        }
    }

    /// `del name` from `dict` (a scope's locals or globals): `NameError` if it is not there.
    pub fn delete_name(&mut self, dict: Obj, q: u32) -> PyResult<()> {
        let key = Obj::qstr(q).unwrap_or(Obj::NONE);
        if self.dict_remove(dict, key)?.is_none() {
            return Err(self.name_error(q));
        }
        Ok(())
    }

    /// `LOAD_BUILD_CLASS`: `builtins.__build_class__`, which a program may replace.
    pub fn load_build_class(&mut self) -> PyResult<Obj> {
        let builtins = self.builtins();
        let build = self.dict_get_qstr(builtins, crate::objects::qstrs::BUILD_CLASS)?;
        Ok(build.unwrap_or_else(crate::builtins::build_class_fun))
    }

    /// Truth value (`mp_obj_is_true`).
    pub fn is_true(&mut self, obj: Obj) -> PyResult<bool> {
        if obj == Obj::FALSE || obj == Obj::NONE {
            return Ok(false);
        }
        if obj == Obj::TRUE {
            return Ok(true);
        }
        if let Some(v) = obj.as_small_int() {
            return Ok(v != 0);
        }
        if obj.is_qstr() {
            return Ok(!self.str_bytes(obj).is_empty());
        }
        if let Some(native) = self.native_part(obj) {
            let has_own =
                |vm: &mut Vm, q| -> PyResult<bool> { Ok(vm.native_stand_in(obj, q)? == obj) };
            if !has_own(self, qstrs::BOOL)? && !has_own(self, qstrs::LEN)? {
                return self.is_true(native);
            }
        }
        match self.type_of(obj) {
            ty::INT => Ok(true),
            ty::FLOAT => Ok(self.float_value(obj) != 0.0),
            ty::COMPLEX => Ok(self.complex_parts(obj) != (0.0, 0.0)),
            ty::STR
            | ty::BYTES
            | ty::TUPLE
            | ty::LIST
            | ty::DICT
            | ty::RANGE
            | ty::SET
            | ty::FROZENSET => Ok(self.len_of(obj)? != 0),
            ty::BYTEARRAY | ty::MEMORYVIEW | ty::ARRAY => Ok(self.array_len(obj) != 0),
            ty::DICT_VIEW => Ok(self.dict_len(self.field(obj, 1)) != 0),
            t if self.is_user_type(t) => {
                if let Some(value) = self.call_special(obj, qstrs::BOOL, &[])? {
                    return self.is_true(value);
                }
                if let Some(value) = self.call_special(obj, qstrs::LEN, &[])? {
                    return Ok(self.get_int(value)? != 0);
                }
                Ok(true)
            }
            _ => Ok(true),
        }
    }

    /// `len(obj)`.
    pub fn len_of(&mut self, obj: Obj) -> PyResult<i64> {
        let obj = self.native_stand_in(obj, qstrs::LEN)?;
        if self.is_str(obj) {
            let text = self.str_text(obj);
            return Ok(text.chars().count() as i64);
        }
        if obj.is_ptr() && obj.raw() >= 16 {
            match self.type_of(obj) {
                ty::BYTES => return Ok(self.str_bytes(obj).len() as i64),
                ty::TUPLE | ty::LIST => return Ok(i64::from(self.seq_raw(obj).1)),
                ty::DICT => return Ok(i64::from(self.dict_len(obj))),
                ty::SET | ty::FROZENSET => return Ok(i64::from(self.set_len(obj))),
                ty::RANGE => return Ok(self.range_len(obj)),
                ty::BYTEARRAY | ty::MEMORYVIEW | ty::ARRAY => {
                    return Ok(i64::from(self.array_len(obj)))
                }
                ty::DICT_VIEW => return Ok(i64::from(self.dict_len(self.field(obj, 1)))),
                _ => {}
            }
            if let Some(value) = self.call_special(obj, qstrs::LEN, &[])? {
                return self.get_int(value);
            }
        }
        let name = self.type_name_of(obj);
        Err(self.type_error(&format!("object of type '{name}' has no len()")))
    }

    /// `==` (`mp_obj_equal`).
    pub fn equal(&mut self, a: Obj, b: Obj) -> PyResult<bool> {
        if a == b {
            return Ok(true);
        }
        let result = self.binary_op(B::Equal, a, b)?;
        Ok(result == Obj::TRUE)
    }

    /// `hash(obj)` as MicroPython computes it.
    pub fn hash(&mut self, obj: Obj) -> PyResult<u32> {
        if let Some(v) = obj.as_small_int() {
            return Ok(v as u32);
        }
        if obj == Obj::TRUE || obj == Obj::FALSE {
            return Ok(u32::from(obj == Obj::TRUE));
        }
        if obj.is_qstr() {
            return Ok(self.str_hash(obj));
        }
        if obj.raw() < 16 || !obj.is_ptr() {
            return Ok(obj.raw());
        }
        let native = self.native_stand_in(obj, qstrs::HASH)?;
        if native != obj {
            return self.hash(native);
        }
        match self.type_of(obj) {
            ty::STR | ty::BYTES => Ok(self.str_hash(obj)),
            ty::INT => {
                let value = self.big_int_value(obj);
                Ok(value.iter_u32_digits().next().unwrap_or(0) & 0x3fff_ffff)
            }
            ty::FLOAT => Ok(self.float_value(obj) as i64 as u32),
            ty::COMPLEX => {
                let (real, imag) = self.complex_parts(obj);
                Ok((real as i64 as u32) ^ (imag as i64 as u32))
            }
            ty::TUPLE => {
                let mut hash = EMPTY_TUPLE_OBJ;
                for item in self.seq_items(obj) {
                    hash = hash.wrapping_add(self.hash(item)?);
                }
                Ok(hash)
            }
            ty::FROZENSET => self.frozenset_hash(obj),
            // Of the dict views only `values()` hashes (by identity), as in MicroPython.
            ty::DICT_VIEW if self.field(obj, 2).raw() == DICT_VALUES => Ok(obj.raw()),
            ty::LIST
            | ty::DICT
            | ty::SET
            | ty::BYTEARRAY
            | ty::MEMORYVIEW
            | ty::ARRAY
            | ty::DICT_VIEW => {
                let name = self.type_name_of(obj);
                Err(self.type_error(&format!("unsupported type for __hash__: '{name}'")))
            }
            t if self.is_user_type(t) => match self.call_special(obj, qstrs::HASH, &[])? {
                Some(value) => Ok(self.get_int(value)? as u32),
                // A class that defines __eq__ but not __hash__ is unhashable.
                None if self.class_lookup(t, qstrs::EQ)?.is_some() => {
                    let name = self.type_name_of(obj);
                    Err(self.type_error(&format!("unsupported type for __hash__: '{name}'")))
                }
                None => Ok(obj.raw()),
            },
            _ => Ok(obj.raw()),
        }
    }

    /// `mp_unary_op`.
    pub fn unary_op(&mut self, op: UnaryOpNum, obj: Obj) -> PyResult<Obj> {
        if op == UnaryOpNum::Not {
            return Ok(Obj::bool(!self.is_true(obj)?));
        }
        let obj = if self.native_part(obj).is_some() {
            let q = self.intern(unary_special_name(op))?;
            self.native_stand_in(obj, q)?
        } else {
            obj
        };
        if let Some(num) = self.as_num(obj) {
            let result = match (op, num) {
                (UnaryOpNum::Positive, Num::Small(v)) => Num::Small(v),
                (UnaryOpNum::Negative, Num::Small(v)) => Num::Small(-v),
                (UnaryOpNum::Invert, Num::Small(v)) => Num::Small(!v),
                (UnaryOpNum::Positive, Num::Big(b)) => Num::Big(b),
                (UnaryOpNum::Negative, Num::Big(b)) => Num::Big(-b),
                (UnaryOpNum::Invert, Num::Big(b)) => Num::Big(-b - 1),
                (UnaryOpNum::Positive, Num::Float(f)) => Num::Float(f),
                (UnaryOpNum::Negative, Num::Float(f)) => Num::Float(-f),
                _ => return Err(self.unsupported_unary(obj, op)),
            };
            return self.new_num(result);
        }
        if self.is_complex(obj) {
            let (real, imag) = self.complex_parts(obj);
            return match op {
                UnaryOpNum::Positive => Ok(obj),
                UnaryOpNum::Negative => self.new_complex(-real, -imag),
                _ => Err(self.unsupported_unary(obj, op)),
            };
        }
        let q = self.intern(unary_special_name(op))?;
        match self.call_special(obj, q, &[])? {
            Some(value) => Ok(value),
            None => Err(self.unsupported_unary(obj, op)),
        }
    }

    fn unsupported_unary(&mut self, obj: Obj, op: UnaryOpNum) -> Raise {
        let name = self.type_name_of(obj);
        let op_name = unary_special_name(op);
        self.type_error(&format!("unsupported type for {op_name}: '{name}'"))
    }

    /// `mp_binary_op`.
    pub fn binary_op(&mut self, op: B, lhs: Obj, rhs: Obj) -> PyResult<Obj> {
        if let Some(result) = self.number_binary_op_fast(op, lhs, rhs) {
            return result;
        }
        match op {
            B::Is => return Ok(Obj::bool(lhs == rhs)),
            B::In => return self.contains(rhs, lhs).map(Obj::bool),
            B::ExceptionMatch => return self.exception_matches(lhs, rhs).map(Obj::bool),
            _ => {}
        }
        let (lhs, rhs) = match binary_op_method(op) {
            Some((name, reflected)) => {
                let lhs = self.native_operand(lhs, &[inplace_method_name(op), Some(name)])?;
                let rhs = if self.is_instance_of_user_type(lhs) {
                    rhs
                } else {
                    self.native_operand(rhs, &[reflected.or(Some(name))])?
                };
                (lhs, rhs)
            }
            None => (lhs, rhs),
        };
        if self.is_complex(lhs) || self.is_complex(rhs) || self.power_needs_complex(op, lhs, rhs) {
            if let Some(result) = self.complex_binary_op(op, lhs, rhs)? {
                return Ok(result);
            }
        }
        if let (Some(a), Some(b)) = (self.as_num(lhs), self.as_num(rhs)) {
            if let Some(result) = self.num_binary_op(op, a, b)? {
                return Ok(result);
            }
        }
        if let Some(result) = self.builtin_binary_op(op, lhs, rhs)? {
            return Ok(result);
        }
        if let Some((name, reflected)) = binary_op_method(op) {
            let q = self.intern(name)?;
            let mark = self.stack_mark();
            let lhs_slot = self.root(lhs)?;
            let rhs_slot = self.root(rhs)?;
            if let Some(inplace) = inplace_method_name(op) {
                let q = self.intern(inplace)?;
                if let Some(value) = self.call_special(lhs, q, &[rhs])? {
                    if !Self::is_not_implemented(value) {
                        self.stack_release(mark);
                        return Ok(value);
                    }
                }
            }
            let (lhs, rhs) = (self.slot(lhs_slot), self.slot(rhs_slot));
            if let Some(value) = self.call_special(lhs, q, &[rhs])? {
                if !Self::is_not_implemented(value) {
                    self.stack_release(mark);
                    return Ok(value);
                }
            }
            if let Some(reflected) = reflected {
                let q = self.intern(reflected)?;
                let (lhs, rhs) = (self.slot(lhs_slot), self.slot(rhs_slot));
                if let Some(value) = self.call_special(rhs, q, &[lhs])? {
                    if !Self::is_not_implemented(value) {
                        self.stack_release(mark);
                        return Ok(value);
                    }
                }
            }
            let (lhs, rhs) = (self.slot(lhs_slot), self.slot(rhs_slot));
            self.stack_release(mark);
            if op == B::Equal {
                // Objects with no equality of their own are equal only to themselves.
                return Ok(Obj::bool(lhs == rhs));
            }
            if op == B::NotEqual {
                let equal = self.equal(lhs, rhs)?;
                return Ok(Obj::bool(!equal));
            }
            let (a, b) = (self.type_name_of(lhs), self.type_name_of(rhs));
            return Err(self.type_error(&format!("unsupported types for {name}: '{a}', '{b}'")));
        }
        Ok(Obj::from_raw(NOT_IMPLEMENTED_OBJ))
    }

    /// `a == b` for dicts: the same size, and every key of `a` maps to an equal value in `b`.
    fn dicts_equal(&mut self, a: Obj, b: Obj) -> PyResult<bool> {
        if self.dict_len(a) != self.dict_len(b) {
            return Ok(false);
        }
        let mark = self.stack_mark();
        let first = self.root_all(&[a, b])?;
        let mut pos = 0;
        let mut equal = true;
        while equal {
            let a = Obj::from_raw(self.arena().load_u32(first));
            let Some((next, key, value)) = self.dict_next(a, pos) else {
                break;
            };
            pos = next;
            let value_slot = self.root(value)?;
            let b = Obj::from_raw(self.arena().load_u32(first + 4));
            equal = match self.dict_get(b, key)? {
                Some(other) => {
                    let value = self.slot(value_slot);
                    self.equal(value, other)?
                }
                None => false,
            };
        }
        self.stack_release(mark);
        Ok(equal)
    }

    /// The common arithmetic and comparisons of ints that fit in machine words and of floats
    /// (mixed with such ints), without the general path's operand checks: `None` for
    /// anything else. None of these operands can be a user instance, so no special method is
    /// skipped.
    #[inline]
    fn number_binary_op_fast(&mut self, op: B, lhs: Obj, rhs: Obj) -> Option<PyResult<Obj>> {
        if let (Some(a), Some(b)) = (lhs.as_small_int(), rhs.as_small_int()) {
            return self.word_int_binary_op(op, a.into(), b.into());
        }
        match (self.fast_operand(lhs)?, self.fast_operand(rhs)?) {
            (FastNum::Int(a), FastNum::Int(b)) => self.word_int_binary_op(op, a, b),
            (a, b) => {
                let (a, b) = (a.as_f64(), b.as_f64());
                let value = match op {
                    B::Add | B::InplaceAdd => a + b,
                    B::Subtract | B::InplaceSubtract => a - b,
                    B::Multiply | B::InplaceMultiply => a * b,
                    B::TrueDivide | B::InplaceTrueDivide if b != 0.0 => a / b,
                    _ => return compare_fast(op, a, b).map(|r| Ok(Obj::bool(r))),
                };
                Some(self.new_float(value))
            }
        }
    }

    /// [`Vm::number_binary_op_fast`] for two ints of at most 48 bits: only a product can
    /// leave i64, and such a product goes the general way.
    #[inline]
    fn word_int_binary_op(&mut self, op: B, a: i64, b: i64) -> Option<PyResult<Obj>> {
        let value = match op {
            B::Add | B::InplaceAdd => a + b,
            B::Subtract | B::InplaceSubtract => a - b,
            B::Multiply | B::InplaceMultiply => a.checked_mul(b)?,
            B::And | B::InplaceAnd => a & b,
            B::Or | B::InplaceOr => a | b,
            B::Xor | B::InplaceXor => a ^ b,
            B::FloorDivide | B::InplaceFloorDivide if b != 0 => floor_div_mod(a, b).0,
            B::Modulo | B::InplaceModulo if b != 0 => floor_div_mod(a, b).1,
            _ => return compare_fast(op, a, b).map(|r| Ok(Obj::bool(r))),
        };
        Some(self.new_int(value))
    }

    /// An operand of [`Vm::number_binary_op_fast`]: a small int, a big int of at most 48 bits
    /// (exact as a float too) or a float.
    #[inline]
    fn fast_operand(&self, obj: Obj) -> Option<FastNum> {
        if let Some(v) = obj.as_small_int() {
            return Some(FastNum::Int(v.into()));
        }
        if !obj.is_ptr() || obj.raw() < 16 {
            return None;
        }
        // The type word read directly: equal to a builtin type's address it is that type (as
        // `type_of` would say); anything else takes the general path, which checks it.
        match self.arena().try_load_u32(obj.raw())? {
            ty::FLOAT => Some(FastNum::Float(self.float_value(obj))),
            ty::INT => self.int_as_i64(obj).map(FastNum::Int),
            _ => None,
        }
    }

    /// The native part of an operand whose class defines none of the special methods
    /// `names`, else the operand (only user instances with a builtin base have one).
    fn native_operand(&mut self, obj: Obj, names: &[Option<&str>]) -> PyResult<Obj> {
        if self.native_part(obj).is_none() {
            return Ok(obj);
        }
        let mut stand_in = obj;
        for name in names.iter().flatten() {
            let q = self.intern(name)?;
            stand_in = self.native_stand_in(obj, q)?;
            if stand_in == obj {
                return Ok(obj);
            }
        }
        Ok(stand_in)
    }

    /// Operators on str, bytes, tuple and list.
    fn builtin_binary_op(&mut self, op: B, lhs: Obj, rhs: Obj) -> PyResult<Option<Obj>> {
        let (lt, rt) = (self.type_of(lhs), self.type_of(rhs));
        let is_add = matches!(op, B::Add | B::InplaceAdd);
        let is_mul = matches!(op, B::Multiply | B::InplaceMultiply);
        if is_mul
            && matches!(rt, ty::STR | ty::BYTES | ty::LIST | ty::TUPLE)
            && self.as_bigint(lhs).is_some()
        {
            // `n * seq` repeats like `seq * n`.
            return self.builtin_binary_op(B::Multiply, rhs, lhs);
        }
        let compare = matches!(
            op,
            B::Less | B::More | B::LessEqual | B::MoreEqual | B::Equal | B::NotEqual
        );
        // array.array, unlike bytearray and memoryview, has no equality with other types
        // (MicroPython's MP_TYPE_FLAG_EQ_CHECKS_OTHER_TYPE): `array('b', b'a') == b'a'` is False.
        if matches!(op, B::Equal | B::NotEqual) && (lt == ty::ARRAY) != (rt == ty::ARRAY) {
            let other = if lt == ty::ARRAY { rt } else { lt };
            if !matches!(other, ty::BYTEARRAY | ty::MEMORYVIEW) {
                return Ok(Some(Obj::bool((lhs == rhs) == (op == B::Equal))));
            }
            if lt == ty::ARRAY {
                return self.array_binary_op(op, rhs, lhs);
            }
        }
        if matches!(lt, ty::BYTEARRAY | ty::MEMORYVIEW | ty::ARRAY) {
            return self.array_binary_op(op, lhs, rhs);
        }
        if lt == ty::DICT && rt == ty::DICT && matches!(op, B::Equal | B::NotEqual) {
            let equal = self.dicts_equal(lhs, rhs)?;
            return Ok(Some(Obj::bool(equal == (op == B::Equal))));
        }
        let bytes_with_buffer =
            lt == ty::BYTES && matches!(rt, ty::BYTEARRAY | ty::MEMORYVIEW | ty::ARRAY);
        if (lt == ty::STR && rt == ty::STR)
            || (lt == ty::BYTES && rt == ty::BYTES)
            || bytes_with_buffer
        {
            if is_add && lt == rt {
                return self.str_concat(lt, lhs, rhs).map(Some);
            }
            let a = self.str_bytes(lhs);
            let b = self
                .buffer_bytes_of(rhs)
                .unwrap_or_else(|| self.str_bytes(rhs));
            if is_add {
                let mut joined = a;
                joined.extend_from_slice(&b);
                return self.new_bytes(&joined).map(Some);
            }
            if compare {
                return Ok(Some(Obj::bool(compare_result(op, a.cmp(&b)))));
            }
        }
        if (lt == ty::STR || lt == ty::BYTES) && is_mul {
            if let Some(n) = self.as_bigint(rhs) {
                let n = n.try_into().unwrap_or(i64::MAX).max(0) as usize;
                self.check_repeat_size(self.str_bytes(lhs).len(), n, 1)?;
                let repeated = self.str_bytes(lhs).repeat(n);
                return if lt == ty::STR {
                    let text = String::from_utf8_lossy(&repeated).into_owned();
                    self.new_str(&text).map(Some)
                } else {
                    self.new_bytes(&repeated).map(Some)
                };
            }
        }
        if self.is_set_like(lhs) && self.is_set_like(rhs) {
            return self.set_operator(op, lhs, rhs);
        }
        if lt == ty::DICT && rt == ty::DICT && matches!(op, B::Equal | B::NotEqual) {
            let same = self.dict_equal(lhs, rhs)?;
            return Ok(Some(Obj::bool(same == (op == B::Equal))));
        }
        if matches!(lt, ty::STR | ty::BYTES) && matches!(op, B::Modulo | B::InplaceModulo) {
            return crate::builtins::format::percent_format(self, lhs, rhs).map(Some);
        }
        if op == B::InplaceAdd && lt == ty::LIST {
            // `list += iterable` extends, whatever the iterable.
            self.extend_list(lhs, rhs)?;
            return Ok(Some(lhs));
        }
        let seq = |t: u32| t == ty::TUPLE || t == ty::LIST;
        if seq(lt) && lt == rt {
            if is_add {
                let mut items = self.seq_items(lhs);
                items.extend(self.seq_items(rhs));
                return if lt == ty::TUPLE {
                    self.new_tuple(&items).map(Some)
                } else {
                    self.new_list(&items).map(Some)
                };
            }
            if compare {
                let ordering = self.compare_seqs(lhs, rhs)?;
                return Ok(Some(Obj::bool(compare_result(op, ordering))));
            }
        }
        if seq(lt) && is_mul {
            if let Some(n) = self.as_bigint(rhs) {
                let n = n.try_into().unwrap_or(i64::MAX).max(0) as usize;
                self.check_repeat_size(self.seq_raw(lhs).1 as usize, n, 4)?;
                let items = self.seq_items(lhs).repeat(n);
                return if lt == ty::TUPLE {
                    self.new_tuple(&items).map(Some)
                } else {
                    self.new_list(&items).map(Some)
                };
            }
        }
        Ok(None)
    }

    /// `MemoryError` before building a repetition that could never fit in the heap (so no
    /// host buffer of that size is attempted either).
    pub(crate) fn check_repeat_size(
        &mut self,
        len: usize,
        times: usize,
        item_bytes: usize,
    ) -> PyResult<()> {
        let bytes = len
            .checked_mul(times)
            .and_then(|n| n.checked_mul(item_bytes))
            .unwrap_or(usize::MAX);
        let total = self.heap.info().total as usize;
        if bytes > total {
            let requested = u32::try_from(bytes).unwrap_or(u32::MAX);
            return Err(self.raise_memory_error(crate::runtime::gc::OutOfMemory::new(requested)));
        }
        Ok(())
    }

    /// Lexicographic comparison of two tuples or lists.
    fn compare_seqs(&mut self, a: Obj, b: Obj) -> PyResult<std::cmp::Ordering> {
        let (xs, ys) = (self.seq_items(a), self.seq_items(b));
        let mark = self.stack_mark();
        self.root_all(&xs)?;
        self.root_all(&ys)?;
        for (x, y) in xs.iter().zip(&ys) {
            if !self.equal(*x, *y)? {
                let less = self.binary_op(B::Less, *x, *y)? == Obj::TRUE;
                self.stack_release(mark);
                return Ok(if less {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Greater
                });
            }
        }
        self.stack_release(mark);
        Ok(xs.len().cmp(&ys.len()))
    }

    /// `item in container`.
    pub fn contains(&mut self, container: Obj, item: Obj) -> PyResult<bool> {
        let container = self.native_stand_in(container, qstrs::CONTAINS)?;
        let t = self.type_of(container);
        if t == ty::STR || t == ty::BYTES {
            // bytes finds any buffer's bytes, or (below) an int among its items.
            let needle = match self.buffer_bytes_of(item) {
                Some(data) if t == ty::BYTES => Some(data),
                _ if self.type_of(item) == t => Some(self.str_bytes(item)),
                _ => None,
            };
            match needle {
                Some(needle) => {
                    let hay = self.str_bytes(container);
                    return Ok(crate::objects::array::find(&hay, &needle).is_some());
                }
                None if t == ty::STR => {
                    return Err(self.type_error("can't convert to str implicitly"))
                }
                None => {}
            }
        }
        match t {
            ty::DICT => Ok(self.dict_get(container, item)?.is_some()),
            ty::SET | ty::FROZENSET => self.set_contains(container, item),
            ty::DICT_VIEW if self.field(container, 2).raw() == DICT_KEYS => {
                Ok(self.dict_get(self.field(container, 1), item)?.is_some())
            }
            ty::BYTEARRAY | ty::MEMORYVIEW | ty::ARRAY => self.array_contains(container, item),
            _ if self.is_user_type(t) && self.class_lookup(t, qstrs::CONTAINS)?.is_some() => {
                let value = self.call_special(container, qstrs::CONTAINS, &[item])?;
                self.is_true(value.unwrap_or(Obj::FALSE))
            }
            _ => {
                let mark = self.stack_mark();
                let item_slot = self.root(item)?;
                let iter = self.get_iter(container)?;
                let iter_slot = self.root(iter)?;
                while let Some(value) = self.iter_next(self.slot(iter_slot))? {
                    if self.equal(value, self.slot(item_slot))? {
                        self.stack_release(mark);
                        return Ok(true);
                    }
                }
                self.stack_release(mark);
                Ok(false)
            }
        }
    }

    /// `except T:` matching: `exc` is an instance, `pattern` an exception class or a tuple
    /// of them; anything else is a `TypeError`.
    pub fn exception_matches(&mut self, exc: Obj, pattern: Obj) -> PyResult<bool> {
        let t = self.type_of(exc);
        let patterns = if self.type_of(pattern) == ty::TUPLE {
            self.seq_items(pattern)
        } else {
            vec![pattern]
        };
        for p in patterns {
            if !self.is_type(p) || !self.is_subclass(p.raw(), ty::BASE_EXCEPTION) {
                let (a, b) = (self.type_name_of(exc), self.type_name_of(p));
                return Err(self.type_error(&format!("unsupported types for : '{a}', '{b}'")));
            }
            if self.is_subclass(t, p.raw()) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `obj[index]`.
    pub fn subscr(&mut self, obj: Obj, index: Obj) -> PyResult<Obj> {
        let obj = self.native_stand_in(obj, qstrs::GETITEM)?;
        let t = self.type_of(obj);
        match t {
            ty::LIST | ty::TUPLE => {
                if self.type_of(index) == ty::SLICE {
                    if t == ty::TUPLE {
                        self.require_unit_step(index)?;
                    }
                    let items = self.seq_items(obj);
                    let picked = self.slice_pick(&items, index)?;
                    return if t == ty::LIST {
                        self.new_list(&picked)
                    } else {
                        self.new_tuple(&picked)
                    };
                }
                let (start, len) = self.seq_raw(obj);
                let i = self.seq_index(index, len, t)?;
                Ok(Obj::from_raw(self.arena().load_u32(start + 4 * i)))
            }
            ty::STR => {
                let chars: Vec<char> = self.str_text(obj).chars().collect();
                if self.type_of(index) == ty::SLICE {
                    self.require_unit_step(index)?;
                    let indices: Vec<Obj> = (0..chars.len() as i64)
                        .map(|i| Obj::small_int(i).unwrap_or(Obj::NONE))
                        .collect();
                    let picked = self.slice_pick(&indices, index)?;
                    let text: String = picked
                        .iter()
                        .map(|o| chars[o.as_small_int().unwrap_or(0) as usize])
                        .collect();
                    return self.new_str(&text);
                }
                let i = self.seq_index(index, chars.len() as u32, t)?;
                self.new_str(&chars[i as usize].to_string())
            }
            ty::BYTES => {
                let data = self.str_bytes(obj);
                if self.type_of(index) == ty::SLICE {
                    self.require_unit_step(index)?;
                    let indices: Vec<Obj> = (0..data.len() as i64)
                        .map(|i| Obj::small_int(i).unwrap_or(Obj::NONE))
                        .collect();
                    let picked = self.slice_pick(&indices, index)?;
                    let bytes: Vec<u8> = picked
                        .iter()
                        .map(|o| data[o.as_small_int().unwrap_or(0) as usize])
                        .collect();
                    return self.new_bytes(&bytes);
                }
                let i = self.seq_index(index, data.len() as u32, t)?;
                Ok(Obj::small_int(data[i as usize].into()).unwrap_or(Obj::NONE))
            }
            ty::DICT => match self.dict_get(obj, index)? {
                Some(value) => Ok(value),
                None => {
                    let exc_args = self.new_tuple(&[index])?;
                    let exc = self.new_exception(ty::KEY_ERROR, exc_args)?;
                    Err(self.raise(exc))
                }
            },
            ty::RANGE => self.range_subscr(obj, index),
            ty::BYTEARRAY | ty::MEMORYVIEW | ty::ARRAY => self.array_subscr(obj, index),
            _ => match self.call_special(obj, qstrs::GETITEM, &[index])? {
                Some(value) => Ok(value),
                None => {
                    let name = self.type_name_of(obj);
                    Err(self.type_error(&format!("'{name}' object isn't subscriptable")))
                }
            },
        }
    }

    /// MicroPython slices str, bytes and tuple only with step 1.
    fn require_unit_step(&mut self, slice: Obj) -> PyResult<()> {
        let step = self.field(slice, 3);
        if step == Obj::NONE || step.as_small_int() == Some(1) {
            return Ok(());
        }
        Err(self.raise_msg(
            ty::NOT_IMPLEMENTED_ERROR,
            "only slices with step=1 (aka None) are supported",
        ))
    }

    /// A normalised index into a sequence of `len` items, or `IndexError`.
    pub fn seq_index(&mut self, index: Obj, len: u32, t: u32) -> PyResult<u32> {
        let Some(i) = self.as_bigint(index) else {
            let name = self
                .qstr_str(crate::objects::type_name(self.arena(), t))
                .to_string();
            let iname = self.type_name_of(index);
            return Err(self.type_error(&format!("{name} indices must be integers, not {iname}")));
        };
        let i: i64 = i.try_into().unwrap_or(i64::MAX);
        let i = if i < 0 { i + i64::from(len) } else { i };
        if i < 0 || i >= i64::from(len) {
            let name = self
                .qstr_str(crate::objects::type_name(self.arena(), t))
                .to_string();
            return Err(self.raise_msg(ty::INDEX_ERROR, &format!("{name} index out of range")));
        }
        Ok(i as u32)
    }

    /// `obj[index] = value`.
    pub fn store_subscr(&mut self, obj: Obj, index: Obj, value: Obj) -> PyResult<()> {
        let obj = self.native_stand_in(obj, qstrs::SETITEM)?;
        match self.type_of(obj) {
            ty::LIST if self.type_of(index) == ty::SLICE => {
                self.list_store_slice(obj, index, value)
            }
            ty::LIST => {
                let (start, len) = self.seq_raw(obj);
                let i = self.seq_index(index, len, ty::LIST)?;
                self.arena_mut().store_u32(start + 4 * i, value.raw());
                Ok(())
            }
            ty::DICT => self.dict_store(obj, index, value),
            ty::BYTEARRAY | ty::MEMORYVIEW | ty::ARRAY => {
                self.array_store_subscr(obj, index, value)
            }
            _ => match self.call_special(obj, qstrs::SETITEM, &[index, value])? {
                Some(_) => Ok(()),
                None => {
                    let name = self.type_name_of(obj);
                    Err(self
                        .type_error(&format!("'{name}' object doesn't support item assignment")))
                }
            },
        }
    }

    /// `del obj[index]`.
    pub fn delete_subscr(&mut self, obj: Obj, index: Obj) -> PyResult<()> {
        let obj = self.native_stand_in(obj, qstrs::DELITEM)?;
        match self.type_of(obj) {
            ty::LIST if self.type_of(index) == ty::SLICE => {
                let empty = Obj::from_raw(EMPTY_TUPLE_OBJ);
                self.list_store_slice(obj, index, empty)
            }
            ty::LIST => {
                let (start, len) = self.seq_raw(obj);
                let i = self.seq_index(index, len, ty::LIST)?;
                self.arena_mut()
                    .copy_within(start + 4 * (i + 1), start + 4 * i, 4 * (len - i - 1));
                self.list_set_len(obj, len - 1);
                Ok(())
            }
            ty::DICT => match self.dict_remove(obj, index)? {
                Some(_) => Ok(()),
                None => {
                    let args = self.new_tuple(&[index])?;
                    let exc = self.new_exception(ty::KEY_ERROR, args)?;
                    Err(self.raise(exc))
                }
            },
            _ => match self.call_special(obj, qstrs::DELITEM, &[index])? {
                Some(_) => Ok(()),
                None => {
                    let name = self.type_name_of(obj);
                    Err(self.type_error(&format!("'{name}' object doesn't support item deletion")))
                }
            },
        }
    }

    /// Appends every item of iterable `src` to list `dst`.
    pub fn extend_list(&mut self, dst: Obj, src: Obj) -> PyResult<()> {
        let mark = self.stack_mark();
        let dst_slot = self.root(dst)?;
        let iter = self.get_iter(src)?;
        let iter_slot = self.root(iter)?;
        while let Some(value) = self.iter_next(self.slot(iter_slot))? {
            self.list_append(self.slot(dst_slot), value)?;
        }
        self.stack_release(mark);
        Ok(())
    }

    /// All items of an iterable, collected into a new list.
    pub fn list_from_iterable(&mut self, src: Obj) -> PyResult<Obj> {
        let slot = self.root(src)?;
        let list = self.new_list(&[])?;
        let list_slot = self.root(list)?;
        self.extend_list(self.slot(list_slot), self.slot(slot))?;
        Ok(self.slot(list_slot))
    }

    /// `UNPACK_SEQUENCE`: the `n` items stored reversed at `dest` (top of stack first).
    pub fn unpack_sequence(&mut self, seq: Obj, n: u32, dest: u32) -> PyResult<()> {
        let items = if matches!(self.type_of(seq), ty::TUPLE | ty::LIST) {
            seq
        } else {
            self.list_from_iterable(seq)?
        };
        let (start, len) = self.seq_raw(items);
        if len < n {
            return Err(self.value_error(&format!("need more than {len} values to unpack")));
        }
        if len > n {
            return Err(self.value_error(&format!("too many values to unpack (expected {n})")));
        }
        for i in 0..n {
            let value = self.arena().load_u32(start + 4 * i);
            self.arena_mut().store_u32(dest + 4 * (n - 1 - i), value);
        }
        Ok(())
    }

    /// `UNPACK_EX` (`a, *b, c = ...`).
    pub fn unpack_ex(&mut self, seq: Obj, before: u32, after: u32, dest: u32) -> PyResult<()> {
        let list = self.list_from_iterable(seq)?;
        let slot = self.root(list)?;
        let (start, len) = self.seq_raw(list);
        if len < before + after {
            return Err(self.value_error(&format!("need more than {len} values to unpack")));
        }
        let total = before + after + 1;
        for i in 0..before {
            let value = self.arena().load_u32(start + 4 * i);
            self.arena_mut()
                .store_u32(dest + 4 * (total - 1 - i), value);
        }
        for j in 0..after {
            let value = self.arena().load_u32(start + 4 * (len - after + j));
            self.arena_mut()
                .store_u32(dest + 4 * (after - 1 - j), value);
        }
        let middle = self.new_list_from_arena(start + 4 * before, len - before - after)?;
        let _ = self.slot(slot);
        self.arena_mut().store_u32(dest + 4 * after, middle.raw());
        Ok(())
    }

    /// Reads the list header word `LEN` (used by iterators that must see appends).
    pub fn list_len_now(&self, obj: Obj) -> u32 {
        self.arena().load_u32(obj.raw() + list::LEN)
    }
}

/// Whether `ordering` satisfies comparison operator `op`.
pub(crate) fn compare_result(op: B, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        B::Less => ordering == Less,
        B::More => ordering == Greater,
        B::LessEqual => ordering != Greater,
        B::MoreEqual => ordering != Less,
        B::Equal => ordering == Equal,
        _ => ordering != Equal,
    }
}

/// The in-place special method an augmented assignment tries before the plain one.
fn inplace_method_name(op: B) -> Option<&'static str> {
    Some(match op {
        B::InplaceAdd => "__iadd__",
        B::InplaceSubtract => "__isub__",
        B::InplaceMultiply => "__imul__",
        B::InplaceMatMultiply => "__imatmul__",
        B::InplaceFloorDivide => "__ifloordiv__",
        B::InplaceTrueDivide => "__itruediv__",
        B::InplaceModulo => "__imod__",
        B::InplacePower => "__ipow__",
        B::InplaceOr => "__ior__",
        B::InplaceXor => "__ixor__",
        B::InplaceAnd => "__iand__",
        B::InplaceLshift => "__ilshift__",
        B::InplaceRshift => "__irshift__",
        _ => return None,
    })
}

/// The special method a unary operator calls on an instance (and names in its type error).
fn unary_special_name(op: UnaryOpNum) -> &'static str {
    match op {
        UnaryOpNum::Positive => "__pos__",
        UnaryOpNum::Negative => "__neg__",
        UnaryOpNum::Invert => "__invert__",
        UnaryOpNum::Not => "__not__",
    }
}

/// See [`Vm::fast_operand`].
#[derive(Clone, Copy)]
enum FastNum {
    Int(i64),
    Float(f64),
}

impl FastNum {
    fn as_f64(self) -> f64 {
        match self {
            FastNum::Int(v) => v as f64,
            FastNum::Float(v) => v,
        }
    }
}

/// The six comparisons; `None` for any other operator.
#[inline]
fn compare_fast<T: PartialOrd>(op: B, a: T, b: T) -> Option<bool> {
    Some(match op {
        B::Less => a < b,
        B::More => a > b,
        B::LessEqual => a <= b,
        B::MoreEqual => a >= b,
        B::Equal => a == b,
        B::NotEqual => a != b,
        _ => return None,
    })
}
