//! The landing pages of the roles that see no case content: the signal partner (status of
//! its own signals), the privacy officer (audit overview) and the administrator (accounts).

use super::{render, Nav};
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::model::Role;
use store::accounts::AccountRow;
use store::audit::AuditSummaryRow;
use store::residents::PartnerSignalRow;

fn require(user: &PageUser, role: Role) -> Result<(), AppError> {
    if user.user.role == role { Ok(()) } else { Err(AppError::Forbidden) }
}

#[derive(Template)]
#[template(path = "partner_home.html")]
pub struct PartnerHome {
    pub t: Lang,
    pub nav: Nav,
    pub organisation: String,
    pub signals: Vec<PartnerSignalRow>,
}

pub async fn partner_home(State(state): State<AppState>, user: PageUser) -> Result<Response, Response> {
    require(&user, Role::Partner).map_err(|e| e.page(user.lang))?;
    let t = user.lang;
    let partner = user.user.partner_id.ok_or_else(|| AppError::Forbidden.page(t))?;
    let organisation = state.store.partner_name(partner).await.map_err(|e| AppError::from(e).page(t))?.unwrap_or_default();
    let signals = state.store.partner_signals(partner, 50).await.map_err(|e| AppError::from(e).page(t))?;
    Ok(render(&PartnerHome { t, nav: Nav::for_user(&user, "/partner"), organisation, signals }))
}

#[derive(Template)]
#[template(path = "privacy_home.html")]
pub struct PrivacyHome {
    pub t: Lang,
    pub nav: Nav,
    pub since: String,
    pub rows: Vec<AuditSummaryRow>,
}

pub async fn privacy_home(State(state): State<AppState>, user: PageUser) -> Result<Response, Response> {
    require(&user, Role::PrivacyOfficer).map_err(|e| e.page(user.lang))?;
    let t = user.lang;
    let since = state.now() - time::Duration::days(30);
    let rows = state.store.audit_summary(since).await.map_err(|e| AppError::from(e).page(t))?;
    Ok(render(&PrivacyHome { t, nav: Nav::for_user(&user, "/privacy"), since: t.date(&since.date()), rows }))
}

#[derive(Template)]
#[template(path = "admin_home.html")]
pub struct AdminHome {
    pub t: Lang,
    pub nav: Nav,
    pub accounts: Vec<AccountRow>,
}

pub async fn admin_home(State(state): State<AppState>, user: PageUser) -> Result<Response, Response> {
    require(&user, Role::Admin).map_err(|e| e.page(user.lang))?;
    let t = user.lang;
    let accounts = state.store.list_accounts().await.map_err(|e| AppError::from(e).page(t))?;
    Ok(render(&AdminHome { t, nav: Nav::for_user(&user, "/beheer"), accounts }))
}
