//! A world is the cluster plus the learner's terminal; a `Step` is the only way to
//! change it (DESIGN.md invariant 2: the UI, the terminal and share links all go here).

use crate::cluster::{Cluster, Key, Millis, ProxyMode};
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
    /// The connections the last step made from pods and from outside the cluster
    /// ("send traffic", wget/curl/nslookup in the terminal), with their hop traces, for
    /// the page to animate (at most `net::MAX_FLOWS`; probes are not included).
    pub flows: Vec<crate::net::Flow>,
    /// Made by [`World::starting`] and not started yet: the cluster is
    /// [`Cluster::installed`]'s; [`World::finish_start`] (which every step runs first)
    /// makes it [`World::new`]'s.
    start_pending: bool,
}

impl World {
    pub fn new(seed: u64) -> World {
        let mut w = World::starting(seed);
        w.finish_start();
        w
    }

    /// [`World::new`] in two halves, for the page's first frame: the cluster with its
    /// default objects installed at time 0 (nodes, static pods), the controllers and the
    /// clock not run yet. [`World::finish_start`], or any step, completes it; the world is
    /// then the same as `World::new(seed)`.
    pub fn starting(seed: u64) -> World {
        World {
            cluster: Cluster::installed(seed),
            terminal: Terminal::new(),
            history: Vec::new(),
            flows: Vec::new(),
            start_pending: true,
        }
    }

    /// Whether [`World::finish_start`] has still to run.
    pub fn start_pending(&self) -> bool {
        self.start_pending
    }

    /// Runs the second half of [`World::starting`] if it has not run yet (see
    /// [`Cluster::finish_start`]). Whether it ran now.
    pub fn finish_start(&mut self) -> bool {
        let pending = std::mem::replace(&mut self.start_pending, false);
        if pending {
            self.cluster.finish_start();
        }
        pending
    }

    /// Runs a command line in the terminal.
    pub fn command(&mut self, line: &str) -> StepResult {
        let (output, code) = self.terminal.run(&mut self.cluster, line);
        StepResult { output, code }
    }

    /// "Send traffic": `count` new TCP connections from `from` to the Service's first
    /// port. From a pod each request first resolves `SERVICE.NAMESPACE` through kube-dns
    /// (as `wget http://SERVICE.NAMESPACE` in the pod does) and connects to the answer,
    /// the ClusterIP; from outside it goes to the external IP or a NodePort on the first
    /// node. The output has one line per pod that answered, `POD N`, sorted by name, then
    /// `(bad address) N`, `(refused) N`, `(timed out) N`, `(unreachable) N` when any; an
    /// error line and code 1 when the Service cannot be reached this way.
    fn send_traffic(
        &mut self,
        from: &TrafficSource,
        namespace: &str,
        service: &str,
        count: u32,
    ) -> StepResult {
        use crate::api::Object;
        use crate::net::{connect, Outcome, PeerKind, Proto, Source};
        use std::collections::BTreeMap;

        let mut out = Output::new();
        let fail = |mut out: Output, msg: String| {
            out.err(&format!("{msg}\n"));
            StepResult {
                output: out,
                code: 1,
            }
        };
        let svc = match self
            .cluster
            .store
            .get(&Key::new("Service", namespace, service))
        {
            Some(Object::Service(s)) => s.clone(),
            _ => return fail(out, format!("service \"{service}\" not found")),
        };
        let spec = svc.spec.clone().unwrap_or_default();
        let Some(port) = spec.ports.as_ref().and_then(|ps| ps.first()).cloned() else {
            return fail(out, format!("service \"{service}\" has no ports"));
        };
        let proto = match port.protocol.as_deref() {
            Some("UDP") => Proto::Udp,
            Some("SCTP") => Proto::Sctp,
            _ => Proto::Tcp,
        };
        let source = match from {
            TrafficSource::Outside => Source::Outside,
            TrafficSource::Pod { namespace, name } => Source::Pod(Key::new("Pod", namespace, name)),
        };
        let (ip, dport) = match from {
            TrafficSource::Outside => {
                let external = svc
                    .status
                    .as_ref()
                    .and_then(|s| s.load_balancer.as_ref())
                    .and_then(|lb| lb.ingress.as_ref())
                    .and_then(|i| i.first())
                    .and_then(|i| i.ip.clone());
                let node_ip = self
                    .cluster
                    .store
                    .list("Node")
                    .filter_map(|o| crate::cluster::kubelet::node_ip(&self.cluster, o.name()))
                    .next();
                match (external, port.node_port, node_ip) {
                    (Some(ip), _, _) => (ip, port.port),
                    (None, Some(np), Some(node)) => (node, np),
                    _ => {
                        return fail(
                            out,
                            format!(
                                "service \"{service}\" is not reachable from outside the cluster (type {})",
                                spec.type_.as_deref().unwrap_or("ClusterIP")
                            ),
                        )
                    }
                }
            }
            TrafficSource::Pod { .. } => match spec.cluster_ip.as_deref() {
                Some(ip) if !ip.is_empty() && ip != "None" => (ip.to_string(), port.port),
                _ => {
                    return fail(
                        out,
                        format!(
                            "service \"{service}\" has no virtual IP (headless or ExternalName)"
                        ),
                    )
                }
            },
        };
        let mut hits: BTreeMap<String, u32> = BTreeMap::new();
        let (mut refused, mut timed_out, mut unreachable) = (0u32, 0u32, 0u32);
        let mut bad_address = 0u32;
        let dns_name = format!("{service}.{namespace}");
        for _ in 0..count.min(1000) {
            let ip = match &source {
                Source::Pod(pod) => {
                    match crate::term::pod::resolve_from_pod(&mut self.cluster, pod, &dns_name)
                        .and_then(|ips| ips.into_iter().next())
                    {
                        Some(ip) => ip,
                        None => {
                            bad_address += 1;
                            continue;
                        }
                    }
                }
                _ => ip.clone(),
            };
            match connect(&mut self.cluster, &source, &ip, dport, proto).outcome {
                Outcome::Connected(peer) => {
                    let name = match peer.kind {
                        PeerKind::Pod(k) => k.name.clone(),
                        PeerKind::Internet(h) => h,
                        PeerKind::ApiServer => "kube-apiserver".to_string(),
                    };
                    *hits.entry(name).or_default() += 1;
                }
                Outcome::Refused => refused += 1,
                Outcome::TimedOut => timed_out += 1,
                Outcome::Unreachable => unreachable += 1,
            }
        }
        for (name, n) in &hits {
            out.out(&format!("{name} {n}\n"));
        }
        for (what, n) in [
            ("(bad address)", bad_address),
            ("(refused)", refused),
            ("(timed out)", timed_out),
            ("(unreachable)", unreachable),
        ] {
            if n > 0 {
                out.out(&format!("{what} {n}\n"));
            }
        }
        StepResult {
            output: out,
            code: 0,
        }
    }

    /// Runs one step; afterwards `flows` holds the connections it made.
    pub fn run(&mut self, step: &Step) -> StepResult {
        self.finish_start();
        self.cluster.net.flows = Some(Vec::new());
        // A running watch printed the versions the last step wrote; it needs this step's.
        let watching = matches!(
            self.terminal.stream,
            Some(crate::term::kubectl::stream::Stream::Watch(_))
        );
        self.cluster.store.watch_versions(watching);
        let result = self.run_step(step);
        self.flows = self.cluster.net.flows.take().unwrap_or_default();
        result
    }

    fn run_step(&mut self, step: &Step) -> StepResult {
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
                "kubectl delete pod {} -n {} --wait=false",
                shell_quote(name),
                shell_quote(namespace)
            )),
            Step::Scale {
                namespace,
                name,
                replicas,
            } => self.command(&format!(
                "kubectl scale deployment {} -n {} --replicas={replicas}",
                shell_quote(name),
                shell_quote(namespace)
            )),
            Step::Setting(s) => {
                match s {
                    Setting::LoadBalancerController(on) => {
                        self.cluster.settings.load_balancer_controller = *on
                    }
                    Setting::ProxyMode(m) => self.cluster.settings.proxy_mode = *m,
                }
                self.cluster.apply_settings();
                StepResult::default()
            }
            Step::SendTraffic {
                from,
                namespace,
                service,
                count,
            } => self.send_traffic(from, namespace, service, *count),
            Step::Advance { ms } => {
                self.cluster.advance(*ms);
                StepResult::default()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NGINX: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  type: NodePort\n  selector:\n    app: nginx\n  ports:\n  - port: 80\n    nodePort: 30080\n";

    fn hits(r: &StepResult) -> u32 {
        r.output
            .combined()
            .lines()
            .filter(|l| !l.starts_with('('))
            .filter_map(|l| l.rsplit_once(' ')?.1.parse::<u32>().ok())
            .sum()
    }

    /// The page paints `World::starting` first; finishing it, or running a step on it, must
    /// give exactly `World::new`'s world (share links and undo replay on `World::new`).
    #[test]
    fn starting_then_finish_is_new() {
        let mut started = World::starting(1);
        assert!(started.start_pending());
        assert_eq!(started.cluster.now, 0);
        assert!(
            !started.cluster.store.is_empty(),
            "the default objects are installed"
        );
        assert!(started.finish_start());
        assert!(!started.finish_start(), "runs once");
        let new = World::new(1);
        assert!(started.cluster == new.cluster);
        assert_eq!(started.cluster.now, crate::cluster::START);
        assert_eq!(started.digest(), new.digest());

        let mut stepped = World::starting(1);
        let mut fresh = World::new(1);
        for w in [&mut stepped, &mut fresh] {
            w.run(&Step::Apply { text: NGINX.into() });
            w.run(&Step::Advance { ms: 10_000 });
        }
        assert!(!stepped.start_pending());
        assert!(stepped.cluster == fresh.cluster);
        assert_eq!(stepped.digest(), fresh.digest());
    }

    #[test]
    fn send_traffic_counts_hits_per_pod() {
        let mut w = World::new(1);
        w.run(&Step::Apply { text: NGINX.into() });
        w.run(&Step::Advance { ms: 10_000 });
        let outside = w.run(&Step::SendTraffic {
            from: TrafficSource::Outside,
            namespace: "default".into(),
            service: "nginx".into(),
            count: 30,
        });
        assert_eq!(outside.code, 0, "{}", outside.output.combined());
        assert_eq!(hits(&outside), 30, "{}", outside.output.combined());
        assert!(
            outside.output.combined().lines().count() >= 2,
            "spread over pods"
        );

        let missing = w.run(&Step::SendTraffic {
            from: TrafficSource::Outside,
            namespace: "default".into(),
            service: "nope".into(),
            count: 1,
        });
        assert_eq!(missing.code, 1);
        assert!(missing.output.combined().contains("not found"));

        // The same steps give the same counts (randomness comes from the cluster RNG).
        let mut again = World::new(1);
        again.run(&Step::Apply { text: NGINX.into() });
        again.run(&Step::Advance { ms: 10_000 });
        let repeat = again.run(&Step::SendTraffic {
            from: TrafficSource::Outside,
            namespace: "default".into(),
            service: "nginx".into(),
            count: 30,
        });
        assert_eq!(repeat.output.combined(), outside.output.combined());
    }
}

/// Single-quotes a word for the shell, so a name from a share link stays one argument
/// and can never add commands of its own.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

#[cfg(test)]
mod flow_tests {
    use super::*;
    use crate::net::{Flow, Source};
    use std::collections::BTreeMap;

    fn nginx_world() -> World {
        let mut w = World::new(1);
        w.run(&Step::Apply {
            text: crate::scenario::lessons::NGINX.into(),
        });
        w.run(&Step::Advance { ms: 10_000 });
        w
    }

    fn pod_name(f: &Flow) -> Option<&str> {
        f.pod().map(|k| k.name.as_str())
    }

    #[test]
    fn a_step_records_its_connections_for_the_page() {
        let mut w = nginx_world();
        // The clock's steps record nothing (readiness probes are left out).
        w.run(&Step::Advance { ms: 5_000 });
        assert!(w.flows.is_empty(), "{:?}", w.flows);

        w.run(&Step::Command {
            line: "kubectl run debug --image=alpine --restart=Never -- sleep 3600".into(),
        });
        w.run(&Step::Advance { ms: 5_000 });
        let r = w.run(&Step::Command {
            line: "kubectl exec debug -- wget -qO- http://nginx".into(),
        });
        assert!(
            r.output.combined().contains("Welcome to nginx!"),
            "{}",
            r.output.combined()
        );
        let debug = Source::Pod(Key::new("Pod", "default", "debug"));
        // DNS first: the question for nginx.default.svc.cluster.local, through kube-dns
        // to a CoreDNS pod; then the request through the nginx Service to an nginx pod.
        assert_eq!(w.flows.len(), 2, "{:#?}", w.flows);
        let (dns, http) = (&w.flows[0], &w.flows[1]);
        assert!(dns.is_dns() && dns.from == debug);
        assert_eq!(
            dns.service(),
            Some(&Key::new("Service", "kube-system", "kube-dns"))
        );
        assert!(pod_name(dns).is_some_and(|n| n.starts_with("coredns-")));
        assert!(dns
            .dns_names()
            .any(|n| n == "nginx.default.svc.cluster.local"));
        assert!(!http.is_dns() && http.from == debug);
        assert_eq!(
            http.service(),
            Some(&Key::new("Service", "default", "nginx"))
        );
        assert!(pod_name(http).is_some_and(|n| n.starts_with("nginx-")));

        // nslookup: one DNS connection with the names asked.
        w.run(&Step::Command {
            line: "kubectl exec debug -- nslookup nginx".into(),
        });
        assert!(w.flows.iter().all(Flow::is_dns), "{:#?}", w.flows);
        assert!(w
            .flows
            .iter()
            .flat_map(Flow::dns_names)
            .any(|n| n.contains("nginx")));
    }

    #[test]
    fn send_traffic_from_a_pod_resolves_then_connects_each_request() {
        let mut w = nginx_world();
        let from = w
            .cluster
            .store
            .list_ns("Pod", "default")
            .map(|o| o.name().to_string())
            .next()
            .expect("an nginx pod");
        let r = w.run(&Step::SendTraffic {
            from: TrafficSource::Pod {
                namespace: "default".into(),
                name: from.clone(),
            },
            namespace: "default".into(),
            service: "nginx".into(),
            count: 10,
        });
        assert_eq!(r.code, 0, "{}", r.output.combined());
        assert_eq!(
            w.flows.len(),
            20,
            "a DNS query and a connection per request"
        );
        let mut hits: BTreeMap<String, u32> = BTreeMap::new();
        for pair in w.flows.chunks(2) {
            assert!(pair[0].is_dns() && !pair[1].is_dns());
            assert_eq!(
                pair[1].service(),
                Some(&Key::new("Service", "default", "nginx"))
            );
            *hits
                .entry(pod_name(&pair[1]).expect("a pod").to_string())
                .or_default() += 1;
        }
        let printed: BTreeMap<String, u32> = r
            .output
            .combined()
            .lines()
            .filter_map(|l| {
                let (p, n) = l.rsplit_once(' ')?;
                Some((p.to_string(), n.parse().ok()?))
            })
            .collect();
        assert_eq!(hits, printed, "the traces agree with the counts");

        // From outside (NodePort): no DNS, straight to the node port.
        w.run(&Step::Command {
            line: "kubectl patch svc nginx -p '{\"spec\":{\"type\":\"NodePort\"}}'".into(),
        });
        w.run(&Step::SendTraffic {
            from: TrafficSource::Outside,
            namespace: "default".into(),
            service: "nginx".into(),
            count: 5,
        });
        assert_eq!(w.flows.len(), 5);
        assert!(w
            .flows
            .iter()
            .all(|f| f.from == Source::Outside && !f.is_dns() && f.pod().is_some()));
    }
}

#[cfg(test)]
mod quoting_tests {
    use super::*;

    #[test]
    fn names_from_links_cannot_inject_commands() {
        let mut w = World::new(1);
        let r = w.run(&Step::KillPod {
            namespace: "default".into(),
            name: "x'; kubectl delete ns kube-system; echo '".into(),
        });
        assert_eq!(r.code, 1);
        assert!(w.cluster.get("Namespace", "", "kube-system").is_some());
        assert!(
            r.output.combined().contains("not found"),
            "{}",
            r.output.combined()
        );
    }
}

#[cfg(test)]
mod watch_tests {
    use super::*;

    fn command(w: &mut World, line: &str) {
        w.run(&Step::Command { line: line.into() });
    }

    /// In the page's live terminal `kubectl debug -it POD --image=busybox` leaves the
    /// terminal in the ephemeral container's shell: lines run there until `exit`, which
    /// ends the container and prints attach.go's reattach message.
    #[test]
    fn a_live_debug_shell_runs_lines_in_the_container_until_exit() {
        let mut w = World::new(1);
        w.terminal.live = true;
        command(&mut w, "kubectl run web --image=nginx:1.27");
        w.run(&Step::Advance { ms: 5_000 });
        let r = w.run(&Step::Command {
            line: "kubectl debug -it web --image=busybox --profile=general -c dbg".into(),
        });
        assert!(r.output.combined().ends_with("try pressing enter.\n"));
        assert!(w.terminal.attached.is_some());
        let r = w.run(&Step::Command {
            line: "wget -qO- localhost | grep title".into(),
        });
        assert_eq!(r.output.combined(), "<title>Welcome to nginx!</title>\n");
        let r = w.run(&Step::Command {
            line: "exit".into(),
        });
        assert!(r
            .output
            .combined()
            .starts_with("Session ended, the ephemeral container"));
        assert!(w.terminal.attached.is_none());
        let r = w.run(&Step::Command {
            line: "kubectl exec web -c dbg -- true".into(),
        });
        assert_eq!(
            r.output.combined(),
            "error: unable to upgrade connection: container not found (\"dbg\")\n"
        );
    }

    /// `kubectl debug node/NAME -it` in the page leaves the terminal in the debugging
    /// pod's shell; `chroot /host` enters the node's until its `exit`, where
    /// `iptables-save` shows kube-proxy's rules; the last `exit` ends the pod (restart
    /// policy Never: Completed, no reattach message).
    #[test]
    fn a_live_node_debug_shell_chroots_into_the_node() {
        let mut w = World::new(1);
        w.terminal.live = true;
        let r = w.run(&Step::Command {
            line: "kubectl debug node/kubeplay-worker -it --image=busybox --profile=general".into(),
        });
        assert!(r.output.combined().ends_with("try pressing enter.\n"));
        let at = w.terminal.attached.clone().expect("attached");
        assert!(at.session == crate::term::Session::NodeDebug && !at.chroot);
        // The page's clock runs while the learner types: the shell waits on its stdin.
        w.run(&Step::Advance { ms: 2_000 });
        command(&mut w, "chroot /host");
        assert!(w.terminal.attached.as_ref().is_some_and(|a| a.chroot));
        let r = w.run(&Step::Command {
            line: "iptables-save -t nat | grep -- '-A KUBE-SERVICES' | grep -c kubernetes:https"
                .into(),
        });
        assert_eq!(r.output.combined(), "1\n");
        assert!(w.terminal.notice.is_some());
        let r = w.run(&Step::Command {
            line: "hostname".into(),
        });
        assert_eq!(r.output.combined(), "kubeplay-worker\n");
        command(&mut w, "exit");
        assert!(w.terminal.attached.as_ref().is_some_and(|a| !a.chroot));
        let r = w.run(&Step::Command {
            line: "exit".into(),
        });
        assert_eq!(r.output.combined(), "");
        assert!(w.terminal.attached.is_none());
        w.run(&Step::Advance { ms: 2_000 });
        let r = w.run(&Step::Command {
            line: format!("kubectl get pod {} -o jsonpath={{.status.phase}}", at.pod),
        });
        assert_eq!(r.output.combined(), "Succeeded");
    }

    /// `docker exec -it NODE bash` in the page stays in the node's bash until `exit`,
    /// which bash echoes.
    #[test]
    fn a_live_docker_exec_shell_runs_on_the_node() {
        let mut w = World::new(1);
        w.terminal.live = true;
        let r = w.run(&Step::Command {
            line: "docker exec -it kubeplay-worker2 bash".into(),
        });
        assert_eq!(r.output.combined(), "");
        assert!(w
            .terminal
            .attached
            .as_ref()
            .is_some_and(|a| a.session == crate::term::Session::Docker));
        let r = w.run(&Step::Command {
            line: "hostname".into(),
        });
        assert_eq!(r.output.combined(), "kubeplay-worker2\n");
        let r = w.run(&Step::Command {
            line: "exit".into(),
        });
        assert_eq!(r.output.combined(), "exit\n");
        assert!(w.terminal.attached.is_none());
    }

    /// The page's live `get -w` sees every write of a step, not only the last: a pod
    /// created while it runs prints Pending (created), Pending (bound), then
    /// ContainerCreating (the kubelet's first status), as a real watch does.
    #[test]
    fn a_live_watch_prints_each_write_of_a_step() {
        let mut w = World::new(1);
        w.terminal.live = true;
        command(&mut w, "kubectl get pods -w");
        command(&mut w, "kubectl run web --image=nginx:1.27");
        let rows = w.terminal.poll_stream(&w.cluster);
        let statuses: Vec<&str> = rows
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().nth(2))
            .collect();
        assert_eq!(
            statuses,
            ["Pending", "Pending", "ContainerCreating"],
            "{rows}"
        );
        w.run(&Step::Advance { ms: 5_000 });
        let later = w.terminal.poll_stream(&w.cluster);
        assert!(later.contains("Running"), "{later}");
        // Once the watch ends the store stops keeping versions.
        w.terminal.interrupt();
        w.run(&Step::Advance { ms: 1_000 });
        assert!(w.cluster.store.versions().is_empty());
    }
}
