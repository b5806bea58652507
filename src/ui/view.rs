//! The page's view-state (selection, open menu, inspector tab, in-pod shell, clock
//! speed, namespace filter, "send traffic" counts) and the [`UiAction`]s on it.
//! Anything that changes the cluster is a [`Step`] run through `State::run`.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::app::{State, TermEntry};
use crate::cluster::ProxyMode;
use crate::scenario::{Setting, Step, TrafficSource};

/// The selected object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sel {
    Pod { namespace: String, name: String },
    Service { namespace: String, name: String },
    Deployment { namespace: String, name: String },
    Node { name: String },
}

/// What the inspector shows for the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// `kubectl describe` (YAML-like summary + events).
    #[default]
    Describe,
    /// `kubectl get -o yaml`.
    Yaml,
    /// `kubectl logs` (pods).
    Logs,
}

/// The view-state. `Default` is a running clock at 1x showing `default`.
#[derive(Debug, Clone, PartialEq)]
pub struct UiState {
    pub sel: Option<Sel>,
    /// The pod menu is open (for `sel`, a pod).
    pub menu: bool,
    pub tab: Tab,
    /// The terminal is inside this pod (namespace, name): lines run through `kubectl exec`.
    pub shell: Option<(String, String)>,
    pub paused: bool,
    /// Clock speed: 1, 4 or 16 (`controls::SPEEDS`).
    pub speed: u32,
    /// Namespace filter: a namespace or `all`.
    pub namespace: String,
    /// "Send traffic" hits per pod (namespace/name), for the selected Service.
    pub hits: BTreeMap<String, u32>,
    /// The last "send traffic" summary lines.
    pub traffic: Vec<String>,
    /// The connections of the last step that made any, for the diagram to animate.
    pub packets: Packets,
}

/// A batch of connections to animate (a step's `World::flows`); `seq` (the page's world
/// version when it ran) grows with every batch, so the diagram replays the animation even
/// when two batches look alike.
#[derive(Debug, Clone, Default)]
pub struct Packets {
    pub seq: u64,
    pub flows: Rc<Vec<crate::net::Flow>>,
}

impl PartialEq for Packets {
    fn eq(&self, other: &Self) -> bool {
        self.seq == other.seq && Rc::ptr_eq(&self.flows, &other.flows)
    }
}

impl Default for UiState {
    fn default() -> Self {
        UiState {
            sel: None,
            menu: false,
            tab: Tab::Describe,
            shell: None,
            paused: false,
            speed: 1,
            namespace: "default".into(),
            hits: BTreeMap::new(),
            traffic: Vec::new(),
            packets: Packets::default(),
        }
    }
}

/// What the learner can do to the view (and, through steps, to the cluster).
#[derive(Debug, Clone, PartialEq)]
pub enum UiAction {
    /// Select an object (a pod also opens its menu), or clear the selection.
    Select(Option<Sel>),
    CloseMenu,
    Kill {
        namespace: String,
        name: String,
    },
    /// Select a pod and show a tab in the inspector (menu "View YAML" / "Logs").
    PodView {
        namespace: String,
        name: String,
        tab: Tab,
    },
    Tab(Tab),
    /// Open the terminal inside a pod.
    Shell {
        namespace: String,
        name: String,
    },
    Scale {
        namespace: String,
        name: String,
        replicas: i32,
    },
    Pause(bool),
    Speed(u32),
    /// Advance the clock by one second.
    StepClock,
    LoadBalancer(bool),
    ProxyMode(ProxyMode),
    Namespace(String),
    SendTraffic {
        from: TrafficSource,
        namespace: String,
        service: String,
        count: u32,
    },
    /// A line typed in the terminal (top prompt or in-pod shell).
    TermLine(String),
    /// Ctrl+C: the line is abandoned.
    Interrupt(String),
    /// `clear` / Ctrl+L.
    ClearTerm,
}

/// `'` quoted for `sh -c '...'`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `kubectl exec [-it|-ti|-i -t] POD [-n NS] -- sh|bash` opens an in-pod shell:
/// the pod and namespace.
fn interactive_exec(line: &str, default_ns: &str) -> Option<(String, String)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let (head, tail) = words.split_at(words.iter().position(|w| *w == "--")?);
    if !matches!(
        tail,
        ["--", "sh"] | ["--", "/bin/sh"] | ["--", "bash"] | ["--", "/bin/bash"] | ["--", "ash"]
    ) {
        return None;
    }
    if head.len() < 3 || head[0] != "kubectl" || head[1] != "exec" {
        return None;
    }
    let (mut pod, mut ns, mut tty) = (None, default_ns.to_string(), false);
    let mut i = 2;
    while i < head.len() {
        match head[i] {
            "-it" | "-ti" => tty = true,
            "-i" | "-t" | "--stdin" | "--tty" => tty = true,
            "-n" | "--namespace" => {
                ns = head.get(i + 1)?.to_string();
                i += 1;
            }
            w if w.starts_with("--namespace=") => ns = w["--namespace=".len()..].to_string(),
            w if w.starts_with('-') => return None,
            w => {
                if pod.is_some() {
                    return None;
                }
                pod = Some(w.strip_prefix("pod/").unwrap_or(w).to_string());
            }
        }
        i += 1;
    }
    tty.then_some((ns, pod?))
}

/// Applies a view action to the page state.
pub fn reduce(state: &mut State, action: UiAction) {
    let ui = &mut state.ui;
    match action {
        UiAction::Select(sel) => {
            if matches!(sel, Some(Sel::Service { .. })) && ui.sel != sel {
                ui.hits.clear();
                ui.traffic.clear();
            }
            ui.menu = matches!(sel, Some(Sel::Pod { .. }));
            if ui.sel != sel {
                ui.tab = Tab::Describe;
            }
            ui.sel = sel;
        }
        UiAction::CloseMenu => ui.menu = false,
        UiAction::Kill { namespace, name } => {
            ui.menu = false;
            if ui.sel
                == Some(Sel::Pod {
                    namespace: namespace.clone(),
                    name: name.clone(),
                })
            {
                ui.sel = None;
            }
            state.run(&Step::KillPod { namespace, name });
        }
        UiAction::PodView {
            namespace,
            name,
            tab,
        } => {
            ui.sel = Some(Sel::Pod { namespace, name });
            ui.menu = false;
            ui.tab = tab;
        }
        UiAction::Tab(tab) => ui.tab = tab,
        UiAction::Shell { namespace, name } => {
            ui.menu = false;
            ui.shell = Some((namespace.clone(), name.clone()));
            state.term.push(TermEntry {
                prompt: "$".into(),
                line: format!("kubectl exec -it {name} -n {namespace} -- sh"),
                output: String::new(),
            });
        }
        UiAction::Scale {
            namespace,
            name,
            replicas,
        } => {
            state.run(&Step::Scale {
                namespace,
                name,
                replicas: replicas.clamp(0, 50),
            });
        }
        UiAction::Pause(p) => ui.paused = p,
        UiAction::Speed(s) => {
            if super::controls::SPEEDS.contains(&s) {
                ui.speed = s;
            }
        }
        UiAction::StepClock => {
            state.run(&Step::Advance { ms: 1000 });
        }
        UiAction::LoadBalancer(on) => {
            state.run(&Step::Setting(Setting::LoadBalancerController(on)));
        }
        UiAction::ProxyMode(m) => {
            state.run(&Step::Setting(Setting::ProxyMode(m)));
        }
        UiAction::Namespace(ns) => {
            ui.namespace = ns;
            ui.sel = None;
            ui.menu = false;
        }
        UiAction::SendTraffic {
            from,
            namespace,
            service,
            count,
        } => {
            let out = state.run(&Step::SendTraffic {
                from,
                namespace: namespace.clone(),
                service,
                count,
            });
            let ui = &mut state.ui;
            ui.traffic.clear();
            for line in out.lines().filter(|l| !l.trim().is_empty()) {
                match line.rsplit_once(' ') {
                    Some((pod, n)) if !pod.starts_with('(') => {
                        if let Ok(n) = n.parse::<u32>() {
                            *ui.hits.entry(format!("{namespace}/{pod}")).or_default() += n;
                        }
                        ui.traffic.push(format!("{pod}: {n}"));
                    }
                    Some((what, n)) => ui
                        .traffic
                        .push(format!("{}: {n}", what.trim_matches(['(', ')']))),
                    None => ui.traffic.push(line.to_string()),
                }
            }
        }
        UiAction::TermLine(line) => term_line(state, line),
        UiAction::Interrupt(line) => {
            if super::live::interrupt(state) {
                return;
            }
            let prompt = prompt_of(state);
            state.term.push(TermEntry {
                prompt,
                line: format!("{line}^C"),
                output: String::new(),
            });
        }
        UiAction::ClearTerm => state.term.clear(),
    }
}

/// The terminal's prompt: `$` at the top, `/ #` inside a pod (an exec shell, or the
/// ephemeral container's shell `kubectl debug -it` attached the terminal to).
pub fn prompt(ui: &UiState, world: &crate::scenario::World) -> String {
    if let Some(at) = world
        .terminal
        .attached
        .as_ref()
        .filter(|a| a.session == crate::term::Session::Docker)
    {
        // Debian's /etc/bash.bashrc PS1 in kind's node image, as root.
        format!("root@{}:/#", at.pod)
    } else if world.terminal.attached.as_ref().is_some_and(|a| a.chroot) {
        // dash, the node image's /bin/sh, as root.
        "#".into()
    } else if ui.shell.is_some() || world.terminal.attached.is_some() {
        "/ #".into()
    } else {
        "$".into()
    }
}

fn prompt_of(state: &State) -> String {
    prompt(&state.ui, &state.world.borrow())
}

fn term_line(state: &mut State, line: String) {
    // Enter while a stream runs ends it first, as Ctrl+C would.
    super::live::interrupt(state);
    super::install_explain_schema();
    let trimmed = line.trim();
    if trimmed == "clear" {
        state.term.clear();
        return;
    }
    let prompt = prompt_of(state);
    if let Some((ns, pod)) = state.ui.shell.clone() {
        if trimmed == "exit" || trimmed == "logout" {
            state.ui.shell = None;
            state.term.push(TermEntry {
                prompt,
                line,
                output: String::new(),
            });
            return;
        }
        let output = if trimmed.is_empty() {
            String::new()
        } else {
            state.run(&Step::Command {
                line: format!("kubectl exec {pod} -n {ns} -- sh -c {}", sh_quote(&line)),
            })
        };
        state.term.push(TermEntry {
            prompt,
            line,
            output,
        });
        return;
    }
    // Inside a `kubectl debug -it` shell the world's terminal runs the line in the pod.
    let attached = state.world.borrow().terminal.attached.is_some();
    let ns = state.world.borrow().terminal.namespace.clone();
    let expanded = state.world.borrow().terminal.expand_vars(trimmed);
    if let Some((ns, pod)) = interactive_exec(&expanded, &ns).filter(|_| !attached) {
        let exists = state
            .world
            .borrow()
            .cluster
            .store
            .get(&crate::cluster::Key::new("Pod", &ns, &pod))
            .is_some();
        if exists {
            state.ui.shell = Some((ns, pod));
            state.term.push(TermEntry {
                prompt,
                line,
                output: String::new(),
            });
            return;
        }
    }
    let output = if trimmed.is_empty() {
        String::new()
    } else {
        state.run(&Step::Command { line: line.clone() })
    };
    state.term.push(TermEntry {
        prompt,
        line,
        output,
    });
    super::live::after_command(state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interactive_exec_forms() {
        assert_eq!(
            interactive_exec("kubectl exec -it web -- sh", "default"),
            Some(("default".into(), "web".into()))
        );
        assert_eq!(
            interactive_exec("kubectl exec -n x -ti pod/web -- /bin/sh", "default"),
            Some(("x".into(), "web".into()))
        );
        assert_eq!(interactive_exec("kubectl exec web -- sh", "default"), None);
        assert_eq!(
            interactive_exec("kubectl exec -it web -- ls", "default"),
            None
        );
        assert_eq!(sh_quote("echo 'a'"), r"'echo '\''a'\'''");
    }
}
