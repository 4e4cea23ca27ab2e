//! How a family member is sent letters (issue 14; LANG-03): a parent or carer chooses in the
//! portal to have letters by post (on the authority's print list) rather than e-mailed, or to
//! go back to e-mail. Staff record the same from the family's page. The change is saved at the
//! family record's version the person last saw, with its audit event in the same transaction
//! (`confer_store::families::set_prefers_post`).

use crate::{Ops, OpsError, Result};
use confer_domain::access::{Action, Actor};
use confer_domain::portal::PortalPerson;
use confer_store::families::{self, ChangeError};

/// What the portal shows a family member about their letters: whether they asked for post,
/// whether they have an e-mail address, and the record's version to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LettersChoice {
    pub family_id: String,
    pub prefers_post: bool,
    pub has_email: bool,
    pub version: i64,
}

/// The adult of this family the signed-in person is (a young person has no choice here:
/// letters about the conference go to the parents and carers).
async fn adult_of(ops: &Ops, actor: &Actor, family_id: &str) -> Result<String> {
    crate::conference::authorize_family(ops, actor, Action::TakePartAsFamily, family_id).await?;
    match confer_store::portal::person_in(&ops.db, &actor.user_id, family_id).await? {
        Some(PortalPerson::Adult(a)) => Ok(a.as_str().to_owned()),
        Some(PortalPerson::Child(_)) => Err(OpsError::invalid(
            "prefers_post",
            "Letters about the conference go to your parents or carers, so only they can choose how they get them.",
        )),
        None => Err(OpsError::NotFound),
    }
}

/// The signed-in parent's or carer's choice, for each family they are linked to as an adult.
pub async fn letters_choices(ops: &Ops, actor: &Actor) -> Result<Vec<LettersChoice>> {
    let mut out = Vec::new();
    for (family_id, person) in confer_store::portal::links_of(&ops.db, &actor.user_id).await? {
        let PortalPerson::Adult(adult) = person else { continue };
        let record = families::family_record(&ops.db, &family_id).await?;
        if record.family.authority_id != actor.authority_id {
            continue;
        }
        let Some(a) = record.adults.iter().find(|a| a.id == adult) else { continue };
        let post = families::prefers_post(&ops.db, &family_id).await?;
        out.push(LettersChoice {
            family_id: family_id.clone(),
            prefers_post: post.get(adult.as_str()).copied().unwrap_or(false),
            has_email: a.email.as_deref().is_some_and(|e| !e.trim().is_empty()),
            version: record.version,
        });
    }
    Ok(out)
}

/// LANG-03: the parent or carer chooses letters by post (`true`) or by e-mail (`false`), at the
/// family record's version they last saw. Returns the new version.
pub async fn choose_letters_by_post(
    ops: &Ops,
    actor: &Actor,
    family_id: &str,
    version: i64,
    prefers_post: bool,
) -> Result<i64> {
    let adult = adult_of(ops, actor, family_id).await?;
    match families::set_prefers_post(&ops.db, family_id, &adult, version, prefers_post, &actor.user_id).await {
        Ok(v) => Ok(v),
        Err(ChangeError::Conflict { current_version }) => Err(OpsError::Conflict { current_version }),
        Err(ChangeError::Invalid(e)) => Err(OpsError::Declined { message: e.message }),
        Err(ChangeError::Store(confer_store::StoreError::NotFound)) => Err(OpsError::NotFound),
        Err(ChangeError::Store(e)) => Err(e.into()),
    }
}
