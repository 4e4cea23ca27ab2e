//! Administration of user accounts and roles (ROLE-10). Administrators see no case content,
//! and no family members: the list holds staff and partner professionals only (family
//! members reach the portal through their conference's invitations), and no one changes
//! their own roles here (the store refuses it too).

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_domain::{Role, UserAccount, UserId};
use confer_ops::accounts::{self, By};
use confer_ops::OpsError;
use confer_store::users::{self, AccountChange};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage<'a> {
    page: &'a Page,
    users: &'a [UserAccount],
    f: &'a NewUserForm,
    all_roles: &'static [Role],
}

impl UsersPage<'_> {
    fn role_checked(&self, r: &Role) -> bool {
        self.f.roles.iter().any(|x| x == r.as_str())
    }
    fn manager_selected(&self, id: &UserId) -> bool {
        self.f.line_manager_id == id.as_str()
    }
}

/// The new-user form, as typed.
#[derive(Deserialize, Default, Debug)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    line_manager_id: String,
    #[serde(default)]
    roles: Vec<String>,
}

/// The roles an administrator gives on these pages: not the family's (parent, young person,
/// supporter), which come with a conference's invitation.
fn admin_roles() -> &'static [Role] {
    static ROLES: std::sync::OnceLock<Vec<Role>> = std::sync::OnceLock::new();
    ROLES.get_or_init(|| Role::ALL.iter().copied().filter(|r| !is_family_role(*r)).collect())
}

fn is_family_role(r: Role) -> bool {
    matches!(r, Role::Parent | Role::YoungPerson | Role::Supporter)
}

pub async fn users(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let page = ctx.page("Users", "/admin/users");
    let list = users::list(&state.db, &ctx.actor.authority_id).await?;
    let f = NewUserForm::default();
    Ok(view::render(&UsersPage { page: &page, users: &list, f: &f, all_roles: admin_roles() }))
}

pub async fn create_user(
    State(state): State<SharedState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    // Roles arrive as repeated fields (roles=chair&roles=auditor): read them as pairs.
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("The form could not be read.".into()))?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let f = NewUserForm {
        username: get("username"),
        display_name: get("display_name"),
        email: get("email"),
        password: get("password"),
        line_manager_id: get("line_manager_id"),
        roles: pairs.iter().filter(|(n, _)| n == "roles").map(|(_, v)| v.clone()).collect(),
    };
    let mut page = ctx.page("Users", "/admin/users");
    let username = f.username.trim().to_lowercase();
    if username.is_empty() || !username.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)) {
        page.errors.add("username", "Enter a user name using letters, numbers, dots, hyphens or underscores");
    }
    if f.display_name.trim().is_empty() {
        page.errors.add("display_name", "Enter the person's full name");
    }
    if !f.email.contains('@') {
        page.errors.add("email", "Enter an email address in the correct format, like name@example.com");
    }
    if let Err(m) = users::check_new_password(&f.password) {
        page.errors.add("password", m);
    }
    let roles: Vec<Role> = f.roles.iter().filter_map(|r| Role::parse(r)).filter(|r| !is_family_role(*r)).collect();
    if roles.is_empty() {
        page.errors.add("roles", "Select at least one role");
    }
    let all = users::list(&state.db, &ctx.actor.authority_id).await?;
    let manager = if f.line_manager_id.is_empty() {
        None
    } else if all.iter().any(|u| u.id.as_str() == f.line_manager_id) {
        Some(f.line_manager_id.as_str())
    } else {
        page.errors.add("line_manager_id", "Select a line manager from the list");
        None
    };
    if !page.errors.is_empty() {
        return Ok(view::render(&UsersPage { page: &page, users: &all, f: &f, all_roles: admin_roles() }));
    }
    let new = accounts::NewAccount {
        authority_id: ctx.actor.authority_id.clone(),
        username,
        display_name: f.display_name.clone(),
        email: f.email.clone(),
        roles,
        line_manager: manager.map(UserId::from),
        password: Some(f.password.clone()),
    };
    match accounts::create(&state.ops, By::Administrator(&ctx.actor), new).await {
        Ok(id) => Ok(Redirect::to(&format!("/admin/users/{id}?created=1")).into_response()),
        Err(OpsError::Duplicate { message }) => {
            page.errors.add("username", format!("{message}: choose another user name"));
            Ok(view::render(&UsersPage { page: &page, users: &all, f: &f, all_roles: admin_roles() }))
        }
        Err(OpsError::Invalid { field, message }) => {
            page.errors.add(field, message);
            Ok(view::render(&UsersPage { page: &page, users: &all, f: &f, all_roles: admin_roles() }))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage<'a> {
    page: &'a Page,
    u: &'a UserAccount,
    enrolled: bool,
    locked: bool,
    all_roles: &'static [Role],
    /// The administrator's own account: its roles are someone else's to change.
    is_self: bool,
}

/// An account of the administrator's authority that these pages manage: not another
/// authority's, and not a family member's (answered as not found, like the list).
async fn user_in_tenant(state: &SharedState, ctx: &Ctx, user_id: &str) -> Result<users::StoredUser, AppError> {
    let u = users::by_id(&state.db, &UserId::from(user_id)).await?;
    if u.account.authority_id != ctx.actor.authority_id || users::is_family_account(&u) {
        return Err(AppError::NotFound);
    }
    Ok(u)
}

async fn user_view(state: &SharedState, ctx: &Ctx, user_id: &str, mut page: Page) -> Result<Response, AppError> {
    let u = user_in_tenant(state, ctx, user_id).await?;
    page.title = u.account.display_name.clone();
    let locked = u.locked_until.as_deref().map(|l| l > state.db.now().as_str()).unwrap_or(false);
    Ok(view::render(&UserPage {
        page: &page,
        u: &u.account,
        enrolled: u.totp_enrolled,
        locked,
        all_roles: admin_roles(),
        is_self: u.account.id == ctx.actor.user_id,
    }))
}

#[derive(Deserialize, Default)]
pub struct CreatedQuery {
    created: Option<String>,
}

pub async fn user(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(user_id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<CreatedQuery>,
) -> Result<Response, AppError> {
    let mut page = ctx.page("User", "/admin/users");
    if q.created.is_some() {
        page.notice = Some("User created. They set up their authenticator app when they first sign in.".into());
    }
    user_view(&state, &ctx, &user_id, page).await
}

#[derive(Deserialize, Default)]
pub struct ChangeForm {
    #[serde(default)]
    change: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

pub async fn change_user(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(user_id): Path<String>,
    Form(f): Form<ChangeForm>,
) -> Result<Response, AppError> {
    let target = user_in_tenant(&state, &ctx, &user_id).await?;
    let mut page = ctx.page("User", "/admin/users");
    let change = match f.change.as_str() {
        "add-role" | "remove-role" => match Role::parse(&f.role).filter(|r| !is_family_role(*r)) {
            Some(r) if f.change == "add-role" => AccountChange::AddRole(r),
            Some(r) => AccountChange::RemoveRole(r),
            None => {
                page.errors.add("role", "Select a role");
                return user_view(&state, &ctx, &user_id, page).await;
            }
        },
        "reset-password" => AccountChange::ResetPassword(f.password.clone()),
        "disable" => AccountChange::Disable,
        "enable" => AccountChange::Enable,
        "reset-second-factor" => AccountChange::ResetSecondFactor,
        _ => return Err(AppError::BadRequest("Choose one of the changes on the page.".into())),
    };
    match accounts::change(&state.ops, By::Administrator(&ctx.actor), &target.account.id, change).await {
        Ok(()) => {
            page.notice = Some("Saved.".into());
            user_view(&state, &ctx, &user_id, page).await
        }
        Err(OpsError::Invalid { field, message }) => {
            page.errors.add(field, message);
            user_view(&state, &ctx, &user_id, page).await
        }
        Err(OpsError::Duplicate { message }) => {
            page.errors.add("role", message);
            user_view(&state, &ctx, &user_id, page).await
        }
        Err(e) => Err(e.into()),
    }
}
