//! Reports (REP-01..04): one per professional, in parts, each part possibly restricted;
//! submitted to the chair before the conference; shared with each parent in time (or late
//! with a reason); every sending kept in a distribution log.

use super::{Acting, ConferenceError, ConferenceState, Outcome, Recipient};
use crate::calendar::WorkingCalendar;
use crate::model::{AdultId, ProfessionalId, Role};
use crate::policy::Policy;
use crate::timescales::DeadlineRule;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReportId(pub u32);

crate::text_enum! {
    /// Why a report part is kept from the family (REP-03).
    pub enum RestrictionReason {
        ThirdPartyInformation => "third-party-information", "Information about another person";
        PoliceInformation => "police-information", "Police information";
        Other => "other", "Other sensitive information";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPart {
    pub heading: String,
    pub text: String,
    /// `Some` when the family must never see this part (REP-03).
    pub restricted: Option<RestrictionReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: ReportId,
    pub author: ProfessionalId,
    pub parts: Vec<ReportPart>,
    pub submitted_on: NaiveDate,
    /// REP-02: the day it should have reached the chair, once the conference has a date.
    pub due_to_chair_by: Option<NaiveDate>,
}

impl Report {
    /// REP-02: reached the chair after the policy's deadline.
    pub fn late_to_chair(&self) -> bool {
        self.due_to_chair_by.is_some_and(|by| self.submitted_on > by)
    }
}

/// REP-01: sharing with a parent after the deadline, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateSharing {
    pub should_have_been_shared_by: NaiveDate,
    pub reason: String,
}

/// One sending of a report to one recipient (REP-04).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSent {
    pub report: ReportId,
    pub recipient: Recipient,
    pub on: NaiveDate,
    /// The headings of the parts that were sent (restricted parts never go to family).
    pub parts_sent: Vec<String>,
    /// REP-01: for a family recipient, whether the author discussed it with them first.
    pub discussed_with_author: Option<bool>,
    pub late: Option<LateSharing>,
}

/// What is needed to share a report with a family member (REP-01).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    pub discussed_with_author: bool,
    /// Required when sharing after the policy's deadline.
    pub late_reason: Option<String>,
}

/// A report as one recipient may read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportCopy<'a> {
    pub report: ReportId,
    pub author: ProfessionalId,
    pub parts: Vec<&'a ReportPart>,
    /// Whether some parts were held back from this reader (they are told that much).
    pub parts_withheld: bool,
}

const REPORT_STATES: &[ConferenceState] =
    &[ConferenceState::Requested, ConferenceState::Scheduled, ConferenceState::InProgress];

impl super::Conference {
    /// REP-02: a professional's report reaches the chair. The professional submits it
    /// themselves, or the coordinator uploads it for them. A second report from the same
    /// professional replaces nothing: each is kept and numbered.
    pub fn submit_report(
        &mut self,
        who: &Acting,
        author: &ProfessionalId,
        parts: Vec<ReportPart>,
        policy: &Policy,
        calendar: &dyn WorkingCalendar,
        today: NaiveDate,
    ) -> Outcome<ReportId> {
        self.professional(author)?;
        if !(self.acts_as_professional(who, author) || who.has(Role::Coordinator)) {
            return Err(ConferenceError::NotAllowed {
                action: "submit this report",
                who_may: "its author or the coordinator",
            });
        }
        self.require_state(REPORT_STATES, "submit a report", "Reports are submitted before the conference closes.")?;
        if parts.is_empty() || parts.iter().any(|p| p.heading.trim().is_empty()) {
            return Err(ConferenceError::Missing { what: "the report's parts, each with a heading" });
        }
        let due_to_chair_by = self.date().and_then(|d| DeadlineRule::ReportsToChair.due_date(d, calendar, policy));
        let id = ReportId(self.next_number());
        self.reports.push(Report { id, author: author.clone(), parts, submitted_on: today, due_to_chair_by });
        Ok(id)
    }

    /// REP-01, REP-03, REP-04: sends a report to one recipient, logs it, and returns the copy
    /// they may read. Family recipients (parents, children, supporters) never get restricted
    /// parts; sharing with a parent after the policy's deadline needs a reason.
    #[allow(clippy::too_many_arguments)]
    pub fn share_report(
        &mut self,
        who: &Acting,
        report: ReportId,
        recipient: Recipient,
        sharing: Sharing,
        policy: &Policy,
        calendar: &dyn WorkingCalendar,
        today: NaiveDate,
    ) -> Outcome<ReportSent> {
        let r = self.reports.iter().find(|r| r.id == report).ok_or(ConferenceError::NotFound { what: "report" })?;
        let allowed = who.has(Role::Coordinator)
            || who.user_id == self.allocated_worker
            || self.acts_as_professional(who, &r.author);
        if !allowed {
            return Err(ConferenceError::NotAllowed {
                action: "share this report",
                who_may: "its author, the allocated social worker or the coordinator",
            });
        }
        self.require_state(
            REPORT_STATES,
            "share a report",
            "Reports are shared before the conference; the record follows it.",
        )?;
        self.check_recipient(&recipient)?;
        let visibility = self.visibility_for(&recipient);
        let family = visibility.is_family();
        let parts_sent: Vec<String> = r
            .parts
            .iter()
            .filter(|p| visibility.restricted_content || p.restricted.is_none())
            .map(|p| p.heading.clone())
            .collect();
        if parts_sent.is_empty() {
            let heading = r.parts.first().map(|p| p.heading.clone()).unwrap_or_default();
            return Err(ConferenceError::RestrictedPart { heading });
        }
        let late = match (&recipient, self.date()) {
            (Recipient::FamilyMember(_), Some(date)) => {
                let by = DeadlineRule::ReportsToParents.due_date(date, calendar, policy).unwrap_or(date);
                if today > by {
                    match sharing.late_reason.as_deref().map(str::trim) {
                        Some(reason) if !reason.is_empty() => {
                            Some(LateSharing { should_have_been_shared_by: by, reason: reason.to_owned() })
                        }
                        _ => return Err(ConferenceError::LateShareWithoutReason { deadline: by }),
                    }
                } else {
                    None
                }
            }
            _ => None,
        };
        let sent = ReportSent {
            report,
            recipient,
            on: today,
            parts_sent,
            discussed_with_author: family.then_some(sharing.discussed_with_author),
            late,
        };
        self.report_log.push(sent.clone());
        Ok(sent)
    }

    /// REP-03: the copy of a report a recipient may read; restricted parts removed for family.
    pub fn report_copy_for(&self, report: ReportId, recipient: &Recipient) -> Outcome<ReportCopy<'_>> {
        let r = self.reports.iter().find(|r| r.id == report).ok_or(ConferenceError::NotFound { what: "report" })?;
        let visibility = self.visibility_for(recipient);
        let parts: Vec<&ReportPart> =
            r.parts.iter().filter(|p| visibility.restricted_content || p.restricted.is_none()).collect();
        Ok(ReportCopy { report, author: r.author.clone(), parts_withheld: parts.len() < r.parts.len(), parts })
    }

    pub(crate) fn check_recipient(&self, recipient: &Recipient) -> Outcome {
        match recipient {
            Recipient::Staff(_) => Ok(()),
            Recipient::Professional(p) => self.professional(p).map(|_| ()),
            Recipient::FamilyMember(a) => self.family_member(a).map(|_| ()),
            Recipient::Child(c) => self.child(c).map(|_| ()),
            Recipient::Supporter(i) => {
                self.supported_by(*i).map(|_| ()).ok_or(ConferenceError::NotFound { what: "supporter" })
            }
        }
    }

    pub fn reports(&self) -> &[Report] {
        &self.reports
    }

    /// REP-04: who was sent which report, and when.
    pub fn report_log(&self) -> &[ReportSent] {
        &self.report_log
    }

    /// REP-01: reports not yet shared with a parent or carer who should have them.
    pub fn reports_not_shared(&self) -> Vec<(ReportId, AdultId)> {
        let mut missing = Vec::new();
        for r in &self.reports {
            if r.parts.iter().all(|p| p.restricted.is_some()) {
                continue;
            }
            for m in self.family_members.iter().filter(|m| m.is_parent_or_carer()) {
                let sent = self
                    .report_log
                    .iter()
                    .any(|s| s.report == r.id && s.recipient == Recipient::FamilyMember(m.adult_id.clone()));
                if !sent {
                    missing.push((r.id, m.adult_id.clone()));
                }
            }
        }
        missing
    }
}
