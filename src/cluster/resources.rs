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
