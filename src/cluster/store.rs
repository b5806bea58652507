//! The object store: every API object by (kind, namespace, name), with the
//! bookkeeping the API server does on write (uid, resourceVersion, generation).

use std::collections::BTreeMap;

use crate::api::Object;

/// Where an object lives. Cluster-scoped objects have an empty namespace.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
}

impl Key {
    pub fn new(kind: &'static str, namespace: &str, name: &str) -> Key {
        Key {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }
    pub fn of(obj: &Object) -> Key {
        Key::new(obj.kind(), obj.namespace(), obj.name())
    }
}

/// How many objects the store holds at most: far above any lesson or benchmark, low
/// enough that a hostile paste cannot exhaust the browser's memory.
pub const MAX_OBJECTS: usize = 20_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Store {
    objects: BTreeMap<Key, Object>,
    next_rv: u64,
    next_uid: u64,
}

impl Store {
    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.objects.get(key)
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
        let start = Key::new(kind, "", "");
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.kind == kind)
            .map(|(_, o)| o)
    }

    /// Objects of one kind in one namespace, by name.
    pub fn list_ns<'a>(
        &'a self,
        kind: &'static str,
        namespace: &str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let start = Key::new(kind, namespace, "");
        let ns = namespace.to_string();
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.kind == kind && k.namespace == ns)
            .map(|(_, o)| o)
    }

    pub fn all(&self) -> impl Iterator<Item = &Object> {
        self.objects.values()
    }

    /// Grows with every write that changed something.
    pub fn revision(&self) -> u64 {
        self.next_rv
    }

    pub fn new_uid(&mut self) -> String {
        self.next_uid += 1;
        // Shaped like a real UUID so it prints like one; derived from a counter so it is deterministic.
        let n = self.next_uid;
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (n.wrapping_mul(2654435761)) & 0xffff_ffff,
            (n >> 3) & 0xffff,
            n & 0xfff,
            (n.wrapping_mul(40503)) & 0xfff,
            n.wrapping_mul(0x9E37_79B9_7F4A) & 0xffff_ffff_ffff
        )
    }

    /// Writes an object. A write that changes nothing keeps the old resourceVersion,
    /// as the API server does for a no-op update. Returns whether anything changed.
    pub fn put(&mut self, mut obj: Object) -> bool {
        let key = Key::of(&obj);
        if let Some(old) = self.objects.get(&key) {
            obj.meta_mut().resource_version = old.meta().resource_version.clone();
            if *old == obj {
                return false;
            }
        }
        self.next_rv += 1;
        obj.meta_mut().resource_version = Some(self.next_rv.to_string());
        self.objects.insert(key, obj);
        true
    }

    /// Removes an object; a removal is a change (etcd's revision grows on delete too),
    /// so the controllers get to react to it.
    pub fn remove(&mut self, key: &Key) -> Option<Object> {
        let removed = self.objects.remove(key);
        if removed.is_some() {
            self.next_rv += 1;
        }
        removed
    }

    pub fn find_by_uid(&self, uid: &str) -> Option<&Object> {
        self.objects
            .values()
            .find(|o| o.meta().uid.as_deref() == Some(uid))
    }
}
