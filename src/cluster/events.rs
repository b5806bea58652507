//! Events, as the components record them (`kubectl describe`, `kubectl get events`).
//! A repeat of the same reason and message for the same object bumps its count.

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};

use super::Cluster;
use crate::api::Object;

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
            "" => "default".to_string(),
            n => n.to_string(),
        };
        let uid = involved.meta().uid.clone();
        let now = self.now_time();
        // Same object, reason and message: the recorder aggregates into one event.
        let existing = self
            .events_in(&ns, uid.as_deref())
            .find(|e| {
                e.involved_object.uid == uid
                    && e.reason.as_deref() == Some(reason)
                    && e.message.as_deref() == Some(message)
            })
            .cloned();
        if let Some(mut e) = existing {
            e.count = Some(e.count.unwrap_or(1) + 1);
            e.last_timestamp = Some(now);
            self.store.put(Object::from(e));
            return;
        }
        // A full store takes no new events (the store limit holds for everything),
        // but keeps a little room for the warnings that say why things stopped.
        let room = if type_ == "Warning" { 50 } else { 0 };
        if self.store.len() >= super::store::MAX_OBJECTS + room {
            return;
        }
        let rt = involved.resource_type();
        // Like the recorder's `%v.%x` of UnixNano: names sort in time order. The store's
        // revision stands in for the nanoseconds, which keeps same-millisecond events in order.
        let nanos = (super::EPOCH_SECONDS * 1000 + self.now) as u64 * 1_000_000
            + self.store.revision() % 1_000_000;
        let name = format!("{}.{nanos:x}", involved.name());
        let event = Event {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                name: Some(name),
                namespace: Some(ns.clone()),
                uid: Some(self.store.new_uid()),
                creation_timestamp: Some(now.clone()),
                ..Default::default()
            },
            involved_object: ObjectReference {
                api_version: Some(rt.api_version()),
                kind: Some(rt.kind.to_string()),
                name: Some(involved.name().to_string()),
                namespace: if involved.namespace().is_empty() {
                    None
                } else {
                    Some(involved.namespace().to_string())
                },
                uid,
                resource_version: involved.meta().resource_version.clone(),
                ..Default::default()
            },
            reason: Some(reason.to_string()),
            message: Some(message.to_string()),
            type_: Some(type_.to_string()),
            count: Some(1),
            first_timestamp: Some(now.clone()),
            last_timestamp: Some(now),
            source: Some(EventSource {
                component: Some(component.to_string()),
                host: host.map(str::to_string),
            }),
            reporting_component: Some(component.to_string()),
            reporting_instance: Some(host.unwrap_or(component).to_string()),
            ..Default::default()
        };
        self.store.put(Object::from(event));
    }

    /// Events in `ns` about the object with `uid` (every event there when it has none).
    fn events_in<'a>(
        &'a self,
        ns: &'a str,
        uid: Option<&'a str>,
    ) -> Box<dyn Iterator<Item = &'a Event> + 'a> {
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
        let mut v: Vec<&Event> = self.events_in(ns, Some(uid)).collect();
        v.sort_by_key(|e| {
            e.first_timestamp
                .as_ref()
                .map(Cluster::millis_of)
                .unwrap_or_default()
        });
        v
    }
}
