//! ClusterIP and NodePort allocation the way the API server's allocators do it
//! (REFERENCE.md section 6): random within the range, explicit requests preferred in a
//! static band, conflicts and out-of-range requests with the server's messages.

use std::collections::BTreeSet;

use super::{NODE_PORT_MAX, NODE_PORT_MIN};

/// 10.96.0.0/12 as a number, and its size.
const CIDR_BASE: u32 = (10 << 24) | (96 << 16);
const CIDR_SIZE: u32 = 1 << 20;
/// KEP-3070: min(max(16, size/16), 256) addresses at the bottom are the static band.
const IP_STATIC_BAND: u32 = 256;
/// min(max(16, size/32), 128) ports at the bottom are the static band: 30000-30085.
const PORT_STATIC_BAND: i32 = 86;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Allocators {
    ips: BTreeSet<u32>,
    node_ports: BTreeSet<i32>,
}

/// Dotted-quad text of an address, without the formatter (the kubelet asks for every
/// candidate pod IP it checks).
pub fn ip_to_string(ip: u32) -> String {
    let mut s = String::with_capacity(15);
    for (i, octet) in ip.to_be_bytes().into_iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        if octet >= 100 {
            s.push(char::from(b'0' + octet / 100));
        }
        if octet >= 10 {
            s.push(char::from(b'0' + octet / 10 % 10));
        }
        s.push(char::from(b'0' + octet % 10));
    }
    s
}

pub fn parse_ipv4(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut ip = 0u32;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n > 255 {
            return None;
        }
        ip = (ip << 8) | n;
    }
    Some(ip)
}

pub fn in_service_cidr(ip: u32) -> bool {
    ip > CIDR_BASE && ip < CIDR_BASE + CIDR_SIZE - 1
}

/// An allocation failure: the text after `Invalid value: <v>: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllocError {
    IpInUse(String),
    IpNotInRange(String),
    IpRangeFull,
    PortInUse,
    PortNotInRange,
    PortRangeFull,
}

impl AllocError {
    pub fn detail(&self) -> String {
        match self {
            AllocError::IpInUse(ip) => {
                format!("failed to allocate IP {ip}: provided IP is already allocated")
            }
            AllocError::IpNotInRange(ip) => format!(
                "failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is {}",
                super::SERVICE_CIDR
            ),
            AllocError::IpRangeFull => "failed to allocate a serviceIP: range is full".into(),
            AllocError::PortInUse => "provided port is already allocated".into(),
            AllocError::PortNotInRange => format!(
                "provided port is not in the valid range. The range of valid ports is {NODE_PORT_MIN}-{NODE_PORT_MAX}"
            ),
            AllocError::PortRangeFull => "range is full".into(),
        }
    }
}

impl Allocators {
    pub fn ip_in_use(&self, ip: &str) -> bool {
        parse_ipv4(ip).is_some_and(|n| self.ips.contains(&n))
    }

    pub fn allocate_ip(
        &mut self,
        requested: Option<&str>,
        rand: &mut dyn FnMut(u64) -> u64,
    ) -> Result<String, AllocError> {
        if let Some(req) = requested {
            let ip = parse_ipv4(req).ok_or_else(|| AllocError::IpNotInRange(req.to_string()))?;
            if !in_service_cidr(ip) {
                return Err(AllocError::IpNotInRange(req.to_string()));
            }
            if !self.ips.insert(ip) {
                return Err(AllocError::IpInUse(req.to_string()));
            }
            return Ok(req.to_string());
        }
        // Dynamic: a random address in the upper band, then the next free one after it.
        let upper = CIDR_SIZE - 2 - IP_STATIC_BAND;
        let start = rand(upper as u64) as u32;
        for i in 0..CIDR_SIZE {
            let offset = IP_STATIC_BAND + 1 + (start + i) % upper;
            let ip = CIDR_BASE + offset;
            if self.ips.insert(ip) {
                return Ok(ip_to_string(ip));
            }
            if i > upper {
                break;
            }
        }
        Err(AllocError::IpRangeFull)
    }

    pub fn release_ip(&mut self, ip: &str) {
        if let Some(n) = parse_ipv4(ip) {
            self.ips.remove(&n);
        }
    }

    pub fn port_in_use(&self, port: i32) -> bool {
        self.node_ports.contains(&port)
    }

    pub fn allocate_port(
        &mut self,
        requested: Option<i32>,
        rand: &mut dyn FnMut(u64) -> u64,
    ) -> Result<i32, AllocError> {
        if let Some(p) = requested {
            if !(NODE_PORT_MIN..=NODE_PORT_MAX).contains(&p) {
                return Err(AllocError::PortNotInRange);
            }
            if !self.node_ports.insert(p) {
                return Err(AllocError::PortInUse);
            }
            return Ok(p);
        }
        let first_dynamic = NODE_PORT_MIN + PORT_STATIC_BAND;
        let span = (NODE_PORT_MAX - first_dynamic + 1) as u64;
        let start = rand(span) as i32;
        for i in 0..span as i32 {
            let p = first_dynamic + (start + i) % span as i32;
            if self.node_ports.insert(p) {
                return Ok(p);
            }
        }
        // The dynamic band is full: fall back to the static band.
        for p in NODE_PORT_MIN..first_dynamic {
            if self.node_ports.insert(p) {
                return Ok(p);
            }
        }
        Err(AllocError::PortRangeFull)
    }

    pub fn release_port(&mut self, port: i32) {
        self.node_ports.remove(&port);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_to_string_prints_as_ipv4addr_does() {
        for ip in [
            0u32,
            1,
            9,
            10,
            99,
            100,
            255,
            0x0a60_0001,
            0x0af4_01fe,
            0xac12_ffc8,
            u32::MAX,
        ] {
            assert_eq!(ip_to_string(ip), std::net::Ipv4Addr::from(ip).to_string());
        }
    }

    fn fixed(n: u64) -> impl FnMut(u64) -> u64 {
        move |m| n % m.max(1)
    }

    #[test]
    fn explicit_ip_conflicts() {
        let mut a = Allocators::default();
        assert_eq!(
            a.allocate_ip(Some("10.96.100.100"), &mut fixed(0)),
            Ok("10.96.100.100".into())
        );
        assert_eq!(
            a.allocate_ip(Some("10.96.100.100"), &mut fixed(0))
                .unwrap_err()
                .detail(),
            "failed to allocate IP 10.96.100.100: provided IP is already allocated"
        );
        assert!(a.allocate_ip(Some("10.200.0.1"), &mut fixed(0)).is_err());
    }

    #[test]
    fn dynamic_ips_avoid_the_static_band() {
        let mut a = Allocators::default();
        for i in 0..50 {
            let ip = a.allocate_ip(None, &mut fixed(i * 7919)).unwrap();
            let n = parse_ipv4(&ip).unwrap();
            assert!(n > CIDR_BASE + IP_STATIC_BAND, "{ip}");
            assert!(in_service_cidr(n));
        }
    }

    #[test]
    fn node_ports() {
        let mut a = Allocators::default();
        assert_eq!(a.allocate_port(Some(30080), &mut fixed(0)), Ok(30080));
        assert_eq!(
            a.allocate_port(Some(30080), &mut fixed(0)),
            Err(AllocError::PortInUse)
        );
        assert_eq!(
            a.allocate_port(Some(80), &mut fixed(0)),
            Err(AllocError::PortNotInRange)
        );
        assert_eq!(
            AllocError::PortNotInRange.detail(),
            "provided port is not in the valid range. The range of valid ports is 30000-32767"
        );
        let p = a.allocate_port(None, &mut fixed(5)).unwrap();
        assert!((30086..=32767).contains(&p));
    }
}
