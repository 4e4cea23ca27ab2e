//! The documents themselves, built from the domain's own answers (never re-deciding what a
//! reader may see): the record copy for one recipient ([`record_copy`], EXC-06, REP-03, MEET-04),
//! the outcome letter ([`outcome_letter`], DEC-05, PLAN-06), the invitation letter
//! ([`invitation_letter`], INV-01), the exclusion letter with its reasons ([`exclusion_letter`],
//! EXC-02..04) and the plan ([`plan_document`], PLAN-01, PLAN-06), in English or Welsh (LANG-04).
//!
//! What staff wrote (the record's sections, the plan's words) is given as they wrote it; the
//! words confer itself supplies are in [`Words`], in both languages.

use crate::doc::Doc;
use chrono::{Datelike, NaiveDate};
use confer_domain::conference::{
    confidentiality_statement, ChildOutcome, Conference, DocumentLanguage, Exclusion, ExclusionReason, ExclusionScope,
    Person, PlanCategory, RecordCopy, ViewsRoute,
};
use confer_domain::plan::{Plan, PARENTAL_RESPONSIBILITY_CY, PARENTAL_RESPONSIBILITY_EN};
use confer_domain::words::Words as NationWords;
use confer_domain::Nation;
use std::sync::OnceLock;

/// Which document (the documents log names it so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    RecordCopy,
    OutcomeLetter,
    InvitationLetter,
    /// Issue 14: the letter telling a family member that the conference is cancelled.
    CancellationLetter,
    ExclusionLetter,
    Plan,
    /// The answer to a subject access request (RIGHT-01).
    SubjectAccessBundle,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::RecordCopy => "record-copy",
            DocumentKind::OutcomeLetter => "outcome-letter",
            DocumentKind::InvitationLetter => "invitation-letter",
            DocumentKind::CancellationLetter => "cancellation-letter",
            DocumentKind::ExclusionLetter => "exclusion-letter",
            DocumentKind::Plan => "plan",
            DocumentKind::SubjectAccessBundle => "subject-access-bundle",
        }
    }
    pub fn parse(s: &str) -> Option<DocumentKind> {
        [
            DocumentKind::RecordCopy,
            DocumentKind::OutcomeLetter,
            DocumentKind::InvitationLetter,
            DocumentKind::CancellationLetter,
            DocumentKind::ExclusionLetter,
            DocumentKind::Plan,
            DocumentKind::SubjectAccessBundle,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// The words confer supplies, in one language. Every English text has its Welsh beside it in
/// [`WELSH`], so a Welsh speaker can review them in one place.
// The Welsh is a careful translation; have the authority's Welsh language officer confirm it
// before the first Welsh authority goes live.
#[derive(Debug)]
pub struct Words {
    pub record_title: &'static str,
    pub record_for: &'static str,
    pub version: &'static str,
    pub sent_on: &'static str,
    pub withheld: &'static str,
    pub conference_on: &'static str,
    pub outcome_title: &'static str,
    pub outcome_intro: &'static str,
    pub decisions: &'static str,
    pub next_review: &'static str,
    pub next_review_on: &'static str,
    pub no_next_review: &'static str,
    pub invitation_title: &'static str,
    pub invitation_intro: &'static str,
    pub cancellation_title: &'static str,
    pub cancellation_text: &'static str,
    pub was_on: &'static str,
    pub when_where: &'static str,
    pub date: &'static str,
    pub time: &'static str,
    pub place: &'static str,
    pub video: &'static str,
    pub what_happens: &'static str,
    pub what_happens_text: &'static str,
    pub your_rights: &'static str,
    pub rights: [&'static str; 4],
    pub help: &'static str,
    pub help_text: &'static str,
    pub exclusion_title: &'static str,
    pub exclusion_whole: &'static str,
    pub exclusion_part: &'static str,
    pub will_see: &'static str,
    pub will_not_see: &'static str,
    pub reasons: &'static str,
    pub chair_words: &'static str,
    pub your_views: &'static str,
    pub your_views_text: &'static str,
    pub plan_title: &'static str,
    pub plan_concerns: &'static str,
    pub plan_child_needs: &'static str,
    pub plan_parents_needs: &'static str,
    pub plan_goals_short: &'static str,
    pub plan_goals_long: &'static str,
    pub plan_actions: &'static str,
    pub plan_core_group: &'static str,
    pub col_action: &'static str,
    pub col_who: &'static str,
    pub col_due: &'static str,
    pub col_status: &'static str,
    pub dear: &'static str,
    pub field: &'static str,
    pub detail: &'static str,
    pub to_be_arranged: &'static str,
}

pub static ENGLISH: Words = Words {
    record_title: "Record of the child protection conference",
    record_for: "This copy is for",
    version: "Version",
    sent_on: "Sent on",
    withheld: "Some parts of the record are not in this copy, because they are about other people or were shared in confidence.",
    conference_on: "Conference held on",
    outcome_title: "The outcome of the child protection conference",
    outcome_intro: "This letter tells you what the conference decided for each child.",
    decisions: "What the conference decided",
    next_review: "The next review conference",
    next_review_on: "The next review conference will be held by",
    no_next_review: "There will not be a review conference, because no child has a child protection plan.",
    invitation_title: "Invitation to a child protection conference",
    cancellation_title: "A child protection conference has been cancelled",
    cancellation_text: "The child protection conference about your family that you were invited to has been cancelled. The conference coordinator will write to you if a new date is set. If you have any questions, ask your social worker or the conference coordinator.",
    was_on: "It was to be held on",
    invitation_intro: "You are invited to a child protection conference about your family. The conference brings together the family and the professionals who work with the children, to share information and to decide together what will keep the children safe.",
    when_where: "When and where",
    date: "Date",
    time: "Time",
    place: "Place",
    video: "Video link",
    what_happens: "What happens at the conference",
    what_happens_text: "The chair, who is independent of the social worker, will explain the meeting and meet you before it starts. Everyone will share what is working well, what the worries are and what needs to happen next. The conference will decide whether each child needs a plan.",
    your_rights: "Your rights",
    rights: [
        "You can bring a friend, relative, advocate or solicitor to support you. Please tell us at least 2 working days before.",
        "You can read the reports before the conference and say if anything in them is wrong.",
        "If you cannot come, you can send your views in a letter to the chair, or through the social worker.",
        "You can ask for an interpreter, large print or another format, or for this letter in Welsh.",
    ],
    help: "How to ask for help",
    help_text: "Contact the conference coordinator or your social worker if you have questions, need help to get there, or need anything to take part.",
    exclusion_title: "You will not be invited to all of the conference",
    exclusion_whole: "The chair has decided that you will not attend the conference.",
    exclusion_part: "The chair has decided that you will not attend one part of the conference:",
    will_see: "You will see",
    will_not_see: "You will not see",
    reasons: "The reasons",
    chair_words: "The chair's words",
    your_views: "How to give your views",
    your_views_text: "Your views still matter and will be given to the conference. You can give them:",
    plan_title: "Plan for",
    plan_concerns: "The worries and why change is needed",
    plan_child_needs: "What the child needs",
    plan_parents_needs: "What the parents need and the support offered",
    plan_goals_short: "Short-term goals",
    plan_goals_long: "Long-term goals",
    plan_actions: "What will be done",
    plan_core_group: "The core group",
    col_action: "Action",
    col_who: "Who",
    col_due: "By",
    col_status: "Status",
    dear: "Dear",
    field: "Item",
    detail: "Detail",
    to_be_arranged: "To be arranged",
};

pub static WELSH: Words = Words {
    record_title: "Cofnod y gynhadledd amddiffyn plant",
    record_for: "Mae'r copi hwn ar gyfer",
    version: "Fersiwn",
    sent_on: "Anfonwyd ar",
    withheld: "Nid yw rhai rhannau o'r cofnod yn y copi hwn, oherwydd eu bod yn ymwneud â phobl eraill neu wedi'u rhannu'n gyfrinachol.",
    conference_on: "Cynhaliwyd y gynhadledd ar",
    outcome_title: "Canlyniad y gynhadledd amddiffyn plant",
    outcome_intro: "Mae'r llythyr hwn yn dweud wrthych beth a benderfynodd y gynhadledd ar gyfer pob plentyn.",
    decisions: "Beth a benderfynodd y gynhadledd",
    next_review: "Y gynhadledd adolygu nesaf",
    next_review_on: "Cynhelir y gynhadledd adolygu nesaf erbyn",
    no_next_review: "Ni fydd cynhadledd adolygu, oherwydd nad oes gan unrhyw blentyn gynllun amddiffyn plant.",
    invitation_title: "Gwahoddiad i gynhadledd amddiffyn plant",
    cancellation_title: "Mae cynhadledd amddiffyn plant wedi'i chanslo",
    cancellation_text: "Mae'r gynhadledd amddiffyn plant am eich teulu y gwahoddwyd chi iddi wedi'i chanslo. Bydd cydlynydd y gynhadledd yn ysgrifennu atoch os caiff dyddiad newydd ei bennu. Os oes gennych unrhyw gwestiynau, gofynnwch i'ch gweithiwr cymdeithasol neu i gydlynydd y gynhadledd.",
    was_on: "Roedd i'w chynnal ar",
    invitation_intro: "Fe'ch gwahoddir i gynhadledd amddiffyn plant am eich teulu. Mae'r gynhadledd yn dod â'r teulu a'r gweithwyr proffesiynol sy'n gweithio gyda'r plant at ei gilydd, i rannu gwybodaeth ac i benderfynu gyda'i gilydd beth fydd yn cadw'r plant yn ddiogel.",
    when_where: "Pryd a ble",
    date: "Dyddiad",
    time: "Amser",
    place: "Lle",
    video: "Dolen fideo",
    what_happens: "Beth sy'n digwydd yn y gynhadledd",
    what_happens_text: "Bydd y cadeirydd, sy'n annibynnol ar y gweithiwr cymdeithasol, yn esbonio'r cyfarfod ac yn cwrdd â chi cyn iddo ddechrau. Bydd pawb yn rhannu beth sy'n gweithio'n dda, beth yw'r pryderon a beth sydd angen digwydd nesaf. Bydd y gynhadledd yn penderfynu a oes angen cynllun ar bob plentyn.",
    your_rights: "Eich hawliau",
    rights: [
        "Gallwch ddod â ffrind, perthynas, eiriolwr neu gyfreithiwr i'ch cefnogi. Rhowch wybod i ni o leiaf 2 ddiwrnod gwaith ymlaen llaw.",
        "Gallwch ddarllen yr adroddiadau cyn y gynhadledd a dweud os oes unrhyw beth ynddynt yn anghywir.",
        "Os na allwch ddod, gallwch anfon eich barn mewn llythyr at y cadeirydd, neu drwy'r gweithiwr cymdeithasol.",
        "Gallwch ofyn am gyfieithydd, print bras neu fformat arall, neu am y llythyr hwn yn Saesneg.",
    ],
    help: "Sut i ofyn am help",
    help_text: "Cysylltwch â chydlynydd y gynhadledd neu eich gweithiwr cymdeithasol os oes gennych gwestiynau, os oes angen help arnoch i gyrraedd yno, neu os oes angen unrhyw beth arnoch i gymryd rhan.",
    exclusion_title: "Ni fyddwch yn cael eich gwahodd i'r gynhadledd gyfan",
    exclusion_whole: "Mae'r cadeirydd wedi penderfynu na fyddwch yn dod i'r gynhadledd.",
    exclusion_part: "Mae'r cadeirydd wedi penderfynu na fyddwch yn dod i un rhan o'r gynhadledd:",
    will_see: "Byddwch yn gweld",
    will_not_see: "Ni fyddwch yn gweld",
    reasons: "Y rhesymau",
    chair_words: "Geiriau'r cadeirydd",
    your_views: "Sut i roi eich barn",
    your_views_text: "Mae eich barn yn dal yn bwysig a bydd yn cael ei rhoi i'r gynhadledd. Gallwch ei rhoi:",
    plan_title: "Cynllun ar gyfer",
    plan_concerns: "Y pryderon a pham mae angen newid",
    plan_child_needs: "Beth sydd ei angen ar y plentyn",
    plan_parents_needs: "Beth sydd ei angen ar y rhieni a'r cymorth a gynigir",
    plan_goals_short: "Nodau tymor byr",
    plan_goals_long: "Nodau tymor hir",
    plan_actions: "Beth fydd yn cael ei wneud",
    plan_core_group: "Y grŵp craidd",
    col_action: "Cam gweithredu",
    col_who: "Pwy",
    col_due: "Erbyn",
    col_status: "Statws",
    dear: "Annwyl",
    field: "Eitem",
    detail: "Manylion",
    to_be_arranged: "I'w drefnu",
};

pub fn words(language: DocumentLanguage) -> &'static Words {
    match language {
        DocumentLanguage::English => &ENGLISH,
        DocumentLanguage::Welsh => &WELSH,
    }
}

/// The words of a letter of an authority of this nation (issue 15): [`ENGLISH`] said in the
/// nation's own words ([`NationWords::reword`]), made once per nation; [`WELSH`] for Welsh
/// (Welsh letters are written only for Welsh authorities, whose words are England's).
pub fn words_for(language: DocumentLanguage, nation: Nation) -> &'static Words {
    static MADE: [OnceLock<Words>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    if language == DocumentLanguage::Welsh {
        return &WELSH;
    }
    let i = Nation::ALL.iter().position(|n| *n == nation).unwrap_or(0);
    MADE[i].get_or_init(|| reworded(&ENGLISH, NationWords::of(nation)))
}

/// A text confer supplies, said in the nation's words (English only, as [`words_for`]).
pub fn say(text: &str, language: DocumentLanguage, nation: Nation) -> String {
    match language {
        DocumentLanguage::English => NationWords::of(nation).reword(text),
        DocumentLanguage::Welsh => text.to_owned(),
    }
}

fn reworded(w: &Words, n: &'static NationWords) -> Words {
    // Made once per nation and kept for the life of the process (four at most).
    let r = |s: &'static str| -> &'static str {
        let said = n.reword(s);
        if said == s {
            s
        } else {
            Box::leak(said.into_boxed_str())
        }
    };
    Words {
        record_title: r(w.record_title),
        record_for: r(w.record_for),
        version: r(w.version),
        sent_on: r(w.sent_on),
        withheld: r(w.withheld),
        conference_on: r(w.conference_on),
        outcome_title: r(w.outcome_title),
        outcome_intro: r(w.outcome_intro),
        decisions: r(w.decisions),
        next_review: r(w.next_review),
        next_review_on: r(w.next_review_on),
        no_next_review: r(w.no_next_review),
        invitation_title: r(w.invitation_title),
        invitation_intro: r(w.invitation_intro),
        when_where: r(w.when_where),
        date: r(w.date),
        time: r(w.time),
        place: r(w.place),
        video: r(w.video),
        what_happens: r(w.what_happens),
        what_happens_text: r(w.what_happens_text),
        your_rights: r(w.your_rights),
        rights: w.rights.map(r),
        help: r(w.help),
        help_text: r(w.help_text),
        exclusion_title: r(w.exclusion_title),
        exclusion_whole: r(w.exclusion_whole),
        exclusion_part: r(w.exclusion_part),
        will_see: r(w.will_see),
        will_not_see: r(w.will_not_see),
        reasons: r(w.reasons),
        chair_words: r(w.chair_words),
        your_views: r(w.your_views),
        your_views_text: r(w.your_views_text),
        plan_title: r(w.plan_title),
        plan_concerns: r(w.plan_concerns),
        plan_child_needs: r(w.plan_child_needs),
        plan_parents_needs: r(w.plan_parents_needs),
        plan_goals_short: r(w.plan_goals_short),
        plan_goals_long: r(w.plan_goals_long),
        plan_actions: r(w.plan_actions),
        plan_core_group: r(w.plan_core_group),
        col_action: r(w.col_action),
        col_who: r(w.col_who),
        col_due: r(w.col_due),
        col_status: r(w.col_status),
        dear: r(w.dear),
        field: r(w.field),
        detail: r(w.detail),
        to_be_arranged: r(w.to_be_arranged),
        cancellation_title: r(w.cancellation_title),
        cancellation_text: r(w.cancellation_text),
        was_on: r(w.was_on),
    }
}

const MONTHS_CY: [&str; 12] = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
];

/// A date as people write it: 3 March 2026 / 3 Mawrth 2026.
pub fn long_date(d: NaiveDate, language: DocumentLanguage) -> String {
    match language {
        DocumentLanguage::English => d.format("%-d %B %Y").to_string(),
        DocumentLanguage::Welsh => format!("{} {} {}", d.day(), MONTHS_CY[d.month0() as usize], d.year()),
    }
}

fn category(c: PlanCategory, language: DocumentLanguage) -> &'static str {
    let cy = language == DocumentLanguage::Welsh;
    match (c, cy) {
        (PlanCategory::Physical, false) => "physical abuse",
        (PlanCategory::Physical, true) => "cam-drin corfforol",
        (PlanCategory::Emotional, false) => "emotional abuse",
        (PlanCategory::Emotional, true) => "cam-drin emosiynol",
        (PlanCategory::Sexual, false) => "sexual abuse",
        (PlanCategory::Sexual, true) => "cam-drin rhywiol",
        (PlanCategory::Neglect, false) => "neglect",
        (PlanCategory::Neglect, true) => "esgeulustod",
        (PlanCategory::Multiple, false) => "more than one kind of harm",
        (PlanCategory::Multiple, true) => "mwy nag un math o niwed",
    }
}

/// DEC-01 in plain words.
pub fn outcome_words(o: &ChildOutcome, language: DocumentLanguage) -> String {
    let cy = language == DocumentLanguage::Welsh;
    match o {
        ChildOutcome::ChildProtectionPlan { category: c } | ChildOutcome::ContinuePlan { category: c } => {
            if cy {
                format!("Cynllun amddiffyn plant, oherwydd {}", category(*c, language))
            } else {
                format!("A child protection plan, because of {}", category(*c, language))
            }
        }
        ChildOutcome::ChildInNeedPlan | ChildOutcome::EndPlanStepDownToChildInNeed => {
            if cy { "Cynllun plentyn mewn angen" } else { "A child in need plan" }.to_owned()
        }
        ChildOutcome::NoFurtherPlan | ChildOutcome::EndPlanNoFurtherPlan => {
            if cy { "Dim cynllun pellach" } else { "No further plan" }.to_owned()
        }
    }
}

fn reason_words(r: ExclusionReason, language: DocumentLanguage) -> &'static str {
    if language == DocumentLanguage::English {
        return r.label();
    }
    match r {
        ExclusionReason::RiskOfViolence => "Risg o drais i rywun sy'n bresennol",
        ExclusionReason::RiskOfHarmToChild => "Risg o niwed i'r plentyn os ydych yn bresennol",
        ExclusionReason::HarmToOwnWellbeing => "Niwed i iechyd neu les y rhiant ei hun",
        ExclusionReason::LikelyToDisrupt => "Tebygol o darfu ar y gynhadledd",
        ExclusionReason::UnderTheInfluence => "Dan ddylanwad cyffuriau neu alcohol",
    }
}

fn views_words(v: ViewsRoute, language: DocumentLanguage) -> &'static str {
    if language == DocumentLanguage::English {
        return v.label();
    }
    match v {
        ViewsRoute::LetterToChair => "Mewn llythyr at y cadeirydd, a ddarllenir yn y gynhadledd",
        ViewsRoute::ThroughSocialWorker => "Drwy'r gweithiwr cymdeithasol",
        ViewsRoute::PhoneOrVideo => "Dros y ffôn neu drwy fideo ar gyfer eich rhan chi",
        ViewsRoute::Representative => "Drwy gynrychiolydd fel cyfreithiwr",
        ViewsRoute::MeetingWithChair => "Mewn cyfarfod ar wahân gyda'r cadeirydd",
    }
}

/// MIN-03, EXC-06, REP-03, MEET-04: the record as this recipient may read it (the copy the
/// domain made for them), with the confidentiality statement on a family copy.
pub fn record_copy(
    c: &Conference,
    copy: &RecordCopy,
    recipient_name: &str,
    sent_on: Option<NaiveDate>,
    language: DocumentLanguage,
    nation: Nation,
) -> Doc {
    let w = words_for(language, nation);
    let mut d = Doc::new(w.record_title, language);
    let mut facts = vec![format!("{}: {recipient_name}", w.record_for), format!("{}: {}", w.version, copy.version)];
    if let Some(date) = c.date() {
        facts.push(format!("{}: {}", w.conference_on, long_date(date, language)));
    }
    if let Some(on) = sent_on {
        facts.push(format!("{}: {}", w.sent_on, long_date(on, language)));
    }
    d.list(facts);
    if let Some(statement) = copy.confidentiality {
        d.notice(say(statement, language, nation));
    }
    if copy.sections_withheld && copy.confidentiality.is_some() {
        d.para(w.withheld);
    }
    for s in &copy.sections {
        d.heading(s.heading.clone());
        let lines: Vec<&str> = s.text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        if lines.len() > 1 {
            d.list(lines.into_iter().map(str::to_owned).collect());
        } else {
            d.paragraphs(&s.text);
        }
    }
    d
}

/// DEC-05: the outcome for each child, the next review, MEET-04 and PLAN-06 for the family.
pub fn outcome_letter(
    c: &Conference,
    recipient_name: &str,
    family: bool,
    language: DocumentLanguage,
    nation: Nation,
) -> Doc {
    let w = words_for(language, nation);
    let mut d = Doc::new(w.outcome_title, language);
    d.para(format!("{} {recipient_name},", w.dear));
    d.para(w.outcome_intro);
    if let Some(date) = c.date() {
        d.para(format!("{}: {}", w.conference_on, long_date(date, language)));
    }
    d.heading(w.decisions);
    let rows: Vec<Vec<String>> = c
        .decisions()
        .iter()
        .map(|x| {
            let mut what = outcome_words(&x.outcome, language);
            // Scotland (issue 15): the Children's Reporter referral and its reasons (in English:
            // the nations that write in Welsh do not refer to the Reporter).
            if let Some(r) = &x.reporter_referral {
                what = format!("{what}. {}", r.describe());
            }
            vec![c.name_of(&Person::Child(x.child.clone())), what]
        })
        .collect();
    d.table(w.decisions, vec![w.col_who.to_owned(), w.detail.to_owned()], rows);
    d.heading(w.next_review);
    match c.next_review() {
        Some(r) => d.para(format!("{} {}.", w.next_review_on, long_date(r.latest, language))),
        None => d.para(w.no_next_review),
    };
    if family {
        d.notice(say(confidentiality_statement(language), language, nation));
        d.notice(parental_responsibility(language));
    }
    d
}

/// INV-01: the purpose, date, time, place or link, what happens, rights and how to ask for help.
pub fn invitation_letter(
    c: &Conference,
    recipient_name: &str,
    family: bool,
    language: DocumentLanguage,
    nation: Nation,
) -> Doc {
    let w = words_for(language, nation);
    let mut d = Doc::new(w.invitation_title, language);
    d.para(format!("{} {recipient_name},", w.dear));
    d.para(w.invitation_intro);
    d.heading(w.when_where);
    let slot = c.slot();
    let mut rows = vec![
        vec![w.date.to_owned(), slot.map_or(w.to_be_arranged.to_owned(), |s| long_date(s.date, language))],
        vec![w.time.to_owned(), slot.map_or(w.to_be_arranged.to_owned(), |s| s.time.format("%H:%M").to_string())],
    ];
    if let Some(v) = slot.and_then(|s| s.venue.clone()) {
        rows.push(vec![w.place.to_owned(), v]);
    }
    if let Some(v) = slot.and_then(|s| s.video_link.clone()) {
        rows.push(vec![w.video.to_owned(), v]);
    }
    d.table(w.when_where, vec![w.field.to_owned(), w.detail.to_owned()], rows);
    d.heading(w.what_happens);
    d.para(w.what_happens_text);
    if family {
        d.heading(w.your_rights);
        d.list(w.rights.iter().map(|s| (*s).to_owned()).collect());
    }
    d.heading(w.help);
    d.para(w.help_text);
    d.notice(say(confidentiality_statement(language), language, nation));
    d
}

/// Issue 14: the conference someone was invited to is cancelled (with the date it was to be
/// held on, when it had one).
pub fn cancellation_letter(c: &Conference, recipient_name: &str, language: DocumentLanguage, nation: Nation) -> Doc {
    let w = words_for(language, nation);
    let mut d = Doc::new(w.cancellation_title, language);
    d.para(format!("{} {recipient_name},", w.dear));
    d.para(w.cancellation_text);
    if let Some(slot) = c.slot() {
        d.para(format!("{} {} {}.", w.was_on, long_date(slot.date, language), slot.time.format("%H:%M")));
    }
    d.heading(w.help);
    d.para(w.help_text);
    d.notice(confidentiality_statement(language));
    d
}

/// EXC-02..04: the exclusion letter, with the reasons and how to give views. The chair's own
/// words are left out when they rest on police information (EXC-02, EXC-06).
pub fn exclusion_letter(c: &Conference, e: &Exclusion, language: DocumentLanguage, nation: Nation) -> Doc {
    let w = words_for(language, nation);
    let name = c.name_of(&Person::FamilyMember(e.decision.adult_id.clone()));
    let mut d = Doc::new(w.exclusion_title, language);
    d.para(format!("{} {name},", w.dear));
    match &e.decision.scope {
        ExclusionScope::Whole => {
            d.para(w.exclusion_whole);
        }
        ExclusionScope::Part { part, will_see, will_not_see, .. } => {
            d.para(format!("{} {}", w.exclusion_part, part.label()));
            d.list(vec![format!("{}: {will_see}", w.will_see), format!("{}: {will_not_see}", w.will_not_see)]);
        }
    }
    d.heading(w.reasons);
    d.list(e.decision.reasons.iter().map(|r| say(reason_words(*r, language), language, nation)).collect());
    if !e.decision.rests_on_police_information && !e.decision.detail.trim().is_empty() {
        d.subheading(w.chair_words);
        d.paragraphs(&e.decision.detail);
    }
    d.heading(w.your_views);
    d.para(w.your_views_text);
    d.list(e.decision.views_by.iter().map(|v| say(views_words(*v, language), language, nation)).collect());
    d.notice(say(confidentiality_statement(language), language, nation));
    d
}

/// PLAN-06, LANG-04.
pub fn parental_responsibility(language: DocumentLanguage) -> &'static str {
    match language {
        DocumentLanguage::English => PARENTAL_RESPONSIBILITY_EN,
        DocumentLanguage::Welsh => PARENTAL_RESPONSIBILITY_CY,
    }
}

/// PLAN-01, PLAN-06: the plan as the family receives it.
pub fn plan_document(p: &Plan, language: DocumentLanguage, nation: Nation) -> Doc {
    let w = words_for(language, nation);
    let mut d = Doc::new(format!("{} {}", w.plan_title, p.child_name), language);
    d.notice(parental_responsibility(language));
    d.heading(w.plan_concerns);
    d.list(p.outline.concerns.iter().map(|c| format!("{}: {}", c.concern, c.why_change_is_needed)).collect());
    for (h, text) in [
        (w.plan_child_needs, &p.outline.child_needs),
        (w.plan_parents_needs, &p.outline.parents_needs),
        (w.plan_goals_short, &p.outline.short_term_goals),
        (w.plan_goals_long, &p.outline.long_term_goals),
    ] {
        if !text.trim().is_empty() {
            d.heading(h);
            d.paragraphs(text);
        }
    }
    d.heading(w.plan_actions);
    let rows = p
        .actions
        .iter()
        .map(|a| vec![a.what.clone(), a.owner_name.clone(), long_date(a.due, language), a.status.label().to_owned()])
        .collect();
    d.table(
        w.plan_actions,
        vec![w.col_action.to_owned(), w.col_who.to_owned(), w.col_due.to_owned(), w.col_status.to_owned()],
        rows,
    );
    d.heading(w.plan_core_group);
    d.list(p.core_group.iter().map(|m| format!("{} ({})", m.name, m.description)).collect());
    d.notice(say(confidentiality_statement(language), language, nation));
    d
}
