//! domain::csv::parse, the strict reader behind every file upload and import: it never panics;
//! an accepted file has as many fields in every row as in its header, rows in line order after
//! the header; an error names a line inside the file; and a table written back with
//! `csv::field` (with the delimiter it was read with) reads back to the same values.
#![no_main]

use domain::csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Line breaks as the reader counts them: LF, CRLF, and a CR on its own (old Mac files).
    let lines = 1 + data.iter().enumerate().filter(|(i, b)| **b == b'\n' || (**b == b'\r' && data.get(i + 1) != Some(&b'\n'))).count();
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
            // Written back: every field quoted when it must be. What the reader normalises (a
            // header's surrounding spaces, a row that is one empty field) is left out of the
            // round trip.
            // (a first header starting with a second byte-order mark, too: written back, the
            // reader takes it for the file's own).
            let keeps = !table.header.is_empty()
                && !table.header[0].starts_with('\u{feff}')
                && table.header.iter().all(|h| h.trim() == h)
                && table.rows.iter().all(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()))
                && !(table.header.len() == 1 && table.header[0].is_empty());
            if keeps {
                // With the delimiter the reader found: `csv::field` quotes both, so the written
                // header is detected alike.
                let delimiter = if table.delimiter == b';' { ";" } else { "," };
                let write = |r: &[String]| r.iter().map(|v| csv::field(v)).collect::<Vec<_>>().join(delimiter);
                let mut text = write(&table.header);
                for (_, r) in &table.rows {
                    text.push('\n');
                    text.push_str(&write(r));
                }
                let again = csv::parse(text.as_bytes()).unwrap_or_else(|e| panic!("written table does not re-read: {e}\n{text:?}"));
                assert_eq!(again.delimiter, table.delimiter, "{text:?}");
                assert_eq!(again.header, table.header);
                let values = |t: &csv::Table| t.rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>();
                assert_eq!(values(&again), values(&table), "{text:?}");
            }
        }
    }
});
