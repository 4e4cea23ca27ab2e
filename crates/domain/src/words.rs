//! Each nation's own words (issue 15): the meeting, the enquiry, the discussion that starts it,
//! the outcome, the key person, the organisation and the guidance, as policy data per
//! [`Nation`] with where each nation's words come from. Pages, letters and e-mails of an
//! authority ask [`Words::of`] for its nation's words; nothing else asks which nation it is
//! to choose a word.
//!
//! The source of the table is `NATIONS.md`, "Words used in each nation". England's words are
//! the ones confer has always used. Welsh authorities write to families in English and Welsh:
//! [`Words::welsh`] holds the family-facing words in Welsh (a careful translation, to be
//! confirmed by the authority's Welsh language officer before the first Welsh authority goes
//! live, as `portal_words` says).
//!
//! The statutory returns (the census and Annex A) are England's only and keep England's words.

use crate::conference::ConferenceKind;
use crate::Nation;

/// The family-facing words in Welsh (LANG-04), for a Welsh authority's portal and letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WelshWords {
    /// "cynhadledd amddiffyn plant".
    pub meeting: &'static str,
    /// "cynhadledd".
    pub meeting_short: &'static str,
    /// The kinds of meeting, in the order of [`ConferenceKind::ALL`].
    pub kinds: [&'static str; 4],
    pub starting_discussion: &'static str,
    pub enquiry: &'static str,
    pub plan: &'static str,
    pub register: Option<&'static str>,
    pub key_person: &'static str,
    pub organisation: &'static str,
}

/// One nation's words. Lower case unless they are names; [`upper_first`] makes a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    pub nation: Nation,
    /// The statutory guidance the nation's procedure follows.
    pub guidance: &'static str,
    /// Where these words come from.
    pub source: &'static str,
    /// The discussion that starts it: "strategy discussion", "inter-agency referral discussion (IRD)".
    pub starting_discussion: &'static str,
    /// The enquiry: "section 47 enquiry", "child protection investigation".
    pub enquiry: &'static str,
    /// The meeting in full: "child protection conference", "child protection planning meeting".
    pub meeting: &'static str,
    /// The meeting in a sentence once it is named: "conference", "meeting", "case conference".
    pub meeting_short: &'static str,
    /// Many of them, for lists and navigation: "conferences", "meetings", "case conferences".
    pub meetings_short: &'static str,
    /// The navigation's links to the meetings a person chairs and to all of them.
    pub nav_yours: &'static str,
    pub nav_all: &'static str,
    /// The initial meeting's short name: "ICPC", "initial CPPM", "initial CPCC".
    pub initial_abbreviation: &'static str,
    /// The review meeting's short name: "RCPC", "review CPPM", "review CPCC".
    pub review_abbreviation: &'static str,
    /// Each kind of meeting, in the order of [`ConferenceKind::ALL`] (initial, review,
    /// transfer-in, pre-birth), as a heading.
    pub kinds: [&'static str; 4],
    /// The same as families read them (the portal, letters): always the meeting's full name.
    pub family_kinds: [&'static str; 4],
    /// The plan: "child protection plan".
    pub plan: &'static str,
    /// The register the child's name is placed on (Wales, Scotland, Northern Ireland).
    pub register: Option<&'static str>,
    /// The outcome in full, as NATIONS.md words it.
    pub outcome: &'static str,
    /// The person who leads the plan: "key worker", "lead professional".
    pub key_person: &'static str,
    /// The organisation: "local authority", "council", "Health and Social Care Trust".
    pub organisation: &'static str,
    /// Welsh words for families (Wales only).
    pub welsh: Option<&'static WelshWords>,
    /// How soon the initial meeting is held by the nation's guidance (NATIONS.md, Timescales),
    /// for the dashboards' measure name: "15 working days", "28 calendar days".
    pub initial_within: &'static str,
}

const SOURCE: &str = "NATIONS.md, Words used in each nation";

pub const ENGLAND: Words = Words {
    nation: Nation::England,
    guidance: "Working Together to Safeguard Children 2023",
    source: SOURCE,
    starting_discussion: "strategy discussion",
    enquiry: "section 47 enquiry",
    meeting: "child protection conference",
    meeting_short: "conference",
    meetings_short: "conferences",
    nav_yours: "Your conferences",
    nav_all: "Conferences",
    initial_abbreviation: "ICPC",
    review_abbreviation: "RCPC",
    // England's labels as confer has always shown them.
    kinds: [
        "Initial child protection conference",
        "Review child protection conference",
        "Transfer-in conference",
        "Pre-birth conference",
    ],
    family_kinds: [
        "Initial child protection conference",
        "Review child protection conference",
        "Transfer-in child protection conference",
        "Pre-birth child protection conference",
    ],
    plan: "child protection plan",
    register: None,
    outcome: "child protection plan",
    key_person: "key worker",
    organisation: "local authority",
    welsh: None,
    initial_within: "15 working days",
};

const WELSH: WelshWords = WelshWords {
    meeting: "cynhadledd amddiffyn plant",
    meeting_short: "cynhadledd",
    kinds: [
        "Cynhadledd amddiffyn plant gychwynnol",
        "Cynhadledd adolygu amddiffyn plant",
        "Cynhadledd amddiffyn plant trosglwyddo i mewn",
        "Cynhadledd amddiffyn plant cyn geni",
    ],
    starting_discussion: "trafodaeth strategaeth",
    enquiry: "ymholiad adran 47",
    plan: "cynllun amddiffyn plant",
    register: Some("y gofrestr amddiffyn plant"),
    key_person: "gweithiwr allweddol",
    organisation: "awdurdod lleol",
};

pub const WALES: Words = Words {
    nation: Nation::Wales,
    guidance: "Wales Safeguarding Procedures (2019, under the Social Services and Well-being (Wales) Act 2014)",
    source: SOURCE,
    starting_discussion: "strategy discussion",
    enquiry: "section 47 enquiry",
    meeting: "child protection conference",
    meeting_short: "conference",
    meetings_short: "conferences",
    nav_yours: "Your conferences",
    nav_all: "Conferences",
    initial_abbreviation: "initial conference",
    review_abbreviation: "review conference",
    kinds: [
        "Initial child protection conference",
        "Review child protection conference",
        "Transfer-in child protection conference",
        "Pre-birth child protection conference",
    ],
    family_kinds: [
        "Initial child protection conference",
        "Review child protection conference",
        "Transfer-in child protection conference",
        "Pre-birth child protection conference",
    ],
    plan: "child protection plan",
    register: Some("child protection register"),
    outcome: "child protection plan and the child protection register",
    key_person: "key worker",
    organisation: "local authority",
    welsh: Some(&WELSH),
    initial_within: "15 working days",
};

pub const SCOTLAND: Words = Words {
    nation: Nation::Scotland,
    guidance: "National Guidance for Child Protection in Scotland 2021 (updated 2023)",
    source: SOURCE,
    starting_discussion: "inter-agency referral discussion (IRD)",
    enquiry: "child protection investigation",
    meeting: "child protection planning meeting",
    meeting_short: "meeting",
    meetings_short: "meetings",
    nav_yours: "Your planning meetings",
    nav_all: "Planning meetings",
    initial_abbreviation: "initial CPPM",
    review_abbreviation: "review CPPM",
    kinds: [
        "Initial child protection planning meeting",
        "Review child protection planning meeting",
        "Transfer child protection planning meeting",
        "Pre-birth child protection planning meeting",
    ],
    family_kinds: [
        "Initial child protection planning meeting",
        "Review child protection planning meeting",
        "Transfer child protection planning meeting",
        "Pre-birth child protection planning meeting",
    ],
    plan: "child protection plan",
    register: Some("child protection register"),
    outcome: "child protection plan; the child's name placed on the child protection register",
    key_person: "lead professional",
    organisation: "council",
    welsh: None,
    initial_within: "28 calendar days",
};

pub const NORTHERN_IRELAND: Words = Words {
    nation: Nation::NorthernIreland,
    guidance: "Co-operating to Safeguard Children and Young People in Northern Ireland (2017) and the SBNI Core Child Protection Policy and Procedures",
    source: SOURCE,
    starting_discussion: "strategy discussion",
    enquiry: "child protection investigation",
    meeting: "child protection case conference",
    meeting_short: "case conference",
    meetings_short: "case conferences",
    nav_yours: "Your case conferences",
    nav_all: "Case conferences",
    initial_abbreviation: "initial CPCC",
    review_abbreviation: "review CPCC",
    kinds: [
        "Initial child protection case conference",
        "Review child protection case conference",
        "Transfer-in child protection case conference",
        "Pre-birth child protection case conference",
    ],
    family_kinds: [
        "Initial child protection case conference",
        "Review child protection case conference",
        "Transfer-in child protection case conference",
        "Pre-birth child protection case conference",
    ],
    plan: "child protection plan",
    register: Some("child protection register"),
    outcome: "child protection plan; the child's name placed on the register held by the HSC Trust",
    key_person: "key worker",
    organisation: "Health and Social Care Trust",
    welsh: None,
    initial_within: "15 working days",
};

impl Words {
    /// The words of a nation.
    pub fn of(nation: Nation) -> &'static Words {
        match nation {
            Nation::England => &ENGLAND,
            Nation::Wales => &WALES,
            Nation::Scotland => &SCOTLAND,
            Nation::NorthernIreland => &NORTHERN_IRELAND,
        }
    }

    /// A kind of meeting as a heading: "Initial child protection planning meeting".
    pub fn kind(&self, kind: ConferenceKind) -> &'static str {
        self.kinds[kind_index(kind)]
    }

    /// A kind of meeting as families read it: in Welsh when asked for Welsh and the nation
    /// has Welsh words, else in English.
    pub fn kind_in(&self, kind: ConferenceKind, welsh: bool) -> &'static str {
        match (welsh, self.welsh) {
            (true, Some(w)) => w.kinds[kind_index(kind)],
            // A family of another nation who asked for Welsh reads the Welsh confer has.
            (true, None) => WELSH.kinds[kind_index(kind)],
            (false, _) => self.family_kinds[kind_index(kind)],
        }
    }

    /// A kind stored as text (`initial`, …), or the meeting's own name for anything else.
    pub fn kind_text(&self, kind: &str) -> String {
        ConferenceKind::parse(kind).map(|k| self.kind(k).to_owned()).unwrap_or_else(|| upper_first(self.meeting))
    }

    /// "Conference", "Meeting", "Case conference": for headings such as "Before the …".
    pub fn meeting_title(&self) -> String {
        upper_first(self.meeting_short)
    }

    /// "Conferences", "Meetings", "Case conferences".
    pub fn meetings_title(&self) -> String {
        upper_first(self.meetings_short)
    }

    /// "Strategy discussion", "Inter-agency referral discussion (IRD)".
    pub fn starting_discussion_title(&self) -> String {
        upper_first(self.starting_discussion)
    }

    /// "Key worker", "Lead professional".
    pub fn key_person_title(&self) -> String {
        upper_first(self.key_person)
    }

    /// An English sentence written in England's words, said in this nation's: "Schedule the
    /// conference" is "Schedule the meeting" in Scotland. Whole words only; England's text
    /// comes back as it was.
    pub fn reword(&self, text: &str) -> String {
        let swaps: [(&str, String); 17] = [
            ("child protection conferences", format!("{}s", self.meeting)),
            ("Child protection conferences", upper_first(&format!("{}s", self.meeting))),
            ("child protection conference", self.meeting.to_owned()),
            ("Child protection conference", upper_first(self.meeting)),
            ("conferences", self.meetings_short.to_owned()),
            ("Conferences", self.meetings_title()),
            ("conference", self.meeting_short.to_owned()),
            ("Conference", self.meeting_title()),
            ("strategy discussion", self.starting_discussion.to_owned()),
            ("Strategy discussion", self.starting_discussion_title()),
            ("key worker", self.key_person.to_owned()),
            ("Key worker", self.key_person_title()),
            ("section 47 enquiry", self.enquiry.to_owned()),
            ("Section 47 enquiry", upper_first(self.enquiry)),
            ("local authority", self.organisation.to_owned()),
            // Issue 15: the meetings' short names, as refusals say them ("before the ICPC").
            ("ICPC", self.initial_abbreviation.to_owned()),
            ("RCPC", self.review_abbreviation.to_owned()),
        ];
        // The nation's own phrases are kept as they are, so a text that already says them
        // ("case conference") is not said twice ("case case conference").
        let own = [self.meeting, self.meeting_short, self.meetings_short, self.starting_discussion, self.key_person];
        let own: Vec<String> = own.iter().flat_map(|p| [(*p).to_owned(), upper_first(p)]).collect();
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let mut after_word = false;
        'scan: while let Some(c) = rest.chars().next() {
            if !after_word {
                let whole = |tail: &str| !tail.chars().next().is_some_and(joins);
                for p in &own {
                    if let Some(tail) = rest.strip_prefix(p.as_str()).filter(|t| whole(t)) {
                        out.push_str(p);
                        rest = tail;
                        after_word = true;
                        continue 'scan;
                    }
                }
                for (from, to) in &swaps {
                    if let Some(tail) = rest.strip_prefix(from).filter(|t| whole(t)) {
                        out.push_str(to);
                        rest = tail;
                        after_word = true;
                        continue 'scan;
                    }
                }
            }
            out.push(c);
            after_word = joins(c);
            rest = &rest[c.len_utf8()..];
        }
        out
    }
}

/// A character that joins a word to what follows (a path, an identifier): "/conferences/" and
/// "conference_id" are not words to change.
fn joins(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '/' | '_' | '-')
}

fn kind_index(kind: ConferenceKind) -> usize {
    match kind {
        ConferenceKind::Initial => 0,
        ConferenceKind::Review => 1,
        ConferenceKind::TransferIn => 2,
        ConferenceKind::PreBirth => 3,
    }
}

/// The text with its first letter in capitals and the rest as it is ("IRD" stays "IRD").
pub fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nation_has_its_own_words_from_nations_md() {
        for n in Nation::ALL {
            let w = Words::of(*n);
            assert_eq!(w.nation, *n);
            assert_eq!(w.source, SOURCE);
            assert!(!w.guidance.is_empty());
        }
        let s = Words::of(Nation::Scotland);
        assert_eq!(s.meeting, "child protection planning meeting");
        assert_eq!(s.starting_discussion, "inter-agency referral discussion (IRD)");
        assert_eq!(s.enquiry, "child protection investigation");
        assert_eq!(s.key_person, "lead professional");
        assert_eq!(s.register, Some("child protection register"));
        assert!(s.guidance.starts_with("National Guidance for Child Protection in Scotland"));
        let ni = Words::of(Nation::NorthernIreland);
        assert_eq!(ni.meeting, "child protection case conference");
        assert_eq!(ni.enquiry, "child protection investigation");
        assert_eq!(ni.organisation, "Health and Social Care Trust");
        assert!(ni.outcome.contains("HSC Trust"));
        assert!(ni.guidance.starts_with("Co-operating to Safeguard Children"));
        let wa = Words::of(Nation::Wales);
        assert_eq!(wa.enquiry, "section 47 enquiry");
        assert!(wa.outcome.contains("child protection register"));
        assert!(wa.guidance.starts_with("Wales Safeguarding Procedures"));
    }

    #[test]
    fn england_keeps_the_words_confer_has_always_used() {
        let e = Words::of(Nation::England);
        for k in ConferenceKind::ALL {
            assert_eq!(e.kind(*k), k.label(), "England's label of {k:?}");
        }
        assert_eq!(e.meeting, "child protection conference");
        assert_eq!(e.initial_abbreviation, "ICPC");
        assert_eq!(e.review_abbreviation, "RCPC");
        assert_eq!(e.enquiry, "section 47 enquiry");
        assert_eq!(e.register, None);
        assert_eq!(e.key_person, "key worker");
        assert_eq!(e.organisation, "local authority");
        assert!(e.guidance.starts_with("Working Together to Safeguard Children"));
    }

    #[test]
    fn the_meetings_short_names_are_said_in_the_nations_words() {
        let text = "Record the decision before the ICPC closes; the RCPC follows. ICPCs stays.";
        assert_eq!(Words::of(Nation::England).reword(text), text);
        assert_eq!(
            Words::of(Nation::Scotland).reword(text),
            "Record the decision before the initial CPPM closes; the review CPPM follows. ICPCs stays."
        );
        assert_eq!(
            Words::of(Nation::NorthernIreland).reword(text),
            "Record the decision before the initial CPCC closes; the review CPCC follows. ICPCs stays."
        );
    }

    #[test]
    fn scotland_and_northern_ireland_never_say_child_protection_conference() {
        for n in [Nation::Scotland, Nation::NorthernIreland] {
            let w = Words::of(n);
            for k in ConferenceKind::ALL {
                let label = w.kind(*k).to_lowercase();
                assert!(!label.contains("child protection conference"), "{n:?} {k:?}: {label}");
                assert!(label.contains(w.meeting), "{n:?} {k:?}: {label}");
            }
            assert!(!w.meeting_title().contains("Conference") || n == Nation::NorthernIreland);
            assert!(!w.enquiry.contains("section 47"));
        }
        assert_eq!(
            Words::of(Nation::Scotland).kind(ConferenceKind::Initial),
            "Initial child protection planning meeting"
        );
        assert_eq!(
            Words::of(Nation::NorthernIreland).kind(ConferenceKind::Review),
            "Review child protection case conference"
        );
    }

    #[test]
    fn only_wales_writes_to_families_in_welsh_lang_04() {
        for n in Nation::ALL {
            assert_eq!(Words::of(*n).welsh.is_some(), *n == Nation::Wales, "{n:?}");
        }
        let w = Words::of(Nation::Wales);
        assert_eq!(w.kind_in(ConferenceKind::Initial, true), "Cynhadledd amddiffyn plant gychwynnol");
        assert_eq!(w.kind_in(ConferenceKind::Initial, false), "Initial child protection conference");
        // A family elsewhere who asks for Welsh reads the Welsh confer has.
        assert_eq!(
            Words::of(Nation::England).kind_in(ConferenceKind::Review, true),
            "Cynhadledd adolygu amddiffyn plant"
        );
        assert_eq!(
            Words::of(Nation::Scotland).kind_in(ConferenceKind::Review, false),
            "Review child protection planning meeting"
        );
    }

    #[test]
    fn a_sentence_in_englands_words_is_said_in_each_nations() {
        let text =
            "Schedule the conference: the strategy discussion found the key worker. Conferences, not preconference.";
        assert_eq!(Words::of(Nation::England).reword(text), text);
        assert_eq!(
            Words::of(Nation::Scotland).reword(text),
            "Schedule the meeting: the inter-agency referral discussion (IRD) found the lead professional. Meetings, not preconference."
        );
        assert_eq!(
            Words::of(Nation::NorthernIreland).reword("A child protection conference of the local authority"),
            "A child protection case conference of the Health and Social Care Trust"
        );
        assert_eq!(
            Words::of(Nation::NorthernIreland).reword("Back to the conference's tasks"),
            "Back to the case conference's tasks"
        );
        assert_eq!(Words::of(Nation::Scotland).reword(""), "");
        // Paths and identifiers are left alone; a nation's own words are not said twice.
        assert_eq!(
            Words::of(Nation::Scotland).reword("/conferences/c1/record conference_id"),
            "/conferences/c1/record conference_id"
        );
        let ni = Words::of(Nation::NorthernIreland);
        for k in ConferenceKind::ALL {
            assert_eq!(ni.reword(ni.kind(*k)), ni.kind(*k));
            assert_eq!(ni.reword(&ni.reword(k.label())), ni.reword(k.label()));
        }
        assert_eq!(ni.reword("the case conference and the conference"), "the case conference and the case conference");
    }

    #[test]
    fn headings_keep_abbreviations_in_capitals() {
        assert_eq!(upper_first("inter-agency referral discussion (IRD)"), "Inter-agency referral discussion (IRD)");
        assert_eq!(Words::of(Nation::NorthernIreland).meetings_title(), "Case conferences");
        assert_eq!(Words::of(Nation::Scotland).key_person_title(), "Lead professional");
        assert_eq!(Words::of(Nation::England).kind_text("review"), "Review child protection conference");
        assert_eq!(Words::of(Nation::Scotland).kind_text("unknown"), "Child protection planning meeting");
        assert_eq!(upper_first(""), "");
    }
}
