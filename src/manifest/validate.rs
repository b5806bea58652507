//! API-server validation with the exact messages (k/k `pkg/apis/core/validation/validation.go`,
//! `pkg/apis/apps/validation/validation.go`, apimachinery `pkg/util/validation`;
//! REFERENCE.md sections 1-3). Objects are expected to be defaulted first.

use super::gofmt::{self, quote};
use crate::api::Object;
use k8s_openapi::api::apps::v1::DeploymentStrategy;
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::{BTreeMap, BTreeSet};

/// One `field.Error`: `field` is the path (`spec.ports[0].port`), `body` is `ErrorBody()`
/// (`Invalid value: 70000: must be between 1 and 65535, inclusive`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub field: String,
    pub body: String,
}

fn cause(field: impl Into<String>, body: impl Into<String>) -> Cause {
    Cause {
        field: field.into(),
        body: body.into(),
    }
}

fn required(field: impl Into<String>, detail: &str) -> Cause {
    if detail.is_empty() {
        cause(field, "Required value")
    } else {
        cause(field, format!("Required value: {detail}"))
    }
}

fn forbidden(field: impl Into<String>, detail: &str) -> Cause {
    cause(field, format!("Forbidden: {detail}"))
}

/// `value` is already rendered (`quote(s)`, a number, or a `%#v` form).
fn invalid(field: impl Into<String>, value: &str, detail: &str) -> Cause {
    if detail.is_empty() {
        cause(field, format!("Invalid value: {value}"))
    } else {
        cause(field, format!("Invalid value: {value}: {detail}"))
    }
}

fn unsupported(field: impl Into<String>, value: &str, supported: &[&str]) -> Cause {
    let list: Vec<String> = supported.iter().map(|s| quote(s)).collect();
    cause(
        field,
        format!(
            "Unsupported value: {}: supported values: {}",
            quote(value),
            list.join(", ")
        ),
    )
}

fn duplicate(field: impl Into<String>, value: &str) -> Cause {
    cause(field, format!("Duplicate value: {value}"))
}

/// kubectl's rendering of a 422 (REFERENCE.md section 1): one cause inline, several as a
/// list under a header with a trailing space; duplicates removed, server order kept.
pub fn format_invalid(kind: &str, name: &str, causes: &[Cause]) -> String {
    let mut seen = BTreeSet::new();
    let lines: Vec<String> = causes
        .iter()
        .map(|c| format!("{}: {}", c.field, c.body))
        .filter(|l| seen.insert(l.clone()))
        .collect();
    let header = format!("The {kind} {} is invalid: ", quote(name));
    match lines.as_slice() {
        [] => header.trim_end().to_string(),
        [one] => format!("{header}{one}"),
        many => {
            let items: Vec<String> = many.iter().map(|l| format!("* {l}")).collect();
            format!("{header}\n{}", items.join("\n"))
        }
    }
}

// ---------------------------------------------------------------- name rules
// apimachinery `pkg/util/validation/validation.go`, shared with `-l` selector parsing.

use crate::api::names::{
    dns1035_label, dns1123_label, dns1123_subdomain, label_value, lower_alnum, qualified_name,
};

/// `IsValidPortName` (IANA_SVC_NAME), one message per failed rule.
pub fn port_name(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.len() > 15 {
        out.push("must be no more than 15 characters".to_string());
    }
    // `^[-a-z0-9]+$`: the empty name fails it too.
    if s.is_empty() || !s.bytes().all(|c| lower_alnum(c) || c == b'-') {
        out.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if !s.bytes().any(|c| c.is_ascii_lowercase()) {
        out.push("must contain at least one letter (a-z)".into());
    }
    if s.contains("--") {
        out.push("must not contain consecutive hyphens".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        out.push("must not begin or end with a hyphen".into());
    }
    out
}

const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";

fn labels(m: Option<&BTreeMap<String, String>>, field: &str, out: &mut Vec<Cause>) {
    for (k, v) in m.into_iter().flatten() {
        for msg in qualified_name(k) {
            out.push(invalid(field, &quote(k), &msg));
        }
        for msg in label_value(v) {
            out.push(invalid(field, &quote(v), &msg));
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum NameRule {
    Dns1035,
    Subdomain,
    Label,
}

fn object_meta(meta: &ObjectMeta, rule: NameRule, out: &mut Vec<Cause>) {
    let name = meta.name.as_deref().unwrap_or("");
    if name.is_empty() {
        if meta.generate_name.as_deref().unwrap_or("").is_empty() {
            out.push(required(
                "metadata.name",
                "name or generateName is required",
            ));
        }
    } else {
        let msgs = match rule {
            NameRule::Dns1035 => dns1035_label(name),
            NameRule::Subdomain => dns1123_subdomain(name),
            NameRule::Label => dns1123_label(name),
        };
        for m in msgs {
            out.push(invalid("metadata.name", &quote(name), &m));
        }
    }
    labels(meta.labels.as_ref(), "metadata.labels", out);
}

// ---------------------------------------------------------------- entry points

/// Validation on create (`Validate` of the registry strategy).
/// `apiservice.NeedsHealthCheck`: a LoadBalancer with `externalTrafficPolicy: Local`
/// gets a node port where kube-proxy answers whether the node has local endpoints.
pub fn needs_health_check(svc: &Service) -> bool {
    svc.spec.as_ref().is_some_and(|s| {
        s.type_.as_deref() == Some("LoadBalancer")
            && s.external_traffic_policy.as_deref() == Some("Local")
    })
}

pub fn validate(obj: &Object) -> Vec<Cause> {
    let mut out = Vec::new();
    match obj {
        Object::Service(s) => service(s, &mut out),
        Object::Pod(p) => {
            object_meta(&p.metadata, NameRule::Subdomain, &mut out);
            if let Some(spec) = &p.spec {
                pod_spec(spec, "spec", &mut out);
            }
        }
        Object::Generic(g) if g.kind.kind == "StatefulSet" => statefulset(g, &mut out),
        Object::Generic(g) if g.kind.kind == "Job" => job(g, &mut out),
        Object::Generic(g) if g.kind.kind == "CronJob" => cronjob(g, &mut out),
        Object::Generic(g) if g.kind.kind == "DaemonSet" => daemonset(g, &mut out),
        Object::Generic(g) if g.kind.kind == "HorizontalPodAutoscaler" => hpa(g, &mut out),
        Object::Deployment(d) => {
            object_meta(&d.metadata, NameRule::Subdomain, &mut out);
            if let Some(spec) = &d.spec {
                nonneg(spec.replicas.unwrap_or(1), "spec.replicas", &mut out);
                let sel_ok = selector(
                    Some(&spec.selector),
                    "spec.selector",
                    "deployment",
                    &mut out,
                );
                template(
                    Some(&spec.template),
                    &spec.selector,
                    sel_ok,
                    "spec.template",
                    &mut out,
                );
                if let Some(st) = &spec.strategy {
                    strategy(st, &mut out);
                }
                let min_ready = spec.min_ready_seconds.unwrap_or(0);
                nonneg(min_ready, "spec.minReadySeconds", &mut out);
                if let Some(r) = spec.revision_history_limit {
                    nonneg(r, "spec.revisionHistoryLimit", &mut out);
                }
                if let Some(p) = spec.progress_deadline_seconds {
                    nonneg(p, "spec.progressDeadlineSeconds", &mut out);
                    if p <= min_ready {
                        out.push(invalid(
                            "spec.progressDeadlineSeconds",
                            &p.to_string(),
                            "must be greater than minReadySeconds",
                        ));
                    }
                }
            }
        }
        Object::ReplicaSet(r) => {
            object_meta(&r.metadata, NameRule::Subdomain, &mut out);
            if let Some(spec) = &r.spec {
                nonneg(spec.replicas.unwrap_or(1), "spec.replicas", &mut out);
                nonneg(
                    spec.min_ready_seconds.unwrap_or(0),
                    "spec.minReadySeconds",
                    &mut out,
                );
                let sel_ok = selector(
                    Some(&spec.selector),
                    "spec.selector",
                    "deployment",
                    &mut out,
                );
                template(
                    spec.template.as_ref(),
                    &spec.selector,
                    sel_ok,
                    "spec.template",
                    &mut out,
                );
            }
        }
        Object::Namespace(n) => object_meta(&n.metadata, NameRule::Label, &mut out),
        _ => object_meta(obj.meta(), NameRule::Subdomain, &mut out),
    }
    out
}

/// Validation on update: the update-only rules first (immutable clusterIP), then the
/// create rules on the new object, then immutable selectors (apps/v1 strategy order).
pub fn validate_update(old: &Object, new: &Object) -> Vec<Cause> {
    let mut out = Vec::new();
    match (old, new) {
        (Object::Service(o), Object::Service(n)) => {
            let ty = |s: &Service| {
                s.spec
                    .as_ref()
                    .and_then(|x| x.type_.clone())
                    .unwrap_or_default()
            };
            if ty(o) != "ExternalName" && ty(n) != "ExternalName" {
                let (oi, ni) = (cluster_ips(o), cluster_ips(n));
                if let (Some(a), Some(b)) = (oi.first(), ni.first()) {
                    if a != b {
                        out.push(invalid(
                            "spec.clusterIPs[0]",
                            &gofmt::string_slice(Some(&ni)),
                            "may not change once set",
                        ));
                    }
                }
            }
            // validateServiceExternalTrafficFieldsUpdate
            let port = |s: &Service| s.spec.as_ref().and_then(|x| x.health_check_node_port);
            if needs_health_check(o) && needs_health_check(n) && port(o) != port(n) {
                out.push(forbidden("spec.healthCheckNodePort", "field is immutable"));
            }
            out.extend(validate(new));
        }
        (Object::Deployment(o), Object::Deployment(n)) => {
            out.extend(validate(new));
            if let (Some(os), Some(ns)) = (&o.spec, &n.spec) {
                if os.selector != ns.selector {
                    out.push(invalid(
                        "spec.selector",
                        &gofmt::label_selector(&ns.selector),
                        "field is immutable",
                    ));
                }
            }
        }
        (Object::ReplicaSet(o), Object::ReplicaSet(n)) => {
            out.extend(validate(new));
            if let (Some(os), Some(ns)) = (&o.spec, &n.spec) {
                if os.selector != ns.selector {
                    out.push(invalid(
                        "spec.selector",
                        &gofmt::label_selector(&ns.selector),
                        "field is immutable",
                    ));
                }
            }
        }
        (Object::Pod(o), Object::Pod(n)) => {
            out.extend(validate(new));
            if pod_spec_mutable_part(o) != pod_spec_mutable_part(n) {
                // k/k ValidatePodUpdate; the real message continues with a cmp.Diff of
                // the specs, which is not reproduced [unverified: diff omitted].
                out.push(forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"));
            }
        }
        _ => out.extend(validate(new)),
    }
    out
}

fn pod_spec_mutable_part(p: &k8s_openapi::api::core::v1::Pod) -> Option<PodSpec> {
    let mut s = p.spec.clone()?;
    for c in s.containers.iter_mut() {
        c.image = None;
    }
    for c in s.init_containers.iter_mut().flatten() {
        c.image = None;
    }
    s.active_deadline_seconds = None;
    s.tolerations = None;
    s.termination_grace_period_seconds = None;
    Some(s)
}

fn nonneg(v: i32, field: &str, out: &mut Vec<Cause>) {
    if v < 0 {
        out.push(invalid(
            field,
            &v.to_string(),
            "must be greater than or equal to 0",
        ));
    }
}

// ---------------------------------------------------------------- Service

/// `clusterIPs`, or `[clusterIP]` when only the singular is set (storage normalizes).
fn cluster_ips(s: &Service) -> Vec<String> {
    let Some(spec) = &s.spec else { return vec![] };
    match &spec.cluster_ips {
        Some(v) if !v.is_empty() => v.clone(),
        _ => spec
            .cluster_ip
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect(),
    }
}

fn service(s: &Service, out: &mut Vec<Cause>) {
    object_meta(&s.metadata, NameRule::Dns1035, out);
    let default_spec = Default::default();
    let spec = s.spec.as_ref().unwrap_or(&default_spec);
    let ips = cluster_ips(s);
    let headless = ips.first().map(String::as_str) == Some("None");
    let ty = spec.type_.as_deref().unwrap_or("");
    let ports = spec.ports.as_deref().unwrap_or(&[]);
    if ports.is_empty() && !headless && ty != "ExternalName" {
        out.push(required("spec.ports", ""));
    }
    match ty {
        "LoadBalancer" | "NodePort" if headless => out.push(invalid(
            "spec.clusterIPs[0]",
            &quote("None"),
            &format!("may not be set to 'None' for {ty} services"),
        )),
        "ExternalName" => {
            if !ips.is_empty() {
                out.push(forbidden(
                    "spec.clusterIPs",
                    "may not be set for ExternalName services",
                ));
            }
            if spec.ip_families.as_ref().is_some_and(|f| !f.is_empty()) {
                out.push(forbidden(
                    "spec.ipFamilies",
                    "may not be set for ExternalName services",
                ));
            }
            if spec.ip_family_policy.is_some() {
                out.push(forbidden(
                    "spec.ipFamilyPolicy",
                    "may not be set for ExternalName services",
                ));
            }
            let cname = spec.external_name.as_deref().unwrap_or("");
            let cname = cname.strip_suffix('.').unwrap_or(cname);
            if cname.is_empty() {
                out.push(required("spec.externalName", ""));
            } else {
                for m in dns1123_subdomain(cname) {
                    out.push(invalid("spec.externalName", &quote(cname), &m));
                }
            }
        }
        _ => {}
    }
    let mut names = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let f = format!("spec.ports[{i}]");
        let name = p.name.as_deref().unwrap_or("");
        if ports.len() > 1 && name.is_empty() {
            out.push(required(format!("{f}.name"), ""));
        } else if !name.is_empty() {
            for m in dns1123_label(name) {
                out.push(invalid(format!("{f}.name"), &quote(name), &m));
            }
            if !names.insert(name.to_string()) {
                out.push(duplicate(format!("{f}.name"), &quote(name)));
            }
        }
        if !(1..=65535).contains(&p.port) {
            out.push(invalid(
                format!("{f}.port"),
                &p.port.to_string(),
                PORT_RANGE,
            ));
        }
        protocol(p.protocol.as_deref(), &format!("{f}.protocol"), out);
        port_num_or_name(p.target_port.as_ref(), &format!("{f}.targetPort"), out);
        if let Some(ap) = &p.app_protocol {
            for m in qualified_name(ap) {
                out.push(invalid(format!("{f}.appProtocol"), &quote(ap), &m));
            }
        }
    }
    if let Some(sel) = &spec.selector {
        labels(Some(sel), "spec.selector", out);
    }
    match spec.session_affinity.as_deref().unwrap_or("") {
        "" => out.push(required("spec.sessionAffinity", "")),
        "ClientIP" => {
            let f = "spec.sessionAffinityConfig";
            match spec.session_affinity_config.as_ref() {
                None => out.push(required(f, "when session affinity type is ClientIP")),
                Some(c) => match c.client_ip.as_ref() {
                    None => out.push(required(
                        format!("{f}.clientIP"),
                        "when session affinity type is ClientIP",
                    )),
                    Some(ip) => match ip.timeout_seconds {
                        None => out.push(required(
                            format!("{f}.clientIP.timeoutSeconds"),
                            "when session affinity type is ClientIP",
                        )),
                        Some(t) if t <= 0 || t > 86400 => out.push(invalid(
                            format!("{f}.clientIP.timeoutSeconds"),
                            &t.to_string(),
                            "must be greater than 0 and less than 86400",
                        )),
                        Some(_) => {}
                    },
                },
            }
        }
        "None" => {
            if spec.session_affinity_config.is_some() {
                out.push(forbidden(
                    "spec.sessionAffinityConfig",
                    "must not be set when session affinity is None",
                ));
            }
        }
        other => out.push(unsupported(
            "spec.sessionAffinity",
            other,
            &["ClientIP", "None"],
        )),
    }
    // ValidateServiceClusterIPsRelatedFields (format only; allocation is the cluster's job).
    for (i, ip) in ips.iter().enumerate() {
        if ip == "None" && i == 0 {
            continue;
        }
        if ip.parse::<std::net::IpAddr>().is_err() {
            out.push(invalid(
                format!("spec.clusterIPs[{i}]"),
                &quote(ip),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            ));
        }
    }
    if let Some(p) = spec.ip_family_policy.as_deref() {
        if !["PreferDualStack", "RequireDualStack", "SingleStack"].contains(&p) {
            out.push(unsupported(
                "spec.ipFamilyPolicy",
                p,
                &["PreferDualStack", "RequireDualStack", "SingleStack"],
            ));
        }
    }
    for (i, f) in spec.ip_families.iter().flatten().enumerate() {
        if f != "IPv4" && f != "IPv6" {
            out.push(unsupported(
                format!("spec.ipFamilies[{i}]"),
                f,
                &["IPv4", "IPv6"],
            ));
        }
    }
    // ValidateService: each external IP is an IP (IsValidIPForLegacyField) and not a
    // special one (ValidateNonSpecialIP).
    for (i, ip) in spec.external_ips.iter().flatten().enumerate() {
        let path = format!("spec.externalIPs[{i}]");
        match ip.parse::<std::net::IpAddr>() {
            Err(_) => out.push(invalid(
                path,
                &quote(ip),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            )),
            Ok(addr) => {
                let special = match addr {
                    std::net::IpAddr::V4(a) if a.is_unspecified() => {
                        Some("may not be unspecified (0.0.0.0)")
                    }
                    std::net::IpAddr::V6(a) if a.is_unspecified() => {
                        Some("may not be unspecified (::)")
                    }
                    a if a.is_loopback() => {
                        Some("may not be in the loopback range (127.0.0.0/8, ::1/128)")
                    }
                    std::net::IpAddr::V4(a) if a.is_link_local() => {
                        Some("may not be in the link-local range (169.254.0.0/16, fe80::/10)")
                    }
                    std::net::IpAddr::V4(a) if a.octets()[..3] == [224, 0, 0] => Some(
                        "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
                    ),
                    _ => None,
                };
                if let Some(why) = special {
                    out.push(invalid(path, &quote(ip), why));
                }
            }
        }
    }
    match ty {
        "" => out.push(required("spec.type", "")),
        "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort" => {}
        other => out.push(unsupported(
            "spec.type",
            other,
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        )),
    }
    if ty == "ClusterIP" {
        for (i, p) in ports.iter().enumerate() {
            if p.node_port.unwrap_or(0) != 0 {
                out.push(forbidden(
                    format!("spec.ports[{i}].nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    let mut node_ports = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let np = p.node_port.unwrap_or(0);
        if np == 0 {
            continue;
        }
        if !node_ports.insert((p.protocol.clone(), np)) {
            out.push(duplicate(
                format!("spec.ports[{i}].nodePort"),
                &np.to_string(),
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        if !seen.insert((p.protocol.clone(), p.port)) {
            let key = k8s_openapi::api::core::v1::ServicePort {
                protocol: p.protocol.clone(),
                port: p.port,
                ..Default::default()
            };
            out.push(duplicate(
                format!("spec.ports[{i}]"),
                &gofmt::service_port(&key),
            ));
        }
    }
    if ty != "LoadBalancer" {
        if spec
            .load_balancer_source_ranges
            .as_ref()
            .is_some_and(|r| !r.is_empty())
        {
            out.push(forbidden(
                "spec.loadBalancerSourceRanges",
                "may only be used when `type` is 'LoadBalancer'",
            ));
        }
        if spec.allocate_load_balancer_node_ports.is_some() {
            out.push(forbidden(
                "spec.allocateLoadBalancerNodePorts",
                "may only be used when `type` is 'LoadBalancer'",
            ));
        }
    }
    let externally = ty == "LoadBalancer"
        || ty == "NodePort"
        || (ty == "ClusterIP" && spec.external_ips.as_ref().is_some_and(|e| !e.is_empty()));
    let etp = spec.external_traffic_policy.as_deref().unwrap_or("");
    if !externally {
        if !etp.is_empty() {
            out.push(invalid(
                "spec.externalTrafficPolicy",
                &quote(etp),
                "may only be set for externally-accessible services",
            ));
        }
    } else if etp.is_empty() {
        out.push(required("spec.externalTrafficPolicy", ""));
    } else if etp != "Cluster" && etp != "Local" {
        out.push(unsupported(
            "spec.externalTrafficPolicy",
            etp,
            &["Cluster", "Local"],
        ));
    }
    let health_check_port = spec.health_check_node_port.unwrap_or(0);
    if !(ty == "LoadBalancer" && etp == "Local") {
        if health_check_port != 0 {
            out.push(invalid(
                "spec.healthCheckNodePort",
                &health_check_port.to_string(),
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ));
        }
    } else if health_check_port == 0 {
        out.push(required("spec.healthCheckNodePort", ""));
    } else if !(1..=65535).contains(&health_check_port) {
        out.push(invalid(
            "spec.healthCheckNodePort",
            &health_check_port.to_string(),
            PORT_RANGE,
        ));
    }
    match spec.internal_traffic_policy.as_deref() {
        None if ty == "NodePort" || ty == "LoadBalancer" || ty == "ClusterIP" => {
            out.push(required("spec.internalTrafficPolicy", ""));
        }
        Some(p) if p != "Cluster" && p != "Local" => {
            out.push(unsupported(
                "spec.internalTrafficPolicy",
                p,
                &["Cluster", "Local"],
            ));
        }
        _ => {}
    }
}

fn protocol(p: Option<&str>, field: &str, out: &mut Vec<Cause>) {
    match p.unwrap_or("") {
        "" => out.push(required(field, "")),
        "TCP" | "UDP" | "SCTP" => {}
        other => out.push(unsupported(field, other, &["SCTP", "TCP", "UDP"])),
    }
}

fn port_num_or_name(p: Option<&IntOrString>, field: &str, out: &mut Vec<Cause>) {
    match p {
        Some(IntOrString::Int(n)) if !(1..=65535).contains(n) => {
            out.push(invalid(field, &n.to_string(), PORT_RANGE));
        }
        Some(IntOrString::Int(_)) => {}
        Some(IntOrString::String(s)) => {
            for m in port_name(s) {
                out.push(invalid(field, &quote(s), &m));
            }
        }
        None => {}
    }
}

// ---------------------------------------------------------------- selectors, templates

/// `ValidateLabelSelector` + the empty-selector rule; returns whether
/// `LabelSelectorAsSelector` would succeed.
/// A workload's `spec.selector`. `workload` names it in the empty-selector message, as
/// apps validation does ("deployment" for ReplicaSets too, as k/k has it).
fn selector(
    sel: Option<&LabelSelector>,
    field: &str,
    workload: &str,
    out: &mut Vec<Cause>,
) -> bool {
    let Some(sel) = sel else {
        out.push(required(field, ""));
        return false;
    };
    let empty_labels = sel.match_labels.as_ref().is_none_or(|m| m.is_empty());
    let exprs = sel.match_expressions.as_deref().unwrap_or(&[]);
    // k8s-openapi cannot tell a missing selector from `{}`: both decode to an empty
    // LabelSelector. A selector with neither field is reported as missing (the common
    // mistake); `matchLabels: {}` gets the empty-selector message.
    if sel.match_labels.is_none() && sel.match_expressions.is_none() {
        out.push(required(field, ""));
        return false;
    }
    let mut ok = true;
    let before = out.len();
    labels(
        sel.match_labels.as_ref(),
        &format!("{field}.matchLabels"),
        out,
    );
    for (i, r) in exprs.iter().enumerate() {
        let f = format!("{field}.matchExpressions[{i}]");
        let n = r.values.as_ref().map_or(0, Vec::len);
        match r.operator.as_str() {
            "In" | "NotIn" => {
                if n == 0 {
                    out.push(required(
                        format!("{f}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if n > 0 {
                    out.push(forbidden(
                        format!("{f}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            other => out.push(invalid(
                format!("{f}.operator"),
                &quote(other),
                "not a valid selector operator",
            )),
        }
        for m in qualified_name(&r.key) {
            out.push(invalid(format!("{f}.key"), &quote(&r.key), &m));
        }
        for (j, v) in r.values.iter().flatten().enumerate() {
            for m in label_value(v) {
                out.push(invalid(format!("{f}.values[{j}]"), &quote(v), &m));
            }
        }
    }
    if out.len() > before {
        ok = false;
    }
    if empty_labels && exprs.is_empty() {
        out.push(invalid(
            field,
            &gofmt::label_selector(sel),
            &format!("empty selector is invalid for {workload}"),
        ));
    }
    if !ok {
        out.push(invalid(
            field,
            &gofmt::label_selector(sel),
            "invalid label selector",
        ));
    }
    ok
}

fn template(
    t: Option<&PodTemplateSpec>,
    sel: &LabelSelector,
    sel_ok: bool,
    field: &str,
    out: &mut Vec<Cause>,
) {
    let Some(t) = t else {
        out.push(required(field, ""));
        return;
    };
    let tlabels = t.metadata.as_ref().and_then(|m| m.labels.clone());
    let nothing = sel.match_labels.is_none() && sel.match_expressions.is_none();
    let everything = !nothing
        && sel.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && sel.match_expressions.as_ref().is_none_or(|m| m.is_empty());
    if sel_ok || nothing {
        let matches = !nothing && selector_matches(sel, tlabels.as_ref());
        if !everything && !matches {
            out.push(invalid(
                format!("{field}.metadata.labels"),
                &gofmt::string_map(Some(&tlabels.clone().unwrap_or_default())),
                "`selector` does not match template `labels`",
            ));
        }
    }
    // ValidatePodTemplateSpec: labels (path as in k/k: `<template>.labels`) [unverified path].
    labels(tlabels.as_ref(), &format!("{field}.labels"), out);
    let default_spec = PodSpec::default();
    let spec = t.spec.as_ref().unwrap_or(&default_spec);
    pod_spec(spec, &format!("{field}.spec"), out);
    let rp = spec.restart_policy.as_deref().unwrap_or("");
    if rp != "Always" {
        out.push(unsupported(
            format!("{field}.spec.restartPolicy"),
            rp,
            &["Always"],
        ));
    }
    if spec.active_deadline_seconds.is_some() {
        out.push(forbidden(
            format!("{field}.spec.activeDeadlineSeconds"),
            "activeDeadlineSeconds in ReplicaSet is not Supported",
        ));
    }
}

/// apps validation ValidateStatefulSet, the parts the playground's StatefulSets use: the
/// name, `spec.replicas`, the selector and the pod template (StatefulSets are stored as
/// JSON; what does not decode counts as missing).
fn statefulset(g: &crate::api::GenericObject, out: &mut Vec<Cause>) {
    object_meta(&g.metadata, NameRule::Subdomain, out);
    let spec = g.body.get("spec");
    let field = |k: &str| spec.and_then(|s| s.get(k)).cloned();
    if let Some(n) = field("replicas").and_then(|v| v.as_i64()) {
        nonneg(
            n.clamp(i32::MIN as i64, i32::MAX as i64) as i32,
            "spec.replicas",
            out,
        );
    }
    selector_and_template(g, "statefulset", out);
}

/// apps validation ValidateDaemonSet, the parts the playground's DaemonSets use: the
/// name, the selector, the pod template (restartPolicy Always) and that they match.
/// DaemonSets are stored as JSON; what does not decode counts as missing.
fn daemonset(g: &crate::api::GenericObject, out: &mut Vec<Cause>) {
    object_meta(&g.metadata, NameRule::Subdomain, out);
    selector_and_template(g, "daemonset", out);
}

/// autoscaling validation ValidateHorizontalPodAutoscaler (pkg/apis/autoscaling/validation),
/// on the defaulted JSON: the replica bounds (minReplicas at least 1 without the
/// HPAScaleToZero gate), the scale target reference, the metrics (their source type and
/// target) and the scaling rules. Numbers that are not numbers count as 0.
fn hpa(g: &crate::api::GenericObject, out: &mut Vec<Cause>) {
    use serde_json::Value;
    object_meta(&g.metadata, NameRule::Subdomain, out);
    let spec = g.body.get("spec").unwrap_or(&Value::Null);
    let num = |v: &Value, k: &str| v.get(k).map(|n| n.as_i64().unwrap_or(0));
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let min = num(spec, "minReplicas");
    let max = num(spec, "maxReplicas").unwrap_or(0);
    if let Some(m) = min.filter(|m| *m < 1) {
        int_cause(
            out,
            "spec.minReplicas",
            m,
            "must be greater than or equal to 1",
        );
    }
    if max < 1 {
        int_cause(out, "spec.maxReplicas", max, "must be greater than 0");
    }
    if min.is_some_and(|m| max < m) {
        int_cause(
            out,
            "spec.maxReplicas",
            max,
            "must be greater than or equal to `minReplicas`",
        );
    }
    let target = spec.get("scaleTargetRef").unwrap_or(&Value::Null);
    for part in ["kind", "name"] {
        let f = format!("spec.scaleTargetRef.{part}");
        let v = text(target, part);
        if v.is_empty() {
            out.push(required(f, ""));
        } else {
            for m in path_segment(&v) {
                out.push(invalid(&f, &quote(&v), m));
            }
        }
    }
    let types = [
        "ContainerResource",
        "External",
        "Object",
        "Pods",
        "Resource",
    ];
    for (i, m) in spec
        .get("metrics")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let p = format!("spec.metrics[{i}]");
        let ty = text(m, "type");
        if ty.is_empty() {
            out.push(required(
                format!("{p}.type"),
                "must specify a metric source type",
            ));
        }
        if !types.contains(&ty.as_str()) {
            out.push(unsupported(format!("{p}.type"), &ty, &types));
        }
        // validateResourceSource and validateMetricTarget for the resource source.
        if let Some(r) = m.get("resource").filter(|r| r.is_object()) {
            let rp = format!("{p}.resource");
            if text(r, "name").is_empty() {
                out.push(required(
                    format!("{rp}.name"),
                    "must specify a resource name",
                ));
            }
            let t = r.get("target").unwrap_or(&Value::Null);
            let tt = text(t, "type");
            if tt.is_empty() {
                out.push(required(
                    format!("{rp}.target.type"),
                    "must specify a metric target type",
                ));
            }
            if !matches!(tt.as_str(), "Utilization" | "Value" | "AverageValue") {
                out.push(invalid(
                    format!("{rp}.target.type"),
                    &quote(&tt),
                    "must be either Utilization, Value, or AverageValue",
                ));
            }
            let util = num(t, "averageUtilization");
            if let Some(u) = util.filter(|u| *u < 1) {
                int_cause(
                    out,
                    format!("{rp}.target.averageUtilization"),
                    u,
                    "must be greater than 0",
                );
            }
            match (util.is_some(), t.get("averageValue").is_some()) {
                (false, false) => out.push(required(
                    format!("{rp}.target.averageUtilization"),
                    "must set either a target raw value or a target utilization",
                )),
                (true, true) => out.push(forbidden(
                    format!("{rp}.target.averageValue"),
                    "may not set both a target raw value and a target utilization",
                )),
                _ => {}
            }
        } else if ty == "Resource" {
            out.push(required(
                format!("{p}.resource"),
                "must populate information for the given metric source",
            ));
        }
    }
    // validateBehavior / validateScalingRules / validateScalingPolicy.
    for dir in ["scaleUp", "scaleDown"] {
        let Some(rules) = spec
            .pointer(&format!("/behavior/{dir}"))
            .filter(|r| r.is_object())
        else {
            continue;
        };
        let p = format!("spec.behavior.{dir}");
        if let Some(w) = num(rules, "stabilizationWindowSeconds") {
            if w < 0 {
                int_cause(
                    out,
                    format!("{p}.stabilizationWindowSeconds"),
                    w,
                    "must be greater than or equal to zero",
                );
            }
            if w > 3600 {
                int_cause(
                    out,
                    format!("{p}.stabilizationWindowSeconds"),
                    w,
                    "must be less than or equal to 3600",
                );
            }
        }
        let select = text(rules, "selectPolicy");
        if rules.get("selectPolicy").is_some()
            && !matches!(select.as_str(), "Disabled" | "Max" | "Min")
        {
            out.push(unsupported(
                format!("{p}.selectPolicy"),
                &select,
                &["Disabled", "Max", "Min"],
            ));
        }
        let policies = rules.get("policies").and_then(Value::as_array);
        if policies.is_none_or(|v| v.is_empty()) {
            out.push(required(
                format!("{p}.policies"),
                "must specify at least one Policy",
            ));
        }
        for (i, pol) in policies.into_iter().flatten().enumerate() {
            let pp = format!("{p}.policies[{i}]");
            let ty = text(pol, "type");
            if !matches!(ty.as_str(), "Pods" | "Percent") {
                out.push(unsupported(format!("{pp}.type"), &ty, &["Percent", "Pods"]));
            }
            let value = num(pol, "value").unwrap_or(0);
            if value <= 0 {
                int_cause(
                    out,
                    format!("{pp}.value"),
                    value,
                    "must be greater than zero",
                );
            }
            let period = num(pol, "periodSeconds").unwrap_or(0);
            if period <= 0 {
                int_cause(
                    out,
                    format!("{pp}.periodSeconds"),
                    period,
                    "must be greater than zero",
                );
            }
            if period > 1800 {
                int_cause(
                    out,
                    format!("{pp}.periodSeconds"),
                    period,
                    "must be less than or equal to 1800",
                );
            }
        }
    }
}

/// An Invalid cause whose value is a number.
fn int_cause(out: &mut Vec<Cause>, field: impl Into<String>, v: i64, detail: &str) {
    out.push(invalid(field, &v.to_string(), detail));
}

/// apimachinery path validation IsValidPathSegmentName.
fn path_segment(s: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    match s {
        "." => out.push("may not be '.'"),
        ".." => out.push("may not be '..'"),
        _ => {
            if s.contains('/') {
                out.push("may not contain '/'");
            }
            if s.contains('%') {
                out.push("may not contain '%'");
            }
        }
    }
    out
}

/// The selector and pod template of a workload kept as JSON (what does not decode
/// counts as missing), validated as the typed apps/v1 kinds are.
fn selector_and_template(g: &crate::api::GenericObject, workload: &str, out: &mut Vec<Cause>) {
    use crate::api::object::decode;
    let spec = g.body.get("spec");
    let field = |k: &str| spec.and_then(|s| s.get(k)).cloned();
    let sel: Option<LabelSelector> = field("selector").and_then(|v| decode(v).ok());
    let sel_ok = selector(sel.as_ref(), "spec.selector", workload, out);
    let tmpl: Option<PodTemplateSpec> = field("template").and_then(|v| decode(v).ok());
    template(
        tmpl.as_ref(),
        &sel.unwrap_or_default(),
        sel_ok,
        "spec.template",
        out,
    );
}

/// batch validation ValidateJob (pkg/apis/batch/validation), the parts the playground's
/// Jobs use: the name, the counts that must not be negative, the pod template with its
/// restartPolicy (OnFailure or Never; `Always`, the pod default, is reported as
/// missing), the selector and that it matches the template's labels. Jobs are stored
/// as JSON; what does not decode counts as missing.
fn job(g: &crate::api::GenericObject, out: &mut Vec<Cause>) {
    use crate::api::object::decode;
    object_meta(&g.metadata, NameRule::Subdomain, out);
    let spec = g.body.get("spec");
    let tlabels = job_spec(spec, "spec", out);
    let sel: Option<LabelSelector> = spec
        .and_then(|s| s.get("selector"))
        .and_then(|v| decode(v.clone()).ok());
    match &sel {
        None => out.push(required("spec.selector", "")),
        Some(sel) => {
            labels(sel.match_labels.as_ref(), "spec.selector.matchLabels", out);
            if !selector_matches(sel, tlabels.as_ref()) {
                out.push(invalid(
                    "spec.template.metadata.labels",
                    &gofmt::string_map(Some(&tlabels.clone().unwrap_or_default())),
                    "`selector` does not match template `labels`",
                ));
            }
        }
    }
}

/// validateJobSpec, the parts the playground's Jobs use, at `path` (`spec`, or
/// `spec.jobTemplate.spec` in a CronJob): the counts that must not be negative and the
/// pod template with its restartPolicy. Gives the template's labels.
fn job_spec(
    spec: Option<&serde_json::Value>,
    path: &str,
    out: &mut Vec<Cause>,
) -> Option<BTreeMap<String, String>> {
    use crate::api::object::decode;
    let field = |k: &str| spec.and_then(|s| s.get(k)).cloned();
    for key in [
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    ] {
        if let Some(n) = field(key).and_then(|v| v.as_i64()) {
            if n < 0 {
                out.push(invalid(
                    format!("{path}.{key}"),
                    &n.to_string(),
                    "must be greater than or equal to 0",
                ));
            }
        }
    }
    let tmpl: PodTemplateSpec = field("template")
        .and_then(|v| decode(v).ok())
        .unwrap_or_default();
    let tlabels = tmpl.metadata.as_ref().and_then(|m| m.labels.clone());
    labels(tlabels.as_ref(), &format!("{path}.template.labels"), out);
    let default_spec = PodSpec::default();
    let pod = tmpl.spec.as_ref().unwrap_or(&default_spec);
    pod_spec(pod, &format!("{path}.template.spec"), out);
    let rp_path = format!("{path}.template.spec.restartPolicy");
    match pod.restart_policy.as_deref().unwrap_or("") {
        "Always" | "" => out.push(required(rp_path, "valid values: \"OnFailure\", \"Never\"")),
        "OnFailure" | "Never" => {}
        other => out.push(unsupported(rp_path, other, &["OnFailure", "Never"])),
    }
    tlabels
}

/// batch validation ValidateCronJobCreate / validateCronJobSpec (v1.33): the name (at
/// most 52 characters, as `-<minutes>` makes the Job names), the schedule (required,
/// parseable by robfig/cron, no `TZ`), startingDeadlineSeconds, timeZone,
/// concurrencyPolicy, the job template (no selector of its own), the history limits.
fn cronjob(g: &crate::api::GenericObject, out: &mut Vec<Cause>) {
    use serde_json::Value;
    object_meta(&g.metadata, NameRule::Subdomain, out);
    let spec = g.body.get("spec");
    let field = |k: &str| spec.and_then(|s| s.get(k));
    let schedule = field("schedule").and_then(Value::as_str).unwrap_or("");
    let zone = field("timeZone").and_then(Value::as_str);
    if schedule.is_empty() {
        out.push(required("spec.schedule", ""));
    } else {
        if let Err(e) = crate::cluster::cronjobs::parse(schedule) {
            out.push(invalid("spec.schedule", &quote(schedule), &e));
        }
        if schedule.contains("TZ") {
            out.push(invalid(
                "spec.schedule",
                &quote(schedule),
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ));
        }
    }
    let nonneg64 = |k: &str, out: &mut Vec<Cause>| {
        if let Some(n) = field(k).and_then(Value::as_i64).filter(|n| *n < 0) {
            out.push(invalid(
                format!("spec.{k}"),
                &n.to_string(),
                "must be greater than or equal to 0",
            ));
        }
    };
    nonneg64("startingDeadlineSeconds", out);
    if let Some(z) = zone {
        let bad_part = |p: &str| {
            p == "."
                || p == ".."
                || p.starts_with('-')
                || p.is_empty()
                || p.len() > 14
                || !p
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))
        };
        if z.is_empty() {
            out.push(invalid(
                "spec.timeZone",
                &quote(z),
                "timeZone must be nil or non-empty string",
            ));
        } else if z.split('/').any(bad_part) {
            out.push(invalid(
                "spec.timeZone",
                &quote(z),
                &format!("unknown time zone {z}"),
            ));
        } else if z.eq_ignore_ascii_case("local") {
            out.push(invalid(
                "spec.timeZone",
                &quote(z),
                "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
            ));
        }
    }
    match field("concurrencyPolicy")
        .and_then(Value::as_str)
        .unwrap_or("")
    {
        "Allow" | "Forbid" | "Replace" => {}
        "" => out.push(required("spec.concurrencyPolicy", "")),
        other => out.push(unsupported(
            "spec.concurrencyPolicy",
            other,
            &["Allow", "Forbid", "Replace"],
        )),
    }
    let job = field("jobTemplate").and_then(|t| t.get("spec"));
    job_spec(job, "spec.jobTemplate.spec", out);
    if let Some(sel) = job.and_then(|j| j.get("selector")).filter(|s| !s.is_null()) {
        let sel: LabelSelector = crate::api::object::decode(sel.clone()).unwrap_or_default();
        out.push(invalid(
            "spec.jobTemplate.spec.selector",
            &gofmt::label_selector(&sel),
            "`selector` will be auto-generated",
        ));
    }
    if job.and_then(|j| j.get("manualSelector")) == Some(&Value::Bool(true)) {
        out.push(cause(
            "spec.jobTemplate.spec.manualSelector",
            "Unsupported value: true: supported values: \"nil\", \"false\"",
        ));
    }
    nonneg64("successfulJobsHistoryLimit", out);
    nonneg64("failedJobsHistoryLimit", out);
    let name = g.metadata.name.as_deref().unwrap_or("");
    if name.len() > 52 {
        out.push(invalid(
            "metadata.name",
            &quote(name),
            "must be no more than 52 characters",
        ));
    }
}

fn selector_matches(sel: &LabelSelector, labels: Option<&BTreeMap<String, String>>) -> bool {
    let empty = BTreeMap::new();
    let labels = labels.unwrap_or(&empty);
    for (k, v) in sel.match_labels.iter().flatten() {
        if labels.get(k) != Some(v) {
            return false;
        }
    }
    for r in sel.match_expressions.iter().flatten() {
        let vals = r.values.as_deref().unwrap_or(&[]);
        let have = labels.get(&r.key);
        let ok = match r.operator.as_str() {
            "In" => have.is_some_and(|h| vals.contains(h)),
            "NotIn" => have.is_none_or(|h| !vals.contains(h)),
            "Exists" => have.is_some(),
            "DoesNotExist" => have.is_none(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

fn strategy(st: &DeploymentStrategy, out: &mut Vec<Cause>) {
    match st.type_.as_deref().unwrap_or("") {
        "Recreate" => {
            if st.rolling_update.is_some() {
                out.push(forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"));
            }
        }
        "RollingUpdate" => {
            if let Some(ru) = &st.rolling_update {
                // ValidateRollingUpdateDeployment: each a non-negative int or a percent,
                // not both 0, and maxUnavailable not over 100%.
                let field = "spec.strategy.rollingUpdate";
                for (name, v) in [("maxUnavailable", &ru.max_unavailable), ("maxSurge", &ru.max_surge)] {
                    positive_int_or_percent(v.as_ref(), &format!("{field}.{name}"), out);
                }
                let zero = |v: &Option<IntOrString>| match v {
                    Some(IntOrString::Int(0)) | None => true,
                    Some(IntOrString::String(s)) => s == "0%" || s == "0",
                    _ => false,
                };
                if zero(&ru.max_unavailable) && zero(&ru.max_surge) {
                    out.push(invalid(
                        "spec.strategy.rollingUpdate.maxUnavailable",
                        &gofmt::int_or_string(ru.max_unavailable.as_ref()),
                        "may not be 0 when `maxSurge` is 0",
                    ));
                }
                let over_100 = match &ru.max_unavailable {
                    Some(IntOrString::String(v)) => v
                        .strip_suffix('%')
                        .and_then(|n| n.parse::<u64>().ok())
                        .is_some_and(|n| n > 100),
                    _ => false,
                };
                if over_100 {
                    out.push(invalid(
                        "spec.strategy.rollingUpdate.maxUnavailable",
                        &gofmt::int_or_string(ru.max_unavailable.as_ref()),
                        "must not be greater than 100%",
                    ));
                }
            }
        }
        other => out.push(cause(
            "spec.strategy",
            // [unverified] NotSupported with the whole strategy struct as the value.
            format!(
                "Unsupported value: apps.DeploymentStrategy{{Type:{}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}}: supported values: \"Recreate\", \"RollingUpdate\"",
                quote(other)
            ),
        )),
    }
}

/// apps validation ValidatePositiveIntOrPercent.
fn positive_int_or_percent(v: Option<&IntOrString>, field: &str, out: &mut Vec<Cause>) {
    match v {
        Some(IntOrString::String(p)) => {
            let digits = p.strip_suffix('%').unwrap_or("");
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                out.push(invalid(field, &gofmt::int_or_string(v), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
            }
        }
        Some(IntOrString::Int(n)) if *n < 0 => {
            out.push(invalid(
                field,
                &n.to_string(),
                "must be greater than or equal to 0",
            ));
        }
        _ => {}
    }
}

// ---------------------------------------------------------------- Pod spec

fn pod_spec(spec: &PodSpec, field: &str, out: &mut Vec<Cause>) {
    let f = format!("{field}.containers");
    let mut names = BTreeSet::new();
    if spec.containers.is_empty() {
        out.push(required(&f, ""));
    }
    for (i, c) in spec.containers.iter().enumerate() {
        let p = format!("{f}[{i}]");
        container(c, &p, out);
        if !names.insert(c.name.clone()) {
            out.push(duplicate(format!("{p}.name"), &quote(&c.name)));
        }
    }
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let p = format!("{field}.initContainers[{i}]");
        container(c, &p, out);
        if !names.insert(c.name.clone()) {
            out.push(duplicate(format!("{p}.name"), &quote(&c.name)));
        }
    }
    match spec.restart_policy.as_deref().unwrap_or("") {
        "Always" | "OnFailure" | "Never" => {}
        "" => out.push(required(format!("{field}.restartPolicy"), "")),
        other => out.push(unsupported(
            format!("{field}.restartPolicy"),
            other,
            &["Always", "OnFailure", "Never"],
        )),
    }
    match spec.dns_policy.as_deref().unwrap_or("") {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => out.push(required(format!("{field}.dnsPolicy"), "")),
        other => out.push(unsupported(
            format!("{field}.dnsPolicy"),
            other,
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
    labels(
        spec.node_selector.as_ref(),
        &format!("{field}.nodeSelector"),
        out,
    );
    for (name, v) in [("hostname", &spec.hostname), ("subdomain", &spec.subdomain)] {
        if let Some(h) = v.as_deref().filter(|h| !h.is_empty()) {
            for m in dns1123_label(h) {
                out.push(invalid(format!("{field}.{name}"), &quote(h), &m));
            }
        }
    }
    tolerations(spec, field, out);
}

/// ValidateTolerations, after the hostname and subdomain in ValidatePodSpec. The value
/// errors name the `operator` field, as upstream does.
fn tolerations(spec: &PodSpec, field: &str, out: &mut Vec<Cause>) {
    for (i, t) in spec.tolerations.iter().flatten().enumerate() {
        let p = format!("{field}.tolerations[{i}]");
        let key = t.key.as_deref().unwrap_or("");
        let op = t.operator.as_deref().unwrap_or("");
        let value = t.value.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        for m in qualified_name(key).into_iter().filter(|_| !key.is_empty()) {
            out.push(invalid(format!("{p}.key"), &quote(key), &m));
        }
        if key.is_empty() && op != "Exists" {
            out.push(invalid(
                format!("{p}.operator"),
                &quote(op),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if t.toleration_seconds.is_some() && effect != "NoExecute" {
            out.push(invalid(
                format!("{p}.effect"),
                &quote(effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match op {
            "Equal" | "" => {
                let errs = label_value(value);
                if !errs.is_empty() {
                    out.push(invalid(
                        format!("{p}.operator"),
                        &quote(value),
                        &errs.join(";"),
                    ));
                }
            }
            "Exists" if !value.is_empty() => {
                // %#v of the internal core.Toleration; a set pointer prints as an address.
                let secs = if t.toleration_seconds.is_some() {
                    "(*int64)(0xc000b4e2a8)"
                } else {
                    "(*int64)(nil)"
                };
                let v = format!(
                    "core.Toleration{{Key:{}, Operator:\"Exists\", Value:{}, Effect:{}, TolerationSeconds:{secs}}}",
                    quote(key),
                    quote(value),
                    quote(effect)
                );
                out.push(invalid(
                    format!("{p}.operator"),
                    &v,
                    "value must be empty when `operator` is 'Exists'",
                ));
            }
            "Exists" => {}
            other => out.push(unsupported(
                format!("{p}.operator"),
                other,
                &["Equal", "Exists"],
            )),
        }
        if !matches!(effect, "" | "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
            out.push(unsupported(
                format!("{p}.effect"),
                effect,
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
        }
    }
}

fn container(c: &Container, p: &str, out: &mut Vec<Cause>) {
    if c.name.is_empty() {
        out.push(required(format!("{p}.name"), ""));
    } else {
        for m in dns1123_label(&c.name) {
            out.push(invalid(format!("{p}.name"), &quote(&c.name), &m));
        }
    }
    if c.image.as_deref().unwrap_or("").is_empty() {
        out.push(required(format!("{p}.image"), ""));
    }
    match c.image_pull_policy.as_deref().unwrap_or("") {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => out.push(required(format!("{p}.imagePullPolicy"), "")),
        other => out.push(unsupported(
            format!("{p}.imagePullPolicy"),
            other,
            &["Always", "IfNotPresent", "Never"],
        )),
    }
    let mut names = BTreeSet::new();
    for (i, port) in c.ports.iter().flatten().enumerate() {
        let f = format!("{p}.ports[{i}]");
        if let Some(n) = port.name.as_deref().filter(|n| !n.is_empty()) {
            let msgs = port_name(n);
            if !msgs.is_empty() {
                for m in msgs {
                    out.push(invalid(format!("{f}.name"), &quote(n), &m));
                }
            } else if !names.insert(n.to_string()) {
                out.push(duplicate(format!("{f}.name"), &quote(n)));
            }
        }
        if port.container_port == 0 {
            out.push(required(format!("{f}.containerPort"), ""));
        } else if !(1..=65535).contains(&port.container_port) {
            out.push(invalid(
                format!("{f}.containerPort"),
                &port.container_port.to_string(),
                PORT_RANGE,
            ));
        }
        if let Some(h) = port.host_port.filter(|h| *h != 0) {
            if !(1..=65535).contains(&h) {
                out.push(invalid(format!("{f}.hostPort"), &h.to_string(), PORT_RANGE));
            }
        }
        protocol(port.protocol.as_deref(), &format!("{f}.protocol"), out);
    }
    if let Some(r) = c.resources.as_ref() {
        resources(r, &format!("{p}.resources"), out);
    }
}

/// ValidateContainerResourceRequirements: standard resource names, no negative amounts,
/// a request at most its limit (equal to it for resources that cannot be overcommitted).
fn resources(r: &k8s_openapi::api::core::v1::ResourceRequirements, p: &str, out: &mut Vec<Cause>) {
    use crate::cluster::resources::{canonical_quantity, quantity_cmp, quantity_negative};
    let shown = |q: &str| quote(&canonical_quantity(q).unwrap_or_else(|_| q.to_string()));
    let check = |list: &str, name: &str, q: &str, out: &mut Vec<Cause>| {
        let f = format!("{p}.{list}[{name}]");
        let standard = matches!(name, "cpu" | "memory" | "ephemeral-storage")
            || name.starts_with("hugepages-");
        if !name.contains('/') && !standard {
            out.push(invalid(
                &f,
                &quote(name),
                "must be a standard resource for containers",
            ));
        }
        if quantity_negative(q) {
            out.push(invalid(&f, &shown(q), "must be greater than or equal to 0"));
        }
    };
    for (name, q) in r.limits.iter().flatten() {
        check("limits", name, &q.0, out);
    }
    for (name, q) in r.requests.iter().flatten() {
        check("requests", name, &q.0, out);
        let Some(limit) = r.limits.as_ref().and_then(|l| l.get(name)) else {
            continue;
        };
        let order = quantity_cmp(&q.0, &limit.0);
        let overcommit = matches!(name.as_str(), "cpu" | "memory" | "ephemeral-storage");
        let rule = if order.is_some_and(|o| o.is_ne()) && !overcommit {
            "equal to"
        } else if order.is_some_and(|o| o.is_gt()) {
            "less than or equal to"
        } else {
            continue;
        };
        let lim_text = canonical_quantity(&limit.0).unwrap_or_else(|_| limit.0.clone());
        out.push(invalid(
            format!("{p}.requests"),
            &shown(&q.0),
            &format!("must be {rule} {name} limit of {lim_text}"),
        ));
    }
}
