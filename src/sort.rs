//! Stable sorting with one shared copy of the standard library's sort.
//!
//! `slice::sort_by` is generic over the element and the comparator, so every call site
//! gets its own copy of driftsort (about 4 KB of WebAssembly each; 42 copies were 168 KB
//! of the bundle). These helpers sort a list of indices with a `dyn` comparator (one
//! instantiation for the whole crate) and then move the elements into place with swaps,
//! leaving only a few hundred bytes per call site. The result is the same as the standard
//! stable sort: equal elements keep their order.

use std::cmp::Ordering;

/// Stable sort by a comparator, like `slice::sort_by`.
pub fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let swaps = {
        let items: &[T] = v;
        swaps_for(items.len(), &mut |a, b| compare(&items[a], &items[b]))
    };
    for (a, b) in swaps {
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

/// The swaps that put `n` elements in the stable order `compare` (on original indices)
/// defines. Not generic: the standard sort is instantiated once, here.
#[inline(never)]
fn swaps_for(n: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<(usize, usize)> {
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
    swaps
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
}
