//! Events, as the components record them (`kubectl describe`, `kubectl get events`),
//! through a model of client-go's event correlator (tools/record/events_cache.go):
//! - a repeat of the same source, object, type, reason and message bumps its count;
//! - the 10th distinct message of one source, object, type and reason within 10 minutes
//!   becomes one "(combined from similar events): ..." event that later ones bump;
//! - a spam filter lets each source + object write a burst of 25 events, then one per
//!   5 minutes (a token bucket); dropped repeats still count toward the next write.

use k8s_openapi::api::core::v1::Event;

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use super::store::{FastHasher, FastMap};
use super::{Cluster, Millis};
use crate::api::event::{EventFacts, Involved, StoredEvent};
use crate::api::Object;

/// client-go `defaultAggregateMaxEvents` and `defaultAggregateIntervalInSeconds`.
const AGGREGATE_MAX_EVENTS: usize = 10;
const AGGREGATE_INTERVAL_MS: Millis = 600_000;
/// client-go `defaultSpamBurst` and `defaultSpamQPS` (1/300: one token per 5 minutes).
const SPAM_BURST: f64 = 25.0;
const SPAM_REFILL_MS: f64 = 300_000.0;
const COMBINED: &str = "(combined from similar events): ";

/// The recorders' in-memory caches, keyed by 64-bit hashes of client-go's string keys
/// (a collision among the few thousand keys of a session is vanishingly unlikely, and
/// hashing spares an allocation per event). Only looked up, never iterated, so hash
/// maps keep the simulation deterministic.
#[derive(Debug, Clone, Default)]
pub(crate) struct Recorder {
    /// Aggregate key -> distinct messages seen and when the last one was.
    similar: FastMap<u64, Similar>,
    /// Spam key -> tokens left and when they were counted.
    spam: FastMap<u64, (f64, Millis)>,
    /// Event key -> repeats the spam filter dropped since the last write.
    dropped: FastMap<u64, i32>,
    /// The buffer the keys are built in.
    scratch: String,
    /// Strings shared by many events; few and short (namespaces, reasons, sources).
    interned: HashSet<Arc<str>, BuildHasherDefault<FastHasher>>,
    /// Recently interned strings by the address of the text they were asked for.
    recent: [Option<Arc<str>>; RECENT],
}

const RECENT: usize = 16;

/// The distinct messages of one aggregate key (hashes, at most AGGREGATE_MAX_EVENTS).
#[derive(Debug, Clone, Default)]
struct Similar {
    messages: Vec<u64>,
    last: Millis,
}

fn hash_of(text: &str) -> u64 {
    let mut h = FastHasher::default();
    h.write(text.as_bytes());
    h.finish()
}

/// Whether the stored event `e` is the one a new event repeats: same object, type,
/// reason and source, and the same message (any combined one, for a combined event).
fn repeats(
    e: &StoredEvent,
    uid: Option<&str>,
    type_: &str,
    reason: &str,
    component: &str,
    combined: bool,
    message: &str,
) -> bool {
    let same_message = |m: &str| {
        if combined {
            m.starts_with(COMBINED)
        } else {
            m == message
        }
    };
    e.involved_uid() == uid
        && e.type_() == Some(type_)
        && e.reason() == Some(reason)
        && e.component() == Some(component)
        && e.message().is_some_and(same_message)
}

impl Recorder {
    /// One shared copy of a string many events carry (namespace, reason, source).
    fn intern(&mut self, text: &str) -> Arc<str> {
        // Most texts are literals (reasons, sources) or the same few namespaces: a slot
        // chosen by the text's address usually holds it already, sparing the hash lookup.
        let slot = (text.as_ptr() as usize >> 3) % RECENT;
        if let Some(s) = &self.recent[slot] {
            if **s == *text {
                return s.clone();
            }
        }
        let s = match self.interned.get(text) {
            Some(s) => s.clone(),
            None => {
                let s: Arc<str> = Arc::from(text);
                self.interned.insert(s.clone());
                s
            }
        };
        self.recent[slot] = Some(s.clone());
        s
    }
}

impl Cluster {
    pub fn record_event(
        &mut self,
        involved: &Object,
        type_: &str,
        reason: &str,
        message: &str,
        component: &str,
        host: Option<&str>,
    ) {
        let ns = match involved.namespace() {
            "" => "default",
            n => n,
        };
        let uid = involved.meta().uid.as_deref();
        let rt = involved.resource_type();
        // Core kinds (pods, most events) need no new string.
        let api_version: std::borrow::Cow<str> = if rt.group.is_empty() {
            rt.version.into()
        } else {
            rt.api_version().into()
        };
        let mut object_len = 0;
        // The correlator's keys, built in one buffer: the object key (source + involved
        // object), then the aggregate key (+ type, reason), then the event key (+ message).
        let mut key = std::mem::take(&mut self.recorder.scratch);
        key.clear();
        for (i, part) in [
            component,
            host.unwrap_or(""),
            rt.kind,
            involved.namespace(),
            involved.name(),
            uid.unwrap_or(""),
            &api_version,
            type_,
            reason,
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                key.push('\0');
            }
            if i == 7 {
                object_len = key.len() - 1;
            }
            key.push_str(part);
        }
        // EventAggregate: similar events (differing only in message) are combined.
        let now_ms = self.now;
        let similar = self.recorder.similar.entry(hash_of(&key)).or_default();
        if now_ms - similar.last > AGGREGATE_INTERVAL_MS {
            similar.messages.clear();
        }
        let message_hash = hash_of(message);
        if !similar.messages.contains(&message_hash) {
            similar.messages.push(message_hash);
        }
        similar.last = now_ms;
        let combined = similar.messages.len() >= AGGREGATE_MAX_EVENTS;
        if combined {
            // "do not grow our local key set any larger than max" (client-go pops any).
            if let Some(first) = similar.messages.iter().copied().min() {
                similar.messages.retain(|m| *m != first);
            }
        }
        let message = if combined {
            format!("{COMBINED}{message}")
        } else {
            key.push('\0');
            key.push_str(message);
            message.to_string()
        };
        let event_key = hash_of(&key);
        // The spam filter sees every event, repeats and combined ones included.
        let bucket = self
            .recorder
            .spam
            .entry(hash_of(&key[..object_len]))
            .or_insert((SPAM_BURST, now_ms));
        self.recorder.scratch = key;
        bucket.0 = (bucket.0 + (now_ms - bucket.1) as f64 / SPAM_REFILL_MS).min(SPAM_BURST);
        bucket.1 = now_ms;
        let allowed = bucket.0 >= 1.0;
        if allowed {
            bucket.0 -= 1.0;
        }
        let now = self.now_time();
        // The stored event this one repeats (what client-go's event log remembers).
        let existing = self
            .events_in(ns, uid)
            .find(|e| repeats(e, uid, type_, reason, component, combined, &message))
            .cloned();
        if !allowed {
            if existing.is_some() {
                *self.recorder.dropped.entry(event_key).or_insert(0) += 1;
            }
            return;
        }
        let missed = if self.recorder.dropped.is_empty() {
            0
        } else {
            self.recorder.dropped.remove(&event_key).unwrap_or(0)
        };
        if let Some(mut e) = existing {
            e.repeat(1 + missed, now, message);
            self.store.put(Object::from(e));
            return;
        }
        // A full store takes no new events (the store limit holds for everything),
        // but keeps a little room for the warnings that say why things stopped.
        let room = if type_ == "Warning" { 50 } else { 0 };
        if self.store.len() >= super::store::MAX_OBJECTS + room {
            return;
        }
        // Like the recorder's `%v.%x` of UnixNano: names sort in time order. The store's
        // revision stands in for the nanoseconds, which keeps same-millisecond events in order.
        let nanos = (super::EPOCH_SECONDS * 1000 + self.now) as u64 * 1_000_000
            + self.store.revision() % 1_000_000;
        let mut name = String::with_capacity(involved.name().len() + 17);
        name.push_str(involved.name());
        name.push('.');
        super::store::push_hex(&mut name, nanos, 0);
        let involved_ns = match involved.namespace() {
            "" => None,
            n => Some(self.recorder.intern(n)),
        };
        let facts = EventFacts {
            name,
            namespace: self.recorder.intern(ns),
            uid: self.store.new_uid(),
            resource_version: None,
            involved: Involved {
                kind: rt,
                name: involved.name().to_string(),
                namespace: involved_ns,
                uid: uid.map(str::to_string),
                resource_version: involved.resource_version().cloned(),
            },
            type_: self.recorder.intern(type_),
            reason: self.recorder.intern(reason),
            message,
            count: 1,
            first: now.clone(),
            last: now,
            component: self.recorder.intern(component),
            host: host.map(|h| self.recorder.intern(h)),
            combined,
        };
        self.store.put(Object::from(StoredEvent::recorded(facts)));
    }

    /// Events in `ns` about the object with `uid` (every event there when it has none).
    fn events_in<'a>(
        &'a self,
        ns: &'a str,
        uid: Option<&'a str>,
    ) -> Box<dyn Iterator<Item = &'a StoredEvent> + 'a> {
        let as_event = |o: &'a Object| match o {
            Object::Event(e) => Some(&**e),
            _ => None,
        };
        match uid {
            Some(uid) => Box::new(
                self.store
                    .events_about(uid)
                    .filter(move |o| o.namespace() == ns)
                    .filter_map(as_event),
            ),
            None => Box::new(self.store.list_ns("Event", ns).filter_map(as_event)),
        }
    }

    /// Events about one object, oldest first.
    pub fn events_for<'a>(&'a self, obj: &'a Object) -> Vec<&'a Event> {
        let ns = match obj.namespace() {
            "" => "default",
            n => n,
        };
        let Some(uid) = obj.meta().uid.as_deref() else {
            return Vec::new();
        };
        let mut v: Vec<&Event> = self
            .events_in(ns, Some(uid))
            .map(StoredEvent::event)
            .collect();
        crate::sort::sort_by_key(&mut v, |e| {
            e.first_timestamp
                .as_ref()
                .map(Cluster::millis_of)
                .unwrap_or_default()
        });
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::tests::apply_text;

    fn events_of<'a>(c: &'a Cluster, kind: &str, reason: &str) -> Vec<&'a Event> {
        c.store
            .list("Event")
            .filter_map(|o| match o {
                Object::Event(e) => Some(e.event()),
                _ => None,
            })
            .filter(|e| {
                e.involved_object.kind.as_deref() == Some(kind)
                    && e.reason.as_deref() == Some(reason)
            })
            .collect()
    }

    fn a_node(c: &Cluster) -> Object {
        c.store
            .list("Node")
            .next()
            .cloned()
            .expect("the default cluster has nodes")
    }

    #[test]
    fn the_tenth_similar_event_is_combined() {
        // client-go events_cache.go: EventAggregate combines once a source + object +
        // type + reason has seen defaultAggregateMaxEvents (10) distinct messages.
        let mut c = Cluster::new(1);
        let text = crate::scenario::lessons::NGINX.replace("replicas: 3", "replicas: 12");
        apply_text(&mut c, &text);
        c.advance(30_000);
        let created: Vec<&Event> = events_of(&c, "ReplicaSet", "SuccessfulCreate")
            .into_iter()
            .filter(|e| {
                e.involved_object
                    .name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("nginx-"))
            })
            .collect();
        let (combined, single): (Vec<&Event>, Vec<&Event>) =
            created.iter().copied().partition(|e: &&Event| {
                e.message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("(combined from similar events): Created pod: "))
            });
        assert_eq!(single.len(), 9, "{created:#?}");
        assert_eq!(combined.len(), 1, "{created:#?}");
        assert_eq!(combined[0].count, Some(3));
        assert!(single.iter().all(|e| e.count == Some(1)));
    }

    #[test]
    fn spam_filter_allows_a_burst_of_25_then_one_per_5_minutes() {
        // client-go: defaultSpamBurst = 25, defaultSpamQPS = 1/300 per source + object.
        let mut c = Cluster::new(1);
        let node = a_node(&c);
        let mut reasons = 0;
        let mut record = |c: &mut Cluster| {
            reasons += 1;
            let reason = format!("Reason{reasons}");
            c.record_event(&node, "Normal", &reason, "m", "test", None);
        };
        for _ in 0..30 {
            record(&mut c);
        }
        let stored = |c: &Cluster| {
            c.store
                .list("Event")
                .filter(|o| match o {
                    Object::Event(e) => {
                        e.event()
                            .source
                            .as_ref()
                            .and_then(|s| s.component.as_deref())
                            == Some("test")
                    }
                    _ => false,
                })
                .count()
        };
        assert_eq!(stored(&c), 25);
        c.advance(299_000);
        record(&mut c);
        assert_eq!(stored(&c), 25, "no token yet after 299 s");
        c.advance(1_000);
        record(&mut c);
        assert_eq!(stored(&c), 26, "one token per 300 s");
    }

    #[test]
    fn repeats_dropped_by_the_spam_filter_still_count() {
        let mut c = Cluster::new(1);
        let node = a_node(&c);
        for _ in 0..40 {
            c.record_event(&node, "Warning", "Unhealthy", "probe failed", "test", None);
        }
        let count = |c: &Cluster| {
            c.store.list("Event").find_map(|o| match o {
                Object::Event(e) if e.reason() == Some("Unhealthy") => e.event().count,
                _ => None,
            })
        };
        assert_eq!(count(&c), Some(25), "25 writes, 15 dropped");
        c.advance(300_000);
        c.record_event(&node, "Warning", "Unhealthy", "probe failed", "test", None);
        assert_eq!(
            count(&c),
            Some(41),
            "the next write carries the dropped repeats"
        );
    }
}
