//! kubectl get and api-resources.

use super::{Args, Ctx};
use crate::term::shell::Output;

pub fn get(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let _ = (ctx, a);
    out.err("error: not implemented yet\n");
    1
}

pub fn api_resources(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let _ = (ctx, a);
    out.err("error: not implemented yet\n");
    1
}
