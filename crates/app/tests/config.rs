//! The settings file as an operator uses it: `eropaf.toml` sets a value, the environment and then
//! a flag override it, a mistake in it stops the command before anything starts, and
//! `eropaf config check` says where each value came from without showing a secret.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{temp_dir, BIN};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `eropaf ARGS` in `dir` with only the given `EROPAF_*` variables; (exit code, stdout, stderr).
/// A command that is still running after 60 s is killed and fails the test.
fn eropaf_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut child = command(dir, args, env).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("eropaf {args:?} did not stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(dir).stdin(Stdio::null());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("EROPAF_") {
            cmd.env_remove(name);
        }
    }
    cmd.envs(env.iter().copied());
    cmd
}

/// The value and source `config check` printed for `key`.
fn checked(out: &str, key: &str) -> (String, String) {
    let line = out.lines().find(|l| l.split_whitespace().next() == Some(key)).unwrap_or_else(|| panic!("no {key} in {out}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    (words[1..words.len() - 2].join(" "), words[words.len() - 2].to_string())
}

#[test]
fn a_file_sets_a_value_the_environment_overrides_it_and_a_flag_overrides_both() {
    let dir = temp_dir("config-precedence");
    std::fs::write(dir.join("eropaf.toml"), "[database]\nurl = \"sqlite://uit-bestand.db\"\n\n[pickup]\ndays = 14\n").unwrap();

    let (code, out, err) = eropaf_in(&dir, &["migrate"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(dir.join("uit-bestand.db").exists(), "./eropaf.toml is read by default and sets the database");
    let (_, out, _) = eropaf_in(&dir, &["config", "check"], &[]);
    assert!(out.starts_with("instellingenbestand: eropaf.toml\n"), "{out}");
    assert_eq!(checked(&out, "database.url"), ("sqlite://uit-bestand.db".into(), "bestand".into()));
    assert_eq!(checked(&out, "pickup.days"), ("14".into(), "bestand".into()));
    assert_eq!(checked(&out, "server.listen"), ("127.0.0.1:8080".into(), "standaard".into()));

    let env = [("EROPAF_DATABASE_URL", "sqlite://uit-omgeving.db")];
    let (code, _, err) = eropaf_in(&dir, &["migrate"], &env);
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("uit-omgeving.db").exists(), "the environment overrides the file");
    let (_, out, _) = eropaf_in(&dir, &["config", "check"], &env);
    assert_eq!(checked(&out, "database.url"), ("sqlite://uit-omgeving.db".into(), "omgeving".into()));
    assert_eq!(checked(&out, "pickup.days"), ("14".into(), "bestand".into()), "the file still sets what the environment does not");

    let (code, _, err) = eropaf_in(&dir, &["migrate", "--database-url", "sqlite://uit-vlag.db"], &env);
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("uit-vlag.db").exists(), "a flag overrides the environment");
    let (_, out, _) = eropaf_in(&dir, &["config", "check", "--database-url", "sqlite://uit-vlag.db", "--pickup-days", "3"], &env);
    assert_eq!(checked(&out, "database.url"), ("sqlite://uit-vlag.db".into(), "vlag".into()));
    assert_eq!(checked(&out, "pickup.days"), ("3".into(), "vlag".into()));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn serve_listens_where_the_file_says() {
    let dir = temp_dir("config-serve");
    std::fs::write(dir.join("eropaf.toml"), "[database]\nurl = \"sqlite://serve.db\"\n[server]\nlisten = \"127.0.0.1:0\"\n").unwrap();
    let mut child = command(&dir, &["serve"], &[]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = lines.find_map(|l| l.ok()?.strip_prefix("Eropaf luistert op http://").map(str::to_string));
    let _ = child.kill();
    let _ = child.wait();
    let addr = listening.expect("serve started");
    assert!(addr.starts_with("127.0.0.1:") && !addr.ends_with(":8080"), "an ephemeral port from server.listen: {addr}");
    assert!(dir.join("serve.db").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn config_check_names_the_sources_and_never_prints_a_secret() {
    let dir = temp_dir("config-check");
    let file = dir.join("elders.toml");
    std::fs::write(
        &file,
        "[database]\nurl = \"postgres://eropaf:wachtwoord-xyz@db.gemeente.local:5432/eropaf\"\n[oidc]\nissuer = \"https://login.gemeente.nl\"\nclient_secret = \"zeer-geheim-123\"\n[log]\nformat = \"json\"\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let env = [("EROPAF_CONFIG", path), ("EROPAF_RETENTION_CASE_DAYS", "800")];
    let (code, out, err) = eropaf_in(&dir, &["config", "check", "--no-contact-days", "21"], &env);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(&format!("instellingenbestand: {path}\n")), "EROPAF_CONFIG names the file: {out}");
    assert!(!out.contains("zeer-geheim-123") && !out.contains("wachtwoord-xyz") && !err.contains("geheim"), "{out}{err}");
    assert_eq!(checked(&out, "oidc.client_secret"), ("***".into(), "bestand".into()));
    assert_eq!(checked(&out, "database.url"), ("postgres://eropaf:***@db.gemeente.local:5432/eropaf".into(), "bestand".into()));
    assert_eq!(checked(&out, "oidc.issuer"), ("https://login.gemeente.nl".into(), "bestand".into()));
    assert_eq!(checked(&out, "log.format"), ("json".into(), "bestand".into()));
    assert_eq!(checked(&out, "retention.case_days"), ("800".into(), "omgeving".into()));
    assert_eq!(checked(&out, "cadence.no_contact_days"), ("21".into(), "vlag".into()));
    assert_eq!(checked(&out, "server.metrics_listen"), ("(niet gezet)".into(), "standaard".into()));

    // A secret given in the environment or as a flag is not shown either; --config=PATH works too.
    let (code, out, _) = eropaf_in(&dir, &[&format!("--config={path}"), "config", "check", "--oidc-client-secret", "vlag-geheim"], &[("EROPAF_DATABASE_URL", "postgres://u:omgeving-geheim@h/d")]);
    assert_eq!(code, 0);
    assert!(!out.contains("vlag-geheim") && !out.contains("omgeving-geheim"), "{out}");
    assert_eq!(checked(&out, "oidc.client_secret"), ("***".into(), "vlag".into()));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_mistake_in_the_file_stops_the_command_before_anything_starts() {
    let dir = temp_dir("config-refused");
    std::fs::write(dir.join("eropaf.toml"), "# the database\n[databse]\nurl = \"sqlite://fout.db\"\n").unwrap();
    let (code, out, err) = eropaf_in(&dir, &["serve", "--listen", "127.0.0.1:0"], &[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("eropaf.toml, regel 3: onbekende instelling 'databse.url' (bedoelt u database.url?)"), "{err}");
    assert!(!out.contains("luistert"), "{out}");
    assert!(!dir.join("fout.db").exists() && !dir.join("eropaf-data").exists(), "no database was opened");

    std::fs::write(dir.join("eropaf.toml"), "[pickup]\ndays = \"veertien\"\n").unwrap();
    let (code, _, err) = eropaf_in(&dir, &["config", "check"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("regel 2") && err.contains("'pickup.days' is een geheel getal"), "{err}");

    std::fs::write(dir.join("eropaf.toml"), "[log]\nformat = \"xml\"\n").unwrap();
    let (code, _, err) = eropaf_in(&dir, &["migrate"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("'log.format' is een van: text, json"), "{err}");
    assert!(!dir.join("eropaf-data").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_named_file_that_is_missing_is_refused_and_a_missing_default_is_no_file() {
    let dir = temp_dir("config-missing");
    let (code, _, err) = eropaf_in(&dir, &["migrate", "--config", "bestaat-niet.toml"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("bestaat-niet.toml: kan het instellingenbestand niet lezen"), "{err}");
    assert!(!dir.join("eropaf-data").exists(), "nothing was started");
    let (code, _, err) = eropaf_in(&dir, &["config", "check"], &[("EROPAF_CONFIG", "ook-niet.toml")]);
    assert_eq!(code, 2);
    assert!(err.contains("ook-niet.toml"), "{err}");

    let (code, out, err) = eropaf_in(&dir, &["config", "check"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("instellingenbestand: geen"), "{out}");
    assert_eq!(checked(&out, "database.url"), ("sqlite://eropaf-data/eropaf.db".into(), "standaard".into()));
    let (_, help, _) = eropaf_in(&dir, &["--help"], &[]);
    assert!(help.contains("--config <PATH>") && help.contains("EROPAF_CONFIG"), "{help}");
    let _ = std::fs::remove_dir_all(dir);
}
