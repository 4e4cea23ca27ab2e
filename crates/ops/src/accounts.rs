//! Staff accounts: creating one and changing its roles, password, second factor and whether
//! it may sign in. The same operations serve the administrator's pages and the operator's
//! `confer users …` commands.

use crate::{Ops, OpsError, Result};
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::{AuthorityId, Role, UserId};
use confer_store::users::{self, AccountChange, AccountKind, NewUser, StoredUser};
use confer_store::StoreError;

/// Who changes accounts.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    /// An administrator signed in to the web, within their own authority (ROLE-10: never
    /// their own roles).
    Administrator(&'a Actor),
    /// The server's operator at the command line (they hold the database itself).
    Operator,
}

/// The name the audit trail gives the operator.
pub const OPERATOR: &str = "system:command-line";

impl By<'_> {
    fn audit_name(&self) -> &str {
        match self {
            By::Administrator(a) => a.user_id.as_str(),
            By::Operator => OPERATOR,
        }
    }

    /// An administrator may manage the users of their own authority.
    fn may_manage(&self, authority: &AuthorityId) -> Result<()> {
        match self {
            By::Operator => Ok(()),
            By::Administrator(a) => match decide(a, Action::ManageUsers, Target::Authority(authority)) {
                Decision::Allow => Ok(()),
                Decision::Forbidden => Err(OpsError::Forbidden),
                Decision::NotFound => Err(OpsError::NotFound),
            },
        }
    }
}

/// A staff account of the authority these operations manage: not another authority's, and
/// not a family member's (both answered as not found).
pub async fn account(ops: &Ops, by: By<'_>, user_id: &UserId) -> Result<StoredUser> {
    let u = users::by_id(&ops.db, user_id).await?;
    if let By::Administrator(a) = by {
        if u.account.authority_id != a.authority_id || users::is_family_account(&u) {
            return Err(OpsError::NotFound);
        }
    }
    by.may_manage(&u.account.authority_id)?;
    Ok(u)
}

/// A new account.
pub struct NewAccount {
    pub authority_id: AuthorityId,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub line_manager: Option<UserId>,
    /// A staff account's first password (`None` for a portal account, which signs in with a
    /// code sent by e-mail).
    pub password: Option<String>,
}

/// Creates an account: staff if any role is a staff role (password, then their
/// authenticator app at first sign-in), otherwise a portal account.
pub async fn create(ops: &Ops, by: By<'_>, new: NewAccount) -> Result<UserId> {
    by.may_manage(&new.authority_id)?;
    if let By::Administrator(a) = by {
        if a.authority_id != new.authority_id {
            return Err(OpsError::NotFound);
        }
    }
    let username = new.username.trim().to_lowercase();
    if username.is_empty() || !username.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)) {
        return Err(OpsError::invalid(
            "username",
            "Enter a user name using letters, numbers, dots, hyphens or underscores",
        ));
    }
    if new.roles.is_empty() {
        return Err(OpsError::invalid("roles", "Select at least one role"));
    }
    if let Some(p) = &new.password {
        users::check_new_password(p).map_err(|m| OpsError::invalid("password", m))?;
    }
    if let Some(m) = &new.line_manager {
        match users::by_id(&ops.db, m).await {
            Ok(u) if u.account.authority_id == new.authority_id => {}
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(OpsError::invalid("line_manager_id", "Select a line manager from the list"))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let staff = new.roles.iter().any(|r| r.is_staff());
    let account = NewUser {
        id: None,
        authority_id: &new.authority_id,
        username: &username,
        display_name: new.display_name.trim(),
        email: new.email.trim(),
        kind: if staff { AccountKind::Staff } else { AccountKind::Portal },
        roles: &new.roles,
        team_id: None,
        line_manager_id: new.line_manager.as_ref().map(|m| m.as_str()),
        password: new.password.as_deref(),
        totp_secret: None,
        // A portal account made by the operator is for the address they were given.
        email_verified: !staff && matches!(by, By::Operator),
    };
    users::create_user(&ops.db, &account, by.audit_name()).await.map_err(|e| match e {
        StoreError::Conflict(m) => OpsError::Duplicate { message: capitalise(&m) },
        other => other.into(),
    })
}

/// Changes an account (roles, password, second factor, enabled), audited in the same
/// transaction. An administrator may not change their own roles (ROLE-10) nor disable
/// their own account.
pub async fn change(ops: &Ops, by: By<'_>, user_id: &UserId, change: AccountChange) -> Result<()> {
    let target = account(ops, by, user_id).await?;
    if let By::Administrator(a) = by {
        let own = target.account.id == a.user_id;
        match &change {
            AccountChange::AddRole(_) | AccountChange::RemoveRole(_) if own => {
                return Err(OpsError::invalid("role", users::OWN_ROLES_REFUSED));
            }
            AccountChange::Disable if own => {
                return Err(OpsError::invalid(
                    "change",
                    "You cannot disable your own account: ask another administrator",
                ));
            }
            _ => {}
        }
    }
    if let AccountChange::ResetPassword(p) = &change {
        users::check_new_password(p).map_err(|m| OpsError::invalid("password", m))?;
    }
    users::change_account(&ops.db, &target.account.id, change, by.audit_name()).await.map_err(|e| match e {
        StoreError::Conflict(m) => OpsError::Duplicate { message: capitalise(&m) },
        other => other.into(),
    })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// A personal access token asked for: what it is called, whether it may write, how long it lasts.
pub struct TokenRequest {
    pub name: String,
    pub write: bool,
    /// Days it lasts: 1 to [`confer_store::tokens::MAX_DAYS`].
    pub days: i64,
}

/// Whose token is made.
#[derive(Debug, Clone, Copy)]
pub enum TokenFor<'a> {
    /// The person signed in, for themselves (their account page).
    Themselves(&'a Actor),
    /// The operator at the command line, for a named account.
    Operator(&'a StoredUser),
}

/// A token just made: its id (to name it later) and its secret, shown once.
#[derive(Debug)]
pub struct IssuedToken {
    pub id: String,
    pub secret: String,
}

/// Makes a personal access token (returns the secret, shown once). The name is required (up to
/// 100 characters) and the days must be in range; only a staff account with its second factor
/// set up and not disabled may hold one (the store checks that in the same transaction).
pub async fn issue_token(ops: &Ops, holder: TokenFor<'_>, request: TokenRequest) -> Result<IssuedToken> {
    use confer_store::tokens::{self, Scope};
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(OpsError::Invalid {
            field: "name",
            message: "Enter a name for the token of up to 100 characters, saying what will use it".into(),
        });
    }
    if !(1..=tokens::MAX_DAYS).contains(&request.days) {
        return Err(OpsError::Invalid {
            field: "days",
            message: format!("Enter how many days the token lasts, as a number from 1 to {}", tokens::MAX_DAYS),
        });
    }
    let scopes: &[Scope] = if request.write { &[Scope::Read, Scope::Write] } else { &[Scope::Read] };
    let (user, authority, by) = match holder {
        TokenFor::Themselves(a) => (a.user_id.as_str(), a.authority_id.as_str(), a.user_id.as_str()),
        TokenFor::Operator(u) => (u.account.id.as_str(), u.account.authority_id.as_str(), OPERATOR),
    };
    // The store checks in the same transaction that the account may hold a token; when it
    // may not, that is a refusal with its reason, not a clash of values.
    let made = tokens::create_for_days(&ops.db, user, authority, name, scopes, request.days, by).await;
    let (id, secret) = made.map_err(|e| match e {
        StoreError::Conflict(message) => OpsError::Declined { message },
        other => other.into(),
    })?;
    Ok(IssuedToken { id, secret })
}
