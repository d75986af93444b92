//! Viper's typing vocabulary beyond [`Ty`]: the types annotations name, and the operator
//! names MicroPython's `ViperTypeError` messages quote. The rules themselves (which operations
//! accept which types) are applied by the emitter where it lowers each operation.

use crate::mir::Ty;
use vm::ast::{Expr, ExprKind};
use vm::bytecode::BinaryOpNum;
use vm::error::{CompileError, ErrorKind};

/// MicroPython's `mp_binary_op_method_name` for the operators viper refuses on integers.
pub fn binary_op_method_name(op: BinaryOpNum) -> &'static str {
    match op {
        // MicroPython's table has no names for these.
        BinaryOpNum::In | BinaryOpNum::Is => "",
        BinaryOpNum::MatMultiply => "__matmul__",
        BinaryOpNum::TrueDivide => "__truediv__",
        BinaryOpNum::Power => "__pow__",
        _ => "?",
    }
}

/// The viper type an annotation names: `None` for no annotation (an object).
pub fn annotation_type(annotation: Option<&Expr>) -> Result<Ty, CompileError> {
    let Some(expr) = annotation else {
        return Ok(Ty::Obj);
    };
    match &expr.kind {
        ExprKind::Name(name) => Ty::from_name(name).ok_or_else(|| {
            CompileError::new(
                ErrorKind::ViperTypeError,
                format!("unknown type '{name}'"),
                expr.line,
            )
        }),
        _ => Err(CompileError::syntax(
            "annotation must be an identifier",
            expr.line,
        )),
    }
}
