//! The command line's shape: every subcommand with its arguments, as clap parses them, and
//! the few parsers of argument values. What each command does is in `main.rs` and the `*_cli`
//! modules.

use clap::{Args, Parser, Subcommand};
use domain::model::{OutreachModel, Role};
use store::retention::RetentionPolicy;

pub(crate) const DEFAULT_DATABASE_URL: &str = "sqlite://eropaf-data/eropaf.db";

#[derive(Parser)]
#[command(name = "eropaf", version, about = "Eropaf: het werksysteem voor outreachend werken van sociale wijkteams")]
pub(crate) struct Cli {
    /// Log lines as text (for people) or as one JSON object per line (for a log collector).
    /// Neither carries personal data.
    #[arg(long, global = true, env = "EROPAF_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub(crate) log_format: String,
    /// The settings file (see README, "Instellingen"); default ./eropaf.toml when it exists.
    /// Flags and the environment override what it says.
    // Read by `config::load` before clap parses (the file sets the variables clap reads); here so
    // clap accepts it and shows it.
    #[arg(long, global = true, env = "EROPAF_CONFIG", value_name = "PATH")]
    pub(crate) config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Args, Clone)]
pub(crate) struct DatabaseArg {
    /// sqlite://PATH or postgres://USER@HOST:PORT/DB
    #[arg(long, env = "EROPAF_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub(crate) database_url: String,
}

/// Operations: where the metrics are served, and whom the API's clients contact.
#[derive(Args, Clone, Default)]
pub(crate) struct OpsArgs {
    /// Serve Prometheus metrics (GET /metrics) on this address, apart from the public listener,
    /// e.g. 127.0.0.1:9464. Off when not given.
    #[arg(long, env = "EROPAF_METRICS_LISTEN")]
    pub(crate) metrics_listen: Option<String>,
    /// Who answers questions about the API (its `info.contact`), e.g. "Functioneel beheer
    /// Eropaf, gemeente Eropafdam". Give all three of name, URL and e-mail, or none.
    #[arg(long, env = "EROPAF_API_CONTACT_NAME")]
    pub(crate) api_contact_name: Option<String>,
    /// Where to ask (https), e.g. the municipality's developer page or issue tracker.
    #[arg(long, env = "EROPAF_API_CONTACT_URL")]
    pub(crate) api_contact_url: Option<String>,
    /// The e-mail address of the team that runs the API.
    #[arg(long, env = "EROPAF_API_CONTACT_EMAIL")]
    pub(crate) api_contact_email: Option<String>,
}

/// Login through the municipality's own identity provider (OpenID Connect); off unless an
/// issuer is given.
#[derive(Args, Clone)]
pub(crate) struct OidcArgs {
    /// The identity provider's issuer URL (https; plain http only on loopback), e.g.
    /// https://login.gemeente.nl/realms/medewerkers. Shows "Inloggen via …" on the login page.
    #[arg(long, env = "EROPAF_OIDC_ISSUER")]
    pub(crate) oidc_issuer: Option<String>,
    /// Eropaf's client id at the provider.
    #[arg(long, env = "EROPAF_OIDC_CLIENT_ID", default_value = "eropaf")]
    pub(crate) oidc_client_id: String,
    /// The client secret (better through the environment than on the command line).
    #[arg(long, env = "EROPAF_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub(crate) oidc_client_secret: Option<String>,
    /// The provider's name on the login button.
    #[arg(long, env = "EROPAF_OIDC_NAME", default_value = "uw gemeente")]
    pub(crate) oidc_name: String,
    /// Eropaf's address as browsers reach it, for the provider's redirect
    /// (PUBLIC_URL/inloggen/oidc/terug); default http://LISTEN-ADDRESS.
    #[arg(long, env = "EROPAF_PUBLIC_URL")]
    pub(crate) public_url: Option<String>,
}

impl OidcArgs {
    /// The provider, its discovery document and keys read (blocking, at startup), or None.
    pub(crate) async fn provider(&self, listening: std::net::SocketAddr) -> Result<Option<web::oidc::Provider>, String> {
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
pub(crate) enum Command {
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
        #[arg(long, env = "EROPAF_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        #[arg(long, env = "EROPAF_DEMO_DATA_DIR", default_value = "eropaf-data")]
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
        #[arg(long, env = "EROPAF_LISTEN", default_value = "127.0.0.1:8080")]
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
    /// The municipality this database serves (once), and an overview of its areas.
    Municipality {
        #[command(subcommand)]
        command: MunicipalityCommand,
    },
    /// The municipality's wijken and buurten with CBS's key figures.
    Areas {
        #[command(subcommand)]
        command: AreasCommand,
    },
    /// Teams and the wijken or buurten they work in.
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// The addresses where people live, from a BAG extract.
    Addresses {
        #[command(subcommand)]
        command: AddressesCommand,
    },
    /// The settings file: `config check` prints every setting's effective value and where it
    /// comes from.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Walk routing: a closed tour over points, or walk lists for several walkers in a shift.
    Route {
        #[command(subcommand)]
        command: crate::route_cli::RouteCommand,
    },
}

#[derive(Subcommand)]
pub(crate) enum ConfigCommand {
    /// Print each setting with its effective value and its source (vlag, omgeving, bestand,
    /// standaard), secrets as ***. Takes every setting's flag; needs no database.
    Check,
}

#[derive(Subcommand)]
pub(crate) enum PartnerCommand {
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
pub(crate) enum SignalsCommand {
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
        #[arg(long, env = "EROPAF_LEVERANCIER", default_value = "EROPAF")]
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

pub(crate) fn parse_day(s: &str) -> Result<time::Date, String> {
    domain::parse_date(s).map_err(|e| e.reason_nl)
}

#[derive(Subcommand)]
pub(crate) enum LinkageCommand {
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
pub(crate) enum ResidentCommand {
    /// Print as JSON what is recorded about one resident (--person: their own data, the household
    /// data that concerns them, who accessed it and why; never a housemate's), or about a
    /// household that asks together (--household, with --consent naming every adult) (art. 15).
    #[command(group(clap::ArgGroup::new("whom").required(true).args(["person", "household"])))]
    Export {
        #[arg(long)]
        person: Option<i64>,
        #[arg(long)]
        household: Option<i64>,
        /// The residents (person numbers) who consented to a household export: every adult.
        #[arg(long, value_delimiter = ',', requires = "household")]
        consent: Vec<i64>,
        /// The privacy officer carrying out the request (audited).
        #[arg(long = "as")]
        officer: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Erase one resident (--person: the household and housemates stay; refused while the
    /// household has an open case or an open signal case about them), or a household and
    /// everything about it (--household; refused while a case is open) (art. 17).
    #[command(group(clap::ArgGroup::new("whom").required(true).args(["person", "household"])))]
    Erase {
        #[arg(long)]
        person: Option<i64>,
        #[arg(long)]
        household: Option<i64>,
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
#[derive(Args, Clone)]
pub(crate) struct PickupArgs {
    /// First contact is due this many days after a signal.
    #[arg(long, env = "EROPAF_PICKUP_DAYS", default_value_t = store::signals::SignalPolicy::default().pickup_days)]
    pub(crate) pickup_days: u32,
    /// …and this many working days after a crisis signal.
    #[arg(long, env = "EROPAF_CRISIS_WORKING_DAYS", default_value_t = store::signals::SignalPolicy::default().crisis_working_days)]
    pub(crate) crisis_working_days: u32,
    /// Liberation Day (5 May) as a day off for the working days: `yearly` or `lustrum` (2025, 2030, …).
    #[arg(long, env = "EROPAF_LIBERATION_DAY", default_value = "yearly")]
    pub(crate) liberation_day: String,
}

impl PickupArgs {
    pub(crate) fn policy(&self) -> Result<store::signals::SignalPolicy, String> {
        if self.pickup_days == 0 || self.crisis_working_days == 0 {
            return Err("een termijn voor eerste contact is minstens 1 dag".into());
        }
        let liberation_day = domain::local::LiberationDay::from_code(self.liberation_day.trim())
            .ok_or_else(|| format!("--liberation-day: '{}' is geen keuze; kies yearly (elk jaar vrij) of lustrum (eens in de vijf jaar)", self.liberation_day))?;
        Ok(store::signals::SignalPolicy { pickup_days: self.pickup_days, crisis_working_days: self.crisis_working_days, liberation_day, ..Default::default() })
    }
}

/// Persistence and keeping in view (see `domain::contact`).
#[derive(Args, Clone, Copy)]
pub(crate) struct CadenceArgs {
    /// Failed contact attempts in a row after which a household goes to the case discussion.
    #[arg(long, env = "EROPAF_FAILURES_BEFORE_DISCUSSION", default_value_t = domain::contact::CadencePolicy::default().failures_before_discussion)]
    pub(crate) failures_before_discussion: usize,
    /// A household the team works with is out of view after this many days without contact.
    #[arg(long, env = "EROPAF_NO_CONTACT_DAYS", default_value_t = domain::contact::CadencePolicy::default().no_contact_days)]
    pub(crate) no_contact_days: i64,
    /// A referral whose help has not started this many days after it was made is stalled.
    #[arg(long, env = "EROPAF_REFERRAL_STALLED_DAYS", default_value_t = domain::contact::CadencePolicy::default().referral_stalled_days)]
    pub(crate) referral_stalled_days: i64,
}

impl CadenceArgs {
    pub(crate) fn policy(self) -> Result<domain::contact::CadencePolicy, String> {
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
pub(crate) struct RetentionArgs {
    /// A signal that led to no case.
    #[arg(long, env = "EROPAF_RETENTION_SIGNAL_DAYS", default_value_t = RetentionPolicy::default().signal_days)]
    pub(crate) signal_days: u32,
    /// A contact attempt or appointment outside a case.
    #[arg(long, env = "EROPAF_RETENTION_CONTACT_DAYS", default_value_t = RetentionPolicy::default().contact_days)]
    pub(crate) contact_days: u32,
    /// A closed case, counted from its closing.
    #[arg(long, env = "EROPAF_RETENTION_CASE_DAYS", default_value_t = RetentionPolicy::default().case_days)]
    pub(crate) case_days: u32,
    /// A signal case closed as not picked up or with no help needed, counted from its closing.
    #[arg(long, env = "EROPAF_RETENTION_SIGNAL_CASE_DAYS", default_value_t = RetentionPolicy::default().signal_case_days)]
    pub(crate) signal_case_days: u32,
}

impl RetentionArgs {
    pub(crate) fn policy(self) -> Result<RetentionPolicy, String> {
        if [self.signal_days, self.contact_days, self.case_days, self.signal_case_days].contains(&0) {
            return Err("een bewaartermijn is minstens 1 dag".into());
        }
        Ok(RetentionPolicy { signal_days: self.signal_days, contact_days: self.contact_days, case_days: self.case_days, signal_case_days: self.signal_case_days })
    }
}

#[derive(Subcommand)]
pub(crate) enum RetentionCommand {
    /// Remove expired signals, contact attempts and closed cases now; one audit record per household.
    Purge {
        #[command(flatten)]
        db: DatabaseArg,
        #[command(flatten)]
        retention: RetentionArgs,
    },
}

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
    /// Walk the hash chain; exit 1 and name the first record that was changed or removed.
    Verify {
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Subcommand)]
pub(crate) enum UserCommand {
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
    /// Print a one-time code (valid 24 hours, once) with which the user sets a new password at
    /// /inloggen/herstellen; an earlier code stops working. For an administrator without a screen.
    ResetPassword {
        name: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Subcommand)]
pub(crate) enum TokenCommand {
    /// Print a new bearer token for the JSON API, acting as user NAME, and its expiry.
    Create {
        #[arg(value_name = "NAME")]
        user: String,
        /// A label to recognise the token by (on the admin screen and in `token list`).
        #[arg(long = "name", value_name = "LABEL", default_value = "")]
        label: String,
        /// Days the token is valid: 90 unless given, at most 365.
        #[arg(long, value_name = "N", default_value_t = store::API_TOKEN_DEFAULT_DAYS)]
        days: i64,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// List every API token, one line each (never the token itself).
    List {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Revoke token ID (from `token list`): it stops working at once.
    Revoke {
        id: i64,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

pub(crate) fn parse_role(s: &str) -> Result<Role, String> {
    Role::from_code(s).ok_or_else(|| format!("onbekende rol '{s}'; kies uit worker, team-lead, partner, privacy-officer, admin"))
}

pub(crate) fn parse_model(s: &str) -> Result<OutreachModel, String> {
    OutreachModel::from_code(s).ok_or_else(|| {
        let all: Vec<&str> = OutreachModel::ALL.iter().map(|m| m.code()).collect();
        format!("onbekend model '{s}'; kies uit {}", all.join(", "))
    })
}

// A municipality's first day (run by `setup_cli`).

#[derive(clap::Subcommand)]
pub(crate) enum MunicipalityCommand {
    /// Set the municipality this database serves, once: its CBS code (GM and four digits).
    Init {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Print the municipality and its areas.
    Show {
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(clap::Subcommand)]
pub(crate) enum AreasCommand {
    /// Read CBS "Kerncijfers wijken en buurten" (StatLine CSV, ; or ,) for the municipality's
    /// wijken, buurten and key figures of YEAR.
    Import {
        file: std::path::PathBuf,
        /// The year of the figures (StatLine's table is per year), e.g. 2024.
        #[arg(long)]
        year: i32,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(clap::Subcommand)]
pub(crate) enum TeamCommand {
    /// A new team over wijken or buurten of the municipality (CODE,CODE: WK… or BU…).
    Add {
        name: String,
        #[arg(long, value_delimiter = ',')]
        areas: Vec<String>,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Give a team other areas; what it may see changes at once.
    Areas {
        name: String,
        #[arg(long, value_delimiter = ',')]
        areas: Vec<String>,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// One line per team: its areas, buurten, addresses and accounts.
    List {
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(clap::Subcommand)]
pub(crate) enum AddressesCommand {
    /// Read a BAG extract (openbareruimtenaam, huisnummer, huisletter, huisnummertoevoeging,
    /// postcode, woonplaatsnaam, gebruiksdoel, x, y, buurtcode): every object with a
    /// woonfunctie becomes an address; re-importing the same file adds nothing.
    Import {
        file: std::path::PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
}
