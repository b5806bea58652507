//! The canonical layout of a v1 Endpoints object's subsets, as the endpoints
//! controller writes it (pkg/api/v1/endpoints/util.go `RepackSubsets`, `SortSubsets`):
//! - ports that the same addresses (with the same readiness) serve share one subset;
//!   an address not ready for any port of a subset is not ready there ("not ready
//!   always trumps ready");
//! - addresses sort by IP (as bytes), then by the pod's uid;
//! - ports, and then the subsets, sort by the MD5 of their `DeepHashObject` text: the
//!   go-spew `%#v` rendering of the Go struct. That is why `kubectl get endpoints`
//!   lists kube-dns's ports as dns-tcp, dns, metrics and not in the Service's order.

use k8s_openapi::api::core::v1::{EndpointAddress, EndpointPort, EndpointSubset};

/// One pod's contribution: its address, whether it counts as ready, and the ports it
/// serves (empty for a headless Service without ports).
pub(crate) struct Member {
    pub address: EndpointAddress,
    pub ready: bool,
    pub ports: Vec<EndpointPort>,
}

/// The subsets the controller writes for these members, one member per pod (so no
/// address repeats: RepackSubsets' IP + uid deduplication has nothing to merge).
pub(crate) fn repack(members: Vec<Member>) -> Vec<EndpointSubset> {
    // Each port with the addresses that serve it (by member index) and their readiness.
    // `None` is the sentinel port of a headless Service without ports.
    let mut by_port: Vec<(Option<EndpointPort>, Vec<(usize, bool)>)> = Vec::new();
    let mut addresses: Vec<Option<EndpointAddress>> = Vec::with_capacity(members.len());
    for (at, m) in members.into_iter().enumerate() {
        addresses.push(Some(m.address));
        let ports: Vec<Option<EndpointPort>> = if m.ports.is_empty() {
            vec![None]
        } else {
            m.ports.into_iter().map(Some).collect()
        };
        for port in ports {
            match by_port.iter_mut().find(|(p, _)| *p == port) {
                Some((_, served)) => served.push((at, m.ready)),
                None => by_port.push((port, vec![(at, m.ready)])),
            }
        }
    }
    // Ports served by the same addresses (with the same readiness) share a subset.
    let mut groups: Vec<(Vec<(usize, bool)>, Option<Vec<EndpointPort>>)> = Vec::new();
    for (port, served) in by_port {
        let slot = match groups.iter().position(|(s, _)| *s == served) {
            Some(i) => i,
            None => {
                groups.push((served, None));
                groups.len() - 1
            }
        };
        if let Some(port) = port {
            groups[slot].1.get_or_insert_with(Vec::new).push(port);
        }
    }
    // An address in one subset only (the usual case) moves there; otherwise each copies.
    let shared = groups.len() > 1;
    let mut subsets: Vec<EndpointSubset> = groups
        .into_iter()
        .map(|(served, ports)| {
            let mut pick = |ready: bool| {
                let mut list: Vec<EndpointAddress> = served
                    .iter()
                    .filter(|(_, r)| *r == ready)
                    .filter_map(|(a, _)| {
                        if shared {
                            addresses[*a].clone()
                        } else {
                            addresses[*a].take()
                        }
                    })
                    .collect();
                crate::sort::sort_by(&mut list, less_address);
                (!list.is_empty()).then_some(list)
            };
            let ports = ports.map(|mut ports| {
                ports.sort_by_cached_key(|p| md5(spew_port(p, true).as_bytes()));
                ports
            });
            EndpointSubset {
                addresses: pick(true),
                not_ready_addresses: pick(false),
                ports,
            }
        })
        .collect();
    subsets.sort_by_cached_key(|s| md5(spew_subset(s).as_bytes()));
    subsets
}

/// `LessEndpointAddress`: by IP as bytes, then by the target's uid.
fn less_address(a: &EndpointAddress, b: &EndpointAddress) -> std::cmp::Ordering {
    fn uid(x: &EndpointAddress) -> Option<&str> {
        x.target_ref
            .as_ref()
            .map(|r| r.uid.as_deref().unwrap_or_default())
    }
    a.ip.as_bytes()
        .cmp(b.ip.as_bytes())
        .then_with(|| uid(a).cmp(&uid(b)))
}

// ---------- go-spew `%#v`, for the few structs hashed here ----------
// Types are printed as `(pkg.Type)` except for slice elements, whose type the slice
// already names; pointers as `(*T)` and then the value or `<nil>`; no quotes.

fn spew_string_ptr(out: &mut String, v: Option<&str>) {
    out.push_str("(*string)");
    out.push_str(v.unwrap_or("<nil>"));
}

fn spew_port(p: &EndpointPort, typed: bool) -> String {
    let mut out = String::new();
    if typed {
        out.push_str("(v1.EndpointPort)");
    }
    out.push_str("{Name:(string)");
    out.push_str(p.name.as_deref().unwrap_or(""));
    out.push_str(" Port:(int32)");
    out.push_str(&p.port.to_string());
    out.push_str(" Protocol:(v1.Protocol)");
    out.push_str(p.protocol.as_deref().unwrap_or(""));
    out.push_str(" AppProtocol:");
    spew_string_ptr(&mut out, p.app_protocol.as_deref());
    out.push('}');
    out
}

fn spew_address(out: &mut String, a: &EndpointAddress) {
    out.push_str("{IP:(string)");
    out.push_str(&a.ip);
    out.push_str(" Hostname:(string)");
    out.push_str(a.hostname.as_deref().unwrap_or(""));
    out.push_str(" NodeName:");
    spew_string_ptr(out, a.node_name.as_deref());
    out.push_str(" TargetRef:(*v1.ObjectReference)");
    match &a.target_ref {
        None => out.push_str("<nil>"),
        Some(r) => {
            let fields = [
                ("Kind:(string)", &r.kind),
                (" Namespace:(string)", &r.namespace),
                (" Name:(string)", &r.name),
                (" UID:(types.UID)", &r.uid),
                (" APIVersion:(string)", &r.api_version),
                (" ResourceVersion:(string)", &r.resource_version),
                (" FieldPath:(string)", &r.field_path),
            ];
            out.push('{');
            for (label, value) in fields {
                out.push_str(label);
                out.push_str(value.as_deref().unwrap_or(""));
            }
            out.push('}');
        }
    }
    out.push('}');
}

fn spew_slice<T>(
    out: &mut String,
    ty: &str,
    items: Option<&Vec<T>>,
    each: impl Fn(&mut String, &T),
) {
    out.push_str("([]");
    out.push_str(ty);
    out.push(')');
    let Some(items) = items else {
        out.push_str("<nil>");
        return;
    };
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        each(out, item);
    }
    out.push(']');
}

fn spew_subset(s: &EndpointSubset) -> String {
    let mut out = String::from("(v1.EndpointSubset){Addresses:");
    spew_slice(
        &mut out,
        "v1.EndpointAddress",
        s.addresses.as_ref(),
        spew_address,
    );
    out.push_str(" NotReadyAddresses:");
    spew_slice(
        &mut out,
        "v1.EndpointAddress",
        s.not_ready_addresses.as_ref(),
        spew_address,
    );
    out.push_str(" Ports:");
    spew_slice(&mut out, "v1.EndpointPort", s.ports.as_ref(), |o, p| {
        o.push_str(&spew_port(p, false))
    });
    out.push('}');
    out
}

// ---------- MD5 (RFC 1321) ----------

/// `floor(abs(sin(i + 1)) * 2^32)`, the RFC's table.
const MD5_K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

/// Per-round left rotations.
const MD5_S: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

pub(crate) fn md5(data: &[u8]) -> [u8; 16] {
    let mut state: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_le_bytes());
    for block in message.chunks_exact(64) {
        let mut m = [0u32; 16];
        for (i, word) in block.chunks_exact(4).enumerate() {
            m[i] = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        }
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let rotated = a
                .wrapping_add(f)
                .wrapping_add(MD5_K[i])
                .wrapping_add(m[g])
                .rotate_left(MD5_S[(i / 16) * 4 + i % 4]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(rotated);
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    let mut out = [0u8; 16];
    for (i, s) in state.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&s.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ObjectReference;

    fn hex(bytes: [u8; 16]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn md5_matches_the_rfc_1321_test_suite() {
        for (input, digest) in [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ] {
            assert_eq!(hex(md5(input.as_bytes())), digest, "{input:?}");
        }
    }

    fn port(name: &str, port: i32, protocol: &str) -> EndpointPort {
        EndpointPort {
            name: (!name.is_empty()).then(|| name.to_string()),
            port,
            protocol: Some(protocol.into()),
            app_protocol: None,
        }
    }

    fn member(ip: &str, uid: &str, ready: bool, ports: Vec<EndpointPort>) -> Member {
        Member {
            address: EndpointAddress {
                ip: ip.into(),
                node_name: Some("kubeplay-worker".into()),
                target_ref: Some(ObjectReference {
                    kind: Some("Pod".into()),
                    name: Some(format!("pod-{uid}")),
                    namespace: Some("default".into()),
                    uid: Some(uid.into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ready,
            ports,
        }
    }

    #[test]
    fn spew_renders_a_port_as_go_spew_does() {
        assert_eq!(
            spew_port(&port("dns", 53, "UDP"), true),
            "(v1.EndpointPort){Name:(string)dns Port:(int32)53 Protocol:(v1.Protocol)UDP AppProtocol:(*string)<nil>}"
        );
    }

    #[test]
    fn kube_dns_ports_sort_by_hash_as_on_a_real_cluster() {
        // A real cluster lists kube-dns's Endpoints ports as dns-tcp, dns, metrics.
        let ports = vec![
            port("dns", 53, "UDP"),
            port("dns-tcp", 53, "TCP"),
            port("metrics", 9153, "TCP"),
        ];
        let subsets = repack(vec![
            member("10.244.0.3", "b", true, ports.clone()),
            member("10.244.0.2", "a", true, ports),
        ]);
        assert_eq!(subsets.len(), 1);
        let names: Vec<_> = subsets[0]
            .ports
            .iter()
            .flatten()
            .map(|p| p.name.clone().unwrap_or_default())
            .collect();
        assert_eq!(names, ["dns-tcp", "dns", "metrics"]);
        let ips: Vec<_> = subsets[0]
            .addresses
            .iter()
            .flatten()
            .map(|a| a.ip.as_str())
            .collect();
        assert_eq!(ips, ["10.244.0.2", "10.244.0.3"]);
    }

    #[test]
    fn ports_group_by_the_addresses_that_serve_them() {
        // Port a on both pods, port b only on the first: two subsets, one per address set.
        let a = port("a", 80, "TCP");
        let b = port("b", 81, "TCP");
        let subsets = repack(vec![
            member("10.0.0.1", "x", true, vec![a.clone(), b]),
            member("10.0.0.2", "y", true, vec![a]),
        ]);
        assert_eq!(subsets.len(), 2);
        let shape: Vec<(usize, Vec<String>)> = subsets
            .iter()
            .map(|s| {
                (
                    s.addresses.as_ref().map_or(0, Vec::len),
                    s.ports
                        .iter()
                        .flatten()
                        .map(|p| p.name.clone().unwrap_or_default())
                        .collect(),
                )
            })
            .collect();
        assert!(shape.contains(&(2, vec!["a".to_string()])), "{shape:?}");
        assert!(shape.contains(&(1, vec!["b".to_string()])), "{shape:?}");
    }

    #[test]
    fn a_headless_service_without_ports_gets_a_subset_without_ports() {
        let subsets = repack(vec![
            member("10.0.0.2", "y", false, vec![]),
            member("10.0.0.1", "x", true, vec![]),
        ]);
        assert_eq!(subsets.len(), 1);
        assert_eq!(subsets[0].ports, None);
        assert_eq!(subsets[0].addresses.as_ref().map(Vec::len), Some(1));
        assert_eq!(
            subsets[0].not_ready_addresses.as_ref().map(Vec::len),
            Some(1)
        );
    }
}
