//! The simulated control plane: the object store, the clock, a seeded RNG, the
//! allocators and the controllers (Deployment, ReplicaSet, scheduler, kubelet,
//! EndpointSlice/Endpoints, garbage collector, load-balancer controller).
//!
//! Time is an argument: nothing here reads a wall clock. `advance(dt)` runs every
//! timer that falls due in order, so advancing by a then b equals advancing by a+b.

pub mod alloc;
pub mod api_ops;
pub mod bootstrap;
pub mod controllers;
pub mod cronjobs;
pub mod daemonsets;
pub mod deployment_util;
pub mod events;
pub mod hpa;
pub mod images;
pub mod jobs;
pub mod kubelet;
mod repack;
pub mod resources;
pub mod script;
pub mod smp;
pub mod statefulsets;
pub mod store;

use std::collections::{BTreeMap, HashSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use api_ops::{ApiError, ApplyOutcome};
pub use store::{Key, Store};

/// Milliseconds since the simulation epoch.
pub type Millis = i64;

/// Wall-clock instant of `Millis` 0 (2026-01-01T00:00:00Z): only used to print timestamps.
pub const EPOCH_SECONDS: i64 = 1_767_225_600;
/// The cluster exists for a while before the learner arrives, as a fresh kind cluster would.
pub const START: Millis = 5 * 60 * 1000;
/// The simulated clock stops at 100 years: far past any lesson, far from overflowing
/// `now + period` arithmetic or the timestamp range.
pub const MAX_NOW: Millis = 100 * 365 * 86_400_000;
/// How far one terminal command line may move the clock (`sleep` in a loop, long
/// waits): an hour, so `sleep 99999999` with busy pods (1 s probes) stays quick.
pub const MAX_COMMAND_CLOCK: Millis = 3_600_000;

pub const CLUSTER_DOMAIN: &str = "cluster.local";
pub const SERVICE_CIDR: &str = "10.96.0.0/12";
pub const DNS_SERVICE_IP: &str = "10.96.0.10";
pub const NODE_PORT_MIN: i32 = 30000;
pub const NODE_PORT_MAX: i32 = 32767;

/// How kube-proxy programs the data plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProxyMode {
    #[default]
    Iptables,
    Ipvs,
    Nftables,
}

impl ProxyMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyMode::Iptables => "iptables",
            ProxyMode::Ipvs => "ipvs",
            ProxyMode::Nftables => "nftables",
        }
    }
    pub fn parse(s: &str) -> Option<ProxyMode> {
        match s {
            "iptables" => Some(ProxyMode::Iptables),
            "ipvs" => Some(ProxyMode::Ipvs),
            "nftables" => Some(ProxyMode::Nftables),
            _ => None,
        }
    }
}

pub(crate) type EnvCache = ((String, bool, u64), std::sync::Arc<Vec<(String, String)>>);

/// Cluster-wide switches a learner can flip (each change is a step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settings {
    /// A MetalLB-like controller assigns LoadBalancer IPs (off by default, as on kind).
    pub load_balancer_controller: bool,
    pub proxy_mode: ProxyMode,
}

/// Why the cluster wakes up at a time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    /// The kubelet has something to do for this pod.
    Pod(Key),
    /// A part of a container's timed command falls due (`kubelet::script_tick`).
    Script(Key),
    /// The pod's liveness probe is due (`kubelet::liveness_tick`).
    Liveness(Key),
    /// The API server's kubernetes-service controller puts default/kubernetes back.
    KubernetesService,
    /// The Deployment controller looks at a stalled rollout again at its progress
    /// deadline (progress.go requeueStuckDeployment).
    Deployment(Key),
    /// The Job controller looks at a Job again when its pod failure back-off or its
    /// activeDeadlineSeconds ends (enqueueSyncJobWithDelay, queue.AddAfter).
    Job(Key),
    /// The CronJob controller looks at a CronJob again at its next schedule time
    /// (nextScheduleTimeDuration, queue.AddAfter).
    CronJob(Key),
    /// The HPA controller's work queue hands this HorizontalPodAutoscaler (by uid) back
    /// (`hpa::tick`, every sync period).
    Hpa(Key, String),
}

/// Decides a readiness/liveness probe. Installed by the data plane, which answers
/// probes through the same `connect()` that serves the terminal; the default is a
/// stand-in that passes every probe.
/// `Err` carries the kubelet's failure text (`HTTP probe failed with statuscode: 404`).
pub type Prober = fn(
    &mut Cluster,
    &k8s_openapi::api::core::v1::Pod,
    &k8s_openapi::api::core::v1::Container,
    &k8s_openapi::api::core::v1::Probe,
) -> Result<(), String>;

#[allow(dead_code)]
fn always_passes(
    _: &mut Cluster,
    _: &k8s_openapi::api::core::v1::Pod,
    _: &k8s_openapi::api::core::v1::Container,
    _: &k8s_openapi::api::core::v1::Probe,
) -> Result<(), String> {
    Ok(())
}

#[derive(Clone)]
pub struct Cluster {
    pub now: Millis,
    pub store: Store,
    pub settings: Settings,
    rng: ChaCha8Rng,
    /// Due time -> timers, in the order they were set (FIFO within one instant: a
    /// deterministic order that needs no comparison of keys).
    timers: BTreeMap<Millis, Vec<Timer>>,
    /// The same timers, for finding one without a scan (one timer runs once per instant).
    timer_set: HashSet<(Millis, Timer), std::hash::BuildHasherDefault<store::FastHasher>>,
    /// Per pod, what the kubelet keeps in memory (not in the API object). Only looked
    /// up, never iterated.
    pub(crate) pods: store::FastMap<Key, kubelet::PodRuntime>,
    pub alloc: alloc::Allocators,
    pub prober: Prober,
    /// Per node name, the last host octet handed out from its pod CIDR.
    pub(crate) next_pod_ip: BTreeMap<String, u32>,
    /// Per node name, the images a container start there has pulled (beyond the ones kind's
    /// node image preloads, `images::preloaded`), each with the time its pull ended: a
    /// fresh node holds no learner image, so the first start of an IfNotPresent image on
    /// a node pulls it, and a later one finds it "already present on machine".
    pub(crate) node_images: BTreeMap<String, BTreeMap<String, Millis>>,
    /// What the controllers still have to look at (filled from the store's journal).
    pub(crate) work: controllers::Work,
    /// The last service-link environment built, and for which (namespace, links, Service writes).
    pub(crate) env_cache: Option<EnvCache>,
    /// The clock does not pass this point (see [`Cluster::set_clock_limit`]).
    clock_limit: Millis,
    /// Data-plane memory (ipvs counters, ClientIP affinity, app logs): see `net::NetState`.
    pub net: crate::net::NetState,
    /// What the components' event recorders remember (aggregation, spam filter).
    pub(crate) recorder: events::Recorder,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("now", &self.now)
            .field("objects", &self.store.len())
            .finish()
    }
}

impl PartialEq for Cluster {
    fn eq(&self, other: &Self) -> bool {
        self.now == other.now
            && self.store == other.store
            && self.settings == other.settings
            && self.timers == other.timers
            && self.pods == other.pods
    }
}

impl Cluster {
    /// The default kind-like cluster (DESIGN.md "The default cluster"), settled.
    pub fn new(seed: u64) -> Cluster {
        let mut c = Cluster::installed(seed);
        c.finish_start();
        c
    }

    /// The first half of [`Cluster::new`]: the default objects installed at time 0, before
    /// any controller has looked at them (the nodes and the static pods, bound). A real
    /// state the cluster passes through on its way to [`Cluster::new`]'s; the page paints
    /// it first and runs [`Cluster::finish_start`] after that frame.
    pub fn installed(seed: u64) -> Cluster {
        let mut c = Cluster {
            now: 0,
            store: Store::default(),
            settings: Settings::default(),
            rng: ChaCha8Rng::seed_from_u64(seed),
            timers: BTreeMap::new(),
            timer_set: Default::default(),
            pods: Default::default(),
            alloc: alloc::Allocators::default(),
            prober: crate::net::probe,
            next_pod_ip: BTreeMap::new(),
            node_images: BTreeMap::new(),
            work: controllers::Work::default(),
            env_cache: None,
            clock_limit: MAX_NOW,
            net: crate::net::NetState::default(),
            recorder: events::Recorder::default(),
        };
        bootstrap::install(&mut c);
        c
    }

    /// The second half of [`Cluster::new`]: the controllers reconcile the installed
    /// objects and the clock runs to [`START`]. `installed(s)` then `finish_start()` is
    /// `new(s)`, step for step.
    pub fn finish_start(&mut self) {
        self.reconcile();
        self.advance_to(START);
    }

    // ---- time ----

    pub fn time(&self, at: Millis) -> Time {
        let ms = (EPOCH_SECONDS * 1000).saturating_add(at);
        Time(k8s_openapi::jiff::Timestamp::from_millisecond(ms).unwrap_or_default())
    }

    pub fn now_time(&self) -> Time {
        self.time(self.now)
    }

    /// Milliseconds since the epoch for a stored timestamp (inverse of `time`).
    pub fn millis_of(t: &Time) -> Millis {
        t.0.as_millisecond() - EPOCH_SECONDS * 1000
    }

    /// [`Cluster::millis_of`] for the events API's microsecond times.
    pub fn millis_of_micro(
        t: &k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime,
    ) -> Millis {
        t.0.as_millisecond() - EPOCH_SECONDS * 1000
    }

    /// Advances the clock by `dt` ms, running every timer that falls due, in order.
    pub fn advance(&mut self, dt: Millis) {
        let target = self.now.saturating_add(dt.max(0));
        self.advance_to(target);
    }

    pub fn advance_to(&mut self, target: Millis) {
        let target = target.min(self.clock_limit);
        while let Some((&at, _)) = self.timers.first_key_value() {
            if at > target {
                break;
            }
            self.now = self.now.max(at);
            // Everything due at this instant (including timers set for it while its
            // first ones run), then the controllers once.
            while let Some(due) = self.timers.remove(&at) {
                for timer in due {
                    self.timer_set.remove(&(at, timer.clone()));
                    match timer {
                        Timer::Pod(key) => kubelet::wake(self, &key),
                        Timer::Script(key) => kubelet::script_tick(self, &key),
                        Timer::Liveness(key) => kubelet::liveness_tick(self, &key),
                        Timer::KubernetesService => bootstrap::ensure_kubernetes_service(self),
                        Timer::Deployment(key) => self.work.requeue_deployment(key),
                        Timer::Job(key) => self.work.requeue_job(key),
                        Timer::CronJob(key) => self.work.requeue_cronjob(key),
                        Timer::Hpa(key, uid) => hpa::tick(self, key, uid),
                    }
                }
            }
            // Controllers depend only on the store (and settings, which reconcile
            // themselves): unchanged store, nothing for them to do.
            if !self.store.journal_is_empty() || !self.work.is_empty() {
                self.reconcile();
            }
        }
        self.now = self.now.max(target);
    }

    /// When the next timer falls due, if any before the clock limit.
    pub fn next_timer(&self) -> Option<Millis> {
        self.timers
            .first_key_value()
            .map(|(t, _)| *t)
            .filter(|t| *t <= self.clock_limit)
    }

    /// Where the clock stops (see [`Cluster::set_clock_limit`]).
    pub fn clock_limit(&self) -> Millis {
        self.clock_limit
    }

    /// Stops the clock at `until` (never past [`MAX_NOW`]); `None` lifts the limit.
    /// Loops that advance to `next_timer()` end there: it reports no timer beyond it.
    pub fn set_clock_limit(&mut self, until: Option<Millis>) {
        self.clock_limit = until.unwrap_or(MAX_NOW).clamp(self.now, MAX_NOW);
    }

    /// Advances in timer-sized jumps until `done` holds or `cap` ms have passed. Returns
    /// whether the condition held. This is how blocking commands fast-forward the clock.
    pub fn run_until(&mut self, cap: Millis, mut done: impl FnMut(&Cluster) -> bool) -> bool {
        let deadline = self.now.saturating_add(cap);
        loop {
            if done(self) {
                return true;
            }
            match self.next_timer() {
                Some(t) if t <= deadline => self.advance_to(t),
                _ => {
                    self.advance_to(deadline);
                    return done(self);
                }
            }
        }
    }

    /// Timers fall on whole seconds: the kubelet notices container changes at its
    /// once-a-second PLEG relist, and pods that changed in the same second are then
    /// handled by the controllers in one pass.
    /// Sets a timer for the first whole second at or after `at`, which it returns.
    pub(crate) fn schedule(&mut self, at: Millis, timer: Timer) -> Millis {
        let at = at.saturating_add(999).div_euclid(1000).saturating_mul(1000);
        // The same timer twice at one instant runs once.
        if self.timer_set.insert((at, timer.clone())) {
            self.timers.entry(at).or_default().push(timer);
        }
        at
    }

    pub(crate) fn unschedule_pod(&mut self, key: &Key) {
        self.timers.retain(|_, due| {
            due.retain(
                |t| !matches!(t, Timer::Pod(k) | Timer::Script(k) | Timer::Liveness(k) if k == key),
            );
            !due.is_empty()
        });
        self.timer_set
            .retain(|(_, t)| !matches!(t, Timer::Pod(k) | Timer::Script(k) | Timer::Liveness(k) if k == key));
    }

    // ---- randomness ----

    pub fn rand_u32(&mut self) -> u32 {
        self.rng.next_u32()
    }

    /// Uniform in 0..n (n > 0), without modulo bias worth worrying about for small n.
    pub fn rand_below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        ((self.rng.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// A uniform float in [0, 1).
    pub fn rand_unit(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The suffix generator Kubernetes uses for generateName (`utilrand.String`):
    /// consonants and digits that cannot spell words.
    pub fn rand_suffix(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..len)
            .map(|_| ALPHABET[self.rand_below(ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    // ---- controllers ----

    /// Runs the controllers until nothing is left in their queues (bounded: a
    /// controller bug must not hang the page; what is left waits for the next timer).
    pub fn reconcile(&mut self) {
        for _ in 0..16 {
            controllers::absorb(self);
            if self.work.is_empty() {
                return;
            }
            controllers::run_all(self);
        }
    }

    /// After a change of [`Settings`]: the load-balancer controller looks at every Service.
    pub fn apply_settings(&mut self) {
        self.work.load_balancers = true;
        // kube-system/kube-proxy says which mode the proxies run in (while it exists).
        let key = Key::new("ConfigMap", "kube-system", "kube-proxy");
        if self.store.contains(&key) {
            let mut cm = bootstrap::kube_proxy_configmap(self.settings.proxy_mode);
            if let Some(old) = self.store.get(&key) {
                *cm.meta_mut() = old.meta().clone();
            }
            if self.store.get(&key).map(crate::api::Object::to_json) != Some(cm.to_json()) {
                self.store.put(cm);
            }
        }
        self.reconcile();
    }

    /// Every controller looks at every object again (a test's way to check that the
    /// incremental work missed nothing: this must change nothing on a settled cluster).
    pub fn reconcile_everything(&mut self) {
        controllers::absorb(self);
        controllers::queue_everything(self);
        self.reconcile();
    }
}

#[cfg(test)]
pub(crate) mod tests;
