//! The matching engine: MicroPython's table-driven parser (`mp_parse`), with an explicit rule
//! stack and result stack instead of recursion, and the node rewrites `push_result_rule` does.
//!
//! Matching a rule pushes a frame `(rule, next argument, line)`; a child rule that fails sets
//! `backtrack`, and the parent either tries its next alternative, records an absent optional
//! part, or reports a syntax error if it has already consumed tokens. Tokens are never
//! un-consumed, so the error token is the one MicroPython stops at.

use super::fold::{self, Num};
use super::grammar::{definition, Act, Arg, Rule, Tok};
use super::node::Node;
use super::number;
use super::qstr::QstrPool;
use super::{InputMode, ParseOptions};
use crate::ast::{BinOp, Constant, Name, UnaryOp};
use crate::error::{CompileError, ErrorKind};
use crate::token::{Token, TokenKind};
use num_bigint::BigInt;
use std::collections::HashMap;
use std::rc::Rc;

/// Deepest parse tree accepted. MicroPython's limit is its heap (mpy-cross raises
/// `MemoryError` somewhere between 4500 and 5000 nested brackets); this lower bound keeps the
/// recursive passes after parsing (lowering, compiling, dropping) inside a 2 MiB thread stack
/// even in debug builds.
pub(super) const MAX_TREE_DEPTH: usize = 400;

/// Most rule frames in flight; a generous multiple of what [`MAX_TREE_DEPTH`] needs.
const MAX_RULE_STACK: usize = 64 * MAX_TREE_DEPTH;

struct Frame {
    rule: Rule,
    next_arg: usize,
    line: u32,
}

pub(super) struct Engine<'t> {
    tokens: &'t [Token],
    pos: usize,
    /// The lexer's error after the last token, raised if the parser reaches that point.
    lex_error: Option<CompileError>,
    mode: InputMode,
    opts: ParseOptions,
    rules: Vec<Frame>,
    results: Vec<Node>,
    /// Names bound by `name = const(value)` so far (`MICROPY_COMP_CONST`).
    consts: HashMap<Name, Constant>,
    qstrs: QstrPool,
}

impl<'t> Engine<'t> {
    pub(super) fn new(
        tokens: &'t [Token],
        lex_error: Option<CompileError>,
        mode: InputMode,
        opts: &ParseOptions,
    ) -> Self {
        Engine {
            tokens,
            pos: 0,
            lex_error,
            mode,
            opts: opts.clone(),
            rules: Vec::new(),
            results: Vec::new(),
            consts: HashMap::new(),
            qstrs: QstrPool::with_known(&opts.known_qstrs),
        }
    }

    fn token(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    /// The current token as the grammar sees it. Past the last token the input has ended,
    /// unless the lexer failed there: then nothing matches and the lexer's error is raised.
    fn tok(&self) -> Tok {
        match self.token() {
            Some(t) => Tok::of(&t.kind, self.opts.opt_level == 0),
            None if self.lex_error.is_some() => Tok::LexError,
            None => Tok::End,
        }
    }

    fn tok_line(&self) -> u32 {
        self.token().or(self.tokens.last()).map_or(1, |t| t.line)
    }

    fn advance(&mut self) {
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
    }

    fn push_frame(&mut self, rule: Rule, next_arg: usize, line: u32) -> Result<(), CompileError> {
        if self.rules.len() >= MAX_RULE_STACK {
            return Err(too_deep());
        }
        self.rules.push(Frame {
            rule,
            next_arg,
            line,
        });
        Ok(())
    }

    fn push_child(&mut self, rule: Rule) -> Result<(), CompileError> {
        let line = self.tok_line();
        self.push_frame(rule, 0, line)
    }

    fn syntax_error(&self) -> CompileError {
        if let (None, Some(error)) = (self.token(), &self.lex_error) {
            return error.clone();
        }
        let line = self.tok_line();
        match self.token().map(|t| &t.kind) {
            Some(TokenKind::Indent) => {
                CompileError::new(ErrorKind::IndentationError, "unexpected indent", line)
            }
            _ => CompileError::syntax("invalid syntax", line),
        }
    }

    fn pop(&mut self) -> Node {
        self.results.pop().unwrap_or(Node::Null)
    }

    fn peek(&self, depth: usize) -> &Node {
        self.results
            .len()
            .checked_sub(depth + 1)
            .and_then(|i| self.results.get(i))
            .unwrap_or(&Node::Null)
    }

    fn peek_rule(&self, depth: usize) -> Option<Rule> {
        let i = self.rules.len().checked_sub(depth + 1)?;
        self.rules.get(i).map(|f| f.rule)
    }

    /// Runs the parse and returns the root node.
    pub(super) fn run(mut self) -> Result<Node, CompileError> {
        let top = match self.mode {
            InputMode::File => Rule::FileInput,
            InputMode::Single => Rule::SingleInput,
            InputMode::Eval => Rule::EvalInput,
        };
        self.push_child(top)?;
        let mut backtrack = false;
        while let Some(frame) = self.rules.pop() {
            let (act, args) = definition(frame.rule);
            backtrack = match act {
                Act::Or => self.step_or(frame, args, backtrack)?,
                Act::And | Act::AndIdent | Act::AndBlank => {
                    self.step_and(frame, act, args, backtrack)?
                }
                Act::OneOrMore | Act::List | Act::ListWithEnd => {
                    self.step_list(frame, act, args, backtrack)?
                }
            };
        }
        if self.tok() != Tok::End || self.results.is_empty() {
            return Err(self.syntax_error());
        }
        Ok(self.pop())
    }

    /// One step of an alternative rule; returns the new backtrack state.
    fn step_or(
        &mut self,
        frame: Frame,
        args: &[Arg],
        backtrack: bool,
    ) -> Result<bool, CompileError> {
        if frame.next_arg > 0 && !backtrack {
            // The alternative tried last matched.
            return Ok(false);
        }
        for (i, arg) in args.iter().enumerate().skip(frame.next_arg) {
            match *arg {
                Arg::Tok(t) => {
                    if self.tok() == t {
                        self.push_token(frame.rule)?;
                        self.advance();
                        return Ok(false);
                    }
                }
                Arg::Rule(r) | Arg::Opt(r) => {
                    if i + 1 < args.len() {
                        self.push_frame(frame.rule, i + 1, frame.line)?;
                    }
                    self.push_child(r)?;
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// One step of a sequence rule; returns the new backtrack state.
    fn step_and(
        &mut self,
        frame: Frame,
        act: Act,
        args: &[Arg],
        backtrack: bool,
    ) -> Result<bool, CompileError> {
        let mut i = frame.next_arg;
        if backtrack {
            match i.checked_sub(1).and_then(|p| args.get(p)) {
                Some(Arg::Opt(_)) => self.results.push(Node::Null),
                // A mandatory part failed: an error once tokens are consumed, else fail too.
                _ if i > 1 => return Err(self.syntax_error()),
                _ => return Ok(true),
            }
        }
        while let Some(&arg) = args.get(i) {
            match arg {
                Arg::Tok(t) => {
                    if self.tok() != t {
                        return if i > 0 {
                            Err(self.syntax_error())
                        } else {
                            Ok(true)
                        };
                    }
                    if t == Tok::Name {
                        self.push_token(frame.rule)?;
                    }
                    self.advance();
                }
                Arg::Rule(r) | Arg::Opt(r) => {
                    self.push_frame(frame.rule, i + 1, frame.line)?;
                    self.push_child(r)?;
                    return Ok(false);
                }
            }
            i += 1;
        }

        if self.mode != InputMode::Single
            && frame.rule == Rule::ExprStmt
            && self.peek(0).is_null()
            && matches!(self.peek(1), Node::Const { .. } | Node::Tok { .. })
        {
            // A statement that is only a constant (such as a docstring) becomes `pass`.
            self.pop();
            self.pop();
            self.push_rule_node(frame.line, Rule::PassStmt, 0)?;
            return Ok(false);
        }

        // Count the nodes this rule left: names among its tokens, and every rule argument.
        let mut count = 0;
        let mut present = 0;
        for arg in args.iter().rev() {
            match arg {
                Arg::Tok(Tok::Name) => {
                    count += 1;
                    present += 1;
                }
                Arg::Tok(_) => {}
                Arg::Rule(_) | Arg::Opt(_) => {
                    if !self.peek(count).is_null() {
                        present += 1;
                    }
                    count += 1;
                }
            }
        }
        if present == 1 && act == Act::AndIdent {
            // Collapse to the only node present.
            let kept =
                (0..count)
                    .map(|_| self.pop())
                    .fold(Node::Null, |kept, n| if n.is_null() { kept } else { n });
            self.results.push(kept);
        } else {
            if act == Act::AndBlank {
                self.results.push(Node::Null);
                count += 1;
            }
            self.push_rule_node(frame.line, frame.rule, count)?;
        }
        Ok(false)
    }

    /// One step of a list rule; returns the new backtrack state.
    fn step_list(
        &mut self,
        frame: Frame,
        act: Act,
        args: &[Arg],
        mut backtrack: bool,
    ) -> Result<bool, CompileError> {
        let has_separator = act != Act::OneOrMore;
        let mut i = frame.next_arg;
        if !backtrack {
            loop {
                let at_separator = has_separator && i % 2 == 1;
                let arg = if at_separator {
                    args.get(1)
                } else {
                    args.first()
                };
                match arg.copied() {
                    Some(Arg::Tok(t)) => {
                        i += 1;
                        if self.tok() != t {
                            backtrack = true;
                            break;
                        }
                        if !at_separator {
                            self.push_token(frame.rule)?;
                        }
                        self.advance();
                    }
                    Some(Arg::Rule(r) | Arg::Opt(r)) => {
                        self.push_frame(frame.rule, i + 1, frame.line)?;
                        self.push_child(r)?;
                        return Ok(false);
                    }
                    None => return Err(self.syntax_error()),
                }
            }
        }
        debug_assert!(backtrack);
        // The element at position i - 1 failed to match.
        let mut trailing_separator = false;
        if i <= 1 {
            // Not even one item: the list fails.
            return Ok(true);
        }
        if has_separator && i % 2 == 1 {
            // An item after a separator failed: tokens are consumed.
            if act == Act::ListWithEnd {
                trailing_separator = true;
            } else {
                return Err(self.syntax_error());
            }
        }
        let mut items = i - 1;
        if has_separator && matches!(args.get(1), Some(Arg::Tok(_))) {
            // Separator tokens leave no nodes.
            items = i / 2;
        }
        if items != 1 || trailing_separator {
            self.push_rule_node(frame.line, frame.rule, items)?;
        }
        Ok(false)
    }

    /// Pushes the node for the token just matched in `rule` (MicroPython's `push_result_token`).
    fn push_token(&mut self, rule: Rule) -> Result<(), CompileError> {
        let line = self.tok_line();
        let tokens: &'t [Token] = self.tokens;
        let Some(token) = tokens.get(self.pos) else {
            return Err(self.syntax_error());
        };
        let node = match &token.kind {
            TokenKind::Name(name) => {
                self.qstrs.add(name);
                let constant = if rule == Rule::Atom {
                    self.consts.get(name.as_str()).cloned()
                } else {
                    None
                };
                match constant {
                    Some(value) => Node::Const {
                        value: substituted(value),
                        line,
                    },
                    None => Node::Id {
                        name: Rc::from(name.as_str()),
                        line,
                    },
                }
            }
            TokenKind::Integer(text) => {
                let value = number::parse_integer(text)
                    .map_err(|message| CompileError::syntax(message, line))?;
                Node::Const {
                    value: Constant::Int(value),
                    line,
                }
            }
            TokenKind::FloatOrImag(text) => {
                let (value, imag) = number::parse_float(text)
                    .map_err(|message| CompileError::syntax(message, line))?;
                let value = if imag {
                    Constant::Imag(value)
                } else {
                    Constant::Float(value)
                };
                Node::Const { value, line }
            }
            TokenKind::Str(text) => {
                let text = text.clone();
                let interned = self.qstrs.intern_literal(&text);
                Node::Const {
                    value: Constant::Str {
                        value: Rc::from(text),
                        interned,
                    },
                    line,
                }
            }
            TokenKind::Bytes(bytes) => Node::Const {
                value: Constant::Bytes(Rc::from(bytes.as_slice())),
                line,
            },
            _ => Node::Tok {
                tok: self.tok(),
                line,
            },
        };
        self.results.push(node);
        Ok(())
    }

    /// Builds the node for a matched rule from its `num_args` results, applying MicroPython's
    /// simplifications and folding first (`push_result_rule`).
    fn push_rule_node(
        &mut self,
        line: u32,
        rule: Rule,
        mut num_args: usize,
    ) -> Result<(), CompileError> {
        match rule {
            Rule::AtomParen => {
                let inner = self.peek(0);
                if !(inner.is_null() || inner.is_rule(Rule::TestlistComp)) {
                    // Parentheses around one expression are just that expression.
                    return Ok(());
                }
            }
            Rule::TestlistComp => match self.peek(0) {
                Node::Rule(r) if r.rule == Rule::TestlistComp3b => {
                    // `(a,)`: a tuple of one item.
                    self.pop();
                    num_args -= 1;
                }
                Node::Rule(r) if r.rule == Rule::TestlistComp3c => {
                    // `(a, b, c)`: the list node already holds every item (see below).
                    let Node::Rule(mut list) = self.pop() else {
                        return Err(self.syntax_error());
                    };
                    self.pop();
                    list.rule = Rule::TestlistComp;
                    self.results.push(Node::Rule(list));
                    return Ok(());
                }
                _ => {}
            },
            // The rest of a tuple display takes its first item from the enclosing rule.
            Rule::TestlistComp3c => num_args += 1,
            _ => {}
        }

        if self.fold_logical(line, rule, &mut num_args)
            || self.fold_constants(line, rule, num_args)?
        {
            return Ok(());
        }
        if self.build_const_tuple(line, rule, num_args) {
            return Ok(());
        }

        let split = self.results.len().saturating_sub(num_args);
        let children = self.results.split_off(split);
        if children.iter().map(Node::depth).max().unwrap_or(0) >= MAX_TREE_DEPTH {
            return Err(too_deep());
        }
        let node = Node::rule(rule, line, children);
        if rule == Rule::TestlistComp3c {
            // Stands in for the first item taken from `testlist_comp`, which drops it again.
            self.results.push(Node::Tok {
                tok: Tok::Comma,
                line,
            });
        }
        self.results.push(node);
        Ok(())
    }

    /// Folds `or`/`and` chains with constant operands and `not constant`.
    fn fold_logical(&mut self, line: u32, rule: Rule, num_args: &mut usize) -> bool {
        match rule {
            Rule::OrTest | Rule::AndTest => {
                // `or` stops at a true constant and skips false ones; `and` the reverse.
                let stop_at = rule == Rule::OrTest;
                let split = self.results.len().saturating_sub(*num_args);
                let operands = self.results.split_off(split);
                let last = operands.len().saturating_sub(1);
                let mut kept = Vec::with_capacity(operands.len());
                for (i, operand) in operands.into_iter().enumerate() {
                    let truth = fold::const_truth(&operand);
                    if i == last || truth == Some(stop_at) {
                        kept.push(operand);
                        break;
                    }
                    if truth.is_none() {
                        kept.push(operand);
                    }
                }
                *num_args = kept.len();
                self.results.extend(kept);
                *num_args == 1
            }
            Rule::NotTest2 => {
                let Some(truth) = fold::const_truth(self.peek(0)) else {
                    return false;
                };
                self.pop();
                let tok = if truth { Tok::False } else { Tok::True };
                self.results.push(Node::Tok { tok, line });
                true
            }
            _ => false,
        }
    }

    /// Folds arithmetic on numbers, `name = const(value)` and module constants; returns
    /// whether the rule's node was replaced.
    fn fold_constants(
        &mut self,
        line: u32,
        rule: Rule,
        num_args: usize,
    ) -> Result<bool, CompileError> {
        let operands: Vec<&Node> = self.results[self.results.len().saturating_sub(num_args)..]
            .iter()
            .collect();
        let value = match rule {
            Rule::Expr | Rule::XorExpr | Rule::AndExpr | Rule::Power => {
                let op = match rule {
                    Rule::Expr => BinOp::Or,
                    Rule::XorExpr => BinOp::Xor,
                    Rule::AndExpr => BinOp::And,
                    _ => BinOp::Pow,
                };
                fold_chain(operands.iter().map(|n| Num::of(n)), |_| Some(op))
            }
            Rule::ShiftExpr | Rule::ArithExpr | Rule::Term => {
                let Some((first, rest)) = operands.split_first() else {
                    return Ok(false);
                };
                let mut acc = Num::of(first);
                for pair in rest.chunks(2) {
                    let (Some(acc_value), [Node::Tok { tok, .. }, operand]) = (&acc, pair) else {
                        return Ok(false);
                    };
                    acc = match (fold::binop_of(*tok), Num::of(operand)) {
                        (Some(op), Some(rhs)) => fold::binary(op, acc_value, &rhs),
                        _ => None,
                    };
                }
                acc
            }
            Rule::Factor2 => match operands.as_slice() {
                [Node::Tok { tok, .. }, operand] => {
                    let op = match tok {
                        Tok::Plus => UnaryOp::Positive,
                        Tok::Minus => UnaryOp::Negative,
                        _ => UnaryOp::Invert,
                    };
                    Num::of(operand).and_then(|n| fold::unary(op, &n))
                }
                _ => None,
            },
            Rule::ExprStmt => return self.fold_const_definition(),
            Rule::AtomExprNormal => match operands.as_slice() {
                [Node::Id { name, .. }, Node::Rule(trailer)]
                    if trailer.rule == Rule::TrailerPeriod =>
                {
                    let attr = trailer.children.first().and_then(Node::id);
                    attr.and_then(|a| fold::module_constant(name, a))
                        .map(Num::Float)
                }
                _ => None,
            },
            _ => None,
        };
        let Some(value) = value else {
            return Ok(false);
        };
        for _ in 0..num_args {
            self.pop();
        }
        let node = self.folded(value.into_constant(), line);
        self.results.push(node);
        Ok(true)
    }

    /// A folded constant. MicroPython gives it no line unless it stays a leaf (a small int);
    /// leaves carry the line of their first token here.
    fn folded(&self, value: Constant, rule_line: u32) -> Node {
        let line = match &value {
            Constant::Int(i) if fits_small_int(i, self.opts.small_int_bits) => rule_line,
            _ => 0,
        };
        Node::Const { value, line }
    }

    /// `name = const(value)` (or `name: type = const(value)`): records the constant for
    /// later uses of `name`, and assigns the plain value, or nothing for a `_private` name.
    fn fold_const_definition(&mut self) -> Result<bool, CompileError> {
        let rhs = self.peek(0);
        if rhs.is_null()
            || rhs.is_rule(Rule::ExprStmtAugassign)
            || rhs.is_rule(Rule::ExprStmtAssignList)
        {
            return Ok(false);
        }
        let Some(name) = self.peek(1).id().cloned() else {
            return Ok(false);
        };
        let value_node = match rhs.as_rule(Rule::Annassign) {
            Some(ann) => ann.children.get(1).unwrap_or(&Node::Null),
            None => rhs,
        };
        let Some(call) = value_node.as_rule(Rule::AtomExprNormal) else {
            return Ok(false);
        };
        let (Some(callee), Some(Node::Rule(paren))) = (call.children.first(), call.children.get(1))
        else {
            return Ok(false);
        };
        if callee.id().map(|n| &**n) != Some("const") || paren.rule != Rule::TrailerParen {
            return Ok(false);
        }
        let argument = paren.children.first().cloned().unwrap_or(Node::Null);
        let Some(value) = fold::to_constant(&argument) else {
            return Err(CompileError::syntax("not a constant", call.line));
        };
        self.consts.insert(name.clone(), value);
        self.pop();
        if name.starts_with('_') {
            self.pop();
            self.push_rule_node(0, Rule::PassStmt, 0)?;
            return Ok(true);
        }
        self.results.push(argument);
        Ok(false)
    }

    /// Turns a tuple display whose items are all constants into one constant
    /// (`MICROPY_COMP_CONST_TUPLE`).
    fn build_const_tuple(&mut self, line: u32, rule: Rule, num_args: usize) -> bool {
        let in_parens = match rule {
            Rule::TestlistComp => self.peek_rule(0) == Some(Rule::AtomParen),
            Rule::TestlistComp3c => self.peek_rule(2) == Some(Rule::AtomParen),
            Rule::TestlistStarExpr | Rule::Testlist | Rule::Subscriptlist => true,
            _ => false,
        };
        if !in_parens || num_args > self.results.len() {
            return false;
        }
        let split = self.results.len() - num_args;
        let Some(items) = self.results[split..]
            .iter()
            .map(fold::to_constant)
            .collect::<Option<Vec<_>>>()
        else {
            return false;
        };
        self.results.truncate(split);
        self.results.push(Node::Const {
            value: Constant::Tuple(items),
            line,
        });
        if rule == Rule::TestlistComp3c {
            // The tuple replaces the whole `testlist_comp`, whose frames are now done.
            let keep = self.rules.len().saturating_sub(2);
            self.rules.truncate(keep);
        }
        true
    }
}

/// How a `const()` value appears where its name is used: MicroPython's parser makes it a
/// constant object unless it is a small int, so a string is no longer a qstr and `None`,
/// `True` and `False` load as objects.
fn substituted(value: Constant) -> Constant {
    match value {
        Constant::Str { value, .. } => Constant::Str {
            value,
            interned: false,
        },
        Constant::None | Constant::True | Constant::False => Constant::Object(Box::new(value)),
        other => other,
    }
}

/// Folds `operands[0] op operands[1] op ...` left to right; `None` if any is not a number or
/// any step would raise.
fn fold_chain(
    mut operands: impl Iterator<Item = Option<Num>>,
    op_at: impl Fn(usize) -> Option<BinOp>,
) -> Option<Num> {
    let mut acc = operands.next()??;
    for (i, operand) in operands.enumerate() {
        acc = fold::binary(op_at(i)?, &acc, &operand?)?;
    }
    Some(acc)
}

/// Whether `value` fits the target's small int of `bits` bits.
pub(super) fn fits_small_int(value: &BigInt, bits: u8) -> bool {
    let limit = BigInt::from(1) << u32::from(bits.saturating_sub(1));
    value >= &-&limit && value < &limit
}

fn too_deep() -> CompileError {
    CompileError::new(ErrorKind::MemoryError, "memory allocation failed", 0)
}
