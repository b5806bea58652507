//! Share links: a scenario in the URL fragment.
//!
//! `#s1.` + base64url (no padding) of raw deflate of a compact binary encoding:
//! varints for numbers, length-prefixed UTF-8 for text, one tag byte per step, and a
//! four-byte checksum. The prefix names the link format, so links made by older
//! formats keep opening; the scenario inside records the simulation version that
//! made it.
//!
//! Decoding is strict and bounded: the link's length, the inflated size (a
//! decompression bomb stops at the limit), the number of steps and the simulated time
//! are all capped, and every malformed input gives a [`LinkError`] - never a panic.
//! Text inside (names, labels, `<script>`) is just data: the page escapes it.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use miniz_oxide::inflate::TINFLStatus;

use super::log::Scenario;
use super::world::{Setting, Step, TrafficSource};
use crate::cluster::{Millis, ProxyMode};

/// The prefix of the current link format (after the `#`).
pub const PREFIX: &str = "s1.";
/// The longest link fragment accepted, in characters.
pub const MAX_LINK_LEN: usize = 64 * 1024;
/// The most bytes a link may inflate to.
pub const MAX_INFLATED: usize = 1024 * 1024;
/// The most steps a link may carry.
pub const MAX_STEPS: usize = 10_000;
/// The most simulated time a link may advance the clock by (30 days).
pub const MAX_CLOCK_MS: Millis = 30 * 24 * 3600 * 1000;

/// Why a link could not be opened. `Display` is the message the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// The fragment is empty or does not look like a kubeplay link.
    NotALink,
    /// A link format this version does not know (`s9.` from a newer kubeplay).
    UnknownVersion(String),
    /// Longer than [`MAX_LINK_LEN`].
    TooLong { len: usize },
    /// Inflates to more than [`MAX_INFLATED`] bytes (or a decompression bomb).
    TooBig,
    /// The data ends early: the link was cut off.
    Truncated,
    /// Characters or data that no kubeplay link contains.
    Corrupted(String),
    /// More than [`MAX_STEPS`] steps or more than [`MAX_CLOCK_MS`] of simulated time.
    TooManySteps,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::NotALink => write!(
                f,
                "This is not a kubeplay share link (it should start with #{PREFIX})."
            ),
            LinkError::UnknownVersion(v) => write!(
                f,
                "This link was made by a newer kubeplay (link format \"{v}\"); this page only opens \"{}\" links. Reload to get the newest version.",
                PREFIX.trim_end_matches('.')
            ),
            LinkError::TooLong { len } => write!(
                f,
                "This link is too long ({len} characters; at most {MAX_LINK_LEN})."
            ),
            LinkError::TooBig => write!(
                f,
                "This link unpacks to more than {} KiB, more than any scenario needs; it was not opened.",
                MAX_INFLATED / 1024
            ),
            LinkError::Truncated => write!(
                f,
                "This link is incomplete: it was cut off (chat apps sometimes shorten long links). Ask for the whole link."
            ),
            LinkError::Corrupted(why) => write!(f, "This link is damaged ({why})."),
            LinkError::TooManySteps => write!(
                f,
                "This link has more than {MAX_STEPS} steps or runs the clock more than 30 days; it was not opened."
            ),
        }
    }
}

impl std::error::Error for LinkError {}

// ---- encoding ------------------------------------------------------------------

const T_APPLY: u8 = 0;
const T_COMMAND: u8 = 1;
const T_KILL: u8 = 2;
const T_SCALE: u8 = 3;
const T_SET_LB: u8 = 4;
const T_SET_PROXY: u8 = 5;
const T_TRAFFIC: u8 = 6;
const T_ADVANCE: u8 = 7;

const E_DEFAULT: u8 = 0;
const E_LAST_APPLY: u8 = 1;
const E_TEXT: u8 = 2;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_int(out: &mut Vec<u8>, v: i64) {
    put_varint(out, ((v << 1) ^ (v >> 63)) as u64);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// The compact binary form of a scenario (before deflate).
pub fn to_bytes(s: &Scenario) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, u64::from(s.version));
    put_varint(&mut out, s.seed);
    let last_apply = s.steps.iter().rev().find_map(|st| match st {
        Step::Apply { text } => Some(text),
        _ => None,
    });
    match &s.editor {
        None => out.push(E_DEFAULT),
        Some(t) if Some(t) == last_apply => out.push(E_LAST_APPLY),
        Some(t) => {
            out.push(E_TEXT);
            put_str(&mut out, t);
        }
    }
    match &s.lesson {
        None => out.push(0),
        Some(id) => {
            out.push(1);
            put_str(&mut out, id);
        }
    }
    put_varint(&mut out, s.steps.len() as u64);
    for step in &s.steps {
        match step {
            Step::Apply { text } => {
                out.push(T_APPLY);
                put_str(&mut out, text);
            }
            Step::Command { line } => {
                out.push(T_COMMAND);
                put_str(&mut out, line);
            }
            Step::KillPod { namespace, name } => {
                out.push(T_KILL);
                put_str(&mut out, namespace);
                put_str(&mut out, name);
            }
            Step::Scale {
                namespace,
                name,
                replicas,
            } => {
                out.push(T_SCALE);
                put_str(&mut out, namespace);
                put_str(&mut out, name);
                put_int(&mut out, i64::from(*replicas));
            }
            Step::Setting(Setting::LoadBalancerController(on)) => {
                out.push(T_SET_LB);
                out.push(u8::from(*on));
            }
            Step::Setting(Setting::ProxyMode(m)) => {
                out.push(T_SET_PROXY);
                out.push(match m {
                    ProxyMode::Iptables => 0,
                    ProxyMode::Ipvs => 1,
                    ProxyMode::Nftables => 2,
                });
            }
            Step::SendTraffic {
                from,
                namespace,
                service,
                count,
            } => {
                out.push(T_TRAFFIC);
                match from {
                    TrafficSource::Outside => out.push(0),
                    TrafficSource::Pod { namespace, name } => {
                        out.push(1);
                        put_str(&mut out, namespace);
                        put_str(&mut out, name);
                    }
                }
                put_str(&mut out, namespace);
                put_str(&mut out, service);
                put_varint(&mut out, u64::from(*count));
            }
            Step::Advance { ms } => {
                out.push(T_ADVANCE);
                put_int(&mut out, *ms);
            }
        }
    }
    out
}

/// The link fragment for a scenario, without the `#`: `s1.` + base64url(deflate(bytes)).
pub fn encode_link(s: &Scenario) -> String {
    let mut bytes = to_bytes(s);
    let sum = checksum(&bytes);
    bytes.extend_from_slice(&sum);
    let packed = miniz_oxide::deflate::compress_to_vec(&bytes, 10);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

// ---- decoding ------------------------------------------------------------------

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, LinkError> {
        let b = *self.data.get(self.pos).ok_or(LinkError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, LinkError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(LinkError::Corrupted("a number is too long".into()))
    }

    fn int(&mut self) -> Result<i64, LinkError> {
        let v = self.varint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    fn string(&mut self) -> Result<String, LinkError> {
        let len = usize::try_from(self.varint()?).map_err(|_| LinkError::Truncated)?;
        let end = self.pos.checked_add(len).ok_or(LinkError::Truncated)?;
        let bytes = self.data.get(self.pos..end).ok_or(LinkError::Truncated)?;
        self.pos = end;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| LinkError::Corrupted("text that is not UTF-8".into()))
    }
}

/// Reads the compact binary form (the inverse of [`to_bytes`]).
pub fn from_bytes(data: &[u8]) -> Result<Scenario, LinkError> {
    let mut r = Reader { data, pos: 0 };
    let version = u32::try_from(r.varint()?)
        .map_err(|_| LinkError::Corrupted("an impossible simulation version".into()))?;
    if version == 0 {
        return Err(LinkError::Corrupted(
            "an impossible simulation version".into(),
        ));
    }
    let seed = r.varint()?;
    let editor_tag = r.byte()?;
    let explicit_editor = match editor_tag {
        E_DEFAULT | E_LAST_APPLY => None,
        E_TEXT => Some(r.string()?),
        _ => return Err(LinkError::Corrupted("an unknown editor mark".into())),
    };
    let lesson = match r.byte()? {
        0 => None,
        1 => Some(r.string()?),
        _ => return Err(LinkError::Corrupted("an unknown lesson mark".into())),
    };
    let n = r.varint()?;
    if n > MAX_STEPS as u64 {
        return Err(LinkError::TooManySteps);
    }
    let mut steps = Vec::new();
    let mut clock: Millis = 0;
    for _ in 0..n {
        let step = match r.byte()? {
            T_APPLY => Step::Apply { text: r.string()? },
            T_COMMAND => Step::Command { line: r.string()? },
            T_KILL => Step::KillPod {
                namespace: r.string()?,
                name: r.string()?,
            },
            T_SCALE => Step::Scale {
                namespace: r.string()?,
                name: r.string()?,
                replicas: i32::try_from(r.int()?)
                    .map_err(|_| LinkError::Corrupted("an impossible replica count".into()))?,
            },
            T_SET_LB => Step::Setting(Setting::LoadBalancerController(match r.byte()? {
                0 => false,
                1 => true,
                _ => return Err(LinkError::Corrupted("an unknown setting value".into())),
            })),
            T_SET_PROXY => Step::Setting(Setting::ProxyMode(match r.byte()? {
                0 => ProxyMode::Iptables,
                1 => ProxyMode::Ipvs,
                2 => ProxyMode::Nftables,
                _ => return Err(LinkError::Corrupted("an unknown kube-proxy mode".into())),
            })),
            T_TRAFFIC => {
                let from = match r.byte()? {
                    0 => TrafficSource::Outside,
                    1 => TrafficSource::Pod {
                        namespace: r.string()?,
                        name: r.string()?,
                    },
                    _ => return Err(LinkError::Corrupted("an unknown traffic source".into())),
                };
                Step::SendTraffic {
                    from,
                    namespace: r.string()?,
                    service: r.string()?,
                    count: u32::try_from(r.varint()?)
                        .map_err(|_| LinkError::Corrupted("an impossible request count".into()))?,
                }
            }
            T_ADVANCE => {
                let ms = r.int()?;
                if ms < 0 {
                    return Err(LinkError::Corrupted("the clock runs backwards".into()));
                }
                clock = clock.saturating_add(ms);
                if clock > MAX_CLOCK_MS {
                    return Err(LinkError::TooManySteps);
                }
                Step::Advance { ms }
            }
            _ => return Err(LinkError::Corrupted("an unknown kind of step".into())),
        };
        steps.push(step);
    }
    if r.pos != data.len() {
        return Err(LinkError::Corrupted(
            "extra data after the last step".into(),
        ));
    }
    let editor = match editor_tag {
        E_LAST_APPLY => steps.iter().rev().find_map(|st| match st {
            Step::Apply { text } => Some(text.clone()),
            _ => None,
        }),
        _ => explicit_editor,
    };
    Ok(Scenario {
        version,
        seed,
        steps,
        editor,
        lesson,
    })
}

/// Opens a link fragment (with or without the leading `#`, or a whole URL with one).
pub fn decode_link(fragment: &str) -> Result<Scenario, LinkError> {
    let frag = match fragment.find('#') {
        Some(i) => &fragment[i + 1..],
        None => fragment,
    };
    let frag = frag.trim();
    if frag.len() > MAX_LINK_LEN {
        return Err(LinkError::TooLong { len: frag.len() });
    }
    let Some((format, body)) = frag.split_once('.') else {
        return Err(LinkError::NotALink);
    };
    let is_format = format.len() >= 2
        && format.len() <= 8
        && format.starts_with('s')
        && format[1..].bytes().all(|b| b.is_ascii_digit());
    if !is_format {
        return Err(LinkError::NotALink);
    }
    if format != PREFIX.trim_end_matches('.') {
        return Err(LinkError::UnknownVersion(format.chars().take(8).collect()));
    }
    if body.is_empty() {
        return Err(LinkError::Truncated);
    }
    if let Some(c) = body
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        let shown = if c.is_ascii_graphic() {
            format!("the character '{c}'")
        } else {
            "a character".to_string()
        };
        return Err(LinkError::Corrupted(format!(
            "{shown} does not belong in a link"
        )));
    }
    let packed = match URL_SAFE_NO_PAD.decode(body) {
        Ok(p) => p,
        // A base64 length that no encoder produces: the end was cut off.
        Err(base64::DecodeError::InvalidLength(_)) => return Err(LinkError::Truncated),
        Err(base64::DecodeError::InvalidLastSymbol(..)) => return Err(LinkError::Truncated),
        Err(_) => return Err(LinkError::Corrupted("not valid base64url".into())),
    };
    let data =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED).map_err(|e| {
            match e.status {
                TINFLStatus::HasMoreOutput => LinkError::TooBig,
                TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                    LinkError::Truncated
                }
                _ => LinkError::Corrupted("the compressed data does not unpack".into()),
            }
        })?;
    if data.len() < 4 {
        return Err(LinkError::Truncated);
    }
    let (body, sum) = data.split_at(data.len() - 4);
    if checksum(body) != sum {
        return Err(LinkError::Corrupted("its checksum does not match".into()));
    }
    from_bytes(body)
}

/// The last four bytes of every link's payload: the low 32 bits of FNV-1a of the rest
/// (deflate has no checksum of its own, so this tells a damaged link from a good one).
fn checksum(bytes: &[u8]) -> [u8; 4] {
    let h = super::log::fnv1a(bytes);
    [(h >> 24) as u8, (h >> 16) as u8, (h >> 8) as u8, h as u8]
}
