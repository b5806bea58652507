//! Resource quantities and a pod's effective requests and limits, as the scheduler
//! (NodeResourcesFit) and `kubectl describe node` add them up.
//!
//! The pod totals follow component-helpers `resource.PodRequests` (and kubectl's copy,
//! `pkg/util/resource` `PodRequestsAndLimits`): the app containers' sum; each restartable
//! (sidecar, `restartPolicy: Always`) init container adds to that sum; a regular init
//! container needs its own request plus the sidecars started before it, and the pod
//! needs the largest of those; the pod overhead is added last.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// Millicores of a CPU quantity (`100m`, `2`, `0.5`), rounded up as `MilliValue` does.
pub fn cpu_millis(q: &str) -> i64 {
    let q = q.trim();
    if let Some(m) = q.strip_suffix('m') {
        return m.parse::<f64>().map(|v| v.ceil() as i64).unwrap_or(0);
    }
    if let Ok(v) = q.parse::<f64>() {
        return (v * 1000.0).ceil() as i64;
    }
    // A CPU amount with a memory-style suffix (rare): its value in whole units.
    mem_bytes(q).saturating_mul(1000)
}

/// Bytes of a memory quantity (`70Mi`, `1Gi`, `128974848`, `129M`, `1e3`).
pub fn mem_bytes(q: &str) -> i64 {
    let q = q.trim();
    for (suf, mul) in [
        ("Ki", 1i64 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("Pi", 1 << 50),
        ("k", 1000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
        ("P", 1_000_000_000_000_000),
    ] {
        if let Some(n) = q.strip_suffix(suf) {
            return n
                .parse::<f64>()
                .map(|v| (v * mul as f64).ceil() as i64)
                .unwrap_or(0);
        }
    }
    if let Some(m) = q.strip_suffix('m') {
        return m
            .parse::<f64>()
            .map(|v| (v / 1000.0).ceil() as i64)
            .unwrap_or(0);
    }
    q.parse::<f64>().map(|v| v.ceil() as i64).unwrap_or(0)
}

/// A CPU amount in millicores as `Quantity.String()` prints it (`1500m`, `2`).
pub fn fmt_cpu(m: i64) -> String {
    if m % 1000 == 0 {
        (m / 1000).to_string()
    } else {
        format!("{m}m")
    }
}

/// A memory amount in bytes as a binary-SI `Quantity.String()` prints it.
pub fn fmt_mem(b: i64) -> String {
    if b == 0 {
        return "0".into();
    }
    for (suf, mul) in [("Gi", 1i64 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
        if b % mul == 0 {
            return format!("{}{suf}", b / mul);
        }
    }
    b.to_string()
}

/// CPU (millicores) and memory (bytes): the two resources the playground accounts for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Amount {
    pub cpu: i64,
    pub mem: i64,
}

impl Amount {
    pub fn of(list: Option<&BTreeMap<String, Quantity>>) -> Amount {
        let get = |k: &str| list.and_then(|l| l.get(k));
        Amount {
            cpu: get("cpu").map_or(0, |q| cpu_millis(&q.0)),
            mem: get("memory").map_or(0, |q| mem_bytes(&q.0)),
        }
    }
    fn add(&mut self, o: Amount) {
        self.cpu += o.cpu;
        self.mem += o.mem;
    }
    fn sub(&mut self, o: Amount) {
        self.cpu -= o.cpu;
        self.mem -= o.mem;
    }
    fn max(&mut self, o: Amount) {
        self.cpu = self.cpu.max(o.cpu);
        self.mem = self.mem.max(o.mem);
    }
}

/// What the pods bound to a node request (the scheduler cache's NodeInfo.Requested and
/// its pod count): every pod with that nodeName that has not finished, terminating
/// ones included (the scheduler's informer drops Succeeded and Failed pods).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NodeUse {
    pub requested: Amount,
    pub pods: usize,
}

impl NodeUse {
    pub fn add_pod(&mut self, request: Amount) {
        self.requested.add(request);
        self.pods += 1;
    }
    pub fn remove_pod(&mut self, request: Amount) {
        self.requested.sub(request);
        self.pods = self.pods.saturating_sub(1);
    }
}

/// Whether a pod has finished (Succeeded or Failed): the scheduler no longer counts it.
pub fn is_finished(p: &k8s_openapi::api::core::v1::Pod) -> bool {
    matches!(
        p.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// The node whose [`NodeUse`] counts this pod: its nodeName while it has not finished.
pub fn counted_on(p: &k8s_openapi::api::core::v1::Pod) -> Option<&str> {
    if is_finished(p) {
        return None;
    }
    p.spec.as_ref().and_then(|s| s.node_name.as_deref())
}

fn is_sidecar(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

fn total(spec: &PodSpec, list: impl Fn(&Container) -> Amount, limits: bool) -> Amount {
    let mut sum = Amount::default();
    for c in &spec.containers {
        sum.add(list(c));
    }
    let mut sidecars = Amount::default();
    let mut init = Amount::default();
    for c in spec.init_containers.iter().flatten() {
        let own = list(c);
        let need = if is_sidecar(c) {
            sum.add(own);
            sidecars.add(own);
            sidecars
        } else {
            let mut t = own;
            t.add(sidecars);
            t
        };
        init.max(need);
    }
    sum.max(init);
    let overhead = Amount::of(spec.overhead.as_ref());
    if limits {
        // Overhead is added only to limits that are set.
        if sum.cpu != 0 {
            sum.cpu += overhead.cpu;
        }
        if sum.mem != 0 {
            sum.mem += overhead.mem;
        }
    } else {
        sum.add(overhead);
    }
    sum
}

/// The pod's effective requests.
pub fn pod_requests(spec: &PodSpec) -> Amount {
    total(
        spec,
        |c| Amount::of(c.resources.as_ref().and_then(|r| r.requests.as_ref())),
        false,
    )
}

/// The pod's effective limits.
pub fn pod_limits(spec: &PodSpec) -> Amount {
    total(
        spec,
        |c| Amount::of(c.resources.as_ref().and_then(|r| r.limits.as_ref())),
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ResourceRequirements;

    fn ctr(cpu: &str, mem: &str, sidecar: bool) -> Container {
        let mut req = BTreeMap::new();
        req.insert("cpu".to_string(), Quantity(cpu.into()));
        req.insert("memory".to_string(), Quantity(mem.into()));
        Container {
            resources: Some(ResourceRequirements {
                requests: Some(req),
                ..Default::default()
            }),
            restart_policy: sidecar.then(|| "Always".to_string()),
            ..Default::default()
        }
    }

    #[test]
    fn quantities() {
        assert_eq!(cpu_millis("100m"), 100);
        assert_eq!(cpu_millis("1.5"), 1500);
        assert_eq!(cpu_millis("2"), 2000);
        assert_eq!(mem_bytes("70Mi"), 70 << 20);
        assert_eq!(mem_bytes("1G"), 1_000_000_000);
        assert_eq!(fmt_cpu(1500), "1500m");
        assert_eq!(fmt_cpu(2000), "2");
        assert_eq!(fmt_mem(170 << 20), "170Mi");
    }

    #[test]
    fn init_containers_take_the_max_and_sidecars_add_up() {
        let spec = PodSpec {
            containers: vec![ctr("100m", "10Mi", false), ctr("200m", "10Mi", false)],
            init_containers: Some(vec![
                ctr("500m", "1Mi", false),
                ctr("50m", "5Mi", true),
                ctr("100m", "100Mi", false),
            ]),
            ..Default::default()
        };
        // app 300m/20Mi + sidecar 50m/5Mi = 350m/25Mi; init needs 500m and 150m/105Mi.
        assert_eq!(
            pod_requests(&spec),
            Amount {
                cpu: 500,
                mem: 105 << 20
            }
        );
    }
}

/// resource.ErrFormatWrong: what ParseQuantity answers for text that is not a quantity.
pub const QUANTITY_FORMAT: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// A quantity's suffix family (resource.Format), which its canonical form keeps.
#[derive(Clone, Copy, PartialEq)]
enum QFormat {
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

/// A parsed quantity: the exact value sign * digits * 10^exp (decimal digits without
/// leading zeros, empty for zero; a binary suffix already multiplied out), its format,
/// and whether ParseQuantity's fast path keeps the text as given (a text already in
/// canonical form is reused, so `5.` and `2E6` print as typed). Kept in decimal text,
/// not a wide integer: 128-bit arithmetic is kilobytes of WebAssembly.
struct Parsed {
    neg: bool,
    digits: String,
    exp: i32,
    format: QFormat,
    reuse: bool,
}

/// `digits * f` for a small factor, in decimal text.
fn mul_small(digits: &str, f: u64) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(digits.len() + 4);
    let mut carry = 0u64;
    for b in digits.bytes().rev() {
        let v = u64::from(b - b'0') * f + carry;
        out.push(b'0' + (v % 10) as u8);
        carry = v / 10;
    }
    while carry > 0 {
        out.push(b'0' + (carry % 10) as u8);
        carry /= 10;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// resource.ParseQuantity, or the library's error text.
fn parse_quantity(s: &str) -> Result<Parsed, &'static str> {
    const SUFFIX: &str = "unable to parse quantity's suffix";
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let num_len = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let (num, suffix) = body.split_at(num_len);
    let tail = suffix.trim_start_matches(|c: char| "eEinumkKMGTP".contains(c));
    let tail = tail.strip_prefix(['+', '-']).unwrap_or(tail);
    if num.is_empty() || !tail.bytes().all(|b| b.is_ascii_digit()) {
        return Err(QUANTITY_FORMAT);
    }
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if frac.contains('.') || (int.is_empty() && frac.is_empty()) {
        return Err(QUANTITY_FORMAT);
    }
    // The suffix: decimal exponent, or power of 1024 for the binary ones.
    let (format, exp10, bin_k) = match suffix {
        "" => (QFormat::DecimalSI, 0, 0),
        "n" | "u" | "m" => {
            let k = "num".find(suffix).map_or(0, |i| i as i32);
            (QFormat::DecimalSI, 3 * k - 9, 0)
        }
        "k" | "M" | "G" | "T" | "P" | "E" => {
            let k = "kMGTPE".find(suffix).map_or(0, |i| i as i32 + 1);
            (QFormat::DecimalSI, 3 * k, 0)
        }
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
            let k = "KMGTPE".find(&suffix[..1]).map_or(0, |i| i as u32 + 1);
            (QFormat::BinarySI, 0, k)
        }
        _ => {
            let exp = suffix
                .strip_prefix(['e', 'E'])
                .and_then(|e| e.parse::<i32>().ok())
                .filter(|e| (-100..=100).contains(e))
                .ok_or(SUFFIX)?;
            (QFormat::DecimalExponent, exp, 0)
        }
    };
    let shifted = format!("{int}{frac}");
    // ParseQuantity's fast path reuses the text when it is already canonical.
    let reuse = match format {
        QFormat::BinarySI => {
            frac.is_empty()
                && 15 - int.len() as i32 - bin_k as i32 * 3 > 0
                && int.parse::<i64>().is_ok_and(|v| v & 7 != 0)
        }
        _ => {
            let scale = exp10 - frac.len() as i32;
            18 - shifted.len() as i32 >= 0
                && scale >= -9
                && scale.rem_euclid(3) == 0
                && !shifted.ends_with("000")
                && !shifted.starts_with('0')
        }
    };
    let mut digits = shifted.trim_start_matches('0').to_string();
    for _ in 0..bin_k {
        digits = mul_small(&digits, 1024);
    }
    Ok(Parsed {
        neg,
        digits,
        exp: exp10 - frac.len() as i32,
        format,
        reuse,
    })
}

/// `Quantity.String()` of a parsed quantity (CanonicalizeBytes; at most nano precision,
/// rounded up): binary suffixes for a whole number of units from 1024 on, else the
/// decimal suffix (n, u, m, "", k, M, ...) whose exponent, a multiple of 3, leaves no
/// trailing zeros to drop.
pub fn canonical_quantity(s: &str) -> Result<String, &'static str> {
    let p = parse_quantity(s)?;
    if p.reuse {
        return Ok(s.to_string());
    }
    let (mut digits, mut exp) = (p.digits, p.exp);
    if exp < -9 {
        let drop = (-9 - exp) as usize;
        let keep = digits.len().saturating_sub(drop);
        let round_up = digits[keep..].bytes().any(|b| b != b'0');
        digits.truncate(keep);
        if round_up {
            // digits + 1, in decimal text.
            let mut b = digits.into_bytes();
            let mut i = b.len();
            loop {
                if i == 0 {
                    b.insert(0, b'1');
                    break;
                }
                i -= 1;
                if b[i] == b'9' {
                    b[i] = b'0';
                } else {
                    b[i] += 1;
                    break;
                }
            }
            digits = String::from_utf8(b).unwrap_or_default();
        }
        exp = -9;
    }
    while digits.ends_with('0') {
        digits.pop();
        exp += 1;
    }
    if digits.is_empty() {
        return Ok("0".into());
    }
    let sign = if p.neg { "-" } else { "" };
    if p.format == QFormat::BinarySI && exp >= 0 {
        let units: Option<u64> = format!("{digits}{}", "0".repeat(exp as usize)).parse().ok();
        if let Some(mut u) = units.filter(|u| *u >= 1024) {
            let mut k = 0;
            while k < 6 && u % 1024 == 0 {
                u /= 1024;
                k += 1;
            }
            return Ok(format!(
                "{sign}{u}{}",
                ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][k]
            ));
        }
    }
    let decimal_exp = p.format == QFormat::DecimalExponent;
    while exp.rem_euclid(3) != 0 || (!decimal_exp && exp > 18) {
        digits.push('0');
        exp -= 1;
    }
    Ok(match (decimal_exp, exp) {
        (true, 0) => format!("{sign}{digits}"),
        (true, _) => format!("{sign}{digits}e{exp}"),
        _ => {
            let i = ((exp + 9) / 3) as usize;
            format!(
                "{sign}{digits}{}",
                ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"][i]
            )
        }
    })
}

/// Whether a quantity is below zero (false when it does not parse).
pub fn quantity_negative(s: &str) -> bool {
    parse_quantity(s).is_ok_and(|p| p.neg && !p.digits.is_empty())
}

/// Orders two quantities by value (None when one does not parse).
pub fn quantity_cmp(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    let (a, b) = (parse_quantity(a).ok()?, parse_quantity(b).ok()?);
    let sign = |p: &Parsed| match (p.digits.is_empty(), p.neg) {
        (true, _) => 0,
        (false, true) => -1,
        (false, false) => 1,
    };
    let (sa, sb) = (sign(&a), sign(&b));
    if sa != sb || sa == 0 {
        return Some(sa.cmp(&sb));
    }
    // Same sign: the most significant digit's position, then the digits.
    let pos = |p: &Parsed| p.digits.len() as i64 + i64::from(p.exp);
    let magnitude = pos(&a).cmp(&pos(&b)).then_with(|| {
        let n = a.digits.len().max(b.digits.len());
        let pad = |d: &str| format!("{d:0<n$}");
        pad(&a.digits).cmp(&pad(&b.digits))
    });
    Some(if sa < 0 {
        magnitude.reverse()
    } else {
        magnitude
    })
}

#[cfg(test)]
mod quantity_tests {
    use super::*;

    /// Canonical forms as real kubectl 1.33 prints them (`set resources --local -o jsonpath`).
    #[test]
    fn canonical_forms() {
        for (input, want) in [
            ("0.5", "500m"),
            ("1024Mi", "1Gi"),
            ("1", "1"),
            ("-1", "-1"),
            ("2000m", "2"),
            ("1000", "1k"),
            ("512Mi", "512Mi"),
            ("1.5Gi", "1536Mi"),
            ("100Mi", "100Mi"),
            ("0", "0"),
            ("200m", "200m"),
            ("1e3", "1e3"),
            ("1500", "1500"),
            ("0.1m", "100u"),
            ("1023Ki", "1023Ki"),
            ("5Ki", "5Ki"),
            ("100", "100"),
            ("12345678", "12345678"),
            (".5", "500m"),
            ("5.", "5."),
            ("1e-3", "1e-3"),
            ("2E6", "2E6"),
            ("1.5Ki", "1536"),
            ("2048", "2048"),
            ("0.5Mi", "512Ki"),
            ("100e-3", "100e-3"),
            ("1024Ki", "1Mi"),
            ("12e2", "1200"),
        ] {
            assert_eq!(canonical_quantity(input).as_deref(), Ok(want), "{input}");
        }
        for bad in ["abc", "", "1.2.3", "--1", "1Qi"] {
            assert!(canonical_quantity(bad).is_err(), "{bad}");
        }
        assert_eq!(
            canonical_quantity("1kk"),
            Err("unable to parse quantity's suffix")
        );
        assert_eq!(canonical_quantity("1Kb"), Err(QUANTITY_FORMAT));
        assert_eq!(canonical_quantity("abc"), Err(QUANTITY_FORMAT));
    }

    #[test]
    fn comparisons_are_exact() {
        use std::cmp::Ordering::*;
        for (a, b, want) in [
            ("0.1", "100m", Equal),
            ("1Gi", "1073741824", Equal),
            ("300m", "200m", Greater),
            ("256Mi", "-1", Greater),
            ("1.5", "2", Less),
            ("-2", "-1", Less),
            ("0", "-0", Equal),
            ("1k", "999", Greater),
        ] {
            assert_eq!(quantity_cmp(a, b), Some(want), "{a} vs {b}");
        }
        assert!(quantity_negative("-1"));
        assert!(!quantity_negative("-0"));
        assert_eq!(quantity_cmp("x", "1"), None);
    }
}
