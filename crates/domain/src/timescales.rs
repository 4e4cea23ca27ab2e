//! Statutory and local timescales: every deadline of DOMAIN.md and NATIONS.md, defined once,
//! here, as data.
//!
//! Each [`DeadlineRule`] has a rule ID, a plain-English purpose, what its trigger date is,
//! whether the deadline falls after the trigger ("within") or before it ("at least ... before"),
//! a default timescale per nation and the source of that default. An authority may change the
//! amount and the unit of any rule in its [`Policy`]; the engine supports working days,
//! calendar days, weeks and months for every rule.
//!
//! Counting conventions (see also [`crate::calendar`]):
//! - Day 0 is the day of the trigger. "Within N working days" is on or before the N-th working
//!   day after it; "within N calendar days" is on or before the trigger plus N days.
//! - "At least N working days before" a date is on or before the date N working days earlier
//!   (the N-th working day strictly before it).
//! - Weeks are 7 calendar days. Months are calendar months, clamped to the end of a shorter month
//!   (31 January + 3 months = 30 April; 31 August + 6 months = 28 or 29 February).
//! - A due date is not moved off a weekend or holiday unless the rule says so (only RIGHT-01,
//!   following the ICO, moves to the next working day).
//! - A due date is computed with the policy version in force on the trigger date
//!   ([`PolicyHistory::in_force`]) and stored by the caller: a later policy change never
//!   rewrites it.

use crate::calendar::WorkingCalendar;
use crate::policy::{Policy, PolicyHistory};
use crate::Nation;
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// The units a timescale may be counted in.
    pub enum TimeUnit {
        WorkingDays => "working-days", "working days";
        CalendarDays => "calendar-days", "calendar days";
        Weeks => "weeks", "weeks";
        Months => "months", "months";
    }
}

/// An amount of time in a unit: "15 working days", "6 months".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Timescale {
    pub amount: u32,
    pub unit: TimeUnit,
}

impl Timescale {
    pub const fn new(amount: u32, unit: TimeUnit) -> Self {
        Timescale { amount, unit }
    }
    pub const fn working_days(amount: u32) -> Self {
        Timescale::new(amount, TimeUnit::WorkingDays)
    }
    pub const fn calendar_days(amount: u32) -> Self {
        Timescale::new(amount, TimeUnit::CalendarDays)
    }
    pub const fn weeks(amount: u32) -> Self {
        Timescale::new(amount, TimeUnit::Weeks)
    }
    pub const fn months(amount: u32) -> Self {
        Timescale::new(amount, TimeUnit::Months)
    }

    /// The last day "within" this timescale of `from` (see the counting conventions). Saturates
    /// at chrono's last date rather than panicking.
    pub fn after<C: WorkingCalendar + ?Sized>(&self, calendar: &C, from: NaiveDate) -> NaiveDate {
        match self.unit {
            TimeUnit::WorkingDays => Some(calendar.add_working_days(from, self.amount)),
            TimeUnit::CalendarDays => from.checked_add_days(Days::new(u64::from(self.amount))),
            TimeUnit::Weeks => from.checked_add_days(Days::new(u64::from(self.amount) * 7)),
            TimeUnit::Months => from.checked_add_months(Months::new(self.amount)),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// The last day that is "at least" this timescale before `date`. Saturates at chrono's first
    /// date rather than panicking.
    pub fn before<C: WorkingCalendar + ?Sized>(&self, calendar: &C, date: NaiveDate) -> NaiveDate {
        match self.unit {
            TimeUnit::WorkingDays => Some(calendar.subtract_working_days(date, self.amount)),
            TimeUnit::CalendarDays => date.checked_sub_days(Days::new(u64::from(self.amount))),
            TimeUnit::Weeks => date.checked_sub_days(Days::new(u64::from(self.amount) * 7)),
            TimeUnit::Months => date.checked_sub_months(Months::new(self.amount)),
        }
        .unwrap_or(NaiveDate::MIN)
    }
}

impl std::fmt::Display for Timescale {
    /// "15 working days", "1 month".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match (self.unit, self.amount) {
            (TimeUnit::WorkingDays, 1) => "working day",
            (TimeUnit::CalendarDays, 1) => "calendar day",
            (TimeUnit::Weeks, 1) => "week",
            (TimeUnit::Months, 1) => "month",
            (unit, _) => unit.label(),
        };
        write!(f, "{} {unit}", self.amount)
    }
}

/// Whether a deadline falls after its trigger or before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// "Within N of the trigger": due on or before the trigger plus N.
    Within,
    /// "At least N before the trigger" (the trigger is a meeting or a birth): due on or before
    /// the trigger minus N.
    AtLeastBefore,
}

crate::text_enum! {
    /// Every deadline confer tracks. The data about each is in [`RULES`].
    pub enum DeadlineRule {
        InitialConference => "initial-conference", "Initial conference";
        TransferInConference => "transfer-in-conference", "Transfer-in conference";
        PreBirthConference => "pre-birth-conference", "Pre-birth conference (by gestation)";
        PreBirthLatest => "pre-birth-latest", "Pre-birth conference (before delivery)";
        PreBirthAfterConcern => "pre-birth-after-concern", "Pre-birth conference (after the concern)";
        ParticipantNotice => "participant-notice", "Notice of the conference to participants";
        SupporterNotice => "supporter-notice", "Chair told of a supporter or solicitor";
        InquorateReconvened => "inquorate-reconvened", "Inquorate conference reconvened";
        ReportsToParents => "reports-to-parents", "Reports shared with parents";
        ReportsToChair => "reports-to-chair", "Reports to the chair";
        OutcomeSent => "outcome-sent", "Outcome sent in writing";
        RecordSent => "record-sent", "Record sent";
        FirstCoreGroup => "first-core-group", "First core group";
        NextCoreGroup => "next-core-group", "Next core group";
        SignificantChangeToChair => "significant-change-to-chair", "Significant change reported to the chair";
        FirstReview => "first-review", "First review conference";
        NextReview => "next-review", "Next review conference";
        ChildInNeedReview => "child-in-need-review", "Child in need plan review";
        SubjectAccess => "subject-access", "Subject access request answered";
        SubjectAccessExtended => "subject-access-extended", "Subject access request answered (extended)";
        ComplaintStageOne => "complaint-stage-one", "Complaint: stage 1 response";
        ComplaintStageTwo => "complaint-stage-two", "Complaint: stage 2 response";
        ComplaintStageThree => "complaint-stage-three", "Complaint: stage 3 review";
    }
}

/// What is known about one deadline rule. Per-nation arrays are in the order England, Wales,
/// Scotland, Northern Ireland. A default of `None` means the guidance sets no timescale and
/// there is no deadline until the authority sets one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleDefinition {
    pub rule: DeadlineRule,
    /// The rule ID in DOMAIN.md that a test proving this rule names.
    pub rule_id: &'static str,
    pub purpose: &'static str,
    /// What the trigger date is.
    pub trigger: &'static str,
    pub direction: Direction,
    pub defaults: [Option<Timescale>; 4],
    pub sources: [&'static str; 4],
    /// Whether a due date on a non-working day moves to the next working day.
    pub rolls_to_next_working_day: bool,
}

const LOCAL: &str = "local policy: the guidance sets no national timescale";

const fn same<T: Copy>(x: T) -> [T; 4] {
    [x, x, x, x]
}

/// Every deadline rule, in the order of [`DeadlineRule::ALL`]. Policy defaults per nation
/// ([`Policy::default_for`]) are read from here.
pub const RULES: &[RuleDefinition] = &[
    RuleDefinition {
        rule: DeadlineRule::InitialConference,
        rule_id: "TIME-01",
        purpose: "Hold the initial conference quickly once an enquiry finds a child may be suffering significant harm.",
        trigger: "the strategy discussion that started the enquiry (Scotland: the concern, once an investigation has gone ahead)",
        direction: Direction::Within,
        defaults: [
            Some(Timescale::working_days(15)),
            Some(Timescale::working_days(15)),
            Some(Timescale::calendar_days(28)),
            Some(Timescale::working_days(15)),
        ],
        sources: [
            "Working Together to Safeguard Children 2023 (England): initial conference within 15 working days of the strategy discussion",
            "Wales Safeguarding Procedures 2019: initial conference within 15 working days of the strategy discussion",
            "National Guidance for Child Protection in Scotland 2021 (updated 2023), Appendix D: a CPPM follows within 28 calendar days where an investigation has gone ahead",
            "SBNI Core Child Protection Policy and Procedures (Northern Ireland): within 15 working days of the strategy discussion (NATIONS.md: not yet confirmed against the procedures)",
        ],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::TransferInConference,
        rule_id: "TIME-02",
        purpose: "Hold a transfer-in conference soon after a child on a plan moves into the area.",
        trigger: "the notification that the child has moved in",
        direction: Direction::Within,
        defaults: same(Some(Timescale::working_days(15))),
        sources: [
            "Working Together to Safeguard Children 2023 (England): within 15 working days of notification",
            "Wales Safeguarding Procedures 2019: within 15 working days (NATIONS.md: not yet confirmed)",
            "local policy in Scotland; confer ships England's 15 working days until the authority sets its own",
            "local policy in Northern Ireland; confer ships England's 15 working days until the Trust sets its own",
        ],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::PreBirthConference,
        rule_id: "TIME-03",
        purpose: "Hold a pre-birth conference early enough in pregnancy to plan for the baby's safety. The amount is the week of pregnancy: the due date is the expected date of delivery less (40 - weeks) weeks.",
        trigger: "the expected date of delivery",
        direction: Direction::AtLeastBefore,
        defaults: same(Some(Timescale::weeks(28))),
        sources: [
            "local policy in England, commonly by 28 weeks of pregnancy",
            "local policy in Wales, commonly by 28 weeks of pregnancy",
            "National Guidance for Child Protection in Scotland 2021 (updated 2023), Appendix D: within 28 weeks of gestation",
            "local policy in Northern Ireland, commonly by 28 weeks of pregnancy",
        ],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::PreBirthLatest,
        rule_id: "TIME-03",
        purpose: "Whatever the gestation rule gives, never hold a pre-birth conference later than this before the expected date of delivery.",
        trigger: "the expected date of delivery",
        direction: Direction::AtLeastBefore,
        defaults: same(Some(Timescale::working_days(10))),
        sources: same("DOMAIN.md TIME-03: never later than 10 working days before the expected date of delivery"),
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::PreBirthAfterConcern,
        rule_id: "TIME-03",
        purpose: "Hold a pre-birth meeting soon after the concern is raised (Scotland).",
        trigger: "the day the concern about the unborn child was raised",
        direction: Direction::Within,
        defaults: [None, None, Some(Timescale::calendar_days(28)), None],
        sources: [LOCAL, LOCAL, "National Guidance for Child Protection in Scotland 2021 (updated 2023), Appendix D: within 28 calendar days of the concern being raised", LOCAL],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::ParticipantNotice,
        rule_id: "INV-01",
        purpose: "Give participants enough notice of the conference to take part.",
        trigger: "the date of the conference",
        direction: Direction::AtLeastBefore,
        defaults: [None, None, Some(Timescale::calendar_days(5)), None],
        sources: [LOCAL, LOCAL, "National Guidance for Child Protection in Scotland 2021 (updated 2023), Appendix D: 5 calendar days' notice wherever possible", LOCAL],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::SupporterNotice,
        rule_id: "INV-05",
        purpose: "Tell the chair in time that a parent is bringing a supporter or solicitor; a later request is flagged to the chair, who decides.",
        trigger: "the date of the conference",
        direction: Direction::AtLeastBefore,
        defaults: same(Some(Timescale::working_days(2))),
        sources: same("DOMAIN.md INV-05 (from the authorities' leaflets): at least 2 working days before"),
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::InquorateReconvened,
        rule_id: "INV-03",
        purpose: "Reconvene a conference that could not decide for want of a quorum.",
        trigger: "the date of the inquorate conference",
        direction: Direction::Within,
        defaults: [None, None, Some(Timescale::working_days(10)), None],
        sources: [LOCAL, LOCAL, "National Guidance for Child Protection in Scotland 2021 (updated 2023), Appendix D: within 10 working days", LOCAL],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::ReportsToParents,
        rule_id: "REP-01",
        purpose: "Share each report with the parents in time for them to read it before the conference.",
        trigger: "the date of the conference",
        direction: Direction::AtLeastBefore,
        defaults: same(Some(Timescale::working_days(2))),
        sources: same("DOMAIN.md REP-01 (local policy): at least 2 working days before the conference"),
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::ReportsToChair,
        rule_id: "REP-02",
        purpose: "Give the chair the reports in time to prepare.",
        trigger: "the date of the conference",
        direction: Direction::AtLeastBefore,
        defaults: same(Some(Timescale::working_days(3))),
        sources: same("DOMAIN.md REP-02 (local policy): at least 3 working days before the conference"),
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::OutcomeSent,
        rule_id: "DEC-05",
        purpose: "Tell parents and professionals the outcome in writing promptly.",
        trigger: "the date of the conference",
        direction: Direction::Within,
        defaults: same(Some(Timescale::working_days(1))),
        sources: same("DOMAIN.md DEC-05 (local policy): within 1 working day"),
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::RecordSent,
        rule_id: "MIN-03",
        purpose: "Send the approved record to the parents and professionals.",
        trigger: "the date of the conference",
        direction: Direction::Within,
        defaults: [
            Some(Timescale::working_days(15)),
            Some(Timescale::working_days(15)),
            Some(Timescale::working_days(10)),
            Some(Timescale::working_days(15)),
        ],
        sources: [
            "local policy in England (commonly 15 to 20 working days); DOMAIN.md MIN-03 ships 15",
            "local policy in Wales; confer ships 15 working days",
            "National Guidance for Child Protection in Scotland 2021 (updated 2023), Appendix D: within 10 working days",
            "local policy in Northern Ireland; confer ships 15 working days",
        ],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::FirstCoreGroup,
        rule_id: "CG-02",
        purpose: "Start the detailed work of the plan soon after the initial conference.",
        trigger: "the date of the initial conference",
        direction: Direction::Within,
        defaults: [
            Some(Timescale::working_days(10)),
            Some(Timescale::working_days(10)),
            Some(Timescale::working_days(15)),
            Some(Timescale::working_days(10)),
        ],
        sources: [
            "Working Together to Safeguard Children 2023 (England): first core group within 10 working days of the initial conference",
            "Wales Safeguarding Procedures 2019: within 10 working days",
            "National Guidance for Child Protection in Scotland 2021 (updated 2023), Appendix D: within 15 working days of the CPPM",
            "SBNI Core Child Protection Policy and Procedures (Northern Ireland): within 10 working days (NATIONS.md: not yet confirmed)",
        ],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::NextCoreGroup,
        rule_id: "CG-02",
        purpose: "Keep the core group meeting regularly while the plan lasts.",
        trigger: "the date of the previous core group meeting",
        direction: Direction::Within,
        defaults: same(Some(Timescale::weeks(6))),
        sources: same("local policy (Southwark: every 6 weeks); DOMAIN.md CG-02 ships 6 weeks"),
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::SignificantChangeToChair,
        rule_id: "CG-03",
        purpose: "Tell the chair quickly of a significant change or concern that may need an earlier review.",
        trigger: "the day the core group identified the change or concern",
        direction: Direction::Within,
        defaults: [None, None, Some(Timescale::calendar_days(3)), None],
        sources: [LOCAL, LOCAL, "National Guidance for Child Protection in Scotland 2021 (updated 2023), Appendix D: always within 3 calendar days", LOCAL],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::FirstReview,
        rule_id: "REV-01",
        purpose: "Review the plan soon after it starts.",
        trigger: "the date of the initial (or transfer-in) conference",
        direction: Direction::Within,
        defaults: [
            Some(Timescale::months(3)),
            Some(Timescale::months(3)),
            Some(Timescale::months(6)),
            Some(Timescale::months(3)),
        ],
        sources: [
            "Working Together to Safeguard Children 2023 (England): first review within 3 months of the initial conference",
            "Wales Safeguarding Procedures 2019: within 3 months",
            "National Guidance for Child Protection in Scotland 2021 (updated 2023), Appendix D: within 6 months (after a pre-birth CPPM a review may be held within 3 months: set it per case)",
            "SBNI Core Child Protection Policy and Procedures (Northern Ireland): within 3 months",
        ],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::NextReview,
        rule_id: "REV-01",
        purpose: "Review the plan at least every six months while it lasts.",
        trigger: "the date of the previous review conference",
        direction: Direction::Within,
        defaults: same(Some(Timescale::months(6))),
        sources: [
            "Working Together to Safeguard Children 2023 (England): later reviews at intervals of no more than 6 months",
            "Wales Safeguarding Procedures 2019: at most every 6 months",
            "National Guidance for Child Protection in Scotland 2021 (updated 2023): six-monthly thereafter",
            "SBNI Core Child Protection Policy and Procedures (Northern Ireland): at most every 6 months",
        ],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::ChildInNeedReview,
        rule_id: "PLAN-04",
        purpose: "Review a child in need plan at a network meeting at the interval the authority sets.",
        trigger: "the date the plan started or was last reviewed",
        direction: Direction::Within,
        defaults: same(Some(Timescale::months(3))),
        sources: same("local policy; many authorities' procedures review a child in need plan at least every 3 months, which confer ships"),
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::SubjectAccess,
        rule_id: "RIGHT-01",
        purpose: "Answer a request to see the records held about a person.",
        trigger: "the day the request was received",
        direction: Direction::Within,
        defaults: same(Some(Timescale::months(1))),
        sources: same("UK GDPR article 12(3) and the ICO's right of access guidance: one month, to the next working day if it falls on a weekend or holiday"),
        rolls_to_next_working_day: true,
    },
    RuleDefinition {
        rule: DeadlineRule::SubjectAccessExtended,
        rule_id: "RIGHT-01",
        purpose: "Answer a complex or repeated request whose deadline was extended; the amount is the extension added to the first deadline.",
        trigger: "the day the request was received",
        direction: Direction::Within,
        defaults: same(Some(Timescale::months(2))),
        sources: same("UK GDPR article 12(3): the one month may be extended by two further months where necessary"),
        rolls_to_next_working_day: true,
    },
    RuleDefinition {
        rule: DeadlineRule::ComplaintStageOne,
        rule_id: "RIGHT-02",
        purpose: "Answer a complaint about a conference at the first (local resolution) stage.",
        trigger: "the day the complaint was received",
        direction: Direction::Within,
        defaults: [
            Some(Timescale::working_days(10)),
            Some(Timescale::working_days(10)),
            Some(Timescale::working_days(5)),
            Some(Timescale::working_days(20)),
        ],
        sources: [
            "local policy; confer ships the Children Act 1989 Representations Procedure (England) Regulations 2006 stage 1: 10 working days",
            "local policy; confer ships 10 working days (check against the Social Services Complaints Procedure (Wales) Regulations 2014)",
            "local policy; confer ships the SPSO model complaints handling procedure stage 1: 5 working days",
            "local policy; confer ships the HSC complaints procedure response time: 20 working days (check)",
        ],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::ComplaintStageTwo,
        rule_id: "RIGHT-02",
        purpose: "Answer a complaint at the second (investigation) stage.",
        trigger: "the day the complaint was escalated to stage 2",
        direction: Direction::Within,
        defaults: [
            Some(Timescale::working_days(25)),
            Some(Timescale::working_days(25)),
            Some(Timescale::working_days(20)),
            None,
        ],
        sources: [
            "local policy; confer ships the Children Act 1989 Representations Procedure (England) Regulations 2006 stage 2: 25 working days",
            "local policy; confer ships 25 working days (check against the Social Services Complaints Procedure (Wales) Regulations 2014)",
            "local policy; confer ships the SPSO model complaints handling procedure stage 2: 20 working days",
            "local policy: the HSC procedure has one local stage before the Ombudsman",
        ],
        rolls_to_next_working_day: false,
    },
    RuleDefinition {
        rule: DeadlineRule::ComplaintStageThree,
        rule_id: "RIGHT-02",
        purpose: "Hold a review panel on a complaint at the third stage.",
        trigger: "the day the complainant asked for a review panel",
        direction: Direction::Within,
        defaults: [Some(Timescale::working_days(30)), None, None, None],
        sources: [
            "local policy; confer ships the Children Act 1989 Representations Procedure (England) Regulations 2006 stage 3 review panel: within 30 working days",
            "local policy: no third local stage (the next step is the Ombudsman)",
            "local policy: no third local stage (the next step is the SPSO)",
            "local policy: no third local stage (the next step is the Ombudsman)",
        ],
        rolls_to_next_working_day: false,
    },
];

fn nation_index(nation: Nation) -> usize {
    match nation {
        Nation::England => 0,
        Nation::Wales => 1,
        Nation::Scotland => 2,
        Nation::NorthernIreland => 3,
    }
}

impl DeadlineRule {
    /// The definition of this rule in [`RULES`].
    pub fn definition(self) -> &'static RuleDefinition {
        // RULES is in the order of the enum (a test proves it), so this is an index.
        &RULES[self as usize]
    }
    pub fn rule_id(self) -> &'static str {
        self.definition().rule_id
    }
    pub fn purpose(self) -> &'static str {
        self.definition().purpose
    }
    pub fn direction(self) -> Direction {
        self.definition().direction
    }
    /// The default timescale in `nation`, or `None` where the nation sets none.
    pub fn default_for(self, nation: Nation) -> Option<Timescale> {
        self.definition().defaults[nation_index(nation)]
    }
    /// Where the default in `nation` comes from.
    pub fn source(self, nation: Nation) -> &'static str {
        self.definition().sources[nation_index(nation)]
    }
    /// The timescale `policy` sets for this rule (`None`: no deadline).
    pub fn timescale(self, policy: &Policy) -> Option<Timescale> {
        policy.timescale(self)
    }

    /// The due date of this rule for a trigger on `trigger`, with `calendar` and the `policy` in
    /// force on the trigger date. `None` when the policy sets no timescale for the rule.
    ///
    /// Two rules take more than their own timescale:
    /// - TIME-03 [`DeadlineRule::PreBirthConference`]: the trigger is the expected date of
    ///   delivery; the due date is that date less (40 - weeks) weeks, and never later than
    ///   [`DeadlineRule::PreBirthLatest`] (10 working days before it by default). In Scotland
    ///   also take [`DeadlineRule::PreBirthAfterConcern`] into account: see [`pre_birth_due`].
    /// - RIGHT-01 [`DeadlineRule::SubjectAccessExtended`]: the extension is added to the first
    ///   deadline (one month, then two more: 31 January gives 28 February, then 28 April, the
    ///   earlier and so safer reading), then moved to a working day.
    pub fn due_date<C: WorkingCalendar + ?Sized>(
        self,
        trigger: NaiveDate,
        calendar: &C,
        policy: &Policy,
    ) -> Option<NaiveDate> {
        let timescale = self.timescale(policy)?;
        let due = match self {
            DeadlineRule::PreBirthConference => {
                let weeks_before = Timescale::weeks(40u32.saturating_sub(timescale.amount));
                let by_gestation = weeks_before.before(calendar, trigger);
                match DeadlineRule::PreBirthLatest.due_date(trigger, calendar, policy) {
                    Some(latest) => by_gestation.min(latest),
                    None => by_gestation,
                }
            }
            DeadlineRule::SubjectAccessExtended => {
                let first = DeadlineRule::SubjectAccess.timescale(policy)?.after(calendar, trigger);
                timescale.after(calendar, first)
            }
            _ => match self.direction() {
                Direction::Within => timescale.after(calendar, trigger),
                Direction::AtLeastBefore => timescale.before(calendar, trigger),
            },
        };
        if self.definition().rolls_to_next_working_day && !calendar.is_working_day(due) {
            return Some(calendar.add_working_days(due, 1));
        }
        Some(due)
    }

    /// The due date with the policy version in force on the trigger date, ready to store.
    pub fn deadline<C: WorkingCalendar + ?Sized>(
        self,
        trigger: NaiveDate,
        calendar: &C,
        policies: &PolicyHistory,
    ) -> Option<Deadline> {
        let version = policies.version_in_force(trigger);
        let due = self.due_date(trigger, calendar, &version.policy)?;
        Some(Deadline { rule: self, trigger, due, policy_effective_from: version.effective_from })
    }
}

/// A deadline as set: callers store it, and never recompute it when the policy changes later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Deadline {
    pub rule: DeadlineRule,
    pub trigger: NaiveDate,
    pub due: NaiveDate,
    /// The `effective_from` of the policy version used: why the due date is what it is.
    pub policy_effective_from: NaiveDate,
}

impl Deadline {
    pub fn state<C: WorkingCalendar + ?Sized>(
        &self,
        met: Option<NaiveDate>,
        today: NaiveDate,
        at_risk_working_days: u32,
        calendar: &C,
    ) -> DeadlineState {
        deadline_state(self.due, met, today, at_risk_working_days, calendar)
    }
}

/// TIME-03 for an unborn child: the earliest of the gestation rule, the latest-before-delivery
/// rule and, where the nation has one (Scotland), the timescale from the concern.
pub fn pre_birth_due<C: WorkingCalendar + ?Sized>(
    expected_delivery: NaiveDate,
    concern_raised: Option<NaiveDate>,
    calendar: &C,
    policy: &Policy,
) -> Option<NaiveDate> {
    let by_gestation = DeadlineRule::PreBirthConference.due_date(expected_delivery, calendar, policy);
    let after_concern = concern_raised.and_then(|c| DeadlineRule::PreBirthAfterConcern.due_date(c, calendar, policy));
    match (by_gestation, after_concern) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

crate::text_enum! {
    /// Where a deadline stands on a given day.
    pub enum DeadlineState {
        Due => "due", "Due";
        AtRisk => "at-risk", "At risk";
        Overdue => "overdue", "Overdue";
        Met => "met", "Met";
        MetLate => "met-late", "Met late";
    }
}

/// Where a deadline stands on `today`. Met on or before the due date: Met; after it: MetLate.
/// Not met: Overdue after the due date; AtRisk from `at_risk_working_days` working days before
/// it (counted in working days because that is the time staff have to act; 0 means at risk on
/// the day itself); otherwise Due.
pub fn deadline_state<C: WorkingCalendar + ?Sized>(
    due: NaiveDate,
    met: Option<NaiveDate>,
    today: NaiveDate,
    at_risk_working_days: u32,
    calendar: &C,
) -> DeadlineState {
    match met {
        Some(met) if met <= due => DeadlineState::Met,
        Some(_) => DeadlineState::MetLate,
        None if today > due => DeadlineState::Overdue,
        None if today >= calendar.subtract_working_days(due, at_risk_working_days) => DeadlineState::AtRisk,
        None => DeadlineState::Due,
    }
}

crate::text_enum! {
    /// Why a deadline was missed (TIME-01: a late conference records a reason from this list
    /// plus free text). "Other" needs the free text.
    pub enum LateReason {
        ParentAskedForLaterDate => "parent-asked-for-later-date", "A parent asked for a later date";
        FamilyUnavailable => "family-unavailable", "The family could not attend an earlier date";
        ProfessionalUnavailable => "professional-unavailable", "A key professional could not attend an earlier date";
        ChairUnavailable => "chair-unavailable", "No independent chair was available";
        InterpreterUnavailable => "interpreter-unavailable", "An interpreter could not be booked in time";
        VenueUnavailable => "venue-unavailable", "No suitable venue was available";
        ReportsNotReady => "reports-not-ready", "The assessment or reports were not ready";
        RequestedLate => "requested-late", "The conference was requested late";
        PoliceInvestigation => "police-investigation", "The police asked for a delay for their investigation";
        Inquorate => "inquorate", "The conference was inquorate and had to be reconvened";
        Other => "other", "Other (say why)";
    }
}

/// The longest free text a late reason may have: a paragraph, not a report.
pub const LATE_REASON_MAX_CHARS: usize = 2000;

/// A reason for a missed deadline as recorded: a reason from the list and the free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateReasonRecord {
    pub reason: LateReason,
    pub details: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LateReasonError {
    #[error("you chose \"Other\": say why the deadline was missed")]
    OtherNeedsDetails,
    #[error("the reason is {length} characters long: keep it to {LATE_REASON_MAX_CHARS}")]
    TooLong { length: usize },
}

impl LateReasonRecord {
    /// A reason with its details (trimmed). Details are optional except for "Other".
    pub fn new(reason: LateReason, details: &str) -> Result<Self, LateReasonError> {
        let details = details.trim();
        if reason == LateReason::Other && details.is_empty() {
            return Err(LateReasonError::OtherNeedsDetails);
        }
        let length = details.chars().count();
        if length > LATE_REASON_MAX_CHARS {
            return Err(LateReasonError::TooLong { length });
        }
        Ok(LateReasonRecord { reason, details: details.to_owned() })
    }
}

/// Why a deadline could not be recorded as met, in words that say what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetError {
    #[error("The date it was met must be today or in the past")]
    InFuture,
    #[error("This deadline was missed (it was due by {due}): choose the reason for the delay")]
    ReasonNeeded { due: String },
    #[error("{0}")]
    Reason(String),
}

/// TIME-01: checks a "met" date for a deadline due on `due`. Met on or before the due date:
/// no reason is kept (any given is dropped). Met after it: a reason from the list is required,
/// and "Other" needs the free text. A date after `today` is refused.
pub fn check_met(
    due: NaiveDate,
    met: NaiveDate,
    today: NaiveDate,
    reason: Option<LateReason>,
    details: &str,
) -> Result<Option<LateReasonRecord>, MetError> {
    if met > today {
        return Err(MetError::InFuture);
    }
    if met <= due {
        return Ok(None);
    }
    let Some(reason) = reason else {
        return Err(MetError::ReasonNeeded { due: due.format("%-d %B %Y").to_string() });
    };
    LateReasonRecord::new(reason, details).map(Some).map_err(|e| {
        let text = e.to_string();
        let mut c = text.chars();
        MetError::Reason(c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default())
    })
}

/// One deadline to (re)compute: which rule and its trigger date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRequest {
    pub rule: DeadlineRule,
    pub trigger: NaiveDate,
}

/// Computes every deadline of `requests` for one authority (one calendar, one policy history),
/// in order. With a precomputed [`crate::calendar::Calendar`] this is a few lookups each: fast
/// enough for all the deadlines of 50,000 families in well under a second.
pub fn recompute_all<C: WorkingCalendar + ?Sized>(
    requests: &[DeadlineRequest],
    calendar: &C,
    policies: &PolicyHistory,
) -> Vec<Option<Deadline>> {
    requests.iter().map(|r| r.rule.deadline(r.trigger, calendar, policies)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_table_is_in_the_order_of_the_enum() {
        assert_eq!(RULES.len(), DeadlineRule::ALL.len());
        for (def, rule) in RULES.iter().zip(DeadlineRule::ALL) {
            assert_eq!(def.rule, *rule);
            assert!(!def.rule_id.is_empty() && !def.purpose.is_empty() && !def.trigger.is_empty());
            assert!(def.sources.iter().all(|s| !s.is_empty()));
        }
    }

    #[test]
    fn timescales_read_in_plain_english() {
        assert_eq!(Timescale::working_days(15).to_string(), "15 working days");
        assert_eq!(Timescale::months(1).to_string(), "1 month");
        assert_eq!(Timescale::calendar_days(28).to_string(), "28 calendar days");
    }

    #[test]
    fn met_late_needs_a_reason_and_met_on_time_keeps_none_time_01() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let due = d(3, 10);
        assert_eq!(check_met(due, d(3, 10), d(3, 20), Some(LateReason::ChairUnavailable), "x"), Ok(None));
        assert!(matches!(check_met(due, d(3, 11), d(3, 20), None, ""), Err(MetError::ReasonNeeded { .. })));
        assert!(check_met(due, d(3, 11), d(3, 20), None, "").unwrap_err().to_string().contains("10 March 2026"));
        assert_eq!(check_met(due, d(3, 21), d(3, 20), None, ""), Err(MetError::InFuture));
        assert!(check_met(due, d(3, 12), d(3, 20), Some(LateReason::Other), " ")
            .unwrap_err()
            .to_string()
            .starts_with("You chose"));
        let kept =
            check_met(due, d(3, 12), d(3, 20), Some(LateReason::VenueUnavailable), " Flooded ").unwrap().unwrap();
        assert_eq!(kept.details, "Flooded");
    }

    #[test]
    fn late_reason_other_needs_free_text_time_01() {
        assert_eq!(LateReasonRecord::new(LateReason::Other, "  "), Err(LateReasonError::OtherNeedsDetails));
        assert!(LateReasonRecord::new(LateReason::Other, "Snow closed the venue").is_ok());
        assert!(LateReasonRecord::new(LateReason::ChairUnavailable, "").is_ok());
        assert!(LateReasonRecord::new(LateReason::ChairUnavailable, &"x".repeat(2001)).is_err());
    }
}
