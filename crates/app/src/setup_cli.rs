//! A municipality's first day on the command line: `municipality init`, `areas import`,
//! `team add|areas|list` and `addresses import`. Each file is read whole and checked line by
//! line before anything is stored; a refusal names every bad line and stores nothing.

use crate::cli::{AddressesCommand, AreasCommand, MunicipalityCommand, TeamCommand};
use crate::connect_migrated;
use std::path::Path;
use store::setup::Municipality;
use store::{Setup, Store, StoreError};
use time::OffsetDateTime;

fn setup(command: &'static str) -> Setup<'static> {
    Setup::Cli { command, now: OffsetDateTime::now_utc() }
}

/// A refusal as the lines an administrator reads on stderr.
fn refused(e: StoreError) -> String {
    match e {
        StoreError::Invalid { message_nl, .. } => message_nl,
        StoreError::Lines(lines) => format!("niets opgeslagen; verbeter deze regels:\n{}", lines.iter().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")),
        e => e.to_string(),
    }
}

fn read(path: &Path) -> Result<domain::csv::Table, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    domain::csv::parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn lines(path: &Path, errors: &[domain::csv::CsvError]) -> String {
    format!("{}: niets opgeslagen; verbeter deze regels:\n{}", path.display(), errors.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))
}

async fn municipality(store: &Store) -> Result<Municipality, String> {
    store.municipality().await.map_err(|e| e.to_string())?.ok_or_else(|| "stel eerst de gemeente in: eropaf municipality init --code GM#### --name NAAM".to_string())
}

pub(crate) async fn municipality_cmd(command: MunicipalityCommand) -> Result<(), String> {
    match command {
        MunicipalityCommand::Init { code, name, db } => {
            let store = connect_migrated(&db.database_url).await?;
            let result = store.init_municipality(&setup("municipality init"), &code, &name).await.map_err(refused);
            store.close().await;
            let m = result?;
            println!("gemeente {} {} ingesteld; volgende stap: eropaf areas import KERNCIJFERS.csv --year JAAR", m.code, m.name);
            Ok(())
        }
        MunicipalityCommand::Show { db } => {
            let store = connect_migrated(&db.database_url).await?;
            let m = municipality(&store).await;
            let areas = store.areas().await.map_err(|e| e.to_string());
            store.close().await;
            let m = m?;
            println!("gemeente {} {}", m.code, m.name);
            for a in areas? {
                let indent = if a.level == "buurt" { "  " } else { "" };
                let inhabitants = a.inhabitants.map(|n| n.to_string()).unwrap_or_else(|| "onbekend".into());
                println!("{indent}{} {} ({}): {} inwoners, {} adressen, team {}", a.code, a.name, a.level, inhabitants, a.addresses, a.team.as_deref().unwrap_or("–"));
            }
            Ok(())
        }
    }
}

pub(crate) async fn areas_cmd(command: AreasCommand) -> Result<(), String> {
    let AreasCommand::Import { file, year, db } = command;
    let table = read(&file)?;
    let store = connect_migrated(&db.database_url).await?;
    let result = async {
        let m = municipality(&store).await?;
        let areas = domain::cbs::kerncijfers(&table, &m.code, &m.name).map_err(|errors| lines(&file, &errors))?;
        store.import_areas(&setup("areas import"), year, &areas).await.map_err(refused)
    }
    .await;
    store.close().await;
    let report = result?;
    println!("gebieden {year}: {} nieuw, {} bijgewerkt", report.added, report.updated);
    for (code, used) in &report.gone {
        println!("niet meer in het bestand: {code}{}", if *used { " (in gebruik; blijft bestaan)" } else { " (blijft bestaan)" });
    }
    Ok(())
}

pub(crate) async fn team_cmd(command: TeamCommand) -> Result<(), String> {
    let (TeamCommand::Add { db, .. } | TeamCommand::Areas { db, .. } | TeamCommand::List { db }) = &command;
    let store = connect_migrated(&db.database_url).await?;
    let result = match &command {
        TeamCommand::Add { name, areas, .. } => store.add_team(&setup("team add"), name, areas).await.map(|id| println!("team {name} toegevoegd (id {id})")).map_err(refused),
        TeamCommand::Areas { name, areas, .. } => match store.team_id_by_name(name).await {
            Ok(Some(id)) => store.set_team_areas(&setup("team areas"), id, areas).await.map(|()| println!("team {name}: gebieden {}", areas.join(","))).map_err(refused),
            Ok(None) => Err(format!("team '{name}' bestaat niet (eropaf team list)")),
            Err(e) => Err(e.to_string()),
        },
        TeamCommand::List { .. } => store.teams().await.map_err(|e| e.to_string()).map(|teams| {
            for t in teams {
                let areas: Vec<&str> = t.areas.iter().map(|(code, _)| code.as_str()).collect();
                println!("{}\tgebieden {}\t{} buurten\t{} adressen\t{} accounts", t.name, areas.join(","), t.buurten, t.addresses, t.accounts);
            }
        }),
    };
    store.close().await;
    result
}

pub(crate) async fn addresses_cmd(command: AddressesCommand) -> Result<(), String> {
    let AddressesCommand::Import { file, db } = command;
    let table = read(&file)?;
    let bag = domain::campaign::bag_addresses(&table).map_err(|errors| lines(&file, &errors))?;
    let store = connect_migrated(&db.database_url).await?;
    let total = bag.addresses.len();
    let progress = move |done: usize| eprintln!("adressen: {done} van {total}");
    let result = store.import_municipal_addresses(&setup("addresses import"), &bag, &progress).await.map_err(refused);
    store.close().await;
    let r = result?;
    println!("adressen: {} nieuw, {} al bekend, {} objecten zonder woonfunctie overgeslagen", r.added, r.known, r.skipped);
    Ok(())
}
