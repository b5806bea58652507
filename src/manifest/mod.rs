//! Text -> objects + diagnostics: multi-document YAML and JSON, `kind: List`,
//! strict unknown-field detection, defaulting, validation with the API server's
//! messages, and kubectl-style YAML/JSON output.
//!
//! (Initial version: the public API below is the contract the rest of the crate uses.)

use crate::api::{kinds, GenericObject, Object};

/// Why one document could not become an object. The message is exactly what kubectl
/// prints (without the trailing newline); `line` is a 1-based line in the whole text
/// where the page should mark the error, when known.
#[derive(Debug, Clone, PartialEq)]
pub enum DocError {
    /// YAML/JSON syntax error: kubectl stops at this document.
    Syntax { message: String, line: Option<usize> },
    /// Client-side problems kubectl reports for this document (kind/apiVersion not set,
    /// no mapping for the kind). kubectl reports them and goes on with the other documents.
    Client { message: String, line: Option<usize> },
    /// The object decodes but carries fields its schema lacks: the API server rejects it
    /// with a strict decoding error (BadRequest). `fields` are paths like `spec.ports[0].targetport`.
    UnknownFields {
        object: Box<Object>,
        fields: Vec<String>,
        line: Option<usize>,
    },
    /// The document decodes into the kind's schema but a value has the wrong type
    /// (BadRequest from the server: `... cannot be handled as a Service: ...`).
    Decode {
        kind: String,
        name: String,
        namespace: String,
        message: String,
        line: Option<usize>,
    },
}

/// One document of the input, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 1-based line where the document starts in the whole text.
    pub start_line: usize,
    pub result: Result<Object, DocError>,
}

/// Splits and decodes `text`. Documents after a syntax error are not returned (kubectl
/// stops there). `source` is how kubectl names the input in errors (`STDIN`, a file name).
pub fn parse(text: &str, source: &str) -> Vec<Document> {
    let _ = source;
    let mut docs = Vec::new();
    for (i, de) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let value: Result<serde_json::Value, _> = serde::Deserialize::deserialize(de);
        let result = match value {
            Err(e) => {
                docs.push(Document {
                    start_line: 1,
                    result: Err(DocError::Syntax {
                        message: format!("error: error parsing STDIN: error converting YAML to JSON: yaml: {e}"),
                        line: e.location().map(|l| l.line()),
                    }),
                });
                break;
            }
            Ok(serde_json::Value::Null) => continue,
            Ok(v) => decode(v),
        };
        let _ = i;
        docs.push(Document {
            start_line: 1,
            result,
        });
    }
    docs
}

fn decode(v: serde_json::Value) -> Result<Object, DocError> {
    let kind = v["kind"].as_str().unwrap_or("").to_string();
    let api_version = v["apiVersion"].as_str().unwrap_or("").to_string();
    let name = v["metadata"]["name"].as_str().unwrap_or("").to_string();
    let Some(t) = kinds::by_kind(&kind, &api_version) else {
        return Err(DocError::Client {
            message: format!("error: resource mapping not found for name: \"{name}\" namespace: \"\" from \"STDIN\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first"),
            line: None,
        });
    };
    let decode_err = |e: serde_json::Error| DocError::Decode {
        kind: kind.clone(),
        name: name.clone(),
        namespace: String::new(),
        message: e.to_string(),
        line: None,
    };
    Ok(match t.kind {
        "Deployment" => Object::Deployment(serde_json::from_value(v).map_err(decode_err)?),
        "Service" => Object::Service(serde_json::from_value(v).map_err(decode_err)?),
        "Pod" => Object::Pod(serde_json::from_value(v).map_err(decode_err)?),
        "ReplicaSet" => Object::ReplicaSet(serde_json::from_value(v).map_err(decode_err)?),
        "Namespace" => Object::Namespace(serde_json::from_value(v).map_err(decode_err)?),
        _ => {
            let mut body = match v {
                serde_json::Value::Object(m) => m,
                _ => Default::default(),
            };
            let meta = body.remove("metadata").unwrap_or_default();
            body.remove("apiVersion");
            body.remove("kind");
            Object::Generic(GenericObject {
                kind: t,
                metadata: serde_json::from_value(meta).map_err(decode_err)?,
                body,
            })
        }
    })
}
