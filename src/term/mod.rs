//! The terminal: a small shell whose programs are kubectl, the learner's own
//! machine's tools (curl, sleep, ...) and, inside pods, busybox-style tools.
//! Everything prints what the real tool prints (REFERENCE.md).

pub mod bind;
pub mod complete;
pub mod host;
pub mod kubectl;
pub mod pod;
pub mod shell;
pub mod tools;
pub mod unidiff;

use crate::cluster::Cluster;
use shell::{Dialect, Output, Shell};

/// The learner's terminal session at the top prompt (their own machine).
#[derive(Debug, Clone)]
pub struct Terminal {
    /// The kubeconfig context's namespace (`kubectl config set-context --current --namespace`).
    pub namespace: String,
    pub shell: Shell,
    /// Background jobs (`kubectl port-forward`, `kubectl proxy`), numbered from 1 for
    /// `kill %N` in the order they started.
    pub jobs: Vec<Job>,
    /// The page's terminal: `kubectl get -w` / `logs -f` leave a running [`Self::stream`]
    /// instead of returning after `--request-timeout`, and `kubectl edit` hands the
    /// object's YAML to the editor through [`Self::edit`]. False in `replay` and transcripts.
    pub live: bool,
    /// The streaming command still running (live terminal only).
    pub stream: Option<kubectl::stream::Stream>,
    /// When `timeout DURATION` ends the command running under it (simulated ms): the
    /// clock stops there while it runs, and a stream it leaves running ends there.
    pub kill_at: Option<crate::cluster::Millis>,
    /// When the running stream ends by itself (it was started under `timeout`).
    pub stream_until: Option<crate::cluster::Millis>,
    /// YAML `kubectl edit` asked the page's editor to open (live terminal only).
    pub edit: Option<String>,
    /// What the page should tell the learner about the last command where the terminal
    /// simplifies (invariant 6: never inside the command's own output).
    pub notice: Option<String>,
    /// The ephemeral container's shell `kubectl debug -it` attached the live terminal to:
    /// the lines typed run in it until `exit` ends it (live terminal only).
    pub attached: Option<Attached>,
    /// The learner's files (`cat > app.yaml <<EOF`, `kubectl get ... -o yaml > svc.yaml`),
    /// by absolute path, and the directories they made (`mkdir`); see [`host::Files`].
    pub files: host::Files,
}

/// A shell in a pod's container the terminal is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// How the session began, which says how it ends.
    pub session: Session,
    /// `chroot /host` (in a node-debugging pod) started the node's shell: lines run there
    /// until its `exit`.
    pub chroot: bool,
}

/// The command that attached the terminal to a shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Session {
    /// `kubectl debug -it POD`: an ephemeral container.
    Debug,
    /// `kubectl debug node/NAME -it`: the node-debugging pod's own container; `exit` ends
    /// the pod, and attach.go prints nothing under its restart policy Never.
    NodeDebug,
    /// `docker exec -it NODE bash`: `pod` names the node (kind's node container), whose
    /// bash the lines run in until `exit`.
    Docker,
    /// `kubectl run -it NAME ... -- sh`: the pod's own container, with the pod's restart
    /// policy, whether `--rm` deletes the pod (and the `--expose`d Service) afterwards.
    Run {
        restart: String,
        rm: bool,
        exposed: bool,
    },
}

/// A command left running in the background on the learner's machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// `kubectl port-forward`: (local port, namespace, pod, remote port) per pair.
    PortForward(Vec<(i32, String, String, i32)>),
    /// `kubectl proxy` serving the API server on a local port.
    ApiProxy(i32),
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
        shell.env.set_exported("PWD", host::HOME);
        shell
            .env
            .set_exported("PATH", "/usr/local/bin:/usr/bin:/bin");
        Terminal {
            namespace: "default".into(),
            shell,
            jobs: Vec::new(),
            live: false,
            stream: None,
            kill_at: None,
            stream_until: None,
            edit: None,
            notice: None,
            attached: None,
            files: host::Files::default(),
        }
    }

    /// Runs one command line (with any heredoc body on the following lines).
    pub fn run(&mut self, cluster: &mut Cluster, script: &str) -> (Output, i32) {
        if let Some(at) = self.attached.clone() {
            if let Some(done) = self.run_attached(cluster, &at, script) {
                return done;
            }
        }
        let mut out = Output::new();
        // A running stream survives other commands (the page's Kill and Scale buttons run
        // kubectl too); the page ends it (Ctrl+C) before running a line the learner typed.
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
        if let Some(n) = out.notice.take() {
            self.notice = Some(n);
        }
        (out, code)
    }

    /// A line typed while attached to an ephemeral container's shell: it runs there
    /// (`exit` ends the shell, and with it the container: attach.go then prints its
    /// reattach message). None when the container is no longer running (the pod went):
    /// the session is over and the line runs on the learner's machine.
    fn run_attached(
        &mut self,
        cluster: &mut Cluster,
        at: &Attached,
        line: &str,
    ) -> Option<(Output, i32)> {
        if at.session == Session::Docker {
            let mut out = Output::new();
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["exit" | "logout", ..] = words.as_slice() {
                // An interactive bash says so as it exits (exit.def).
                out.err("exit\n");
                self.attached = None;
                return Some((out, 0));
            }
            if words.is_empty() {
                return Some((out, 0));
            }
            if line.contains("iptables") {
                self.notice = Some(crate::net::iptables::notice(cluster.settings.proxy_mode));
            }
            let argv = ["bash".to_string(), "-c".to_string(), line.to_string()];
            let (o, code) = crate::term::pod::exec_on_node(cluster, &at.pod, &argv, "");
            out.append(o);
            return Some((out, code));
        }
        let key = crate::cluster::Key::new("Pod", &at.namespace, &at.pod);
        let running = match at.session {
            Session::Debug => {
                crate::cluster::kubelet::ephemeral_running(cluster, &key, &at.container)
            }
            Session::NodeDebug => {
                matches!(cluster.store.get(&key), Some(crate::api::Object::Pod(p))
                    if p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
            }
            Session::Run { .. } => crate::cluster::kubelet::main_running(cluster, &key),
            Session::Docker => true,
        };
        if !running {
            self.attached = None;
            return None;
        }
        let mut out = Output::new();
        let words: Vec<&str> = line.split_whitespace().collect();
        if at.chroot && matches!(words.as_slice(), ["exit" | "logout", ..]) {
            // dash's exit ends the node's shell; busybox sh's prompt is back.
            if let Some(a) = self.attached.as_mut() {
                a.chroot = false;
            }
            return Some((out, 0));
        }
        if !at.chroot
            && matches!(
                words.as_slice(),
                ["chroot", "/host" | "/host/"]
                    | [
                        "chroot",
                        "/host" | "/host/",
                        "sh" | "/bin/sh" | "dash" | "/bin/dash"
                    ]
            )
        {
            if let Some(a) = self.attached.as_mut() {
                a.chroot = true;
            }
            return Some((out, 0));
        }
        if let ["exit" | "logout", rest @ ..] = words.as_slice() {
            // ash: `exit` with no number keeps the last status; a word is an error we
            // do not model, so it ends with 0 too.
            let code = rest
                .first()
                .and_then(|w| w.parse::<i32>().ok())
                .unwrap_or(0)
                & 255;
            self.attached = None;
            let code = match &at.session {
                Session::Debug => {
                    crate::cluster::kubelet::end_ephemeral(cluster, &key, &at.container, code);
                    out.out(&format!(
                        "Session ended, the ephemeral container will not be restarted but may be reattached using 'kubectl attach {} -c {} -i -t' if it is still running\n",
                        at.pod, at.container
                    ));
                    0
                }
                Session::NodeDebug => {
                    crate::cluster::kubelet::end_attached(cluster, &key, code);
                    0
                }
                Session::Docker => 0,
                Session::Run {
                    restart,
                    rm,
                    exposed,
                } => kubectl::end_run_session(cluster, at, restart, *rm, *exposed, code, &mut out),
            };
            return Some((out, code));
        }
        if words.is_empty() {
            return Some((out, 0));
        }
        cluster.set_clock_limit(Some(
            cluster
                .now
                .saturating_add(crate::cluster::MAX_COMMAND_CLOCK),
        ));
        let mut argv = vec!["sh".to_string(), "-c".to_string(), line.to_string()];
        if at.chroot {
            argv.splice(0..0, ["chroot".to_string(), "/host".to_string()]);
        }
        if line.contains("iptables") {
            self.notice = Some(crate::net::iptables::notice(cluster.settings.proxy_mode));
        }
        let (o, code) =
            crate::term::pod::exec_in_pod(cluster, &key, &at.container, &argv, "", true);
        cluster.set_clock_limit(None);
        out.append(o);
        if let Some(n) = out.notice.take() {
            self.notice = Some(n);
        }
        Some((out, code))
    }

    /// A command line's words with `$NAME`, `${NAME}` and their double-quoted forms
    /// replaced by the shell's variables (other words as they are), for the page's
    /// check of an interactive `kubectl exec -ti "$POD_NAME" -- bash`, which the
    /// Kubernetes Basics tutorial types with the pod's name in a variable.
    pub fn expand_vars(&self, line: &str) -> String {
        let words: Vec<String> = line
            .split_whitespace()
            .map(|w| {
                let bare = w
                    .strip_prefix('"')
                    .and_then(|x| x.strip_suffix('"'))
                    .unwrap_or(w);
                let name = bare.strip_prefix('$').map(|n| {
                    n.strip_prefix('{')
                        .and_then(|x| x.strip_suffix('}'))
                        .unwrap_or(n)
                });
                match name {
                    Some(n)
                        if !n.is_empty()
                            && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
                    {
                        self.shell.env.get(n).unwrap_or_default().to_string()
                    }
                    _ => w.to_string(),
                }
            })
            .collect();
        words.join(" ")
    }

    /// Whether a background job listens on this local port.
    pub fn listening(&self, port: i32) -> bool {
        self.jobs.iter().any(|j| match j {
            Job::PortForward(pairs) => pairs.iter().any(|p| p.0 == port),
            Job::ApiProxy(p) => *p == port,
        })
    }

    /// The port-forward listening on a local port: (namespace, pod, remote port).
    pub fn forwarded(&self, port: i32) -> Option<(String, String, i32)> {
        self.jobs.iter().find_map(|j| match j {
            Job::PortForward(pairs) => pairs
                .iter()
                .find(|p| p.0 == port)
                .map(|p| (p.1.clone(), p.2.clone(), p.3)),
            Job::ApiProxy(_) => None,
        })
    }

    /// Whether `kubectl proxy` serves the API server on a local port.
    pub fn api_proxy(&self, port: i32) -> bool {
        self.jobs.contains(&Job::ApiProxy(port))
    }

    /// Ctrl+C: ends the running stream; true when one was running.
    pub fn interrupt(&mut self) -> bool {
        self.stream_until = None;
        self.stream.take().is_some()
    }

    /// New output of the running stream (empty when none); the stream is dropped once it
    /// has finished by itself.
    pub fn poll_stream(&mut self, cluster: &Cluster) -> String {
        let Some(stream) = self.stream.as_mut() else {
            return String::new();
        };
        let (out, done) = stream.poll(cluster);
        if done || self.stream_until.is_some_and(|t| cluster.now >= t) {
            self.stream = None;
            self.stream_until = None;
        }
        out.combined()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expand_vars_fills_in_the_pod_name_variable() {
        let mut t = Terminal::new();
        t.shell
            .env
            .set("POD_NAME", "kubernetes-bootcamp-5cc66bcc9b-mmfgc");
        for line in [
            "kubectl exec -ti $POD_NAME -- bash",
            "kubectl exec -ti \"$POD_NAME\" -- bash",
            "kubectl exec -ti ${POD_NAME} -- bash",
        ] {
            assert_eq!(
                t.expand_vars(line),
                "kubectl exec -ti kubernetes-bootcamp-5cc66bcc9b-mmfgc -- bash"
            );
        }
        // An unset variable is empty; other words stay as typed.
        assert_eq!(t.expand_vars("echo $NOPE 'a b'"), "echo  'a b'");
    }
}
