//! `Object`: one stored API object. Simulated kinds are k8s-openapi types; every
//! other kind is kept as JSON with its metadata, listed and printed but not simulated.

use std::sync::Arc;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Endpoints, Event, Namespace, Node, Pod, Service};

use super::event::StoredEvent;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::kinds::{self, ResourceType};

/// A kind the playground stores but does not simulate (ConfigMap, Ingress, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct GenericObject {
    pub kind: &'static ResourceType,
    pub metadata: ObjectMeta,
    /// The whole object as written, minus `metadata` (which lives above).
    pub body: serde_json::Map<String, serde_json::Value>,
}

impl GenericObject {
    /// The `data` map of a ConfigMap or Secret, as written (a Secret's values in base64).
    pub fn data_entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.body
            .get("data")
            .and_then(|d| d.as_object())
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("")))
    }
}

/// Every variant is behind an `Arc`: the k8s-openapi types are large (a Pod is over
/// 2 KB, its one Container another 2 KB) and differ a lot in size. Sharing makes a
/// read-only copy (a controller reading what it syncs, the journal keeping the old
/// version) a reference count; a writer copies on write with `Arc::make_mut`.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Namespace(Arc<Namespace>),
    Node(Arc<Node>),
    Pod(Arc<Pod>),
    Service(Arc<Service>),
    Endpoints(Arc<Endpoints>),
    EndpointSlice(Arc<EndpointSlice>),
    Deployment(Arc<Deployment>),
    ReplicaSet(Arc<ReplicaSet>),
    Event(Arc<StoredEvent>),
    Generic(Arc<GenericObject>),
}

macro_rules! object_from {
    ($($t:ident => $v:ident),*) => {$(
        impl From<$t> for Object {
            fn from(o: $t) -> Object {
                Object::$v(Arc::new(o))
            }
        }
        impl From<Arc<$t>> for Object {
            fn from(o: Arc<$t>) -> Object {
                Object::$v(o)
            }
        }
    )*};
}
object_from!(Namespace => Namespace, Node => Node, Pod => Pod, Service => Service,
    Endpoints => Endpoints, EndpointSlice => EndpointSlice, Deployment => Deployment,
    ReplicaSet => ReplicaSet, StoredEvent => Event, GenericObject => Generic);

impl From<Event> for Object {
    fn from(e: Event) -> Object {
        Object::Event(Arc::new(StoredEvent::Written(Box::new(e))))
    }
}

impl Object {
    pub fn meta(&self) -> &ObjectMeta {
        match self {
            Object::Namespace(o) => &o.metadata,
            Object::Node(o) => &o.metadata,
            Object::Pod(o) => &o.metadata,
            Object::Service(o) => &o.metadata,
            Object::Endpoints(o) => &o.metadata,
            Object::EndpointSlice(o) => &o.metadata,
            Object::Deployment(o) => &o.metadata,
            Object::ReplicaSet(o) => &o.metadata,
            Object::Event(o) => &o.event().metadata,
            Object::Generic(o) => &o.metadata,
        }
    }

    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Object::Namespace(o) => &mut Arc::make_mut(o).metadata,
            Object::Node(o) => &mut Arc::make_mut(o).metadata,
            Object::Pod(o) => &mut Arc::make_mut(o).metadata,
            Object::Service(o) => &mut Arc::make_mut(o).metadata,
            Object::Endpoints(o) => &mut Arc::make_mut(o).metadata,
            Object::EndpointSlice(o) => &mut Arc::make_mut(o).metadata,
            Object::Deployment(o) => &mut Arc::make_mut(o).metadata,
            Object::ReplicaSet(o) => &mut Arc::make_mut(o).metadata,
            Object::Event(o) => &mut Arc::make_mut(o).event_mut().metadata,
            Object::Generic(o) => &mut Arc::make_mut(o).metadata,
        }
    }

    pub fn resource_type(&self) -> &'static ResourceType {
        let kind = match self {
            Object::Namespace(_) => "Namespace",
            Object::Node(_) => "Node",
            Object::Pod(_) => "Pod",
            Object::Service(_) => "Service",
            Object::Endpoints(_) => "Endpoints",
            Object::EndpointSlice(_) => "EndpointSlice",
            Object::Deployment(_) => "Deployment",
            Object::ReplicaSet(_) => "ReplicaSet",
            Object::Event(_) => "Event",
            Object::Generic(g) => return g.kind,
        };
        // The table lists every simulated kind; a missing row is a programming error
        // caught by the unit test below, so fall back to the first row rather than panic.
        kinds::by_kind_name(kind).unwrap_or(&kinds::RESOURCE_TYPES[0])
    }

    pub fn kind(&self) -> &'static str {
        self.resource_type().kind
    }

    pub fn name(&self) -> &str {
        match self {
            Object::Event(e) => e.name(),
            _ => self.meta().name.as_deref().unwrap_or(""),
        }
    }

    pub fn namespace(&self) -> &str {
        match self {
            Object::Event(e) => e.namespace(),
            _ => self.meta().namespace.as_deref().unwrap_or(""),
        }
    }

    /// metadata.resourceVersion (read and written without building a recorded Event).
    pub fn resource_version(&self) -> Option<&String> {
        match self {
            Object::Event(e) => e.resource_version(),
            _ => self.meta().resource_version.as_ref(),
        }
    }

    pub fn set_resource_version(&mut self, rv: Option<String>) {
        match self {
            Object::Event(e) => Arc::make_mut(e).set_resource_version(rv),
            _ => self.meta_mut().resource_version = rv,
        }
    }

    /// The object as JSON with apiVersion and kind first-class, as the API server returns it.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = match self {
            Object::Namespace(o) => serde_json::to_value(&**o),
            Object::Node(o) => serde_json::to_value(&**o),
            Object::Pod(o) => serde_json::to_value(&**o),
            Object::Service(o) => serde_json::to_value(&**o),
            Object::Endpoints(o) => serde_json::to_value(&**o),
            Object::EndpointSlice(o) => serde_json::to_value(&**o),
            Object::Deployment(o) => serde_json::to_value(&**o),
            Object::ReplicaSet(o) => serde_json::to_value(&**o),
            Object::Event(o) => serde_json::to_value(o.event()),
            Object::Generic(g) => {
                let mut m = g.body.clone();
                m.insert("apiVersion".into(), g.kind.api_version().into());
                m.insert("kind".into(), g.kind.kind.into());
                m.insert(
                    "metadata".into(),
                    serde_json::to_value(&g.metadata).unwrap_or_default(),
                );
                Ok(serde_json::Value::Object(m))
            }
        }
        .unwrap_or(serde_json::Value::Null);
        // k8s-openapi always writes apiVersion/kind; nothing to add.
        if let serde_json::Value::Object(m) = &mut v {
            m.entry("metadata").or_insert_with(|| serde_json::json!({}));
        }
        v
    }

    /// The object as a read returns it. The API server stores objects as protobuf, where
    /// an empty list and no list are the same; Go decodes both as nil, and a list field
    /// without `omitempty` then prints as `null`: an EndpointSlice with no endpoints or
    /// no ports (k8s.io/api discovery/v1 `Endpoints []Endpoint json:"endpoints"`,
    /// `Ports []EndpointPort json:"ports"`) reads back as `endpoints: null`, `ports: null`.
    ///
    /// The API server writes objects with Go's encoding/json, where `omitempty` does not
    /// drop a struct: a core/v1 Event (k8s.io/api `core/v1/types.go`) always carries
    /// `source` (`{}` when empty), `firstTimestamp`, `lastTimestamp` and `eventTime`
    /// (`null` when zero), and `reportingComponent`/`reportingInstance` (no `omitempty`:
    /// `""`). Verified with kubectl 1.33 `events -o yaml`, which re-encodes the typed Event.
    pub fn to_read_json(&self) -> serde_json::Value {
        use serde_json::Value;
        let mut v = self.to_json();
        if let (Object::Event(_), Value::Object(m)) = (self, &mut v) {
            let zeros = [
                ("source", Value::Object(serde_json::Map::new())),
                ("firstTimestamp", Value::Null),
                ("lastTimestamp", Value::Null),
                ("eventTime", Value::Null),
                ("reportingComponent", Value::String(String::new())),
                ("reportingInstance", Value::String(String::new())),
            ];
            for (field, zero) in zeros {
                m.entry(field).or_insert(zero);
            }
        }
        // A pod template's ObjectMeta has a zero creationTimestamp, which apimachinery
        // before v1.34 (kubernetes#130989) serializes as null: a v1.33 API server
        // answers `template: metadata: creationTimestamp: null` (kubectl.1.33 prints
        // the same for the objects it builds, `create deployment --dry-run=client`).
        let templates: &[&[&str]] = match self.kind() {
            "Deployment"
            | "ReplicaSet"
            | "StatefulSet"
            | "DaemonSet"
            | "Job"
            | "ReplicationController" => &[&["spec", "template"]],
            "CronJob" => &[
                &["spec", "jobTemplate"],
                &["spec", "jobTemplate", "spec", "template"],
            ],
            _ => &[],
        };
        for path in templates {
            let template = path.iter().try_fold(&mut v, |cur, key| cur.get_mut(*key));
            if let Some(serde_json::Value::Object(t)) = template {
                if let serde_json::Value::Object(meta) = t
                    .entry("metadata")
                    .or_insert_with(|| serde_json::Value::Object(Default::default()))
                {
                    meta.entry("creationTimestamp")
                        .or_insert(serde_json::Value::Null);
                }
            }
        }
        if let (Object::EndpointSlice(_), serde_json::Value::Object(m)) = (self, &mut v) {
            for field in ["endpoints", "ports"] {
                let empty = m
                    .get(field)
                    .is_none_or(|e| e.as_array().is_some_and(Vec::is_empty));
                if empty {
                    m.insert(field.into(), serde_json::Value::Null);
                }
            }
        }
        v
    }

    /// Decodes API JSON of a known type into an `Object` (the inverse of `to_json`).
    /// Unknown fields are ignored here; `manifest` reports them.
    pub fn from_json(
        rt: &'static ResourceType,
        value: serde_json::Value,
    ) -> Result<Object, serde_json::Error> {
        Object::from_json_reporting(rt, value, &mut |_| {})
    }

    /// [`Object::from_json`], reporting the paths of unknown fields to `on_unknown`
    /// (serde_ignored paths; `manifest::ignored_path` turns them into `spec.typo`).
    pub fn from_json_reporting(
        rt: &'static ResourceType,
        value: serde_json::Value,
        u: &mut dyn FnMut(serde_ignored::Path),
    ) -> Result<Object, serde_json::Error> {
        Ok(match rt.kind {
            "Namespace" => Object::from(decode_reporting::<Namespace>(value, u)?),
            "Node" => Object::from(decode_reporting::<Node>(value, u)?),
            "Pod" => Object::from(decode_reporting::<Pod>(value, u)?),
            "Service" => Object::from(decode_reporting::<Service>(value, u)?),
            "Endpoints" => Object::from(decode_reporting::<Endpoints>(value, u)?),
            "EndpointSlice" => Object::from(decode_reporting::<EndpointSlice>(value, u)?),
            "Deployment" => Object::from(decode_reporting::<Deployment>(value, u)?),
            "ReplicaSet" => Object::from(decode_reporting::<ReplicaSet>(value, u)?),
            "Event" => Object::from(decode_reporting::<Event>(value, u)?),
            _ => {
                let mut body = match value {
                    serde_json::Value::Object(m) => m,
                    _ => serde_json::Map::new(),
                };
                let meta = body.remove("metadata").unwrap_or_default();
                body.remove("apiVersion");
                body.remove("kind");
                Object::from(GenericObject {
                    kind: rt,
                    metadata: decode(meta)?,
                    body,
                })
            }
        })
    }

    pub fn labels(&self) -> Option<&std::collections::BTreeMap<String, String>> {
        self.meta().labels.as_ref()
    }
}

/// Deserializes API JSON into a k8s-openapi type (unknown fields are skipped).
pub fn decode<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, serde_json::Error> {
    decode_reporting(value, &mut |_| {})
}

/// [`decode`], reporting the paths of unknown fields to `on_unknown`.
///
/// Every typed decode in the crate goes through this one function with a `dyn` callback,
/// so each (very large) k8s-openapi deserializer is instantiated for a single
/// deserializer type. Unknown fields are found while decoding (serde_ignored) rather than
/// by encoding the typed value back and comparing: that was ~35 KB smaller in the gzip
/// bundle, but it made the big Serialize functions hot during an Apply, and Chromium's
/// optimizing compiler then spent ~150 ms of a 2-core machine on them (a trace showed
/// wasm.TopTierCompilation of PodSpec's and every kind's encoders; Apply of 100
/// documents went from ~160 to ~240 ms in interleaved runs).
pub fn decode_reporting<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    on_unknown: &mut dyn FnMut(serde_ignored::Path),
) -> Result<T, serde_json::Error> {
    serde_ignored::deserialize(value, on_unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simulated_kind_is_in_the_table() {
        for kind in [
            "Namespace",
            "Node",
            "Pod",
            "Service",
            "Endpoints",
            "EndpointSlice",
            "Deployment",
            "ReplicaSet",
            "Event",
        ] {
            assert!(kinds::by_kind_name(kind).is_some(), "{kind}");
        }
    }

    #[test]
    fn json_has_kind_and_api_version() {
        let o = Object::from(Deployment::default());
        let v = o.to_json();
        assert_eq!(v["kind"], "Deployment");
        assert_eq!(v["apiVersion"], "apps/v1");
    }
}
