//! Throwaway PostgreSQL clusters for tests: initdb/pg_ctl from Debian's binaries, as a non-root user, on a free port, removed on drop.
//!
//! * Binaries: `$EROPAF_PG_BIN` if set, else `/usr/lib/postgresql/<highest version>/bin`
//!   (Debian package `postgresql`; `scripts/test` installs it when missing).
//! * Each cluster lives in its own directory `$TMPDIR/eropaf-pg-<pid>-<counter>-<nanos>`
//!   (data, server log `log`, and the Unix socket), listens on a free port on
//!   127.0.0.1 only, and trusts every connection (`-A trust`) for the superuser `eropaf`.
//! * When the tests run as root (initdb refuses that), the server tools run through
//!   `runuser -u postgres --` (or `nobody` when no `postgres` user exists).
//! * [`PgCluster`] stops the server (`pg_ctl stop -m immediate`) and deletes the directory on drop.
//!   The cluster returned by [`shared`] lives in a static and is therefore never dropped:
//!   `scripts/test` stops stray postmasters and removes `$TMPDIR/eropaf-pg-*` after the test run.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// Superuser created by initdb; every database URL uses it.
pub const SUPERUSER: &str = "eropaf";

/// Environment variables that would make libpq tools ignore our explicit arguments.
const LIBPQ_ENV: &[&str] = &[
    "PGHOST",
    "PGHOSTADDR",
    "PGPORT",
    "PGUSER",
    "PGDATABASE",
    "PGDATA",
    "PGOPTIONS",
    "PGSERVICE",
    "PGSERVICEFILE",
    "PGPASSFILE",
    "PGSSLMODE",
];

/// How often `start()` tries a fresh port when the server does not come up.
const START_ATTEMPTS: u32 = 3;

/// A running, throwaway PostgreSQL cluster.
#[derive(Debug)]
pub struct PgCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    /// `Some(user)` when the server tools must run via `runuser -u user --` (we are root).
    run_as: Option<String>,
}

impl PgCluster {
    /// Starts a new cluster; Err with a clear message if the binaries are missing.
    pub fn start() -> Result<PgCluster, String> {
        let bin = bin_dir()?;
        let run_as = service_user()?;
        let dir = create_unique_dir()?;
        // From here on, dropping `cluster` (also on error) removes the directory again.
        let mut cluster = PgCluster {
            bin,
            dir,
            port: 0,
            run_as,
        };
        if let Some(user) = &cluster.run_as {
            let out = run(Command::new("chown").arg(user).arg(&cluster.dir))?;
            if !out.status.success() {
                return Err(format!(
                    "chown {user} {}: {}",
                    cluster.dir.display(),
                    output_text(&out)
                ));
            }
        }
        cluster.initdb()?;

        let mut errors = Vec::new();
        for _ in 0..START_ATTEMPTS {
            cluster.port = free_port()?;
            match cluster.pg_ctl_start() {
                Ok(()) => return Ok(cluster),
                Err(e) => {
                    // Make sure nothing half-started keeps running before we retry.
                    cluster.stop();
                    errors.push(e);
                }
            }
        }
        Err(format!(
            "could not start PostgreSQL in {} after {START_ATTEMPTS} attempts:\n{}",
            cluster.dir.display(),
            errors.join("\n---\n")
        ))
    }

    /// A URL like postgres://eropaf@127.0.0.1:PORT/DBNAME for a NEW empty database created in this cluster (createdb via the bin dir or via psql), so each test gets an isolated database.
    ///
    /// `name` must be a plain identifier (ASCII letters, digits, `_`, at most 63 bytes, not
    /// starting with a digit). Creating a database that already exists is an error; see
    /// [`PgCluster::new_unique_database`] for tests that may share a name.
    pub fn new_database(&self, name: &str) -> Result<String, String> {
        validate_db_name(name)?;
        let mut last = String::new();
        // CREATE DATABASE can fail transiently while another session uses the template.
        for attempt in 0..5u64 {
            let port = self.port.to_string();
            let out = run(self.tool("createdb").args([
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                SUPERUSER,
                "--",
                name,
            ]))?;
            if out.status.success() {
                return Ok(self.url(name));
            }
            last = output_text(&out);
            if !last.contains("being accessed by other users") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(200 * (attempt + 1)));
        }
        Err(format!(
            "createdb {name} on port {} failed: {}",
            self.port,
            last.trim()
        ))
    }

    /// Like [`PgCluster::new_database`], but appends a process-wide unique suffix to `prefix`
    /// (which should be short, since names are limited to 63 bytes).
    pub fn new_unique_database(&self, prefix: &str) -> Result<String, String> {
        static DB_COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = DB_COUNTER.fetch_add(1, Ordering::Relaxed);
        self.new_database(&format!("{prefix}_{n}"))
    }

    /// URL of an existing database in this cluster.
    pub fn url(&self, dbname: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{dbname}", self.port)
    }

    /// TCP port the server listens on (127.0.0.1 only).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Cluster directory (data directory, also holds the server `log` and the Unix socket).
    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    /// Directory with the PostgreSQL client and server binaries in use (psql, createdb, ...).
    pub fn bin_dir(&self) -> &Path {
        &self.bin
    }

    /// A command for one of the PostgreSQL binaries, run as the service user when we are root,
    /// with the cluster directory as working directory and no PG* environment overrides.
    fn tool(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(program);
                c
            }
            None => Command::new(program),
        };
        for var in LIBPQ_ENV {
            cmd.env_remove(var);
        }
        cmd.current_dir(&self.dir);
        cmd
    }

    fn initdb(&self) -> Result<(), String> {
        let out = run(self
            .tool("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                SUPERUSER,
                "--encoding=UTF8",
                "--locale=C",
                "-D",
            ])
            .arg(&self.dir))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "initdb -D {} failed{}: {}",
                self.dir.display(),
                self.run_as
                    .as_ref()
                    .map(|u| format!(" (as user {u})"))
                    .unwrap_or_default(),
                tail(&output_text(&out), 30)
            ))
        }
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join("log")
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let dir = self
            .dir
            .to_str()
            .ok_or_else(|| format!("cluster directory is not UTF-8: {}", self.dir.display()))?;
        if dir.contains('\'') {
            return Err(format!("cluster directory contains a quote: {dir}"));
        }
        // pg_ctl hands -o to /bin/sh, hence the quoting of the socket directory.
        let options = format!(
            "-p {} -k '{dir}' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port
        );
        let out = run(self
            .tool("pg_ctl")
            .arg("-D")
            .arg(&self.dir)
            .arg("-l")
            .arg(self.log_path())
            .args(["-w", "-t", "120", "-o", &options, "start"]))?;
        if out.status.success() {
            Ok(())
        } else {
            let log = fs::read_to_string(self.log_path())
                .map(|l| tail(&l, 30))
                .unwrap_or_else(|e| format!("(cannot read {}: {e})", self.log_path().display()));
            Err(format!(
                "pg_ctl start on port {} failed: {}\nserver log tail:\n{log}",
                self.port,
                output_text(&out).trim()
            ))
        }
    }

    /// Stops the server if it runs (best effort).
    fn stop(&self) {
        if self.dir.join("postmaster.pid").exists() {
            let _ = run(self.tool("pg_ctl").arg("-D").arg(&self.dir).args([
                "-m",
                "immediate",
                "-w",
                "stop",
            ]));
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.stop();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// One cluster per test process, started on first use. It is never dropped (statics are not):
/// `scripts/test` stops it and removes its directory after the test run.
pub fn shared() -> Result<&'static PgCluster, String> {
    static SHARED: OnceLock<Result<PgCluster, String>> = OnceLock::new();
    SHARED
        .get_or_init(PgCluster::start)
        .as_ref()
        .map_err(Clone::clone)
}

/// `$EROPAF_PG_BIN`, else the bin directory of the highest installed Debian PostgreSQL.
fn bin_dir() -> Result<PathBuf, String> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(find_bin_dir).clone()
}

fn find_bin_dir() -> Result<PathBuf, String> {
    const HINT: &str = "install the Debian package `postgresql` (scripts/test does that) \
                        or point EROPAF_PG_BIN at a directory containing initdb, pg_ctl, createdb and psql";
    if let Some(dir) = std::env::var_os("EROPAF_PG_BIN").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return if dir.join("initdb").is_file() {
            Ok(dir)
        } else {
            Err(format!(
                "EROPAF_PG_BIN={} contains no initdb; {HINT}",
                dir.display()
            ))
        };
    }
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(Vec<u64>, PathBuf)> = fs::read_dir(root)
        .map_err(|e| {
            format!(
                "PostgreSQL server binaries not found ({}: {e}); {HINT}",
                root.display()
            )
        })?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name
                .split('.')
                .map(str::parse::<u64>)
                .collect::<Result<Vec<_>, _>>()
                .ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        format!(
            "PostgreSQL server binaries not found: no {}/<version>/bin/initdb; {HINT}",
            root.display()
        )
    })
}

/// `None` when not root; otherwise the user to run the server tools as.
fn service_user() -> Result<Option<String>, String> {
    static USER: OnceLock<Result<Option<String>, String>> = OnceLock::new();
    USER.get_or_init(|| {
        let out = run(Command::new("id").arg("-u"))?;
        if !out.status.success() {
            return Err(format!("`id -u` failed: {}", output_text(&out)));
        }
        if String::from_utf8_lossy(&out.stdout).trim() != "0" {
            return Ok(None);
        }
        let postgres_exists = Command::new("id")
            .arg("-u")
            .arg("postgres")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        Ok(Some(
            if postgres_exists {
                "postgres"
            } else {
                "nobody"
            }
            .to_string(),
        ))
    })
    .clone()
}

/// Creates `$TMPDIR/eropaf-pg-<pid>-<counter>-<nanos>` (mode 0700 is set later by initdb).
// The clock only makes a directory name unique across runs; it is no data's time.
#[allow(clippy::disallowed_methods)]
fn create_unique_dir() -> Result<PathBuf, String> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let tmp = std::env::temp_dir();
    let mut last_err = None;
    for _ in 0..10 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = tmp.join(format!("eropaf-pg-{}-{n}-{nanos}", std::process::id()));
        match fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_err = Some(e),
            Err(e) => return Err(format!("cannot create {}: {e}", dir.display())),
        }
    }
    Err(format!(
        "cannot create a unique eropaf-pg-* directory in {}: {}",
        tmp.display(),
        last_err.map(|e| e.to_string()).unwrap_or_default()
    ))
}

/// A port that was free a moment ago (the server start is retried if it got taken meanwhile).
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot bind 127.0.0.1:0 to find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("cannot read the local port: {e}"))
}

fn validate_db_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid database name {name:?}: use ASCII letters, digits and '_', \
             at most 63 bytes, not starting with a digit"
        ))
    }
}

fn run(cmd: &mut Command) -> Result<Output, String> {
    cmd.output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))
}

fn output_text(out: &Output) -> String {
    let mut s = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !stdout.trim().is_empty() {
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&stdout);
    }
    if s.trim().is_empty() {
        s = format!("(no output, {})", out.status);
    }
    s
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn psql_select_1(cluster: &PgCluster, url: &str) -> Result<String, String> {
        let out = run(Command::new(cluster.bin_dir().join("psql"))
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .arg(url)
            .args(["-c", "select 1"]))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(format!("psql {url} failed: {}", output_text(&out)))
        }
    }

    #[test]
    fn cluster_with_two_databases_is_removed_on_drop() -> Result<(), String> {
        let cluster = PgCluster::start()?;
        let dir = cluster.data_dir().to_path_buf();
        assert!(dir.join("postmaster.pid").is_file());

        let a = cluster.new_database("eropaf_test_a")?;
        let b = cluster.new_database("eropaf_test_b")?;
        assert_ne!(a, b);
        assert!(a.starts_with("postgres://eropaf@127.0.0.1:"), "{a}");
        assert!(a.ends_with("/eropaf_test_a"), "{a}");
        assert_eq!(psql_select_1(&cluster, &a)?, "1");
        assert_eq!(psql_select_1(&cluster, &b)?, "1");

        // Same name twice is an error, not a silently shared database.
        assert!(cluster.new_database("eropaf_test_a").is_err());
        assert!(cluster.new_database("bad-name; drop").is_err());

        drop(cluster);
        assert!(!dir.exists(), "{} still exists after drop", dir.display());
        Ok(())
    }

    #[test]
    fn shared_cluster_is_started_once() -> Result<(), String> {
        let first = shared()?;
        let second = shared()?;
        assert!(std::ptr::eq(first, second));
        let url = first.new_unique_database("shared")?;
        assert_eq!(psql_select_1(first, &url)?, "1");
        Ok(())
    }
}
