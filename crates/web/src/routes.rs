//! Every route, the access it needs, and the gate that asks the access policy before a
//! handler runs. A route missing from [`ROUTES`] is refused (deny by default).

use crate::auth::{Ctx, Via};
use crate::error::AppError;
use crate::{api, assets, auth, pages, SharedState};
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use confer_domain::access::{decide, Action, Decision, Target};

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in pages, assets, health checks).
    Public,
    /// This action on the actor's own authority; decided here, before the handler.
    Authority(Action),
    /// This action on a family's record; the gate checks sign-in, the handler asks the
    /// policy with the record's relationships (it must, to answer 404 for others' records).
    Record(Action),
}

#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn r(method: &'static str, path: &'static str, access: Access) -> Route {
    Route { method, path, access }
}

use Access::*;

/// The route table. The router below is built from the same paths; a test checks that
/// every route of the router is here and that every cell of routes x roles x relationships
/// answers as the policy decides.
pub const ROUTES: &[Route] = &[
    r("GET", "/healthz", Public),
    r("GET", "/readyz", Public),
    r("GET", "/assets/{name}", Public),
    r("GET", "/sign-in", Public),
    r("POST", "/sign-in", Public),
    r("GET", "/sign-in/code", Public),
    r("POST", "/sign-in/code", Public),
    r("GET", "/sign-in/enrol", Public),
    r("POST", "/sign-in/enrol", Public),
    r("POST", "/sign-out", Public),
    r("GET", "/portal/sign-in", Public),
    r("POST", "/portal/sign-in", Public),
    r("GET", "/portal/sign-in/code", Public),
    r("POST", "/portal/sign-in/code", Public),
    r("GET", "/", Authority(Action::ViewDashboard)),
    r("GET", "/portal", Authority(Action::ManageOwnAccount)),
    r("GET", "/account", Authority(Action::ManageOwnAccount)),
    r("POST", "/account/sign-out-everywhere", Authority(Action::ManageOwnAccount)),
    r("POST", "/account/tokens", Authority(Action::ManageOwnAccount)),
    r("POST", "/account/tokens/{id}/revoke", Authority(Action::ManageOwnAccount)),
    r("GET", "/families", Authority(Action::SearchFamilies)),
    r("GET", "/families/{family_id}", Record(Action::ViewFamilyRecord)),
    r("GET", "/families/{family_id}/audit", Record(Action::ViewRecordAudit)),
    r("GET", "/families/{family_id}/children/{child_id}/edit", Record(Action::EditFamilyRecord)),
    r("POST", "/families/{family_id}/children/{child_id}/edit", Record(Action::EditFamilyRecord)),
    r("GET", "/audit", Authority(Action::ViewAuditTrail)),
    r("GET", "/admin/users", Authority(Action::ManageUsers)),
    r("POST", "/admin/users", Authority(Action::ManageUsers)),
    r("GET", "/admin/users/{user_id}", Authority(Action::ManageUsers)),
    r("POST", "/admin/users/{user_id}", Authority(Action::ManageUsers)),
    r("GET", "/api/openapi.json", Public),
    r("GET", "/api/v1/me", Authority(Action::ManageOwnAccount)),
    r("GET", "/api/v1/families", Authority(Action::SearchFamilies)),
    r("GET", "/api/v1/families/{family_id}", Record(Action::ViewFamilyRecord)),
    // Timescales (issue 5): policy, closure days, deadlines.
    r("GET", "/admin/policy", Authority(Action::ManagePolicy)),
    r("POST", "/admin/policy", Authority(Action::ManagePolicy)),
    r("GET", "/admin/closures", Authority(Action::ManagePolicy)),
    r("POST", "/admin/closures", Authority(Action::ManagePolicy)),
    r("POST", "/admin/closures/remove", Authority(Action::ManagePolicy)),
    r("GET", "/deadlines", Authority(Action::ViewDeadlines)),
    r("GET", "/deadlines/late-reasons", Authority(Action::ViewLateReasons)),
    r("POST", "/families/{family_id}/deadlines", Record(Action::RecordDeadlineMet)),
];

pub fn route_for(method: &str, path: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

pub fn router(state: SharedState) -> Router {
    Router::new()
        .route("/healthz", get(pages::health::healthz))
        .route("/readyz", get(pages::health::readyz))
        .route("/assets/{name}", get(assets::asset))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-in/code", get(auth::code_page).post(auth::code))
        .route("/sign-in/enrol", get(auth::enrol_page).post(auth::enrol))
        .route("/sign-out", post(auth::sign_out))
        .route("/portal/sign-in", get(auth::portal_sign_in_page).post(auth::portal_sign_in))
        .route("/portal/sign-in/code", get(auth::portal_code_page).post(auth::portal_code))
        .route("/", get(pages::dashboard::dashboard))
        .route("/portal", get(pages::dashboard::portal_home))
        .route("/account", get(pages::account::account))
        .route("/account/sign-out-everywhere", post(pages::account::sign_out_everywhere))
        .route("/account/tokens", post(pages::account::create_token))
        .route("/account/tokens/{id}/revoke", post(pages::account::revoke_token))
        .route("/families", get(pages::families::list))
        .route("/families/{family_id}", get(pages::families::show))
        .route("/families/{family_id}/audit", get(pages::families::audit))
        .route(
            "/families/{family_id}/children/{child_id}/edit",
            get(pages::families::edit_child_page).post(pages::families::edit_child),
        )
        .route("/audit", get(pages::audit::recent))
        .route("/admin/users", get(pages::admin::users).post(pages::admin::create_user))
        .route("/admin/users/{user_id}", get(pages::admin::user).post(pages::admin::change_user))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/families", get(api::families))
        .route("/api/v1/families/{family_id}", get(api::family))
        // Timescales (issue 5): policy, closure days, deadlines.
        .route("/admin/policy", get(pages::policy::policy).post(pages::policy::add_version))
        .route("/admin/closures", get(pages::policy::closures).post(pages::policy::add_closure))
        .route("/admin/closures/remove", post(pages::policy::remove_closure))
        .route("/deadlines", get(pages::deadlines::list))
        .route("/deadlines/late-reasons", get(pages::deadlines::late_reasons))
        .route("/families/{family_id}/deadlines", post(pages::deadlines::record_met))
        .fallback(crate::error::not_found)
        .with_state(state)
}

/// The gate: finds the route's access rule and asks the policy. Runs before every handler.
pub async fn gate(State(_state): State<SharedState>, req: Request, next: Next) -> Response {
    let Some(matched) = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()) else {
        // No route matched: the fallback answers 404.
        return next.run(req).await;
    };
    let method = req.method().as_str();
    let method = if method == "HEAD" { "GET" } else { method };
    let is_api = matched.starts_with("/api/");
    let Some(route) = route_for(method, &matched) else {
        // Deny by default: a route that the table does not name is never served.
        tracing::error!(path = %matched, method, "route missing from the access table");
        return if is_api { api::ApiError::Forbidden.into_response() } else { AppError::Forbidden.into_response() };
    };
    if route.access == Public {
        return next.run(req).await;
    }
    let ctx = req.extensions().get::<Ctx>().cloned();
    let Some(ctx) = ctx else {
        return if is_api {
            api::ApiError::Unauthenticated.into_response()
        } else {
            let next_path = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
            AppError::SignInRequired { next: if method == "GET" { next_path } else { String::new() } }.into_response()
        };
    };
    // API tokens are scoped: `read` reaches GET routes only.
    if let Via::Token { write, .. } = ctx.via {
        if method != "GET" && !write {
            return api::ApiError::Forbidden.into_response();
        }
    }
    // A session cookie does not reach the API, and a token does not reach pages: each
    // credential works only where it was meant to (and CSRF needs no thought for the API).
    match (&ctx.via, is_api) {
        (Via::Session { .. }, true) => return api::ApiError::Unauthenticated.into_response(),
        (Via::Token { .. }, false) => return AppError::SignInRequired { next: String::new() }.into_response(),
        _ => {}
    }
    if let Authority(action) = route.access {
        match decide(&ctx.actor, action, Target::Authority(&ctx.actor.authority_id)) {
            Decision::Allow => {}
            Decision::Forbidden => {
                return if is_api { api::ApiError::Forbidden.into_response() } else { AppError::Forbidden.into_response() }
            }
            Decision::NotFound => {
                return if is_api { api::ApiError::NotFound.into_response() } else { AppError::NotFound.into_response() }
            }
        }
    }
    next.run(req).await
}
