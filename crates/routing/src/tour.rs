//! Closed tours: a greedy-edge start, then 2-opt and Or-opt over K-nearest-neighbour candidates
//! with don't-look bits, then an iterated local search with local double-bridge kicks.

use crate::knn::{neighbours, Neighbours};
use crate::rng::Rng;
use crate::{group_by_place, Point};

const EPS: f64 = 1e-7;
const K: usize = 10;

/// A short closed tour over all indices (each exactly once). Co-located points (same x,y) are consecutive.
pub fn tsp(points: &[Point]) -> Vec<usize> {
    tsp_with_effort(points, 1.0)
}

/// As `tsp`, with the iterated-local-search budget scaled by `effort` (1.0 is the default,
/// 0.0 stops after the first local optimum).
pub fn tsp_with_effort(points: &[Point], effort: f64) -> Vec<usize> {
    let groups = group_by_place(points);
    let places: Vec<Point> = groups.iter().map(|(p, _)| *p).collect();
    let order = if places.iter().all(|p| p.x.is_finite() && p.y.is_finite()) {
        optimise(&places, effort, 0x5EED)
    } else {
        (0..places.len()).collect()
    };
    order.into_iter().flat_map(|g| groups[g].1.iter().copied()).collect()
}

/// Tour over distinct, finite points.
pub(crate) fn optimise(points: &[Point], effort: f64, seed: u64) -> Vec<usize> {
    let n = points.len();
    if n <= 3 {
        return (0..n).collect();
    }
    let nb = neighbours(points, K);
    let start = greedy_edges(points, &nb);
    let mut t = Tour::new(points, &nb, &start);
    t.local_search_all();
    let iterations = (effort * iteration_budget(n) as f64) as usize;
    t.perturb(iterations, seed);
    t.order.iter().map(|&v| v as usize).collect()
}

/// Kicks for the iterated local search: grows a little faster than n, capped so very large
/// inputs still finish in seconds.
fn iteration_budget(n: usize) -> usize {
    if n < 8 {
        return 0;
    }
    let per_node = if n < 300 { 30 } else { 80 };
    (n * per_node).clamp(500, 400_000)
}

/// Greedy matching on the candidate edges (shortest first, degree ≤ 2, no early cycle), then the
/// fragments are chained by nearest free endpoint.
fn greedy_edges(points: &[Point], nb: &Neighbours) -> Vec<usize> {
    let n = points.len();
    let mut edges: Vec<(f64, u32, u32)> = Vec::with_capacity(n * K);
    for i in 0..n {
        for &j in nb.of(i) {
            if (i as u32) < j {
                edges.push((points[i].dist(points[j as usize]), i as u32, j));
            }
        }
    }
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let up = parent[parent[x as usize] as usize];
            parent[x as usize] = up;
            x = up;
        }
        x
    }
    let mut adj = vec![[u32::MAX; 2]; n];
    let mut deg = vec![0u8; n];
    for &(_, a, b) in &edges {
        let (ai, bi) = (a as usize, b as usize);
        if deg[ai] >= 2 || deg[bi] >= 2 {
            continue;
        }
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra == rb {
            continue;
        }
        parent[ra as usize] = rb;
        adj[ai][deg[ai] as usize] = b;
        adj[bi][deg[bi] as usize] = a;
        deg[ai] += 1;
        deg[bi] += 1;
    }
    // Fragments: walk each from one endpoint; chain to the nearest free endpoint.
    let mut visited = vec![false; n];
    let endpoints: Vec<usize> = (0..n).filter(|&i| deg[i] < 2).collect();
    let mut order = Vec::with_capacity(n);
    let mut current = endpoints.first().copied().unwrap_or(0);
    loop {
        // Walk the fragment that starts at `current`.
        let mut prev = u32::MAX;
        let mut v = current as u32;
        loop {
            visited[v as usize] = true;
            order.push(v as usize);
            let next = adj[v as usize].iter().copied().find(|&w| w != u32::MAX && w != prev && !visited[w as usize]);
            match next {
                Some(w) => {
                    prev = v;
                    v = w;
                }
                None => break,
            }
        }
        let here = points[v as usize];
        let mut best: Option<(f64, usize)> = None;
        for &e in &endpoints {
            if !visited[e] {
                let d = here.dist(points[e]);
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, e));
                }
            }
        }
        match best {
            Some((_, e)) => current = e,
            None => break,
        }
    }
    if order.len() != n {
        // Unreachable for a consistent matching; keep every index anyway.
        let mut seen = vec![false; n];
        order.retain(|&v| !std::mem::replace(&mut seen[v], true));
        order.extend((0..n).filter(|&v| !seen[v]));
    }
    order
}

/// A change made to the array, kept so a rejected kick can be undone.
#[derive(Clone, Copy)]
enum Op {
    /// Positions i..=j (circular) reversed.
    Reverse(usize, usize),
    /// At position `at`, a block of `a` then a block of `b` swapped into b-then-a.
    Swap(usize, usize, usize),
}

pub(crate) struct Tour<'a> {
    points: &'a [Point],
    nb: &'a Neighbours,
    pub(crate) order: Vec<u32>,
    pos: Vec<u32>,
    queued: Vec<bool>,
    queue: std::collections::VecDeque<u32>,
    journal: Vec<Op>,
    scratch: Vec<u32>,
}

impl<'a> Tour<'a> {
    pub(crate) fn new(points: &'a [Point], nb: &'a Neighbours, start: &[usize]) -> Tour<'a> {
        let n = points.len();
        let order: Vec<u32> = start.iter().map(|&v| v as u32).collect();
        let mut pos = vec![0u32; n];
        for (i, &v) in order.iter().enumerate() {
            pos[v as usize] = i as u32;
        }
        Tour {
            points,
            nb,
            order,
            pos,
            queued: vec![false; n],
            queue: std::collections::VecDeque::new(),
            journal: Vec::new(),
            scratch: Vec::new(),
        }
    }

    fn n(&self) -> usize {
        self.order.len()
    }

    fn d(&self, a: usize, b: usize) -> f64 {
        self.points[a].dist(self.points[b])
    }

    fn succ(&self, a: usize) -> usize {
        let p = self.pos[a] as usize + 1;
        self.order[if p == self.n() { 0 } else { p }] as usize
    }

    fn pred(&self, a: usize) -> usize {
        let p = self.pos[a] as usize;
        self.order[if p == 0 { self.n() - 1 } else { p - 1 }] as usize
    }

    fn next(&self, a: usize, forward: bool) -> usize {
        if forward {
            self.succ(a)
        } else {
            self.pred(a)
        }
    }

    /// Reverses positions i..=j (circular); the shorter side is reversed instead when that is
    /// cheaper, which gives the same cyclic tour.
    fn reverse(&mut self, i: usize, j: usize) {
        let n = self.n();
        let len = (j + n - i) % n + 1;
        let (i, j, len) = if 2 * len > n { ((j + 1) % n, (i + n - 1) % n, n - len) } else { (i, j, len) };
        self.reverse_raw(i, j, len);
        self.journal.push(Op::Reverse(i, j));
    }

    fn reverse_raw(&mut self, i: usize, j: usize, len: usize) {
        let n = self.n();
        let (mut a, mut b) = (i, j);
        for _ in 0..len / 2 {
            self.order.swap(a, b);
            self.pos[self.order[a] as usize] = a as u32;
            self.pos[self.order[b] as usize] = b as u32;
            a = if a + 1 == n { 0 } else { a + 1 };
            b = if b == 0 { n - 1 } else { b - 1 };
        }
    }

    /// Replaces edges (x1,x2) and (y1,y2) by (x1,y1) and (x2,y2). x2 must follow x1 exactly when
    /// y2 follows y1 (the orientation a 2-opt move needs).
    fn two_opt(&mut self, x1: usize, x2: usize, y1: usize, y2: usize) {
        if self.succ(x1) == x2 {
            self.reverse(self.pos[x2] as usize, self.pos[y1] as usize);
        } else {
            self.reverse(self.pos[x1] as usize, self.pos[y2] as usize);
        }
    }

    fn push(&mut self, v: usize) {
        if !self.queued[v] {
            self.queued[v] = true;
            self.queue.push_back(v as u32);
        }
    }

    pub(crate) fn local_search_all(&mut self) {
        for i in 0..self.n() {
            let v = self.order[i] as usize;
            self.push(v);
        }
        self.run_queue();
        self.journal.clear();
    }

    /// Improves from the queued nodes until none of them has an improving move; returns the gain.
    fn run_queue(&mut self) -> f64 {
        let mut gain = 0.0;
        while let Some(v) = self.queue.pop_front() {
            let v = v as usize;
            self.queued[v] = false;
            loop {
                let g = self.improve_2opt(v) + self.improve_or_opt(v);
                if g <= 0.0 {
                    break;
                }
                gain += g;
            }
        }
        gain
    }

    fn improve_2opt(&mut self, a: usize) -> f64 {
        for forward in [true, false] {
            let b = self.next(a, forward);
            let dab = self.d(a, b);
            for idx in 0..self.nb.of(a).len() {
                let c = self.nb.of(a)[idx] as usize;
                let g1 = dab - self.d(a, c);
                if g1 <= EPS {
                    break;
                }
                let dn = self.next(c, forward);
                if c == b || dn == a {
                    continue;
                }
                let gain = g1 + self.d(c, dn) - self.d(b, dn);
                if gain > EPS {
                    self.two_opt(a, b, c, dn);
                    for v in [a, b, c, dn] {
                        self.push(v);
                    }
                    return gain;
                }
            }
        }
        0.0
    }

    /// Moves a segment of 1–3 nodes that starts or ends at `a` between two neighbours elsewhere,
    /// in either orientation.
    fn improve_or_opt(&mut self, a: usize) -> f64 {
        let n = self.n();
        if n < 8 {
            return 0.0;
        }
        for len in 1..=3usize {
            for forward in [true, false] {
                if len == 1 && !forward {
                    continue;
                }
                // Segment s1..s2 in tour order.
                let mut other = a;
                for _ in 1..len {
                    other = self.next(other, forward);
                }
                let (s1, s2) = if forward { (a, other) } else { (other, a) };
                let p = self.pred(s1);
                let nx = self.succ(s2);
                let removal = self.d(p, s1) + self.d(s2, nx) - self.d(p, nx);
                if removal <= EPS {
                    continue;
                }
                let in_segment = |t: &Tour, v: usize| -> bool {
                    let off = (t.pos[v] as usize + n - t.pos[s1] as usize) % n;
                    off < len
                };
                for end in [s1, s2] {
                    for idx in 0..self.nb.of(end).len() {
                        let c = self.nb.of(end)[idx] as usize;
                        if self.d(end, c) >= removal {
                            break;
                        }
                        if in_segment(self, c) {
                            continue;
                        }
                        for (u, v) in [(c, self.succ(c)), (self.pred(c), c)] {
                            if in_segment(self, u) || in_segment(self, v) || u == nx || v == p {
                                continue;
                            }
                            let duv = self.d(u, v);
                            let reversed = self.d(u, s2) + self.d(s1, v) - duv;
                            let kept = self.d(u, s1) + self.d(s2, v) - duv;
                            let (add, keep_orientation) = if kept <= reversed { (kept, true) } else { (reversed, false) };
                            let gain = removal - add;
                            if gain > EPS {
                                self.two_opt(p, s1, u, v);
                                self.two_opt(p, u, nx, s2);
                                if keep_orientation && s1 != s2 {
                                    self.two_opt(u, s2, s1, v);
                                }
                                for w in [p, nx, s1, s2, u, v] {
                                    self.push(w);
                                }
                                return gain;
                            }
                        }
                    }
                }
            }
        }
        0.0
    }

    /// Swaps the adjacent blocks at..at+a and at+a..at+a+b (circular).
    fn swap_blocks(&mut self, at: usize, a: usize, b: usize) {
        let n = self.n();
        self.scratch.clear();
        for k in 0..b {
            self.scratch.push(self.order[(at + a + k) % n]);
        }
        for k in 0..a {
            self.scratch.push(self.order[(at + k) % n]);
        }
        for k in 0..a + b {
            let p = (at + k) % n;
            let v = self.scratch[k];
            self.order[p] = v;
            self.pos[v as usize] = p as u32;
        }
    }

    fn undo(&mut self) {
        while let Some(op) = self.journal.pop() {
            match op {
                Op::Reverse(i, j) => {
                    let n = self.n();
                    let len = (j + n - i) % n + 1;
                    self.reverse_raw(i, j, len);
                }
                Op::Swap(at, a, b) => self.swap_blocks(at, b, a),
            }
        }
    }

    /// Iterated local search: a local double-bridge (two short adjacent blocks swapped) near a
    /// random node, local search from the touched nodes, kept when the tour is not longer.
    pub(crate) fn perturb(&mut self, iterations: usize, seed: u64) {
        let n = self.n();
        if n < 8 {
            return;
        }
        let mut rng = Rng::new(seed);
        let max_block = (n / 3).clamp(1, 50);
        for _ in 0..iterations {
            self.journal.clear();
            let at = rng.below(n);
            let a = 1 + rng.below(max_block);
            let b = 1 + rng.below(max_block);
            let before = (at + n - 1) % n;
            let o = |t: &Tour, k: usize| t.order[k % n] as usize;
            let (p, a1, a2, b1, b2, q) = (o(self, before), o(self, at), o(self, at + a - 1), o(self, at + a), o(self, at + a + b - 1), o(self, at + a + b));
            let delta = self.d(p, b1) + self.d(b2, a1) + self.d(a2, q) - self.d(p, a1) - self.d(a2, b1) - self.d(b2, q);
            self.swap_blocks(at, a, b);
            self.journal.push(Op::Swap(at, a, b));
            for v in [p, a1, a2, b1, b2, q] {
                self.push(v);
            }
            let gain = self.run_queue();
            if gain < delta - EPS {
                self.undo();
            }
        }
        self.journal.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tour_length;

    fn grid(w: usize, h: usize, step: f64) -> Vec<Point> {
        let mut pts = Vec::new();
        for y in 0..h {
            for x in 0..w {
                pts.push(Point { x: x as f64 * step, y: y as f64 * step });
            }
        }
        pts
    }

    fn is_permutation(tour: &[usize], n: usize) -> bool {
        let mut seen = vec![false; n];
        tour.len() == n && tour.iter().all(|&v| v < n && !std::mem::replace(&mut seen[v], true))
    }

    #[test]
    fn even_grid_is_within_two_percent_of_optimal() {
        // An even w×h grid with spacing s has an optimal tour of exactly w·h·s.
        let pts = grid(30, 30, 10.0);
        let tour = tsp(&pts);
        assert!(is_permutation(&tour, pts.len()));
        let len = tour_length(&pts, &tour);
        assert!(len <= 9000.0 * 1.02, "length {len}");
        assert!(len >= 9000.0 - 1e-6);
    }

    #[test]
    fn co_located_points_are_consecutive_and_tiny_inputs_work() {
        assert!(tsp(&[]).is_empty());
        assert_eq!(tsp(&[Point { x: 1.0, y: 1.0 }]), vec![0]);
        let mut pts = grid(6, 5, 7.0);
        let flat = Point { x: 3.0, y: 4.0 };
        for _ in 0..12 {
            pts.push(flat);
        }
        pts.push(Point { x: 0.0, y: 0.0 });
        let tour = tsp(&pts);
        assert!(is_permutation(&tour, pts.len()));
        let at: Vec<usize> = tour.iter().enumerate().filter(|(_, &v)| pts[v] == flat).map(|(i, _)| i).collect();
        assert_eq!(at.len(), 12);
        assert_eq!(at[11] - at[0], 11, "flat doors not consecutive: {at:?}");
        let origin: Vec<usize> = tour.iter().enumerate().filter(|(_, &v)| pts[v] == pts[0]).map(|(i, _)| i).collect();
        assert_eq!(origin[1] - origin[0], 1);
    }

    #[test]
    fn same_input_same_tour_and_random_points_are_improved() {
        let mut pts = Vec::new();
        let mut rng = Rng::new(3);
        for _ in 0..500 {
            pts.push(Point { x: rng.below(10_000) as f64 / 10.0, y: rng.below(10_000) as f64 / 10.0 });
        }
        let a = tsp(&pts);
        assert_eq!(a, tsp(&pts));
        assert!(is_permutation(&a, pts.len()));
        // Random uniform: the optimal tour is about 0.7124·sqrt(n·A) (Beardwood–Halton–Hammersley).
        let len = tour_length(&pts, &a);
        let bhh = 0.7124 * (500.0f64 * 1000.0 * 1000.0).sqrt();
        assert!(len < bhh * 1.08, "length {len} vs {bhh}");
    }

    #[test]
    fn non_finite_points_still_give_a_permutation() {
        let pts = vec![Point { x: f64::NAN, y: 0.0 }, Point { x: 1.0, y: f64::INFINITY }, Point { x: 1.0, y: 1.0 }];
        let t = tsp(&pts);
        assert!(is_permutation(&t, 3));
    }
}
