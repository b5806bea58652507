//! kube-proxy model tests: routing only ever reaches ready endpoints of the Service
//! (checked by brute force against the store), affinity sticks, endpoint choice is
//! uniform (chi-square, with a biased picker shown to fail the same test), ipvs
//! round-robins, and each Service type/traffic policy answers as REFERENCE.md section 5 says.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::api::Selector;
use crate::cluster::controllers::is_pod_ready;
use crate::term::Terminal;

pub(crate) fn setup(seed: u64, manifests: &str) -> (Cluster, Terminal) {
    let mut c = Cluster::new(seed);
    let mut t = Terminal::new();
    let (out, code) = t.run(
        &mut c,
        &format!("kubectl apply -f - <<EOF\n{manifests}\nEOF"),
    );
    assert_eq!(code, 0, "{}", out.combined());
    c.advance(60_000);
    (c, t)
}

fn deployment(
    name: &str,
    replicas: u32,
    labels: &str,
    image: &str,
    args: &str,
    extra: &str,
) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {labels}\n  template:\n    metadata:\n      labels: {labels}\n    spec:\n      containers:\n      - name: c\n        image: {image}\n        args: {args}\n{extra}---\n"
    )
}

const DEBUG: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n  - name: debug\n    image: alpine\n    command: [sleep, \"3600\"]\n---\n";

fn netexec(name: &str, replicas: u32, labels: &str) -> String {
    deployment(
        name,
        replicas,
        labels,
        "registry.k8s.io/e2e-test-images/agnhost:2.39",
        "[netexec, --http-port=8080]",
        "",
    )
}

fn service(name: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector: {{app: web}}\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n{extra_spec}---\n"
    )
}

fn cluster_ip(c: &Cluster, name: &str) -> String {
    match c.get("Service", "default", name) {
        Some(Object::Service(s)) => s
            .spec
            .as_ref()
            .and_then(|sp| sp.cluster_ip.clone())
            .unwrap_or_default(),
        _ => panic!("no service {name}"),
    }
}

fn debug() -> Source {
    Source::Pod(Key::new("Pod", "default", "debug"))
}

fn reached(conn: &Connection) -> Option<Key> {
    match &conn.outcome {
        Outcome::Connected(Peer {
            kind: PeerKind::Pod(k),
            ..
        }) => Some(k.clone()),
        _ => None,
    }
}

/// Brute force over the store: pods in the namespace whose labels match the selector and are Ready.
fn ready_backends(c: &Cluster, selector: &str) -> BTreeSet<Key> {
    let sel = Selector::parse(selector).expect("selector");
    c.store
        .list_ns("Pod", "default")
        .filter_map(|o| match o {
            Object::Pod(p)
                if p.metadata.labels.as_ref().is_some_and(|l| sel.matches(l))
                    && is_pod_ready(p) =>
            {
                Some(Key::of(o))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn clusterip_reaches_only_ready_endpoints_of_the_service() {
    let not_ready = deployment(
        "broken",
        2,
        "{app: web, flavour: broken}",
        "registry.k8s.io/e2e-test-images/agnhost:2.39",
        "[netexec, --http-port=8080]",
        // netexec answers every path (ServeMux "/"): a code from /echo fails the probe.
        "        readinessProbe:\n          httpGet:\n            path: /echo?code=500\n            port: 8080\n",
    );
    let m = format!(
        "{}{}{}{}{}",
        netexec("web", 3, "{app: web}"),
        netexec("other", 2, "{app: other}"),
        not_ready,
        service("web", ""),
        DEBUG
    );
    let (mut c, _) = setup(7, &m);
    let expected = ready_backends(&c, "app=web");
    assert_eq!(expected.len(), 3, "the broken pods must not be ready");
    let ip = cluster_ip(&c, "web");
    let mut seen = BTreeSet::new();
    for _ in 0..600 {
        let conn = connect(&mut c, &debug(), &ip, 80, Proto::Tcp);
        let k = reached(&conn).expect("connected");
        assert!(expected.contains(&k), "{k:?} is not a ready endpoint");
        assert!(conn
            .trace
            .iter()
            .any(|h| matches!(h, Hop::Dnat { to_port: 8080, .. })));
        seen.insert(k);
    }
    assert_eq!(seen, expected);
    // Undeclared port: matches no rule and times out. Wrong protocol likewise.
    assert_eq!(
        connect(&mut c, &debug(), &ip, 8080, Proto::Tcp).outcome,
        Outcome::TimedOut
    );
    assert_eq!(
        connect(&mut c, &debug(), &ip, 80, Proto::Udp).outcome,
        Outcome::TimedOut
    );
    // From outside the cluster the ClusterIP is not routed.
    assert_eq!(
        connect(&mut c, &Source::Outside, &ip, 80, Proto::Tcp).outcome,
        Outcome::TimedOut
    );
}

#[test]
fn no_endpoints_is_refused_and_terminating_serving_fallback() {
    let m = format!("{}{}", service("web", ""), DEBUG);
    let (mut c, _) = setup(3, &m);
    let ip = cluster_ip(&c, "web");
    let conn = connect(&mut c, &debug(), &ip, 80, Proto::Tcp);
    assert_eq!(conn.outcome, Outcome::Refused);
    assert!(conn.trace.iter().any(
        |h| matches!(h, Hop::Reject { reason } if reason == "default/web:http has no endpoints")
    ));
}

#[test]
fn session_affinity_client_ip_sticks_until_timeout() {
    let m = format!(
        "{}{}{}",
        netexec("web", 3, "{app: web}"),
        service("web", "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 60\n"),
        DEBUG
    );
    let (mut c, _) = setup(11, &m);
    let ip = cluster_ip(&c, "web");
    let mut firsts = BTreeSet::new();
    for _round in 0..20 {
        let first = reached(&connect(&mut c, &debug(), &ip, 80, Proto::Tcp)).expect("connected");
        for _ in 0..30 {
            c.advance(1000); // within the timeout, refreshed on each use
            assert_eq!(
                reached(&connect(&mut c, &debug(), &ip, 80, Proto::Tcp)).as_ref(),
                Some(&first)
            );
        }
        firsts.insert(first);
        c.advance(61_000); // idle past the timeout: a new choice
    }
    assert!(
        firsts.len() > 1,
        "after the timeout the choice is made afresh"
    );
    // Another client is not bound by debug's affinity.
    let node = c
        .store
        .list("Node")
        .map(|o| o.name().to_string())
        .nth(1)
        .expect("node");
    let mut other = BTreeSet::new();
    for _ in 0..60 {
        c.advance(61_000);
        other.extend(reached(&connect(
            &mut c,
            &Source::Node(node.clone()),
            &ip,
            80,
            Proto::Tcp,
        )));
    }
    assert!(other.len() > 1);
}

/// Pearson's chi-square statistic of counts against a uniform expectation.
fn chi_square(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    let e = total as f64 / counts.len() as f64;
    counts.iter().map(|&o| (o as f64 - e).powi(2) / e).sum()
}

/// Uniform at p = 0.001 for 4 degrees of freedom (critical value 18.467).
fn looks_uniform(counts: &[u64]) -> bool {
    assert_eq!(counts.len(), 5);
    chi_square(counts) < 18.467
}

#[test]
fn iptables_choice_is_uniform_and_a_biased_picker_fails_the_same_test() {
    for seed in [1u64, 2, 3, 4, 5] {
        let m = format!(
            "{}{}{}",
            netexec("web", 5, "{app: web}"),
            service("web", ""),
            DEBUG
        );
        let (mut c, _) = setup(seed, &m);
        let ip = cluster_ip(&c, "web");
        let mut counts: BTreeMap<Key, u64> = BTreeMap::new();
        for _ in 0..10_000 {
            let k = reached(&connect(&mut c, &debug(), &ip, 80, Proto::Tcp)).expect("connected");
            *counts.entry(k).or_default() += 1;
        }
        let v: Vec<u64> = counts.values().copied().collect();
        assert_eq!(v.len(), 5);
        assert!(
            looks_uniform(&v),
            "seed {seed}: {v:?} chi2={}",
            chi_square(&v)
        );
        // The same test on a picker that favours the first endpoint by 5 points.
        let mut biased = [0u64; 5];
        for _ in 0..10_000 {
            let i = if c.rand_unit() < 0.05 {
                0
            } else {
                c.rand_below(5) as usize
            };
            biased[i] += 1;
        }
        assert!(
            !looks_uniform(&biased),
            "seed {seed}: biased {biased:?} passed"
        );
    }
}

#[test]
fn ipvs_round_robins_and_answers_ping() {
    let m = format!(
        "{}{}{}",
        netexec("web", 3, "{app: web}"),
        service("web", ""),
        DEBUG
    );
    let (mut c, _) = setup(5, &m);
    let ip = cluster_ip(&c, "web");
    assert!(
        ping(&c, &debug(), &ip).is_none(),
        "iptables: the ClusterIP does not answer ICMP"
    );
    c.settings.proxy_mode = ProxyMode::Ipvs;
    assert!(ping(&c, &debug(), &ip).is_some());
    let seq: Vec<Key> = (0..9)
        .map(|_| reached(&connect(&mut c, &debug(), &ip, 80, Proto::Tcp)).expect("connected"))
        .collect();
    for i in 3..9 {
        assert_eq!(seq[i], seq[i - 3], "round robin repeats with period 3");
    }
    let distinct: BTreeSet<&Key> = seq[..3].iter().collect();
    assert_eq!(distinct.len(), 3);
}

fn node_ips(c: &Cluster) -> Vec<(String, String)> {
    c.store
        .list("Node")
        .map(|o| {
            (
                o.name().to_string(),
                kubelet::node_ip(c, o.name()).unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn nodeport_on_every_node_and_external_traffic_policy_local() {
    let m = format!(
        "{}{}{}",
        netexec("web", 1, "{app: web}"),
        service("web", "  type: NodePort\n"),
        service(
            "local",
            "  type: NodePort\n  externalTrafficPolicy: Local\n"
        )
        .replace("name: local", "name: local-web")
    );
    let (mut c, _) = setup(9, &m);
    let np = |c: &Cluster, name: &str| match c.get("Service", "default", name) {
        Some(Object::Service(s)) => s
            .spec
            .as_ref()
            .and_then(|sp| sp.ports.as_ref())
            .and_then(|p| p[0].node_port)
            .unwrap_or(0),
        _ => 0,
    };
    let (p_cluster, p_local) = (np(&c, "web"), np(&c, "local-web"));
    assert!(p_cluster >= 30000 && p_local >= 30000);
    let web_node = c
        .store
        .list_ns("Pod", "default")
        .find_map(|o| match o {
            Object::Pod(p) => pod_node(p).map(str::to_string),
            _ => None,
        })
        .expect("pod node");
    for (node, ip) in node_ips(&c) {
        let conn = connect(&mut c, &Source::Outside, &ip, p_cluster, Proto::Tcp);
        match conn.outcome {
            Outcome::Connected(peer) => {
                assert_eq!(peer.client_ip, ip, "Cluster policy SNATs to the node")
            }
            o => panic!("{node}: {o:?}"),
        }
        let conn = connect(&mut c, &Source::Outside, &ip, p_local, Proto::Tcp);
        if node == web_node {
            match conn.outcome {
                Outcome::Connected(peer) => {
                    assert_eq!(peer.client_ip, OUTSIDE_IP, "Local keeps the client IP")
                }
                o => panic!("{node}: {o:?}"),
            }
        } else {
            assert_eq!(
                conn.outcome,
                Outcome::TimedOut,
                "{node} has no local endpoint"
            );
        }
        // A port no Service allocated: the node answers RST.
        assert_eq!(
            connect(&mut c, &Source::Outside, &ip, 31999, Proto::Tcp).outcome,
            Outcome::Refused
        );
    }
}

#[test]
fn internal_traffic_policy_local_drops_without_local_endpoint() {
    let m = format!(
        "{}{}{}",
        netexec("web", 1, "{app: web}"),
        service("web", "  internalTrafficPolicy: Local\n"),
        DEBUG
    );
    let (mut c, _) = setup(21, &m);
    let ip = cluster_ip(&c, "web");
    let web_node = c
        .store
        .list_ns("Pod", "default")
        .find_map(|o| match o {
            Object::Pod(p) if o.name().starts_with("web-") => pod_node(p).map(str::to_string),
            _ => None,
        })
        .expect("web node");
    for (node, _) in node_ips(&c) {
        let out = connect(&mut c, &Source::Node(node.clone()), &ip, 80, Proto::Tcp).outcome;
        if node == web_node {
            assert!(matches!(out, Outcome::Connected(_)));
        } else {
            assert_eq!(out, Outcome::TimedOut);
        }
    }
}

#[test]
fn load_balancer_pending_then_assigned_by_the_controller() {
    let m = format!(
        "{}{}",
        netexec("web", 2, "{app: web}"),
        service("web", "  type: LoadBalancer\n")
    );
    let (mut c, _) = setup(4, &m);
    let ingress = |c: &Cluster| match c.get("Service", "default", "web") {
        Some(Object::Service(s)) => s
            .status
            .as_ref()
            .and_then(|st| st.load_balancer.as_ref())
            .and_then(|lb| lb.ingress.as_ref())
            .and_then(|i| i.first())
            .and_then(|i| i.ip.clone()),
        _ => None,
    };
    assert_eq!(ingress(&c), None, "no controller by default: <pending>");
    c.settings.load_balancer_controller = true;
    c.apply_settings();
    c.advance(5_000);
    let Some(lb) = ingress(&c) else { return };
    assert!(matches!(
        connect(&mut c, &Source::Outside, &lb, 80, Proto::Tcp).outcome,
        Outcome::Connected(_)
    ));
    assert_eq!(
        connect(&mut c, &Source::Outside, &lb, 81, Proto::Tcp).outcome,
        Outcome::TimedOut
    );
}

#[test]
fn pods_refuse_ports_nothing_listens_on_and_probes_use_the_apps() {
    let m = format!("{}{}", netexec("web", 1, "{app: web}"), DEBUG);
    let (mut c, _) = setup(8, &m);
    let (key, ip) = c
        .store
        .list_ns("Pod", "default")
        .find_map(|o| match o {
            Object::Pod(p) if o.name().starts_with("web-") => {
                Some((Key::of(o), pod_ip(p)?.to_string()))
            }
            _ => None,
        })
        .expect("web pod");
    assert_eq!(
        connect(&mut c, &debug(), &ip, 8080, Proto::Tcp)
            .outcome
            .clone(),
        {
            let Outcome::Connected(p) = connect(&mut c, &debug(), &ip, 8080, Proto::Tcp).outcome
            else {
                panic!()
            };
            Outcome::Connected(p)
        }
    );
    assert_eq!(
        connect(&mut c, &debug(), &ip, 80, Proto::Tcp).outcome,
        Outcome::Refused
    );
    assert!(matches!(
        connect(&mut c, &debug(), &ip, 8081, Proto::Udp).outcome,
        Outcome::Connected(_)
    ));
    // debug (alpine sleep) listens on nothing.
    let dip = c.get("Pod", "default", "debug").and_then(|o| match o {
        Object::Pod(p) => pod_ip(p).map(str::to_string),
        _ => None,
    });
    assert_eq!(
        connect(
            &mut c,
            &Source::Pod(key),
            &dip.unwrap_or_default(),
            80,
            Proto::Tcp
        )
        .outcome,
        Outcome::Refused
    );
}

#[test]
fn ping_replies_lose_one_ttl_per_forwarding_node() {
    let m = format!("{}{}", netexec("web", 4, "{app: web}"), DEBUG);
    let (c, _) = setup(3, &m);
    let node = |p: &Pod| p.spec.as_ref().and_then(|s| s.node_name.clone());
    let pods: Vec<&Pod> = c
        .store
        .list_ns("Pod", "default")
        .filter_map(|o| match o {
            Object::Pod(p) => Some(&**p),
            _ => None,
        })
        .collect();
    let debug_pod = pods
        .iter()
        .find(|p| p.metadata.name.as_deref() == Some("debug"))
        .expect("debug pod");
    let here = node(debug_pod);
    let mut seen = (false, false);
    for p in pods
        .iter()
        .filter(|p| p.metadata.name.as_deref() != Some("debug"))
    {
        let ip = pod_ip(p).expect("pod IP").to_string();
        let same_node = node(p) == here;
        let want = if same_node { 63 } else { 62 };
        assert_eq!(
            ping(&c, &debug(), &ip),
            Some(want),
            "pod on same node: {same_node}"
        );
        if same_node {
            seen.0 = true
        } else {
            seen.1 = true
        }
    }
    assert!(seen.1, "some web pod runs on another node");
    for n in c.store.list("Node") {
        let Object::Node(nd) = n else { continue };
        let ip = nd
            .status
            .as_ref()
            .and_then(|s| s.addresses.as_ref())
            .and_then(|a| a.first())
            .map(|a| a.address.clone())
            .expect("node IP");
        let want = if nd.metadata.name == here { 64 } else { 63 };
        assert_eq!(ping(&c, &debug(), &ip), Some(want));
    }
}

#[test]
fn nginx_reports_the_kernel_its_node_runs() {
    let c = Cluster::new(1);
    let Some(Object::Node(node)) = c.store.list("Node").next() else {
        panic!("no node");
    };
    let kernel = node
        .status
        .as_ref()
        .and_then(|s| s.node_info.as_ref())
        .map(|i| i.kernel_version.clone())
        .expect("kernelVersion");
    let ct = k8s_openapi::api::core::v1::Container {
        name: "web".into(),
        image: Some("nginx:1.27".into()),
        ..Default::default()
    };
    let log = apps::startup_log(&ct, 0).join("\n");
    assert!(log.contains(&format!("OS: Linux {kernel}")), "{log}");
}

#[test]
fn the_bootcamp_app_answers_and_logs_each_request() {
    // server.js of gcr.io/google-samples/kubernetes-bootcamp:v1 (the Kubernetes Basics
    // tutorial): every request gets the hostname and version, and a log line.
    let mut c = Cluster::new(1);
    let mut t = Terminal::new();
    let run = |t: &mut Terminal, c: &mut Cluster, line: &str| {
        let (out, code) = t.run(c, line);
        assert_eq!(code, 0, "{line}: {}", out.combined());
        out.stdout_text()
    };
    run(
        &mut t,
        &mut c,
        "kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1",
    );
    c.advance(10_000);
    let pod = run(&mut t, &mut c, "kubectl get pods -o name")
        .trim()
        .trim_start_matches("pod/")
        .to_string();
    let hello = format!("Hello Kubernetes bootcamp! | Running on: {pod} | v=1\n");
    for _ in 0..2 {
        let body = run(
            &mut t,
            &mut c,
            &format!("kubectl exec {pod} -- curl -s localhost:8080/anything"),
        );
        assert_eq!(body, hello);
    }
    let log = run(&mut t, &mut c, &format!("kubectl logs {pod}"));
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 4, "{log}");
    assert!(
        lines[0].starts_with("Kubernetes Bootcamp App Started At: 2026-"),
        "{log}"
    );
    assert!(
        lines[0].ends_with(&format!("Z | Running On:  {pod} ")),
        "{log}"
    );
    assert_eq!(lines[1], "");
    for (i, l) in lines[2..].iter().enumerate() {
        let head = format!(
            "Running On: {pod} | Total Requests: {} | App Uptime: ",
            i + 1
        );
        assert!(
            l.starts_with(&head) && l.contains(" seconds | Log Time: 2026-"),
            "{l}"
        );
    }
    // jocatalin's v2 answers v=2; the image's other programs: bash, curl, server.js.
    run(&mut t, &mut c, "kubectl set image deployment/kubernetes-bootcamp kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2");
    run(
        &mut t,
        &mut c,
        "kubectl rollout status deployment/kubernetes-bootcamp",
    );
    let pods = run(
        &mut t,
        &mut c,
        "kubectl get pods -o name --field-selector=status.phase=Running",
    );
    let v2 = pods
        .lines()
        .map(|p| p.trim_start_matches("pod/"))
        .find(|p| *p != pod)
        .unwrap_or_default()
        .to_string();
    let body = run(
        &mut t,
        &mut c,
        &format!("kubectl exec {v2} -- bash -c 'curl -s localhost:8080'"),
    );
    assert_eq!(
        body,
        format!("Hello Kubernetes bootcamp! | Running on: {v2} | v=2\n")
    );
    let js = run(
        &mut t,
        &mut c,
        &format!("kubectl exec {v2} -- cat server.js"),
    );
    assert!(js.contains("response.end(\" | v=2\\n\");"), "{js}");
    // v2's own file is not published: the page says so, never the output.
    assert!(t.notice.take().is_some_and(|n| n.contains("not published")));
    assert!(!js.contains("playground"));
    run(&mut t, &mut c, &format!("kubectl exec {v2} -- env"));
    assert_eq!(t.notice, None);
}

#[test]
fn node_prints_numbers_and_dates_as_javascript_does() {
    assert_eq!(apps::js_seconds(7982), "7.982");
    assert_eq!(apps::js_seconds(15_500), "15.5");
    assert_eq!(apps::js_seconds(8000), "8");
    assert_eq!(apps::js_seconds(0), "0");
    assert_eq!(apps::js_seconds(1_611_113), "1611.113");
    assert_eq!(apps::js_iso(0).len(), "2026-01-01T00:00:00.000Z".len());
    assert!(apps::js_iso(1234).ends_with(":01.234Z"));
}
