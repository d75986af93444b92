//! Scope bodies and statements (the statement half of `py/compile.c`).

use super::emit::*;
use super::scope::*;
use super::{CResult, Compiler, InputMode};
use crate::ast::*;
use crate::bytecode::BinaryOpNum;

fn name(s: &str) -> Name {
    Name::from(s)
}

/// The inplace operator for an augmented assignment.
pub(super) fn inplace_op(op: BinOp) -> BinaryOpNum {
    use BinaryOpNum::*;
    match op {
        BinOp::Or => InplaceOr,
        BinOp::Xor => InplaceXor,
        BinOp::And => InplaceAnd,
        BinOp::LShift => InplaceLshift,
        BinOp::RShift => InplaceRshift,
        BinOp::Add => InplaceAdd,
        BinOp::Sub => InplaceSubtract,
        BinOp::Mult => InplaceMultiply,
        BinOp::MatMult => InplaceMatMultiply,
        BinOp::FloorDiv => InplaceFloorDivide,
        BinOp::TrueDiv => InplaceTrueDivide,
        BinOp::Mod => InplaceModulo,
        BinOp::Pow => InplacePower,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum AssignKind {
    Store,
    AugLoad,
    AugStore,
}

impl<'c, 'a, E: Emitter + ?Sized> Compiler<'c, 'a, E> {
    /// One pass over the current scope (`compile_scope`).
    pub(super) fn compile_scope(&mut self) -> CResult {
        let pass = self.pass;
        self.emit.start_pass(pass, &self.scopes[self.cur]);
        if pass == Pass::Scope {
            self.scope_mut().exc_stack_size = 0;
        }
        let node = self.scope().node;
        match node {
            ScopeNode::Module(body) => {
                if self.opts.mode == InputMode::Eval {
                    if let Some(Stmt {
                        kind: StmtKind::Expr(e),
                        ..
                    }) = body.first()
                    {
                        self.compile_expr(e)?;
                    }
                    self.emit.return_value();
                } else {
                    self.compile_block(body)?;
                    self.emit.load_const_tok(ConstToken::None);
                    self.emit.return_value();
                }
            }
            ScopeNode::Function(f) => {
                if pass == Pass::Scope {
                    self.declare_params(&f.args, f.line)?;
                }
                self.compile_block(&f.body)?;
                self.emit.load_const_tok(ConstToken::None);
                self.emit.return_value();
            }
            ScopeNode::Lambda { args, body, line } => {
                self.emit.set_source_line(line);
                if pass == Pass::Scope {
                    self.declare_params(args, line)?;
                }
                self.compile_expr(body)?;
                if self.scope().flags & SCOPE_FLAG_GENERATOR != 0 {
                    self.emit.pop_top();
                    self.emit.load_const_tok(ConstToken::None);
                }
                self.emit.return_value();
            }
            ScopeNode::Comprehension {
                elt,
                generators,
                line,
            } => self.compile_comprehension_scope(elt, generators, line)?,
            ScopeNode::Class(c) => {
                if pass == Pass::Scope {
                    self.scope_mut()
                        .find_or_add(&name("__class__"), IdKind::Local);
                }
                self.load_id(&name("__name__"));
                self.store_id(&name("__module__"));
                self.emit.load_const_str(&c.name);
                self.store_id(&name("__qualname__"));
                self.compile_block(&c.body)?;
                let class_id = self
                    .scope()
                    .find("__class__")
                    .map(|i| self.scope().ids[i].clone());
                match class_id {
                    Some(id) if id.kind != IdKind::Local => {
                        self.emit
                            .load_local(&id.name, id.local_num, LocalKind::Fast)
                    }
                    _ => self.emit.load_const_tok(ConstToken::None),
                }
                self.emit.return_value();
            }
        }
        Ok(())
    }

    fn compile_comprehension_scope(
        &mut self,
        elt: CompElement<'a>,
        generators: &'a [Comprehension],
        line: u32,
    ) -> CResult {
        // The iterator argument gets the empty name, which no user variable can clash with.
        let arg = name("");
        if self.pass == Pass::Scope {
            self.scope_mut().find_or_add(&arg, IdKind::Local);
            self.scope_mut().num_pos_args = 1;
        }
        self.emit.set_source_line(line);
        let kind = self.scope().kind;
        match kind {
            ScopeKind::ListComp => self.emit.build(0, BuildKind::List),
            ScopeKind::DictComp => self.emit.build(0, BuildKind::Map),
            ScopeKind::SetComp => self.emit.build(0, BuildKind::Set),
            _ => {}
        }
        if kind == ScopeKind::GenExpr {
            self.emit.load_null();
            self.load_id(&arg);
            self.emit.load_null();
            self.emit.load_null();
        } else {
            self.load_id(&arg);
            self.emit.get_iter(true);
        }
        self.compile_comp_iter(generators, 0, elt)?;
        if kind == ScopeKind::GenExpr {
            self.emit.load_const_tok(ConstToken::None);
        }
        self.emit.return_value();
        Ok(())
    }

    /// One `for` clause of a comprehension, its `if`s, and what follows (`compile_scope_comp_iter`).
    fn compile_comp_iter(
        &mut self,
        generators: &'a [Comprehension],
        depth: u32,
        elt: CompElement<'a>,
    ) -> CResult {
        let gen = &generators[depth as usize];
        let l_top = self.next_label();
        let l_end = self.next_label();
        self.emit.label_assign(l_top);
        self.emit.for_iter(l_end);
        self.c_assign(&gen.target, AssignKind::Store)?;
        for cond in &gen.ifs {
            self.c_if_cond(cond, false, l_top)?;
        }
        if let Some(next) = generators.get(depth as usize + 1) {
            self.compile_expr(&next.iter)?;
            self.emit.get_iter(true);
            self.compile_comp_iter(generators, depth + 1, elt)?;
        } else {
            match elt {
                CompElement::Value(e) => self.compile_expr(e)?,
                CompElement::KeyValue(k, v) => {
                    self.emit.set_source_line(k.line);
                    self.compile_expr(v)?;
                    self.compile_expr(k)?;
                }
            }
            let kind = self.scope().kind;
            if kind == ScopeKind::GenExpr {
                self.emit_yield(YieldKind::Value);
                self.emit.pop_top();
            } else {
                self.emit.store_comp(kind, 4 * depth + 5);
            }
        }
        self.emit.jump(l_top);
        self.emit.label_assign(l_end);
        self.emit.for_iter_end();
        Ok(())
    }

    /// Adds the parameters to the scope, first among its ids (`compile_scope_func_lambda_param`).
    fn declare_params(&mut self, args: &'a Arguments, def_line: u32) -> CResult {
        for a in &args.args {
            self.scope_mut().num_pos_args += 1;
            self.declare_param(&a.name, ID_FLAG_IS_PARAM, def_line)?;
        }
        if let Some(v) = &args.vararg {
            self.scope_mut().flags |= SCOPE_FLAG_VARARGS;
            self.declare_param(&v.name, ID_FLAG_IS_PARAM | ID_FLAG_IS_STAR_PARAM, def_line)?;
        }
        for (a, _) in &args.kwonlyargs {
            self.scope_mut().num_kwonly_args += 1;
            self.declare_param(&a.name, ID_FLAG_IS_PARAM, def_line)?;
        }
        if let Some(k) = &args.kwarg {
            self.scope_mut().flags |= SCOPE_FLAG_VARKEYWORDS;
            self.declare_param(
                &k.name,
                ID_FLAG_IS_PARAM | ID_FLAG_IS_DBL_STAR_PARAM,
                def_line,
            )?;
        }
        Ok(())
    }

    fn declare_param(&mut self, param: &Name, flags: u8, line: u32) -> CResult {
        let i = self.scope_mut().find_or_add(param, IdKind::Undecided);
        let id = &mut self.scope_mut().ids[i];
        if id.kind != IdKind::Undecided {
            return Err(self.syntax_error("argument name reused", line));
        }
        id.kind = IdKind::Local;
        id.flags = flags;
        Ok(())
    }

    pub(super) fn compile_block(&mut self, body: &'a [Stmt]) -> CResult {
        for s in body {
            self.compile_stmt(s)?;
        }
        Ok(())
    }

    fn compile_stmt(&mut self, s: &'a Stmt) -> CResult {
        let line = match &s.kind {
            StmtKind::FunctionDef(f) => first_line(s.line, &f.decorators),
            StmtKind::ClassDef(c) => first_line(s.line, &c.decorators),
            _ => s.line,
        };
        self.stmt_line = line;
        self.emit.set_source_line(line);
        match &s.kind {
            StmtKind::Expr(e) => self.compile_expr_stmt(e)?,
            StmtKind::Assign { targets, value } => self.compile_assign(targets, value)?,
            StmtKind::AugAssign { target, op, value } => {
                self.c_assign(target, AssignKind::AugLoad)?;
                self.compile_expr(value)?;
                self.emit.binary_op(BinaryOp::Op(inplace_op(*op)));
                self.c_assign(target, AssignKind::AugStore)?;
            }
            StmtKind::AnnAssign { target, value, .. } => match value {
                Some(v) => self.compile_assign(std::slice::from_ref(target), v)?,
                None => {
                    // A bare annotation declares a local inside a function.
                    if self.scope().kind == ScopeKind::Function {
                        if let ExprKind::Name(n) = &target.kind {
                            self.scope_mut().find_or_add(n, IdKind::Local);
                        }
                    }
                }
            },
            StmtKind::Pass => {}
            StmtKind::Break | StmtKind::Continue => {
                let is_break = matches!(s.kind, StmtKind::Break);
                let target = if is_break {
                    self.break_label
                } else {
                    self.continue_label.map(|label| BreakTarget {
                        label,
                        from_for: false,
                    })
                };
                let Some(target) = target else {
                    return Err(self.syntax_error("'break'/'continue' outside loop", line));
                };
                let depth = self.cur_except_level - self.break_continue_except_level;
                self.emit.unwind_jump(target, depth);
            }
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.c_del(t)?;
                }
            }
            StmtKind::Return(value) => self.compile_return(value.as_ref(), line)?,
            StmtKind::Raise { exc, cause } => match (exc, cause) {
                (None, _) => self.emit.raise_varargs(0),
                (Some(e), Some(c)) => {
                    self.compile_expr(e)?;
                    self.compile_expr(c)?;
                    self.emit.raise_varargs(2);
                }
                (Some(e), None) => {
                    self.compile_expr(e)?;
                    self.emit.raise_varargs(1);
                }
            },
            StmtKind::Assert { test, msg } => {
                if self.opts.opt_level == 0 {
                    let l_end = self.next_label();
                    self.c_if_cond(test, true, l_end)?;
                    self.emit
                        .load_global(&name("AssertionError"), GlobalKind::Global);
                    if let Some(m) = msg {
                        self.compile_expr(m)?;
                        self.emit.call_function(1, 0, 0);
                    }
                    self.emit.raise_varargs(1);
                    self.emit.label_assign(l_end);
                }
            }
            StmtKind::Global(names) => self.declare_global_nonlocal(names, true, line)?,
            StmtKind::Nonlocal(names) => self.declare_global_nonlocal(names, false, line)?,
            StmtKind::Import(aliases) => {
                for a in aliases {
                    self.emit.load_const_small_int(0);
                    self.emit.load_const_tok(ConstToken::None);
                    let base = self.import_name(Some(&a.name), a.asname.as_ref());
                    self.store_id(&base);
                }
            }
            StmtKind::ImportFrom {
                level,
                module,
                names,
                star,
            } => self.compile_import_from(*level, module.as_deref(), names, *star, line)?,
            StmtKind::If { test, body, orelse } => self.compile_if(test, body, orelse)?,
            StmtKind::While { test, body, orelse } => self.compile_while(test, body, orelse)?,
            StmtKind::For {
                is_async,
                target,
                iter,
                body,
                orelse,
            } => {
                if *is_async {
                    self.check_async_allowed(line)?;
                    self.compile_async_for(target, iter, body, orelse)?;
                } else {
                    self.compile_for(target, iter, body, orelse)?;
                }
            }
            StmtKind::With {
                is_async,
                items,
                body,
            } => {
                if *is_async {
                    self.check_async_allowed(line)?;
                    self.compile_async_with(items, body)?;
                } else {
                    self.compile_with(items, body)?;
                }
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                if finalbody.is_empty() {
                    self.compile_try_except(body, handlers, orelse)?;
                } else {
                    self.compile_try_finally(body, handlers, orelse, finalbody)?;
                }
            }
            StmtKind::FunctionDef(f) => self.compile_funcdef(f)?,
            StmtKind::ClassDef(c) => self.compile_classdef(c)?,
        }
        Ok(())
    }

    fn compile_expr_stmt(&mut self, e: &'a Expr) -> CResult {
        if self.opts.mode == InputMode::Single && self.scope().kind == ScopeKind::Module {
            self.load_id(&name("__repl_print__"));
            self.compile_expr(e)?;
            self.emit.call_function(1, 0, 0);
            self.emit.pop_top();
        } else if !is_lonely_constant(e) {
            self.compile_expr(e)?;
            self.emit.pop_top();
        }
        Ok(())
    }

    fn compile_assign(&mut self, targets: &'a [Expr], value: &'a Expr) -> CResult {
        if let [target] = targets {
            if self.try_tuple_swap(target, value)? {
                return Ok(());
            }
            self.compile_expr(value)?;
            return self.c_assign(target, AssignKind::Store);
        }
        // Following CPython, the left-most target is stored first.
        self.compile_expr(value)?;
        let n = targets.len();
        for (i, t) in targets.iter().enumerate() {
            if i + 1 < n {
                self.emit.dup_top();
            }
            self.c_assign(t, AssignKind::Store)?;
        }
        Ok(())
    }

    /// `a, b = c, d` and `a, b, c = d, e, f` without building a tuple.
    fn try_tuple_swap(&mut self, target: &'a Expr, value: &'a Expr) -> CResult<bool> {
        let (ExprKind::Tuple(lhs), ExprKind::Tuple(rhs)) = (&target.kind, &value.kind) else {
            return Ok(false);
        };
        let n = lhs.len();
        if n != rhs.len()
            || !(n == 2 || n == 3)
            || lhs.iter().any(|t| matches!(t.kind, ExprKind::Starred(_)))
            || self.const_tuple(value).is_some()
        {
            return Ok(false);
        }
        // The right side is a plain tuple display: its items are compiled as its own node.
        self.emit.set_source_line(value.line);
        for r in rhs {
            self.compile_expr(r)?;
        }
        if n == 3 {
            self.emit.rot_three();
        }
        self.emit.rot_two();
        for t in lhs {
            self.c_assign(t, AssignKind::Store)?;
        }
        Ok(true)
    }

    fn compile_return(&mut self, value: Option<&'a Expr>, line: u32) -> CResult {
        if self.scope().kind != ScopeKind::Function {
            return Err(self.syntax_error("'return' outside function", line));
        }
        match value {
            None => self.emit.load_const_tok(ConstToken::None),
            Some(Expr {
                kind: ExprKind::IfExp { test, body, orelse },
                ..
            }) => {
                let l_fail = self.next_label();
                self.c_if_cond(test, false, l_fail)?;
                self.compile_expr(body)?;
                self.emit.return_value();
                self.emit.label_assign(l_fail);
                self.compile_expr(orelse)?;
            }
            Some(v) => self.compile_expr(v)?,
        }
        self.emit.return_value();
        Ok(())
    }

    fn declare_global_nonlocal(&mut self, names: &[Name], is_global: bool, line: u32) -> CResult {
        if self.pass != Pass::Scope {
            return Ok(());
        }
        if !is_global && self.scope().kind == ScopeKind::Module {
            return Err(self.syntax_error("can't declare nonlocal in outer code", line));
        }
        for n in names {
            let i = self.scope_mut().find_or_add(n, IdKind::Undecided);
            self.declare_global_or_nonlocal(i, is_global, line)?;
        }
        Ok(())
    }

    pub(super) fn declare_global_or_nonlocal(
        &mut self,
        i: usize,
        is_global: bool,
        line: u32,
    ) -> CResult {
        let kind = self.scope().ids[i].kind;
        if is_global {
            if kind != IdKind::Undecided && kind != IdKind::GlobalExplicit {
                return Err(self.syntax_error("identifier redefined as global", line));
            }
            self.scope_mut().ids[i].kind = IdKind::GlobalExplicit;
            let n = self.scope().ids[i].name.clone();
            mark_global_explicit(self.scopes, self.cur, &n);
        } else if kind == IdKind::Undecided {
            self.scope_mut().ids[i].kind = IdKind::GlobalImplicit;
            check_to_close_over(self.scopes, self.cur, i);
            if self.scope().ids[i].kind == IdKind::GlobalImplicit {
                return Err(self.syntax_error("no binding for nonlocal found", line));
            }
        } else if kind != IdKind::Free {
            return Err(self.syntax_error("identifier redefined as nonlocal", line));
        }
        Ok(())
    }

    /// Emits `IMPORT_NAME` for a dotted module name and returns the name the import binds.
    fn import_name(&mut self, module: Option<&str>, asname: Option<&Name>) -> Name {
        let full = module.unwrap_or("");
        self.emit.import(&Name::from(full), ImportKind::Name);
        match asname {
            Some(alias) => {
                for part in full.split('.').skip(1) {
                    self.emit.attr(&Name::from(part), AccessKind::Load);
                }
                alias.clone()
            }
            None => Name::from(full.split('.').next().unwrap_or("")),
        }
    }

    fn compile_import_from(
        &mut self,
        level: u32,
        module: Option<&str>,
        names: &'a [ImportAlias],
        star: bool,
        line: u32,
    ) -> CResult {
        if star {
            if self.scope().kind != ScopeKind::Module {
                return Err(self.syntax_error("import * not at module level", line));
            }
            self.emit.load_const_small_int(level as i64);
            self.emit.load_const_str(&name("*"));
            self.emit.build(1, BuildKind::Tuple);
            self.import_name(module, None);
            self.emit.import(&name(""), ImportKind::Star);
            return Ok(());
        }
        self.emit.load_const_small_int(level as i64);
        for a in names {
            self.emit.load_const_str(&Name::from(a.name.as_str()));
        }
        self.emit.build(names.len() as u32, BuildKind::Tuple);
        self.import_name(module, None);
        for a in names {
            let n = Name::from(a.name.as_str());
            self.emit.import(&n, ImportKind::From);
            self.store_id(a.asname.as_ref().unwrap_or(&n));
        }
        self.emit.pop_top();
        Ok(())
    }

    fn compile_if(&mut self, test: &'a Expr, body: &'a [Stmt], orelse: &'a [Stmt]) -> CResult {
        // MicroPython sees `elif` chains as one statement: collect them. The parser marks an
        // `elif` as a nested `If` with line 0 (it has no line of its own).
        let mut branches = vec![(test, body)];
        let mut else_body = orelse;
        while let [Stmt {
            line: 0,
            kind: StmtKind::If { test, body, orelse },
        }] = else_body
        {
            branches.push((test, body));
            else_body = orelse;
        }

        let l_end = self.next_label();
        for (i, (test, body)) in branches.iter().enumerate() {
            if self.const_truth(test) == Some(false) {
                continue;
            }
            let l_fail = self.next_label();
            self.c_if_cond(test, false, l_fail)?;
            self.compile_block(body)?;
            if self.const_truth(test) == Some(true) {
                self.emit.label_assign(l_end);
                return Ok(());
            }
            // The first branch skips the jump when nothing follows it.
            if i > 0 || branches.len() > 1 || !else_body.is_empty() {
                self.emit.jump(l_end);
            }
            self.emit.label_assign(l_fail);
        }
        self.compile_block(else_body)?;
        self.emit.label_assign(l_end);
        Ok(())
    }

    fn start_loop(&mut self) -> (Option<BreakTarget>, Option<Label>, u16, Label, Label) {
        let saved = (
            self.break_label,
            self.continue_label,
            self.break_continue_except_level,
        );
        let break_label = self.next_label();
        let continue_label = self.next_label();
        self.break_label = Some(BreakTarget {
            label: break_label,
            from_for: false,
        });
        self.continue_label = Some(continue_label);
        self.break_continue_except_level = self.cur_except_level;
        (saved.0, saved.1, saved.2, break_label, continue_label)
    }

    fn end_loop(&mut self, saved: (Option<BreakTarget>, Option<Label>, u16)) {
        self.break_label = saved.0;
        self.continue_label = saved.1;
        self.break_continue_except_level = saved.2;
    }

    fn compile_while(&mut self, test: &'a Expr, body: &'a [Stmt], orelse: &'a [Stmt]) -> CResult {
        let (b, c, l, break_label, continue_label) = self.start_loop();
        let truth = self.const_truth(test);
        if truth != Some(false) {
            let top_label = self.next_label();
            if truth != Some(true) {
                self.emit.jump(continue_label);
            }
            self.emit.label_assign(top_label);
            self.compile_block(body)?;
            self.emit.label_assign(continue_label);
            self.c_if_cond(test, true, top_label)?;
        }
        self.end_loop((b, c, l));
        self.compile_block(orelse)?;
        self.emit.label_assign(break_label);
        Ok(())
    }

    fn compile_for(
        &mut self,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
    ) -> CResult {
        if let Some((start, end, step)) = self.range_args(target, iter) {
            return self.compile_for_range(target, start, end, step, body, orelse);
        }
        let (b, c, l, break_label, continue_label) = self.start_loop();
        self.break_label = Some(BreakTarget {
            label: break_label,
            from_for: true,
        });
        let pop_label = self.next_label();
        self.compile_expr(iter)?;
        self.emit.get_iter(true);
        self.emit.label_assign(continue_label);
        self.emit.for_iter(pop_label);
        self.c_assign(target, AssignKind::Store)?;
        self.compile_block(body)?;
        self.emit.jump(continue_label);
        self.emit.label_assign(pop_label);
        self.emit.for_iter_end();
        self.end_loop((b, c, l));
        self.compile_block(orelse)?;
        self.emit.label_assign(break_label);
        Ok(())
    }

    /// `for x in range(...)` with simple arguments and a constant non-zero step: the start,
    /// end and step values (as expressions, or small ints when implied).
    fn range_args(
        &self,
        target: &'a Expr,
        iter: &'a Expr,
    ) -> Option<(RangeArg<'a>, RangeArg<'a>, i64)> {
        if !matches!(target.kind, ExprKind::Name(_)) {
            return None;
        }
        let ExprKind::Call { func, args } = &iter.kind else {
            return None;
        };
        if !matches!(&func.kind, ExprKind::Name(n) if &**n == "range") {
            return None;
        }
        // Star, keyword and bare (`argument` node) arguments stop the optimisation.
        let plain: Vec<&'a Expr> = args
            .iter()
            .map_while(|a| match a {
                Argument::Positional(e) => Some(e),
                _ => None,
            })
            .collect();
        match (args.len(), plain.len()) {
            (1, 1) => Some((RangeArg::Int(0), RangeArg::Expr(plain[0]), 1)),
            (2, 2) => Some((RangeArg::Expr(plain[0]), RangeArg::Expr(plain[1]), 1)),
            (3, _) => {
                let Argument::Positional(step) = &args[2] else {
                    return None;
                };
                let step = self.small_int(step)?;
                if step == 0 || plain.len() < 2 {
                    return None;
                }
                Some((RangeArg::Expr(plain[0]), RangeArg::Expr(plain[1]), step))
            }
            _ => None,
        }
    }

    fn compile_range_arg(&mut self, arg: RangeArg<'a>) -> CResult {
        match arg {
            RangeArg::Int(v) => {
                self.emit.load_const_small_int(v);
                Ok(())
            }
            RangeArg::Expr(e) => self.compile_expr(e),
        }
    }

    fn compile_for_range(
        &mut self,
        var: &'a Expr,
        start: RangeArg<'a>,
        end: RangeArg<'a>,
        step: i64,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
    ) -> CResult {
        let (b, c, l, break_label, continue_label) = self.start_loop();
        let top_label = self.next_label();
        let entry_label = self.next_label();
        let end_on_stack = match end {
            RangeArg::Expr(e) => self.small_int(e).is_none(),
            RangeArg::Int(_) => false,
        };
        if end_on_stack {
            self.compile_range_arg(end)?;
        }
        self.compile_range_arg(start)?;
        self.emit.jump(entry_label);
        self.emit.label_assign(top_label);
        self.emit.dup_top();
        self.c_assign(var, AssignKind::Store)?;
        self.compile_block(body)?;
        self.emit.label_assign(continue_label);
        self.emit.load_const_small_int(step);
        self.emit.binary_op(BinaryOp::Op(BinaryOpNum::InplaceAdd));
        self.emit.label_assign(entry_label);
        if end_on_stack {
            self.emit.dup_top_two();
            self.emit.rot_two();
        } else {
            self.emit.dup_top();
            self.compile_range_arg(end)?;
        }
        let cmp = if step >= 0 {
            BinaryOpNum::Less
        } else {
            BinaryOpNum::More
        };
        self.emit.binary_op(BinaryOp::Op(cmp));
        self.emit.pop_jump_if(true, top_label);
        self.end_loop((b, c, l));

        let mut end_label = None;
        if !orelse.is_empty() {
            self.emit.pop_top();
            if end_on_stack {
                self.emit.pop_top();
            }
            self.compile_block(orelse)?;
            let label = self.next_label();
            self.emit.jump(label);
            self.emit.adjust_stack_size(1 + end_on_stack as i32);
            end_label = Some(label);
        }
        self.emit.label_assign(break_label);
        self.emit.pop_top();
        if end_on_stack {
            self.emit.pop_top();
        }
        if let Some(label) = end_label {
            self.emit.label_assign(label);
        }
        Ok(())
    }

    fn increase_except_level(&mut self, label: Label, kind: BlockKind) {
        self.emit.setup_block(label, kind);
        self.cur_except_level += 1;
        if self.cur_except_level > self.scope().exc_stack_size {
            let level = self.cur_except_level;
            self.scope_mut().exc_stack_size = level;
        }
    }

    fn decrease_except_level(&mut self) {
        self.cur_except_level -= 1;
        self.emit.end_finally();
    }

    fn compile_try_except(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
    ) -> CResult {
        let l1 = self.next_label();
        let success_label = self.next_label();
        self.increase_except_level(l1, BlockKind::Except);
        self.compile_block(body)?;
        self.emit.pop_except_jump(success_label, false);
        self.emit.label_assign(l1);
        self.emit.start_except_handler();

        let l2 = self.next_label();
        for (i, h) in handlers.iter().enumerate() {
            let end_finally_label = self.next_label();
            match &h.exc_type {
                None => {
                    if i + 1 != handlers.len() {
                        return Err(self.syntax_error("default 'except' must be last", h.line));
                    }
                }
                Some(t) => {
                    self.emit.dup_top();
                    self.compile_expr(t)?;
                    self.emit
                        .binary_op(BinaryOp::Op(BinaryOpNum::ExceptionMatch));
                    self.emit.pop_jump_if(false, end_finally_label);
                }
            }
            let bound = h.name.as_ref().filter(|_| h.exc_type.is_some());
            match bound {
                None => self.emit.pop_top(),
                Some(n) => self.store_id(n),
            }
            // A bound name is deleted when the handler ends, however it ends.
            let mut l3 = 0;
            if bound.is_some() {
                l3 = self.next_label();
                self.increase_except_level(l3, BlockKind::Finally);
            }
            self.compile_block(&h.body)?;
            if let Some(n) = bound {
                self.emit.load_const_tok(ConstToken::None);
                self.emit.label_assign(l3);
                self.emit.adjust_stack_size(1);
                self.emit.load_const_tok(ConstToken::None);
                self.store_id(n);
                self.delete_id(n);
                self.emit.adjust_stack_size(-1);
                self.decrease_except_level();
            }
            self.emit.pop_except_jump(l2, true);
            self.emit.label_assign(end_finally_label);
            self.emit.adjust_stack_size(1);
        }
        self.decrease_except_level();
        self.emit.end_except_handler();
        self.emit.label_assign(success_label);
        self.compile_block(orelse)?;
        self.emit.label_assign(l2);
        Ok(())
    }

    fn compile_try_finally(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
    ) -> CResult {
        let l_finally_block = self.next_label();
        self.increase_except_level(l_finally_block, BlockKind::Finally);
        if handlers.is_empty() {
            self.emit.adjust_stack_size(3);
            self.compile_block(body)?;
            self.emit.adjust_stack_size(-3);
        } else {
            self.compile_try_except(body, handlers, orelse)?;
        }
        self.emit.load_const_tok(ConstToken::None);
        self.emit.label_assign(l_finally_block);
        self.emit.adjust_stack_size(1);
        self.compile_block(finalbody)?;
        self.emit.adjust_stack_size(-1);
        self.decrease_except_level();
        Ok(())
    }

    fn compile_with(&mut self, items: &'a [WithItem], body: &'a [Stmt]) -> CResult {
        let Some((item, rest)) = items.split_first() else {
            return self.compile_block(body);
        };
        let l_end = self.next_label();
        self.compile_expr(&item.context)?;
        self.increase_except_level(l_end, BlockKind::With);
        match &item.target {
            Some(t) => self.c_assign(t, AssignKind::Store)?,
            None => self.emit.pop_top(),
        }
        self.compile_with(rest, body)?;
        self.emit.with_cleanup(l_end);
        self.decrease_except_level();
        Ok(())
    }

    fn check_async_allowed(&self, line: u32) -> CResult {
        if self.scope().flags & SCOPE_FLAG_GENERATOR == 0 {
            return Err(self.syntax_error("async for/with outside async function", line));
        }
        Ok(())
    }

    /// `await obj.method()`.
    fn await_method(&mut self, method: &str) {
        self.emit.load_method(&name(method), false);
        self.emit.call_method(0, 0, 0);
        self.compile_yield_from();
    }

    fn compile_async_for(
        &mut self,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
    ) -> CResult {
        let while_else_label = self.next_label();
        let try_exception_label = self.next_label();
        let try_else_label = self.next_label();
        let try_finally_label = self.next_label();

        self.compile_expr(iter)?;
        self.emit.load_method(&name("__aiter__"), false);
        self.emit.call_method(0, 0, 0);

        let (b, c, l, break_label, continue_label) = self.start_loop();
        self.emit.label_assign(continue_label);
        self.increase_except_level(try_exception_label, BlockKind::Except);
        self.emit.dup_top();
        self.await_method("__anext__");
        self.c_assign(target, AssignKind::Store)?;
        self.emit.pop_except_jump(try_else_label, false);

        self.emit.label_assign(try_exception_label);
        self.emit.start_except_handler();
        self.emit.dup_top();
        self.emit
            .load_global(&name("StopAsyncIteration"), GlobalKind::Global);
        self.emit
            .binary_op(BinaryOp::Op(BinaryOpNum::ExceptionMatch));
        self.emit.pop_jump_if(false, try_finally_label);
        self.emit.pop_top();
        self.emit.pop_except_jump(while_else_label, true);

        self.emit.label_assign(try_finally_label);
        self.emit.adjust_stack_size(1);
        self.decrease_except_level();
        self.emit.end_except_handler();

        self.emit.label_assign(try_else_label);
        self.compile_block(body)?;
        self.emit.jump(continue_label);
        self.end_loop((b, c, l));

        self.emit.label_assign(while_else_label);
        self.compile_block(orelse)?;
        self.emit.label_assign(break_label);
        self.emit.pop_top();
        Ok(())
    }

    fn compile_async_with(&mut self, items: &'a [WithItem], body: &'a [Stmt]) -> CResult {
        let Some((item, rest)) = items.split_first() else {
            return self.compile_block(body);
        };
        let l_finally_block = self.next_label();
        let l_aexit_no_exc = self.next_label();
        let l_ret_unwind_jump = self.next_label();
        let l_end = self.next_label();

        self.compile_expr(&item.context)?;
        self.emit.dup_top();
        self.await_method("__aenter__");
        match &item.target {
            Some(t) => self.c_assign(t, AssignKind::Store)?,
            None => self.emit.pop_top(),
        }
        self.increase_except_level(l_finally_block, BlockKind::Finally);
        self.emit.adjust_stack_size(3);
        self.compile_async_with(rest, body)?;
        self.emit.adjust_stack_size(-3);

        self.emit
            .async_with_setup_finally(l_aexit_no_exc, l_finally_block, l_ret_unwind_jump);

        // An exception propagates: call __aexit__ with it, then swallow or re-raise.
        self.emit.dup_top();
        self.emit.rot_three();
        self.emit.rot_two();
        self.emit.load_method(&name("__aexit__"), false);
        self.emit.rot_three();
        self.emit.rot_three();
        self.emit.dup_top();
        self.emit.attr(&name("__class__"), AccessKind::Load);
        self.emit.rot_two();
        self.emit.load_const_tok(ConstToken::None);
        self.emit.call_method(3, 0, 0);
        self.compile_yield_from();
        self.emit.pop_jump_if(false, l_end);
        self.emit.pop_top();
        self.emit.load_const_tok(ConstToken::None);
        self.emit.jump(l_end);
        self.emit.adjust_stack_size(2);

        // A return or unwind jump, or a normal exit: call __aexit__ with no exception.
        self.emit.label_assign(l_ret_unwind_jump);
        self.emit.async_with_unwind_entry();
        self.emit.label_assign(l_aexit_no_exc);
        self.emit.load_method(&name("__aexit__"), false);
        self.emit.load_const_tok(ConstToken::None);
        self.emit.dup_top();
        self.emit.dup_top();
        self.emit.call_method(3, 0, 0);
        self.compile_yield_from();
        self.emit.pop_top();
        self.emit.adjust_stack_size(-1);

        self.emit.label_assign(l_end);
        self.decrease_except_level();
        Ok(())
    }

    /// The emit option the decorators ask for, and the decorators that are real calls.
    fn builtin_decorators(
        &self,
        decorators: &'a [Decorator],
    ) -> CResult<(EmitOption, Vec<&'a Decorator>)> {
        let mut option = self.scope().emit_option;
        let mut others = Vec::new();
        for d in decorators {
            let dotted = match &d.expr.kind {
                ExprKind::Call { func, .. } => dotted_name(func),
                _ => dotted_name(&d.expr),
            };
            let Some(parts) = dotted.filter(|p| &*p[0] == "micropython") else {
                others.push(d);
                continue;
            };
            if parts.len() != 2 {
                return Err(self.syntax_error("invalid micropython decorator", d.line));
            }
            option = match &*parts[1] {
                "bytecode" => EmitOption::Bytecode,
                "native" => EmitOption::NativePython,
                "viper" => EmitOption::Viper,
                "asm_thumb" | "asm_xtensa" | "asm_rv32" => EmitOption::Asm,
                _ => return Err(self.syntax_error("invalid micropython decorator", d.line)),
            };
            let has_emitter = match option {
                EmitOption::Bytecode => true,
                EmitOption::NativePython | EmitOption::Viper => self.native_available,
                EmitOption::Asm => false,
            };
            if !has_emitter {
                // Without a target architecture mpy-cross has no native emitter to offer.
                return Err(self.syntax_error("invalid arch", d.line));
            }
        }
        Ok((option, others))
    }

    fn compile_decorators(&mut self, decorators: &[&'a Decorator]) -> CResult {
        for d in decorators {
            match &d.expr.kind {
                ExprKind::Call { func, args } => {
                    self.compile_dotted(func)?;
                    self.emit.set_source_line(d.expr.line);
                    self.compile_call_args(args, false, 0)?;
                }
                _ => self.compile_dotted(&d.expr)?,
            }
        }
        Ok(())
    }

    /// A decorator's dotted name: a load of the first name and attribute loads for the rest.
    fn compile_dotted(&mut self, e: &'a Expr) -> CResult {
        match &e.kind {
            ExprKind::Name(n) => {
                self.load_id(n);
                Ok(())
            }
            ExprKind::Attribute { value, attr } => {
                self.compile_dotted(value)?;
                self.emit.attr(attr, AccessKind::Load);
                Ok(())
            }
            _ => self.compile_expr(e),
        }
    }

    fn compile_funcdef(&mut self, f: &'a FunctionDef) -> CResult {
        let (option, decorators) = self.builtin_decorators(&f.decorators)?;
        self.compile_decorators(&decorators)?;
        let sid = self.child_scope(
            ScopeKind::Function,
            ScopeNode::Function(f),
            f.name.clone(),
            option,
        );
        self.compile_params_and_make(sid, &f.args)?;
        if f.is_async {
            self.scopes[sid].flags |= SCOPE_FLAG_GENERATOR;
        }
        for _ in &decorators {
            self.emit.call_function(1, 0, 0);
        }
        self.store_id(&f.name);
        Ok(())
    }

    fn compile_classdef(&mut self, c: &'a ClassDef) -> CResult {
        let (option, decorators) = self.builtin_decorators(&c.decorators)?;
        self.compile_decorators(&decorators)?;
        let sid = self.child_scope(
            ScopeKind::Class,
            ScopeNode::Class(c),
            c.name.clone(),
            option,
        );
        self.emit.load_build_class();
        self.close_over_and_make(sid, 0, 0);
        self.emit.load_const_str(&c.name);
        self.compile_call_args(&c.args, false, 2)?;
        for _ in &decorators {
            self.emit.call_function(1, 0, 0);
        }
        self.store_id(&c.name);
        Ok(())
    }

    /// Default values then the function object (`compile_funcdef_lambdef`).
    pub(super) fn compile_params_and_make(&mut self, sid: ScopeId, args: &'a Arguments) -> CResult {
        let saved = (
            self.have_star,
            self.num_dict_params,
            self.num_default_params,
        );
        self.have_star = false;
        self.num_dict_params = 0;
        self.num_default_params = 0;

        for d in &args.defaults {
            self.num_default_params += 1;
            self.compile_expr(d)?;
        }
        if args.vararg.is_some() || args.bare_star {
            self.have_star = true;
        }
        for (a, default) in &args.kwonlyargs {
            let Some(d) = default else { continue };
            self.num_dict_params += 1;
            if self.num_dict_params == 1 {
                if self.num_default_params > 0 {
                    self.emit.build(self.num_default_params, BuildKind::Tuple);
                } else {
                    self.emit.load_null();
                }
                self.emit.build(0, BuildKind::Map);
            }
            self.compile_expr(d)?;
            self.emit.load_const_str(&a.name);
            self.emit.store_map();
        }
        if self.num_default_params > 0 && self.num_dict_params == 0 {
            self.emit.build(self.num_default_params, BuildKind::Tuple);
            self.emit.load_null();
        }
        let (n_pos, n_kw) = (self.num_default_params, self.num_dict_params);
        self.close_over_and_make(sid, n_pos, n_kw);
        (
            self.have_star,
            self.num_dict_params,
            self.num_default_params,
        ) = saved;
        Ok(())
    }

    /// Loads the cells the new function closes over and makes it (`close_over_variables_etc`).
    pub(super) fn close_over_and_make(&mut self, sid: ScopeId, n_pos: u32, n_kw: u32) {
        if n_kw > 0 {
            self.scopes[sid].flags |= SCOPE_FLAG_DEFKWARGS;
        }
        self.scopes[sid].num_def_pos_args = n_pos as u16;
        let mut nfree = 0;
        if self.scope().kind != ScopeKind::Module {
            let outer: Vec<IdInfo> = self.scope().ids.clone();
            for id in &outer {
                if !matches!(id.kind, IdKind::Cell | IdKind::Free) {
                    continue;
                }
                let closes = self.scopes[sid]
                    .ids
                    .iter()
                    .any(|id2| id2.kind == IdKind::Free && id2.name == id.name);
                if closes {
                    self.emit
                        .load_local(&id.name, id.local_num, LocalKind::Fast);
                    nfree += 1;
                }
            }
        }
        if nfree == 0 {
            self.emit.make_function(sid, n_pos, n_kw);
        } else {
            self.emit.make_closure(sid, nfree, n_pos, n_kw);
        }
    }

    /// Assigns the top of the stack to `target` (`c_assign`).
    pub(super) fn c_assign(&mut self, target: &'a Expr, kind: AssignKind) -> CResult {
        let cannot =
            |c: &Self| Err(c.syntax_error("can't assign to expression", target_line(target)));
        match &target.kind {
            ExprKind::Name(n) => {
                match kind {
                    AssignKind::Store | AssignKind::AugStore => self.store_id(n),
                    AssignKind::AugLoad => self.load_id(n),
                }
                Ok(())
            }
            ExprKind::Subscript { value, index } => {
                if kind == AssignKind::AugStore {
                    self.emit.rot_three();
                    self.emit.subscr(AccessKind::Store);
                } else {
                    self.compile_chain_part(value)?;
                    self.compile_expr(index)?;
                    if kind == AssignKind::AugLoad {
                        self.emit.dup_top_two();
                        self.emit.subscr(AccessKind::Load);
                    } else {
                        self.emit.subscr(AccessKind::Store);
                    }
                }
                Ok(())
            }
            ExprKind::Attribute { value, attr } => {
                match kind {
                    AssignKind::AugLoad => {
                        self.compile_chain_part(value)?;
                        self.emit.dup_top();
                        self.emit.attr(attr, AccessKind::Load);
                    }
                    AssignKind::AugStore => {
                        self.emit.rot_two();
                        self.emit.attr(attr, AccessKind::Store);
                    }
                    AssignKind::Store => {
                        self.compile_chain_part(value)?;
                        self.emit.attr(attr, AccessKind::Store);
                    }
                }
                Ok(())
            }
            ExprKind::Tuple(items) if !items.is_empty() && kind == AssignKind::Store => {
                self.c_assign_tuple(items)
            }
            ExprKind::List(items) if kind == AssignKind::Store => self.c_assign_tuple(items),
            _ => cannot(self),
        }
    }

    fn c_assign_tuple(&mut self, items: &'a [Expr]) -> CResult {
        let mut star = None;
        for (i, item) in items.iter().enumerate() {
            if matches!(item.kind, ExprKind::Starred(_)) {
                if star.is_some() {
                    return Err(self.syntax_error("multiple *x in assignment", item.line));
                }
                self.emit.unpack_ex(i as u32, (items.len() - i - 1) as u32);
                star = Some(i);
            }
        }
        if star.is_none() {
            self.emit.unpack_sequence(items.len() as u32);
        }
        for item in items {
            match &item.kind {
                ExprKind::Starred(inner) => self.c_assign(inner, AssignKind::Store)?,
                _ => self.c_assign(item, AssignKind::Store)?,
            }
        }
        Ok(())
    }

    fn c_del(&mut self, target: &'a Expr) -> CResult {
        match &target.kind {
            ExprKind::Name(n) => {
                self.delete_id(n);
                Ok(())
            }
            ExprKind::Subscript { value, index } => {
                self.compile_chain_part(value)?;
                self.compile_expr(index)?;
                self.emit.subscr(AccessKind::Delete);
                Ok(())
            }
            ExprKind::Attribute { value, attr } => {
                self.compile_chain_part(value)?;
                self.emit.attr(attr, AccessKind::Delete);
                Ok(())
            }
            ExprKind::Tuple(items) if !items.is_empty() => {
                for item in items {
                    self.c_del(item)?;
                }
                Ok(())
            }
            _ => Err(self.syntax_error("can't delete expression", target_line(target))),
        }
    }

    pub(super) fn load_id(&mut self, n: &Name) {
        match self.pass {
            Pass::Scope => {
                self.scope_mut().find_or_add(n, IdKind::GlobalImplicit);
            }
            Pass::Emit => self.id_op(n, IdOp::Load),
        }
    }

    pub(super) fn store_id(&mut self, n: &Name) {
        match self.pass {
            Pass::Scope => {
                self.scope_mut().id_for_modification(n);
            }
            Pass::Emit => self.id_op(n, IdOp::Store),
        }
    }

    fn delete_id(&mut self, n: &Name) {
        match self.pass {
            Pass::Scope => {
                self.scope_mut().id_for_modification(n);
            }
            Pass::Emit => self.id_op(n, IdOp::Delete),
        }
    }

    /// Emits the load, store or delete that the final kind of `n` calls for.
    fn id_op(&mut self, n: &Name, op: IdOp) {
        let (kind, local_num) = match self.scope().find(n) {
            Some(i) => (self.scope().ids[i].kind, self.scope().ids[i].local_num),
            None => (IdKind::GlobalImplicit, 0),
        };
        enum Target {
            Global(GlobalKind),
            Local(LocalKind),
        }
        let target = match kind {
            IdKind::GlobalExplicit => Target::Global(GlobalKind::Global),
            IdKind::Local => Target::Local(LocalKind::Fast),
            IdKind::Cell | IdKind::Free => Target::Local(LocalKind::Deref),
            _ => Target::Global(GlobalKind::Name),
        };
        match (op, target) {
            (IdOp::Load, Target::Global(g)) => self.emit.load_global(n, g),
            (IdOp::Load, Target::Local(l)) => self.emit.load_local(n, local_num, l),
            (IdOp::Store, Target::Global(g)) => self.emit.store_global(n, g),
            (IdOp::Store, Target::Local(l)) => self.emit.store_local(n, local_num, l),
            (IdOp::Delete, Target::Global(g)) => self.emit.delete_global(n, g),
            (IdOp::Delete, Target::Local(l)) => self.emit.delete_local(n, local_num, l),
        }
    }
}

/// A `range()` bound: an expression of the source, or a small int the loop implies.
#[derive(Clone, Copy)]
pub(super) enum RangeArg<'a> {
    Expr(&'a Expr),
    Int(i64),
}

/// The line MicroPython reports for a statement with decorators: that of the first `@`.
fn first_line(line: u32, decorators: &[Decorator]) -> u32 {
    decorators
        .iter()
        .map(|d| d.line)
        .chain([line])
        .min()
        .unwrap_or(line)
}

/// `a.b.c` as its parts, if `e` is a dotted name.
fn dotted_name(e: &Expr) -> Option<Vec<Name>> {
    match &e.kind {
        ExprKind::Name(n) => Some(vec![n.clone()]),
        ExprKind::Attribute { value, attr } => {
            let mut parts = dotted_name(value)?;
            parts.push(attr.clone());
            Some(parts)
        }
        _ => None,
    }
}

/// The line an error on `e` is reported at: 0 (the enclosing statement's) for leaves.
fn target_line(e: &Expr) -> u32 {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Const(_) => 0,
        _ => e.line,
    }
}

/// An expression statement MicroPython's parser drops: a constant on its own.
fn is_lonely_constant(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Const(_) => true,
        ExprKind::Tuple(items) => !items.is_empty() && items.iter().all(super::expr::is_const_node),
        _ => false,
    }
}
