//! The intermediate parse tree, shaped as MicroPython's parse nodes so that the rewrites of
//! `py/parse.c` (which inspect and replace nodes while they are built) apply unchanged.

use super::grammar::{Rule, Tok};
use crate::ast::{Constant, Name};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    /// An absent optional part.
    Null,
    /// A name (MicroPython's `MP_PARSE_NODE_ID` leaf).
    Id { name: Name, line: u32 },
    /// A token kept in the tree: an operator, `None`/`True`/`False`/`...`, or a newline.
    Tok { tok: Tok, line: u32 },
    /// A literal or folded constant. `line` follows the AST's convention (see `lower`).
    Const { value: Constant, line: u32 },
    /// A rule node with its children.
    Rule(Box<RuleNode>),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct RuleNode {
    pub rule: Rule,
    /// Line of the first token the rule matched.
    pub line: u32,
    /// Nesting depth: 1 for a node whose children are all leaves.
    pub depth: usize,
    pub children: Vec<Node>,
}

impl Node {
    pub(super) fn rule(rule: Rule, line: u32, children: Vec<Node>) -> Node {
        let depth = 1 + children.iter().map(Node::depth).max().unwrap_or(0);
        Node::Rule(Box::new(RuleNode {
            rule,
            line,
            depth,
            children,
        }))
    }

    /// Nesting depth of rule nodes (0 for a leaf).
    pub(super) fn depth(&self) -> usize {
        match self {
            Node::Rule(r) => r.depth,
            _ => 0,
        }
    }

    pub(super) fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    /// The rule node of kind `rule`, if this is one.
    pub(super) fn as_rule(&self, rule: Rule) -> Option<&RuleNode> {
        match self {
            Node::Rule(r) if r.rule == rule => Some(r),
            _ => None,
        }
    }

    pub(super) fn is_rule(&self, rule: Rule) -> bool {
        self.as_rule(rule).is_some()
    }

    pub(super) fn id(&self) -> Option<&Name> {
        match self {
            Node::Id { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The items of a list-like node: the children of a `rule` node, no items for `Null`,
    /// or the node itself (MicroPython stores a one-item list as the item).
    pub(super) fn list_items(&self, rule: Rule) -> &[Node] {
        match self {
            Node::Null => &[],
            Node::Rule(r) if r.rule == rule => &r.children,
            other => std::slice::from_ref(other),
        }
    }
}
