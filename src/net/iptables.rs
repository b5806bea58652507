//! What `iptables-save` prints on a node: the rules kube-proxy v1.33 in iptables mode
//! writes for the cluster's Services and EndpointSlices (pkg/proxy/iptables/proxier.go
//! syncProxyRules and writeServiceToEndpointRules), as iptables-save prints them back:
//! `-s`/`-d`/`-p` before the matches, addresses with their prefix length, the MARK
//! target as `--set-xmark`, statistic's probability as the kernel's fixed-point value
//! (`%.11f`), recent's defaults spelled out, user-defined chains sorted by name. Chain
//! names are kube-proxy's: base32 of the SHA-256 of the service port name and protocol
//! (and the endpoint), first 16 characters.
//!
//! Only kube-proxy's and the kubelet's chains are shown: kind's own (Docker's DNS
//! chains, kindnet's KIND-MASQ-AGENT) are left out, and the page says so.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use k8s_openapi::api::core::v1::{Service, ServicePort};

use crate::api::Object;
use crate::cluster::{Cluster, ProxyMode};

/// SHA-256 (FIPS 180-4) of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut k = [0u32; 64];
    // The round constants: the first 32 bits of the fractional parts of the cube
    // roots of the first 64 primes; the initial hash, of the square roots of the first 8.
    let mut primes = (2u32..).filter(|n| (2..*n).take_while(|d| d * d <= *n).all(|d| n % d != 0));
    for slot in k.iter_mut() {
        let p = f64::from(primes.next().unwrap_or(2));
        *slot = (p.cbrt().fract() * 4_294_967_296.0) as u32;
    }
    let mut h = [0u32; 8];
    let mut primes = (2u32..).filter(|n| (2..*n).take_while(|d| d * d <= *n).all(|d| n % d != 0));
    for slot in h.iter_mut() {
        let p = f64::from(primes.next().unwrap_or(2));
        *slot = (p.sqrt().fract() * 4_294_967_296.0) as u32;
    }
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(k[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v.copy_within(0..7, 1);
            v[4] = v[4].wrapping_add(t1);
            v[0] = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip(v) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, x) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// proxier.go portProtoHash (and servicePortEndpointChainName's hash): the first 16
/// characters of the standard base32 encoding of the SHA-256 of `text` - the first
/// 80 bits, five bits a character.
pub fn chain_hash(text: &str) -> String {
    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let hash = sha256(text.as_bytes());
    let bits = hash[..10]
        .iter()
        .fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
    (0..16)
        .map(|i| B32[((bits >> (75 - 5 * i)) & 31) as usize] as char)
        .collect()
}

/// The service port name kube-proxy comments its rules with and hashes
/// (ServicePortName.String()): `namespace/name`, `:port` when the port is named.
pub fn port_name(ns: &str, svc: &str, port: &ServicePort) -> String {
    match port.name.as_deref() {
        Some(n) if !n.is_empty() => format!("{ns}/{svc}:{n}"),
        _ => format!("{ns}/{svc}"),
    }
}

fn proto_of(port: &ServicePort) -> String {
    port.protocol
        .as_deref()
        .unwrap_or("TCP")
        .to_ascii_lowercase()
}

/// `KUBE-SVC-...` (and, with another prefix, KUBE-SVL/EXT/FW) for a service port name
/// and lower-case protocol.
pub fn service_chain(prefix: &str, port_name: &str, proto: &str) -> String {
    format!("{prefix}{}", chain_hash(&format!("{port_name}{proto}")))
}

/// `KUBE-SEP-...` for an endpoint `ip:port` of a service port.
pub fn endpoint_chain(port_name: &str, proto: &str, endpoint: &str) -> String {
    format!(
        "KUBE-SEP-{}",
        chain_hash(&format!("{port_name}{proto}{endpoint}"))
    )
}

/// kind's pod range, which kube-proxy's ClusterCIDR local-traffic detector matches.
const CLUSTER_CIDR: &str = "10.244.0.0/16";
/// kube-proxy's masquerade mark (masqueradeBit 14).
const MASQ_MARK: &str = "0x4000/0x4000";
/// metrics.LocalhostNodePortAcceptedNFAcctCounter and IPTablesCTStateInvalidDroppedNFAcctCounter.
const NFACCT_LOCALHOST: &str = "localhost_nps_accepted_pkts";
const NFACCT_INVALID: &str = "ct_state_invalid_dropped_pkts";

/// iptables' comment as xtables_save_string prints it: bare when it is only letters,
/// digits, `_` and `-`, else in double quotes with `"`, `\` and `'` escaped.
fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return s.to_string();
    }
    let mut q = String::from("\"");
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '\'') {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

fn comment(s: &str) -> String {
    format!("-m comment --comment {}", quote(s))
}

/// statistic's probability as iptables-save prints it: the kernel keeps
/// `lround(p * 2^31)` and libxt_statistic prints that over 2^31 with `%.11f`. kube-proxy
/// passes `1/n` printed with `%0.10f`.
fn probability(n: usize) -> String {
    let given: f64 = format!("{:.10}", 1.0 / n as f64).parse().unwrap_or(0.0);
    let fixed = (given * 2_147_483_648.0).round();
    format!("{:.11}", fixed / 2_147_483_648.0)
}

fn parse_ip(s: &str) -> Option<u32> {
    let mut v = 0u32;
    let mut n = 0;
    for part in s.split('.') {
        v = (v << 8) | u32::from(part.parse::<u8>().ok()?);
        n += 1;
    }
    (n == 4).then_some(v)
}

fn ip_text(v: u32) -> String {
    let b = v.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

fn mask(bits: u32) -> u32 {
    u32::MAX.checked_shl(32 - bits.min(32)).unwrap_or(0)
}

fn in_cidr(ip: u32, net: u32, bits: u32) -> bool {
    ip & mask(bits) == net
}

/// An IPv4 CIDR as net.ParseCIDR reads it: the network (host bits cleared) and prefix.
fn cidr(s: &str) -> Option<(u32, u32)> {
    let (ip, bits) = s.split_once('/')?;
    let bits: u32 = bits.parse().ok().filter(|b| *b <= 32)?;
    Some((parse_ip(ip)? & mask(bits), bits))
}

/// One endpoint of a service port as kube-proxy's endpoints map holds it.
struct Ep {
    addr: String,
    ip: String,
    ready: bool,
    serving: bool,
    terminating: bool,
    local: bool,
}

/// The endpoints of one service port, sorted by `ip:port` as the EndpointSliceCache
/// hands them out (byEndpoint).
fn endpoints(c: &Cluster, ns: &str, svc: &str, sp: &ServicePort, node: &str) -> Vec<Ep> {
    let mut eps: Vec<Ep> = Vec::new();
    for sl in super::proxy::service_slices(c, ns, svc) {
        if sl.address_type != "IPv4" {
            continue;
        }
        let Some(port) = super::proxy::slice_port(sl, sp) else {
            continue;
        };
        for e in &sl.endpoints {
            let Some(ip) = e.addresses.first() else {
                continue;
            };
            let cond = e.conditions.as_ref();
            let ready = cond.and_then(|c| c.ready).unwrap_or(true);
            let addr = format!("{ip}:{port}");
            if eps.iter().any(|x| x.addr == addr) {
                continue;
            }
            eps.push(Ep {
                addr,
                ip: ip.clone(),
                ready,
                serving: cond.and_then(|c| c.serving).unwrap_or(ready),
                terminating: cond.and_then(|c| c.terminating).unwrap_or(false),
                local: e.node_name.as_deref() == Some(node),
            });
        }
    }
    crate::sort::sort_by(&mut eps, |a, b| a.addr.cmp(&b.addr));
    eps
}

/// A table as iptables-save prints it: built-in chains first in the table's order, then
/// the user-defined chains sorted by name, each declared, then their rules.
struct Table {
    builtin: Vec<(&'static str, Vec<String>)>,
    chains: BTreeMap<String, Vec<String>>,
}

impl Table {
    fn new(builtin: &[&'static str], chains: &[&str]) -> Table {
        Table {
            builtin: builtin.iter().map(|b| (*b, Vec::new())).collect(),
            chains: chains.iter().map(|c| (c.to_string(), Vec::new())).collect(),
        }
    }

    fn chain(&mut self, name: &str) {
        self.chains.entry(name.to_string()).or_default();
    }

    fn add(&mut self, chain: &str, rule: String) {
        let line = format!("-A {chain} {rule}");
        if let Some((_, rules)) = self.builtin.iter_mut().find(|(b, _)| *b == chain) {
            rules.push(line);
        } else {
            self.chains.entry(chain.to_string()).or_default().push(line);
        }
    }

    fn print(&self, name: &str, stamp: &str, out: &mut String) {
        let _ = writeln!(
            out,
            "# Generated by iptables-save v1.8.9 (nf_tables) on {stamp}"
        );
        let _ = writeln!(out, "*{name}");
        for (b, _) in &self.builtin {
            let _ = writeln!(out, ":{b} ACCEPT [0:0]");
        }
        for c in self.chains.keys() {
            let _ = writeln!(out, ":{c} - [0:0]");
        }
        for rule in self
            .builtin
            .iter()
            .flat_map(|(_, r)| r)
            .chain(self.chains.values().flatten())
        {
            out.push_str(rule);
            out.push('\n');
        }
        out.push_str("COMMIT\n");
        let _ = writeln!(out, "# Completed on {stamp}");
    }
}

/// What the page says where a command line runs `iptables` on a node: which rules
/// the output leaves out.
pub fn notice(mode: ProxyMode) -> String {
    match mode {
        ProxyMode::Iptables => "iptables-save and iptables -S show kube-proxy's and the kubelet's chains; kind's own (Docker's DNS rules, kindnet's KIND-MASQ-AGENT) are left out, and iptables' other commands (-L, -A, ...) are not simulated.".into(),
        _ => format!(
            "kube-proxy runs in {} mode: iptables-save shows only the kubelet's chains, not the rules kube-proxy keeps in that mode.",
            mode.as_str()
        ),
    }
}

/// What `iptables-save [-t TABLE]` prints on `node` (`stamp`: the time, as ctime
/// prints it). None for a table the node does not have.
pub fn save(c: &Cluster, node: &str, table: Option<&str>, stamp: &str) -> Option<String> {
    let mut mangle = Table::new(
        &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        &["KUBE-IPTABLES-HINT", "KUBE-KUBELET-CANARY"],
    );
    let mut filter = Table::new(
        &["INPUT", "FORWARD", "OUTPUT"],
        &["KUBE-FIREWALL", "KUBE-KUBELET-CANARY"],
    );
    let mut nat = Table::new(
        &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        &["KUBE-KUBELET-CANARY"],
    );
    // The kubelet's localnet rule (kubelet_network_linux.go), which kube-proxy also writes.
    filter.add("INPUT", "-j KUBE-FIREWALL".into());
    filter.add("OUTPUT", "-j KUBE-FIREWALL".into());
    filter.add("KUBE-FIREWALL", format!("! -s 127.0.0.0/8 -d 127.0.0.0/8 {} -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP", comment("block incoming localnet connections")));
    if c.settings.proxy_mode == ProxyMode::Iptables {
        kube_proxy(c, node, &mut mangle, &mut filter, &mut nat);
    }
    let mut out = String::new();
    match table {
        None => {
            mangle.print("mangle", stamp, &mut out);
            filter.print("filter", stamp, &mut out);
            nat.print("nat", stamp, &mut out);
        }
        Some("mangle") => mangle.print("mangle", stamp, &mut out),
        Some("filter") => filter.print("filter", stamp, &mut out),
        Some("nat") => nat.print("nat", stamp, &mut out),
        Some("raw" | "security") => {}
        Some(_) => return None,
    }
    Some(out)
}

/// What `iptables [-t TABLE] -S [CHAIN]` prints (iptables.c list_rules): every chain's
/// `-P CHAIN POLICY` or `-N CHAIN` line first, then the rules, each as iptables-save
/// prints it. Err for a chain the table does not have.
pub fn list_rules(
    c: &Cluster,
    node: &str,
    table: &str,
    chain: Option<&str>,
) -> Option<Result<String, ()>> {
    let text = save(c, node, Some(table), "")?;
    let mut heads = String::new();
    let mut rules = String::new();
    let mut found = chain.is_none();
    for line in text.lines() {
        if let Some(decl) = line.strip_prefix(':') {
            let mut words = decl.split(' ');
            let (name, policy) = (words.next().unwrap_or(""), words.next().unwrap_or("-"));
            if chain.is_some_and(|ch| ch != name) {
                continue;
            }
            found = true;
            match policy {
                "-" => heads.push_str(&format!("-N {name}\n")),
                p => heads.push_str(&format!("-P {name} {p}\n")),
            }
        } else if let Some(rule) = line.strip_prefix("-A ") {
            let name = rule.split(' ').next().unwrap_or("");
            if chain.is_none_or(|ch| ch == name) {
                rules.push_str(line);
                rules.push('\n');
            }
        }
    }
    Some(if found { Ok(heads + &rules) } else { Err(()) })
}

/// kube-proxy's part: its jump rules (iptablesJumpChains, each prepended, so a
/// built-in chain lists them in reverse; the kubelet's KUBE-FIREWALL jump was there
/// first), its fixed chains and syncProxyRules' per-service rules.
fn kube_proxy(c: &Cluster, node: &str, mangle: &mut Table, filter: &mut Table, nat: &mut Table) {
    mangle.chain("KUBE-PROXY-CANARY");
    for ch in [
        "KUBE-EXTERNAL-SERVICES",
        "KUBE-FORWARD",
        "KUBE-NODEPORTS",
        "KUBE-PROXY-CANARY",
        "KUBE-PROXY-FIREWALL",
        "KUBE-SERVICES",
    ] {
        filter.chain(ch);
    }
    for ch in [
        "KUBE-MARK-MASQ",
        "KUBE-NODEPORTS",
        "KUBE-POSTROUTING",
        "KUBE-PROXY-CANARY",
        "KUBE-SERVICES",
    ] {
        nat.chain(ch);
    }
    let new = "-m conntrack --ctstate NEW";
    let jump = |extra: &str, text: &str, to: &str| {
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!("{extra} ")
        };
        format!("{extra}{} -j {to}", comment(text))
    };
    let lb_fw = jump(
        new,
        "kubernetes load balancer firewall",
        "KUBE-PROXY-FIREWALL",
    );
    let ext = jump(
        new,
        "kubernetes externally-visible service portals",
        "KUBE-EXTERNAL-SERVICES",
    );
    let portals_new = jump(new, "kubernetes service portals", "KUBE-SERVICES");
    // The kubelet's KUBE-FIREWALL jumps are already last in INPUT and OUTPUT.
    for (chain, rule) in [
        ("INPUT", lb_fw.clone()),
        (
            "INPUT",
            jump(
                "",
                "kubernetes health check service ports",
                "KUBE-NODEPORTS",
            ),
        ),
        ("INPUT", ext.clone()),
        ("FORWARD", lb_fw.clone()),
        (
            "FORWARD",
            jump("", "kubernetes forwarding rules", "KUBE-FORWARD"),
        ),
        ("FORWARD", portals_new.clone()),
        ("FORWARD", ext),
        ("OUTPUT", lb_fw),
        ("OUTPUT", portals_new),
    ] {
        let rules = &mut filter
            .builtin
            .iter_mut()
            .find(|(b, _)| *b == chain)
            .map(|(_, r)| r);
        if let Some(rules) = rules {
            let at = rules
                .iter()
                .position(|r| r.ends_with("-j KUBE-FIREWALL"))
                .unwrap_or(rules.len());
            rules.insert(at, format!("-A {chain} {rule}"));
        }
    }
    nat.add(
        "PREROUTING",
        jump("", "kubernetes service portals", "KUBE-SERVICES"),
    );
    nat.add(
        "OUTPUT",
        jump("", "kubernetes service portals", "KUBE-SERVICES"),
    );
    nat.add(
        "POSTROUTING",
        jump("", "kubernetes postrouting rules", "KUBE-POSTROUTING"),
    );
    nat.add(
        "KUBE-POSTROUTING",
        format!("-m mark ! --mark {MASQ_MARK} -j RETURN"),
    );
    nat.add("KUBE-POSTROUTING", "-j MARK --set-xmark 0x4000/0x0".into());
    nat.add(
        "KUBE-POSTROUTING",
        format!(
            "{} -j MASQUERADE --random-fully",
            comment("kubernetes service traffic requiring SNAT")
        ),
    );
    nat.add("KUBE-MARK-MASQ", format!("-j MARK --set-xmark {MASQ_MARK}"));
    let mut ports: Vec<(String, &Service, &ServicePort, &str)> = Vec::new();
    for o in c.store.list("Service") {
        let Object::Service(s) = o else { continue };
        let Some(spec) = &s.spec else { continue };
        // ServiceChangeTracker skips ExternalName and headless Services.
        let Some(cip) = spec.cluster_ip.as_deref() else {
            continue;
        };
        if cip == "None" || cip.is_empty() || spec.type_.as_deref() == Some("ExternalName") {
            continue;
        }
        for sp in spec.ports.iter().flatten() {
            ports.push((port_name(o.namespace(), o.name(), sp), s, sp, o.namespace()));
        }
    }
    // syncProxyRules ranges over a Go map: its order is random; sorted here.
    crate::sort::sort_by(&mut ports, |a, b| a.0.cmp(&b.0));
    for (name, s, sp, ns) in &ports {
        let svc_name = s.metadata.name.as_deref().unwrap_or("");
        service_port(
            c,
            node,
            filter,
            nat,
            name,
            s,
            sp,
            &endpoints(c, ns, svc_name, sp, node),
        );
    }
    nat.add(
        "KUBE-SERVICES",
        format!(
            "{} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS",
            comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain")
        ),
    );
    filter.add(
        "KUBE-FORWARD",
        format!("-m conntrack --ctstate INVALID -m nfacct --nfacct-name  {NFACCT_INVALID} -j DROP"),
    );
    filter.add(
        "KUBE-FORWARD",
        format!(
            "{} -m mark --mark {MASQ_MARK} -j ACCEPT",
            comment("kubernetes forwarding rules")
        ),
    );
    filter.add(
        "KUBE-FORWARD",
        format!(
            "{} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            comment("kubernetes forwarding conntrack rule")
        ),
    );
}

/// syncProxyRules for one service port.
#[allow(clippy::too_many_arguments)]
fn service_port(
    c: &Cluster,
    node: &str,
    filter: &mut Table,
    nat: &mut Table,
    name: &str,
    s: &Service,
    sp: &ServicePort,
    eps: &[Ep],
) {
    let Some(spec) = s.spec.as_ref() else { return };
    let proto = proto_of(sp);
    let local = |p: Option<&String>| p.map(String::as_str) == Some("Local");
    let node_port = sp.node_port.filter(|_| {
        matches!(
            spec.type_.as_deref(),
            Some("NodePort") | Some("LoadBalancer")
        )
    });
    let lb_ips: Vec<&str> = if spec.type_.as_deref() == Some("LoadBalancer") {
        s.status
            .iter()
            .filter_map(|st| st.load_balancer.as_ref())
            .flat_map(|lb| lb.ingress.iter().flatten())
            .filter_map(|i| i.ip.as_deref())
            .collect()
    } else {
        Vec::new()
    };
    let external_ips: Vec<&str> = spec
        .external_ips
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let externally = node_port.is_some() || !lb_ips.is_empty() || !external_ips.is_empty();
    let internal_local = local(spec.internal_traffic_policy.as_ref());
    let external_local = externally && local(spec.external_traffic_policy.as_ref());
    let uses_cluster = !internal_local || (externally && !external_local);
    let uses_local = internal_local || external_local;
    let affinity = (spec.session_affinity.as_deref() == Some("ClientIP")).then(|| {
        spec.session_affinity_config
            .as_ref()
            .and_then(|a| a.client_ip.as_ref())
            .and_then(|ci| ci.timeout_seconds)
            .map(i64::from)
            .unwrap_or(super::DEFAULT_AFFINITY_SECONDS)
    });

    // proxy.CategorizeEndpoints (without topology hints).
    let pick = |f: &dyn Fn(&Ep) -> bool| -> Vec<&Ep> { eps.iter().filter(|e| f(e)).collect() };
    let mut cluster_eps: Vec<&Ep> = Vec::new();
    let mut has_any = false;
    if uses_cluster {
        cluster_eps = pick(&|e| e.ready);
        if cluster_eps.is_empty() {
            cluster_eps = pick(&|e| e.serving && e.terminating);
        }
        has_any = !cluster_eps.is_empty();
    }
    let mut local_eps: Vec<&Ep> = Vec::new();
    if uses_local {
        has_any |= eps.iter().any(|e| e.ready || (e.serving && e.terminating));
        local_eps = pick(&|e| e.local && e.ready);
        if local_eps.is_empty() {
            local_eps = pick(&|e| e.local && e.serving && e.terminating);
        }
    }
    let mut reachable: Vec<&Ep> = if uses_local && uses_cluster {
        let mut all = cluster_eps.clone();
        all.extend(
            local_eps
                .iter()
                .filter(|e| !cluster_eps.iter().any(|c| c.addr == e.addr)),
        );
        all
    } else if uses_local {
        local_eps.clone()
    } else {
        cluster_eps.clone()
    };
    reachable.dedup_by(|a, b| a.addr == b.addr);

    let svc_chain = service_chain("KUBE-SVC-", name, &proto);
    let svl_chain = service_chain("KUBE-SVL-", name, &proto);
    let ext_chain = service_chain("KUBE-EXT-", name, &proto);
    let uses_cluster_chain = !cluster_eps.is_empty() && uses_cluster;
    let uses_local_chain = !local_eps.is_empty() && uses_local;
    let (internal_chain, has_internal) = if internal_local {
        (&svl_chain, has_any && !local_eps.is_empty())
    } else {
        (&svc_chain, has_any)
    };
    let (external_policy_chain, has_external) = if external_local {
        (&svl_chain, has_any && !local_eps.is_empty())
    } else {
        (&svc_chain, has_any)
    };
    let uses_ext_chain = has_any && externally;
    let (int_target, int_comment, ext_target, ext_comment) = if !has_any {
        let c = format!("{name} has no endpoints");
        (
            "REJECT --reject-with icmp-port-unreachable",
            c.clone(),
            "REJECT --reject-with icmp-port-unreachable",
            c,
        )
    } else {
        let c = format!("{name} has no local endpoints");
        ("DROP", c.clone(), "DROP", c)
    };
    let cip = spec.cluster_ip.as_deref().unwrap_or("");
    let port = sp.port;
    let dport = |ip: &str, text: &str, p: i32| {
        format!(
            "-d {ip}/32 -p {proto} {} -m {proto} --dport {p}",
            comment(text)
        )
    };

    if has_internal {
        nat.add(
            "KUBE-SERVICES",
            format!(
                "{} -j {internal_chain}",
                dport(cip, &format!("{name} cluster IP"), port)
            ),
        );
    } else {
        filter.add(
            "KUBE-SERVICES",
            format!("{} -j {int_target}", dport(cip, &int_comment, port)),
        );
    }
    // External IPs, then load-balancer addresses (syncProxyRules' two loops; in the
    // filter table the first's rules come first either way).
    let outside = external_ips
        .iter()
        .map(|ip| (ip, "external IP"))
        .chain(lb_ips.iter().map(|ip| (ip, "loadbalancer IP")));
    // loadBalancerSourceRanges: load-balancer traffic goes through KUBE-FW first.
    let fw_chain = service_chain("KUBE-FW-", name, &proto);
    let ranges: Vec<(u32, u32)> = spec
        .load_balancer_source_ranges
        .iter()
        .flatten()
        .filter_map(|r| cidr(r.trim()))
        .collect();
    let uses_fw = has_any && !lb_ips.is_empty() && !ranges.is_empty();
    for (ip, what) in outside {
        let lb = what == "loadbalancer IP";
        let to = if lb && uses_fw { &fw_chain } else { &ext_chain };
        if has_any {
            nat.add(
                "KUBE-SERVICES",
                format!("{} -j {to}", dport(ip, &format!("{name} {what}"), port)),
            );
        }
        if lb && uses_fw {
            filter.add(
                "KUBE-PROXY-FIREWALL",
                format!(
                    "{} -j DROP",
                    dport(
                        ip,
                        &format!("{name} traffic not accepted by {fw_chain}"),
                        port
                    )
                ),
            );
        }
        if !has_external {
            filter.add(
                "KUBE-EXTERNAL-SERVICES",
                format!("{} -j {ext_target}", dport(ip, &ext_comment, port)),
            );
        }
    }
    if let Some(np) = node_port {
        if has_any {
            nat.add(
                "KUBE-NODEPORTS",
                format!(
                    "-d 127.0.0.0/8 -p {proto} {} -m {proto} --dport {np} -m nfacct --nfacct-name  {NFACCT_LOCALHOST} -j {ext_chain}",
                    comment(name)
                ),
            );
            nat.add(
                "KUBE-NODEPORTS",
                format!(
                    "-p {proto} {} -m {proto} --dport {np} -j {ext_chain}",
                    comment(name)
                ),
            );
        }
        if !has_external {
            filter.add(
                "KUBE-EXTERNAL-SERVICES",
                format!(
                    "-p {proto} {} -m addrtype --dst-type LOCAL -m {proto} --dport {np} -j {ext_target}",
                    comment(&ext_comment)
                ),
            );
        }
    }
    if let Some(hc) = spec.health_check_node_port.filter(|_| external_local) {
        filter.add(
            "KUBE-NODEPORTS",
            format!(
                "-p tcp {} -m tcp --dport {hc} -j ACCEPT",
                comment(&format!("{name} health check node port"))
            ),
        );
    }
    if has_internal {
        nat.add(
            internal_chain,
            format!(
                "! -s {CLUSTER_CIDR} {} -j KUBE-MARK-MASQ",
                dport(cip, &format!("{name} cluster IP"), port)
            ),
        );
    }
    if uses_ext_chain {
        nat.chain(&ext_chain);
        if !external_local {
            nat.add(
                &ext_chain,
                format!(
                    "{} -j KUBE-MARK-MASQ",
                    comment(&format!(
                        "masquerade traffic for {name} external destinations"
                    ))
                ),
            );
        } else {
            nat.add(
                &ext_chain,
                format!(
                    "-s {CLUSTER_CIDR} {} -j {svc_chain}",
                    comment(&format!("pod traffic for {name} external destinations"))
                ),
            );
            nat.add(
                &ext_chain,
                format!(
                    "{} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ",
                    comment(&format!(
                        "masquerade LOCAL traffic for {name} external destinations"
                    ))
                ),
            );
            nat.add(
                &ext_chain,
                format!(
                    "{} -m addrtype --src-type LOCAL -j {svc_chain}",
                    comment(&format!(
                        "route LOCAL traffic for {name} external destinations"
                    ))
                ),
            );
        }
        if has_external {
            nat.add(&ext_chain, format!("-j {external_policy_chain}"));
        }
    }
    if uses_fw {
        nat.chain(&fw_chain);
        let lb_comment = comment(&format!("{name} loadbalancer IP"));
        let node_ip = crate::cluster::kubelet::node_ip(c, node).and_then(|ip| parse_ip(&ip));
        let mut from_node = false;
        for (net, bits) in &ranges {
            nat.add(
                &fw_chain,
                format!("-s {}/{bits} {lb_comment} -j {ext_chain}", ip_text(*net)),
            );
            from_node |= node_ip.is_some_and(|ip| in_cidr(ip, *net, *bits));
        }
        if from_node {
            for ip in &lb_ips {
                nat.add(&fw_chain, format!("-s {ip}/32 {lb_comment} -j {ext_chain}"));
            }
        }
        nat.add(
            &fw_chain,
            comment(&format!(
                "other traffic to {name} will be dropped by KUBE-PROXY-FIREWALL"
            )),
        );
    }
    let to_endpoints = |nat: &mut Table, chain: &str, eps: &[&Ep]| {
        nat.chain(chain);
        if let Some(secs) = affinity {
            for e in eps {
                let sep = endpoint_chain(name, &proto, &e.addr);
                nat.add(
                    chain,
                    format!(
                        "{} -m recent --rcheck --seconds {secs} --reap --name {sep} --mask 255.255.255.255 --rsource -j {sep}",
                        comment(&format!("{name} -> {}", e.addr))
                    ),
                );
            }
        }
        let n = eps.len();
        for (i, e) in eps.iter().enumerate() {
            let sep = endpoint_chain(name, &proto, &e.addr);
            let stat = if i + 1 < n {
                format!(
                    " -m statistic --mode random --probability {}",
                    probability(n - i)
                )
            } else {
                String::new()
            };
            nat.add(
                chain,
                format!(
                    "{}{stat} -j {sep}",
                    comment(&format!("{name} -> {}", e.addr))
                ),
            );
        }
    };
    if uses_cluster_chain {
        to_endpoints(nat, &svc_chain, &cluster_eps);
    }
    if uses_local_chain {
        to_endpoints(nat, &svl_chain, &local_eps);
    }
    for e in &reachable {
        let sep = endpoint_chain(name, &proto, &e.addr);
        nat.chain(&sep);
        nat.add(
            &sep,
            format!("-s {}/32 {} -j KUBE-MARK-MASQ", e.ip, comment(name)),
        );
        let recent = if affinity.is_some() {
            format!(" -m recent --set --name {sep} --mask 255.255.255.255 --rsource")
        } else {
            String::new()
        };
        nat.add(
            &sep,
            format!(
                "-p {proto} {}{recent} -m {proto} -j DNAT --to-destination {}",
                comment(name),
                e.addr
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn sha256_vectors() {
        // Python: hashlib.sha256(b'').hexdigest() and so on.
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(&[b'a'; 1000])),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
        );
        // 56 bytes: the padding takes a second block.
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn chain_names() {
        // Python: base64.b32encode(hashlib.sha256(s.encode()).digest())[:16], the
        // names every kubeadm cluster's iptables-save shows for these Services.
        for (name, proto, chain) in [
            (
                "default/kubernetes:https",
                "tcp",
                "KUBE-SVC-NPX46M4PTMTKRN6Y",
            ),
            (
                "kube-system/kube-dns:dns",
                "udp",
                "KUBE-SVC-TCOU7JCQXEZGVUNU",
            ),
            (
                "kube-system/kube-dns:dns-tcp",
                "tcp",
                "KUBE-SVC-ERIFXISQEP7F7OF4",
            ),
            (
                "kube-system/kube-dns:metrics",
                "tcp",
                "KUBE-SVC-JD5MR3NA4I4DYORP",
            ),
            ("default/hostnames", "tcp", "KUBE-SVC-YN5D6RYVEVZOH44Q"),
        ] {
            assert_eq!(service_chain("KUBE-SVC-", name, proto), chain);
        }
        assert_eq!(
            endpoint_chain("default/hostnames", "tcp", "10.244.1.2:9376"),
            "KUBE-SEP-O5WZPWJXWTGE55GX"
        );
    }

    /// On the default cluster: the nodeports jump is KUBE-SERVICES' last rule (after
    /// every Service's), and `-S` lists every chain before any rule.
    #[test]
    fn rule_order_on_the_default_cluster() {
        let w = crate::scenario::World::new(1);
        let nat = save(&w.cluster, "kubeplay-worker", Some("nat"), "x").unwrap_or_default();
        let services: Vec<&str> = nat
            .lines()
            .filter(|l| l.starts_with("-A KUBE-SERVICES "))
            .collect();
        assert_eq!(services.len(), 5, "{nat}");
        assert!(services[4].contains("-j KUBE-NODEPORTS"));
        let listed = list_rules(&w.cluster, "kubeplay-worker", "filter", None)
            .and_then(Result::ok)
            .unwrap_or_default();
        let first_rule = listed
            .lines()
            .position(|l| l.starts_with("-A "))
            .unwrap_or(0);
        let last_head = listed
            .lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with("-P ") || l.starts_with("-N "))
            .map(|(i, _)| i)
            .last()
            .unwrap_or(usize::MAX);
        assert!(last_head < first_rule, "{listed}");
        assert!(listed.starts_with("-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n"));
        assert_eq!(
            save(&w.cluster, "kubeplay-worker", Some("bogus"), "x"),
            None
        );
    }

    /// In the other proxy modes kube-proxy keeps no iptables rules of this mode: only
    /// the kubelet's chains are left.
    #[test]
    fn other_modes_leave_the_kubelet_chains() {
        let mut w = crate::scenario::World::new(1);
        w.cluster.settings.proxy_mode = ProxyMode::Nftables;
        let all = save(&w.cluster, "kubeplay-worker", None, "x").unwrap_or_default();
        assert!(!all.contains("KUBE-SERVICES"), "{all}");
        assert!(all.contains("-A KUBE-FIREWALL "), "{all}");
        assert!(notice(ProxyMode::Nftables).contains("nftables mode"));
    }

    /// loadBalancerSourceRanges (a load-balancer controller gives the Service its
    /// address): KUBE-SERVICES sends load-balancer traffic to KUBE-FW, which lets each
    /// range (host bits cleared, as net.ParseCIDR) and - the node being inside one - the
    /// load-balancer address itself on to KUBE-EXT; KUBE-PROXY-FIREWALL drops the rest.
    /// Chain hash: sha256("default/lbtcp") (Python).
    #[test]
    fn source_ranges_go_through_the_firewall_chain() {
        let mut w = crate::scenario::World::new(1);
        w.cluster.settings.load_balancer_controller = true;
        let manifest = "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\nmetadata:\n  name: lb\nspec:\n  type: LoadBalancer\n  loadBalancerSourceRanges: [\"172.18.0.0/16\", \"203.0.113.7/24\"]\n  ports:\n  - port: 80\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: lb-1\n  labels:\n    kubernetes.io/service-name: lb\naddressType: IPv4\nports:\n- port: 80\nendpoints:\n- addresses: [\"10.244.1.20\"]\nEOF";
        w.run(&crate::scenario::Step::Command {
            line: manifest.into(),
        });
        w.run(&crate::scenario::Step::Advance { ms: 2_000 });
        let lb = match w
            .cluster
            .store
            .get(&crate::cluster::Key::new("Service", "default", "lb"))
        {
            Some(Object::Service(s)) => s
                .status
                .as_ref()
                .and_then(|st| {
                    st.load_balancer
                        .as_ref()?
                        .ingress
                        .as_ref()?
                        .first()?
                        .ip
                        .clone()
                })
                .unwrap_or_default(),
            _ => String::new(),
        };
        assert!(!lb.is_empty());
        let all = save(&w.cluster, "kubeplay-worker", None, "x").unwrap_or_default();
        let fw = "KUBE-FW-7TVXROIT6UXCX2AG";
        let ext = "KUBE-EXT-7TVXROIT6UXCX2AG";
        let c = "-m comment --comment \"default/lb loadbalancer IP\"";
        let want = [
            format!("-A KUBE-PROXY-FIREWALL -d {lb}/32 -p tcp -m comment --comment \"default/lb traffic not accepted by {fw}\" -m tcp --dport 80 -j DROP"),
            format!("-A {fw} -s 172.18.0.0/16 {c} -j {ext}\n-A {fw} -s 203.0.113.0/24 {c} -j {ext}\n-A {fw} -s {lb}/32 {c} -j {ext}\n-A {fw} -m comment --comment \"other traffic to default/lb will be dropped by KUBE-PROXY-FIREWALL\"\n"),
            format!("-A KUBE-SERVICES -d {lb}/32 -p tcp {c} -m tcp --dport 80 -j {fw}"),
        ];
        for line in want {
            assert!(all.contains(&line), "{line}\n{all}");
        }
    }

    #[test]
    fn probabilities_as_saved() {
        // 1/3 -> "0.3333333333" -> lround(0.3333333333 * 2^31) = 715827883 -> %.11f.
        assert_eq!(probability(3), "0.33333333349");
        assert_eq!(probability(2), "0.50000000000");
        assert_eq!(probability(4), "0.25000000000");
    }

    #[test]
    fn comments_quoted_as_xtables_save_string() {
        assert_eq!(quote("default/hostnames"), "\"default/hostnames\"");
        assert_eq!(quote("plain-word_1"), "plain-word_1");
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
    }
}
