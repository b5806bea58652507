//! Cluster DNS the way CoreDNS's `kubernetes` plugin answers it (kubernetes/dns
//! `docs/specification.md` 1.1.0; coredns `plugin/kubernetes`), computed on demand from
//! the store, plus a small pretend internet for names outside `cluster.local`.
//! Clients: [`resolve_musl`] (wget, curl: search list + ndots) and the query list busybox
//! `nslookup` builds ([`nslookup_queries`]). REFERENCE.md section 7.

use std::borrow::Cow;

use k8s_openapi::api::core::v1::Service;

use crate::api::Object;
use crate::cluster::{Cluster, Key, CLUSTER_DOMAIN, DNS_SERVICE_IP};

/// TTL CoreDNS gives cluster records (kubeadm Corefile `ttl 30`).
pub const TTL: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RType {
    A,
    Aaaa,
    Cname,
    Srv,
    Ptr,
    Txt,
    Ns,
    Mx,
    Soa,
    Any,
}

impl RType {
    pub fn parse(s: &str) -> Option<RType> {
        Some(match s.to_ascii_uppercase().as_str() {
            "A" => RType::A,
            "AAAA" => RType::Aaaa,
            "CNAME" => RType::Cname,
            "SRV" => RType::Srv,
            "PTR" => RType::Ptr,
            "TXT" => RType::Txt,
            "NS" => RType::Ns,
            "MX" => RType::Mx,
            "SOA" => RType::Soa,
            "ANY" => RType::Any,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            RType::A => "A",
            RType::Aaaa => "AAAA",
            RType::Cname => "CNAME",
            RType::Srv => "SRV",
            RType::Ptr => "PTR",
            RType::Txt => "TXT",
            RType::Ns => "NS",
            RType::Mx => "MX",
            RType::Soa => "SOA",
            RType::Any => "ANY",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RData {
    A(String),
    Aaaa(String),
    Cname(String),
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
    Ptr(String),
    Txt(String),
    Ns(String),
    Soa {
        mname: String,
        rname: String,
        serial: u32,
        refresh: u32,
        retry: u32,
        expire: u32,
        minimum: u32,
    },
}

/// One answer record; names without the trailing dot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rr {
    pub name: String,
    pub ttl: u32,
    pub data: RData,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rcode {
    NoError,
    ServFail,
    NxDomain,
    Refused,
}

impl Rcode {
    pub fn as_str(self) -> &'static str {
        match self {
            Rcode::NoError => "NOERROR",
            Rcode::ServFail => "SERVFAIL",
            Rcode::NxDomain => "NXDOMAIN",
            Rcode::Refused => "REFUSED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub rcode: Rcode,
    /// aa bit: set for `cluster.local` (CoreDNS is authoritative), clear for forwarded names.
    pub authoritative: bool,
    pub answers: Vec<Rr>,
}

impl Reply {
    fn nx(auth: bool) -> Reply {
        Reply {
            rcode: Rcode::NxDomain,
            authoritative: auth,
            answers: Vec::new(),
        }
    }
    fn nodata(auth: bool) -> Reply {
        Reply {
            rcode: Rcode::NoError,
            authoritative: auth,
            answers: Vec::new(),
        }
    }
    fn ok(auth: bool, answers: Vec<Rr>) -> Reply {
        Reply {
            rcode: Rcode::NoError,
            authoritative: auth,
            answers,
        }
    }
    /// The IPv4 addresses in the answer (after any CNAME).
    pub fn addresses(&self) -> Vec<String> {
        self.answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::A(ip) => Some(ip.clone()),
                _ => None,
            })
            .collect()
    }
}

/// The pretend internet: (name, IPv4, IPv6).
const INTERNET: &[(&str, &str, &str)] = &[
    (
        "example.com",
        "93.184.215.14",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
    ),
    (
        "www.example.com",
        "93.184.215.14",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
    ),
    (
        "example.org",
        "93.184.215.14",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
    ),
    ("kubernetes.io", "15.197.167.90", ""),
    ("google.com", "142.250.185.78", "2a00:1450:4001:82b::200e"),
    (
        "www.google.com",
        "142.250.185.68",
        "2a00:1450:4001:830::2004",
    ),
    ("github.com", "140.82.121.4", ""),
    ("registry.k8s.io", "34.96.108.209", "2600:1901:0:bbc4::"),
    ("dl-cdn.alpinelinux.org", "151.101.2.132", "2a04:4e42::644"),
];

/// The pretend-internet host that owns an IPv4 address.
pub fn internet_host_by_ip(ip: &str) -> Option<&'static str> {
    INTERNET
        .iter()
        .find(|(_, v4, _)| *v4 == ip)
        .map(|(n, _, _)| *n)
}

/// The name without its trailing dots, lowercased (borrowed when it already is).
fn lower(name: &str) -> Cow<'_, str> {
    let name = name.trim_end_matches('.');
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

fn rr(name: &str, data: RData) -> Rr {
    Rr {
        name: name.to_string(),
        ttl: TTL,
        data,
    }
}

fn ns_exists(c: &Cluster, ns: &str) -> bool {
    c.store.contains(&Key::new("Namespace", "", ns))
}

fn service<'a>(c: &'a Cluster, ns: &str, name: &str) -> Option<&'a Service> {
    match c.store.get(&Key::new("Service", ns, name)) {
        Some(Object::Service(s)) => Some(s),
        _ => None,
    }
}

/// A headless service's endpoints CoreDNS publishes: (ip, hostname label, port by name).
struct HeadlessEp {
    ip: String,
    host: String,
    ports: Vec<(String, String, i32)>,
}

fn headless_endpoints(
    c: &Cluster,
    ns: &str,
    svc: &str,
    publish_not_ready: bool,
) -> Vec<HeadlessEp> {
    let mut out: Vec<HeadlessEp> = Vec::new();
    for sl in crate::net::service_slices(c, ns, svc) {
        let ports: Vec<(String, String, i32)> = sl
            .ports
            .iter()
            .flatten()
            .filter_map(|p| {
                Some((
                    p.name.clone().unwrap_or_default(),
                    p.protocol
                        .clone()
                        .unwrap_or_else(|| "TCP".into())
                        .to_ascii_lowercase(),
                    p.port?,
                ))
            })
            .collect();
        for e in &sl.endpoints {
            let ready = e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true);
            if !ready && !publish_not_ready {
                continue;
            }
            for ip in &e.addresses {
                if out.iter().any(|x| &x.ip == ip) {
                    continue;
                }
                out.push(HeadlessEp {
                    ip: ip.clone(),
                    host: e
                        .hostname
                        .clone()
                        .unwrap_or_else(|| ip.replace(['.', ':'], "-")),
                    ports: ports.clone(),
                });
            }
        }
    }
    crate::sort::sort_by(&mut out, |a, b| a.ip.cmp(&b.ip));
    out
}

fn is_headless(s: &Service) -> bool {
    s.spec.as_ref().and_then(|sp| sp.cluster_ip.as_deref()) == Some("None")
}

fn svc_type(s: &Service) -> &str {
    s.spec
        .as_ref()
        .and_then(|sp| sp.type_.as_deref())
        .unwrap_or("ClusterIP")
}

fn cluster_ip(s: &Service) -> Option<&str> {
    s.spec
        .as_ref()
        .and_then(|sp| sp.cluster_ip.as_deref())
        .filter(|ip| !ip.is_empty() && *ip != "None")
}

/// Asks the cluster DNS server (CoreDNS) one question. Names match case-insensitively;
/// records owned by the asked name carry it as asked (CoreDNS builds them from
/// `state.QName()`), so `NGINX` is answered as `NGINX.default.svc.cluster.local`.
pub fn query(c: &Cluster, name: &str, qtype: RType) -> Reply {
    let lowered = lower(name);
    let mut reply = query_lower(c, lowered.as_ref(), qtype);
    if let Cow::Owned(l) = &lowered {
        let asked = name.trim_end_matches('.');
        for rr in reply.answers.iter_mut().filter(|rr| rr.name == *l) {
            rr.name = asked.to_string();
        }
    }
    reply
}

fn query_lower(c: &Cluster, name: &str, qtype: RType) -> Reply {
    if name == CLUSTER_DOMAIN {
        return apex(c, name, qtype);
    }
    if let Some(rest) = name
        .strip_suffix(CLUSTER_DOMAIN)
        .and_then(|r| r.strip_suffix('.'))
    {
        // handler.go `case dns.TypeSOA: if qname == zone {...}` (coredns #4592, in since
        // 1.8.4): below the apex an SOA question gets no record and no name check, so
        // NOERROR with an empty answer, whether the name exists or not.
        if qtype == RType::Soa {
            return Reply::nodata(true);
        }
        if rest == "ns.dns" {
            return default_ns(c, name, qtype);
        }
        // The kubernetes plugin answers ANY with no record: it only runs an A lookup to
        // choose between NODATA and NXDOMAIN (coredns plugin/kubernetes/handler.go).
        if qtype == RType::Any {
            let a = cluster_query(c, name, rest, RType::A);
            return if a.rcode == Rcode::NoError {
                Reply::nodata(true)
            } else {
                a
            };
        }
        return cluster_query(c, name, rest, qtype);
    }
    if name.ends_with(".in-addr.arpa") {
        return reverse(c, name, qtype);
    }
    internet(name, qtype)
}

/// The SOA CoreDNS gives its zones (coredns plugin/backend_lookup.go `SOA`): the
/// primary `ns.dns.<zone>`, mailbox `hostmaster.<zone>`, refresh 7200, retry 1800,
/// expire 86400, minimum = the plugin's TTL (kubernetes.go `MinTTL`); the record's TTL is
/// min(300, that). The serial is `Serial`: `APIConn.Modified`, the Unix second of the
/// last Service/Endpoints change CoreDNS saw, here the newest Service or EndpointSlice.
pub fn soa(c: &Cluster) -> Rr {
    let newest = ["Service", "EndpointSlice"]
        .into_iter()
        .flat_map(|kind| c.store.list(kind))
        .filter_map(|o| o.meta().creation_timestamp.as_ref())
        .map(Cluster::millis_of)
        .max()
        .unwrap_or(c.now);
    let serial = (crate::cluster::EPOCH_SECONDS + newest / 1000).clamp(0, u32::MAX as i64) as u32;
    Rr {
        name: CLUSTER_DOMAIN.to_string(),
        ttl: TTL.min(300),
        data: RData::Soa {
            mname: format!("ns.dns.{CLUSTER_DOMAIN}"),
            rname: format!("hostmaster.{CLUSTER_DOMAIN}"),
            serial,
            refresh: 7200,
            retry: 1800,
            expire: 86400,
            minimum: TTL,
        },
    }
}

/// The zone apex (coredns plugin/kubernetes/handler.go): SOA and NS are answered there;
/// any other type runs the fake A lookup, which parse.go answers NODATA for the apex.
fn apex(c: &Cluster, name: &str, qtype: RType) -> Reply {
    match qtype {
        RType::Soa => {
            let mut rr = soa(c);
            rr.name = name.to_string();
            Reply::ok(true, vec![rr])
        }
        // backend_lookup.go `NS`: one record per name `nsAddrs` finds, its target the
        // Service in front of CoreDNS (kubernetes.go Services, case dns.TypeNS).
        RType::Ns => {
            let mut names: Vec<String> = Vec::new();
            for (target, _) in ns_addrs(c) {
                if !names.contains(&target) {
                    names.push(target);
                }
            }
            Reply::ok(
                true,
                names.into_iter().map(|t| rr(name, RData::Ns(t))).collect(),
            )
        }
        _ => Reply::nodata(true),
    }
}

/// ns.go `nsAddrs`: the Services whose endpoints hold the answering CoreDNS pod's IP -
/// `<svc>.<ns>.svc.<zone>` and its ClusterIP, or for a headless one each endpoint's
/// `<host>.<svc>.<ns>.svc.<zone>` - or, when none does, `ns.dns.<zone>` and the pod's own
/// address. The answering pod is the first ready endpoint of kube-dns.
fn ns_addrs(c: &Cluster) -> Vec<(String, String)> {
    let Some(local) = crate::net::service_slices(c, "kube-system", "kube-dns")
        .flat_map(|sl| sl.endpoints.iter())
        .filter(|e| e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true))
        .flat_map(|e| e.addresses.iter())
        .min()
        .cloned()
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for o in c.store.list("Service") {
        let Object::Service(s) = o else { continue };
        let holds = crate::net::service_slices(c, o.namespace(), o.name())
            .flat_map(|sl| sl.endpoints.iter())
            .any(|e| e.addresses.contains(&local));
        if !holds {
            continue;
        }
        let svc_name = format!("{}.{}.svc.{CLUSTER_DOMAIN}", o.name(), o.namespace());
        if is_headless(s) {
            for e in headless_endpoints(c, o.namespace(), o.name(), true) {
                out.push((format!("{}.{svc_name}", e.host), e.ip));
            }
        } else if let Some(ip) = cluster_ip(s) {
            out.push((svc_name, ip.to_string()));
        }
    }
    if out.is_empty() {
        out.push((format!("ns.dns.{CLUSTER_DOMAIN}"), local));
    }
    out
}

/// `ns.dns.<zone>` (kubernetes.go Services, `isDefaultNS`): the nsAddrs addresses under
/// the asked name for A; no record of any other type.
fn default_ns(c: &Cluster, name: &str, qtype: RType) -> Reply {
    if qtype != RType::A {
        return Reply::nodata(true);
    }
    let mut ips: Vec<String> = Vec::new();
    for (_, ip) in ns_addrs(c) {
        if !ips.contains(&ip) {
            ips.push(ip);
        }
    }
    if ips.is_empty() {
        return Reply::nodata(true);
    }
    Reply::ok(
        true,
        ips.into_iter().map(|ip| rr(name, RData::A(ip))).collect(),
    )
}

fn internet(name: &str, qtype: RType) -> Reply {
    match INTERNET.iter().find(|(n, _, _)| *n == name) {
        Some((n, v4, v6)) => {
            let mut ans = Vec::new();
            if matches!(qtype, RType::A | RType::Any) {
                ans.push(Rr {
                    name: n.to_string(),
                    ttl: 300,
                    data: RData::A(v4.to_string()),
                });
            }
            if matches!(qtype, RType::Aaaa | RType::Any) && !v6.is_empty() {
                ans.push(Rr {
                    name: n.to_string(),
                    ttl: 300,
                    data: RData::Aaaa(v6.to_string()),
                });
            }
            Reply::ok(false, ans)
        }
        None => Reply::nx(false),
    }
}

fn reverse(c: &Cluster, name: &str, qtype: RType) -> Reply {
    if !matches!(qtype, RType::Ptr | RType::Any) {
        return Reply::nodata(true);
    }
    let labels: Vec<&str> = name.trim_end_matches(".in-addr.arpa").split('.').collect();
    if labels.len() != 4 {
        return Reply::nx(true);
    }
    let ip = format!("{}.{}.{}.{}", labels[3], labels[2], labels[1], labels[0]);
    for o in c.store.list("Service") {
        let Object::Service(s) = o else { continue };
        if cluster_ip(s) == Some(ip.as_str()) {
            return Reply::ok(
                true,
                vec![rr(
                    name,
                    RData::Ptr(format!(
                        "{}.{}.svc.{CLUSTER_DOMAIN}",
                        o.name(),
                        o.namespace()
                    )),
                )],
            );
        }
        if is_headless(s) {
            let pnr = s
                .spec
                .as_ref()
                .and_then(|sp| sp.publish_not_ready_addresses)
                == Some(true);
            if let Some(e) = headless_endpoints(c, o.namespace(), o.name(), pnr)
                .into_iter()
                .find(|e| e.ip == ip)
            {
                return Reply::ok(
                    true,
                    vec![rr(
                        name,
                        RData::Ptr(format!(
                            "{}.{}.{}.svc.{CLUSTER_DOMAIN}",
                            e.host,
                            o.name(),
                            o.namespace()
                        )),
                    )],
                );
            }
        }
    }
    // fallthrough in-addr.arpa: forwarded upstream, which knows nothing of private ranges.
    match INTERNET.iter().find(|(_, v4, _)| *v4 == ip) {
        Some((n, _, _)) => Reply::ok(
            false,
            vec![Rr {
                name: name.to_string(),
                ttl: 300,
                data: RData::Ptr(n.to_string()),
            }],
        ),
        None => Reply::nx(false),
    }
}

fn cluster_query(c: &Cluster, name: &str, rest: &str, qtype: RType) -> Reply {
    let labels: Vec<&str> = rest.split('.').collect();
    if rest == "dns-version" {
        return if qtype == RType::Txt {
            Reply::ok(true, vec![rr(name, RData::Txt("1.1.0".into()))])
        } else {
            Reply::nodata(true)
        };
    }
    match labels.as_slice() {
        ["svc"] | ["pod"] => Reply::nodata(true),
        [ns, "svc"] | [ns, "pod"] => {
            if ns_exists(c, ns) {
                Reply::nodata(true)
            } else {
                Reply::nx(true)
            }
        }
        [ip, ns, "pod"] => {
            let parts: Vec<&str> = ip.split('-').collect();
            let ok = parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok());
            if !ok || !ns_exists(c, ns) {
                return Reply::nx(true);
            }
            if qtype == RType::A {
                Reply::ok(true, vec![rr(name, RData::A(parts.join(".")))])
            } else {
                Reply::nodata(true)
            }
        }
        [svc, ns, "svc"] => service_query(c, name, ns, svc, qtype),
        [first, svc, ns, "svc"] => {
            // <hostname>.<svc>.<ns>.svc (headless endpoint)
            let Some(s) = service(c, ns, svc) else {
                return Reply::nx(true);
            };
            if !is_headless(s) {
                return Reply::nx(true);
            }
            let pnr = s
                .spec
                .as_ref()
                .and_then(|sp| sp.publish_not_ready_addresses)
                == Some(true);
            let eps: Vec<HeadlessEp> = headless_endpoints(c, ns, svc, pnr)
                .into_iter()
                .filter(|e| e.host == *first)
                .collect();
            if eps.is_empty() {
                return Reply::nx(true);
            }
            if qtype == RType::A {
                Reply::ok(
                    true,
                    eps.into_iter().map(|e| rr(name, RData::A(e.ip))).collect(),
                )
            } else {
                Reply::nodata(true)
            }
        }
        [port, proto, svc, ns, "svc"] if port.starts_with('_') && proto.starts_with('_') => {
            srv_query(c, name, ns, svc, &port[1..], &proto[1..], qtype)
        }
        _ => Reply::nx(true),
    }
}

fn service_query(c: &Cluster, name: &str, ns: &str, svc: &str, qtype: RType) -> Reply {
    let Some(s) = service(c, ns, svc) else {
        return Reply::nx(true);
    };
    if svc_type(s) == "ExternalName" {
        let target = lower(
            s.spec
                .as_ref()
                .and_then(|sp| sp.external_name.as_deref())
                .unwrap_or(""),
        );
        let mut ans = vec![rr(name, RData::Cname(target.to_string()))];
        if matches!(qtype, RType::A | RType::Aaaa) {
            let up = query(c, &target, qtype);
            ans.extend(up.answers);
        }
        return Reply::ok(true, ans);
    }
    if is_headless(s) {
        let pnr = s
            .spec
            .as_ref()
            .and_then(|sp| sp.publish_not_ready_addresses)
            == Some(true);
        let eps = headless_endpoints(c, ns, svc, pnr);
        if eps.is_empty() {
            return Reply::nx(true);
        }
        return match qtype {
            RType::A => Reply::ok(
                true,
                eps.into_iter().map(|e| rr(name, RData::A(e.ip))).collect(),
            ),
            RType::Srv => {
                let mut recs = Vec::new();
                for e in &eps {
                    for (_, _, port) in &e.ports {
                        recs.push((format!("{}.{svc}.{ns}.svc.{CLUSTER_DOMAIN}", e.host), *port));
                    }
                }
                srv_records(name, recs)
            }
            _ => Reply::nodata(true),
        };
    }
    let Some(ip) = cluster_ip(s) else {
        return Reply::nx(true);
    };
    match qtype {
        RType::A => Reply::ok(true, vec![rr(name, RData::A(ip.to_string()))]),
        RType::Srv => {
            let recs = s
                .spec
                .as_ref()
                .and_then(|sp| sp.ports.as_ref())
                .map(|ps| ps.iter().map(|p| (name.to_string(), p.port)).collect())
                .unwrap_or_default();
            srv_records(name, recs)
        }
        _ => Reply::nodata(true),
    }
}

fn srv_records(name: &str, recs: Vec<(String, i32)>) -> Reply {
    let n = recs.len().max(1);
    let weight = (100 / n) as u16;
    Reply::ok(
        true,
        recs.into_iter()
            .map(|(target, port)| {
                rr(
                    name,
                    RData::Srv {
                        priority: 0,
                        weight,
                        port: port.clamp(0, 65535) as u16,
                        target,
                    },
                )
            })
            .collect(),
    )
}

fn srv_query(
    c: &Cluster,
    name: &str,
    ns: &str,
    svc: &str,
    port: &str,
    proto: &str,
    qtype: RType,
) -> Reply {
    let Some(s) = service(c, ns, svc) else {
        return Reply::nx(true);
    };
    let sp = s
        .spec
        .as_ref()
        .and_then(|sp| sp.ports.as_ref())
        .and_then(|ps| {
            ps.iter()
                .find(|p| {
                    p.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(port))
                        && p.protocol
                            .as_deref()
                            .unwrap_or("TCP")
                            .eq_ignore_ascii_case(proto)
                })
                .cloned()
        });
    let Some(sp) = sp else { return Reply::nx(true) };
    // kubernetes.go findServices matches the port name and protocol for every question
    // type, and backend_lookup.go answers A with each match's address under the asked
    // name: the ClusterIP, or a headless Service's endpoints that serve that port.
    if is_headless(s) {
        let pnr = s.spec.as_ref().and_then(|x| x.publish_not_ready_addresses) == Some(true);
        let eps = headless_endpoints(c, ns, svc, pnr);
        let recs: Vec<(String, String, i32)> = eps
            .iter()
            .filter_map(|e| {
                e.ports
                    .iter()
                    .find(|(n, pr, _)| {
                        n.eq_ignore_ascii_case(port) && pr == &proto.to_ascii_lowercase()
                    })
                    .map(|(_, _, p)| {
                        (
                            format!("{}.{svc}.{ns}.svc.{CLUSTER_DOMAIN}", e.host),
                            e.ip.clone(),
                            *p,
                        )
                    })
            })
            .collect();
        if recs.is_empty() {
            return Reply::nx(true);
        }
        return match qtype {
            RType::Srv => srv_records(
                name,
                recs.into_iter().map(|(host, _, p)| (host, p)).collect(),
            ),
            RType::A => Reply::ok(
                true,
                recs.into_iter()
                    .map(|(_, ip, _)| rr(name, RData::A(ip)))
                    .collect(),
            ),
            _ => Reply::nodata(true),
        };
    }
    match qtype {
        RType::Srv => srv_records(
            name,
            vec![(format!("{svc}.{ns}.svc.{CLUSTER_DOMAIN}"), sp.port)],
        ),
        RType::A => match cluster_ip(s) {
            Some(ip) => Reply::ok(true, vec![rr(name, RData::A(ip.to_string()))]),
            None => Reply::nodata(true),
        },
        _ => Reply::nodata(true),
    }
}

// ------------------------------------------------------------------ clients

/// A pod's resolv.conf, as the kubelet writes it for dnsPolicy ClusterFirst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvConf {
    pub search: Vec<String>,
    pub nameserver: String,
    pub ndots: usize,
}

impl ResolvConf {
    pub fn for_namespace(ns: &str) -> ResolvConf {
        ResolvConf {
            search: vec![
                format!("{ns}.svc.{CLUSTER_DOMAIN}"),
                format!("svc.{CLUSTER_DOMAIN}"),
                CLUSTER_DOMAIN.to_string(),
            ],
            nameserver: DNS_SERVICE_IP.to_string(),
            ndots: 5,
        }
    }

    /// The file text (kubelet `pkg/kubelet/network/dns`).
    pub fn render(&self) -> String {
        format!(
            "search {}\nnameserver {}\noptions ndots:{}\n",
            self.search.join(" "),
            self.nameserver,
            self.ndots
        )
    }
}

/// Whether a string is a dotted IPv4 address.
pub fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

/// One question a resolver asked, and what came back (for traces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub name: String,
    pub qtype: RType,
    pub reply: Reply,
}

/// musl's `getaddrinfo` (src/network/lookup_name.c): literal IPs and /etc/hosts first,
/// then — unless the name has at least `ndots` dots or ends in a dot — each search
/// domain in turn, then the name itself. Each candidate is asked for A and AAAA;
/// NXDOMAIN or no data moves to the next. `hosts` are the /etc/hosts entries (ip, names).
pub fn resolve_musl(
    c: &Cluster,
    rc: &ResolvConf,
    hosts: &[(String, Vec<String>)],
    name: &str,
    asked: &mut Vec<Asked>,
) -> Option<Vec<String>> {
    if is_ipv4(name) {
        return Some(vec![name.to_string()]);
    }
    let lname = name.to_ascii_lowercase();
    let bare = lname.trim_end_matches('.');
    if bare.is_empty() {
        return None;
    }
    for (ip, names) in hosts {
        if names.iter().any(|n| n.eq_ignore_ascii_case(bare)) && is_ipv4(ip) {
            return Some(vec![ip.clone()]);
        }
    }
    let dots = bare.matches('.').count();
    let mut candidates: Vec<String> = Vec::new();
    if dots < rc.ndots && !lname.ends_with('.') {
        for s in &rc.search {
            candidates.push(format!("{bare}.{s}"));
        }
    }
    candidates.push(bare.to_string());
    for cand in candidates {
        let a = query(c, &cand, RType::A);
        let aaaa = query(c, &cand, RType::Aaaa);
        let addrs = a.addresses();
        let nx = a.rcode == Rcode::NxDomain || aaaa.rcode == Rcode::NxDomain;
        asked.push(Asked {
            name: cand.clone(),
            qtype: RType::A,
            reply: a,
        });
        asked.push(Asked {
            name: cand.clone(),
            qtype: RType::Aaaa,
            reply: aaaa,
        });
        if nx {
            continue;
        }
        if !addrs.is_empty() {
            return Some(addrs);
        }
    }
    None
}

/// The questions busybox `nslookup NAME` sends (networking/nslookup.c
/// `add_query_with_search`): names without a dot get each search domain appended
/// (and are not tried bare); names with a dot are asked as written; IPs become PTR.
pub fn nslookup_queries(rc: &ResolvConf, name: &str, types: &[RType]) -> Vec<(String, RType)> {
    let mut out = Vec::new();
    if types.is_empty() && is_ipv4(name) {
        let p: Vec<&str> = name.split('.').collect();
        out.push((
            format!("{}.{}.{}.{}.in-addr.arpa", p[3], p[2], p[1], p[0]),
            RType::Ptr,
        ));
        return out;
    }
    let types: Vec<RType> = if types.is_empty() {
        vec![RType::A, RType::Aaaa]
    } else {
        types.to_vec()
    };
    for t in types {
        if t == RType::Ptr || rc.search.is_empty() || name.contains('.') {
            out.push((name.to_string(), t));
        } else {
            for s in &rc.search {
                out.push((format!("{name}.{s}"), t));
            }
        }
    }
    out
}

/// busybox nslookup's printing of one reply (networking/nslookup.c `parse_reply` and
/// `send_queries`); the trailing blank line included.
pub fn nslookup_format(qname: &str, reply: &Reply) -> String {
    let mut s = String::new();
    if reply.rcode != Rcode::NoError {
        s.push_str(&format!(
            "** server can't find {qname}: {}\n",
            reply.rcode.as_str()
        ));
    } else {
        if !reply.authoritative {
            s.push_str("Non-authoritative answer:\n");
        }
        for r in &reply.answers {
            match &r.data {
                RData::A(ip) | RData::Aaaa(ip) => {
                    s.push_str(&format!("Name:\t{}\nAddress: {ip}\n", r.name))
                }
                RData::Cname(t) => s.push_str(&format!("{}\tcanonical name = {t}\n", r.name)),
                RData::Ptr(t) => s.push_str(&format!("{}\tname = {t}\n", r.name)),
                RData::Srv {
                    priority,
                    weight,
                    port,
                    target,
                } => s.push_str(&format!(
                    "{}\tservice = {priority} {weight} {port} {target}\n",
                    r.name
                )),
                RData::Txt(t) => s.push_str(&format!("{}\ttext = \"{t}\"\n", r.name)),
                RData::Ns(t) => s.push_str(&format!("{}\tnameserver = {t}\n", r.name)),
                RData::Soa {
                    mname,
                    rname,
                    serial,
                    refresh,
                    retry,
                    expire,
                    minimum,
                } => s.push_str(&format!(
                    "{}\n\torigin = {mname}\n\tmail addr = {rname}\n\tserial = {serial}\n\trefresh = {refresh}\n\tretry = {retry}\n\texpire = {expire}\n\tminimum = {minimum}\n",
                    r.name
                )),
            }
        }
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests;
