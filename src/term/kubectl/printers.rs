//! Table printing (cli-runtime tabwriter: minwidth 6, padding 3), ages, and the
//! server-side columns of each kind (k/k printers.go).

/// `duration.HumanDuration` of a number of milliseconds.
pub fn human_duration(ms: i64) -> String {
    let s = ms / 1000;
    if s < 0 {
        return "<invalid>".into();
    }
    if s < 120 {
        return format!("{s}s");
    }
    let m = s / 60;
    if m < 10 {
        let rs = s % 60;
        return if rs == 0 { format!("{m}m") } else { format!("{m}m{rs}s") };
    }
    if m < 180 {
        return format!("{m}m");
    }
    let h = s / 3600;
    if h < 8 {
        let rm = (s % 3600) / 60;
        return if rm == 0 { format!("{h}h") } else { format!("{h}h{rm}m") };
    }
    if h < 48 {
        return format!("{h}h");
    }
    let d = h / 24;
    if h < 24 * 8 {
        let rh = h % 24;
        return if rh == 0 { format!("{d}d") } else { format!("{d}d{rh}h") };
    }
    if h < 24 * 365 * 2 {
        return format!("{d}d");
    }
    let y = d / 365;
    if h < 24 * 365 * 8 {
        let rd = d % 365;
        return if rd == 0 { format!("{y}y") } else { format!("{y}y{rd}d") };
    }
    format!("{y}y")
}

/// Go tabwriter as kubectl configures it: each cell padded to the column's widest
/// cell + 3 (at least 6), the last column unpadded.
pub fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut s = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                let w = (widths[i] + 3).max(6);
                line.push_str(c);
                line.extend(std::iter::repeat_n(' ', w - c.chars().count()));
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}
