//! Programs inside a pod (busybox-style tools) and curl on the learner's machine.
//! (Filled in by the data-plane work.)

use super::shell::{Env, Output};
use super::Terminal;
use crate::cluster::Cluster;

/// `curl` typed at the top prompt: the learner's machine reaches node IPs, NodePorts,
/// LoadBalancer IPs and port-forwarded localhost ports.
pub fn curl_from_outside(cluster: &mut Cluster, term: &mut Terminal, args: &[String], env: &Env, out: &mut Output) -> i32 {
    let _ = (cluster, term, args, env);
    out.err("curl: (7) Failed to connect\n");
    7
}

/// Runs `argv` inside a pod's container as `kubectl exec` does and returns its exit code
/// (REQUIRED API: `kubectl run -i --rm` in src/term/kubectl/mutate.rs calls it).
pub fn run_in_pod(
    cluster: &mut Cluster,
    term: &mut Terminal,
    pod: &crate::cluster::Key,
    container: Option<&str>,
    argv: &[String],
    stdin: &str,
    out: &mut Output,
) -> i32 {
    let _ = (cluster, term, pod, container, argv, stdin);
    out.err("error: exec is not available yet\n");
    1
}
