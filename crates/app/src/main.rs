//! The `eropaf` command line: run the server (with demo data or on a given database), bring a
//! schema up to date, and manage accounts and API tokens.

use domain::csv;
mod demo;
mod demo_outreach;
mod durability;
mod linkage_cli;
mod route_cli;
mod signals_cli;

use clap::{Args, Parser, Subcommand};
use domain::model::{OutreachModel, Role};
use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;
use store::retention::RetentionPolicy;
use store::{NewUser, Store};
use time::OffsetDateTime;

const DEFAULT_DATABASE_URL: &str = "sqlite://eropaf-data/eropaf.db";

#[derive(Parser)]
#[command(name = "eropaf", version, about = "Eropaf: het werksysteem voor outreachend werken van sociale wijkteams")]
struct Cli {
    /// Log lines as text (for people) or as one JSON object per line (for a log collector).
    /// Neither carries personal data.
    #[arg(long, global = true, env = "EROPAF_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    log_format: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DatabaseArg {
    /// sqlite://PATH or postgres://USER@HOST:PORT/DB
    #[arg(long, env = "EROPAF_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
}

/// Operations: where the metrics are served.
#[derive(Args, Clone, Default)]
pub(crate) struct OpsArgs {
    /// Serve Prometheus metrics (GET /metrics) on this address, apart from the public listener,
    /// e.g. 127.0.0.1:9464. Off when not given.
    #[arg(long, env = "EROPAF_METRICS_LISTEN")]
    metrics_listen: Option<String>,
}

/// Login through the municipality's own identity provider (OpenID Connect); off unless an
/// issuer is given.
#[derive(Args, Clone)]
pub(crate) struct OidcArgs {
    /// The identity provider's issuer URL (https; plain http only on loopback), e.g.
    /// https://login.gemeente.nl/realms/medewerkers. Shows "Inloggen via …" on the login page.
    #[arg(long, env = "EROPAF_OIDC_ISSUER")]
    oidc_issuer: Option<String>,
    /// Eropaf's client id at the provider.
    #[arg(long, env = "EROPAF_OIDC_CLIENT_ID", default_value = "eropaf")]
    oidc_client_id: String,
    /// The client secret (better through the environment than on the command line).
    #[arg(long, env = "EROPAF_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// The provider's name on the login button.
    #[arg(long, env = "EROPAF_OIDC_NAME", default_value = "uw gemeente")]
    oidc_name: String,
    /// Eropaf's address as browsers reach it, for the provider's redirect
    /// (PUBLIC_URL/inloggen/oidc/terug); default http://LISTEN-ADDRESS.
    #[arg(long, env = "EROPAF_PUBLIC_URL")]
    public_url: Option<String>,
}

impl OidcArgs {
    /// The provider, its discovery document and keys read (blocking, at startup), or None.
    async fn provider(&self, listening: std::net::SocketAddr) -> Result<Option<web::oidc::Provider>, String> {
        let Some(issuer) = self.oidc_issuer.clone() else { return Ok(None) };
        let client_secret = self.oidc_client_secret.clone().ok_or("--oidc-issuer vraagt ook --oidc-client-secret (of EROPAF_OIDC_CLIENT_SECRET)")?;
        let public = self.public_url.clone().unwrap_or_else(|| format!("http://{listening}"));
        let config = web::oidc::OidcConfig {
            issuer,
            client_id: self.oidc_client_id.clone(),
            client_secret,
            redirect_uri: format!("{}/inloggen/oidc/terug", public.trim_end_matches('/')),
            label: self.oidc_name.clone(),
        };
        let provider = tokio::task::spawn_blocking(move || web::oidc::Provider::discover(config)).await.map_err(|e| e.to_string())?;
        provider.map(Some).map_err(|e| format!("OpenID Connect: {e}"))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Start Eropaf with a synthetic municipality in DATA_DIR/eropaf.db and print demo logins.
    Demo {
        #[arg(long, default_value_t = 5000)]
        households: usize,
        /// Earlier contact attempts to add (years of outreach before today), for a municipality
        /// of long standing such as the load benchmark's.
        #[arg(long, default_value_t = 0)]
        contact_history: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        #[arg(long, default_value = "eropaf-data")]
        data_dir: std::path::PathBuf,
        /// Another database than DATA_DIR/eropaf.db, e.g. an empty PostgreSQL database
        /// (postgres://USER@HOST:PORT/DB); the logins stay in DATA_DIR.
        #[arg(long)]
        database_url: Option<String>,
        #[command(flatten)]
        oidc: OidcArgs,
        #[command(flatten)]
        ops: OpsArgs,
    },
    /// Serve Eropaf on an existing database (migrating it first); purges expired data daily.
    Serve {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        #[command(flatten)]
        retention: RetentionArgs,
        #[command(flatten)]
        pickup: PickupArgs,
        #[command(flatten)]
        cadence: CadenceArgs,
        #[command(flatten)]
        oidc: OidcArgs,
        #[command(flatten)]
        ops: OpsArgs,
    },
    /// A consistent copy of the database while the server runs (SQLite: VACUUM INTO; PostgreSQL:
    /// pg_dump of one snapshot); prints what it holds.
    Backup {
        #[command(flatten)]
        db: DatabaseArg,
        /// The backup file to write (must not exist).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restores a backup into a new database: SQLite (a new file) or an empty PostgreSQL
    /// database (pg_restore); checks the copy (integrity, audit chain), brings its schema up to
    /// date, and only then puts it in use; prints what it holds.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: std::path::PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Moves the embedded database to PostgreSQL: copies every table, the audit chain included,
    /// into an empty PostgreSQL database in one transaction, checks the row counts and the chain
    /// head before committing, then brings the schema up to date.
    MigrateDb {
        /// sqlite://PATH (read only; the server may keep running, the copy is one snapshot)
        #[arg(long)]
        from: String,
        /// postgres://USER@HOST:PORT/DB, an empty database
        #[arg(long)]
        to: String,
    },
    /// Retention: remove what has outlived its term (also done daily by `serve`).
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Print the current six-digit TOTP code for a secret (`totp-secret=` of `user add --totp`,
    /// `user totp` or the demo), for trying the demo without an authenticator app.
    TotpCode { secret: String },
    /// Print the processing register (AVG art. 30) for the configured terms, as Markdown.
    Register {
        #[command(flatten)]
        retention: RetentionArgs,
    },
    /// Create the database (SQLite) and bring the schema up to date.
    Migrate {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Residents' rights (AVG): access request and erasure, by a privacy officer.
    Resident {
        #[command(subcommand)]
        command: ResidentCommand,
    },
    /// Check the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Partner organisations that send signals, and their API keys.
    Partner {
        #[command(subcommand)]
        command: PartnerCommand,
    },
    /// Signals: import a monthly creditor file, deliver to the national monitor (DDAS).
    Signals {
        #[command(subcommand)]
        command: SignalsCommand,
    },
    /// Record linkage: which records are the same person.
    Linkage {
        #[command(subcommand)]
        command: LinkageCommand,
    },
    /// Walk routing: a closed tour over points, or walk lists for several walkers in a shift.
    Route {
        #[command(subcommand)]
        command: route_cli::RouteCommand,
    },
}

#[derive(Subcommand)]
enum PartnerCommand {
    /// Register a partner organisation (TYPE from the DDAS list: huur, energie, water, zorg, …).
    Add {
        name: String,
        #[arg(long = "type")]
        partner_type: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Print a new API key for the organisation's system; its earlier key stops working.
    Key {
        name: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Subcommand)]
enum SignalsCommand {
    /// Import a creditor file (CSV in DDAS columns, or a DDAS JSON delivery): all rows or none.
    Import {
        file: std::path::PathBuf,
        /// Leave out arrears below this amount (whole euros).
        #[arg(long, env = "EROPAF_SIGNALS_MIN_AMOUNT", default_value_t = 0)]
        min_amount: i64,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Write the DDAS delivery (JSON) of the early debt signals with a signal date in the period.
    ExportDdas {
        #[arg(long, value_parser = parse_day)]
        from: time::Date,
        #[arg(long, value_parser = parse_day)]
        to: time::Date,
        #[arg(long)]
        out: std::path::PathBuf,
        /// CBS code of the municipality.
        #[arg(long, env = "EROPAF_GEMEENTECODE", default_value = "9999")]
        gemeentecode: String,
        #[arg(long, env = "EROPAF_ORGANISATIE", default_value = "Gemeente Eropaf")]
        organisatie: String,
        #[arg(long, env = "EROPAF_KVK", default_value = "00000000")]
        kvk: String,
        /// Code of the supplier that delivers (codeGegevensleverancier).
        #[arg(long, default_value = "EROPAF")]
        leverancier: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Write a creditor file about ROWS people in the database (to try the import; benchmarks).
    SampleFile {
        rows: usize,
        #[arg(long)]
        out: std::path::PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

fn parse_day(s: &str) -> Result<time::Date, String> {
    domain::parse_date(s).map_err(|e| e.reason_nl)
}

#[derive(Subcommand)]
enum LinkageCommand {
    /// Link two sources: write each pair of a LEFT and a RIGHT record that are the same person.
    Link {
        left: std::path::PathBuf,
        right: std::path::PathBuf,
        /// FIELDS.toml: `id = "<column>"` and a [columns] table of role = column.
        #[arg(long)]
        fields: std::path::PathBuf,
        /// PAIRS.csv: left_id,right_id,match_probability.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Keep pairs with at least this match probability.
        #[arg(long, default_value_t = 0.5)]
        threshold: f64,
        /// Print why a pair LEFT_ID,RIGHT_ID scored what it did: each field's weight (repeatable).
        #[arg(long)]
        explain: Vec<String>,
        /// Pairs one blocking rule may add per record before its biggest blocks are skipped.
        #[arg(long, default_value_t = 2)]
        pairs_per_record: u64,
    },
    /// Find the records of one source that are the same person (each pair once; clusters on request).
    Dedupe {
        input: std::path::PathBuf,
        #[arg(long)]
        fields: std::path::PathBuf,
        #[arg(long)]
        out: std::path::PathBuf,
        #[arg(long, default_value_t = 0.5)]
        threshold: f64,
        /// Also write id,cluster_id for every record.
        #[arg(long)]
        clusters: Option<std::path::PathBuf>,
    },
    /// Write the Dutch benchmark: two partner extracts of one synthetic town (left.csv from a
    /// housing corporation, right.csv from an energy supplier), truth.csv and fields.toml.
    Synth {
        #[arg(long, default_value_t = 100_000)]
        records: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum ResidentCommand {
    /// Print everything recorded about a household as JSON, with who accessed it and why (art. 15).
    Export {
        #[arg(long)]
        household: i64,
        /// The privacy officer carrying out the request (audited).
        #[arg(long = "as")]
        officer: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Erase a household and everything about it (art. 17); refused while a case is open.
    Erase {
        #[arg(long)]
        household: i64,
        #[arg(long = "as")]
        officer: String,
        /// The ground for erasure, kept in the audit trail.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

/// The pickup clock (see `store::signals::SignalPolicy`).
#[derive(Args, Clone, Copy)]
struct PickupArgs {
    /// First contact is due this many days after a signal.
    #[arg(long, env = "EROPAF_PICKUP_DAYS", default_value_t = store::signals::SignalPolicy::default().pickup_days)]
    pickup_days: u32,
    /// …and this many working days after a crisis signal.
    #[arg(long, env = "EROPAF_CRISIS_WORKING_DAYS", default_value_t = store::signals::SignalPolicy::default().crisis_working_days)]
    crisis_working_days: u32,
}

impl PickupArgs {
    fn policy(self) -> Result<store::signals::SignalPolicy, String> {
        if self.pickup_days == 0 || self.crisis_working_days == 0 {
            return Err("een termijn voor eerste contact is minstens 1 dag".into());
        }
        Ok(store::signals::SignalPolicy { pickup_days: self.pickup_days, crisis_working_days: self.crisis_working_days, ..Default::default() })
    }
}

/// Persistence and keeping in view (see `domain::contact`).
#[derive(Args, Clone, Copy)]
struct CadenceArgs {
    /// Failed contact attempts in a row after which a household goes to the case discussion.
    #[arg(long, env = "EROPAF_FAILURES_BEFORE_DISCUSSION", default_value_t = domain::contact::CadencePolicy::default().failures_before_discussion)]
    failures_before_discussion: usize,
    /// A household the team works with is out of view after this many days without contact.
    #[arg(long, env = "EROPAF_NO_CONTACT_DAYS", default_value_t = domain::contact::CadencePolicy::default().no_contact_days)]
    no_contact_days: i64,
    /// A referral whose help has not started this many days after it was made is stalled.
    #[arg(long, env = "EROPAF_REFERRAL_STALLED_DAYS", default_value_t = domain::contact::CadencePolicy::default().referral_stalled_days)]
    referral_stalled_days: i64,
}

impl CadenceArgs {
    fn policy(self) -> Result<domain::contact::CadencePolicy, String> {
        if self.failures_before_discussion < 2 || self.no_contact_days < 1 || self.referral_stalled_days < 1 {
            return Err("--failures-before-discussion is minstens 2, --no-contact-days en --referral-stalled-days minstens 1".into());
        }
        Ok(domain::contact::CadencePolicy {
            failures_before_discussion: self.failures_before_discussion,
            no_contact_days: self.no_contact_days,
            referral_stalled_days: self.referral_stalled_days,
            ..Default::default()
        })
    }
}

/// The retention terms, in days (see `store::retention`).
#[derive(Args, Clone, Copy)]
struct RetentionArgs {
    /// A signal that led to no case.
    #[arg(long, env = "EROPAF_RETENTION_SIGNAL_DAYS", default_value_t = RetentionPolicy::default().signal_days)]
    signal_days: u32,
    /// A contact attempt or appointment outside a case.
    #[arg(long, env = "EROPAF_RETENTION_CONTACT_DAYS", default_value_t = RetentionPolicy::default().contact_days)]
    contact_days: u32,
    /// A closed case, counted from its closing.
    #[arg(long, env = "EROPAF_RETENTION_CASE_DAYS", default_value_t = RetentionPolicy::default().case_days)]
    case_days: u32,
    /// A signal case closed as not picked up or with no help needed, counted from its closing.
    #[arg(long, env = "EROPAF_RETENTION_SIGNAL_CASE_DAYS", default_value_t = RetentionPolicy::default().signal_case_days)]
    signal_case_days: u32,
}

impl RetentionArgs {
    fn policy(self) -> Result<RetentionPolicy, String> {
        if [self.signal_days, self.contact_days, self.case_days, self.signal_case_days].contains(&0) {
            return Err("een bewaartermijn is minstens 1 dag".into());
        }
        Ok(RetentionPolicy { signal_days: self.signal_days, contact_days: self.contact_days, case_days: self.case_days, signal_case_days: self.signal_case_days })
    }
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Remove expired signals, contact attempts and closed cases now; one audit record per household.
    Purge {
        #[command(flatten)]
        db: DatabaseArg,
        #[command(flatten)]
        retention: RetentionArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; exit 1 and name the first record that was changed or removed.
    Verify {
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account; the password is read from standard input.
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The team (by name) a worker or team lead belongs to.
        #[arg(long)]
        team: Option<String>,
        /// The partner organisation (by name) a partner account acts for.
        #[arg(long)]
        partner: Option<String>,
        /// Name shown on screen; defaults to NAME.
        #[arg(long)]
        display_name: Option<String>,
        /// Outreach models the worker can apply, comma-separated (hulp,presentie,…).
        #[arg(long, value_delimiter = ',', value_parser = parse_model)]
        models: Vec<OutreachModel>,
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Set up a TOTP second factor and print its secret as `totp-secret=BASE32`.
        #[arg(long)]
        totp: bool,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Block an account: its sessions and API tokens stop working at once.
    Disable {
        name: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Unblock an account (it logs in again; old sessions stay ended).
    Enable {
        name: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Bind the account to its subject (`sub`) at the municipality's identity provider, so it
    /// can log in through OpenID Connect; `--remove` unbinds it.
    Oidc {
        name: String,
        #[arg(required_unless_present = "remove")]
        subject: Option<String>,
        #[arg(long, conflicts_with = "subject")]
        remove: bool,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Set up (or replace) the account's TOTP second factor and print its secret as
    /// `totp-secret=BASE32`, to enter in an authenticator app; the old secret stops working.
    Totp {
        name: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new bearer token for the JSON API, acting as user NAME.
    Create {
        name: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::from_code(s).ok_or_else(|| format!("onbekende rol '{s}'; kies uit worker, team-lead, partner, privacy-officer, admin"))
}

fn parse_model(s: &str) -> Result<OutreachModel, String> {
    OutreachModel::from_code(s).ok_or_else(|| {
        let all: Vec<&str> = OutreachModel::ALL.iter().map(|m| m.code()).collect();
        format!("onbekend model '{s}'; kies uit {}", all.join(", "))
    })
}

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
fn spawn_daily_purge(store: Store, policy: RetentionPolicy) {
    let instance = format!("{}:{}", std::fs::read_to_string("/etc/hostname").unwrap_or_default().trim(), std::process::id());
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
        loop {
            every_hour.tick().await;
            match store.daily_purge(&policy, OffsetDateTime::now_utc(), &instance).await {
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
    let cli = Cli::parse();
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
    match runtime.block_on(run(cli)) {
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

pub(crate) async fn serve(store: Store, listen: &str, retention: RetentionPolicy, signals: store::signals::SignalPolicy, cadence: domain::contact::CadencePolicy, oidc: &OidcArgs, ops: &OpsArgs) -> Result<(), String> {
    // The linker first (the model is trained once per database, the index built from everyone
    // registered), so the server answers as soon as it says it listens.
    let linker = store.linker(store::linking::LinkPolicy::default(), OffsetDateTime::now_utc()).await.map_err(|e| format!("koppelindex: {e}"))?;
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("kan niet luisteren op {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mut state = web::AppState::new(store.clone(), wall_clock(), linker).with_retention(retention).with_signal_policy(signals).with_cadence(cadence);
    if let Some(provider) = oidc.provider(addr).await? {
        tracing::info!(issuer = %provider.config.issuer, "OpenID Connect login enabled");
        state = state.with_oidc(provider);
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

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Demo { households, contact_history, seed, listen, data_dir, database_url, oidc, ops } => demo::run(demo::Size { households, contact_history }, seed, &listen, &data_dir, database_url.as_deref(), &oidc, &ops).await,
        Command::Serve { db, listen, retention, pickup, cadence, oidc, ops } => {
            let policy = retention.policy()?;
            let store = connect_migrated(&db.database_url).await?;
            spawn_daily_purge(store.clone(), policy);
            serve(store, &listen, policy, pickup.policy()?, cadence.policy()?, &oidc, &ops).await
        }
        Command::Retention { command: RetentionCommand::Purge { db, retention } } => {
            let policy = retention.policy()?;
            let store = connect_migrated(&db.database_url).await?;
            let r = store.purge_expired(&policy, OffsetDateTime::now_utc()).await.map_err(|e| e.to_string())?;
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
        Command::User { command: UserCommand::Add { name, role, team, partner, display_name, models, password_stdin: _, totp, db } } => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).map_err(|e| format!("kan het wachtwoord niet lezen: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            web::auth::check_new_password(&password).map_err(|(nl, _)| format!("wachtwoord: {nl}"))?;
            let store = connect_migrated(&db.database_url).await?;
            let team_id = match (&team, role) {
                (Some(t), _) => Some(store.team_id_by_name(t).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("team '{t}' bestaat niet"))?),
                (None, Role::Worker | Role::TeamLead) => return Err("een werker of teamleider hoort bij een team: geef --team".into()),
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
            let id = store.create_user(&new, Some(&hash), OffsetDateTime::now_utc()).await.map_err(|e| {
                if e.is_unique_violation() { format!("gebruiker '{}' bestaat al", new.username) } else { e.to_string() }
            })?;
            println!("gebruiker {} toegevoegd (id {id}, rol {})", new.username, role.code());
            if totp {
                let secret = web::totp::new_secret();
                store.set_totp_secret(id, Some(&secret)).await.map_err(|e| e.to_string())?;
                println!("totp-secret={secret}");
            } else if role.needs_second_factor() {
                eprintln!("let op: de rol {} logt alleen in met een tweede factor; stel die in met `eropaf user totp {}`", role.code(), new.username);
            }
            store.close().await;
            Ok(())
        }
        Command::Resident { command } => {
            let (household, officer, db) = match &command {
                ResidentCommand::Export { household, officer, db } | ResidentCommand::Erase { household, officer, db, .. } => (*household, officer, db),
            };
            let store = connect_migrated(&db.database_url).await?;
            let user = store.user_by_username(officer).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("gebruiker '{officer}' bestaat niet"))?;
            let actor = user.actor();
            let route = match command {
                ResidentCommand::Export { .. } => "eropaf resident export",
                ResidentCommand::Erase { .. } => "eropaf resident erase",
            };
            let access = store::Access { actor: &actor, route, now: OffsetDateTime::now_utc() };
            let explain = |e: store::StoreError| match e {
                store::StoreError::Forbidden => "alleen een privacyfunctionaris mag dit".to_string(),
                store::StoreError::NotFound => format!("huishouden {household} bestaat niet"),
                store::StoreError::Invalid { message_nl, .. } => message_nl,
                other => other.to_string(),
            };
            let result = match &command {
                ResidentCommand::Export { .. } => store.export_household(&access, household).await.map_err(explain).and_then(|export| {
                    serde_json::to_string_pretty(&export).map(|json| println!("{json}")).map_err(|e| e.to_string())
                }),
                ResidentCommand::Erase { reason, .. } => {
                    store.erase_household(&access, household, reason).await.map_err(explain).map(|()| println!("huishouden {household} gewist"))
                }
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
        Command::Token { command: TokenCommand::Create { name, db } } => {
            let store = connect_migrated(&db.database_url).await?;
            let user = store.user_by_username(&name).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("gebruiker '{name}' bestaat niet"))?;
            let token = web::auth::random_token();
            store.create_api_token(user.id, &web::auth::secret_hash(&token), OffsetDateTime::now_utc()).await.map_err(|e| e.to_string())?;
            println!("{token}");
            store.close().await;
            Ok(())
        }
    }
}
