//! CBS "Kerncijfers wijken en buurten" as StatLine exports them: the municipality's own
//! gemeente, wijken and buurten with their key figures, every bad row named with its line.

use crate::csv::{CsvError, Table};
use crate::text::clean_line;
use crate::AreaCode;
use std::collections::hash_map::{Entry, HashMap};

/// An area's key figures; `None` where the file has no such column, leaves the value empty, or
/// keeps it secret (`.`): unknown is never 0.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyFigures {
    pub inhabitants: Option<i64>,
    pub households: Option<i64>,
    pub household_size: Option<f64>,
    /// Inhabitants per km² of land.
    pub density: Option<i64>,
    /// Percentage of households with a low income.
    pub low_income_pct: Option<f64>,
    /// Percentage of households under or around the social minimum.
    pub social_minimum_pct: Option<f64>,
    /// 1 (very strongly urban) to 5 (not urban).
    pub urbanity: Option<i64>,
    /// Addresses per km² around each address.
    pub address_density: Option<i64>,
}

/// One row of the municipality: the gemeente itself, a wijk or a buurt.
#[derive(Debug, Clone, PartialEq)]
pub struct CbsArea {
    pub line: usize,
    pub code: AreaCode,
    pub name: String,
    pub figures: KeyFigures,
}

/// The columns read, by their name without StatLine's numeric suffix (`AantalInwoners_5` one
/// year, `AantalInwoners_6` or `aantalInwoners` another).
const REQUIRED: [&str; 4] = ["WijkenEnBuurten", "Gemeentenaam", "SoortRegio", "Codering"];
const NAME: usize = 0;
const MUNICIPALITY: usize = 1;
const KIND: usize = 2;
const CODE: usize = 3;

/// A key figure: its column, and where its value goes. Counts are whole numbers; shares and
/// the household size may have decimals.
enum Figure {
    Count(fn(&mut KeyFigures) -> &mut Option<i64>),
    /// CBS's five degrees of urbanity.
    Urbanity(fn(&mut KeyFigures) -> &mut Option<i64>),
    Decimal { percentage: bool, to: fn(&mut KeyFigures) -> &mut Option<f64> },
}

const FIGURES: [(&str, Figure); 8] = [
    ("AantalInwoners", Figure::Count(|f| &mut f.inhabitants)),
    ("HuishoudensTotaal", Figure::Count(|f| &mut f.households)),
    ("GemiddeldeHuishoudensgrootte", Figure::Decimal { percentage: false, to: |f| &mut f.household_size }),
    ("Bevolkingsdichtheid", Figure::Count(|f| &mut f.density)),
    ("HuishoudensMetEenLaagInkomen", Figure::Decimal { percentage: true, to: |f| &mut f.low_income_pct }),
    ("HuishOnderOfRondSociaalMinimum", Figure::Decimal { percentage: true, to: |f| &mut f.social_minimum_pct }),
    ("MateVanStedelijkheid", Figure::Urbanity(|f| &mut f.urbanity)),
    ("Omgevingsadressendichtheid", Figure::Count(|f| &mut f.address_density)),
];

/// A header name without a trailing `_<digits>`: `AantalInwoners_5` → `AantalInwoners`.
fn stem(header: &str) -> &str {
    match header.rsplit_once('_') {
        Some((stem, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => stem,
        _ => header,
    }
}

/// A whole number: digits with an optional `-` (no `+`, no fraction).
fn whole(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Whether `code` is `area` or lies in it (a buurt in its wijk and its gemeente).
fn lies_in(code: &AreaCode, area: &AreaCode) -> bool {
    fn digits(a: &AreaCode) -> &str {
        match a {
            AreaCode::Gemeente(d) | AreaCode::Wijk(d) | AreaCode::Buurt(d) => d,
        }
    }
    digits(code).starts_with(digits(area))
}

/// The municipality's rows of a Kerncijfers file (`table`, from [`crate::csv::parse`]): the
/// gemeente `gemeente` itself, its wijken and its buurten, in file order. Rows of other
/// municipalities are skipped (a national export holds them all), and so is the row of the
/// country (SoortRegio `Land`); a row of another municipality's code that names `gemeente_name`
/// as its Gemeentenaam is an error, for there a code of ours was meant. Every bad field is
/// named with its line and column as the file spells it; nothing is returned unless every row
/// is good.
pub fn kerncijfers(table: &Table, gemeente: &AreaCode, gemeente_name: &str) -> Result<Vec<CbsArea>, Vec<CsvError>> {
    let header_error = |message: String| vec![CsvError { line: 1, message }];
    let mut twice = Vec::new();
    let mut find = |name: &'static str| {
        let mut found = table.header.iter().enumerate().filter(|(_, h)| stem(h).eq_ignore_ascii_case(name)).map(|(i, _)| i);
        let first = found.next();
        if let Some(second) = found.next() {
            twice.push(format!("{name} ({}, {})", table.header[first.unwrap_or_default()], table.header[second]));
        }
        first
    };
    let required = REQUIRED.map(&mut find);
    let figures = FIGURES.each_ref().map(|(name, _)| find(name));
    if !twice.is_empty() {
        return Err(header_error(format!("kolom staat twee keer in de kopregel: {}; laat er één staan", twice.join(", "))));
    }
    let missing: Vec<&str> = REQUIRED.iter().zip(&required).filter(|(_, c)| c.is_none()).map(|(n, _)| *n).collect();
    if !missing.is_empty() {
        return Err(header_error(format!("kolom ontbreekt: {} (nodig: {})", missing.join(", "), REQUIRED.join(", "))));
    }
    let cols = required.map(Option::unwrap_or_default);
    // In the file's order, so a row's errors read from left to right.
    let mut figures: Vec<(usize, &Figure)> = figures.iter().zip(&FIGURES).filter_map(|(c, (_, f))| c.map(|c| (c, f))).collect();
    figures.sort_by_key(|(c, _)| *c);
    let name_of = |i: usize| table.header[i].as_str();
    let ours_lower = gemeente_name.trim().to_lowercase();

    let mut areas = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<AreaCode, usize> = HashMap::new();
    for (line, row) in &table.rows {
        let get = |i: usize| row[i].trim();
        let mut bad = |column: usize, reason: String| errors.push(CsvError { line: *line, message: format!("veld {}: {reason}", name_of(column)) });
        let kind = get(cols[KIND]);
        if kind.eq_ignore_ascii_case("Land") {
            continue;
        }
        let code = match AreaCode::parse(get(cols[CODE])) {
            Ok(code) => code,
            Err(e) => {
                bad(cols[CODE], format!("\"{}\" is geen gebiedscode: {}", get(cols[CODE]), e.reason_nl));
                continue;
            }
        };
        if !lies_in(&code, gemeente) {
            if get(cols[MUNICIPALITY]).to_lowercase() == ours_lower {
                bad(
                    cols[CODE],
                    format!(
                        "{code} is een code van een andere gemeente, maar {} zegt {}; de codes van {} beginnen met {}",
                        name_of(cols[MUNICIPALITY]),
                        get(cols[MUNICIPALITY]),
                        gemeente_name.trim(),
                        gemeente.code()
                    ),
                );
            }
            continue;
        }
        let fits = match kind.to_ascii_lowercase().as_str() {
            "gemeente" => matches!(code, AreaCode::Gemeente(_)),
            "wijk" => matches!(code, AreaCode::Wijk(_)),
            "buurt" => matches!(code, AreaCode::Buurt(_)),
            _ => {
                bad(cols[KIND], format!("\"{kind}\" is geen soort regio (Gemeente, Wijk of Buurt)"));
                true
            }
        };
        if !fits {
            let is = match code {
                AreaCode::Gemeente(_) => "een gemeente",
                AreaCode::Wijk(_) => "een wijk",
                AreaCode::Buurt(_) => "een buurt",
            };
            bad(cols[CODE], format!("{code} is de code van {is}, maar {} zegt {kind}", name_of(cols[KIND])));
        }
        match seen.entry(code.clone()) {
            Entry::Occupied(first) => bad(cols[CODE], format!("{code} staat ook op regel {}", first.get())),
            Entry::Vacant(v) => {
                v.insert(*line);
            }
        }
        let name = clean_line(get(cols[NAME])).trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            bad(cols[NAME], "vul de naam van het gebied in (hoogstens 100 tekens)".into());
        }
        let mut key = KeyFigures::default();
        for &(column, figure) in &figures {
            let value = get(column);
            if value.is_empty() || value == "." {
                continue;
            }
            match figure {
                Figure::Count(to) => match whole(value) {
                    Some(n) if n < 0 => bad(column, format!("{n} is negatief; een aantal is 0 of meer")),
                    Some(n) => *to(&mut key) = Some(n),
                    None => bad(column, format!("\"{value}\" is geen geheel getal (of . voor geheim)")),
                },
                Figure::Urbanity(to) => match whole(value) {
                    Some(n @ 1..=5) => *to(&mut key) = Some(n),
                    Some(n) => bad(column, format!("{n} ligt niet tussen 1 (zeer sterk stedelijk) en 5 (niet stedelijk)")),
                    None => bad(column, format!("\"{value}\" is geen geheel getal van 1 tot 5 (of . voor geheim)")),
                },
                Figure::Decimal { percentage, to } => match table.decimal(value) {
                    Some(v) if v < 0.0 => bad(column, format!("{value} is negatief")),
                    Some(v) if *percentage && v > 100.0 => bad(column, format!("{value} is geen percentage (0 tot 100)")),
                    Some(v) => *to(&mut key) = Some(v),
                    None => bad(column, format!("\"{value}\" is geen getal (of . voor geheim)")),
                },
            }
        }
        areas.push(CbsArea { line: *line, code, name, figures: key });
    }
    for area in &areas {
        if let (AreaCode::Buurt(_), Some(wijk)) = (&area.code, area.code.parent()) {
            if !seen.contains_key(&wijk) {
                errors.push(CsvError {
                    line: area.line,
                    message: format!("veld {}: de wijk {wijk} van buurt {} staat niet in het bestand", name_of(cols[CODE]), area.code),
                });
            }
        }
    }
    if areas.is_empty() {
        errors.push(CsvError { line: 0, message: format!("het bestand heeft geen gebieden van {gemeente} ({}); kies bij StatLine deze gemeente", gemeente_name.trim()) });
    }
    if errors.is_empty() {
        Ok(areas)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::csv::parse;

    fn eropafdam() -> AreaCode {
        AreaCode::Gemeente("0999".into())
    }

    fn read(bytes: &[u8]) -> Result<Vec<CbsArea>, Vec<CsvError>> {
        kerncijfers(&parse(bytes).unwrap_or_else(|e| panic!("{e}")), &eropafdam(), "Eropafdam")
    }

    fn lines(result: Result<Vec<CbsArea>, Vec<CsvError>>) -> Vec<String> {
        result.unwrap_err().iter().map(ToString::to_string).collect()
    }

    fn code(s: &str) -> AreaCode {
        AreaCode::parse(s).unwrap()
    }

    #[test]
    fn the_statline_export_of_2023_gives_the_municipality_its_wijken_and_buurten() {
        let areas = read(include_bytes!("../../../testdata/first-day/kerncijfers-2023.csv")).unwrap_or_else(|e| panic!("{e:?}"));
        let codes: Vec<String> = areas.iter().map(|a| a.code.code()).collect();
        assert_eq!(codes, ["GM0999", "WK099901", "BU09990101", "BU09990102", "BU09990103", "WK099902", "BU09990201", "BU09990202"], "the country and Buurdorp are skipped");
        assert_eq!(areas.iter().map(|a| a.line).collect::<Vec<_>>(), (7..=14).collect::<Vec<_>>());
        let gm = &areas[0];
        assert_eq!(gm.name, "Eropafdam");
        assert_eq!(
            gm.figures,
            KeyFigures {
                inhabitants: Some(23480),
                households: Some(10650),
                household_size: Some(2.2),
                density: Some(1245),
                low_income_pct: Some(9.1),
                social_minimum_pct: Some(7.4),
                urbanity: Some(3),
                address_density: Some(1320),
            }
        );
        assert_eq!(areas[1].name, "Centrum", "right padding is trimmed");
        let turfwijk = &areas[7];
        assert_eq!((turfwijk.name.as_str(), turfwijk.figures.inhabitants), ("Turfwijk", Some(45)));
        assert_eq!((turfwijk.figures.low_income_pct, turfwijk.figures.social_minimum_pct), (None, None), "a secret figure is unknown, not 0");
    }

    #[test]
    fn the_next_year_with_shifted_suffixes_renamed_new_and_gone_buurten() {
        let areas = read(include_bytes!("../../../testdata/first-day/kerncijfers-2024.csv")).unwrap_or_else(|e| panic!("{e:?}"));
        let find = |c: &str| areas.iter().find(|a| a.code == code(c));
        assert_eq!(areas.len(), 8);
        assert!(find("BU09990103").is_none(), "Stationsbuurt is gone");
        assert_eq!(find("BU09990102").map(|a| a.name.as_str()), Some("Havenkwartier-Oost"));
        assert_eq!(find("BU09990203").map(|a| (a.line, a.name.as_str(), a.figures.inhabitants)), Some((14, "Nieuwe Veenen", Some(592))));
        assert_eq!(find("GM0999").and_then(|a| a.figures.inhabitants), Some(23910), "AantalInwoners_6 is read");
        assert_eq!(find("BU09990101").and_then(|a| a.figures.address_density), Some(2870), "Omgevingsadressendichtheid_118 is read");
        assert_eq!(find("BU09990202").and_then(|a| a.figures.low_income_pct), None);
    }

    #[test]
    fn the_faulty_file_names_each_fault_with_its_line_and_column() {
        let errors = lines(read(include_bytes!("../../../testdata/first-day/kerncijfers-fout.csv")));
        assert_eq!(errors.len(), 5, "{errors:#?}");
        let expect = [
            "regel 12: veld Codering_3: WK099903 is de code van een wijk, maar SoortRegio_2 zegt Buurt",
            "regel 13: veld Codering_3: de wijk WK099904 van buurt BU09990401 staat niet in het bestand",
            "regel 15: veld AantalInwoners_5: \"veel\" is geen geheel getal",
            "regel 17: veld Codering_3: BU09990202 staat ook op regel 16",
            "regel 18: veld Codering_3: BU09980103 is een code van een andere gemeente, maar Gemeentenaam_1 zegt Eropafdam",
        ];
        for (error, expect) in errors.iter().zip(expect) {
            assert!(error.starts_with(expect), "{error}\nexpected {expect}");
        }
    }

    const HEADER: &str = "WijkenEnBuurten,Gemeentenaam,SoortRegio,Codering,AantalInwoners,MateVanStedelijkheid,HuishoudensMetEenLaagInkomen\n";

    fn with_rows(rows: &str) -> Result<Vec<CbsArea>, Vec<CsvError>> {
        read(format!("{HEADER}Eropafdam,Eropafdam,Gemeente,GM0999,100,3,5\nCentrum,Eropafdam,Wijk,WK099901,60,2,6\n{rows}").as_bytes())
    }

    #[test]
    fn camel_case_names_without_suffix_are_read_too() {
        let text = "wijkenEnBuurten,gemeentenaam,soortRegio,codering,aantalInwoners,huishoudensTotaal,gemiddeldeHuishoudensgrootte,bevolkingsdichtheid,\
                    huishoudensMetEenLaagInkomen,huishOnderOfRondSociaalMinimum,mateVanStedelijkheid,omgevingsadressendichtheid,mannen\n\
                    Eropafdam,Eropafdam,Gemeente,GM0999,100,40,2.5,900,8.5,6.25,3,1000,49\n";
        let areas = read(text.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            areas[0].figures,
            KeyFigures {
                inhabitants: Some(100),
                households: Some(40),
                household_size: Some(2.5),
                density: Some(900),
                low_income_pct: Some(8.5),
                social_minimum_pct: Some(6.25),
                urbanity: Some(3),
                address_density: Some(1000),
            }
        );
    }

    #[test]
    fn a_missing_figure_column_and_empty_or_secret_values_are_unknown() {
        let areas = with_rows("Dorp,Eropafdam,Buurt,BU09990101,   .   ,,.\n").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(areas.len(), 3);
        assert_eq!(areas[2].figures, KeyFigures::default(), "no households column, '.', empty: all None");
        assert_eq!(areas[0].figures.low_income_pct, Some(5.0));
    }

    #[test]
    fn a_decimal_comma_only_in_a_semicolon_file() {
        let semi = "WijkenEnBuurten;Gemeentenaam;SoortRegio;Codering;HuishoudensMetEenLaagInkomen;GemiddeldeHuishoudensgrootte\nEropafdam;Eropafdam;Gemeente;GM0999;8,5;2.1\n";
        let areas = read(semi.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((areas[0].figures.low_income_pct, areas[0].figures.household_size), (Some(8.5), Some(2.1)));
        let comma = "WijkenEnBuurten,Gemeentenaam,SoortRegio,Codering,HuishoudensMetEenLaagInkomen\nEropafdam,Eropafdam,Gemeente,GM0999,\"8,5\"\n";
        assert_eq!(lines(read(comma.as_bytes())), ["regel 2: veld HuishoudensMetEenLaagInkomen: \"8,5\" is geen getal (of . voor geheim)"]);
    }

    #[test]
    fn every_refusal_names_line_and_column() {
        let rows = "\
            Dorp,Eropafdam,Buurt,BU0999010,1,1,1\n\
            Dorp,Eropafdam,Dorp,BU09990101,1,1,1\n\
            ,Eropafdam,Buurt,BU09990102,1,1,1\n\
            Dorp,Eropafdam,Buurt,BU09990103,-4,0,101\n\
            Dorp,Eropafdam,Buurt,BU09990104,12.5,6,-1\n\
            Dorp,Eropafdam,Gemeente,BU09990105,1,x,1\n\
            Elders,Buurdorp,Buurt,BU09980101,veel,9,x\n\
            Nederland,Nederland,Land,NL00,1,1,1\n";
        let errors = lines(with_rows(rows));
        assert_eq!(
            errors,
            [
                "regel 4: veld Codering: \"BU0999010\" is geen gebiedscode: een CBS-gebiedscode is GM met 4, WK met 6 of BU met 8 cijfers",
                "regel 5: veld SoortRegio: \"Dorp\" is geen soort regio (Gemeente, Wijk of Buurt)",
                "regel 6: veld WijkenEnBuurten: vul de naam van het gebied in (hoogstens 100 tekens)",
                "regel 7: veld AantalInwoners: -4 is negatief; een aantal is 0 of meer",
                "regel 7: veld MateVanStedelijkheid: 0 ligt niet tussen 1 (zeer sterk stedelijk) en 5 (niet stedelijk)",
                "regel 7: veld HuishoudensMetEenLaagInkomen: 101 is geen percentage (0 tot 100)",
                "regel 8: veld AantalInwoners: \"12.5\" is geen geheel getal (of . voor geheim)",
                "regel 8: veld MateVanStedelijkheid: 6 ligt niet tussen 1 (zeer sterk stedelijk) en 5 (niet stedelijk)",
                "regel 8: veld HuishoudensMetEenLaagInkomen: -1 is negatief",
                "regel 9: veld Codering: BU09990105 is de code van een buurt, maar SoortRegio zegt Gemeente",
                "regel 9: veld MateVanStedelijkheid: \"x\" is geen geheel getal van 1 tot 5 (of . voor geheim)",
            ],
            "another municipality's bad row (line 10) and the country (line 11) are skipped"
        );
        let long = "a".repeat(101);
        assert_eq!(lines(with_rows(&format!("{long},Eropafdam,Buurt,BU09990101,1,1,1\n"))), ["regel 4: veld WijkenEnBuurten: vul de naam van het gebied in (hoogstens 100 tekens)"]);
        assert!(with_rows(&format!("{},Eropafdam,Buurt,BU09990101,1,1,1\n", "é".repeat(100))).is_ok(), "100 characters, not bytes");
    }

    #[test]
    fn a_code_elsewhere_under_our_name_and_a_buurt_without_its_wijk() {
        let errors = lines(with_rows("Noord,EROPAFDAM ,Buurt,BU09980101,1,1,1\nOost,Eropafdam,Buurt,BU09990201,1,1,1\nCentrum 2,Eropafdam,Buurt,BU09990101,1,1,1\nZuid,Buurdorp,Wijk,WK099801,1,1,1\n"));
        assert_eq!(
            errors,
            [
                "regel 4: veld Codering: BU09980101 is een code van een andere gemeente, maar Gemeentenaam zegt EROPAFDAM; de codes van Eropafdam beginnen met GM0999",
                "regel 5: veld Codering: de wijk WK099902 van buurt BU09990201 staat niet in het bestand",
            ]
        );
    }

    #[test]
    fn a_duplicated_code_names_its_first_line() {
        assert_eq!(lines(with_rows("Centrum,Eropafdam,Wijk,WK099901,1,1,1\nCentrum,Eropafdam,Wijk,WK099901,1,1,1\n")), [
            "regel 4: veld Codering: WK099901 staat ook op regel 3",
            "regel 5: veld Codering: WK099901 staat ook op regel 3",
        ]);
    }

    #[test]
    fn missing_or_doubled_columns_and_a_file_of_another_municipality() {
        let missing = "WijkenEnBuurten_1;Codering_3;AantalInwoners_5\nEropafdam;GM0999;1\n";
        assert_eq!(lines(read(missing.as_bytes())), ["regel 1: kolom ontbreekt: Gemeentenaam, SoortRegio (nodig: WijkenEnBuurten, Gemeentenaam, SoortRegio, Codering)"]);
        let twice = "WijkenEnBuurten,Gemeentenaam,SoortRegio,Codering,AantalInwoners_5,AantalInwoners_6\nEropafdam,Eropafdam,Gemeente,GM0999,1,1\n";
        assert_eq!(lines(read(twice.as_bytes())), ["regel 1: kolom staat twee keer in de kopregel: AantalInwoners (AantalInwoners_5, AantalInwoners_6); laat er één staan"]);
        let elsewhere = "WijkenEnBuurten,Gemeentenaam,SoortRegio,Codering\nBuurdorp,Buurdorp,Gemeente,GM0998\n";
        assert_eq!(lines(read(elsewhere.as_bytes())), ["het bestand heeft geen gebieden van GM0999 (Eropafdam); kies bij StatLine deze gemeente"]);
        assert!(stem("Mannen_6") == "Mannen" && stem("k_0Tot15Jaar_8") == "k_0Tot15Jaar" && stem("Codering_") == "Codering_" && stem("ID") == "ID");
    }
}
