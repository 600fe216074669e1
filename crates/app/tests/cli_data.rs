//! The `eropaf` binary's data commands as other tooling and operators use them: `linkage`,
//! `signals import|sample-file|export-ddas`, backup and restore, and the move to PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

/// `eropaf linkage link|dedupe|synth` as other tooling calls it: the PAIRS.csv contract, quoted
/// fields and spaces after commas, and a clear error with a non-zero exit for a missing column,
/// a bad FIELDS.toml or an unreadable row, leaving no half-written output behind.
#[test]
fn linkage_link_and_dedupe_keep_their_contract() {
    let dir = temp_dir("linkage");
    let fields = dir.join("fields.toml");
    std::fs::write(&fields, "id = \"nr\"\n\n[columns]\nfull_name = \"naam\"\nbirth_date = \"geboren\"\nstreet = \"adres\"\npostcode = \"pc\"\n").unwrap();
    // The example, written by two partners, plus a housemate and a stranger.
    std::fs::write(
        dir.join("left.csv"),
        "nr, naam, geboren, adres, pc\n\
         a1, \"J. v.d. Berg\", 12-03-1980, \"Dorpsstr 12-A\", 1234AB\n\
         a2, Fatima el Amrani, 1975-06-01, Kerkweg 3, 9999 ZZ\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("right.csv"),
        "nr,naam,geboren,adres,pc\n\
         b1,Jan van den Berg,1980-03-12,Dorpsstraat 12a,1234 ab\n\
         b2,Marieke van den Berg,1982-11-30,Dorpsstraat 12a,1234 ab\n\
         b3,Pieter Bakker,1950-01-01,Laan 1,5555XX\n",
    )
    .unwrap();
    let out = dir.join("pairs.csv");
    let (l, r, f, o) = (dir.join("left.csv"), dir.join("right.csv"), fields.clone(), out.clone());
    let args = |extra: &[&str]| -> Vec<String> {
        ["linkage", "link", l.to_str().unwrap(), r.to_str().unwrap(), "--fields", f.to_str().unwrap(), "--out", o.to_str().unwrap()].iter().map(|s| s.to_string()).chain(extra.iter().map(|s| s.to_string())).collect()
    };
    let run = |a: &[String]| eropaf(&a.iter().map(String::as_str).collect::<Vec<_>>(), "");
    let (ok, _, err) = run(&args(&[]));
    assert!(ok, "{err}");
    assert!(err.contains("blokregel") && err.contains("paren vergeleken"), "progress and the blocking report on stderr: {err}");
    let pairs = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = pairs.lines().collect();
    assert_eq!(rows[0], "left_id,right_id,match_probability");
    assert!(rows[1..].iter().any(|r| r.starts_with("a1,b1,")), "{pairs}");
    assert!(!pairs.contains(",b2,") && !pairs.contains(",b3,"), "the housemate and the stranger stay apart: {pairs}");
    for row in &rows[1..] {
        let p: f64 = row.rsplit(',').next().unwrap().parse().unwrap();
        assert!((0.5..=1.0).contains(&p), "{row}");
    }

    // Errors: exit non-zero, say what is wrong, and leave the previous output untouched.
    std::fs::write(dir.join("broken.csv"), "nr,naam,geboren,adres,pc\nb1,Jan,1980-03-12,x,1234AB\nb2,\"Piet,1980-01-01,y,1234AB\n").unwrap();
    let broken = args(&[]).into_iter().map(|a| if a.ends_with("right.csv") { dir.join("broken.csv").to_str().unwrap().to_string() } else { a }).collect::<Vec<_>>();
    let (ok, _, err) = run(&broken);
    assert!(!ok && err.contains("regel 3") && err.contains("aanhalingsteken"), "{err}");
    std::fs::write(dir.join("nopc.csv"), "nr,naam,geboren,adres\nb1,Jan,1980-03-12,x\n").unwrap();
    let missing = args(&[]).into_iter().map(|a| if a.ends_with("right.csv") { dir.join("nopc.csv").to_str().unwrap().to_string() } else { a }).collect::<Vec<_>>();
    let (ok, _, err) = run(&missing);
    assert!(!ok && err.contains("kolom 'pc'") && err.contains("ontbreekt"), "{err}");
    std::fs::write(&fields, "id = \"nr\"\n[columns\n").unwrap();
    let (ok, _, err) = run(&args(&[]));
    assert!(!ok && err.contains("geen geldige FIELDS.toml"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), pairs, "a failed run leaves the earlier PAIRS.csv as it was");

    // The benchmark generator writes its four files.
    let (ok, _, err) = eropaf(&["linkage", "synth", "--records", "2000", "--seed", "5", "--out", dir.join("nl").to_str().unwrap()], "");
    assert!(ok, "{err}");
    for f in ["left.csv", "right.csv", "truth.csv", "fields.toml"] {
        assert!(dir.join("nl").join(f).metadata().unwrap().len() > 0, "{f}");
    }

    // Dedupe one file holding both partners' records: the true pairs come back, each once,
    // and the clusters agree with the pairs.
    let left = std::fs::read_to_string(dir.join("nl/left.csv")).unwrap();
    let right = std::fs::read_to_string(dir.join("nl/right.csv")).unwrap();
    let both = left.clone() + right.split_once('\n').unwrap().1;
    std::fs::write(dir.join("both.csv"), both).unwrap();
    let clusters = dir.join("clusters.csv");
    let nl_fields = dir.join("nl/fields.toml");
    let (ok, _, err) = eropaf(
        &["linkage", "dedupe", dir.join("both.csv").to_str().unwrap(), "--fields", nl_fields.to_str().unwrap(), "--out", out.to_str().unwrap(), "--clusters", clusters.to_str().unwrap()],
        "",
    );
    assert!(ok, "{err}");
    let pairs = std::fs::read_to_string(&out).unwrap();
    let found: std::collections::HashSet<(String, String)> = pairs
        .lines()
        .skip(1)
        .map(|l| {
            let mut p = l.split(',');
            (p.next().unwrap().to_string(), p.next().unwrap().to_string())
        })
        .collect();
    assert_eq!(found.len(), pairs.lines().count() - 1, "no pair twice");
    for (a, b) in &found {
        assert!(a != b && !found.contains(&(b.clone(), a.clone())), "each pair once, never with itself: {a} {b}");
    }
    let truth: Vec<(String, String)> = std::fs::read_to_string(dir.join("nl/truth.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect();
    let hit = truth.iter().filter(|(a, b)| found.contains(&(a.clone(), b.clone()))).count();
    assert!(hit as f64 >= 0.9 * truth.len() as f64, "{hit} of {} true pairs", truth.len());
    let cluster: std::collections::HashMap<String, String> = std::fs::read_to_string(&clusters)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect();
    assert_eq!(cluster.len(), 4000);
    for (a, b) in &found {
        assert_eq!(cluster[a], cluster[b], "a pair lies in one cluster");
    }
}

/// The number of vroegsignalen in a DDAS export of the last year.
fn ddas_signals(url: &str, out: &std::path::Path) -> usize {
    let today = time::OffsetDateTime::now_utc().date();
    let (from, to) = ((today - time::Duration::days(365)).to_string(), today.to_string());
    let (ok, printed, err) = eropaf(&["signals", "export-ddas", "--from", &from, "--to", &to, "--out", out.to_str().unwrap(), "--database-url", url], "");
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    let n: usize = doc["leveringen"].as_array().unwrap().iter().map(|l| l["vroegsignalen"].as_array().map_or(0, Vec::len)).sum();
    assert!(printed.contains(&format!("{n} vroegsignalen")), "the export says what it wrote: {printed}");
    n
}

/// `eropaf signals import|sample-file|export-ddas` on a demo town: a file with bad rows is
/// refused whole with every bad row named by line and field; a good file is linked and stored
/// and shows in the DDAS delivery; --min-amount leaves out small arrears.
#[test]
fn signals_import_is_all_or_nothing_and_shows_in_the_ddas_delivery() {
    let dir = temp_dir("signals");
    let server = start(&["demo", "--households", "300", "--seed", "11", "--listen", "127.0.0.1:0", "--data-dir", dir.to_str().unwrap()]);
    drop(server);
    let url = format!("sqlite://{}", dir.join("eropaf.db").display());
    let ddas = dir.join("ddas.json");
    let before = ddas_signals(&url, &ddas);

    let sample = dir.join("sample.csv");
    let (ok, out, err) = eropaf(&["signals", "sample-file", "200", "--out", sample.to_str().unwrap(), "--seed", "3", "--database-url", &url], "");
    assert!(ok && out.contains("200 signalen geschreven"), "{out}{err}");
    let text = std::fs::read_to_string(&sample).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 201, "a header and 200 rows");
    assert_eq!(lines[0], domain::signal::FILE_COLUMNS.join(","));

    // (b) Two bad rows among good ones: line 5 with an impossible signal date, line 12 with an
    // amount that is no number. Nothing is stored, both are named.
    let column = |name: &str| domain::signal::FILE_COLUMNS.iter().position(|c| *c == name).unwrap();
    let set = |line: &str, col: usize, value: &str| -> String {
        // The sample's fields never hold a comma or a quote in these columns; split plainly.
        let mut fields: Vec<String> = line.split(',').map(String::from).collect();
        assert_eq!(fields.len(), domain::signal::FILE_COLUMNS.len(), "{line}");
        fields[col] = value.to_string();
        fields.join(",")
    };
    let mut bad: Vec<String> = lines[..30].iter().map(|l| l.to_string()).collect();
    bad[4] = set(&bad[4], column("signaaldatum"), "31-11-2026");
    bad[11] = set(&bad[11], column("bedrag"), "veel");
    let bad_file = dir.join("bad.csv");
    std::fs::write(&bad_file, bad.join("\n") + "\n").unwrap();
    let (ok, out, err) = eropaf(&["signals", "import", bad_file.to_str().unwrap(), "--database-url", &url], "");
    assert!(!ok, "a file with bad rows is refused: {out}");
    assert!(!out.contains("geïmporteerd"), "{out}");
    assert!(err.lines().any(|l| l.starts_with("regel 5, veld signaaldatum: ")), "{err}");
    assert!(err.lines().any(|l| l.starts_with("regel 12, veld bedrag: ")), "{err}");
    let named: Vec<&str> = err.lines().filter(|l| l.starts_with("regel ")).collect();
    assert_eq!(named.len(), 2, "only the bad rows are named: {err}");
    assert!(err.contains("er is niets opgeslagen"), "{err}");
    assert_eq!(ddas_signals(&url, &ddas), before, "a refused file stores nothing");

    // (d) --min-amount above every amount in the file: every row is left out.
    let (ok, out, err) = eropaf(&["signals", "import", sample.to_str().unwrap(), "--min-amount", "100000", "--database-url", &url], "");
    assert!(ok, "{err}");
    assert!(out.starts_with("niets te importeren: alle 200 signalen liggen onder het minimumbedrag"), "{out}");
    assert!(!err.contains("koppelmodel"), "nothing to link, so no model or index is loaded: {err}");
    assert_eq!(ddas_signals(&url, &ddas), before, "skipped rows are not stored");

    // (c) The good file: linked, stored, summarised, and delivered.
    let (ok, out, err) = eropaf(&["signals", "import", sample.to_str().unwrap(), "--database-url", &url], "");
    assert!(ok, "{err}");
    let summary = out.lines().find(|l| l.starts_with("geïmporteerd: ")).unwrap_or_else(|| panic!("no summary: {out}"));
    assert!(summary.starts_with("geïmporteerd: 200 signalen (0 onder het minimumbedrag overgeslagen); "), "{summary}");
    for part in ["automatisch gekoppeld", "te beoordelen", "nieuwe huishoudens", "nieuwe signaalzaken"] {
        assert!(summary.contains(part), "{summary}");
    }
    // "…; 180 automatisch gekoppeld, 15 te beoordelen, 5 bij 4 nieuwe huishoudens; …"
    let counts: Vec<usize> = summary.split("; ").nth(1).unwrap().split(", ").map(|p| p.split(' ').next().unwrap().parse().unwrap()).collect();
    assert_eq!(counts.len(), 3, "{summary}");
    assert!(counts[0] >= 100, "most rows are about known residents and link by themselves: {summary}");
    assert_eq!(counts.iter().sum::<usize>(), 200, "every row is counted once: {summary}");
    assert!(err.contains("gelezen en gecontroleerd"), "progress on stderr: {err}");
    assert_eq!(err.matches("opgeslagen: 200/200").count(), 1, "the last progress line once: {err}");
    let after = ddas_signals(&url, &ddas);
    assert!(after > before, "the imported signals are in the DDAS delivery: {before} → {after}");
    let (ok, out, err) = eropaf(&["audit", "verify", "--database-url", &url], "");
    assert!(ok && out.contains("intact"), "{out}{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// The backup drill (issue 9): a backup taken while the demo server runs restores into a fresh
/// place with the same counts and the same audit chain head; nothing is ever overwritten, and a
/// damaged backup is refused without leaving a database behind.
#[test]
fn a_backup_taken_while_serving_restores_with_the_same_counts_and_audit_head() {
    let dir = temp_dir("backup");
    let data = dir.to_str().unwrap();
    let server = start(&["demo", "--households", "120", "--seed", "4", "--listen", "127.0.0.1:0", "--data-dir", data]);
    let url = format!("sqlite://{}", dir.join("eropaf.db").display());
    let backup = dir.join("backup.db");
    let (ok, out, err) = eropaf(&["backup", "--database-url", &url, "--out", backup.to_str().unwrap()], "");
    assert!(ok, "{err}");
    // The server answers throughout.
    assert_eq!(http(&server.addr, "GET", "/readyz", &[], "").status, 200);
    let taken = out.trim().split_once(": ").unwrap().1.to_string();
    assert!(taken.contains("auditketen intact") && !taken.starts_with("0 huishoudens"), "{out}");
    let (ok, _, err) = eropaf(&["backup", "--database-url", &url, "--out", backup.to_str().unwrap()], "");
    assert!(!ok && err.contains("bestaat al"), "an existing file is not overwritten: {err}");
    drop(server);

    let restored = dir.join("hersteld").join("eropaf.db");
    std::fs::create_dir_all(restored.parent().unwrap()).unwrap();
    let restored_url = format!("sqlite://{}", restored.display());
    let (ok, out, err) = eropaf(&["restore", "--from", backup.to_str().unwrap(), "--database-url", &restored_url], "");
    assert!(ok, "{err}");
    assert_eq!(out.trim().split_once(": ").unwrap().1, taken, "the same counts and audit chain head");
    let (ok, _, err) = eropaf(&["restore", "--from", backup.to_str().unwrap(), "--database-url", &restored_url], "");
    assert!(!ok && err.contains("bestaat al"), "{err}");
    let (ok, out, _) = eropaf(&["audit", "verify", "--database-url", &restored_url], "");
    assert!(ok && taken.ends_with(out.trim().trim_start_matches("auditketen intact: ")), "{out} vs {taken}");

    // A damaged backup: refused, nothing left in the target's place.
    let damaged = dir.join("kapot.db");
    let mut bytes = std::fs::read(&backup).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 4096].fill(0x5a);
    std::fs::write(&damaged, bytes).unwrap();
    let target = dir.join("nieuw.db");
    let (ok, _, err) = eropaf(&["restore", "--from", damaged.to_str().unwrap(), "--database-url", &format!("sqlite://{}", target.display())], "");
    assert!(!ok && err.contains("niet hersteld"), "{err}");
    assert!(!target.exists());
    let _ = std::fs::remove_dir_all(dir);
}

/// Moving up (issue 9): the demo database moves to PostgreSQL with every row and the same audit
/// chain head, its logins work there, and a PostgreSQL backup taken while that server serves
/// restores into a fresh database with the same counts and head. A move or a restore into a
/// database that is not empty, and a damaged dump, are refused and write nothing.
#[test]
fn the_demo_moves_to_postgres_and_a_postgres_backup_restores_with_the_same_audit_head() {
    let dir = temp_dir("move");
    let data = dir.to_str().unwrap();
    let demo = start(&["demo", "--households", "120", "--seed", "5", "--listen", "127.0.0.1:0", "--data-dir", data]);
    let logins = demo_logins(&demo);
    drop(demo);
    let sqlite = format!("sqlite://{}", dir.join("eropaf.db").display());
    let (ok, out, err) = eropaf(&["backup", "--database-url", &sqlite, "--out", dir.join("voor.db").to_str().unwrap()], "");
    assert!(ok, "{err}");
    let before = out.trim().split_once(": ").unwrap().1.to_string();

    let cluster = store::testing::shared().unwrap();
    let pg = cluster.new_unique_database("move").unwrap();
    let (ok, out, err) = eropaf(&["migrate-db", "--from", &sqlite, "--to", &pg], "");
    assert!(ok, "{err}");
    assert!(out.contains("gecontroleerd per tabel"), "{out}");
    assert_eq!(out.lines().last().unwrap().trim_start_matches("PostgreSQL: "), before, "the same counts and chain head on PostgreSQL");
    let (ok, _, err) = eropaf(&["migrate-db", "--from", &sqlite, "--to", &pg], "");
    assert!(!ok && err.contains("niet leeg"), "{err}");
    let (ok, out, _) = eropaf(&["audit", "verify", "--database-url", &pg], "");
    assert!(ok && before.ends_with(out.trim().trim_start_matches("auditketen intact: ")), "{out}");

    // The team works on PostgreSQL from now on, with the same accounts, on two app servers
    // (behind a load balancer): a session made on one is good on the other.
    let server = start(&["serve", "--database-url", &pg, "--listen", "127.0.0.1:0"]);
    let (_, user, password, totp) = logins.iter().find(|(role, ..)| role == "worker").unwrap();
    let session = login(&server.addr, user, password, totp.as_deref());
    let log = dir.join("tweede.log");
    let second = start_logging(&["--log-format", "json", "serve", "--database-url", &pg, "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"], Some(&log));
    let my_day = http(&second.addr, "GET", "/mijn-dag", &[("Cookie", &session)], "");
    assert_eq!(my_day.status, 200, "the session is shared through the database");
    let household = my_day.body.split("href=\"/huishoudens/").filter_map(|rest| rest.split('"').next()).find(|id| id.bytes().all(|b| b.is_ascii_digit())).unwrap().to_string();
    assert_eq!(http(&second.addr, "GET", &format!("/huishoudens/{household}"), &[("Cookie", &session)], "").status, 200);

    // Its metrics: on their own listener, by route template, never an id or a name.
    let metrics_at = second.stdout_lines.iter().find_map(|l| l.strip_prefix("Eropaf-metrics op http://")).unwrap().trim_end_matches("/metrics").to_string();
    assert_eq!(http(&second.addr, "GET", "/metrics", &[], "").status, 404, "not on the public listener");
    let metrics = http(&metrics_at, "GET", "/metrics", &[], "").body;
    assert!(metrics.contains("eropaf_http_requests_total{method=\"GET\",route=\"/mijn-dag\",status=\"200\"} 1"), "{metrics}");
    assert!(metrics.contains("route=\"/huishoudens/{id}\""), "{metrics}");
    assert!(!metrics.contains(&format!("/huishoudens/{household}")), "no ids in labels");
    assert!(metrics.contains("eropaf_db_pool_connections{pool=\"postgres\",state=\"idle\"}"), "{metrics}");
    drop(second);
    // Its log: one JSON object per line, with no name from the page it served.
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("\"route\":\"/huishoudens/{id}\",\"status\":200"), "a request line per answered request: {log}");
    assert!(!log.contains(&format!("/huishoudens/{household}")), "by route template, not path");
    for line in log.lines() {
        assert!(line.starts_with('{') && line.ends_with('}') && line.contains("\"level\":"), "a JSON log line: {line}");
    }
    let address = my_day.body.split(&format!("href=\"/huishoudens/{household}\">")).nth(1).unwrap().split('<').next().unwrap().trim().to_string();
    assert!(address.len() > 5 && !log.contains(&address), "no personal data in the log ({address:?})");

    // A backup while it serves; the restore into a fresh database holds the same.
    let dump = dir.join("eropaf.dump");
    let (ok, out, err) = eropaf(&["backup", "--database-url", &pg, "--out", dump.to_str().unwrap()], "");
    assert!(ok, "{err}");
    assert_eq!(http(&server.addr, "GET", "/readyz", &[], "").status, 200);
    let taken = out.trim().split_once(": ").unwrap().1.to_string();
    assert!(taken.contains("auditketen intact"), "{taken}");
    drop(server);
    let (ok, _, err) = eropaf(&["backup", "--database-url", &pg, "--out", dump.to_str().unwrap()], "");
    assert!(!ok && err.contains("bestaat al"), "{err}");
    let fresh = cluster.new_unique_database("restored").unwrap();
    let (ok, out, err) = eropaf(&["restore", "--from", dump.to_str().unwrap(), "--database-url", &fresh], "");
    assert!(ok, "{err}");
    assert_eq!(out.trim().split_once(": ").unwrap().1, taken, "the same counts and audit chain head");
    let (ok, _, err) = eropaf(&["restore", "--from", dump.to_str().unwrap(), "--database-url", &fresh], "");
    assert!(!ok && err.contains("niet leeg"), "{err}");

    // A damaged dump: refused, and the target database stays empty.
    let mut bytes = std::fs::read(&dump).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 4096].fill(0x5a);
    let damaged = dir.join("kapot.dump");
    std::fs::write(&damaged, bytes).unwrap();
    let empty = cluster.new_unique_database("damaged").unwrap();
    let (ok, _, err) = eropaf(&["restore", "--from", damaged.to_str().unwrap(), "--database-url", &empty], "");
    assert!(!ok && err.contains("niet hersteld"), "{err}");
    let (ok, out, _) = eropaf(&["audit", "verify", "--database-url", &empty], "");
    assert!(!ok || out.contains("0 records"), "nothing restored: {out}");
    let _ = std::fs::remove_dir_all(dir);
}
