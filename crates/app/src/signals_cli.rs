//! `eropaf partner add|key` and `eropaf signals import|export-ddas|sample-file`: partner
//! organisations and their API keys, the monthly creditor files (CSV in DDAS terms, or the
//! DDAS JSON delivery shape), and the delivery to the national monitor.

use crate::csv;
use domain::model::PartnerType;
use domain::signal::{parse_partner_type, parse_signal, FieldError, NewSignal, FILE_COLUMNS};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::RwLock;
use store::linking::LinkPolicy;
use store::signals::SignalPolicy;
use store::Store;
use time::{Date, OffsetDateTime};

pub async fn partner_add(store: &Store, name: &str, partner_type: &str, now: OffsetDateTime) -> Result<(), String> {
    let partner_type = parse_partner_type(partner_type).ok_or_else(|| {
        let all: Vec<&str> = PartnerType::ALL.iter().map(|p| p.code()).collect();
        format!("onbekend type '{partner_type}'; kies uit {}", all.join(", "))
    })?;
    let setup = store::Setup::Cli { command: "partner add", now };
    let id = store.add_partner(&setup, name, partner_type).await.map_err(refusal)?;
    let name = name.trim();
    println!("partner {name} toegevoegd (id {id}, type {}); maak een sleutel met: eropaf partner key '{name}'", partner_type.code());
    Ok(())
}

/// A new API key for the organisation's service account; its earlier keys stop working.
pub async fn partner_key(store: &Store, name: &str, now: OffsetDateTime) -> Result<(), String> {
    let id = store.partner_id_by_name(name).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("partner '{name}' bestaat niet; voeg hem toe met eropaf partner add"))?;
    let key = web::auth::random_token();
    let setup = store::Setup::Cli { command: "partner key", now };
    store.replace_partner_key(&setup, id, &web::auth::secret_hash(&key)).await.map_err(refusal)?;
    println!("{key}");
    Ok(())
}

/// A store refusal as the command line says it (the Dutch message), anything else as is.
fn refusal(e: store::StoreError) -> String {
    match e {
        store::StoreError::Invalid { message_nl, .. } => message_nl,
        other => other.to_string(),
    }
}

/// One problem in a file, for the list printed when a file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// "regel 12" for CSV, "vroegsignaal 3" for JSON.
    pub place: String,
    pub error: FieldError,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, veld {}: {}", self.place, self.error.field, self.error.reason_nl)
    }
}

/// Reads and checks a whole file; every bad row is reported, not only the first.
pub fn read_file(bytes: &[u8], json: bool, today: Date) -> Result<Vec<NewSignal>, Vec<RowProblem>> {
    if json {
        read_ddas_json(bytes, today)
    } else {
        read_csv(bytes, today)
    }
}

fn whole_file(message: String) -> Vec<RowProblem> {
    vec![RowProblem { place: "bestand".into(), error: FieldError { field: "-".into(), reason_nl: message.clone(), reason_en: message } }]
}

fn read_csv(bytes: &[u8], today: Date) -> Result<Vec<NewSignal>, Vec<RowProblem>> {
    let table = csv::parse(bytes).map_err(|e| {
        vec![RowProblem { place: format!("regel {}", e.line), error: FieldError { field: "-".into(), reason_nl: e.message.clone(), reason_en: e.message } }]
    })?;
    let missing: Vec<&str> = FILE_COLUMNS.iter().copied().filter(|c| table.column(c).is_none()).collect();
    let extra: Vec<&str> = table.header.iter().map(String::as_str).filter(|h| !FILE_COLUMNS.contains(h)).collect();
    if !missing.is_empty() || !extra.is_empty() || table.header.len() != FILE_COLUMNS.len() {
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("kolommen ontbreken: {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            parts.push(format!("onbekende kolommen: {}", extra.join(", ")));
        }
        if parts.is_empty() {
            parts.push("een kolom staat er dubbel in".into());
        }
        return Err(vec![RowProblem {
            place: "regel 1".into(),
            error: FieldError { field: "kopregel".into(), reason_nl: format!("{}; verwacht: {}", parts.join("; "), FILE_COLUMNS.join(",")), reason_en: parts.join("; ") },
        }]);
    }
    let index: HashMap<&str, usize> = FILE_COLUMNS.iter().map(|c| (*c, table.column(c).unwrap_or(0))).collect();
    let mut signals = Vec::with_capacity(table.rows.len());
    let mut problems = Vec::new();
    for (line, row) in &table.rows {
        let get = |name: &str| index.get(name).and_then(|&i| row.get(i)).cloned();
        match parse_signal(&get, None, today) {
            Ok(s) => signals.push(s),
            Err(errors) => problems.extend(errors.into_iter().map(|error| RowProblem { place: format!("regel {line}"), error })),
        }
    }
    if table.rows.is_empty() {
        return Err(whole_file("het bestand heeft geen signalen, alleen een kopregel".into()));
    }
    if problems.is_empty() { Ok(signals) } else { Err(problems) }
}

/// The DDAS delivery shape: `leveringen[].vroegsignalen[]` (or a bare `vroegsignalen` list).
fn read_ddas_json(bytes: &[u8], today: Date) -> Result<Vec<NewSignal>, Vec<RowProblem>> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| whole_file(format!("geen geldige JSON (regel {}, kolom {})", e.line(), e.column())))?;
    let mut items: Vec<&Value> = Vec::new();
    if let Some(leveringen) = doc.get("leveringen").and_then(Value::as_array) {
        for l in leveringen {
            items.extend(l.get("vroegsignalen").and_then(Value::as_array).into_iter().flatten());
        }
    } else if let Some(list) = doc.get("vroegsignalen").and_then(Value::as_array) {
        items.extend(list);
    } else {
        return Err(whole_file("verwacht een DDAS-levering met leveringen[].vroegsignalen[]".into()));
    }
    if items.is_empty() {
        return Err(whole_file("de levering bevat geen vroegsignalen".into()));
    }
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(if *b { "ja".into() } else { "nee".into() }),
            _ => Some("?".into()),
        }
    };
    let mut signals = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let client = item.get("client");
        let c = |k: &str| text(client.and_then(|c| c.get(k)));
        // DDAS has one addition field; a lone letter is the house letter.
        let addition = c("Huisnummertoevoeging").unwrap_or_default();
        let (letter, addition) = if addition.len() == 1 && addition.chars().all(|ch| ch.is_ascii_alphabetic()) { (addition, String::new()) } else { (String::new(), addition) };
        let mut fields: HashMap<&str, Option<String>> = HashMap::new();
        fields.insert("signaalpartner_type", text(item.get("signaalpartner").and_then(|p| p.get("type"))));
        fields.insert("signaaldatum", text(item.get("signaaldatum")));
        fields.insert("ontstaansdatum", text(item.get("ontstaansdatum")));
        fields.insert("bedrag", text(item.get("bedrag")));
        fields.insert("crisissignaal", text(item.get("crisissignaal")));
        fields.insert("warme_overdracht", text(item.get("warmeOverdracht")));
        fields.insert("bsn", c("Burgerservicenummer"));
        fields.insert("voorletters", c("Voorletters"));
        fields.insert("voorvoegsel", c("Voorvoegsel"));
        fields.insert("achternaam", c("Achternaam"));
        fields.insert("geboortedatum", c("Geboortedatum"));
        fields.insert("straatnaam", c("Straatnaam"));
        fields.insert("huisnummer", c("Huisnummer"));
        fields.insert("huisletter", Some(letter));
        fields.insert("huisnummertoevoeging", Some(addition));
        fields.insert("postcode", c("Postcode"));
        fields.insert("plaatsnaam", c("Plaatsnaam"));
        let get = |name: &str| fields.get(name).cloned().flatten();
        let id = text(item.get("ID")).map(|id| format!(" (ID {id})")).unwrap_or_default();
        match parse_signal(&get, None, today) {
            Ok(s) => signals.push(s),
            Err(errors) => problems.extend(errors.into_iter().map(|error| RowProblem { place: format!("vroegsignaal {}{id}", i + 1), error })),
        }
    }
    if problems.is_empty() { Ok(signals) } else { Err(problems) }
}

/// `eropaf signals import`: check every row; on any bad row store nothing and list them all.
pub async fn import(store: &Store, file: &Path, min_amount: i64, now: OffsetDateTime) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("kan {} niet lezen: {e}", file.display()))?;
    let json = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let started = std::time::Instant::now();
    let signals = match read_file(&bytes, json, now.date()) {
        Ok(s) => s,
        Err(problems) => {
            let rows: std::collections::BTreeSet<&str> = problems.iter().map(|p| p.place.as_str()).collect();
            for p in &problems {
                eprintln!("{p}");
            }
            return Err(format!("{} afgekeurd: {} fouten in {} rijen; er is niets opgeslagen", file.display(), problems.len(), rows.len()));
        }
    };
    let policy = SignalPolicy { min_amount_eur: min_amount, ..SignalPolicy::default() };
    let seconds = || started.elapsed().as_secs_f64();
    eprintln!("{} signalen gelezen en gecontroleerd in {:.1} s", signals.len(), seconds());
    let kept = signals.iter().filter(|s| policy.keeps(s)).count();
    if kept == 0 {
        println!("niets te importeren: alle {} signalen liggen onder het minimumbedrag van {min_amount} euro", signals.len());
        return Ok(());
    }
    eprintln!("koppelmodel en index laden…");
    let linker = RwLock::new(store.linker(LinkPolicy::default(), now).await.map_err(|e| e.to_string())?);
    eprintln!("index van {} bewoners klaar na {:.1} s; koppelen…", linker.read().map(|l| l.len()).unwrap_or(0), seconds());
    let mut progress = |done: usize, total: usize| {
        if done == 0 {
            eprintln!("{total} signalen gekoppeld na {:.1} s; opslaan…", seconds());
        }
        eprint!("\ropgeslagen: {done}/{total}");
        if done == total {
            eprintln!();
        }
    };
    let report = store.clone().with_policies(store::Policies { signals: policy, ..*store.policies() }).import_signals(&linker, &signals, "eropaf signals import", now, &mut progress).await.map_err(|e| format!("importeren mislukt, er is niets opgeslagen: {e}"))?;
    println!(
        "geïmporteerd: {} signalen ({} onder het minimumbedrag overgeslagen); {} automatisch gekoppeld, {} te beoordelen, {} bij {} nieuwe huishoudens; {} nieuwe signaalzaken; {:.1} s",
        report.rows - report.below_minimum,
        report.below_minimum,
        report.linked_automatically,
        report.to_review,
        report.to_new_household,
        report.new_households,
        report.signal_cases_opened,
        seconds()
    );
    Ok(())
}

pub async fn export_ddas(store: &Store, sender: &store::ddas::Sender, from: Date, to: Date, out: &Path, now: OffsetDateTime) -> Result<(), String> {
    if from > to {
        return Err("--from ligt na --to".into());
    }
    let delivery = store.ddas_delivery(sender, from, to, now, "eropaf signals export-ddas").await.map_err(|e| e.to_string())?;
    let text = serde_json::to_string_pretty(&delivery).map_err(|e| e.to_string())?;
    crate::linkage_cli::write_atomically(out, |w| w.write_all(text.as_bytes()))?;
    let n = delivery["leveringen"][0]["vroegsignalen"].as_array().map_or(0, Vec::len);
    let z = delivery["leveringen"][0]["vroegsignaalzaken"].as_array().map_or(0, Vec::len);
    println!("DDAS-levering geschreven: {n} vroegsignalen, {z} vroegsignaalzaken → {}", out.display());
    Ok(())
}

/// A creditor file about the people in the database, as partners write them (initials only,
/// names in capitals, a tenth at an address the registry does not know): for trying the import
/// and for the benchmark.
pub async fn sample_file(store: &Store, rows: usize, seed: u64, out: &Path, today: Date) -> Result<(), String> {
    use rand::{Rng, SeedableRng};
    let people = store.known_people().await.map_err(|e| e.to_string())?;
    if people.is_empty() {
        return Err("de database heeft geen bewoners; maak eerst een demo (eropaf demo)".into());
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let types = ["Huur", "Energie", "Zorg", "Water", "CAK Zorgverzekeringen"];
    let names = ["Woonstede", "Energiedirect", "Zorgverzekeraar Noord", "Waternet", "CAK"];
    let mut text = FILE_COLUMNS.join(",");
    text.push('\n');
    for _ in 0..rows {
        let p = &people[rng.gen_range(0..people.len())];
        let g = |role: linkage::Role| p.record.get(role).to_string();
        let t = rng.gen_range(0..types.len());
        let mut surname = g(linkage::Role::Surname);
        if rng.gen_bool(0.2) {
            surname = surname.to_uppercase();
        }
        let given = if rng.gen_bool(0.5) { g(linkage::Role::GivenName) } else { String::new() };
        let mut number = g(linkage::Role::HouseNumber);
        let (mut letter, mut addition) = (g(linkage::Role::HouseLetter), g(linkage::Role::HouseNumberAddition));
        if rng.gen_bool(0.1) {
            number = (number.parse::<u32>().unwrap_or(1) + 400 + rng.gen_range(0..400)).to_string();
            (letter, addition) = (String::new(), String::new());
        }
        let signal_date = today - time::Duration::days(rng.gen_range(1..60));
        let fields = [
            types[t].to_string(),
            names[t].to_string(),
            store::time_fmt::date(signal_date),
            store::time_fmt::date(signal_date - time::Duration::days(rng.gen_range(30..120))),
            rng.gen_range(20..3000).to_string(),
            if rng.gen_bool(0.03) { "ja" } else { "nee" }.to_string(),
            if rng.gen_bool(0.1) { "ja" } else { "nee" }.to_string(),
            String::new(),
            g(linkage::Role::Initials),
            given,
            g(linkage::Role::SurnamePrefix),
            surname,
            if rng.gen_bool(0.8) { g(linkage::Role::BirthDate) } else { String::new() },
            g(linkage::Role::Street),
            number,
            letter,
            addition,
            g(linkage::Role::Postcode),
            g(linkage::Role::Locality),
            g(linkage::Role::Phone),
            String::new(),
        ];
        text.push_str(&fields.iter().map(|f| csv::field(f)).collect::<Vec<_>>().join(","));
        text.push('\n');
    }
    crate::linkage_cli::write_atomically(out, |w| w.write_all(text.as_bytes()))?;
    println!("{rows} signalen geschreven naar {}", out.display());
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use time::macros::date;

    const HEADER: &str = "signaalpartner_type,signaalpartner_naam,signaaldatum,ontstaansdatum,bedrag,crisissignaal,warme_overdracht,bsn,voorletters,voornaam,voorvoegsel,achternaam,geboortedatum,straatnaam,huisnummer,huisletter,huisnummertoevoeging,postcode,plaatsnaam,telefoon,email";

    #[test]
    fn every_bad_row_is_named_with_its_line_and_field() {
        let file = format!(
            "{HEADER}\nHuur,Woonstede,2026-11-02,,450,nee,nee,,J.,,van,Dijk,1985-06-15,Dorpsstraat,10,,,1234AB,Plaats,,\n\
             Bakker,X,2026-11-02,,450,nee,nee,,J.,,,Dijk,,Dorpsstraat,10,,,1234AB,Plaats,,\n\
             Huur,Woonstede,31-11-2026,,veel,nee,nee,,J.,,,Dijk,,Dorpsstraat,10,,,1234AB,Plaats,,\n"
        );
        let problems = read_file(file.as_bytes(), false, date!(2026 - 11 - 28)).unwrap_err();
        let listed: Vec<String> = problems.iter().map(|p| format!("{} {}", p.place, p.error.field)).collect();
        assert_eq!(listed, ["regel 3 signaalpartner_type", "regel 4 signaaldatum", "regel 4 bedrag"]);
        assert!(problems[0].to_string().starts_with("regel 3, veld signaalpartner_type: onbekend type signaalpartner"));
    }

    #[test]
    fn a_missing_column_is_named() {
        let header = HEADER.replace(",email", "");
        let problems = read_file(format!("{header}\n").as_bytes(), false, date!(2026 - 11 - 28)).unwrap_err();
        assert!(problems[0].error.reason_nl.starts_with("kolommen ontbreken: email"), "{}", problems[0]);
    }

    #[test]
    fn the_ddas_example_delivery_reads_once_its_made_up_bsns_are_left_out() {
        let example = include_str!("../../../data/ddas/meervoudigVoorbeeld.json");
        // The standard's example numbers fail the 11-check, and are named as such.
        let problems = read_file(example.as_bytes(), true, date!(2026 - 11 - 28)).unwrap_err();
        assert!(problems.iter().all(|p| p.error.field == "bsn"), "{problems:?}");
        assert!(problems[0].to_string().starts_with("vroegsignaal 1 (ID VS-2025-0001), veld bsn: dit BSN klopt niet"), "{}", problems[0]);
        let mut doc: Value = serde_json::from_str(example).unwrap();
        for l in doc["leveringen"].as_array_mut().unwrap() {
            for s in l["vroegsignalen"].as_array_mut().unwrap() {
                s["client"].as_object_mut().unwrap().remove("Burgerservicenummer");
            }
        }
        let signals = read_file(doc.to_string().as_bytes(), true, date!(2026 - 11 - 28)).unwrap();
        assert_eq!(signals.len(), 4);
        assert_eq!(signals[0].resident.house_number.as_ref().unwrap().to_string(), "10A");
        assert_eq!(signals[1].partner_type, PartnerType::Water);
        assert!(signals[1].crisis);
    }
}
