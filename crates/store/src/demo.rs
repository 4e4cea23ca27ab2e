//! Loads a generated fictional authority (`confer_demo`) into the database, and
//! gives the demo sign-in accounts fresh credentials each time the demo starts.

use crate::users::{self, AccountKind, NewUser};
use crate::{Db, Result};
use confer_demo::{Demo, DEMO_ACCOUNTS};
use confer_domain::Role;

/// The actor recorded in the audit chain for everything the demo loader does.
pub const ACTOR: &str = "system:demo";

/// The families whose recent conferences ask for feedback (QA-01).
const FEEDBACK_FAMILIES: u32 = 300;

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
    // A batch of families at a time: their rows with one multi-row INSERT per table and their
    // audit events appended together (`crate::bulk`, `audit::record_many`), then the
    // conferences of the batch one by one (each through the path the service uses).
    // Issue 12: the families are generated and their rows made on a thread of their own while
    // the batch before is written, so the generator's work (most of the load's CPU) overlaps
    // the database's instead of waiting for it; two batches at most wait in the channel.
    let (sender, mut made) = tokio::sync::mpsc::channel::<Result<Prepared>>(2);
    let producer = {
        let demo = demo.clone();
        let rules = rules.clone();
        let clock = db.clock().clone();
        std::thread::spawn(move || {
            let mut batch: Vec<confer_demo::DemoFamily> = Vec::with_capacity(BATCH);
            let mut index = 0u32;
            let mut families = demo.families().peekable();
            while let Some(f) = families.next() {
                batch.push(f);
                if batch.len() == BATCH || families.peek().is_none() {
                    let prepared = prepare_batch(&demo, &batch, index, &rules, &clock);
                    index += batch.len() as u32;
                    batch.clear();
                    // The loader stopped (an error): nothing more to make.
                    if sender.blocking_send(prepared).is_err() {
                        return;
                    }
                }
            }
        })
    };
    let mut count = 0u64;
    let mut failed = None;
    while let Some(prepared) = made.recv().await {
        let written = match prepared {
            Ok(p) => {
                let families = p.families as u64;
                write_batch(db, &rules, p).await.map(|()| families)
            }
            Err(e) => Err(e),
        };
        match written {
            Ok(families) => {
                count += families;
                progress(count);
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    drop(made);
    if producer.join().is_err() {
        return Err(crate::StoreError::Corrupt("the demo's generator stopped unexpectedly".into()));
    }
    if let Some(e) = failed {
        return Err(e);
    }
    letters_waiting(db, &a.id).await?;
    rights_and_feedback(db, demo).await?;
    // Fresh statistics, so both databases' planners choose the indexes for lists at this scale.
    sqlx::query("ANALYZE").execute(&db.writer).await?;
    Ok(Loaded { created: true, families: count })
}

/// What the generator makes for each family of a batch: its census details, its deadlines and
/// what has happened to it (held conferences and plans).
type Generated = (Vec<confer_demo::ChildCensusSeed>, Vec<confer_demo::DemoDeadline>, confer_demo::DemoHistory);

/// The generator's work for each family of a batch (the family indexes start at `first`), in
/// the batch's order, on as many threads as the machine has cores (at most 8). Issue 12: since
/// the demo gained held conferences and plans, making them through the domain is most of the
/// load's time, not the database. Each family's history comes from its own random stream
/// seeded by (seed, index), so the threads make exactly what one thread would.
fn generated(
    demo: &Demo,
    batch: &[confer_demo::DemoFamily],
    first: u32,
    calendar: &confer_domain::calendar::Calendar,
    policies: &confer_domain::policy::PolicyHistory,
) -> Vec<Generated> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
    let per = batch.len().div_ceil(threads).max(1);
    let make = move |start: usize, chunk: &[confer_demo::DemoFamily]| -> Vec<Generated> {
        chunk
            .iter()
            .enumerate()
            .map(|(k, f)| {
                let i = first + (start + k) as u32;
                let census = demo.census(f, i, calendar);
                let deadlines = demo.deadlines(f, i, calendar, policies);
                let history = demo.history(f, i, &deadlines, calendar, policies);
                (census, deadlines, history)
            })
            .collect()
    };
    if threads == 1 || batch.len() <= 1 {
        return make(0, batch);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            batch.chunks(per).enumerate().map(|(c, chunk)| scope.spawn(move || make(c * per, chunk))).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

/// One batch of families made ready to write: every table's rows, the audit events (entity
/// type, entity, action, after) in the order they were made, the feedback to ask for, and the
/// conferences of the families waiting for one.
struct Prepared {
    families: usize,
    authority: String,
    tables: Vec<crate::bulk::Rows>,
    held: crate::conferences::BulkRows,
    plans: crate::plans::BulkRows,
    asked: Vec<(confer_domain::conference::Conference, confer_domain::conference::Conference)>,
    events: Vec<(&'static str, String, &'static str, serde_json::Value)>,
    conferences: Vec<confer_domain::conference::Conference>,
}

/// Generates one batch of families (the family indexes start at `first`) and makes their rows
/// and events: no database is touched (it runs on the generator's thread, see [`load`]).
fn prepare_batch(
    demo: &Demo,
    batch: &[confer_demo::DemoFamily],
    first: u32,
    rules: &crate::conferences::Rules,
    clock: &crate::clock::Clock,
) -> Result<Prepared> {
    use crate::bulk::Rows;
    use confer_domain::Birth;
    let (calendar, policies) = (&rules.0, &rules.1);
    let authority = demo.authority.id.as_str();
    let now = crate::stamp(clock.now());
    let mut family = Rows::new("family", &["id", "authority_id", "name", "created_at"]);
    let mut child = Rows::new(
        "child",
        &[
            "id",
            "family_id",
            "authority_id",
            "given_name",
            "family_name",
            "date_of_birth",
            "expected_date",
            "nhs_number",
            "la_child_id",
            "gender",
            "ethnicity",
            "disability",
            "first_language",
            "needs_interpreter",
            "access_needs",
            "upn",
            "upn_unknown",
            "death_date",
        ],
    );
    // The census details of each child (issue 15): one multi-row INSERT as the other tables.
    let mut cin_episode = Rows::new(
        "cin_episode",
        &[
            "id",
            "authority_id",
            "family_id",
            "child_id",
            "referral_date",
            "referral_source",
            "primary_need",
            "nfa",
            "closure_date",
            "closure_reason",
            "assessments",
            "enquiries",
            "created_at",
            "updated_at",
        ],
    );
    let mut adult = Rows::new(
        "adult",
        &[
            "id",
            "family_id",
            "authority_id",
            "given_name",
            "family_name",
            "email",
            "phone",
            "first_language",
            "needs_interpreter",
            "access_needs",
        ],
    );
    let mut adult_child =
        Rows::new("adult_child", &["adult_id", "child_id", "kind", "parental_responsibility", "carer"]);
    let mut case =
        Rows::new("family_case", &["id", "family_id", "authority_id", "allocated_worker_id", "stage", "opened_on"]);
    let mut case_professional = Rows::new("case_professional", &["case_id", "professional_id"]);
    let mut deadline = Rows::new(
        "deadline",
        &[
            "id",
            "authority_id",
            "family_id",
            "case_id",
            "rule",
            "trigger_on",
            "due_on",
            "policy_effective_from",
            "chair_id",
            "met_on",
            "late_reason",
            "late_details",
            "met_recorded_by",
            "met_recorded_at",
            "created_by",
            "created_at",
        ],
    );
    // Issues 13 and 15: the conferences that have happened and the plans they made.
    let mut held = crate::conferences::BulkRows::new();
    let mut asked: Vec<(confer_domain::conference::Conference, confer_domain::conference::Conference)> = Vec::new();
    let mut plans = crate::plans::BulkRows::new();
    // (entity type, entity, action, after) of each event, in the order they were made.
    let mut events: Vec<(&'static str, String, &'static str, serde_json::Value)> = Vec::new();
    let mut conferences = Vec::new();
    let made = generated(demo, batch, first, calendar, policies);
    for (k, (f, (census, deadlines, history))) in batch.iter().zip(made).enumerate() {
        let i = first + k as u32;
        let id = f.family.id.as_str();
        family.push([id.into(), authority.into(), f.family.name.clone().into(), now.clone().into()]);
        for seed in &census {
            for e in &seed.episodes {
                cin_episode.push([
                    crate::new_id().into(),
                    authority.into(),
                    id.into(),
                    seed.child_id.as_str().into(),
                    e.referral_date.to_string().into(),
                    e.referral_source.clone().into(),
                    e.primary_need.clone().into(),
                    crate::flag(e.nfa).into(),
                    e.closure_date.map(|d| d.to_string()).into(),
                    e.closure_reason.clone().into(),
                    serde_json::to_string(&e.assessments).unwrap_or_else(|_| "[]".into()).into(),
                    serde_json::to_string(&e.enquiries).unwrap_or_else(|_| "[]".into()).into(),
                    now.clone().into(),
                    now.clone().into(),
                ]);
            }
        }
        for c in &f.children {
            let seed = census.iter().find(|s| s.child_id == c.id);
            let (dob, edd) = match c.birth {
                Birth::Born(d) => (Some(d.to_string()), None),
                Birth::Unborn { expected } => (None, Some(expected.to_string())),
            };
            child.push([
                c.id.as_str().into(),
                id.into(),
                authority.into(),
                c.given_name.clone().into(),
                c.family_name.clone().into(),
                dob.into(),
                edd.into(),
                c.nhs_number.as_ref().map(|n| n.as_str().to_owned()).into(),
                c.la_child_id.clone().into(),
                c.gender.as_str().into(),
                c.ethnicity.clone().into(),
                c.disability.clone().into(),
                c.communication.first_language.clone().into(),
                crate::flag(c.communication.needs_interpreter).into(),
                c.communication.access_needs.clone().into(),
                seed.and_then(|s| s.upn.clone()).into(),
                seed.and_then(|s| s.upn_unknown.clone()).into(),
                history.deaths.iter().find(|(x, _)| *x == c.id).map(|(_, d)| d.to_string()).into(),
            ]);
        }
        for a in &f.adults {
            adult.push([
                a.id.as_str().into(),
                id.into(),
                authority.into(),
                a.given_name.clone().into(),
                a.family_name.clone().into(),
                a.email.clone().into(),
                a.phone.clone().into(),
                a.communication.first_language.clone().into(),
                crate::flag(a.communication.needs_interpreter).into(),
                a.communication.access_needs.clone().into(),
            ]);
        }
        for r in &f.relationships {
            adult_child.push([
                r.adult_id.as_str().into(),
                r.child_id.as_str().into(),
                r.kind.as_str().into(),
                crate::flag(r.parental_responsibility).into(),
                crate::flag(r.carer).into(),
            ]);
        }
        let c = &f.case;
        case.push([
            c.id.as_str().into(),
            id.into(),
            authority.into(),
            c.allocated_worker_id.as_str().into(),
            c.stage.as_str().into(),
            c.opened_on.to_string().into(),
        ]);
        for p in &f.professional_ids {
            case_professional.push([c.id.as_str().into(), p.as_str().into()]);
        }
        events.push((
            "family",
            id.to_owned(),
            "family.create",
            serde_json::json!({
                "family": f.family, "children": f.children, "adults": f.adults,
                "relationships": f.relationships, "case": Some(&f.case), "professionals": f.professional_ids,
            }),
        ));
        for d in &deadlines {
            let met_by = d.met.map(|_| ACTOR.to_owned());
            deadline.push([
                crate::new_id().into(),
                authority.into(),
                id.into(),
                c.id.as_str().into(),
                d.deadline.rule.as_str().into(),
                d.deadline.trigger.to_string().into(),
                d.deadline.due.to_string().into(),
                d.deadline.policy_effective_from.to_string().into(),
                d.chair.as_ref().map(|u| u.as_str().to_owned()).into(),
                d.met.map(|m| m.to_string()).into(),
                d.late_reason.as_ref().map(|r| r.reason.as_str().to_owned()).into(),
                d.late_reason.as_ref().map(|r| r.details.clone()).into(),
                met_by.clone().into(),
                d.met.map(|_| now.clone()).into(),
                ACTOR.into(),
                now.clone().into(),
            ]);
        }
        if !deadlines.is_empty() {
            events.push((
                "family",
                id.to_owned(),
                "deadline.seed",
                serde_json::to_value(&deadlines).unwrap_or_default(),
            ));
        }
        // The census details, as the family's own event (the child form's changes are
        // `child.census.update`).
        let seeds: Vec<serde_json::Value> = census
            .iter()
            .map(|s| serde_json::json!({"child_id": s.child_id, "upn": s.upn, "upn_unknown": s.upn_unknown, "episodes": s.episodes}))
            .collect();
        if !seeds.is_empty() {
            events.push(("family", id.to_owned(), "census.seed", serde_json::Value::Array(seeds)));
        }
        // Each held conference as it stood when its record was sent, then each plan as its
        // conferences and core groups have left it (made by the domain: `Demo::history`).
        if i < FEEDBACK_FAMILIES {
            for (k, before) in &history.before_outcome {
                if let Some(after) = history.conferences.get(*k) {
                    asked.push((before.clone(), after.clone()));
                }
            }
        }
        // Their events name what was written (the documents themselves are in their rows and,
        // for plans, in the first version row): the whole documents again would double the
        // load's size and time.
        for c in &history.conferences {
            held.push(c, &now)?;
            let decisions: Vec<serde_json::Value> =
                c.decisions().iter().map(|d| serde_json::json!({"child": d.child, "outcome": d.outcome})).collect();
            let after = serde_json::json!({
                "kind": c.kind(), "state": c.state(), "held_on": c.date(), "chair": c.chair(),
                "decisions": decisions, "dissents": c.dissents().len(),
            });
            events.push(("conference", c.id().as_str().to_owned(), "conference.demo-held", after));
        }
        for p in &history.plans {
            plans.push(p, ACTOR, "plan.demo-history", &now)?;
            let after = serde_json::json!({
                "kind": p.kind, "child_id": p.child_id, "category": p.category(), "started_on": p.started_on,
                "started_by": p.started_by, "previous_plans": p.previous_plans, "ended": p.ended,
                "actions": p.actions.len(), "core_group_meetings": p.core_group_meetings.len(),
            });
            events.push(("plan", p.id.as_str().to_owned(), "plan.demo-history", after));
        }
        // Cases waiting for a conference have one: requested, or scheduled with a chair.
        // Issue 12: one whose creation would change nothing else (its deadline already set,
        // its case already at its stage: the usual case) is written with the batch's rows, as
        // `conferences::create_with_rules` would write it; any other through that function.
        if let Some(c) = demo.conference(f, i, calendar, policies, clock.now()) {
            let existing = |rule, trigger| {
                deadlines
                    .iter()
                    .find(|d| d.deadline.rule == rule && d.deadline.trigger == trigger)
                    .map(|d| d.met.is_some())
            };
            if crate::conferences::created_by_its_rows_alone(&c, f.case.stage, existing) {
                held.push(&c, &now)?;
                let after = serde_json::to_value(&c)
                    .map_err(|e| crate::StoreError::Corrupt(format!("the demo's conference: {e}")))?;
                events.push(("conference", c.id().as_str().to_owned(), "conference.request", after));
            } else {
                conferences.push(c);
            }
        }
    }
    Ok(Prepared {
        families: batch.len(),
        authority: authority.to_owned(),
        // Parents before the rows that refer to them.
        tables: vec![family, child, cin_episode, adult, adult_child, case, case_professional, deadline],
        held,
        plans,
        asked,
        events,
        conferences,
    })
}

/// Writes one prepared batch in one transaction: every table's rows together, the families'
/// `family.create` events and the `deadline.seed` events (one per family that has deadlines)
/// appended together, then the conferences of the families waiting for one.
async fn write_batch(db: &Db, rules: &crate::conferences::Rules, p: Prepared) -> Result<()> {
    let Prepared { authority, tables, held, plans, asked, mut events, conferences, .. } = p;
    let mut tx = db.begin().await?;
    for rows in tables {
        rows.insert(&mut tx).await?;
    }
    held.insert(&mut tx).await?;
    plans.insert(&mut tx).await?;
    // QA-01: the people sent the outcome of a recent conference are asked for feedback, as
    // sending it asks them (for the first families only: the demo needs some, not thousands).
    for (before, after) in &asked {
        crate::feedback::invite_in(&mut tx, before, after, ACTOR).await?;
    }
    let entries: Vec<crate::audit::Entry<'_>> = events
        .iter_mut()
        .map(|(entity_type, entity, action, after)| {
            let entity: &String = entity;
            crate::audit::Entry {
                authority_id: &authority,
                actor: ACTOR,
                kind: confer_domain::audit::EventKind::Change,
                action,
                entity_type,
                entity_id: entity.as_str(),
                before: serde_json::Value::Null,
                after: std::mem::take(after),
            }
        })
        .collect();
    crate::audit::record_many(&mut tx, &entries).await?;
    for c in &conferences {
        // The rules read once for the load, not read again for each conference.
        crate::conferences::create_with_rules(db, &mut tx, c, ACTOR, Some(rules)).await?;
    }
    tx.commit().await?;
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
    // First a parent whose child is on a plan (issue 13: the plan in the portal), from the
    // conference that made it; then parents of the next conferences to meet.
    let mut rows = sqlx::query(
        "SELECT c.id, c.family_id FROM plan p JOIN conference c ON c.id = p.started_by \
         WHERE p.authority_id = $1 AND p.kind = 'child-protection' AND p.ended_on IS NULL \
         ORDER BY p.family_id, p.id LIMIT 1",
    )
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.extend(
        sqlx::query(
            "SELECT id, family_id FROM conference WHERE authority_id = $1 AND state = 'scheduled' ORDER BY date, id LIMIT 50",
        )
        .bind(authority.as_str())
        .fetch_all(db.pool())
        .await?,
    );
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

/// Issue 14: the demo's print list has letters waiting: the invitation letters of the parents
/// and carers without an e-mail address of the next few scheduled conferences, as inviting
/// them puts them there (`confer documents print` makes and writes them).
async fn letters_waiting(db: &Db, authority: &confer_domain::AuthorityId) -> Result<()> {
    use confer_domain::conference::{Conference, Invitee};
    let rows = sqlx::query(
        "SELECT id, family_id, doc FROM conference WHERE authority_id = $1 AND state = 'scheduled' ORDER BY date, id LIMIT 40",
    )
    .bind(authority.as_str())
    .fetch_all(db.pool())
    .await?;
    // A parent with an e-mail address who asked for letters by post (LANG-03): their letters
    // go on the print list too. Recorded as the family's page records it, audited.
    if let Some(r) = rows.first() {
        let c: Conference = serde_json::from_str(&crate::text(r, "doc")?)
            .map_err(|e| crate::StoreError::Corrupt(format!("conference document: {e}")))?;
        let family_id = crate::text(r, "family_id")?;
        for m in c.family_members().iter().filter(|m| m.is_parent_or_carer()) {
            let adult = sqlx::query("SELECT email FROM adult WHERE id = $1")
                .bind(m.adult_id.as_str())
                .fetch_one(db.pool())
                .await?;
            if crate::opt_text(&adult, "email")?.is_none() {
                continue;
            }
            let family =
                sqlx::query("SELECT version FROM family WHERE id = $1").bind(&family_id).fetch_one(db.pool()).await?;
            let version = crate::int(&family, "version")?;
            let actor = confer_domain::UserId::from(ACTOR);
            crate::families::set_prefers_post(db, &family_id, m.adult_id.as_str(), version, true, &actor)
                .await
                .map_err(|e| crate::StoreError::Corrupt(format!("the demo parent who asked for post: {e}")))?;
            break;
        }
    }
    let mut tx = db.begin().await?;
    let mut queued = 0;
    for r in &rows {
        let c: Conference = serde_json::from_str(&crate::text(r, "doc")?)
            .map_err(|e| crate::StoreError::Corrupt(format!("conference document: {e}")))?;
        // Those invited who may know when it meets, and the parents and carers the
        // coordinator is yet to invite (INV-01: the demo's conferences are freshly scheduled).
        let mut adults: Vec<confer_domain::AdultId> = c
            .invitations()
            .iter()
            .filter(|i| confer_domain::conference::notify::may_have_calendar_entry(&c, &i.invitee))
            .filter_map(|i| match &i.invitee {
                Invitee::FamilyMember { adult_id } => Some(adult_id.clone()),
                _ => None,
            })
            .collect();
        adults.extend(c.parents_not_invited().into_iter().map(|m| m.adult_id.clone()));
        for adult_id in &adults {
            let adult = sqlx::query("SELECT email, first_language, prefers_post FROM adult WHERE id = $1")
                .bind(adult_id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(adult) = adult else { continue };
            let by_post = crate::int(&adult, "prefers_post")? != 0;
            if !by_post && crate::opt_text(&adult, "email")?.is_some_and(|e| e.contains('@')) {
                continue;
            }
            let language = if crate::text(&adult, "first_language")? == "Welsh" { "cy" } else { "en" };
            sqlx::query(
                "INSERT INTO print_request (id, authority_id, family_id, conference_id, recipient, kind, language, \
                 created_at) VALUES ($1, $2, $3, $4, $5, 'invitation-letter', $6, $7)",
            )
            .bind(crate::new_id())
            .bind(authority.as_str())
            .bind(crate::text(r, "family_id")?)
            .bind(crate::text(r, "id")?)
            .bind(format!("family-member:{}", adult_id.as_str()))
            .bind(language)
            .bind(tx.now())
            .execute(&mut *tx)
            .await?;
            queued += 1;
        }
        if queued >= 6 {
            break;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Issue 14 (RIGHT-01, RIGHT-02) and QA-01: what families asked of the demo authority after
/// their conferences, made by the domain's own operations and stored as the pages store them:
/// complaints at each stage (received, acknowledged, escalated to stage 2 after an answer,
/// answered and closed), subject access requests (one near its deadline, one new, one whose
/// deadline was extended), and answers to about half the feedback invitations. Nothing when
/// the demo has no held conference.
async fn rights_and_feedback(db: &Db, demo: &Demo) -> Result<()> {
    use confer_domain::calendar::WorkingCalendar;
    use confer_domain::complaint::{About, Complainant, Complaint, Finding};
    use confer_domain::conference::Conference;
    use confer_domain::subject_access::{HowReceived, IdentityCheck, SubjectAccessRequest};
    let a = &demo.authority;
    let calendar = crate::calendar::authority_calendar(db, a).await?;
    let policies = crate::calendar::policy_history(db, a).await?;
    let today = db.today();
    let refused = |what: &str, e: &dyn std::fmt::Display| crate::StoreError::Corrupt(format!("the demo's {what}: {e}"));
    let officer = demo.demo_account(Role::QualityAssurance).map(|u| u.id.clone()).unwrap_or_else(|| ACTOR.into());
    let coordinator = demo.demo_account(Role::Coordinator).map(|u| u.id.clone()).unwrap_or_else(|| ACTOR.into());
    // The most recent closed conferences, a family each.
    let rows = sqlx::query(
        "SELECT id, family_id, doc FROM conference WHERE authority_id = $1 AND state = 'closed' ORDER BY date DESC, id LIMIT 40",
    )
    .bind(a.id.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut seen = std::collections::HashSet::new();
    let mut picked: Vec<(String, String, Conference)> = Vec::new();
    for r in &rows {
        let family_id = crate::text(r, "family_id")?;
        if !seen.insert(family_id.clone()) {
            continue;
        }
        let c: Conference = serde_json::from_str(&crate::text(r, "doc")?)
            .map_err(|e| crate::StoreError::Corrupt(format!("conference document: {e}")))?;
        picked.push((crate::text(r, "id")?, family_id, c));
        if picked.len() == 7 {
            break;
        }
    }
    let day = |n: i64| today - chrono::Duration::days(n);
    // RIGHT-02: four complaints, each at a different stage.
    for (k, (conference_id, family_id, c)) in picked.iter().take(4).enumerate() {
        let Some(parent) = c.family_members().iter().find(|m| m.is_parent_or_carer()) else { continue };
        let received = day([3, 10, 45, 70][k]);
        let complainant =
            Complainant { adult_id: parent.adult_id.as_str().to_owned(), logged_by_staff: Some(coordinator.clone()) };
        let (about, details) = match k {
            0 => (About::Conduct, "I was not given the social worker's report until the morning of the meeting."),
            1 => (About::Decision, "I do not agree that my children need a child protection plan."),
            2 => (About::Conduct, "The interpreter did not arrive and the meeting went ahead without one."),
            _ => (About::Case, "Our social worker has changed three times since the conference."),
        };
        let mut complaint = Complaint::receive(
            about,
            Some(conference_id.clone()),
            complainant,
            details,
            received,
            &calendar,
            &policies,
        )
        .map_err(|e| refused("complaint", &e))?;
        if k >= 1 {
            complaint.assign(officer.clone()).map_err(|e| refused("complaint", &e))?;
            complaint.acknowledge(calendar.add_working_days(received, 2)).map_err(|e| refused("complaint", &e))?;
        }
        if k == 2 {
            let answered = calendar.add_working_days(received, 12);
            let response = "The interpreter was booked but cancelled; we have changed how bookings are confirmed.";
            complaint
                .answer(&officer, Finding::PartlyUpheld, response, answered)
                .map_err(|e| refused("complaint", &e))?;
            let escalated = calendar.add_working_days(answered, 5);
            complaint
                .escalate("I want an independent review of what happened.", escalated, &calendar, &policies)
                .map_err(|e| refused("complaint", &e))?;
        }
        if k == 3 {
            let answered = calendar.add_working_days(received, 15);
            let response = "We are sorry for the changes; the team now has a permanent social worker for your family.";
            complaint.answer(&officer, Finding::Upheld, response, answered).map_err(|e| refused("complaint", &e))?;
            complaint.close(calendar.add_working_days(answered, 10)).map_err(|e| refused("complaint", &e))?;
        }
        crate::complaints::create(db, a.id.as_str(), family_id, &complaint, ACTOR).await?;
    }
    // RIGHT-01: three subject access requests: one due within days, one new, one extended.
    for (k, (_, family_id, c)) in picked.iter().skip(4).enumerate() {
        let Some(parent) = c.family_members().iter().find(|m| m.is_parent_or_carer()) else { continue };
        let person = confer_domain::portal::PortalPerson::Adult(parent.adult_id.clone());
        let received = day([26, 4, 40][k.min(2)]);
        let policy = policies.in_force(received);
        let mut r = SubjectAccessRequest::receive(
            family_id,
            person,
            &parent.name,
            received,
            HowReceived::Letter,
            "Everything you hold about me and my children, including the conference records.",
            &coordinator,
            today,
            &calendar,
            policy,
        )
        .map_err(|e| refused("subject access request", &e))?;
        if k != 1 {
            r.verify_identity(IdentityCheck::KnownToWorker, "", &coordinator, received + chrono::Duration::days(2))
                .map_err(|e| refused("subject access request", &e))?;
        }
        if k == 2 {
            let reason = "The records run to several hundred pages across three conferences.";
            r.extend(reason, &coordinator, received + chrono::Duration::days(20), &calendar, policy)
                .map_err(|e| refused("subject access request", &e))?;
        }
        crate::subject_access::create(db, &a.id, &coordinator, &r).await?;
    }
    // QA-01: about half of those asked for feedback have answered.
    let asked = sqlx::query(
        "SELECT DISTINCT conference_id FROM feedback_invitation WHERE authority_id = $1 ORDER BY conference_id LIMIT 20",
    )
    .bind(a.id.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut n = 0usize;
    for r in &asked {
        for (_, invitation) in crate::feedback::of_conference(db, &crate::text(r, "conference_id")?).await? {
            n += 1;
            if invitation.answered || n.is_multiple_of(2) {
                continue;
            }
            let questions = confer_domain::feedback::questions(invitation.audience);
            let replies = questions
                .iter()
                .enumerate()
                .map(|(q, question)| {
                    let reply = match (n + q) % 5 {
                        0 => confer_domain::feedback::Reply::Partly,
                        4 => confer_domain::feedback::Reply::No,
                        _ => confer_domain::feedback::Reply::Yes,
                    };
                    (question.code.to_owned(), reply)
                })
                .collect();
            let answers = confer_domain::feedback::Answers {
                audience: invitation.audience,
                replies,
                rating: [4u8, 5, 3, 4, 2][n % 5],
                comment: ["The chair explained everything clearly.", "", "It was hard to hear on the video call."]
                    [n % 3]
                    .to_owned(),
                anonymous: n.is_multiple_of(3),
            };
            crate::feedback::answer(db, &invitation, &answers, "en", ACTOR)
                .await
                .map_err(|e| refused("feedback", &e))?;
        }
    }
    Ok(())
}
