//! `StoredEvent`: how the store keeps an Event.
//!
//! The components record thousands of events (four or five per pod) and most are never
//! read. A k8s-openapi `Event` is some twenty strings, so building one per event was a
//! fifth of the time a large Deployment took to settle. A recorded event therefore keeps
//! only its facts and builds the `Event` the first time someone reads it; the built one
//! is cached. An Event written through the API (apply, label, edit) is kept whole.

use std::sync::{Arc, OnceLock};

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

use super::kinds::ResourceType;

// Recorded events are the thousands; written ones are rare and boxed.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub enum StoredEvent {
    Recorded {
        facts: EventFacts,
        built: OnceLock<Box<Event>>,
    },
    Written(Box<Event>),
}

/// What an event recorder writes (client-go tools/record `makeEvent` + the correlator's
/// count and timestamps). Strings shared by many events are `Arc<str>`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFacts {
    pub name: String,
    pub namespace: Arc<str>,
    pub uid: String,
    pub resource_version: Option<String>,
    pub involved: Involved,
    pub type_: Arc<str>,
    pub reason: Arc<str>,
    pub message: String,
    pub count: i32,
    pub first: Time,
    pub last: Time,
    pub component: Arc<str>,
    pub host: Option<Arc<str>>,
    /// client-go's "(combined from similar events)" event carries no reporting fields.
    pub combined: bool,
}

/// The object an event is about, as `ObjectReference` names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Involved {
    pub kind: &'static ResourceType,
    pub name: String,
    pub namespace: Option<Arc<str>>,
    pub uid: Option<String>,
    pub resource_version: Option<String>,
}

impl EventFacts {
    fn build(&self) -> Event {
        let involved = &self.involved;
        Event {
            metadata: ObjectMeta {
                name: Some(self.name.clone()),
                namespace: Some(self.namespace.to_string()),
                uid: Some(self.uid.clone()),
                resource_version: self.resource_version.clone(),
                creation_timestamp: Some(self.first.clone()),
                ..Default::default()
            },
            involved_object: ObjectReference {
                api_version: Some(involved.kind.api_version()),
                kind: Some(involved.kind.kind.to_string()),
                name: Some(involved.name.clone()),
                namespace: involved.namespace.as_deref().map(str::to_string),
                uid: involved.uid.clone(),
                resource_version: involved.resource_version.clone(),
                ..Default::default()
            },
            reason: Some(self.reason.to_string()),
            message: Some(self.message.clone()),
            type_: Some(self.type_.to_string()),
            count: Some(self.count),
            first_timestamp: Some(self.first.clone()),
            last_timestamp: Some(self.last.clone()),
            source: Some(EventSource {
                component: Some(self.component.to_string()),
                host: self.host.as_deref().map(str::to_string),
            }),
            // recorderImpl.generateEvent: ReportingController = source.Component,
            // ReportingInstance = source.Host (empty for the controllers).
            reporting_component: (!self.combined).then(|| self.component.to_string()),
            reporting_instance: self
                .host
                .as_deref()
                .filter(|_| !self.combined)
                .map(str::to_string),
            ..Default::default()
        }
    }
}

impl StoredEvent {
    pub fn recorded(facts: EventFacts) -> StoredEvent {
        StoredEvent::Recorded {
            facts,
            built: OnceLock::new(),
        }
    }

    /// The Event, built on first read.
    pub fn event(&self) -> &Event {
        match self {
            StoredEvent::Recorded { facts, built } => built.get_or_init(|| Box::new(facts.build())),
            StoredEvent::Written(e) => e,
        }
    }

    /// The Event to change: from now on it is kept whole.
    pub fn event_mut(&mut self) -> &mut Event {
        if let StoredEvent::Recorded { facts, built } = self {
            let event = match built.take() {
                Some(e) => e,
                None => Box::new(facts.build()),
            };
            *self = StoredEvent::Written(event);
        }
        match self {
            StoredEvent::Written(e) => e,
            // Just made whole above.
            StoredEvent::Recorded { .. } => unreachable!("a recorded event was just made whole"),
        }
    }

    /// The recorder's facts, for an event it wrote and nobody has changed since.
    pub fn facts(&self) -> Option<&EventFacts> {
        match self {
            StoredEvent::Recorded { facts, .. } => Some(facts),
            StoredEvent::Written(_) => None,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            StoredEvent::Recorded { facts, .. } => &facts.name,
            StoredEvent::Written(e) => e.metadata.name.as_deref().unwrap_or(""),
        }
    }

    pub fn namespace(&self) -> &str {
        match self {
            StoredEvent::Recorded { facts, .. } => &facts.namespace,
            StoredEvent::Written(e) => e.metadata.namespace.as_deref().unwrap_or(""),
        }
    }

    pub fn resource_version(&self) -> Option<&String> {
        match self {
            StoredEvent::Recorded { facts, .. } => facts.resource_version.as_ref(),
            StoredEvent::Written(e) => e.metadata.resource_version.as_ref(),
        }
    }

    pub fn set_resource_version(&mut self, rv: Option<String>) {
        match self {
            StoredEvent::Recorded { facts, built } => {
                facts.resource_version = rv;
                built.take();
            }
            StoredEvent::Written(e) => e.metadata.resource_version = rv,
        }
    }

    /// The uid of the object the event is about (what the store indexes events by).
    pub fn involved_uid(&self) -> Option<&str> {
        match self {
            StoredEvent::Recorded { facts, .. } => facts.involved.uid.as_deref(),
            StoredEvent::Written(e) => e.involved_object.uid.as_deref(),
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            StoredEvent::Recorded { facts, .. } => Some(&facts.reason),
            StoredEvent::Written(e) => e.reason.as_deref(),
        }
    }

    pub fn type_(&self) -> Option<&str> {
        match self {
            StoredEvent::Recorded { facts, .. } => Some(&facts.type_),
            StoredEvent::Written(e) => e.type_.as_deref(),
        }
    }

    /// `source.component`: which recorder wrote it.
    pub fn component(&self) -> Option<&str> {
        match self {
            StoredEvent::Recorded { facts, .. } => Some(&facts.component),
            StoredEvent::Written(e) => e.source.as_ref()?.component.as_deref(),
        }
    }

    pub fn message(&self) -> Option<&str> {
        match self {
            StoredEvent::Recorded { facts, .. } => Some(&facts.message),
            StoredEvent::Written(e) => e.message.as_deref(),
        }
    }

    /// The correlator's repeat: `extra` more occurrences, the last one at `at` with `message`.
    pub fn repeat(&mut self, extra: i32, at: Time, message: String) {
        match self {
            StoredEvent::Recorded { facts, built } => {
                facts.count += extra;
                facts.last = at;
                facts.message = message;
                built.take();
            }
            StoredEvent::Written(e) => {
                e.count = Some(e.count.unwrap_or(1) + extra);
                e.last_timestamp = Some(at);
                e.message = Some(message);
            }
        }
    }
}

/// Two stored events are equal when they read the same (recorded ones compare facts,
/// which is cheaper and says the same).
impl PartialEq for StoredEvent {
    fn eq(&self, other: &Self) -> bool {
        match (self.facts(), other.facts()) {
            (Some(a), Some(b)) => a == b,
            _ => self.event() == other.event(),
        }
    }
}

impl std::fmt::Debug for StoredEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.event().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> EventFacts {
        let t = Time(k8s_openapi::jiff::Timestamp::from_second(1_700_000_000).unwrap_or_default());
        EventFacts {
            name: "web.17f0".into(),
            namespace: "default".into(),
            uid: "u-1".into(),
            resource_version: Some("7".into()),
            involved: Involved {
                kind: crate::api::kinds::by_kind_name("Pod")
                    .unwrap_or(&crate::api::kinds::RESOURCE_TYPES[0]),
                name: "web".into(),
                namespace: Some("default".into()),
                uid: Some("p-1".into()),
                resource_version: Some("5".into()),
            },
            type_: "Normal".into(),
            reason: "Started".into(),
            message: "Started container web".into(),
            count: 1,
            first: t.clone(),
            last: t,
            component: "kubelet".into(),
            host: Some("kubeplay-worker".into()),
            combined: false,
        }
    }

    #[test]
    fn a_recorded_event_reads_as_the_recorder_writes_it() {
        let e = StoredEvent::recorded(facts());
        let ev = e.event();
        assert_eq!(ev.metadata.name.as_deref(), Some("web.17f0"));
        assert_eq!(ev.metadata.resource_version.as_deref(), Some("7"));
        assert_eq!(ev.involved_object.kind.as_deref(), Some("Pod"));
        assert_eq!(ev.involved_object.api_version.as_deref(), Some("v1"));
        assert_eq!(ev.reporting_component.as_deref(), Some("kubelet"));
        assert_eq!(ev.reporting_instance.as_deref(), Some("kubeplay-worker"));
        assert_eq!(e.involved_uid(), Some("p-1"));
    }

    #[test]
    fn changing_a_recorded_event_keeps_it_whole_and_equal_until_changed() {
        let recorded = StoredEvent::recorded(facts());
        let mut written = recorded.clone();
        written.event_mut();
        assert!(written.facts().is_none());
        assert_eq!(written, recorded);
        written.event_mut().count = Some(2);
        assert_ne!(written, recorded);
        let mut bumped = recorded.clone();
        bumped.set_resource_version(Some("8".into()));
        assert_eq!(
            bumped.event().metadata.resource_version.as_deref(),
            Some("8")
        );
        // A repeat drops the cached Event, so the next read shows the new count.
        let mut repeated = recorded.clone();
        assert_eq!(repeated.event().count, Some(1));
        let at = repeated.event().last_timestamp.clone();
        repeated.repeat(2, at.unwrap_or(Time(Default::default())), "again".into());
        assert_eq!(repeated.event().count, Some(3));
        assert_eq!(repeated.event().message.as_deref(), Some("again"));
    }
}
