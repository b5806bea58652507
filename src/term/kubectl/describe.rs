//! kubectl describe (kubectl `pkg/describe/describe.go`).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStatus, Endpoints, Event, Namespace, Node, Pod,
    PodTemplateSpec, Probe, Service, Toleration, Volume,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::get::kind_prefix;
use super::printers::{self, human_duration, rfc1123z, selector_string, since};
use super::{fail, find, list_objects, not_found, parse_targets, Args, Ctx, ENDPOINTS_WARNING};
use crate::api::selector::{format_label_selector, format_labels};
use crate::api::{GenericObject, Object, Selector};
use crate::cluster::{Cluster, Millis};
use crate::term::shell::Output;

/// `last-applied-configuration` is never shown (describe.go `skipAnnotations`).
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The text a describer writes before the tabwriter, flushed in blocks the way
/// `DescribeEvents` flushes before its table.
#[derive(Default)]
struct W {
    done: String,
    buf: String,
}

impl W {
    /// `PrefixWriter.Write(level, ...)`: two spaces per level.
    fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.buf.push_str("  ");
        }
        self.buf.push_str(text);
    }
    fn flush(&mut self) {
        let b = std::mem::take(&mut self.buf);
        self.done.push_str(&printers::tabbed(&b));
    }
    fn finish(mut self) -> String {
        self.flush();
        self.done
    }
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

/// `printLabelsMultilineWithIndent`.
fn labels_multiline(
    w: &mut W,
    initial: &str,
    title: &str,
    labels: Option<&BTreeMap<String, String>>,
) {
    w.w(0, &format!("{initial}{title}:\t"));
    let Some(l) = labels.filter(|l| !l.is_empty()) else {
        w.w(0, "<none>\n");
        return;
    };
    for (i, (k, v)) in l.iter().enumerate() {
        if i != 0 {
            w.w(0, &format!("{initial}\t"));
        }
        w.w(0, &format!("{k}={v}\n"));
    }
}

/// `printAnnotationsMultiline` (140-character limit, multi-line values indented).
fn annotations_multiline(w: &mut W, title: &str, ann: Option<&BTreeMap<String, String>>) {
    w.w(0, &format!("{title}:\t"));
    let keys: Vec<(&String, &String)> = ann
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != LAST_APPLIED)
        .collect();
    if keys.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in keys.iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > 140 || value.contains('\n') {
            w.w(0, &format!("{k}:\n"));
            for s in value.split('\n') {
                let short = if s.len() > 138 {
                    let mut cut = 138;
                    while !s.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    format!("{}...", &s[..cut])
                } else {
                    s.to_string()
                };
                w.w(0, &format!("\t  {short}\n"));
            }
        } else {
            w.w(0, &format!("{k}: {value}\n"));
        }
    }
}

fn meta_name(m: &ObjectMeta) -> &str {
    m.name.as_deref().unwrap_or("")
}

fn meta_ns(m: &ObjectMeta) -> &str {
    m.namespace.as_deref().unwrap_or("")
}

/// `printController`.
fn controlled_by(m: &ObjectMeta) -> Option<String> {
    m.owner_references
        .as_ref()?
        .iter()
        .find(|o| o.controller == Some(true))
        .map(|o| format!("{}/{}", o.kind, o.name))
}

/// `DescribeEvents` (sorted by last timestamp; Age `10s` or `2m3s (x3 over 5m)`).
fn describe_events(w: &mut W, events: &[&Event], now: Millis) {
    if events.is_empty() {
        w.w(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut evs: Vec<&Event> = events.to_vec();
    crate::sort::sort_by_key(&mut evs, |e| {
        e.last_timestamp
            .as_ref()
            .map(Cluster::millis_of)
            .unwrap_or_default()
    });
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.w(1, "----\t------\t----\t----\t-------\n");
    for e in evs {
        let first = match (&e.event_time, &e.first_timestamp) {
            (Some(mt), _) => {
                human_duration(now - (mt.0.as_millisecond() - crate::cluster::EPOCH_SECONDS * 1000))
            }
            (None, t) => since(now, t.as_ref()),
        };
        let count = e.count.unwrap_or(0);
        let interval = if let Some(s) = &e.series {
            let last = match &s.last_observed_time {
                Some(t) => human_duration(
                    now - (t.0.as_millisecond() - crate::cluster::EPOCH_SECONDS * 1000),
                ),
                None => "<unknown>".into(),
            };
            format!("{last} (x{} over {first})", s.count.unwrap_or(0))
        } else if count > 1 {
            format!(
                "{} (x{count} over {first})",
                since(now, e.last_timestamp.as_ref())
            )
        } else {
            first
        };
        let source = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .filter(|s| !s.is_empty())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default();
        let mut message = e.message.clone().unwrap_or_default().trim().to_string();
        if let Some(fp) = e
            .involved_object
            .field_path
            .as_ref()
            .filter(|f| !f.is_empty())
        {
            message = format!("{fp}: {message}");
        }
        w.w(
            1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{message}\n",
                e.type_.as_deref().unwrap_or(""),
                e.reason.as_deref().unwrap_or("")
            ),
        );
    }
}

// ------------------------------------------------------------------ Service

/// `formatEndpointSlices` (ready endpoints of the port's name, at most 3).
fn format_endpoint_slices(slices: &[&EndpointSlice], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let (mut list, mut more, mut count) = (Vec::<String>::new(), false, 0usize);
    for s in slices {
        let ports = s.ports.as_deref().unwrap_or(&[]);
        if ports.is_empty() {
            for e in &s.endpoints {
                if list.len() == max {
                    more = true;
                }
                let ready = e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true);
                if !ready {
                    continue;
                }
                if !more {
                    if let Some(a) = e.addresses.first() {
                        list.push(a.clone());
                    }
                }
                count += 1;
            }
        } else {
            for p in ports {
                if p.name.as_deref().unwrap_or("") != port_name {
                    continue;
                }
                for e in &s.endpoints {
                    if list.len() == max {
                        more = true;
                    }
                    let ready = e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true);
                    if !ready {
                        continue;
                    }
                    if !more {
                        if let Some(a) = e.addresses.first() {
                            list.push(printers::join_host_port(a, p.port.unwrap_or(0)));
                        }
                    }
                    count += 1;
                }
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count.saturating_sub(max))
    } else {
        ret
    }
}

fn describe_service(c: &Cluster, s: &Service, events: &[&Event]) -> String {
    let mut w = W::default();
    let m = &s.metadata;
    let spec = s.spec.clone().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    w.w(
        0,
        &format!("Selector:\t{}\n", format_labels(spec.selector.as_ref())),
    );
    w.w(
        0,
        &format!("Type:\t{}\n", spec.type_.as_deref().unwrap_or("")),
    );
    if let Some(p) = &spec.ip_family_policy {
        w.w(0, &format!("IP Family Policy:\t{p}\n"));
    }
    match spec.ip_families.as_ref().filter(|f| !f.is_empty()) {
        Some(f) => w.w(0, &format!("IP Families:\t{}\n", f.join(","))),
        None => w.w(0, "IP Families:\t<none>\n"),
    }
    w.w(
        0,
        &format!("IP:\t{}\n", spec.cluster_ip.as_deref().unwrap_or("")),
    );
    match spec.cluster_ips.as_ref().filter(|f| !f.is_empty()) {
        Some(f) => w.w(0, &format!("IPs:\t{}\n", f.join(","))),
        None => w.w(0, "IPs:\t<none>\n"),
    }
    if let Some(e) = spec.external_ips.as_ref().filter(|e| !e.is_empty()) {
        w.w(0, &format!("External IPs:\t{}\n", e.join(",")));
    }
    if let Some(ip) = spec.load_balancer_ip.as_ref().filter(|e| !e.is_empty()) {
        w.w(0, &format!("Desired LoadBalancer IP:\t{ip}\n"));
    }
    if let Some(n) = spec.external_name.as_ref().filter(|e| !e.is_empty()) {
        w.w(0, &format!("External Name:\t{n}\n"));
    }
    let ingress = s
        .status
        .as_ref()
        .and_then(|st| st.load_balancer.as_ref())
        .and_then(|l| l.ingress.clone())
        .unwrap_or_default();
    if !ingress.is_empty() {
        let list: Vec<String> = ingress
            .iter()
            .map(|i| match i.ip.as_ref().filter(|ip| !ip.is_empty()) {
                Some(ip) => match &i.ip_mode {
                    Some(mode) => format!("{ip} ({mode})"),
                    None => ip.clone(),
                },
                None => i.hostname.clone().unwrap_or_default(),
            })
            .collect();
        w.w(0, &format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    let ns = meta_ns(m);
    let svc_name = meta_name(m);
    let slices: Vec<&EndpointSlice> = crate::net::service_slices(c, ns, svc_name).collect();
    for p in spec.ports.iter().flatten() {
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        let name = p
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "<unset>".into());
        w.w(0, &format!("Port:\t{name}\t{}/{proto}\n", p.port));
        match &p.target_port {
            Some(IntOrString::String(s)) => w.w(0, &format!("TargetPort:\t{s}/{proto}\n")),
            Some(IntOrString::Int(n)) => w.w(0, &format!("TargetPort:\t{n}/{proto}\n")),
            None => w.w(0, &format!("TargetPort:\t0/{proto}\n")),
        }
        // No AppProtocol line: kubectl 1.33's describeService does not print it.
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            w.w(0, &format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        let pn = p.name.as_deref().unwrap_or("");
        w.w(
            0,
            &format!("Endpoints:\t{}\n", format_endpoint_slices(&slices, pn)),
        );
    }
    w.w(
        0,
        &format!(
            "Session Affinity:\t{}\n",
            spec.session_affinity.as_deref().unwrap_or("")
        ),
    );
    if let Some(p) = spec
        .external_traffic_policy
        .as_ref()
        .filter(|p| !p.is_empty())
    {
        w.w(0, &format!("External Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = &spec.internal_traffic_policy {
        w.w(0, &format!("Internal Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = spec.health_check_node_port.filter(|p| *p != 0) {
        w.w(0, &format!("HealthCheck NodePort:\t{p}\n"));
    }
    if let Some(r) = spec
        .load_balancer_source_ranges
        .as_ref()
        .filter(|r| !r.is_empty())
    {
        w.w(
            0,
            &format!("LoadBalancer Source Ranges:\t{}\n", r.join(",")),
        );
    }
    if let Some(t) = &spec.traffic_distribution {
        w.w(0, &format!("Traffic Distribution:\t{t}\n"));
    }
    describe_events(&mut w, events, c.now);
    w.finish()
}

// ------------------------------------------------------------------ Pod

fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// `DescribeProbe`.
pub fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    );
    if let Some(e) = &p.exec {
        return format!(
            "exec [{}] {attrs}",
            e.command.clone().unwrap_or_default().join(" ")
        );
    }
    if let Some(h) = &p.http_get {
        let scheme = h.scheme.as_deref().unwrap_or("HTTP").to_lowercase();
        let port = int_or_string(&h.port);
        let host = h.host.clone().unwrap_or_default();
        let hostport = if port.is_empty() {
            host
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let mut path = h.path.clone().unwrap_or_default();
        if !path.is_empty() && !path.starts_with('/') && !hostport.is_empty() {
            path.insert(0, '/');
        }
        return format!("http-get {scheme}://{hostport}{path} {attrs}");
    }
    if let Some(t) = &p.tcp_socket {
        return format!(
            "tcp-socket {}:{} {attrs}",
            t.host.clone().unwrap_or_default(),
            int_or_string(&t.port)
        );
    }
    if let Some(g) = &p.grpc {
        return format!(
            "grpc <pod>:{} {} {attrs}",
            g.port,
            g.service.clone().unwrap_or_default()
        );
    }
    format!("unknown {attrs}")
}

fn describe_state(w: &mut W, name: &str, st: Option<&ContainerState>) {
    let st = st.cloned().unwrap_or_default();
    if let Some(r) = &st.running {
        w.w(2, &format!("{name}:\tRunning\n"));
        let t = r
            .started_at
            .as_ref()
            .map(rfc1123z)
            .unwrap_or_else(zero_time);
        w.w(3, &format!("Started:\t{t}\n"));
    } else if let Some(wt) = &st.waiting {
        w.w(2, &format!("{name}:\tWaiting\n"));
        if let Some(r) = wt.reason.as_ref().filter(|r| !r.is_empty()) {
            w.w(3, &format!("Reason:\t{r}\n"));
        }
    } else if let Some(t) = &st.terminated {
        w.w(2, &format!("{name}:\tTerminated\n"));
        if let Some(r) = t.reason.as_ref().filter(|r| !r.is_empty()) {
            w.w(3, &format!("Reason:\t{r}\n"));
        }
        if let Some(m) = t.message.as_ref().filter(|r| !r.is_empty()) {
            w.w(3, &format!("Message:\t{m}\n"));
        }
        w.w(3, &format!("Exit Code:\t{}\n", t.exit_code));
        if let Some(s) = t.signal.filter(|s| *s > 0) {
            w.w(3, &format!("Signal:\t{s}\n"));
        }
        w.w(
            3,
            &format!(
                "Started:\t{}\n",
                t.started_at
                    .as_ref()
                    .map(rfc1123z)
                    .unwrap_or_else(zero_time)
            ),
        );
        w.w(
            3,
            &format!(
                "Finished:\t{}\n",
                t.finished_at
                    .as_ref()
                    .map(rfc1123z)
                    .unwrap_or_else(zero_time)
            ),
        );
    } else {
        w.w(2, &format!("{name}:\tWaiting\n"));
    }
}

/// Go's zero `time.Time` in RFC1123Z.
fn zero_time() -> String {
    "Mon, 01 Jan 0001 00:00:00 +0000".into()
}

/// The value `EnvValueRetriever` resolves for a downward-API env var.
fn field_ref_value(pod: Option<&Pod>, path: &str) -> String {
    let Some(p) = pod else {
        return String::new();
    };
    let st = p.status.as_ref();
    match path {
        "metadata.name" => p.metadata.name.clone().unwrap_or_default(),
        "metadata.namespace" => p.metadata.namespace.clone().unwrap_or_default(),
        "metadata.uid" => p.metadata.uid.clone().unwrap_or_default(),
        "spec.nodeName" => p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default(),
        "spec.serviceAccountName" => p
            .spec
            .as_ref()
            .and_then(|s| s.service_account_name.clone())
            .unwrap_or_default(),
        "status.hostIP" => st.and_then(|s| s.host_ip.clone()).unwrap_or_default(),
        "status.podIP" => st.and_then(|s| s.pod_ip.clone()).unwrap_or_default(),
        "status.podIPs" => st
            .and_then(|s| s.pod_ips.as_ref())
            .map(|v| v.iter().map(|i| i.ip.clone()).collect::<Vec<_>>().join(","))
            .unwrap_or_default(),
        "status.hostIPs" => st
            .and_then(|s| s.host_ips.as_ref())
            .map(|v| v.iter().map(|i| i.ip.clone()).collect::<Vec<_>>().join(","))
            .unwrap_or_default(),
        _ => {
            if let Some(k) = path
                .strip_prefix("metadata.labels['")
                .and_then(|k| k.strip_suffix("']"))
            {
                return p
                    .metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(k))
                    .cloned()
                    .unwrap_or_default();
            }
            if let Some(k) = path
                .strip_prefix("metadata.annotations['")
                .and_then(|k| k.strip_suffix("']"))
            {
                return p
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|l| l.get(k))
                    .cloned()
                    .unwrap_or_default();
            }
            String::new()
        }
    }
}

/// `describeContainers` (space = "" for pods, "  " in pod templates).
fn describe_containers(
    w: &mut W,
    label: &str,
    cs: &[Container],
    statuses: Option<&Vec<ContainerStatus>>,
    pod: Option<&Pod>,
    space: &str,
) {
    let none = if cs.is_empty() { " <none>" } else { "" };
    w.w(0, &format!("{space}{label}:{none}\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for ct in cs {
        let st = statuses.and_then(|v| v.iter().find(|s| s.name == ct.name));
        w.w(1, &format!("{name_indent}{}:\n", ct.name));
        if let Some(s) = st {
            w.w(
                2,
                &format!(
                    "Container ID:\t{}\n",
                    s.container_id.clone().unwrap_or_default()
                ),
            );
        }
        w.w(
            2,
            &format!("Image:\t{}\n", ct.image.clone().unwrap_or_default()),
        );
        if let Some(s) = st {
            w.w(2, &format!("Image ID:\t{}\n", s.image_id));
        }
        let ports = ct.ports.as_deref().unwrap_or(&[]);
        // describe.go describeContainerPorts / describeContainerHostPorts: "%d/%s", the
        // port's name is not shown (v1.33).
        let fmt_port = |n: i32, p: &k8s_openapi::api::core::v1::ContainerPort| {
            format!("{n}/{}", p.protocol.as_deref().unwrap_or("TCP"))
        };
        let ps = ports
            .iter()
            .map(|p| fmt_port(p.container_port, p))
            .collect::<Vec<_>>()
            .join(", ");
        if ps.contains(',') {
            w.w(2, &format!("Ports:\t{ps}\n"));
        } else {
            w.w(2, &format!("Port:\t{}\n", or_none(&ps)));
        }
        let hs = ports
            .iter()
            .map(|p| fmt_port(p.host_port.unwrap_or(0), p))
            .collect::<Vec<_>>()
            .join(", ");
        if hs.contains(',') {
            w.w(2, &format!("Host Ports:\t{hs}\n"));
        } else {
            w.w(2, &format!("Host Port:\t{}\n", or_none(&hs)));
        }
        if let Some(cmd) = ct.command.as_ref().filter(|c| !c.is_empty()) {
            w.w(2, "Command:\n");
            for c in cmd {
                for s in c.split('\n') {
                    w.w(3, &format!("{s}\n"));
                }
            }
        }
        if let Some(args) = ct.args.as_ref().filter(|c| !c.is_empty()) {
            w.w(2, "Args:\n");
            for c in args {
                for s in c.split('\n') {
                    w.w(3, &format!("{s}\n"));
                }
            }
        }
        if let Some(s) = st {
            describe_state(w, "State", s.state.as_ref());
            if let Some(ls) = s.last_state.as_ref().filter(|l| l.terminated.is_some()) {
                describe_state(w, "Last State", Some(ls));
            }
            w.w(
                2,
                &format!("Ready:\t{}\n", if s.ready { "True" } else { "False" }),
            );
            w.w(2, &format!("Restart Count:\t{}\n", s.restart_count));
        }
        if let Some(r) = &ct.resources {
            for (title, list) in [("Limits", &r.limits), ("Requests", &r.requests)] {
                if let Some(l) = list.as_ref().filter(|l| !l.is_empty()) {
                    w.w(2, &format!("{title}:\n"));
                    for (k, v) in l {
                        w.w(3, &format!("{k}:\t{}\n", v.0));
                    }
                }
            }
        }
        for (title, p) in [
            ("Liveness", &ct.liveness_probe),
            ("Readiness", &ct.readiness_probe),
            ("Startup", &ct.startup_probe),
        ] {
            if let Some(p) = p {
                w.w(2, &format!("{title}:\t{}\n", describe_probe(p)));
            }
        }
        if let Some(ef) = ct.env_from.as_ref().filter(|e| !e.is_empty()) {
            w.w(2, "Environment Variables from:\n");
            for e in ef {
                let (from, name, optional) = if let Some(c) = &e.config_map_ref {
                    ("ConfigMap", c.name.clone(), c.optional.unwrap_or(false))
                } else if let Some(s) = &e.secret_ref {
                    ("Secret", s.name.clone(), s.optional.unwrap_or(false))
                } else {
                    ("", String::new(), false)
                };
                match e.prefix.as_ref().filter(|p| !p.is_empty()) {
                    None => w.w(3, &format!("{name}\t{from}\tOptional: {optional}\n")),
                    Some(p) => w.w(
                        3,
                        &format!("{name}\t{from} with prefix '{p}'\tOptional: {optional}\n"),
                    ),
                }
            }
        }
        let env = ct.env.as_deref().unwrap_or(&[]);
        w.w(
            2,
            &format!(
                "Environment:{}\n",
                if env.is_empty() { "\t<none>" } else { "" }
            ),
        );
        for e in env {
            match &e.value_from {
                None => {
                    for (i, s) in e.value.clone().unwrap_or_default().split('\n').enumerate() {
                        if i == 0 {
                            w.w(3, &format!("{}:\t{s}\n", e.name));
                        } else {
                            w.w(3, &format!("\t{s}\n"));
                        }
                    }
                }
                Some(vf) => {
                    if let Some(fr) = &vf.field_ref {
                        let api = fr.api_version.clone().unwrap_or_else(|| "v1".into());
                        let v = field_ref_value(pod, &fr.field_path);
                        w.w(3, &format!("{}:\t{v} ({api}:{})\n", e.name, fr.field_path));
                    } else if let Some(rf) = &vf.resource_field_ref {
                        w.w(
                            3,
                            &format!("{}:\tnode allocatable ({})\n", e.name, rf.resource),
                        );
                    } else if let Some(s) = &vf.secret_key_ref {
                        w.w(
                            3,
                            &format!(
                                "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                                e.name,
                                s.key,
                                s.name,
                                s.optional.unwrap_or(false)
                            ),
                        );
                    } else if let Some(s) = &vf.config_map_key_ref {
                        w.w(
                            3,
                            &format!(
                                "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                                e.name,
                                s.key,
                                s.name,
                                s.optional.unwrap_or(false)
                            ),
                        );
                    }
                }
            }
        }
        let mut mounts = ct.volume_mounts.clone().unwrap_or_default();
        w.w(
            2,
            &format!(
                "Mounts:{}\n",
                if mounts.is_empty() { "\t<none>" } else { "" }
            ),
        );
        crate::sort::sort_by(&mut mounts, |a, b| a.mount_path.cmp(&b.mount_path));
        for m in mounts {
            let mut flags = vec![if m.read_only == Some(true) {
                "ro".to_string()
            } else {
                "rw".to_string()
            }];
            if let Some(sp) = m.sub_path.as_ref().filter(|s| !s.is_empty()) {
                flags.push(format!("path={sp:?}"));
            }
            w.w(
                3,
                &format!("{} from {} ({})\n", m.mount_path, m.name, flags.join(",")),
            );
        }
    }
}

/// `describeVolumes`.
fn describe_volumes(w: &mut W, vols: Option<&Vec<Volume>>, space: &str) {
    let Some(vols) = vols.filter(|v| !v.is_empty()) else {
        w.w(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    };
    w.w(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in vols {
        w.w(1, &format!("{name_indent}{}:\n", v.name));
        if let Some(p) = &v.projected {
            w.w(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            );
            for s in p.sources.iter().flatten() {
                if let Some(sec) = &s.secret {
                    w.w(
                        2,
                        &format!(
                            "SecretName:\t{}\n    Optional:\t{}\n",
                            sec.name,
                            sec.optional.unwrap_or(false)
                        ),
                    );
                } else if s.downward_api.is_some() {
                    w.w(2, "DownwardAPI:\ttrue\n");
                } else if let Some(cm) = &s.config_map {
                    w.w(
                        2,
                        &format!(
                            "ConfigMapName:\t{}\n    Optional:\t{}\n",
                            cm.name,
                            cm.optional.unwrap_or(false)
                        ),
                    );
                } else if let Some(t) = &s.service_account_token {
                    w.w(
                        2,
                        &format!(
                            "TokenExpirationSeconds:\t{}\n",
                            t.expiration_seconds.unwrap_or(3607)
                        ),
                    );
                }
            }
        } else if let Some(e) = &v.empty_dir {
            let size = e
                .size_limit
                .as_ref()
                .map(|q| q.0.clone())
                .filter(|s| !s.is_empty() && s != "0")
                .unwrap_or_else(|| "<unset>".into());
            w.w(
                2,
                &format!(
                    "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n",
                    e.medium.clone().unwrap_or_default()
                ),
            );
        } else if let Some(h) = &v.host_path {
            w.w(
                2,
                &format!(
                    "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                    h.path,
                    h.type_.clone().unwrap_or_else(|| "<none>".into())
                ),
            );
        } else if let Some(cm) = &v.config_map {
            w.w(
                2,
                &format!(
                    "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                    cm.name,
                    cm.optional.unwrap_or(false)
                ),
            );
        } else if let Some(s) = &v.secret {
            w.w(
                2,
                &format!(
                    "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                    s.secret_name.clone().unwrap_or_default(),
                    s.optional.unwrap_or(false)
                ),
            );
        } else if let Some(c) = &v.persistent_volume_claim {
            w.w(
                2,
                &format!(
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                    c.claim_name,
                    c.read_only.unwrap_or(false)
                ),
            );
        } else if let Some(d) = &v.downward_api {
            w.w(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
            for i in d.items.iter().flatten() {
                if let Some(f) = &i.field_ref {
                    w.w(3, &format!("{} -> {}\n", f.field_path, i.path));
                }
                if let Some(r) = &i.resource_field_ref {
                    w.w(3, &format!("{} -> {}\n", r.resource, i.path));
                }
            }
        } else {
            w.w(1, "<unknown>\n");
        }
    }
}

/// `printTolerationsMultilineWithIndent`.
fn tolerations_multiline(w: &mut W, initial: &str, title: &str, tols: Option<&Vec<Toleration>>) {
    w.w(0, &format!("{initial}{title}:\t"));
    let Some(t) = tols.filter(|t| !t.is_empty()) else {
        w.w(0, "<none>\n");
        return;
    };
    let mut t = t.clone();
    crate::sort::sort_by(&mut t, |a, b| a.key.cmp(&b.key));
    for (i, tol) in t.iter().enumerate() {
        if i != 0 {
            w.w(0, &format!("{initial}\t"));
        }
        let key = tol.key.clone().unwrap_or_default();
        let value = tol.value.clone().unwrap_or_default();
        let effect = tol.effect.clone().unwrap_or_default();
        let mut s = key.clone();
        if !value.is_empty() {
            s.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            s.push_str(&format!(":{effect}"));
        }
        if tol.operator.as_deref() == Some("Exists") && value.is_empty() {
            if !key.is_empty() || !effect.is_empty() {
                s.push_str(" op=Exists");
            } else {
                s.push_str("op=Exists");
            }
        }
        if let Some(sec) = tol.toleration_seconds {
            s.push_str(&format!(" for {sec}s"));
        }
        w.w(0, &format!("{s}\n"));
    }
}

/// `qos.GetPodQOS`: the status value when set, else computed from requests/limits.
fn qos_class(p: &Pod) -> String {
    p.status
        .as_ref()
        .and_then(|s| s.qos_class.clone())
        .filter(|q| !q.is_empty())
        .unwrap_or_else(|| crate::manifest::defaults::qos_class(p.spec.as_ref()).into())
}

fn describe_pod(c: &Cluster, p: &Pod, events: &[&Event]) -> String {
    let mut w = W::default();
    let m = &p.metadata;
    let spec = p.spec.clone().unwrap_or_default();
    let st = p.status.clone().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
    if let Some(pr) = spec.priority {
        w.w(0, &format!("Priority:\t{pr}\n"));
    }
    if let Some(pc) = spec.priority_class_name.as_ref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("Priority Class Name:\t{pc}\n"));
    }
    if let Some(rc) = spec.runtime_class_name.as_ref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("Runtime Class Name:\t{rc}\n"));
    }
    if let Some(sa) = spec.service_account_name.as_ref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("Service Account:\t{sa}\n"));
    }
    match spec.node_name.as_ref().filter(|s| !s.is_empty()) {
        None => w.w(0, "Node:\t<none>\n"),
        Some(n) => w.w(
            0,
            &format!("Node:\t{n}/{}\n", st.host_ip.clone().unwrap_or_default()),
        ),
    }
    if let Some(t) = &st.start_time {
        w.w(0, &format!("Start Time:\t{}\n", rfc1123z(t)));
    }
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    let phase = st.phase.clone().unwrap_or_default();
    match &m.deletion_timestamp {
        Some(dt) if phase != "Failed" && phase != "Succeeded" => {
            w.w(
                0,
                &format!("Status:\tTerminating (lasts {})\n", since(c.now, Some(dt))),
            );
            w.w(
                0,
                &format!(
                    "Termination Grace Period:\t{}s\n",
                    m.deletion_grace_period_seconds.unwrap_or(0)
                ),
            );
        }
        _ => w.w(0, &format!("Status:\t{phase}\n")),
    }
    if let Some(r) = st.reason.as_ref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("Reason:\t{r}\n"));
    }
    if let Some(r) = st.message.as_ref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("Message:\t{r}\n"));
    }
    w.w(
        0,
        &format!("IP:\t{}\n", st.pod_ip.clone().unwrap_or_default()),
    );
    match st.pod_ips.as_ref().filter(|v| !v.is_empty()) {
        None => w.w(0, "IPs:\t<none>\n"),
        Some(ips) => {
            w.w(0, "IPs:\n");
            for ip in ips {
                w.w(1, &format!("IP:\t{}\n", ip.ip));
            }
        }
    }
    if let Some(cb) = controlled_by(m) {
        w.w(0, &format!("Controlled By:\t{cb}\n"));
    }
    if let Some(n) = st.nominated_node_name.as_ref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("NominatedNodeName:\t{n}\n"));
    }
    if let Some(ic) = spec.init_containers.as_ref().filter(|v| !v.is_empty()) {
        describe_containers(
            &mut w,
            "Init Containers",
            ic,
            st.init_container_statuses.as_ref(),
            Some(p),
            "",
        );
    }
    describe_containers(
        &mut w,
        "Containers",
        &spec.containers,
        st.container_statuses.as_ref(),
        Some(p),
        "",
    );
    if let Some(ec) = spec.ephemeral_containers.as_ref().filter(|v| !v.is_empty()) {
        let ec: Vec<Container> = ec
            .iter()
            .map(crate::cluster::kubelet::ephemeral_as_container)
            .collect();
        describe_containers(
            &mut w,
            "Ephemeral Containers",
            &ec,
            st.ephemeral_container_statuses.as_ref(),
            Some(p),
            "",
        );
    }
    if let Some(g) = spec.readiness_gates.as_ref().filter(|v| !v.is_empty()) {
        w.w(0, "Readiness Gates:\n  Type\tStatus\n");
        for gate in g {
            let status = st
                .conditions
                .iter()
                .flatten()
                .find(|c| c.type_ == gate.condition_type)
                .map(|c| c.status.clone())
                .unwrap_or_else(|| "<none>".into());
            w.w(1, &format!("{} \t{status} \n", gate.condition_type));
        }
    }
    if let Some(cs) = st.conditions.as_ref().filter(|v| !v.is_empty()) {
        w.w(0, "Conditions:\n  Type\tStatus\n");
        for cnd in cs {
            w.w(1, &format!("{} \t{} \n", cnd.type_, cnd.status));
        }
    }
    describe_volumes(&mut w, spec.volumes.as_ref(), "");
    w.w(0, &format!("QoS Class:\t{}\n", qos_class(p)));
    labels_multiline(&mut w, "", "Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(&mut w, "", "Tolerations", spec.tolerations.as_ref());
    describe_events(&mut w, events, c.now);
    w.finish()
}

// ------------------------------------------------------------------ workloads

/// `DescribePodTemplate` written straight to a buffer, as `kubectl rollout history
/// --revision=N` prints it (kubectl `polymorphichelpers/history.go` printTemplate: a
/// PrefixWriter without a tabwriter, so the tabs stay).
pub fn pod_template_text(t: &PodTemplateSpec) -> String {
    let mut w = W {
        done: String::new(),
        buf: String::new(),
    };
    describe_pod_template(&mut w, Some(t));
    w.buf
}

/// `DescribePodTemplate`.
fn describe_pod_template(w: &mut W, t: Option<&PodTemplateSpec>) {
    w.w(0, "Pod Template:\n");
    let Some(t) = t else {
        w.w(1, "<unset>");
        return;
    };
    let meta = t.metadata.clone().unwrap_or_default();
    let spec = t.spec.clone().unwrap_or_default();
    labels_multiline(w, "", "  Labels", meta.labels.as_ref());
    if meta.annotations.as_ref().is_some_and(|a| !a.is_empty()) {
        annotations_multiline(w, "  Annotations", meta.annotations.as_ref());
    }
    if let Some(sa) = spec.service_account_name.as_ref().filter(|s| !s.is_empty()) {
        w.w(1, &format!("Service Account:\t{sa}\n"));
    }
    if let Some(ic) = spec.init_containers.as_ref().filter(|v| !v.is_empty()) {
        describe_containers(w, "Init Containers", ic, None, None, "  ");
    }
    describe_containers(w, "Containers", &spec.containers, None, None, "  ");
    describe_volumes(w, spec.volumes.as_ref(), "  ");
    if let Some(pc) = spec.priority_class_name.as_ref().filter(|s| !s.is_empty()) {
        w.w(1, &format!("Priority Class Name:\t{pc}\n"));
    }
    labels_multiline(w, "", "  Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(w, "", "  Tolerations", spec.tolerations.as_ref());
}

/// Pods a controller owns, by phase (`getPodStatusForController`).
fn pod_phases(
    c: &Cluster,
    ns: &str,
    sel: &Selector,
    uid: Option<&str>,
) -> (usize, usize, usize, usize) {
    let (mut r, mut wt, mut s, mut f) = (0, 0, 0, 0);
    let empty = BTreeMap::new();
    for o in c.store.list_ns("Pod", ns) {
        let Object::Pod(p) = o else { continue };
        if !sel.matches(p.metadata.labels.as_ref().unwrap_or(&empty)) {
            continue;
        }
        let owner = p
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.controller == Some(true))
            .map(|o| o.uid.as_str());
        if owner.is_none() || owner != uid {
            continue;
        }
        match p.status.as_ref().and_then(|s| s.phase.as_deref()) {
            Some("Running") => r += 1,
            Some("Pending") => wt += 1,
            Some("Succeeded") => s += 1,
            Some("Failed") => f += 1,
            _ => {}
        }
    }
    (r, wt, s, f)
}

fn describe_replicaset(c: &Cluster, rs: &ReplicaSet, events: &[&Event]) -> String {
    let mut w = W::default();
    let m = &rs.metadata;
    let spec = rs.spec.clone().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(Some(&spec.selector))
        ),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    if let Some(cb) = controlled_by(m) {
        w.w(0, &format!("Controlled By:\t{cb}\n"));
    }
    w.w(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            rs.status.as_ref().map_or(0, |s| s.replicas),
            spec.replicas.unwrap_or(1)
        ),
    );
    let sel = Selector::from_label_selector(&spec.selector);
    let (r, wt, s, f) = pod_phases(c, meta_ns(m), &sel, m.uid.as_deref());
    w.w(0, "Pods Status:\t");
    w.w(
        0,
        &format!("{r} Running / {wt} Waiting / {s} Succeeded / {f} Failed\n"),
    );
    describe_pod_template(&mut w, spec.template.as_ref());
    if let Some(cs) = rs
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .filter(|c| !c.is_empty())
    {
        w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
        w.w(1, "----\t------\t------\n");
        for cnd in cs {
            w.w(
                1,
                &format!(
                    "{} \t{}\t{}\n",
                    cnd.type_,
                    cnd.status,
                    cnd.reason.clone().unwrap_or_default()
                ),
            );
        }
    }
    describe_events(&mut w, events, c.now);
    w.finish()
}

/// A template with the `pod-template-hash` label removed, for comparing an RS to its Deployment.
fn template_without_hash(t: Option<&PodTemplateSpec>) -> serde_json::Value {
    let mut t = t.cloned().unwrap_or_default();
    if let Some(l) = t.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        l.remove("pod-template-hash");
    }
    serde_json::to_value(t).unwrap_or_default()
}

/// The Name, Namespace and CreationTimestamp lines the workload describers open with.
fn name_namespace_created(w: &mut W, m: &ObjectMeta) {
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
    let ct = m
        .creation_timestamp
        .as_ref()
        .map(rfc1123z)
        .unwrap_or_else(zero_time);
    w.w(0, &format!("CreationTimestamp:\t{ct}\n"));
}

fn describe_deployment(c: &Cluster, d: &Deployment, events: &[&Event]) -> String {
    let mut w = W::default();
    let m = &d.metadata;
    let spec = d.spec.clone().unwrap_or_default();
    let st = d.status.clone().unwrap_or_default();
    name_namespace_created(&mut w, m);
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    w.w(
        0,
        &format!("Selector:\t{}\n", selector_string(Some(&spec.selector))),
    );
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            spec.replicas.unwrap_or(1),
            st.updated_replicas.unwrap_or(0),
            st.replicas.unwrap_or(0),
            st.available_replicas.unwrap_or(0),
            st.unavailable_replicas.unwrap_or(0)
        ),
    );
    let strategy = spec.strategy.clone().unwrap_or_default();
    w.w(
        0,
        &format!(
            "StrategyType:\t{}\n",
            strategy.type_.clone().unwrap_or_default()
        ),
    );
    w.w(
        0,
        &format!(
            "MinReadySeconds:\t{}\n",
            spec.min_ready_seconds.unwrap_or(0)
        ),
    );
    if let Some(ru) = &strategy.rolling_update {
        let s =
            |v: &Option<IntOrString>| v.as_ref().map(int_or_string).unwrap_or_else(|| "0".into());
        w.w(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                s(&ru.max_unavailable),
                s(&ru.max_surge)
            ),
        );
    }
    describe_pod_template(&mut w, Some(&spec.template));
    if let Some(cs) = st.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
        w.w(1, "----\t------\t------\n");
        for cnd in cs {
            w.w(
                1,
                &format!(
                    "{} \t{}\t{}\n",
                    cnd.type_,
                    cnd.status,
                    cnd.reason.clone().unwrap_or_default()
                ),
            );
        }
    }
    // deploymentutil.GetAllReplicaSets: owned ReplicaSets; the new one has the Deployment's template.
    let want = template_without_hash(Some(&spec.template));
    let mut old: Vec<&ReplicaSet> = Vec::new();
    let mut new: Vec<&ReplicaSet> = Vec::new();
    for o in c.store.list_ns("ReplicaSet", meta_ns(m)) {
        let Object::ReplicaSet(rs) = o else { continue };
        let owned = rs
            .metadata
            .owner_references
            .iter()
            .flatten()
            .any(|o| o.controller == Some(true) && Some(o.uid.as_str()) == m.uid.as_deref());
        if !owned {
            continue;
        }
        let t = template_without_hash(rs.spec.as_ref().and_then(|s| s.template.as_ref()));
        if t == want && new.is_empty() {
            new.push(rs);
        } else {
            old.push(rs);
        }
    }
    let fmt_rs = |v: &[&ReplicaSet]| {
        let s: Vec<String> = v
            .iter()
            .map(|r| {
                format!(
                    "{} ({}/{} replicas created)",
                    meta_name(&r.metadata),
                    r.status.as_ref().map_or(0, |s| s.replicas),
                    r.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
                )
            })
            .collect();
        or_none(&s.join(", "))
    };
    if !old.is_empty() || !new.is_empty() {
        w.w(0, &format!("OldReplicaSets:\t{}\n", fmt_rs(&old)));
        w.w(0, &format!("NewReplicaSet:\t{}\n", fmt_rs(&new)));
    }
    describe_events(&mut w, events, c.now);
    w.finish()
}

// ------------------------------------------------------------------ discovery

fn describe_endpoints(c: &Cluster, e: &Endpoints, events: &[&Event]) -> String {
    let mut w = W::default();
    let m = &e.metadata;
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    w.w(0, "Subsets:\n");
    for ss in e.subsets.iter().flatten() {
        let a: Vec<String> = ss
            .addresses
            .iter()
            .flatten()
            .map(|a| a.ip.clone())
            .collect();
        w.w(1, &format!("Addresses:\t{}\n", or_none(&a.join(","))));
        let n: Vec<String> = ss
            .not_ready_addresses
            .iter()
            .flatten()
            .map(|a| a.ip.clone())
            .collect();
        w.w(
            1,
            &format!("NotReadyAddresses:\t{}\n", or_none(&n.join(","))),
        );
        if let Some(ports) = ss.ports.as_ref().filter(|p| !p.is_empty()) {
            w.w(1, "Ports:\n");
            w.w(2, "Name\tPort\tProtocol\n");
            w.w(2, "----\t----\t--------\n");
            for p in ports {
                let name = p
                    .name
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "<unset>".into());
                w.w(
                    2,
                    &format!(
                        "{name}\t{}\t{}\n",
                        p.port,
                        p.protocol.as_deref().unwrap_or("TCP")
                    ),
                );
            }
        }
        w.w(0, "\n");
    }
    describe_events(&mut w, events, c.now);
    w.finish()
}

fn describe_endpointslice(c: &Cluster, s: &EndpointSlice, events: &[&Event]) -> String {
    let mut w = W::default();
    let m = &s.metadata;
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    w.w(0, &format!("AddressType:\t{}\n", s.address_type));
    match s.ports.as_ref().filter(|p| !p.is_empty()) {
        None => w.w(0, "Ports: <unset>\n"),
        Some(ports) => {
            w.w(0, "Ports:\n");
            w.w(1, "Name\tPort\tProtocol\n");
            w.w(1, "----\t----\t--------\n");
            for p in ports {
                let name = p
                    .name
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "<unset>".into());
                let num = p
                    .port
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "<unset>".into());
                w.w(
                    1,
                    &format!("{name}\t{num}\t{}\n", p.protocol.as_deref().unwrap_or("")),
                );
            }
        }
    }
    if s.endpoints.is_empty() {
        w.w(0, "Endpoints: <none>\n");
    } else {
        w.w(0, "Endpoints:\n");
        for e in &s.endpoints {
            w.w(
                1,
                &format!("- Addresses:\t{}\n", or_none(&e.addresses.join(", "))),
            );
            w.w(2, "Conditions:\n");
            let ready = e
                .conditions
                .as_ref()
                .and_then(|c| c.ready)
                .map(|b| b.to_string())
                .unwrap_or_else(|| "<unset>".into());
            w.w(3, &format!("Ready:\t{ready}\n"));
            w.w(
                2,
                &format!(
                    "Hostname:\t{}\n",
                    e.hostname.clone().unwrap_or_else(|| "<unset>".into())
                ),
            );
            if let Some(t) = &e.target_ref {
                w.w(
                    2,
                    &format!(
                        "TargetRef:\t{}/{}\n",
                        t.kind.clone().unwrap_or_default(),
                        t.name.clone().unwrap_or_default()
                    ),
                );
            }
            w.w(
                2,
                &format!(
                    "NodeName:\t{}\n",
                    e.node_name.clone().unwrap_or_else(|| "<unset>".into())
                ),
            );
            w.w(
                2,
                &format!(
                    "Zone:\t{}\n",
                    e.zone.clone().unwrap_or_else(|| "<unset>".into())
                ),
            );
        }
    }
    describe_events(&mut w, events, c.now);
    w.finish()
}

// ------------------------------------------------------------------ Node, Namespace

use crate::cluster::resources::{cpu_millis, fmt_cpu, fmt_mem, mem_bytes};

/// kubectl `resourcehelper.PodRequestsAndLimits`: (cpu millicores, memory bytes).
fn pod_resources(p: &Pod, which: &str) -> (i64, i64) {
    let Some(spec) = p.spec.as_ref() else {
        return (0, 0);
    };
    let a = if which == "requests" {
        crate::cluster::resources::pod_requests(spec)
    } else {
        crate::cluster::resources::pod_limits(spec)
    };
    (a.cpu, a.mem)
}

fn describe_node(c: &Cluster, n: &Node, events: &[&Event]) -> String {
    let mut w = W::default();
    let m = &n.metadata;
    let name = meta_name(m);
    w.w(0, &format!("Name:\t{name}\n"));
    let roles = printers::node_roles(n);
    w.w(0, &format!("Roles:\t{}\n", or_none(&roles.join(","))));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    let ct = m
        .creation_timestamp
        .as_ref()
        .map(rfc1123z)
        .unwrap_or_else(zero_time);
    w.w(0, &format!("CreationTimestamp:\t{ct}\n"));
    let spec = n.spec.clone().unwrap_or_default();
    w.w(0, "Taints:\t");
    let mut taints = spec.taints.clone().unwrap_or_default();
    if taints.is_empty() {
        w.w(0, "<none>\n");
    }
    crate::sort::sort_by(&mut taints, |a, b| {
        format!("{},{}", a.effect, a.key).cmp(&format!("{},{}", b.effect, b.key))
    });
    for (i, t) in taints.iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        let v = t
            .value
            .as_ref()
            .filter(|v| !v.is_empty())
            .map(|v| format!("={v}"))
            .unwrap_or_default();
        w.w(0, &format!("{}{v}:{}\n", t.key, t.effect));
    }
    w.w(
        0,
        &format!("Unschedulable:\t{}\n", spec.unschedulable.unwrap_or(false)),
    );
    w.w(0, "Lease:\n");
    w.w(1, &format!("HolderIdentity:\t{name}\n"));
    w.w(1, "AcquireTime:\t<unset>\n");
    w.w(
        1,
        &format!(
            "RenewTime:\t{}\n",
            rfc1123z(&c.time(c.now - (c.now % 10_000)))
        ),
    );
    let st = n.status.clone().unwrap_or_default();
    if let Some(cs) = st.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.w(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.w(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        let fallback = m
            .creation_timestamp
            .as_ref()
            .map(rfc1123z)
            .unwrap_or_else(zero_time);
        for cnd in cs {
            let hb = cnd
                .last_heartbeat_time
                .as_ref()
                .map(rfc1123z)
                .unwrap_or_else(|| fallback.clone());
            let tr = cnd
                .last_transition_time
                .as_ref()
                .map(rfc1123z)
                .unwrap_or_else(|| fallback.clone());
            w.w(
                1,
                &format!(
                    "{} \t{} \t{hb} \t{tr} \t{} \t{}\n",
                    cnd.type_,
                    cnd.status,
                    cnd.reason.clone().unwrap_or_default(),
                    cnd.message.clone().unwrap_or_default()
                ),
            );
        }
    }
    w.w(0, "Addresses:\n");
    for a in st.addresses.iter().flatten() {
        w.w(1, &format!("{}:\t{}\n", a.type_, a.address));
    }
    for (title, list) in [("Capacity", &st.capacity), ("Allocatable", &st.allocatable)] {
        if let Some(l) = list.as_ref().filter(|l| !l.is_empty()) {
            w.w(0, &format!("{title}:\n"));
            for (k, v) in l {
                w.w(0, &format!("  {k}:\t{}\n", v.0));
            }
        }
    }
    let info = st.node_info.clone().unwrap_or_default();
    w.w(0, "System Info:\n");
    w.w(0, &format!("  Machine ID:\t{}\n", info.machine_id));
    w.w(0, &format!("  System UUID:\t{}\n", info.system_uuid));
    w.w(0, &format!("  Boot ID:\t{}\n", info.boot_id));
    w.w(0, &format!("  Kernel Version:\t{}\n", info.kernel_version));
    w.w(0, &format!("  OS Image:\t{}\n", info.os_image));
    w.w(
        0,
        &format!("  Operating System:\t{}\n", info.operating_system),
    );
    w.w(0, &format!("  Architecture:\t{}\n", info.architecture));
    w.w(
        0,
        &format!(
            "  Container Runtime Version:\t{}\n",
            info.container_runtime_version
        ),
    );
    w.w(
        0,
        &format!("  Kubelet Version:\t{}\n", info.kubelet_version),
    );
    if let Some(p) = spec.pod_cidr.as_ref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("PodCIDR:\t{p}\n"));
    }
    if let Some(p) = spec.pod_cidrs.as_ref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("PodCIDRs:\t{}\n", p.join(",")));
    }
    if let Some(p) = spec.provider_id.as_ref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("ProviderID:\t{p}\n"));
    }
    let pods: Vec<&Pod> = c
        .store
        .list("Pod")
        .filter_map(|o| match o {
            Object::Pod(p) => Some(&**p),
            _ => None,
        })
        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(name))
        .filter(|p| {
            !matches!(
                p.status.as_ref().and_then(|s| s.phase.as_deref()),
                Some("Succeeded") | Some("Failed")
            )
        })
        .collect();
    let alloc = st
        .allocatable
        .clone()
        .or(st.capacity.clone())
        .unwrap_or_default();
    let acpu = alloc.get("cpu").map_or(0, |q| cpu_millis(&q.0));
    let amem = alloc.get("memory").map_or(0, |q| mem_bytes(&q.0));
    let pct = |v: i64, total: i64| {
        if total == 0 {
            0
        } else {
            (v as f64 / total as f64 * 100.0) as i64
        }
    };
    w.w(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.w(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.w(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let (mut trc, mut trm, mut tlc, mut tlm) = (0, 0, 0, 0);
    for p in &pods {
        let (rc, rm) = pod_resources(p, "requests");
        let (lc, lm) = pod_resources(p, "limits");
        trc += rc;
        trm += rm;
        tlc += lc;
        tlm += lm;
        w.w(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                meta_ns(&p.metadata),
                meta_name(&p.metadata),
                fmt_cpu(rc),
                pct(rc, acpu),
                fmt_cpu(lc),
                pct(lc, acpu),
                fmt_mem(rm),
                pct(rm, amem),
                fmt_mem(lm),
                pct(lm, amem),
                since(c.now, p.metadata.creation_timestamp.as_ref())
            ),
        );
    }
    w.w(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.w(1, "Resource\tRequests\tLimits\n");
    w.w(1, "--------\t--------\t------\n");
    w.w(
        1,
        &format!(
            "cpu\t{} ({}%)\t{} ({}%)\n",
            fmt_cpu(trc),
            pct(trc, acpu),
            fmt_cpu(tlc),
            pct(tlc, acpu)
        ),
    );
    w.w(
        1,
        &format!(
            "memory\t{} ({}%)\t{} ({}%)\n",
            fmt_mem(trm),
            pct(trm, amem),
            fmt_mem(tlm),
            pct(tlm, amem)
        ),
    );
    w.w(1, "ephemeral-storage\t0 (0%)\t0 (0%)\n");
    for k in alloc.keys().filter(|k| k.starts_with("hugepages-")) {
        w.w(1, &format!("{k}\t0 (0%)\t0 (0%)\n"));
    }
    describe_events(&mut w, events, c.now);
    w.finish()
}

fn describe_namespace(n: &Namespace) -> String {
    let mut w = W::default();
    let m = &n.metadata;
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    w.w(
        0,
        &format!(
            "Status:\t{}\n",
            n.status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_default()
        ),
    );
    w.w(0, "\n");
    w.w(0, "No resource quota.\n");
    w.w(0, "\n");
    w.w(0, "No LimitRange resource.\n");
    w.finish()
}

// ------------------------------------------------------------------ generic

/// `smartLabelFor`: `clusterIP` -> `Cluster IP`, `apiVersion` -> `API Version`.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    // camelcase.Split: runs of lower, upper, digits.
    let mut parts: Vec<String> = Vec::new();
    for c in field.chars() {
        let new_part = match parts.last().and_then(|p| p.chars().last()) {
            None => true,
            Some(prev) => c.is_uppercase() && !prev.is_uppercase(),
        };
        if new_part {
            parts.push(c.to_string());
        } else if let Some(p) = parts.last_mut() {
            p.push(c);
        }
    }
    // An upper run followed by a lower letter: the last upper starts the next word (HTTPGet -> HTTP Get).
    let mut fixed: Vec<String> = Vec::new();
    for p in parts {
        let chars: Vec<char> = p.chars().collect();
        let upper_run = chars.iter().take_while(|c| c.is_uppercase()).count();
        if upper_run > 1 && upper_run < chars.len() {
            fixed.push(chars[..upper_run - 1].iter().collect());
            fixed.push(chars[upper_run - 1..].iter().collect());
        } else {
            fixed.push(p);
        }
    }
    fixed
        .into_iter()
        .map(|p| {
            if ["API", "URL", "UID", "GUID"].contains(&p.to_uppercase().as_str()) {
                p.to_uppercase()
            } else if p.to_lowercase() == p {
                let mut cs = p.chars();
                cs.next()
                    .map(|f| f.to_uppercase().collect::<String>() + cs.as_str())
                    .unwrap_or_default()
            } else {
                p
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn unstructured(w: &mut W, level: usize, content: &serde_json::Map<String, serde_json::Value>) {
    for (k, v) in content {
        match v {
            serde_json::Value::Object(m) => {
                w.w(level, &format!("{}:\n", smart_label(k)));
                unstructured(w, level + 1, m);
            }
            serde_json::Value::Array(a) => {
                w.w(level, &format!("{}:\n", smart_label(k)));
                for item in a {
                    match item {
                        serde_json::Value::Object(m) => unstructured(w, level + 1, m),
                        other => w.w(level + 1, &format!("{}\n", printers::jsonpath::text(other))),
                    }
                }
            }
            other => w.w(
                level,
                &format!("{}:\t{}\n", smart_label(k), printers::jsonpath::text(other)),
            ),
        }
    }
}

/// `describeBackendV1`: `svc:port (endpoints of that port)`, or the lookup's error.
fn describe_ingress_backend(c: &Cluster, ns: &str, backend: &serde_json::Value) -> String {
    let Some(svc) = backend.get("service") else {
        return match backend.get("resource") {
            Some(r) => format!(
                "APIGroup: {}, Kind: {}, Name: {}",
                r.get("apiGroup")
                    .and_then(|v| v.as_str())
                    .unwrap_or("<none>"),
                r.get("kind").and_then(|v| v.as_str()).unwrap_or(""),
                r.get("name").and_then(|v| v.as_str()).unwrap_or("")
            ),
            None => String::new(),
        };
    };
    let name = svc.get("name").and_then(|v| v.as_str()).unwrap_or("");
    let number = svc
        .get("port")
        .and_then(|p| p.get("number"))
        .and_then(|v| v.as_i64())
        .unwrap_or(0);
    let port_name = svc
        .get("port")
        .and_then(|p| p.get("name"))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let sb = if number != 0 {
        format!("{name}:{number}")
    } else {
        format!("{name}:{port_name}")
    };
    let Some(Object::Service(service)) =
        c.store.get(&crate::cluster::Key::new("Service", ns, name))
    else {
        return format!("{sb} (<error: services \"{name}\" not found>)");
    };
    let mut sp_name = "";
    for sp in service.spec.iter().flat_map(|s| s.ports.iter().flatten()) {
        let this = sp.name.as_deref().unwrap_or("");
        if (number != 0 && i64::from(sp.port) == number)
            || (!port_name.is_empty() && port_name == this)
        {
            sp_name = this;
        }
    }
    let slices: Vec<&EndpointSlice> = crate::net::service_slices(c, ns, name).collect();
    format!("{sb} ({})", format_endpoint_slices(&slices, sp_name))
}

/// `describeIngressV1`: address, class, default backend, one row per rule path with
/// its backend's endpoints.
fn describe_ingress(c: &Cluster, g: &GenericObject, events: &[&Event]) -> String {
    let mut w = W::default();
    let m = &g.metadata;
    let ns = meta_ns(m);
    let spec = g.body.get("spec").cloned().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    w.w(0, &format!("Namespace:\t{ns}\n"));
    w.w(0, &format!("Address:\t{}\n", ingress_address(&g.body)));
    let class = spec
        .get("ingressClassName")
        .and_then(|v| v.as_str())
        .unwrap_or("<none>");
    w.w(0, &format!("Ingress Class:\t{class}\n"));
    let default_backend = match spec.get("defaultBackend") {
        Some(b) => describe_ingress_backend(c, ns, b),
        None => "<default>".to_string(),
    };
    w.w(0, &format!("Default backend:\t{default_backend}\n"));
    if let Some(tls) = spec
        .get("tls")
        .and_then(|t| t.as_array())
        .filter(|t| !t.is_empty())
    {
        w.w(0, "TLS:\n");
        for t in tls {
            let hosts: Vec<&str> = t
                .get("hosts")
                .and_then(|h| h.as_array())
                .into_iter()
                .flatten()
                .filter_map(|h| h.as_str())
                .collect();
            match t
                .get("secretName")
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
            {
                Some(secret) => w.w(1, &format!("{secret} terminates {}\n", hosts.join(","))),
                None => w.w(1, &format!("SNI routes {}\n", hosts.join(","))),
            }
        }
    }
    w.w(0, "Rules:\n  Host\tPath\tBackends\n");
    w.w(1, "----\t----\t--------\n");
    let mut count = 0;
    for rule in spec
        .get("rules")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
    {
        let Some(http) = rule.get("http") else {
            continue;
        };
        count += 1;
        let host = rule
            .get("host")
            .and_then(|v| v.as_str())
            .filter(|h| !h.is_empty())
            .unwrap_or("*");
        w.w(1, &format!("{host}\t\n"));
        for path in http
            .get("paths")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
        {
            let p = path.get("path").and_then(|v| v.as_str()).unwrap_or("");
            let backend = path
                .get("backend")
                .map(|b| describe_ingress_backend(c, ns, b))
                .unwrap_or_default();
            w.w(2, &format!("\t{p} \t{backend}\n"));
        }
    }
    if count == 0 {
        w.w(1, &format!("*\t*\t{default_backend}\n"));
    }
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    describe_events(&mut w, events, c.now);
    w.finish()
}

/// `ingressLoadBalancerStatusStringerV1` (wide): the load balancer's IPs or hostnames.
pub fn ingress_address(body: &serde_json::Map<String, serde_json::Value>) -> String {
    body.get("status")
        .and_then(|s| s.get("loadBalancer"))
        .and_then(|l| l.get("ingress"))
        .and_then(|i| i.as_array())
        .into_iter()
        .flatten()
        .filter_map(|i| {
            i.get("ip")
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .or_else(|| i.get("hostname").and_then(|v| v.as_str()))
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn describe_generic(c: &Cluster, g: &GenericObject, events: &[&Event]) -> String {
    if g.kind.kind == "Ingress" {
        return describe_ingress(c, g, events);
    }
    let mut w = W::default();
    let m = &g.metadata;
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    if g.kind.kind == "ConfigMap" {
        w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
        labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
        annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
        w.w(0, "\nData\n====\n");
        for (k, v) in g
            .body
            .get("data")
            .and_then(|d| d.as_object())
            .into_iter()
            .flatten()
        {
            w.w(
                0,
                &format!("{k}:\n----\n{}\n\n", printers::jsonpath::text(v)),
            );
        }
        w.w(0, "\nBinaryData\n====\n");
        for (k, v) in g
            .body
            .get("binaryData")
            .and_then(|d| d.as_object())
            .into_iter()
            .flatten()
        {
            let n = v.as_str().map_or(0, |s| s.len() * 3 / 4);
            w.w(0, &format!("{k}: {n} bytes\n"));
        }
        w.w(0, "\n");
        describe_events(&mut w, events, c.now);
        return w.finish();
    }
    if g.kind.kind == "Secret" {
        // describe.go describeSecret: sizes, never values (sorted keys; no events).
        w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
        labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
        annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
        let ty = g.body.get("type").and_then(|t| t.as_str()).unwrap_or("");
        w.w(0, &format!("\nType:\t{ty}\n"));
        w.w(0, "\nData\n====\n");
        for (k, text) in g.data_entries() {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap_or_default();
            if k == "token" && ty == "kubernetes.io/service-account-token" {
                w.w(0, &format!("{k}:\t{}\n", String::from_utf8_lossy(&bytes)));
            } else {
                w.w(0, &format!("{k}:\t{} bytes\n", bytes.len()));
            }
        }
        return w.finish();
    }
    if g.kind.kind == "ServiceCIDR" {
        labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
        annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
        let cidrs: Vec<String> = g
            .body
            .get("spec")
            .and_then(|s| s.get("cidrs"))
            .and_then(|c| c.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        w.w(0, &format!("CIDRs:\t{}\n", cidrs.join(", ")));
        describe_events(&mut w, events, c.now);
        return w.finish();
    }
    w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    let mut content = g.body.clone();
    content.insert("apiVersion".into(), g.kind.api_version().into());
    content.insert("kind".into(), g.kind.kind.into());
    let mut meta = serde_json::to_value(m).unwrap_or_default();
    if let Some(mm) = meta.as_object_mut() {
        for k in [
            "managedFields",
            "name",
            "namespace",
            "labels",
            "annotations",
        ] {
            mm.remove(k);
        }
    }
    content.insert("metadata".into(), meta);
    let sorted = crate::sort::collect_object(content);
    unstructured(&mut w, 0, &sorted);
    describe_events(&mut w, events, c.now);
    w.finish()
}

/// The describe text of one object.
pub fn describe_object(c: &Cluster, obj: &Object) -> String {
    let events = c.events_for(obj);
    match obj {
        Object::Service(s) => describe_service(c, s, &events),
        Object::Pod(p) => describe_pod(c, p, &events),
        Object::Deployment(d) => describe_deployment(c, d, &events),
        Object::ReplicaSet(r) => describe_replicaset(c, r, &events),
        Object::Endpoints(e) => describe_endpoints(c, e, &events),
        Object::EndpointSlice(s) => describe_endpointslice(c, s, &events),
        Object::Node(n) => describe_node(c, n, &events),
        Object::Namespace(n) => describe_namespace(n),
        Object::Event(e) => {
            let g = GenericObject {
                kind: obj.resource_type(),
                metadata: e.event().metadata.clone(),
                body: match obj.to_json() {
                    serde_json::Value::Object(mut m) => {
                        m.remove("metadata");
                        m.remove("apiVersion");
                        m.remove("kind");
                        m
                    }
                    _ => serde_json::Map::new(),
                },
            };
            describe_generic(c, &g, &[])
        }
        Object::Generic(g) if g.kind.kind == "StatefulSet" => {
            describe_statefulset(c, g, &events).unwrap_or_else(|| describe_generic(c, g, &events))
        }
        Object::Generic(g) if g.kind.kind == "Job" => describe_job(c, g, &events),
        Object::Generic(g) if g.kind.kind == "CronJob" => describe_cronjob(c, g, &events),
        Object::Generic(g) if g.kind.kind == "HorizontalPodAutoscaler" => {
            describe_hpa(c, g, &events)
        }
        Object::Generic(g) if g.kind.kind == "DaemonSet" => {
            describe_daemonset(c, g, &events).unwrap_or_else(|| describe_generic(c, g, &events))
        }
        Object::Generic(g) => describe_generic(c, g, &events),
    }
}

/// describe.go DaemonSetDescriber (describeDaemonSet; DaemonSets are stored as generic
/// JSON, `None` when the stored spec does not decode and the generic describer is used).
fn describe_daemonset(c: &Cluster, g: &GenericObject, events: &[&Event]) -> Option<String> {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
    let spec = g.body.get("spec")?;
    let selector: LabelSelector = crate::api::object::decode(spec.get("selector")?.clone()).ok()?;
    let template: PodTemplateSpec =
        crate::api::object::decode(spec.get("template")?.clone()).ok()?;
    let status = g.body.get("status");
    let num = |k: &str| {
        status
            .and_then(|s| s.get(k))
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0)
    };
    let m = &g.metadata;
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
    w.w(
        0,
        &format!("Selector:\t{}\n", selector_string(Some(&selector))),
    );
    let node_selector = template
        .spec
        .as_ref()
        .and_then(|s| s.node_selector.as_ref());
    w.w(
        0,
        &format!(
            "Node-Selector:\t{}\n",
            crate::api::selector::format_labels(node_selector)
        ),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    for (title, key) in [
        (
            "Desired Number of Nodes Scheduled",
            "desiredNumberScheduled",
        ),
        (
            "Current Number of Nodes Scheduled",
            "currentNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Up-to-date Pods",
            "updatedNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Available Pods",
            "numberAvailable",
        ),
        ("Number of Nodes Misscheduled", "numberMisscheduled"),
    ] {
        w.w(0, &format!("{title}: {}\n", num(key)));
    }
    let sel = Selector::from_label_selector(&selector);
    let (r, wt, s, f) = pod_phases(c, meta_ns(m), &sel, m.uid.as_deref());
    w.w(
        0,
        &format!("Pods Status:\t{r} Running / {wt} Waiting / {s} Succeeded / {f} Failed\n"),
    );
    describe_pod_template(&mut w, Some(&template));
    describe_events(&mut w, events, c.now);
    Some(w.finish())
}

/// describe.go describeHorizontalPodAutoscalerV2 (HPAs are stored as autoscaling/v2
/// JSON): the metrics as current / target, the bounds, the behavior's rules
/// (printDirectionBehavior), the target's counts, the conditions and events.
fn describe_hpa(c: &Cluster, g: &GenericObject, events: &[&Event]) -> String {
    use serde_json::Value;
    let null = Value::Null;
    let spec = g.body.get("spec").unwrap_or(&null);
    let status = g.body.get("status").unwrap_or(&null);
    let s = printers::jstr;
    let n = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_i64);
    let qty = |v: &Value, p: &str| printers::jqty(v.pointer(p));
    let m = &g.metadata;
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    if let Some(t) = &m.creation_timestamp {
        w.w(0, &format!("CreationTimestamp:\t{}\n", rfc1123z(t)));
    }
    let kind = s(spec, "/scaleTargetRef/kind");
    w.w(
        0,
        &format!("Reference:\t{kind}/{}\n", s(spec, "/scaleTargetRef/name")),
    );
    w.w(0, "Metrics:\t( current / target )\n");
    let metrics = spec
        .get("metrics")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let statuses = status
        .get("currentMetrics")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for (i, metric) in metrics.iter().enumerate() {
        let ty = s(metric, "/type");
        let cur = |field: &str| {
            statuses
                .get(i)
                .and_then(|st| st.get(field))
                .filter(|v| !v.is_null())
        };
        let unknown = || "<unknown>".to_string();
        match ty.as_str() {
            "Resource" | "ContainerResource" => {
                let field = if ty == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let src = metric.get(field).unwrap_or(&null);
                let name = s(src, "/name");
                if ty == "Resource" {
                    w.w(1, &format!("resource {name} on pods"));
                } else {
                    w.w(
                        1,
                        &format!(
                            "resource {name} of container \"{}\" on pods",
                            s(src, "/container")
                        ),
                    );
                }
                if src.pointer("/target/averageValue").is_some() {
                    let c = cur(field).map_or_else(unknown, |c| qty(c, "/current/averageValue"));
                    w.w(
                        0,
                        &format!(":\t{c} / {}\n", qty(src, "/target/averageValue")),
                    );
                } else {
                    let c = cur(field)
                        .and_then(|c| n(c, "/current/averageUtilization").map(|u| (u, c)))
                        .map_or_else(unknown, |(u, c)| {
                            format!("{u}% ({})", qty(c, "/current/averageValue"))
                        });
                    let t = n(src, "/target/averageUtilization")
                        .map_or("<auto>".into(), |u| format!("{u}%"));
                    w.w(1, &format!("(as a percentage of request):\t{c} / {t}\n"));
                }
            }
            "Pods" => {
                let c = cur("pods").map_or_else(unknown, |c| qty(c, "/current/averageValue"));
                w.w(
                    1,
                    &format!(
                        "\"{}\" on pods:\t{c} / {}\n",
                        s(metric, "/pods/metric/name"),
                        qty(metric, "/pods/target/averageValue")
                    ),
                );
            }
            "Object" | "External" => {
                let field = if ty == "Object" { "object" } else { "external" };
                let src = metric.get(field).unwrap_or(&null);
                let avg = src.pointer("/target/averageValue").is_some();
                let (label, cur_path, target_path) = if avg {
                    (
                        "target average value",
                        "/current/averageValue",
                        "/target/averageValue",
                    )
                } else {
                    ("target value", "/current/value", "/target/value")
                };
                let c = cur(field).map_or_else(unknown, |c| qty(c, cur_path));
                if ty == "Object" {
                    w.w(
                        1,
                        &format!(
                            "\"{}\" on {}/{} ",
                            s(src, "/metric/name"),
                            s(src, "/describedObject/kind"),
                            s(src, "/describedObject/name")
                        ),
                    );
                    w.w(0, &format!("({label}):\t{c} / {}\n", qty(src, target_path)));
                } else {
                    w.w(
                        1,
                        &format!(
                            "\"{}\" ({label}):\t{c} / {}\n",
                            s(src, "/metric/name"),
                            qty(src, target_path)
                        ),
                    );
                }
            }
            other => w.w(1, &format!("<unknown metric type \"{other}\">\n")),
        }
    }
    let min = n(spec, "/minReplicas").map_or("<unset>".into(), |m| m.to_string());
    w.w(0, &format!("Min replicas:\t{min}\n"));
    w.w(
        0,
        &format!("Max replicas:\t{}\n", n(spec, "/maxReplicas").unwrap_or(0)),
    );
    if let Some(b) = spec.get("behavior").filter(|b| b.is_object()) {
        w.w(0, "Behavior:\n");
        for (title, dir) in [("Scale Up", "scaleUp"), ("Scale Down", "scaleDown")] {
            let Some(rules) = b.get(dir).filter(|r| r.is_object()) else {
                continue;
            };
            w.w(1, &format!("{title}:\n"));
            if let Some(win) = n(rules, "/stabilizationWindowSeconds") {
                w.w(2, &format!("Stabilization Window: {win} seconds\n"));
            }
            let policies = rules
                .get("policies")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            if !policies.is_empty() {
                let select = rules
                    .get("selectPolicy")
                    .and_then(Value::as_str)
                    .unwrap_or("Max");
                w.w(2, &format!("Select Policy: {select}\n"));
                w.w(2, "Policies:\n");
                for p in policies {
                    w.w(
                        3,
                        &format!(
                            "- Type: {}\tValue: {}\tPeriod: {} seconds\n",
                            s(p, "/type"),
                            n(p, "/value").unwrap_or(0),
                            n(p, "/periodSeconds").unwrap_or(0)
                        ),
                    );
                }
            }
        }
    }
    w.w(0, &format!("{kind} pods:\t"));
    w.w(
        0,
        &format!(
            "{} current / {} desired\n",
            n(status, "/currentReplicas").unwrap_or(0),
            n(status, "/desiredReplicas").unwrap_or(0)
        ),
    );
    let conditions = status
        .get("conditions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tReason\tMessage\n");
        w.w(1, "----\t------\t------\t-------\n");
        for cond in conditions {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\n",
                    s(cond, "/type"),
                    s(cond, "/status"),
                    s(cond, "/reason"),
                    s(cond, "/message")
                ),
            );
        }
    }
    describe_events(&mut w, events, c.now);
    w.finish()
}

/// describe.go JobDescriber (describeJob): Jobs are stored as generic JSON, read here
/// field by field as the typed batch/v1 Job would print.
fn describe_job(c: &Cluster, g: &GenericObject, events: &[&Event]) -> String {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, Time};
    use serde_json::Value;
    let spec = g.body.get("spec");
    let status = g.body.get("status");
    let num = |v: Option<&Value>, k: &str| v.and_then(|s| s.get(k)).and_then(Value::as_i64);
    let time = |k: &str| -> Option<Time> {
        status
            .and_then(|s| s.get(k))
            .and_then(|t| serde_json::from_value(t.clone()).ok())
    };
    let m = &g.metadata;
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
    let selector: Option<LabelSelector> = spec
        .and_then(|s| s.get("selector"))
        .and_then(|s| crate::api::object::decode(s.clone()).ok());
    w.w(
        0,
        &format!("Selector:\t{}\n", selector_string(selector.as_ref())),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    if let Some(cb) = controlled_by(m) {
        w.w(0, &format!("Controlled By:\t{cb}\n"));
    }
    if let Some(p) = num(spec, "parallelism") {
        w.w(0, &format!("Parallelism:\t{p}\n"));
    }
    match num(spec, "completions") {
        Some(n) => w.w(0, &format!("Completions:\t{n}\n")),
        None => w.w(0, "Completions:\t<unset>\n"),
    }
    if let Some(mode) = spec
        .and_then(|s| s.get("completionMode"))
        .and_then(Value::as_str)
    {
        w.w(0, &format!("Completion Mode:\t{mode}\n"));
    }
    if let Some(s) = spec.and_then(|s| s.get("suspend")).and_then(Value::as_bool) {
        w.w(0, &format!("Suspend:\t{s}\n"));
    }
    if let Some(b) = num(spec, "backoffLimit") {
        w.w(0, &format!("Backoff Limit:\t{b}\n"));
    }
    if let Some(t) = num(spec, "ttlSecondsAfterFinished") {
        w.w(0, &format!("TTL Seconds After Finished:\t{t}\n"));
    }
    let start = time("startTime");
    let end = time("completionTime");
    if let Some(t) = &start {
        w.w(0, &format!("Start Time:\t{}\n", rfc1123z(t)));
    }
    if let Some(t) = &end {
        w.w(0, &format!("Completed At:\t{}\n", rfc1123z(t)));
    }
    if let (Some(s), Some(e)) = (&start, &end) {
        w.w(
            0,
            &format!(
                "Duration:\t{}\n",
                human_duration(Cluster::millis_of(e) - Cluster::millis_of(s))
            ),
        );
    }
    if let Some(d) = num(spec, "activeDeadlineSeconds") {
        w.w(0, &format!("Active Deadline Seconds:\t{d}s\n"));
    }
    let active = num(status, "active").unwrap_or(0);
    let succeeded = num(status, "succeeded").unwrap_or(0);
    let failed = num(status, "failed").unwrap_or(0);
    match num(status, "ready") {
        None => w.w(
            0,
            &format!("Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n"),
        ),
        Some(ready) => w.w(
            0,
            &format!(
                "Pods Statuses:\t{active} Active ({ready} Ready) / {succeeded} Succeeded / {failed} Failed\n"
            ),
        ),
    }
    if spec
        .and_then(|s| s.get("completionMode"))
        .and_then(Value::as_str)
        == Some("Indexed")
    {
        let done = status
            .and_then(|s| s.get("completedIndexes"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or("<none>");
        w.w(0, &format!("Completed Indexes:\t{done}\n"));
    }
    let template: Option<PodTemplateSpec> = spec
        .and_then(|s| s.get("template"))
        .and_then(|t| crate::api::object::decode(t.clone()).ok());
    describe_pod_template(&mut w, template.as_ref());
    describe_events(&mut w, events, c.now);
    w.finish()
}

/// describe.go CronJobDescriber (describeCronJob, describeJobTemplate, printActiveJobs):
/// CronJobs are stored as generic JSON, read here field by field.
fn describe_cronjob(c: &Cluster, g: &GenericObject, events: &[&Event]) -> String {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, Time};
    use serde_json::Value;
    let spec = g.body.get("spec");
    let job = spec
        .and_then(|s| s.get("jobTemplate"))
        .and_then(|t| t.get("spec"));
    let num = |v: Option<&Value>, k: &str| v.and_then(|s| s.get(k)).and_then(Value::as_i64);
    let unset =
        |n: Option<i64>, unit: &str| n.map_or("<unset>".to_string(), |n| format!("{n}{unit}"));
    let m = &g.metadata;
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", meta_name(m)));
    w.w(0, &format!("Namespace:\t{}\n", meta_ns(m)));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    let text = |k: &str| {
        spec.and_then(|s| s.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    w.w(0, &format!("Schedule:\t{}\n", text("schedule")));
    w.w(
        0,
        &format!("Concurrency Policy:\t{}\n", text("concurrencyPolicy")),
    );
    let suspend = match spec.and_then(|s| s.get("suspend")).and_then(Value::as_bool) {
        None => "<unset>",
        Some(true) => "True",
        Some(false) => "False",
    };
    w.w(0, &format!("Suspend:\t{suspend}\n"));
    w.w(
        0,
        &format!(
            "Successful Job History Limit:\t{}\n",
            unset(num(spec, "successfulJobsHistoryLimit"), "")
        ),
    );
    w.w(
        0,
        &format!(
            "Failed Job History Limit:\t{}\n",
            unset(num(spec, "failedJobsHistoryLimit"), "")
        ),
    );
    w.w(
        0,
        &format!(
            "Starting Deadline Seconds:\t{}\n",
            unset(num(spec, "startingDeadlineSeconds"), "s")
        ),
    );
    let selector: Option<LabelSelector> = job
        .and_then(|s| s.get("selector"))
        .and_then(|s| crate::api::object::decode(s.clone()).ok());
    match &selector {
        Some(sel) => w.w(0, &format!("Selector:\t{}\n", selector_string(Some(sel)))),
        None => w.w(0, "Selector:\t<unset>\n"),
    }
    w.w(
        0,
        &format!("Parallelism:\t{}\n", unset(num(job, "parallelism"), "")),
    );
    w.w(
        0,
        &format!("Completions:\t{}\n", unset(num(job, "completions"), "")),
    );
    if let Some(d) = num(job, "activeDeadlineSeconds") {
        w.w(0, &format!("Active Deadline Seconds:\t{d}s\n"));
    }
    let template: Option<PodTemplateSpec> = job
        .and_then(|s| s.get("template"))
        .and_then(|t| crate::api::object::decode(t.clone()).ok());
    describe_pod_template(&mut w, template.as_ref());
    let status = g.body.get("status");
    let last: Option<Time> = status
        .and_then(|s| s.get("lastScheduleTime"))
        .and_then(|t| serde_json::from_value(t.clone()).ok());
    match &last {
        Some(t) => w.w(0, &format!("Last Schedule Time:\t{}\n", rfc1123z(t))),
        None => w.w(0, "Last Schedule Time:\t<unset>\n"),
    }
    let active: Vec<&str> = status
        .and_then(|s| s.get("active"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("name").and_then(Value::as_str))
        .collect();
    if active.is_empty() {
        w.w(0, "Active Jobs:\t<none>\n");
    } else {
        w.w(0, &format!("Active Jobs:\t{}\n", active.join(", ")));
    }
    describe_events(&mut w, events, c.now);
    w.finish()
}

/// describe.go StatefulSetDescriber (StatefulSets are stored as generic JSON; `None`
/// when the stored spec does not decode, and the generic describer is used).
fn describe_statefulset(c: &Cluster, g: &GenericObject, events: &[&Event]) -> Option<String> {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
    let spec = g.body.get("spec")?;
    let selector: LabelSelector = crate::api::object::decode(spec.get("selector")?.clone()).ok()?;
    let template: PodTemplateSpec =
        crate::api::object::decode(spec.get("template")?.clone()).ok()?;
    let num = |v: Option<&serde_json::Value>| v.and_then(serde_json::Value::as_i64);
    let m = &g.metadata;
    let mut w = W::default();
    name_namespace_created(&mut w, m);
    w.w(
        0,
        &format!("Selector:\t{}\n", selector_string(Some(&selector))),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", m.annotations.as_ref());
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            num(spec.get("replicas")).unwrap_or(1),
            num(g.body.get("status").and_then(|s| s.get("replicas"))).unwrap_or(0)
        ),
    );
    let strategy = spec.get("updateStrategy");
    let strategy_type = strategy
        .and_then(|s| s.get("type"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    w.w(0, &format!("Update Strategy:\t{strategy_type}\n"));
    if let Some(partition) = num(strategy
        .and_then(|s| s.get("rollingUpdate"))
        .and_then(|r| r.get("partition")))
    {
        w.w(1, &format!("Partition:\t{partition}\n"));
    }
    let sel = Selector::from_label_selector(&selector);
    let (r, wt, s, f) = pod_phases(c, meta_ns(m), &sel, m.uid.as_deref());
    w.w(
        0,
        &format!("Pods Status:\t{r} Running / {wt} Waiting / {s} Succeeded / {f} Failed\n"),
    );
    describe_pod_template(&mut w, Some(&template));
    // describeVolumeClaimTemplates: the playground has no PersistentVolumeClaims.
    w.w(0, "Volume Claims:\t<none>\n");
    describe_events(&mut w, events, c.now);
    Some(w.finish())
}

pub fn describe(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let words = a.rest(1).to_vec();
    if words.is_empty() && !a.values(&["-f", "--filename"]).is_empty() {
        return describe_files(ctx, a, out);
    }
    if words.is_empty() {
        // kubectl 1.33 prints one line (verified with the real client).
        out.err("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
        return 1;
    }
    let targets = match parse_targets(&words) {
        Ok(t) => t,
        Err(e) => return fail(out, &e),
    };
    let ns = ctx.namespace(a);
    let all_ns = a.has(&["-A", "--all-namespaces"]);
    let label = match a.value(&["-l", "--selector"]).map(Selector::parse) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return fail(out, &e),
        None => None,
    };
    if targets.iter().any(|t| t.rt.kind == "Endpoints") {
        out.err(ENDPOINTS_WARNING);
    }
    let c: &Cluster = ctx.cluster;
    let mut objs: Vec<Object> = Vec::new();
    let mut errs: Vec<String> = Vec::new();
    let empty = BTreeMap::new();
    for t in &targets {
        match &t.name {
            Some(n) => match find(c, t.rt, &ns, n) {
                Some(o) => objs.push(o.clone()),
                None => {
                    // describe.go DescribeMatchingResources: `describe TYPE PREFIX`.
                    if words.len() == 2 && !words[0].contains('/') && !words[0].contains(',') {
                        let scope = if t.rt.namespaced {
                            Some(ns.as_str())
                        } else {
                            None
                        };
                        let found: Vec<Object> = list_objects(c, t.rt, scope)
                            .into_iter()
                            .filter(|o| o.name().starts_with(n.as_str()))
                            .cloned()
                            .collect();
                        if found.is_empty() {
                            errs.push(not_found(t.rt, n));
                        } else {
                            objs.extend(found);
                        }
                    } else {
                        errs.push(not_found(t.rt, n));
                    }
                }
            },
            None => {
                let scope = if all_ns { None } else { Some(ns.as_str()) };
                objs.extend(
                    list_objects(c, t.rt, scope)
                        .into_iter()
                        .filter(|o| {
                            label
                                .as_ref()
                                .is_none_or(|s| s.matches(o.labels().unwrap_or(&empty)))
                        })
                        .cloned(),
                );
            }
        }
    }
    let mut first = true;
    for o in &objs {
        let s = describe_object(c, o);
        if first {
            out.out(&s);
            first = false;
        } else {
            out.out(&format!("\n\n{s}"));
        }
    }
    for e in &errs {
        out.err(&format!("{e}\n"));
    }
    if objs.is_empty() && errs.is_empty() {
        out.err(&format!("No resources found in {ns} namespace.\n"));
    }
    let _ = kind_prefix;
    if errs.is_empty() {
        0
    } else {
        1
    }
}

/// `kubectl describe -f FILE`: the builder takes each object from the file without a
/// GET, so the describer's own GET reports a missing one (describe.go Run: each
/// distinct error once, after the descriptions).
fn describe_files(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let files = match super::mutate::read_files(ctx, a) {
        Ok(f) => f,
        Err(e) => return super::mutate::files_failed(ctx, out, &e),
    };
    let ns = ctx.namespace(a);
    let c: &Cluster = ctx.cluster;
    let mut objs: Vec<Object> = Vec::new();
    let mut errs: Vec<String> = Vec::new();
    for (source, text) in files {
        for doc in crate::manifest::parse(&text, &source) {
            use crate::manifest::DocError;
            let (kind, name, own_ns) = match doc.result {
                Ok(o) => (
                    o.kind().to_string(),
                    o.name().to_string(),
                    o.meta().namespace.clone(),
                ),
                Err(DocError::UnknownFields { object, .. }) => (
                    object.kind().to_string(),
                    object.name().to_string(),
                    object.meta().namespace.clone(),
                ),
                Err(DocError::Decode {
                    kind,
                    name,
                    namespace,
                    ..
                }) => (kind, name, Some(namespace).filter(|n| !n.is_empty())),
                Err(DocError::Syntax { message, .. } | DocError::Client { message, .. }) => {
                    errs.push(message);
                    continue;
                }
            };
            let Some(rt) = crate::api::kinds::by_kind_name(&kind) else {
                continue;
            };
            let ons = own_ns.unwrap_or_else(|| ns.clone());
            match find(c, rt, &ons, &name) {
                Some(o) => objs.push(o.clone()),
                None => errs.push(not_found(rt, &name)),
            }
        }
    }
    errs.dedup();
    for (i, o) in objs.iter().enumerate() {
        let s = describe_object(c, o);
        if i == 0 {
            out.out(&s);
        } else {
            out.out(&format!("\n\n{s}"));
        }
    }
    for e in &errs {
        out.err(&format!("{e}\n"));
    }
    i32::from(!errs.is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::get::tests::{cluster_with, run};
    use super::*;
    use crate::scenario::transcript::matches;

    const NGINX: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
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
        readinessProbe:
          httpGet:
            path: /
            port: 80
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
";

    fn expect(c: &mut Cluster, line: &str, expected: &str) {
        let (out, _) = run(c, line);
        let lines: Vec<String> = expected.lines().map(String::from).collect();
        assert!(
            matches(&lines, &out),
            "{line}\n--- expected\n{expected}\n--- actual\n{out}"
        );
    }

    #[test]
    fn transcript_01_describe_svc() {
        // /work/shared/transcripts/01-clusterip-basics.txt
        let mut c = cluster_with(NGINX);
        expect(
            &mut c,
            "describe svc nginx",
            "Name:                     nginx
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=nginx
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.[..]
IPs:                      10.[..]
Port:                     <unset>  80/TCP
TargetPort:               80/TCP
Endpoints:                [..]:80,[..]:80,[..]:80
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>",
        );
        // prefix match (describe.go DescribeMatchingResources)
        let (o, _) = run(&mut c, "describe svc ngi");
        assert!(o.starts_with("Name:                     nginx\n"), "{o}");
        let (o, code) = run(&mut c, "describe svc x");
        assert_eq!(
            (o.as_str(), code),
            (
                "Error from server (NotFound): services \"x\" not found\n",
                1
            )
        );
        let (o, _) = run(&mut c, "describe svc");
        assert!(
            o.contains("Events:                   <none>\n\n\nName:                     nginx"),
            "{o}"
        );
    }

    #[test]
    fn describe_pod_layout() {
        let mut c = cluster_with(NGINX);
        let pod = c
            .store
            .list_ns("Pod", "default")
            .next()
            .map(|o| o.name().to_string())
            .unwrap_or_default();
        let (o, _) = run(&mut c, &format!("describe pod {pod}"));
        for want in [
            "Start Time:       Thu, 01 Jan 2026 00:0",
            "Priority:         0\nService Account:  default\n",
            "IPs:\n  IP:           10.244.",
            "Controlled By:  ReplicaSet/nginx-",
            "Containers:\n  nginx:\n    Container ID:   containerd://",
            "    Port:           80/TCP\n    Host Port:      0/TCP\n",
            "    State:          Running\n      Started:      ",
            "    Readiness:      http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3\n",
            "    Environment:    <none>\n",
            "Conditions:\n  Type                        Status\n  PodReadyToStartContainers   True \n",
            "    Mounts:\n      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-",
            "Volumes:\n  kube-api-access-",
            "    TokenExpirationSeconds:  3607\n    ConfigMapName:           kube-root-ca.crt\n    Optional:                false\n    DownwardAPI:             true\nQoS Class:                   BestEffort\n",
            "Events:\n  Type    Reason     Age   From               Message\n  ----    ------     ----  ----               -------\n  Normal  Scheduled  ",
        ] {
            assert!(o.contains(want), "missing {want:?}\n{o}");
        }
    }

    #[test]
    fn describe_other_kinds() {
        let mut c = cluster_with(NGINX);
        let (o, _) = run(&mut c, "describe deploy nginx");
        assert!(o.contains("Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n"), "{o}");
        assert!(
            o.contains("Pod Template:\n  Labels:  app=nginx\n  Containers:\n   nginx:\n    Image:"),
            "{o}"
        );
        assert!(o.contains("NewReplicaSet:   nginx-"), "{o}");
        let (o, _) = run(&mut c, "describe rs");
        assert!(
            o.contains("Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"),
            "{o}"
        );
        let (o, _) = run(&mut c, "describe endpoints nginx");
        assert!(
            o.starts_with("Warning: v1 Endpoints is deprecated")
                && o.contains("Subsets:\n  Addresses:          10.244."),
            "{o}"
        );
        let (o, _) = run(&mut c, "describe endpointslices");
        assert!(o.contains("AddressType:  IPv4\nPorts:\n  Name     Port  Protocol\n  ----     ----  --------\n  <unset>  80    TCP\n"), "{o}");
        let (o, _) = run(&mut c, "describe node kubeplay-worker");
        assert!(
            o.contains("Roles:              <none>\n") && o.contains("Non-terminated Pods:"),
            "{o}"
        );
        let (o, _) = run(&mut c, "describe ns default");
        assert_eq!(o, "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n");
    }

    #[test]
    fn probe_strings() {
        use k8s_openapi::api::core::v1::{HTTPGetAction, TCPSocketAction};
        let p = Probe {
            http_get: Some(HTTPGetAction {
                path: Some("/healthz".into()),
                port: IntOrString::Int(8080),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            describe_probe(&p),
            "http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3"
        );
        let p = Probe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::String("http".into()),
                ..Default::default()
            }),
            period_seconds: Some(5),
            ..Default::default()
        };
        assert_eq!(
            describe_probe(&p),
            "tcp-socket :http delay=0s timeout=1s period=5s #success=1 #failure=3"
        );
    }
}
