//! Backup, restore and the move to PostgreSQL (issue 9). Every command prints the same line of
//! what a database holds (counts and the audit chain head, after checking them), so a drill
//! compares the original with its copy.

use crate::connect_migrated;
use std::path::{Path, PathBuf};
use std::process::Command;
use store::audit::ChainCheck;
use store::{Backend, Counts, Store};

/// One line: the counts and the checked audit chain; an error when the chain is broken.
fn describe(counts: Counts, chain: ChainCheck) -> Result<String, String> {
    match chain {
        ChainCheck::Intact { records, head } => Ok(format!(
            "{} huishoudens, {} bewoners, {} signalen, {} contactpogingen, {} accounts; auditketen intact: {records} records, kop {head}",
            counts.households, counts.persons, counts.signals, counts.contact_attempts, counts.users
        )),
        ChainCheck::Broken { seq, .. } => Err(format!("auditketen verbroken bij record volgnummer {seq}")),
    }
}

/// What a database holds, after checking it: SQLite's integrity check and the audit chain.
async fn holdings_of(store: &Store) -> Result<String, String> {
    let integrity = store.integrity_check().await.map_err(|e| e.to_string())?;
    if integrity != ["ok"] {
        return Err(format!("integriteitscontrole: {}", integrity.join("; ")));
    }
    let (counts, chain) = store.holdings().await.map_err(|e| e.to_string())?;
    describe(counts, chain)
}

async fn holdings(url: &str) -> Result<String, String> {
    let store = Store::connect(url).await.map_err(|e| e.to_string())?;
    let checked = holdings_of(&store).await;
    store.close().await;
    checked
}

/// A PostgreSQL client program: from `EROPAF_PG_BIN` when set, else from the PATH.
fn pg_tool(name: &str) -> PathBuf {
    std::env::var_os("EROPAF_PG_BIN").map(|dir| Path::new(&dir).join(name)).unwrap_or_else(|| PathBuf::from(name))
}

fn run_tool(mut command: Command, what: &str) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{what} kan niet starten ({e}); installeer postgresql-client of zet EROPAF_PG_BIN"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{what} mislukt: {}", String::from_utf8_lossy(&output.stderr).trim()))
    }
}

pub(crate) async fn backup(url: &str, out: &Path) -> Result<(), String> {
    if out.exists() {
        return Err(format!("{} bestaat al; een back-up overschrijft niets", out.display()));
    }
    let store = connect_migrated(url).await?;
    let result = match store.backend() {
        Backend::Sqlite => match store.backup_to(out).await {
            Ok(()) => holdings(&format!("sqlite://{}", out.display())).await,
            Err(e) => Err(e.to_string()),
        },
        Backend::Postgres => backup_postgres(&store, url, out).await,
    };
    store.close().await;
    let summary = result.map_err(|e| format!("back-up mislukt: {e}"))?;
    println!("back-up {}: {summary}", out.display());
    Ok(())
}

/// pg_dump of an exported snapshot, and the counts and chain of that same snapshot. Written
/// under a temporary name and renamed only when complete.
async fn backup_postgres(store: &Store, url: &str, out: &Path) -> Result<String, String> {
    let snapshot = store.export_snapshot().await.map_err(|e| e.to_string())?;
    let partial = out.with_extension("deel");
    let mut dump = Command::new(pg_tool("pg_dump"));
    dump.args(["--format=custom", "--no-owner", "--no-privileges"]).arg(format!("--snapshot={}", snapshot.id)).arg("--file").arg(&partial).arg(format!("--dbname={url}"));
    let dumped = run_tool(dump, "pg_dump");
    let (counts, chain) = snapshot.holdings().await.map_err(|e| e.to_string())?;
    let summary = dumped.and_then(|()| describe(counts, chain));
    match summary {
        Ok(summary) => {
            std::fs::rename(&partial, out).map_err(|e| format!("kan {} niet plaatsen: {e}", out.display()))?;
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

pub(crate) async fn restore(from: &Path, url: &str) -> Result<(), String> {
    if !from.is_file() {
        return Err(format!("{} is geen bestand", from.display()));
    }
    match url.strip_prefix("sqlite://") {
        Some(path) => restore_sqlite(from, Path::new(path)).await,
        None => restore_postgres(from, url).await,
    }
}

async fn restore_sqlite(from: &Path, target: &Path) -> Result<(), String> {
    if target.exists() {
        return Err(format!("{} bestaat al; herstel naar een nieuw pad (er wordt niets overschreven)", target.display()));
    }
    // Checked and migrated under a temporary name; only a sound copy takes the target's place.
    let temp = target.with_extension("herstel");
    let _ = std::fs::remove_file(&temp);
    std::fs::copy(from, &temp).map_err(|e| format!("kan {} niet kopiëren: {e}", from.display()))?;
    let temp_url = format!("sqlite://{}", temp.display());
    let checked = async {
        let summary = holdings(&temp_url).await?;
        let store = connect_migrated(&temp_url).await?;
        store.close().await;
        Ok::<_, String>(summary)
    }
    .await;
    match checked {
        Ok(summary) => {
            std::fs::rename(&temp, target).map_err(|e| format!("kan {} niet plaatsen: {e}", target.display()))?;
            println!("hersteld in {}: {summary}", target.display());
            Ok(())
        }
        Err(e) => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", temp.display()));
            }
            Err(format!("de back-up is niet hersteld: {e}"))
        }
    }
}

/// pg_restore into an empty database in one transaction (a failed restore writes nothing), then
/// the same checks as for SQLite, then the schema brought up to date.
async fn restore_postgres(from: &Path, url: &str) -> Result<(), String> {
    let store = Store::connect(url).await.map_err(|e| format!("kan de database niet openen: {e}"))?;
    let blank = store.is_blank().await.map_err(|e| e.to_string());
    store.close().await;
    if !blank? {
        return Err("de doeldatabase is niet leeg; herstel naar een nieuwe, lege database (er wordt niets overschreven)".into());
    }
    let mut restore = Command::new(pg_tool("pg_restore"));
    restore.args(["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]).arg(format!("--dbname={url}")).arg(from);
    run_tool(restore, "pg_restore").map_err(|e| format!("de back-up is niet hersteld (er is niets geschreven): {e}"))?;
    let summary = holdings(url).await.map_err(|e| format!("de herstelde database klopt niet, neem haar niet in gebruik: {e}"))?;
    connect_migrated(url).await?.close().await;
    println!("hersteld in PostgreSQL: {summary}");
    Ok(())
}

/// `eropaf migrate-db`: the copy, its checks, then the ordinary migrations on the target.
pub(crate) async fn migrate_db(from: &str, to: &str) -> Result<(), String> {
    if !from.starts_with("sqlite://") || !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        return Err("migrate-db verhuist van --from sqlite://… naar --to postgres://…".into());
    }
    if !Path::new(from.trim_start_matches("sqlite://")).is_file() {
        return Err(format!("{from} bestaat niet"));
    }
    let source = Store::connect(from).await.map_err(|e| format!("kan de bron niet openen: {e}"))?;
    let target = match Store::connect(to).await {
        Ok(t) => t,
        Err(e) => {
            source.close().await;
            return Err(format!("kan het doel niet openen: {e}"));
        }
    };
    let moved = source.copy_to_postgres(&target).await;
    source.close().await;
    target.close().await;
    let moved = moved.map_err(|e| format!("niet verhuisd: {e}"))?;
    let rows: i64 = moved.tables.iter().map(|(_, n)| n).sum();
    println!("verhuisd: schemaversie {}, {} tabellen, {rows} rijen, gecontroleerd per tabel", moved.schema_version, moved.tables.len());
    let target = connect_migrated(to).await?;
    let summary = holdings_of(&target).await;
    target.close().await;
    println!("PostgreSQL: {}", summary?);
    Ok(())
}
