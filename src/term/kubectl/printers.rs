//! Table printing (cli-runtime tabwriter: minwidth 6, padding 3), ages, the
//! server-side columns of each kind (k/k `pkg/printers/internalversion/printers.go`),
//! a port of Go's `text/tabwriter`, kubectl's JSONPath subset and natural sort order.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Container, Endpoints, Event, Namespace, Node, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, Time};

use crate::api::selector::{format_label_selector, format_labels};
use crate::api::Object;
use crate::cluster::{Cluster, Millis};

/// `duration.HumanDuration` of a number of milliseconds.
pub fn human_duration(ms: i64) -> String {
    let s = ms / 1000;
    if s < 0 {
        return "<invalid>".into();
    }
    if s < 120 {
        return format!("{s}s");
    }
    let m = s / 60;
    if m < 10 {
        let rs = s % 60;
        return if rs == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{rs}s")
        };
    }
    if m < 180 {
        return format!("{m}m");
    }
    let h = s / 3600;
    if h < 8 {
        let rm = (s % 3600) / 60;
        return if rm == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{rm}m")
        };
    }
    if h < 48 {
        return format!("{h}h");
    }
    let d = h / 24;
    if h < 24 * 8 {
        let rh = h % 24;
        return if rh == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{rh}h")
        };
    }
    if h < 24 * 365 * 2 {
        return format!("{d}d");
    }
    let y = d / 365;
    if h < 24 * 365 * 8 {
        let rd = d % 365;
        return if rd == 0 {
            format!("{y}y")
        } else {
            format!("{y}y{rd}d")
        };
    }
    format!("{y}y")
}

/// `translateTimestampSince`: `<unknown>` for a missing timestamp.
pub fn since(now: Millis, t: Option<&Time>) -> String {
    match t {
        Some(t) => human_duration(now - Cluster::millis_of(t)),
        None => "<unknown>".into(),
    }
}

/// Go's `time.RFC1123Z` layout: `Thu, 01 Jan 2026 00:05:01 +0000` (always UTC here).
pub fn rfc1123z(t: &Time) -> String {
    // A Timestamp formats as UTC: no time zone machinery needed.
    k8s_openapi::jiff::fmt::strtime::format("%a, %d %b %Y %H:%M:%S +0000", t.0).unwrap_or_default()
}

// ------------------------------------------------------------------ tabwriter

/// A port of Go's `text/tabwriter` (padchar ' ', flags 0): cells are tab-terminated,
/// the text after a line's last tab is not part of any column, and a column block
/// is a run of consecutive lines that all have a cell in that column.
#[derive(Debug, Clone, Default)]
pub struct TabWriter {
    pub minwidth: usize,
    pub padding: usize,
    /// `tabwriter.RememberWidths` (kubectl's table printer): widths survive a flush.
    pub remember: bool,
    remembered: Vec<usize>,
}

impl TabWriter {
    pub fn new(minwidth: usize, padding: usize) -> TabWriter {
        TabWriter {
            minwidth,
            padding,
            remember: false,
            remembered: Vec::new(),
        }
    }

    /// kubectl's `printers.GetNewTabWriter`: minwidth 6, padding 3, RememberWidths.
    pub fn kubectl() -> TabWriter {
        TabWriter {
            minwidth: 6,
            padding: 3,
            remember: true,
            remembered: Vec::new(),
        }
    }

    /// Formats `text` (lines with tab-terminated cells) as one flush.
    pub fn format(&mut self, text: &str) -> String {
        let mut lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
        let ends_nl = text.ends_with('\n');
        if ends_nl {
            lines.pop();
        }
        let mut out = String::new();
        let mut widths: Vec<usize> = Vec::new();
        self.block(&lines, 0, lines.len(), &mut widths, &mut out);
        if !ends_nl && out.ends_with('\n') {
            out.pop();
        }
        out
    }

    fn block(
        &mut self,
        lines: &[Vec<&str>],
        mut line0: usize,
        line1: usize,
        widths: &mut Vec<usize>,
        out: &mut String,
    ) {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            self.write_lines(lines, line0, this, widths, out);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 && column + 1 < lines[this].len() {
                let w = lines[this][column].chars().count() + self.padding;
                width = width.max(w);
                this += 1;
            }
            if self.remember {
                if let Some(r) = self.remembered.get(column) {
                    width = width.max(*r);
                }
                if self.remembered.len() <= column {
                    self.remembered.resize(column + 1, 0);
                }
                self.remembered[column] = width;
            }
            widths.push(width);
            self.block(lines, line0, this, widths, out);
            widths.pop();
            line0 = this;
        }
        self.write_lines(lines, line0, line1, widths, out);
    }

    fn write_lines(
        &self,
        lines: &[Vec<&str>],
        from: usize,
        to: usize,
        widths: &[usize],
        out: &mut String,
    ) {
        for line in lines.iter().take(to).skip(from) {
            for (j, c) in line.iter().enumerate() {
                out.push_str(c);
                if j + 1 < line.len() {
                    if let Some(w) = widths.get(j) {
                        let n = w.saturating_sub(c.chars().count());
                        out.extend(std::iter::repeat_n(' ', n));
                    }
                }
            }
            out.push('\n');
        }
    }
}

/// Go tabwriter as kubectl configures it for tables: each cell padded to the column's
/// widest cell + 3 (at least 6), the last column unpadded.
pub fn table(rows: &[Vec<String>]) -> String {
    let text: String = rows.iter().map(|r| format!("{}\n", r.join("\t"))).collect();
    TabWriter::kubectl().format(&text)
}

/// kubectl describe's `tabbedString`: minwidth 0, padding 2.
pub fn tabbed(text: &str) -> String {
    TabWriter::new(0, 2).format(text)
}

// ------------------------------------------------------------------ columns

/// Column headers of a kind's table (wide extras included when `wide`).
pub fn headers(kind: &str, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        "Pod" => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        "Service" => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            &["SELECTOR"],
        ),
        "Endpoints" => (&["NAME", "ENDPOINTS", "AGE"], &[]),
        "EndpointSlice" => (&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], &[]),
        "Deployment" => (
            &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "ReplicaSet" => (
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "Node" => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        "Namespace" => (&["NAME", "STATUS", "AGE"], &[]),
        "Event" => (&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &[]),
        "ServiceCIDR" => (&["NAME", "CIDRS", "AGE"], &[]),
        "Ingress" => (&["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], &[]),
        "DaemonSet" => (
            &[
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "ConfigMap" => (&["NAME", "DATA", "AGE"], &[]),
        "StatefulSet" => (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]),
        "Job" => (
            &["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "Secret" => (&["NAME", "TYPE", "DATA", "AGE"], &[]),
        "CronJob" => (
            &[
                "NAME",
                "SCHEDULE",
                "TIMEZONE",
                "SUSPEND",
                "ACTIVE",
                "LAST SCHEDULE",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "HorizontalPodAutoscaler" => (
            &[
                "NAME",
                "REFERENCE",
                "TARGETS",
                "MINPODS",
                "MAXPODS",
                "REPLICAS",
                "AGE",
            ],
            &[],
        ),
        _ => (&["NAME", "AGE"], &[]),
    };
    if kind == "Event" && wide {
        return vec![
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST SEEN",
            "COUNT",
            "NAME",
        ];
    }
    let mut v: Vec<&'static str> = base.to_vec();
    if wide {
        v.extend_from_slice(extra);
    }
    v
}

/// The cells of one object's row (same order as [`headers`]).
pub fn row(obj: &Object, now: Millis, wide: bool) -> Vec<String> {
    let age = since(now, obj.meta().creation_timestamp.as_ref());
    match obj {
        Object::Pod(p) => pod_row(p, now, wide),
        Object::Service(s) => service_row(s, age, wide),
        Object::Endpoints(e) => vec![obj.name().into(), format_endpoints(e), age],
        Object::EndpointSlice(s) => vec![
            obj.name().into(),
            s.address_type.clone(),
            format_discovery_ports(s),
            format_discovery_endpoints(s),
            age,
        ],
        Object::Deployment(d) => deployment_row(d, age, wide),
        Object::ReplicaSet(r) => replicaset_row(r, age, wide),
        Object::Node(n) => node_row(n, age, wide),
        Object::Namespace(n) => namespace_row(n, age),
        Object::Event(e) => event_row(e.event(), now, wide),
        Object::Generic(g) => match g.kind.kind {
            "ServiceCIDR" => {
                let cidrs = g
                    .body
                    .get("spec")
                    .and_then(|s| s.get("cidrs"))
                    .and_then(|c| c.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str())
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .unwrap_or_default();
                vec![obj.name().into(), cidrs, age]
            }
            "DaemonSet" => daemonset_row(obj.name(), &g.body, age, wide),
            "StatefulSet" => statefulset_row(obj.name(), &g.body, age, wide),
            "Job" => job_row(g, now, age, wide),
            "CronJob" => cronjob_row(g, now, age, wide),
            "HorizontalPodAutoscaler" => hpa_row(obj.name(), &g.body, age),
            "Ingress" => ingress_row(obj.name(), &g.body, age),
            "ConfigMap" => {
                let n = ["data", "binaryData"]
                    .iter()
                    .filter_map(|k| g.body.get(*k).and_then(|v| v.as_object()).map(|m| m.len()))
                    .sum::<usize>();
                vec![obj.name().into(), n.to_string(), age]
            }
            "Secret" => {
                let t = g
                    .body
                    .get("type")
                    .and_then(|v| v.as_str())
                    .unwrap_or("Opaque")
                    .to_string();
                let n = g
                    .body
                    .get("data")
                    .and_then(|v| v.as_object())
                    .map_or(0, |m| m.len());
                vec![obj.name().into(), t, n.to_string(), age]
            }
            _ => vec![obj.name().into(), age],
        },
    }
}

/// `printIngress`: class, hosts (`formatHosts`: at most 3, `*` when none), the load
/// balancer address, and `80` or `80, 443` with TLS (`formatPorts`).
fn ingress_row(
    name: &str,
    body: &serde_json::Map<String, serde_json::Value>,
    age: String,
) -> Vec<String> {
    let spec = body.get("spec");
    let class = spec
        .and_then(|s| s.get("ingressClassName"))
        .and_then(|v| v.as_str())
        .unwrap_or("<none>")
        .to_string();
    let rules: Vec<&serde_json::Value> = spec
        .and_then(|s| s.get("rules"))
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .collect();
    let (mut hosts, mut more) = (Vec::new(), false);
    for r in &rules {
        if hosts.len() == 3 {
            more = true;
        }
        if let Some(h) = r
            .get("host")
            .and_then(|h| h.as_str())
            .filter(|h| !h.is_empty())
        {
            if !more {
                hosts.push(h);
            }
        }
    }
    let hosts = if hosts.is_empty() {
        "*".to_string()
    } else if more {
        format!(
            "{} + {} more...",
            hosts.join(","),
            rules.len().saturating_sub(3)
        )
    } else {
        hosts.join(",")
    };
    let tls = spec
        .and_then(|s| s.get("tls"))
        .and_then(|t| t.as_array())
        .is_some_and(|t| !t.is_empty());
    vec![
        name.to_string(),
        class,
        hosts,
        super::describe::ingress_address(body),
        if tls { "80, 443" } else { "80" }.to_string(),
        age,
    ]
}

/// printers.go printStatefulSet: READY is readyReplicas/spec.replicas.
fn statefulset_row(
    name: &str,
    body: &serde_json::Map<String, serde_json::Value>,
    age: String,
    wide: bool,
) -> Vec<String> {
    let spec = body.get("spec");
    let desired = spec
        .and_then(|s| s.get("replicas"))
        .and_then(|v| v.as_i64())
        .unwrap_or(1);
    let ready = body
        .get("status")
        .and_then(|s| s.get("readyReplicas"))
        .and_then(|v| v.as_i64())
        .unwrap_or(0);
    let mut row = vec![name.to_string(), format!("{ready}/{desired}"), age];
    if wide {
        row.extend(template_containers(body));
    }
    row
}

/// printers.go printJob: STATUS from the conditions (Complete, Failed, then
/// Terminating, Suspended, FailureTarget, SuccessCriteriaMet, else Running),
/// COMPLETIONS `succeeded/completions` (`/1`, or `/1 of P` with parallelism P > 1, when
/// completions is unset), DURATION from startTime to completionTime or to now.
fn job_row(g: &crate::api::GenericObject, now: Millis, age: String, wide: bool) -> Vec<String> {
    use serde_json::Value;
    let body = &g.body;
    let spec = body.get("spec");
    let status = body.get("status");
    let num = |v: Option<&Value>, k: &str| v.and_then(|s| s.get(k)).and_then(Value::as_i64);
    let succeeded = num(status, "succeeded").unwrap_or(0);
    let completions = match num(spec, "completions") {
        Some(n) => format!("{succeeded}/{n}"),
        None => match num(spec, "parallelism").unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let time = |k: &str| {
        status
            .and_then(|s| s.get(k))
            .and_then(|t| serde_json::from_value::<Time>(t.clone()).ok())
            .map(|t| Cluster::millis_of(&t))
    };
    let duration = match (time("startTime"), time("completionTime")) {
        (None, _) => String::new(),
        (Some(start), None) => human_duration(now - start),
        (Some(start), Some(end)) => human_duration(end - start),
    };
    let has = |ty: &str| {
        status
            .and_then(Value::as_object)
            .is_some_and(|s| crate::cluster::jobs::condition_true(s, ty))
    };
    let state = if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if g.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else if has("Suspended") {
        "Suspended"
    } else if has("FailureTarget") {
        "FailureTarget"
    } else if has("SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    };
    let mut row = vec![
        g.metadata.name.clone().unwrap_or_default(),
        state.to_string(),
        completions,
        duration,
        age,
    ];
    if wide {
        row.extend(template_containers(body));
        let sel: Option<LabelSelector> = spec
            .and_then(|s| s.get("selector"))
            .and_then(|s| crate::api::object::decode(s.clone()).ok());
        row.push(selector_string(sel.as_ref()));
    }
    row
}

/// printers.go printCronJob: SCHEDULE, TIMEZONE (`<none>`), SUSPEND (printBoolPtr),
/// ACTIVE (the active Jobs), LAST SCHEDULE (since lastScheduleTime, or `<none>`); -o
/// wide adds the job template's containers, images and selector.
fn cronjob_row(g: &crate::api::GenericObject, now: Millis, age: String, wide: bool) -> Vec<String> {
    use serde_json::Value;
    let spec = g.body.get("spec");
    let status = g.body.get("status");
    let text = |k: &str| spec.and_then(|s| s.get(k)).and_then(Value::as_str);
    let suspend = match spec.and_then(|s| s.get("suspend")).and_then(Value::as_bool) {
        None => "<unset>",
        Some(true) => "True",
        Some(false) => "False",
    };
    let active = status
        .and_then(|s| s.get("active"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let last: Option<Time> = status
        .and_then(|s| s.get("lastScheduleTime"))
        .and_then(|t| serde_json::from_value(t.clone()).ok());
    let mut row = vec![
        g.metadata.name.clone().unwrap_or_default(),
        text("schedule").unwrap_or("").to_string(),
        text("timeZone").unwrap_or("<none>").to_string(),
        suspend.to_string(),
        active.to_string(),
        match &last {
            Some(t) => since(now, Some(t)),
            None => "<none>".into(),
        },
        age,
    ];
    if wide {
        let job = spec
            .and_then(|s| s.get("jobTemplate"))
            .and_then(|t| t.get("spec"));
        row.extend(spec_containers(job));
        let sel: Option<LabelSelector> = job
            .and_then(|s| s.get("selector"))
            .and_then(|s| crate::api::object::decode(s.clone()).ok());
        row.push(format_label_selector(sel.as_ref()));
    }
    row
}

/// The -o wide CONTAINERS and IMAGES cells of a workload stored as JSON: its pod
/// template's container names and images, comma-separated.
fn template_containers(body: &serde_json::Map<String, serde_json::Value>) -> [String; 2] {
    spec_containers(body.get("spec"))
}

/// [`template_containers`] of a spec holding a pod `template` (a CronJob's job template's).
fn spec_containers(spec: Option<&serde_json::Value>) -> [String; 2] {
    let containers: Vec<&serde_json::Value> = spec
        .and_then(|s| s.get("template"))
        .and_then(|t| t.get("spec"))
        .and_then(|p| p.get("containers"))
        .and_then(|c| c.as_array())
        .into_iter()
        .flatten()
        .collect();
    ["name", "image"].map(|field| {
        containers
            .iter()
            .filter_map(|c| c.get(field).and_then(|v| v.as_str()))
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// `printDaemonSet` for a stored (not simulated) DaemonSet: the status counts, the pod
/// template's nodeSelector (`labels.FormatLabels`), and with -o wide its containers,
/// images and selector.
fn daemonset_row(
    name: &str,
    body: &serde_json::Map<String, serde_json::Value>,
    age: String,
    wide: bool,
) -> Vec<String> {
    let status = |k: &str| {
        body.get("status")
            .and_then(|s| s.get(k))
            .and_then(|v| v.as_i64())
            .unwrap_or(0)
            .to_string()
    };
    let pod_spec = body
        .get("spec")
        .and_then(|s| s.get("template"))
        .and_then(|t| t.get("spec"));
    let map = |v: Option<&serde_json::Value>| -> String {
        let pairs: Vec<String> = v
            .and_then(|m| m.as_object())
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect();
        if pairs.is_empty() {
            "<none>".into()
        } else {
            pairs.join(",")
        }
    };
    let mut row = vec![
        name.to_string(),
        status("desiredNumberScheduled"),
        status("currentNumberScheduled"),
        status("numberReady"),
        status("updatedNumberScheduled"),
        status("numberAvailable"),
        map(pod_spec.and_then(|p| p.get("nodeSelector"))),
        age,
    ];
    if wide {
        row.extend(template_containers(body));
        row.push(map(body
            .get("spec")
            .and_then(|s| s.get("selector"))
            .and_then(|s| s.get("matchLabels"))));
    }
    row
}

/// `printPod`: READY, STATUS (reason), RESTARTS with the last restart's age.
pub fn pod_row(pod: &Pod, now: Millis, wide: bool) -> Vec<String> {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let mut total = spec.map_or(0, |s| s.containers.len());
    let mut ready = 0;
    let mut restarts: i64 = 0;
    let mut last_restart: Option<Millis> = None;
    let phase = status.and_then(|s| s.phase.clone()).unwrap_or_default();
    let mut reason = phase.clone();
    if let Some(r) = status
        .and_then(|s| s.reason.as_ref())
        .filter(|r| !r.is_empty())
    {
        reason = r.clone();
    }
    for c in status
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
    {
        if c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated") {
            reason = "SchedulingGated".into();
        }
    }
    let restartable_init = |name: &str| {
        spec.and_then(|s| s.init_containers.as_ref())
            .into_iter()
            .flatten()
            .any(|c| c.name == name && c.restart_policy.as_deref() == Some("Always"))
    };
    total += spec
        .and_then(|s| s.init_containers.as_ref())
        .map_or(0, |v| {
            v.iter()
                .filter(|c| c.restart_policy.as_deref() == Some("Always"))
                .count()
        });
    // Init containers (printPod's initializing loop).
    let mut initializing = false;
    let init_statuses = status.and_then(|s| s.init_container_statuses.as_ref());
    let n_init = spec
        .and_then(|s| s.init_containers.as_ref())
        .map_or(0, |v| v.len());
    // The sidecars' restarts: all a started pod's RESTARTS shows of its init containers.
    let (mut sidecar_restarts, mut sidecar_last) = (0i64, None::<Millis>);
    for (i, c) in init_statuses.into_iter().flatten().enumerate() {
        restarts += c.restart_count as i64;
        let finished = c
            .last_state
            .as_ref()
            .and_then(|l| l.terminated.as_ref())
            .and_then(|t| t.finished_at.as_ref())
            .map(Cluster::millis_of);
        if let Some(ms) = finished {
            last_restart = Some(last_restart.map_or(ms, |l: Millis| l.max(ms)));
        }
        if restartable_init(&c.name) {
            sidecar_restarts += i64::from(c.restart_count);
            if let Some(ms) = finished {
                sidecar_last = Some(sidecar_last.map_or(ms, |l: Millis| l.max(ms)));
            }
        }
        let st = c.state.as_ref();
        let term = st.and_then(|s| s.terminated.as_ref());
        let wait = st.and_then(|s| s.waiting.as_ref());
        if term.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if restartable_init(&c.name) && c.started == Some(true) {
            if c.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = term {
            reason = match (&t.reason, t.signal) {
                (Some(r), _) if !r.is_empty() => format!("Init:{r}"),
                (_, Some(sig)) if sig != 0 => format!("Init:Signal:{sig}"),
                _ => format!("Init:ExitCode:{}", t.exit_code),
            };
        } else if let Some(r) = wait
            .and_then(|w| w.reason.as_ref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{n_init}");
        }
        initializing = true;
        break;
    }
    let initialized = status
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c.type_ == "Initialized" && c.status == "True")
        });
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = sidecar_last;
        let mut has_running = false;
        for c in status
            .and_then(|s| s.container_statuses.as_ref())
            .into_iter()
            .flatten()
            .rev()
        {
            restarts += c.restart_count as i64;
            if let Some(t) = c
                .last_state
                .as_ref()
                .and_then(|l| l.terminated.as_ref())
                .and_then(|t| t.finished_at.as_ref())
            {
                let ms = Cluster::millis_of(t);
                last_restart = Some(last_restart.map_or(ms, |l: Millis| l.max(ms)));
            }
            let st = c.state.as_ref();
            let wait_reason = st
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.clone())
                .filter(|r| !r.is_empty());
            let term = st.and_then(|s| s.terminated.as_ref());
            if let Some(r) = wait_reason {
                reason = r;
            } else if let Some(t) = term {
                reason = match (&t.reason, t.signal) {
                    (Some(r), _) if !r.is_empty() => r.clone(),
                    (_, Some(sig)) if sig != 0 => format!("Signal:{sig}"),
                    _ => format!("ExitCode:{}", t.exit_code),
                };
            } else if c.ready && st.is_some_and(|s| s.running.is_some()) {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = status
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
            reason = if pod_ready {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    if pod.metadata.deletion_timestamp.is_some() {
        if status.and_then(|s| s.reason.as_deref()) == Some("NodeLost") {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    let restarts_str = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", human_duration(now - t)),
        _ => restarts.to_string(),
    };
    let mut cells = vec![
        pod.metadata.name.clone().unwrap_or_default(),
        format!("{ready}/{total}"),
        reason,
        restarts_str,
        since(now, pod.metadata.creation_timestamp.as_ref()),
    ];
    if wide {
        let ip = status
            .and_then(|s| s.pod_ips.as_ref())
            .and_then(|v| v.first())
            .map(|p| p.ip.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "<none>".into());
        let node = spec
            .and_then(|s| s.node_name.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "<none>".into());
        let nominated = status
            .and_then(|s| s.nominated_node_name.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "<none>".into());
        let gates = match spec.and_then(|s| s.readiness_gates.as_ref()) {
            Some(g) if !g.is_empty() => {
                let conds = status.and_then(|s| s.conditions.as_ref());
                let t = g
                    .iter()
                    .filter(|g| {
                        conds
                            .into_iter()
                            .flatten()
                            .any(|c| c.type_ == g.condition_type && c.status == "True")
                    })
                    .count();
                format!("{t}/{}", g.len())
            }
            _ => "<none>".into(),
        };
        cells.extend([ip, node, nominated, gates]);
    }
    cells
}

/// `makePortString`.
pub fn service_ports(s: &Service) -> String {
    let ports = s.spec.as_ref().and_then(|s| s.ports.as_ref());
    let v: Vec<String> = ports
        .into_iter()
        .flatten()
        .map(|p| {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port {
                Some(np) if np > 0 => format!("{}:{np}/{proto}", p.port),
                _ => format!("{}/{proto}", p.port),
            }
        })
        .collect();
    v.join(",")
}

/// `loadBalancerStatusStringer`: sorted unique IPs/hostnames, clipped to 16 unless wide.
fn lb_ingress(s: &Service, wide: bool) -> String {
    let mut set: Vec<String> = Vec::new();
    for i in s
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|l| l.ingress.as_ref())
        .into_iter()
        .flatten()
    {
        let v = match (&i.ip, &i.hostname) {
            (Some(ip), _) if !ip.is_empty() => ip.clone(),
            (_, Some(h)) if !h.is_empty() => h.clone(),
            _ => continue,
        };
        if !set.contains(&v) {
            set.push(v);
        }
    }
    crate::sort::sort(&mut set);
    let r = set.join(",");
    if !wide && r.len() > 16 {
        format!("{}...", r.get(..13).unwrap_or(&r))
    } else {
        r
    }
}

/// `getServiceExternalIP`.
pub fn service_external_ip(s: &Service, wide: bool) -> String {
    let spec = s.spec.as_ref();
    let ext: Vec<String> = spec
        .and_then(|s| s.external_ips.clone())
        .unwrap_or_default();
    match spec.and_then(|s| s.type_.as_deref()).unwrap_or("ClusterIP") {
        "ClusterIP" | "NodePort" => {
            if ext.is_empty() {
                "<none>".into()
            } else {
                ext.join(",")
            }
        }
        "LoadBalancer" => {
            let lb = lb_ingress(s, wide);
            if !ext.is_empty() {
                let mut r: Vec<String> = if lb.is_empty() {
                    vec![]
                } else {
                    lb.split(',').map(String::from).collect()
                };
                r.extend(ext);
                return r.join(",");
            }
            if lb.is_empty() {
                "<pending>".into()
            } else {
                lb
            }
        }
        "ExternalName" => spec
            .and_then(|s| s.external_name.clone())
            .unwrap_or_default(),
        _ => "<unknown>".into(),
    }
}

fn service_row(s: &Service, age: String, wide: bool) -> Vec<String> {
    let spec = s.spec.as_ref();
    let ip = spec
        .and_then(|s| s.cluster_ips.as_ref())
        .and_then(|v| v.first().cloned())
        .unwrap_or_else(|| "<none>".into());
    let ports = service_ports(s);
    let mut cells = vec![
        s.metadata.name.clone().unwrap_or_default(),
        spec.and_then(|s| s.type_.clone()).unwrap_or_default(),
        ip,
        service_external_ip(s, wide),
        if ports.is_empty() {
            "<none>".into()
        } else {
            ports
        },
        age,
    ];
    if wide {
        cells.push(format_labels(spec.and_then(|s| s.selector.as_ref())));
    }
    cells
}

/// `formatEndpoints` (ports = nil: all ports).
pub fn format_endpoints(e: &Endpoints) -> String {
    let subsets = match e.subsets.as_ref() {
        Some(s) if !s.is_empty() => s,
        _ => return "<none>".into(),
    };
    let max = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    for ss in subsets {
        let addrs = ss.addresses.as_deref().unwrap_or(&[]);
        let ports = ss.ports.as_deref().unwrap_or(&[]);
        if ports.is_empty() {
            count += addrs.len();
            for a in addrs {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(a.ip.clone());
            }
            continue;
        }
        for p in ports {
            count += addrs.len();
            for a in addrs {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(join_host_port(&a.ip, p.port));
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

/// `net.JoinHostPort`: IPv6 addresses in brackets.
pub fn join_host_port(host: &str, port: i32) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn list_with_more(list: Vec<String>, more: bool, count: usize, max: usize) -> String {
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count.saturating_sub(max));
    }
    if ret.is_empty() {
        "<unset>".into()
    } else {
        ret
    }
}

/// `formatDiscoveryPorts`.
pub fn format_discovery_ports(s: &EndpointSlice) -> String {
    let (max, mut list, mut more, mut count) = (3, Vec::new(), false, 0);
    for p in s.ports.as_deref().unwrap_or(&[]) {
        if list.len() < max {
            let v = match (&p.port, &p.name) {
                (Some(n), _) => n.to_string(),
                (None, Some(name)) => name.clone(),
                _ => "*".into(),
            };
            list.push(v);
        } else if list.len() == max {
            more = true;
        }
        count += 1;
    }
    list_with_more(list, more, count, max)
}

/// `formatDiscoveryEndpoints`: every address, ready or not.
pub fn format_discovery_endpoints(s: &EndpointSlice) -> String {
    let (max, mut list, mut more, mut count) = (3, Vec::new(), false, 0);
    for e in &s.endpoints {
        for a in &e.addresses {
            if list.len() < max {
                list.push(a.clone());
            } else if list.len() == max {
                more = true;
            }
            count += 1;
        }
    }
    list_with_more(list, more, count, max)
}

/// `layoutContainerCells`.
fn containers_images(cs: &[Container]) -> (String, String) {
    let names: Vec<&str> = cs.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = cs
        .iter()
        .map(|c| c.image.as_deref().unwrap_or(""))
        .collect();
    (names.join(","), images.join(","))
}

/// `metav1.LabelSelectorAsSelector(..).String()`: empty selector prints "".
pub fn selector_string(sel: Option<&LabelSelector>) -> String {
    match sel {
        None => String::new(),
        Some(s) => {
            let f = format_label_selector(Some(s));
            if f == "<none>" {
                String::new()
            } else {
                f
            }
        }
    }
}

fn deployment_row(d: &Deployment, age: String, wide: bool) -> Vec<String> {
    let spec = d.spec.as_ref();
    let st = d.status.as_ref();
    let desired = spec.and_then(|s| s.replicas).unwrap_or(1);
    let mut cells = vec![
        d.metadata.name.clone().unwrap_or_default(),
        format!(
            "{}/{desired}",
            st.and_then(|s| s.ready_replicas).unwrap_or(0)
        ),
        st.and_then(|s| s.updated_replicas).unwrap_or(0).to_string(),
        st.and_then(|s| s.available_replicas)
            .unwrap_or(0)
            .to_string(),
        age,
    ];
    if wide {
        let cs = spec
            .and_then(|s| s.template.spec.as_ref())
            .map(|p| p.containers.as_slice())
            .unwrap_or(&[]);
        let (c, i) = containers_images(cs);
        cells.extend([c, i, selector_string(spec.map(|s| &s.selector))]);
    }
    cells
}

fn replicaset_row(r: &ReplicaSet, age: String, wide: bool) -> Vec<String> {
    let spec = r.spec.as_ref();
    let st = r.status.as_ref();
    let mut cells = vec![
        r.metadata.name.clone().unwrap_or_default(),
        spec.and_then(|s| s.replicas).unwrap_or(1).to_string(),
        st.map_or(0, |s| s.replicas).to_string(),
        st.and_then(|s| s.ready_replicas).unwrap_or(0).to_string(),
        age,
    ];
    if wide {
        let cs = spec
            .and_then(|s| s.template.as_ref())
            .and_then(|t| t.spec.as_ref())
            .map(|p| p.containers.as_slice())
            .unwrap_or(&[]);
        let (c, i) = containers_images(cs);
        cells.extend([c, i, selector_string(spec.map(|s| &s.selector))]);
    }
    cells
}

/// `findNodeRoles`: sorted, unique.
pub fn node_roles(n: &Node) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for (k, v) in n.metadata.labels.iter().flatten() {
        let role = if let Some(r) = k.strip_prefix("node-role.kubernetes.io/") {
            r.to_string()
        } else if k == "kubernetes.io/role" {
            v.clone()
        } else {
            continue;
        };
        if !role.is_empty() && !roles.contains(&role) {
            roles.push(role);
        }
    }
    crate::sort::sort(&mut roles);
    roles
}

fn node_row(n: &Node, age: String, wide: bool) -> Vec<String> {
    let st = n.status.as_ref();
    let mut status: Vec<String> = Vec::new();
    if let Some(c) = st
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
    {
        status.push(if c.status == "True" {
            "Ready".into()
        } else {
            "NotReady".into()
        });
    }
    if status.is_empty() {
        status.push("Unknown".into());
    }
    if n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        status.push("SchedulingDisabled".into());
    }
    let roles = node_roles(n).join(",");
    let info = st.and_then(|s| s.node_info.as_ref());
    let mut cells = vec![
        n.metadata.name.clone().unwrap_or_default(),
        status.join(","),
        if roles.is_empty() {
            "<none>".into()
        } else {
            roles
        },
        age,
        info.map(|i| i.kubelet_version.clone()).unwrap_or_default(),
    ];
    if wide {
        let addr = |t: &str| {
            st.and_then(|s| s.addresses.as_ref())
                .and_then(|a| a.iter().find(|a| a.type_ == t))
                .map(|a| a.address.clone())
                .unwrap_or_else(|| "<none>".into())
        };
        let or_unknown = |s: Option<&String>| {
            s.filter(|s| !s.is_empty())
                .cloned()
                .unwrap_or_else(|| "<unknown>".into())
        };
        cells.extend([
            addr("InternalIP"),
            addr("ExternalIP"),
            or_unknown(info.map(|i| &i.os_image)),
            or_unknown(info.map(|i| &i.kernel_version)),
            or_unknown(info.map(|i| &i.container_runtime_version)),
        ]);
    }
    cells
}

fn namespace_row(n: &Namespace, age: String) -> Vec<String> {
    vec![
        n.metadata.name.clone().unwrap_or_default(),
        n.status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default(),
        age,
    ]
}

/// `printEvent`.
pub fn event_row(e: &Event, now: Millis, wide: bool) -> Vec<String> {
    let first = match (&e.first_timestamp, &e.event_time) {
        (Some(t), _) => since(now, Some(t)),
        (None, Some(mt)) => human_duration(now - Cluster::millis_of_micro(mt)),
        _ => "<unknown>".into(),
    };
    let mut last = match &e.last_timestamp {
        Some(t) => since(now, Some(t)),
        None => first.clone(),
    };
    let mut count = e.count.unwrap_or(0);
    if let Some(s) = &e.series {
        last = match &s.last_observed_time {
            Some(t) => human_duration(now - Cluster::millis_of_micro(t)),
            None => "<unknown>".into(),
        };
        count = s.count.unwrap_or(0);
    } else if count == 0 {
        count = 1;
    }
    let kind = e
        .involved_object
        .kind
        .clone()
        .unwrap_or_default()
        .to_lowercase();
    let target = match e.involved_object.name.as_deref() {
        Some(n) if !n.is_empty() => format!("{kind}/{n}"),
        _ => kind,
    };
    let msg = e.message.clone().unwrap_or_default().trim().to_string();
    if wide {
        let src = e.source.as_ref();
        let comp = src
            .and_then(|s| s.component.clone())
            .filter(|s| !s.is_empty());
        let source = match comp {
            Some(c) => match src.and_then(|s| s.host.clone()).filter(|h| !h.is_empty()) {
                Some(h) => format!("{c}, {h}"),
                None => c,
            },
            None => e.reporting_component.clone().unwrap_or_default(),
        };
        vec![
            last,
            e.type_.clone().unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
            target,
            e.involved_object.field_path.clone().unwrap_or_default(),
            source,
            msg,
            first,
            count.to_string(),
            e.metadata.name.clone().unwrap_or_default(),
        ]
    } else {
        vec![
            last,
            e.type_.clone().unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
            target,
            msg,
        ]
    }
}

// ------------------------------------------------------------------ sorting

/// `sortorder.NaturalLess` (kubectl `--sort-by` on strings): digit runs compare numerically.
pub fn natural_less(a: &str, b: &str) -> bool {
    let (s1, s2) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < s1.len() && j < s2.len() {
        let (c1, c2) = (s1[i], s2[j]);
        let (d1, d2) = (c1.is_ascii_digit(), c2.is_ascii_digit());
        if d1 != d2 {
            return d1;
        }
        if !d1 {
            if c1 != c2 {
                return c1 < c2;
            }
            i += 1;
            j += 1;
            continue;
        }
        while i < s1.len() && s1[i] == b'0' {
            i += 1;
        }
        while j < s2.len() && s2[j] == b'0' {
            j += 1;
        }
        let (nz1, nz2) = (i, j);
        while i < s1.len() && s1[i].is_ascii_digit() {
            i += 1;
        }
        while j < s2.len() && s2[j].is_ascii_digit() {
            j += 1;
        }
        let (l1, l2) = (i - nz1, j - nz2);
        if l1 != l2 {
            return l1 < l2;
        }
        let (n1, n2) = (&s1[nz1..i], &s2[nz2..j]);
        if n1 != n2 {
            return n1 < n2;
        }
        if nz1 != nz2 {
            return nz1 < nz2;
        }
    }
    s1.len() - i.min(s1.len()) < s2.len() - j.min(s2.len()) || (i >= s1.len() && j < s2.len())
}

// ------------------------------------------------------------------ JSONPath

/// kubectl's JSONPath (client-go `util/jsonpath`): `{.a.b}`, `{.a[0]}`, `{.a[*].b}`,
/// `{..name}`, `{.a[?(@.k=="v")].b}`, `{range .items[*]}...{end}`, `{"\n"}` and literal text.
pub mod jsonpath {
    use crate::manifest::gofmt;
    use serde_json::Value;

    #[derive(Debug, Clone, PartialEq)]
    enum Seg {
        Field(String),
        Recursive(String),
        Index(i64),
        Slice(Option<i64>, Option<i64>),
        All,
        Filter(String, String, Option<Value>),
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Node {
        Text(String),
        Path(Vec<Vec<Seg>>),
        Range(Vec<Seg>, Vec<Node>),
    }

    /// A parsed template.
    #[derive(Debug, Clone)]
    pub struct Template {
        nodes: Vec<Node>,
        /// The template as given, for error messages.
        raw: String,
        /// Print values as Go's text/template does (`-o go-template`): a missing value is
        /// `<no value>`, a map `map[k:v]`, a list `[a b]`.
        go: bool,
    }

    /// kubectl `RelaxedJSONPathExpression`: `.a.b` and `a.b` become `{.a.b}`.
    pub fn relaxed(expr: &str) -> Result<String, String> {
        let e = expr.trim();
        if e.is_empty() {
            return Ok(String::new());
        }
        if e.starts_with('{') && e.ends_with('}') {
            return Ok(e.to_string());
        }
        let inner = e.trim_start_matches('{').trim_end_matches('}');
        if inner.starts_with('.') || inner.starts_with('$') {
            Ok(format!("{{{inner}}}"))
        } else {
            Ok(format!("{{.{inner}}}"))
        }
    }

    impl Template {
        pub fn parse(text: &str) -> Result<Template, String> {
            let mut stack: Vec<(Vec<Seg>, Vec<Node>)> = Vec::new();
            let mut cur: Vec<Node> = Vec::new();
            let chars: Vec<char> = text.chars().collect();
            let mut i = 0;
            let mut lit = String::new();
            while i < chars.len() {
                let c = chars[i];
                if c != '{' {
                    lit.push(c);
                    i += 1;
                    continue;
                }
                if !lit.is_empty() {
                    cur.push(Node::Text(std::mem::take(&mut lit)));
                }
                // find the matching '}' outside quotes
                let mut j = i + 1;
                let mut quote: Option<char> = None;
                while j < chars.len() {
                    let d = chars[j];
                    match quote {
                        Some(_) if d == '\\' => j += 1,
                        Some(q) if d == q => quote = None,
                        Some(_) => {}
                        None if d == '"' || d == '\'' => quote = Some(d),
                        None if d == '}' => break,
                        None => {}
                    }
                    j += 1;
                }
                if j >= chars.len() {
                    return Err("unclosed action".to_string());
                }
                let inner: String = chars[i + 1..j].iter().collect();
                let inner = inner.trim();
                i = j + 1;
                if inner == "end" {
                    let Some((path, outer)) = stack.pop() else {
                        return Err("not in range, nothing to end".into());
                    };
                    let body = std::mem::replace(&mut cur, outer);
                    cur.push(Node::Range(path, body));
                } else if let Some(rest) = inner.strip_prefix("range") {
                    let path = parse_path(rest.trim())?;
                    stack.push((path, std::mem::take(&mut cur)));
                } else if inner.starts_with('"') || inner.starts_with('\'') {
                    cur.push(Node::Text(unquote(inner)?));
                } else {
                    let mut paths = Vec::new();
                    for part in split_commas(inner) {
                        paths.push(parse_path(part.trim())?);
                    }
                    cur.push(Node::Path(paths));
                }
            }
            if !lit.is_empty() {
                cur.push(Node::Text(lit));
            }
            if !stack.is_empty() {
                return Err("unclosed range".into());
            }
            Ok(Template {
                nodes: cur,
                raw: text.to_string(),
                go: false,
            })
        }

        /// Runs the template (missing keys give nothing, as `--allow-missing-template-keys`).
        /// An error (an array index out of range) is the message kubectl prints after
        /// `error: ` (cli-runtime `JSONPathPrinter.PrintObj`): the template and a Go `%#v`
        /// dump of the object. client-go `JSONPath.Execute` finds every result before it
        /// prints any, so an error prints nothing else.
        pub fn execute(&self, data: &Value) -> Result<String, String> {
            let mut out = String::new();
            exec(&self.nodes, data, data, self.go, &mut out).map_err(|e| {
                let raw = &self.raw;
                format!(
                    "error executing jsonpath {}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{raw}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n\n",
                    gofmt::quote(raw),
                    gofmt::unstructured(data)
                )
            })?;
            Ok(out)
        }

        /// [`Template::execute`] into a command's output: false after an error.
        pub fn print(&self, data: &Value, out: &mut crate::term::shell::Output) -> bool {
            match self.execute(data) {
                Ok(text) => {
                    out.out(&text);
                    true
                }
                Err(e) => {
                    out.err(&format!("error: {e}"));
                    false
                }
            }
        }

        /// The same template printing values the way `-o go-template` does.
        pub fn go_style(mut self) -> Template {
            self.go = true;
            self
        }

        /// The values each `{}` of a one-expression template selects (custom-columns, sort-by).
        /// An error is client-go's bare message (`array index out of bounds: ...`).
        pub fn values(&self, data: &Value) -> Result<Vec<Value>, String> {
            let mut v = Vec::new();
            for n in &self.nodes {
                if let Node::Path(paths) = n {
                    for p in paths {
                        v.extend(eval(p, data, data)?.into_iter().cloned());
                    }
                }
            }
            Ok(v)
        }
    }

    fn split_commas(s: &str) -> Vec<&str> {
        let mut parts = Vec::new();
        let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
        for (i, c) in s.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '"' | '\'' => quote = Some(c),
                    '[' | '(' => depth += 1,
                    ']' | ')' => depth -= 1,
                    ',' if depth == 0 => {
                        parts.push(&s[start..i]);
                        start = i + 1;
                    }
                    _ => {}
                },
            }
        }
        parts.push(&s[start..]);
        parts
    }

    fn unquote(s: &str) -> Result<String, String> {
        let q = s.chars().next().unwrap_or('"');
        let body = s
            .strip_prefix(q)
            .and_then(|b| b.strip_suffix(q))
            .ok_or("unterminated string")?;
        let mut out = String::new();
        let mut it = body.chars();
        while let Some(c) = it.next() {
            if c == '\\' {
                match it.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(o) => out.push(o),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        Ok(out)
    }

    fn parse_path(s: &str) -> Result<Vec<Seg>, String> {
        let s = s.strip_prefix('$').unwrap_or(s);
        let b: Vec<char> = s.chars().collect();
        let mut segs = Vec::new();
        let mut i = 0;
        // A field name ends at `.` or `[`; `\.` is a dot inside it, as in
        // `{.metadata.labels.app\.kubernetes\.io/name}` (client-go jsonpath parseField).
        let ident = |i: &mut usize| {
            let mut name = String::new();
            while *i < b.len() && b[*i] != '.' && b[*i] != '[' {
                if b[*i] == '\\' && *i + 1 < b.len() {
                    *i += 1;
                }
                name.push(b[*i]);
                *i += 1;
            }
            name
        };
        while i < b.len() {
            match b[i] {
                '.' => {
                    if b.get(i + 1) == Some(&'.') {
                        i += 2;
                        let name = ident(&mut i);
                        segs.push(Seg::Recursive(name));
                    } else {
                        i += 1;
                        let name = ident(&mut i);
                        if !name.is_empty() {
                            segs.push(Seg::Field(name));
                        }
                    }
                }
                '[' => {
                    let mut j = i + 1;
                    let mut quote: Option<char> = None;
                    let mut depth = 0;
                    while j < b.len() {
                        let c = b[j];
                        match quote {
                            Some(q) if c == q => quote = None,
                            Some(_) => {}
                            None => match c {
                                '"' | '\'' => quote = Some(c),
                                '(' => depth += 1,
                                ')' => depth -= 1,
                                ']' if depth == 0 => break,
                                _ => {}
                            },
                        }
                        j += 1;
                    }
                    if j >= b.len() {
                        return Err("unterminated array".into());
                    }
                    let inner: String = b[i + 1..j].iter().collect();
                    i = j + 1;
                    segs.push(parse_bracket(inner.trim())?);
                }
                '@' => i += 1,
                c if c.is_whitespace() => i += 1,
                _ => {
                    let name = ident(&mut i);
                    segs.push(Seg::Field(name));
                }
            }
        }
        Ok(segs)
    }

    fn parse_bracket(inner: &str) -> Result<Seg, String> {
        if inner == "*" {
            return Ok(Seg::All);
        }
        if let Some(f) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
            let f = f.trim();
            for op in ["==", "!=", "<=", ">=", "<", ">"] {
                if let Some((l, r)) = f.split_once(op) {
                    let key = l
                        .trim()
                        .trim_start_matches('@')
                        .trim_start_matches('.')
                        .to_string();
                    let r = r.trim();
                    let v = if r.starts_with('"') || r.starts_with('\'') {
                        Value::String(unquote(r)?)
                    } else {
                        serde_json::from_str(r).unwrap_or(Value::String(r.to_string()))
                    };
                    return Ok(Seg::Filter(key, op.to_string(), Some(v)));
                }
            }
            let key = f
                .trim_start_matches('@')
                .trim_start_matches('.')
                .to_string();
            return Ok(Seg::Filter(key, String::new(), None));
        }
        if inner.starts_with('\'') || inner.starts_with('"') {
            return Ok(Seg::Field(unquote(inner)?));
        }
        if let Some((a, b)) = inner.split_once(':') {
            let p = |s: &str| -> Result<Option<i64>, String> {
                let s = s.split(':').next().unwrap_or("").trim();
                if s.is_empty() {
                    Ok(None)
                } else {
                    s.parse()
                        .map(Some)
                        .map_err(|_| format!("invalid array index {s}"))
                }
            };
            return Ok(Seg::Slice(p(a)?, p(b)?));
        }
        inner
            .parse::<i64>()
            .map(Seg::Index)
            .map_err(|_| format!("invalid array index {inner}"))
    }

    fn field<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
        match v {
            Value::Object(m) => m.get(name),
            _ => None,
        }
    }

    fn recurse<'a>(v: &'a Value, name: &str, out: &mut Vec<&'a Value>) {
        match v {
            Value::Object(m) => {
                if let Some(x) = m.get(name) {
                    out.push(x);
                }
                for x in m.values() {
                    recurse(x, name, out);
                }
            }
            Value::Array(a) => {
                for x in a {
                    recurse(x, name, out);
                }
            }
            _ => {}
        }
    }

    fn cmp(a: &Value, op: &str, b: &Value) -> bool {
        let ord = match (a, b) {
            (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()),
            (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
            (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
            _ => None,
        };
        match (op, ord) {
            ("==", Some(o)) => o.is_eq(),
            ("!=", Some(o)) => !o.is_eq(),
            ("!=", None) => true,
            ("<", Some(o)) => o.is_lt(),
            (">", Some(o)) => o.is_gt(),
            ("<=", Some(o)) => o.is_le(),
            (">=", Some(o)) => o.is_ge(),
            _ => false,
        }
    }

    fn eval<'a>(path: &[Seg], root: &'a Value, cur: &'a Value) -> Result<Vec<&'a Value>, String> {
        let _ = root;
        let mut vals: Vec<&Value> = vec![cur];
        for seg in path {
            let mut next = Vec::new();
            for v in vals {
                match seg {
                    Seg::Field(n) => {
                        if let Some(x) = field(v, n) {
                            next.push(x);
                        }
                    }
                    Seg::Recursive(n) => recurse(v, n, &mut next),
                    Seg::All => match v {
                        Value::Array(a) => next.extend(a.iter()),
                        Value::Object(m) => next.extend(m.values()),
                        _ => {}
                    },
                    // `[i]` is `[i:i+1]` (the parser's derived end).
                    Seg::Index(i) => {
                        next.extend(slice(v, Some(*i), Some(i.saturating_add(1)), true)?)
                    }
                    Seg::Slice(s, e) => next.extend(slice(v, *s, *e, false)?),
                    Seg::Filter(key, op, rhs) => {
                        if let Value::Array(a) = v {
                            for item in a {
                                let kpath: Vec<Seg> = key
                                    .split('.')
                                    .filter(|s| !s.is_empty())
                                    .map(|s| Seg::Field(s.to_string()))
                                    .collect();
                                let found = eval(&kpath, item, item).unwrap_or_default();
                                let ok = match rhs {
                                    None => !found.is_empty(),
                                    Some(r) => found.iter().any(|f| cmp(f, op, r)),
                                };
                                if ok {
                                    next.push(item);
                                }
                            }
                        }
                    }
                }
            }
            vals = next;
        }
        Ok(vals)
    }

    /// client-go jsonpath `evalArray`: negative bounds count from the end, a derived end
    /// of 0 (`[-1]`) is the length; a range that selects something must lie inside the
    /// array; null is skipped and anything else that is not an array is an error.
    fn slice(
        v: &Value,
        start: Option<i64>,
        end: Option<i64>,
        derived_end: bool,
    ) -> Result<&[Value], String> {
        let a = match v {
            Value::Array(a) => a,
            Value::Null => return Ok(&[]),
            other => return Err(format!("{} is not array or slice", go_type(other))),
        };
        let len = a.len() as i64;
        let mut s = start.unwrap_or(0);
        if s < 0 {
            s += len;
        }
        let mut e = end.unwrap_or(len);
        if e < 0 || (e == 0 && derived_end) {
            e += len;
        }
        if s == e {
            return Ok(&[]);
        }
        if s >= len || s < 0 {
            return Err(format!(
                "array index out of bounds: index {s}, length {len}"
            ));
        }
        if e > len || e < 0 {
            return Err(format!(
                "array index out of bounds: index {}, length {len}",
                e - 1
            ));
        }
        if s > e {
            return Err(format!(
                "starting index {s} is greater than ending index {e}"
            ));
        }
        Ok(&a[s as usize..e as usize])
    }

    /// The Go type of a value decoded into `interface{}`.
    fn go_type(v: &Value) -> &'static str {
        match v {
            Value::Object(_) => "map[string]interface {}",
            Value::Array(_) => "[]interface {}",
            Value::String(_) => "string",
            Value::Bool(_) => "bool",
            Value::Number(n) if n.is_f64() => "float64",
            Value::Number(_) => "int64",
            Value::Null => "interface {}",
        }
    }

    /// How the Go template prints one value: strings raw, others as compact JSON.
    pub fn text(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => serde_json::to_string(other).unwrap_or_default(),
        }
    }

    /// Go's `fmt.Sprint` of an unstructured value, as cli-runtime's custom-columns
    /// printer shows a cell: a list `[a b]`, a map `map[k:v]` (keys sorted), null `<nil>`.
    pub fn sprint(v: &Value) -> String {
        go_format(v, "<nil>")
    }

    fn exec(
        nodes: &[Node],
        root: &Value,
        cur: &Value,
        go: bool,
        out: &mut String,
    ) -> Result<(), String> {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Path(paths) => {
                    let mut parts = Vec::new();
                    for p in paths {
                        for v in eval(p, root, cur)? {
                            // client-go jsonpath prints a null value as `null` (kubectl
                            // 1.33 `get -o jsonpath='{.metadata.deletionTimestamp}'` on an
                            // object holding null, against a fake API server).
                            parts.push(match v {
                                _ if go => go_text(v),
                                Value::Null => "null".into(),
                                _ => text(v),
                            });
                        }
                    }
                    if go && parts.is_empty() {
                        parts.push("<no value>".into());
                    }
                    out.push_str(&parts.join(" "));
                }
                Node::Range(path, body) => {
                    for v in eval(path, root, cur)? {
                        exec(body, root, v, go, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Go's `%v` of an unstructured value, as text/template prints it.
    fn go_text(v: &Value) -> String {
        go_format(v, "<no value>")
    }

    /// Go's `%v` of a value decoded into `interface{}`, with `null` as `null_text`.
    fn go_format(v: &Value, null_text: &str) -> String {
        match v {
            Value::Null => null_text.into(),
            Value::String(s) => s.clone(),
            Value::Array(items) => {
                let parts: Vec<String> = items.iter().map(|i| go_format(i, null_text)).collect();
                format!("[{}]", parts.join(" "))
            }
            Value::Object(m) => {
                let mut pairs: Vec<(&String, &Value)> = m.iter().collect();
                crate::sort::sort_by(&mut pairs, |a, b| a.0.cmp(b.0));
                let parts: Vec<String> = pairs
                    .into_iter()
                    .map(|(k, v)| format!("{k}:{}", go_format(v, null_text)))
                    .collect();
                format!("map[{}]", parts.join(" "))
            }
            other => other.to_string(),
        }
    }
}

/// The string at a JSON pointer ("" when absent), for the kinds kept as JSON.
pub fn jstr(v: &serde_json::Value, p: &str) -> String {
    v.pointer(p)
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// A quantity as `Quantity.String()` prints it (a JSON number or string; "0" when absent).
pub fn jqty(v: Option<&serde_json::Value>) -> String {
    let t = match v {
        Some(serde_json::Value::String(t)) => t.clone(),
        Some(serde_json::Value::Null) | None => "0".to_string(),
        Some(other) => other.to_string(),
    };
    crate::cluster::resources::canonical_quantity(&t).unwrap_or(t)
}

/// printers.go printHorizontalPodAutoscaler: REFERENCE is KIND/NAME, TARGETS
/// formatHPAMetrics, MINPODS `<unset>` without one, REPLICAS the status' current count.
fn hpa_row(
    name: &str,
    body: &serde_json::Map<String, serde_json::Value>,
    age: String,
) -> Vec<String> {
    use serde_json::Value;
    let spec = body.get("spec").unwrap_or(&Value::Null);
    let s = jstr;
    let n = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_i64);
    let statuses = body
        .get("status")
        .and_then(|s| s.get("currentMetrics"))
        .and_then(Value::as_array);
    vec![
        name.into(),
        format!(
            "{}/{}",
            s(spec, "/scaleTargetRef/kind"),
            s(spec, "/scaleTargetRef/name")
        ),
        hpa_metrics(spec, statuses.map(Vec::as_slice).unwrap_or(&[])),
        n(spec, "/minReplicas").map_or("<unset>".into(), |m| m.to_string()),
        n(spec, "/maxReplicas").unwrap_or(0).to_string(),
        body.get("status")
            .and_then(|s| s.get("currentReplicas"))
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .to_string(),
        age,
    ]
}

/// printers.go formatHPAMetrics: `<none>` without metrics, at most two shown then
/// ` + N more...`; a metric without a current value shows `<unknown>`.
pub fn hpa_metrics(spec: &serde_json::Value, statuses: &[serde_json::Value]) -> String {
    use serde_json::Value;
    let metrics = spec
        .get("metrics")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if metrics.is_empty() {
        return "<none>".into();
    }
    let qty = jqty;
    let list: Vec<String> = metrics
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let ty = m.get("type").and_then(Value::as_str).unwrap_or("");
            let field = match ty {
                "Resource" => "resource",
                "ContainerResource" => "containerResource",
                "Pods" => "pods",
                "Object" => "object",
                "External" => "external",
                _ => return "<unknown type>".to_string(),
            };
            let src = m.get(field).unwrap_or(&Value::Null);
            let cur = statuses.get(i).and_then(|st| st.get(field));
            let target = src.get("target").unwrap_or(&Value::Null);
            let avg = target.get("averageValue");
            let current = |p: &str| cur.and_then(|c| c.pointer(p));
            let unknown = || "<unknown>".to_string();
            match field {
                "resource" | "containerResource" => {
                    let name = src.get("name").and_then(Value::as_str).unwrap_or("");
                    if avg.is_some() {
                        let c = cur.map_or_else(unknown, |_| qty(current("/current/averageValue")));
                        format!("{name}: {c}/{}", qty(avg))
                    } else {
                        let c = current("/current/averageUtilization")
                            .and_then(Value::as_i64)
                            .map_or_else(unknown, |u| format!("{u}%"));
                        let t = target
                            .get("averageUtilization")
                            .and_then(Value::as_i64)
                            .map_or("<auto>".into(), |u| format!("{u}%"));
                        format!("{name}: {c}/{t}")
                    }
                }
                "pods" => {
                    let c = cur.map_or_else(unknown, |_| qty(current("/current/averageValue")));
                    format!("{c}/{}", qty(avg))
                }
                _ if avg.is_some() => {
                    let c = current("/current/averageValue").map_or_else(unknown, |v| qty(Some(v)));
                    format!("{c}/{} (avg)", qty(avg))
                }
                _ => {
                    let c = cur.map_or_else(unknown, |_| qty(current("/current/value")));
                    format!("{c}/{}", qty(target.get("value")))
                }
            }
        })
        .collect();
    if list.len() > 2 {
        format!("{} + {} more...", list[..2].join(", "), list.len() - 2)
    } else {
        list.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        // apimachinery duration.HumanDuration cases
        for (s, want) in [
            (0, "0s"),
            (119, "119s"),
            (120, "2m"),
            (125, "2m5s"),
            (599, "9m59s"),
            (600, "10m"),
            (10799, "179m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 60, "3h1m"),
            (8 * 3600, "8h"),
            (47 * 3600, "47h"),
            (48 * 3600, "2d"),
            (49 * 3600, "2d1h"),
            (8 * 86400, "8d"),
            (800 * 86400, "2y70d"),
        ] {
            assert_eq!(human_duration(s * 1000), want, "{s}");
        }
    }

    #[test]
    fn table_layout() {
        // transcript 01 / REFERENCE §8: minwidth 6, padding 3, last column unpadded.
        let t = table(&[
            vec![
                "NAME".into(),
                "READY".into(),
                "UP-TO-DATE".into(),
                "AVAILABLE".into(),
                "AGE".into(),
            ],
            vec![
                "nginx".into(),
                "3/3".into(),
                "3".into(),
                "3".into(),
                "10s".into(),
            ],
        ]);
        assert_eq!(t, "NAME    READY   UP-TO-DATE   AVAILABLE   AGE\nnginx   3/3     3            3           10s\n");
    }

    #[test]
    fn describe_tabwriter_blocks() {
        // Go tabwriter: a line without tabs ends the column block (describe pod's IPs:).
        let t = tabbed(
            "Name:\tx\nStatus:\tRunning\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/a\n",
        );
        assert_eq!(t, "Name:    x\nStatus:  Running\nIPs:\n  IP:           10.0.0.1\nControlled By:  ReplicaSet/a\n");
    }

    #[test]
    fn natural_order() {
        assert!(natural_less("10.244.1.9", "10.244.1.10"));
        assert!(!natural_less("10.244.1.10", "10.244.1.9"));
        assert!(natural_less("a", "b"));
        assert!(natural_less("a", "ab"));
        assert!(!natural_less("a", "a"));
    }

    #[test]
    fn jsonpath_basics() {
        let v = serde_json::json!({"kind":"List","items":[
            {"metadata":{"name":"a"},"status":{"podIP":"10.0.0.1","conditions":[{"type":"Ready","status":"True"}]},"spec":{"ports":[{"port":80}]}},
            {"metadata":{"name":"b"},"status":{"podIP":"10.0.0.2","conditions":[{"type":"Ready","status":"False"}]},"spec":{"ports":[{"port":81}]}}]});
        let run = |t: &str| {
            jsonpath::Template::parse(t)
                .unwrap()
                .execute(&v)
                .unwrap_or_else(|e| e)
        };
        assert_eq!(run("{.items[*].metadata.name}"), "a b");
        assert_eq!(run("{.items[0].status.podIP}"), "10.0.0.1");
        assert_eq!(run("{.items[-1].metadata.name}"), "b");
        assert_eq!(
            run("{range .items[*]}{.metadata.name}{\"\\n\"}{end}"),
            "a\nb\n"
        );
        assert_eq!(
            run("{range .items[*]}{.metadata.name}:{.spec.ports[0].port} {end}"),
            "a:80 b:81 "
        );
        assert_eq!(
            run("{.items[?(@.status.podIP==\"10.0.0.2\")].metadata.name}"),
            "b"
        );
        assert_eq!(
            run("{.items[0].status.conditions[?(@.type==\"Ready\")].status}"),
            "True"
        );
        assert_eq!(run("{.missing.key}"), "");
        assert_eq!(run("{..podIP}"), "10.0.0.1 10.0.0.2");
        assert_eq!(run("names: {.items[*].metadata.name}"), "names: a b");
        assert_eq!(run("{.items[0].spec}"), "{\"ports\":[{\"port\":80}]}");
        assert!(jsonpath::Template::parse("{.a").is_err());
        assert!(jsonpath::Template::parse("{end}").is_err());
        // client-go evalArray bounds.
        let err = |t: &str| run(t).lines().next().unwrap_or_default().to_string();
        assert!(err("{.items[2]}").contains(": array index out of bounds: index 2, length 2."));
        assert!(err("{.items[-3]}").contains("index -1, length 2."));
        assert!(err("{.items[0:3]}").contains("index 2, length 2."));
        assert!(err("{.items[1:0]}").contains("starting index 1 is greater than ending index 0"));
        assert!(err("{.items[0].metadata[0]}").contains("map[string]interface {} is not array"));
        assert_eq!(run("{.items[2:2]}{.items[5:5]}{.items[0].nothing[4]}"), "");
        assert_eq!(run("{.items[-2:].metadata.name}"), "a b");
    }

    #[test]
    fn go_sharp_v_of_unstructured() {
        let v =
            serde_json::json!({"b": [1, 0.5, 1.5e7, true, null], "a": {"q": "x\"y\n"}, "e": {}});
        assert_eq!(
            crate::manifest::gofmt::unstructured(&v),
            r#"map[string]interface {}{"a":map[string]interface {}{"q":"x\"y\n"}, "b":[]interface {}{1, 0.5, 1.5e+07, true, interface {}(nil)}, "e":map[string]interface {}{}}"#
        );
    }

    #[test]
    fn endpoints_cells() {
        use k8s_openapi::api::core::v1::{EndpointAddress, EndpointPort, EndpointSubset};
        let addr = |ip: &str| EndpointAddress {
            ip: ip.into(),
            ..Default::default()
        };
        let mut e = Endpoints::default();
        assert_eq!(format_endpoints(&e), "<none>");
        e.subsets = Some(vec![EndpointSubset {
            addresses: Some(vec![
                addr("10.0.0.1"),
                addr("10.0.0.2"),
                addr("10.0.0.3"),
                addr("10.0.0.4"),
                addr("10.0.0.5"),
            ]),
            ports: Some(vec![EndpointPort {
                port: 80,
                ..Default::default()
            }]),
            ..Default::default()
        }]);
        assert_eq!(
            format_endpoints(&e),
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."
        );
        e.subsets = Some(vec![EndpointSubset {
            not_ready_addresses: Some(vec![addr("10.0.0.1")]),
            ports: Some(vec![EndpointPort {
                port: 80,
                ..Default::default()
            }]),
            ..Default::default()
        }]);
        assert_eq!(format_endpoints(&e), "");
    }

    #[test]
    fn service_cells() {
        use k8s_openapi::api::core::v1::{ServicePort, ServiceSpec};
        let mut s = Service {
            spec: Some(ServiceSpec {
                type_: Some("NodePort".into()),
                ports: Some(vec![
                    ServicePort {
                        port: 80,
                        node_port: Some(30080),
                        protocol: Some("TCP".into()),
                        ..Default::default()
                    },
                    ServicePort {
                        port: 53,
                        protocol: Some("UDP".into()),
                        ..Default::default()
                    },
                ]),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(service_ports(&s), "80:30080/TCP,53/UDP");
        assert_eq!(service_external_ip(&s, false), "<none>");
        if let Some(sp) = s.spec.as_mut() {
            sp.type_ = Some("LoadBalancer".into());
        }
        assert_eq!(service_external_ip(&s, false), "<pending>");
        if let Some(sp) = s.spec.as_mut() {
            sp.type_ = Some("ExternalName".into());
            sp.external_name = Some("example.com".into());
        }
        assert_eq!(service_external_ip(&s, false), "example.com");
    }

    #[test]
    fn rfc1123() {
        let c = Cluster::new(1);
        assert_eq!(
            rfc1123z(&c.time(5 * 60 * 1000 + 1000)),
            "Thu, 01 Jan 2026 00:05:01 +0000"
        );
    }
}
