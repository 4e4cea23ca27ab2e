//! What crosses from one tenant to another when a receiving authority records a transferred
//! child from the transfer pack (PLAN-05, TIME-02; issue 13).
//!
//! A child on a child protection plan who moves to another authority of the same
//! installation is offered to it ([`crate::plan`]'s transfer out). When the sending authority
//! consented to share the pack, the receiving authority may record the child and the people it
//! must invite to the transfer-in conference from the sending authority's record, instead of
//! typing them again. What is copied is what the transfer-in conference and the receiving
//! authority's returns need, and nothing else:
//!
//! - the child: names, date of birth (or expected date), NHS number, sex, ethnicity,
//!   disability, language and access needs. The receiving authority's own child identifier (the
//!   census LAchildID) is made here: the sending authority's is its own;
//! - the adults with parental responsibility for the child or caring for the child (the
//!   people a conference invites): names, e-mail and phone (the transfer-in conference is
//!   due within 15 working days, so they must be invited at once), language and access needs;
//! - their relationships to this child only.
//!
//! Other adults of the sending family (a grandparent with no parental responsibility, a
//! sibling's father), the other children, the case's professionals and the sending
//! authority's ids stay where they are. A person copied once is not copied again: a sibling's
//! later transfer finds them (the receiving authority keeps which of the sending authority's
//! people it recorded, and as whom).

use crate::model::{Adult, AdultChildRelationship, AdultId, Child, ChildId, FamilyId};

/// The people of the sending authority's record that a transfer of `child_id` brings with it:
/// the child, and the adults with parental responsibility for the child or caring for them,
/// each with their relationship to this child. `None` when the child is not in the record.
pub fn people_to_copy<'a>(
    children: &'a [Child],
    adults: &'a [Adult],
    relationships: &'a [AdultChildRelationship],
    child_id: &ChildId,
) -> Option<(&'a Child, Vec<(&'a Adult, &'a AdultChildRelationship)>)> {
    let child = children.iter().find(|c| &c.id == child_id)?;
    let mut with = Vec::new();
    for r in relationships.iter().filter(|r| &r.child_id == child_id && (r.parental_responsibility || r.carer)) {
        if let Some(a) = adults.iter().find(|a| a.id == r.adult_id) {
            if !with.iter().any(|(b, _): &(&Adult, &AdultChildRelationship)| b.id == a.id) {
                with.push((a, r));
            }
        }
    }
    Some((child, with))
}

/// The child as the receiving authority records them: every detail the sending authority
/// holds that is listed above, under the receiving authority's ids.
pub fn copy_child(from: &Child, id: ChildId, family_id: FamilyId, la_child_id: String) -> Child {
    Child {
        id,
        family_id,
        given_name: from.given_name.clone(),
        family_name: from.family_name.clone(),
        birth: from.birth,
        nhs_number: from.nhs_number.clone(),
        la_child_id,
        gender: from.gender,
        ethnicity: from.ethnicity.clone(),
        disability: from.disability.clone(),
        communication: from.communication.clone(),
    }
}

/// A parent or carer as the receiving authority records them.
pub fn copy_adult(from: &Adult, id: AdultId, family_id: FamilyId) -> Adult {
    Adult {
        id,
        family_id,
        given_name: from.given_name.clone(),
        family_name: from.family_name.clone(),
        email: from.email.clone(),
        phone: from.phone.clone(),
        communication: from.communication.clone(),
    }
}

/// The receiving authority's own identifier for a copied child (the census LAchildID: at most
/// 20 letters or digits, unique in the authority): its code, "T" for transfer, and 12 letters
/// or digits of the child's new id.
pub fn la_child_id_for(authority_code: &str, new_child_id: &str) -> String {
    let code: String = authority_code.chars().filter(|c| c.is_ascii_alphanumeric()).take(7).collect();
    let tail: String = new_child_id.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let tail = &tail[tail.len().saturating_sub(12)..];
    format!("{code}T{}", tail.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Birth, Communication, Gender, RelationshipKind};
    use chrono::NaiveDate;

    fn child(id: &str) -> Child {
        Child {
            id: id.into(),
            family_id: "f".into(),
            given_name: "Amy".into(),
            family_name: "Fictional".into(),
            birth: Birth::Born(NaiveDate::from_ymd_opt(2016, 5, 1).unwrap()),
            nhs_number: None,
            la_child_id: "S01000123".into(),
            gender: Gender::Female,
            ethnicity: "WBRI".into(),
            disability: "NONE".into(),
            communication: Communication {
                first_language: "Welsh".into(),
                needs_interpreter: false,
                access_needs: "Large print".into(),
            },
        }
    }

    fn adult(id: &str) -> Adult {
        Adult {
            id: id.into(),
            family_id: "f".into(),
            given_name: id.into(),
            family_name: "Fictional".into(),
            email: Some(format!("{id}@example.org")),
            phone: None,
            communication: Communication::default(),
        }
    }

    fn rel(adult: &str, child: &str, kind: RelationshipKind, pr: bool, carer: bool) -> AdultChildRelationship {
        AdultChildRelationship {
            adult_id: adult.into(),
            child_id: child.into(),
            kind,
            parental_responsibility: pr,
            carer,
        }
    }

    #[test]
    fn a_transfer_brings_the_child_and_only_the_adults_with_parental_responsibility_or_caring_plan_05() {
        let children = [child("amy"), child("ben")];
        let adults = [adult("mum"), adult("dad"), adult("gran"), adult("bens-dad"), adult("foster")];
        let rels = [
            rel("mum", "amy", RelationshipKind::Mother, true, true),
            rel("dad", "amy", RelationshipKind::Father, true, false),
            rel("gran", "amy", RelationshipKind::Grandparent, false, false),
            rel("foster", "amy", RelationshipKind::FosterCarer, false, true),
            rel("mum", "ben", RelationshipKind::Mother, true, true),
            rel("bens-dad", "ben", RelationshipKind::Father, true, true),
        ];
        let (c, with) = people_to_copy(&children, &adults, &rels, &"amy".into()).unwrap();
        assert_eq!(c.id.as_str(), "amy");
        let ids: Vec<&str> = with.iter().map(|(a, _)| a.id.as_str()).collect();
        assert_eq!(
            ids,
            ["mum", "dad", "foster"],
            "the grandparent without parental responsibility and Ben's father stay"
        );
        assert!(with.iter().all(|(_, r)| r.child_id.as_str() == "amy"), "only the relationships to this child");
        assert!(people_to_copy(&children, &adults, &rels, &"nobody".into()).is_none());
    }

    #[test]
    fn the_copy_keeps_the_details_under_the_receiving_authoritys_ids_plan_05() {
        let from = child("amy");
        let copy = copy_child(&from, "new-amy".into(), "new-f".into(), "O01T1234".into());
        assert_eq!(
            (copy.id.as_str(), copy.family_id.as_str(), copy.la_child_id.as_str()),
            ("new-amy", "new-f", "O01T1234")
        );
        assert_eq!(
            (
                copy.given_name,
                copy.family_name,
                copy.birth,
                copy.gender,
                copy.ethnicity,
                copy.disability,
                copy.communication
            ),
            (
                from.given_name,
                from.family_name,
                from.birth,
                from.gender,
                from.ethnicity,
                from.disability,
                from.communication
            )
        );
        let mum = adult("mum");
        let a = copy_adult(&mum, "new-mum".into(), "new-f".into());
        assert_eq!((a.id.as_str(), a.family_id.as_str(), a.email), ("new-mum", "new-f", mum.email));
    }

    #[test]
    fn the_receiving_authoritys_child_id_is_its_own_and_fits_the_census_plan_05() {
        let id = la_child_id_for("O01", "0193a4b2-7c1d-7e00-9abc-def012345678");
        assert_eq!(id, "O01TDEF012345678");
        assert!(id.len() <= 20 && id.chars().all(|c| c.is_ascii_alphanumeric()));
        let long = la_child_id_for("A very-long code!", "x");
        assert!(long.len() <= 20 && long.chars().all(|c| c.is_ascii_alphanumeric()), "{long}");
    }
}
