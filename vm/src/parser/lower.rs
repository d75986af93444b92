//! Turns MicroPython-shaped parse nodes into the [`ast`](crate::ast).
//!
//! It also reports the errors MicroPython's compiler raises for forms its grammar lets
//! through but the AST cannot hold (a keyword argument whose name is not an identifier, a
//! dict display mixing `k: v` and plain items, misordered parameters, `:=` to a non-name).
//!
//! Lines follow MicroPython's parse nodes (see the module documentation of `parser`).

use super::grammar::{Rule, Tok};
use super::node::{Node, RuleNode};
use crate::ast::*;
use crate::error::CompileError;

type Result<T> = std::result::Result<T, CompileError>;

/// The module for a root node of `file_input` or `single_input`.
pub(super) fn module(root: &Node) -> Result<Module> {
    let body = stmts(root)
        .map_err(|e| leaving_scope(at_scope_line(e, node_line(root).max(1)), "<module>"))?;
    Ok(Module { body })
}

/// The module for a root node of `eval_input`: one expression statement.
pub(super) fn eval_module(root: &Node) -> Result<Module> {
    let expr_node = match root.as_rule(Rule::EvalInput) {
        Some(r) => child(r, 0),
        None => root,
    };
    let value = expr(expr_node)?;
    Ok(Module {
        body: vec![Stmt {
            line: value.line,
            kind: StmtKind::Expr(value),
        }],
    })
}

fn child(r: &RuleNode, i: usize) -> &Node {
    r.children.get(i).unwrap_or(&Node::Null)
}

/// A parse node that cannot occur where it is (the grammar rules it out).
fn malformed(line: u32) -> CompileError {
    CompileError::syntax("invalid syntax", line)
}

fn node_line(node: &Node) -> u32 {
    match node {
        Node::Null => 0,
        Node::Id { line, .. } | Node::Tok { line, .. } | Node::Const { line, .. } => *line,
        Node::Rule(r) => r.line,
    }
}

/// Line MicroPython's compiler reports for an error at `node`: a rule node's own line, else
/// the line of the enclosing construct.
fn error_line(node: &Node, enclosing: u32) -> u32 {
    match node {
        Node::Rule(r) => r.line,
        _ => enclosing,
    }
}

/// An error at a node without a line (a name or literal) has line 0 until, as in MicroPython's
/// compiler, it takes the line of the statement holding it in the nearest statement list, or
/// failing that the line of its scope's definition.
fn at_scope_line(mut e: CompileError, line: u32) -> CompileError {
    if e.line == 0 {
        e.line = line;
    }
    e
}

/// An error leaving the scope named `name`: a compiler error not yet placed is raised there.
fn leaving_scope(e: CompileError, name: &str) -> CompileError {
    if e.scope_pending {
        e.in_scope(name)
    } else {
        e
    }
}

fn opt_expr(node: &Node) -> Result<Option<Expr>> {
    if node.is_null() {
        Ok(None)
    } else {
        expr(node).map(Some)
    }
}

fn name_of(node: &Node) -> Result<Name> {
    node.id().cloned().ok_or_else(|| malformed(node_line(node)))
}

// ---------------------------------------------------------------------------------------
// Statements

/// The statements of a statement list node (a block, a `;`-separated line, a file).
fn stmts(node: &Node) -> Result<Vec<Stmt>> {
    let mut out = Vec::new();
    collect_stmts(node, &mut out)?;
    Ok(out)
}

fn collect_stmts(node: &Node, out: &mut Vec<Stmt>) -> Result<()> {
    match node {
        Node::Null
        | Node::Tok {
            tok: Tok::Newline, ..
        } => Ok(()),
        Node::Rule(r)
            if matches!(
                r.rule,
                Rule::FileInput | Rule::FileInput2 | Rule::SuiteBlockStmts | Rule::SimpleStmt2
            ) =>
        {
            r.children
                .iter()
                .try_for_each(|c| collect_stmts(c, out).map_err(|e| at_scope_line(e, node_line(c))))
        }
        Node::Rule(r) => {
            out.push(stmt(r)?);
            Ok(())
        }
        other => Err(malformed(node_line(other))),
    }
}

fn stmt(r: &RuleNode) -> Result<Stmt> {
    let line = r.line;
    let kind = match r.rule {
        Rule::ExprStmt => expr_stmt(r)?,
        Rule::PassStmt => StmtKind::Pass,
        Rule::BreakStmt => StmtKind::Break,
        Rule::ContinueStmt => StmtKind::Continue,
        Rule::ReturnStmt => StmtKind::Return(opt_expr(child(r, 0))?),
        Rule::YieldStmt => StmtKind::Expr(expr(child(r, 0))?),
        Rule::RaiseStmt => raise_stmt(child(r, 0))?,
        Rule::DelStmt => StmtKind::Delete(
            child(r, 0)
                .list_items(Rule::Exprlist)
                .iter()
                .map(expr)
                .collect::<Result<_>>()?,
        ),
        Rule::ImportName => StmtKind::Import(
            child(r, 0)
                .list_items(Rule::DottedAsNames)
                .iter()
                .map(import_alias)
                .collect::<Result<_>>()?,
        ),
        Rule::ImportFrom => import_from(r)?,
        Rule::GlobalStmt => StmtKind::Global(names(child(r, 0))?),
        Rule::NonlocalStmt => StmtKind::Nonlocal(names(child(r, 0))?),
        Rule::AssertStmt => StmtKind::Assert {
            test: expr(child(r, 0))?,
            msg: opt_expr(child(r, 1))?,
        },
        Rule::IfStmt => if_stmt(r)?,
        Rule::WhileStmt => StmtKind::While {
            test: expr(child(r, 0))?,
            body: stmts(child(r, 1))?,
            orelse: stmts(child(r, 2))?,
        },
        Rule::ForStmt => for_stmt(r, false)?,
        Rule::TryStmt => try_stmt(r)?,
        Rule::WithStmt => with_stmt(r, false)?,
        Rule::Funcdef => StmtKind::FunctionDef(funcdef(r, Vec::new(), false)?.into()),
        Rule::Classdef => StmtKind::ClassDef(classdef(r, Vec::new())?.into()),
        Rule::Decorated => decorated(r)?,
        Rule::AsyncStmt => async_stmt(child(r, 0))?,
        _ => return Err(malformed(line)),
    };
    Ok(Stmt { line, kind })
}

fn expr_stmt(r: &RuleNode) -> Result<StmtKind> {
    let target = child(r, 0);
    let rhs = child(r, 1);
    Ok(match rhs {
        Node::Null => StmtKind::Expr(expr(target)?),
        Node::Rule(a) if a.rule == Rule::Annassign => StmtKind::AnnAssign {
            target: expr(target)?,
            annotation: expr(child(a, 0))?,
            value: opt_expr(child(a, 1))?,
        },
        Node::Rule(a) if a.rule == Rule::ExprStmtAugassign => {
            let op = match child(a, 0) {
                Node::Tok { tok, .. } => augassign_op(*tok).ok_or_else(|| malformed(a.line))?,
                _ => return Err(malformed(a.line)),
            };
            StmtKind::AugAssign {
                target: expr(target)?,
                op,
                value: expr(child(a, 1))?,
            }
        }
        Node::Rule(a) if a.rule == Rule::ExprStmtAssignList => {
            let mut targets = vec![expr(target)?];
            let (last, middle) = a.children.split_last().ok_or_else(|| malformed(a.line))?;
            for t in middle {
                targets.push(expr(t)?);
            }
            StmtKind::Assign {
                targets,
                value: expr(last)?,
            }
        }
        value => StmtKind::Assign {
            targets: vec![expr(target)?],
            value: expr(value)?,
        },
    })
}

fn augassign_op(tok: Tok) -> Option<BinOp> {
    Some(match tok {
        Tok::PipeEqual => BinOp::Or,
        Tok::CaretEqual => BinOp::Xor,
        Tok::AmpersandEqual => BinOp::And,
        Tok::DblLessEqual => BinOp::LShift,
        Tok::DblMoreEqual => BinOp::RShift,
        Tok::PlusEqual => BinOp::Add,
        Tok::MinusEqual => BinOp::Sub,
        Tok::StarEqual => BinOp::Mult,
        Tok::AtEqual => BinOp::MatMult,
        Tok::DblSlashEqual => BinOp::FloorDiv,
        Tok::SlashEqual => BinOp::TrueDiv,
        Tok::PercentEqual => BinOp::Mod,
        Tok::DblStarEqual => BinOp::Pow,
        _ => return None,
    })
}

fn raise_stmt(arg: &Node) -> Result<StmtKind> {
    Ok(match arg.as_rule(Rule::RaiseStmtArg) {
        Some(r) => StmtKind::Raise {
            exc: Some(expr(child(r, 0))?),
            cause: Some(expr(child(r, 1))?),
        },
        None => StmtKind::Raise {
            exc: opt_expr(arg)?,
            cause: None,
        },
    })
}

fn dotted_name(node: &Node) -> Result<String> {
    let parts = node
        .list_items(Rule::DottedName)
        .iter()
        .map(name_of)
        .collect::<Result<Vec<_>>>()?;
    Ok(parts.join("."))
}

fn import_alias(node: &Node) -> Result<ImportAlias> {
    Ok(match node.as_rule(Rule::DottedAsName) {
        Some(r) => ImportAlias {
            name: dotted_name(child(r, 0))?,
            asname: Some(name_of(child(r, 1))?),
        },
        None => ImportAlias {
            name: dotted_name(node)?,
            asname: None,
        },
    })
}

fn import_from(r: &RuleNode) -> Result<StmtKind> {
    let (dots, module_node) = match child(r, 0) {
        Node::Rule(b) if b.rule == Rule::ImportFrom2b => (child(b, 0), child(b, 1)),
        dots @ (Node::Tok { .. } | Node::Rule(_)) if !dots.is_rule(Rule::DottedName) => {
            (dots, &Node::Null)
        }
        module => (&Node::Null, module),
    };
    let level = dots
        .list_items(Rule::OneOrMorePeriodOrEllipsis)
        .iter()
        .map(|d| match d {
            Node::Tok {
                tok: Tok::Ellipsis, ..
            } => 3,
            _ => 1,
        })
        .sum();
    let module = if module_node.is_null() {
        None
    } else {
        Some(dotted_name(module_node)?)
    };
    let what = child(r, 1);
    let (names, star) = if matches!(what, Node::Tok { tok: Tok::Star, .. }) {
        (Vec::new(), true)
    } else {
        let names = what
            .list_items(Rule::ImportAsNames)
            .iter()
            .map(|n| {
                let r = n
                    .as_rule(Rule::ImportAsName)
                    .ok_or_else(|| malformed(node_line(n)))?;
                Ok(ImportAlias {
                    name: name_of(child(r, 0))?.to_string(),
                    asname: child(r, 1).id().cloned(),
                })
            })
            .collect::<Result<_>>()?;
        (names, false)
    };
    Ok(StmtKind::ImportFrom {
        level,
        module,
        names,
        star,
    })
}

fn names(node: &Node) -> Result<Vec<Name>> {
    node.list_items(Rule::NameList)
        .iter()
        .map(name_of)
        .collect()
}

fn if_stmt(r: &RuleNode) -> Result<StmtKind> {
    // `elif` clauses become nested `If` statements with line 0: MicroPython records no line
    // for them (only their conditions and bodies have lines).
    let mut orelse = stmts(child(r, 3))?;
    for elif in child(r, 2).list_items(Rule::IfStmtElifList).iter().rev() {
        let e = elif
            .as_rule(Rule::IfStmtElif)
            .ok_or_else(|| malformed(node_line(elif)))?;
        orelse = vec![Stmt {
            line: 0,
            kind: StmtKind::If {
                test: expr(child(e, 0))?,
                body: stmts(child(e, 1))?,
                orelse,
            },
        }];
    }
    Ok(StmtKind::If {
        test: expr(child(r, 0))?,
        body: stmts(child(r, 1))?,
        orelse,
    })
}

fn for_stmt(r: &RuleNode, is_async: bool) -> Result<StmtKind> {
    Ok(StmtKind::For {
        is_async,
        target: expr(child(r, 0))?,
        iter: expr(child(r, 1))?,
        body: stmts(child(r, 2))?,
        orelse: stmts(child(r, 3))?,
    })
}

fn try_stmt(r: &RuleNode) -> Result<StmtKind> {
    let body = stmts(child(r, 0))?;
    let rest = child(r, 1);
    let (handlers_node, else_node, finally_node) = match rest {
        Node::Rule(f) if f.rule == Rule::TryStmtFinally => (&Node::Null, &Node::Null, rest),
        Node::Rule(m) if m.rule == Rule::TryStmtExceptAndMore => {
            (child(m, 0), child(m, 1), child(m, 2))
        }
        handlers => (handlers, &Node::Null, &Node::Null),
    };
    let handlers = handlers_node
        .list_items(Rule::TryStmtExceptList)
        .iter()
        .map(except_handler)
        .collect::<Result<_>>()?;
    let finalbody = match finally_node.as_rule(Rule::TryStmtFinally) {
        Some(f) => stmts(child(f, 0))?,
        None => Vec::new(),
    };
    Ok(StmtKind::Try {
        body,
        handlers,
        orelse: stmts(else_node)?,
        finalbody,
    })
}

fn except_handler(node: &Node) -> Result<ExceptHandler> {
    let h = node
        .as_rule(Rule::TryStmtExcept)
        .ok_or_else(|| malformed(node_line(node)))?;
    let clause = child(h, 0);
    let (exc_type, name) = match clause.as_rule(Rule::TryStmtAsName) {
        Some(a) => (Some(expr(child(a, 0))?), Some(name_of(child(a, 1))?)),
        None => (opt_expr(clause)?, None),
    };
    Ok(ExceptHandler {
        line: h.line,
        exc_type,
        name,
        body: stmts(child(h, 1))?,
    })
}

fn with_stmt(r: &RuleNode, is_async: bool) -> Result<StmtKind> {
    let items = child(r, 0)
        .list_items(Rule::WithStmtList)
        .iter()
        .map(|item| {
            Ok(match item.as_rule(Rule::WithItem) {
                Some(w) => WithItem {
                    context: expr(child(w, 0))?,
                    target: Some(expr(child(w, 1))?),
                },
                None => WithItem {
                    context: expr(item)?,
                    target: None,
                },
            })
        })
        .collect::<Result<_>>()?;
    Ok(StmtKind::With {
        is_async,
        items,
        body: stmts(child(r, 1))?,
    })
}

fn funcdef(r: &RuleNode, decorators: Vec<Decorator>, is_async: bool) -> Result<FunctionDef> {
    let name = name_of(child(r, 0))?;
    Ok(FunctionDef {
        line: r.line,
        name: name.clone(),
        is_async,
        decorators,
        args: parameters(child(r, 1), ParamRules::TYPED, r.line)?,
        returns: opt_expr(child(r, 2))?,
        body: stmts(child(r, 3)).map_err(|e| leaving_scope(at_scope_line(e, r.line), &name))?,
    })
}

fn classdef(r: &RuleNode, decorators: Vec<Decorator>) -> Result<ClassDef> {
    let header = child(r, 1);
    let args = if header.is_rule(Rule::Classdef2) {
        Vec::new()
    } else {
        arguments(header)?
    };
    let name = name_of(child(r, 0))?;
    Ok(ClassDef {
        line: r.line,
        name: name.clone(),
        decorators,
        args,
        body: stmts(child(r, 2)).map_err(|e| leaving_scope(at_scope_line(e, r.line), &name))?,
    })
}

fn decorated(r: &RuleNode) -> Result<StmtKind> {
    let decorators = child(r, 0)
        .list_items(Rule::Decorators)
        .iter()
        .map(decorator)
        .collect::<Result<Vec<_>>>()?;
    match child(r, 1) {
        Node::Rule(f) if f.rule == Rule::Funcdef => {
            Ok(StmtKind::FunctionDef(funcdef(f, decorators, false)?.into()))
        }
        Node::Rule(c) if c.rule == Rule::Classdef => {
            Ok(StmtKind::ClassDef(classdef(c, decorators)?.into()))
        }
        Node::Rule(a) if a.rule == Rule::AsyncFuncdef => {
            let f = child(a, 0)
                .as_rule(Rule::Funcdef)
                .ok_or_else(|| malformed(a.line))?;
            Ok(StmtKind::FunctionDef(funcdef(f, decorators, true)?.into()))
        }
        other => Err(malformed(node_line(other))),
    }
}

fn decorator(node: &Node) -> Result<Decorator> {
    let d = node
        .as_rule(Rule::Decorator)
        .ok_or_else(|| malformed(node_line(node)))?;
    let line = d.line;
    let mut parts = child(d, 0).list_items(Rule::DottedName).iter();
    let first = parts.next().ok_or_else(|| malformed(line))?;
    let mut value = Expr {
        line,
        kind: ExprKind::Name(name_of(first)?),
    };
    for part in parts {
        value = Expr {
            line,
            kind: ExprKind::Attribute {
                value: Box::new(value),
                attr: name_of(part)?,
            },
        };
    }
    if let Some(call) = child(d, 1).as_rule(Rule::TrailerParen) {
        value = Expr {
            line,
            kind: ExprKind::Call {
                func: Box::new(value),
                args: arguments(child(call, 0))?,
            },
        };
    }
    Ok(Decorator { line, expr: value })
}

fn async_stmt(node: &Node) -> Result<StmtKind> {
    match node {
        Node::Rule(f) if f.rule == Rule::Funcdef => {
            Ok(StmtKind::FunctionDef(funcdef(f, Vec::new(), true)?.into()))
        }
        Node::Rule(w) if w.rule == Rule::WithStmt => with_stmt(w, true),
        Node::Rule(f) if f.rule == Rule::ForStmt => for_stmt(f, true),
        other => Err(malformed(node_line(other))),
    }
}

/// The rule names of a parameter list: `def` (with annotations) or `lambda`.
struct ParamRules {
    list: Rule,
    name: Rule,
    star: Rule,
    dbl_star: Rule,
}

impl ParamRules {
    const TYPED: ParamRules = ParamRules {
        list: Rule::Typedargslist,
        name: Rule::TypedargslistName,
        star: Rule::TypedargslistStar,
        dbl_star: Rule::TypedargslistDblStar,
    };
    const LAMBDA: ParamRules = ParamRules {
        list: Rule::Varargslist,
        name: Rule::VarargslistName,
        star: Rule::VarargslistStar,
        dbl_star: Rule::VarargslistDblStar,
    };
}

/// A parameter list, with the order checks MicroPython's compiler makes (`**kw` last, one
/// `*`, no parameter without default after one with a default before the `*`).
fn parameters(node: &Node, rules: ParamRules, def_line: u32) -> Result<Arguments> {
    let mut args = Arguments::default();
    let mut have_star = false;
    for item in node.list_items(rules.list) {
        if args.kwarg.is_some() {
            return Err(CompileError::syntax(
                "invalid syntax",
                error_line(item, def_line),
            ));
        }
        let (name_node, annotation, default) = match item {
            Node::Id { .. } => (item, &Node::Null, &Node::Null),
            Node::Rule(p) if p.rule == rules.name => {
                if rules.list == Rule::Typedargslist {
                    (child(p, 0), child(p, 1), child(p, 2))
                } else {
                    (child(p, 0), &Node::Null, child(p, 1))
                }
            }
            Node::Rule(p) if p.rule == rules.star => {
                if have_star {
                    return Err(CompileError::syntax("invalid syntax", p.line));
                }
                have_star = true;
                match child(p, 0) {
                    Node::Null => args.bare_star = true,
                    Node::Rule(t) if t.rule == Rule::Tfpdef => {
                        args.vararg = Some(arg(child(t, 0), child(t, 1))?);
                    }
                    name => args.vararg = Some(arg(name, &Node::Null)?),
                }
                continue;
            }
            Node::Rule(p) if p.rule == rules.dbl_star => {
                args.kwarg = Some(arg(child(p, 0), child(p, 1))?);
                continue;
            }
            other => return Err(malformed(node_line(other))),
        };
        let param = arg(name_node, annotation)?;
        let default = opt_expr(default)?;
        if have_star {
            args.kwonlyargs.push((param, default));
        } else {
            match default {
                Some(d) => args.defaults.push(d),
                None if !args.defaults.is_empty() => {
                    let message = "non-default argument follows default argument";
                    let line = match item {
                        Node::Rule(p) => p.line,
                        _ => 0,
                    };
                    return Err(CompileError::compiler_syntax(message, line));
                }
                None => {}
            }
            args.args.push(param);
        }
    }
    Ok(args)
}

fn arg(name: &Node, annotation: &Node) -> Result<Arg> {
    Ok(Arg {
        line: node_line(name),
        name: name_of(name)?,
        annotation: opt_expr(annotation)?,
    })
}

// ---------------------------------------------------------------------------------------
// Expressions

fn expr(node: &Node) -> Result<Expr> {
    // Kept minimal: nested expressions recurse through this function.
    match node {
        Node::Rule(r) => rule_expr(r),
        leaf => leaf_expr(leaf),
    }
}

fn leaf_expr(node: &Node) -> Result<Expr> {
    let (line, kind) = match node {
        Node::Id { name, line } => (*line, ExprKind::Name(name.clone())),
        Node::Const { value, line } => (*line, ExprKind::Const(value.clone())),
        Node::Tok { tok, line } => {
            let value = match tok {
                Tok::None => Constant::None,
                Tok::True => Constant::True,
                Tok::False => Constant::False,
                Tok::Ellipsis => Constant::Ellipsis,
                _ => return Err(malformed(*line)),
            };
            (*line, ExprKind::Const(value))
        }
        Node::Rule(r) => return rule_expr(r),
        Node::Null => return Err(malformed(0)),
    };
    Ok(Expr { line, kind })
}

fn boxed(node: &Node) -> Result<Box<Expr>> {
    expr(node).map(Box::new)
}

fn exprs(nodes: &[Node]) -> Result<Vec<Expr>> {
    nodes.iter().map(expr).collect()
}

/// An expression from a rule node. Nested expressions recurse through here, so it only
/// picks the builder for the form and keeps a small stack frame.
fn rule_expr(r: &RuleNode) -> Result<Expr> {
    let build: fn(&RuleNode) -> Result<ExprKind> = match r.rule {
        Rule::Expr | Rule::XorExpr | Rule::AndExpr => return bitwise_chain(r),
        Rule::ShiftExpr | Rule::ArithExpr | Rule::Term => return operator_chain(r),
        Rule::AtomExprNormal => return trailers(child(r, 0), child(r, 1)),
        Rule::Subscript2 | Rule::Subscript3 => return slice(r),
        Rule::NamedexprTest => named_expr,
        Rule::TestIfExpr => if_expr,
        Rule::Lambdef | Rule::LambdefNocond => lambda,
        Rule::OrTest | Rule::AndTest => bool_op,
        Rule::NotTest2 => not_expr,
        Rule::Comparison => comparison,
        Rule::StarExpr => starred,
        Rule::Factor2 => unary,
        Rule::Power => power,
        Rule::AtomExprAwait => await_expr,
        Rule::AtomParen => paren_display,
        Rule::AtomBracket => bracket_display,
        Rule::AtomBrace => |r| brace_display(child(r, 0)),
        Rule::TestlistStarExpr | Rule::Testlist | Rule::Exprlist | Rule::TestlistComp => {
            |r| Ok(ExprKind::Tuple(exprs(&r.children)?))
        }
        Rule::Subscriptlist => subscript_tuple,
        Rule::YieldExpr => yield_expr,
        _ => return Err(malformed(r.line)),
    };
    Ok(Expr {
        line: r.line,
        kind: build(r)?,
    })
}

fn starred(r: &RuleNode) -> Result<ExprKind> {
    Ok(ExprKind::Starred(boxed(child(r, 0))?))
}

fn await_expr(r: &RuleNode) -> Result<ExprKind> {
    Ok(ExprKind::Await(Box::new(trailers(
        child(r, 0),
        child(r, 1),
    )?)))
}

fn subscript_tuple(r: &RuleNode) -> Result<ExprKind> {
    let items = r.children.iter().map(subscript).collect::<Result<_>>()?;
    Ok(ExprKind::Tuple(items))
}

fn named_expr(r: &RuleNode) -> Result<ExprKind> {
    let target = child(r, 0);
    let target = target
        .id()
        .cloned()
        .ok_or_else(|| assign_to_expression(target))?;
    Ok(ExprKind::NamedExpr {
        target,
        value: boxed(child(r, 1))?,
    })
}

fn if_expr(r: &RuleNode) -> Result<ExprKind> {
    let branches = child(r, 1)
        .as_rule(Rule::TestIfElse)
        .ok_or_else(|| malformed(r.line))?;
    Ok(ExprKind::IfExp {
        test: boxed(child(branches, 0))?,
        body: boxed(child(r, 0))?,
        orelse: boxed(child(branches, 1))?,
    })
}

/// `:=` to something other than a name.
fn assign_to_expression(target: &Node) -> CompileError {
    let line = match target {
        Node::Rule(t) => t.line,
        _ => 0,
    };
    CompileError::compiler_syntax("can't assign to expression", line)
}

fn lambda(r: &RuleNode) -> Result<ExprKind> {
    Ok(ExprKind::Lambda {
        args: Box::new(parameters(child(r, 0), ParamRules::LAMBDA, r.line)?),
        body: boxed(child(r, 1))
            .map_err(|e| leaving_scope(at_scope_line(e, r.line), "<lambda>"))?,
    })
}

fn bool_op(r: &RuleNode) -> Result<ExprKind> {
    let op = if r.rule == Rule::OrTest {
        BoolOp::Or
    } else {
        BoolOp::And
    };
    Ok(ExprKind::BoolOp {
        op,
        values: exprs(&r.children)?,
    })
}

fn not_expr(r: &RuleNode) -> Result<ExprKind> {
    Ok(ExprKind::UnaryOp {
        op: UnaryOp::Not,
        operand: boxed(child(r, 0))?,
    })
}

fn power(r: &RuleNode) -> Result<ExprKind> {
    Ok(ExprKind::BinOp {
        left: boxed(child(r, 0))?,
        op: BinOp::Pow,
        right: boxed(child(r, 1))?,
    })
}

/// `a | b | c` (and `^`, `&`): operands only, the operator is the rule's.
fn bitwise_chain(r: &RuleNode) -> Result<Expr> {
    let op = match r.rule {
        Rule::Expr => BinOp::Or,
        Rule::XorExpr => BinOp::Xor,
        _ => BinOp::And,
    };
    let (first, rest) = r.children.split_first().ok_or_else(|| malformed(r.line))?;
    rest.iter().try_fold(expr(first)?, |left, right| {
        Ok(binop(r.line, left, op, expr(right)?))
    })
}

/// `a + b - c` (and shifts, `* @ / % //`): operands alternate with operator tokens.
fn operator_chain(r: &RuleNode) -> Result<Expr> {
    let (first, rest) = r.children.split_first().ok_or_else(|| malformed(r.line))?;
    let mut acc = expr(first)?;
    for pair in rest.chunks(2) {
        let [Node::Tok { tok, .. }, right] = pair else {
            return Err(malformed(r.line));
        };
        let op = super::fold::binop_of(*tok).ok_or_else(|| malformed(r.line))?;
        acc = binop(r.line, acc, op, expr(right)?);
    }
    Ok(acc)
}

fn unary(r: &RuleNode) -> Result<ExprKind> {
    let op = match child(r, 0) {
        Node::Tok { tok: Tok::Plus, .. } => UnaryOp::Positive,
        Node::Tok {
            tok: Tok::Minus, ..
        } => UnaryOp::Negative,
        Node::Tok {
            tok: Tok::Tilde, ..
        } => UnaryOp::Invert,
        _ => return Err(malformed(r.line)),
    };
    Ok(ExprKind::UnaryOp {
        op,
        operand: boxed(child(r, 1))?,
    })
}

/// `()`, `(a, b)` and `(a for ...)`; a parenthesised single expression has no node.
fn paren_display(r: &RuleNode) -> Result<ExprKind> {
    Ok(match child(r, 0).as_rule(Rule::TestlistComp) {
        None => ExprKind::Tuple(Vec::new()),
        Some(items) => match comprehension_tail(items, "<genexpr>")? {
            Some((elt, generators)) => ExprKind::GeneratorExp { elt, generators },
            None => ExprKind::Tuple(exprs(&items.children)?),
        },
    })
}

fn bracket_display(r: &RuleNode) -> Result<ExprKind> {
    Ok(match child(r, 0) {
        Node::Null => ExprKind::List(Vec::new()),
        Node::Rule(items) if items.rule == Rule::TestlistComp => {
            match comprehension_tail(items, "<listcomp>")? {
                Some((elt, generators)) => ExprKind::ListComp { elt, generators },
                None => ExprKind::List(exprs(&items.children)?),
            }
        }
        item => ExprKind::List(vec![expr(item)?]),
    })
}

fn yield_expr(r: &RuleNode) -> Result<ExprKind> {
    Ok(match child(r, 0) {
        Node::Null => ExprKind::Yield(None),
        Node::Rule(f) if f.rule == Rule::YieldArgFrom => ExprKind::YieldFrom(boxed(child(f, 0))?),
        value => ExprKind::Yield(Some(boxed(value)?)),
    })
}

fn binop(line: u32, left: Expr, op: BinOp, right: Expr) -> Expr {
    Expr {
        line,
        kind: ExprKind::BinOp {
            left: Box::new(left),
            op,
            right: Box::new(right),
        },
    }
}

fn comparison(r: &RuleNode) -> Result<ExprKind> {
    let (first, rest) = r.children.split_first().ok_or_else(|| malformed(r.line))?;
    let mut ops = Vec::new();
    let mut comparators = Vec::new();
    for pair in rest.chunks(2) {
        let [op, right] = pair else {
            return Err(malformed(r.line));
        };
        ops.push(match op {
            Node::Tok { tok, .. } => match tok {
                Tok::Less => CmpOp::Lt,
                Tok::More => CmpOp::Gt,
                Tok::DblEqual => CmpOp::Eq,
                Tok::LessEqual => CmpOp::LtE,
                Tok::MoreEqual => CmpOp::GtE,
                Tok::NotEqual => CmpOp::NotEq,
                Tok::In => CmpOp::In,
                _ => return Err(malformed(r.line)),
            },
            Node::Rule(o) if o.rule == Rule::CompOpNotIn => CmpOp::NotIn,
            Node::Rule(o) if o.rule == Rule::CompOpIs => {
                if child(o, 0).is_null() {
                    CmpOp::Is
                } else {
                    CmpOp::IsNot
                }
            }
            _ => return Err(malformed(r.line)),
        });
        comparators.push(expr(right)?);
    }
    Ok(ExprKind::Compare {
        left: boxed(first)?,
        ops,
        comparators,
    })
}

/// Applies the trailers (`(...)`, `[...]`, `.name`) to `atom`; each gets its own line.
fn trailers(atom: &Node, trailer_list: &Node) -> Result<Expr> {
    let mut acc = expr(atom)?;
    for trailer in trailer_list.list_items(Rule::AtomExprTrailers) {
        let t = match trailer {
            Node::Rule(t) => t,
            other => return Err(malformed(node_line(other))),
        };
        let kind = match t.rule {
            Rule::TrailerParen => ExprKind::Call {
                func: Box::new(acc),
                args: arguments(child(t, 0))?,
            },
            Rule::TrailerBracket => ExprKind::Subscript {
                value: Box::new(acc),
                index: Box::new(subscript(child(t, 0))?),
            },
            Rule::TrailerPeriod => ExprKind::Attribute {
                value: Box::new(acc),
                attr: name_of(child(t, 0))?,
            },
            _ => return Err(malformed(t.line)),
        };
        acc = Expr { line: t.line, kind };
    }
    Ok(acc)
}

fn subscript(node: &Node) -> Result<Expr> {
    match node {
        Node::Rule(r) if matches!(r.rule, Rule::Subscript2 | Rule::Subscript3) => slice(r),
        other => expr(other),
    }
}

/// `lower:upper:step` from `subscript_2` (with a lower bound) or `subscript_3` (without).
fn slice(r: &RuleNode) -> Result<Expr> {
    let (lower, colon) = if r.rule == Rule::Subscript2 {
        let colon = child(r, 1)
            .as_rule(Rule::Subscript3)
            .ok_or_else(|| malformed(r.line))?;
        (Some(boxed(child(r, 0))?), colon)
    } else {
        (None, r)
    };
    let after = child(colon, 0);
    let (upper, step) = match after {
        Node::Null => (None, None),
        Node::Rule(c) if c.rule == Rule::Subscript3c => (None, opt_expr(child(c, 0))?),
        Node::Rule(d) if d.rule == Rule::Subscript3d => {
            let step = child(d, 1)
                .as_rule(Rule::Sliceop)
                .map(|s| opt_expr(child(s, 0)))
                .transpose()?
                .flatten();
            (Some(boxed(child(d, 0))?), step)
        }
        upper => (Some(boxed(upper)?), None),
    };
    Ok(Expr {
        line: r.line,
        kind: ExprKind::Slice {
            lower,
            upper,
            step: step.map(Box::new),
        },
    })
}

/// The arguments of a call or class header.
fn arguments(node: &Node) -> Result<Vec<Argument>> {
    node.list_items(Rule::Arglist)
        .iter()
        .map(|item| match item {
            Node::Rule(a) if a.rule == Rule::ArglistStar => Ok(Argument::Star(expr(child(a, 0))?)),
            Node::Rule(a) if a.rule == Rule::ArglistDblStar => {
                Ok(Argument::DoubleStar(expr(child(a, 0))?))
            }
            Node::Rule(a) if a.rule == Rule::Argument => argument(a),
            other => Ok(Argument::Positional(expr(other)?)),
        })
        .collect()
}

fn argument(a: &RuleNode) -> Result<Argument> {
    let first = child(a, 0);
    match child(a, 1) {
        Node::Rule(c) if c.rule == Rule::CompFor => Ok(Argument::Bare(Expr {
            line: a.line,
            kind: ExprKind::GeneratorExp {
                elt: boxed(first).map_err(|e| leaving_scope(e, "<genexpr>"))?,
                generators: generators(c, "<genexpr>")?,
            },
        })),
        Node::Rule(w) if w.rule == Rule::Argument3 => {
            let target = first
                .id()
                .cloned()
                .ok_or_else(|| assign_to_expression(first))?;
            Ok(Argument::Bare(Expr {
                line: a.line,
                kind: ExprKind::NamedExpr {
                    target,
                    value: boxed(child(w, 0))?,
                },
            }))
        }
        value => {
            let name = first
                .id()
                .cloned()
                .ok_or_else(|| CompileError::syntax("LHS of keyword arg must be an id", a.line))?;
            Ok(Argument::Keyword {
                name,
                value: expr(value)?,
            })
        }
    }
}

/// For a `testlist_comp` of the form `elt for ...`, the element and its generators; `scope`
/// names the comprehension's scope.
fn comprehension_tail(
    items: &RuleNode,
    scope: &str,
) -> Result<Option<(Box<Expr>, Vec<Comprehension>)>> {
    match (items.children.as_slice(), items.children.get(1)) {
        ([first, _], Some(Node::Rule(c))) if c.rule == Rule::CompFor => {
            let elt = boxed(first).map_err(|e| leaving_scope(e, scope))?;
            Ok(Some((elt, generators(c, scope)?)))
        }
        _ => Ok(None),
    }
}

/// The `for ... in ... if ...` clauses starting at a `comp_for` node, in the comprehension
/// scope named `scope`, except the first iterable: the enclosing scope evaluates that one.
fn generators(first: &RuleNode, scope: &str) -> Result<Vec<Comprehension>> {
    let mut out: Vec<Comprehension> = Vec::new();
    let mut next = Some(first);
    let inside = |node: &Node| expr(node).map_err(|e| leaving_scope(e, scope));
    while let Some(clause) = next {
        match clause.rule {
            Rule::CompFor => {
                let target = inside(child(clause, 0))?;
                let iter = if out.is_empty() {
                    expr(child(clause, 1))?
                } else {
                    inside(child(clause, 1))?
                };
                out.push(Comprehension {
                    target,
                    iter,
                    ifs: Vec::new(),
                });
                next = rule_of(child(clause, 2));
            }
            Rule::CompIf => {
                let cond = inside(child(clause, 0))?;
                out.last_mut()
                    .ok_or_else(|| malformed(clause.line))?
                    .ifs
                    .push(cond);
                next = rule_of(child(clause, 1));
            }
            _ => return Err(malformed(clause.line)),
        }
    }
    Ok(out)
}

fn rule_of(node: &Node) -> Option<&RuleNode> {
    match node {
        Node::Rule(r) => Some(r),
        _ => None,
    }
}

/// `{}` displays: dict, set and their comprehensions. The first item decides between dict
/// and set, and the others must agree, as MicroPython's compiler checks.
fn brace_display(node: &Node) -> Result<ExprKind> {
    let (first, rest, maker_line) = match node {
        Node::Null => return Ok(ExprKind::Dict(Vec::new())),
        Node::Rule(m) if m.rule == Rule::Dictorsetmaker => {
            let first = child(m, 0);
            match child(m, 1) {
                Node::Rule(c) if c.rule == Rule::CompFor => {
                    let item = first.as_rule(Rule::DictorsetmakerItem);
                    let scope = if item.is_some() {
                        "<dictcomp>"
                    } else {
                        "<setcomp>"
                    };
                    let inside = |node: &Node| boxed(node).map_err(|e| leaving_scope(e, scope));
                    return Ok(match item {
                        Some(item) => ExprKind::DictComp {
                            key: inside(child(item, 0))?,
                            value: inside(child(item, 1))?,
                            generators: generators(c, scope)?,
                        },
                        None => ExprKind::SetComp {
                            elt: inside(first)?,
                            generators: generators(c, scope)?,
                        },
                    });
                }
                Node::Rule(l) if l.rule == Rule::DictorsetmakerList => (
                    first,
                    child(l, 0).list_items(Rule::DictorsetmakerList2),
                    m.line,
                ),
                other => return Err(malformed(node_line(other))),
            }
        }
        single => (single, &[][..], node_line(single)),
    };
    if first.is_rule(Rule::DictorsetmakerItem) {
        let mut pairs = Vec::with_capacity(rest.len() + 1);
        for item in std::iter::once(first).chain(rest) {
            let kv = item
                .as_rule(Rule::DictorsetmakerItem)
                .ok_or_else(|| CompileError::syntax("expecting key:value for dict", maker_line))?;
            pairs.push((expr(child(kv, 0))?, expr(child(kv, 1))?));
        }
        Ok(ExprKind::Dict(pairs))
    } else {
        let mut items = Vec::with_capacity(rest.len() + 1);
        for item in std::iter::once(first).chain(rest) {
            if item.is_rule(Rule::DictorsetmakerItem) {
                return Err(CompileError::syntax(
                    "expecting just a value for set",
                    maker_line,
                ));
            }
            items.push(expr(item)?);
        }
        Ok(ExprKind::Set(items))
    }
}
