//! Walk routing for door-to-door outreach: a short closed tour over points (`tsp`) and walk lists
//! for several walkers within one shift (`plan`). No IO and no clock: the same input gives the same output.

mod knn;
mod plan;
mod rng;
mod tour;

pub use plan::{centroid, plan, route_seconds, Plan, PlanError, PlanParams};
pub use tour::{tsp, tsp_with_effort};

/// A point in metres (Dutch RD coordinates).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    /// Straight-line distance in metres.
    pub fn dist(self, other: Point) -> f64 {
        let dx = self.x - other.x;
        let dy = self.y - other.y;
        (dx * dx + dy * dy).sqrt()
    }

    fn same_place(self, other: Point) -> bool {
        self.x.to_bits() == other.x.to_bits() && self.y.to_bits() == other.y.to_bits()
    }
}

/// Length of the closed tour: from the first index through all of them and back to the first.
/// Indices outside `points` are skipped.
pub fn tour_length(points: &[Point], tour: &[usize]) -> f64 {
    let stops: Vec<Point> = tour.iter().filter_map(|&i| points.get(i).copied()).collect();
    match (stops.first(), stops.last()) {
        (Some(&first), Some(&last)) => stops.windows(2).map(|w| w[0].dist(w[1])).sum::<f64>() + last.dist(first),
        _ => 0.0,
    }
}

/// Groups indices by identical location, in order of first appearance: (location, indices).
pub(crate) fn group_by_place(points: &[Point]) -> Vec<(Point, Vec<usize>)> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        points[a].x.total_cmp(&points[b].x).then(points[a].y.total_cmp(&points[b].y)).then(a.cmp(&b))
    });
    let mut groups: Vec<(Point, Vec<usize>)> = Vec::new();
    for i in order {
        match groups.last_mut() {
            Some((p, members)) if p.same_place(points[i]) => members.push(i),
            _ => groups.push((points[i], vec![i])),
        }
    }
    groups.sort_by_key(|(_, members)| members.first().copied().unwrap_or(0));
    groups
}
