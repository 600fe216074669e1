//! The `eropaf` command line: run the server (with demo data or on a given database), bring a
//! schema up to date, and manage accounts and API tokens.

use domain::csv;
mod cli;
mod config;
mod demo;
mod demo_outreach;
mod durability;
mod linkage_cli;
mod route_cli;
mod setup_cli;
mod signals_cli;

use clap::FromArgMatches;
use cli::{AuditCommand, Cli, Command, LinkageCommand, OidcArgs, OpsArgs, PartnerCommand, ResidentCommand, RetentionCommand, SignalsCommand, TokenCommand, UserCommand};
use domain::model::Role;
use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;
use store::retention::RetentionPolicy;
use store::{NewUser, Store};
use time::OffsetDateTime;

/// The wall clock lives here, at the edge; everything below takes `now` as a parameter.
async fn set_disabled(name: &str, url: &str, disabled: bool) -> Result<(), String> {
    let store = connect_migrated(url).await?;
    let user = store.user_by_username(name).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("account '{name}' bestaat niet"))?;
    store.set_user_disabled(user.id, disabled).await.map_err(|e| e.to_string())?;
    store.close().await;
    println!("{}", if disabled { format!("account {name} geblokkeerd; sessies en tokens werken niet meer") } else { format!("account {name} weer actief") });
    Ok(())
}

/// The purge job of `serve`: at start and then every 24 hours. A failure is logged (without
/// personal data) and retried at the next run; it never stops the server.
/// The retention purge, once a day across every app server on the database: each server checks
/// hourly, and the first to claim the day runs it (`Store::daily_purge`).
fn spawn_daily_purge(store: Store) {
    let instance = format!("{}:{}", std::fs::read_to_string("/etc/hostname").unwrap_or_default().trim(), std::process::id());
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
        loop {
            every_hour.tick().await;
            match store.daily_purge(OffsetDateTime::now_utc(), &instance).await {
                Ok(ran) => store::metrics::job_run("retention-purge", ran.is_some()),
                Err(e) => {
                    store::metrics::job_failed("retention-purge");
                    tracing::error!(error = %e, "retention purge failed");
                }
            }
        }
    });
}

/// The processing register (AVG art. 30) as Markdown: one section per category of data, with
/// the terms in effect.
fn register_markdown(policy: &RetentionPolicy) -> String {
    let mut out = String::from("# Verwerkingsregister Eropaf (AVG art. 30)\n\nVerwerkingsverantwoordelijke: het college van burgemeester en wethouders. Doel van de verwerking: outreachend werken door het sociaal wijkteam.\n");
    for c in store::retention::CATEGORIES {
        let (term, _) = policy.term_of(c.key);
        out.push_str(&format!(
            "\n## {}\n\n- Gegevens: {}\n- Betrokkenen: {}\n- Doel: {}\n- Grondslag: {}\n- Ontvangers: {}\n- Bewaartermijn: {}\n",
            c.name.0, c.data.0, c.subjects.0, c.purpose.0, c.legal_basis.0, c.recipients.0, term
        ));
    }
    out
}

fn wall_clock() -> web::Clock {
    Arc::new(OffsetDateTime::now_utc)
}

fn main() -> ExitCode {
    // The settings file first, while this is the only thread: it sets environment variables
    // (only those not set already), which clap then reads as if they had been given.
    let settings = match config::load(std::env::args_os()) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("fout: {message}");
            return ExitCode::from(2);
        }
    };
    let matches = config::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut config::command()).exit());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=error".into()))
        .with_writer(std::io::stderr);
    if cli.log_format == "json" {
        logs.json().flatten_event(true).with_current_span(false).init();
    } else {
        logs.init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fout: kan de runtime niet starten: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, &matches, &settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fout: {message}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) async fn connect_migrated(url: &str) -> Result<Store, String> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("kan map {} niet maken: {e}", dir.display()))?;
        }
    }
    let store = Store::connect(url).await.map_err(|e| format!("kan de database niet openen: {e}"))?;
    store.migrate().await.map_err(|e| format!("migratie mislukt: {e}"))?;
    Ok(store)
}

/// Serves `store` (opened with the municipality's policies) until the process is stopped.
pub(crate) async fn serve(store: Store, listen: &str, oidc: &OidcArgs, ops: &OpsArgs) -> Result<(), String> {
    // Settings first, so that a mistake stops the start at once.
    let contact = match (&ops.api_contact_name, &ops.api_contact_url, &ops.api_contact_email) {
        (Some(name), Some(url), Some(email)) => Some(web::api::ApiContact::new(name, url, email)?),
        (None, None, None) => None,
        _ => return Err("geef voor de API-contactgegevens alle drie op (api.contact_name, api.contact_url, api.contact_email) of geen".into()),
    };
    // The linker first (the model is trained once per database, the index built from everyone
    // registered), so the server answers as soon as it says it listens.
    let linker = store.linker(store::linking::LinkPolicy::default(), OffsetDateTime::now_utc()).await.map_err(|e| format!("koppelindex: {e}"))?;
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("kan niet luisteren op {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mut state = web::AppState::new(store.clone(), wall_clock(), linker);
    if let Some(provider) = oidc.provider(addr).await? {
        tracing::info!(issuer = %provider.config.issuer, "OpenID Connect login enabled");
        state = state.with_oidc(provider);
    }
    if let Some(contact) = contact {
        state = state.with_api_contact(contact);
    }
    if let Some(metrics) = &ops.metrics_listen {
        let listener = tokio::net::TcpListener::bind(metrics).await.map_err(|e| format!("kan niet luisteren op {metrics}: {e}"))?;
        let at = listener.local_addr().map_err(|e| e.to_string())?;
        let served = web::metrics::serve(listener, store.clone());
        tokio::spawn(async move {
            if let Err(e) = served.await {
                tracing::error!(error = %e, "metrics listener stopped");
            }
        });
        println!("Eropaf-metrics op http://{at}/metrics");
    }
    println!("Eropaf luistert op http://{addr}");
    tracing::info!(%addr, backend = ?store.backend(), "serving");
    web::serve(state, listener).await.map_err(|e| format!("server: {e}"))?;
    store.close().await;
    Ok(())
}

async fn run(cli: Cli, matches: &clap::ArgMatches, settings: &config::Loaded) -> Result<(), String> {
    match cli.command {
        Command::Demo { households, contact_history, seed, listen, data_dir, database_url, oidc, ops } => demo::run(demo::Size { households, contact_history }, seed, &listen, &data_dir, database_url.as_deref(), &oidc, &ops).await,
        Command::Serve { db, listen, retention, pickup, cadence, oidc, ops } => {
            let policies = store::Policies { retention: retention.policy()?, signals: pickup.policy()?, cadence: cadence.policy()? };
            let store = connect_migrated(&db.database_url).await?.with_policies(policies);
            spawn_daily_purge(store.clone());
            serve(store, &listen, &oidc, &ops).await
        }
        Command::Retention { command: RetentionCommand::Purge { db, retention } } => {
            let policies = store::Policies { retention: retention.policy()?, ..Default::default() };
            let store = connect_migrated(&db.database_url).await?.with_policies(policies);
            let r = store.purge_expired(OffsetDateTime::now_utc()).await.map_err(|e| e.to_string())?;
            store.close().await;
            println!(
                "opgeschoond: {} trajecten, {} signalen, {} contactpogingen, {} afspraken bij {} huishoudens; {} sessies, {} mislukte inlogpogingen",
                r.cases, r.signals, r.contact_attempts, r.planned_contacts, r.households, r.sessions, r.login_failures
            );
            Ok(())
        }
        Command::TotpCode { secret } => {
            if web::totp::base32_decode(&secret).is_none_or(|b| b.len() < 10) {
                return Err("geen geldig TOTP-geheim (base32, minstens 16 tekens)".into());
            }
            println!("{}", web::totp::code(&secret, OffsetDateTime::now_utc()));
            Ok(())
        }
        Command::Register { retention } => {
            print!("{}", register_markdown(&retention.policy()?));
            Ok(())
        }
        Command::Backup { db, out } => durability::backup(&db.database_url, &out).await,
        Command::Restore { from, db } => durability::restore(&from, &db.database_url).await,
        Command::MigrateDb { from, to } => durability::migrate_db(&from, &to).await,
        Command::Migrate { db } => {
            let store = connect_migrated(&db.database_url).await?;
            println!("schema bijgewerkt ({:?})", store.backend());
            store.close().await;
            Ok(())
        }
        Command::User { command: UserCommand::Disable { name, db } } => set_disabled(&name, &db.database_url, true).await,
        Command::User { command: UserCommand::Enable { name, db } } => set_disabled(&name, &db.database_url, false).await,
        Command::User { command: UserCommand::Oidc { name, subject, remove: _, db } } => {
            let store = connect_migrated(&db.database_url).await?;
            let user = store.user_by_username(&name).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("account '{name}' bestaat niet"))?;
            let subject = subject.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            let bound = store.set_oidc_subject(user.id, subject.as_deref()).await;
            store.close().await;
            bound.map_err(|e| match e {
                store::StoreError::Invalid { message_nl, .. } => message_nl,
                other => other.to_string(),
            })?;
            match subject {
                Some(_) => println!("account {name} gekoppeld aan het account bij de identity provider"),
                None => println!("account {name} niet meer gekoppeld aan de identity provider"),
            }
            Ok(())
        }
        Command::User { command: UserCommand::Totp { name, db } } => {
            let store = connect_migrated(&db.database_url).await?;
            let user = store.user_by_username(&name).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("account '{name}' bestaat niet"))?;
            let secret = web::totp::new_secret();
            store.set_totp_secret(user.id, Some(&secret)).await.map_err(|e| e.to_string())?;
            store.close().await;
            println!("totp-secret={secret}");
            Ok(())
        }
        Command::User { command: UserCommand::ResetPassword { name, db } } => {
            let store = connect_migrated(&db.database_url).await?;
            let user = store.user_by_username(&name).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("account '{name}' bestaat niet"))?;
            let code = web::auth::new_reset_code();
            let setup = store::Setup::Cli { command: "user reset-password", now: OffsetDateTime::now_utc() };
            let started = store.start_password_reset(&setup, user.id, &web::auth::secret_hash(&web::auth::normalize_reset_code(&code))).await;
            store.close().await;
            let expires = started.map_err(|e| e.to_string())?;
            println!("{code}");
            eprintln!("herstelcode voor {name}, eenmalig geldig tot {} UTC; de gebruiker stelt er een wachtwoord mee in op /inloggen/herstellen", store::time_fmt::instant(expires));
            Ok(())
        }
        Command::User { command: UserCommand::Add { name, role, team, partner, display_name, models, password_stdin: _, totp, db } } => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).map_err(|e| format!("kan het wachtwoord niet lezen: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            web::auth::check_new_password(&password).map_err(|(nl, _)| format!("wachtwoord: {nl}"))?;
            let store = connect_migrated(&db.database_url).await?;
            let team_id = match (&team, role) {
                (Some(t), _) => Some(store.team_id_by_name(t).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("team '{t}' bestaat niet"))?),
                (None, Role::Worker | Role::TeamLead | Role::ExperienceExpert) => return Err("een werker, teamleider of ervaringsdeskundige hoort bij een team: geef --team".into()),
                (None, _) => None,
            };
            let partner_id = match (&partner, role) {
                (Some(p), Role::Partner) => Some(store.partner_id_by_name(p).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("partner '{p}' bestaat niet"))?),
                (Some(_), _) => return Err("--partner hoort alleen bij de rol partner".into()),
                (None, Role::Partner) => return Err("een partneraccount hoort bij een organisatie: geef --partner".into()),
                (None, _) => None,
            };
            let hash = web::auth::hash_password(&password).map_err(|e| e.to_string())?;
            let new = NewUser { display_name: display_name.unwrap_or_else(|| name.clone()), username: name, role, team_id, partner_id, models };
            let setup = store::Setup::Cli { command: "user add", now: OffsetDateTime::now_utc() };
            let id = store.add_account(&setup, &new, Some(&hash)).await.map_err(|e| match e {
                _ if e.is_unique_violation() => format!("gebruiker '{}' bestaat al", new.username),
                store::StoreError::Invalid { message_nl, .. } => message_nl,
                e => e.to_string(),
            })?;
            println!("gebruiker {} toegevoegd (id {id}, rol {})", new.username, role.code());
            if totp {
                let secret = web::totp::new_secret();
                store.set_totp_secret(id, Some(&secret)).await.map_err(|e| e.to_string())?;
                println!("totp-secret={secret}");
            } else if role.needs_second_factor() {
                eprintln!("let op: de rol {} logt in met een tweede factor; de gebruiker stelt die bij het eerste inloggen in (QR-code), of u doet het nu met `eropaf user totp {}`", role.code(), new.username);
            }
            store.close().await;
            Ok(())
        }
        Command::Resident { command } => {
            let (person, household, officer, db) = match &command {
                ResidentCommand::Export { person, household, officer, db, .. } | ResidentCommand::Erase { person, household, officer, db, .. } => (*person, *household, officer, db),
            };
            let store = connect_migrated(&db.database_url).await?;
            let user = store.user_by_username(officer).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("gebruiker '{officer}' bestaat niet"))?;
            let actor = user.actor();
            let route = match (&command, person) {
                (ResidentCommand::Export { .. }, Some(_)) => "eropaf resident export --person",
                (ResidentCommand::Export { .. }, None) => "eropaf resident export --household",
                (ResidentCommand::Erase { .. }, Some(_)) => "eropaf resident erase --person",
                (ResidentCommand::Erase { .. }, None) => "eropaf resident erase --household",
            };
            let access = store::Access { actor: &actor, route, now: OffsetDateTime::now_utc() };
            let explain = |e: store::StoreError| match e {
                store::StoreError::Forbidden => "alleen een privacyfunctionaris mag dit / only a privacy officer may do this".to_string(),
                store::StoreError::NotFound => match person {
                    Some(p) => format!("bewoner {p} bestaat niet / resident {p} does not exist"),
                    None => format!("huishouden {} bestaat niet / household {0} does not exist", household.unwrap_or_default()),
                },
                store::StoreError::Invalid { message_nl, message_en, .. } => format!("{message_nl}\n{message_en}"),
                other => other.to_string(),
            };
            let print = |export: store::rights::ResidentExport| serde_json::to_string_pretty(&export).map(|json| println!("{json}")).map_err(|e| e.to_string());
            let result = match (&command, person, household) {
                (ResidentCommand::Export { .. }, Some(p), _) => store.export_person(&access, p).await.map_err(explain).and_then(print),
                (ResidentCommand::Export { consent, .. }, None, Some(h)) => store.export_household(&access, h, consent).await.map_err(explain).and_then(print),
                (ResidentCommand::Erase { reason, .. }, Some(p), _) => store.erase_person(&access, p, reason).await.map_err(explain).map(|()| println!("bewoner {p} gewist; huishouden en huisgenoten blijven")),
                (ResidentCommand::Erase { reason, .. }, None, Some(h)) => store.erase_household(&access, h, reason).await.map_err(explain).map(|()| println!("huishouden {h} gewist")),
                _ => Err("geef --person of --household / give --person or --household".to_string()),
            };
            store.close().await;
            result
        }
        Command::Linkage { command: LinkageCommand::Link { left, right, fields, out, threshold, explain, pairs_per_record } } => {
            linkage_cli::link(&left, &right, &fields, &out, threshold, &explain, pairs_per_record)
        }
        Command::Linkage { command: LinkageCommand::Dedupe { input, fields, out, threshold, clusters } } => {
            linkage_cli::dedupe(&input, &fields, &out, threshold, clusters.as_deref())
        }
        Command::Linkage { command: LinkageCommand::Synth { records, seed, out } } => {
            linkage_cli::synth(records, seed, OffsetDateTime::now_utc().date(), &out)
        }
        Command::Route { command } => route_cli::run(command),
        Command::Config { command: cli::ConfigCommand::Check } => {
            print!("{}", config::check(matches, settings));
            Ok(())
        }
        Command::Municipality { command } => setup_cli::municipality_cmd(command).await,
        Command::Areas { command } => setup_cli::areas_cmd(command).await,
        Command::Team { command } => setup_cli::team_cmd(command).await,
        Command::Addresses { command } => setup_cli::addresses_cmd(command).await,
        Command::Audit { command: AuditCommand::Verify { db } } => {
            let store = connect_migrated(&db.database_url).await?;
            let check = store.verify_audit_chain().await.map_err(|e| e.to_string())?;
            store.close().await;
            match check {
                store::audit::ChainCheck::Intact { records, head } => {
                    println!("auditketen intact: {records} records, kop {head}");
                    Ok(())
                }
                store::audit::ChainCheck::Broken { seq, id, reason } => Err(format!(
                    "auditketen verbroken bij record volgnummer {seq}{}: {reason}",
                    id.map(|i| format!(" (id {i})")).unwrap_or_default()
                )),
            }
        }
        Command::Partner { command } => {
            let (PartnerCommand::Add { db, .. } | PartnerCommand::Key { db, .. }) = &command;
            let store = connect_migrated(&db.database_url).await?;
            let result = match &command {
                PartnerCommand::Add { name, partner_type, .. } => signals_cli::partner_add(&store, name, partner_type, OffsetDateTime::now_utc()).await,
                PartnerCommand::Key { name, .. } => signals_cli::partner_key(&store, name, OffsetDateTime::now_utc()).await,
            };
            store.close().await;
            result
        }
        Command::Signals { command } => {
            let (SignalsCommand::Import { db, .. } | SignalsCommand::ExportDdas { db, .. } | SignalsCommand::SampleFile { db, .. }) = &command;
            let store = connect_migrated(&db.database_url).await?;
            let now = OffsetDateTime::now_utc();
            let result = match &command {
                SignalsCommand::Import { file, min_amount, .. } => signals_cli::import(&store, file, *min_amount, now).await,
                SignalsCommand::ExportDdas { from, to, out, gemeentecode, organisatie, kvk, leverancier, .. } => {
                    let sender = store::ddas::Sender { supplier_code: leverancier.clone(), municipality_code: gemeentecode.clone(), organisation: organisatie.clone(), kvk: kvk.clone() };
                    signals_cli::export_ddas(&store, &sender, *from, *to, out, now).await
                }
                SignalsCommand::SampleFile { rows, out, seed, .. } => signals_cli::sample_file(&store, *rows, *seed, out, now.date()).await,
            };
            store.close().await;
            result
        }
        Command::Token { command: TokenCommand::Create { user: name, label, days, db } } => {
            let store = connect_migrated(&db.database_url).await?;
            let user = store.user_by_username(&name).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("gebruiker '{name}' bestaat niet"))?;
            let token = web::auth::random_token();
            let created = store.create_api_token(user.id, &web::auth::secret_hash(&token), &label, days, OffsetDateTime::now_utc()).await;
            store.close().await;
            let (id, expires) = created.map_err(|e| match e {
                store::StoreError::Invalid { message_nl, .. } => message_nl,
                e => e.to_string(),
            })?;
            println!("{token}");
            eprintln!("token {id} voor {name} is geldig tot {}", store::time_fmt::instant(expires));
            Ok(())
        }
        Command::Token { command: TokenCommand::List { db } } => {
            let store = connect_migrated(&db.database_url).await?;
            let tokens = store.api_tokens().await;
            store.close().await;
            let now = OffsetDateTime::now_utc();
            for k in tokens.map_err(|e| e.to_string())? {
                let state = if k.revoked_at.is_some() {
                    "ingetrokken"
                } else if k.active(now) {
                    "actief"
                } else {
                    "verlopen"
                };
                let expires = k.expires_at.map_or_else(|| "onbekend (opnieuw uitgeven)".to_string(), store::time_fmt::instant);
                let label = if k.name.is_empty() { "-" } else { k.name.as_str() };
                println!("{}\t{}\t{label}\tgemaakt {}\tgeldig tot {expires}\t{state}", k.id, k.username, store::time_fmt::instant(k.created_at));
            }
            Ok(())
        }
        Command::Token { command: TokenCommand::Revoke { id, db } } => {
            let store = connect_migrated(&db.database_url).await?;
            let revoked = store.revoke_api_token(id, OffsetDateTime::now_utc()).await;
            store.close().await;
            match revoked {
                Ok(()) => {
                    println!("token {id} ingetrokken; het werkt niet meer");
                    Ok(())
                }
                Err(store::StoreError::NotFound) => Err(format!("token {id} bestaat niet; zie eropaf token list")),
                Err(e) => Err(e.to_string()),
            }
        }
    }
}
