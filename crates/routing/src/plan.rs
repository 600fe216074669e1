//! Walk lists for several walkers within one shift: route first (one short tour over all stops),
//! cluster second (an optimal split of that tour into shift-feasible routes), then local search
//! between and within routes.
//!
//! Everything is measured in metres: a second of service counts as `speed` metres of walking, so a
//! route fits when its walking distance plus its service (in metres) is at most `shift · speed`.

use std::fmt;

use crate::knn::{neighbours, Neighbours};
use crate::tour::Tour;
use crate::{group_by_place, Point};

const EPS: f64 = 1e-7;

/// What `plan` needs to know about the walkers and the shift.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanParams {
    pub walkers: usize,
    pub shift_seconds: f64,
    /// Service time per door.
    pub service_seconds: f64,
    pub speed_m_per_s: f64,
    /// Where every walker starts and ends; `None` is the centroid of the doors.
    pub start: Option<Point>,
    /// Make the walk lists comparable in length (see `plan`).
    pub balanced: bool,
}

/// One walk list per walker (door indices in visit order) and the doors that did not fit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub routes: Vec<Vec<usize>>,
    pub unplanned: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    NoWalkers,
    Shift(f64),
    Speed(f64),
    Service(f64),
    /// The door with this index has a coordinate that is not a finite number.
    Coordinate(usize),
    Start,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::NoWalkers => write!(f, "er is ten minste één loper nodig"),
            PlanError::Shift(s) => write!(f, "de dienst moet langer dan 0 seconden zijn (nu {s})"),
            PlanError::Speed(s) => write!(f, "de loopsnelheid moet groter dan 0 zijn (nu {s} m/s)"),
            PlanError::Service(s) => write!(f, "de tijd per deur mag niet negatief zijn (nu {s} s)"),
            PlanError::Coordinate(i) => write!(f, "deur {} heeft een coördinaat die geen eindig getal is", i + 1),
            PlanError::Start => write!(f, "het startpunt heeft een coördinaat die geen eindig getal is"),
        }
    }
}

impl std::error::Error for PlanError {}

/// Seconds a walker needs for `route`: walking from `start` through the doors and back, plus the
/// service time of each door.
pub fn route_seconds(doors: &[Point], start: Point, route: &[usize], params: &PlanParams) -> f64 {
    let mut at = start;
    let mut walk = 0.0;
    for &i in route {
        if let Some(&p) = doors.get(i) {
            walk += at.dist(p);
            at = p;
        }
    }
    walk += at.dist(start);
    walk / params.speed_m_per_s + params.service_seconds * route.len() as f64
}

/// Plans walk lists: every walker starts and ends at the start point and needs at most the shift
/// (walking at `speed` plus `service_seconds` per door). Doors at one location form one stop and
/// stay together unless that stop alone exceeds a shift. First as many doors as possible are
/// planned, then the total walking distance is made short. Doors that do not fit are returned in
/// `unplanned`.
///
/// `balanced`: the smallest per-route limit (≤ the shift) at which the same number of doors is still
/// planned is found by bisection; the plan is then made under that limit plus 3% (never above the
/// shift), so no walker gets a much longer list than the others.
pub fn plan(doors: &[Point], params: &PlanParams) -> Result<Plan, PlanError> {
    if params.walkers == 0 {
        return Err(PlanError::NoWalkers);
    }
    if !(params.shift_seconds.is_finite() && params.shift_seconds > 0.0) {
        return Err(PlanError::Shift(params.shift_seconds));
    }
    if !(params.speed_m_per_s.is_finite() && params.speed_m_per_s > 0.0) {
        return Err(PlanError::Speed(params.speed_m_per_s));
    }
    if !(params.service_seconds.is_finite() && params.service_seconds >= 0.0) {
        return Err(PlanError::Service(params.service_seconds));
    }
    if let Some(i) = doors.iter().position(|p| !(p.x.is_finite() && p.y.is_finite())) {
        return Err(PlanError::Coordinate(i));
    }
    let depot = match params.start {
        Some(p) if p.x.is_finite() && p.y.is_finite() => p,
        Some(_) => return Err(PlanError::Start),
        None => centroid(doors),
    };
    let cap = params.shift_seconds * params.speed_m_per_s;
    let door_m = params.service_seconds * params.speed_m_per_s;
    let problem = Problem::new(doors, depot, door_m, params.walkers, cap);
    let mut best = problem.solve(cap, 1.0);
    if params.balanced && params.walkers > 1 {
        let wanted = best.planned_doors(&problem);
        let longest = best.routes.iter().map(|r| problem.route_cost(r)).fold(0.0, f64::max);
        let (mut lo, mut hi) = (0.0f64, longest.min(cap));
        for _ in 0..12 {
            let mid = 0.5 * (lo + hi);
            if problem.solve(mid, 0.0).planned_doors(&problem) >= wanted {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        let balanced = problem.solve((hi * 1.03).min(cap), 1.0);
        if balanced.planned_doors(&problem) >= wanted {
            best = balanced;
        }
    }
    Ok(problem.into_plan(&best))
}

/// The mean of the points (the origin for none): the default start.
pub fn centroid(doors: &[Point]) -> Point {
    if doors.is_empty() {
        return Point { x: 0.0, y: 0.0 };
    }
    let n = doors.len() as f64;
    Point { x: doors.iter().map(|p| p.x).sum::<f64>() / n, y: doors.iter().map(|p| p.y).sum::<f64>() / n }
}

/// Doors at one location, as many as one walker can serve there; service in metres.
struct Stop {
    at: Point,
    doors: Vec<usize>,
    service: f64,
}

struct Problem {
    stops: Vec<Stop>,
    /// Doors that no walker can reach and serve within a shift.
    unreachable: Vec<usize>,
    depot: Point,
    walkers: usize,
    nb: Neighbours,
    giant: Vec<usize>,
}

#[derive(Clone)]
struct Solution {
    routes: Vec<Vec<usize>>,
    unplanned: Vec<usize>,
}

impl Solution {
    fn planned_doors(&self, p: &Problem) -> usize {
        self.routes.iter().flatten().map(|&s| p.stops[s].doors.len()).sum()
    }
}

impl Problem {
    fn new(doors: &[Point], depot: Point, door_m: f64, walkers: usize, cap: f64) -> Problem {
        let mut stops = Vec::new();
        let mut unreachable = Vec::new();
        for (at, members) in group_by_place(doors) {
            let room = cap - 2.0 * depot.dist(at);
            if room + EPS < door_m || room < -EPS {
                unreachable.extend(members);
                continue;
            }
            let per_walker = if door_m > 0.0 { (((room + EPS) / door_m).floor() as usize).max(1) } else { members.len() };
            for chunk in members.chunks(per_walker.max(1)) {
                stops.push(Stop { at, doors: chunk.to_vec(), service: door_m * chunk.len() as f64 });
            }
        }
        let points: Vec<Point> = stops.iter().map(|s| s.at).collect();
        let nb = neighbours(&points, 12);
        let giant = crate::tour::tsp(&points);
        Problem { stops, unreachable, depot, walkers, nb, giant }
    }

    fn d(&self, a: Option<usize>, b: Option<usize>) -> f64 {
        self.at(a).dist(self.at(b))
    }

    fn at(&self, s: Option<usize>) -> Point {
        s.map_or(self.depot, |s| self.stops[s].at)
    }

    fn route_walk(&self, route: &[usize]) -> f64 {
        let mut prev = None;
        let mut walk = 0.0;
        for &s in route {
            walk += self.d(prev, Some(s));
            prev = Some(s);
        }
        walk + self.d(prev, None)
    }

    /// Walking plus service, in metres.
    fn route_cost(&self, route: &[usize]) -> f64 {
        self.route_walk(route) + route.iter().map(|&s| self.stops[s].service).sum::<f64>()
    }

    fn solve(&self, cap: f64, effort: f64) -> Solution {
        let mut best: Option<(usize, f64, Solution)> = None;
        let n = self.giant.len();
        let rotations = if n <= 200 { n.max(1) } else { 24 };
        for r in 0..rotations {
            for reversed in [false, true] {
                let offset = r * n / rotations;
                let mut order: Vec<usize> = (0..n).map(|k| self.giant[(offset + k) % n]).collect();
                if reversed {
                    order.reverse();
                }
                let sol = self.split(&order, cap);
                let planned = sol.planned_doors(self);
                let walk: f64 = sol.routes.iter().map(|r| self.route_walk(r)).sum();
                if best.as_ref().is_none_or(|(bp, bw, _)| planned > *bp || (planned == *bp && walk < *bw - EPS)) {
                    best = Some((planned, walk, sol));
                }
            }
        }
        let mut sol = match best {
            Some((_, _, s)) => s,
            None => Solution { routes: vec![Vec::new(); self.walkers], unplanned: Vec::new() },
        };
        Search::new(self, cap, &mut sol).run(effort);
        let sol = self.ruin_and_recreate(cap, effort, sol, 0xB00C);
        // When not every door fits, which doors to leave is a harder choice (a knapsack over
        // the walk): search longer, from another seed.
        if sol.unplanned.is_empty() {
            sol
        } else {
            self.ruin_and_recreate(cap, effort * 3.0, sol, 0x5EED)
        }
    }

    /// (planned doors, walking) of a solution; more doors first, then less walking.
    fn key(&self, sol: &Solution) -> (usize, f64) {
        (sol.planned_doors(self), sol.routes.iter().map(|r| self.route_walk(r)).sum())
    }

    /// Iterated local search over whole plans: remove a random stop and its nearest neighbours,
    /// put them back by cheapest insertion, local search, keep the result when it is not worse.
    fn ruin_and_recreate(&self, cap: f64, effort: f64, mut best: Solution, seed: u64) -> Solution {
        let stops = self.stops.len();
        let iterations = (effort * (2 * stops).clamp(300, 1_000) as f64) as usize;
        if stops < 4 {
            return best;
        }
        let mut best_key = self.key(&best);
        let mut rng = crate::rng::Rng::new(seed);
        for _ in 0..iterations {
            let mut cand = best.clone();
            let centre = rng.below(stops);
            let size = 3 + rng.below(12.min(stops - 2));
            let mut removed = vec![centre];
            removed.extend(self.nb.of(centre).iter().take(size).map(|&t| t as usize));
            {
                let mut search = Search::new(self, cap, &mut cand);
                search.ruin(&removed);
                search.run(0.0);
            }
            let key = self.key(&cand);
            if key.0 > best_key.0 || (key.0 == best_key.0 && key.1 <= best_key.1 + EPS) {
                best = cand;
                best_key = key;
            }
        }
        best
    }

    /// Prins' split with a limited fleet: routes are consecutive runs of `order`, stops between
    /// runs may stay unplanned; most doors first, then least walking.
    fn split(&self, order: &[usize], cap: f64) -> Solution {
        let n = order.len();
        let m = self.walkers;
        let w = n + 1;
        // value[k*w + i]: best (doors, walk) over the first i stops with k routes; parent: where from.
        let mut value: Vec<Option<(usize, f64)>> = vec![None; (m + 1) * w];
        let mut parent: Vec<usize> = vec![usize::MAX; (m + 1) * w];
        let better = |a: (usize, f64), b: Option<(usize, f64)>| match b {
            None => true,
            Some(b) => a.0 > b.0 || (a.0 == b.0 && a.1 < b.1 - EPS),
        };
        value[0] = Some((0, 0.0));
        for k in 0..=m {
            for i in 0..n {
                let Some((doors, walk)) = value[k * w + i] else { continue };
                // Leave stop i unplanned (parent marks a skip with the same k).
                if better((doors, walk), value[k * w + i + 1]) {
                    value[k * w + i + 1] = Some((doors, walk));
                    parent[k * w + i + 1] = k * w + i;
                }
                if k == m {
                    continue;
                }
                let first = order[i];
                let mut path = 0.0;
                let mut service = 0.0;
                let mut count = 0;
                for j in i..n {
                    let s = order[j];
                    if j > i {
                        path += self.stops[order[j - 1]].at.dist(self.stops[s].at);
                    }
                    service += self.stops[s].service;
                    count += self.stops[s].doors.len();
                    let out_back = self.depot.dist(self.stops[first].at) + self.depot.dist(self.stops[s].at);
                    if path + service > cap + EPS {
                        break;
                    }
                    if path + service + out_back > cap + EPS {
                        continue;
                    }
                    let cand = (doors + count, walk + path + out_back);
                    let at = (k + 1) * w + j + 1;
                    if better(cand, value[at]) {
                        value[at] = Some(cand);
                        parent[at] = k * w + i;
                    }
                }
            }
        }
        // k = 0 with every stop skipped is always reachable.
        let mut end = n;
        for k in 1..=m {
            let at = k * w + n;
            if let Some(v) = value[at] {
                if better(v, value[end]) {
                    end = at;
                }
            }
        }
        let mut routes = Vec::new();
        let mut unplanned = Vec::new();
        let mut at = end;
        while at != 0 && parent[at] != usize::MAX {
            let from = parent[at];
            let (k0, i0) = (from / w, from % w);
            let (k1, i1) = (at / w, at % w);
            if k0 == k1 {
                unplanned.push(order[i0]);
            } else {
                routes.push(order[i0..i1].to_vec());
            }
            at = from;
        }
        routes.resize(m, Vec::new());
        Solution { routes, unplanned }
    }

    fn into_plan(self, sol: &Solution) -> Plan {
        let routes: Vec<Vec<usize>> =
            sol.routes.iter().map(|r| r.iter().flat_map(|&s| self.stops[s].doors.iter().copied()).collect()).collect();
        let mut unplanned: Vec<usize> = self.unreachable.clone();
        unplanned.extend(sol.unplanned.iter().flat_map(|&s| self.stops[s].doors.iter().copied()));
        unplanned.sort_unstable();
        Plan { routes, unplanned }
    }
}

/// Local search over a solution: relocate, swap, 2-opt* between routes, 2-opt/Or-opt within a
/// route, and insertion of unplanned stops; every move keeps each route within `cap`.
struct Search<'a> {
    p: &'a Problem,
    cap: f64,
    sol: &'a mut Solution,
    route_of: Vec<usize>,
    index: Vec<usize>,
    walk: Vec<f64>,
    service: Vec<f64>,
    /// Distance from the depot along the route up to and including each position.
    prefix: Vec<Vec<f64>>,
    dirty: Vec<bool>,
}

/// A piece of a route: (first stop, last stop, walking inside the piece, service).
type Piece = Option<(usize, usize, f64, f64)>;

impl<'a> Search<'a> {
    fn new(p: &'a Problem, cap: f64, sol: &'a mut Solution) -> Search<'a> {
        let m = sol.routes.len();
        let mut s = Search {
            p,
            cap,
            sol,
            route_of: vec![usize::MAX; p.stops.len()],
            index: vec![0; p.stops.len()],
            walk: vec![0.0; m],
            service: vec![0.0; m],
            prefix: vec![Vec::new(); m],
            dirty: vec![true; m],
        };
        for r in 0..m {
            s.refresh(r);
        }
        s
    }

    fn refresh(&mut self, r: usize) {
        let route = &self.sol.routes[r];
        let mut prev = None;
        let mut walk = 0.0;
        let mut prefix = Vec::with_capacity(route.len());
        for (i, &s) in route.iter().enumerate() {
            walk += self.p.d(prev, Some(s));
            prefix.push(walk);
            prev = Some(s);
            self.route_of[s] = r;
            self.index[s] = i;
        }
        self.walk[r] = walk + self.p.d(prev, None);
        self.service[r] = route.iter().map(|&s| self.p.stops[s].service).sum();
        self.prefix[r] = prefix;
        self.dirty[r] = true;
    }

    /// Takes these stops out of their routes (into the unplanned list); only touched routes are
    /// re-optimised afterwards.
    fn ruin(&mut self, stops: &[usize]) {
        for r in 0..self.dirty.len() {
            self.dirty[r] = false;
        }
        let mut touched = Vec::new();
        for &s in stops {
            let r = self.route_of[s];
            if r == usize::MAX {
                continue;
            }
            if let Some(i) = self.sol.routes[r].iter().position(|&t| t == s) {
                self.sol.routes[r].remove(i);
                self.sol.unplanned.push(s);
                self.route_of[s] = usize::MAX;
                touched.push(r);
            }
        }
        for r in touched {
            self.refresh(r);
        }
    }

    fn fits(&self, walk: f64, service: f64) -> bool {
        walk + service <= self.cap + EPS
    }

    /// The stop before / after position i of route r (None is the depot).
    fn before(&self, r: usize, i: usize) -> Option<usize> {
        if i == 0 {
            None
        } else {
            self.sol.routes[r].get(i - 1).copied()
        }
    }

    fn after(&self, r: usize, i: usize) -> Option<usize> {
        self.sol.routes[r].get(i + 1).copied()
    }

    fn run(&mut self, effort: f64) {
        for _ in 0..100 {
            let mut improved = self.insert_unplanned();
            improved |= self.relocate();
            improved |= self.swap();
            improved |= self.two_opt_star();
            improved |= self.intra(effort);
            improved |= self.insert_unplanned();
            if !improved {
                break;
            }
        }
    }

    fn insert_unplanned(&mut self) -> bool {
        // When not all fit, which stops go in matters: cheapest walk per door first (a greedy
        // knapsack), as long as the list is short enough to compare every insertion each time.
        if self.sol.unplanned.len() <= 80 {
            return self.insert_cheapest_first();
        }
        let mut order = std::mem::take(&mut self.sol.unplanned);
        order.sort_by_key(|&s| std::cmp::Reverse(self.p.stops[s].doors.len()));
        let mut left = Vec::new();
        let mut any = false;
        for s in order {
            let mut best: Option<(f64, usize, usize)> = None;
            for r in 0..self.sol.routes.len() {
                if !self.fits(0.0, self.service[r] + self.p.stops[s].service) {
                    continue;
                }
                for i in 0..=self.sol.routes[r].len() {
                    let (x, y) = (self.before(r, i), self.sol.routes[r].get(i).copied());
                    let add = self.p.d(x, Some(s)) + self.p.d(Some(s), y) - self.p.d(x, y);
                    if self.fits(self.walk[r] + add, self.service[r] + self.p.stops[s].service)
                        && best.is_none_or(|(b, _, _)| add < b)
                    {
                        best = Some((add, r, i));
                    }
                }
            }
            match best {
                Some((_, r, i)) => {
                    self.sol.routes[r].insert(i, s);
                    self.refresh(r);
                    any = true;
                }
                None => left.push(s),
            }
        }
        self.sol.unplanned = left;
        any
    }

    /// Inserts unplanned stops one at a time, always the one with the least extra walking per
    /// door over all routes and positions, until none fits.
    fn insert_cheapest_first(&mut self) -> bool {
        let mut any = false;
        loop {
            let mut best: Option<(f64, usize, usize, usize)> = None;
            for (k, &s) in self.sol.unplanned.iter().enumerate() {
                let doors = self.p.stops[s].doors.len().max(1) as f64;
                for r in 0..self.sol.routes.len() {
                    if !self.fits(0.0, self.service[r] + self.p.stops[s].service) {
                        continue;
                    }
                    for i in 0..=self.sol.routes[r].len() {
                        let (x, y) = (self.before(r, i), self.sol.routes[r].get(i).copied());
                        let add = self.p.d(x, Some(s)) + self.p.d(Some(s), y) - self.p.d(x, y);
                        let per_door = add / doors;
                        if self.fits(self.walk[r] + add, self.service[r] + self.p.stops[s].service) && best.is_none_or(|(b, _, _, _)| per_door < b) {
                            best = Some((per_door, k, r, i));
                        }
                    }
                }
            }
            let Some((_, k, r, i)) = best else { return any };
            let s = self.sol.unplanned.swap_remove(k);
            self.sol.routes[r].insert(i, s);
            self.refresh(r);
            any = true;
        }
    }

    fn relocate(&mut self) -> bool {
        let mut any = false;
        for s in 0..self.p.stops.len() {
            let a = self.route_of[s];
            if a == usize::MAX || self.sol.routes[a].get(self.index[s]) != Some(&s) {
                continue;
            }
            let i = self.index[s];
            let (pa, na) = (self.before(a, i), self.after(a, i));
            let removal = self.p.d(pa, Some(s)) + self.p.d(Some(s), na) - self.p.d(pa, na);
            let svc = self.p.stops[s].service;
            let mut best: Option<(f64, usize, usize)> = None;
            let consider = |this: &Self, b: usize, at: usize, best: &mut Option<(f64, usize, usize)>| {
                let (x, y) = (this.before(b, at), this.sol.routes[b].get(at).copied());
                let add = this.p.d(x, Some(s)) + this.p.d(Some(s), y) - this.p.d(x, y);
                if add < removal - EPS
                    && this.fits(this.walk[b] + add, this.service[b] + svc)
                    && best.is_none_or(|(g, _, _)| add - removal < g)
                {
                    *best = Some((add - removal, b, at));
                }
            };
            for &t in self.p.nb.of(s) {
                let t = t as usize;
                let b = self.route_of[t];
                if b == usize::MAX || b == a || self.sol.routes[b].get(self.index[t]) != Some(&t) {
                    continue;
                }
                let j = self.index[t];
                consider(self, b, j, &mut best);
                consider(self, b, j + 1, &mut best);
            }
            if let Some(b) = (0..self.sol.routes.len()).find(|&b| self.sol.routes[b].is_empty()) {
                consider(self, b, 0, &mut best);
            }
            if let Some((_, b, at)) = best {
                self.sol.routes[a].remove(i);
                self.sol.routes[b].insert(at, s);
                self.refresh(a);
                self.refresh(b);
                any = true;
            }
        }
        any
    }

    fn swap(&mut self) -> bool {
        let mut any = false;
        for s in 0..self.p.stops.len() {
            let a = self.route_of[s];
            if a == usize::MAX || self.sol.routes[a].get(self.index[s]) != Some(&s) {
                continue;
            }
            for idx in 0..self.p.nb.of(s).len() {
                let t = self.p.nb.of(s)[idx] as usize;
                let b = self.route_of[t];
                if b == usize::MAX || b == a || self.sol.routes[b].get(self.index[t]) != Some(&t) {
                    continue;
                }
                let (i, j) = (self.index[s], self.index[t]);
                let (pa, na) = (self.before(a, i), self.after(a, i));
                let (pb, nb) = (self.before(b, j), self.after(b, j));
                let da = self.p.d(pa, Some(t)) + self.p.d(Some(t), na) - self.p.d(pa, Some(s)) - self.p.d(Some(s), na);
                let db = self.p.d(pb, Some(s)) + self.p.d(Some(s), nb) - self.p.d(pb, Some(t)) - self.p.d(Some(t), nb);
                let (ss, st) = (self.p.stops[s].service, self.p.stops[t].service);
                if da + db < -EPS
                    && self.fits(self.walk[a] + da, self.service[a] - ss + st)
                    && self.fits(self.walk[b] + db, self.service[b] - st + ss)
                {
                    self.sol.routes[a][i] = t;
                    self.sol.routes[b][j] = s;
                    self.refresh(a);
                    self.refresh(b);
                    any = true;
                    break;
                }
            }
        }
        any
    }

    /// Walking of a route made of up to two pieces, from and back to the depot.
    fn joined(&self, pieces: [Piece; 2]) -> (f64, f64) {
        let mut walk = 0.0;
        let mut service = 0.0;
        let mut prev = None;
        for (first, last, inner, svc) in pieces.into_iter().flatten() {
            walk += self.p.d(prev, Some(first)) + inner;
            service += svc;
            prev = Some(last);
        }
        (walk + self.p.d(prev, None), service)
    }

    /// Piece of route r from position i to j inclusive (None when empty), optionally reversed.
    fn piece(&self, r: usize, i: usize, j: usize, reversed: bool) -> Piece {
        let route = &self.sol.routes[r];
        if i > j || j >= route.len() {
            return None;
        }
        let inner = self.prefix[r][j] - self.prefix[r][i];
        let svc: f64 = route[i..=j].iter().map(|&s| self.p.stops[s].service).sum();
        let (first, last) = if reversed { (route[j], route[i]) } else { (route[i], route[j]) };
        Some((first, last, inner, svc))
    }

    fn two_opt_star(&mut self) -> bool {
        let mut any = false;
        for s in 0..self.p.stops.len() {
            let a = self.route_of[s];
            if a == usize::MAX || self.sol.routes[a].get(self.index[s]) != Some(&s) {
                continue;
            }
            for idx in 0..self.p.nb.of(s).len() {
                let t = self.p.nb.of(s)[idx] as usize;
                let b = self.route_of[t];
                if b == usize::MAX || b == a || self.sol.routes[b].get(self.index[t]) != Some(&t) {
                    continue;
                }
                let (i, j) = (self.index[s], self.index[t]);
                let (la, lb) = (self.sol.routes[a].len(), self.sol.routes[b].len());
                let old = self.walk[a] + self.walk[b];
                // Tails exchanged: A[..=i] + B[j..], B[..j] + A[i+1..].
                let tails = (
                    self.joined([self.piece(a, 0, i, false), self.piece(b, j, lb - 1, false)]),
                    self.joined([if j == 0 { None } else { self.piece(b, 0, j - 1, false) }, self.piece(a, i + 1, la - 1, false)]),
                );
                // Heads crossed: A[..=i] + rev B[..=j], rev A[i+1..] + B[j+1..].
                let heads = (
                    self.joined([self.piece(a, 0, i, false), self.piece(b, 0, j, true)]),
                    self.joined([self.piece(a, i + 1, la - 1, true), self.piece(b, j + 1, lb - 1, false)]),
                );
                for (variant, ((wa, sa), (wb, sb))) in [tails, heads].into_iter().enumerate() {
                    if wa + wb < old - EPS && self.fits(wa, sa) && self.fits(wb, sb) {
                        let ra = self.sol.routes[a].clone();
                        let rb = self.sol.routes[b].clone();
                        let (new_a, new_b): (Vec<usize>, Vec<usize>) = if variant == 0 {
                            (ra[..=i].iter().chain(&rb[j..]).copied().collect(), rb[..j].iter().chain(&ra[i + 1..]).copied().collect())
                        } else {
                            (
                                ra[..=i].iter().chain(rb[..=j].iter().rev()).copied().collect(),
                                ra[i + 1..].iter().rev().chain(&rb[j + 1..]).copied().collect(),
                            )
                        };
                        self.sol.routes[a] = new_a;
                        self.sol.routes[b] = new_b;
                        self.refresh(a);
                        self.refresh(b);
                        any = true;
                        break;
                    }
                }
                if self.route_of[s] != a {
                    break;
                }
            }
        }
        any
    }

    /// 2-opt / Or-opt (and a short iterated search) inside each changed route, with the depot as a node.
    fn intra(&mut self, effort: f64) -> bool {
        let mut any = false;
        for r in 0..self.sol.routes.len() {
            if !self.dirty[r] {
                continue;
            }
            self.dirty[r] = false;
            let route = self.sol.routes[r].clone();
            if route.len() < 3 {
                continue;
            }
            let mut points = vec![self.p.depot];
            points.extend(route.iter().map(|&s| self.p.stops[s].at));
            let nb = neighbours(&points, 10);
            let start: Vec<usize> = (0..points.len()).collect();
            let mut tour = Tour::new(&points, &nb, &start);
            tour.local_search_all();
            tour.perturb((effort * 30.0 * points.len() as f64) as usize, r as u64 + 1);
            let order: Vec<usize> = tour.order.iter().map(|&v| v as usize).collect();
            let Some(at) = order.iter().position(|&v| v == 0) else { continue };
            let new_route: Vec<usize> = (1..order.len()).map(|k| route[order[(at + k) % order.len()] - 1]).collect();
            if self.p.route_walk(&new_route) < self.walk[r] - EPS {
                self.sol.routes[r] = new_route;
                self.refresh(r);
                self.dirty[r] = false;
                any = true;
            }
        }
        any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(walkers: usize, shift_minutes: f64, service: f64) -> PlanParams {
        PlanParams {
            walkers,
            shift_seconds: shift_minutes * 60.0,
            service_seconds: service,
            speed_m_per_s: 4.5 / 3.6,
            start: None,
            balanced: false,
        }
    }

    /// Two streets with houses on both sides every 8 m and one flat of 20 doors.
    fn neighbourhood() -> Vec<Point> {
        let mut pts = Vec::new();
        for k in 0..60 {
            let x = k as f64 * 8.0;
            pts.push(Point { x, y: 0.0 });
            pts.push(Point { x, y: 14.0 });
            pts.push(Point { x: 200.0, y: 30.0 + x * 0.5 });
        }
        for _ in 0..20 {
            pts.push(Point { x: 250.0, y: 60.0 });
        }
        pts
    }

    fn check(doors: &[Point], prm: &PlanParams, plan: &Plan) {
        assert_eq!(plan.routes.len(), prm.walkers);
        let mut seen = vec![false; doors.len()];
        for &i in plan.routes.iter().flatten().chain(&plan.unplanned) {
            assert!(!seen[i], "door {i} twice");
            seen[i] = true;
        }
        assert!(seen.iter().all(|&s| s), "a door is missing");
        let start = prm.start.unwrap_or_else(|| centroid(doors));
        for r in &plan.routes {
            assert!(route_seconds(doors, start, r, prm) <= prm.shift_seconds + 1e-6);
        }
    }

    #[test]
    fn plans_every_door_when_they_fit_and_keeps_the_flat_together() {
        let doors = neighbourhood();
        let prm = params(2, 120.0, 60.0);
        let plan = plan(&doors, &prm).unwrap_or_default();
        check(&doors, &prm, &plan);
        assert!(plan.unplanned.is_empty(), "unplanned: {:?}", plan.unplanned);
        let flat: Vec<usize> = (180..200).collect();
        let holder = plan.routes.iter().find(|r| r.contains(&180)).cloned().unwrap_or_default();
        let at = holder.iter().position(|&d| d == 180).unwrap_or(0);
        let mut together: Vec<usize> = holder[at..at + 20].to_vec();
        together.sort_unstable();
        assert_eq!(together, flat);
    }

    #[test]
    fn too_little_time_leaves_doors_unplanned_never_dropped() {
        let doors = neighbourhood();
        let prm = params(2, 30.0, 60.0);
        let plan = plan(&doors, &prm).unwrap_or_default();
        check(&doors, &prm, &plan);
        assert!(!plan.unplanned.is_empty());
        // Two walkers of 30 minutes at a minute a door serve at most 60 doors; they should come close.
        let planned = doors.len() - plan.unplanned.len();
        assert!((45..=60).contains(&planned), "planned {planned}");
    }

    #[test]
    fn a_flat_larger_than_a_shift_is_split_across_walkers() {
        let mut doors = vec![Point { x: 100.0, y: 0.0 }; 50];
        doors.push(Point { x: 0.0, y: 0.0 });
        let prm = PlanParams { start: Some(Point { x: 0.0, y: 0.0 }), ..params(3, 20.0, 60.0) };
        let plan = plan(&doors, &prm).unwrap_or_default();
        check(&doors, &prm, &plan);
        // 17 doors fit in a shift there: chunks of 17, 17 and 16, plus the door at the start.
        assert!(plan.unplanned.is_empty(), "unplanned {:?}", plan.unplanned);
        assert!(plan.routes.iter().all(|r| r.len() >= 16));
    }

    #[test]
    fn balanced_plans_have_comparable_lengths() {
        let doors = neighbourhood();
        let prm = PlanParams { balanced: true, ..params(3, 240.0, 30.0) };
        let plan = plan(&doors, &prm).unwrap_or_default();
        check(&doors, &prm, &plan);
        assert!(plan.unplanned.is_empty());
        let start = centroid(&doors);
        let secs: Vec<f64> = plan.routes.iter().map(|r| route_seconds(&doors, start, r, &prm)).collect();
        let (lo, hi) = (secs.iter().copied().fold(f64::MAX, f64::min), secs.iter().copied().fold(0.0, f64::max));
        assert!(hi <= lo * 1.6, "route seconds {secs:?}");
    }

    #[test]
    fn bad_parameters_are_errors() {
        let doors = neighbourhood();
        assert_eq!(plan(&doors, &params(0, 60.0, 60.0)), Err(PlanError::NoWalkers));
        assert!(matches!(plan(&doors, &params(1, 0.0, 60.0)), Err(PlanError::Shift(_))));
        assert!(matches!(plan(&doors, &params(1, 60.0, -1.0)), Err(PlanError::Service(_))));
        assert!(matches!(plan(&doors, &PlanParams { speed_m_per_s: 0.0, ..params(1, 60.0, 1.0) }), Err(PlanError::Speed(_))));
        let mut bad = doors.clone();
        bad[3].y = f64::NAN;
        assert_eq!(plan(&bad, &params(1, 60.0, 60.0)), Err(PlanError::Coordinate(3)));
        assert!(PlanError::NoWalkers.to_string().contains("loper"));
    }

    #[test]
    fn no_doors_gives_empty_routes() {
        let plan = plan(&[], &params(2, 60.0, 60.0)).unwrap_or_default();
        assert_eq!(plan.routes, vec![Vec::<usize>::new(), Vec::new()]);
        assert!(plan.unplanned.is_empty());
    }
}
