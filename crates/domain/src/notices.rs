//! The e-mails confer sends about a conference: the invitation (INV-01, INV-02), a new date,
//! time or place, and a cancellation. Pure text, decided here once; the store writes them to
//! the outbox in the same transaction as the change.
//!
//! An e-mail can be forwarded, misdirected or read over someone's shoulder, so it carries the
//! minimum: no child's or family's name, no report, nothing restricted (REP-03, EXC-06), no
//! video link (the coordinator sends it by a safer route). Families get plain English, and
//! where the authority is in Wales everyone gets English and Welsh (LANG-04).

use crate::conference::{ConferenceKind, Slot};
use crate::words::Words;
use crate::Nation;
use chrono::{Datelike, NaiveDate};

/// A notice written in England's words, said in the nation's (issue 15; Wales's are the same,
/// so its Welsh half is untouched).
fn said(nation: Nation, n: Notice) -> Notice {
    let w = Words::of(nation);
    Notice { subject: w.reword(&n.subject), body: w.reword(&n.body) }
}

/// One message: a subject line and a plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub body: String,
}

/// Who the message is for: a parent or carer, or a professional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Family,
    Professional,
}

/// What every notice about a conference needs to know.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    pub kind: ConferenceKind,
    /// The authority's name, so the person knows who is writing.
    pub authority: &'a str,
    pub nation: Nation,
    /// The recipient's language (LANG-04): Welsh to anyone whose language is Welsh, in any
    /// nation; English and Welsh to everyone else in Wales; English elsewhere.
    pub language: CalendarLanguage,
}

impl<'a> About<'a> {
    /// A notice to someone whose language is not known (a professional, a manager).
    pub fn new(kind: ConferenceKind, authority: &'a str, nation: Nation) -> About<'a> {
        About { kind, authority, nation, language: CalendarLanguage::for_recipient(nation, None) }
    }

    /// The same notice, for a person whose first language is `first_language` as held.
    pub fn to(self, first_language: Option<&str>) -> About<'a> {
        About { language: CalendarLanguage::for_recipient(self.nation, first_language), ..self }
    }

    fn english_only(&self) -> bool {
        self.language == CalendarLanguage::English
    }

    /// The notice in the recipient's language: Welsh alone, or English and Welsh.
    fn in_welsh(&self, en: Notice, cy: Notice) -> Notice {
        match self.language {
            CalendarLanguage::English => en,
            CalendarLanguage::Welsh => cy,
            CalendarLanguage::Both => {
                Notice { subject: format!("{} / {}", en.subject, cy.subject), body: bilingual(&en.body, &cy.body) }
            }
        }
    }
}

/// INV-01 (families: purpose, date, time, place, what happens, rights, how to ask for help)
/// and INV-02 (professionals: date, place, how to answer, reports before).
pub fn invitation(about: About<'_>, slot: &Slot, audience: Audience) -> Notice {
    said(about.nation, invitation_text(about, slot, audience))
}

fn invitation_text(about: About<'_>, slot: &Slot, audience: Audience) -> Notice {
    let en = match audience {
        Audience::Family => format!(
            "{authority} invites you to a child protection conference.\n\n\
             When: {when}\n\
             Where: {place}\n\n\
             What it is: a meeting where you, your social worker and other people who work with your family \
             talk together about how to keep your child safe, and decide whether a child protection plan is \
             needed. An independent chair leads the meeting.\n\n\
             You can come and say what you think. You can bring someone to support you, such as a friend, a \
             relative, an advocate or a solicitor: please tell the conference coordinator before the conference. \
             If you need an interpreter, a sign language interpreter, help to travel or anything else to take \
             part, tell us and we will arrange it. If you cannot come, you can write to the chair, or give your \
             views through your social worker.\n\n\
             Please tell the conference coordinator or your social worker whether you can come.\n\n\
             What is said at a child protection conference is confidential. It is shared outside the conference \
             only to protect a child, or with your agreement.\n\n\
             This email does not contain any reports. Your social worker will go through them with you before the \
             conference.",
            authority = about.authority,
            when = when_en(slot),
            place = place_en(slot),
        ),
        Audience::Professional => format!(
            "{authority} invites you to a meeting: {kind}.\n\n\
             When: {when}\n\
             Where: {place}\n\n\
             Please tell the conference coordinator whether you will attend in person, attend by video, send a \
             report only, or cannot attend. Please send your report to the chair before the conference.\n\n\
             Sign in to confer to see the details. This email holds no details of the family.",
            authority = about.authority,
            kind = about.kind.label().to_lowercase(),
            when = when_en(slot),
            place = place_en(slot),
        ),
    };
    let subject_en = format!("Invitation to a child protection conference on {}", date_en(slot.date));
    if about.english_only() {
        return Notice { subject: subject_en, body: en };
    }
    let cy = match audience {
        Audience::Family => format!(
            "Mae {authority} yn eich gwahodd i gynhadledd amddiffyn plant.\n\n\
             Pryd: {when}\n\
             Ble: {place}\n\n\
             Beth yw hi: cyfarfod lle rydych chi, eich gweithiwr cymdeithasol a phobl eraill sy'n gweithio gyda'ch \
             teulu yn siarad gyda'ch gilydd am sut i gadw eich plentyn yn ddiogel, ac yn penderfynu a oes angen \
             cynllun amddiffyn plant. Mae cadeirydd annibynnol yn arwain y cyfarfod.\n\n\
             Gallwch ddod a dweud beth rydych chi'n ei feddwl. Gallwch ddod â rhywun i'ch cefnogi, fel ffrind, \
             perthynas, eiriolwr neu gyfreithiwr: rhowch wybod i gydlynydd y gynhadledd cyn y gynhadledd. Os oes \
             angen cyfieithydd, cyfieithydd iaith arwyddion, help i deithio neu unrhyw beth arall arnoch i gymryd \
             rhan, dywedwch wrthym a byddwn yn ei drefnu. Os na allwch ddod, gallwch ysgrifennu at y cadeirydd, \
             neu roi eich barn drwy eich gweithiwr cymdeithasol.\n\n\
             Rhowch wybod i gydlynydd y gynhadledd neu i'ch gweithiwr cymdeithasol a allwch ddod.\n\n\
             Mae'r hyn a ddywedir mewn cynhadledd amddiffyn plant yn gyfrinachol. Caiff ei rannu y tu allan i'r \
             gynhadledd dim ond i amddiffyn plentyn, neu gyda'ch cytundeb.\n\n\
             Nid yw'r e-bost hwn yn cynnwys unrhyw adroddiadau. Bydd eich gweithiwr cymdeithasol yn mynd drwyddynt \
             gyda chi cyn y gynhadledd.",
            authority = about.authority,
            when = when_cy(slot),
            place = place_cy(slot),
        ),
        Audience::Professional => format!(
            "Mae {authority} yn eich gwahodd i gynhadledd amddiffyn plant.\n\n\
             Pryd: {when}\n\
             Ble: {place}\n\n\
             Rhowch wybod i gydlynydd y gynhadledd a fyddwch yn dod yn bersonol, yn ymuno drwy fideo, yn anfon \
             adroddiad yn unig, neu'n methu dod. Anfonwch eich adroddiad at y cadeirydd cyn y gynhadledd.\n\n\
             Mewngofnodwch i confer i weld y manylion. Nid oes unrhyw fanylion am y teulu yn yr e-bost hwn.",
            authority = about.authority,
            when = when_cy(slot),
            place = place_cy(slot),
        ),
    };
    about.in_welsh(
        Notice { subject: subject_en, body: en },
        Notice { subject: format!("Gwahoddiad i gynhadledd amddiffyn plant ar {}", date_cy(slot.date)), body: cy },
    )
}

/// The conference someone was invited to has a new date, time or place.
pub fn moved(about: About<'_>, slot: &Slot) -> Notice {
    said(about.nation, moved_text(about, slot))
}

fn moved_text(about: About<'_>, slot: &Slot) -> Notice {
    let en = format!(
        "The child protection conference {authority} invited you to has a new date, time or place.\n\n\
         When: {when}\n\
         Where: {place}\n\n\
         Please tell the conference coordinator whether you can attend.",
        authority = about.authority,
        when = when_en(slot),
        place = place_en(slot),
    );
    let subject_en = "A child protection conference has a new date, time or place".to_owned();
    if about.english_only() {
        return Notice { subject: subject_en, body: en };
    }
    let cy = format!(
        "Mae gan y gynhadledd amddiffyn plant y gwahoddodd {authority} chi iddi ddyddiad, amser neu le newydd.\n\n\
         Pryd: {when}\n\
         Ble: {place}\n\n\
         Rhowch wybod i gydlynydd y gynhadledd a allwch ddod.",
        authority = about.authority,
        when = when_cy(slot),
        place = place_cy(slot),
    );
    about.in_welsh(
        Notice { subject: subject_en, body: en },
        Notice { subject: "Mae gan gynhadledd amddiffyn plant ddyddiad, amser neu le newydd".to_owned(), body: cy },
    )
}

/// The conference someone was invited to is cancelled.
pub fn cancelled(about: About<'_>) -> Notice {
    said(about.nation, cancelled_text(about))
}

fn cancelled_text(about: About<'_>) -> Notice {
    let en = format!(
        "The child protection conference {} invited you to has been cancelled. The conference coordinator will \
         tell you if a new date is set.",
        about.authority
    );
    let subject_en = "A child protection conference has been cancelled".to_owned();
    if about.english_only() {
        return Notice { subject: subject_en, body: en };
    }
    let cy = format!(
        "Mae'r gynhadledd amddiffyn plant y gwahoddodd {} chi iddi wedi'i chanslo. Bydd cydlynydd y gynhadledd yn \
         rhoi gwybod i chi os caiff dyddiad newydd ei bennu.",
        about.authority
    );
    about.in_welsh(
        Notice { subject: subject_en, body: en },
        Notice { subject: "Mae cynhadledd amddiffyn plant wedi'i chanslo".to_owned(), body: cy },
    )
}

/// Issue 14: the text message to a family member with a mobile number and no e-mail address
/// (who has not asked for post): short, naming no child or family, and pointing to the letter
/// on its way (the letter carries what INV-01 asks). `slot` is `None` for a cancellation.
/// In Wales in English and Welsh (LANG-04).
pub fn text_message(about: About<'_>, slot: Option<&Slot>) -> String {
    let (en, cy) = match slot {
        Some(slot) => (
            format!(
                "{authority}: a child protection conference you are invited to is on {when_en}. A letter with \
                 the details is on its way. Please tell the conference coordinator whether you can come.",
                authority = about.authority,
                when_en = when_en(slot),
            ),
            format!(
                "{authority}: mae cynhadledd amddiffyn plant y'ch gwahoddwyd iddi ar {when_cy}. Mae llythyr gyda'r \
                 manylion ar ei ffordd. Rhowch wybod i gydlynydd y gynhadledd a allwch ddod.",
                authority = about.authority,
                when_cy = when_cy(slot),
            ),
        ),
        None => (
            format!(
                "{}: the child protection conference you were invited to has been cancelled. A letter is on its way.",
                about.authority
            ),
            format!(
                "{}: mae'r gynhadledd amddiffyn plant y'ch gwahoddwyd iddi wedi'i chanslo. Mae llythyr ar ei ffordd.",
                about.authority
            ),
        ),
    };
    match about.language {
        CalendarLanguage::English => en,
        CalendarLanguage::Welsh => cy,
        CalendarLanguage::Both => format!("{en}\n\n{cy}"),
    }
}

/// QA-01: the outcome has been sent; the person is asked what they thought, with a link that
/// works once, for this conference and this person only, until `closes_on`. The link names
/// no one (an opaque conference id and a token).
pub fn feedback_asked(about: About<'_>, link: &str, closes_on: NaiveDate, audience: Audience) -> Notice {
    said(about.nation, feedback_asked_text(about, link, closes_on, audience))
}

fn feedback_asked_text(about: About<'_>, link: &str, closes_on: NaiveDate, audience: Audience) -> Notice {
    let en = match audience {
        Audience::Family => format!(
            "{authority} has sent you the outcome of the child protection conference.\n\n\
             We would like to know what you thought of the conference: whether you understood why it was held, \
             whether you were listened to, and anything else you want to tell us. It takes about five minutes, \
             and you can choose not to give your name. What you say will not change any decision about your \
             family: it helps us make conferences better.\n\n\
             Give your feedback here (the link works once, until {closes}):\n{link}\n\n\
             You can also give it when you sign in to the family portal.",
            authority = about.authority,
            closes = date_en(closes_on),
        ),
        Audience::Professional => format!(
            "The outcome of a {kind} {authority} invited you to has been sent.\n\n\
             Please tell us how the conference went for you: whether your report was asked for in good time, \
             whether it was chaired well and whether the decision was clear. It takes two minutes and can be \
             anonymous.\n\n\
             Give your feedback here (the link works once, until {closes}):\n{link}",
            kind = about.kind.label().to_lowercase(),
            authority = about.authority,
            closes = date_en(closes_on),
        ),
    };
    let subject_en = "Tell us what you thought of the conference".to_owned();
    if about.english_only() {
        return Notice { subject: subject_en, body: en };
    }
    let cy = format!(
        "Mae {authority} wedi anfon canlyniad y gynhadledd amddiffyn plant.\n\n\
         Hoffem wybod beth oeddech chi'n ei feddwl o'r gynhadledd. Mae'n cymryd tua phum munud, a gallwch \
         ddewis peidio â rhoi eich enw. Ni fydd yr hyn a ddywedwch yn newid unrhyw benderfyniad: mae'n ein \
         helpu i wella cynadleddau.\n\n\
         Rhowch eich adborth yma (mae'r ddolen yn gweithio unwaith, tan {closes}):\n{link}",
        authority = about.authority,
        closes = date_cy(closes_on),
    );
    about.in_welsh(
        Notice { subject: subject_en, body: en },
        Notice { subject: "Dywedwch wrthym beth oeddech chi'n ei feddwl o'r gynhadledd".to_owned(), body: cy },
    )
}

pub(crate) fn bilingual(en: &str, cy: &str) -> String {
    format!("{en}\n\n----------\n\nCymraeg\n\n{cy}")
}

pub(crate) fn date_en(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

fn when_en(slot: &Slot) -> String {
    format!("{} at {}", date_en(slot.date), slot.time.format("%H:%M"))
}

/// A room, a video call, or both; never the link itself.
fn place_en(slot: &Slot) -> String {
    match (&slot.venue, &slot.video_link) {
        (Some(v), Some(_)) => format!("{v}, or by video (the conference coordinator will send you the link)"),
        (Some(v), None) => v.clone(),
        (None, _) => "by video (the conference coordinator will send you the link)".to_owned(),
    }
}

const WELSH_MONTHS: [&str; 12] = [
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
const WELSH_DAYS: [&str; 7] =
    ["Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn", "Dydd Sul"];

pub(crate) fn date_cy(d: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        WELSH_DAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        WELSH_MONTHS[d.month0() as usize],
        d.year()
    )
}

fn when_cy(slot: &Slot) -> String {
    format!("{} am {}", date_cy(slot.date), slot.time.format("%H:%M"))
}

fn place_cy(slot: &Slot) -> String {
    match (&slot.venue, &slot.video_link) {
        (Some(v), Some(_)) => format!("{v}, neu drwy fideo (bydd cydlynydd y gynhadledd yn anfon y ddolen atoch)"),
        (Some(v), None) => v.clone(),
        (None, _) => "drwy fideo (bydd cydlynydd y gynhadledd yn anfon y ddolen atoch)".to_owned(),
    }
}

/// A scheduled reminder (issue 14, [`crate::reminders`]): what it says, to staff and to
/// families and professionals alike naming no child or family (they sign in to see which).
/// In Wales in English and Welsh (LANG-04).
pub fn reminder(authority: &str, nation: Nation, r: &crate::reminders::Reminder) -> Notice {
    said(nation, reminder_text(authority, nation, r))
}

fn reminder_text(authority: &str, nation: Nation, r: &crate::reminders::Reminder) -> Notice {
    use crate::reminders::ReminderKind as K;
    let overdue = r.overdue();
    let due_en = date_en(r.due);
    let due_cy = date_cy(r.due);
    let (subject_en, body_en) = match r.kind {
        K::NoAnswer => (
            "Reminder: please answer your invitation to a child protection conference".to_owned(),
            format!(
                "{authority} invited you to a child protection conference on {due_en}. We have not had your answer \
                 yet. Please tell the conference coordinator whether you will come in person or by video, send a \
                 report or your views only, or cannot come."
            ),
        ),
        K::ReportToChair => (
            "Reminder: your report for a child protection conference".to_owned(),
            if overdue {
                format!("Your report for a child protection conference was due with the chair by {due_en} and has not arrived. Please sign in to confer and send it now.")
            } else {
                format!("Your report for a child protection conference is due with the chair by {due_en}. Please sign in to confer to send it.")
            },
        ),
        K::ReportsToParents => (
            "Reminder: reports to share with parents".to_owned(),
            format!(
                "Reports for a child protection conference {} shared with the parents by {due_en} (REP-01). Sign in to confer to see which.",
                if overdue { "should have been" } else { "must be" }
            ),
        ),
        K::OutcomeNotSent => (
            "Reminder: a conference outcome to send".to_owned(),
            format!(
                "The written outcome of a child protection conference {} sent by {due_en}. Sign in to confer to see which.",
                if overdue { "should have been" } else { "must be" }
            ),
        ),
        K::RecordNotSent => (
            "Reminder: a conference record to send".to_owned(),
            format!(
                "The record of a child protection conference {} sent by {due_en} (MIN-03). Sign in to confer to see which.",
                if overdue { "should have been" } else { "must be" }
            ),
        ),
        K::CoreGroupDue => (
            "Reminder: a core group meeting is due".to_owned(),
            format!(
                "A core group meeting for a child protection plan you lead {} by {due_en} (CG-02).{} Sign in to confer to see which.",
                if overdue { "was due" } else { "is due" },
                match r.arranged {
                    Some(at) => format!(" It is arranged for {} at {}.", date_en(at.date()), at.format("%H:%M")),
                    None => " No meeting is arranged yet.".to_owned(),
                }
            ),
        ),
        K::ReviewDue => (
            "Reminder: a review conference is due".to_owned(),
            format!(
                "A review child protection conference for a plan you lead {} by {due_en} (REV-01). Sign in to confer to see which.",
                if overdue { "was due" } else { "is due" }
            ),
        ),
        K::NetworkMeetingDue => (
            "Reminder: a network meeting is due".to_owned(),
            format!(
                "A network meeting for a child in need plan you lead {} by {due_en} (PLAN-04). Sign in to confer to see which.",
                if overdue { "was due" } else { "is due" }
            ),
        ),
        K::ActionOverdue => (
            "Reminder: an action in a child's plan is overdue".to_owned(),
            format!(
                "An action in a child's plan that {authority} asked you to do was due by {due_en}. Please do it, or \
                 tell the key worker how it is going and what would help."
            ),
        ),
        K::ComplaintDue => (
            if overdue { "Reminder: a complaint's answer is overdue" } else { "Reminder: a complaint's answer is due" }
                .to_owned(),
            format!(
                "A complaint you handle {} answered by {due_en} (RIGHT-02). Sign in to confer to see which.",
                if overdue { "should have been" } else { "must be" }
            ),
        ),
        K::AccessRequestDue => (
            if overdue {
                "Reminder: a subject access request is overdue"
            } else {
                "Reminder: a subject access request is due"
            }
            .to_owned(),
            format!(
                "A subject access request {} answered by {due_en} (RIGHT-01). Sign in to confer to see which.",
                if overdue { "should have been" } else { "must be" }
            ),
        ),
    };
    if nation != Nation::Wales {
        return Notice { subject: subject_en, body: body_en };
    }
    let (subject_cy, body_cy) = match r.kind {
        K::NoAnswer => (
            "Nodyn atgoffa: atebwch eich gwahoddiad i gynhadledd amddiffyn plant".to_owned(),
            format!(
                "Gwahoddodd {authority} chi i gynhadledd amddiffyn plant ar {due_cy}. Nid ydym wedi cael eich ateb \
                 eto. Rhowch wybod i gydlynydd y gynhadledd a fyddwch yn dod yn bersonol neu drwy fideo, yn anfon \
                 adroddiad neu eich barn yn unig, neu'n methu dod."
            ),
        ),
        K::ReportToChair => (
            "Nodyn atgoffa: eich adroddiad ar gyfer cynhadledd amddiffyn plant".to_owned(),
            format!("Mae eich adroddiad ar gyfer cynhadledd amddiffyn plant i fod gyda'r cadeirydd erbyn {due_cy}. Mewngofnodwch i confer i'w anfon."),
        ),
        K::ReportsToParents => (
            "Nodyn atgoffa: adroddiadau i'w rhannu gyda rhieni".to_owned(),
            format!("Rhaid rhannu adroddiadau ar gyfer cynhadledd amddiffyn plant gyda'r rhieni erbyn {due_cy}. Mewngofnodwch i confer i weld pa rai."),
        ),
        K::OutcomeNotSent => (
            "Nodyn atgoffa: canlyniad cynhadledd i'w anfon".to_owned(),
            format!("Rhaid anfon canlyniad ysgrifenedig cynhadledd amddiffyn plant erbyn {due_cy}. Mewngofnodwch i confer i weld pa un."),
        ),
        K::RecordNotSent => (
            "Nodyn atgoffa: cofnod cynhadledd i'w anfon".to_owned(),
            format!("Rhaid anfon cofnod cynhadledd amddiffyn plant erbyn {due_cy}. Mewngofnodwch i confer i weld pa un."),
        ),
        K::CoreGroupDue => (
            "Nodyn atgoffa: mae cyfarfod grŵp craidd yn ddyledus".to_owned(),
            format!(
                "Mae cyfarfod grŵp craidd ar gyfer cynllun amddiffyn plant rydych chi'n ei arwain yn ddyledus erbyn {due_cy}.{} Mewngofnodwch i confer i weld pa un.",
                match r.arranged {
                    Some(at) => format!(" Mae wedi'i drefnu ar gyfer {} am {}.", date_cy(at.date()), at.format("%H:%M")),
                    None => " Nid oes cyfarfod wedi'i drefnu eto.".to_owned(),
                }
            ),
        ),
        K::ReviewDue => (
            "Nodyn atgoffa: mae cynhadledd adolygu yn ddyledus".to_owned(),
            format!("Mae cynhadledd adolygu ar gyfer cynllun rydych chi'n ei arwain yn ddyledus erbyn {due_cy}. Mewngofnodwch i confer i weld pa un."),
        ),
        K::NetworkMeetingDue => (
            "Nodyn atgoffa: mae cyfarfod rhwydwaith yn ddyledus".to_owned(),
            format!("Mae cyfarfod rhwydwaith ar gyfer cynllun plentyn mewn angen rydych chi'n ei arwain yn ddyledus erbyn {due_cy}. Mewngofnodwch i confer i weld pa un."),
        ),
        K::ActionOverdue => (
            "Nodyn atgoffa: mae cam gweithredu yng nghynllun plentyn yn hwyr".to_owned(),
            format!(
                "Roedd cam gweithredu yng nghynllun plentyn y gofynnodd {authority} i chi ei wneud i fod wedi'i \
                 wneud erbyn {due_cy}. Gwnewch ef, neu dywedwch wrth y gweithiwr allweddol sut mae'n mynd a beth \
                 fyddai'n helpu."
            ),
        ),
        K::ComplaintDue => (
            "Nodyn atgoffa: ateb i gŵyn".to_owned(),
            format!("Rhaid ateb cwyn rydych chi'n ei thrin erbyn {due_cy}. Mewngofnodwch i confer i weld pa un."),
        ),
        K::AccessRequestDue => (
            "Nodyn atgoffa: cais am wybodaeth gan y testun".to_owned(),
            format!("Rhaid ateb cais am wybodaeth gan y testun erbyn {due_cy}. Mewngofnodwch i confer i weld pa un."),
        ),
    };
    Notice { subject: format!("{subject_en} / {subject_cy}"), body: bilingual(&body_en, &body_cy) }
}

/// How long a conference is put in people's calendars for (the invitation gives only its start).
pub const CALENDAR_LENGTH_MINUTES: i64 = 120;

/// In which language(s) a calendar entry speaks to its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarLanguage {
    English,
    Welsh,
    /// English and Welsh (LANG-04: everyone in Wales whose language is not known to be Welsh).
    Both,
}

impl CalendarLanguage {
    /// A family member whose first language is Welsh gets Welsh; anyone else in Wales English
    /// and Welsh; elsewhere English.
    pub fn for_recipient(nation: Nation, first_language: Option<&str>) -> CalendarLanguage {
        let welsh = first_language
            .map(|l| matches!(l.trim().to_lowercase().as_str(), "welsh" | "cymraeg" | "cy"))
            .unwrap_or(false);
        match (welsh, nation) {
            (true, _) => CalendarLanguage::Welsh,
            (false, Nation::Wales) => CalendarLanguage::Both,
            (false, _) => CalendarLanguage::English,
        }
    }
}

/// What a calendar invitation (.ics) attached to a conference e-mail says (issue 14). Like the
/// e-mail, it names no child or family, holds no report and no video link (REP-03, EXC-06):
/// the kind of meeting, who invites, when (UK wall-clock time) and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    pub summary: String,
    pub description: String,
    pub location: String,
    /// UK local date and time (Europe/London).
    pub start: chrono::NaiveDateTime,
    pub end: chrono::NaiveDateTime,
}

/// The calendar entry for a conference at `slot`.
pub fn calendar_entry(about: About<'_>, slot: &Slot, language: CalendarLanguage) -> CalendarEntry {
    let start = slot.date.and_time(slot.time);
    let end = start + chrono::Duration::minutes(CALENDAR_LENGTH_MINUTES);
    let summary_en = format!("Child protection conference ({})", about.authority);
    let summary_cy = format!("Cynhadledd amddiffyn plant ({})", about.authority);
    let description_en =
        "See the invitation e-mail or letter for what happens at the conference and how to ask for help. \
                          Please tell the conference coordinator whether you can come.";
    let description_cy =
        "Gweler yr e-bost neu'r llythyr gwahoddiad i weld beth sy'n digwydd yn y gynhadledd a sut i ofyn \
                          am help. Rhowch wybod i gydlynydd y gynhadledd a allwch ddod.";
    let (summary, description, location) = match language {
        CalendarLanguage::English => (summary_en, description_en.to_owned(), place_en(slot)),
        CalendarLanguage::Welsh => (summary_cy, description_cy.to_owned(), place_cy(slot)),
        CalendarLanguage::Both => (
            format!("Child protection conference / Cynhadledd amddiffyn plant ({})", about.authority),
            format!("{description_en}\n\n{description_cy}"),
            match slot.venue.as_deref() {
                Some(v) if slot.video_link.is_none() => v.to_owned(),
                _ => format!("{} / {}", place_en(slot), place_cy(slot)),
            },
        ),
    };
    let w = Words::of(about.nation);
    CalendarEntry { summary: w.reword(&summary), description: w.reword(&description), location, start, end }
}

/// DIS-02: tells the authority's manager that a professional dissented from a conference's
/// decision, so they can review it. For staff; it names no child, family or professional
/// (only the conference's address in confer, which asks the access policy).
pub fn dissent_escalated(about: About<'_>, conference_id: &str) -> Notice {
    said(about.nation, dissent_escalated_text(about, conference_id))
}

fn dissent_escalated_text(about: About<'_>, conference_id: &str) -> Notice {
    Notice {
        subject: "A professional dissented from a child protection conference decision".to_owned(),
        body: format!(
            "A professional has dissented from the decision of a {} held by {}. The authority's policy is to tell \
             you (DIS-02). The dissent, its reasons and the chair's response are on the conference record: \
             /conferences/{conference_id}/record. Sign in to confer to read it.",
            about.kind.label().to_lowercase(),
            about.authority
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn slot(venue: Option<&str>, link: Option<&str>) -> Slot {
        Slot {
            date: "2026-12-03".parse().unwrap(),
            time: NaiveTime::from_hms_opt(10, 30, 0).unwrap(),
            venue: venue.map(str::to_owned),
            video_link: link.map(str::to_owned),
            chair: "chair".into(),
        }
    }

    fn about(nation: Nation) -> About<'static> {
        About::new(ConferenceKind::Initial, "Northmoor Borough Council", nation)
    }

    #[test]
    fn scotland_and_northern_ireland_are_written_to_in_their_own_words_inv_01_inv_02() {
        let s = slot(Some("Room 1"), None);
        for audience in [Audience::Family, Audience::Professional] {
            let sc = invitation(about(Nation::Scotland), &s, audience);
            assert!(!sc.body.contains("child protection conference"), "{}", sc.body);
            assert!(sc.subject.contains("child protection planning meeting"), "{}", sc.subject);
            assert!(sc.body.contains("child protection planning meeting"), "{}", sc.body);
            let ni = invitation(about(Nation::NorthernIreland), &s, audience);
            assert!(ni.subject.contains("child protection case conference"), "{}", ni.subject);
            assert!(!ni.body.contains("case case"), "{}", ni.body);
            assert!(!ni.body.contains(" child protection conference"), "{}", ni.body);
        }
        let e = invitation(about(Nation::England), &s, Audience::Family);
        assert!(e.subject.starts_with("Invitation to a child protection conference"));
        let cal = calendar_entry(about(Nation::Scotland), &s, CalendarLanguage::English);
        assert!(cal.summary.starts_with("Child protection planning meeting ("), "{}", cal.summary);
        let d = dissent_escalated(about(Nation::NorthernIreland), "c1");
        assert!(d.body.contains("/conferences/c1/record"), "the path is kept: {}", d.body);
        assert!(d.subject.contains("child protection case conference decision"), "{}", d.subject);
    }

    #[test]
    fn a_family_invitation_says_what_when_where_rights_and_how_to_answer_inv_01() {
        let n = invitation(about(Nation::England), &slot(Some("Room 2, Civic Centre"), None), Audience::Family);
        assert_eq!(n.subject, "Invitation to a child protection conference on Thursday 3 December 2026");
        for needed in [
            "Northmoor Borough Council invites you to a child protection conference",
            "When: Thursday 3 December 2026 at 10:30",
            "Where: Room 2, Civic Centre",
            "keep your child safe",
            "independent chair",
            "bring someone to support you",
            "interpreter",
            "write to the chair",
            "whether you can come",
            "confidential",
        ] {
            assert!(n.body.contains(needed), "missing {needed:?} in {}", n.body);
        }
        assert!(!n.body.contains("Cymraeg"), "English only outside Wales");
    }

    #[test]
    fn a_professional_invitation_asks_for_an_answer_and_a_report_inv_02_inv_04() {
        let n = invitation(about(Nation::England), &slot(Some("Room 2"), None), Audience::Professional);
        assert!(n.body.contains("initial child protection conference"));
        assert!(n.body.contains("attend in person, attend by video, send a report only, or cannot attend"));
        assert!(n.body.contains("send your report to the chair"));
    }

    #[test]
    fn in_wales_every_notice_is_in_english_and_welsh_lang_04() {
        let s = slot(Some("Neuadd y Sir"), None);
        let a = about(Nation::Wales);
        let n = invitation(a, &s, Audience::Family);
        assert!(
            n.subject.contains("Gwahoddiad i gynhadledd amddiffyn plant ar Dydd Iau 3 Rhagfyr 2026"),
            "{}",
            n.subject
        );
        assert!(n.body.contains("Pryd: Dydd Iau 3 Rhagfyr 2026 am 10:30"));
        assert!(n.body.contains("When: Thursday 3 December 2026 at 10:30"));
        assert!(n.body.contains("gyfrinachol"));
        assert!(invitation(a, &s, Audience::Professional).body.contains("Rhowch wybod i gydlynydd"));
        assert!(moved(a, &s).body.contains("Pryd: Dydd Iau 3 Rhagfyr 2026 am 10:30"));
        assert!(cancelled(a).body.contains("wedi'i chanslo"));
        assert!(cancelled(a).subject.contains("cancelled"));
    }

    #[test]
    fn no_notice_carries_the_video_link_rep_03_exc_06() {
        let s = slot(None, Some("https://meet.example.org/secret-room"));
        for audience in [Audience::Family, Audience::Professional] {
            for nation in [Nation::England, Nation::Wales] {
                let n = invitation(about(nation), &s, audience);
                assert!(!n.body.contains("secret-room") && n.body.contains("by video"));
                assert!(!moved(about(nation), &s).body.contains("secret-room"));
            }
        }
    }

    #[test]
    fn the_calendar_entry_names_no_one_and_holds_no_link_inv_01_exc_06() {
        let s = slot(Some("Room 2, Civic Centre"), Some("https://meet.example.org/secret-room"));
        let e = calendar_entry(about(Nation::England), &s, CalendarLanguage::English);
        assert_eq!(e.summary, "Child protection conference (Northmoor Borough Council)");
        assert_eq!(e.start.to_string(), "2026-12-03 10:30:00");
        assert_eq!(e.end.to_string(), "2026-12-03 12:30:00");
        assert!(e.location.starts_with("Room 2, Civic Centre, or by video"));
        let all = format!("{e:?}");
        assert!(!all.contains("secret-room") && !all.contains("meet.example"), "{all}");
    }

    #[test]
    fn a_welsh_speaker_gets_a_welsh_calendar_entry_and_wales_gets_both_lang_04() {
        assert_eq!(CalendarLanguage::for_recipient(Nation::England, Some("Welsh")), CalendarLanguage::Welsh);
        assert_eq!(CalendarLanguage::for_recipient(Nation::Wales, Some(" cymraeg ")), CalendarLanguage::Welsh);
        assert_eq!(CalendarLanguage::for_recipient(Nation::Wales, Some("English")), CalendarLanguage::Both);
        assert_eq!(CalendarLanguage::for_recipient(Nation::Wales, None), CalendarLanguage::Both);
        assert_eq!(CalendarLanguage::for_recipient(Nation::Scotland, Some("Polish")), CalendarLanguage::English);
        let s = slot(Some("Neuadd y Sir"), None);
        let cy = calendar_entry(about(Nation::Wales), &s, CalendarLanguage::Welsh);
        assert_eq!(cy.summary, "Cynhadledd amddiffyn plant (Northmoor Borough Council)");
        assert!(cy.description.contains("gydlynydd y gynhadledd"));
        let both = calendar_entry(about(Nation::Wales), &s, CalendarLanguage::Both);
        assert!(both.summary.contains("Child protection conference / Cynhadledd amddiffyn plant"));
        assert_eq!(both.location, "Neuadd y Sir");
        let video = calendar_entry(about(Nation::Wales), &slot(None, Some("https://x")), CalendarLanguage::Both);
        assert!(video.location.contains("by video") && video.location.contains("drwy fideo"));
    }

    #[test]
    fn a_reminder_names_no_one_and_is_bilingual_in_wales_inv_04_plan_02_lang_04() {
        use crate::reminders::{Reminder, ReminderKind, Whom};
        let r = Reminder {
            kind: ReminderKind::NoAnswer,
            item: "conf-1:2".into(),
            to: Whom::FamilyMember("mum".into()),
            occasion: "at-risk:2026-12-03".into(),
            due: "2026-12-03".parse().unwrap(),
            arranged: None,
        };
        let n = reminder("Northmoor Borough Council", Nation::England, &r);
        assert!(n.body.contains("Thursday 3 December 2026") && n.body.contains("whether you will come"));
        assert!(!n.body.contains("conf-1") && !n.body.contains("mum"), "{}", n.body);
        let cy = reminder("Northmoor Borough Council", Nation::Wales, &r);
        assert!(cy.body.contains("Dydd Iau 3 Rhagfyr 2026") && cy.subject.contains(" / Nodyn atgoffa"));
        let late = Reminder { kind: ReminderKind::RecordNotSent, occasion: "overdue:2026-12-03".into(), ..r };
        assert!(reminder("N", Nation::England, &late)
            .body
            .contains("should have been sent by Thursday 3 December 2026"));
    }

    #[test]
    fn a_new_date_gives_the_new_date_time_and_place() {
        let n = moved(about(Nation::Scotland), &slot(Some("Room 4"), Some("https://x")));
        assert!(n.subject.contains("new date"));
        assert!(n.body.contains("Thursday 3 December 2026 at 10:30"));
        assert!(n.body.contains("Room 4, or by video"));
    }
}

/// What a core group meeting's messages say of where it is: a room, online, or both; never
/// a link (the key worker sends it by a safer route).
fn core_group_place(a: &crate::plan::ArrangedCoreGroup, welsh: bool) -> String {
    let online = if welsh {
        "ar-lein (bydd y gweithiwr allweddol yn anfon y ddolen atoch)"
    } else {
        "online (the key worker will send you the link)"
    };
    match (&a.venue, a.online) {
        (Some(v), true) => format!("{v}, {} {online}", if welsh { "neu" } else { "or" }),
        (Some(v), false) => v.clone(),
        (None, _) => upper_first_ascii(online),
    }
}

fn upper_first_ascii(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn core_group_when(a: &crate::plan::ArrangedCoreGroup, welsh: bool) -> String {
    if welsh {
        format!("{} am {}", date_cy(a.on), a.at.format("%H:%M"))
    } else {
        format!("{} at {}", date_en(a.on), a.at.format("%H:%M"))
    }
}

/// A notice in the recipient's language: English, Welsh, or both (LANG-04), in the nation's
/// words.
fn in_language(nation: Nation, language: CalendarLanguage, en: Notice, cy: Notice) -> Notice {
    let en = said(nation, en);
    match language {
        CalendarLanguage::English => en,
        CalendarLanguage::Welsh => cy,
        CalendarLanguage::Both => {
            Notice { subject: format!("{} / {}", en.subject, cy.subject), body: bilingual(&en.body, &cy.body) }
        }
    }
}

/// CG-01, CG-02: the invitation to a core group meeting, for a member of the core group (a
/// parent or carer, or a professional), in their language and the nation's words. Like every
/// e-mail it names no child or family and holds nothing of the plan: they sign in to read it.
pub fn core_group_invitation(
    authority: &str,
    nation: Nation,
    a: &crate::plan::ArrangedCoreGroup,
    audience: Audience,
    language: CalendarLanguage,
) -> Notice {
    let (when_en, where_en) = (core_group_when(a, false), core_group_place(a, false));
    let (when_cy, where_cy) = (core_group_when(a, true), core_group_place(a, true));
    let (body_en, body_cy) = match audience {
        Audience::Family => (
            format!(
                "{authority} invites you to a core group meeting about your child's child protection plan.\n\n\
                 When: {when_en}\n\
                 Where: {where_en}\n\n\
                 What it is: the core group is the people who carry out the plan together: you, the key worker \
                 and the professionals who work with your family. At the meeting you talk about how the plan is \
                 going, what has changed and what needs to happen next.\n\n\
                 You can bring someone to support you. If you need an interpreter, help to travel or anything \
                 else to take part, tell the key worker and we will arrange it.\n\n\
                 Please tell the key worker whether you can come."
            ),
            format!(
                "Mae {authority} yn eich gwahodd i gyfarfod grŵp craidd am gynllun amddiffyn plant eich plentyn.\n\n\
                 Pryd: {when_cy}\n\
                 Ble: {where_cy}\n\n\
                 Beth yw e: y grŵp craidd yw'r bobl sy'n rhoi'r cynllun ar waith gyda'i gilydd: chi, y gweithiwr \
                 allweddol a'r gweithwyr proffesiynol sy'n gweithio gyda'ch teulu. Yn y cyfarfod rydych yn siarad \
                 am sut mae'r cynllun yn mynd, beth sydd wedi newid a beth sydd angen digwydd nesaf.\n\n\
                 Gallwch ddod â rhywun i'ch cefnogi. Os oes angen cyfieithydd, help i deithio neu unrhyw beth \
                 arall arnoch i gymryd rhan, dywedwch wrth y gweithiwr allweddol a byddwn yn ei drefnu.\n\n\
                 Rhowch wybod i'r gweithiwr allweddol a allwch ddod."
            ),
        ),
        Audience::Professional => (
            format!(
                "{authority} invites you to a core group meeting for a child protection plan you are part of.\n\n\
                 When: {when_en}\n\
                 Where: {where_en}\n\n\
                 Please tell the key worker whether you can come, and bring news of the actions you own. Sign in \
                 to confer to read the plan. This email holds no details of the family."
            ),
            format!(
                "Mae {authority} yn eich gwahodd i gyfarfod grŵp craidd ar gyfer cynllun amddiffyn plant rydych \
                 chi'n rhan ohono.\n\n\
                 Pryd: {when_cy}\n\
                 Ble: {where_cy}\n\n\
                 Rhowch wybod i'r gweithiwr allweddol a allwch ddod, a dewch â'r newyddion am y camau gweithredu \
                 sy'n eiddo i chi. Mewngofnodwch i confer i ddarllen y cynllun. Nid oes unrhyw fanylion am y teulu \
                 yn yr e-bost hwn."
            ),
        ),
    };
    in_language(
        nation,
        language,
        Notice { subject: format!("Invitation to a core group meeting on {}", date_en(a.on)), body: body_en },
        Notice { subject: format!("Gwahoddiad i gyfarfod grŵp craidd ar {}", date_cy(a.on)), body: body_cy },
    )
}

/// CG-02: the core group meeting someone was invited to has a new day, time or place. It says
/// everything the invitation said of when and where, so it stands on its own (a letter that
/// replaces an invitation never printed).
pub fn core_group_moved(
    authority: &str,
    nation: Nation,
    a: &crate::plan::ArrangedCoreGroup,
    language: CalendarLanguage,
) -> Notice {
    let body_en = format!(
        "The core group meeting {authority} invited you to has a new date, time or place.\n\n\
         When: {}\n\
         Where: {}\n\n\
         Please tell the key worker whether you can come.",
        core_group_when(a, false),
        core_group_place(a, false)
    );
    let body_cy = format!(
        "Mae gan y cyfarfod grŵp craidd y gwahoddodd {authority} chi iddo ddyddiad, amser neu le newydd.\n\n\
         Pryd: {}\n\
         Ble: {}\n\n\
         Rhowch wybod i'r gweithiwr allweddol a allwch ddod.",
        core_group_when(a, true),
        core_group_place(a, true)
    );
    in_language(
        nation,
        language,
        Notice { subject: format!("A core group meeting has moved to {}", date_en(a.on)), body: body_en },
        Notice { subject: format!("Mae cyfarfod grŵp craidd wedi symud i {}", date_cy(a.on)), body: body_cy },
    )
}

/// CG-02: the core group meeting someone was invited to is cancelled (the reason is not said:
/// it may be about the family).
pub fn core_group_cancelled(
    authority: &str,
    nation: Nation,
    a: &crate::plan::ArrangedCoreGroup,
    language: CalendarLanguage,
) -> Notice {
    let body_en = format!(
        "The core group meeting {authority} invited you to on {} has been cancelled. The key worker will tell you \
         when the core group meets next.",
        core_group_when(a, false)
    );
    let body_cy = format!(
        "Mae'r cyfarfod grŵp craidd y gwahoddodd {authority} chi iddo ar {} wedi'i ganslo. Bydd y gweithiwr \
         allweddol yn rhoi gwybod i chi pryd bydd y grŵp craidd yn cyfarfod nesaf.",
        core_group_when(a, true)
    );
    in_language(
        nation,
        language,
        Notice { subject: format!("A core group meeting on {} is cancelled", date_en(a.on)), body: body_en },
        Notice { subject: format!("Mae cyfarfod grŵp craidd ar {} wedi'i ganslo", date_cy(a.on)), body: body_cy },
    )
}

/// PLAN-05, issue 13: the core group meeting arranged is cancelled because the plan ended:
/// no next meeting to wait for. Like the other core group notices, no child or family name.
pub fn core_group_cancelled_plan_ended(
    authority: &str,
    nation: Nation,
    a: &crate::plan::ArrangedCoreGroup,
    language: CalendarLanguage,
) -> Notice {
    let body_en = format!(
        "The core group meeting {authority} invited you to on {} has been cancelled because the plan has ended. \
         The core group will not meet again for this plan.",
        core_group_when(a, false)
    );
    let body_cy = format!(
        "Mae'r cyfarfod grŵp craidd y gwahoddodd {authority} chi iddo ar {} wedi'i ganslo oherwydd bod y cynllun \
         wedi dod i ben. Ni fydd y grŵp craidd yn cyfarfod eto ar gyfer y cynllun hwn.",
        core_group_when(a, true)
    );
    in_language(
        nation,
        language,
        Notice { subject: format!("A core group meeting on {} is cancelled", date_en(a.on)), body: body_en },
        Notice { subject: format!("Mae cyfarfod grŵp craidd ar {} wedi'i ganslo", date_cy(a.on)), body: body_cy },
    )
}

/// How long a core group meeting is put in people's calendars for.
pub const CORE_GROUP_CALENDAR_MINUTES: i64 = 90;

/// Issue 14: the calendar entry (.ics) of a core group meeting: like the e-mail, no child or
/// family name, no link; the kind of meeting, who invites, when (UK time) and where.
pub fn core_group_calendar_entry(
    authority: &str,
    nation: Nation,
    a: &crate::plan::ArrangedCoreGroup,
    language: CalendarLanguage,
) -> CalendarEntry {
    let start = a.on.and_time(a.at);
    let end = start + chrono::Duration::minutes(CORE_GROUP_CALENDAR_MINUTES);
    let w = Words::of(nation);
    let summary_en = format!("Core group meeting ({authority})");
    let summary_cy = format!("Cyfarfod grŵp craidd ({authority})");
    let description_en = w.reword(
        "See the invitation e-mail or letter for what happens at the meeting. Please tell the key worker whether \
         you can come.",
    );
    let description_cy = "Gweler yr e-bost neu'r llythyr gwahoddiad i weld beth sy'n digwydd yn y cyfarfod. Rhowch \
                          wybod i'r gweithiwr allweddol a allwch ddod."
        .to_owned();
    let (en_place, cy_place) = (w.reword(&core_group_place(a, false)), core_group_place(a, true));
    let (summary, description, location) = match language {
        CalendarLanguage::English => (summary_en, description_en, en_place),
        CalendarLanguage::Welsh => (summary_cy, description_cy, cy_place),
        CalendarLanguage::Both => (
            format!("Core group meeting / Cyfarfod grŵp craidd ({authority})"),
            format!("{description_en}\n\n{description_cy}"),
            if en_place == cy_place { en_place } else { format!("{en_place} / {cy_place}") },
        ),
    };
    CalendarEntry { summary, description, location, start, end }
}

#[cfg(test)]
mod core_group_tests {
    use super::*;
    use crate::plan::ArrangedCoreGroup;
    use chrono::{NaiveTime, TimeZone, Utc};

    fn arranged(venue: Option<&str>, online: bool) -> ArrangedCoreGroup {
        ArrangedCoreGroup {
            number: 1,
            on: NaiveDate::from_ymd_opt(2026, 12, 9).unwrap(),
            at: NaiveTime::from_hms_opt(14, 30, 0).unwrap(),
            venue: venue.map(str::to_owned),
            online,
            invited: vec![],
            late_reason: None,
            arranged_by: "sw".into(),
            arranged_at: Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
            moves: vec![],
        }
    }

    #[test]
    fn cg_02_core_group_messages_say_when_and_where_in_the_members_language_and_no_family() {
        let a = arranged(Some("Family Centre, room 3"), true);
        let en = core_group_invitation("Testshire", Nation::England, &a, Audience::Family, CalendarLanguage::English);
        assert_eq!(en.subject, "Invitation to a core group meeting on Wednesday 9 December 2026");
        assert!(en.body.contains("When: Wednesday 9 December 2026 at 14:30"), "{}", en.body);
        assert!(en.body.contains("Where: Family Centre, room 3, or online (the key worker will send you the link)"));
        assert!(!en.body.contains("Pryd"), "English only in England");
        let cy = core_group_invitation("Testshire", Nation::Wales, &a, Audience::Family, CalendarLanguage::Welsh);
        assert!(cy.subject.starts_with("Gwahoddiad i gyfarfod grŵp craidd ar Dydd Mercher 9 Rhagfyr 2026"));
        assert!(!cy.body.contains("When:"), "Welsh for a Welsh speaker: {}", cy.body);
        let both =
            core_group_invitation("Testshire", Nation::Wales, &a, Audience::Professional, CalendarLanguage::Both);
        assert!(both.body.contains("When:") && both.body.contains("Pryd:"));
        // The nation's words: Scotland's lead professional.
        let scot =
            core_group_invitation("Testshire", Nation::Scotland, &a, Audience::Family, CalendarLanguage::English);
        assert!(!scot.body.contains("key worker"), "{}", scot.body);
        let online = arranged(None, true);
        let moved = core_group_moved("Testshire", Nation::England, &online, CalendarLanguage::English);
        assert!(moved.body.contains("Where: Online (the key worker will send you the link)"), "{}", moved.body);
        let cancelled = core_group_cancelled("Testshire", Nation::England, &a, CalendarLanguage::English);
        // The core-group-due reminder names the arranged day (CG-02), or says none is.
        let r = crate::reminders::Reminder {
            kind: crate::reminders::ReminderKind::CoreGroupDue,
            item: "plan/next-core-group".into(),
            to: crate::reminders::Whom::User("sw".into()),
            occasion: "at-risk:2026-12-10".into(),
            due: "2026-12-10".parse().unwrap(),
            arranged: Some(a.on.and_time(a.at)),
        };
        let n = reminder("Testshire", Nation::England, &r);
        assert!(n.body.contains("It is arranged for Wednesday 9 December 2026 at 14:30."), "{}", n.body);
        let none = crate::reminders::Reminder { arranged: None, ..r };
        assert!(reminder("Testshire", Nation::England, &none).body.contains("No meeting is arranged yet."));
        assert!(cancelled.body.contains("has been cancelled"));
        let e = core_group_calendar_entry("Testshire", Nation::England, &a, CalendarLanguage::English);
        assert_eq!(e.summary, "Core group meeting (Testshire)");
        assert_eq!(e.end - e.start, chrono::Duration::minutes(CORE_GROUP_CALENDAR_MINUTES));
    }
}
