//! kubeplay's minimal `jiff`: the one type k8s-openapi's `Time` and `MicroTime` hold.
//!
//! A [`Timestamp`] is a count of seconds and nanoseconds since the Unix epoch, in UTC.
//! Strings are read the way the API server's `metav1.Time.UnmarshalJSON` reads them,
//! with Go's `time.Parse(time.RFC3339, s)`, so a bad timestamp gets Go's error text
//! (`parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`).
//! [`fmt::strtime::format`] writes the few directives k8s-openapi and kubeplay use.
#![no_std]
extern crate alloc;

use alloc::string::String;
use core::fmt as cfmt;

/// An instant in UTC: seconds since 1970-01-01T00:00:00Z plus nanoseconds (0..1e9).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    second: i64,
    nanosecond: u32,
}

/// A failed conversion or parse; its text is what Go would print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(String);

impl cfmt::Display for Error {
    fn fmt(&self, f: &mut cfmt::Formatter<'_>) -> cfmt::Result {
        f.write_str(&self.0)
    }
}

/// Seconds of the years jiff accepts (-9999-01-01 .. 9999-12-31T23:59:59).
const MIN_SECOND: i64 = -377_705_116_800;
const MAX_SECOND: i64 = 253_402_300_799;

impl Timestamp {
    pub const UNIX_EPOCH: Timestamp = Timestamp {
        second: 0,
        nanosecond: 0,
    };

    pub fn from_second(second: i64) -> Result<Timestamp, Error> {
        if !(MIN_SECOND..=MAX_SECOND).contains(&second) {
            return Err(Error(String::from("timestamp out of range")));
        }
        Ok(Timestamp {
            second,
            nanosecond: 0,
        })
    }

    pub fn from_millisecond(ms: i64) -> Result<Timestamp, Error> {
        let t = Timestamp::from_second(ms.div_euclid(1000))?;
        Ok(Timestamp {
            nanosecond: (ms.rem_euclid(1000) as u32) * 1_000_000,
            ..t
        })
    }

    pub fn as_second(self) -> i64 {
        self.second
    }

    pub fn as_millisecond(self) -> i64 {
        self.second * 1000 + i64::from(self.nanosecond / 1_000_000)
    }

    pub fn subsec_nanosecond(self) -> i32 {
        self.nanosecond as i32
    }

    /// Go's `time.Parse(time.RFC3339, s)`, converted to UTC.
    pub fn parse_rfc3339(s: &str) -> Result<Timestamp, Error> {
        goparse::rfc3339(s)
    }
}

impl cfmt::Debug for Timestamp {
    fn fmt(&self, f: &mut cfmt::Formatter<'_>) -> cfmt::Result {
        cfmt::Display::fmt(self, f)
    }
}

/// RFC 3339 in UTC, the fraction only when there is one, without trailing zeros
/// (as jiff prints a Timestamp).
impl cfmt::Display for Timestamp {
    fn fmt(&self, f: &mut cfmt::Formatter<'_>) -> cfmt::Result {
        let whole = fmt::strtime::format("%Y-%m-%dT%H:%M:%S", *self).map_err(|_| cfmt::Error)?;
        f.write_str(&whole)?;
        if self.nanosecond != 0 {
            let digits = alloc::format!("{:09}", self.nanosecond);
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

impl Timestamp {
    /// strftime with the directives [`fmt::strtime::format`] knows; an unknown one
    /// prints nothing.
    pub fn strftime(&self, pattern: &str) -> String {
        fmt::strtime::format(pattern, *self).unwrap_or_default()
    }
}

impl core::str::FromStr for Timestamp {
    type Err = Error;
    fn from_str(s: &str) -> Result<Timestamp, Error> {
        Timestamp::parse_rfc3339(s)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut cfmt::Formatter<'_>) -> cfmt::Result {
                // "a string": kubeplay's decode errors read it as Go's `of type string`.
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Timestamp, E> {
                Timestamp::parse_rfc3339(s).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01 (civil_from_days).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A port of the parts of Go's time.Parse (src/time/format.go) that the layout
/// RFC3339 = "2006-01-02T15:04:05Z07:00" reaches, errors included.
mod goparse {
    use super::{days_from_civil, days_in, Error, Timestamp};
    use alloc::format;
    use alloc::string::String;

    const LAYOUT: &str = "2006-01-02T15:04:05Z07:00";

    /// Go's strconv-style quoting as time.ParseError uses it (printable ASCII kept).
    fn quote(s: &str) -> String {
        let mut q = String::from("\"");
        for c in s.chars() {
            match c {
                '"' | '\\' => {
                    q.push('\\');
                    q.push(c);
                }
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    q.push_str(&format!("\\x{:02x}", c as u32));
                }
                c => q.push(c),
            }
        }
        q.push('"');
        q
    }

    /// ParseError.Error() without a message: the elements that failed to match.
    fn cannot(value: &str, layout_elem: &str, value_elem: &str) -> Error {
        Error(format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(LAYOUT),
            quote(value_elem),
            quote(layout_elem)
        ))
    }

    /// ParseError.Error() with a message (range errors, extra text).
    fn message(value: &str, msg: &str) -> Error {
        Error(format!("parsing time {}{msg}", quote(value)))
    }

    fn digit(s: &[u8], i: usize) -> bool {
        s.get(i).is_some_and(u8::is_ascii_digit)
    }

    /// Go's getnum: one or two digits (exactly two when `fixed`).
    fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
        let b = s.as_bytes();
        if !digit(b, 0) {
            return None;
        }
        if !digit(b, 1) {
            if fixed {
                return None;
            }
            return Some((i64::from(b[0] - b'0'), &s[1..]));
        }
        Some((
            i64::from(b[0] - b'0') * 10 + i64::from(b[1] - b'0'),
            &s[2..],
        ))
    }

    /// Go's atoi on the four year bytes: an optional sign, then only digits.
    fn atoi(p: &str) -> Option<i64> {
        let (neg, digits) = match p.as_bytes().first() {
            Some(b'-') => (true, &p[1..]),
            Some(b'+') => (false, &p[1..]),
            _ => (false, p),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: i64 = digits.parse().ok()?;
        Some(if neg { -n } else { n })
    }

    /// Go's skip: the literal `prefix` must come next.
    fn skip<'a>(value: &'a str, prefix: &str) -> Result<&'a str, &'a str> {
        let mut v = value;
        for p in prefix.bytes() {
            if v.as_bytes().first() != Some(&p) {
                return Err(v);
            }
            v = &v[1..];
        }
        Ok(v)
    }

    pub(super) fn rfc3339(avalue: &str) -> Result<Timestamp, Error> {
        let mut value = avalue;
        // Each step: the literal before the element, the element's layout text.
        let elems: [(&str, &str); 7] = [
            ("", "2006"),
            ("-", "01"),
            ("-", "02"),
            ("T", "15"),
            (":", "04"),
            (":", "05"),
            ("", "Z07:00"),
        ];
        let (mut year, mut month, mut day, mut hour, mut min, mut sec) = (0, 0, 0, 0, 0, 0);
        let mut nsec = 0i64;
        let mut offset = 0i64;
        for (prefix, elem) in elems {
            value = match skip(value, prefix) {
                Ok(v) => v,
                Err(rest) => return Err(cannot(avalue, prefix, rest)),
            };
            let hold = value;
            let mut range_err: Option<&str> = None;
            let ok = match elem {
                "2006" => {
                    if value.len() < 4 || !value.is_char_boundary(4) {
                        None
                    } else {
                        let (p, rest) = value.split_at(4);
                        value = rest;
                        atoi(p).map(|y| year = y)
                    }
                }
                "01" => getnum(value, true).map(|(m, rest)| {
                    value = rest;
                    month = m;
                    if !(1..=12).contains(&m) {
                        range_err = Some("month");
                    }
                }),
                // Any one- or two-digit day; checked against the month at the end.
                "02" => getnum(value, true).map(|(d, rest)| {
                    value = rest;
                    day = d;
                }),
                "15" => getnum(value, false).map(|(h, rest)| {
                    value = rest;
                    hour = h;
                    if h >= 24 {
                        range_err = Some("hour");
                    }
                }),
                "04" => getnum(value, true).map(|(m, rest)| {
                    value = rest;
                    min = m;
                    if m >= 60 {
                        range_err = Some("minute");
                    }
                }),
                "05" => getnum(value, true).map(|(s, rest)| {
                    value = rest;
                    sec = s;
                    if s >= 60 {
                        range_err = Some("second");
                        return;
                    }
                    // A fractional second the layout does not name is still read.
                    let b = value.as_bytes();
                    if b.len() >= 2 && (b[0] == b'.' || b[0] == b',') && digit(b, 1) {
                        let mut n = 2;
                        while digit(b, n) {
                            n += 1;
                        }
                        // parseNanoseconds: at most nine digits count.
                        let frac = &value[1..n.min(10)];
                        let mut ns: i64 = frac.parse().unwrap_or(0);
                        for _ in frac.len()..9 {
                            ns *= 10;
                        }
                        nsec = ns;
                        value = &value[n..];
                    }
                }),
                _ => {
                    // stdISO8601ColonTZ: "Z", or a sign, two digits, ':' and two digits.
                    if value.starts_with('Z') {
                        value = &value[1..];
                        Some(())
                    } else {
                        let b = value.as_bytes();
                        if b.len() < 6 || b[3] != b':' || !value.is_char_boundary(6) {
                            None
                        } else {
                            let hm = getnum(&value[1..3], true).zip(getnum(&value[4..6], true));
                            match (b[0], hm) {
                                (b'+' | b'-', Some(((hr, _), (mm, _)))) => {
                                    if hr > 24 {
                                        range_err = Some("time zone offset hour");
                                    }
                                    if mm > 60 {
                                        range_err = Some("time zone offset minute");
                                    }
                                    offset = (hr * 60 + mm) * 60;
                                    if b[0] == b'-' {
                                        offset = -offset;
                                    }
                                    value = &value[6..];
                                    Some(())
                                }
                                _ => None,
                            }
                        }
                    }
                }
            };
            if let Some(what) = range_err {
                return Err(message(avalue, &format!(": {what} out of range")));
            }
            if ok.is_none() {
                return Err(cannot(avalue, elem, hold));
            }
        }
        if !value.is_empty() {
            return Err(message(avalue, &format!(": extra text: {}", quote(value))));
        }
        if day < 1 || day > days_in(month, year) {
            return Err(message(avalue, ": day out of range"));
        }
        let second =
            days_from_civil(year, month, day) * 86_400 + hour * 3600 + min * 60 + sec - offset;
        Timestamp::from_second(second).map(|t| Timestamp {
            nanosecond: nsec as u32,
            ..t
        })
    }
}

pub mod fmt {
    pub mod strtime {
        use super::super::{civil_from_days, Error, Timestamp};
        use alloc::string::String;
        use core::fmt::Write;

        const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];

        /// strftime for a UTC timestamp: %Y %m %d %H %M %S %a %b %%, and %.Nf (a dot
        /// and exactly N digits of the fraction, N in 1..=9).
        pub fn format(pattern: &str, t: Timestamp) -> Result<String, Error> {
            let days = t.second.div_euclid(86_400);
            let secs = t.second.rem_euclid(86_400);
            let (y, m, d) = civil_from_days(days);
            let mut out = String::new();
            let mut chars = pattern.chars();
            while let Some(c) = chars.next() {
                if c != '%' {
                    out.push(c);
                    continue;
                }
                let bad = || Error(String::from("unsupported strtime directive"));
                // Writing into a String cannot fail.
                let _ = match chars.next().ok_or_else(bad)? {
                    'Y' if y < 0 => write!(out, "-{:04}", -y),
                    'Y' => write!(out, "{y:04}"),
                    'm' => write!(out, "{m:02}"),
                    'd' => write!(out, "{d:02}"),
                    'H' => write!(out, "{:02}", secs / 3600),
                    'M' => write!(out, "{:02}", secs / 60 % 60),
                    'S' => write!(out, "{:02}", secs % 60),
                    'a' => write!(out, "{}", WEEKDAYS[days.rem_euclid(7) as usize]),
                    'b' => write!(out, "{}", MONTHS[(m - 1) as usize]),
                    '%' => write!(out, "%"),
                    // %.Nf: a dot and N digits; %Nf: the N digits alone.
                    c @ ('.' | '1'..='9') => {
                        let n = match c {
                            '.' => chars.next().and_then(|c| c.to_digit(10)),
                            c => c.to_digit(10),
                        };
                        let n = n.filter(|n| (1..=9).contains(n)).ok_or_else(bad)?;
                        if chars.next() != Some('f') {
                            return Err(bad());
                        }
                        if c == '.' {
                            out.push('.');
                        }
                        let frac = t.nanosecond / 10u32.pow(9 - n);
                        write!(out, "{frac:0width$}", width = n as usize)
                    }
                    _ => return Err(bad()),
                };
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use alloc::string::ToString;

    fn parse_err(s: &str) -> String {
        Timestamp::parse_rfc3339(s).unwrap_err().to_string()
    }

    #[test]
    fn parses_rfc3339_to_utc() {
        let t = Timestamp::parse_rfc3339("2026-01-01T00:05:00Z").unwrap();
        assert_eq!(t.as_second(), 1_767_225_900);
        let t = Timestamp::parse_rfc3339("2024-01-30T10:00:00.123+02:00").unwrap();
        assert_eq!(
            fmt::strtime::format("%Y-%m-%dT%H:%M:%S%.6fZ", t).unwrap(),
            "2024-01-30T08:00:00.123000Z"
        );
        // Go's getnum takes a one-digit hour.
        assert!(Timestamp::parse_rfc3339("2024-01-01T1:00:00Z").is_ok());
    }

    #[test]
    fn errors_are_go_time_parse_errors() {
        // Each expected text is what kubectl 1.33 printed for the value as
        // metadata.creationTimestamp (`kubectl create --dry-run=client --validate=false`).
        assert_eq!(
            parse_err("garbage"),
            r#"parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006""#
        );
        assert_eq!(
            parse_err("2024-02-30T10:00:00+02:00"),
            r#"parsing time "2024-02-30T10:00:00+02:00": day out of range"#
        );
        assert_eq!(
            parse_err("2024-13-01T00:00:00Z"),
            r#"parsing time "2024-13-01T00:00:00Z": month out of range"#
        );
        assert_eq!(
            parse_err("2024-01-01T25:00:00Z"),
            r#"parsing time "2024-01-01T25:00:00Z": hour out of range"#
        );
        assert_eq!(
            parse_err("2024-01-01"),
            r#"parsing time "2024-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T""#
        );
        assert_eq!(
            parse_err("2024-01-01T10:00:00Zjunk"),
            r#"parsing time "2024-01-01T10:00:00Zjunk": extra text: "junk""#
        );
        assert_eq!(
            parse_err("2024-01-01T10:00:00+0200"),
            r#"parsing time "2024-01-01T10:00:00+0200" as "2006-01-02T15:04:05Z07:00": cannot parse "+0200" as "Z07:00""#
        );
        assert_eq!(
            parse_err("2024-1-01T10:00:00Z"),
            r#"parsing time "2024-1-01T10:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-01T10:00:00Z" as "01""#
        );
        assert_eq!(
            parse_err("2024-01-01T10:00:61Z"),
            r#"parsing time "2024-01-01T10:00:61Z": second out of range"#
        );
    }

    #[test]
    fn hostile_strings_do_not_panic() {
        for s in [
            "",
            "2",
            "20é4-01-01T00:00:00Z",
            "2024-01-01T00:00:00+é:00",
            "9999999-01-01T00:00:00Z",
            "-999-01-01T00:00:00Z",
            "2024-01-01T00:00:00.99999999999999999999Z",
            "2024-01-01T00:00:00+99:99",
        ] {
            let _ = Timestamp::parse_rfc3339(s);
        }
    }

    #[test]
    fn formats_like_kubectl_describe() {
        let t = Timestamp::from_second(1_767_225_902).unwrap();
        assert_eq!(
            fmt::strtime::format("%a, %d %b %Y %H:%M:%S +0000", t).unwrap(),
            "Thu, 01 Jan 2026 00:05:02 +0000"
        );
        assert_eq!(
            Timestamp::from_millisecond(-1).unwrap().as_millisecond(),
            -1
        );
        let t = Timestamp::from_millisecond(1_767_225_902_500).unwrap();
        assert_eq!(t.to_string(), "2026-01-01T00:05:02.5Z");
        assert_eq!(
            t.strftime("%Y-%m-%dT%H:%M:%S.%9fZ"),
            "2026-01-01T00:05:02.500000000Z"
        );
        assert_eq!(t.strftime("%m%d %H:%M:%S"), "0101 00:05:02");
        assert_eq!(
            fmt::strtime::format("%Y-%m-%dT%H:%M:%SZ", Timestamp::UNIX_EPOCH).unwrap(),
            "1970-01-01T00:00:00Z"
        );
        // Round trip over a range of days, leap years included.
        for day in -800_000i64..800_000 {
            if day % 997 != 0 {
                continue;
            }
            let t = Timestamp::from_second(day * 86_400 + 3723).unwrap();
            let s = fmt::strtime::format("%Y-%m-%dT%H:%M:%SZ", t).unwrap();
            if t.as_second() >= 0 {
                assert_eq!(Timestamp::parse_rfc3339(&s).unwrap(), t, "{s}");
            }
        }
    }
}
