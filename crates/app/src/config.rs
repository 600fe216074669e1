//! The settings file `eropaf.toml`: read before clap parses the command line, every key put in
//! its `EROPAF_*` variable unless that is already set, so the environment and then flags win;
//! and `eropaf config check`, which prints the effective settings and where each came from.

use crate::cli::Cli;
use clap::parser::ValueSource;
use clap::{Arg, ArgMatches, CommandFactory};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Read from the working directory when neither `--config` nor `EROPAF_CONFIG` names a file.
const DEFAULT_FILE: &str = "eropaf.toml";
const CONFIG_ENV: &str = "EROPAF_CONFIG";

/// What a key's value must be in the file.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Text,
    /// A whole number, 0 or more.
    Count,
}

/// How `config check` shows a value.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Shown {
    Plain,
    Secret,
    /// A database URL: the password in it as `***`.
    UrlPassword,
}

/// One setting: its key in the file, the variable it sets (the one clap reads), what it is.
#[derive(Debug)]
struct Setting {
    key: &'static str,
    env: &'static str,
    kind: Kind,
    shown: Shown,
    what: &'static str,
}

const fn setting(key: &'static str, env: &'static str, kind: Kind, shown: Shown, what: &'static str) -> Setting {
    Setting { key, env, kind, shown, what }
}

use Kind::{Count, Text};
use Shown::{Plain, Secret, UrlPassword};

/// Every setting, the one list: the file's keys, `config check` and the README's table are
/// read from it, and a test holds it to the `env = "EROPAF_…"` names in `cli.rs`.
const SETTINGS: &[Setting] = &[
    setting("database.url", "EROPAF_DATABASE_URL", Text, UrlPassword, "`sqlite://PATH` (embedded) or `postgres://USER@HOST:PORT/DB`; better without a password (use `~/.pgpass` or `PGPASSWORD`)"),
    setting("server.listen", "EROPAF_LISTEN", Text, Plain, "address and port `serve` and `demo` listen on"),
    setting("server.public_url", "EROPAF_PUBLIC_URL", Text, Plain, "Eropaf's address as browsers reach it (the OpenID Connect redirect); default `http://LISTEN`"),
    setting("server.metrics_listen", "EROPAF_METRICS_LISTEN", Text, Plain, "a separate listener for Prometheus `/metrics`, e.g. `127.0.0.1:9464`; off when not set"),
    setting("api.contact_name", "EROPAF_API_CONTACT_NAME", Text, Plain, "who answers questions about the JSON API (`info.contact` of `/api/v1/openapi.json`, NL API Design Rules); with `api.contact_url` and `api.contact_email`, all three or none"),
    setting("api.contact_url", "EROPAF_API_CONTACT_URL", Text, Plain, "where to ask (an https address), e.g. a developer page or issue tracker"),
    setting("api.contact_email", "EROPAF_API_CONTACT_EMAIL", Text, Plain, "the e-mail address of the team that runs the API"),
    setting("log.format", "EROPAF_LOG_FORMAT", Text, Plain, "`text` (for people) or `json` (one object per line, for a log collector)"),
    setting("oidc.issuer", "EROPAF_OIDC_ISSUER", Text, Plain, "the municipality's OpenID Connect issuer URL; turns on \"Inloggen via …\""),
    setting("oidc.client_id", "EROPAF_OIDC_CLIENT_ID", Text, Plain, "Eropaf's client id at the provider"),
    setting("oidc.client_secret", "EROPAF_OIDC_CLIENT_SECRET", Text, Secret, "its client secret (keep the file readable by the service account only)"),
    setting("oidc.name", "EROPAF_OIDC_NAME", Text, Plain, "the provider's name on the login button"),
    setting("retention.signal_days", "EROPAF_RETENTION_SIGNAL_DAYS", Count, Plain, "days a signal that led to no case is kept"),
    setting("retention.contact_days", "EROPAF_RETENTION_CONTACT_DAYS", Count, Plain, "days contact attempts and appointments outside a case are kept"),
    setting("retention.case_days", "EROPAF_RETENTION_CASE_DAYS", Count, Plain, "days a closed case is kept, from its closing"),
    setting("retention.signal_case_days", "EROPAF_RETENTION_SIGNAL_CASE_DAYS", Count, Plain, "days a signal case closed as not picked up or no help needed is kept"),
    setting("pickup.days", "EROPAF_PICKUP_DAYS", Count, Plain, "first contact is due this many days after a signal (`serve`)"),
    setting("pickup.crisis_working_days", "EROPAF_CRISIS_WORKING_DAYS", Count, Plain, "…and this many working days after a crisis signal (`serve`)"),
    setting("pickup.liberation_day", "EROPAF_LIBERATION_DAY", Text, Plain, "Liberation Day as a day off in the working days: `yearly` or `lustrum` (once in five years) (`serve`)"),
    setting("cadence.failures_before_discussion", "EROPAF_FAILURES_BEFORE_DISCUSSION", Count, Plain, "failed contact attempts in a row before the case discussion (`serve`)"),
    setting("cadence.no_contact_days", "EROPAF_NO_CONTACT_DAYS", Count, Plain, "days without contact after which a household is \"uit beeld\" (`serve`)"),
    setting("cadence.referral_stalled_days", "EROPAF_REFERRAL_STALLED_DAYS", Count, Plain, "days after which a referral whose help has not started is stalled (`serve`)"),
    setting("signals.min_amount", "EROPAF_SIGNALS_MIN_AMOUNT", Count, Plain, "arrears below this amount (whole euros) are left out of a creditor file (`signals import`)"),
    setting("ddas.gemeentecode", "EROPAF_GEMEENTECODE", Text, Plain, "CBS code of the municipality in the DDAS delivery (`signals export-ddas`)"),
    setting("ddas.organisatie", "EROPAF_ORGANISATIE", Text, Plain, "the municipality's name in the DDAS delivery"),
    setting("ddas.kvk", "EROPAF_KVK", Text, Plain, "its KvK number in the DDAS delivery"),
    setting("ddas.leverancier", "EROPAF_LEVERANCIER", Text, Plain, "code of the supplier that delivers (codeGegevensleverancier)"),
    setting("demo.data_dir", "EROPAF_DEMO_DATA_DIR", Text, Plain, "where `demo` keeps its database and logins"),
];

/// The settings file that was read, and which variables it set.
#[derive(Default)]
pub(crate) struct Loaded {
    path: Option<PathBuf>,
    from_file: BTreeSet<&'static str>,
}

/// Finds the settings file (`--config PATH` or `--config=PATH` in `args`, else `EROPAF_CONFIG`,
/// else `./eropaf.toml` when it exists), checks every key and sets each variable the
/// environment does not set already. A file that was named but is missing, a key that is not
/// known or a value of the wrong kind is an error naming the file, the line and the key.
///
/// Call it first thing in `main`: it changes the process environment, which is sound only while
/// no other thread can read it (no runtime, no logging thread yet; edition 2021 does not make
/// `set_var` unsafe, but the reason is the same).
pub(crate) fn load(args: impl IntoIterator<Item = OsString>) -> Result<Loaded, String> {
    let named = named_in(args).or_else(|| std::env::var_os(CONFIG_ENV).filter(|v| !v.is_empty()).map(PathBuf::from));
    let path = match named {
        Some(path) => path,
        None if Path::new(DEFAULT_FILE).is_file() => PathBuf::from(DEFAULT_FILE),
        None => return Ok(Loaded::default()),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: kan het instellingenbestand niet lezen: {e}", path.display()))?;
    let values = settings_in(&text).map_err(|(line, message)| match line {
        Some(line) => format!("{}, regel {line}: {message}", path.display()),
        None => format!("{}: {message}", path.display()),
    })?;
    let mut from_file = BTreeSet::new();
    for (setting, value) in values {
        if std::env::var_os(setting.env).is_none() {
            std::env::set_var(setting.env, value);
            from_file.insert(setting.env);
        }
    }
    Ok(Loaded { path: Some(path), from_file })
}

/// The path after `--config` on the command line (before a `--`).
fn named_in(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--" {
            return None;
        }
        if arg == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.to_str().and_then(|a| a.strip_prefix("--config=")) {
            return Some(PathBuf::from(path));
        }
    }
    None
}

/// A mistake in the file: its line, when known, and what is wrong.
type Mistake = (Option<usize>, String);

/// A key of the file, its value and its line.
type Entry = (String, Value, Option<usize>);

/// A value as the file gives it, before it is held to its key.
#[derive(Debug, PartialEq)]
enum Value {
    Text(String),
    Integer(i64),
    /// Anything else, by the name of its TOML type.
    Other(&'static str),
}

/// The file as (key, value, line) in its order: top-level keys, and the keys of each table one
/// level down as `table.key`.
fn flatten(text: &str) -> Result<Vec<Entry>, Mistake> {
    use toml::de::{DeTable, DeValue};
    let line_at = |at: usize| Some(text.get(..at).unwrap_or(text).matches('\n').count() + 1);
    let document = DeTable::parse(text).map_err(|e| (e.span().and_then(|s| line_at(s.start)), format!("geen geldige TOML: {}", e.message().trim().replace('\n', "; "))))?;
    let value_of = |v: &DeValue| match v {
        DeValue::String(s) => Value::Text(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).map_or(Value::Other("een te groot getal"), Value::Integer),
        DeValue::Float(_) => Value::Other("een kommagetal"),
        DeValue::Boolean(_) => Value::Other("waar/onwaar"),
        DeValue::Datetime(_) => Value::Other("een datum"),
        DeValue::Array(_) => Value::Other("een lijst"),
        DeValue::Table(_) => Value::Other("een tabel"),
    };
    let mut out = Vec::new();
    for (key, value) in document.get_ref() {
        match value.get_ref() {
            DeValue::Table(table) => {
                for (inner, value) in table {
                    let name = format!("{}.{}", key.get_ref(), inner.get_ref());
                    out.push((name, value_of(value.get_ref()), line_at(inner.span().start)));
                }
            }
            other => out.push((key.get_ref().to_string(), value_of(other), line_at(key.span().start))),
        }
    }
    // In the file's order, so the first mistake is the one named.
    out.sort_by_key(|(_, _, line)| *line);
    Ok(out)
}

/// Each key of the file held to its setting: the variable and the value to give it.
fn settings_in(text: &str) -> Result<Vec<(&'static Setting, String)>, Mistake> {
    let args = setting_args();
    let mut out = Vec::new();
    for (key, value, line) in flatten(text)? {
        let Some(setting) = SETTINGS.iter().find(|s| s.key == key) else {
            let nearest = SETTINGS.iter().filter_map(|s| Some((linkage::similarity::edits_at_most(&key, s.key, 3)?, s.key))).min();
            let in_table: Vec<&str> = SETTINGS.iter().filter_map(|s| s.key.strip_prefix(&key)?.strip_prefix('.')).collect();
            let hint = match nearest {
                Some((_, k)) => format!(" (bedoelt u {k}?)"),
                None if !in_table.is_empty() => format!(" ({key} is een tabel: [{key}] met {})", in_table.join(", ")),
                None => String::new(),
            };
            return Err((line, format!("onbekende instelling '{key}'{hint}; zie `eropaf config check` voor alle instellingen")));
        };
        let text = match (setting.kind, value) {
            (Kind::Text, Value::Text(s)) => s,
            (Kind::Count, Value::Integer(n)) if (0..=i64::from(u32::MAX)).contains(&n) => n.to_string(),
            (Kind::Text, other) => return Err((line, format!("'{key}' is tekst, tussen aanhalingstekens (niet {})", described(&other)))),
            (Kind::Count, other) => return Err((line, format!("'{key}' is een geheel getal van 0 of meer, zonder aanhalingstekens (niet {})", described(&other)))),
        };
        let allowed: Vec<String> = args.iter().find(|a| env_of(a) == Some(setting.env)).map(|a| a.get_possible_values().iter().map(|p| p.get_name().to_string()).collect()).unwrap_or_default();
        if !allowed.is_empty() && !allowed.contains(&text) {
            return Err((line, format!("'{key}' is een van: {} (niet '{text}')", allowed.join(", "))));
        }
        out.push((setting, text));
    }
    Ok(out)
}

fn described(value: &Value) -> String {
    match value {
        Value::Text(s) => format!("de tekst \"{s}\""),
        Value::Integer(n) => format!("het getal {n}"),
        Value::Other(kind) => (*kind).to_string(),
    }
}

fn env_of(arg: &Arg) -> Option<&str> {
    arg.get_env().and_then(|e| e.to_str())
}

/// Every argument in the command tree that reads an `EROPAF_*` variable, once per variable (the
/// first found), `EROPAF_CONFIG` aside.
fn setting_args() -> Vec<Arg> {
    fn walk(cmd: &clap::Command, out: &mut Vec<Arg>) {
        for arg in cmd.get_arguments() {
            let env = env_of(arg).filter(|e| e.starts_with("EROPAF_") && *e != CONFIG_ENV);
            if env.is_some() && !out.iter().any(|a| env_of(a) == env) {
                out.push(arg.clone());
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &mut out);
    out
}

/// The command line with `config check` taking every setting's flag (as the commands that use
/// it define it: default, variable, parser), so it resolves each setting the way they do.
pub(crate) fn command() -> clap::Command {
    let args = setting_args();
    let mirrors: Vec<Arg> = SETTINGS
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let arg = args.iter().find(|a| env_of(a) == Some(s.env)).filter(|a| !a.is_global_set())?;
            Some(arg.clone().id(s.env).required(false).help(s.what).display_order(i))
        })
        .collect();
    Cli::command().mut_subcommand("config", |config| config.mut_subcommand("check", |check| check.args(mirrors)))
}

/// `eropaf config check`: one line per setting with its effective value and its source.
pub(crate) fn check(matches: &ArgMatches, loaded: &Loaded) -> String {
    let Some(check) = matches.subcommand_matches("config").and_then(|m| m.subcommand_matches("check")) else { return String::new() };
    let args = setting_args();
    let mut out = match &loaded.path {
        Some(path) => format!("instellingenbestand: {}\n", path.display()),
        None => format!("instellingenbestand: geen (geen --config, geen {CONFIG_ENV}, geen ./{DEFAULT_FILE})\n"),
    };
    let mut rows = Vec::new();
    for s in SETTINGS {
        // A global flag (log.format) is matched under its own id; the others under their mirror's.
        let global = args.iter().find(|a| env_of(a) == Some(s.env) && a.is_global_set());
        let id = global.map_or(s.env, |a| a.get_id().as_str());
        let raw: Option<Vec<String>> = check.try_get_raw(id).ok().flatten().map(|values| values.map(|v| v.to_string_lossy().into_owned()).collect());
        let source = match check.value_source(id) {
            Some(ValueSource::CommandLine) => "vlag",
            Some(ValueSource::EnvVariable) if loaded.from_file.contains(s.env) => "bestand",
            Some(ValueSource::EnvVariable) => "omgeving",
            _ => "standaard",
        };
        let value = match raw {
            Some(values) => shown(s.shown, &values.join(",")),
            None => "(niet gezet)".to_string(),
        };
        rows.push((s.key, value, source, s.env));
    }
    let key_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let value_width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    for (key, value, source, env) in rows {
        out.push_str(&format!("{key:key_width$}  {value:value_width$}  {source:9}  {env}\n"));
    }
    out
}

/// A value as `config check` prints it: secrets as `***`, a URL's password as `***`.
fn shown(how: Shown, value: &str) -> String {
    match how {
        Shown::Plain => value.to_string(),
        Shown::Secret => "***".to_string(),
        Shown::UrlPassword => {
            let mut url = value.to_string();
            // userinfo: scheme://user:password@host
            if let Some(start) = url.find("://").map(|i| i + 3) {
                let authority_end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
                if let Some(at) = url[start..authority_end].rfind('@').map(|i| start + i) {
                    if let Some(colon) = url[start..at].find(':').map(|i| start + i) {
                        url.replace_range(colon + 1..at, "***");
                    }
                }
            }
            // ?password=… in the query
            if let Some(q) = url.find('?') {
                let (head, query) = url.split_at(q + 1);
                let query: Vec<String> = query.split('&').map(|p| if p.starts_with("password=") { "password=***".to_string() } else { p.to_string() }).collect();
                url = format!("{head}{}", query.join("&"));
            }
            url
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn tables_one_level_down_flatten_to_dotted_keys_with_their_lines() {
        let text = "top = \"a\"\n\n[database]\nurl = \"sqlite://x.db\"\n[pickup]\ndays = 0x10\n";
        let flat = flatten(text).unwrap();
        assert_eq!(
            flat,
            vec![
                ("top".to_string(), Value::Text("a".into()), Some(1)),
                ("database.url".to_string(), Value::Text("sqlite://x.db".into()), Some(4)),
                ("pickup.days".to_string(), Value::Integer(16), Some(6)),
            ]
        );
        // Dotted keys and inline tables are the same tables.
        let dotted = flatten("database.url = \"a\"\npickup = { days = 3 }\n").unwrap();
        assert_eq!(dotted[0].0, "database.url");
        assert_eq!(dotted[1], ("pickup.days".to_string(), Value::Integer(3), Some(2)));
        // Deeper tables, floats, booleans and lists are kept as what they are, to be refused.
        let deep = flatten("[a.b]\nc = 1\n[x]\nf = 1.5\nt = true\nl = [1]\n").unwrap();
        assert_eq!(deep.iter().map(|(k, v, _)| (k.as_str(), v)).collect::<Vec<_>>()[0], ("a.b", &Value::Other("een tabel")));
        assert!(deep.iter().skip(1).all(|(_, v, _)| matches!(v, Value::Other(_))));
    }

    #[test]
    fn broken_toml_names_its_line() {
        let (line, message) = flatten("[database]\nurl = \"open\n").unwrap_err();
        assert_eq!(line, Some(2));
        assert!(message.starts_with("geen geldige TOML"), "{message}");
        let (line, _) = flatten("[server]\nlisten = \"a\"\nlisten = \"b\"\n").unwrap_err();
        assert_eq!(line, Some(3), "a key given twice");
    }

    #[test]
    fn unknown_keys_and_wrong_kinds_are_refused_by_name() {
        let (line, message) = settings_in("[databse]\nurl = \"x\"\n").unwrap_err();
        assert_eq!(line, Some(2));
        assert!(message.starts_with("onbekende instelling 'databse.url' (bedoelt u database.url?)"), "{message}");
        let (_, message) = settings_in("listen = \"x\"\n").unwrap_err();
        assert!(message.contains("'listen'"), "{message}");
        let (_, message) = settings_in("pickup = 3\n").unwrap_err();
        assert!(message.contains("'pickup' (pickup is een tabel: [pickup] met days, crisis_working_days, liberation_day)"), "{message}");
        let (_, message) = settings_in("[pickup]\ndays = \"28\"\n").unwrap_err();
        assert!(message.contains("'pickup.days' is een geheel getal"), "{message}");
        let (_, message) = settings_in("[pickup]\ndays = -1\n").unwrap_err();
        assert!(message.contains("'pickup.days'"), "{message}");
        let (_, message) = settings_in("[ddas]\ngemeentecode = 363\n").unwrap_err();
        assert!(message.contains("'ddas.gemeentecode' is tekst"), "{message}");
        let (_, message) = settings_in("[log]\nformat = \"xml\"\n").unwrap_err();
        assert!(message.contains("'log.format' is een van: text, json"), "{message}");
        let ok = settings_in("[log]\nformat = \"json\"\n[pickup]\ndays = 14\n").unwrap();
        assert_eq!(ok.iter().map(|(s, v)| (s.env, v.as_str())).collect::<Vec<_>>(), [("EROPAF_LOG_FORMAT", "json"), ("EROPAF_PICKUP_DAYS", "14")]);
    }

    #[test]
    fn config_is_found_on_the_command_line_before_a_double_dash() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(named_in(args(&["eropaf", "serve", "--config", "a.toml"])), Some(PathBuf::from("a.toml")));
        assert_eq!(named_in(args(&["eropaf", "--config=b.toml", "serve"])), Some(PathBuf::from("b.toml")));
        assert_eq!(named_in(args(&["eropaf", "serve"])), None);
        assert_eq!(named_in(args(&["eropaf", "linkage", "--", "--config", "c"])), None);
    }

    #[test]
    fn passwords_and_secrets_are_not_shown() {
        assert_eq!(shown(Shown::UrlPassword, "postgres://eropaf:geheim@db:5432/eropaf"), "postgres://eropaf:***@db:5432/eropaf");
        assert_eq!(shown(Shown::UrlPassword, "postgres://eropaf@db/eropaf?sslmode=require&password=geheim"), "postgres://eropaf@db/eropaf?sslmode=require&password=***");
        assert_eq!(shown(Shown::UrlPassword, "sqlite://eropaf-data/eropaf.db"), "sqlite://eropaf-data/eropaf.db");
        assert_eq!(shown(Shown::Secret, "geheim"), "***");
    }

    /// Every `EROPAF_*` variable the commands read is a setting, and every setting is read.
    #[test]
    fn the_settings_are_the_variables_of_the_command_line() {
        let args = setting_args();
        for arg in &args {
            let env = env_of(arg).unwrap();
            assert!(SETTINGS.iter().any(|s| s.env == env), "{env} (--{}) has no key in config::SETTINGS", arg.get_long().unwrap_or("?"));
        }
        for s in SETTINGS {
            let arg = args.iter().find(|a| env_of(a) == Some(s.env)).unwrap_or_else(|| panic!("{} ({}) is read by no command", s.key, s.env));
            let numeric = arg.get_default_values().first().is_some_and(|d| d.to_str().is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit())));
            assert!(s.kind != Kind::Count || numeric, "{}: a count's flag has a number as its default", s.key);
        }
        let keys: BTreeSet<&str> = SETTINGS.iter().map(|s| s.key).collect();
        assert_eq!(keys.len(), SETTINGS.len(), "a key twice");
        command().debug_assert();
    }

    /// The README's table of settings, made from `SETTINGS` and the flags in `cli.rs`.
    fn markdown_table() -> String {
        let args = setting_args();
        let mut out = String::from("| key | environment | flag | default | meaning |\n|---|---|---|---|---|\n");
        for s in SETTINGS {
            let arg = args.iter().find(|a| env_of(a) == Some(s.env));
            let flag = arg.and_then(|a| a.get_long()).map_or_else(String::new, |l| format!("`--{l}`"));
            let default: Vec<String> = arg.map(|a| a.get_default_values().iter().map(|d| d.to_string_lossy().into_owned()).collect()).unwrap_or_default();
            let default = if default.is_empty() { "—".to_string() } else { format!("`{}`", default.join(",")) };
            out.push_str(&format!("| `{}` | `{}` | {flag} | {default} | {} |\n", s.key, s.env, s.what));
        }
        out
    }

    const BEGIN: &str = "<!-- settings table: made from crates/app/src/config.rs (UPDATE_SNAPSHOTS=1 cargo test -p app --bin eropaf config) -->\n";
    const END: &str = "<!-- end of settings table -->";

    #[test]
    fn the_readme_documents_every_setting() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let table = markdown_table();
        let (Some(begin), Some(end)) = (readme.find(BEGIN), readme.find(END)) else { panic!("README.md has no settings table between its markers") };
        let current = &readme[begin + BEGIN.len()..end];
        if current != table && std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, format!("{}{table}{}", &readme[..begin + BEGIN.len()], &readme[end..])).unwrap();
            return;
        }
        assert_eq!(current, table, "README.md's settings table is out of date: run UPDATE_SNAPSHOTS=1 cargo test -p app --bin eropaf config");
        for s in SETTINGS {
            assert!(current.contains(&format!("`{}`", s.key)), "{}", s.key);
        }
    }

    /// The README's example and `eropaf.example.toml` are settings files Eropaf accepts.
    #[test]
    fn the_examples_are_valid_settings_files() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let example = std::fs::read_to_string(root.join("eropaf.example.toml")).unwrap();
        settings_in(&example).unwrap();
        let uncommented: String = example.lines().map(|l| l.strip_prefix("# ").filter(|l| l.contains(" = ")).unwrap_or(l)).collect::<Vec<_>>().join("\n");
        let given = settings_in(&uncommented).unwrap();
        for s in SETTINGS {
            assert!(given.iter().any(|(g, _)| g.key == s.key), "eropaf.example.toml does not show {}", s.key);
        }
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let section = &readme[readme.find("## Instellingen (eropaf.toml)").unwrap()..];
        let block = section.split("```toml\n").nth(1).and_then(|b| b.split("```").next()).unwrap();
        assert!(!settings_in(block).unwrap().is_empty());
    }
}
