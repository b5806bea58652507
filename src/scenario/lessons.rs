//! The built-in lessons (LESSONS.md): each one a starting manifest, optional setup
//! steps, short guidance, the things the learner does and the checks the page shows
//! live. A check is a sequence of stages, each a pure function of the world after a
//! step (and what that step printed); the check passes once its stages were seen in
//! order. Progress is therefore a pure function of the scenario: replaying it gives
//! the same ticks.

use k8s_openapi::api::core::v1::{Endpoints, Pod, Service};

use super::world::{Setting, Step, World};
use crate::api::selector::{Labels, Selector};
use crate::api::Object;
use crate::cluster::Key;

/// What the world looks like right after one step.
pub struct Ctx<'a> {
    pub world: &'a World,
    pub step: &'a Step,
    /// What the step printed (terminal output, apply results, traffic counts).
    pub output: &'a str,
}

pub type Stage = fn(&Ctx) -> bool;

/// One thing the page verifies live.
pub struct Check {
    pub label: &'static str,
    /// Seen in this order, each after a later step than the one before.
    pub stages: &'static [Stage],
}

/// One thing the learner does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Do {
    /// Put this manifest into the editor and press Apply.
    Apply(&'static str),
    /// Type this command in the terminal.
    Command(&'static str),
    /// Flip a cluster setting (a button in the lesson panel).
    LoadBalancerOn,
    /// Let the clock run this many simulated milliseconds.
    Wait(i64),
}

pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    /// Short paragraphs, in our own words.
    pub guidance: &'static [&'static str],
    /// The editor's text when the lesson starts.
    pub manifest: &'static str,
    /// Run on a fresh cluster when the lesson loads (recorded like any step).
    pub setup: &'static [Do],
    /// What to do, in order (shown as a list; the tests follow it).
    pub todo: &'static [(&'static str, Do)],
    pub checks: &'static [Check],
}

/// How far the learner got with each check of a lesson.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Stages seen, per check.
    pub stages: Vec<usize>,
}

impl Progress {
    pub fn new(lesson: &Lesson) -> Progress {
        Progress {
            stages: vec![0; lesson.checks.len()],
        }
    }

    /// Looks at the world after one step; each check moves on by at most one stage.
    pub fn observe(&mut self, lesson: &Lesson, ctx: &Ctx) {
        self.stages.resize(lesson.checks.len(), 0);
        for (check, seen) in lesson.checks.iter().zip(self.stages.iter_mut()) {
            if let Some(stage) = check.stages.get(*seen) {
                if stage(ctx) {
                    *seen += 1;
                }
            }
        }
    }

    pub fn passed(&self, lesson: &Lesson, i: usize) -> bool {
        match (lesson.checks.get(i), self.stages.get(i)) {
            (Some(c), Some(s)) => *s >= c.stages.len(),
            _ => false,
        }
    }

    pub fn all_passed(&self, lesson: &Lesson) -> bool {
        (0..lesson.checks.len()).all(|i| self.passed(lesson, i))
    }
}

/// The step a `Do` stands for (the editor's Apply, a command, a setting, the clock).
pub fn do_step(d: &Do) -> Step {
    match d {
        Do::Apply(text) => Step::Apply {
            text: (*text).to_string(),
        },
        Do::Command(line) => Step::Command {
            line: (*line).to_string(),
        },
        Do::LoadBalancerOn => Step::Setting(Setting::LoadBalancerController(true)),
        Do::Wait(ms) => Step::Advance { ms: *ms },
    }
}

pub fn find(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

// ---- helpers the checks use -------------------------------------------------------

fn service<'a>(w: &'a World, name: &str) -> Option<&'a Service> {
    match w.cluster.store.get(&Key::new("Service", "default", name)) {
        Some(Object::Service(s)) => Some(s),
        _ => None,
    }
}

fn services(w: &World) -> impl Iterator<Item = &Service> {
    w.cluster
        .store
        .list_ns("Service", "default")
        .filter_map(|o| match o {
            Object::Service(s) => Some(&**s),
            _ => None,
        })
}

fn endpoints<'a>(w: &'a World, name: &str) -> Option<&'a Endpoints> {
    match w.cluster.store.get(&Key::new("Endpoints", "default", name)) {
        Some(Object::Endpoints(e)) => Some(e),
        _ => None,
    }
}

/// The ready endpoint IPs of a Service in `default`.
fn ready_ips(w: &World, name: &str) -> Vec<String> {
    endpoints(w, name)
        .and_then(|e| e.subsets.as_ref())
        .into_iter()
        .flatten()
        .flat_map(|s| s.addresses.iter().flatten())
        .map(|a| a.ip.clone())
        .collect()
}

fn not_ready_ips(w: &World, name: &str) -> Vec<String> {
    endpoints(w, name)
        .and_then(|e| e.subsets.as_ref())
        .into_iter()
        .flatten()
        .flat_map(|s| s.not_ready_addresses.iter().flatten())
        .map(|a| a.ip.clone())
        .collect()
}

/// The ports the endpoints of a Service point at.
fn endpoint_ports(w: &World, name: &str) -> Vec<i32> {
    endpoints(w, name)
        .and_then(|e| e.subsets.as_ref())
        .into_iter()
        .flatten()
        .flat_map(|s| s.ports.iter().flatten())
        .map(|p| p.port)
        .collect()
}

fn pods(w: &World) -> impl Iterator<Item = &Pod> {
    w.cluster
        .store
        .list_ns("Pod", "default")
        .filter_map(|o| match o {
            Object::Pod(p) => Some(&**p),
            _ => None,
        })
}

fn labels(p: &Pod) -> Labels {
    p.metadata.labels.clone().unwrap_or_default()
}

fn pod_ip(p: &Pod) -> Option<&str> {
    p.status.as_ref().and_then(|s| s.pod_ip.as_deref())
}

fn selector(s: &Service) -> Option<&Labels> {
    s.spec.as_ref().and_then(|sp| sp.selector.as_ref())
}

fn svc_type(s: &Service) -> &str {
    s.spec
        .as_ref()
        .and_then(|sp| sp.type_.as_deref())
        .unwrap_or("ClusterIP")
}

fn pods_of<'a>(w: &'a World, s: &Service) -> Vec<&'a Pod> {
    match selector(s) {
        Some(sel) if !sel.is_empty() => {
            let sel = Selector::from_map(sel);
            pods(w)
                .filter(|p| p.metadata.deletion_timestamp.is_none() && sel.matches(&labels(p)))
                .collect()
        }
        _ => Vec::new(),
    }
}

fn is_command(ctx: &Ctx) -> bool {
    matches!(ctx.step, Step::Command { .. })
}

fn command_line<'a>(ctx: &'a Ctx) -> &'a str {
    match ctx.step {
        Step::Command { line } => line,
        _ => "",
    }
}

const WELCOME: &str = "Welcome to nginx!";

/// Why a Service selects no pods: "Service nginx selects app=ngnix, but the pods are
/// labelled app=nginx", for every Service in `default` whose selector matches nothing
/// while some pod shares a label key with it.
pub fn selector_hints(w: &World) -> Vec<String> {
    let mut hints = Vec::new();
    for s in services(w) {
        let Some(sel) = selector(s) else { continue };
        if sel.is_empty() || !pods_of(w, s).is_empty() {
            continue;
        }
        let wanted: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut seen: Vec<String> = Vec::new();
        for p in pods(w) {
            for (k, v) in labels(p) {
                if sel.contains_key(&k) {
                    let lv = format!("{k}={v}");
                    if !wanted.contains(&lv) && !seen.contains(&lv) {
                        seen.push(lv);
                    }
                }
            }
        }
        if !seen.is_empty() {
            hints.push(format!(
                "Service {} selects {}, but no pod has that; pods are labelled {}.",
                s.metadata.name.as_deref().unwrap_or(""),
                wanted.join(","),
                seen.join(", ")
            ));
        }
    }
    hints
}

// ---- the checks -------------------------------------------------------------------

fn nginx_has_cluster_ip(c: &Ctx) -> bool {
    service(c.world, "nginx")
        .and_then(|s| s.spec.as_ref())
        .and_then(|sp| sp.cluster_ip.as_deref())
        .is_some_and(|ip| ip.starts_with("10.9") && ip != "None")
}

fn nginx_three_ready(c: &Ctx) -> bool {
    ready_ips(c.world, "nginx").len() == 3
}

/// An nginx pod's access log has a line from the IP of a pod that is not an nginx pod.
fn client_pod_reached_nginx(c: &Ctx) -> bool {
    let client_ips: Vec<&str> = pods(c.world)
        .filter(|p| labels(p).get("app").map(String::as_str) != Some("nginx"))
        .filter_map(pod_ip)
        .collect();
    c.world.cluster.net.logs.iter().any(|(key, lines)| {
        let is_nginx = matches!(
            c.world.cluster.store.get(key),
            Some(Object::Pod(p)) if labels(p).get("app").map(String::as_str) == Some("nginx")
        );
        is_nginx
            && lines.iter().any(|(_, l)| {
                l.split(' ')
                    .next()
                    .is_some_and(|ip| client_ips.contains(&ip))
            })
    })
}

/// A command fetched `http://nginx...` by name (not by IP) and got the welcome page.
fn used_dns_name(c: &Ctx) -> bool {
    let line = command_line(c);
    let by_name = ["http://nginx/", "http://nginx.default"]
        .iter()
        .any(|u| line.contains(u))
        || line.split_whitespace().any(|w| {
            let w = w.trim_matches(|ch| ch == '\'' || ch == '"');
            w == "http://nginx" || w == "nginx" || w.starts_with("nginx.default")
        });
    is_command(c) && by_name && c.output.contains(WELCOME)
}

/// The learner's machine got nginx's page from the control-plane node's NodePort (no
/// nginx pod ever runs there: the node is tainted).
fn nodeport_on_control_plane(c: &Ctx) -> bool {
    command_line(c).contains("172.18.0.2:30080") && c.output.contains(WELCOME)
}

fn lb_pending(c: &Ctx) -> bool {
    services(c.world).any(|s| svc_type(s) == "LoadBalancer" && external_ip(s).is_none())
}

fn lb_assigned(c: &Ctx) -> bool {
    services(c.world).any(|s| svc_type(s) == "LoadBalancer" && external_ip(s).is_some())
}

fn external_ip(s: &Service) -> Option<&str> {
    s.status
        .as_ref()
        .and_then(|st| st.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_ref())
        .and_then(|i| i.first())
        .and_then(|i| i.ip.as_deref())
}

fn externalname_cname(c: &Ctx) -> bool {
    services(c.world).any(|s| svc_type(s) == "ExternalName")
        && command_line(c).contains("nslookup")
        && c.output.contains("canonical name =")
}

/// Service `web` has endpoints, but on a port no container of its pods declares.
fn web_target_port_wrong(c: &Ctx) -> bool {
    let Some(s) = service(c.world, "web") else {
        return false;
    };
    let declared = declared_ports(&pods_of(c.world, s));
    let ports = endpoint_ports(c.world, "web");
    !ready_ips(c.world, "web").is_empty()
        && !declared.is_empty()
        && ports.iter().any(|p| !declared.contains(p))
}

fn web_target_port_right(c: &Ctx) -> bool {
    let Some(s) = service(c.world, "web") else {
        return false;
    };
    let declared = declared_ports(&pods_of(c.world, s));
    let ports = endpoint_ports(c.world, "web");
    !ready_ips(c.world, "web").is_empty()
        && !ports.is_empty()
        && ports.iter().all(|p| declared.contains(p))
}

fn declared_ports(pods: &[&Pod]) -> Vec<i32> {
    pods.iter()
        .filter_map(|p| p.spec.as_ref())
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| p.container_port)
        .collect()
}

fn nginx_selector_broken(c: &Ctx) -> bool {
    service(c.world, "nginx")
        .and_then(selector)
        .is_some_and(|sel| sel.get("app").map(String::as_str) == Some("ngnix"))
        && ready_ips(c.world, "nginx").is_empty()
}

fn nginx_has_endpoints(c: &Ctx) -> bool {
    !ready_ips(c.world, "nginx").is_empty()
}

/// An nginx pod is on its way out (killed from the diagram or `kubectl delete`).
fn nginx_pod_killed(c: &Ctx) -> bool {
    let deleting = pods(c.world).any(|p| {
        labels(p).get("app").map(String::as_str) == Some("nginx")
            && p.metadata.deletion_timestamp.is_some()
    });
    let killed = match c.step {
        Step::KillPod { name, .. } => name.starts_with("nginx"),
        Step::Command { line } => line.contains("delete") && line.contains("nginx"),
        _ => false,
    };
    deleting || (killed && c.output.contains("deleted"))
}

/// The replacement pod is ready: as many ready endpoints as the Deployment wants.
fn nginx_endpoints_back(c: &Ctx) -> bool {
    let want = match c
        .world
        .cluster
        .store
        .get(&Key::new("Deployment", "default", "nginx"))
    {
        Some(Object::Deployment(d)) => d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
        _ => return false,
    };
    let terminating = pods(c.world).any(|p| {
        labels(p).get("app").map(String::as_str) == Some("nginx")
            && p.metadata.deletion_timestamp.is_some()
    });
    !terminating && ready_ips(c.world, "nginx").len() == usize::try_from(want).unwrap_or(0)
}

fn response_lines(output: &str) -> Vec<&str> {
    output
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

fn both_versions_answered(c: &Ctx) -> bool {
    let lines = response_lines(c.output);
    is_command(c) && lines.contains(&"blue") && lines.contains(&"green")
}

fn only_green_answered(c: &Ctx) -> bool {
    let green_selected = service(c.world, "myapp")
        .and_then(selector)
        .is_some_and(|s| s.get("version").map(String::as_str) == Some("green"));
    let lines = response_lines(c.output);
    is_command(c)
        && green_selected
        && lines.iter().filter(|l| **l == "green").count() >= 2
        && !lines.contains(&"blue")
}

/// With `sessionAffinity: ClientIP`, at least three answers in one command (or one
/// "send traffic"), every one from the same pod.
fn affinity_sticks(c: &Ctx) -> bool {
    let affinity = services(c.world).any(|s| {
        s.spec
            .as_ref()
            .and_then(|sp| sp.session_affinity.as_deref())
            == Some("ClientIP")
    });
    if !affinity {
        return false;
    }
    let pod_names: Vec<String> = pods(c.world)
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    match c.step {
        Step::Command { .. } => {
            let lines = response_lines(c.output);
            lines.len() >= 3
                && pod_names.iter().any(|n| n == lines[0])
                && lines.iter().all(|l| *l == lines[0])
        }
        Step::SendTraffic { count, .. } => {
            let lines = response_lines(c.output);
            *count >= 3
                && lines.len() == 1
                && lines[0].split_once(' ').is_some_and(|(pod, n)| {
                    pod_names.iter().any(|p| p == pod) && n == count.to_string()
                })
        }
        _ => false,
    }
}

/// An `nslookup` of a headless Service answered with the IP of every ready pod behind it.
fn headless_resolved(c: &Ctx) -> bool {
    let line = command_line(c);
    if !line.contains("nslookup") {
        return false;
    }
    services(c.world).any(|s| {
        let headless = s.spec.as_ref().and_then(|sp| sp.cluster_ip.as_deref()) == Some("None");
        let name = s.metadata.name.as_deref().unwrap_or("");
        let ips = ready_ips(c.world, name);
        headless
            && !name.is_empty()
            && line.contains(name)
            && !ips.is_empty()
            && ips
                .iter()
                .all(|ip| c.output.contains(&format!("Address: {ip}")))
    })
}

/// A Service has a running pod that is not ready, and it is not a ready endpoint.
fn not_ready_excluded(c: &Ctx) -> bool {
    services(c.world).any(|s| {
        let name = s.metadata.name.as_deref().unwrap_or("");
        let not_ready = not_ready_ips(c.world, name);
        let ready = ready_ips(c.world, name);
        !not_ready.is_empty() && not_ready.iter().all(|ip| !ready.contains(ip))
    })
}

/// Every pod of the `ready` Deployment's Service is a ready endpoint.
fn all_ready_included(c: &Ctx) -> bool {
    let Some(s) = service(c.world, "web") else {
        return false;
    };
    let pods = pods_of(c.world, s);
    let ready = ready_ips(c.world, "web");
    !pods.is_empty()
        && not_ready_ips(c.world, "web").is_empty()
        && pods
            .iter()
            .all(|p| pod_ip(p).is_some_and(|ip| ready.iter().any(|r| r == ip)))
}

/// The learner's own objects exist in `default`.
fn has_own_objects(c: &Ctx) -> bool {
    own_objects(c.world) > 0
}

/// Only what a fresh cluster has is left in `default`: the `kubernetes` Service (and
/// its endpoints, the default ServiceAccount, ConfigMap and Events).
fn back_to_default(c: &Ctx) -> bool {
    own_objects(c.world) == 0
}

fn own_objects(w: &World) -> usize {
    ["Deployment", "ReplicaSet", "Pod", "Service", "Ingress"]
        .iter()
        .map(|kind| {
            w.cluster
                .store
                .list_ns(kind, "default")
                .filter(|o| !(*kind == "Service" && o.name() == "kubernetes"))
                .count()
        })
        .sum::<usize>()
}

// ---- the lessons --------------------------------------------------------------------

/// The nginx Deployment and its ClusterIP Service (lesson 1, and the page's default).
/// The lesson's manifest as a literal, so other manifests can extend it with `concat!`.
macro_rules! nginx_yaml {
    () => {
        "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  selector:
    app: nginx
  ports:
  - port: 80
    targetPort: 80
"
    };
}

pub const NGINX: &str = nginx_yaml!();

const DEBUG_POD: &str = "kubectl run debug --image=alpine --restart=Never -- sleep 3600";

const NODEPORT: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  type: NodePort
  selector:
    app: nginx
  ports:
  - port: 80
    targetPort: 80
    nodePort: 30080
";

const LOADBALANCER: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  type: LoadBalancer
  selector:
    app: nginx
  ports:
  - port: 80
    targetPort: 80
    nodePort: 30080
";

const EXTERNALNAME: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: docs
spec:
  type: ExternalName
  externalName: kubernetes.io
";

const WEB_BROKEN: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [\"netexec\", \"--http-port=8080\"]
        ports:
        - name: http
          containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80   # wrong: the app listens on 8080
";

const WEB_FIXED: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [\"netexec\", \"--http-port=8080\"]
        ports:
        - name: http
          containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: http   # the container port's name
";

const NGINX_TYPO: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  selector:
    app: ngnix   # a typo on purpose
  ports:
  - port: 80
    targetPort: 80
";

const BLUE_GREEN: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: blue
spec:
  replicas: 2
  selector:
    matchLabels: {app: myapp, version: blue}
  template:
    metadata:
      labels: {app: myapp, version: blue}
    spec:
      containers:
      - name: echo
        image: hashicorp/http-echo:1.0
        args: [\"-text=blue\"]
        ports:
        - containerPort: 5678
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: green
spec:
  replicas: 2
  selector:
    matchLabels: {app: myapp, version: green}
  template:
    metadata:
      labels: {app: myapp, version: green}
    spec:
      containers:
      - name: echo
        image: hashicorp/http-echo:1.0
        args: [\"-text=green\"]
        ports:
        - containerPort: 5678
---
apiVersion: v1
kind: Service
metadata:
  name: myapp
spec:
  selector:
    app: myapp
  ports:
  - port: 80
    targetPort: 5678
";

const GREEN_ONLY: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: myapp
spec:
  selector:
    app: myapp
    version: green
  ports:
  - port: 80
    targetPort: 5678
";

const HOSTNAMES: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hostnames
spec:
  replicas: 3
  selector:
    matchLabels:
      app: hostnames
  template:
    metadata:
      labels:
        app: hostnames
    spec:
      containers:
      - name: hostnames
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [\"serve-hostname\"]
        ports:
        - containerPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: hostnames
spec:
  selector:
    app: hostnames
  ports:
  - port: 80
    targetPort: 9376
";

const HOSTNAMES_STICKY: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: hostnames
spec:
  selector:
    app: hostnames
  sessionAffinity: ClientIP
  ports:
  - port: 80
    targetPort: 9376
";

const HEADLESS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - name: http
          containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: nginx-headless
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - name: http
    port: 80
    targetPort: http
";

const READY_BROKEN: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
        readinessProbe:
          httpGet:
            path: /healthz   # nginx has no such page: 404
            port: 80
          periodSeconds: 2
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
";

const READY_FIXED: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
        readinessProbe:
          httpGet:
            path: /
            port: 80
          periodSeconds: 2
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
";

const WITH_INGRESS: &str = concat!(
    nginx_yaml!(),
    "\
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: nginx
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: nginx
            port:
              number: 80
"
);

/// Long enough for pods to pull, start and pass a readiness probe.
const SETTLE: i64 = 10_000;

pub static LESSONS: &[Lesson] = &[
    Lesson {
        id: "clusterip",
        title: "1. Your first Service (ClusterIP)",
        guidance: &[
            "Pods come and go, and each new pod gets a new IP. A Service gives them one stable address: a virtual IP (the ClusterIP) and a DNS name, in front of whichever pods match its selector right now.",
            "Press Apply to create three nginx pods and a Service that selects app=nginx. Then look at the Service and its endpoints in the terminal.",
            "You should see a ClusterIP from 10.96.0.0/12 and three endpoints, one per pod. Inside the cluster the Service is also nginx.default.svc.cluster.local.",
        ],
        manifest: NGINX,
        setup: &[],
        todo: &[
            ("Press Apply", Do::Apply(NGINX)),
            ("Wait for the pods to start", Do::Wait(SETTLE)),
            ("kubectl get svc nginx", Do::Command("kubectl get svc nginx")),
            ("kubectl get endpoints nginx", Do::Command("kubectl get endpoints nginx")),
        ],
        checks: &[
            Check {
                label: "Service nginx has a ClusterIP",
                stages: &[nginx_has_cluster_ip],
            },
            Check {
                label: "Service nginx has 3 ready endpoints",
                stages: &[nginx_three_ready],
            },
        ],
    },
    Lesson {
        id: "pod-to-pod",
        title: "2. Pod to pod through the Service",
        guidance: &[
            "nginx is already running behind its Service. Start a client pod and call the Service by its name from inside it.",
            "The pod's resolver expands the short name nginx with its search list (default.svc.cluster.local, ...) to the ClusterIP; kube-proxy then sends each new connection to one of the nginx pods.",
            "From another namespace the short name fails: use nginx.default or the full name.",
        ],
        manifest: NGINX,
        setup: &[Do::Apply(NGINX), Do::Wait(SETTLE)],
        todo: &[
            ("Start a client pod", Do::Command(DEBUG_POD)),
            ("Wait for it to start", Do::Wait(SETTLE)),
            (
                "Call the Service by name",
                Do::Command("kubectl exec debug -- wget -qO- http://nginx"),
            ),
        ],
        checks: &[
            Check {
                label: "a request from the client pod reached an nginx pod",
                stages: &[client_pod_reached_nginx],
            },
            Check {
                label: "the request used the Service's DNS name",
                stages: &[used_dns_name],
            },
        ],
    },
    Lesson {
        id: "service-types",
        title: "3. The four Service types",
        guidance: &[
            "ClusterIP is reachable only inside the cluster. NodePort also opens a port (30000-32767) on every node's IP - even a node with no nginx pod on it.",
            "LoadBalancer asks for an external load balancer. On kind or minikube EXTERNAL-IP stays <pending> until something like MetalLB or minikube tunnel hands one out: here, the load-balancer controller button does that.",
            "ExternalName is only a DNS alias (a CNAME) to an outside name; nothing is proxied.",
        ],
        manifest: NODEPORT,
        setup: &[Do::Apply(NGINX), Do::Command(DEBUG_POD), Do::Wait(SETTLE)],
        todo: &[
            ("Apply the NodePort Service", Do::Apply(NODEPORT)),
            (
                "Call the control-plane node (no nginx pod there) from your machine",
                Do::Command("curl -s http://172.18.0.2:30080"),
            ),
            ("Change the type to LoadBalancer and Apply", Do::Apply(LOADBALANCER)),
            ("See EXTERNAL-IP <pending>", Do::Command("kubectl get svc nginx")),
            ("Turn on the load-balancer controller", Do::LoadBalancerOn),
            ("See the external IP", Do::Command("kubectl get svc nginx")),
            ("Apply an ExternalName Service", Do::Apply(EXTERNALNAME)),
            (
                "Look it up from the client pod",
                Do::Command("kubectl exec debug -- nslookup docs"),
            ),
        ],
        checks: &[
            Check {
                label: "NodePort 30080 answers on a node without an nginx pod",
                stages: &[nodeport_on_control_plane],
            },
            Check {
                label: "LoadBalancer pending, then assigned an external IP",
                stages: &[lb_pending, lb_assigned],
            },
            Check {
                label: "the ExternalName Service answers with a CNAME",
                stages: &[externalname_cname],
            },
        ],
    },
    Lesson {
        id: "ports",
        title: "4. port, targetPort, nodePort",
        guidance: &[
            "port is what clients call on the Service; targetPort is the container's port (a number or its name); nodePort is the port on every node. They are often equal, but never have to be.",
            "This app listens on 8080, but the Service sends traffic to port 80. The endpoints still exist - yet every connection is refused.",
            "Fix targetPort (8080, or better the port's name http), Apply, and call it again.",
        ],
        manifest: WEB_BROKEN,
        setup: &[Do::Command(DEBUG_POD)],
        todo: &[
            ("Apply the broken Service", Do::Apply(WEB_BROKEN)),
            ("Wait for the pods to start", Do::Wait(SETTLE)),
            (
                "Call it: connection refused",
                Do::Command("kubectl exec debug -- wget -qO- -T 2 http://web/hostname"),
            ),
            ("Set targetPort: http and Apply", Do::Apply(WEB_FIXED)),
            (
                "Call it again",
                Do::Command("kubectl exec debug -- wget -qO- -T 2 http://web/hostname"),
            ),
        ],
        checks: &[Check {
            label: "the wrong targetPort was fixed",
            stages: &[web_target_port_wrong, web_target_port_right],
        }],
    },
    Lesson {
        id: "selectors",
        title: "5. How selectors find pods",
        guidance: &[
            "A Service's selector is matched against pod labels - the labels in the Deployment's pod template, not the Deployment's own.",
            "This Service has a typo on purpose: it selects app=ngnix, so it has no endpoints. Fix it and Apply.",
            "Then kill an nginx pod (click it in the diagram, or use kubectl delete) and watch the endpoints move to its replacement.",
        ],
        manifest: NGINX_TYPO,
        setup: &[],
        todo: &[
            ("Apply", Do::Apply(NGINX_TYPO)),
            ("Wait for the pods to start", Do::Wait(SETTLE)),
            ("No endpoints", Do::Command("kubectl get endpoints nginx")),
            ("Fix the selector to app: nginx and Apply", Do::Apply(NGINX)),
            (
                "Kill one nginx pod",
                Do::Command(
                    "kubectl delete $(kubectl get pods -l app=nginx -o name | head -n 1) --wait=false",
                ),
            ),
            ("Wait for the replacement", Do::Wait(SETTLE)),
            ("See the new endpoints", Do::Command("kubectl get endpoints nginx")),
        ],
        checks: &[
            Check {
                label: "the broken selector was fixed",
                stages: &[nginx_selector_broken, nginx_has_endpoints],
            },
            Check {
                label: "endpoints changed after a pod was killed",
                stages: &[nginx_has_endpoints, nginx_pod_killed, nginx_endpoints_back],
            },
        ],
    },
    Lesson {
        id: "blue-green",
        title: "6. One Service, two Deployments (blue-green)",
        guidance: &[
            "Two Deployments, blue and green, both label their pods app=myapp. The Service selects only app=myapp, so it serves both.",
            "Call it a few times from the client pod: some answers say blue, some green.",
            "Now add version: green to the Service's selector and Apply: all traffic switches to green at once.",
        ],
        manifest: BLUE_GREEN,
        setup: &[Do::Command(DEBUG_POD)],
        todo: &[
            ("Apply", Do::Apply(BLUE_GREEN)),
            ("Wait for the pods to start", Do::Wait(SETTLE)),
            (
                "Call it ten times",
                Do::Command(
                    "kubectl exec debug -- sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://myapp; done'",
                ),
            ),
            ("Select version: green and Apply", Do::Apply(GREEN_ONLY)),
            (
                "Call it ten times again",
                Do::Command(
                    "kubectl exec debug -- sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://myapp; done'",
                ),
            ),
        ],
        checks: &[Check {
            label: "both versions answered, then only green",
            stages: &[both_versions_answered, only_green_answered],
        }],
    },
    Lesson {
        id: "affinity",
        title: "7. Load balancing and session affinity",
        guidance: &[
            "In iptables mode kube-proxy picks a backend at random for every new connection (IPVS can round-robin). These pods answer with their own name, so you can see who served you.",
            "sessionAffinity: ClientIP keeps one client on one pod (for 10800 s by default). Add it, Apply, and call again: every answer comes from the same pod.",
        ],
        manifest: HOSTNAMES,
        setup: &[Do::Command(DEBUG_POD)],
        todo: &[
            ("Apply", Do::Apply(HOSTNAMES)),
            ("Wait for the pods to start", Do::Wait(SETTLE)),
            (
                "Call it six times",
                Do::Command(
                    "kubectl exec debug -- sh -c 'for i in 1 2 3 4 5 6; do wget -qO- http://hostnames; echo; done'",
                ),
            ),
            ("Add sessionAffinity: ClientIP and Apply", Do::Apply(HOSTNAMES_STICKY)),
            (
                "Call it six times again",
                Do::Command(
                    "kubectl exec debug -- sh -c 'for i in 1 2 3 4 5 6; do wget -qO- http://hostnames; echo; done'",
                ),
            ),
        ],
        checks: &[Check {
            label: "with affinity, all requests from one client reached one pod",
            stages: &[affinity_sticks],
        }],
    },
    Lesson {
        id: "headless",
        title: "8. Headless Services and DNS",
        guidance: &[
            "clusterIP: None makes a headless Service: no virtual IP, and DNS answers with the IPs of the ready pods themselves.",
            "Clients that must reach one particular replica (databases) use this; with hostname and subdomain each pod also gets its own name.",
            "Look the headless name up from the client pod and compare with kubectl get pods -o wide.",
        ],
        manifest: HEADLESS,
        setup: &[Do::Command(DEBUG_POD)],
        todo: &[
            ("Apply", Do::Apply(HEADLESS)),
            ("Wait for the pods to start", Do::Wait(SETTLE)),
            (
                "Look up the headless name",
                Do::Command("kubectl exec debug -- nslookup nginx-headless"),
            ),
            ("Compare with the pod IPs", Do::Command("kubectl get pods -o wide")),
        ],
        checks: &[Check {
            label: "the headless name resolved to the pod IPs",
            stages: &[headless_resolved],
        }],
    },
    Lesson {
        id: "readiness",
        title: "9. Readiness",
        guidance: &[
            "A pod that runs but is not ready is not a (ready) endpoint: the Service sends it no traffic.",
            "This readiness probe asks nginx for /healthz, which nginx does not have (404), so the pods stay 0/1. Look at the endpoints.",
            "Change the probe's path to / and Apply: new pods become ready and join the endpoints.",
        ],
        manifest: READY_BROKEN,
        setup: &[],
        todo: &[
            ("Apply", Do::Apply(READY_BROKEN)),
            ("Wait for the probes", Do::Wait(SETTLE)),
            ("The pods stay 0/1", Do::Command("kubectl get pods")),
            ("Fix the probe's path and Apply", Do::Apply(READY_FIXED)),
            ("Wait for the rollout", Do::Wait(30_000)),
            ("See the endpoints", Do::Command("kubectl get endpoints web")),
        ],
        checks: &[Check {
            label: "not-ready pods were excluded, then included after the fix",
            stages: &[not_ready_excluded, all_ready_included],
        }],
    },
    Lesson {
        id: "cleanup",
        title: "10. Services vs Ingress, and cleaning up",
        guidance: &[
            "A Service works at L4 (TCP/UDP): an IP and a port. An Ingress adds HTTP routing by host and path; the playground stores Ingresses but does not simulate an ingress controller.",
            "Apply, then clean up everything you created and watch the pods go. On a real cluster kubectl delete -f nginx.yaml does it in one go.",
        ],
        manifest: WITH_INGRESS,
        setup: &[],
        todo: &[
            ("Apply", Do::Apply(WITH_INGRESS)),
            ("Wait for the pods to start", Do::Wait(SETTLE)),
            (
                "Delete what you created",
                Do::Command("kubectl delete ingress,service,deployment nginx"),
            ),
            ("Wait for the pods to go", Do::Wait(SETTLE)),
            ("Only the defaults are left", Do::Command("kubectl get all")),
        ],
        checks: &[Check {
            label: "the cluster is back to its default objects",
            stages: &[has_own_objects, back_to_default],
        }],
    },
];
