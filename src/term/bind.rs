//! The BIND DNS tools: 9.9 of Debian jessie, as the `jessie-dnsutils` image the Kubernetes
//! DNS debugging guide runs ships them, and 9.20 of Alpine's `bind-tools`, which
//! `nicolaka/netshoot` installs: `nslookup` (bin/dig/nslookup.c), `dig` (bin/dig/dig.c)
//! and `host` (bin/dig/host.c). Unlike busybox's nslookup they ask A only, walk the
//! search list the way the resolver does (`ndots`), and print `#53` addresses.

use super::pod::PodHost;
use super::shell::Output;
use crate::dns::{self, RData, RType, Rcode, Reply, ResolvConf};
use crate::net::{self, Hop};

/// The version line dig prints (jessie's last security update of bind9).
const DIG_VERSION: &str = "9.9.5-9+deb8u19-Debian";
/// Alpine's bind-tools in netshoot (built from the edge repositories; Alpine's BIND
/// prints its version without a distribution suffix). The 9.20 patch release is not
/// verified: transcripts match it with `[..]`.
const DIG_VERSION_ALPINE: &str = "9.20.15";

/// Whether the image's BIND is Alpine's 9.20 (netshoot) rather than jessie's 9.9. Since
/// 9.16 dig advertises a 1232-byte EDNS buffer and sends a client COOKIE (CoreDNS's
/// request.SizeAndDo hands both back: "(echoed)"), and since 9.18 it names the
/// transport on its SERVER line and reports each timed-out try.
fn modern(h: &PodHost) -> bool {
    crate::cluster::images::image_repo(&h.image) == "netshoot"
}

/// One question through the cluster's DNS, noted for the page's trace.
pub(crate) fn ask(h: &mut PodHost, name: &str, qtype: RType) -> Reply {
    let reply = dns::query(h.cluster, name, qtype);
    net::note_dns(
        h.cluster,
        Hop::Dns {
            name: name.to_string(),
            qtype: qtype.as_str().into(),
            answer: if reply.rcode == Rcode::NoError {
                reply.addresses().join(",")
            } else {
                reply.rcode.as_str().into()
            },
        },
    );
    reply
}

/// The names the resolver tries (dighost.c with `search`): with fewer than `ndots` dots,
/// each search domain first and the name itself last; otherwise the name first.
fn candidates(rc: &ResolvConf, name: &str) -> Vec<String> {
    let bare = name.trim_end_matches('.');
    if name.ends_with('.') {
        return vec![bare.to_string()];
    }
    let searched = rc.search.iter().map(|s| format!("{bare}.{s}"));
    if bare.matches('.').count() < rc.ndots {
        searched.chain([bare.to_string()]).collect()
    } else {
        [bare.to_string()].into_iter().chain(searched).collect()
    }
}

/// The first candidate that does not answer NXDOMAIN, or the last reply.
fn search(h: &mut PodHost, rc: &ResolvConf, name: &str, qtype: RType) -> (String, Reply) {
    let mut last = None;
    for cand in candidates(rc, name) {
        let reply = ask(h, &cand, qtype);
        if reply.rcode != Rcode::NxDomain {
            return (cand, reply);
        }
        last = Some((cand, reply));
    }
    last.unwrap_or_else(|| (name.to_string(), ask(h, name, qtype)))
}

/// `a.b.c.d` as its in-addr.arpa name, if it is an IPv4 address.
fn reverse_name(ip: &str) -> Option<String> {
    dns::is_ipv4(ip).then(|| {
        let p: Vec<&str> = ip.split('.').collect();
        format!("{}.{}.{}.{}.in-addr.arpa", p[3], p[2], p[1], p[0])
    })
}

fn rdata_text(data: &RData) -> String {
    match data {
        RData::A(ip) | RData::Aaaa(ip) => ip.clone(),
        RData::Cname(t) | RData::Ptr(t) => format!("{t}."),
        RData::Srv {
            priority,
            weight,
            port,
            target,
        } => format!("{priority} {weight} {port} {target}."),
        RData::Txt(t) => format!("\"{t}\""),
        RData::Ns(t) => format!("{t}."),
        RData::Soa {
            mname,
            rname,
            serial,
            refresh,
            retry,
            expire,
            minimum,
        } => format!("{mname}. {rname}. {serial} {refresh} {retry} {expire} {minimum}"),
    }
}

fn rtype_of(data: &RData) -> &'static str {
    match data {
        RData::A(_) => "A",
        RData::Aaaa(_) => "AAAA",
        RData::Cname(_) => "CNAME",
        RData::Srv { .. } => "SRV",
        RData::Ptr(_) => "PTR",
        RData::Txt(_) => "TXT",
        RData::Ns(_) => "NS",
        RData::Soa { .. } => "SOA",
    }
}

/// `nslookup [-type=T] NAME [SERVER]`.
pub fn nslookup(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    let mut qtype = None;
    let mut words = Vec::new();
    for a in args {
        match a.strip_prefix('-') {
            Some(opt) => {
                let (k, v) = opt.split_once('=').unwrap_or((opt, ""));
                if matches!(k, "type" | "querytype" | "query" | "q" | "ty") {
                    match RType::parse(v) {
                        Some(t) => qtype = Some(t),
                        None => {
                            out.out(&format!("unknown query type: {v}\n"));
                        }
                    }
                }
            }
            None => words.push(a.clone()),
        }
    }
    let Some(name) = words.first().cloned() else {
        // Interactive mode needs a terminal the exec does not give it.
        out.out("> ");
        return 0;
    };
    let (rc, reachable) = h.nameserver(words.get(1));
    if !reachable {
        h.cluster.advance(15_000);
        out.out(";; connection timed out; no servers could be reached\n\n");
        return 1;
    }
    out.out(&format!(
        "Server:\t\t{0}\nAddress:\t{0}#53\n\n",
        rc.nameserver
    ));
    let (qname, qtype) = match (reverse_name(&name), qtype) {
        (Some(rev), None) => (rev, RType::Ptr),
        (_, t) => (name.clone(), t.unwrap_or(RType::A)),
    };
    let (_, reply) = if qtype == RType::Ptr {
        let r = ask(h, &qname, qtype);
        (qname.clone(), r)
    } else {
        search(h, &rc, &qname, qtype)
    };
    if reply.rcode != Rcode::NoError {
        out.out(&format!(
            "** server can't find {qname}: {}\n\n",
            reply.rcode.as_str()
        ));
        return 1;
    }
    if reply.answers.is_empty() {
        out.out(&format!("*** Can't find {qname}: No answer\n\n"));
        return 0;
    }
    if !reply.authoritative {
        out.out("Non-authoritative answer:\n");
    }
    for r in &reply.answers {
        match &r.data {
            RData::A(ip) | RData::Aaaa(ip) => {
                out.out(&format!("Name:\t{}\nAddress: {ip}\n", r.name))
            }
            RData::Cname(t) => out.out(&format!("{}\tcanonical name = {t}.\n", r.name)),
            RData::Ptr(t) => out.out(&format!("{}\tname = {t}.\n", r.name)),
            RData::Srv { .. } => {
                out.out(&format!("{}\tservice = {}\n", r.name, rdata_text(&r.data)))
            }
            RData::Txt(t) => out.out(&format!("{}\ttext = \"{t}\"\n", r.name)),
            // nslookup.c printsection: rtypetext "nameserver = " and the rdata as text;
            // an SOA as its owner, then origin and mail addr, serial ... minimum.
            RData::Ns(t) => out.out(&format!("{}\tnameserver = {t}.\n", r.name)),
            RData::Soa {
                mname,
                rname,
                serial,
                refresh,
                retry,
                expire,
                minimum,
            } => out.out(&format!(
                "{}\n\torigin = {mname}.\n\tmail addr = {rname}.\n\tserial = {serial}\n\trefresh = {refresh}\n\tretry = {retry}\n\texpire = {expire}\n\tminimum = {minimum}\n",
                r.name
            )),
        }
    }
    out.out("\n");
    0
}

/// `host [-t TYPE] NAME [SERVER]`: "NAME has address IP" lines, search list included.
pub fn host(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    let mut qtype = None;
    let mut words = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-t" => qtype = it.next().and_then(|t| RType::parse(t)),
            _ if a.starts_with('-') => {}
            _ => words.push(a.clone()),
        }
    }
    let Some(name) = words.first().cloned() else {
        out.err("Usage: host [-aCdlriTwv] [-c class] [-N ndots] [-t type] [-W time]\n            [-R number] [-m flag] hostname [server]\n");
        return 1;
    };
    let (rc, reachable) = h.nameserver(words.get(1));
    if !reachable {
        h.cluster.advance(10_000);
        out.out(";; connection timed out; no servers could be reached\n");
        return 1;
    }
    if words.len() > 1 {
        out.out(&format!(
            "Using domain server:\nName: {0}\nAddress: {0}#53\nAliases: \n\n",
            rc.nameserver
        ));
    }
    let (qname, reply) = match reverse_name(&name) {
        Some(rev) => {
            let r = ask(h, &rev, RType::Ptr);
            (rev, r)
        }
        None => search(h, &rc, &name, qtype.unwrap_or(RType::A)),
    };
    if reply.rcode != Rcode::NoError {
        let code = match reply.rcode {
            Rcode::NxDomain => "3(NXDOMAIN)",
            Rcode::ServFail => "2(SERVFAIL)",
            _ => "5(REFUSED)",
        };
        out.out(&format!("Host {name} not found: {code}\n"));
        return 1;
    }
    for r in &reply.answers {
        let line = match &r.data {
            RData::A(ip) => format!("{} has address {ip}", r.name),
            RData::Aaaa(ip) => format!("{} has IPv6 address {ip}", r.name),
            RData::Cname(t) => format!("{} is an alias for {t}.", r.name),
            RData::Ptr(t) => format!("{} domain name pointer {t}.", r.name),
            RData::Srv { .. } => format!("{} has SRV record {}", r.name, rdata_text(&r.data)),
            RData::Txt(t) => format!("{} descriptive text \"{t}\"", r.name),
            RData::Ns(t) => format!("{} name server {t}.", r.name),
            RData::Soa { .. } => format!("{} has SOA record {}", r.name, rdata_text(&r.data)),
        };
        out.out(&format!("{line}\n"));
    }
    let _ = qname;
    0
}

/// BIND's master-file style (masterdump.c `indent`): tab stops of 8 to the column, or
/// one space when the text is already past it.
fn indent_to(line: &mut String, to: usize) {
    // The column the line has reached, tabs expanded.
    let current = line.chars().fold(0, |col, c| {
        if c == '\t' {
            (col / 8 + 1) * 8
        } else {
            col + 1
        }
    });
    if current >= to {
        line.push(' ');
        return;
    }
    let tabs = to / 8 - current / 8;
    if tabs > 0 {
        line.push_str(&"\t".repeat(tabs));
        line.push_str(&" ".repeat(to % 8));
    } else {
        line.push_str(&" ".repeat(to - current));
    }
}

/// One record as dig prints it: owner, TTL at column 24, class at 32, type at 40, data at 48.
fn record_line(name: &str, ttl: Option<u32>, rtype: &str, data: Option<&str>) -> String {
    let mut line = name.to_string();
    if let Some(ttl) = ttl {
        indent_to(&mut line, 24);
        line.push_str(&ttl.to_string());
    }
    indent_to(&mut line, 32);
    line.push_str("IN");
    indent_to(&mut line, 40);
    line.push_str(rtype);
    if let Some(data) = data {
        indent_to(&mut line, 48);
        line.push_str(data);
    }
    line
}

/// A name's length on the wire (labels with their length bytes, and the root).
fn wire_len(name: &str) -> usize {
    name.trim_end_matches('.')
        .split('.')
        .filter(|l| !l.is_empty())
        .map(|l| l.len() + 1)
        .sum::<usize>()
        + 1
}

/// `dig [@SERVER] [-t TYPE] [-x IP] NAME [TYPE] [+short] [+search]`.
pub fn dig(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    let mut server = None;
    let mut qtype = None;
    let mut name = None;
    let (mut short, mut use_search) = (false, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(s) = a.strip_prefix('@') {
            server = Some(s.to_string());
        } else if let Some(opt) = a.strip_prefix('+') {
            match opt {
                "short" => short = true,
                "noshort" => short = false,
                "search" => use_search = true,
                "nosearch" => use_search = false,
                _ => {}
            }
        } else if a == "-t" {
            qtype = it.next().and_then(|t| RType::parse(t));
        } else if a == "-x" {
            if let Some(ip) = it.next() {
                name = reverse_name(ip);
                qtype = Some(RType::Ptr);
            }
        } else if let Some(t) = RType::parse(a).filter(|_| qtype.is_none()) {
            // dig.c: the first word that names a type is the type.
            qtype = Some(t);
        } else if name.is_none() {
            name = Some(a.trim_end_matches('.').to_string());
        }
    }
    let qtype = qtype.unwrap_or(RType::A);
    let modern = modern(h);
    let version = if modern {
        DIG_VERSION_ALPINE
    } else {
        DIG_VERSION
    };
    // dig.c printgreeting: a server given with `@` is counted.
    let greeting = format!(
        "\n; <<>> DiG {version} <<>> {}\n{};; global options: +cmd\n",
        args.join(" "),
        if server.is_some() {
            "; (1 server found)\n"
        } else {
            ""
        }
    );
    let (rc, reachable) = h.nameserver(server.as_ref());
    if !reachable {
        // Three tries of 5 s each (dighost.c: tries 3, timeout 5).
        h.cluster.advance(15_000);
        if modern {
            for _ in 0..3 {
                out.out(&format!(
                    ";; communications error to {}#53: timed out\n",
                    rc.nameserver
                ));
            }
        }
        if !short {
            out.out(&greeting);
        }
        out.out(if modern {
            ";; no servers could be reached\n"
        } else {
            ";; connection timed out; no servers could be reached\n"
        });
        return 9;
    }
    // No name: dig asks the root for NS records.
    let (qname, reply) = match &name {
        None => (String::new(), ask(h, ".", RType::Ns)),
        Some(n) if use_search => search(h, &rc, n, qtype),
        Some(n) => {
            let r = ask(h, n, qtype);
            (n.clone(), r)
        }
    };
    if short {
        for r in &reply.answers {
            out.out(&format!("{}\n", rdata_text(&r.data)));
        }
        return 0;
    }
    let fq = format!("{qname}.");
    let authority = if reply.rcode == Rcode::NxDomain && reply.authoritative {
        let soa = dns::soa(h.cluster);
        vec![record_line(
            &format!("{}.", soa.name),
            Some(soa.ttl),
            "SOA",
            Some(&rdata_text(&soa.data)),
        )]
    } else {
        Vec::new()
    };
    let id = (h.cluster.now as u64).wrapping_mul(2654435761) % 65536;
    let flags = if reply.authoritative {
        "qr aa rd"
    } else {
        "qr rd ra"
    };
    let mut text = format!(
        "{greeting};; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: {}, id: {id}\n;; flags: {flags}; QUERY: 1, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: 1\n",
        reply.rcode.as_str(),
        reply.answers.len(),
        authority.len()
    );
    if reply.authoritative {
        text.push_str(";; WARNING: recursion requested but not available\n");
    }
    if modern {
        // The client cookie (8 bytes) comes back alone: message.c " (echoed)".
        let cookie = (h.cluster.now as u64 ^ id).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        text.push_str(&format!(
            "\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n; COOKIE: {cookie:016x} (echoed)\n;; QUESTION SECTION:\n"
        ));
    } else {
        text.push_str(
            "\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 4096\n;; QUESTION SECTION:\n",
        );
    }
    text.push_str(&format!(
        "{}\n",
        record_line(&format!(";{fq}"), None, qtype.as_str(), None)
    ));
    // Message size: header, question, answers (owner compressed to a pointer), OPT.
    // The COOKIE option: code, length and the 8-byte client cookie.
    let mut size = 12 + wire_len(&fq) + 4 + 11 + if modern { 12 } else { 0 };
    if !reply.answers.is_empty() {
        text.push_str("\n;; ANSWER SECTION:\n");
        for r in &reply.answers {
            let data = rdata_text(&r.data);
            text.push_str(&format!(
                "{}\n",
                record_line(
                    &format!("{}.", r.name),
                    Some(r.ttl),
                    rtype_of(&r.data),
                    Some(&data)
                )
            ));
            size += 12
                + match &r.data {
                    RData::A(_) => 4,
                    RData::Aaaa(_) => 16,
                    RData::Srv { target, .. } => 6 + wire_len(target),
                    RData::Cname(t) | RData::Ptr(t) => wire_len(t),
                    RData::Txt(t) => t.len() + 1,
                    RData::Ns(t) => wire_len(t),
                    RData::Soa { mname, rname, .. } => wire_len(mname) + wire_len(rname) + 20,
                };
        }
    }
    if !authority.is_empty() {
        text.push_str("\n;; AUTHORITY SECTION:\n");
        for line in &authority {
            text.push_str(&format!("{line}\n"));
        }
        size +=
            2 + 10 + wire_len("ns.dns.cluster.local") + wire_len("hostmaster.cluster.local") + 20;
    }
    text.push_str(&format!(
        "\n;; Query time: 0 msec\n;; SERVER: {0}#53({0}){2}\n;; WHEN: {1}\n;; MSG SIZE  rcvd: {size}\n\n",
        rc.nameserver,
        super::pod::unix_date(h.cluster.now, true),
        if modern { " (UDP)" } else { "" }
    ));
    out.out(&text);
    0
}
