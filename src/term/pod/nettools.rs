//! The network tools of the busybox userland (alpine's busybox 1.37, configured as
//! aports `main/busybox/busyboxconfig`: NC_110_COMPAT, NETSTAT_WIDE, NETSTAT_PRG) and
//! alpine's musl-utils `getent`: `nc` (networking/nc_bloaty.c), `netstat`
//! (networking/netstat.c), `route` (networking/route.c), `traceroute`
//! (networking/traceroute.c), `ifconfig` (networking/interface.c) and `getent`
//! (aports main/musl/getent.c over musl's resolver). They see the pod's network
//! namespace: its one `eth0` on the kindnet ptp network and the sockets of every
//! container in the pod.

use super::{resolve_in_pod, PodHost, ResolveError};
use crate::dns::{self, RData, RType, Rcode, Reply, ResolvConf};
use crate::net::{self, Hop, Outcome, Proto};
use crate::term::shell::Output;

const NC_USAGE: &str = "BusyBox v1.37.0 (2025-01-17 18:12:01 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\nnc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n\n\t-e PROG\tRun PROG after connect (must be last)\n\t-l\tListen mode, for inbound connects\n\t-lk\tWith -e, provides persistent server\n\t-p PORT\tLocal port\n\t-s ADDR\tLocal address\n\t-w SEC\tTimeout for connects and final net reads\n\t-i SEC\tDelay interval for lines sent\n\t-n\tDon't do DNS resolution\n\t-u\tUDP mode\n\t-v\tVerbose\n\t-o FILE\tHex dump traffic\n\t-z\tZero-I/O mode (scanning)\n";

/// The seconds Linux waits for a SYN that gets no answer before connect() fails with
/// ETIMEDOUT: tcp_syn_retries 6, the RTO doubling from 1 s (1+2+4+8+16+32+64).
const SYN_TIMEOUT_SECS: i64 = 127;

/// libbb's xhost2sockaddr: the host's first address, or "bad address" (after the
/// resolver's 10 s when the nameserver does not answer).
fn resolve_host(h: &mut PodHost, tool: &str, host: &str, out: &mut Output) -> Option<String> {
    let src = h.source();
    let pod = h.pod();
    let ns = h.pod.namespace.clone();
    let mut trace = Vec::new();
    match resolve_in_pod(h.cluster, &src, pod.as_ref(), &ns, host, &mut trace) {
        Ok(v) => Some(v.first().cloned().unwrap_or_default()),
        Err(e) => {
            if e == ResolveError::Timeout {
                h.cluster.advance(10_000);
            }
            out.err(&format!("{tool}: bad address '{host}'\n"));
            None
        }
    }
}

/// busybox `nc` (nc_bloaty.c): connects, copies stdin to the connection and the
/// connection to stdout until both have ended. After the end of stdin it shuts its
/// write side, so an HTTP server answers the request it got and closes. Failures are
/// silent unless asked for: `-v` reports "open" and errors other than a refusal,
/// `-vv` refusals too and the byte counts.
pub(super) fn nc(h: &mut PodHost, args: &[String], stdin: &str, out: &mut Output) -> i32 {
    let mut verbose = 0;
    let mut zero = false;
    let mut udp = false;
    let mut listen = false;
    let mut wait: i64 = 0;
    let mut pos: Vec<&String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            pos.extend(&args[i + 1..]);
            break;
        }
        if a == "-e" {
            // Everything after -e is the program to run: not modelled.
            break;
        }
        if !(a.starts_with('-') && a.len() > 1) {
            pos.push(a);
            i += 1;
            continue;
        }
        let chars: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            match chars[j] {
                'v' => verbose += 1,
                'z' => zero = true,
                'u' => udp = true,
                'n' | 'k' => {}
                'l' => listen = true,
                c @ ('w' | 'p' | 's' | 'i' | 'o') => {
                    let rest: String = chars[j + 1..].iter().collect();
                    let value = if rest.is_empty() {
                        i += 1;
                        match args.get(i) {
                            Some(v) => v.clone(),
                            None => {
                                out.err(&format!("nc: option requires an argument: {c}\n"));
                                out.err(NC_USAGE);
                                return 1;
                            }
                        }
                    } else {
                        rest
                    };
                    if c == 'w' {
                        // getopt32 "w:+": xatoi_positive.
                        match value.parse::<i64>() {
                            Ok(n) if n >= 0 => wait = n,
                            _ => {
                                out.err(&format!("nc: invalid number '{value}'\n"));
                                return 1;
                            }
                        }
                    }
                    break;
                }
                c => {
                    out.err(&format!("nc: unrecognized option: {c}\n"));
                    out.err(NC_USAGE);
                    return 1;
                }
            }
            j += 1;
        }
        i += 1;
    }
    // "?2": at most two operands; connecting needs a host.
    if pos.len() > 2 || (!listen && pos.is_empty()) {
        out.err(NC_USAGE);
        return 1;
    }
    if listen {
        // A listener waits for a peer that the simulation never sends.
        return 0;
    }
    let host = pos[0].as_str();
    // bb_lookup_port: a number, else a name from /etc/services (none here: port 0).
    let port = pos
        .get(1)
        .and_then(|p| p.parse::<u16>().ok())
        .map_or(0, i32::from);
    let Some(ip) = resolve_host(h, "nc", host, out) else {
        return 1;
    };
    let src = h.source();
    let dotted = format!("{ip}:{port}");
    let proto = if udp { Proto::Udp } else { Proto::Tcp };
    let conn = if port == 0 {
        Outcome::Refused
    } else {
        net::connect(h.cluster, &src, &ip, port, proto).outcome
    };
    // UDP has no handshake: connect() always succeeds, and only -z probes the port.
    let outcome = match (udp, conn) {
        (true, Outcome::Refused) if zero => Outcome::Refused,
        (true, Outcome::Connected(p)) => Outcome::Connected(p),
        (true, _) => Outcome::TimedOut,
        (false, o) => o,
    };
    let fail = |out: &mut Output, errno: &str, refused: bool| {
        if verbose > 1 || (verbose == 1 && !refused) {
            out.err(&format!("nc: {host} ({dotted}): {errno}\n"));
        }
        if verbose > 1 {
            out.err("sent 0, rcvd 0\n");
        }
        1
    };
    let peer = match outcome {
        Outcome::Connected(p) => Some(p),
        Outcome::TimedOut if udp => None,
        Outcome::Refused => return fail(out, "Connection refused", true),
        Outcome::Unreachable => {
            h.cluster.advance(3_000);
            return fail(
                out,
                super::strerror(&h.image, super::Errno::HostUnreachable),
                false,
            );
        }
        Outcome::TimedOut => {
            let secs = if wait > 0 { wait } else { SYN_TIMEOUT_SECS };
            h.cluster.advance(secs * 1000);
            return fail(
                out,
                super::strerror(&h.image, super::Errno::TimedOut),
                false,
            );
        }
    };
    if verbose > 0 {
        out.err(&format!("{host} ({dotted}) open\n"));
    }
    if zero {
        if udp && wait > 0 {
            // udptest: a byte, a pause of -w seconds, another byte.
            h.cluster.advance(wait * 1000);
        }
        if verbose > 1 {
            out.err("sent 0, rcvd 0\n");
        }
        return 0;
    }
    let answer = match (&peer, udp) {
        (Some(p), false) if !stdin.is_empty() => net::apps::raw_http(h.cluster, p, stdin),
        // nc sends what one read of stdin returns as one datagram.
        (Some(p), true) if !stdin.is_empty() => {
            net::apps::udp_answer(h.cluster, p, stdin.as_bytes()).unwrap_or_default()
        }
        _ => String::new(),
    };
    if udp {
        // Nothing closes a UDP "connection": nc gives up after two quiet -w periods.
        h.cluster.advance(2 * wait * 1000);
    }
    out.out(&answer);
    if verbose > 1 {
        out.err(&format!("sent {}, rcvd {}\n", stdin.len(), answer.len()));
    }
    0
}

// ------------------------------------------------------------------ getent

const GETENT_USAGE: &str = "Usage: getent database [key ...]\n\tdatabase may be one of:\n\t\tethers group hosts ahosts ahostsv4 ahostsv6 networks\n\t\tpasswd protocols services shadow shells\n";

/// An address family as musl's resolver is asked for it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    V4,
    V6,
    Any,
}

/// Why musl's `__lookup_name` found nothing.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LookupError {
    /// EAI_NONAME: no such name (or, from /etc/hosts, only the other family).
    NoName,
    /// EAI_NODATA: the name exists without addresses of the family asked.
    NoData,
    /// EAI_AGAIN: the nameserver did not answer.
    Again,
}

/// Addresses (each with whether it is IPv6) and the canonical name.
type Found = (Vec<(String, bool)>, String);

/// musl's `__lookup_name` (src/network/lookup_name.c) with AI_CANONNAME: a literal,
/// then /etc/hosts (name_from_hosts: every line naming the host; the canonical name is
/// the first name of the first such line, an address of the other family makes a miss
/// EAI_NONAME), then DNS over the search list (name_from_dns_search: NXDOMAIN moves on,
/// an answer without addresses ends the search with EAI_NODATA; a CNAME in the answer
/// becomes the canonical name).
fn musl_lookup(h: &mut PodHost, name: &str, family: Family) -> Result<Found, LookupError> {
    if dns::is_ipv4(name) {
        return match family {
            Family::V6 => Err(LookupError::NoName),
            _ => Ok((vec![(name.to_string(), false)], name.to_string())),
        };
    }
    let pod = h.pod();
    let hosts = pod.as_ref().map(super::hosts_entries).unwrap_or_default();
    let mut found = Vec::new();
    let mut canon: Option<String> = None;
    let mut badfam = false;
    for (ip, names) in &hosts {
        if !names.iter().any(|n| n == name) {
            continue;
        }
        let v6 = ip.contains(':');
        match (family, v6) {
            (Family::V4, true) | (Family::V6, false) => badfam = true,
            _ => found.push((ip.clone(), v6)),
        }
        if canon.is_none() {
            canon = names.first().cloned();
        }
    }
    if !found.is_empty() {
        return Ok((found, canon.unwrap_or_else(|| name.to_string())));
    }
    if badfam {
        return Err(LookupError::NoName);
    }
    let src = h.source();
    let rc = ResolvConf::for_namespace(&h.pod.namespace);
    let mut trace = Vec::new();
    if !super::dns_reachable(h.cluster, &src, &rc, &mut trace) {
        // resolv.conf's defaults: 5 s a try, 2 attempts.
        h.cluster.advance(10_000);
        return Err(LookupError::Again);
    }
    let bare = name.trim_end_matches('.');
    let mut candidates: Vec<String> = Vec::new();
    if bare.matches('.').count() < rc.ndots && !name.ends_with('.') {
        candidates.extend(rc.search.iter().map(|s| format!("{bare}.{s}")));
    }
    candidates.push(bare.to_string());
    let qtypes: &[RType] = match family {
        Family::V4 => &[RType::A],
        Family::V6 => &[RType::Aaaa],
        Family::Any => &[RType::A, RType::Aaaa],
    };
    for cand in candidates {
        let replies: Vec<Reply> = qtypes
            .iter()
            .map(|&t| {
                let r = dns::query(h.cluster, &cand, t);
                let answer = if r.rcode == Rcode::NoError {
                    r.addresses().join(",")
                } else {
                    r.rcode.as_str().into()
                };
                net::note_dns(
                    h.cluster,
                    Hop::Dns {
                        name: cand.clone(),
                        qtype: t.as_str().into(),
                        answer,
                    },
                );
                r
            })
            .collect();
        if replies.iter().any(|r| r.rcode == Rcode::NxDomain) {
            continue;
        }
        if replies.iter().any(|r| r.rcode != Rcode::NoError) {
            return Err(LookupError::Again);
        }
        let mut canon = cand.clone();
        let mut addrs = Vec::new();
        for r in &replies {
            for rr in &r.answers {
                match &rr.data {
                    RData::A(ip) => addrs.push((ip.clone(), false)),
                    RData::Aaaa(ip) => addrs.push((ip.clone(), true)),
                    RData::Cname(target) => canon = target.clone(),
                    _ => {}
                }
            }
        }
        if addrs.is_empty() {
            return Err(LookupError::NoData);
        }
        return Ok((addrs, canon));
    }
    Err(LookupError::NoName)
}

/// musl's `getnameinfo` for an IPv4 address without NI_NAMEREQD: the first /etc/hosts
/// line with that address, else the PTR answer, else the address itself.
fn reverse_name(h: &mut PodHost, ip: &str) -> String {
    let pod = h.pod();
    let hosts = pod.as_ref().map(super::hosts_entries).unwrap_or_default();
    if let Some(n) = hosts
        .iter()
        .find(|(a, _)| a == ip)
        .and_then(|(_, n)| n.first())
    {
        return n.clone();
    }
    let o: Vec<&str> = ip.split('.').collect();
    if o.len() == 4 {
        let q = format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0]);
        let r = dns::query(h.cluster, &q, RType::Ptr);
        for rr in r.answers {
            if let RData::Ptr(n) = rr.data {
                return n;
            }
        }
    }
    ip.to_string()
}

/// `getent` of alpine's musl-utils (aports main/musl/getent.c): `hosts` prints
/// `%-16s  %s` (address, h_name) and the aliases after two spaces - musl's
/// gethostbyname2_r lists the canonical name as the first alias, then the name asked
/// when it differs; it asks for IPv6 first, then IPv4. `ahosts` prints each
/// getaddrinfo result as `%-15s %-6s %s` (address, STREAM or DGRAM, canonical name).
/// A key that is not found ends the run with exit code 2.
pub(super) fn getent(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    let Some(db) = args.first() else {
        out.err(GETENT_USAGE);
        return 1;
    };
    let keys = &args[1..];
    match db.as_str() {
        "hosts" => {
            // gethostent is a stub in musl: enumeration prints nothing.
            for key in keys {
                let he = if dns::is_ipv4(key) {
                    let name = reverse_name(h, key);
                    Some((key.clone(), name.clone(), vec![name]))
                } else {
                    let r = musl_lookup(h, key, Family::V6)
                        .or_else(|_| musl_lookup(h, key, Family::V4));
                    r.ok().map(|(addrs, canon)| {
                        let mut aliases = vec![canon.clone()];
                        if canon != *key {
                            aliases.push(key.clone());
                        }
                        (addrs[0].0.clone(), canon, aliases)
                    })
                };
                let Some((addr, name, aliases)) = he else {
                    return 2;
                };
                out.out(&format!("{addr:<16}  {name}  {}\n", aliases.join(" ")));
            }
            0
        }
        "ahosts" | "ahostsv4" | "ahostsv6" => {
            if keys.is_empty() {
                return 0;
            }
            let family = match db.as_str() {
                "ahostsv4" => Family::V4,
                "ahostsv6" => Family::V6,
                _ => Family::Any,
            };
            for key in keys {
                let found = match (family, musl_lookup(h, key, family)) {
                    (_, Ok(f)) => f,
                    // AI_V4MAPPED: no IPv6 address, so the IPv4 ones as ::ffff:a.b.c.d.
                    (Family::V6, Err(LookupError::NoData | LookupError::NoName)) => {
                        match musl_lookup(h, key, Family::V4) {
                            Ok((addrs, canon)) => (
                                addrs
                                    .into_iter()
                                    .map(|(a, _)| (format!("::ffff:{a}"), true))
                                    .collect(),
                                canon,
                            ),
                            Err(_) => return 2,
                        }
                    }
                    (_, Err(_)) => return 2,
                };
                let (mut addrs, canon) = found;
                // RFC 3484 destination order (lookup_name.c): ::1 before 127.0.0.1; an
                // IPv6 address the pod cannot route to (no IPv6 default route) after
                // the IPv4 ones.
                crate::sort::sort_by_key(&mut addrs, |(a, v6)| match (v6, a.as_str()) {
                    (true, "::1") => 0,
                    (false, _) => 1,
                    (true, a) if a.starts_with("::ffff:") => 1,
                    (true, _) => 2,
                });
                for (a, _) in addrs {
                    for kind in ["STREAM", "DGRAM"] {
                        out.out(&format!("{a:<15} {kind:<6} {canon}\n"));
                    }
                }
            }
            0
        }
        "passwd" | "group" | "ethers" | "networks" | "protocols" | "services" | "shadow"
        | "shells" => {
            // Not modelled: the image's files are not simulated.
            if keys.is_empty() {
                0
            } else {
                2
            }
        }
        other => {
            out.err(&format!(
                "getent: Unknown database `{other}': No error information\n"
            ));
            out.err(GETENT_USAGE);
            1
        }
    }
}

// ------------------------------------------------------------------ the pod's network

/// The pod's eth0 on kindnet's ptp network: its address, the gateway (the node's end of
/// the veth pair, the first address of the node's pod range) and the /24 it is in.
struct Eth0 {
    ip: [u8; 4],
}

impl Eth0 {
    fn of(h: &PodHost) -> Option<Eth0> {
        let pod = h.pod()?;
        let ip = net::pod_ip(&pod)?;
        let o: Vec<u8> = ip.split('.').filter_map(|p| p.parse().ok()).collect();
        Some(Eth0 {
            ip: [*o.first()?, *o.get(1)?, *o.get(2)?, *o.get(3)?],
        })
    }

    fn ip(&self) -> String {
        dotted(self.ip)
    }

    fn gateway(&self) -> String {
        dotted([self.ip[0], self.ip[1], self.ip[2], 1])
    }

    fn network(&self) -> String {
        dotted([self.ip[0], self.ip[1], self.ip[2], 0])
    }

    fn broadcast(&self) -> String {
        dotted([self.ip[0], self.ip[1], self.ip[2], 255])
    }

    /// The veth's MAC, as `ip addr` shows it.
    fn mac(&self) -> String {
        let [_, b, c, d] = self.ip;
        format!(
            "2e:4a:{b:02x}:{c:02x}:{d:02x}:{:02x}",
            (u32::from(d) * 7) & 0xff
        )
    }
}

fn dotted(o: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])
}

/// A listening socket of one of the pod's containers (the pod shares one network
/// namespace): protocol, IPv6 or not, port, and the index of the container.
struct Listener {
    udp: bool,
    v6: bool,
    port: i32,
    container: usize,
}

/// What the pod's running containers listen on, as /proc/net/{tcp,tcp6,udp,udp6}
/// list it: nginx binds 0.0.0.0:80 and [::]:80 (the image's default.conf); Go servers
/// (agnhost, CoreDNS, http-echo, whoami) listen on ":PORT", one dual-stack IPv6 socket.
fn listeners(h: &PodHost) -> Vec<Listener> {
    use crate::net::apps::{app_of, App};
    let Some(pod) = h.pod() else {
        return Vec::new();
    };
    let running = h
        .cluster
        .pod_runtime(&h.pod)
        .is_some_and(|rt| matches!(rt.stage, crate::cluster::kubelet::Stage::Running));
    if !running {
        return Vec::new();
    }
    let mut v = Vec::new();
    let cts = pod.spec.as_ref().map_or(&[][..], |s| &s.containers[..]);
    for (i, ct) in cts.iter().enumerate() {
        let tcp6 = |port| Listener {
            udp: false,
            v6: true,
            port,
            container: i,
        };
        let tcp4 = |port| Listener {
            udp: false,
            v6: false,
            port,
            container: i,
        };
        match app_of(ct) {
            // default.conf, and nginxdemos/hello's hello-plain-text.conf: `listen 80;
            // listen [::]:80;`.
            Some(App::Nginx | App::NginxHello) => {
                v.push(tcp4(80));
                v.push(tcp6(80));
            }
            Some(App::Httpd) => v.push(tcp6(80)),
            Some(App::Netexec { http, udp }) => {
                v.push(tcp6(http));
                if let Some(u) = udp {
                    v.push(Listener {
                        udp: true,
                        v6: true,
                        port: u,
                        container: i,
                    });
                }
            }
            Some(App::ServeHostname { port, .. }) => v.push(tcp6(port)),
            Some(App::HttpEcho { port, .. }) => v.push(tcp6(port)),
            Some(App::Whoami { port }) => v.push(tcp6(port)),
            // node's listen(8080) binds the IPv6 wildcard, dual-stack.
            Some(App::Bootcamp { .. }) => v.push(tcp6(8080)),
            Some(
                App::HelloApp { port, .. } | App::KicbaseEcho { port } | App::NodeHello { port },
            ) => v.push(tcp6(port)),
            // echoserver's nginx.conf: `listen 8080` (1.10 also `listen 8443 ssl`), IPv4.
            Some(App::EchoServer { old }) => {
                v.push(tcp4(8080));
                if !old {
                    v.push(tcp4(8443));
                }
            }
            Some(App::CoreDns) => {
                for p in [53, 8080, 8181, 9153] {
                    v.push(tcp6(p));
                }
                v.push(Listener {
                    udp: true,
                    v6: true,
                    port: 53,
                    container: i,
                });
            }
            Some(App::ApiServer) | None => {}
        }
    }
    v
}

/// `PID/argv0-basename` of a container's first process, cut to 19 characters as
/// netstat's prg cache keeps it (PROGNAME_WIDTH 20 with its NUL). nginx's master
/// process renames itself "nginx: master process nginx -g daemon off;".
fn program_of(ct: &k8s_openapi::api::core::v1::Container) -> String {
    use crate::net::apps::{app_of, App};
    let argv0 = match app_of(ct) {
        Some(App::Nginx | App::NginxHello) => {
            "nginx: master process nginx -g daemon off;".to_string()
        }
        _ => ct
            .command
            .iter()
            .flatten()
            .chain(ct.args.iter().flatten())
            .next()
            .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
            .unwrap_or_else(|| "sh".into()),
    };
    format!("1/{argv0}").chars().take(19).collect()
}

const NETSTAT_USAGE: &str = "BusyBox v1.37.0 (2025-01-17 18:12:01 UTC) multi-call binary.\n\nUsage: netstat [-ral] [-tuwx] [-enWp]\n\nDisplay networking information\n\n\t-r\tRouting table\n\t-a\tAll sockets\n\t-l\tListening sockets\n\t\tElse: connected sockets\n\t-t\tTCP sockets\n\t-u\tUDP sockets\n\t-w\tRaw sockets\n\t-x\tUnix sockets\n\t\tElse: all socket types\n\t-e\tOther/more information\n\t-n\tDon't resolve names\n\t-W\tWide display\n\t-p\tShow PID/program name for sockets\n";

/// busybox `netstat` (networking/netstat.c with NETSTAT_WIDE and NETSTAT_PRG): the
/// pod's sockets from /proc/net. Nothing in a pod keeps a connection open, so only
/// listening sockets (-l, -a) have lines. `-p` names the processes of this container's
/// PID namespace; another container's sockets show "-".
pub(super) fn netstat(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    let mut opt = std::collections::BTreeSet::new();
    for a in args {
        let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) else {
            // getopt32 leaves operands alone; netstat ignores them.
            continue;
        };
        for ch in flags.chars() {
            if !"laentuwxrWp".contains(ch) {
                out.err(&format!("netstat: unrecognized option: {ch}\n"));
                out.err(NETSTAT_USAGE);
                return 1;
            }
            opt.insert(ch);
        }
    }
    let has = |c: char| opt.contains(&c);
    let numeric = has('n');
    if has('r') {
        display_routes(h, out, numeric, !has('e'));
        return 0;
    }
    let (mut listening, mut connected) = (false, true);
    if has('l') {
        listening = true;
        connected = false;
    }
    if has('a') {
        listening = true;
        connected = true;
    }
    let any_proto = ['t', 'u', 'w', 'x'].iter().any(|c| has(*c));
    let want = |c: char| !any_proto || has(c);
    let kind = match (listening, connected) {
        (true, true) => "(servers and established)",
        (true, false) => "(only servers)",
        _ => "(w/o servers)",
    };
    let width = if has('W') { 51 } else { 23 };
    let banner = if has('p') { "PID/Program name    " } else { "" };
    let ours = h.pod().and_then(|p| {
        p.spec.and_then(|s| {
            s.containers
                .iter()
                .position(|c| c.image.as_deref() == Some(h.image.as_str()))
                .map(|i| (i, program_of(&s.containers[i])))
        })
    });
    if want('t') || want('u') || want('w') {
        out.out(&format!(
            "Active Internet connections {kind}\nProto Recv-Q Send-Q {:<width$} {:<width$} State       {banner}\n",
            "Local Address", "Foreign Address"
        ));
        let socks = if listening { listeners(h) } else { Vec::new() };
        // /proc/net/tcp, tcp6, udp, udp6, in that order.
        for (udp, v6) in [(false, false), (false, true), (true, false), (true, true)] {
            if !want(if udp { 'u' } else { 't' }) {
                continue;
            }
            for s in socks.iter().filter(|s| s.udp == udp && s.v6 == v6) {
                let any = if v6 { "::" } else { "0.0.0.0" };
                let port = if numeric {
                    s.port.to_string()
                } else {
                    service_name(s.port, udp).map_or_else(|| s.port.to_string(), String::from)
                };
                let (proto, state) = if udp { ("udp", "") } else { ("tcp", "LISTEN") };
                let mut line = format!(
                    "{proto}   {:>6} {:>6} {:<width$} {:<width$} {state:<12}",
                    0,
                    0,
                    format!("{any}:{port}"),
                    format!("{any}:*")
                );
                if has('p') {
                    match &ours {
                        Some((i, prog)) if *i == s.container => line.push_str(prog),
                        _ => line.push('-'),
                    }
                }
                out.out(&format!("{line}\n"));
            }
        }
    }
    if want('x') {
        out.out(&format!(
            "Active UNIX domain sockets {kind}\nProto RefCnt Flags       Type       State         I-Node {banner}Path\n"
        ));
    }
    0
}

/// The few /etc/services names a pod's ports have (alpine-baselayout's services).
fn service_name(port: i32, udp: bool) -> Option<&'static str> {
    match (port, udp) {
        (53, _) => Some("domain"),
        (80, false) => Some("http"),
        (443, _) => Some("https"),
        _ => None,
    }
}

/// libbb's `bb_displayroutes` (networking/route.c), shared by `route` and
/// `netstat -r`: /proc/net/route of the pod. kindnet's ptp plugin leaves three routes:
/// the default and the node's /24 via the gateway, and the gateway itself on eth0
/// (the same table `ip route` prints).
fn display_routes(h: &PodHost, out: &mut Output, numeric: bool, netstat_fmt: bool) {
    out.out(&format!(
        "Kernel IP routing table\nDestination     Gateway         Genmask         Flags {} Iface\n",
        if netstat_fmt {
            "  MSS Window  irtt"
        } else {
            "Metric Ref    Use"
        }
    ));
    let Some(e) = Eth0::of(h) else { return };
    let gw = e.gateway();
    let rows = [
        ("0.0.0.0", gw.as_str(), "0.0.0.0", "UG"),
        (e.network().as_str(), gw.as_str(), "255.255.255.0", "UG"),
        (gw.as_str(), "0.0.0.0", "255.255.255.255", "UH"),
    ]
    .map(|(d, g, m, f)| (d.to_string(), g.to_string(), m, f));
    for (dest, gate, mask, flags) in rows {
        // INET_rresolve: 0.0.0.0 is "default" as a destination and "*" as a gateway
        // unless -n; the other addresses have no names (no PTR for node addresses).
        let dest = if !numeric && dest == "0.0.0.0" {
            "default".to_string()
        } else {
            dest
        };
        let gate = if !numeric && gate == "0.0.0.0" {
            "*".to_string()
        } else {
            gate
        };
        let head = format!("{dest:<15.15} {gate:<15.15} {mask:<16}{flags:<6}");
        if netstat_fmt {
            out.out(&format!("{head}{:>5} {:<5} {:>6} eth0\n", 0, 0, 0));
        } else {
            out.out(&format!("{head}{:<6} {:<2} {:>7} eth0\n", 0, 0, 0));
        }
    }
}

const ROUTE_USAGE: &str = "BusyBox v1.37.0 (2025-01-17 18:12:01 UTC) multi-call binary.\n\nUsage: route [-ne] [-A inet[6]] [{add|del} [-net|-host] TARGET [netmask MASK]\n\t[gw GATEWAY] [metric N] [mss BYTES] [window BYTES] [reject] [IFACE]]\n\nShow or edit kernel routing tables\n\n\t-n\tDon't resolve names\n\t-e\tDisplay other/more information\n\t-A inet[6]\tSelect address family\n";

/// busybox `route` (networking/route.c, getopt32 "A:ne"): with no verb, the routing
/// table (-n numeric, -e netstat's columns); add/del reach the SIOCADDRT/SIOCDELRT
/// ioctl, which a container without CAP_NET_ADMIN is refused.
pub(super) fn route(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    let (mut numeric, mut extended) = (false, false);
    let mut words = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        // -net and -host are operands, not options.
        if a.len() > 1 && a.starts_with('-') && a != "-net" && a != "-host" {
            for (j, ch) in a[1..].char_indices() {
                match ch {
                    'n' => numeric = true,
                    'e' => extended = true,
                    'A' => {
                        if j + 2 >= a.len() {
                            i += 1;
                        }
                        break;
                    }
                    c => {
                        out.err(&format!("route: unrecognized option: {c}\n"));
                        out.err(ROUTE_USAGE);
                        return 1;
                    }
                }
            }
        } else {
            words.push(a);
        }
        i += 1;
    }
    match words.first() {
        None => {
            display_routes(h, out, numeric, extended);
            0
        }
        Some(&verb) if matches!(verb, "add" | "del" | "delete") && words.len() > 1 => {
            let call = if verb == "add" {
                "SIOCADDRT"
            } else {
                "SIOCDELRT"
            };
            out.err(&format!("route: {call}: Operation not permitted\n"));
            1
        }
        Some(_) => {
            out.err(ROUTE_USAGE);
            1
        }
    }
}

/// busybox `ifconfig` (networking/interface.c `ife_print`): eth0, then lo, each with
/// its counters (RX/TX packets, collisions, txqueuelen, bytes scaled by 1024).
pub(super) fn ifconfig(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    let Some(e) = Eth0::of(h) else { return 1 };
    let want = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    // Plausible counters: the pod's DNS questions and probes over its life.
    let age = h
        .pod()
        .and_then(|p| {
            p.metadata
                .creation_timestamp
                .map(|t| crate::cluster::Cluster::millis_of(&t))
        })
        .map_or(0, |t| ((h.cluster.now - t) / 1000).max(0) as u64);
    let rx_packets = 9 + age / 10;
    let tx_packets = 6 + age / 12;
    let eth0 = format!(
        "eth0      Link encap:Ethernet  HWaddr {}  \n          inet addr:{}  Bcast:{}  Mask:255.255.255.0\n          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n          RX packets:{rx_packets} errors:0 dropped:0 overruns:0 frame:0\n          TX packets:{tx_packets} errors:0 dropped:0 overruns:0 carrier:0\n          collisions:0 txqueuelen:0 \n          RX bytes:{}  TX bytes:{}\n\n",
        e.mac().to_ascii_uppercase(),
        e.ip(),
        e.broadcast(),
        scaled(rx_packets * 96),
        scaled(tx_packets * 74),
    );
    let lo = format!(
        "lo        Link encap:Local Loopback  \n          inet addr:127.0.0.1  Mask:255.0.0.0\n          inet6 addr: ::1/128 Scope:Host\n          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n          RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n          TX packets:0 errors:0 dropped:0 overruns:0 carrier:0\n          collisions:0 txqueuelen:1000 \n          RX bytes:{}  TX bytes:{}\n\n",
        scaled(0),
        scaled(0)
    );
    match want {
        None => out.out(&format!("{eth0}{lo}")),
        Some("eth0") => out.out(&eth0),
        Some("lo") => out.out(&lo),
        Some(other) => {
            out.err(&format!(
                "ifconfig: {other}: error fetching interface information: Device not found\n"
            ));
            return 1;
        }
    }
    0
}

/// print_bytes_scaled: `N (I.F UNIT)` with 1024 steps and one truncated decimal.
fn scaled(n: u64) -> String {
    let units = ["", "Ki", "Mi", "Gi", "Ti"];
    let (mut int, mut frac, mut u) = (n, 0, 0);
    for _ in 0..4 {
        if int >= 1024 {
            frac = ((int & 1023) * 10) / 1024;
            int /= 1024;
            u += 1;
        }
    }
    format!("{n} ({int}.{frac} {}B)", units[u])
}

/// busybox `ip` (networking/libiproute): `addr` and `route` of the pod.
pub(super) fn ip(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    let Some(e) = Eth0::of(h) else { return 1 };
    let (ip, mac, bcast) = (e.ip(), e.mac(), e.broadcast());
    let sub = args.first().map(String::as_str).unwrap_or("");
    match sub {
        "a" | "addr" | "address" => {
            let lo = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n    inet6 ::1/128 scope host \n       valid_lft forever preferred_lft forever\n".to_string();
            let eth0 = format!("2: eth0@if{}: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue state UP \n    link/ether {mac} brd ff:ff:ff:ff:ff:ff\n    inet {ip}/24 brd {bcast} scope global eth0\n       valid_lft forever preferred_lft forever\n", u32::from(e.ip[3]) + 3);
            // `ip addr show [dev] NAME` lists that interface only.
            let dev = args
                .iter()
                .skip(1)
                .map(String::as_str)
                .find(|w| !matches!(*w, "show" | "sh" | "s" | "list" | "ls" | "dev"));
            match dev {
                Some("lo") => out.out(&lo),
                Some("eth0") => out.out(&eth0),
                _ => out.out(&format!("{lo}{eth0}")),
            }
            0
        }
        "r" | "route" => {
            let (gw, net_) = (e.gateway(), e.network());
            out.out(&format!("default via {gw} dev eth0 \n{net_}/24 via {gw} dev eth0  src {ip} \n{gw} dev eth0 scope link  src {ip} \n"));
            0
        }
        _ => {
            out.err("BusyBox v1.37.0 (2025-01-17 18:12:01 UTC) multi-call binary.\n\nUsage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n");
            1
        }
    }
}

// ------------------------------------------------------------------ traceroute

/// busybox `traceroute` (networking/traceroute.c), UDP probes to ports from 33434:
/// `traceroute to HOST (IP), 30 hops max, 46 byte packets`, then per hop "%2d", the
/// answering address when it changes ("  NAME (IP)", "  IP" with -n) and each probe's
/// time ("  0.123 ms") or "  *" when nothing came back within -w seconds (3).
/// The path from a pod: its gateway (the node's end of the veth), the other node for a
/// pod there, then the pod itself, which answers port unreachable. A ClusterIP is not a
/// host: the probes' ports are no Service port, so kube-proxy leaves them alone and
/// they follow the node's default route out to the docker network's gateway and beyond,
/// where nothing answers.
pub(super) fn traceroute(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    let mut numeric = false;
    let mut max_ttl: u32 = 30;
    let mut nprobes: u32 = 3;
    let mut wait: i64 = 3;
    let mut pos = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                match chars[j] {
                    'n' => numeric = true,
                    'F' | 'I' | 'l' | 'r' | 'd' | 'v' | 'x' => {}
                    c @ ('m' | 'q' | 'w' | 'p' | 's' | 't' | 'z' | 'f' | 'i' | 'g') => {
                        let rest: String = chars[j + 1..].iter().collect();
                        let value = if rest.is_empty() {
                            i += 1;
                            args.get(i).cloned().unwrap_or_default()
                        } else {
                            rest
                        };
                        let n = value.parse::<i64>().ok();
                        match (c, n) {
                            ('m', Some(n)) if (1..=255).contains(&n) => max_ttl = n as u32,
                            ('q', Some(n)) if (1..=100).contains(&n) => nprobes = n as u32,
                            ('w', Some(n)) if (0..=86400).contains(&n) => wait = n,
                            ('m' | 'q' | 'w', _) => {
                                out.err(&format!("traceroute: invalid number '{value}'\n"));
                                return 1;
                            }
                            _ => {}
                        }
                        break;
                    }
                    c => {
                        out.err(&format!("traceroute: unrecognized option: {c}\n"));
                        return 1;
                    }
                }
                j += 1;
            }
        } else {
            pos.push(a.clone());
        }
        i += 1;
    }
    let Some(host) = pos.first() else {
        out.err("BusyBox v1.37.0 (2025-01-17 18:12:01 UTC) multi-call binary.\n\nUsage: traceroute [-46IFlnrv] [-f 1ST_TTL] [-m MAXTTL] [-q PROBES] [-p PORT]\n\t[-t TOS] [-w WAIT_SEC] [-s SRC_IP] [-i IFACE]\n\t[-z PAUSE_MSEC] HOST [BYTES]\n\nTrace the route to HOST\n\n\t-4,-6\tForce IP or IPv6 name resolution\n\t-F\tSet don't fragment bit\n\t-I\tUse ICMP ECHO instead of UDP datagrams\n\t-l\tDisplay TTL value of the returned packet\n\t-n\tPrint numeric addresses\n\t-r\tBypass routing tables, send directly to HOST\n\t-v\tVerbose\n\t-f N\tFirst number of hops (default 1)\n\t-m N\tMax number of hops\n\t-q N\tNumber of probes per hop (default 3)\n\t-p N\tBase UDP port number used in probes\n\t\t(default 33434)\n\t-s IP\tSource address\n\t-i IFACE Source interface\n\t-t N\tType-of-service in probe packets (default 0)\n\t-w SEC\tWait for a response (default 3)\n\t-z MSEC\tWait before each send\n");
        return 1;
    };
    let Some(ip) = resolve_host(h, "traceroute", host, out) else {
        return 1;
    };
    let pod = h.pod();
    out.out(&format!(
        "traceroute to {host} ({ip}), {max_ttl} hops max, 46 byte packets\n"
    ));
    let Some(e) = Eth0::of(h) else { return 1 };
    let own_node = pod
        .as_ref()
        .and_then(|p| p.status.as_ref()?.host_ip.clone());
    let target = h
        .cluster
        .store
        .list("Pod")
        .into_iter()
        .find_map(|o| match o {
            crate::api::Object::Pod(p) if net::pod_ip(p) == Some(ip.as_str()) => {
                Some(p.status.as_ref().and_then(|s| s.host_ip.clone()))
            }
            _ => None,
        });
    // Each answering hop, None where nothing answers.
    let mut hops: Vec<Option<String>> = Vec::new();
    let reached = target.is_some() || ip == e.ip();
    if ip == e.ip() {
        hops.push(Some(ip.clone()));
    } else {
        hops.push(Some(e.gateway()));
        match target {
            Some(node) => {
                if node != own_node {
                    hops.extend(node.map(Some));
                }
                hops.push(Some(ip.clone()));
            }
            None => hops.push(Some(net::OUTSIDE_IP.to_string())),
        }
    }
    let mut last = String::new();
    for ttl in 1..=max_ttl {
        let hop = hops.get(ttl as usize - 1).cloned().flatten();
        let mut line = format!("{ttl:2}");
        for probe in 0..nprobes {
            match &hop {
                Some(addr) => {
                    if *addr != last {
                        let name = if numeric {
                            addr.clone()
                        } else {
                            format!("{} ({addr})", reverse_name(h, addr))
                        };
                        line.push_str(&format!("  {name}"));
                        last = addr.clone();
                    }
                    let us = 40 + h.cluster.rand_below(60) + u64::from(probe) * 3;
                    line.push_str(&format!("  {}.{:03} ms", us / 1000, us % 1000));
                }
                None => {
                    h.cluster.advance(wait * 1000);
                    line.push_str("  *");
                }
            }
        }
        out.out(&format!("{line}\n"));
        if reached && hop.as_deref() == Some(ip.as_str()) {
            break;
        }
    }
    0
}
