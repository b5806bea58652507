//! kubectl describe and explain.

use super::{Args, Ctx};
use crate::term::shell::Output;

pub fn describe(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let _ = (ctx, a);
    out.err("error: not implemented yet\n");
    1
}

pub fn explain(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let _ = (ctx, a);
    out.err("error: not implemented yet\n");
    1
}
