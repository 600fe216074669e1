//! Process counters for operations (issue 9), rendered in Prometheus' text format on a separate
//! listener. Labels are route templates, job names and outcomes only — never ids, names or
//! other personal data. One registry per process, like any Prometheus client library; the store
//! counts signal intake and linkage, the web layer requests, the app background jobs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// Upper bounds (seconds) of the request latency histogram.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Registry {
    /// (method, route, status) → requests
    requests: BTreeMap<(String, String, u16), u64>,
    /// (method, route) → latency
    latency: BTreeMap<(String, String), Histogram>,
    /// (job, outcome) → runs; outcome is "ran", "skipped" (another server had the day) or "failed"
    jobs: BTreeMap<(String, &'static str), u64>,
    /// (channel, link outcome) → signals stored
    signals: BTreeMap<(String, &'static str), u64>,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    // A panic while holding the lock leaves counts that are still counts.
    REGISTRY.get_or_init(Mutex::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One answered request: `route` is the matched route template (`/huishoudens/{id}`), never the
/// path itself.
pub fn request(method: &str, route: &str, status: u16, seconds: f64) {
    let mut r = registry();
    *r.requests.entry((method.to_string(), route.to_string(), status)).or_default() += 1;
    let h = r.latency.entry((method.to_string(), route.to_string())).or_default();
    h.count += 1;
    h.sum += seconds;
    for (i, bound) in BUCKETS.iter().enumerate() {
        if seconds <= *bound {
            h.buckets[i] += 1;
        }
    }
}

/// A background job's turn: `ran` false when another app server had already claimed it.
pub fn job_run(job: &str, ran: bool) {
    *registry().jobs.entry((job.to_string(), if ran { "ran" } else { "skipped" })).or_default() += 1;
}

pub fn job_failed(job: &str) {
    *registry().jobs.entry((job.to_string(), "failed")).or_default() += 1;
}

/// Signals stored by one committed intake or import, by how they were linked.
pub(crate) fn signals_stored(channel: &str, linked: usize, to_review: usize, to_new_household: usize) {
    let mut r = registry();
    for (outcome, n) in [("linked", linked), ("review", to_review), ("new_household", to_new_household)] {
        if n > 0 {
            *r.signals.entry((channel.to_string(), outcome)).or_default() += n as u64;
        }
    }
}

/// Connections of the store's pools: (pool, open, idle).
pub type PoolStats = Vec<(&'static str, u32, usize)>;

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Everything in Prometheus' text exposition format (version 0.0.4).
pub fn render(pools: &PoolStats) -> String {
    let r = registry();
    let mut out = String::new();
    out.push_str("# HELP eropaf_http_requests_total Answered requests by method, route template and status.\n# TYPE eropaf_http_requests_total counter\n");
    for ((method, route, status), n) in &r.requests {
        let _ = writeln!(out, "eropaf_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}", escape(route));
    }
    out.push_str("# HELP eropaf_http_request_duration_seconds Time to answer, by method and route template.\n# TYPE eropaf_http_request_duration_seconds histogram\n");
    for ((method, route), h) in &r.latency {
        let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
        for (bound, n) in BUCKETS.iter().zip(h.buckets) {
            let _ = writeln!(out, "eropaf_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}");
        }
        let _ = writeln!(out, "eropaf_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
        let _ = writeln!(out, "eropaf_http_request_duration_seconds_sum{{{labels}}} {}", h.sum);
        let _ = writeln!(out, "eropaf_http_request_duration_seconds_count{{{labels}}} {}", h.count);
    }
    out.push_str("# HELP eropaf_db_pool_connections Open database connections by pool and state.\n# TYPE eropaf_db_pool_connections gauge\n");
    for (pool, open, idle) in pools {
        let _ = writeln!(out, "eropaf_db_pool_connections{{pool=\"{pool}\",state=\"idle\"}} {idle}");
        let _ = writeln!(out, "eropaf_db_pool_connections{{pool=\"{pool}\",state=\"in_use\"}} {}", (*open as usize).saturating_sub(*idle));
    }
    out.push_str("# HELP eropaf_job_runs_total Background job turns by outcome (ran, skipped: another app server ran it, failed).\n# TYPE eropaf_job_runs_total counter\n");
    for ((job, outcome), n) in &r.jobs {
        let _ = writeln!(out, "eropaf_job_runs_total{{job=\"{}\",outcome=\"{outcome}\"}} {n}", escape(job));
    }
    out.push_str("# HELP eropaf_signals_stored_total Signals taken in, by channel and linkage outcome.\n# TYPE eropaf_signals_stored_total counter\n");
    for ((channel, outcome), n) in &r.signals {
        let _ = writeln!(out, "eropaf_signals_stored_total{{channel=\"{}\",outcome=\"{outcome}\"}} {n}", escape(channel));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_land_in_their_buckets_and_the_text_format_is_well_formed() {
        request("GET", "/test-metrics/{id}", 200, 0.003);
        request("GET", "/test-metrics/{id}", 200, 0.2);
        let text = render(&vec![("test", 4, 3)]);
        let line = |prefix: &str| text.lines().find(|l| l.starts_with(prefix)).map(|l| l.rsplit(' ').next().unwrap_or_default().to_string());
        let labels = "method=\"GET\",route=\"/test-metrics/{id}\"";
        assert_eq!(line(&format!("eropaf_http_request_duration_seconds_bucket{{{labels},le=\"0.0025\"}}")).as_deref(), Some("0"));
        assert_eq!(line(&format!("eropaf_http_request_duration_seconds_bucket{{{labels},le=\"0.005\"}}")).as_deref(), Some("1"));
        assert_eq!(line(&format!("eropaf_http_request_duration_seconds_bucket{{{labels},le=\"0.25\"}}")).as_deref(), Some("2"));
        assert_eq!(line(&format!("eropaf_http_request_duration_seconds_count{{{labels}}}")).as_deref(), Some("2"));
        assert_eq!(line("eropaf_db_pool_connections{pool=\"test\",state=\"in_use\"}").as_deref(), Some("1"));
        for l in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, value) = l.rsplit_once(' ').unwrap_or_default();
            assert!(value.parse::<f64>().is_ok(), "a sample line ends in a number: {l}");
        }
    }
}
