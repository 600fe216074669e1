//! `eropaf demo`: a synthetic municipality in DATA_DIR/eropaf.db (made once, reused after),
//! one login per role printed as `demo-login role=ROLE user=NAME password=PASSWORD`.

use domain::model::{PartnerType, Role};
use std::path::Path;
use store::{NewUser, Store};
use time::OffsetDateTime;

const LOGINS_FILE: &str = "demo-logins.txt";

pub async fn run(households: usize, seed: u64, listen: &str, data_dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(data_dir).map_err(|e| format!("kan map {} niet maken: {e}", data_dir.display()))?;
    let url = format!("sqlite://{}", data_dir.join("eropaf.db").display());
    let store = crate::connect_migrated(&url).await?;
    let logins_path = data_dir.join(LOGINS_FILE);
    let counts = store.counts().await.map_err(|e| e.to_string())?;
    let logins = if counts.households == 0 {
        let now = OffsetDateTime::now_utc();
        let started = std::time::Instant::now();
        let municipality = synth::generate(&synth::Config { households, seed, today: now.date() });
        let generated = started.elapsed();
        store.load_municipality(&municipality, now).await.map_err(|e| format!("demo-gegevens laden mislukt: {e}"))?;
        eprintln!(
            "synthetische gemeente: {} huishoudens, {} bewoners, {} signalen (gemaakt in {:.1} s, geladen in {:.1} s)",
            municipality.households.len(),
            municipality.persons.len(),
            municipality.signals.len(),
            generated.as_secs_f64(),
            (started.elapsed() - generated).as_secs_f64()
        );
        let logins = create_logins(&store, now).await?;
        write_logins(&logins_path, &logins)?;
        logins
    } else {
        read_logins(&logins_path)?
    };
    for (role, user, password) in &logins {
        println!("demo-login role={role} user={user} password={password}");
    }
    // The demo is a fixed snapshot: no daily purge (run `eropaf retention purge` to see it work).
    crate::serve(store, listen, store::retention::RetentionPolicy::default(), store::signals::SignalPolicy::default()).await
}

async fn create_logins(store: &Store, now: OffsetDateTime) -> Result<Vec<(String, String, String)>, String> {
    let err = |e: store::StoreError| e.to_string();
    let mut logins = Vec::new();
    let mut set = |role: Role, username: String| {
        let password = web::auth::random_token()[..20].to_string();
        logins.push((role.code().to_string(), username, password));
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
    for (_, username, password) in &logins {
        let user = store.user_by_username(username).await.map_err(err)?.ok_or("demo-gebruiker ontbreekt")?;
        let hash = web::auth::hash_password(password).map_err(|e| e.to_string())?;
        store.set_password_hash(user.id, &hash).await.map_err(err)?;
    }
    Ok(logins)
}

/// Kept beside the database (owner-only) so a second run prints the same logins.
fn write_logins(path: &Path, logins: &[(String, String, String)]) -> Result<(), String> {
    let text: String = logins.iter().map(|(r, u, p)| format!("{r} {u} {p}\n")).collect();
    std::fs::write(path, text).map_err(|e| format!("kan {} niet schrijven: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn read_logins(path: &Path) -> Result<Vec<(String, String, String)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("de demo-database bestaat al, maar {} niet ({e}); verwijder de datamap om opnieuw te beginnen", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let mut parts = l.split(' ');
            Some((parts.next()?.to_string(), parts.next()?.to_string(), parts.next()?.to_string()))
        })
        .collect())
}
