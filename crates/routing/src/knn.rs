//! The K nearest neighbours of every point, found through a uniform grid so it costs about
//! n·K rather than n²; the local searches only try moves towards these candidates.

use crate::Point;

/// Neighbour lists, nearest first: `of(i)` are the indices nearest to point i (never i itself).
pub(crate) struct Neighbours {
    k: usize,
    lists: Vec<u32>,
    lens: Vec<u8>,
}

impl Neighbours {
    pub(crate) fn of(&self, i: usize) -> &[u32] {
        let start = i * self.k;
        &self.lists[start..start + self.lens[i] as usize]
    }
}

pub(crate) fn neighbours(points: &[Point], k: usize) -> Neighbours {
    let n = points.len();
    let k = k.min(n.saturating_sub(1)).min(255);
    let mut out = Neighbours { k, lists: vec![0; n * k], lens: vec![0; n] };
    if k == 0 {
        return out;
    }
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in points {
        min_x = min_x.min(p.x);
        min_y = min_y.min(p.y);
        max_x = max_x.max(p.x);
        max_y = max_y.max(p.y);
    }
    let (w, h) = (max_x - min_x, max_y - min_y);
    let cells_wanted = (n as f64 / 2.0).max(1.0);
    let mut side = if w * h > 0.0 { (w * h / cells_wanted).sqrt() } else { w.max(h) / cells_wanted };
    if !(side.is_finite() && side > 0.0) {
        side = 1.0;
    }
    let gw = ((w / side) as usize + 1).min(4 * n + 1);
    let gh = ((h / side) as usize + 1).min(4 * n + 1);
    let cell_of = |p: Point| -> (usize, usize) {
        let cx = (((p.x - min_x) / side) as usize).min(gw - 1);
        let cy = (((p.y - min_y) / side) as usize).min(gh - 1);
        (cx, cy)
    };
    // Counting sort of the points into cells.
    let mut start = vec![0u32; gw * gh + 1];
    for &p in points {
        let (cx, cy) = cell_of(p);
        start[cy * gw + cx + 1] += 1;
    }
    for c in 0..gw * gh {
        start[c + 1] += start[c];
    }
    let mut fill = start.clone();
    let mut members = vec![0u32; n];
    for (i, &p) in points.iter().enumerate() {
        let (cx, cy) = cell_of(p);
        let c = cy * gw + cx;
        members[fill[c] as usize] = i as u32;
        fill[c] += 1;
    }

    let mut best: Vec<(f64, u32)> = Vec::with_capacity(k + 1);
    for (i, &p) in points.iter().enumerate() {
        best.clear();
        let (cx, cy) = cell_of(p);
        let max_ring = gw.max(gh);
        for ring in 0..=max_ring {
            let (x0, x1) = (cx as isize - ring as isize, cx as isize + ring as isize);
            let (y0, y1) = (cy as isize - ring as isize, cy as isize + ring as isize);
            for gy in y0..=y1 {
                if gy < 0 || gy >= gh as isize {
                    continue;
                }
                let on_edge_row = gy == y0 || gy == y1;
                let mut gx = x0;
                while gx <= x1 {
                    if gx >= 0 && gx < gw as isize {
                        let c = gy as usize * gw + gx as usize;
                        for &j in &members[start[c] as usize..start[c + 1] as usize] {
                            if j as usize == i {
                                continue;
                            }
                            let d = p.dist(points[j as usize]);
                            if best.len() < k || d < best[best.len() - 1].0 {
                                let at = best.partition_point(|&(bd, _)| bd <= d);
                                best.insert(at, (d, j));
                                best.truncate(k);
                            }
                        }
                    }
                    // Inner rows only need the two cells at the ring's edge.
                    gx = if on_edge_row || gx == x1 { gx + 1 } else { x1 };
                }
            }
            if best.len() == k && best[k - 1].0 <= ring as f64 * side {
                break;
            }
        }
        let base = i * k;
        for (slot, &(_, j)) in best.iter().enumerate() {
            out.lists[base + slot] = j;
        }
        out.lens[i] = best.len() as u8;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_neighbours_match_brute_force() {
        let mut pts = Vec::new();
        let mut s = 7u64;
        for _ in 0..300 {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let x = (s >> 33) as f64 % 1000.0;
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let y = (s >> 33) as f64 % 300.0;
            pts.push(Point { x, y });
        }
        let nb = neighbours(&pts, 8);
        for i in 0..pts.len() {
            let mut all: Vec<f64> = (0..pts.len()).filter(|&j| j != i).map(|j| pts[i].dist(pts[j])).collect();
            all.sort_by(f64::total_cmp);
            let got: Vec<f64> = nb.of(i).iter().map(|&j| pts[i].dist(pts[j as usize])).collect();
            assert_eq!(got.len(), 8);
            for (a, b) in got.iter().zip(&all) {
                assert!((a - b).abs() < 1e-9, "point {i}: {got:?} vs {:?}", &all[..8]);
            }
        }
    }
}
