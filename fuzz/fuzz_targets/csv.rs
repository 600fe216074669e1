//! domain::csv::parse, the strict reader behind every file upload and import: it never panics;
//! an accepted file has as many fields in every row as in its header, rows in line order after
//! the header; an error names a line inside the file; and a table written back with
//! `csv::field` reads back to the same values.
#![no_main]

use domain::csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = 1 + data.iter().filter(|&&b| b == b'\n').count();
    match csv::parse(data) {
        Err(e) => {
            assert!(e.line <= lines, "error on line {} of a {lines}-line file", e.line);
            assert!(!e.message.is_empty());
        }
        Ok(table) => {
            let mut last = 1;
            for (line, row) in &table.rows {
                assert_eq!(row.len(), table.header.len(), "row on line {line}");
                assert!(*line > last && *line <= lines, "row line {line} after {last} in {lines} lines");
                last = *line;
            }
            // Written back: every field quoted when it must be. Values the reader normalises
            // (leading spaces after a comma, a header's surrounding spaces, a row that is one
            // empty field) are left out of the round trip.
            let plain = |v: &String| !v.starts_with([' ', '\t']);
            let keeps = !table.header.is_empty()
                && table.header.iter().all(|h| plain(h) && h.trim() == h)
                && table.rows.iter().all(|(_, r)| r.iter().all(plain) && !(r.len() == 1 && r[0].trim().is_empty()))
                && !(table.header.len() == 1 && table.header[0].is_empty());
            if keeps {
                let write = |r: &[String]| r.iter().map(|v| csv::field(v)).collect::<Vec<_>>().join(",");
                let mut text = write(&table.header);
                for (_, r) in &table.rows {
                    text.push('\n');
                    text.push_str(&write(r));
                }
                let again = csv::parse(text.as_bytes()).unwrap_or_else(|e| panic!("written table does not re-read: {e}\n{text:?}"));
                assert_eq!(again.header, table.header);
                let values = |t: &csv::Table| t.rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>();
                assert_eq!(values(&again), values(&table), "{text:?}");
            }
        }
    }
});
