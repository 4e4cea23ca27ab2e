//! One fictional world for the store's and the web's tests: an authority, its staff by role
//! with their management lines, partner agencies and their professionals, families (children,
//! unborn babies, adults with parental responsibility) and conferences brought to the state a
//! test needs. Everything is made through the store's own functions, and conferences through
//! the domain's own operations, so no row exists that the rules would have refused.
//!
//! ```ignore
//! let db = testing::fresh_db().await;
//! let w = World::new(&db).await;
//! let sw = w.person("sw").roles(&[Role::SocialWorker]).create().await;
//! let lark = w.family("lark").surname("Lark").worker(&sw).child("robin", "Robin", "2018-03-04")
//!     .mother("lark-mum", "Mia").create().await;
//! let conf = lark.scheduled_conference(&w).await;
//! ```
//!
//! All of it is invented: `.example` addresses, the fictional Testshire County Council.

use crate::conferences::{self, Change};
use crate::families::{self, NewFamily};
use crate::users::{self, AccountKind, NewUser};
use crate::Db;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use confer_domain::access::Relationship;
use confer_domain::calendar::{Calendar, WorkingCalendar};
use confer_domain::conference::{
    Acting, ActionOwner, Attendance, ChildOutcome, ConcernCategory, Conference, ConferenceId, ConferenceKind,
    ConferenceRequest, DecisionInput, DocumentLanguage, EnquiryKind, FamilyMember, HarmFinding, Outcome,
    PreMeetingMode, PreMeetingOutcome, ProfessionalInvolved, Recipient, Slot, SubjectChild,
};
use confer_domain::conference::{DiscussionHeading, Person, PlanCategory, PlanView, Presence};
use confer_domain::nation_decisions::NationDecisions;
use confer_domain::policy::Policy;
use confer_domain::{
    Adult, AdultChildRelationship, Agency, AgencyId, AgencyKind, Authority, AuthorityId, Birth, Case, CaseStage, Child,
    Communication, Family, Gender, Nation, Professional, ProfessionalId, RelationshipKind, Role, UserId,
};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The password of every account the world makes with [`PersonBuilder::signs_in`].
pub const PASSWORD: &str = "correct-horse-battery-staple";

/// The partner agencies the tests share, by professional id: (agency id, agency name, kind,
/// professional's name). [`World::professional`] makes the agency the first time it is needed.
const STANDARD_PROFESSIONALS: [(&str, &str, &str, AgencyKind, &str); 4] = [
    ("p-sw", "ag-csc", "Children's services", AgencyKind::ChildrensSocialCare, "Sam Social"),
    ("p-school", "ag-school", "Brook Primary", AgencyKind::Education, "Tia Teacher"),
    ("p-hv", "ag-health", "Community health", AgencyKind::Health, "Hal Visitor"),
    ("p-police", "ag-police", "Police", AgencyKind::Police, "PC Pat"),
];

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap_or_else(|_| panic!("a test date is YYYY-MM-DD: {s}"))
}

/// One authority of fictional people, on one test database.
pub struct World {
    pub db: Db,
    pub authority: Authority,
    /// The day the world's conferences are requested and scheduled on.
    pub today: NaiveDate,
    /// The time stamped on the world's conference changes.
    pub now: DateTime<Utc>,
    /// What the world made, to build conference requests from: professionals and agencies.
    professionals: Mutex<BTreeMap<String, (Professional, Agency)>>,
}

impl World {
    /// Testshire County Council (England), today Tuesday 3 November 2026 at 09:00.
    pub async fn new(db: &Db) -> World {
        World::with_authority(db, "T01", "Testshire County Council", Nation::England).await
    }

    /// A child protection plan for a child of a family, stored directly as a conference on
    /// `today` would have made it (for tests about who may reach plans, where holding a whole
    /// conference would only add time): the key worker, one concern, one action owned by the
    /// council's housing team, and these accounts in its core group (CG-01). Returns its id.
    pub async fn plan_for(&self, family: &str, case: &str, child: &str, key_worker: &str, members: &[&str]) -> String {
        let plan = self.plan_for_unstored(family, case, child, key_worker, members);
        let id = plan.id.to_string();
        self.store_plan(&plan).await;
        id
    }

    fn plan_for_unstored(
        &self,
        family: &str,
        case: &str,
        child: &str,
        key_worker: &str,
        members: &[&str],
    ) -> confer_domain::plan::Plan {
        use confer_domain::plan::*;
        let id = format!("plan-{child}");
        let conference = ConferenceId(format!("conf-of-{child}"));
        let mut core_group = vec![CoreGroupMember {
            person: Member::KeyWorker(key_worker.into()),
            name: "Key worker".into(),
            description: "Children's social care".into(),
            user_id: Some(key_worker.into()),
        }];
        core_group.extend(members.iter().map(|m| CoreGroupMember {
            person: Member::Professional(ProfessionalId(format!("prof-of-{m}"))),
            name: "Fictional member".into(),
            description: "Partner agency".into(),
            user_id: Some((*m).into()),
        }));
        Plan {
            id: PlanId(id.clone()),
            authority_id: self.authority.id.clone(),
            family_id: family.into(),
            case_id: case.into(),
            child_id: child.into(),
            child_name: "Fictional child".into(),
            kind: PlanKind::ChildProtection,
            key_worker: key_worker.into(),
            started_on: self.today,
            started_by: conference.clone(),
            categories: vec![CategoryChange {
                category: PlanCategory::Neglect,
                from: self.today,
                conference_id: conference,
            }],
            outline: Outline {
                concerns: vec![Concern { concern: "Fictional worry.".into(), why_change_is_needed: String::new() }],
                ..Outline::default()
            },
            actions: vec![PlanAction {
                number: 1,
                what: "Fictional action".into(),
                owner: ActionOwner::Agency("Housing".into()),
                owner_name: "Housing".into(),
                due: self.today,
                status: ActionStatus::NotStarted,
                not_done_reason: None,
                updates: vec![],
                conference_action: None,
            }],
            core_group,
            previous_plans: 0,
            core_group_due_by: None,
            core_group_meetings: vec![],
            review_brought_forward: None,
            next_review_by: None,
            ended: None,
            lifecycle: Default::default(),
            arrangements: Default::default(),
        }
    }

    /// A child in need plan (PLAN-04) for `child`, as [`World::plan_for`] makes a child
    /// protection plan: id `cin-<child>`, no category, one action, the key worker and the
    /// `members` in its network.
    pub async fn child_in_need_plan_for(
        &self,
        family: &str,
        case: &str,
        child: &str,
        key_worker: &str,
        members: &[&str],
    ) -> String {
        let cp = self.plan_for_unstored(family, case, child, key_worker, members);
        let id = format!("cin-{child}");
        let plan = confer_domain::plan::Plan {
            id: confer_domain::plan::PlanId(id.clone()),
            kind: confer_domain::plan::PlanKind::ChildInNeed,
            categories: vec![],
            started_by: ConferenceId(format!("cin-conf-of-{child}")),
            lifecycle: confer_domain::plan::Lifecycle {
                child_in_need: Some(Default::default()),
                network_meeting_due_by: Some(self.today),
                ..Default::default()
            },
            ..cp
        };
        self.store_plan(&plan).await;
        id
    }

    async fn store_plan(&self, plan: &confer_domain::plan::Plan) {
        let mut tx = self.db.begin().await.expect("begin");
        crate::plans::insert(&mut tx, plan, "test", "plan.create").await.expect("store the plan");
        tx.commit().await.expect("commit");
    }

    /// A fictional authority in the nation given (its rules and its calendar follow it).
    pub async fn in_nation(db: &Db, nation: Nation) -> World {
        let name = match nation {
            Nation::England => "Testshire County Council",
            Nation::Wales => "Cyngor Sir Testshire",
            Nation::Scotland => "Testshire Council",
            Nation::NorthernIreland => "Testshire Health and Social Care Trust",
        };
        World::with_authority(db, "T01", name, nation).await
    }

    /// Another tenant on the same database, or an authority with its own code and name.
    pub async fn with_authority(db: &Db, code: &str, name: &str, nation: Nation) -> World {
        let authority =
            users::create_authority(db, code, name, nation, "test").await.expect("create the test authority");
        let today = date("2026-11-03");
        let now = NaiveDateTime::new(today, NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default()).and_utc();
        World { db: db.clone(), authority, today, now, professionals: Mutex::new(BTreeMap::new()) }
    }

    /// A staff (or, for partner roles, portal) account named `username`.
    pub fn person(&self, username: &str) -> PersonBuilder {
        PersonBuilder::new(&self.db, &self.authority.id, username)
    }

    /// One of the shared professionals (`p-sw`, `p-school`, `p-hv`, `p-police`), with their
    /// agency, and the account they sign in with if any.
    pub async fn professional(&self, id: &str, user: Option<&str>) -> ProfessionalId {
        let (_, agency, agency_name, kind, name) = STANDARD_PROFESSIONALS
            .iter()
            .find(|p| p.0 == id)
            .copied()
            .unwrap_or_else(|| panic!("{id} is not one of the world's professionals; use professional_at"));
        self.professional_at(agency, agency_name, kind, id, name, "Worker", user).await
    }

    /// A professional of any agency (the agency is made the first time it is named).
    #[allow(clippy::too_many_arguments)]
    pub async fn professional_at(
        &self,
        agency_id: &str,
        agency_name: &str,
        kind: AgencyKind,
        id: &str,
        name: &str,
        job_title: &str,
        user: Option<&str>,
    ) -> ProfessionalId {
        let la = self.authority.id.clone();
        let agency = Agency { id: AgencyId::from(agency_id), authority_id: la, name: agency_name.into(), kind };
        let p = Professional {
            id: id.into(),
            agency_id: agency.id.clone(),
            name: name.into(),
            job_title: job_title.into(),
            email: format!("{id}@example.org"),
            user_id: user.map(Into::into),
        };
        self.add_professional(agency, p).await
    }

    /// A professional as given, with their agency (stored the first time it is named).
    pub async fn add_professional(&self, agency: Agency, p: Professional) -> ProfessionalId {
        let known = self.professionals.lock().map(|all| all.values().any(|(_, a)| a.id == agency.id)).unwrap_or(false);
        let mut tx = self.db.begin().await.expect("begin");
        if !known {
            families::insert_agency(&mut tx, &agency).await.expect("insert the agency");
        }
        families::insert_professional(&mut tx, &self.authority.id, &p).await.expect("insert the professional");
        tx.commit().await.expect("commit");
        let id = p.id.clone();
        if let Ok(mut all) = self.professionals.lock() {
            all.insert(id.as_str().to_owned(), (p, agency));
        }
        id
    }

    /// A family with an open case, made by [`FamilyBuilder::create`].
    pub fn family<'w>(&'w self, id: &str) -> FamilyBuilder<'w> {
        FamilyBuilder {
            world: self,
            id: id.to_owned(),
            name: None,
            surname: "Brook".to_owned(),
            worker: None,
            children: Vec::new(),
            adults: Vec::new(),
            professionals: Vec::new(),
            stage: CaseStage::Enquiry,
            case_id: None,
            opened_on: date("2026-10-01"),
        }
    }

    /// The id of the account named `username` in this authority, made with `roles` if there is none.
    pub async fn staff_named(&self, username: &str, roles: &[Role]) -> UserId {
        let found: Option<String> =
            sqlx::query_scalar("SELECT id FROM user_account WHERE authority_id = $1 AND username = $2")
                .bind(self.authority.id.as_str())
                .bind(username)
                .fetch_optional(self.db.pool())
                .await
                .expect("look up a test account");
        match found {
            Some(id) => id.into(),
            None => self.person(username).roles(roles).create().await.0.into(),
        }
    }
}

/// An account to make: `world.person("sw").roles(&[Role::SocialWorker]).manager(&tm).create()`.
pub struct PersonBuilder {
    db: Db,
    authority: AuthorityId,
    username: String,
    id: Option<String>,
    roles: Vec<Role>,
    manager: Option<String>,
    password: Option<String>,
    totp_secret: Option<String>,
    kind: Option<AccountKind>,
    email: Option<String>,
    display_name: Option<String>,
    email_verified: bool,
}

impl PersonBuilder {
    /// An account in an authority made without a [`World`].
    pub fn new(db: &Db, authority: &AuthorityId, username: &str) -> PersonBuilder {
        PersonBuilder {
            db: db.clone(),
            authority: authority.clone(),
            username: username.to_owned(),
            id: None,
            roles: Vec::new(),
            manager: None,
            password: None,
            totp_secret: None,
            kind: None,
            email: None,
            display_name: None,
            email_verified: true,
        }
    }
    pub fn roles(mut self, roles: &[Role]) -> Self {
        self.roles = roles.to_vec();
        self
    }
    /// A fixed id instead of a generated one (for tests that name the account in domain calls).
    pub fn id(mut self, id: &str) -> Self {
        self.id = Some(id.to_owned());
        self
    }
    /// Their line manager (CHAIR-01 reads the management line upwards).
    pub fn manager(mut self, manager: &str) -> Self {
        self.manager = Some(manager.to_owned());
        self
    }
    pub fn manager_opt(mut self, manager: Option<&str>) -> Self {
        self.manager = manager.map(str::to_owned);
        self
    }
    /// A password ([`PASSWORD`]) and an enrolled TOTP secret, so they can sign in.
    pub fn signs_in(mut self) -> Self {
        self.password = Some(PASSWORD.to_owned());
        self.totp_secret = Some(users::new_totp_secret());
        self
    }
    /// A password ([`PASSWORD`]) without a second factor (they enrol at first sign-in).
    pub fn password_only(mut self) -> Self {
        self.password = Some(PASSWORD.to_owned());
        self.totp_secret = None;
        self
    }
    /// Staff or portal; by default staff when any role is a staff role.
    pub fn kind(mut self, kind: AccountKind) -> Self {
        self.kind = Some(kind);
        self
    }
    pub fn email(mut self, email: &str) -> Self {
        self.email = Some(email.to_owned());
        self
    }
    pub fn display_name(mut self, name: &str) -> Self {
        self.display_name = Some(name.to_owned());
        self
    }
    pub fn email_unverified(mut self) -> Self {
        self.email_verified = false;
        self
    }

    /// Makes the account; returns its id and its TOTP secret (empty when it has none).
    pub async fn create(self) -> (String, String) {
        let kind = self.kind.unwrap_or(if self.roles.iter().any(|r| r.is_staff()) {
            AccountKind::Staff
        } else {
            AccountKind::Portal
        });
        let email = self.email.unwrap_or_else(|| format!("{}@council.example", self.username));
        let display_name = self.display_name.unwrap_or_else(|| format!("Test {}", self.username));
        let id = users::create_user(
            &self.db,
            &NewUser {
                id: self.id.as_deref(),
                authority_id: &self.authority,
                username: &self.username,
                display_name: &display_name,
                email: &email,
                kind,
                roles: &self.roles,
                team_id: None,
                line_manager_id: self.manager.as_deref(),
                password: self.password.as_deref(),
                totp_secret: self.totp_secret.as_deref(),
                email_verified: self.email_verified,
            },
            "test",
        )
        .await
        .expect("create a test account");
        (id.0, self.totp_secret.unwrap_or_default())
    }
}

/// A family to make: children (born or unborn), adults with parental responsibility for every
/// child, the professionals involved and an open case with its allocated worker.
pub struct FamilyBuilder<'w> {
    world: &'w World,
    id: String,
    name: Option<String>,
    surname: String,
    worker: Option<String>,
    children: Vec<Child>,
    adults: Vec<(Adult, RelationshipKind)>,
    professionals: Vec<String>,
    stage: CaseStage,
    case_id: Option<String>,
    opened_on: NaiveDate,
}

impl FamilyBuilder<'_> {
    /// The family's name on lists (default "`id` family").
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }
    /// The family name of everyone added after this (default Brook).
    pub fn surname(mut self, surname: &str) -> Self {
        self.surname = surname.to_owned();
        self
    }
    /// The case's allocated social worker (default: an account `sw` made if missing).
    pub fn worker(mut self, user_id: &str) -> Self {
        self.worker = Some(user_id.to_owned());
        self
    }
    pub fn stage(mut self, stage: CaseStage) -> Self {
        self.stage = stage;
        self
    }
    /// The day the case was opened (default 1 October 2026).
    pub fn opened_on(mut self, day: NaiveDate) -> Self {
        self.opened_on = day;
        self
    }
    pub fn case_id(mut self, id: &str) -> Self {
        self.case_id = Some(id.to_owned());
        self
    }
    /// A child born on `born` (YYYY-MM-DD).
    pub fn child(self, id: &str, given: &str, born: &str) -> Self {
        self.child_with_birth(id, given, Birth::Born(date(born)))
    }
    /// An unborn baby expected on `expected` (YYYY-MM-DD).
    pub fn unborn(self, id: &str, given: &str, expected: &str) -> Self {
        self.child_with_birth(id, given, Birth::Unborn { expected: date(expected) })
    }
    fn child_with_birth(mut self, id: &str, given: &str, birth: Birth) -> Self {
        self.children.push(Child {
            id: id.into(),
            family_id: self.id.as_str().into(),
            given_name: given.into(),
            family_name: self.surname.clone(),
            birth,
            nhs_number: None,
            la_child_id: format!("LA-{id}"),
            gender: Gender::Unknown,
            ethnicity: "Not recorded".into(),
            disability: String::new(),
            communication: Communication { first_language: "English".into(), ..Default::default() },
        });
        self
    }
    /// Changes the child added last (for a test that needs a particular record).
    pub fn with_child(mut self, edit: impl FnOnce(&mut Child)) -> Self {
        if let Some(c) = self.children.last_mut() {
            edit(c);
        }
        self
    }
    /// A mother with parental responsibility for, and caring for, every child.
    pub fn mother(self, id: &str, given: &str) -> Self {
        self.adult(id, given, RelationshipKind::Mother)
    }
    /// A father with parental responsibility for, and caring for, every child.
    pub fn father(self, id: &str, given: &str) -> Self {
        self.adult(id, given, RelationshipKind::Father)
    }
    pub fn adult(mut self, id: &str, given: &str, kind: RelationshipKind) -> Self {
        self.adults.push((
            Adult {
                id: id.into(),
                family_id: self.id.as_str().into(),
                given_name: given.into(),
                family_name: self.surname.clone(),
                email: None,
                phone: None,
                communication: Communication { first_language: "English".into(), ..Default::default() },
            },
            kind,
        ));
        self
    }
    /// Changes the adult added last.
    pub fn with_adult(mut self, edit: impl FnOnce(&mut Adult)) -> Self {
        if let Some((a, _)) = self.adults.last_mut() {
            edit(a);
        }
        self
    }
    /// Professionals involved with the family (made beforehand by [`World::professional`]).
    pub fn professionals(mut self, ids: &[&str]) -> Self {
        self.professionals = ids.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Stores the family with its case, in one transaction with its audit event.
    pub async fn create(self) -> FamilyMade {
        let w = self.world;
        let worker = match self.worker {
            Some(w) => w,
            None => w.staff_named("sw", &[Role::SocialWorker]).await.0,
        };
        let family = Family {
            id: self.id.as_str().into(),
            authority_id: w.authority.id.clone(),
            name: self.name.unwrap_or_else(|| format!("{} family", self.id)),
        };
        let mut relationships = Vec::new();
        for c in &self.children {
            for (a, kind) in &self.adults {
                relationships.push(AdultChildRelationship {
                    adult_id: a.id.clone(),
                    child_id: c.id.clone(),
                    kind: *kind,
                    parental_responsibility: true,
                    carer: true,
                });
            }
        }
        let case = Case {
            id: self.case_id.unwrap_or_else(|| format!("{}-case", self.id)).into(),
            family_id: family.id.clone(),
            allocated_worker_id: worker.as_str().into(),
            stage: self.stage,
            opened_on: self.opened_on,
        };
        let professionals: Vec<ProfessionalId> = self.professionals.iter().map(|p| p.as_str().into()).collect();
        let adults: Vec<Adult> = self.adults.iter().map(|(a, _)| a.clone()).collect();
        let mut tx = w.db.begin().await.expect("begin");
        families::insert_family(
            &mut tx,
            &NewFamily {
                family: &family,
                children: &self.children,
                adults: &adults,
                relationships: &relationships,
                case: Some(&case),
                professionals: &professionals,
            },
            "test",
        )
        .await
        .expect("insert the family");
        tx.commit().await.expect("commit");
        FamilyMade {
            family,
            case,
            children: self.children,
            adults: self.adults,
            professionals: self.professionals,
            worker,
        }
    }
}

/// A family as stored.
#[derive(Debug, Clone)]
pub struct FamilyMade {
    pub family: Family,
    pub case: Case,
    pub children: Vec<Child>,
    pub adults: Vec<(Adult, RelationshipKind)>,
    pub professionals: Vec<String>,
    /// The allocated worker's user id.
    pub worker: String,
}

/// A conference as stored: its id and version.
#[derive(Debug, Clone)]
pub struct ConferenceMade {
    pub id: String,
    pub version: i64,
    pub conference: Conference,
}

impl FamilyMade {
    pub fn id(&self) -> &str {
        self.family.id.as_str()
    }

    /// The request for an initial conference for every child already born (an unborn baby
    /// needs a pre-birth conference), with every adult and every professional of the family:
    /// section 47 enquiry the working day before today.
    pub fn initial_request(&self, w: &World) -> ConferenceRequest {
        let calendar = Calendar::for_nation(w.authority.nation);
        let strategy = calendar.subtract_working_days(w.today, 1);
        let known = w.professionals.lock().map(|p| p.clone()).unwrap_or_default();
        ConferenceRequest {
            authority_id: w.authority.id.clone(),
            family_id: self.family.id.clone(),
            case_id: self.case.id.clone(),
            kind: ConferenceKind::Initial,
            children: self
                .children
                .iter()
                .filter(|c| matches!(c.birth, Birth::Born(_)))
                .map(|c| SubjectChild {
                    child_id: c.id.clone(),
                    name: format!("{} {}", c.given_name, c.family_name),
                    birth: c.birth,
                    communication: c.communication.clone(),
                    disability: c.disability.clone(),
                    current_plan: None,
                })
                .collect(),
            strategy_discussion_on: Some(strategy),
            enquiry: Some(EnquiryKind::Section47),
            harm_finding: Some(HarmFinding::Suffering),
            transfer_notified_on: None,
            previous: None,
            reason: "Neglect.".into(),
            concerns: vec![ConcernCategory::Neglect],
            family_members: self
                .adults
                .iter()
                .map(|(a, kind)| FamilyMember {
                    adult_id: a.id.clone(),
                    name: format!("{} {}", a.given_name, a.family_name),
                    relationship: *kind,
                    parental_responsibility: true,
                    carer: true,
                    communication: a.communication.clone(),
                    disability: String::new(),
                    needs: vec![],
                })
                .collect(),
            professionals: self
                .professionals
                .iter()
                .filter_map(|id| known.get(id))
                .map(|(p, a)| ProfessionalInvolved {
                    professional_id: p.id.clone(),
                    name: p.name.clone(),
                    job_title: p.job_title.clone(),
                    agency_id: a.id.clone(),
                    agency_name: a.name.clone(),
                    agency_kind: a.kind,
                    user_id: p.user_id.clone(),
                })
                .collect(),
            allocated_worker: self.worker.as_str().into(),
            // TIME-01: fifteen working days after the strategy discussion.
            due_by: calendar.add_working_days(strategy, 15),
        }
    }

    /// An initial conference requested by the allocated worker (S47-01), stored at version 1.
    pub async fn requested_conference(&self, w: &World) -> ConferenceMade {
        self.requested_conference_with(w, "conf", self.initial_request(w)).await
    }

    /// A conference requested with this id and request.
    pub async fn requested_conference_with(&self, w: &World, id: &str, request: ConferenceRequest) -> ConferenceMade {
        let worker = Acting::new(self.worker.as_str(), &[Role::SocialWorker], &[Relationship::AllocatedWorker]);
        let c = Conference::request(&worker, ConferenceId(id.into()), request, w.today, w.now)
            .unwrap_or_else(|e| panic!("the world's conference request is refused: {e}"));
        let mut tx = w.db.begin().await.expect("begin");
        conferences::create(&w.db, &mut tx, &c, &self.worker).await.expect("store the conference");
        tx.commit().await.expect("commit");
        ConferenceMade { id: id.to_owned(), version: 1, conference: c }
    }

    /// A requested conference scheduled by the coordinator (`coord`, made if missing) for the
    /// chair (`chair`, made if missing) on Friday 20 November 2026 at 10:00.
    pub async fn scheduled_conference(&self, w: &World) -> ConferenceMade {
        let made = self.requested_conference(w).await;
        let chair = w.staff_named("chair", &[Role::Chair]).await;
        schedule(w, made, &chair, "2026-11-20").await
    }

    /// A scheduled conference with every family member and professional invited (INV-01, INV-02).
    pub async fn invited_conference(&self, w: &World) -> ConferenceMade {
        self.invited_conference_with_id(w, "conf").await
    }

    /// [`Self::invited_conference`] with its own id (several families' conferences in one world).
    pub async fn invited_conference_with_id(&self, w: &World, id: &str) -> ConferenceMade {
        let made = self.requested_conference_with(w, id, self.initial_request(w)).await;
        let chair = w.staff_named("chair", &[Role::Chair]).await;
        let made = schedule(w, made, &chair, "2026-11-20").await;
        let coord = coordinator(w).await;
        let adults: Vec<_> = self.adults.iter().map(|(a, _)| a.id.clone()).collect();
        let pros: Vec<ProfessionalId> = self.professionals.iter().map(|p| p.as_str().into()).collect();
        let today = w.today;
        change(w, &made, coord.user_id.as_str(), "conference.invite", |c| {
            for a in &adults {
                c.invite_family_member(&coord, a, today)?;
            }
            for p in &pros {
                c.invite_professional(&coord, p, today)?;
            }
            Ok(())
        })
        .await
    }

    /// An invited conference on its day (20 November 2026, 10:00): the chair has met each
    /// invited parent beforehand (MEET-01) and opened the meeting.
    pub async fn conference_in_meeting(&self, w: &World) -> ConferenceMade {
        let made = self.invited_conference(w).await;
        let (chair, day) = chair_and_day(&made);
        let start = at_time(day, 10);
        let adults: Vec<_> = self.adults.iter().map(|(a, _)| a.id.clone()).collect();
        let on = day.pred_opt().unwrap_or(day);
        change(w, &made, chair.user_id.as_str(), "conference.start", |c| {
            for a in &adults {
                let outcome = PreMeetingOutcome::Held { mode: PreMeetingMode::FaceToFace, on };
                c.record_pre_meeting(&chair, a, outcome, start)?;
            }
            c.start_meeting(&chair, day, start)
        })
        .await
    }

    /// A conference in its meeting where the chair has decided "no further plan" for every
    /// child (DEC-01); no attendance is recorded, so the decision carries the inquorate
    /// reason the authority's policy asks for (INV-03).
    pub async fn decided_conference(&self, w: &World) -> ConferenceMade {
        let made = self.conference_in_meeting(w).await;
        let (chair, day) = chair_and_day(&made);
        let policy = policy_on(w, day).await;
        let nation = NationDecisions::for_nation(w.authority.nation);
        let children: Vec<_> = made.conference.children().iter().map(|c| c.child_id.clone()).collect();
        change(w, &made, chair.user_id.as_str(), "conference.decide", |c| {
            for child in &children {
                let input = DecisionInput {
                    child: child.clone(),
                    outcome: ChildOutcome::NoFurtherPlan,
                    continuing_risk_of_significant_harm: false,
                    inquorate_reason: Some("Fictional test conference: attendance not recorded.".into()),
                    reporter_referral: reporter_referral(w),
                };
                c.decide(&chair, input, &policy, nation, at_time(day, 11))?;
            }
            Ok(())
        })
        .await
    }

    /// An initial conference where every professional invited was present, the worries about
    /// the first child and an action for every child (owned by the first professional, or the
    /// council's housing team) were recorded, and the chair decided a child protection plan
    /// under neglect for every child and closed it: each child's plan is made in the close's
    /// transaction (PLAN-03), with the professionals present as its core group (CG-01).
    pub async fn planned_conference(&self, w: &World) -> ConferenceMade {
        let made = self.conference_in_meeting(w).await;
        let (chair, day) = chair_and_day(&made);
        let policy = policy_on(w, day).await;
        let calendar = Calendar::for_nation(w.authority.nation);
        let nation = NationDecisions::for_nation(w.authority.nation);
        let pros: Vec<ProfessionalId> = self.professionals.iter().map(|p| p.as_str().into()).collect();
        let children: Vec<_> = made.conference.children().iter().map(|c| c.child_id.clone()).collect();
        change(w, &made, chair.user_id.as_str(), "conference.decide", |c| {
            for p in &pros {
                let person = Person::Professional(p.clone());
                let Some(invitation) = c.invitation_of(&person).map(|i| i.id) else { continue };
                let presence = Presence::InPerson;
                let attendance =
                    Attendance { invitation, presence, parts: vec![], arrived_late_at: None, left_early_at: None };
                c.record_attendance(&chair, attendance)?;
            }
            let first = children.first().cloned();
            let worry = "The children are often left without food.";
            c.add_discussion(&chair, DiscussionHeading::Worries, worry, None, first, false, at_time(day, 10))?;
            let owner = match pros.first() {
                Some(p) => ActionOwner::Professional(p.clone()),
                None => ActionOwner::Agency("Housing".into()),
            };
            let due = calendar.add_working_days(day, 5);
            let what = "Check the children have breakfast at school every day";
            c.add_plan_action(&chair, children.clone(), what, owner, due, day, at_time(day, 10))?;
            for child in &children {
                for p in &pros {
                    c.record_professional_view(&chair, p, child, PlanView::Plan, "Fictional test view.")?;
                }
                let input = DecisionInput {
                    child: child.clone(),
                    outcome: ChildOutcome::ChildProtectionPlan { category: PlanCategory::Neglect },
                    continuing_risk_of_significant_harm: true,
                    inquorate_reason: Some("Fictional test conference.".into()),
                    reporter_referral: reporter_referral(w),
                };
                c.decide(&chair, input, &policy, nation, at_time(day, 11))?;
            }
            c.close(&chair, None, &policy, &calendar, at_time(day, 12))
        })
        .await
    }

    /// A decided conference the chair has closed (no plan, so no review is set).
    pub async fn closed_conference(&self, w: &World) -> ConferenceMade {
        let made = self.decided_conference(w).await;
        let (chair, day) = chair_and_day(&made);
        let policy = policy_on(w, day).await;
        let calendar = Calendar::for_nation(w.authority.nation);
        change(w, &made, chair.user_id.as_str(), "conference.close", |c| {
            c.close(&chair, None, &policy, &calendar, at_time(day, 12))
        })
        .await
    }

    /// A closed conference whose written outcome the coordinator has sent, on its day, to every
    /// family member (DEC-05): the people asked for feedback are asked then (QA-01).
    pub async fn outcome_sent_conference(&self, w: &World) -> ConferenceMade {
        let made = self.closed_conference(w).await;
        self.send_outcome(w, made).await
    }

    /// The coordinator records the written outcome sent, on the conference's day, to every
    /// family member (DEC-05).
    pub async fn send_outcome(&self, w: &World, made: ConferenceMade) -> ConferenceMade {
        let (_, day) = chair_and_day(&made);
        let coord = coordinator(w).await;
        let adults: Vec<_> = self.adults.iter().map(|(a, _)| a.id.clone()).collect();
        change(w, &made, coord.user_id.as_str(), "conference.outcome-sent", |c| {
            for a in adults {
                c.record_outcome_sent(&coord, Recipient::FamilyMember(a), day, day, None)?;
            }
            Ok(())
        })
        .await
    }

    /// A closed conference whose record the chair has drafted from the meeting and approved
    /// as version 1 (MIN-02).
    pub async fn approved_record_conference(&self, w: &World) -> ConferenceMade {
        let made = self.closed_conference(w).await;
        let (chair, day) = chair_and_day(&made);
        change(w, &made, chair.user_id.as_str(), "conference.record.approve", |c| {
            c.draft_record(&chair, None, at_time(day, 15))?;
            c.approve_record(&chair, at_time(day, 15)).map(|_| ())
        })
        .await
    }

    /// An approved record the coordinator has sent, the next working day, to every family
    /// member and professional invited, each as they may see it (MIN-03, EXC-06).
    pub async fn distributed_record_conference(&self, w: &World) -> ConferenceMade {
        let made = self.approved_record_conference(w).await;
        let (_, day) = chair_and_day(&made);
        let coord = coordinator(w).await;
        let policy = policy_on(w, day).await;
        let calendar = Calendar::for_nation(w.authority.nation);
        let next_day = calendar.add_working_days(day, 1);
        let mut recipients: Vec<Recipient> =
            self.adults.iter().map(|(a, _)| Recipient::FamilyMember(a.id.clone())).collect();
        recipients.extend(self.professionals.iter().map(|p| Recipient::Professional(p.as_str().into())));
        change(w, &made, coord.user_id.as_str(), "conference.record.send", |c| {
            for r in recipients {
                c.distribute_record(&coord, r, DocumentLanguage::English, &policy, &calendar, next_day)?;
            }
            Ok(())
        })
        .await
    }
}

fn at_time(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    NaiveDateTime::new(day, NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default()).and_utc()
}

/// The authority's policy in force on a day (its own changes over the nation's defaults).
async fn policy_on(w: &World, day: NaiveDate) -> Policy {
    let history = crate::calendar::policy_history(&w.db, &w.authority).await.expect("the authority's policy");
    history.in_force(day).clone()
}

fn chair_and_day(made: &ConferenceMade) -> (Acting, NaiveDate) {
    let day = made.conference.date().expect("a scheduled conference has a date");
    let chair = made.conference.chair().cloned().expect("a scheduled conference has a chair");
    (Acting::new(chair, &[Role::Chair], &[Relationship::ConferenceChair]), day)
}

/// One domain operation on a stored conference, saved with its audit event; panics with the
/// domain's reason if the world asked for something the rules refuse.
async fn change(
    w: &World,
    made: &ConferenceMade,
    actor: &str,
    action: &str,
    operation: impl FnOnce(&mut Conference) -> Outcome,
) -> ConferenceMade {
    let ((), version) = conferences::save(&w.db, &made.id, made.version, Change::new(actor, action), operation)
        .await
        .unwrap_or_else(|e| panic!("the world's {action} is refused: {e:?}"));
    reload(w, &made.id, version).await
}

async fn coordinator(w: &World) -> Acting {
    let id = w.staff_named("coord", &[Role::Coordinator]).await;
    Acting::new(id.as_str(), &[Role::Coordinator], &[])
}

async fn reload(w: &World, id: &str, version: i64) -> ConferenceMade {
    let stored = conferences::load(&w.db, id).await.expect("load the conference");
    assert_eq!(stored.version, version);
    ConferenceMade { id: id.to_owned(), version, conference: stored.conference }
}

/// Schedules a requested conference with this chair on this day, at 10:00 in an accessible room.
pub async fn schedule(w: &World, made: ConferenceMade, chair: &UserId, day: &str) -> ConferenceMade {
    let coord = coordinator(w).await;
    let stored = users::by_id(&w.db, chair).await.expect("the chair's account");
    let accounts = users::list(&w.db, &w.authority.id).await.expect("the authority's accounts");
    let managers: BTreeMap<UserId, UserId> =
        accounts.iter().filter_map(|a| a.line_manager_id.clone().map(|m| (a.id.clone(), m))).collect();
    let calendar = Calendar::for_nation(w.authority.nation);
    let slot = Slot {
        date: date(day),
        time: NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default(),
        venue: Some("Civic Centre, room 2 (step-free)".into()),
        video_link: None,
        chair: chair.clone(),
    };
    let (today, now) = (w.today, w.now);
    change(w, &made, coord.user_id.as_str(), "conference.schedule", |c| {
        c.schedule(&coord, slot, &stored.account, |u| managers.get(u).cloned(), None, &calendar, today, now)
    })
    .await
}

/// A scheduled conference moved by the coordinator to this day at 14:00, in another room
/// (its chair stays).
pub async fn reschedule(w: &World, made: ConferenceMade, day: &str) -> ConferenceMade {
    let coord = coordinator(w).await;
    let chair = made.conference.slot().map(|s| s.chair.clone()).expect("a scheduled conference");
    let stored = users::by_id(&w.db, &chair).await.expect("the chair's account");
    let accounts = users::list(&w.db, &w.authority.id).await.expect("the authority's accounts");
    let managers: BTreeMap<UserId, UserId> =
        accounts.iter().filter_map(|a| a.line_manager_id.clone().map(|m| (a.id.clone(), m))).collect();
    let calendar = Calendar::for_nation(w.authority.nation);
    let slot = Slot {
        date: date(day),
        time: NaiveTime::from_hms_opt(14, 0, 0).unwrap_or_default(),
        venue: Some("Civic Centre, room 7 (step-free)".into()),
        video_link: None,
        chair,
    };
    let (today, now) = (w.today, w.now);
    change(w, &made, coord.user_id.as_str(), "conference.reschedule", |c| {
        c.reschedule(
            &coord,
            slot,
            "Fictional: the room was double-booked.",
            &stored.account,
            |u| managers.get(u).cloned(),
            None,
            &calendar,
            today,
            now,
        )
    })
    .await
}

/// A requested or scheduled conference cancelled by the coordinator.
pub async fn cancel(w: &World, made: ConferenceMade) -> ConferenceMade {
    let coord = coordinator(w).await;
    let now = w.now;
    change(w, &made, coord.user_id.as_str(), "conference.cancel", |c| {
        c.cancel(&coord, "Fictional: no longer needed.", now)
    })
    .await
}

/// Scotland: the test conferences' decisions say no referral to the Children's Reporter is
/// needed (the nation's data asks for it); elsewhere there is none.
fn reporter_referral(w: &World) -> Option<confer_domain::conference::ReporterReferral> {
    NationDecisions::for_nation(w.authority.nation).reporter_referral.map(|_| {
        confer_domain::conference::ReporterReferral {
            referred: false,
            reasons: "Fictional test conference: no grounds for compulsory measures.".into(),
        }
    })
}
