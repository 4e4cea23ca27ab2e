//! A partner professional's portal home in English and Welsh (issue 14; ROLE-04, LANG-04): the
//! conferences they are invited to, their answer, their report and the outcome. The Welsh is a
//! careful translation; have the authority's Welsh language officer confirm it before the first
//! Welsh authority goes live.

use super::portal_words::Words;
use confer_domain::conference::{Answer, ProfessionalStanding, ReportStanding};

pub struct ProWords {
    pub title: &'static str,
    pub intro: &'static str,
    pub invited: &'static str,
    pub none: &'static str,
    pub see: &'static str,
    pub status: &'static str,
    pub date: &'static str,
    pub at: &'static str,
    pub not_set: &'static str,
    pub place: &'static str,
    pub video: &'static str,
    pub for_whom: &'static str,
    pub your_answer: &'static str,
    pub answer: &'static str,
    pub answer_hidden: &'static str,
    pub change: &'static str,
    pub change_hidden: &'static str,
    pub your_report: &'static str,
    pub send_report: &'static str,
    pub see_reports: &'static str,
    pub for_family: &'static str,
    pub outcome: &'static str,
    pub outcome_sent: &'static str,
    pub outcome_not_sent: &'static str,
    not_answered: &'static str,
    in_person: &'static str,
    remote: &'static str,
    report_only: &'static str,
    declined: &'static str,
    sent_on: &'static str,
    after_due: &'static str,
    due_by: &'static str,
    overdue: &'static str,
    not_sent: &'static str,
}

pub const ENGLISH: ProWords = ProWords {
    title: "Your conferences and plans",
    intro: "The conferences you are invited to, with your answer and your report, then the plan actions you own and your core group dates.",
    invited: "Conferences you are invited to",
    none: "You are not invited to any conference.",
    see: "See the conference",
    status: "Status",
    date: "Date",
    at: "at",
    not_set: "Not set yet",
    place: "Place",
    video: "Video link",
    for_whom: "For",
    your_answer: "Your answer",
    answer: "Answer",
    answer_hidden: "the invitation for",
    change: "Change",
    change_hidden: "your answer for",
    your_report: "Your report",
    send_report: "Send your report",
    see_reports: "See the reports",
    for_family: "for",
    outcome: "Outcome",
    outcome_sent: "Sent to you on",
    outcome_not_sent: "Not sent to you yet",
    not_answered: "Not answered yet",
    in_person: "Coming in person",
    remote: "Joining by video or phone",
    report_only: "Sending a report, not attending",
    declined: "Not coming",
    sent_on: "Sent on",
    after_due: "after the day it was due",
    due_by: "Due to the chair by",
    overdue: "Overdue: it was due to the chair by",
    not_sent: "Not sent",
};

pub const WELSH: ProWords = ProWords {
    title: "Eich cynadleddau a'ch cynlluniau",
    intro: "Y cynadleddau rydych wedi eich gwahodd iddynt, gyda'ch ateb a'ch adroddiad, yna'r camau gweithredu yn y cynllun sy'n eiddo i chi a dyddiadau eich grŵp craidd.",
    invited: "Cynadleddau rydych wedi eich gwahodd iddynt",
    none: "Nid ydych wedi eich gwahodd i unrhyw gynhadledd.",
    see: "Gweld y gynhadledd",
    status: "Statws",
    date: "Dyddiad",
    at: "am",
    not_set: "Heb ei bennu eto",
    place: "Lle",
    video: "Dolen fideo",
    for_whom: "Ar gyfer",
    your_answer: "Eich ateb",
    answer: "Ateb",
    answer_hidden: "y gwahoddiad ar gyfer",
    change: "Newid",
    change_hidden: "eich ateb ar gyfer",
    your_report: "Eich adroddiad",
    send_report: "Anfon eich adroddiad",
    see_reports: "Gweld yr adroddiadau",
    for_family: "ar gyfer",
    outcome: "Canlyniad",
    outcome_sent: "Anfonwyd atoch ar",
    outcome_not_sent: "Heb ei anfon atoch eto",
    not_answered: "Heb ateb eto",
    in_person: "Yn dod yn bersonol",
    remote: "Ymuno drwy fideo neu ffôn",
    report_only: "Anfon adroddiad, ddim yn dod",
    declined: "Ddim yn dod",
    sent_on: "Anfonwyd ar",
    after_due: "ar ôl y diwrnod yr oedd i fod",
    due_by: "I'w anfon at y cadeirydd erbyn",
    overdue: "Yn hwyr: roedd i fod gyda'r cadeirydd erbyn",
    not_sent: "Heb ei anfon",
};

pub fn for_lang(lang: &str) -> &'static ProWords {
    if lang == "cy" {
        &WELSH
    } else {
        &ENGLISH
    }
}

/// The professional portal's words said in the authority's nation's words (issue 15), made once per nation and kept
/// (four at most); Welsh as it is (Welsh authorities use England's words).
pub fn for_nation(lang: &str, nation: &'static confer_domain::words::Words) -> &'static ProWords {
    use std::sync::OnceLock;
    static MADE: [OnceLock<ProWords>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let w = for_lang(lang);
    if lang == "cy" {
        return w;
    }
    let i = confer_domain::Nation::ALL.iter().position(|n| *n == nation.nation).unwrap_or(0);
    MADE[i].get_or_init(|| {
        let r = |s: &'static str| super::portal_words::reworded(nation, s);
        ProWords {
            title: r(w.title),
            intro: r(w.intro),
            invited: r(w.invited),
            none: r(w.none),
            see: r(w.see),
            status: r(w.status),
            date: r(w.date),
            at: r(w.at),
            not_set: r(w.not_set),
            place: r(w.place),
            video: r(w.video),
            for_whom: r(w.for_whom),
            your_answer: r(w.your_answer),
            answer: r(w.answer),
            answer_hidden: r(w.answer_hidden),
            change: r(w.change),
            change_hidden: r(w.change_hidden),
            your_report: r(w.your_report),
            send_report: r(w.send_report),
            see_reports: r(w.see_reports),
            for_family: r(w.for_family),
            outcome: r(w.outcome),
            outcome_sent: r(w.outcome_sent),
            outcome_not_sent: r(w.outcome_not_sent),
            not_answered: r(w.not_answered),
            in_person: r(w.in_person),
            remote: r(w.remote),
            report_only: r(w.report_only),
            declined: r(w.declined),
            sent_on: r(w.sent_on),
            after_due: r(w.after_due),
            due_by: r(w.due_by),
            overdue: r(w.overdue),
            not_sent: r(w.not_sent),
        }
    })
}

impl ProWords {
    /// Their answer in words.
    pub fn answer_of(&self, s: &ProfessionalStanding) -> &'static str {
        match &s.answer {
            None => self.not_answered,
            Some(Answer::InPerson) => self.in_person,
            Some(Answer::Remote) => self.remote,
            Some(Answer::ReportOnly) => self.report_only,
            Some(Answer::Declined { .. }) => self.declined,
        }
    }

    /// Where their report stands (REP-02), with the dates in the page's language.
    pub fn report_of(&self, r: &ReportStanding, w: &Words) -> String {
        let date = |d: &chrono::NaiveDate| super::portal::long_date_in(d, w);
        match r {
            ReportStanding::Submitted { on, late: false } => format!("{} {}", self.sent_on, date(on)),
            ReportStanding::Submitted { on, late: true } => {
                format!("{} {}, {}", self.sent_on, date(on), self.after_due)
            }
            ReportStanding::DueBy { by } => format!("{} {}", self.due_by, date(by)),
            ReportStanding::Overdue { by } => format!("{} {}", self.overdue, date(by)),
            ReportStanding::NotSubmitted => self.not_sent.to_owned(),
        }
    }
}
