//! A world is the cluster plus the learner's terminal; a `Step` is the only way to
//! change it (DESIGN.md invariant 2: the UI, the terminal and share links all go here).

use crate::cluster::{Cluster, Millis, ProxyMode};
use crate::term::shell::Output;
use crate::term::Terminal;

/// A cluster-wide switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    LoadBalancerController(bool),
    ProxyMode(ProxyMode),
}

/// Where "send traffic" comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrafficSource {
    /// A pod, by namespace and name.
    Pod { namespace: String, name: String },
    /// The learner's machine outside the cluster.
    Outside,
}

/// One thing that changes the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The editor's Apply: `kubectl apply -f -` with this text.
    Apply {
        text: String,
    },
    /// A terminal command line (with any heredoc body).
    Command {
        line: String,
    },
    KillPod {
        namespace: String,
        name: String,
    },
    Scale {
        namespace: String,
        name: String,
        replicas: i32,
    },
    Setting(Setting),
    SendTraffic {
        from: TrafficSource,
        namespace: String,
        service: String,
        count: u32,
    },
    Advance {
        ms: Millis,
    },
}

/// What a step printed (for the terminal or the apply results) and its exit code.
#[derive(Debug, Clone, Default)]
pub struct StepResult {
    pub output: Output,
    pub code: i32,
}

/// One terminal command line of the history and what it printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub line: String,
    pub output: String,
    pub code: i32,
}

#[derive(Debug, Clone)]
pub struct World {
    pub cluster: Cluster,
    pub terminal: Terminal,
    /// Every `Step::Command` run, in order (what the terminal shows; share links replay it).
    pub history: Vec<HistoryEntry>,
}

impl World {
    pub fn new(seed: u64) -> World {
        World {
            cluster: Cluster::new(seed),
            terminal: Terminal::new(),
            history: Vec::new(),
        }
    }

    /// Runs a command line in the terminal.
    pub fn command(&mut self, line: &str) -> StepResult {
        let (output, code) = self.terminal.run(&mut self.cluster, line);
        StepResult { output, code }
    }

    pub fn run(&mut self, step: &Step) -> StepResult {
        match step {
            Step::Apply { text } => {
                let mut out = Output::new();
                let code = {
                    let mut ctx = crate::term::kubectl::Ctx {
                        cluster: &mut self.cluster,
                        term: &mut self.terminal,
                        stdin: text,
                    };
                    let argv: Vec<String> =
                        ["apply", "-f", "-"].iter().map(|s| s.to_string()).collect();
                    crate::term::kubectl::run(&mut ctx, &argv, &mut out)
                };
                StepResult { output: out, code }
            }
            Step::Command { line } => {
                let result = self.command(line);
                self.history.push(HistoryEntry {
                    line: line.clone(),
                    output: result.output.combined(),
                    code: result.code,
                });
                result
            }
            Step::KillPod { namespace, name } => self.command(&format!(
                "kubectl delete pod {name} -n {namespace} --wait=false"
            )),
            Step::Scale {
                namespace,
                name,
                replicas,
            } => self.command(&format!(
                "kubectl scale deployment {name} -n {namespace} --replicas={replicas}"
            )),
            Step::Setting(s) => {
                match s {
                    Setting::LoadBalancerController(on) => {
                        self.cluster.settings.load_balancer_controller = *on
                    }
                    Setting::ProxyMode(m) => self.cluster.settings.proxy_mode = *m,
                }
                self.cluster.reconcile();
                StepResult::default()
            }
            Step::SendTraffic { .. } => StepResult::default(),
            Step::Advance { ms } => {
                self.cluster.advance(*ms);
                StepResult::default()
            }
        }
    }
}
