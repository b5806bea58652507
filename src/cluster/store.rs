//! The object store: every API object by (kind, namespace, name), with the
//! bookkeeping the API server does on write (uid, resourceVersion, generation).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{DeploymentStatus, ReplicaSetStatus};
use k8s_openapi::api::core::v1::{Pod, PodSpec, PodStatus};

use super::resources::{self, counted_on, Amount, NodeUse};
use crate::api::Object;

/// Where an object lives. Cluster-scoped objects have an empty namespace.
/// Ordered by kind, namespace, name (as strings): the store's range scans rely on it.
/// A key is shared, not copied: the store, its index, the journal, the work queues and
/// the timers all hold the same one, so a copy is a reference count.
#[derive(Clone)]
pub struct Key(Arc<KeyParts>);

#[derive(Debug)]
pub struct KeyParts {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    /// [`parts_hash`] of the three, computed once: hashing a key for a table lookup
    /// then reads one number instead of three strings behind three pointers.
    hash: u64,
}

/// The hash every table gets for a key, from its parts (so a borrowed [`KeyLike`]
/// hashes the same).
fn parts_hash(kind: &str, namespace: &str, name: &str) -> u64 {
    use std::hash::Hash;
    let mut h = FastHasher::default();
    kind.hash(&mut h);
    namespace.hash(&mut h);
    name.hash(&mut h);
    h.finish()
}

impl Key {
    pub fn new(kind: &'static str, namespace: &str, name: &str) -> Key {
        Key::hashed(kind, namespace, name, parts_hash(kind, namespace, name))
    }

    /// A key whose [`parts_hash`] is already known.
    fn hashed(kind: &'static str, namespace: &str, name: &str, hash: u64) -> Key {
        Key(Arc::new(KeyParts {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
            hash,
        }))
    }
    pub fn of(obj: &Object) -> Key {
        Key::new(obj.kind(), obj.namespace(), obj.name())
    }
}

impl std::ops::Deref for Key {
    type Target = KeyParts;
    fn deref(&self) -> &KeyParts {
        &self.0
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("kind", &self.kind)
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .finish()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.0.hash == other.0.hash
                && self.kind == other.kind
                && self.namespace == other.namespace
                && self.name == other.name)
    }
}

impl Eq for Key {}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.hash)
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        if Arc::ptr_eq(&self.0, &other.0) {
            return Ordering::Equal;
        }
        // Kinds are `'static` names from one table: the same pointer is the same kind,
        // which saves one string comparison per B-tree step on most lookups.
        let kind = if std::ptr::eq(self.kind, other.kind) {
            Ordering::Equal
        } else {
            self.kind.cmp(other.kind)
        };
        kind.then_with(|| self.namespace.cmp(&other.namespace))
            .then_with(|| self.name.cmp(&other.name))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A key's parts, borrowed, so the store can be looked up without building a [`Key`]
/// (which allocates). Hashes and compares exactly as [`Key`] does.
pub trait KeyLike {
    fn parts(&self) -> (&str, &str, &str);
    /// [`parts_hash`] of the parts.
    fn parts_hash(&self) -> u64 {
        let (kind, namespace, name) = self.parts();
        parts_hash(kind, namespace, name)
    }
}

impl KeyLike for Key {
    fn parts(&self) -> (&str, &str, &str) {
        (self.kind, &self.namespace, &self.name)
    }
    fn parts_hash(&self) -> u64 {
        self.0.hash
    }
}

impl KeyLike for (&str, &str, &str) {
    fn parts(&self) -> (&str, &str, &str) {
        *self
    }
}

/// Parts with their hash worked out once (a lookup, then maybe a new [`Key`]).
struct HashedParts<'a> {
    parts: (&'static str, &'a str, &'a str),
    hash: u64,
}

impl KeyLike for HashedParts<'_> {
    fn parts(&self) -> (&str, &str, &str) {
        self.parts
    }
    fn parts_hash(&self) -> u64 {
        self.hash
    }
}

impl<'a> std::borrow::Borrow<dyn KeyLike + 'a> for Key {
    fn borrow(&self) -> &(dyn KeyLike + 'a) {
        self
    }
}

impl std::hash::Hash for dyn KeyLike + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // As `Key` hashes: its parts' hash, as one number.
        state.write_u64(self.parts_hash())
    }
}

impl PartialEq for dyn KeyLike + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyLike + '_ {}

/// FxHash's mixing step (rustc-hash): a fast, deterministic hash for lookup tables of
/// short strings. Tables hashed with it are only looked up, never iterated, so the hash
/// never decides an order the learner could see.
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 56));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        // hashbrown picks buckets from the low bits and tags from the high ones.
        self.0.rotate_left(26)
    }
}

/// A hash map with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Appends `v` in lower-case hex, zero-padded to `width` digits (`{:0width$x}`; width 0
/// is `{:x}`), for the names and uids written on every create.
pub(crate) fn push_hex(out: &mut String, v: u64, width: usize) {
    let digits = (64 - v.leading_zeros() as usize)
        .div_ceil(4)
        .max(1)
        .max(width);
    for i in (0..digits).rev() {
        let d = if i >= 16 { 0 } else { (v >> (i * 4)) & 0xf };
        out.push(char::from(b"0123456789abcdef"[d as usize]));
    }
}

/// 64 hex digits that look like a SHA-256 (container ids, image digests): four words of
/// splitmix64 from `seed`, so the same seed always gives the same digest and nearby
/// seeds give unrelated ones. Not a hash of anything real, and no draw from the RNG.
pub(crate) fn push_digest(out: &mut String, seed: u64) {
    let mut state = seed;
    for _ in 0..4 {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        push_hex(out, z ^ (z >> 31), 16);
    }
}

/// `n.to_string()` without the formatting machinery (a resourceVersion on every write).
fn decimal(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // ASCII digits are UTF-8.
    String::from_utf8(digits[at..].to_vec()).unwrap_or_default()
}

const EVENT: &str = "Event";

/// A listing: a range of the ordered keys, or Events gathered and sorted on demand.
enum Listing<'a, I: Iterator<Item = &'a Object>> {
    Ordered(I),
    Sorted(std::vec::IntoIter<&'a Object>),
}

impl<'a, I: Iterator<Item = &'a Object>> Iterator for Listing<'a, I> {
    type Item = &'a Object;

    fn next(&mut self) -> Option<&'a Object> {
        match self {
            Listing::Ordered(i) => i.next(),
            Listing::Sorted(i) => i.next(),
        }
    }
}

/// How many objects the store holds at most: far above any lesson or benchmark, low
/// enough that a hostile paste cannot exhaust the browser's memory.
pub const MAX_OBJECTS: usize = 20_000;

#[derive(Debug, Clone, Default)]
pub struct Store {
    /// Every object by key: point lookups and writes, the bulk of the work.
    objects: FastMap<Key, Object>,
    /// The same keys in order, for listing (changes only on create and delete), except
    /// Events: the recorders write thousands, each a B-tree insert of a long key, and
    /// they are listed only when someone asks (`kubectl get events`), so a listing
    /// gathers and sorts them then ([`Store::events_sorted`]).
    order: BTreeSet<Key>,
    next_rv: u64,
    next_uid: u64,
    /// Lookups the controllers need without scanning every object (derived from `objects`).
    index: Index,
    /// Keys written since the controllers last looked, each with an earlier version,
    /// so a controller can find who cared about the old one. Hashed for cheap writes;
    /// [`Store::take_journal`] hands it over in key order.
    journal: FastMap<Key, Earlier>,
    /// Counts writes to Services (what pods' service-link variables depend on).
    service_writes: u64,
    /// While a `kubectl get -w` runs: every version written since it last looked. A
    /// watch gets one event per write, and here the controllers, the scheduler and the
    /// kubelet can write an object several times in one instant (see [`Store::watch_versions`]).
    versions: Option<Vec<Object>>,
}

/// A new status for [`Store::set_status`].
pub enum Status {
    ReplicaSet(Option<ReplicaSetStatus>),
    Deployment(Option<DeploymentStatus>),
}

/// What a journal entry knows of the version before the first write since the
/// controllers last looked.
#[derive(Debug, Clone)]
enum Earlier {
    /// It did not exist.
    Absent,
    Was(Object),
    /// Only in-place writes changed it, and only where no controller compares an old
    /// version with a new one: a pod's spec and status ([`Store::update_pod`]), a
    /// ReplicaSet's or Deployment's status ([`Store::set_status`]). The controllers get
    /// the current version as the earlier one (the index was updated on the write).
    LikeCurrent,
}

/// Two stores are equal when they hold the same objects and counters; the index and
/// the journal are derived bookkeeping.
impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        self.objects == other.objects
            && self.next_rv == other.next_rv
            && self.next_uid == other.next_uid
    }
}

/// Secondary indexes, kept in step with every write. Keys of the string maps are
/// `namespace\0key\0value` (labels) so one lookup is one hash probe. Only looked up,
/// never iterated, so hash maps keep the simulation deterministic; the sets are ordered.
#[derive(Debug, Clone, Default)]
struct Index {
    by_uid: FastMap<String, Key>,
    /// Owner uid -> objects with an ownerReference to it.
    dependents: Entries,
    /// Pod label pair -> pods carrying it.
    pod_labels: Entries,
    /// Service selector pair -> Services whose selector requires it.
    selector_pairs: Entries,
    /// Node name -> pods bound to it and not terminating.
    active_on_node: Entries,
    /// Pod IP -> pods that have (or had, until removed) it.
    pod_ips: Entries,
    /// Involved object's uid -> events about it.
    events_about: Entries,
    /// Node name -> what the pods counted there request ([`resources::counted_on`]):
    /// the scheduler's per-node totals without a walk over every pod.
    node_use: FastMap<String, NodeUse>,
}

fn pair_key(ns: &str, k: &str, v: &str) -> String {
    let mut s = String::with_capacity(ns.len() + k.len() + v.len() + 2);
    s.push_str(ns);
    s.push('\0');
    s.push_str(k);
    s.push('\0');
    s.push_str(v);
    s
}

/// Calls `f` with `pair_key(ns, k, v)`, built on the stack when it is short: lookups
/// (one per label of every changed pod) then allocate nothing.
fn with_pair_key<R>(ns: &str, k: &str, v: &str, f: impl FnOnce(&str) -> R) -> R {
    let len = ns.len() + k.len() + v.len() + 2;
    let mut buf = [0u8; 192];
    if len > buf.len() {
        return f(&pair_key(ns, k, v));
    }
    let mut at = 0;
    for (i, part) in [ns, k, v].into_iter().enumerate() {
        if i > 0 {
            buf[at] = 0;
            at += 1;
        }
        buf[at..at + part.len()].copy_from_slice(part.as_bytes());
        at += part.len();
    }
    // UTF-8 pieces joined by NUL bytes are UTF-8.
    match std::str::from_utf8(&buf[..len]) {
        Ok(key) => f(key),
        Err(_) => f(&pair_key(ns, k, v)),
    }
}

fn as_pod(o: Option<&Object>) -> Option<&Pod> {
    match o {
        Some(Object::Pod(p)) => Some(p),
        _ => None,
    }
}

/// Index entry -> the objects in it.
type Entries = FastMap<String, BTreeSet<Key>>;

fn set_insert(map: &mut Entries, at: &str, key: &Key) {
    match map.get_mut(at) {
        Some(set) => {
            set.insert(key.clone());
        }
        None => {
            map.insert(at.to_string(), BTreeSet::from([key.clone()]));
        }
    }
}

fn set_remove(map: &mut Entries, at: &str, key: &Key) {
    if let Some(set) = map.get_mut(at) {
        set.remove(key);
        if set.is_empty() {
            map.remove(at);
        }
    }
}

/// Whether two versions of an object sit in exactly the same index entries
/// (compares the fields `Index::entries` reads).
fn same_index_entries(a: &Object, b: &Object) -> bool {
    // Events have one entry; reading their metadata would build a recorded one.
    if let (Object::Event(ea), Object::Event(eb)) = (a, b) {
        return ea.involved_uid() == eb.involved_uid();
    }
    let (ma, mb) = (a.meta(), b.meta());
    if ma.uid != mb.uid || ma.owner_references != mb.owner_references {
        return false;
    }
    match (a, b) {
        (Object::Pod(pa), Object::Pod(pb)) => {
            ma.labels == mb.labels
                && ma.deletion_timestamp.is_some() == mb.deletion_timestamp.is_some()
                && pa.spec.as_ref().map(|s| &s.node_name) == pb.spec.as_ref().map(|s| &s.node_name)
                && resources::counted_on(pa) == resources::counted_on(pb)
                && pa.status.as_ref().map(|s| &s.pod_ip) == pb.status.as_ref().map(|s| &s.pod_ip)
        }
        (Object::Service(sa), Object::Service(sb)) => {
            sa.spec.as_ref().map(|s| &s.selector) == sb.spec.as_ref().map(|s| &s.selector)
        }
        _ => true,
    }
}

/// One of the [`Index`] tables an object can have entries in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Dependents,
    PodLabels,
    SelectorPairs,
    ActiveOnNode,
    PodIps,
    EventsAbout,
}

impl Index {
    fn table(&mut self, t: Table) -> &mut Entries {
        match t {
            Table::Dependents => &mut self.dependents,
            Table::PodLabels => &mut self.pod_labels,
            Table::SelectorPairs => &mut self.selector_pairs,
            Table::ActiveOnNode => &mut self.active_on_node,
            Table::PodIps => &mut self.pod_ips,
            Table::EventsAbout => &mut self.events_about,
        }
    }

    /// Every index entry `obj` belongs to (borrowed where the object has the text).
    fn entries(obj: &Object) -> Vec<(Table, Cow<'_, str>)> {
        // An event is indexed by the object it is about, nothing else (and owns nothing).
        if let Object::Event(e) = obj {
            return e
                .involved_uid()
                .map(|uid| (Table::EventsAbout, Cow::Borrowed(uid)))
                .into_iter()
                .collect();
        }
        let meta = obj.meta();
        let ns = obj.namespace();
        let mut out = Vec::with_capacity(4);
        for r in meta.owner_references.iter().flatten() {
            out.push((Table::Dependents, Cow::Borrowed(r.uid.as_str())));
        }
        match obj {
            Object::Pod(p) => {
                for (k, v) in meta.labels.iter().flatten() {
                    out.push((Table::PodLabels, Cow::Owned(pair_key(ns, k, v))));
                }
                if meta.deletion_timestamp.is_none() {
                    if let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
                        out.push((Table::ActiveOnNode, Cow::Borrowed(node)));
                    }
                }
                if let Some(ip) = p.status.as_ref().and_then(|s| s.pod_ip.as_deref()) {
                    out.push((Table::PodIps, Cow::Borrowed(ip)));
                }
            }
            Object::Service(s) => {
                for (k, v) in s
                    .spec
                    .as_ref()
                    .and_then(|s| s.selector.as_ref())
                    .into_iter()
                    .flatten()
                {
                    out.push((Table::SelectorPairs, Cow::Owned(pair_key(ns, k, v))));
                }
            }
            _ => {}
        }
        out
    }

    fn update_uid(&mut self, key: &Key, old_uid: Option<&String>, new_uid: Option<&String>) {
        if old_uid != new_uid {
            if let Some(uid) = old_uid {
                if self.by_uid.get(uid) == Some(key) {
                    self.by_uid.remove(uid);
                }
            }
        }
        if let Some(uid) = new_uid {
            if self.by_uid.get(uid) != Some(key) {
                self.by_uid.insert(uid.clone(), key.clone());
            }
        }
    }

    /// Moves a pod's requests between nodes' totals when the node counting it
    /// ([`counted_on`]) changed between its old and new version.
    fn recount(&mut self, old: Option<&Pod>, new: Option<&Pod>) {
        let (was, is) = (old.and_then(counted_on), new.and_then(counted_on));
        if was != is {
            let requests = |p: Option<&Pod>| {
                p.and_then(|p| p.spec.as_ref())
                    .map(resources::pod_requests)
                    .unwrap_or_default()
            };
            self.move_use(
                was.map(|n| (n, requests(old))),
                is.map(|n| (n, requests(new))),
            );
        }
    }

    /// Takes one pod's requests off one node's totals and adds them to another's.
    fn move_use(&mut self, from: Option<(&str, Amount)>, to: Option<(&str, Amount)>) {
        if let Some((node, request)) = from {
            if let Some(u) = self.node_use.get_mut(node) {
                u.remove_pod(request);
                if u.pods == 0 {
                    self.node_use.remove(node);
                }
            }
        }
        if let Some((node, request)) = to {
            match self.node_use.get_mut(node) {
                Some(u) => u.add_pod(request),
                None => {
                    let mut u = NodeUse::default();
                    u.add_pod(request);
                    self.node_use.insert(node.to_string(), u);
                }
            }
        }
    }

    /// Moves `key` in one table from the entry `old` to the entry `new`.
    fn move_entry(&mut self, t: Table, key: &Key, old: Option<String>, new: Option<String>) {
        if let Some(at) = old {
            set_remove(self.table(t), &at, key);
        }
        if let Some(at) = new {
            set_insert(self.table(t), &at, key);
        }
    }

    /// Moves `key` from the entries of its `old` version to those of its `new` one,
    /// touching only the entries that differ (a pod bound to a node keeps its labels).
    fn update(&mut self, key: &Key, old: Option<&Object>, new: Option<&Object>) {
        // Only owners are looked up by uid, and Events (the most numerous) own nothing.
        if key.kind != EVENT {
            let old_uid = old.and_then(|o| o.meta().uid.as_ref());
            let new_uid = new.and_then(|o| o.meta().uid.as_ref());
            self.update_uid(key, old_uid, new_uid);
        }
        if key.kind == "Pod" {
            self.recount(as_pod(old), as_pod(new));
        }
        let before = old.map(Index::entries).unwrap_or_default();
        let after = new.map(Index::entries).unwrap_or_default();
        for (t, at) in &before {
            if !after.iter().any(|(t2, at2)| t2 == t && at2 == at) {
                set_remove(self.table(*t), at, key);
            }
        }
        for (t, at) in &after {
            if !before.iter().any(|(t2, at2)| t2 == t && at2 == at) {
                set_insert(self.table(*t), at, key);
            }
        }
    }
}

impl Store {
    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.objects.get(key)
    }

    /// [`Store::get`] by the key's parts, without building a key.
    pub fn get_parts(&self, kind: &str, namespace: &str, name: &str) -> Option<&Object> {
        self.objects.get(&(kind, namespace, name) as &dyn KeyLike)
    }

    /// The stored key for an object's parts (shared, so copying it allocates nothing),
    /// or a new one.
    fn key_for(&self, obj: &Object) -> Key {
        let (kind, namespace, name) = (obj.kind(), obj.namespace(), obj.name());
        let parts = HashedParts {
            parts: (kind, namespace, name),
            hash: parts_hash(kind, namespace, name),
        };
        match self.objects.get_key_value(&parts as &dyn KeyLike) {
            Some((key, _)) => key.clone(),
            None => Key::hashed(kind, namespace, name, parts.hash),
        }
    }

    pub fn contains(&self, key: &Key) -> bool {
        self.objects.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// All objects of one kind, in key order (namespace, then name).
    pub fn list<'a>(&'a self, kind: &'static str) -> impl Iterator<Item = &'a Object> + 'a {
        if kind == EVENT {
            return Listing::Sorted(self.events_sorted(None).into_iter());
        }
        let start = Key::new(kind, "", "");
        Listing::Ordered(
            self.order
                .range(start..)
                .take_while(move |k| k.kind == kind)
                .filter_map(|k| self.objects.get(k)),
        )
    }

    /// Objects of one kind in one namespace, by name.
    pub fn list_ns<'a>(
        &'a self,
        kind: &'static str,
        namespace: &str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        if kind == EVENT {
            return Listing::Sorted(self.events_sorted(Some(namespace)).into_iter());
        }
        let start = Key::new(kind, namespace, "");
        let ns = namespace.to_string();
        Listing::Ordered(
            self.order
                .range(start..)
                .take_while(move |k| k.kind == kind && k.namespace == ns)
                .filter_map(|k| self.objects.get(k)),
        )
    }

    /// Every object in key order.
    pub fn all(&self) -> impl Iterator<Item = &Object> {
        // Events sort between the kinds before "Event" and those after it.
        let events = Key::new(EVENT, "", "");
        let get = |k: &Key| self.objects.get(k);
        self.order
            .range(..events.clone())
            .filter_map(get)
            .chain(self.events_sorted(None))
            .chain(self.order.range(events..).filter_map(get))
    }

    /// The Events (in one namespace, or all), in key order: gathered from the objects,
    /// as they are not in `order`.
    fn events_sorted(&self, namespace: Option<&str>) -> Vec<&Object> {
        let mut events: Vec<(&Key, &Object)> = self
            .objects
            .iter()
            .filter(|(k, _)| k.kind == EVENT && namespace.is_none_or(|ns| k.namespace == ns))
            .collect();
        events.sort_unstable_by(|a, b| a.0.cmp(b.0));
        events.into_iter().map(|(_, o)| o).collect()
    }

    /// Grows with every write that changed something.
    pub fn revision(&self) -> u64 {
        self.next_rv
    }

    pub fn new_uid(&mut self) -> String {
        self.next_uid += 1;
        // Shaped like a real UUID so it prints like one; derived from a counter so it is deterministic.
        // "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", without the formatter's cost.
        let n = self.next_uid;
        let mut uid = String::with_capacity(36);
        push_hex(&mut uid, n.wrapping_mul(2654435761) & 0xffff_ffff, 8);
        uid.push('-');
        push_hex(&mut uid, (n >> 3) & 0xffff, 4);
        uid.push_str("-4");
        push_hex(&mut uid, n & 0xfff, 3);
        uid.push_str("-8");
        push_hex(&mut uid, n.wrapping_mul(40503) & 0xfff, 3);
        uid.push('-');
        push_hex(
            &mut uid,
            n.wrapping_mul(0x9E37_79B9_7F4A) & 0xffff_ffff_ffff,
            12,
        );
        uid
    }

    /// Starts (or stops) keeping every version written, for a running watch, and forgets
    /// the versions kept so far: the watch has printed them.
    pub fn watch_versions(&mut self, on: bool) {
        self.versions = on.then(Vec::new);
    }

    /// The versions written since [`Store::watch_versions`] last cleared them, oldest first.
    pub fn versions(&self) -> &[Object] {
        self.versions.as_deref().unwrap_or_default()
    }

    fn keep_version(&mut self, key: &Key) {
        if let (Some(v), Some(obj)) = (self.versions.as_mut(), self.objects.get(key)) {
            v.push(obj.clone());
        }
    }

    /// Writes an object. A write that changes nothing keeps the old resourceVersion,
    /// as the API server does for a no-op update. Returns whether anything changed.
    pub fn put(&mut self, mut obj: Object) -> bool {
        let key = self.key_for(&obj);
        if let Some(old) = self.objects.get(&key) {
            // Most writers start from the stored version: no copy-on-write just to compare.
            let old_rv = old.resource_version();
            if obj.resource_version() != old_rv {
                obj.set_resource_version(old_rv.cloned());
            }
            if *old == obj {
                return false;
            }
        }
        self.next_rv += 1;
        obj.set_resource_version(Some(decimal(self.next_rv)));
        if key.kind == "Service" {
            self.service_writes += 1;
        }
        let old = self.objects.insert(key.clone(), obj);
        if old.is_none() && key.kind != EVENT {
            self.order.insert(key.clone());
        }
        self.keep_version(&key);
        let new = self.objects.get(&key);
        match (&old, new) {
            // Most writes are status updates that move no index entry.
            (Some(old), Some(new)) if same_index_entries(old, new) => {}
            (old, new) => self.index.update(&key, old.as_ref(), new),
        }
        // No controller watches Events (only their removal matters, for namespaces).
        if key.kind != EVENT {
            let earlier = match old {
                Some(old) => Earlier::Was(old),
                None => Earlier::Absent,
            };
            match self.journal.get_mut(&key) {
                None => {
                    self.journal.insert(key, earlier);
                }
                // The stored version still had the metadata of the earliest one.
                Some(slot @ Earlier::LikeCurrent) => *slot = earlier,
                Some(_) => {}
            }
        }
        true
    }

    /// Changes a stored pod in place: a copy is made only if someone else holds the pod.
    /// For the kubelet's and scheduler's writes, which always change something (there
    /// is no no-op check) and never the metadata: `f` gets the spec and the status. So
    /// no old version needs keeping: of the index entries only the node's and the IP's
    /// can move, and the journal notes that the metadata is unchanged.
    pub fn update_pod(
        &mut self,
        key: &Key,
        f: impl FnOnce(&mut Option<PodSpec>, &mut Option<PodStatus>),
    ) -> bool {
        let Some(Object::Pod(current)) = self.objects.get_mut(key) else {
            return false;
        };
        let pod = Arc::make_mut(current);
        let node = |p: &Pod| p.spec.as_ref().and_then(|s| s.node_name.clone());
        let ip = |p: &Pod| p.status.as_ref().and_then(|s| s.pod_ip.clone());
        let (old_node, old_ip) = (node(pod), ip(pod));
        let was_finished = resources::is_finished(pod);
        f(&mut pod.spec, &mut pod.status);
        self.next_rv += 1;
        pod.metadata.resource_version = Some(decimal(self.next_rv));
        let was_counted = old_node.as_deref().filter(|_| !was_finished);
        if was_counted != counted_on(pod) {
            // A pod's requests do not change: the old version counted the same amount.
            let request = pod
                .spec
                .as_ref()
                .map(resources::pod_requests)
                .unwrap_or_default();
            let is = counted_on(pod).map(|n| (n, request));
            self.index.move_use(was_counted.map(|n| (n, request)), is);
        }
        let active = pod.metadata.deletion_timestamp.is_none();
        let (new_node, new_ip) = (node(pod), ip(pod));
        if active && old_node != new_node {
            self.index
                .move_entry(Table::ActiveOnNode, key, old_node, new_node);
        }
        if old_ip != new_ip {
            self.index.move_entry(Table::PodIps, key, old_ip, new_ip);
        }
        self.journal
            .entry(key.clone())
            .or_insert(Earlier::LikeCurrent);
        self.keep_version(key);
        true
    }

    /// Writes a ReplicaSet's or Deployment's status in place, as the controllers do
    /// after comparing it with the stored one: no copy of the object (its pod template
    /// is big) unless someone else holds it. Other kinds are left alone (false).
    pub fn set_status(&mut self, key: &Key, status: Status) -> bool {
        let Some(obj) = self.objects.get_mut(key) else {
            return false;
        };
        match (obj, status) {
            (Object::ReplicaSet(rs), Status::ReplicaSet(s)) => Arc::make_mut(rs).status = s,
            (Object::Deployment(d), Status::Deployment(s)) => Arc::make_mut(d).status = s,
            _ => return false,
        }
        self.next_rv += 1;
        if let Some(obj) = self.objects.get_mut(key) {
            obj.meta_mut().resource_version = Some(decimal(self.next_rv));
        }
        self.journal
            .entry(key.clone())
            .or_insert(Earlier::LikeCurrent);
        self.keep_version(key);
        true
    }

    /// Removes an object; a removal is a change (etcd's revision grows on delete too),
    /// so the controllers get to react to it.
    pub fn remove(&mut self, key: &Key) -> Option<Object> {
        let removed = self.objects.remove(key);
        if let Some(old) = &removed {
            self.order.remove(key);
            self.next_rv += 1;
            if key.kind == "Service" {
                self.service_writes += 1;
            }
            self.index.update(key, Some(old), None);
            // Keep a version for the controllers: one that existed beats "did not exist".
            match self.journal.get_mut(key) {
                Some(Earlier::Was(_)) => {}
                Some(slot) => *slot = Earlier::Was(old.clone()),
                None => {
                    self.journal.insert(key.clone(), Earlier::Was(old.clone()));
                }
            }
        }
        removed
    }

    pub fn find_by_uid(&self, uid: &str) -> Option<&Object> {
        self.get(self.index.by_uid.get(uid)?)
    }

    pub fn key_of_uid(&self, uid: &str) -> Option<&Key> {
        self.index.by_uid.get(uid)
    }

    /// Objects whose ownerReferences name this uid.
    pub fn dependents(&self, owner_uid: &str) -> impl Iterator<Item = &Key> {
        self.index.dependents.get(owner_uid).into_iter().flatten()
    }

    /// Pods in `ns` labelled `k=v`.
    pub fn pods_labelled(&self, ns: &str, k: &str, v: &str) -> Option<&BTreeSet<Key>> {
        with_pair_key(ns, k, v, |at| self.index.pod_labels.get(at))
    }

    /// Services in `ns` whose selector requires `k=v`.
    pub fn services_selecting(&self, ns: &str, k: &str, v: &str) -> impl Iterator<Item = &Key> {
        with_pair_key(ns, k, v, |at| self.index.selector_pairs.get(at))
            .into_iter()
            .flatten()
    }

    /// What the pods bound to `node` and not finished request, and how many they are.
    pub fn node_use(&self, node: &str) -> NodeUse {
        self.index.node_use.get(node).copied().unwrap_or_default()
    }

    /// How many pods are bound to `node` and not terminating.
    pub fn active_pods_on_node(&self, node: &str) -> usize {
        self.index.active_on_node.get(node).map_or(0, BTreeSet::len)
    }

    /// Pods whose status carries this IP, in key order.
    pub fn pods_with_ip(&self, ip: &str) -> impl Iterator<Item = &Object> {
        self.index
            .pod_ips
            .get(ip)
            .into_iter()
            .flatten()
            .filter_map(|k| self.get(k))
    }

    /// Events whose involvedObject has this uid.
    pub fn events_about(&self, uid: &str) -> impl Iterator<Item = &Object> {
        self.index
            .events_about
            .get(uid)
            .into_iter()
            .flatten()
            .filter_map(|k| self.get(k))
    }

    /// Takes the writes since the last call (see `journal`).
    pub fn take_journal(&mut self) -> Vec<(Key, Option<Object>)> {
        // Drained, not taken: the map keeps its room for the next writes.
        let objects = &self.objects;
        let mut writes: Vec<_> = self
            .journal
            .drain()
            .map(|(key, earlier)| {
                let old = match earlier {
                    Earlier::Absent => None,
                    Earlier::Was(old) => Some(old),
                    Earlier::LikeCurrent => objects.get(&key).cloned(),
                };
                (key, old)
            })
            .collect();
        crate::sort::sort_by(&mut writes, |a, b| a.0.cmp(&b.0));
        writes
    }

    pub fn service_writes(&self) -> u64 {
        self.service_writes
    }

    pub fn journal_is_empty(&self) -> bool {
        self.journal.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_64_hex_digits_fixed_by_their_seed() {
        let digest = |seed| {
            let mut s = String::new();
            push_digest(&mut s, seed);
            s
        };
        let a = digest(7);
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(a, digest(7));
        assert_ne!(a, digest(8));
        // No long run of zeros, as the padded u64 ids had.
        assert!(!a.contains("00000000"), "{a}");
    }

    #[test]
    fn push_hex_prints_as_the_formatter_does() {
        for v in [0u64, 1, 0xf, 0x10, 0xabc, 0xffff_ffff, u64::MAX, 1 << 63] {
            for width in [0usize, 1, 3, 8, 12, 20, 64] {
                let mut s = String::new();
                push_hex(&mut s, v, width);
                assert_eq!(s, format!("{v:0width$x}"), "{v} {width}");
            }
        }
    }

    #[test]
    fn decimal_prints_as_to_string() {
        for n in [0u64, 7, 10, 99, 100, 123_456_789, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn borrowed_parts_find_what_keys_find() {
        let mut store = Store::default();
        let mut pod = k8s_openapi::api::core::v1::Pod::default();
        pod.metadata.name = Some("web".into());
        pod.metadata.namespace = Some("default".into());
        store.put(Object::from(pod));
        let key = Key::new("Pod", "default", "web");
        assert!(store.get(&key).is_some());
        assert!(store.get_parts("Pod", "default", "web").is_some());
        assert!(store.get_parts("Pod", "default", "webx").is_none());
        assert!(store.get_parts("Pod", "defaultweb", "").is_none());
        assert!(store.get_parts("Service", "default", "web").is_none());
    }

    #[test]
    fn pair_keys_on_the_stack_equal_the_allocated_ones() {
        let long = "x".repeat(300);
        for (ns, k, v) in [
            ("default", "app", "web"),
            ("", "", ""),
            ("ns", &long[..], "é"),
        ] {
            assert_eq!(with_pair_key(ns, k, v, str::to_string), pair_key(ns, k, v));
        }
    }

    #[test]
    fn uids_keep_their_shape() {
        let mut store = Store::default();
        // The format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", ...) it replaced printed this.
        assert_eq!(store.new_uid(), "9e3779b1-0000-4001-8e37-9e3779b97f4a");
    }
}
