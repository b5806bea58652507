//! Stable sorting with one shared copy of the standard library's sort.
//!
//! `slice::sort_by` is generic over the element and the comparator, so every call site
//! gets its own copy of driftsort (about 4 KB of WebAssembly each; 42 copies were 168 KB
//! of the bundle). These helpers sort a list of indices with a `dyn` comparator (one
//! instantiation for the whole crate) and then move the elements into place with swaps,
//! leaving only a few hundred bytes per call site. The result is the same as the standard
//! stable sort: equal elements keep their order.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Stable sort by a comparator, like `slice::sort_by`.
pub fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let swaps = {
        let items: &[T] = v;
        swaps_for(items.len(), &mut |a, b| compare(&items[a], &items[b]))
    };
    for (a, b) in swaps.iter() {
        v.swap(a, b);
    }
}

/// Stable sort by a key, like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Stable sort in ascending order, like `slice::sort`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// A `BTreeMap` from pairs, like `collect()`: a repeated key keeps its last value. The
/// standard `FromIterator` sorts the pairs first, with its own driftsort per key and value
/// type; inserting them one by one gives the same map without it.
pub fn collect_map<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (k, v) in pairs {
        map.insert(k, v);
    }
    map
}

/// A `BTreeSet` from items, like `collect()`, without the standard sort's copy per type.
pub fn collect_set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

/// A JSON object from pairs, like `collect()` (serde_json's map is a `BTreeMap`).
pub fn collect_object(
    pairs: impl IntoIterator<Item = (String, serde_json::Value)>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::new();
    for (k, v) in pairs {
        map.insert(k, v);
    }
    map
}

/// Lists up to this long are sorted without allocating (the kubelet orders a pod's few
/// conditions on every status write): an insertion sort of indices on the stack.
const SMALL: usize = 16;

/// The swaps that put a list in order, applied in turn with `slice::swap`.
enum Swaps {
    Small([(u8, u8); SMALL], usize),
    Large(Vec<(usize, usize)>),
}

impl Swaps {
    fn iter(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let (small, large): (&[(u8, u8)], &[(usize, usize)]) = match self {
            Swaps::Small(s, n) => (&s[..*n], &[]),
            Swaps::Large(l) => (&[], l),
        };
        small
            .iter()
            .map(|&(a, b)| (usize::from(a), usize::from(b)))
            .chain(large.iter().copied())
    }
}

/// The swaps that put `n` elements in the stable order `compare` (on original indices)
/// defines. Not generic: the standard sort is instantiated once, here.
#[inline(never)]
fn swaps_for(n: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Swaps {
    if n <= SMALL {
        // Stable insertion sort: an element moves left only past greater ones.
        let mut order = [0u8; SMALL];
        for (i, o) in order.iter_mut().enumerate().take(n) {
            *o = i as u8;
        }
        for i in 1..n {
            let cur = order[i];
            let mut j = i;
            while j > 0 && compare(usize::from(order[j - 1]), usize::from(cur)) == Ordering::Greater
            {
                order[j] = order[j - 1];
                j -= 1;
            }
            order[j] = cur;
        }
        let mut at = [0u8; SMALL];
        let mut pos = [0u8; SMALL];
        for i in 0..n {
            at[i] = i as u8;
            pos[i] = i as u8;
        }
        let mut swaps = [(0u8, 0u8); SMALL];
        let mut count = 0;
        for i in 0..n {
            let want = order[i];
            let from = pos[usize::from(want)];
            if usize::from(from) != i {
                let displaced = at[i];
                swaps[count] = (i as u8, from);
                count += 1;
                at[i] = want;
                at[usize::from(from)] = displaced;
                pos[usize::from(want)] = i as u8;
                pos[usize::from(displaced)] = from;
            }
        }
        return Swaps::Small(swaps, count);
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| compare(a, b));
    // at[p]: original index of the element now at position p; pos[o]: its position.
    let mut at: Vec<usize> = (0..n).collect();
    let mut pos: Vec<usize> = (0..n).collect();
    let mut swaps = Vec::new();
    for (i, &want) in order.iter().enumerate() {
        let from = pos[want];
        if from != i {
            let displaced = at[i];
            swaps.push((i, from));
            at[i] = want;
            at[from] = displaced;
            pos[want] = i;
            pos[displaced] = from;
        }
    }
    Swaps::Large(swaps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_stable_sort() {
        // Pairs sorted by the first field only: the second shows stability.
        let mut seed = 7u32;
        for len in 0..60 {
            let mut v: Vec<(u32, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ((seed >> 16) % 5, i)
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_by_key(|p| p.0);
            sort_by_key(&mut v, |p| p.0);
            assert_eq!(v, expected, "len {len}");
        }
        let mut words = vec!["pear", "apple", "fig", "apple"];
        sort(&mut words);
        assert_eq!(words, ["apple", "apple", "fig", "pear"]);
        let mut desc = vec![1, 3, 2];
        sort_by(&mut desc, |a, b| b.cmp(a));
        assert_eq!(desc, [3, 2, 1]);
    }

    #[test]
    fn collect_map_and_set_match_from_iter() {
        // A repeated key keeps its last value, as `BTreeMap::from_iter` does.
        let pairs = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)];
        let expected: BTreeMap<_, _> = pairs.into_iter().collect();
        assert_eq!(collect_map(pairs), expected);
        assert_eq!(collect_map(pairs).get("b"), Some(&3));
        assert_eq!(collect_map(pairs).get("a"), Some(&5));
        assert!(collect_map(Vec::<(u8, u8)>::new()).is_empty());
        let items = ["pear", "fig", "pear", "apple"];
        let expected: BTreeSet<_> = items.into_iter().collect();
        assert_eq!(collect_set(items), expected);
        assert_eq!(
            collect_set(items).into_iter().collect::<Vec<_>>(),
            ["apple", "fig", "pear"]
        );
    }
}
