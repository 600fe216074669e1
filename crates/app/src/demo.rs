//! `eropaf demo`: a synthetic municipality in DATA_DIR/eropaf.db or `--database-url` (made once,
//! reused after), one login per role printed as `demo-login role=ROLE user=NAME password=PASSWORD
//! [totp-secret=BASE32]`: every role that sees personal data logs in with a second factor
//! (`eropaf totp-code BASE32` prints the current code, or add the secret to an authenticator app).

use domain::model::{PartnerType, Role};
use std::path::Path;
use store::{NewUser, Store};
use time::OffsetDateTime;

const LOGINS_FILE: &str = "demo-logins.txt";

/// How big the demo town is: its households and any earlier contact attempts to add.
pub struct Size {
    pub households: usize,
    pub contact_history: usize,
}

pub async fn run(size: Size, seed: u64, listen: &str, data_dir: &Path, database_url: Option<&str>, oidc: &crate::cli::OidcArgs, ops: &crate::cli::OpsArgs) -> Result<(), String> {
    std::fs::create_dir_all(data_dir).map_err(|e| format!("kan map {} niet maken: {e}", data_dir.display()))?;
    let url = database_url.map_or_else(|| format!("sqlite://{}", data_dir.join("eropaf.db").display()), String::from);
    let store = crate::connect_migrated(&url).await?;
    let logins_path = data_dir.join(LOGINS_FILE);
    let counts = store.counts().await.map_err(|e| e.to_string())?;
    let logins = if counts.households == 0 {
        let now = OffsetDateTime::now_utc();
        let started = std::time::Instant::now();
        let mut municipality = synth::generate(&synth::Config { households: size.households, seed, today: now.date() });
        synth::add_contact_history(&mut municipality, size.contact_history, seed, now.date());
        let generated = started.elapsed();
        store.load_municipality(&municipality, now).await.map_err(|e| format!("demo-gegevens laden mislukt: {e}"))?;
        eprintln!(
            "synthetische gemeente: {} huishoudens, {} bewoners, {} signalen, {} contactpogingen (gemaakt in {:.1} s, geladen in {:.1} s)",
            municipality.households.len(),
            municipality.persons.len(),
            municipality.signals.len(),
            municipality.contact_attempts.len(),
            generated.as_secs_f64(),
            (started.elapsed() - generated).as_secs_f64()
        );
        let logins = create_logins(&store, now).await?;
        seed_intake(&store, &municipality, now).await?;
        seed_follow_through(&store, &municipality, now).await?;
        seed_cases(&store, &municipality, now).await?;
        let (worker, wijk) = demo_worker(&store, &municipality).await?;
        crate::demo_outreach::seed(&store, &municipality, &worker, &wijk, now).await?;
        // Last, so the seeds above never pick the experience expert as a walker or who goes.
        let mut logins = logins;
        logins.push(expert_login(&store, &worker, now).await?);
        write_logins(&logins_path, &logins)?;
        logins
    } else {
        read_logins(&logins_path)?
    };
    for l in &logins {
        let totp = l.totp.as_deref().map(|s| format!(" totp-secret={s}")).unwrap_or_default();
        println!("demo-login role={} user={} password={}{totp}", l.role, l.user, l.password);
    }
    // The demo is a fixed snapshot: no daily purge (run `eropaf retention purge` to see it work).
    crate::serve(store, listen, oidc, ops).await
}

/// One demo account: its role, name, password and, for roles that need one, TOTP secret.
#[derive(Debug, Clone, PartialEq)]
struct Login {
    role: String,
    user: String,
    password: String,
    totp: Option<String>,
}

async fn create_logins(store: &Store, now: OffsetDateTime) -> Result<Vec<Login>, String> {
    let err = |e: store::StoreError| e.to_string();
    let mut logins = Vec::new();
    let mut set = |role: Role, username: String| {
        let password = web::auth::random_token()[..20].to_string();
        let totp = role.needs_second_factor().then(web::totp::new_secret);
        logins.push(Login { role: role.code().to_string(), user: username, password, totp });
    };
    // The worker with the most planned contacts, so "mijn dag" shows work; their team's lead.
    let worker_id = store.busiest_worker().await.map_err(err)?.ok_or("de synthetische gemeente heeft geen werkers")?;
    let worker = store.user_by_id(worker_id).await.map_err(err)?.ok_or("werker ontbreekt")?;
    let lead = store
        .users_with_role(Role::TeamLead)
        .await
        .map_err(err)?
        .into_iter()
        .find(|u| u.team_id == worker.team_id)
        .ok_or("het team van de werker heeft geen teamleider")?;
    set(Role::Worker, worker.username.clone());
    set(Role::TeamLead, lead.username.clone());
    let (partner_id, _) = store.partner_of_type(PartnerType::Huur).await.map_err(err)?.ok_or("geen woningcorporatie in de demo")?;
    for (role, username, display, partner) in [
        (Role::Partner, "woonstichting", "Medewerker woningcorporatie", Some(partner_id)),
        (Role::PrivacyOfficer, "privacy", "Privacyfunctionaris", None),
        (Role::Admin, "beheer", "Functioneel beheerder", None),
    ] {
        let new = NewUser { username: username.into(), display_name: display.into(), role, team_id: None, partner_id: partner, models: Vec::new() };
        store.create_user(&new, None, now).await.map_err(err)?;
        set(role, username.into());
    }
    for l in &logins {
        let user = store.user_by_username(&l.user).await.map_err(err)?.ok_or("demo-gebruiker ontbreekt")?;
        let hash = web::auth::hash_password(&l.password).map_err(|e| e.to_string())?;
        store.set_password_hash(user.id, &hash).await.map_err(err)?;
        store.set_totp_secret(user.id, l.totp.as_deref()).await.map_err(err)?;
    }
    Ok(logins)
}

/// An experience expert in the demo worker's team, assigned to no household yet: the team lead
/// or the case's worker assigns one on the household's page.
async fn expert_login(store: &Store, worker: &store::User, now: OffsetDateTime) -> Result<Login, String> {
    let err = |e: store::StoreError| e.to_string();
    let new = NewUser { username: "ervaring".into(), display_name: "Esther Ervaring".into(), role: Role::ExperienceExpert, team_id: worker.team_id, partner_id: None, models: Vec::new() };
    let id = store.create_user(&new, None, now).await.map_err(err)?;
    let login = Login { role: Role::ExperienceExpert.code().to_string(), user: new.username.clone(), password: web::auth::random_token()[..20].to_string(), totp: Some(web::totp::new_secret()) };
    let hash = web::auth::hash_password(&login.password).map_err(|e| e.to_string())?;
    store.set_password_hash(id, &hash).await.map_err(err)?;
    store.set_totp_secret(id, login.totp.as_deref()).await.map_err(err)?;
    Ok(login)
}

/// Signals that came in today through the real intake path, so the demo shows every state of
/// linking: attached automatically, waiting for review (a stranger at a known address, a
/// resident reported with another initial and no birth date), and a new household at an
/// address the registry did not know.
async fn seed_intake(store: &Store, m: &synth::Municipality, now: OffsetDateTime) -> Result<(), String> {
    use std::sync::RwLock;
    let err = |e: store::StoreError| e.to_string();
    let partner = store.user_by_username("woonstichting").await.map_err(err)?.ok_or("demo-partner ontbreekt")?;
    let partner_id = partner.partner_id.ok_or("demo-partner zonder organisatie")?;
    let (_, wijk) = demo_worker(store, m).await?;
    let linker = RwLock::new(store.linker(store::linking::LinkPolicy::default(), now).await.map_err(err)?);
    let actor = partner.actor();
    let access = store::Access { actor: &actor, route: "eropaf demo", now };
    let source = store::signals::Source::Partner { partner_id, channel: domain::model::SignalChannel::Api };
    let addresses: std::collections::HashMap<i64, &domain::model::Address> = m.addresses.iter().map(|a| (a.id, a)).collect();
    let household_address: std::collections::HashMap<i64, i64> = m.households.iter().map(|h| (h.id, h.address_id)).collect();
    let address_of = |p: &domain::model::Person| household_address.get(&p.household_id).and_then(|a| addresses.get(a)).copied();
    let in_area: Vec<&domain::model::Person> = m.persons.iter().filter(|p| address_of(p).is_some_and(|a| a.buurt.parent().as_ref() == Some(&wijk))).collect();
    for (i, p) in in_area.iter().step_by(in_area.len().max(24) / 24).take(24).enumerate() {
        let Some(a) = address_of(p) else { continue };
        let mut f: std::collections::HashMap<&str, String> = [
            ("signaalpartner_type", "Huur".to_string()),
            // Some came in weeks ago, so the pickup clock shows cases due soon and overdue.
            ("signaaldatum", store::time_fmt::date(now.date() - time::Duration::days([0, 24, 35][i % 3]))),
            ("bedrag", (300 + 47 * i).to_string()),
            ("crisissignaal", if i % 7 == 0 { "ja" } else { "nee" }.to_string()),
            ("voorletters", p.name.initials.clone()),
            ("voorvoegsel", p.name.prefix.clone()),
            ("achternaam", p.name.surname.clone()),
            ("geboortedatum", store::time_fmt::date(p.birth_date)),
            ("straatnaam", a.street.clone()),
            ("huisnummer", a.house_number.to_string()),
            ("postcode", a.postcode.as_str().to_string()),
            ("plaatsnaam", a.locality.clone()),
        ]
        .into_iter()
        .collect();
        match i % 4 {
            // A stranger at a known address.
            1 => {
                f.insert("achternaam", "Zwanenburg-Oosterhuis".into());
                f.insert("voorletters", "R.".into());
                f.insert("geboortedatum", String::new());
            }
            // Another initial, no birth date.
            2 => {
                f.insert("voorletters", "Q.".into());
                f.insert("geboortedatum", String::new());
            }
            // Someone new at an address the registry does not know yet.
            3 => {
                f.insert("huisnummer", (a.house_number.number + 900).to_string());
                f.insert("achternaam", ["Nieuwenhuis", "Oudejans", "Verbeek-Lammers", "Doornbos", "Koopmans", "Wijnands"][(i / 4) % 6].into());
                f.insert("voorletters", "S.".into());
                f.insert("geboortedatum", format!("{}-05-17", 1960 + 4 * (i / 4)));
            }
            _ => {}
        }
        let get = |k: &str| f.get(k).cloned();
        let Ok(signal) = domain::signal::parse_signal(&get, None, now.date()) else { continue };
        store.intake_signal(&access, &linker, &source, &signal).await.map_err(err)?;
    }
    Ok(())
}

/// The demo worker's persistence at work (issue 5): households of the team's open cases with a
/// failed attempt, whose proposal is still to come, or has passed (out of view), and one where
/// six attempts in a row failed (on the team lead's case-discussion list).
async fn seed_follow_through(store: &Store, m: &synth::Municipality, now: OffsetDateTime) -> Result<(), String> {
    use domain::model::{ContactKind, ContactOutcome};
    let err = |e: store::StoreError| e.to_string();
    let (worker, wijk) = demo_worker(store, m).await?;
    let in_area = |household_id: i64| {
        m.households.iter().find(|h| h.id == household_id).is_some_and(|h| m.addresses.get((h.address_id - 1) as usize).is_some_and(|a| a.buurt.parent().as_ref() == Some(&wijk)))
    };
    // The team's open cases, those with the oldest contact history first, so the demo's
    // attempts come after it and tell the story.
    let mut latest: std::collections::HashMap<i64, OffsetDateTime> = std::collections::HashMap::new();
    for a in &m.contact_attempts {
        let e = latest.entry(a.household_id).or_insert(a.at);
        *e = (*e).max(a.at);
    }
    // Open cases, and signal cases the team has not closed (with their opening as the earliest
    // moment an attempt can have been made).
    let opened = |h: i64| m.signal_cases.iter().filter(|c| c.household_id == h).map(|c| c.opened_at).min();
    let worked_with = m
        .cases
        .iter()
        .filter(|c| c.closed.is_none())
        .map(|c| c.household_id)
        .chain(m.signal_cases.iter().filter(|c| c.stage != domain::model::CaseStage::Afgesloten && c.decision.is_none_or(|d| d == domain::model::Decision::Gaan)).map(|c| c.household_id));
    let mut households: Vec<(Option<OffsetDateTime>, i64)> =
        worked_with.filter(|h| in_area(*h)).map(|h| (latest.get(&h).copied().max(opened(h)), h)).collect();
    households.sort_unstable();
    households.dedup();
    let actor = worker.actor();
    let access = store::Access { actor: &actor, route: "eropaf demo", now };
    let at = |days: i64, hour: u8| (now - time::Duration::days(days)).replace_time(time::Time::from_hms(hour, 0, 0).unwrap_or(time::Time::MIDNIGHT));
    let log = |household_id: i64, at: OffsetDateTime, kind: ContactKind| store::contact::NewAttempt { household_id, kind, at, day_part: None, outcome: ContactOutcome::NietThuis, note: None, crisis_reason: None };
    // Where a signal case still waits for its weighing (or for the decision to go), the
    // weighing gate allows no home visit yet: the team calls instead (asked of the store, which
    // also knows the cases the intake above opened).
    let visit_or_call = |h: i64, kind: ContactKind| {
        let access = &access;
        async move {
            let waits = store.next_contact(access, h).await.map_err(err)?.is_some_and(|n| n.awaits_weighing);
            Ok::<_, String>(if kind == ContactKind::Huisbezoek && waits { ContactKind::Telefoon } else { kind })
        }
    };
    let before = |last: Option<OffsetDateTime>, days: i64| last.is_none_or(|l| l < at(days, 0));
    let mut chosen = households.into_iter();
    // Six failures in a row over the last weeks: the team discusses it.
    if let Some((_, h)) = chosen.by_ref().find(|(last, _)| before(*last, 26)) {
        let kinds = [ContactKind::Huisbezoek, ContactKind::Huisbezoek, ContactKind::Telefoon, ContactKind::Telefoon, ContactKind::SmsWhatsapp, ContactKind::Brief];
        for (n, kind) in kinds.into_iter().enumerate() {
            let kind = visit_or_call(h, kind).await?;
            store.log_contact_attempt(&access, &log(h, at(25 - 4 * n as i64, [10, 19, 14][n % 3]), kind)).await.map_err(err)?;
        }
    }
    // Not home four days ago; the proposed next try has passed: out of view.
    for (_, h) in chosen.by_ref().filter(|(last, _)| before(*last, 5)).take(3).collect::<Vec<_>>() {
        let kind = visit_or_call(h, ContactKind::Huisbezoek).await?;
        store.log_contact_attempt(&access, &log(h, at(4, 10), kind)).await.map_err(err)?;
    }
    // Language and cultural notes, read in the first-visit brief.
    let notes = [
        ("Arabisch", true, false, "Man en vrouw samen spreken; vrouwelijke werker heeft de voorkeur"),
        ("Pools", false, false, "Werkt in ploegendienst: 's avonds of in het weekend thuis"),
        ("Turks", false, true, "Eerst de oudste zoon bellen, hij regelt de post"),
        ("Tigrinya", true, true, "Via de sleutelfiguur van de Eritrese gemeenschap"),
    ];
    let decided: Vec<i64> = m.signal_cases.iter().filter(|c| c.decision == Some(domain::model::Decision::Gaan) && in_area(c.household_id)).map(|c| c.household_id).collect();
    for (h, (language, interpreter, network, note)) in decided.iter().zip(notes) {
        let notes = store::contact::LanguageNotes { preferred_language: Some(language.into()), interpreter_needed: interpreter, network_approach: network, culture_note: Some(note.into()) };
        store.set_language_notes(&access, *h, &notes).await.map_err(err)?;
    }
    // Not home yesterday: the next attempt is proposed for the coming days.
    for (_, h) in chosen.filter(|(last, _)| before(*last, 2)).take(3).collect::<Vec<_>>() {
        let kind = visit_or_call(h, ContactKind::Huisbezoek).await?;
        store.log_contact_attempt(&access, &log(h, at(1, 11), kind)).await.map_err(err)?;
    }
    Ok(())
}

/// The demo worker's case work (issue 5): cases with goals in the resident's words, steps,
/// practical help, a ZRM history and a network; referrals that stalled (on "mijn dag"), one
/// whose check is due, and one where help started.
async fn seed_cases(store: &Store, m: &synth::Municipality, now: OffsetDateTime) -> Result<(), String> {
    use domain::case::{CheckOutcome, NetworkRole, Phase, ReferralTarget, ZrmDomain as D, ZrmScore as S};
    use domain::model::OutreachModel;
    use store::cases::{CaseChange, NewCase, NewMember, NewReferral};
    let err = |e: store::StoreError| e.to_string();
    let (worker, wijk) = demo_worker(store, m).await?;
    let in_area = |h: &domain::model::Household| m.addresses.get((h.address_id - 1) as usize).is_some_and(|a| a.buurt.parent().as_ref() == Some(&wijk));
    let actor = worker.actor();
    let access = store::Access { actor: &actor, route: "eropaf demo", now };
    let today = now.date();
    let day = |n: i64| today - time::Duration::days(n);
    // Households of the team with someone in them and no open case yet (an open case of the
    // synthetic history is used as it is).
    let mut cases = Vec::new();
    for h in m.households.iter().filter(|h| in_area(h) && m.persons.iter().any(|p| p.household_id == h.id)) {
        if cases.len() == 3 {
            break;
        }
        if m.cases.iter().any(|c| c.household_id == h.id && c.closed.is_none()) {
            continue;
        }
        let new = NewCase { household_id: h.id, opened: day(120), models: vec![OutreachModel::Hulp, OutreachModel::Presentie], domains: vec![], goal: None };
        let domains = [vec![D::Financien, D::Huisvesting, D::SociaalNetwerk, D::GeestelijkeGezondheid], vec![D::Financien, D::Tijdsbesteding], vec![D::Huisvesting, D::SociaalNetwerk]];
        let new = NewCase { domains: domains[cases.len()].clone(), ..new };
        cases.push((h.id, store.open_case(&access, &new).await.map_err(err)?));
    }
    let goals: [&[&str]; 3] = [
        &["Ik wil weer rustig slapen zonder brieven van de deurwaarder", "Dat mijn zoon weer naar school gaat"],
        &["Ik wil overdag iets te doen hebben"],
        &["Een huis zonder schimmel"],
    ];
    let zrm: [&[(D, [S; 3])]; 3] = [
        &[
            (D::Financien, [S::Acuut, S::NietZelfredzaam, S::Beperkt]),
            (D::Huisvesting, [S::NietZelfredzaam, S::Beperkt, S::Beperkt]),
            (D::SociaalNetwerk, [S::NietZelfredzaam, S::NietZelfredzaam, S::Beperkt]),
            (D::GeestelijkeGezondheid, [S::Beperkt, S::Beperkt, S::Voldoende]),
        ],
        &[(D::Financien, [S::NietZelfredzaam, S::NietZelfredzaam, S::Beperkt]), (D::Tijdsbesteding, [S::Acuut, S::NietZelfredzaam, S::NietZelfredzaam])],
        &[(D::Huisvesting, [S::NietZelfredzaam, S::Beperkt, S::Voldoende]), (D::SociaalNetwerk, [S::Beperkt, S::Beperkt, S::Beperkt])],
    ];
    for (n, (household_id, case_id)) in cases.iter().copied().enumerate() {
        let mut changes: Vec<CaseChange<'static>> = goals[n].iter().map(|words| CaseChange::Goal { words }).collect();
        changes.extend([
            CaseChange::Phase { phase: [Phase::Actief, Phase::Vertrouwen, Phase::Afbouwen][n], lasting_contact: n == 2 },
            CaseChange::Step { what: "Samen de post openen en sorteren", who: "Bewoner en werker", due_on: today },
            CaseChange::Step { what: "Bellen met de woningcorporatie over een regeling", who: "Bewoner", due_on: today + time::Duration::days(7) },
            CaseChange::Help { what: "Voedselbankpakket opgehaald en meegenomen", on: day(60) },
        ]);
        for change in &changes {
            store.change_case(&access, case_id, change).await.map_err(err)?;
        }
        let first_step = store.case_file(&access, case_id).await.map_err(err)?.steps[0].id;
        store.change_case(&access, case_id, &CaseChange::StepDone { step_id: first_step, on: today }).await.map_err(err)?;
        for (i, when) in [day(110), day(60), day(3)].into_iter().enumerate() {
            let scores: Vec<(D, S)> = zrm[n].iter().map(|(d, s)| (*d, s[i])).collect();
            store.record_zrm(&access, case_id, when, &scores).await.map_err(err)?;
        }
        let network: &[(NetworkRole, &str, &str, &str)] = match n {
            0 => &[
                (NetworkRole::Familie, "Fatima (zus)", "Komt elke zondag", "Via de bewoner"),
                (NetworkRole::Buur, "Mevrouw Jansen", "Buurvrouw, haalt boodschappen", "Nummer 14"),
                (NetworkRole::Professional, "Schuldhulpconsulent", "Kredietbank", "Via het wijkteam"),
                (NetworkRole::Ervaringsdeskundige, "Ervaringsdeskundige schulden", "Loopt mee naar afspraken", "Wijkcentrum, dinsdag"),
            ],
            _ => &[(NetworkRole::Sleutelfiguur, "Imam van de buurtmoskee", "Kent de familie", "Vrijdag na het gebed")],
        };
        for (role, name, relation, reach) in network {
            let member = NewMember { role: *role, name, relation: Some(relation), reach: Some(reach) };
            store.add_network_member(&access, household_id, &member).await.map_err(err)?;
        }
        // Referrals: stalled (two, so each browser viewport has one), check due, help started.
        let refer = |target, organisation: &'static str, reason: &'static str, ago: i64| NewReferral {
            target,
            organisation,
            reason,
            referred_on: day(ago),
            handover_on: day(ago - 5),
            handover_with: Some("de intakemedewerker"),
            check_every_days: 14,
        };
        match n {
            0 | 1 => {
                let r = refer(ReferralTarget::Schuldhulp, "Kredietbank", "Schulden bij meerdere schuldeisers; bewoner wil een regeling", 40);
                let id = store.refer(&access, case_id, &r).await.map_err(err)?;
                store.check_referral(&access, id, day(21), CheckOutcome::NogNiet, Some("Aanmelding ligt nog bij de intake")).await.map_err(err)?;
            }
            _ => {
                let r = refer(ReferralTarget::Wmo, "Wmo-loket", "Hulp bij het huishouden na ziekenhuisopname", 19);
                store.refer(&access, case_id, &r).await.map_err(err)?;
            }
        }
        if n == 0 {
            let r = refer(ReferralTarget::Ggz, "Ggz-team Oost", "Somberheid en slecht slapen", 30);
            let id = store.refer(&access, case_id, &r).await.map_err(err)?;
            store.check_referral(&access, id, day(16), CheckOutcome::Gestart, Some("Eerste gesprek geweest, bevestigd door de praktijk")).await.map_err(err)?;
        }
    }
    Ok(())
}

/// The demo worker (the one with the most planned contacts) and their team's wijk.
async fn demo_worker(store: &Store, m: &synth::Municipality) -> Result<(store::User, domain::AreaCode), String> {
    let err = |e: store::StoreError| e.to_string();
    let worker_id = store.busiest_worker().await.map_err(err)?.ok_or("geen werker")?;
    let worker = store.user_by_id(worker_id).await.map_err(err)?.ok_or("werker ontbreekt")?;
    let team = worker.team_id.ok_or("werker zonder team")?;
    let wijk = m.teams.iter().find(|t| t.id == team).map(|t| t.wijk.clone()).ok_or("team zonder wijk")?;
    Ok((worker, wijk))
}

/// Kept beside the database (owner-only) so a second run prints the same logins.
fn write_logins(path: &Path, logins: &[Login]) -> Result<(), String> {
    let text: String = logins.iter().map(|l| format!("{} {} {} {}\n", l.role, l.user, l.password, l.totp.as_deref().unwrap_or("-"))).collect();
    std::fs::write(path, text).map_err(|e| format!("kan {} niet schrijven: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn read_logins(path: &Path) -> Result<Vec<Login>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("de demo-database bestaat al, maar {} niet ({e}); verwijder de datamap om opnieuw te beginnen", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let mut parts = l.split(' ');
            let (role, user, password) = (parts.next()?.to_string(), parts.next()?.to_string(), parts.next()?.to_string());
            let totp = parts.next().filter(|s| *s != "-").map(String::from);
            Some(Login { role, user, password, totp })
        })
        .collect())
}
