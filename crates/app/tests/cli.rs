//! The `eropaf` binary as a newcomer and scripts use it: `demo` prints one login per role and
//! serves a Dutch login page where each login works; `migrate`, `user add`, `token create/list/revoke` and
//! `serve` on SQLite and on a throwaway PostgreSQL; residents' rights, retention and partner
//! keys.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

#[test]
fn demo_prints_a_working_login_per_role_and_a_second_run_reuses_the_data() {
    let dir = temp_dir("demo");
    let data = dir.to_str().unwrap();
    let server = start(&["demo", "--households", "200", "--seed", "5", "--listen", "127.0.0.1:0", "--data-dir", data]);
    let logins = demo_logins(&server);
    let roles: Vec<&str> = logins.iter().map(|(r, _, _, _)| r.as_str()).collect();
    assert_eq!(roles, ["worker", "team-lead", "partner", "privacy-officer", "admin", "ervaringsdeskundige"]);
    let with_totp: Vec<&str> = logins.iter().filter(|l| l.3.is_some()).map(|(r, _, _, _)| r.as_str()).collect();
    assert_eq!(with_totp, roles, "every role has a second factor, partners too (issue 27, finding 6)");
    assert!(dir.join("eropaf.db").exists(), "the demo database is DATA_DIR/eropaf.db");
    assert_eq!(http(&server.addr, "GET", "/healthz", &[], "").status, 200);
    let page = http(&server.addr, "GET", "/inloggen", &[], "");
    assert!(page.body.contains("<html lang=\"nl\">") && page.body.contains("Inloggen"), "a Dutch login page");
    let expected = ["/mijn-dag", "/mijn-dag", "/partner", "/privacy", "/beheer", "/mijn-huishoudens"];
    for ((role, user, password, totp), landing) in logins.iter().zip(expected) {
        assert_eq!(login_lands_on(&server.addr, user, password, totp.as_deref()), landing, "{role}");
    }
    // `eropaf totp-code` gives the code of the moment for trying the demo without an app.
    let (ok, code, _) = eropaf(&["totp-code", logins[0].3.as_deref().unwrap()], "");
    assert!(ok && code.trim().len() == 6 && code.trim().bytes().all(|b| b.is_ascii_digit()), "{code}");
    drop(server);

    let again = start(&["demo", "--households", "200", "--seed", "5", "--listen", "127.0.0.1:0", "--data-dir", data]);
    assert_eq!(demo_logins(&again), logins, "a second run prints the same logins");
    // (The partner: the others' codes of this half minute are used.)
    let (_, user, password, totp) = &logins[2];
    assert_eq!(login_lands_on(&again.addr, user, password, totp.as_deref()), "/partner");
    drop(again);
    let _ = std::fs::remove_dir_all(dir);
}

fn accounts_tokens_and_serve(url: &str) {
    let (ok, out, _) = eropaf(&["migrate", "--database-url", url], "");
    assert!(ok, "migrate: {out}");
    let (ok, _, err) = eropaf(&["user", "add", "beheerder", "--role", "admin", "--password-stdin", "--database-url", url], "kort\n");
    assert!(!ok && err.contains("minstens 12 tekens"), "a short password is refused: {err}");
    let (ok, _, err) = eropaf(&["user", "add", "beheerder", "--role", "admin", "--password-stdin", "--database-url", url], "Welkom2024!!\n");
    assert!(!ok && err.contains("veelgebruikte of uitgelekte"), "a common password padded to length is refused: {err}");
    let (ok, _, err) = eropaf(&["user", "add", "x", "--role", "root", "--password-stdin", "--database-url", url], "een lang genoeg wachtwoord\n");
    assert!(!ok && err.contains("onbekende rol"), "{err}");
    let (ok, _, err) = eropaf(&["user", "add", "w", "--role", "worker", "--password-stdin", "--database-url", url], "een lang genoeg wachtwoord\n");
    assert!(!ok && err.contains("--team"), "a worker needs a team: {err}");
    let (ok, out, err) = eropaf(&["user", "add", "beheerder", "--role", "admin", "--password-stdin", "--database-url", url], "een lang genoeg wachtwoord\n");
    assert!(ok, "user add: {out}{err}");
    let (ok, _, err) = eropaf(&["user", "add", "beheerder", "--role", "admin", "--password-stdin", "--database-url", url], "een lang genoeg wachtwoord\n");
    assert!(!ok && err.contains("bestaat al"), "{err}");
    let (ok, out, err) = eropaf(&["user", "add", "privacy2", "--role", "privacy-officer", "--totp", "--password-stdin", "--database-url", url], "een lang genoeg wachtwoord\n");
    assert!(ok, "{err}");
    let secret = out.lines().find_map(|l| l.strip_prefix("totp-secret=")).unwrap();
    assert_eq!(web::totp::base32_decode(secret).map(|s| s.len()), Some(20), "a 160-bit secret, printed for tests and enrolment");
    let (ok, token, err) = eropaf(&["token", "create", "beheerder", "--database-url", url], "");
    assert!(ok, "{err}");
    let token = token.trim();
    assert!(token.len() >= 40);

    // Whom the API's clients contact: all three or none, checked before the server starts.
    let (ok, _, err) = eropaf(&["serve", "--database-url", url, "--listen", "127.0.0.1:0", "--api-contact-name", "Beheer"], "");
    assert!(!ok && err.contains("alle drie"), "{err}");
    let (ok, _, err) = eropaf(&["serve", "--database-url", url, "--listen", "127.0.0.1:0", "--api-contact-name", "Beheer", "--api-contact-url", "http://x.example", "--api-contact-email", "a@x.example"], "");
    assert!(!ok && err.contains("api.contact_url"), "{err}");
    let contact = ["--api-contact-name", "Functioneel beheer", "--api-contact-url", "https://gemeente.example/api", "--api-contact-email", "api@gemeente.example"];
    let server = start(&[&["serve", "--database-url", url, "--listen", "127.0.0.1:0"][..], &contact].concat());
    assert_eq!(http(&server.addr, "GET", "/healthz", &[], "").status, 200);
    let doc = http(&server.addr, "GET", "/api/v1/openapi.json", &[], "");
    assert!(doc.body.contains(r#""contact":{"email":"api@gemeente.example","name":"Functioneel beheer","url":"https://gemeente.example/api"}"#), "{}", &doc.body[..300.min(doc.body.len())]);
    let me = http(&server.addr, "GET", "/api/v1/me", &[("Authorization", &format!("Bearer {token}"))], "");
    assert_eq!(me.status, 200);
    assert!(me.body.contains("\"role\":\"admin\"") && me.body.contains("\"username\":\"beheerder\""), "{}", me.body);
    assert_eq!(http(&server.addr, "GET", "/api/v1/me", &[("Authorization", "Bearer wrong")], "").status, 401);
    // An administrator sees personal data (accounts), so logs in with a second factor only:
    // without one, the password leads to its enrolment (issue 20), not in.
    let enrolling = submit_password(&server.addr, "beheerder", "een%20lang%20genoeg%20wachtwoord");
    assert_eq!((enrolling.status, enrolling.header("location")), (303, Some("/inloggen/code")), "no second factor set up yet");
    let pending = format!("__Host-eropaf-session={}", enrolling.cookie("__Host-eropaf-session").unwrap());
    assert_eq!(http(&server.addr, "GET", "/beheer", &[("Cookie", &pending)], "").status, 303, "not in before the code");
    assert!(http(&server.addr, "GET", "/inloggen/code", &[("Cookie", &pending)], "").body.contains("Stel uw tweede factor in"));
    let (ok, out, err) = eropaf(&["user", "totp", "beheerder", "--database-url", url], "");
    assert!(ok, "{err}");
    let secret = out.trim().strip_prefix("totp-secret=").unwrap().to_string();
    assert_eq!(login_lands_on(&server.addr, "beheerder", "een%20lang%20genoeg%20wachtwoord", Some(&secret)), "/beheer");
    let (ok, out, err) = eropaf(&["audit", "verify", "--database-url", url], "");
    assert!(ok && out.contains("auditketen intact"), "{out}{err}");
    // Residents' rights are the privacy officer's: an administrator is refused.
    let (ok, _, err) = eropaf(&["resident", "export", "--household", "1", "--as", "beheerder", "--database-url", url], "");
    assert!(!ok && err.contains("alleen een privacyfunctionaris"), "{err}");
    // Blocking an account stops its token at once, on the running server; unblocking restores it.
    let (ok, out, err) = eropaf(&["user", "disable", "beheerder", "--database-url", url], "");
    assert!(ok && out.contains("geblokkeerd"), "{out}{err}");
    assert_eq!(http(&server.addr, "GET", "/api/v1/me", &[("Authorization", &format!("Bearer {token}"))], "").status, 401);
    let (ok, _, err) = eropaf(&["user", "enable", "beheerder", "--database-url", url], "");
    assert!(ok, "{err}");
    assert_eq!(http(&server.addr, "GET", "/api/v1/me", &[("Authorization", &format!("Bearer {token}"))], "").status, 200);
    // Tokens carry a name and an expiry, are listed without the secret, and can be revoked.
    let (ok, _, err) = eropaf(&["token", "create", "beheerder", "--days", "400", "--database-url", url], "");
    assert!(!ok && err.contains("1 tot 365 dagen"), "{err}");
    let (ok, second, err) = eropaf(&["token", "create", "beheerder", "--name", "rapportage", "--days", "30", "--database-url", url], "");
    assert!(ok && err.contains("geldig tot"), "{err}");
    let second = second.trim().to_string();
    let (ok, out, err) = eropaf(&["token", "list", "--database-url", url], "");
    assert!(ok, "{err}");
    let line = out.lines().find(|l| l.contains("rapportage")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("beheerder") && line.contains("geldig tot") && line.contains("actief") && !out.contains(&second), "{out}");
    let id = line.split('\t').next().unwrap();
    let (ok, out, err) = eropaf(&["token", "revoke", id, "--database-url", url], "");
    assert!(ok && out.contains("ingetrokken"), "{out}{err}");
    assert_eq!(http(&server.addr, "GET", "/api/v1/me", &[("Authorization", &format!("Bearer {second}"))], "").status, 401);
    assert_eq!(http(&server.addr, "GET", "/api/v1/me", &[("Authorization", &format!("Bearer {token}"))], "").status, 200, "the other token still works");
    let (ok, _, err) = eropaf(&["token", "revoke", "999999", "--database-url", url], "");
    assert!(!ok && err.contains("bestaat niet"), "{err}");
    let (ok, _, err) = eropaf(&["user", "disable", "niemand", "--database-url", url], "");
    assert!(!ok && err.contains("bestaat niet"), "{err}");
    // A password reset without a screen: a one-time code on stdout, redeemed on the login page;
    // the old password stops working.
    let (ok, _, err) = eropaf(&["user", "reset-password", "niemand", "--database-url", url], "");
    assert!(!ok && err.contains("bestaat niet"), "{err}");
    let (ok, code, err) = eropaf(&["user", "reset-password", "beheerder", "--database-url", url], "");
    assert!(ok && err.contains("eenmalig geldig tot"), "{err}");
    let code = code.trim().to_string();
    assert_eq!((code.len(), code.matches('-').count()), (14, 2), "{code}");
    let page = http(&server.addr, "GET", "/inloggen/herstellen", &[], "");
    let cookie = format!("__Host-eropaf-login={}", page.cookie("__Host-eropaf-login").unwrap());
    let form = format!("gebruikersnaam=beheerder&code={code}&wachtwoord=de%20fiets%20staat%20bij%20de%20molen&herhaling=de%20fiets%20staat%20bij%20de%20molen&csrf={}", hidden(&page.body, "csrf"));
    let set = http(&server.addr, "POST", "/inloggen/herstellen", &[("Cookie", &cookie), ("Content-Type", "application/x-www-form-urlencoded")], &form);
    assert_eq!((set.status, set.header("location")), (303, Some("/inloggen?hersteld=ja")), "{}", set.body);
    assert_eq!(submit_password(&server.addr, "beheerder", "een%20lang%20genoeg%20wachtwoord").status, 401, "the old password no longer works");
    assert_eq!(login_lands_on(&server.addr, "beheerder", "de%20fiets%20staat%20bij%20de%20molen", Some(&secret)), "/beheer");
    let set = http(&server.addr, "POST", "/inloggen/herstellen", &[("Cookie", &cookie), ("Content-Type", "application/x-www-form-urlencoded")], &form);
    assert_eq!(set.status, 401, "the code works once");

    // OpenID Connect: one subject per account, refused for a second; unbinding frees it.
    let (ok, out, err) = eropaf(&["user", "oidc", "beheerder", "idp-beheer", "--database-url", url], "");
    assert!(ok && out.contains("gekoppeld"), "{out}{err}");
    let (ok, _, err) = eropaf(&["user", "oidc", "privacy2", "idp-beheer", "--database-url", url], "");
    assert!(!ok && err.contains("al aan een ander account gekoppeld"), "{err}");
    let (ok, _, err) = eropaf(&["user", "oidc", "beheerder", "--remove", "--database-url", url], "");
    assert!(ok, "{err}");
    let (ok, _, err) = eropaf(&["user", "oidc", "privacy2", "idp-beheer", "--database-url", url], "");
    assert!(ok, "{err}");
    // A server with a provider that is misconfigured does not start, and says why.
    let serve = ["serve", "--database-url", url, "--listen", "127.0.0.1:0", "--oidc-issuer"];
    let (ok, _, err) = eropaf(&[&serve[..], &["http://127.0.0.1:9"]].concat(), "");
    assert!(!ok && err.contains("--oidc-client-secret"), "{err}");
    let (ok, _, err) = eropaf(&[&serve[..], &["http://login.gemeente.example", "--oidc-client-secret", "s"]].concat(), "");
    assert!(!ok && err.contains("not https"), "plain http to another machine is refused: {err}");
    let (ok, _, err) = eropaf(&[&serve[..], &["http://127.0.0.1:9", "--oidc-client-secret", "s"]].concat(), "");
    assert!(!ok && err.contains("OpenID Connect") && err.contains("unreachable"), "{err}");
}

#[test]
fn access_request_and_erasure_on_the_demo_database() {
    let dir = temp_dir("rights");
    let data = dir.to_str().unwrap();
    let server = start(&["demo", "--households", "150", "--seed", "9", "--listen", "127.0.0.1:0", "--data-dir", data]);
    drop(server);
    let url = format!("sqlite://{}", dir.join("eropaf.db").display());
    // One resident's own export: their person record only.
    let (ok, out, err) = eropaf(&["resident", "export", "--person", "3", "--as", "privacy", "--database-url", &url], "");
    assert!(ok, "{err}");
    let export: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(export["person_id"], 3);
    assert_eq!(export["persons"].as_array().unwrap().len(), 1);
    assert_eq!(export["accesses"].as_array().unwrap().last().unwrap()["event"], "person.export");
    let household = export["household_id"].as_i64().unwrap().to_string();
    // The household asking together needs every adult's consent.
    let (ok, _, err) = eropaf(&["resident", "export", "--household", &household, "--as", "privacy", "--database-url", &url], "");
    assert!(!ok && err.contains("Toestemming") && err.contains("Consent"), "{err}");
    let (ok, _, err) = eropaf(&["resident", "erase", "--person", "3", "--as", "privacy", "--reason", " ", "--database-url", &url], "");
    assert!(!ok && err.contains("Reden"), "{err}");
    let (ok, out, err) = eropaf(&["resident", "erase", "--person", "3", "--as", "privacy", "--reason", "verzoek bewoner", "--database-url", &url], "");
    if ok {
        assert!(out.contains("gewist") && out.contains("huisgenoten blijven"));
        let (ok, _, err) = eropaf(&["resident", "export", "--person", "3", "--as", "privacy", "--database-url", &url], "");
        assert!(!ok && err.contains("bestaat niet"), "{err}");
    } else {
        assert!(err.contains("traject") || err.contains("signaalzaak"), "only help under way stops erasure: {err}");
    }
    let (ok, out, err) = eropaf(&["resident", "erase", "--household", "2", "--as", "privacy", "--reason", "verzoek bewoner", "--database-url", &url], "");
    if ok {
        assert!(out.contains("gewist"));
        let (ok, _, err) = eropaf(&["resident", "export", "--household", "2", "--as", "privacy", "--database-url", &url], "");
        assert!(!ok && err.contains("bestaat niet"), "{err}");
    } else {
        assert!(err.contains("traject"), "only an open case stops erasure: {err}");
    }
    let (ok, out, _) = eropaf(&["audit", "verify", "--database-url", &url], "");
    assert!(ok && out.contains("intact"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn accounts_tokens_and_serve_on_sqlite() {
    let dir = temp_dir("accounts");
    accounts_tokens_and_serve(&format!("sqlite://{}", dir.join("nieuw/eropaf.db").display()));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn accounts_tokens_and_serve_on_postgres() {
    let url = store::testing::shared().unwrap().new_unique_database("cli").unwrap();
    accounts_tokens_and_serve(&url);
}

/// `eropaf retention purge` runs the purge job once and says what it removed; `eropaf register`
/// prints the processing register with the configured terms; a term of 0 days is refused.
#[test]
fn retention_purge_and_the_processing_register() {
    let dir = temp_dir("retention");
    let url = format!("sqlite://{}", dir.join("eropaf.db").display());
    let (ok, out, err) = eropaf(&["retention", "purge", "--database-url", &url], "");
    assert!(ok, "{err}");
    assert!(out.starts_with("opgeschoond: 0 trajecten, 0 signalen, 0 contactpogingen"), "{out}");
    let (ok, out, err) = eropaf(&["register", "--signal-days", "90"], "");
    assert!(ok, "{err}");
    assert!(out.starts_with("# Verwerkingsregister Eropaf (AVG art. 30)") && out.contains("90 dagen na de signaaldatum") && out.contains("## Auditspoor"), "{out}");
    let (ok, _, err) = eropaf(&["retention", "purge", "--case-days", "0", "--database-url", &url], "");
    assert!(!ok && err.contains("minstens 1 dag"), "{err}");
}

/// `eropaf partner add` and `eropaf partner key` as a municipality's administrator uses them: the
/// key is a bearer token for the partner's service account, and a new key retires the old one at
/// once, on a running server.
#[test]
fn partner_keys_work_on_a_running_server_and_a_new_key_retires_the_old_one() {
    let dir = temp_dir("partner");
    let url = format!("sqlite://{}", dir.join("eropaf.db").display());
    let (ok, out, err) = eropaf(&["partner", "add", "Woonstede Noord", "--type", "huur", "--database-url", &url], "");
    assert!(ok, "{err}");
    assert!(out.starts_with("partner Woonstede Noord toegevoegd (id ") && out.contains("type huur"), "{out}");
    let (ok, _, err) = eropaf(&["partner", "add", "Woonstede Noord", "--type", "huur", "--database-url", &url], "");
    assert!(!ok && err.contains("bestaat al"), "{err}");
    let (ok, _, err) = eropaf(&["partner", "add", "Bakkerij", "--type", "bakker", "--database-url", &url], "");
    assert!(!ok && err.contains("onbekend type 'bakker'") && err.contains("huur"), "{err}");
    let (ok, _, err) = eropaf(&["partner", "key", "Niemand", "--database-url", &url], "");
    assert!(!ok && err.contains("bestaat niet"), "{err}");

    let (ok, first, err) = eropaf(&["partner", "key", "Woonstede Noord", "--database-url", &url], "");
    assert!(ok, "{err}");
    let first = first.trim().to_string();
    assert!(first.len() >= 40 && !first.contains(char::is_whitespace), "one key on stdout: {first:?}");

    let server = start(&["serve", "--database-url", &url, "--listen", "127.0.0.1:0"]);
    let me = |key: &str| http(&server.addr, "GET", "/api/v1/me", &[("Authorization", &format!("Bearer {key}"))], "");
    let res = me(&first);
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.body.contains("\"role\":\"partner\""), "the key acts as the partner's service account: {}", res.body);

    let (ok, second, err) = eropaf(&["partner", "key", "Woonstede Noord", "--database-url", &url], "");
    assert!(ok, "{err}");
    let second = second.trim().to_string();
    assert_ne!(second, first);
    assert_eq!(me(&first).status, 401, "the earlier key stops working at once");
    let res = me(&second);
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.body.contains("\"role\":\"partner\""), "{}", res.body);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

/// `--pickup-days` reaches "mijn dag": the same signals, served with a pickup term of 5 days
/// instead of the default 28, are due 23 days earlier (crisis signals keep their own term).
/// Before the store held its policies, "mijn dag" computed deadlines with the default terms.
#[test]
fn pickup_days_set_on_serve_are_the_deadlines_on_my_day() {
    let dir = temp_dir("pickup");
    let data = dir.to_str().unwrap();
    let demo = start(&["demo", "--households", "150", "--seed", "9", "--listen", "127.0.0.1:0", "--data-dir", data]);
    let logins = demo_logins(&demo);
    drop(demo);
    let (_, user, password, totp) = logins.iter().find(|(role, ..)| role == "worker").unwrap().clone();
    let url = format!("sqlite://{}", dir.join("eropaf.db").display());
    let deadlines = |extra: &[&str]| -> Vec<time::Date> {
        let server = start(&[&["serve", "--database-url", &url, "--listen", "127.0.0.1:0"][..], extra].concat());
        let session = login(&server.addr, &user, &password, totp.as_deref());
        let page = http(&server.addr, "GET", "/mijn-dag", &[("Cookie", &session)], "");
        assert_eq!(page.status, 200);
        let body = &page.body;
        let table = body.split("id=\"kop-signalen\"").nth(1).and_then(|s| s.split("</table>").next()).unwrap_or("");
        let format = time::macros::format_description!("[day]-[month]-[year]");
        table
            .split("<tr class=\"utrecht-table__row\">")
            .filter_map(|row| row.split("<td class=\"utrecht-table__cell\">").nth(1))
            .filter(|cell| !cell.contains("Crisis"))
            .map(|cell| time::Date::parse(cell.split('<').next().unwrap().trim(), &format).unwrap())
            .collect()
    };
    let default = deadlines(&[]);
    let short = deadlines(&["--pickup-days", "5"]);
    assert!(!default.is_empty(), "the demo town has signals to pick up");
    assert_eq!(default.len(), short.len());
    for (d, s) in default.iter().zip(&short) {
        assert_eq!(*d - *s, time::Duration::days(23), "deadline {d} with 28 days, {s} with 5");
    }
    let _ = std::fs::remove_dir_all(dir);
}
