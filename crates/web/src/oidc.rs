//! OpenID Connect login for municipalities with their own identity provider (IdP): the
//! authorization code flow of OpenID Connect Core 1.0 §3.1 with PKCE (RFC 7636, S256), `state`
//! against login CSRF and `nonce` against replay. The ID token comes from the token endpoint
//! and is still checked in full: an RS256 signature by one of the provider's published keys,
//! issuer, audience, authorized party, expiry and nonce.
//!
//! An Eropaf account is bound to the provider's subject (`sub`) by an administrator
//! (`eropaf user oidc NAME SUBJECT`); nobody gets an account by logging in at the provider.
//! The provider's word counts as a second factor when its `amr` claim (RFC 8176) names one;
//! otherwise Eropaf asks for its own TOTP code as after a password.

use base64::Engine;
use ring::signature::{RsaPublicKeyComponents, RSA_PKCS1_2048_8192_SHA256};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::RwLock;
use std::time::Duration as StdDuration;
use time::OffsetDateTime;

/// What a municipality configures for its identity provider.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// The issuer URL, exactly as the provider names itself (`iss`).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Where the provider sends the browser back: Eropaf's public address + `/inloggen/oidc/terug`.
    pub redirect_uri: String,
    /// The provider's name on the login page, e.g. "Gemeente Utrecht".
    pub label: String,
}

/// How long a started login may take at the provider.
pub const LOGIN_TIMEOUT: time::Duration = time::Duration::minutes(10);
/// Clock difference tolerated between Eropaf and the provider.
const LEEWAY_SECONDS: i64 = 60;
/// `amr` values (RFC 8176 §2) that show more than a password was used.
const SECOND_FACTOR_AMR: &[&str] = &["mfa", "otp", "hwk", "swk", "sc", "sms", "fpt", "face", "iris", "retina", "vbm", "pop"];

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("identity provider unreachable or answered badly: {0}")]
    Http(String),
    #[error("identity provider configuration: {0}")]
    Discovery(String),
    #[error("token endpoint refused the code: {0}")]
    Refused(String),
    #[error("ID token rejected: {0}")]
    Token(#[from] TokenError),
}

/// Why an ID token is not accepted. The messages name the check, never the token's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("not a signed JWT")]
    Malformed,
    #[error("algorithm other than RS256")]
    Algorithm,
    #[error("signed with a key the provider does not publish")]
    UnknownKey,
    #[error("signature does not verify")]
    Signature,
    #[error("issued by another issuer")]
    Issuer,
    #[error("meant for another client")]
    Audience,
    #[error("expired")]
    Expired,
    #[error("issued in the future")]
    IssuedInFuture,
    #[error("nonce does not match the login")]
    Nonce,
    #[error("no subject")]
    NoSubject,
}

/// One RSA signing key from the provider's JWKS.
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    #[serde(default)]
    pub kid: Option<String>,
    pub kty: String,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default, rename = "use")]
    pub usage: Option<String>,
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

/// The claims Eropaf uses from a checked ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdClaims {
    pub sub: String,
    pub amr: Vec<String>,
}

impl IdClaims {
    /// Whether the provider says it used a second factor (RFC 8176 `amr`).
    pub fn second_factor(&self) -> bool {
        self.amr.iter().any(|m| SECOND_FACTOR_AMR.contains(&m.as_str()))
    }
}

/// What a token check needs to know besides the token.
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    pub now: OffsetDateTime,
}

fn b64(s: &str) -> Result<Vec<u8>, TokenError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).map_err(|_| TokenError::Malformed)
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct Payload {
    #[serde(default)]
    iss: String,
    #[serde(default)]
    sub: String,
    aud: Option<Audience>,
    #[serde(default)]
    azp: Option<String>,
    exp: Option<i64>,
    iat: Option<i64>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    amr: Vec<String>,
}

/// Checks an ID token (OpenID Connect Core §3.1.3.7) against the provider's keys; pure, with
/// the time as a parameter.
pub fn validate_id_token(token: &str, keys: &[Jwk], expected: &Expected) -> Result<IdClaims, TokenError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(TokenError::Malformed);
    };
    let header: Header = serde_json::from_slice(&b64(h)?).map_err(|_| TokenError::Malformed)?;
    // Only RS256: `none`, HS256 with a public key as secret and other confusions are refused.
    if header.alg != "RS256" {
        return Err(TokenError::Algorithm);
    }
    let candidates: Vec<&Jwk> = keys
        .iter()
        .filter(|k| k.kty == "RSA" && k.usage.as_deref().is_none_or(|u| u == "sig") && k.alg.as_deref().is_none_or(|a| a == "RS256"))
        .filter(|k| header.kid.is_none() || k.kid == header.kid)
        .collect();
    if candidates.is_empty() {
        return Err(TokenError::UnknownKey);
    }
    let signature = b64(s)?;
    let message = format!("{h}.{p}");
    let verified = candidates.iter().any(|k| {
        let (Some(n), Some(e)) = (k.n.as_deref().and_then(|n| b64(n).ok()), k.e.as_deref().and_then(|e| b64(e).ok())) else { return false };
        RsaPublicKeyComponents { n: &n, e: &e }.verify(&RSA_PKCS1_2048_8192_SHA256, message.as_bytes(), &signature).is_ok()
    });
    if !verified {
        return Err(TokenError::Signature);
    }
    let payload: Payload = serde_json::from_slice(&b64(p)?).map_err(|_| TokenError::Malformed)?;
    if payload.iss != expected.issuer {
        return Err(TokenError::Issuer);
    }
    let audiences = match payload.aud {
        Some(Audience::One(a)) => vec![a],
        Some(Audience::Many(a)) => a,
        None => vec![],
    };
    if !audiences.iter().any(|a| a == expected.client_id) {
        return Err(TokenError::Audience);
    }
    if (audiences.len() > 1 || payload.azp.is_some()) && payload.azp.as_deref() != Some(expected.client_id) {
        return Err(TokenError::Audience);
    }
    let now = expected.now.unix_timestamp();
    match payload.exp {
        Some(exp) if exp + LEEWAY_SECONDS > now => {}
        _ => return Err(TokenError::Expired),
    }
    if payload.iat.is_some_and(|iat| iat > now + LEEWAY_SECONDS) {
        return Err(TokenError::IssuedInFuture);
    }
    match payload.nonce.as_deref() {
        Some(n) if crate::auth::constant_time_eq(n, expected.nonce) => {}
        _ => return Err(TokenError::Nonce),
    }
    if payload.sub.is_empty() {
        return Err(TokenError::NoSubject);
    }
    Ok(IdClaims { sub: payload.sub, amr: payload.amr })
}

/// The PKCE challenge of a verifier (RFC 7636 §4.2, S256).
pub fn code_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Plain HTTP only to the machine itself (a provider on loopback, as in the tests); everything
/// else must be HTTPS.
fn check_transport(url: &str) -> Result<(), OidcError> {
    if url.starts_with("https://") {
        return Ok(());
    }
    let host = url.strip_prefix("http://").map(|rest| rest.split(['/', '?']).next().unwrap_or(""));
    let host = host.map(|h| if h.starts_with('[') { h.split(']').next().unwrap_or("").trim_start_matches('[') } else { h.split(':').next().unwrap_or("") });
    match host {
        Some("127.0.0.1" | "localhost" | "::1") => Ok(()),
        _ => Err(OidcError::Discovery(format!("{url} is not https (plain http is only allowed on loopback)"))),
    }
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// A configured provider, its endpoints read from its discovery document.
pub struct Provider {
    pub config: OidcConfig,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    keys: RwLock<Vec<Jwk>>,
    agent: ureq::Agent,
}

impl Provider {
    /// Reads the discovery document and the signing keys (blocking; call at startup).
    pub fn discover(config: OidcConfig) -> Result<Provider, OidcError> {
        check_transport(&config.issuer)?;
        check_transport(&config.redirect_uri)?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(StdDuration::from_secs(10)))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let url = format!("{}/.well-known/openid-configuration", config.issuer.trim_end_matches('/'));
        let discovery: Discovery = get_json(&agent, &url)?;
        if discovery.issuer != config.issuer {
            return Err(OidcError::Discovery(format!("the provider calls itself {}, not {}", discovery.issuer, config.issuer)));
        }
        for endpoint in [&discovery.authorization_endpoint, &discovery.token_endpoint, &discovery.jwks_uri] {
            check_transport(endpoint)?;
        }
        let jwks: Jwks = get_json(&agent, &discovery.jwks_uri)?;
        Ok(Provider {
            config,
            authorization_endpoint: discovery.authorization_endpoint,
            token_endpoint: discovery.token_endpoint,
            jwks_uri: discovery.jwks_uri,
            keys: RwLock::new(jwks.keys),
            agent,
        })
    }

    /// Where to send the browser to log in.
    pub fn authorization_url(&self, state: &str, nonce: &str, verifier: &str, lang: crate::i18n::Lang) -> String {
        let challenge = code_challenge(verifier);
        let query = serde_urlencoded::to_string([
            ("response_type", "code"),
            ("client_id", self.config.client_id.as_str()),
            ("redirect_uri", self.config.redirect_uri.as_str()),
            ("scope", "openid"),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("ui_locales", lang.s("nl", "en")),
        ])
        .unwrap_or_default();
        let sep = if self.authorization_endpoint.contains('?') { '&' } else { '?' };
        format!("{}{sep}{query}", self.authorization_endpoint)
    }

    /// Trades the code for an ID token and checks it (blocking). An unknown key id makes Eropaf
    /// read the provider's keys again once, so a key rotation needs no restart.
    pub fn redeem(&self, code: &str, verifier: &str, nonce: &str, now: OffsetDateTime) -> Result<IdClaims, OidcError> {
        let credentials = format!(
            "{}:{}",
            serde_urlencoded::to_string([("", self.config.client_id.as_str())]).unwrap_or_default().trim_start_matches('='),
            serde_urlencoded::to_string([("", self.config.client_secret.as_str())]).unwrap_or_default().trim_start_matches('=')
        );
        let basic = base64::engine::general_purpose::STANDARD.encode(credentials);
        let mut response = self
            .agent
            .post(&self.token_endpoint)
            .header("Authorization", format!("Basic {basic}"))
            .header("Accept", "application/json")
            .send_form([
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", self.config.redirect_uri.as_str()),
                ("code_verifier", verifier),
            ])
            .map_err(|e| OidcError::Http(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().map_err(|e| OidcError::Http(e.to_string()))?;
        let parsed: TokenResponse = serde_json::from_str(&body).map_err(|_| OidcError::Http(format!("token endpoint answered {status} without JSON")))?;
        let Some(id_token) = parsed.id_token.filter(|_| status == 200) else {
            return Err(OidcError::Refused(parsed.error.unwrap_or_else(|| format!("status {status}"))));
        };
        let expected = Expected { issuer: &self.config.issuer, client_id: &self.config.client_id, nonce, now };
        let keys = self.keys.read().map(|k| k.clone()).unwrap_or_default();
        match validate_id_token(&id_token, &keys, &expected) {
            Err(TokenError::UnknownKey | TokenError::Signature) => {
                let fresh: Jwks = get_json(&self.agent, &self.jwks_uri)?;
                let claims = validate_id_token(&id_token, &fresh.keys, &expected)?;
                if let Ok(mut keys) = self.keys.write() {
                    *keys = fresh.keys;
                }
                Ok(claims)
            }
            other => Ok(other?),
        }
    }
}

fn get_json<T: serde::de::DeserializeOwned>(agent: &ureq::Agent, url: &str) -> Result<T, OidcError> {
    let mut response = agent.get(url).header("Accept", "application/json").call().map_err(|e| OidcError::Http(format!("{url}: {e}")))?;
    if response.status() != 200 {
        return Err(OidcError::Http(format!("{url}: status {}", response.status())));
    }
    let body = response.body_mut().read_to_string().map_err(|e| OidcError::Http(format!("{url}: {e}")))?;
    serde_json::from_str(&body).map_err(|e| OidcError::Discovery(format!("{url}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
    use serde_json::json;

    /// A 2048-bit RSA key made for these tests only (`openssl genpkey -algorithm RSA`).
    const TEST_KEY: &[u8] = include_bytes!("../tests/data/oidc-test-key.pk8");
    const OTHER_KEY: &[u8] = include_bytes!("../tests/data/oidc-other-key.pk8");
    const ISSUER: &str = "https://idp.gemeente.example";
    const NOW: i64 = 1_795_000_000;

    fn enc(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    fn jwk(pkcs8: &[u8], kid: &str) -> Jwk {
        let pair = RsaKeyPair::from_pkcs8(pkcs8).unwrap_or_else(|_| unreachable!("test key"));
        let c: ring::rsa::PublicKeyComponents<Vec<u8>> = pair.public().into();
        Jwk { kid: Some(kid.into()), kty: "RSA".into(), alg: Some("RS256".into()), usage: Some("sig".into()), n: Some(enc(&c.n)), e: Some(enc(&c.e)) }
    }

    fn sign(pkcs8: &[u8], header: serde_json::Value, payload: serde_json::Value) -> String {
        let pair = RsaKeyPair::from_pkcs8(pkcs8).unwrap_or_else(|_| unreachable!("test key"));
        let message = format!("{}.{}", enc(header.to_string().as_bytes()), enc(payload.to_string().as_bytes()));
        let mut signature = vec![0; pair.public().modulus_len()];
        pair.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message.as_bytes(), &mut signature).unwrap_or_else(|_| unreachable!("signing"));
        format!("{message}.{}", enc(&signature))
    }

    fn claims() -> serde_json::Value {
        json!({"iss": ISSUER, "sub": "medewerker-17", "aud": "eropaf", "exp": NOW + 300, "iat": NOW, "nonce": "n-1", "amr": ["pwd", "otp"]})
    }

    fn check(token: &str) -> Result<IdClaims, TokenError> {
        let expected = Expected { issuer: ISSUER, client_id: "eropaf", nonce: "n-1", now: OffsetDateTime::from_unix_timestamp(NOW).unwrap_or(OffsetDateTime::UNIX_EPOCH) };
        validate_id_token(token, &[jwk(OTHER_KEY, "old"), jwk(TEST_KEY, "k1")], &expected)
    }

    fn with(change: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut c = claims();
        change(&mut c);
        sign(TEST_KEY, json!({"alg": "RS256", "kid": "k1"}), c)
    }

    #[test]
    fn a_valid_token_gives_subject_and_second_factor() {
        let c = check(&with(|_| {}));
        assert_eq!(c, Ok(IdClaims { sub: "medewerker-17".into(), amr: vec!["pwd".into(), "otp".into()] }));
        assert!(c.is_ok_and(|c| c.second_factor()));
        // Without a key id every published key is tried; a password alone is no second factor.
        let plain = sign(TEST_KEY, json!({"alg": "RS256"}), json!({"iss": ISSUER, "sub": "x", "aud": ["eropaf"], "exp": NOW + 5, "nonce": "n-1", "amr": ["pwd"]}));
        assert!(check(&plain).is_ok_and(|c| !c.second_factor()));
    }

    #[test]
    fn every_check_refuses_what_it_guards() {
        let h = json!({"alg": "RS256", "kid": "k1"});
        assert_eq!(check(&sign(OTHER_KEY, h.clone(), claims())), Err(TokenError::Signature), "signed by another key under k1's id");
        assert_eq!(check(&sign(TEST_KEY, json!({"alg": "RS256", "kid": "k9"}), claims())), Err(TokenError::UnknownKey));
        assert_eq!(check(&with(|c| c["iss"] = json!("https://evil.example"))), Err(TokenError::Issuer));
        assert_eq!(check(&with(|c| c["aud"] = json!("other-app"))), Err(TokenError::Audience));
        assert_eq!(check(&with(|c| c["aud"] = json!(["eropaf", "other-app"]))), Err(TokenError::Audience), "several audiences need azp");
        assert!(check(&with(|c| { c["aud"] = json!(["eropaf", "other-app"]); c["azp"] = json!("eropaf") })).is_ok());
        assert_eq!(check(&with(|c| c["exp"] = json!(NOW - 61))), Err(TokenError::Expired));
        assert!(check(&with(|c| c["exp"] = json!(NOW - 30))).is_ok(), "a minute of clock difference is tolerated");
        assert_eq!(check(&with(|c| c["iat"] = json!(NOW + 3600))), Err(TokenError::IssuedInFuture));
        assert_eq!(check(&with(|c| c["nonce"] = json!("n-2"))), Err(TokenError::Nonce));
        assert_eq!(check(&with(|c| { c.as_object_mut().map(|o| o.remove("nonce")); })), Err(TokenError::Nonce));
        assert_eq!(check(&with(|c| c["sub"] = json!(""))), Err(TokenError::NoSubject));
        // A changed payload under the original signature.
        let token = with(|_| {});
        let forged = with(|c| c["sub"] = json!("beheerder"));
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[1] = forged.split('.').nth(1).unwrap_or_default();
        assert_eq!(check(&parts.join(".")), Err(TokenError::Signature));
        // Algorithm confusion: none, HS256.
        let unsigned = format!("{}.{}.", enc(br#"{"alg":"none"}"#), enc(claims().to_string().as_bytes()));
        assert_eq!(check(&unsigned), Err(TokenError::Algorithm));
        assert_eq!(check(&sign(TEST_KEY, json!({"alg": "HS256", "kid": "k1"}), claims())), Err(TokenError::Algorithm));
        assert_eq!(check("not-a-token"), Err(TokenError::Malformed));
    }

    #[test]
    fn pkce_challenge_is_unpadded_base64url_of_sha256() {
        // Known answer from Python: base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()), "=" removed.
        assert_eq!(code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWjNbIXM"), "HHgV24ScS-C-uKSa2qYeJhW1rZqQlkXm3bfX14ckod0");
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(check_transport("https://login.gemeente.nl/realms/x").is_ok());
        assert!(check_transport("http://127.0.0.1:9400").is_ok());
        assert!(check_transport("http://localhost:9400/oauth2/token").is_ok());
        assert!(check_transport("http://[::1]:9400").is_ok());
        assert!(check_transport("http://login.gemeente.nl").is_err());
        assert!(check_transport("http://127.0.0.1.evil.example/").is_err());
    }
}
