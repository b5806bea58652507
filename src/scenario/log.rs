//! A scenario: the seed and the ordered steps that built a world (DESIGN.md "Steps and
//! time"). Replaying it on the same simulation version rebuilds the identical cluster
//! and terminal history; share links and the page's autosave carry one.

use super::world::{Step, World};
use crate::cluster::Millis;

/// The simulation version: bumped whenever the same steps may give a different cluster.
/// A scenario records the version that made it; "identical" is promised for that version.
/// 2: "send traffic" from a pod resolves the Service's name through kube-dns first.
/// 3: kubelet timers fall on whole seconds; controllers work from change queues.
/// 4: events go through client-go's correlator (similar events combined, spam filter).
pub const SIM_VERSION: u32 = 4;

/// The seed a fresh page uses.
pub const DEFAULT_SEED: u64 = 1;

/// The seed, the steps and the editor text of one piece of work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// The simulation version that recorded the steps.
    pub version: u32,
    pub seed: u64,
    /// Every step in order; consecutive `Advance` steps are merged.
    pub steps: Vec<Step>,
    /// The editor's text when it was saved (`None`: the page's default).
    pub editor: Option<String>,
    /// The built-in lesson this work follows (its id), if any.
    pub lesson: Option<String>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario::new(DEFAULT_SEED)
    }
}

impl Scenario {
    pub fn new(seed: u64) -> Scenario {
        Scenario {
            version: SIM_VERSION,
            seed,
            steps: Vec::new(),
            editor: None,
            lesson: None,
        }
    }

    /// Appends a step, merging it into the previous one when both advance the clock.
    /// Advancing by nothing is not recorded.
    pub fn push(&mut self, step: Step) {
        if let Step::Advance { ms } = step {
            if ms <= 0 {
                return;
            }
            if let Some(Step::Advance { ms: prev }) = self.steps.last_mut() {
                *prev = prev.saturating_add(ms);
                return;
            }
        }
        self.steps.push(step);
    }

    /// The simulated time all `Advance` steps add up to.
    pub fn clock(&self) -> Millis {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Advance { ms } => *ms,
                _ => 0,
            })
            .fold(0, Millis::saturating_add)
    }

    /// Whether an older simulation version recorded this scenario (it replays on the
    /// current one, which may differ in details).
    pub fn is_older(&self) -> bool {
        self.version < SIM_VERSION
    }
}

/// Rebuilds the world a scenario describes: a fresh world with its seed, then every step.
/// Scenarios come from the page, whose terminal is live (`get -w` and `logs -f` return at
/// once there and leave no stream behind after the replay).
pub fn replay(scenario: &Scenario) -> World {
    let mut world = World::new(scenario.seed);
    world.terminal.live = true;
    for step in &scenario.steps {
        world.run(step);
    }
    world.terminal.stream = None;
    world.terminal.edit = None;
    world.terminal.notice = None;
    world
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl World {
    /// A fingerprint of the cluster and the terminal history: a hex FNV-1a over the
    /// clock, the JSON of every stored object (in store order) and every history entry.
    /// Equal digests natively and in WebAssembly show replay is deterministic.
    pub fn digest(&self) -> String {
        let mut text = format!("now {}\n", self.cluster.now);
        for obj in self.cluster.store.all() {
            text.push_str(&obj.to_json().to_string());
            text.push('\n');
        }
        for h in &self.history {
            text.push_str(&format!("$ {}\n{}\n[{}]\n", h.line, h.output, h.code));
        }
        format!("{:016x}", fnv1a(text.as_bytes()))
    }
}
