//! Eropaf's web shell: server-rendered Dutch pages (askama, htmx where it helps, all working
//! without JavaScript), login sessions in the database, and the JSON API under `/api/v1`.

pub mod api;
pub mod assets;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod layout;
pub mod listener;
pub mod metrics;
pub mod oidc;
pub mod pages;
pub mod totp;
mod security;

use axum::routing::{get, post, MethodRouter};
use domain::model::Role;
use axum::Router;
use std::sync::{Arc, RwLock};
use store::linking::Linker;
use store::Store;
use time::OffsetDateTime;

/// Where the time comes from: the wall clock in production, a fixed instant in tests.
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    clock: Clock,
    /// Links incoming signals to known residents; learns people intake creates.
    pub linker: Arc<RwLock<Linker>>,
    /// The municipality's identity provider, when OpenID Connect login is configured.
    pub oidc: Option<Arc<oidc::Provider>>,
    /// Whom the API's clients contact (`info.contact`), when the settings name it.
    pub api_contact: Option<Arc<api::ApiContact>>,
}

impl AppState {
    pub fn new(store: Store, clock: Clock, linker: Linker) -> AppState {
        AppState {
            store,
            clock,
            linker: Arc::new(RwLock::new(linker)),
            oidc: None,
            api_contact: None,
        }
    }

    pub fn with_api_contact(mut self, contact: api::ApiContact) -> AppState {
        self.api_contact = Some(Arc::new(contact));
        self
    }

    pub fn with_oidc(mut self, provider: oidc::Provider) -> AppState {
        self.oidc = Some(Arc::new(provider));
        self
    }

    pub fn now(&self) -> OffsetDateTime {
        (self.clock)()
    }
}

/// Who may use a page: anyone (also without logging in), or only these roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Anyone,
    Roles(&'static [Role]),
}

const TEAM: &[Role] = &[Role::Worker, Role::TeamLead];
/// The team lead alone: the case discussion's outcome, the team's way of weighing.
const LEADS: &[Role] = &[Role::TeamLead];
/// The team and its experience experts, who reach only the households assigned to them (the
/// store's need-to-know): the household page, the case page and logging a contact.
const WITH_EXPERTS: &[Role] = &[Role::Worker, Role::TeamLead, Role::ExperienceExpert];
const ANY_USER: &[Role] = &[Role::Worker, Role::TeamLead, Role::ExperienceExpert, Role::Partner, Role::PrivacyOfficer, Role::Admin];

/// One page route: its path, methods, who may use it, and its handlers. The router is built from
/// this table, and the authorization test walks the same table, so no route escapes the test.
pub struct PageRoute {
    pub path: &'static str,
    pub methods: &'static [&'static str],
    pub audience: Audience,
    /// The most its request body may hold, stated on the page where it matters (the upload).
    pub body_limit: usize,
    handler: fn() -> MethodRouter<AppState>,
}

/// A form post: a few kilobytes of fields.
pub const FORM_BYTES: usize = 64 * 1024;

impl PageRoute {
    /// The handlers behind the one check of the table's audience, so no handler repeats it.
    fn method_router(&self, state: &AppState) -> MethodRouter<AppState> {
        let handlers = (self.handler)().layer(axum::extract::DefaultBodyLimit::max(self.body_limit));
        match self.audience {
            Audience::Anyone => handlers,
            Audience::Roles(roles) => handlers.route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                move |axum::extract::State(state): axum::extract::State<AppState>, req: axum::extract::Request, next: axum::middleware::Next| {
                    auth::admit(state, roles, req, next)
                },
            )),
        }
    }
}

pub fn page_routes() -> Vec<PageRoute> {
    let r = |path, methods, audience, handler| PageRoute { path, methods, audience, body_limit: FORM_BYTES, handler };
    vec![
        r("/", &["GET"], Audience::Roles(ANY_USER), || get(pages::home)),
        r("/inloggen", &["GET", "POST"], Audience::Anyone, || get(pages::login::form).post(pages::login::submit)),
        r("/inloggen/code", &["GET", "POST"], Audience::Anyone, || get(pages::login::code_form).post(pages::login::code_submit)),
        r("/inloggen/herstellen", &["GET", "POST"], Audience::Anyone, || get(pages::reset::form).post(pages::reset::submit)),
        r("/inloggen/oidc", &["GET"], Audience::Anyone, || get(pages::login::oidc_start)),
        r("/inloggen/oidc/terug", &["GET"], Audience::Anyone, || get(pages::login::oidc_return)),
        r("/uitloggen", &["POST"], Audience::Roles(ANY_USER), || post(pages::login::logout)),
        r("/taal", &["GET"], Audience::Anyone, || get(pages::switch_language)),
        r("/mijn-dag", &["GET"], Audience::Roles(TEAM), || get(pages::households::my_day)),
        r("/huishoudens", &["GET", "POST"], Audience::Roles(TEAM), || get(pages::households::search_form).post(pages::households::search)),
        r("/huishoudens/nieuw", &["GET", "POST"], Audience::Roles(TEAM), || get(pages::households::new_form).post(pages::households::create)),
        r("/mijn-huishoudens", &["GET"], Audience::Roles(&[Role::ExperienceExpert]), || get(pages::confidential::my_households)),
        r("/huishoudens/{id}", &["GET"], Audience::Roles(WITH_EXPERTS), || get(pages::households::detail)),
        r("/huishoudens/{id}/vertrouwelijk", &["POST"], Audience::Roles(&[Role::Worker]), || post(pages::confidential::open)),
        r("/huishoudens/{id}/contact", &["POST"], Audience::Roles(WITH_EXPERTS), || post(pages::contact::log)),
        r("/huishoudens/{id}/kaartje", &["POST"], Audience::Roles(TEAM), || post(pages::contact::card)),
        r("/huishoudens/{id}/casusoverleg", &["POST"], Audience::Roles(LEADS), || post(pages::contact::discussed)),
        r("/huishoudens/{id}/taal", &["POST"], Audience::Roles(TEAM), || post(pages::contact::language)),
        r("/huishoudens/{id}/steun", &["POST"], Audience::Roles(TEAM), || post(pages::households::support)),
        r("/huishoudens/{id}/ervaringsdeskundige", &["POST"], Audience::Roles(TEAM), || post(pages::confidential::expert)),
        r("/huishoudens/{id}/ervaringsdeskundige/delen", &["POST"], Audience::Roles(TEAM), || post(pages::confidential::expert_share)),
        r("/huishoudens/{id}/plannen", &["POST"], Audience::Roles(TEAM), || post(pages::contact::plan)),
        r("/huishoudens/{id}/traject", &["POST"], Audience::Roles(TEAM), || post(pages::cases::open)),
        r("/trajecten/{id}", &["GET"], Audience::Roles(WITH_EXPERTS), || get(pages::cases::page)),
        r("/trajecten/{id}/{actie}", &["POST"], Audience::Roles(TEAM), || post(pages::cases::act)),
        r("/verwijzingen/{id}/nagaan", &["POST"], Audience::Roles(TEAM), || post(pages::cases::check)),
        r("/campagnes", &["GET"], Audience::Roles(TEAM), || get(pages::campaigns::list)),
        r("/campagnes/nieuw", &["GET", "POST"], Audience::Roles(TEAM), || get(pages::campaigns::new_form).post(pages::campaigns::create)),
        r("/campagnes/{id}", &["GET"], Audience::Roles(TEAM), || get(pages::campaigns::page)),
        r("/campagnes/{id}/ronde", &["POST"], Audience::Roles(TEAM), || post(pages::campaigns::next_wave)),
        r("/looplijsten/{id}", &["GET"], Audience::Roles(TEAM), || get(pages::campaigns::walk_list)),
        r("/looplijsten/{id}/afdrukken", &["GET"], Audience::Roles(TEAM), || get(pages::campaigns::print)),
        r("/looplijsten/{id}/deuren/{deur}", &["POST"], Audience::Roles(TEAM), || post(pages::campaigns::record)),
        PageRoute { body_limit: pages::campaigns::UPLOAD_BYTES, ..r("/adressen/importeren", &["GET", "POST"], Audience::Roles(TEAM), || get(pages::campaigns::import_form).post(pages::campaigns::import)) },
        r("/vindplaatsen", &["GET", "POST"], Audience::Roles(TEAM), || get(pages::venues::list).post(pages::venues::add_venue)),
        r("/vindplaatsen/{id}", &["GET"], Audience::Roles(TEAM), || get(pages::venues::venue)),
        r("/vindplaatsen/{id}/aanwezigheid", &["POST"], Audience::Roles(TEAM), || post(pages::venues::log_presence)),
        r("/voorlichting", &["POST"], Audience::Roles(TEAM), || post(pages::venues::add_info_session)),
        r("/noodtoegang", &["GET", "POST"], Audience::Roles(TEAM), || get(pages::households::break_glass_form).post(pages::households::break_glass)),
        r("/signaalzaken", &["GET"], Audience::Roles(TEAM), || get(pages::signals::cases)),
        r("/signaalzaken/{id}", &["GET"], Audience::Roles(TEAM), || get(pages::signals::case)),
        r("/signaalzaken/{id}/weging", &["POST"], Audience::Roles(TEAM), || post(pages::signals::weigh)),
        r("/signaalzaken/{id}/contact", &["POST"], Audience::Roles(TEAM), || post(pages::signals::contact)),
        r("/signaalzaken/{id}/afsluiten", &["POST"], Audience::Roles(TEAM), || post(pages::signals::close)),
        r("/signaalzaken/{id}/bevestigen", &["POST"], Audience::Roles(TEAM), || post(pages::signals::confirm)),
        r("/signaalzaken/vier-ogen", &["POST"], Audience::Roles(LEADS), || post(pages::signals::four_eyes)),
        r("/signalen/{id}/terugkoppeling", &["POST"], Audience::Roles(TEAM), || post(pages::signals::feedback)),
        r("/signalen/{id}/vertrouwelijk", &["POST"], Audience::Roles(TEAM), || post(pages::confidential::mark_signal)),
        r("/signalen/beoordelen", &["GET"], Audience::Roles(TEAM), || get(pages::signals::review_queue)),
        r("/signalen/beoordelen/{id}", &["GET", "POST"], Audience::Roles(TEAM), || get(pages::signals::review).post(pages::signals::resolve)),
        r("/signalen/nieuw", &["GET", "POST"], Audience::Roles(TEAM), || get(pages::signals::new_signal_form).post(pages::signals::create_signal)),
        r("/intervisie", &["GET", "POST"], Audience::Roles(TEAM), || get(pages::reflection::list).post(pages::reflection::bring)),
        r("/intervisie/{id}", &["POST"], Audience::Roles(TEAM), || post(pages::reflection::conclude)),
        r("/partner", &["GET", "POST"], Audience::Roles(&[Role::Partner]), || get(pages::partner_status::partner_home).post(pages::partner_status::partner_search)),
        r("/partner/signaal", &["GET", "POST"], Audience::Roles(&[Role::Partner]), || get(pages::signals::partner_signal_form).post(pages::signals::create_partner_signal)),
        r("/privacy", &["GET"], Audience::Roles(&[Role::PrivacyOfficer]), || get(pages::rights::trail::privacy_home)),
        r("/privacy/nagaan", &["POST"], Audience::Roles(&[Role::PrivacyOfficer]), || post(pages::rights::trail::review)),
        r("/privacy/rechten", &["GET", "POST"], Audience::Roles(&[Role::PrivacyOfficer]), || get(pages::rights::lookup_form).post(pages::rights::lookup)),
        r("/privacy/rechten/{id}/inzage", &["POST"], Audience::Roles(&[Role::PrivacyOfficer]), || post(pages::rights::export::export_household)),
        r("/privacy/rechten/{id}/wissen", &["GET", "POST"], Audience::Roles(&[Role::PrivacyOfficer]), || get(pages::rights::erase_form).post(pages::rights::erase)),
        r("/privacy/rechten/bewoner/{id}/inzage", &["POST"], Audience::Roles(&[Role::PrivacyOfficer]), || post(pages::rights::export::export_person)),
        r("/privacy/rechten/bewoner/{id}/wissen", &["GET", "POST"], Audience::Roles(&[Role::PrivacyOfficer]), || get(pages::rights::erase_person_form).post(pages::rights::erase_person)),
        r("/privacy/register", &["GET"], Audience::Roles(&[Role::PrivacyOfficer]), || get(pages::roles::register)),
        r("/beheer", &["GET"], Audience::Roles(&[Role::Admin]), || get(pages::roles::admin_home)),
        r("/beheer/gebieden", &["GET"], Audience::Roles(&[Role::Admin]), || get(pages::areas::areas)),
        r("/beheer/gemeente", &["POST"], Audience::Roles(&[Role::Admin]), || post(pages::areas::init_municipality)),
        PageRoute { body_limit: pages::areas::UPLOAD_BYTES, ..r("/beheer/gebieden/importeren", &["POST"], Audience::Roles(&[Role::Admin]), || post(pages::areas::import_areas)) },
        PageRoute { body_limit: pages::areas::UPLOAD_BYTES, ..r("/beheer/adressen/importeren", &["POST"], Audience::Roles(&[Role::Admin]), || post(pages::areas::import_addresses)) },
        r("/beheer/teams", &["GET", "POST"], Audience::Roles(&[Role::Admin]), || get(pages::areas::teams).post(pages::areas::add_team)),
        r("/beheer/teams/{id}/gebieden", &["POST"], Audience::Roles(&[Role::Admin]), || post(pages::areas::set_team_areas)),
        r("/beheer/tokens/{id}/intrekken", &["POST"], Audience::Roles(&[Role::Admin]), || post(pages::roles::revoke_token)),
        r("/beheer/accounts", &["GET", "POST"], Audience::Roles(&[Role::Admin]), || get(pages::accounts::list).post(pages::accounts::act)),
        r("/beheer/accounts/nieuw", &["GET", "POST"], Audience::Roles(&[Role::Admin]), || get(pages::accounts::new_form).post(pages::accounts::create)),
        r("/beheer/partners", &["GET"], Audience::Roles(&[Role::Admin]), || get(pages::partners::list)),
        r("/beheer/partners/nieuw", &["POST"], Audience::Roles(&[Role::Admin]), || post(pages::partners::create)),
        r("/beheer/partners/sleutel", &["POST"], Audience::Roles(&[Role::Admin]), || post(pages::partners::new_key)),
        r("/toegankelijkheid", &["GET"], Audience::Anyone, || get(pages::accessibility)),
        r("/healthz", &["GET"], Audience::Anyone, || get(healthz)),
        r("/readyz", &["GET"], Audience::Anyone, || get(readyz)),
        r("/assets/{name}", &["GET"], Audience::Anyone, || get(assets::serve)),
    ]
}

pub fn router(state: AppState) -> Router {
    page_routes()
        .into_iter()
        .fold(Router::new(), |router, route| router.route(route.path, route.method_router(&state)))
        .nest("/api/v1", api::router())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(error::localize))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn(metrics::track))
        .with_state(state)
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> axum::http::StatusCode {
    if state.store.healthy().await {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    }
}

/// Ready for traffic (a load balancer's check): the database answers and its schema is the one
/// this binary expects. 503 with the reason otherwise (no personal data, no versions leaked).
async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> (axum::http::StatusCode, &'static str) {
    use axum::http::StatusCode;
    if !state.store.healthy().await {
        return (StatusCode::SERVICE_UNAVAILABLE, "database niet bereikbaar\n");
    }
    match state.store.pending_migrations().await {
        Ok(pending) if pending.is_empty() => (StatusCode::OK, "gereed\n"),
        Ok(_) => (StatusCode::SERVICE_UNAVAILABLE, "databaseschema niet bijgewerkt (eropaf migrate)\n"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "databaseschema onleesbaar\n"),
    }
}

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    listener::serve_with(router(state), listener, listener::Limits::default(), shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
