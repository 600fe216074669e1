//! `eropaf linkage link|dedupe`: files in, PAIRS.csv out. The engine is the `linkage` crate;
//! this module reads FIELDS.toml and the CSV files, reports progress on stderr and writes the
//! pairs all at once (to a temporary file that is renamed when complete).

use crate::csv;
use linkage::{Normalized, Options, RawRecord, Role};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// FIELDS.toml: which column is the id, and which column plays which role.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldsFile {
    id: String,
    columns: BTreeMap<String, String>,
}

pub struct Fields {
    id: String,
    columns: Vec<(Role, String)>,
}

impl Fields {
    pub fn read(path: &Path) -> Result<Fields, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("kan {} niet lezen: {e}", path.display()))?;
        Fields::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Fields, String> {
        let file: FieldsFile = toml::from_str(text).map_err(|e| format!("geen geldige FIELDS.toml: {}", e.to_string().trim()))?;
        let mut columns = Vec::new();
        for (role, column) in file.columns {
            let Some(r) = Role::parse(&role) else {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.key()).collect();
                return Err(format!("onbekende rol '{role}' in [columns]; bekende rollen: {}", known.join(", ")));
            };
            columns.push((r, column));
        }
        if columns.is_empty() {
            return Err("[columns] noemt geen enkele kolom".into());
        }
        Ok(Fields { id: file.id, columns })
    }

    pub fn roles(&self) -> Vec<Role> {
        self.columns.iter().map(|(r, _)| *r).collect()
    }

    /// Reads one input file into records, refusing a missing column, an empty or repeated id,
    /// or an unreadable row, with its line number.
    pub fn records(&self, path: &Path) -> Result<Vec<RawRecord>, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("kan {} niet lezen: {e}", path.display()))?;
        let table = csv::parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let column = |name: &str, what: &str| table.column(name).ok_or_else(|| format!("{}: kolom '{name}' ({what}) ontbreekt; de kopregel heeft: {}", path.display(), table.header.join(", ")));
        let id = column(&self.id, "id")?;
        let roles: Vec<(Role, usize)> = self.columns.iter().map(|(r, c)| Ok((*r, column(c, r.key())?))).collect::<Result<_, String>>()?;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut records = Vec::with_capacity(table.rows.len());
        for (line, row) in &table.rows {
            let key = row[id].trim();
            if key.is_empty() {
                return Err(format!("{}: regel {line}: het id (kolom '{}') is leeg", path.display(), self.id));
            }
            if let Some(first) = seen.insert(key, *line) {
                return Err(format!("{}: regel {line}: id '{key}' staat ook op regel {first}", path.display()));
            }
            let mut record = RawRecord::new(key);
            for &(role, c) in &roles {
                record.set(role, row[c].as_str());
            }
            records.push(record);
        }
        Ok(records)
    }
}

fn check_threshold(threshold: f64) -> Result<(), String> {
    if (0.0..=1.0).contains(&threshold) {
        Ok(())
    } else {
        Err(format!("--threshold moet tussen 0 en 1 liggen, niet {threshold}"))
    }
}

fn progress(started: Instant) -> impl FnMut(&str) {
    move |message| eprintln!("linkage [{:>6.1} s] {message}", started.elapsed().as_secs_f64())
}

fn report(linked: &linkage::Linked, started: Instant) {
    let r = &linked.report;
    for rule in &r.rules {
        let skipped = if rule.skipped_blocks > 0 { format!(" ({} te grote blokken met {} paren overgeslagen)", rule.skipped_blocks, rule.skipped_pairs) } else { String::new() };
        eprintln!("linkage   blokregel {:<24} {:>10} paren{skipped}", rule.rule, rule.pairs);
    }
    for (f, field) in r.model.fields.iter().enumerate() {
        let weights: Vec<String> = field.levels().iter().enumerate().map(|(l, (nl, _))| format!("{nl} {:+.1} (m {:.3}, u {:.5})", (r.model.m[f][l] / r.model.u[f][l]).log2(), r.model.m[f][l], r.model.u[f][l])).collect();
        eprintln!("linkage   gewicht {:<14} {}", field.key(), weights.join(" · "));
    }
    for s in &r.training {
        eprintln!("linkage   EM op {:<24} {:>10} paren, {} iteraties", s.rule, s.pairs, s.iterations);
    }
    eprintln!(
        "linkage [{:>6.1} s] klaar: {} paren vergeleken, {} willekeurige paren voor u, a-priorikans {:.4}, {} paren boven de drempel",
        started.elapsed().as_secs_f64(),
        r.compared_pairs,
        r.u_sample_pairs,
        r.model.prior,
        linked.pairs.len()
    );
}

/// Writes `contents` to `path` through a temporary file beside it, so a crash or a full disk
/// never leaves half a file under the real name.
pub(crate) fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), String> {
    let tmp = path.with_extension("tmp-eropaf");
    let result = (|| {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        write(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("kan {} niet schrijven: {e}", path.display())
    })
}

fn write_pairs(path: &Path, pairs: &[linkage::ScoredPair], left: &[RawRecord], right: &[RawRecord]) -> Result<(), String> {
    write_atomically(path, |out| {
        writeln!(out, "left_id,right_id,match_probability")?;
        for p in pairs {
            writeln!(out, "{},{},{:.6}", csv::field(&left[p.left].id), csv::field(&right[p.right].id), p.probability)?;
        }
        Ok(())
    })
}

pub fn link(left: &Path, right: &Path, fields: &Path, out: &Path, threshold: f64, explain: &[String], pairs_per_record: u64) -> Result<(), String> {
    check_threshold(threshold)?;
    let started = Instant::now();
    let fields = Fields::read(fields)?;
    // The two files are read side by side.
    let (l, r) = std::thread::scope(|s| {
        let other = s.spawn(|| fields.records(right));
        let l = fields.records(left);
        (l, other.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    });
    let (l, r) = (l?, r?);
    let options = Options { threshold, pairs_per_record, ..Options::default() };
    let linked = linkage::link(&l, &r, &fields.roles(), &options, &mut progress(started));
    write_pairs(out, &linked.pairs, &l, &r)?;
    report(&linked, started);
    if !explain.is_empty() {
        let all: Vec<&RawRecord> = l.iter().chain(&r).collect();
        let model = &linked.report.model;
        let tf = linkage::batch::term_frequencies(model, &all);
        for pair in explain {
            let (a, b) = pair.split_once(',').ok_or_else(|| format!("--explain verwacht LINKS_ID,RECHTS_ID, niet '{pair}'"))?;
            let find = |set: &[RawRecord], id: &str| set.iter().find(|x| x.id == id).map(Normalized::of).ok_or_else(|| format!("--explain: id '{id}' niet gevonden"));
            let e = model.explain(&find(&l, a)?, &find(&r, b)?, &tf);
            eprintln!("uitleg {a} ~ {b}: gewicht {:+.2}, kans {:.6} (a priori {:+.2})", e.match_weight, e.probability, e.prior_weight);
            for c in &e.contributions {
                eprintln!("  {:<14} {:<45} {:+.2} tf {:+.2}", c.field.key(), c.label_nl, c.weight, c.tf_adjustment);
            }
        }
    }
    Ok(())
}

pub fn dedupe(input: &Path, fields: &Path, out: &Path, threshold: f64, clusters: Option<&Path>) -> Result<(), String> {
    check_threshold(threshold)?;
    let started = Instant::now();
    let fields = Fields::read(fields)?;
    let records = fields.records(input)?;
    let options = Options { threshold, ..Options::default() };
    let linked = linkage::dedupe(&records, &fields.roles(), &options, &mut progress(started));
    write_pairs(out, &linked.pairs, &records, &records)?;
    if let Some(path) = clusters {
        let cluster = linkage::clusters(records.len(), &linked.pairs);
        write_atomically(path, |out| {
            writeln!(out, "id,cluster_id")?;
            for (r, c) in records.iter().zip(cluster) {
                writeln!(out, "{},{}", csv::field(&r.id), csv::field(&records[c].id))?;
            }
            Ok(())
        })?;
    }
    report(&linked, started);
    Ok(())
}

/// Writes the Dutch benchmark extracts (see `synth::extracts`) into `dir`.
pub fn synth(records: usize, seed: u64, today: time::Date, dir: &Path) -> Result<(), String> {
    use synth::extracts;
    std::fs::create_dir_all(dir).map_err(|e| format!("kan map {} niet maken: {e}", dir.display()))?;
    let e = extracts::generate_extracts(&extracts::ExtractsConfig { records, seed, today });
    write_atomically(&dir.join("left.csv"), |out| extracts::write_rows(&e.left, &mut { out }))?;
    write_atomically(&dir.join("right.csv"), |out| extracts::write_rows(&e.right, &mut { out }))?;
    write_atomically(&dir.join("truth.csv"), |out| extracts::write_truth(&e.truth, &mut { out }))?;
    write_atomically(&dir.join("fields.toml"), |out| out.write_all(extracts::FIELDS_TOML.as_bytes()))?;
    eprintln!("linkage: {} + {} records, {} echte paren in {}", e.left.len(), e.right.len(), e.truth.len(), dir.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_toml_errors_are_plain() {
        assert!(Fields::parse("id = \"rec_id\"\n[columns]\nsurname = \"achternaam\"\n").is_ok());
        let unknown = Fields::parse("id = \"rec_id\"\n[columns]\nshoe_size = \"maat\"\n").err().unwrap_or_default();
        assert!(unknown.contains("onbekende rol 'shoe_size'"), "{unknown}");
        let broken = Fields::parse("id = rec_id\n").err().unwrap_or_default();
        assert!(broken.starts_with("geen geldige FIELDS.toml"), "{broken}");
        let no_id = Fields::parse("[columns]\nsurname = \"a\"\n").err().unwrap_or_default();
        assert!(no_id.contains("id"), "{no_id}");
        assert!(check_threshold(1.5).is_err());
    }
}
