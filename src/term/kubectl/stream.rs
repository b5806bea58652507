//! Commands that keep printing until interrupted: `kubectl get -w` and `kubectl logs -f`.
//! In the page (`Terminal::live`) such a command leaves its [`Stream`] in the terminal; the
//! page polls it after every clock tick and ends it on Ctrl+C. In `replay` and transcripts
//! the same pollers run inside the command until `--request-timeout` (see `get::watch`).

use super::exec::LogFollower;
use super::get::{request_timeout, Watcher};
use super::{Args, Ctx};
use crate::cluster::Cluster;
use crate::term::shell::Output;

/// How long a stream runs outside the page when `--request-timeout` is not given.
const DEFAULT_TIMEOUT_MS: i64 = 5_000;

/// Runs a streaming command whose first output is already printed. In the page's
/// terminal it is left running (`Terminal::stream`); elsewhere the clock moves timer by
/// timer and the stream prints what happens until it ends by itself or
/// `--request-timeout` (default 5 s, at most 10 min) has passed; exit code 0 either way.
pub fn start(ctx: &mut Ctx, a: &Args, mut stream: Stream, out: &mut Output) -> i32 {
    if ctx.term.live {
        ctx.term.stream = Some(stream);
        return 0;
    }
    let timeout = request_timeout(a)
        .ok()
        .flatten()
        .filter(|t| *t > 0)
        .unwrap_or(DEFAULT_TIMEOUT_MS)
        .min(600_000);
    let deadline = ctx.cluster.now.saturating_add(timeout);
    loop {
        let step = match ctx.cluster.next_timer() {
            Some(t) if t <= deadline => t.max(ctx.cluster.now),
            _ => deadline,
        };
        ctx.cluster.advance_to(step);
        let (o, done) = stream.poll(ctx.cluster);
        out.append(o);
        if done || step >= deadline {
            return 0;
        }
    }
}

/// A running streaming command.
#[derive(Debug, Clone)]
pub enum Stream {
    Watch(Box<Watcher>),
    Logs(Box<LogFollower>),
}

impl Stream {
    /// What the command printed since the last poll, and whether it has finished by
    /// itself (`logs -f` returns when the container stops).
    pub fn poll(&mut self, cluster: &Cluster) -> (Output, bool) {
        let mut out = Output::new();
        let done = match self {
            Stream::Watch(w) => {
                w.poll(cluster, &mut out);
                false
            }
            Stream::Logs(f) => f.poll(cluster, &mut out),
        };
        (out, done)
    }
}
