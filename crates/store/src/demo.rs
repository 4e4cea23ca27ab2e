//! Loads a generated fictional authority (`confer_demo`) into the database, and
//! gives the demo sign-in accounts fresh credentials each time the demo starts.

use crate::users::{self, AccountKind, NewUser};
use crate::{Db, Result};
use confer_demo::{Demo, DEMO_ACCOUNTS};
use confer_domain::Role;

/// The actor recorded in the audit chain for everything the demo loader does.
pub const ACTOR: &str = "system:demo";

/// Families per transaction: large enough to be quick, small enough to keep transactions short.
const BATCH: usize = 250;

#[derive(Debug)]
pub struct Loaded {
    /// False when the authority was already there (nothing was generated).
    pub created: bool,
    pub families: u64,
}

/// Loads the demo authority unless an authority with its code already exists.
pub async fn load(db: &Db, demo: &Demo, mut progress: impl FnMut(u64)) -> Result<Loaded> {
    if users::authority_by_code(db, &demo.authority.code).await?.is_some() {
        return Ok(Loaded { created: false, families: 0 });
    }
    let a = &demo.authority;
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO authority (id, code, name, nation, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(a.id.as_str())
        .bind(&a.code)
        .bind(&a.name)
        .bind(a.nation.as_str())
        .bind(db.now())
        .execute(&mut *tx)
        .await?;
    crate::audit::record(
        &mut tx,
        crate::audit::Entry {
            authority_id: a.id.as_str(),
            actor: ACTOR,
            kind: confer_domain::audit::EventKind::Change,
            action: "authority.create",
            entity_type: "authority",
            entity_id: a.id.as_str(),
            before: serde_json::Value::Null,
            after: serde_json::to_value(a).unwrap_or_default(),
        },
    )
    .await?;
    for t in &demo.teams {
        users::create_team(&mut tx, t.id.as_str(), &a.id, &t.name, ACTOR).await?;
    }
    // Managers before the people they manage, so every line_manager_id refers to a row.
    let mut pending: Vec<&confer_domain::UserAccount> = demo.users.iter().collect();
    let mut inserted = std::collections::HashSet::new();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for u in pending {
            let ready = u.line_manager_id.as_ref().map(|m| inserted.contains(m.as_str())).unwrap_or(true);
            if !ready {
                rest.push(u);
                continue;
            }
            let portal = !u.roles.iter().any(|r| r.is_staff());
            let new = NewUser {
                id: Some(u.id.as_str()),
                authority_id: &a.id,
                username: &u.username,
                display_name: &u.display_name,
                email: &u.email,
                kind: if portal { AccountKind::Portal } else { AccountKind::Staff },
                roles: &u.roles,
                team_id: u.team_id.as_ref().map(|t| t.as_str()),
                line_manager_id: u.line_manager_id.as_ref().map(|m| m.as_str()),
                password: None,
                totp_secret: None,
                email_verified: portal,
            };
            users::create_user_in(&mut tx, &new, None, ACTOR).await?;
            inserted.insert(u.id.as_str().to_owned());
        }
        if rest.len() == before {
            // A cycle in the generated management line: insert the rest without managers.
            return Err(crate::StoreError::Corrupt("the demo's management line has a cycle".into()));
        }
        pending = rest;
    }
    for ag in &demo.agencies {
        crate::families::insert_agency(&mut tx, ag).await?;
    }
    for p in &demo.professionals {
        crate::families::insert_professional(&mut tx, &a.id, p).await?;
    }
    tx.commit().await?;

    // Each case's deadlines, computed once with the authority's calendar and policy.
    let rules = (crate::calendar::authority_calendar(db, a).await?, crate::calendar::policy_history(db, a).await?);
    let (calendar, policies) = (&rules.0, &rules.1);
    let mut count = 0u64;
    let mut tx = db.begin().await?;
    for (i, f) in demo.families().enumerate() {
        crate::families::insert_family(
            &mut tx,
            &crate::families::NewFamily {
                family: &f.family,
                children: &f.children,
                adults: &f.adults,
                relationships: &f.relationships,
                case: Some(&f.case),
                professionals: &f.professional_ids,
            },
            ACTOR,
        )
        .await?;
        seed_deadlines(&mut tx, demo, &f, i as u32, calendar, policies).await?;
        // Cases waiting for a conference have one: requested, or scheduled with a chair.
        if let Some(c) = demo.conference(&f, i as u32, calendar, policies, db.clock().now()) {
            // The rules read above, not read again for each conference.
            crate::conferences::create_with_rules(db, &mut tx, &c, ACTOR, Some(&rules)).await?;
        }
        count += 1;
        if (i + 1) % BATCH == 0 {
            tx.commit().await?;
            progress(count);
            tx = db.begin().await?;
        }
    }
    tx.commit().await?;
    if count % BATCH as u64 != 0 {
        progress(count);
    }
    // Fresh statistics, so both databases' planners choose the indexes for lists at this scale.
    sqlx::query("ANALYZE").execute(&db.writer).await?;
    Ok(Loaded { created: true, families: count })
}

/// Stores the deadlines that fit a demo family's stage ([`Demo::deadlines`]), with one audit
/// event for the family.
async fn seed_deadlines(
    tx: &mut crate::Tx,
    demo: &Demo,
    f: &confer_demo::DemoFamily,
    index: u32,
    calendar: &confer_domain::calendar::Calendar,
    policies: &confer_domain::policy::PolicyHistory,
) -> Result<()> {
    let deadlines = demo.deadlines(f, index, calendar, policies);
    if deadlines.is_empty() {
        return Ok(());
    }
    for d in &deadlines {
        crate::deadlines::insert_deadline(
            tx,
            &crate::deadlines::NewDeadline {
                authority_id: demo.authority.id.as_str(),
                family_id: f.family.id.as_str(),
                case_id: f.case.id.as_str(),
                deadline: &d.deadline,
                chair_id: d.chair.as_ref().map(|c| c.as_str()),
                met: d.met,
                late_reason: d.late_reason.as_ref(),
            },
            ACTOR,
        )
        .await?;
    }
    crate::audit::record(
        tx,
        crate::audit::Entry {
            authority_id: demo.authority.id.as_str(),
            actor: ACTOR,
            kind: confer_domain::audit::EventKind::Change,
            action: "deadline.seed",
            entity_type: "family",
            entity_id: f.family.id.as_str(),
            before: serde_json::Value::Null,
            after: serde_json::to_value(&deadlines).unwrap_or_default(),
        },
    )
    .await?;
    Ok(())
}

/// Sign-in details of a demo account, printed when the demo starts.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub role: Role,
    pub username: String,
    /// For staff; partner professionals sign in with a code sent to `email`.
    pub password: Option<String>,
    pub totp_secret: Option<String>,
    pub email: String,
}

/// Gives every demo account a new password and TOTP secret (staff), and returns them.
/// Only the hash of the password is stored, so the demo makes new ones at each start.
pub async fn reset_credentials(db: &Db) -> Result<Vec<Credentials>> {
    let mut out = Vec::new();
    for (role, username, _) in DEMO_ACCOUNTS {
        let Some(user) = users::by_username(db, username).await? else { continue };
        if !role.is_staff() {
            out.push(Credentials {
                role: *role,
                username: username.to_string(),
                password: None,
                totp_secret: None,
                email: user.account.email,
            });
            continue;
        }
        let password = demo_password();
        let secret = users::new_totp_secret();
        let hash = users::hash_password(&password)?;
        let mut tx = db.begin().await?;
        sqlx::query(
            "UPDATE user_account SET password_hash = $2, totp_secret = $3, totp_enrolled = 1, totp_last_step = 0, \
             failed_sign_ins = 0, locked_until = NULL, disabled = 0 WHERE id = $1",
        )
        .bind(user.account.id.as_str())
        .bind(&hash)
        .bind(crate::totp_key::seal(user.account.id.as_str(), &secret)?)
        .execute(&mut *tx)
        .await?;
        crate::audit::record(
            &mut tx,
            crate::audit::Entry {
                authority_id: user.account.authority_id.as_str(),
                actor: ACTOR,
                kind: confer_domain::audit::EventKind::Change,
                action: "user.demo-credentials",
                entity_type: "user",
                entity_id: user.account.id.as_str(),
                before: serde_json::Value::Null,
                after: serde_json::json!({"password": "changed", "totp_enrolled": true}),
            },
        )
        .await?;
        tx.commit().await?;
        out.push(Credentials {
            role: *role,
            username: username.to_string(),
            password: Some(password),
            totp_secret: Some(secret),
            email: user.account.email,
        });
    }
    Ok(out)
}

/// A readable random password: four words and a number (never printed anywhere but the demo's console).
fn demo_password() -> String {
    use rand::seq::SliceRandom;
    const WORDS: &[&str] = &[
        "maple", "harbour", "lantern", "meadow", "copper", "willow", "pebble", "orchard", "thistle", "beacon",
        "saffron", "juniper", "kettle", "marble", "heron", "quartz", "bramble", "cobalt", "fennel", "granite",
    ];
    let mut rng = rand::rngs::OsRng;
    let words: Vec<&str> = (0..4).filter_map(|_| WORDS.choose(&mut rng).copied()).collect();
    let n = rand::Rng::gen_range(&mut rng, 10..100);
    format!("{}-{n}", words.join("-"))
}

/// The family portal in the demo: portal access for one parent or carer of each of the first
/// `how_many` families with a scheduled conference, at a fictional address
/// (`parent.N@demo.confer.invalid`; the sign-in code is in the outbox). Given once, audited
/// like any other; later starts list the same accounts.
pub async fn portal_parents(
    db: &Db,
    authority: &confer_domain::AuthorityId,
    how_many: usize,
) -> Result<Vec<Credentials>> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT id, family_id FROM conference WHERE authority_id = $1 AND state = 'scheduled' ORDER BY date, id LIMIT 50",
    )
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for row in rows {
        if out.len() >= how_many {
            break;
        }
        let (id, family_id): (String, String) = (row.try_get("id")?, row.try_get("family_id")?);
        let stored = crate::conferences::load(db, &id).await?;
        let Some(member) = stored.conference.family_members().iter().find(|m| m.is_parent_or_carer()).cloned() else {
            continue;
        };
        let person = confer_domain::portal::PortalPerson::Adult(member.adult_id.clone());
        let existing = sqlx::query(
            "SELECT u.username, u.email FROM portal_person pp JOIN user_account u ON u.id = pp.user_id \
             WHERE pp.family_id = $1 AND pp.adult_id = $2",
        )
        .bind(&family_id)
        .bind(member.adult_id.as_str())
        .fetch_optional(db.pool())
        .await?;
        let (username, email) = match existing {
            Some(r) => (r.try_get::<String, _>("username")?, r.try_get::<String, _>("email")?),
            None => {
                let email = format!("parent.{}@demo.confer.invalid", out.len() + 1);
                let display = member.name.split_whitespace().next().unwrap_or("Parent").to_owned();
                let access = crate::portal::Access {
                    authority_id: authority,
                    family_id: &family_id,
                    person: &person,
                    display_name: &display,
                    email: &email,
                    role: Role::Parent,
                };
                let user = crate::portal::give_access(db, &access, ACTOR).await?;
                (users::by_id(db, &user).await?.account.username, email)
            }
        };
        out.push(Credentials { role: Role::Parent, username, password: None, totp_secret: None, email });
    }
    Ok(out)
}
