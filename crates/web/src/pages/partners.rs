//! The administrator's partner organisations (`/beheer/partners`): the list with each one's
//! DDAS type and key, a new organisation, and a new API key for its system, shown once on the
//! page that made it (the earlier key stops working at once).

use super::accounts::instant_text;
use super::forms::{first, grouped, pick};
use crate::auth::{self, PageUser};
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::layout::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::model::{Id, PartnerType};
use store::{Access, Setup};

/// One organisation on the list.
pub struct PartnerView {
    pub id: Id,
    pub name: String,
    pub partner_type: PartnerType,
    pub account: Option<String>,
    /// Until when its key works (text), if it has one that works.
    pub key_until: Option<String>,
}

/// A key just made, shown on this page only.
pub struct IssuedKey {
    pub partner: String,
    pub key: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "admin_partners.html")]
pub struct PartnersPage {
    pub t: Lang,
    pub nav: Nav,
    pub partners: Vec<PartnerView>,
    pub errors: Vec<FieldError>,
    pub name: String,
    pub chosen_type: String,
    pub key: Option<IssuedKey>,
    /// The organisation just added.
    pub added: Option<Id>,
}

impl PartnersPage {
    fn types(&self) -> &'static [PartnerType] {
        PartnerType::ALL
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message(&self.t))
    }
}

async fn partners_page(state: &AppState, user: &PageUser, errors: Vec<FieldError>, name: &str, chosen_type: &str) -> Result<PartnersPage, AppError> {
    let t = user.lang;
    let partners = state
        .store
        .partners(state.now())
        .await?
        .into_iter()
        .map(|p| PartnerView { id: p.id, name: p.name, partner_type: p.partner_type, account: p.account, key_until: p.key_expires.map(|e| instant_text(&t, e)) })
        .collect();
    Ok(PartnersPage { t, nav: user.nav("/beheer/partners"), partners, errors, name: name.to_string(), chosen_type: chosen_type.to_string(), key: None, added: None })
}

#[derive(serde::Deserialize)]
pub struct PartnersQuery {
    toegevoegd: Option<String>,
}

pub async fn list(State(state): State<AppState>, user: PageUser, Query(q): Query<PartnersQuery>) -> Result<Response, AppError> {
    let mut page = partners_page(&state, &user, Vec::new(), "", "").await?;
    page.added = q.toegevoegd.and_then(|id| id.parse().ok()).filter(|id| page.partners.iter().any(|p| p.id == *id));
    Ok(render(&page))
}

/// A new organisation (name, DDAS type) with its service account; its key comes next.
pub async fn create(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let mut errors = Vec::new();
    let name = first(&form, "naam").trim();
    if name.is_empty() {
        errors.push(FieldError::required("naam", "Naam", "Name"));
    }
    let partner_type = pick(&form, "soort", PartnerType::from_code, "Soort (DDAS)", "Type (DDAS)", &mut errors);
    if let (Some(partner_type), true) = (partner_type, errors.is_empty()) {
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /beheer/partners/nieuw", now: state.now() };
        match state.store.add_partner(&Setup::Admin(&access), name, partner_type).await {
            Ok(id) => {
                tracing::info!(partner = id, "partner organisation added on screen");
                return Ok(Redirect::to(&format!("/beheer/partners?toegevoegd={id}#partner-{id}")).into_response());
            }
            Err(e) => errors.push(super::forms::field_error(e)?),
        }
    }
    let mut r = render(&partners_page(&state, &user, errors, name, first(&form, "soort")).await?);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

/// A new API key for the organisation's system (`partner`, its id): shown on the page this
/// returns and nowhere else, never logged; the earlier key stops working at once.
pub async fn new_key(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let partner = super::forms::parse_id(first(&form, "partner"))?;
    let key = auth::random_token();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /beheer/partners/sleutel", now: state.now() };
    let expires = state.store.replace_partner_key(&Setup::Admin(&access), partner, &auth::secret_hash(&key)).await?;
    tracing::info!(partner, "partner API key replaced on screen");
    let mut page = partners_page(&state, &user, Vec::new(), "", "").await?;
    let name = page.partners.iter().find(|p| p.id == partner).map(|p| p.name.clone()).unwrap_or_default();
    page.key = Some(IssuedKey { partner: name, key, expires: instant_text(&user.lang, expires) });
    Ok(render(&page))
}
