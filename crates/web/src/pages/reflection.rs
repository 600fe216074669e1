//! Room for professionals (seed §3.3): the team's reflection (intervisie). A worker brings a
//! dilemma without names (checked against the household's names when started from one, with
//! `?huishouden=ID`, which is not stored); the team records what it weighed and concluded; the
//! list per quarter shows what the team learned. Nothing on these pages is personal data.

use super::forms::{field_error, first, grouped, parse_id};
use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::layout::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::HashMap;
use store::reflection::{NewDilemma, Quarter, Reflection, Theme};
use store::Access;

type FormMap = HashMap<String, Vec<String>>;

#[derive(Template)]
#[template(path = "reflection.html")]
pub struct ReflectionPage {
    pub t: Lang,
    pub nav: Nav,
    pub quarter: Quarter,
    /// The quarters to choose from (this one, the previous, and any with reflections).
    pub quarters: Vec<Quarter>,
    pub reflections: Vec<Reflection>,
    pub themes: &'static [Theme],
    pub errors: Vec<FieldError>,
    pub form: FormMap,
    /// The reflection whose conclusion form the errors belong to.
    pub concluding: Option<i64>,
    /// The household the worker starts from (its names are checked; it is not stored).
    pub household: Option<i64>,
    pub done: Option<&'static str>,
}

impl ReflectionPage {
    pub fn value(&self, name: &str) -> &str {
        first(&self.form, name)
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message(&self.t))
    }

    /// Whether the errors shown belong to reflection `r`'s conclusion form.
    pub fn is_concluding(&self, r: &Reflection) -> bool {
        self.concluding == Some(r.id)
    }

    /// An error of the conclusion form of reflection `id`.
    pub fn conclude_error(&self, id: &i64, name: &str) -> Option<&str> {
        if self.concluding == Some(*id) { self.error(name) } else { None }
    }

    pub fn conclude_value(&self, r: &Reflection, name: &str) -> String {
        if self.concluding == Some(r.id) {
            return self.value(name).to_string();
        }
        match name {
            "gewogen" => r.weighed.clone().unwrap_or_default(),
            _ => r.concluded.clone().unwrap_or_default(),
        }
    }

    pub fn theme_label(&self, theme: &Theme) -> &'static str {
        theme.label(self.t.is_nl())
    }
}

#[derive(serde::Deserialize)]
pub struct ReflectionQuery {
    kwartaal: Option<String>,
    huishouden: Option<String>,
    gedaan: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn page(state: &AppState, user: &PageUser, quarter: Quarter, form: FormMap, errors: Vec<FieldError>, concluding: Option<i64>, household: Option<i64>, done: Option<&'static str>) -> Result<Response, AppError> {
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /intervisie", now: state.now() };
    let reflections = state.store.reflections(&access, quarter).await?;
    let now = Quarter::at(state.now());
    let mut quarters = state.store.reflection_quarters(&access).await?;
    quarters.extend([now, now.previous(), quarter]);
    quarters.sort_by(|a, b| b.cmp(a));
    quarters.dedup();
    let failed = !errors.is_empty();
    let page = ReflectionPage { t: user.lang, nav: user.nav("/intervisie"), quarter, quarters, reflections, themes: Theme::ALL, errors, form, concluding, household, done };
    let mut r = render(&page);
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// The team's reflections of a quarter (this one unless `?kwartaal=2026-K3`), and the form to
/// bring a dilemma in.
pub async fn list(State(state): State<AppState>, user: PageUser, Query(q): Query<ReflectionQuery>) -> Result<Response, AppError> {
    let quarter = q.kwartaal.as_deref().and_then(Quarter::parse).unwrap_or_else(|| Quarter::at(state.now()));
    let household = q.huishouden.as_deref().and_then(|h| h.parse().ok());
    let done = match q.gedaan.as_deref() {
        Some("ingebracht") => Some("ingebracht"),
        Some("afgerond") => Some("afgerond"),
        _ => None,
    };
    page(&state, &user, quarter, FormMap::new(), Vec::new(), None, household, done).await
}

/// Brings a dilemma in; a text with a name of the household's residents (or an identifier) is
/// refused, naming the field, and the form shows again with what was typed.
pub async fn bring(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let now = Quarter::at(state.now());
    let household = first(&form, "huishouden").parse::<i64>().ok();
    let Some(theme) = Theme::from_code(first(&form, "thema")) else {
        let e = FieldError { field: "thema", message_nl: "Thema: maak een keuze.".into(), message_en: "Theme: make a choice.".into() };
        return page(&state, &user, now, form, vec![e], None, household, None).await;
    };
    let new = NewDilemma { theme, dilemma: first(&form, "dilemma").to_string(), question: first(&form, "vraag").to_string(), household_id: household };
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /intervisie", now: state.now() };
    match state.store.bring_dilemma(&access, &new).await {
        Ok(_) => Ok(Redirect::to("/intervisie?gedaan=ingebracht").into_response()),
        Err(e) => {
            let e = field_error(e)?;
            page(&state, &user, now, form, vec![e], None, household, None).await
        }
    }
}

/// The team records what it weighed and what it concluded.
pub async fn conclude(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /intervisie/{id}", now: state.now() };
    let quarter = state.store.reflection(&access, id).await?.quarter;
    match state.store.conclude_reflection(&access, id, first(&form, "gewogen"), first(&form, "conclusie")).await {
        Ok(()) => Ok(Redirect::to(&format!("/intervisie?kwartaal={}&gedaan=afgerond#intervisie-{id}", quarter.code())).into_response()),
        Err(e) => {
            let e = field_error(e)?;
            page(&state, &user, quarter, form, vec![e], Some(id), None, None).await
        }
    }
}
