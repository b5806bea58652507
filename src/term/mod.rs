//! The terminal: a small shell whose programs are kubectl, the learner's own
//! machine's tools (curl, sleep, ...) and, inside pods, busybox-style tools.
//! Everything prints what the real tool prints (REFERENCE.md).

pub mod complete;
pub mod host;
pub mod kubectl;
pub mod pod;
pub mod shell;
pub mod tools;

use crate::cluster::Cluster;
use shell::{Dialect, Output, Shell};

/// The learner's terminal session at the top prompt (their own machine).
#[derive(Debug, Clone)]
pub struct Terminal {
    /// The kubeconfig context's namespace (`kubectl config set-context --current --namespace`).
    pub namespace: String,
    pub shell: Shell,
    /// Port-forwards running in the background: (local port, namespace, pod, remote port).
    pub port_forwards: Vec<(i32, String, String, i32)>,
}

impl Default for Terminal {
    fn default() -> Self {
        Terminal::new()
    }
}

impl Terminal {
    pub fn new() -> Terminal {
        let mut shell = Shell::new(Dialect::Bash);
        shell.env.set_exported("HOME", "/home/learner");
        shell.env.set_exported("USER", "learner");
        shell
            .env
            .set_exported("PATH", "/usr/local/bin:/usr/bin:/bin");
        Terminal {
            namespace: "default".into(),
            shell,
            port_forwards: Vec::new(),
        }
    }

    /// Runs one command line (with any heredoc body on the following lines).
    pub fn run(&mut self, cluster: &mut Cluster, script: &str) -> (Output, i32) {
        let mut out = Output::new();
        let mut shell = std::mem::take(&mut self.shell);
        // One command line moves the clock by MAX_COMMAND_CLOCK at most (hostile `sleep` loops).
        cluster.set_clock_limit(Some(
            cluster
                .now
                .saturating_add(crate::cluster::MAX_COMMAND_CLOCK),
        ));
        let code = {
            let mut host = host::TopHost {
                cluster,
                term: self,
            };
            shell.run_script(script, &mut host, &mut out)
        };
        cluster.set_clock_limit(None);
        self.shell = shell;
        (out, code)
    }
}
