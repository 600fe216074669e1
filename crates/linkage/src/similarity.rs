//! String similarity on normalised (ASCII, lower-case) text: Jaro-Winkler and a bounded
//! Damerau-Levenshtein (optimal string alignment). Both are symmetric.

/// Jaro-Winkler similarity in 0..=1 (prefix scale 0.1, at most four prefix characters).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let jaro = jaro(a, b);
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    jaro + prefix as f64 * 0.1 * (1.0 - jaro)
}

fn jaro(a: &[u8], b: &[u8]) -> f64 {
    // Symmetric by construction: always scan the shorter (then the smaller) against the other.
    let (s, l) = if (a.len(), a) <= (b.len(), b) { (a, b) } else { (b, a) };
    if l.len() > 64 {
        return long_jaro(s, l);
    }
    let window = (l.len() / 2).saturating_sub(1);
    let mut l_used = [false; 64];
    let mut s_matched = [0u8; 64];
    let mut m = 0;
    for (i, &c) in s.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(l.len());
        for j in lo..hi {
            if !l_used[j] && l[j] == c {
                l_used[j] = true;
                s_matched[m] = c;
                m += 1;
                break;
            }
        }
    }
    if m == 0 {
        return 0.0;
    }
    let l_matched = l.iter().zip(l_used.iter()).filter(|(_, &u)| u).map(|(&c, _)| c);
    let transpositions = s_matched[..m].iter().zip(l_matched).filter(|(x, y)| **x != *y).count() / 2;
    let m = m as f64;
    (m / s.len() as f64 + m / l.len() as f64 + (m - transpositions as f64) / m) / 3.0
}

/// Values longer than 64 bytes (rare: a whole address in one field) are compared on their
/// first 64 bytes.
fn long_jaro(s: &[u8], l: &[u8]) -> f64 {
    jaro(&s[..s.len().min(64)], &l[..64])
}

/// How many bytes `a` and `b` have in common as multisets: an upper bound on the characters
/// Jaro can match, and (through the longer length minus it) a lower bound on edits.
/// Bytes are counted in 32 buckets (`c & 31`: the letters each get their own, digits share
/// with letters), which can only overcount: the bound stays a bound, and the table is cheap.
fn common_bytes(a: &[u8], b: &[u8]) -> usize {
    let mut counts = [0u8; 32];
    for &c in a {
        let n = &mut counts[usize::from(c & 31)];
        *n = n.saturating_add(1);
    }
    let mut common = 0;
    for &c in b {
        let n = &mut counts[usize::from(c & 31)];
        if *n > 0 {
            *n -= 1;
            common += 1;
        }
    }
    common
}

/// Jaro-Winkler if it can reach `at_least`, else `None`: a cheap bound (common characters, no
/// transpositions, the longest possible prefix) rules most unlike pairs out without the full
/// computation. Same answer as comparing [`jaro_winkler`] with `at_least`.
pub fn jaro_winkler_if_at_least(a: &str, b: &str, at_least: f64) -> Option<f64> {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !x.is_empty() && !y.is_empty() && x != y {
        let m = common_bytes(x, y) as f64;
        let bound = (m / x.len() as f64 + m / y.len() as f64 + 1.0) / 3.0;
        let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
        if bound + prefix as f64 * 0.1 * (1.0 - bound) < at_least - 1e-12 {
            return None;
        }
    }
    Some(jaro_winkler(a, b)).filter(|&s| s >= at_least)
}

/// Whether the optimal-string-alignment distance (insert, delete, substitute, swap two
/// neighbours) between `a` and `b` is at most `k`.
pub fn within_edits(a: &str, b: &str, k: usize) -> bool {
    edits_at_most(a, b, k).is_some()
}

/// The optimal-string-alignment distance when it is at most `k`.
pub fn edits_at_most(a: &str, b: &str, k: usize) -> Option<usize> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > k || a.len().max(b.len()) - common_bytes(a, b) > k {
        return None;
    }
    if a == b {
        return Some(0);
    }
    let w = b.len() + 1;
    // Three rolling rows: two back (for the swap), one back, and the current one. Distances
    // are kept as bytes (saturating: anything above `k` is just "too far"), on the stack for
    // the values that occur in practice.
    let mut stack = [0u8; 3 * 33];
    let mut heap;
    let rows: &mut [u8] = if 3 * w <= stack.len() {
        &mut stack[..3 * w]
    } else {
        heap = vec![0u8; 3 * w];
        &mut heap
    };
    let cap = |v: usize| v.min(255) as u8;
    let (mut two, mut one, mut cur) = (0, w, 2 * w);
    for j in 0..w {
        rows[one + j] = cap(j);
    }
    for i in 1..=a.len() {
        rows[cur] = cap(i);
        let mut row_min = i;
        for j in 1..w {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut v = rows[one + j].saturating_add(1).min(rows[cur + j - 1].saturating_add(1)).min(rows[one + j - 1].saturating_add(cost));
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[two + j - 2].saturating_add(1));
            }
            rows[cur + j] = v;
            row_min = row_min.min(usize::from(v));
        }
        if row_min > k {
            return None;
        }
        (two, one, cur) = (one, cur, two);
    }
    Some(usize::from(rows[one + w - 1])).filter(|&d| d <= k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_winkler_known_values() {
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 1e-3);
        assert!((jaro_winkler("dixon", "dicksonx") - 0.8133).abs() < 1e-3);
        assert_eq!(jaro_winkler("", "abc"), 0.0);
        assert_eq!(jaro_winkler("berg", "berg"), 1.0);
    }

    #[test]
    fn edits_count_a_swap_as_one() {
        assert!(within_edits("19801203", "19801230", 1));
        assert!(within_edits("jansen", "jnasen", 1));
        assert!(!within_edits("jansen", "janssens", 1));
        assert!(within_edits("jansen", "janssens", 2));
        assert!(!within_edits("abc", "xyz", 2));
        assert_eq!(edits_at_most("19800312", "19810313", 2), Some(2));
        assert_eq!(edits_at_most("19800312", "19650101", 2), None);
    }
}
