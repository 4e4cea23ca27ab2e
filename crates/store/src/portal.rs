//! The family portal's links: which person of which family a portal account is for
//! (migration 0009). The link is the family member's relationship to the family's records
//! ([`crate::families::relationships`] gives `FamilyMember`); giving one is audited in the
//! same transaction.

use crate::audit::{self, Entry};
use crate::users::{AccountKind, NewUser};
use crate::{opt_text, text, Db, Result, StoreError, Tx};
use confer_domain::access::Relationship;
use confer_domain::audit::EventKind;
use confer_domain::portal::PortalPerson;
use confer_domain::{AdultId, AuthorityId, ChildId, Role, UserId};
use serde_json::json;

fn person_from(adult: Option<String>, child: Option<String>) -> Result<PortalPerson> {
    match (adult, child) {
        (Some(a), None) => Ok(PortalPerson::Adult(AdultId(a))),
        (None, Some(c)) => Ok(PortalPerson::Child(ChildId(c))),
        _ => Err(StoreError::Corrupt("a portal link names neither one adult nor one child".into())),
    }
}

fn columns(person: &PortalPerson) -> (Option<&str>, Option<&str>) {
    match person {
        PortalPerson::Adult(a) => (Some(a.as_str()), None),
        PortalPerson::Child(c) => (None, Some(c.as_str())),
    }
}

/// The person of this family the user's portal account is for, if any.
pub async fn person_in(db: &Db, user: &UserId, family_id: &str) -> Result<Option<PortalPerson>> {
    let row = sqlx::query("SELECT adult_id, child_id FROM portal_person WHERE user_id = $1 AND family_id = $2")
        .bind(user.as_str())
        .bind(family_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| person_from(opt_text(&r, "adult_id")?, opt_text(&r, "child_id")?)).transpose()
}

/// Every family (and the person in it) a portal account is linked to.
pub async fn links_of(db: &Db, user: &UserId) -> Result<Vec<(String, PortalPerson)>> {
    let rows =
        sqlx::query("SELECT family_id, adult_id, child_id FROM portal_person WHERE user_id = $1 ORDER BY linked_at")
            .bind(user.as_str())
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|r| Ok((text(r, "family_id")?, person_from(opt_text(r, "adult_id")?, opt_text(r, "child_id")?)?)))
        .collect()
}

/// Who has portal access to a family, for its record page: the person, the address and the
/// account.
pub async fn links_of_family(db: &Db, family_id: &str) -> Result<Vec<(PortalPerson, String, UserId)>> {
    let rows = sqlx::query(
        "SELECT pp.adult_id, pp.child_id, u.email, u.id FROM portal_person pp JOIN user_account u ON u.id = pp.user_id \
         WHERE pp.family_id = $1 ORDER BY pp.linked_at",
    )
    .bind(family_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                person_from(opt_text(r, "adult_id")?, opt_text(r, "child_id")?)?,
                text(r, "email")?,
                UserId(text(r, "id")?),
            ))
        })
        .collect()
}

/// Ends one family member's portal access to a family: the link goes, every session of the
/// account ends (it may be signed in now), and the audit event is written, in one transaction.
/// The account itself stays (it may have access to another family). Returns false when the
/// account had no access to this family.
pub async fn revoke_access(
    db: &Db,
    authority: &AuthorityId,
    family_id: &str,
    user: &UserId,
    actor: &str,
) -> Result<bool> {
    let mut tx = db.begin().await?;
    let gone = sqlx::query(
        "DELETE FROM portal_person WHERE user_id = $1 AND family_id = $2 AND authority_id = $3 \
         RETURNING adult_id, child_id",
    )
    .bind(user.as_str())
    .bind(family_id)
    .bind(authority.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = gone else {
        tx.rollback().await?;
        return Ok(false);
    };
    let person = person_from(opt_text(&row, "adult_id")?, opt_text(&row, "child_id")?)?;
    sqlx::query("UPDATE user_account SET session_generation = session_generation + 1 WHERE id = $1")
        .bind(user.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE web_session SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL")
        .bind(user.as_str())
        .bind(db.now())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: authority.as_str(),
            actor,
            kind: EventKind::Change,
            action: "portal.revoke-access",
            entity_type: "family",
            entity_id: family_id,
            before: json!({"user_id": user.as_str(), "person": person, "relationship": Relationship::FamilyMember.as_str()}),
            after: serde_json::Value::Null,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Links an existing account to a person of a family, with its audit event, in the caller's
/// transaction. A second link of the same account to the same family is refused.
pub async fn link_in(
    tx: &mut Tx,
    authority: &AuthorityId,
    user: &UserId,
    family_id: &str,
    person: &PortalPerson,
    actor: &str,
) -> Result<()> {
    let (adult, child) = columns(person);
    sqlx::query(
        "INSERT INTO portal_person (user_id, family_id, authority_id, adult_id, child_id, linked_by, linked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(user.as_str())
    .bind(family_id)
    .bind(authority.as_str())
    .bind(adult)
    .bind(child)
    .bind(actor)
    .bind(tx.now())
    .execute(&mut **tx)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => {
            StoreError::Conflict("That email address already has portal access to this family.".into())
        }
        other => other,
    })?;
    audit::record(
        tx,
        Entry {
            authority_id: authority.as_str(),
            actor,
            kind: EventKind::Change,
            action: "portal.give-access",
            entity_type: "family",
            entity_id: family_id,
            before: serde_json::Value::Null,
            // The person and the account, never the address itself.
            after: json!({"user_id": user.as_str(), "person": person, "relationship": Relationship::FamilyMember.as_str()}),
        },
    )
    .await?;
    Ok(())
}

/// What staff give: portal access for one person of a family, at an email address.
pub struct Access<'a> {
    pub authority_id: &'a AuthorityId,
    pub family_id: &'a str,
    pub person: &'a PortalPerson,
    /// The person's name, shown in the portal's header.
    pub display_name: &'a str,
    /// Checked by the domain ([`confer_domain::portal::check_email`]).
    pub email: &'a str,
    /// From [`confer_domain::portal::portal_role`].
    pub role: Role,
}

/// Gives portal access: finds the portal account with this address in the authority (adding
/// the role if it lacks it) or makes one, and links it to the person; all in one transaction
/// with its audit events. Returns the account.
pub async fn give_access(db: &Db, a: &Access<'_>, actor: &str) -> Result<UserId> {
    let mut tx = db.begin().await?;
    let existing = sqlx::query(
        "SELECT id FROM user_account WHERE lower(email) = $1 AND authority_id = $2 AND kind = 'portal' \
         ORDER BY created_at LIMIT 1",
    )
    .bind(a.email.trim().to_lowercase())
    .bind(a.authority_id.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let user = match existing {
        Some(r) => {
            let id = UserId(text(&r, "id")?);
            let has = sqlx::query("SELECT 1 AS x FROM user_role WHERE user_id = $1 AND role = $2")
                .bind(id.as_str())
                .bind(a.role.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if has.is_none() {
                sqlx::query("INSERT INTO user_role (user_id, role) VALUES ($1, $2)")
                    .bind(id.as_str())
                    .bind(a.role.as_str())
                    .execute(&mut *tx)
                    .await?;
                if a.role.needs_second_factor() {
                    crate::sessions::end_one_factor_in(&mut tx, id.as_str()).await?;
                }
                audit::record(
                    &mut tx,
                    Entry {
                        authority_id: a.authority_id.as_str(),
                        actor,
                        kind: EventKind::Change,
                        action: "user.add-role",
                        entity_type: "user",
                        entity_id: id.as_str(),
                        before: serde_json::Value::Null,
                        after: json!({"role": a.role.as_str()}),
                    },
                )
                .await?;
            }
            id
        }
        None => {
            let username = format!("portal-{}", crate::new_id());
            crate::users::create_user_in(
                &mut tx,
                &NewUser {
                    id: None,
                    authority_id: a.authority_id,
                    username: &username,
                    display_name: a.display_name,
                    email: a.email.trim(),
                    kind: AccountKind::Portal,
                    roles: &[a.role],
                    team_id: None,
                    line_manager_id: None,
                    password: None,
                    totp_secret: None,
                    // Staff give the address the person gave them; the code sent to it proves it.
                    email_verified: true,
                },
                None,
                actor,
            )
            .await?
        }
    };
    link_in(&mut tx, a.authority_id, &user, a.family_id, a.person, actor).await?;
    tx.commit().await?;
    Ok(user)
}
