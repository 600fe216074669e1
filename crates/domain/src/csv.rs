//! A small, strict CSV reader (RFC 4180): UTF-8, a header row, quoted fields with doubled
//! quotes, CRLF or LF, and spaces after a comma ignored (files written as "a, b, c"). Errors name
//! the line, so a user can find the bad row.

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
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
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
    let mut records = Records { text, at: 0, line: 1 };
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
    Ok(Table { header, rows })
}

/// Walks the text by byte: every delimiter is ASCII, so each cut is a character boundary.
struct Records<'a> {
    text: &'a str,
    at: usize,
    line: usize,
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
                Some(b',') => self.at += 1,
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
        while self.at < bytes.len() && !matches!(bytes[self.at], b',' | b'\n' | b'\r') {
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

/// One field as CSV: quoted when it holds a comma, quote or line break, or starts or ends with
/// whitespace (which the reader drops around an unquoted field).
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
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
}
