//! Commands that change the cluster: apply, create, delete, run, expose, scale,
//! label/annotate, patch, set, config.

use super::{Args, Ctx};
use crate::term::shell::Output;

macro_rules! todo_cmd {
    ($($name:ident),*) => {$(
        pub fn $name(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
            let _ = (ctx, a);
            out.err("error: not implemented yet\n");
            1
        }
    )*};
}
todo_cmd!(apply, create, delete, run, expose, scale, patch, set, config);

pub fn label(ctx: &mut Ctx, a: &Args, out: &mut Output, field: &str) -> i32 {
    let _ = (ctx, a, field);
    out.err("error: not implemented yet\n");
    1
}
