//! The parts of a conference (EXC-03, MEET-02, MEET-05, MIN-01): one list, chosen from (never
//! typed) by the exclusion, the attendance, the discussion and the record's sections, so that
//! "the part a parent is excluded from" and "the part a section records" are the same thing and
//! compare exactly.
//!
//! Conference documents stored before the list existed hold the parts as free text. They still
//! load: a text that names a part of the list (its code, its words, or a common way of saying
//! it) becomes that part; anything else is kept as [`Part::Unrecognised`], and every decision on
//! what someone may see treats an unrecognised part so that MORE is withheld, never less
//! ([`super::Visibility`]).

use super::{DiscussionHeading, RecordSection, SectionKind};
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// The agenda's parts: the six discussion headings (MEET-05) and the other parts a
    /// conference is divided into. The whole conference is not a part: an exclusion from it
    /// is [`super::ExclusionScope::Whole`], and attendance without parts is the whole conference.
    pub enum AgendaPart {
        WorkingWell => "working-well", "What is working well";
        Worries => "worries", "Worries";
        ComplicatingFactors => "complicating-factors", "Complicating factors";
        History => "history", "History";
        Uncertainty => "uncertainty", "Areas of uncertainty";
        NextSteps => "next-steps", "Next steps";
        ChildViews => "child-views", "The child's views";
        ParentViews => "parent-views", "The parents' views";
        ProfessionalsOnly => "professionals-only", "The professionals-only part (police and third-party information)";
    }
}

impl AgendaPart {
    /// The part a discussion heading is (MEET-05).
    pub fn of_heading(heading: DiscussionHeading) -> AgendaPart {
        match heading {
            DiscussionHeading::WorkingWell => AgendaPart::WorkingWell,
            DiscussionHeading::Worries => AgendaPart::Worries,
            DiscussionHeading::ComplicatingFactors => AgendaPart::ComplicatingFactors,
            DiscussionHeading::History => AgendaPart::History,
            DiscussionHeading::Uncertainty => AgendaPart::Uncertainty,
            DiscussionHeading::NextSteps => AgendaPart::NextSteps,
        }
    }

    /// Reads a part as older documents and forms wrote it: the code, the words of the list
    /// (case, spacing and punctuation aside) or a common way of naming the part.
    pub fn recognise(text: &str) -> Option<AgendaPart> {
        if let Some(p) = AgendaPart::parse(text.trim()) {
            return Some(p);
        }
        let said = key(text);
        if said.is_empty() {
            return None;
        }
        if let Some(p) = AgendaPart::ALL.iter().find(|p| key(p.label()) == said || key(p.as_str()) == said) {
            return Some(*p);
        }
        // The professionals-only part, however it was named.
        const PROFESSIONALS_ONLY: &[&str] = &[
            "police",
            "police info",
            "police information",
            "police intelligence",
            "police information and third party information",
            "third party",
            "third party information",
            "third party info",
            "professionals only",
            "professionals only part",
            "restricted information",
            "confidential information",
        ];
        if PROFESSIONALS_ONLY.contains(&said.as_str()) {
            return Some(AgendaPart::ProfessionalsOnly);
        }
        const CHILD_VIEWS: &[&str] = &["child s views", "childs views", "the child s views", "child views"];
        if CHILD_VIEWS.contains(&said.as_str()) {
            return Some(AgendaPart::ChildViews);
        }
        None
    }
}

/// Lower case, words only: "Police  Info." and "police info" compare equal.
fn key(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A part as a document holds it: one of the list, or (only in a document stored before the
/// list) text that names none of it. New parts are always chosen from the list
/// ([`Part::chosen`]); an unrecognised part is never accepted from a form or the API.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    Known(AgendaPart),
    Unrecognised(String),
}

impl Part {
    /// A part chosen from the list by its code (forms and the API); `None` for anything else.
    pub fn chosen(code: &str) -> Option<Part> {
        AgendaPart::parse(code.trim()).map(Part::Known)
    }

    /// A stored part: recognised where it names one of the list, else kept as written.
    pub fn from_stored(text: &str) -> Part {
        match AgendaPart::recognise(text) {
            Some(p) => Part::Known(p),
            None => Part::Unrecognised(text.trim().to_owned()),
        }
    }

    pub fn known(&self) -> Option<AgendaPart> {
        match self {
            Part::Known(p) => Some(*p),
            Part::Unrecognised(_) => None,
        }
    }

    pub fn is_recognised(&self) -> bool {
        matches!(self, Part::Known(_))
    }

    /// Words for pages.
    pub fn label(&self) -> &str {
        match self {
            Part::Known(p) => p.label(),
            Part::Unrecognised(text) => text,
        }
    }
}

impl From<AgendaPart> for Part {
    fn from(p: AgendaPart) -> Part {
        Part::Known(p)
    }
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Part {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Part::Known(p) => s.serialize_str(p.as_str()),
            Part::Unrecognised(text) => s.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for Part {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <String as Deserialize>::deserialize(d)?;
        Ok(Part::from_stored(&text))
    }
}

impl RecordSection {
    /// The parts of the conference this section records: the part it was marked with, the
    /// part its discussion heading is, the views parts for the views sections, and the
    /// professionals-only part for restricted material.
    pub fn parts(&self) -> Vec<Part> {
        let mut out = Vec::new();
        if let Some(p) = &self.part {
            out.push(p.clone());
        }
        let by_kind = match self.kind {
            SectionKind::Discussion => {
                DiscussionHeading::ALL.iter().find(|h| h.label() == self.heading).map(|h| AgendaPart::of_heading(*h))
            }
            SectionKind::ChildViews => Some(AgendaPart::ChildViews),
            SectionKind::ParentViews => Some(AgendaPart::ParentViews),
            _ => None,
        };
        out.extend(by_kind.map(Part::Known));
        if self.restricted {
            out.push(Part::Known(AgendaPart::ProfessionalsOnly));
        }
        out.dedup();
        out
    }
}
