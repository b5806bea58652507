//! kubectl expose, as kubectl v1.33 `pkg/cmd/expose/expose.go` builds the Service:
//! the selector, ports, protocols and labels come from the flags or, failing that,
//! from the exposed object (`polymorphichelpers`: MapBasedSelectorForObject,
//! PortsForObject, MultiProtocolsForObject); `--overrides` patches the result and
//! `--save-config` records it in the last-applied annotation.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{PodSpec, Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::mutate::{client_json, create_one, dry_run, go_atoi_int32, one_target, override_object};
use super::{fail, Args, Ctx};
use crate::api::Object;
use crate::cluster::api_ops::LAST_APPLIED;
use crate::manifest::gojson;
use crate::term::shell::Output;

/// What expose.go reads from the flags and the exposed object before `createService`.
struct Inputs<'a> {
    selector: String,
    labels: String,
    name: String,
    /// `--port`, or the object's ports, as the strings expose.go splits on commas.
    ports: Vec<String>,
    /// Port -> protocols, in the object's order (MultiProtocolsForObject).
    protocols: Vec<(String, Vec<String>)>,
    a: &'a Args,
}

pub fn expose(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let obj = match one_target(ctx, a, a.rest(1)) {
        Ok(o) => o,
        Err(e) => {
            out.err(&format!("{e}\n"));
            return 1;
        }
    };
    let inputs = match introspect(&obj, a) {
        Ok(i) => i,
        Err(e) => return fail(out, &e),
    };
    let svc = match create_service(&inputs) {
        Ok(s) => Object::from(s),
        Err(e) => return fail(out, &e),
    };
    let mut svc = match a.value(&["--overrides"]).filter(|o| !o.is_empty()) {
        Some(overrides) => match override_object(&svc, overrides, a.value(&["--override-type"])) {
            Ok(o) => o,
            Err(e) => return fail(out, &e),
        },
        None => svc,
    };
    // expose.go records the command line (--record) before a client dry run prints.
    super::mutate::record(a, &mut svc);
    // expose.go prints a client dry run before CreateOrUpdateAnnotation runs.
    if a.has(&["--save-config"]) && dry_run(a) != Some(" (dry run)") {
        save_config(&mut svc);
    }
    create_one(ctx, a, out, svc, "exposed")
}

/// RunExpose up to `createService`: errors in its order (CanBeExposed, selector, ports).
fn introspect<'a>(obj: &Object, a: &'a Args) -> Result<Inputs<'a>, String> {
    can_be_exposed(obj)?;
    let flag = |names: &[&str]| a.value(names).filter(|v| !v.is_empty()).map(str::to_string);
    let selector = match flag(&["--selector"]) {
        Some(s) => s,
        None => map_based_selector(obj).map_err(|e| {
            format!("couldn't retrieve selectors via --selector flag or introspection: {e}")
        })?,
    };
    let object_ports = ports_with_protocols(obj);
    let ports = match flag(&["--port"]) {
        Some(p) => p.split(',').map(str::to_string).collect(),
        None => {
            let ports = distinct_ports(&object_ports);
            if ports.is_empty() && a.value(&["--cluster-ip"]) != Some("None") {
                return Err("couldn't find port via --port flag or introspection".into());
            }
            ports
        }
    };
    let labels =
        flag(&["--labels", "-l"]).unwrap_or_else(|| make_labels(obj.meta().labels.as_ref()));
    // DefaultName: the object's name cut to a DNS-1035 label's 63 characters.
    let name = flag(&["--name"]).unwrap_or_else(|| obj.name().chars().take(63).collect());
    Ok(Inputs {
        selector,
        labels,
        name,
        ports,
        protocols: protocols_by_port(&object_ports),
        a,
    })
}

/// canbeexposed.go: the kinds expose takes; the error names the GroupKind
/// (`Node`, `Job.batch`).
fn can_be_exposed(obj: &Object) -> Result<(), String> {
    match obj {
        Object::Deployment(_) | Object::ReplicaSet(_) | Object::Pod(_) | Object::Service(_) => {
            Ok(())
        }
        other => {
            let rt = other.resource_type();
            Err(match rt.group {
                "" => format!("cannot expose a {}", rt.kind),
                group => format!("cannot expose a {}.{group}", rt.kind),
            })
        }
    }
}

/// mapbasedselectorforobject.go: the object's selector as `k=v,...`.
fn map_based_selector(obj: &Object) -> Result<String, String> {
    match obj {
        Object::Pod(p) => match p.metadata.labels.as_ref().filter(|l| !l.is_empty()) {
            Some(l) => Ok(make_labels(Some(l))),
            None => Err("the pod has no labels and cannot be exposed".into()),
        },
        Object::Service(s) => match s.spec.as_ref().and_then(|sp| sp.selector.as_ref()) {
            Some(sel) => Ok(make_labels(Some(sel))),
            None => Err("the service has no pod selector set".into()),
        },
        Object::Deployment(d) => {
            let sel = d.spec.as_ref().map(|s| &s.selector);
            workload_selector(sel, "deployment")
        }
        Object::ReplicaSet(r) => {
            let sel = r.spec.as_ref().map(|s| &s.selector);
            workload_selector(sel, "replicaset")
        }
        _ => Err("cannot extract pod selector".into()),
    }
}

/// An apps/v1 Deployment or ReplicaSet: matchLabels only, which a Service can use.
fn workload_selector(sel: Option<&LabelSelector>, what: &str) -> Result<String, String> {
    let Some(labels) = sel
        .and_then(|s| s.match_labels.as_ref())
        .filter(|l| !l.is_empty())
    else {
        return Err(format!(
            "invalid {what}: no selectors, therefore cannot be exposed"
        ));
    };
    if let Some(exprs) = sel
        .and_then(|s| s.match_expressions.as_ref())
        .filter(|e| !e.is_empty())
    {
        // Go's %+v of []metav1.LabelSelectorRequirement.
        let items: Vec<String> = exprs
            .iter()
            .map(|e| {
                let values = e.values.clone().unwrap_or_default().join(" ");
                format!(
                    "{{Key:{} Operator:{} Values:[{values}]}}",
                    e.key, e.operator
                )
            })
            .collect();
        return Err(format!(
            "couldn't convert expressions - \"[{}]\" to map-based selector format",
            items.join(" ")
        ));
    }
    Ok(make_labels(Some(labels)))
}

/// polymorphichelpers.MakeLabels: `k=v` pairs joined by commas.
fn make_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    labels
        .map(|l| {
            l.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// The exposed object's (port, protocol) pairs: container ports of its pod spec, or a
/// Service's ports; an empty protocol is TCP.
fn ports_with_protocols(obj: &Object) -> Vec<(String, String)> {
    let pod_spec = |s: Option<&PodSpec>| -> Vec<(String, String)> {
        s.map(|s| {
            s.containers
                .iter()
                .flat_map(|c| c.ports.iter().flatten())
                .map(|p| {
                    (
                        p.container_port.to_string(),
                        protocol_or_tcp(p.protocol.as_deref()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
    };
    match obj {
        Object::Pod(p) => pod_spec(p.spec.as_ref()),
        Object::Deployment(d) => pod_spec(d.spec.as_ref().and_then(|s| s.template.spec.as_ref())),
        Object::ReplicaSet(r) => pod_spec(
            r.spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .and_then(|t| t.spec.as_ref()),
        ),
        Object::Service(s) => s
            .spec
            .iter()
            .flat_map(|sp| sp.ports.iter().flatten())
            .map(|p| (p.port.to_string(), protocol_or_tcp(p.protocol.as_deref())))
            .collect(),
        _ => Vec::new(),
    }
}

fn protocol_or_tcp(p: Option<&str>) -> String {
    p.filter(|p| !p.is_empty()).unwrap_or("TCP").to_string()
}

/// portsforobject.go getPorts: each port number once, in order.
fn distinct_ports(pairs: &[(String, String)]) -> Vec<String> {
    let mut ports: Vec<String> = Vec::new();
    for (port, _) in pairs {
        if !ports.contains(port) {
            ports.push(port.clone());
        }
    }
    ports
}

/// multiprotocolsforobject.go: each port's protocols, repeats kept.
fn protocols_by_port(pairs: &[(String, String)]) -> Vec<(String, Vec<String>)> {
    let mut map: Vec<(String, Vec<String>)> = Vec::new();
    for (port, proto) in pairs {
        match map.iter_mut().find(|(p, _)| p == port) {
            Some((_, protos)) => protos.push(proto.clone()),
            None => map.push((port.clone(), vec![proto.clone()])),
        }
    }
    map
}

/// expose.go parseLabels: `k=v` pairs; a pair without exactly one `=` is an error
/// (so a set-based `app!=x` becomes the key `app!`, which validation rejects).
fn parse_labels(spec: &str) -> Result<BTreeMap<String, String>, String> {
    let mut labels = BTreeMap::new();
    for pair in spec.split(',') {
        let parts: Vec<&str> = pair.split('=').collect();
        let [key, value] = parts[..] else {
            return Err(format!("unexpected label spec: {pair}"));
        };
        if key.is_empty() {
            return Err("unexpected empty label key".into());
        }
        labels.insert(key.to_string(), value.to_string());
    }
    Ok(labels)
}

/// expose.go createService.
fn create_service(i: &Inputs) -> Result<Service, String> {
    let selector = parse_labels(&i.selector)?;
    let labels = match i.labels.as_str() {
        "" => None,
        l => Some(parse_labels(l)?),
    };
    let ports = service_ports(i)?;
    let flag = |name: &str| i.a.value(&[name]).filter(|v| !v.is_empty());
    let type_ = flag("--type").map(str::to_string);
    let session_affinity = match flag("--session-affinity") {
        None => None,
        Some(s @ ("None" | "ClientIP")) => Some(s.to_string()),
        Some(other) => return Err(format!("unknown session affinity: {other}")),
    };
    Ok(Service {
        metadata: ObjectMeta {
            name: Some(i.name.clone()),
            labels,
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            selector: Some(selector),
            ports: (!ports.is_empty()).then_some(ports),
            external_ips: flag("--external-ip").map(|ip| vec![ip.to_string()]),
            // The load balancer IP only for type LoadBalancer.
            load_balancer_ip: flag("--load-balancer-ip")
                .filter(|_| type_.as_deref() == Some("LoadBalancer"))
                .map(str::to_string),
            type_,
            session_affinity,
            cluster_ip: flag("--cluster-ip").map(str::to_string),
            ..Default::default()
        }),
        status: None,
    })
}

/// The ports of createService: one per port string, named `port-N` when there are
/// several; a port the object serves over several protocols becomes one port each,
/// named `port-N-<protocol>`, unless `--protocol` says which.
fn service_ports(i: &Inputs) -> Result<Vec<ServicePort>, String> {
    let protocol_flag = i.a.value(&["--protocol"]).filter(|p| !p.is_empty());
    let target = i.a.value(&["--target-port"]).filter(|t| !t.is_empty());
    let many = i.ports.len() > 1;
    let mut ports = Vec::new();
    for (n, text) in i.ports.iter().enumerate() {
        let port = go_atoi_int32(text)?;
        let name = many.then(|| format!("port-{}", n + 1));
        let known = i.protocols.iter().find(|(p, _)| p == text).map(|(_, v)| v);
        let protocols: Vec<(Option<String>, String)> = match (protocol_flag, known) {
            (Some(p), _) => vec![(name, p.to_string())],
            (None, Some(protos)) if protos.len() > 1 => protos
                .iter()
                .map(|p| {
                    (
                        Some(format!("port-{}-{}", n + 1, p.to_lowercase())),
                        p.clone(),
                    )
                })
                .collect(),
            (None, Some(protos)) => vec![(name, protos[0].clone())],
            (None, None) => vec![(name, "TCP".to_string())],
        };
        for (name, protocol) in protocols {
            ports.push(ServicePort {
                name,
                port,
                protocol: Some(protocol),
                target_port: Some(target_port(target, port)),
                ..Default::default()
            });
        }
    }
    Ok(ports)
}

/// `--target-port` as intstr.Parse reads it (a number or a name); else the port.
fn target_port(flag: Option<&str>, port: i32) -> IntOrString {
    match flag {
        Some(t) => match t.parse::<i32>() {
            Ok(n) => IntOrString::Int(n),
            Err(_) => IntOrString::String(t.to_string()),
        },
        None => IntOrString::Int(port),
    }
}

/// `--save-config` (util.CreateOrUpdateAnnotation): the object as kubectl encodes the
/// typed Service, without that annotation, stored in the last-applied annotation.
fn save_config(svc: &mut Object) {
    let mut json = client_json(svc);
    if let Some(meta) = json.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        if let Some(a) = meta.get_mut("annotations").and_then(|a| a.as_object_mut()) {
            a.remove(LAST_APPLIED);
        }
        if meta
            .get("annotations")
            .is_some_and(|a| a.as_object().is_some_and(|a| a.is_empty()))
        {
            meta.remove("annotations");
        }
    }
    let text = format!("{}\n", gojson::typed_json(&json));
    svc.meta_mut()
        .annotations
        .get_or_insert_with(Default::default)
        .insert(LAST_APPLIED.into(), text);
}
