//! The conference's operations, one per step of the journey from the request to the
//! approved record. Each asks the access policy about *this* conference ([`authorize`]): a
//! conference of another tenant or family, or one the person has no relationship to, is
//! [`OpsError::NotFound`] as if it did not exist; one the person may see but not act on is
//! [`OpsError::Forbidden`]. Then the conference's own rules (`confer_domain::conference`)
//! decide, with the person as [`Acting`], and the store saves the change with its audit event
//! and outbox messages in one transaction at the version the person last saw
//! ([`OpsError::Conflict`] if someone else saved first).

mod arrange;
mod exclusions;
mod invitations;
mod meeting;
mod read;
mod record;
mod reports;
mod request;
pub mod schemas;

pub use arrange::*;
pub use exclusions::*;
pub use invitations::*;
pub use meeting::*;
pub use read::*;
pub use record::*;
pub use reports::*;
pub use request::*;

use crate::{Ops, OpsError, Result};
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::conference::{Acting, Conference, Outcome};
use confer_store::conferences::{self, Change};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The person as the conference's rules see them, after the access policy let them in.
pub struct Allowed {
    pub acting: Acting,
    pub owner: conferences::Owner,
}

/// Asks the one access policy whether this person may do `action` to this conference, with
/// their relationships to it (chair and invitations of this conference only). Not found,
/// another tenant's, and no relationship all answer [`OpsError::NotFound`]; a person who may
/// see the conference but not do this gets [`OpsError::Forbidden`].
pub async fn authorize(ops: &Ops, actor: &Actor, action: Action, conference_id: &str) -> Result<Allowed> {
    let Some(owner) = conferences::owner(&ops.db, conference_id).await? else {
        return Err(OpsError::NotFound);
    };
    let relationships = if owner.authority_id == actor.authority_id {
        conferences::relationships(&ops.db, &actor.user_id, owner.family_id.as_str(), conference_id).await?
    } else {
        Vec::new()
    };
    let target = Target::Record { authority_id: &owner.authority_id, relationships: &relationships };
    match decide(actor, action, target) {
        Decision::Allow => {}
        Decision::Forbidden => return Err(OpsError::Forbidden),
        Decision::NotFound => return Err(OpsError::NotFound),
    }
    let acting = Acting {
        user_id: actor.user_id.clone(),
        roles: actor.roles.clone(),
        relationships,
        adult_id: None,
        child_id: None,
    };
    Ok(Allowed { acting, owner })
}

impl Allowed {
    /// Whether the person, as the policy found them for this conference, may also do
    /// `action` (to offer only what they may use; the domain still decides each step).
    pub fn may(&self, actor: &Actor, action: Action) -> bool {
        let target =
            Target::Record { authority_id: &self.owner.authority_id, relationships: &self.acting.relationships };
        decide(actor, action, target) == Decision::Allow
    }
}

/// What a change answers: the conference's new version, the number given to what was
/// added (invitation, report, views, action, correction request), and for sending a report
/// or the record, the copy the recipient was sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct Changed {
    pub conference_id: String,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub result: Option<Value>,
}

impl Changed {
    pub fn new(id: &str, version: i64, number: Option<u32>, result: Option<Value>) -> Changed {
        Changed { conference_id: id.to_owned(), version, number, result }
    }
}

/// Runs one domain operation on the conference at the version the person last saw and saves
/// it with its audit event (`audit`) in one transaction.
async fn save<T>(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    version: i64,
    audit: &str,
    op: impl FnOnce(&mut Conference) -> Outcome<T>,
) -> Result<(T, i64)> {
    Ok(conferences::save(&ops.db, id, version, Change::new(actor.user_id.as_str(), audit), op).await?)
}

fn to_json<T: Serialize>(t: &T) -> Option<Value> {
    serde_json::to_value(t).ok()
}

/// Asks the access policy whether this person may do `action` to this family's record (with
/// their relationships to the family): as [`authorize`], but before a conference exists.
pub async fn authorize_family(ops: &Ops, actor: &Actor, action: Action, family_id: &str) -> Result<()> {
    let Some(authority) = confer_store::families::family_authority(&ops.db, family_id).await? else {
        return Err(OpsError::NotFound);
    };
    let relationships = if authority == actor.authority_id {
        confer_store::families::relationships(&ops.db, &actor.user_id, family_id).await?
    } else {
        Vec::new()
    };
    match decide(actor, action, Target::Record { authority_id: &authority, relationships: &relationships }) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}
