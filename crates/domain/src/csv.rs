//! A small, strict CSV reader (RFC 4180): UTF-8, a header row, quoted fields with doubled
//! quotes, CRLF or LF, and spaces after a comma ignored (files written as "a, b, c"). Errors name
//! the line, so a user can find the bad row. A file whose header is separated by semicolons (CBS
//! StatLine exports, Dutch Excel) is read with `;` as its delimiter.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// 1-based line where the bad record starts (0 for the file as a whole).
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "regel {}: {}", self.line, self.message)
        }
    }
}

/// A parsed file: the header and the rows, each with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
    /// `b','` or `b';'`: with `;` a number may have a decimal comma (`155000,5`).
    pub delimiter: u8,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The column whose header is `name` in any letter case (`Postcode`, `POSTCODE`).
    pub fn column_ignore_case(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    /// A decimal number as the file writes it: digits with an optional `-` and an optional
    /// fraction after `.`, or after `,` when the file is `;`-separated (where `,` cannot be a
    /// delimiter). No exponents, `inf` or `NaN`, which `f64::from_str` would take.
    pub fn decimal(&self, text: &str) -> Option<f64> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let comma = self.delimiter == b';';
        let (whole, fraction) = match digits.find(|c| c == '.' || (comma && c == ',')) {
            Some(at) => (&digits[..at], Some(&digits[at + 1..])),
            None => (digits, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
            return None;
        }
        text.replace(',', ".").parse().ok()
    }
}

pub fn parse(bytes: &[u8]) -> Result<Table, CsvError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
            return Err(CsvError { line, message: "geen geldige UTF-8-tekst".into() });
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = delimiter_of(text);
    let mut records = Records { text, at: 0, line: 1, delimiter };
    let Some((_, header)) = records.next_record()? else {
        return Err(CsvError { line: 0, message: "het bestand is leeg: er is geen kopregel".into() });
    };
    let header: Vec<String> = header.into_iter().map(|h| h.trim().to_string()).collect();
    let mut rows = Vec::new();
    while let Some((line, row)) = records.next_record()? {
        if row.len() == 1 && row[0].trim().is_empty() {
            continue;
        }
        if row.len() != header.len() {
            return Err(CsvError { line, message: format!("{} velden, de kopregel heeft er {}", row.len(), header.len()) });
        }
        rows.push((line, row));
    }
    Ok(Table { header, rows, delimiter })
}

/// `;` when the header line holds more semicolons than commas outside quoted fields, else `,`.
/// A quote opens a quoted field only at a field's start, as the reader takes it.
fn delimiter_of(text: &str) -> u8 {
    let (mut commas, mut semicolons) = (0usize, 0usize);
    let bytes = text.as_bytes();
    let (mut quoted, mut field_start) = (false, true);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        if quoted {
            if b == b'"' {
                if bytes.get(i) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        match b {
            b'\n' | b'\r' => break,
            b',' => commas += 1,
            b';' => semicolons += 1,
            b' ' | b'\t' => continue,
            b'"' if field_start => quoted = true,
            _ => {}
        }
        field_start = matches!(b, b',' | b';');
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// Walks the text by byte: every delimiter is ASCII, so each cut is a character boundary.
struct Records<'a> {
    text: &'a str,
    at: usize,
    line: usize,
    delimiter: u8,
}

impl Records<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    fn next_record(&mut self) -> Result<Option<(usize, Vec<String>)>, CsvError> {
        if self.peek().is_none() {
            return Ok(None);
        }
        let start = self.line;
        let mut fields = Vec::new();
        loop {
            self.skip_blanks();
            let field = if self.peek() == Some(b'"') {
                self.at += 1;
                self.quoted(start)?
            } else {
                self.plain()
            };
            fields.push(field);
            match self.peek() {
                Some(d) if d == self.delimiter => self.at += 1,
                Some(b'\r') => {
                    self.at += 1;
                    if self.peek() == Some(b'\n') {
                        self.at += 1;
                    }
                    self.line += 1;
                    break;
                }
                Some(b'\n') => {
                    self.at += 1;
                    self.line += 1;
                    break;
                }
                None => break,
                Some(_) => {
                    let c = self.text[self.at..].chars().next().unwrap_or(' ');
                    return Err(CsvError { line: start, message: format!("onverwacht teken '{c}' na een veld tussen aanhalingstekens") });
                }
            }
        }
        Ok(Some((start, fields)))
    }

    fn plain(&mut self) -> String {
        let from = self.at;
        let bytes = self.text.as_bytes();
        while self.at < bytes.len() && bytes[self.at] != self.delimiter && !matches!(bytes[self.at], b'\n' | b'\r') {
            self.at += 1;
        }
        self.text[from..self.at].trim_end().to_string()
    }

    fn quoted(&mut self, start: usize) -> Result<String, CsvError> {
        let mut s = String::new();
        let bytes = self.text.as_bytes();
        let mut from = self.at;
        loop {
            match bytes.get(self.at) {
                Some(b'"') if bytes.get(self.at + 1) == Some(&b'"') => {
                    s.push_str(&self.text[from..=self.at]);
                    self.at += 2;
                    from = self.at;
                }
                Some(b'"') => {
                    s.push_str(&self.text[from..self.at]);
                    self.at += 1;
                    self.skip_blanks();
                    return Ok(s);
                }
                Some(b) => {
                    if *b == b'\n' {
                        self.line += 1;
                    }
                    self.at += 1;
                }
                None => return Err(CsvError { line: start, message: "aanhalingsteken niet gesloten".into() }),
            }
        }
    }
}

/// One field as CSV: quoted when it holds a comma, semicolon, quote or line break (so it reads
/// back whichever delimiter the reader detects), or starts or ends with whitespace (which the
/// reader drops around an unquoted field).
pub fn field(s: &str) -> String {
    if s.contains([',', ';', '"', '\n', '\r']) || s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn spaces_after_commas_quotes_and_line_breaks() {
        let t = parse(b"id, naam, plaats\r\n1, \"Berg, van den\", Utrecht\n2,\"zegt \"\"hoi\"\"\",\"twee\nregels\"\n\n3,x,y").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.header, ["id", "naam", "plaats"]);
        assert_eq!(t.rows[0], (2, vec!["1".to_string(), "Berg, van den".into(), "Utrecht".into()]));
        assert_eq!(t.rows[1], (3, vec!["2".to_string(), "zegt \"hoi\"".into(), "twee\nregels".into()]));
        assert_eq!(t.rows[2].0, 6, "line numbers count the line break inside quotes and the blank line");
    }

    #[test]
    fn bad_rows_name_their_line() {
        assert_eq!(parse(b"a,b\n1,2\n3\n").map_err(|e| e.to_string()), Err("regel 3: 1 velden, de kopregel heeft er 2".into()));
        assert_eq!(parse(b"a,b\n1,\"2\n").map_err(|e| e.line), Err(2));
        assert_eq!(parse(b"a,b\n1,\"2\"x\n").map_err(|e| e.line), Err(2));
        assert_eq!(parse(b"a,b\n1,\xff\n").map_err(|e| e.line), Err(2));
        assert!(parse(b"").is_err());
        assert_eq!(field("Berg, van den"), "\"Berg, van den\"");
        assert_eq!(field("zegt "), "\"zegt \"", "a trailing space survives the round trip");
        assert_eq!(parse(format!("a\n{}\n", field(" x ")).as_bytes()).map(|t| t.rows[0].1.clone()), Ok(vec![" x ".to_string()]));
    }

    #[test]
    fn a_semicolon_file_as_statline_and_dutch_excel_write_it() {
        let bytes = "\u{feff}\"ID\";\"Naam\";\"Toelichting\";Getal\r\n0;\"Berg; van den   \";\"1,5 of 2\";12,5\r\n1; x ;\"zegt \"\"a;b\"\"\";3\r\n".as_bytes();
        let t = parse(bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.delimiter, b';');
        assert_eq!(t.header, ["ID", "Naam", "Toelichting", "Getal"], "the byte-order mark is not part of the first name");
        assert_eq!(t.rows[0], (2, vec!["0".to_string(), "Berg; van den   ".into(), "1,5 of 2".into(), "12,5".into()]));
        assert_eq!(t.rows[1], (3, vec!["1".to_string(), "x".into(), "zegt \"a;b\"".into(), "3".into()]));
        assert_eq!(t.decimal("12,5"), Some(12.5));
        assert_eq!(parse(b"a;b\n1;2;3\n").map_err(|e| e.to_string()), Err("regel 2: 3 velden, de kopregel heeft er 2".into()));
        assert_eq!(parse(b"a;b\r1;2\r").map(|t| t.rows), Ok(vec![(2, vec!["1".to_string(), "2".into()])]), "a lone CR still ends a line");
    }

    #[test]
    fn the_header_line_decides_the_delimiter_outside_quotes() {
        let delimiter = |s: &str| parse(s.as_bytes()).map(|t| t.delimiter);
        assert_eq!(delimiter("a,b\n1,2\n"), Ok(b','));
        assert_eq!(delimiter("a;b,c\n1;2,3\n"), Ok(b','), "as many of each: a comma file");
        assert_eq!(delimiter("\"a;b;c\",d\n1,2\n"), Ok(b','), "semicolons inside quotes do not count");
        assert_eq!(delimiter("\"a,b,c\";d\n1;2\n"), Ok(b';'));
        assert_eq!(delimiter("a\nx;y;z\n"), Ok(b','), "only the header line counts");
        assert_eq!(delimiter("a\n"), Ok(b','));
        let t = parse(b"a,b\n\"1,5\",x;y\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.rows[0].1, ["1,5", "x;y"]);
        assert_eq!(t.decimal("1,5"), None, "in a comma file a comma is no decimal sign");
        for bad in ["", "-", "1.", ".5", "1e5", "inf", "NaN", "+1", "1 000", "1.2.3"] {
            assert_eq!(t.decimal(bad), None, "{bad}");
        }
        assert_eq!(t.decimal("-12.25"), Some(-12.25));
        assert_eq!(field("a;b"), "\"a;b\"");
    }
}
