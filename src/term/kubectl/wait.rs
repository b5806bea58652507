//! Commands that block until the cluster reaches a state: wait, rollout status.

use super::{Args, Ctx};
use crate::term::shell::Output;

pub fn wait(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let _ = (ctx, a);
    out.err("error: not implemented yet\n");
    1
}

pub fn rollout(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let _ = (ctx, a);
    out.err("error: not implemented yet\n");
    1
}
