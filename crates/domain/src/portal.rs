//! Who may be given a family portal account, and as what (ROLE-05, ROLE-06, CHILD-01). The
//! account is linked to one person of the family: a parent or carer (an adult with parental
//! responsibility for, or caring for, a child of the family), or a young person old enough to
//! take part in their conference by the authority's policy.

use crate::model::{Adult, AdultChildRelationship, AdultId, Child, ChildId, Role};
use crate::policy::Policy;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The person of a family a portal account is linked to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum PortalPerson {
    Adult(AdultId),
    Child(ChildId),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortalAccessError {
    /// ROLE-05: only parents and carers get the parents' portal.
    #[error("{name} does not have parental responsibility for, or care for, a child of this family, so they cannot have portal access as a parent or carer.")]
    NotParentOrCarer { name: String },
    /// CHILD-01: a young person from the policy's age.
    #[error("{name} is {age}. Young people can have portal access from the age of {from_age}. Ask for their views another way, for example through their social worker.")]
    TooYoung { name: String, age: u32, from_age: u32 },
    #[error("{name} is not born yet, so cannot have portal access.")]
    Unborn { name: String },
    #[error("Choose a person of this family.")]
    NotInFamily,
    #[error("Enter an email address in the correct format, like name@example.com")]
    BadEmail,
}

/// Checks an email address well enough to send a sign-in code to it: one `@`, something
/// either side, a dot in the domain, no spaces.
pub fn check_email(email: &str) -> Result<String, PortalAccessError> {
    let e = email.trim();
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !e.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok && e.len() <= 254 {
        Ok(e.to_owned())
    } else {
        Err(PortalAccessError::BadEmail)
    }
}

/// ROLE-05, ROLE-06, CHILD-01: whether this person of the family may have a portal account,
/// and the role it has: a parent or carer is `Parent`; a child of the policy's age is
/// `YoungPerson`.
pub fn portal_role(
    person: &PortalPerson,
    adults: &[Adult],
    children: &[Child],
    relationships: &[AdultChildRelationship],
    policy: &Policy,
    today: NaiveDate,
) -> Result<Role, PortalAccessError> {
    match person {
        PortalPerson::Adult(id) => {
            let adult = adults.iter().find(|a| &a.id == id).ok_or(PortalAccessError::NotInFamily)?;
            let parent_or_carer =
                relationships.iter().any(|r| &r.adult_id == id && (r.parental_responsibility || r.carer));
            if parent_or_carer {
                Ok(Role::Parent)
            } else {
                Err(PortalAccessError::NotParentOrCarer { name: format!("{} {}", adult.given_name, adult.family_name) })
            }
        }
        PortalPerson::Child(id) => {
            let child = children.iter().find(|c| &c.id == id).ok_or(PortalAccessError::NotInFamily)?;
            let name = format!("{} {}", child.given_name, child.family_name);
            let Some(age) = child.birth.age_on(today) else {
                return Err(PortalAccessError::Unborn { name });
            };
            if age < policy.child_attendance_age {
                return Err(PortalAccessError::TooYoung { name, age, from_age: policy.child_attendance_age });
            }
            Ok(Role::YoungPerson)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn family() -> (Vec<Adult>, Vec<Child>, Vec<AdultChildRelationship>) {
        let adult = |id: &str, name: &str| Adult {
            id: AdultId(id.into()),
            family_id: FamilyId("f".into()),
            given_name: name.into(),
            family_name: "Ashworth".into(),
            email: None,
            phone: None,
            communication: Communication::default(),
        };
        let child = |id: &str, born: &str| Child {
            id: ChildId(id.into()),
            family_id: FamilyId("f".into()),
            given_name: id.into(),
            family_name: "Ashworth".into(),
            birth: Birth::Born(d(born)),
            nhs_number: None,
            la_child_id: String::new(),
            gender: Gender::Female,
            ethnicity: String::new(),
            disability: String::new(),
            communication: Communication::default(),
        };
        let rel = |a: &str, pr: bool| AdultChildRelationship {
            adult_id: AdultId(a.into()),
            child_id: ChildId("amy".into()),
            kind: RelationshipKind::Mother,
            parental_responsibility: pr,
            carer: false,
        };
        (
            vec![adult("mum", "Dana"), adult("aunt", "Fay")],
            vec![child("amy", "2013-05-01"), child("cara", "2022-07-15")],
            vec![rel("mum", true), rel("aunt", false)],
        )
    }

    #[test]
    fn parents_and_carers_get_the_parents_portal_others_do_not_role_05() {
        let (adults, children, rels) = family();
        let p = Policy::default();
        let today = d("2026-11-23");
        let mum = PortalPerson::Adult(AdultId("mum".into()));
        assert_eq!(portal_role(&mum, &adults, &children, &rels, &p, today), Ok(Role::Parent));
        let aunt = PortalPerson::Adult(AdultId("aunt".into()));
        assert!(matches!(
            portal_role(&aunt, &adults, &children, &rels, &p, today),
            Err(PortalAccessError::NotParentOrCarer { .. })
        ));
        let stranger = PortalPerson::Adult(AdultId("x".into()));
        assert_eq!(portal_role(&stranger, &adults, &children, &rels, &p, today), Err(PortalAccessError::NotInFamily));
    }

    #[test]
    fn a_young_person_gets_the_portal_from_the_policy_age_role_06_child_01() {
        let (adults, children, rels) = family();
        let mut p = Policy::default();
        let today = d("2026-11-23");
        let amy = PortalPerson::Child(ChildId("amy".into()));
        assert_eq!(portal_role(&amy, &adults, &children, &rels, &p, today), Ok(Role::YoungPerson));
        let cara = PortalPerson::Child(ChildId("cara".into()));
        assert!(matches!(
            portal_role(&cara, &adults, &children, &rels, &p, today),
            Err(PortalAccessError::TooYoung { age: 4, .. })
        ));
        p.child_attendance_age = 14;
        assert!(matches!(
            portal_role(&amy, &adults, &children, &rels, &p, today),
            Err(PortalAccessError::TooYoung { age: 13, from_age: 14, .. })
        ));
    }

    #[test]
    fn an_email_address_is_checked_before_a_code_is_sent_to_it() {
        assert_eq!(check_email(" dana@example.org "), Ok("dana@example.org".into()));
        for bad in ["", "dana", "dana@", "@example.org", "dana@example", "da na@example.org", "a@b@c.org"] {
            assert_eq!(check_email(bad), Err(PortalAccessError::BadEmail), "{bad}");
        }
    }
}
