//! The crash harness (issue 9), run by `bench/crash/run`: a write load against a real `eropaf
//! serve` (partner systems submitting signals with idempotency keys, workers logging contact
//! attempts), a SIGKILL at a random moment, a restart, and then the checks: every acknowledged
//! write is there exactly once, every unacknowledged signal resent with its key lands exactly
//! once, the database's integrity check is clean and the audit chain is intact. Repeated
//! `--kills` times; the last line is the summary and the exit code says whether every check held.
//!
//! `crash --eropaf BIN --data-dir DIR [--database-url postgres://…] [--kills 50] [--seed 1]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value as Json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::db::Value;
use store::Store;

struct Args {
    eropaf: String,
    data_dir: String,
    url: String,
    kills: usize,
    seed: u64,
}

fn args() -> Args {
    let mut a = std::env::args().skip(1);
    let (mut eropaf, mut data_dir, mut url, mut kills, mut seed) = (String::new(), String::new(), None, 50, 1);
    while let Some(flag) = a.next() {
        let value = a.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--eropaf" => eropaf = value,
            "--data-dir" => data_dir = value,
            "--database-url" => url = Some(value),
            "--kills" => kills = value.parse().unwrap(),
            "--seed" => seed = value.parse().unwrap(),
            other => panic!("unknown flag {other}"),
        }
    }
    let url = url.unwrap_or_else(|| format!("sqlite://{data_dir}/eropaf.db"));
    Args { eropaf, data_dir, url, kills, seed }
}

/// A small deterministic generator (xorshift), so a run can be repeated with its seed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Starts `eropaf ARGS`, waits until it listens; returns it with its address and stdout lines.
/// The caller kills and waits for the child (the lint cannot see past the return).
#[allow(clippy::zombie_processes)]
fn start(bin: &str, args: &[&str]) -> (Child, String, Vec<String>) {
    let mut child = Command::new(bin).args(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "eropaf {args:?} exited early: {lines:?}");
        let line = line.trim_end().to_string();
        if let Some(addr) = line.strip_prefix("Eropaf luistert op http://") {
            let addr = addr.to_string();
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in reader.lines() {});
            return (child, addr, lines);
        }
        lines.push(line);
    }
}

fn eropaf(bin: &str, args: &[&str]) -> String {
    let out = Command::new(bin).args(args).output().unwrap();
    assert!(out.status.success(), "eropaf {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(10))).http_status_as_error(false).build().into()
}

/// POSTs JSON; `Some((status, body))` when the server answered, `None` when the connection failed.
fn post(agent: &ureq::Agent, url: &str, auth: &str, key: Option<&str>, body: &Json) -> Option<(u16, Json)> {
    let mut req = agent.post(url).header("Authorization", format!("Bearer {auth}")).header("Content-Type", "application/json");
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let mut res = req.send(body.to_string()).ok()?;
    let status = res.status().as_u16();
    let text = res.body_mut().read_to_string().ok()?;
    Some((status, serde_json::from_str(&text).unwrap_or(Json::Null)))
}

/// A surname per number, in letters (names hold no digits).
fn letters(mut n: u64) -> String {
    let mut s = String::new();
    loop {
        s.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}

fn signal_body(today: &str, n: u64) -> Json {
    json!({
        "signaaldatum": today, "bedrag": 200 + n % 900, "crisissignaal": false, "warme_overdracht": false,
        "client": {"voorletters": "T.", "voorvoegsel": "", "achternaam": format!("Crashproef-{}", letters(n)), "geboortedatum": "1970-01-01",
                   "straatnaam": "Proefstraat", "huisnummer": (1 + n % 400).to_string(), "huisletter": "", "huisnummertoevoeging": "",
                   "postcode": "9999ZZ", "plaatsnaam": "Eropaf"}
    })
}

#[derive(Default)]
struct Round {
    /// (key, body, signal id when acknowledged)
    signals: Vec<(String, Json, Option<i64>)>,
    /// ids of acknowledged contact attempts
    attempts: Vec<i64>,
    errors: Vec<String>,
}

async fn count(store: &Store, sql: &str, args: &[Value]) -> i64 {
    store.inspect().await.unwrap().fetch_i64(sql, args).await.unwrap()
}

fn main() -> ExitCode {
    let a = args();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let today = store::time_fmt::date(time::OffsetDateTime::now_utc().date());
    let mut rng = Rng(a.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);

    // The municipality, a partner system's key and a worker's token.
    let mut demo_args = vec!["demo", "--households", "200", "--seed", "9", "--listen", "127.0.0.1:0", "--data-dir", &a.data_dir];
    if !a.url.starts_with("sqlite://") {
        demo_args.extend(["--database-url", a.url.as_str()]);
    }
    let (mut demo, _, lines) = start(&a.eropaf, &demo_args);
    demo.kill().unwrap();
    demo.wait().unwrap();
    let worker = lines
        .iter()
        .filter_map(|l| l.strip_prefix("demo-login "))
        .find(|l| l.contains("role=worker"))
        .and_then(|l| l.split(' ').find_map(|p| p.strip_prefix("user=")))
        .unwrap()
        .to_string();
    eropaf(&a.eropaf, &["partner", "add", "crashproef", "--type", "huur", "--database-url", &a.url]);
    let key = eropaf(&a.eropaf, &["partner", "key", "crashproef", "--database-url", &a.url]);
    let token = eropaf(&a.eropaf, &["token", "create", &worker, "--database-url", &a.url]);
    let store = runtime.block_on(Store::connect(&a.url)).unwrap();
    let households: Vec<i64> = runtime.block_on(async {
        let mut tx = store.inspect().await.unwrap();
        let rows = tx
            .fetch_all(
                "SELECT h.id FROM households h JOIN addresses a ON a.id = h.address_id JOIN neighbourhoods b ON b.code = a.buurt_code \
                 JOIN team_buurten tb ON tb.buurt_code = b.code JOIN teams t ON t.id = tb.team_id JOIN users u ON u.team_id = t.id WHERE u.username = $1 ORDER BY h.id LIMIT 100",
                &[Value::from(worker.as_str())],
            )
            .await
            .unwrap();
        rows.iter().map(|r| r.i64(0).unwrap()).collect()
    });
    assert!(!households.is_empty(), "the worker's team has households");

    let (mut server, mut addr, _) = start(&a.eropaf, &["serve", "--database-url", &a.url, "--listen", "127.0.0.1:0"]);
    let (mut acknowledged, mut resent, mut failures) = (0usize, 0usize, Vec::new());
    let mut serial = 0u64;
    for round in 1..=a.kills {
        let log = Arc::new(Mutex::new(Round::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for w in 0..4u64 {
            let (log, stop, addr, key, token, today, households) = (log.clone(), stop.clone(), addr.clone(), key.clone(), token.clone(), today.clone(), households.clone());
            let base = serial + w * 1_000_000;
            writers.push(std::thread::spawn(move || {
                let agent = agent();
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    if w % 2 == 0 {
                        let k = format!("crash-{round}-{w}-{i}");
                        let body = signal_body(&today, base + i);
                        log.lock().unwrap().signals.push((k.clone(), body.clone(), None));
                        match post(&agent, &format!("http://{addr}/api/v1/signals"), &key, Some(&k), &body) {
                            Some((201, r)) => {
                                let id = r["id"].as_i64();
                                if let Some(entry) = log.lock().unwrap().signals.iter_mut().find(|(key, ..)| *key == k) {
                                    entry.2 = id;
                                }
                            }
                            Some((status, r)) => log.lock().unwrap().errors.push(format!("signal {k}: {status} {r}")),
                            None => break,
                        }
                    } else {
                        let h = households[(i as usize * 7 + w as usize) % households.len()];
                        let at = (time::OffsetDateTime::now_utc() - time::Duration::minutes(1)).format(&time::format_description::well_known::Rfc3339).unwrap();
                        let body = json!({"household_id": h, "kind": "huisbezoek", "at": at, "reached": false, "outcome": "niet-thuis"});
                        match post(&agent, &format!("http://{addr}/api/v1/contact-attempts"), &token, None, &body) {
                            Some((201, r)) => log.lock().unwrap().attempts.push(r["id"].as_i64().unwrap_or(-1)),
                            Some((status, r)) => log.lock().unwrap().errors.push(format!("attempt: {status} {r}")),
                            None => break,
                        }
                    }
                }
            }));
        }
        serial += 10_000_000;
        std::thread::sleep(Duration::from_millis(100 + rng.below(1400)));
        server.kill().unwrap();
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().unwrap();
        }
        (server, addr, _) = start(&a.eropaf, &["serve", "--database-url", &a.url, "--listen", "127.0.0.1:0"]);

        let log = std::mem::take(&mut *log.lock().unwrap());
        let mut problems = log.errors.clone();
        // Every signal sent, acknowledged or not, is resent with its key: the acknowledged ones
        // answer with their first id, the others land now or had landed; each key one signal.
        let agent = agent();
        let mut ids = std::collections::BTreeSet::new();
        for (k, body, first) in &log.signals {
            match post(&agent, &format!("http://{addr}/api/v1/signals"), &key, Some(k), body) {
                Some((201, r)) => {
                    let id = r["id"].as_i64().unwrap_or(-1);
                    if first.is_some_and(|f| f != id) {
                        problems.push(format!("signal {k}: acknowledged as {first:?}, resent answers {id}"));
                    }
                    ids.insert(id);
                }
                other => problems.push(format!("signal {k} resent: {other:?}")),
            }
        }
        let acked_signals: Vec<i64> = log.signals.iter().filter_map(|(_, _, id)| *id).collect();
        let (after, integrity, chain) = runtime.block_on(async {
            for id in &acked_signals {
                if count(&store, "SELECT COUNT(*) FROM signals WHERE id = $1", &[Value::from(*id)]).await != 1 {
                    problems.push(format!("acknowledged signal {id} missing"));
                }
            }
            for id in &log.attempts {
                if count(&store, "SELECT COUNT(*) FROM contact_attempts WHERE id = $1", &[Value::from(*id)]).await != 1 {
                    problems.push(format!("acknowledged contact attempt {id} missing"));
                }
            }
            // Exactly once: one signal about each resident sent (their surname is unique to the key).
            let mut stored = 0;
            for (k, body, _) in &log.signals {
                let surname = body["client"]["achternaam"].as_str().unwrap_or_default();
                match count(&store, "SELECT COUNT(*) FROM signals WHERE reported_name LIKE $1", &[Value::from(format!("%{surname}"))]).await {
                    1 => stored += 1,
                    n => problems.push(format!("signal {k}: stored {n} times")),
                }
            }
            (stored, store.integrity_check().await.unwrap(), store.verify_audit_chain().await.unwrap())
        });
        if ids.len() != log.signals.len() || after != log.signals.len() {
            problems.push(format!("{} keys sent, {} distinct signals answered, {} stored once", log.signals.len(), ids.len(), after));
        }
        if integrity != ["ok"] {
            problems.push(format!("integrity check: {integrity:?}"));
        }
        if !matches!(chain, store::audit::ChainCheck::Intact { .. }) {
            problems.push(format!("audit chain: {chain:?}"));
        }
        acknowledged += acked_signals.len() + log.attempts.len();
        resent += log.signals.len() - acked_signals.len();
        println!(
            "kill {round}: {} signals and {} contact attempts acknowledged, {} in flight resent; {}",
            acked_signals.len(),
            log.attempts.len(),
            log.signals.len() - acked_signals.len(),
            if problems.is_empty() { "every check held".to_string() } else { format!("FAILED ({}): {}", problems.len(), problems.iter().take(3).cloned().collect::<Vec<_>>().join("; ")) }
        );
        failures.extend(problems.into_iter().map(|p| format!("kill {round}: {p}")));
    }
    server.kill().unwrap();
    server.wait().unwrap();
    runtime.block_on(store.close());
    let backend = if a.url.starts_with("sqlite://") { "SQLite" } else { "PostgreSQL" };
    println!(
        "crash {backend}: {} kills, {acknowledged} acknowledged writes all present once, {resent} in-flight signals resent and stored once, integrity and audit chain checked after every restart: {}",
        a.kills,
        if failures.is_empty() { "all checks held".to_string() } else { format!("{} FAILED", failures.len()) }
    );
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
