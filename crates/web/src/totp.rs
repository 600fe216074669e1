//! Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits) — the second
//! factor for every role that sees residents' data — the base32 form authenticator apps read, and
//! the QR code a user enrols with.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;
use time::OffsetDateTime;

pub const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new 160-bit secret in base32, as `otpauth://` URIs and apps expect.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base32_encode(&bytes)
}

pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(char::from(BASE32[((buffer >> (bits - 5)) & 31) as usize]));
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = BASE32.iter().position(|&b| char::from(b) == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push(((buffer >> (bits - 8)) & 0xff) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// The time step an instant falls in.
pub fn step_of(now: OffsetDateTime) -> i64 {
    now.unix_timestamp().div_euclid(STEP_SECONDS)
}

/// The code for one time step (RFC 4226 dynamic truncation).
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else { return String::new() };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    format!("{:0width$}", value % 10u32.pow(DIGITS), width = DIGITS as usize)
}

/// The current code for a base32 secret (for tests and tooling).
pub fn code(secret_base32: &str, now: OffsetDateTime) -> String {
    base32_decode(secret_base32).map(|s| code_at_step(&s, step_of(now))).unwrap_or_default()
}

/// The step a submitted code belongs to, allowing one step of clock drift either way, and only
/// steps after `last_used` so a code cannot be replayed.
pub fn verify(secret_base32: &str, submitted: &str, now: OffsetDateTime, last_used: Option<i64>) -> Option<i64> {
    let secret = base32_decode(secret_base32)?;
    let submitted: String = submitted.chars().filter(|c| !c.is_whitespace()).collect();
    if submitted.len() != DIGITS as usize {
        return None;
    }
    let current = step_of(now);
    (current - 1..=current + 1)
        .filter(|step| last_used.is_none_or(|last| *step > last))
        .find(|step| crate::auth::constant_time_eq(&code_at_step(&secret, *step), &submitted))
}

/// The `otpauth://` URI an authenticator app reads from the enrolment QR code.
pub fn otpauth_uri(username: &str, secret_base32: &str) -> String {
    let label: String = username
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect();
    format!("otpauth://totp/Eropaf:{label}?secret={secret_base32}&issuer=Eropaf")
}

/// The secret in groups of four, for typing into an app that cannot scan.
pub fn grouped(secret_base32: &str) -> String {
    secret_base32.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// `text` as a QR code, an inline SVG element (made on the server, no script) named `label`
/// for assistive technology. None when the text does not fit in a QR code.
pub fn qr_svg(text: &str, label: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).build();
    let start = svg.find("<svg ")?;
    let label: String = label
        .chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            c => c.to_string(),
        })
        .collect();
    Some(format!("<svg role=\"img\" aria-label=\"{label}\" focusable=\"false\" {}", &svg[start + "<svg ".len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enrolment_qr_code_is_an_inline_svg_with_a_name() {
        let uri = otpauth_uri("j.de vries", "JBSWY3DPEHPK3PXP");
        assert_eq!(uri, "otpauth://totp/Eropaf:j.de%20vries?secret=JBSWY3DPEHPK3PXP&issuer=Eropaf");
        let svg = qr_svg(&uri, "QR-code \"Eropaf\"").unwrap_or_default();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"QR-code &quot;Eropaf&quot;\" focusable=\"false\" xmlns="), "{svg}");
        assert!(svg.ends_with("</svg>") && !svg.contains("<?xml") && !svg.contains("style"), "{svg}");
        assert_eq!(grouped("JBSWY3DPEHPK3PXPAB"), "JBSW Y3DP EHPK 3PXP AB");
    }

    /// RFC 6238 appendix B, SHA-1, secret "12345678901234567890", truncated to 6 digits.
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (t, expected) in [(59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"), (2_000_000_000, "279037")] {
            assert_eq!(code_at_step(secret, t / STEP_SECONDS), expected, "T={t}");
        }
    }

    #[test]
    fn base32_round_trip_and_rfc_4648_vector() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI").as_deref(), Some(&b"foobar"[..]));
        let s = new_secret();
        assert_eq!(s.len(), 32);
        assert_eq!(base32_decode(&s).map(|b| b.len()), Some(20));
        assert!(base32_decode("not base32!").is_none());
    }

    #[test]
    fn verify_allows_one_step_of_drift_and_no_replay() {
        let secret = base32_encode(b"12345678901234567890");
        let now = OffsetDateTime::from_unix_timestamp(1_111_111_111).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let code_now = code(&secret, now);
        assert_eq!(verify(&secret, &code_now, now, None), Some(step_of(now)));
        assert_eq!(verify(&secret, &code_now, now + time::Duration::seconds(30), None), Some(step_of(now)), "one step late is accepted");
        assert_eq!(verify(&secret, &code_now, now + time::Duration::seconds(90), None), None, "three steps late is not");
        assert_eq!(verify(&secret, &code_now, now, Some(step_of(now))), None, "a used code is not accepted twice");
        assert_eq!(verify(&secret, "12345", now, None), None);
    }
}
