//! kubectl exec, logs and port-forward (the data-plane side lives in `term::pod`).

use super::{Args, Ctx};
use crate::term::shell::Output;

pub fn exec(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let _ = (ctx, a);
    out.err("error: not implemented yet\n");
    1
}

pub fn logs(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let _ = (ctx, a);
    out.err("error: not implemented yet\n");
    1
}

pub fn port_forward(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let _ = (ctx, a);
    out.err("error: not implemented yet\n");
    1
}
