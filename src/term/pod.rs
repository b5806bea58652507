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
