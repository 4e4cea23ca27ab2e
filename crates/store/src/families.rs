//! Families, children, adults, their relationships and cases; and the relationships of staff
//! to a family's record that the access policy decides on.

use crate::audit::{self, Entry};
use crate::{date, flag, int, opt_text, text, Db, Result, StoreError, Tx};
use confer_domain::access::Relationship;
use confer_domain::audit::EventKind;
use confer_domain::validate::FieldError;
use confer_domain::*;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

/// Everything that makes up a new family's record.
pub struct NewFamily<'a> {
    pub family: &'a Family,
    pub children: &'a [Child],
    pub adults: &'a [Adult],
    pub relationships: &'a [AdultChildRelationship],
    pub case: Option<&'a Case>,
    pub professionals: &'a [ProfessionalId],
}

/// Inserts a family's whole record and its audit event in the caller's transaction.
pub async fn insert_family(tx: &mut Tx, f: &NewFamily<'_>, actor: &str) -> Result<()> {
    let authority = f.family.authority_id.as_str();
    sqlx::query("INSERT INTO family (id, authority_id, name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(f.family.id.as_str())
        .bind(authority)
        .bind(&f.family.name)
        .bind(tx.now())
        .execute(&mut **tx)
        .await?;
    insert_people(tx, authority, &f.family.id, f.children, f.adults, f.relationships).await?;
    if let Some(c) = f.case {
        sqlx::query("INSERT INTO family_case (id, family_id, authority_id, allocated_worker_id, stage, opened_on) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(c.id.as_str())
            .bind(f.family.id.as_str())
            .bind(authority)
            .bind(c.allocated_worker_id.as_str())
            .bind(c.stage.as_str())
            .bind(c.opened_on.to_string())
            .execute(&mut **tx)
            .await?;
        for p in f.professionals {
            sqlx::query("INSERT INTO case_professional (case_id, professional_id) VALUES ($1, $2)")
                .bind(c.id.as_str())
                .bind(p.as_str())
                .execute(&mut **tx)
                .await?;
        }
    }
    audit::record(
        tx,
        Entry {
            authority_id: authority,
            actor,
            kind: EventKind::Change,
            action: "family.create",
            entity_type: "family",
            entity_id: f.family.id.as_str(),
            before: serde_json::Value::Null,
            after: json!({
                "family": f.family, "children": f.children, "adults": f.adults,
                "relationships": f.relationships, "case": f.case, "professionals": f.professionals,
            }),
        },
    )
    .await?;
    Ok(())
}

/// Inserts children, adults and their relationships into a family's record (no audit: the
/// caller records what the insert was for).
async fn insert_people(
    tx: &mut Tx,
    authority: &str,
    family_id: &FamilyId,
    children: &[Child],
    adults: &[Adult],
    relationships: &[AdultChildRelationship],
) -> Result<()> {
    for c in children {
        let (dob, edd) = match c.birth {
            Birth::Born(d) => (Some(d.to_string()), None),
            Birth::Unborn { expected } => (None, Some(expected.to_string())),
        };
        sqlx::query(
            "INSERT INTO child (id, family_id, authority_id, given_name, family_name, date_of_birth, expected_date, \
             nhs_number, la_child_id, gender, ethnicity, disability, first_language, needs_interpreter, access_needs) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(c.id.as_str())
        .bind(family_id.as_str())
        .bind(authority)
        .bind(&c.given_name)
        .bind(&c.family_name)
        .bind(dob)
        .bind(edd)
        .bind(c.nhs_number.as_ref().map(|n| n.as_str().to_owned()))
        .bind(&c.la_child_id)
        .bind(c.gender.as_str())
        .bind(&c.ethnicity)
        .bind(&c.disability)
        .bind(&c.communication.first_language)
        .bind(flag(c.communication.needs_interpreter))
        .bind(&c.communication.access_needs)
        .execute(&mut **tx)
        .await?;
    }
    for a in adults {
        sqlx::query(
            "INSERT INTO adult (id, family_id, authority_id, given_name, family_name, email, phone, first_language, \
             needs_interpreter, access_needs) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id.as_str())
        .bind(family_id.as_str())
        .bind(authority)
        .bind(&a.given_name)
        .bind(&a.family_name)
        .bind(&a.email)
        .bind(&a.phone)
        .bind(&a.communication.first_language)
        .bind(flag(a.communication.needs_interpreter))
        .bind(&a.communication.access_needs)
        .execute(&mut **tx)
        .await?;
    }
    for r in relationships {
        sqlx::query("INSERT INTO adult_child (adult_id, child_id, kind, parental_responsibility, carer) VALUES ($1, $2, $3, $4, $5)")
            .bind(r.adult_id.as_str())
            .bind(r.child_id.as_str())
            .bind(r.kind.as_str())
            .bind(flag(r.parental_responsibility))
            .bind(flag(r.carer))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Issue 13 (PLAN-05): adds people to a family already recorded here (a transferred child
/// recorded from the transfer pack, with the parents and carers not yet in the record),
/// moving the record to its next version (a form opened before is told that it changed),
/// audited as `action` in the caller's transaction. Answers the record's new version.
pub async fn add_people(
    tx: &mut Tx,
    family_id: &FamilyId,
    children: &[Child],
    adults: &[Adult],
    relationships: &[AdultChildRelationship],
    actor: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<i64> {
    let row = sqlx::query("UPDATE family SET version = version + 1 WHERE id = $1 RETURNING authority_id, version")
        .bind(family_id.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let authority = text(&row, "authority_id")?;
    let version = int(&row, "version")?;
    insert_people(tx, &authority, family_id, children, adults, relationships).await?;
    audit::record(
        tx,
        Entry {
            authority_id: &authority,
            actor,
            kind: EventKind::Change,
            action,
            entity_type: "family",
            entity_id: family_id.as_str(),
            before: serde_json::Value::Null,
            after: json!({
                "children": children, "adults": adults, "relationships": relationships, "detail": detail,
            }),
        },
    )
    .await?;
    Ok(version)
}

/// A family's record as shown on its page.
#[derive(Debug, Clone, Serialize)]
pub struct FamilyRecord {
    pub family: Family,
    /// Bumped on every change; a form carries it so a second editor's save is detected.
    pub version: i64,
    pub children: Vec<Child>,
    pub adults: Vec<Adult>,
    pub relationships: Vec<AdultChildRelationship>,
    pub case: Option<Case>,
    pub allocated_worker_name: Option<String>,
    pub professionals: Vec<(Professional, Agency)>,
}

fn child_from_row(row: &sqlx::any::AnyRow) -> Result<Child> {
    let birth = match (date(row, "date_of_birth")?, date(row, "expected_date")?) {
        (Some(d), _) => Birth::Born(d),
        (None, Some(e)) => Birth::Unborn { expected: e },
        (None, None) => {
            return Err(StoreError::Corrupt("a child has neither a date of birth nor an expected date".into()))
        }
    };
    let gender = text(row, "gender")?;
    Ok(Child {
        id: ChildId(text(row, "id")?),
        family_id: FamilyId(text(row, "family_id")?),
        given_name: text(row, "given_name")?,
        family_name: text(row, "family_name")?,
        birth,
        nhs_number: opt_text(row, "nhs_number")?.and_then(|n| NhsNumber::parse(&n).ok()),
        la_child_id: text(row, "la_child_id")?,
        gender: Gender::parse(&gender).unwrap_or(Gender::Unknown),
        ethnicity: text(row, "ethnicity")?,
        disability: text(row, "disability")?,
        communication: Communication {
            first_language: text(row, "first_language")?,
            needs_interpreter: int(row, "needs_interpreter")? != 0,
            access_needs: text(row, "access_needs")?,
        },
    })
}

/// The authority a family belongs to, or `None` when there is no such family.
pub async fn family_authority(db: &Db, family_id: &str) -> Result<Option<AuthorityId>> {
    let row =
        sqlx::query("SELECT authority_id FROM family WHERE id = $1").bind(family_id).fetch_optional(db.pool()).await?;
    Ok(row.map(|r| r.try_get::<String, _>("authority_id")).transpose()?.map(AuthorityId))
}

/// Every relationship a user has to a family's record. Conferences add theirs (chair,
/// invited, note taker of any conference of the family); core groups add theirs (CG-01).
pub async fn relationships(db: &Db, user: &UserId, family_id: &str) -> Result<Vec<Relationship>> {
    relationships_in(db, user, family_id, None).await
}

/// The relationships of `user` to a family, in two queries: one that gathers every link
/// (allocated workers, a professional named on the case, a chair named on an open deadline, people
/// of the family's conferences, a portal account's link), and one for the management line
/// of an allocated worker who is someone else. With `conference`, the conference's own chair,
/// invitees and note taker are what gives ConferenceChair and Invited (not other conferences
/// of the family, nor the case's professionals).
pub(crate) async fn relationships_in(
    db: &Db,
    user: &UserId,
    family_id: &str,
    conference: Option<&str>,
) -> Result<Vec<Relationship>> {
    let rows = sqlx::query(
        "SELECT 'worker' AS k, allocated_worker_id AS v FROM family_case WHERE family_id = $1 \
         UNION ALL SELECT 'case-professional' AS k, '' AS v FROM case_professional cp \
           JOIN family_case fc ON fc.id = cp.case_id JOIN professional p ON p.id = cp.professional_id \
           WHERE fc.family_id = $1 AND p.user_id = $2 \
         UNION ALL SELECT 'deadline-chair' AS k, '' AS v FROM deadline \
           WHERE family_id = $1 AND chair_id = $2 AND met_on IS NULL AND cancelled_on IS NULL \
         UNION ALL SELECT 'family-conference' AS k, cp.relationship AS v FROM conference_person cp \
           JOIN conference c ON c.id = cp.conference_id WHERE c.family_id = $1 AND cp.user_id = $2 \
         UNION ALL SELECT 'this-conference' AS k, relationship AS v FROM conference_person \
           WHERE conference_id = $3 AND user_id = $2 \
         UNION ALL SELECT 'portal' AS k, '' AS v FROM portal_person WHERE family_id = $1 AND user_id = $2 \
         UNION ALL SELECT 'core-group' AS k, '' AS v FROM core_group_member WHERE family_id = $1 AND user_id = $2",
    )
    .bind(family_id)
    .bind(user.as_str())
    .bind(conference.unwrap_or(""))
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    let mut others = Vec::new();
    for row in &rows {
        let (k, v) = (text(row, "k")?, text(row, "v")?);
        let from_people = |v: &str| crate::conferences::relationship_of_person(v);
        match (k.as_str(), conference.is_some()) {
            ("worker", _) if v == user.as_str() => out.push(Relationship::AllocatedWorker),
            ("worker", _) => others.push(UserId(v)),
            // A professional named on the case is part of the network around the family; their
            // conference invitations refine this when conferences arrive.
            ("case-professional", false) => out.push(Relationship::Invited),
            // Provisional: the chair named on an open (not yet met) deadline of the family's
            // case prepares for the conference it is for, so chairs for the family until the
            // deadline is met; then only a conference's own chair assignment counts.
            ("deadline-chair", false) => out.push(Relationship::ConferenceChair),
            // Chair of, invited to, or taking the notes of a conference of the family.
            ("family-conference", false) | ("this-conference", true) => out.extend(from_people(&v)),
            // A parent, carer or young person of the family, through their portal account.
            ("portal", _) => out.push(Relationship::FamilyMember),
            // CG-01: named in the core group of a plan of the family, at its conference.
            ("core-group", _) => out.push(Relationship::CoreGroupMember),
            _ => {}
        }
    }
    for worker in others {
        if crate::users::management_line(db, &worker).await?.contains(user) {
            out.push(Relationship::ManagerOfAllocatedWorker);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The relationships of a user to each conference of a family, as [`relationships_in`] gives
/// them for one conference, read for all of the family's conferences at once (the family page
/// lists them: one query however many there are, and one for the management line).
pub async fn relationships_by_conference(db: &Db, user: &UserId, family_id: &str) -> Result<ConferenceRelationships> {
    let rows = sqlx::query(
        "SELECT 'worker' AS k, allocated_worker_id AS v, '' AS c FROM family_case WHERE family_id = $1 \
         UNION ALL SELECT 'conference' AS k, cp.relationship AS v, cp.conference_id AS c FROM conference_person cp \
           JOIN conference c ON c.id = cp.conference_id WHERE c.family_id = $1 AND cp.user_id = $2 \
         UNION ALL SELECT 'portal' AS k, '' AS v, '' AS c FROM portal_person WHERE family_id = $1 AND user_id = $2",
    )
    .bind(family_id)
    .bind(user.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut out = ConferenceRelationships::default();
    let mut others = Vec::new();
    for row in &rows {
        let (k, v, c) = (text(row, "k")?, text(row, "v")?, text(row, "c")?);
        match k.as_str() {
            "worker" if v == user.as_str() => out.every.push(Relationship::AllocatedWorker),
            "worker" => others.push(UserId(v)),
            "conference" => {
                if let Some(r) = crate::conferences::relationship_of_person(&v) {
                    out.own.push((c, r));
                }
            }
            "portal" => out.every.push(Relationship::FamilyMember),
            _ => {}
        }
    }
    for worker in others {
        if crate::users::management_line(db, &worker).await?.contains(user) {
            out.every.push(Relationship::ManagerOfAllocatedWorker);
        }
    }
    Ok(out)
}

/// A user's relationships to the conferences of one family ([`relationships_by_conference`]).
#[derive(Debug, Default)]
pub struct ConferenceRelationships {
    /// What holds for every conference of the family (allocated worker, their manager, portal).
    every: Vec<Relationship>,
    /// A conference's own: its chair, invitees and note taker.
    own: Vec<(String, Relationship)>,
}

impl ConferenceRelationships {
    /// The relationships to one conference, as [`crate::conferences::relationships`] reads them.
    pub fn of(&self, conference_id: &str) -> Vec<Relationship> {
        let mut out = self.every.clone();
        out.extend(self.own.iter().filter(|(c, _)| c == conference_id).map(|(_, r)| *r));
        out.sort();
        out.dedup();
        out
    }
}

pub async fn family_record(db: &Db, family_id: &str) -> Result<FamilyRecord> {
    let f = sqlx::query("SELECT id, authority_id, name, version FROM family WHERE id = $1")
        .bind(family_id)
        .fetch_one(db.pool())
        .await?;
    let family = Family {
        id: FamilyId(text(&f, "id")?),
        authority_id: AuthorityId(text(&f, "authority_id")?),
        name: text(&f, "name")?,
    };
    let version = int(&f, "version")?;
    let rows =
        sqlx::query("SELECT * FROM child WHERE family_id = $1 ORDER BY COALESCE(date_of_birth, expected_date), id")
            .bind(family_id)
            .fetch_all(db.pool())
            .await?;
    let children = rows.iter().map(child_from_row).collect::<Result<Vec<_>>>()?;
    let rows = sqlx::query("SELECT * FROM adult WHERE family_id = $1 ORDER BY id")
        .bind(family_id)
        .fetch_all(db.pool())
        .await?;
    let adults = rows
        .iter()
        .map(|r| {
            Ok(Adult {
                id: AdultId(text(r, "id")?),
                family_id: FamilyId(text(r, "family_id")?),
                given_name: text(r, "given_name")?,
                family_name: text(r, "family_name")?,
                email: opt_text(r, "email")?,
                phone: opt_text(r, "phone")?,
                communication: Communication {
                    first_language: text(r, "first_language")?,
                    needs_interpreter: int(r, "needs_interpreter")? != 0,
                    access_needs: text(r, "access_needs")?,
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let rows = sqlx::query(
        "SELECT ac.adult_id, ac.child_id, ac.kind, ac.parental_responsibility, ac.carer FROM child c \
         CROSS JOIN adult_child ac WHERE ac.child_id = c.id AND c.family_id = $1 ORDER BY ac.adult_id, ac.child_id",
    )
    .bind(family_id)
    .fetch_all(db.pool())
    .await?;
    let relationships = rows
        .iter()
        .map(|r| {
            let kind = text(r, "kind")?;
            Ok(AdultChildRelationship {
                adult_id: AdultId(text(r, "adult_id")?),
                child_id: ChildId(text(r, "child_id")?),
                kind: RelationshipKind::parse(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("relationship {kind}")))?,
                parental_responsibility: int(r, "parental_responsibility")? != 0,
                carer: int(r, "carer")? != 0,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let case_row = sqlx::query(
        "SELECT fc.id, fc.family_id, fc.allocated_worker_id, fc.stage, fc.opened_on, u.display_name FROM family_case fc \
         JOIN user_account u ON u.id = fc.allocated_worker_id WHERE fc.family_id = $1 ORDER BY fc.opened_on DESC LIMIT 1",
    )
    .bind(family_id)
    .fetch_optional(db.pool())
    .await?;
    let (case, allocated_worker_name) = match case_row {
        Some(r) => {
            let stage = text(&r, "stage")?;
            (
                Some(Case {
                    id: CaseId(text(&r, "id")?),
                    family_id: FamilyId(text(&r, "family_id")?),
                    allocated_worker_id: UserId(text(&r, "allocated_worker_id")?),
                    stage: CaseStage::parse(&stage).ok_or_else(|| StoreError::Corrupt(format!("stage {stage}")))?,
                    opened_on: date(&r, "opened_on")?
                        .ok_or_else(|| StoreError::Corrupt("case without opened_on".into()))?,
                }),
                Some(text(&r, "display_name")?),
            )
        }
        None => (None, None),
    };
    let mut professionals = Vec::new();
    if let Some(c) = &case {
        let rows = sqlx::query(
            "SELECT p.id, p.agency_id, p.name, p.job_title, p.email, p.user_id, a.authority_id, a.name AS agency_name, a.kind \
             FROM case_professional cp JOIN professional p ON p.id = cp.professional_id JOIN agency a ON a.id = p.agency_id \
             WHERE cp.case_id = $1 ORDER BY a.kind, p.name",
        )
        .bind(c.id.as_str())
        .fetch_all(db.pool())
        .await?;
        for r in &rows {
            let kind = text(r, "kind")?;
            professionals.push((
                Professional {
                    id: ProfessionalId(text(r, "id")?),
                    agency_id: AgencyId(text(r, "agency_id")?),
                    name: text(r, "name")?,
                    job_title: text(r, "job_title")?,
                    email: text(r, "email")?,
                    user_id: opt_text(r, "user_id")?.map(UserId),
                },
                Agency {
                    id: AgencyId(text(r, "agency_id")?),
                    authority_id: AuthorityId(text(r, "authority_id")?),
                    name: text(r, "agency_name")?,
                    kind: AgencyKind::parse(&kind).unwrap_or(AgencyKind::Other),
                },
            ));
        }
    }
    Ok(FamilyRecord { family, version, children, adults, relationships, case, allocated_worker_name, professionals })
}

/// Logs that someone read a family's record (ROLE-11: every read of a child's record).
pub async fn log_read(db: &Db, authority: &AuthorityId, actor: &UserId, family_id: &str, what: &str) -> Result<()> {
    audit::record_read(
        db,
        Entry {
            authority_id: authority.as_str(),
            actor: actor.as_str(),
            kind: EventKind::Read,
            action: what,
            entity_type: "family",
            entity_id: family_id,
            before: serde_json::Value::Null,
            after: serde_json::Value::Null,
        },
    )
    .await?;
    Ok(())
}

/// A row in a list of families.
#[derive(Debug, Clone, Serialize)]
pub struct FamilySummary {
    pub id: String,
    pub name: String,
    pub children: i64,
    pub stage: Option<String>,
    pub allocated_worker: Option<String>,
}

/// Families the user may see: all of the authority's for roles that read across cases,
/// otherwise those of cases allocated to them or to people they manage, those where they are
/// named as a professional, and those whose conferences they chair or are invited to.
///
/// Built for national scale: the page of families is chosen first (by the name index, or from
/// the user's own small set of families), and only that page is joined to its case and counted.
pub async fn list_families(
    db: &Db,
    authority: &AuthorityId,
    visible_to: Option<&UserId>,
    name_contains: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<FamilySummary>> {
    match visible_to {
        None => list_families_of(db, authority, None, name_contains, limit, offset).await,
        Some(user) => {
            // The user and everyone below them in the management line.
            let workers = crate::users::user_and_reports(db, authority, user).await?;
            list_families_of(db, authority, Some((user, &workers)), name_contains, limit, offset).await
        }
    }
}

/// [`list_families`] for a user whose management line below them is already known
/// (`workers`: the user and everyone they manage, directly or not), as the web layer keeps it
/// with the user directory, so the list does not walk the management line in SQL each time.
pub async fn list_families_of(
    db: &Db,
    authority: &AuthorityId,
    visible_to: Option<(&UserId, &[String])>,
    name_contains: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<FamilySummary>> {
    let pattern = format!("%{}%", name_contains.trim().to_lowercase().replace(['%', '_'], ""));
    let outer = |inner: &str| {
        format!(
            "SELECT f.id, f.name, (SELECT COUNT(*) FROM child c WHERE c.family_id = f.id) AS children, \
             (SELECT fc.stage FROM family_case fc WHERE fc.family_id = f.id ORDER BY fc.opened_on DESC LIMIT 1) AS stage, \
             (SELECT u.display_name FROM family_case fc JOIN user_account u ON u.id = fc.allocated_worker_id \
              WHERE fc.family_id = f.id ORDER BY fc.opened_on DESC LIMIT 1) AS display_name \
             FROM ({inner}) f ORDER BY f.name, f.id"
        )
    };
    let rows = match visible_to {
        None => {
            let inner = "SELECT id, name FROM family WHERE authority_id = $1 AND lower(name) LIKE $2 \
                         ORDER BY name, id LIMIT $3 OFFSET $4";
            sqlx::query(&outer(inner))
                .bind(authority.as_str())
                .bind(&pattern)
                .bind(limit)
                .bind(offset)
                .fetch_all(db.pool())
                .await?
        }
        Some((user, workers)) => {
            let placeholders: Vec<String> = (0..workers.len()).map(|k| format!("${}", k + 6)).collect();
            // The user's own families first (a small set found by indexes), then their names:
            // CROSS JOIN keeps that order on SQLite, where the name index would otherwise lead.
            let inner = format!(
                "SELECT f.id, f.name FROM ( \
                   SELECT family_id FROM family_case WHERE allocated_worker_id IN ({}) \
                   UNION SELECT fc.family_id FROM professional p JOIN case_professional cp ON cp.professional_id = p.id \
                     JOIN family_case fc ON fc.id = cp.case_id WHERE p.user_id = $5 \
                   UNION SELECT c.family_id FROM conference_person cpn JOIN conference c ON c.id = cpn.conference_id \
                     WHERE cpn.user_id = $5) mine \
                 CROSS JOIN family f WHERE f.id = mine.family_id AND f.authority_id = $1 AND lower(f.name) LIKE $2 \
                 ORDER BY f.name, f.id LIMIT $3 OFFSET $4",
                placeholders.join(", ")
            );
            let sql = outer(&inner);
            let mut q =
                sqlx::query(&sql).bind(authority.as_str()).bind(&pattern).bind(limit).bind(offset).bind(user.as_str());
            for w in workers {
                q = q.bind(w.clone());
            }
            q.fetch_all(db.pool()).await?
        }
    };
    rows.iter()
        .map(|r| {
            Ok(FamilySummary {
                id: text(r, "id")?,
                name: text(r, "name")?,
                children: int(r, "children")?,
                stage: opt_text(r, "stage")?,
                allocated_worker: opt_text(r, "display_name")?,
            })
        })
        .collect()
}

/// A change to a child's details, as typed into the form.
#[derive(Debug, Clone, Serialize)]
pub struct ChildChange {
    pub given_name: String,
    pub family_name: String,
    pub nhs_number: Option<NhsNumber>,
    pub first_language: String,
    pub needs_interpreter: bool,
    pub access_needs: String,
}

/// Why a change was not saved.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// Someone else saved the family's record after this form was opened.
    #[error("someone else changed this record since you opened it")]
    Conflict { current_version: i64 },
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Saves a child's details if the family's record is still at `expected_version`.
pub async fn update_child(
    db: &Db,
    child_id: &str,
    expected_version: i64,
    change: &ChildChange,
    actor: &UserId,
) -> std::result::Result<i64, ChangeError> {
    let mut tx = db.begin().await.map_err(ChangeError::Store)?;
    let row = sqlx::query("SELECT * FROM child WHERE id = $1")
        .bind(child_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    let Some(row) = row else { return Err(ChangeError::Store(StoreError::NotFound)) };
    let before = child_from_row(&row)?;
    let family_id = text(&row, "family_id")?;
    let authority = text(&row, "authority_id")?;
    let bumped =
        sqlx::query("UPDATE family SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING version")
            .bind(&family_id)
            .bind(expected_version)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::from)?;
    let Some(bumped) = bumped else {
        let current = sqlx::query("SELECT version FROM family WHERE id = $1")
            .bind(&family_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        return Err(ChangeError::Conflict { current_version: int(&current, "version")? });
    };
    let new_version = int(&bumped, "version")?;
    sqlx::query(
        "UPDATE child SET given_name = $2, family_name = $3, nhs_number = $4, first_language = $5, needs_interpreter = $6, \
         access_needs = $7 WHERE id = $1",
    )
    .bind(child_id)
    .bind(&change.given_name)
    .bind(&change.family_name)
    .bind(change.nhs_number.as_ref().map(|n| n.as_str().to_owned()))
    .bind(&change.first_language)
    .bind(flag(change.needs_interpreter))
    .bind(&change.access_needs)
    .execute(&mut *tx)
    .await
    .map_err(StoreError::from)?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: &authority,
            actor: actor.as_str(),
            kind: EventKind::Change,
            action: "child.update",
            entity_type: "family",
            entity_id: &family_id,
            before: serde_json::to_value(&before).unwrap_or_default(),
            after: json!({"child_id": child_id, "change": change}),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(new_version)
}

/// Issue 14: whether each adult of a family asked for letters by post (by adult id).
pub async fn prefers_post(db: &Db, family_id: &str) -> Result<std::collections::BTreeMap<String, bool>> {
    let rows = sqlx::query("SELECT id, prefers_post FROM adult WHERE family_id = $1")
        .bind(family_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok((text(r, "id")?, int(r, "prefers_post")? != 0))).collect()
}

/// Issue 14: records that an adult of the family wants letters by post (or e-mail again), if
/// the family's record is still at `expected_version`; audited in the same transaction.
pub async fn set_prefers_post(
    db: &Db,
    family_id: &str,
    adult_id: &str,
    expected_version: i64,
    prefers_post: bool,
    actor: &UserId,
) -> std::result::Result<i64, ChangeError> {
    let mut tx = db.begin().await.map_err(ChangeError::Store)?;
    let row = sqlx::query("SELECT authority_id, prefers_post FROM adult WHERE id = $1 AND family_id = $2")
        .bind(adult_id)
        .bind(family_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    let Some(row) = row else { return Err(ChangeError::Store(StoreError::NotFound)) };
    let authority = text(&row, "authority_id")?;
    let before = int(&row, "prefers_post")? != 0;
    let bumped =
        sqlx::query("UPDATE family SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING version")
            .bind(family_id)
            .bind(expected_version)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::from)?;
    let Some(bumped) = bumped else {
        let current = sqlx::query("SELECT version FROM family WHERE id = $1")
            .bind(family_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        return Err(ChangeError::Conflict { current_version: int(&current, "version")? });
    };
    let new_version = int(&bumped, "version")?;
    sqlx::query("UPDATE adult SET prefers_post = $2 WHERE id = $1")
        .bind(adult_id)
        .bind(flag(prefers_post))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    audit::record(
        &mut tx,
        Entry {
            authority_id: &authority,
            actor: actor.as_str(),
            kind: EventKind::Change,
            action: "adult.prefers-post",
            entity_type: "family",
            entity_id: family_id,
            before: json!({"adult_id": adult_id, "prefers_post": before}),
            after: json!({"adult_id": adult_id, "prefers_post": prefers_post}),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(new_version)
}

/// The family a child belongs to.
pub async fn family_of_child(db: &Db, child_id: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT family_id FROM child WHERE id = $1").bind(child_id).fetch_optional(db.pool()).await?;
    Ok(row.map(|r| r.try_get::<String, _>("family_id")).transpose()?)
}

/// Agencies and professionals (for the demo loader and later the invitation pages).
pub async fn insert_agency(tx: &mut Tx, a: &Agency) -> Result<()> {
    sqlx::query("INSERT INTO agency (id, authority_id, name, kind) VALUES ($1, $2, $3, $4)")
        .bind(a.id.as_str())
        .bind(a.authority_id.as_str())
        .bind(&a.name)
        .bind(a.kind.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn insert_professional(tx: &mut Tx, authority: &AuthorityId, p: &Professional) -> Result<()> {
    sqlx::query("INSERT INTO professional (id, authority_id, agency_id, name, job_title, email, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(p.id.as_str())
        .bind(authority.as_str())
        .bind(p.agency_id.as_str())
        .bind(&p.name)
        .bind(&p.job_title)
        .bind(&p.email)
        .bind(p.user_id.as_ref().map(|u| u.as_str().to_owned()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Counts (for the dashboard and the benchmark).
pub async fn counts(db: &Db, authority: &AuthorityId) -> Result<(i64, i64)> {
    let f = sqlx::query("SELECT COUNT(*) AS n FROM family WHERE authority_id = $1")
        .bind(authority.as_str())
        .fetch_one(db.pool())
        .await?;
    let c = sqlx::query("SELECT COUNT(*) AS n FROM child WHERE authority_id = $1")
        .bind(authority.as_str())
        .fetch_one(db.pool())
        .await?;
    Ok((int(&f, "n")?, int(&c, "n")?))
}
