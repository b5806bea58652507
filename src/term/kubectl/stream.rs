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
    let watch = matches!(stream, Stream::Watch(_));
    if watch {
        ctx.cluster.store.watch_versions(true);
    }
    if ctx.term.live {
        // `World::run` keeps the versions from step to step while the stream runs.
        ctx.term.stream = Some(stream);
        ctx.term.stream_until = ctx.term.kill_at;
        return 0;
    }
    let timeout = request_timeout(a)
        .ok()
        .flatten()
        .filter(|t| *t > 0)
        .unwrap_or(DEFAULT_TIMEOUT_MS)
        .min(600_000);
    // Under `timeout`, its deadline ends the stream (the clock stops there anyway).
    let deadline = match ctx.term.kill_at {
        Some(kill) => kill,
        None => ctx.cluster.now.saturating_add(timeout),
    };
    loop {
        let step = match ctx.cluster.next_timer() {
            Some(t) if t <= deadline => t.max(ctx.cluster.now),
            _ => deadline,
        };
        ctx.cluster.store.watch_versions(watch);
        ctx.cluster.advance_to(step);
        let (o, done) = stream.poll(ctx.cluster);
        out.append(o);
        if done || step >= deadline {
            ctx.cluster.store.watch_versions(false);
            return 0;
        }
    }
}

/// A running streaming command.
#[derive(Debug, Clone)]
pub enum Stream {
    Watch(Box<Watcher>),
    Logs(Box<LogFollower>),
    /// `logs -f -l SELECTOR`: one follower per pod; it ends when every stream has ended.
    ManyLogs(Vec<LogFollower>),
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
            Stream::ManyLogs(fs) => {
                let mut all_done = true;
                for f in fs.iter_mut() {
                    all_done &= f.poll(cluster, &mut out);
                }
                all_done
            }
        };
        (out, done)
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::Cluster;
    use crate::term::Terminal;

    const POD: &str = "kubectl run web --image=nginx:1.27";

    fn live() -> (Cluster, Terminal) {
        let mut t = Terminal::new();
        t.live = true;
        (Cluster::new(1), t)
    }

    #[test]
    fn live_watch_streams_until_interrupted() {
        let (mut c, mut t) = live();
        let now = c.now;
        let (out, code) = t.run(&mut c, "kubectl get pods -w");
        assert_eq!(code, 0);
        // No pods: a real `kubectl get pods -w` prints nothing until the first one.
        assert_eq!(out.combined(), "");
        assert_eq!(c.now, now, "the live terminal does not move the clock");
        assert!(t.stream.is_some());
        assert_eq!(t.poll_stream(&c), "");
        // Another actor changes the cluster (the page's Apply): the watch prints it.
        let mut other = Terminal::new();
        other.run(&mut c, POD);
        let rows = t.poll_stream(&c);
        assert!(
            rows.starts_with("NAME   READY   STATUS") && rows.contains("\nweb    0/1 "),
            "{rows:?}"
        );
        c.advance(5_000);
        let later = t.poll_stream(&c);
        assert!(later.contains("Running"), "{later:?}");
        assert!(t.interrupt());
        assert!(!t.interrupt());
        assert_eq!(t.poll_stream(&c), "");
    }

    #[test]
    fn other_commands_leave_the_stream_running() {
        let (mut c, mut t) = live();
        t.run(&mut c, "kubectl get pods --watch");
        assert!(t.stream.is_some());
        // The page's Kill button runs `kubectl delete pod ... --wait=false` here.
        t.run(&mut c, POD);
        assert!(t.poll_stream(&c).contains("web"));
        // A new stream replaces the old one; an error starts none.
        t.run(&mut c, "kubectl get svc -w");
        assert!(t.poll_stream(&c).is_empty());
        assert!(t.interrupt());
        let (out, code) = t.run(&mut c, "kubectl get pods -w --foo");
        assert_eq!(code, 1, "{}", out.combined());
        assert!(t.stream.is_none());
    }

    #[test]
    fn live_logs_follow_until_the_pod_goes() {
        let (mut c, mut t) = live();
        t.run(&mut c, POD);
        c.advance(5_000);
        let (out, code) = t.run(&mut c, "kubectl logs -f web");
        assert_eq!(code, 0);
        assert!(out.combined().contains("Configuration complete"));
        assert!(t.stream.is_some());
        let mut other = Terminal::new();
        other.run(&mut c, "kubectl delete pod web --wait=false");
        c.advance(5_000);
        t.poll_stream(&c);
        assert!(
            t.stream.is_none(),
            "logs -f returns when the container stops"
        );
    }

    #[test]
    fn outside_the_page_streams_end_after_the_request_timeout() {
        let mut c = Cluster::new(1);
        let mut t = Terminal::new();
        let now = c.now;
        let (_, code) = t.run(&mut c, "kubectl get pods -w --request-timeout=3s");
        assert_eq!(code, 0);
        assert_eq!(c.now, now + 3_000);
        assert!(t.stream.is_none());
    }

    #[test]
    fn a_stream_under_timeout_ends_at_its_deadline() {
        // Outside the page the clock runs to the deadline and the status is 124.
        let mut c = Cluster::new(1);
        let mut t = Terminal::new();
        let now = c.now;
        let (_, code) = t.run(&mut c, "timeout 4 kubectl get pods -w");
        assert_eq!((code, c.now), (124, now + 4_000));
        // In the page the stream keeps running until the clock passes the deadline.
        let (mut c, mut t) = live();
        let (_, code) = t.run(&mut c, "timeout 4 kubectl get pods -w");
        assert_eq!(code, 0);
        assert!(t.stream.is_some());
        c.advance(3_000);
        t.poll_stream(&c);
        assert!(t.stream.is_some(), "still inside the 4 s");
        c.advance(1_000);
        t.poll_stream(&c);
        assert!(t.stream.is_none(), "timeout ended the watch");
        // A later watch without timeout is not cut short.
        t.run(&mut c, "kubectl get pods -w");
        c.advance(10_000);
        t.poll_stream(&c);
        assert!(t.stream.is_some());
    }

    #[test]
    fn edit_hands_the_yaml_to_the_page() {
        let (mut c, mut t) = live();
        t.run(&mut c, POD);
        let (out, code) = t.run(&mut c, "kubectl edit pod web");
        assert_eq!((out.combined().as_str(), code), ("", 0));
        let yaml = t.edit.take().unwrap_or_default();
        assert!(yaml.starts_with("apiVersion: v1\nkind: Pod\n"), "{yaml}");
        let mut plain = Terminal::new();
        let (out, _) = plain.run(&mut c, "kubectl edit pod/web");
        assert_eq!(out.combined(), "Edit cancelled, no changes made.\n");
        assert!(plain.edit.is_none());
    }
}
