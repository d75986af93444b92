//! Expressions (the expression half of `py/compile.c`).

use super::emit::*;
use super::scope::*;
use super::{CResult, Compiler};
use crate::ast::*;
use crate::bytecode::{BinaryOpNum, UnaryOpNum};
use crate::rawcode::ConstObj;
use num_traits::{ToPrimitive, Zero};

fn binary_op(op: BinOp) -> BinaryOpNum {
    use BinaryOpNum::*;
    match op {
        BinOp::Or => Or,
        BinOp::Xor => Xor,
        BinOp::And => And,
        BinOp::LShift => Lshift,
        BinOp::RShift => Rshift,
        BinOp::Add => Add,
        BinOp::Sub => Subtract,
        BinOp::Mult => Multiply,
        BinOp::MatMult => MatMultiply,
        BinOp::FloorDiv => FloorDivide,
        BinOp::TrueDiv => TrueDivide,
        BinOp::Mod => Modulo,
        BinOp::Pow => Power,
    }
}

fn compare_op(op: CmpOp) -> BinaryOp {
    use BinaryOpNum::*;
    match op {
        CmpOp::Lt => BinaryOp::Op(Less),
        CmpOp::Gt => BinaryOp::Op(More),
        CmpOp::Eq => BinaryOp::Op(Equal),
        CmpOp::LtE => BinaryOp::Op(LessEqual),
        CmpOp::GtE => BinaryOp::Op(MoreEqual),
        CmpOp::NotEq => BinaryOp::Op(NotEqual),
        CmpOp::In => BinaryOp::Op(In),
        CmpOp::NotIn => BinaryOp::NotIn,
        CmpOp::Is => BinaryOp::Op(Is),
        CmpOp::IsNot => BinaryOp::IsNot,
    }
}

/// Whether MicroPython's parser would have made `e` a constant node (`mp_parse_node_is_const`):
/// literals, folded constant tuples, and the empty tuple.
pub(super) fn is_const_node(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Const(_) => true,
        ExprKind::Tuple(items) => items.iter().all(is_const_node),
        _ => false,
    }
}

/// The object of a literal constant.
/// The identity of constant `c` for the constant table: its node, except for `math.nan`,
/// which MicroPython's parser folds to its one static NaN object wherever it appears (so all
/// its uses share an entry, while NaNs made by folding arithmetic are new objects each). The
/// folder's `math.nan` is the canonical quiet NaN; the x86 NaNs that arithmetic makes carry
/// the sign bit, so the bits tell them apart.
fn constant_origin(c: &Constant) -> ConstOrigin {
    match c {
        Constant::Float(f) if f.to_bits() == f64::NAN.to_bits() => MATH_NAN_ORIGIN,
        _ => const_origin(c),
    }
}

/// The [`ConstOrigin`] of `math.nan`: no node lives at this address.
const MATH_NAN_ORIGIN: ConstOrigin = usize::MAX;

fn constant_obj(c: &Constant) -> ConstObj {
    match c {
        Constant::None => ConstObj::None,
        Constant::True => ConstObj::True,
        Constant::False => ConstObj::False,
        Constant::Ellipsis => ConstObj::Ellipsis,
        Constant::Int(i) => ConstObj::Int(i.clone()),
        Constant::Float(f) => ConstObj::Float(*f),
        Constant::Imag(f) => ConstObj::Complex {
            real: 0.0,
            imag: *f,
        },
        Constant::Str { value, .. } => ConstObj::Str(value.clone()),
        Constant::Bytes(b) => ConstObj::Bytes(b.clone()),
        Constant::Tuple(items) => ConstObj::Tuple(items.iter().map(constant_obj).collect()),
        Constant::Object(inner) => constant_obj(inner),
    }
}

/// The object of a constant node.
fn const_obj(e: &Expr) -> Option<ConstObj> {
    match &e.kind {
        ExprKind::Const(c) => Some(constant_obj(c)),
        ExprKind::Tuple(items) => Some(ConstObj::Tuple(
            items.iter().map(const_obj).collect::<Option<Vec<_>>>()?,
        )),
        _ => None,
    }
}

fn const_is_true(c: &ConstObj) -> bool {
    match c {
        ConstObj::None | ConstObj::False => false,
        ConstObj::True | ConstObj::Ellipsis | ConstObj::FunTable => true,
        ConstObj::Int(i) => !i.is_zero(),
        ConstObj::Float(f) => *f != 0.0,
        ConstObj::Complex { real, imag } => *real != 0.0 || *imag != 0.0,
        ConstObj::Str(s) => !s.is_empty(),
        ConstObj::Bytes(b) => !b.is_empty(),
        ConstObj::Tuple(t) => !t.is_empty(),
    }
}

impl<'c, 'a, E: Emitter + ?Sized> Compiler<'c, 'a, E> {
    /// `Some(truth)` when `e` is a constant node (`mp_parse_node_is_const_false/true`).
    pub(super) fn const_truth(&self, e: &Expr) -> Option<bool> {
        if !is_const_node(e) {
            return None;
        }
        const_obj(e).map(|c| const_is_true(&c))
    }

    /// The constant tuple object the parser folds a tuple display of constants into.
    pub(super) fn const_tuple(&self, e: &Expr) -> Option<ConstObj> {
        match &e.kind {
            ExprKind::Tuple(items) if !items.is_empty() && is_const_node(e) => const_obj(e),
            _ => None,
        }
    }

    fn fits_small_int(&self, i: &num_bigint::BigInt) -> Option<i64> {
        let v = i.to_i64()?;
        let bits = self.opts.small_int_bits.clamp(2, 63) as u32;
        let limit = 1i64 << (bits - 1);
        (-limit..limit).contains(&v).then_some(v)
    }

    /// The value of `e` if it is an integer literal that is a small int on the target.
    pub(super) fn small_int(&self, e: &Expr) -> Option<i64> {
        match &e.kind {
            ExprKind::Const(Constant::Int(i)) => self.fits_small_int(i),
            _ => None,
        }
    }

    /// Whether MicroPython compiles `e` from a parse-node struct, which records its line.
    fn is_struct(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Name(_) => false,
            ExprKind::Const(c) => match c {
                Constant::None | Constant::True | Constant::False | Constant::Ellipsis => false,
                Constant::Int(i) => self.fits_small_int(i).is_none(),
                Constant::Str { interned, .. } => !interned,
                _ => true,
            },
            _ => true,
        }
    }

    /// A generator or assignment expression compiled straight from its `argument` node,
    /// which records no source line.
    fn compile_expr_unlined(&mut self, e: &'a Expr) -> CResult {
        match &e.kind {
            ExprKind::GeneratorExp { elt, generators } => {
                self.compile_comprehension(ScopeKind::GenExpr, CompElement::Value(elt), generators)
            }
            ExprKind::NamedExpr { target, value } => self.compile_named_expr(target, value, e.line),
            _ => self.compile_expr(e),
        }
    }

    pub(super) fn compile_expr(&mut self, e: &'a Expr) -> CResult {
        if is_trailer(e) {
            // MicroPython holds `atom.x(...)[...]` as one node, which records the atom's
            // line; the parser gives each trailer the line of its own bracket or dot.
            self.emit.set_source_line(chain_base(e).line);
            return self.compile_trailer(e);
        }
        if self.is_struct(e) {
            self.emit.set_source_line(e.line);
        }
        match &e.kind {
            ExprKind::Name(n) => self.load_id(n),
            ExprKind::Const(c) => self.compile_const(c),
            ExprKind::BoolOp { op, values } => {
                let l_end = self.next_label();
                for (i, v) in values.iter().enumerate() {
                    self.compile_expr(v)?;
                    if i + 1 < values.len() {
                        self.emit.jump_if_or_pop(*op == BoolOp::Or, l_end);
                    }
                }
                self.emit.label_assign(l_end);
            }
            ExprKind::BinOp { left, op, right } => {
                self.compile_expr(left)?;
                self.compile_expr(right)?;
                self.emit.binary_op(BinaryOp::Op(binary_op(*op)));
            }
            ExprKind::UnaryOp { op, operand } => {
                self.compile_expr(operand)?;
                self.emit.unary_op(match op {
                    UnaryOp::Positive => UnaryOpNum::Positive,
                    UnaryOp::Negative => UnaryOpNum::Negative,
                    UnaryOp::Invert => UnaryOpNum::Invert,
                    UnaryOp::Not => UnaryOpNum::Not,
                });
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => self.compile_compare(left, ops, comparators)?,
            ExprKind::NamedExpr { target, value } => {
                self.compile_named_expr(target, value, e.line)?
            }
            ExprKind::Lambda { args, body } => {
                let option = self.scope().emit_option;
                let sid = self.child_scope(
                    ScopeKind::Lambda,
                    ScopeNode::Lambda {
                        args,
                        body,
                        line: e.line,
                    },
                    Name::from("<lambda>"),
                    option,
                );
                self.compile_params_and_make(sid, args)?;
            }
            ExprKind::IfExp { test, body, orelse } => {
                let l_fail = self.next_label();
                let l_end = self.next_label();
                self.c_if_cond(test, false, l_fail)?;
                self.compile_expr(body)?;
                self.emit.jump(l_end);
                self.emit.label_assign(l_fail);
                self.emit.adjust_stack_size(-1);
                self.compile_expr(orelse)?;
                self.emit.label_assign(l_end);
            }
            ExprKind::Dict(items) => {
                self.emit.build(items.len() as u32, BuildKind::Map);
                for (k, v) in items {
                    self.emit.set_source_line(k.line);
                    self.compile_expr(v)?;
                    self.compile_expr(k)?;
                    self.emit.store_map();
                }
            }
            ExprKind::Set(items) => {
                for item in items {
                    self.compile_expr(item)?;
                }
                self.emit.build(items.len() as u32, BuildKind::Set);
            }
            ExprKind::List(items) => {
                for item in items {
                    self.compile_expr(item)?;
                }
                self.emit.build(items.len() as u32, BuildKind::List);
            }
            ExprKind::Tuple(items) => match self.const_tuple(e) {
                Some(obj) => self.emit.load_const_obj(obj, const_origin(e)),
                None => {
                    for item in items {
                        self.compile_expr(item)?;
                    }
                    self.emit.build(items.len() as u32, BuildKind::Tuple);
                }
            },
            ExprKind::ListComp { elt, generators } => self.compile_comprehension(
                ScopeKind::ListComp,
                CompElement::Value(elt),
                generators,
            )?,
            ExprKind::SetComp { elt, generators } => {
                self.compile_comprehension(ScopeKind::SetComp, CompElement::Value(elt), generators)?
            }
            ExprKind::GeneratorExp { elt, generators } => {
                self.compile_comprehension(ScopeKind::GenExpr, CompElement::Value(elt), generators)?
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => self.compile_comprehension(
                ScopeKind::DictComp,
                CompElement::KeyValue(key, value),
                generators,
            )?,
            ExprKind::Await(value) => {
                self.check_in_function("'await' outside function", e.line)?;
                self.compile_expr(value)?;
                self.compile_yield_from();
            }
            ExprKind::Yield(value) => {
                self.check_in_function("'yield' outside function", e.line)?;
                match value {
                    Some(v) => self.compile_expr(v)?,
                    None => self.emit.load_const_tok(ConstToken::None),
                }
                self.emit_yield(YieldKind::Value);
            }
            ExprKind::YieldFrom(value) => {
                self.check_in_function("'yield' outside function", e.line)?;
                self.compile_expr(value)?;
                self.compile_yield_from();
            }
            ExprKind::Call { .. } | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {
                self.compile_trailer(e)?
            }
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper] {
                    match part {
                        Some(p) => self.compile_expr(p)?,
                        None => self.emit.load_const_tok(ConstToken::None),
                    }
                }
                match step {
                    Some(s) => {
                        self.compile_expr(s)?;
                        self.emit.build(3, BuildKind::Slice);
                    }
                    None => self.emit.build(2, BuildKind::Slice),
                }
            }
            ExprKind::Starred(_) => {
                return Err(self.syntax_error("*x must be assignment target", e.line))
            }
        }
        Ok(())
    }

    fn compile_const(&mut self, c: &Constant) {
        match c {
            Constant::None => self.emit.load_const_tok(ConstToken::None),
            Constant::True => self.emit.load_const_tok(ConstToken::True),
            Constant::False => self.emit.load_const_tok(ConstToken::False),
            Constant::Ellipsis => self.emit.load_const_tok(ConstToken::Ellipsis),
            Constant::Int(i) => match self.fits_small_int(i) {
                Some(v) => self.emit.load_const_small_int(v),
                None => self
                    .emit
                    .load_const_obj(ConstObj::Int(i.clone()), const_origin(c)),
            },
            Constant::Str {
                value,
                interned: true,
            } => self.emit.load_const_str(value),
            _ => self
                .emit
                .load_const_obj(constant_obj(c), constant_origin(c)),
        }
    }

    fn check_in_function(&self, message: &str, line: u32) -> CResult {
        if !matches!(self.scope().kind, ScopeKind::Function | ScopeKind::Lambda) {
            return Err(self.syntax_error(message, line));
        }
        Ok(())
    }

    /// Emits a yield and marks the scope a generator, as MicroPython's emitter does.
    pub(super) fn emit_yield(&mut self, kind: YieldKind) {
        self.emit.yield_(kind);
        self.scope_mut().flags |= SCOPE_FLAG_GENERATOR;
    }

    pub(super) fn compile_yield_from(&mut self) {
        self.emit.get_iter(false);
        self.emit.load_const_tok(ConstToken::None);
        self.emit_yield(YieldKind::From);
    }

    fn compile_compare(&mut self, left: &'a Expr, ops: &[CmpOp], rest: &'a [Expr]) -> CResult {
        self.compile_expr(left)?;
        let multi = ops.len() > 1;
        let l_fail = if multi { self.next_label() } else { 0 };
        for (i, (op, right)) in ops.iter().zip(rest).enumerate() {
            let last = i + 1 == ops.len();
            self.compile_expr(right)?;
            if !last {
                self.emit.dup_top();
                self.emit.rot_three();
            }
            self.emit.binary_op(compare_op(*op));
            if !last {
                self.emit.jump_if_or_pop(false, l_fail);
            }
        }
        if multi {
            let l_end = self.next_label();
            self.emit.jump(l_end);
            self.emit.label_assign(l_fail);
            self.emit.adjust_stack_size(1);
            self.emit.rot_two();
            self.emit.pop_top();
            self.emit.label_assign(l_end);
        }
        Ok(())
    }

    fn compile_named_expr(&mut self, target: &Name, value: &'a Expr, line: u32) -> CResult {
        self.compile_expr(value)?;
        self.emit.dup_top();
        // In a comprehension the target binds in the enclosing scope (PEP 572).
        if self.pass == Pass::Scope && self.scope().kind.is_comp_like() {
            let parent = self.scope().parent.unwrap_or(0);
            let pi = self.scopes[parent].id_for_modification(target);
            if self.scopes[parent].ids[pi].kind == IdKind::GlobalExplicit {
                self.scope_mut().find_or_add(target, IdKind::GlobalExplicit);
            } else {
                let i = self.scope_mut().find_or_add(target, IdKind::Undecided);
                let is_global = self.scopes[parent].parent.is_none();
                if !is_global && self.scope().ids[i].kind == IdKind::GlobalImplicit {
                    self.scope_mut().ids[i].kind = IdKind::Undecided;
                }
                self.declare_global_or_nonlocal(i, is_global, line)?;
            }
        }
        self.store_id(target);
        Ok(())
    }

    fn compile_comprehension(
        &mut self,
        kind: ScopeKind,
        elt: CompElement<'a>,
        generators: &'a [Comprehension],
    ) -> CResult {
        let line = match elt {
            CompElement::Value(e) => e.line,
            CompElement::KeyValue(k, _) => k.line,
        };
        let simple_name = match kind {
            ScopeKind::ListComp => "<listcomp>",
            ScopeKind::DictComp => "<dictcomp>",
            ScopeKind::SetComp => "<setcomp>",
            _ => "<genexpr>",
        };
        let option = self.scope().emit_option;
        let sid = self.child_scope(
            kind,
            ScopeNode::Comprehension {
                elt,
                generators,
                line,
            },
            Name::from(simple_name),
            option,
        );
        self.close_over_and_make(sid, 0, 0);
        if let Some(first) = generators.first() {
            self.compile_expr(&first.iter)?;
        }
        if kind == ScopeKind::GenExpr {
            self.emit.get_iter(false);
        }
        self.emit.call_function(1, 0, 0);
        Ok(())
    }

    /// `c_if_cond`: jumps to `label` when the truth of `e` equals `jump_if`, short-circuiting
    /// `and`/`or`/`not` and folding constant conditions.
    pub(super) fn c_if_cond(&mut self, e: &'a Expr, jump_if: bool, label: Label) -> CResult {
        if let Some(truth) = self.const_truth(e) {
            if truth == jump_if {
                self.emit.jump(label);
            }
            return Ok(());
        }
        match &e.kind {
            ExprKind::BoolOp { op, values } => {
                // Jumping when an `or` is false (or an `and` is true) needs all operands.
                let needs_all = (*op == BoolOp::Or) != jump_if;
                if needs_all {
                    let label2 = self.next_label();
                    let (last, init) = values.split_last().expect("non-empty bool op");
                    for v in init {
                        self.c_if_cond(v, !jump_if, label2)?;
                    }
                    self.c_if_cond(last, jump_if, label)?;
                    self.emit.label_assign(label2);
                } else {
                    for v in values {
                        self.c_if_cond(v, jump_if, label)?;
                    }
                }
                Ok(())
            }
            ExprKind::UnaryOp {
                op: UnaryOp::Not,
                operand,
            } => self.c_if_cond(operand, !jump_if, label),
            _ => {
                self.compile_expr(e)?;
                self.emit.pop_jump_if(jump_if, label);
                Ok(())
            }
        }
    }

    /// `super()` with no arguments, inside a function.
    fn is_super_call(&self, func: &Expr, args: &[Argument]) -> bool {
        self.scope().kind == ScopeKind::Function
            && args.is_empty()
            && matches!(&func.kind, ExprKind::Name(n) if &**n == "super")
    }

    /// Loads `super`, `__class__` and the first parameter for a `super()` with no arguments.
    fn load_super_args(&mut self, line: u32) -> CResult {
        self.load_id(&Name::from("super"));
        self.load_id(&Name::from("__class__"));
        let first_param = self
            .scope()
            .ids
            .iter()
            .find(|id| id.flags & ID_FLAG_IS_PARAM != 0)
            .map(|id| id.name.clone());
        match first_param {
            Some(p) => {
                self.load_id(&p);
                Ok(())
            }
            None => Err(self.syntax_error("super() can't find self", line)),
        }
    }

    /// Compiles a trailer and those before it, without the line of the chain's start: each
    /// trailer compiled on its own records its line, the parts of a method call do not.
    pub(super) fn compile_trailer(&mut self, e: &'a Expr) -> CResult {
        match &e.kind {
            ExprKind::Call { func, args } => self.compile_call(func, args, e.line),
            ExprKind::Attribute { value, attr } => {
                self.compile_chain_part(value)?;
                self.emit.set_source_line(e.line);
                self.emit.attr(attr, AccessKind::Load);
                Ok(())
            }
            ExprKind::Subscript { value, index } => {
                self.compile_chain_part(value)?;
                self.emit.set_source_line(e.line);
                self.compile_expr(index)?;
                self.emit.subscr(AccessKind::Load);
                Ok(())
            }
            _ => self.compile_expr(e),
        }
    }

    /// The part of a chain before a trailer: more trailers, or the atom.
    pub(super) fn compile_chain_part(&mut self, e: &'a Expr) -> CResult {
        if is_trailer(e) {
            self.compile_trailer(e)
        } else {
            self.compile_expr(e)
        }
    }

    fn compile_call(&mut self, func: &'a Expr, args: &'a [Argument], line: u32) -> CResult {
        if self.is_super_call(func, args) {
            self.load_super_args(func.line)?;
            self.emit.call_function(2, 0, 0);
            return Ok(());
        }
        match &func.kind {
            ExprKind::Attribute { value, attr } => {
                let super_call = match &value.kind {
                    ExprKind::Call { func, args } => self.is_super_call(func, args),
                    _ => false,
                };
                if super_call {
                    self.load_super_args(value.line)?;
                    self.emit.load_method(attr, true);
                } else {
                    self.compile_chain_part(value)?;
                    self.emit.load_method(attr, false);
                }
                self.compile_call_args(args, true, 0)
            }
            _ => {
                self.compile_chain_part(func)?;
                self.emit.set_source_line(line);
                self.compile_call_args(args, false, 0)
            }
        }
    }

    /// The arguments of a call and the call itself (`compile_trailer_paren_helper`).
    pub(super) fn compile_call_args(
        &mut self,
        args: &'a [Argument],
        is_method: bool,
        n_positional_extra: u32,
    ) -> CResult {
        let mut n_positional = n_positional_extra;
        let mut n_keyword = 0;
        let mut star_flags = 0;
        let mut star_args: u64 = 0;
        for (i, arg) in args.iter().enumerate() {
            match arg {
                Argument::Star(e) => {
                    if star_flags & STAR_FLAG_DOUBLE != 0 {
                        return Err(self.syntax_error("* arg after **", e.line));
                    }
                    if n_keyword > 0 {
                        return Err(self.syntax_error("* arg after kwarg", e.line));
                    }
                    if i + 1 >= self.opts.small_int_bits as usize {
                        return Err(self.syntax_error("too many args", e.line));
                    }
                    star_flags |= STAR_FLAG_SINGLE;
                    star_args |= 1 << i;
                    self.compile_expr(e)?;
                    n_positional += 1;
                }
                Argument::DoubleStar(e) => {
                    star_flags |= STAR_FLAG_DOUBLE;
                    self.emit.load_null();
                    self.compile_expr(e)?;
                    n_keyword += 1;
                }
                Argument::Keyword { name, value } => {
                    self.emit.load_const_str(name);
                    self.compile_expr(value)?;
                    n_keyword += 1;
                }
                Argument::Positional(e) => {
                    if star_flags & STAR_FLAG_DOUBLE != 0 {
                        return Err(self.syntax_error("positional arg after **", e.line));
                    }
                    if n_keyword > 0 {
                        return Err(self.syntax_error("positional arg after keyword arg", e.line));
                    }
                    self.compile_expr(e)?;
                    n_positional += 1;
                }
                Argument::Bare(e) => {
                    self.compile_expr_unlined(e)?;
                    n_positional += 1;
                }
            }
        }
        if star_flags != 0 {
            self.emit.load_const_small_int(star_args as i64);
        }
        if is_method {
            self.emit.call_method(n_positional, n_keyword, star_flags);
        } else {
            self.emit.call_function(n_positional, n_keyword, star_flags);
        }
        Ok(())
    }
}

/// Whether `e` is a call, subscript or attribute: a trailer applied to an atom.
fn is_trailer(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Call { .. } | ExprKind::Attribute { .. } | ExprKind::Subscript { .. }
    )
}

/// The atom a chain of trailers starts from.
fn chain_base(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Call { func: inner, .. }
        | ExprKind::Attribute { value: inner, .. }
        | ExprKind::Subscript { value: inner, .. } => chain_base(inner),
        _ => e,
    }
}
