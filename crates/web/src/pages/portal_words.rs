//! The family portal's conference pages in English and Welsh (LANG-04): plain words, short
//! sentences, a calm tone. The Welsh is a careful translation; have the authority's Welsh
//! language officer confirm it before the first Welsh authority goes live.

use confer_domain::conference::{
    Answer, ChildOutcome, ConferenceKind, ConferenceState, ExclusionReason, PlanCategory, PracticalNeedKind,
    SupporterKind, ViewsRoute,
};

pub struct Words {
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    pub your_conferences: &'static str,
    pub no_conferences: &'static str,
    pub view_conference: &'static str,
    pub date: &'static str,
    pub time: &'static str,
    pub place: &'static str,
    pub video_link: &'static str,
    pub chair: &'static str,
    pub what_for: &'static str,
    pub not_yet_arranged: &'static str,
    /// EXC-04, EXC-06: in place of the date for someone excluded from the whole conference.
    pub excluded_no_details: &'static str,
    pub state: &'static str,
    pub purpose: &'static str,
    pub back_home: &'static str,
    pub cancelled: &'static str,
    // Exclusion (EXC-04)
    pub excluded_title: &'static str,
    pub excluded_whole: &'static str,
    pub excluded_part: &'static str,
    pub excluded_reasons: &'static str,
    pub excluded_views: &'static str,
    pub excluded_help: &'static str,
    // Invitation and answer (INV-01, INV-04)
    pub invitation_title: &'static str,
    pub no_invitation: &'static str,
    pub your_answer: &'static str,
    pub not_answered: &'static str,
    pub answer_legend: &'static str,
    pub answer_in_person: &'static str,
    pub answer_remote: &'static str,
    pub answer_report_only: &'static str,
    pub answer_declined: &'static str,
    pub decline_reason: &'static str,
    pub decline_hint: &'static str,
    pub send_answer: &'static str,
    pub answer_error: &'static str,
    pub answer_closed: &'static str,
    // Supporter (INV-05, CHILD-02)
    pub supporter_title: &'static str,
    pub supporter_intro: &'static str,
    pub supporter_name: &'static str,
    pub supporter_kind: &'static str,
    pub supporter_solicitor_note: &'static str,
    pub name_supporter: &'static str,
    pub supporter_late: &'static str,
    pub supporter_allowed: &'static str,
    pub supporter_not_allowed: &'static str,
    pub supporter_error_name: &'static str,
    pub supporter_error_kind: &'static str,
    // Reports (REP-01, REP-03)
    pub reports_title: &'static str,
    pub no_reports: &'static str,
    pub report_by: &'static str,
    pub report_shared_on: &'static str,
    pub parts_withheld: &'static str,
    // Views (INV-07, CHILD-02)
    pub views_title: &'static str,
    pub views_intro: &'static str,
    pub views_young_person: &'static str,
    pub views_label: &'static str,
    pub views_hint: &'static str,
    pub send_views: &'static str,
    pub views_sent: &'static str,
    pub views_read_out: &'static str,
    pub views_error: &'static str,
    // Needs (INV-08, LANG-01)
    pub needs_title: &'static str,
    pub needs_intro: &'static str,
    pub interpreter_label: &'static str,
    pub interpreter_hint: &'static str,
    pub needs_legend: &'static str,
    pub needs_detail: &'static str,
    pub needs_detail_hint: &'static str,
    pub send_needs: &'static str,
    pub needs_told: &'static str,
    pub interpreter_asked: &'static str,
    pub need_met: &'static str,
    pub need_waiting: &'static str,
    // After the meeting (DEC-05, MIN-03, MIN-04)
    pub outcome_title: &'static str,
    pub outcome_waiting: &'static str,
    pub record_title: &'static str,
    pub record_waiting: &'static str,
    pub record_version: &'static str,
    /// Issue 14: the documents to download (LANG-03: large print; LANG-04: in this language).
    pub download_pdf: &'static str,
    pub download_large: &'static str,
    pub download_html: &'static str,
    pub download_outcome: &'static str,
    pub sections_withheld: &'static str,
    pub correction_title: &'static str,
    pub correction_intro: &'static str,
    pub correction_label: &'static str,
    pub send_correction: &'static str,
    pub correction_asked: &'static str,
    pub correction_waiting: &'static str,
    pub correction_accepted: &'static str,
    pub correction_declined: &'static str,
    pub correction_error: &'static str,
    // Notices after a form
    pub done_answer: &'static str,
    pub done_supporter: &'static str,
    pub done_views: &'static str,
    pub done_needs: &'static str,
    pub done_correction: &'static str,
    pub conflict: &'static str,
    pub plan_note: &'static str,
    pub help: &'static str,
    pub error_prefix: &'static str,
}

pub const ENGLISH: Words = Words {
    lang: "en",
    other_lang: "cy",
    other_lang_name: "Cymraeg",
    your_conferences: "Your conferences",
    no_conferences: "There is no conference for you to see yet. Your social worker will tell you when one is arranged.",
    view_conference: "See this conference",
    date: "Date",
    time: "Time",
    place: "Place",
    video_link: "Video link",
    chair: "Who chairs it",
    what_for: "What it is for",
    not_yet_arranged: "Not arranged yet",
    excluded_no_details: "Not given, because you are excluded from this conference",
    state: "Where it is up to",
    purpose: "The meeting is to talk about how to keep the children safe and well, and to decide if a child protection plan is needed. You can say what you think and ask questions.",
    back_home: "Back to your conferences",
    cancelled: "This conference has been cancelled. Your social worker will tell you what happens next.",
    excluded_title: "You will not be at all of the conference",
    excluded_whole: "The chair has decided that you will not be at the conference.",
    excluded_part: "The chair has decided that you will not be at one part of the conference:",
    excluded_reasons: "Why the chair decided this",
    excluded_views: "How your views will be heard",
    excluded_help: "You can still send your views below. The chair will make sure they are heard. You will get the decisions and the plan.",
    invitation_title: "Your invitation",
    no_invitation: "You have not been invited yet. Your invitation will show here when it is sent.",
    your_answer: "Your answer",
    not_answered: "You have not answered yet",
    answer_legend: "Will you come to the conference?",
    answer_in_person: "Yes, I will come in person",
    answer_remote: "Yes, I will join by video or phone",
    answer_report_only: "No, but I will send my views",
    answer_declined: "No, I cannot come",
    decline_reason: "Tell us why you cannot come",
    decline_hint: "For example, you are in hospital or at work. The chair may be able to help.",
    send_answer: "Send your answer",
    answer_error: "Select if you will come to the conference",
    answer_closed: "You can answer once the conference has a date, until it starts.",
    supporter_title: "Bring someone to support you",
    supporter_intro: "You can bring a friend, a relative, an advocate or a solicitor. Please tell us at least 2 working days before the conference.",
    supporter_name: "Their full name",
    supporter_kind: "Who they are to you",
    supporter_solicitor_note: "A solicitor comes to support you, not to question other people.",
    name_supporter: "Tell the chair",
    supporter_late: "You told us less than 2 working days before the conference. The chair will decide if they can come.",
    supporter_allowed: "The chair has said they can come.",
    supporter_not_allowed: "The chair has said they cannot come.",
    supporter_error_name: "Enter the full name of the person supporting you",
    supporter_error_kind: "Select who they are to you",
    reports_title: "Reports shared with you",
    no_reports: "No reports have been shared with you yet. Reports should be shared with you at least 2 working days before the conference.",
    report_by: "Report by",
    report_shared_on: "Shared with you on",
    parts_withheld: "Some parts of this report are not shown to you because they hold information about other people.",
    views_title: "Your views",
    views_intro: "Write to the chair. Say what is going well, what worries you, and what would help. Your letter will be read out at the conference.",
    views_young_person: "You can also tell your social worker what you think. They will pass it on.",
    views_label: "What do you want the conference to know?",
    views_hint: "Write as much or as little as you like.",
    send_views: "Send to the chair",
    views_sent: "What you have sent",
    views_read_out: "Read out at the conference.",
    views_error: "Write your views to the chair",
    needs_title: "Help to take part",
    needs_intro: "Tell us if you need an interpreter or other help. We will arrange it. A family member will never be asked to interpret.",
    interpreter_label: "Do you need an interpreter? Which language?",
    interpreter_hint: "For example, Polish or British Sign Language. Leave empty if you do not need one.",
    needs_legend: "Do you need any other help?",
    needs_detail: "Tell us more",
    needs_detail_hint: "Needed if you choose \"Something else\".",
    send_needs: "Send",
    needs_told: "What you have told us",
    interpreter_asked: "Interpreter",
    need_met: "Arranged",
    need_waiting: "We are arranging this",
    outcome_title: "What was decided",
    outcome_waiting: "The conference has not decided yet.",
    record_title: "The record of the conference",
    record_waiting: "The record will show here when the chair has approved it and it has been sent to you.",
    record_version: "Version",
    download_pdf: "Download the record (PDF)",
    download_large: "Download the record in large print (PDF)",
    download_html: "Download the record as an accessible web page (HTML)",
    download_outcome: "Download the outcome letter (PDF)",
    sections_withheld: "Some parts of the record are not shown to you.",
    correction_title: "Ask for a correction",
    correction_intro: "If something in the record is wrong, tell the chair. Your request and the chair's answer are kept with the record.",
    correction_label: "What is wrong, and what should it say?",
    send_correction: "Send to the chair",
    correction_asked: "You asked",
    correction_waiting: "The chair has not answered yet.",
    correction_accepted: "The chair agreed and made a new version of the record.",
    correction_declined: "The chair did not change the record. The reason:",
    correction_error: "Tell the chair what is wrong and what it should say",
    done_answer: "Your answer has been sent.",
    done_supporter: "The chair has been told who is supporting you.",
    done_views: "Your views have been sent to the chair.",
    done_needs: "Thank you. We will arrange what you need.",
    done_correction: "Your request has been sent to the chair.",
    conflict: "Someone else changed this conference at the same time, so nothing was saved. What you wrote is still below: please send it again.",
    plan_note: "A plan does not change who has parental responsibility.",
    help: "If you have a question, or need this in another format (large print, audio, Braille or easy read), ask your social worker.",
    error_prefix: "Error:",
};

pub const WELSH: Words = Words {
    lang: "cy",
    other_lang: "en",
    other_lang_name: "English",
    your_conferences: "Eich cynadleddau",
    no_conferences: "Nid oes cynhadledd i chi ei gweld eto. Bydd eich gweithiwr cymdeithasol yn dweud wrthych pan gaiff un ei threfnu.",
    view_conference: "Gweld y gynhadledd hon",
    date: "Dyddiad",
    time: "Amser",
    place: "Lle",
    video_link: "Dolen fideo",
    chair: "Pwy sy'n cadeirio",
    what_for: "Beth yw ei diben",
    not_yet_arranged: "Heb ei threfnu eto",
    excluded_no_details: "Heb ei roi, oherwydd eich bod wedi eich eithrio o'r gynhadledd hon",
    state: "Ble mae pethau arni",
    purpose: "Mae'r cyfarfod yn trafod sut i gadw'r plant yn ddiogel ac yn iach, ac yn penderfynu a oes angen cynllun amddiffyn plant. Gallwch ddweud beth rydych chi'n ei feddwl a gofyn cwestiynau.",
    back_home: "Yn ôl i'ch cynadleddau",
    cancelled: "Mae'r gynhadledd hon wedi'i chanslo. Bydd eich gweithiwr cymdeithasol yn dweud wrthych beth fydd yn digwydd nesaf.",
    excluded_title: "Ni fyddwch yn y gynhadledd gyfan",
    excluded_whole: "Mae'r cadeirydd wedi penderfynu na fyddwch yn y gynhadledd.",
    excluded_part: "Mae'r cadeirydd wedi penderfynu na fyddwch mewn un rhan o'r gynhadledd:",
    excluded_reasons: "Pam y penderfynodd y cadeirydd hyn",
    excluded_views: "Sut y caiff eich barn ei chlywed",
    excluded_help: "Gallwch anfon eich barn isod o hyd. Bydd y cadeirydd yn sicrhau ei bod yn cael ei chlywed. Byddwch yn cael y penderfyniadau a'r cynllun.",
    invitation_title: "Eich gwahoddiad",
    no_invitation: "Nid ydych wedi cael gwahoddiad eto. Bydd eich gwahoddiad yn ymddangos yma pan gaiff ei anfon.",
    your_answer: "Eich ateb",
    not_answered: "Nid ydych wedi ateb eto",
    answer_legend: "Fyddwch chi'n dod i'r gynhadledd?",
    answer_in_person: "Byddaf, byddaf yn dod yno",
    answer_remote: "Byddaf, byddaf yn ymuno drwy fideo neu dros y ffôn",
    answer_report_only: "Na fyddaf, ond byddaf yn anfon fy marn",
    answer_declined: "Na fyddaf, ni allaf ddod",
    decline_reason: "Dywedwch wrthym pam na allwch ddod",
    decline_hint: "Er enghraifft, rydych yn yr ysbyty neu yn y gwaith. Efallai y gall y cadeirydd helpu.",
    send_answer: "Anfon eich ateb",
    answer_error: "Dewiswch a fyddwch yn dod i'r gynhadledd",
    answer_closed: "Gallwch ateb pan fydd gan y gynhadledd ddyddiad, hyd nes iddi ddechrau.",
    supporter_title: "Dewch â rhywun i'ch cefnogi",
    supporter_intro: "Gallwch ddod â ffrind, perthynas, eiriolwr neu gyfreithiwr. Dywedwch wrthym o leiaf 2 ddiwrnod gwaith cyn y gynhadledd.",
    supporter_name: "Eu henw llawn",
    supporter_kind: "Pwy ydyn nhw i chi",
    supporter_solicitor_note: "Mae cyfreithiwr yn dod i'ch cefnogi, nid i holi pobl eraill.",
    name_supporter: "Dweud wrth y cadeirydd",
    supporter_late: "Fe ddywedoch wrthym lai na 2 ddiwrnod gwaith cyn y gynhadledd. Bydd y cadeirydd yn penderfynu a gânt ddod.",
    supporter_allowed: "Mae'r cadeirydd wedi dweud y cânt ddod.",
    supporter_not_allowed: "Mae'r cadeirydd wedi dweud na chânt ddod.",
    supporter_error_name: "Rhowch enw llawn y person sy'n eich cefnogi",
    supporter_error_kind: "Dewiswch pwy ydyn nhw i chi",
    reports_title: "Adroddiadau a rannwyd â chi",
    no_reports: "Nid oes adroddiadau wedi'u rhannu â chi eto. Dylid rhannu adroddiadau â chi o leiaf 2 ddiwrnod gwaith cyn y gynhadledd.",
    report_by: "Adroddiad gan",
    report_shared_on: "Rhannwyd â chi ar",
    parts_withheld: "Nid yw rhai rhannau o'r adroddiad hwn yn cael eu dangos i chi oherwydd eu bod yn cynnwys gwybodaeth am bobl eraill.",
    views_title: "Eich barn",
    views_intro: "Ysgrifennwch at y cadeirydd. Dywedwch beth sy'n mynd yn dda, beth sy'n eich poeni, a beth fyddai'n helpu. Caiff eich llythyr ei ddarllen yn y gynhadledd.",
    views_young_person: "Gallwch hefyd ddweud wrth eich gweithiwr cymdeithasol beth rydych chi'n ei feddwl. Byddan nhw'n ei drosglwyddo.",
    views_label: "Beth ydych chi am i'r gynhadledd ei wybod?",
    views_hint: "Ysgrifennwch gymaint neu gyn lleied ag y dymunwch.",
    send_views: "Anfon at y cadeirydd",
    views_sent: "Yr hyn rydych wedi'i anfon",
    views_read_out: "Darllenwyd yn y gynhadledd.",
    views_error: "Ysgrifennwch eich barn at y cadeirydd",
    needs_title: "Help i gymryd rhan",
    needs_intro: "Dywedwch wrthym os oes angen cyfieithydd neu help arall arnoch. Byddwn yn ei drefnu. Ni fydd aelod o'r teulu byth yn cael ei ofyn i gyfieithu.",
    interpreter_label: "Oes angen cyfieithydd arnoch? Pa iaith?",
    interpreter_hint: "Er enghraifft, Pwyleg neu Iaith Arwyddion Prydain. Gadewch yn wag os nad oes angen un arnoch.",
    needs_legend: "Oes angen unrhyw help arall arnoch?",
    needs_detail: "Dywedwch fwy wrthym",
    needs_detail_hint: "Angenrheidiol os dewiswch \"Rhywbeth arall\".",
    send_needs: "Anfon",
    needs_told: "Yr hyn rydych wedi'i ddweud wrthym",
    interpreter_asked: "Cyfieithydd",
    need_met: "Wedi'i drefnu",
    need_waiting: "Rydym yn trefnu hyn",
    outcome_title: "Beth a benderfynwyd",
    outcome_waiting: "Nid yw'r gynhadledd wedi penderfynu eto.",
    record_title: "Cofnod y gynhadledd",
    record_waiting: "Bydd y cofnod yn ymddangos yma pan fydd y cadeirydd wedi'i gymeradwyo a'i fod wedi'i anfon atoch.",
    record_version: "Fersiwn",
    download_pdf: "Lawrlwytho'r cofnod (PDF)",
    download_large: "Lawrlwytho'r cofnod mewn print bras (PDF)",
    download_html: "Lawrlwytho'r cofnod fel tudalen we hygyrch (HTML)",
    download_outcome: "Lawrlwytho'r llythyr canlyniad (PDF)",
    sections_withheld: "Nid yw rhai rhannau o'r cofnod yn cael eu dangos i chi.",
    correction_title: "Gofyn am gywiriad",
    correction_intro: "Os oes rhywbeth yn y cofnod yn anghywir, dywedwch wrth y cadeirydd. Caiff eich cais ac ateb y cadeirydd eu cadw gyda'r cofnod.",
    correction_label: "Beth sy'n anghywir, a beth ddylai ei ddweud?",
    send_correction: "Anfon at y cadeirydd",
    correction_asked: "Fe ofynnoch",
    correction_waiting: "Nid yw'r cadeirydd wedi ateb eto.",
    correction_accepted: "Cytunodd y cadeirydd a gwneud fersiwn newydd o'r cofnod.",
    correction_declined: "Ni newidiodd y cadeirydd y cofnod. Y rheswm:",
    correction_error: "Dywedwch wrth y cadeirydd beth sy'n anghywir a beth ddylai ei ddweud",
    done_answer: "Mae eich ateb wedi'i anfon.",
    done_supporter: "Mae'r cadeirydd wedi cael gwybod pwy sy'n eich cefnogi.",
    done_views: "Mae eich barn wedi'i hanfon at y cadeirydd.",
    done_needs: "Diolch. Byddwn yn trefnu'r hyn sydd ei angen arnoch.",
    done_correction: "Mae eich cais wedi'i anfon at y cadeirydd.",
    conflict: "Newidiodd rhywun arall y gynhadledd hon ar yr un pryd, felly ni chadwyd dim. Mae'r hyn a ysgrifennoch isod o hyd: anfonwch ef eto.",
    plan_note: "Nid yw cynllun yn newid pwy sydd â chyfrifoldeb rhiant.",
    help: "Os oes gennych gwestiwn, neu os oes angen hwn arnoch mewn fformat arall (print mawr, sain, Braille neu hawdd ei ddeall), gofynnwch i'ch gweithiwr cymdeithasol.",
    error_prefix: "Gwall:",
};

pub fn for_lang(lang: Option<&str>) -> &'static Words {
    match lang {
        Some("cy") => &WELSH,
        _ => &ENGLISH,
    }
}

/// `s` said in the nation's words, kept for the life of the process: the `for_nation` tables
/// below and in the other portal pages are each made once per nation (four at most), so what
/// is kept is bounded. A text the nation says as England does is the same `&'static str`.
pub(crate) fn reworded(nation: &confer_domain::words::Words, s: &'static str) -> &'static str {
    let said = nation.reword(s);
    if said == s {
        s
    } else {
        Box::leak(said.into_boxed_str())
    }
}

/// The English words said in the authority's nation's words (issue 15), made once per nation
/// and kept (four at most); Welsh as it is (Welsh authorities use England's words).
pub fn for_nation(lang: Option<&str>, nation: &'static confer_domain::words::Words) -> &'static Words {
    use std::sync::OnceLock;
    static MADE: [OnceLock<Words>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let w = for_lang(lang);
    if w.lang != "en" {
        return w;
    }
    let i = confer_domain::Nation::ALL.iter().position(|n| *n == nation.nation).unwrap_or(0);
    MADE[i].get_or_init(|| {
        let r = |s: &'static str| reworded(nation, s);
        Words {
            lang: r(w.lang),
            other_lang: r(w.other_lang),
            other_lang_name: r(w.other_lang_name),
            your_conferences: r(w.your_conferences),
            no_conferences: r(w.no_conferences),
            view_conference: r(w.view_conference),
            date: r(w.date),
            time: r(w.time),
            place: r(w.place),
            video_link: r(w.video_link),
            chair: r(w.chair),
            what_for: r(w.what_for),
            not_yet_arranged: r(w.not_yet_arranged),
            excluded_no_details: r(w.excluded_no_details),
            state: r(w.state),
            purpose: r(w.purpose),
            back_home: r(w.back_home),
            cancelled: r(w.cancelled),
            excluded_title: r(w.excluded_title),
            excluded_whole: r(w.excluded_whole),
            excluded_part: r(w.excluded_part),
            excluded_reasons: r(w.excluded_reasons),
            excluded_views: r(w.excluded_views),
            excluded_help: r(w.excluded_help),
            invitation_title: r(w.invitation_title),
            no_invitation: r(w.no_invitation),
            your_answer: r(w.your_answer),
            not_answered: r(w.not_answered),
            answer_legend: r(w.answer_legend),
            answer_in_person: r(w.answer_in_person),
            answer_remote: r(w.answer_remote),
            answer_report_only: r(w.answer_report_only),
            answer_declined: r(w.answer_declined),
            decline_reason: r(w.decline_reason),
            decline_hint: r(w.decline_hint),
            send_answer: r(w.send_answer),
            answer_error: r(w.answer_error),
            answer_closed: r(w.answer_closed),
            supporter_title: r(w.supporter_title),
            supporter_intro: r(w.supporter_intro),
            supporter_name: r(w.supporter_name),
            supporter_kind: r(w.supporter_kind),
            supporter_solicitor_note: r(w.supporter_solicitor_note),
            name_supporter: r(w.name_supporter),
            supporter_late: r(w.supporter_late),
            supporter_allowed: r(w.supporter_allowed),
            supporter_not_allowed: r(w.supporter_not_allowed),
            supporter_error_name: r(w.supporter_error_name),
            supporter_error_kind: r(w.supporter_error_kind),
            reports_title: r(w.reports_title),
            no_reports: r(w.no_reports),
            report_by: r(w.report_by),
            report_shared_on: r(w.report_shared_on),
            parts_withheld: r(w.parts_withheld),
            views_title: r(w.views_title),
            views_intro: r(w.views_intro),
            views_young_person: r(w.views_young_person),
            views_label: r(w.views_label),
            views_hint: r(w.views_hint),
            send_views: r(w.send_views),
            views_sent: r(w.views_sent),
            views_read_out: r(w.views_read_out),
            views_error: r(w.views_error),
            needs_title: r(w.needs_title),
            needs_intro: r(w.needs_intro),
            interpreter_label: r(w.interpreter_label),
            interpreter_hint: r(w.interpreter_hint),
            needs_legend: r(w.needs_legend),
            needs_detail: r(w.needs_detail),
            needs_detail_hint: r(w.needs_detail_hint),
            send_needs: r(w.send_needs),
            needs_told: r(w.needs_told),
            interpreter_asked: r(w.interpreter_asked),
            need_met: r(w.need_met),
            need_waiting: r(w.need_waiting),
            outcome_title: r(w.outcome_title),
            outcome_waiting: r(w.outcome_waiting),
            record_title: r(w.record_title),
            record_waiting: r(w.record_waiting),
            record_version: r(w.record_version),
            download_pdf: r(w.download_pdf),
            download_large: r(w.download_large),
            download_html: r(w.download_html),
            download_outcome: r(w.download_outcome),
            sections_withheld: r(w.sections_withheld),
            correction_title: r(w.correction_title),
            correction_intro: r(w.correction_intro),
            correction_label: r(w.correction_label),
            send_correction: r(w.send_correction),
            correction_asked: r(w.correction_asked),
            correction_waiting: r(w.correction_waiting),
            correction_accepted: r(w.correction_accepted),
            correction_declined: r(w.correction_declined),
            correction_error: r(w.correction_error),
            done_answer: r(w.done_answer),
            done_supporter: r(w.done_supporter),
            done_views: r(w.done_views),
            done_needs: r(w.done_needs),
            done_correction: r(w.done_correction),
            conflict: r(w.conflict),
            plan_note: r(w.plan_note),
            help: r(w.help),
            error_prefix: r(w.error_prefix),
        }
    })
}

impl Words {
    fn cy(&self) -> bool {
        self.lang == "cy"
    }

    /// The kind of meeting in the authority's nation's words (issue 15), in this language.
    pub fn kind(&self, nation: &confer_domain::words::Words, k: ConferenceKind) -> &'static str {
        nation.kind_in(k, self.cy())
    }

    pub fn state(&self, s: ConferenceState) -> &'static str {
        match (s, self.cy()) {
            (ConferenceState::Requested, false) => "Being arranged",
            (ConferenceState::Requested, true) => "Yn cael ei threfnu",
            (ConferenceState::Scheduled, false) => "Arranged",
            (ConferenceState::Scheduled, true) => "Wedi'i threfnu",
            (ConferenceState::InProgress, false) => "Happening now",
            (ConferenceState::InProgress, true) => "Yn digwydd nawr",
            (ConferenceState::Closed, false) => "Finished",
            (ConferenceState::Closed, true) => "Wedi gorffen",
            (ConferenceState::Cancelled, false) => "Cancelled",
            (ConferenceState::Cancelled, true) => "Wedi'i chanslo",
        }
    }

    pub fn answer(&self, a: &Answer) -> String {
        match a {
            Answer::InPerson => self.answer_in_person.to_owned(),
            Answer::Remote => self.answer_remote.to_owned(),
            Answer::ReportOnly => self.answer_report_only.to_owned(),
            Answer::Declined { reason } => format!("{} ({reason})", self.answer_declined),
        }
    }

    pub fn supporter_kind(&self, k: SupporterKind) -> &'static str {
        match (k, self.cy()) {
            (SupporterKind::Friend, false) => "A friend",
            (SupporterKind::Friend, true) => "Ffrind",
            (SupporterKind::Relative, false) => "A relative",
            (SupporterKind::Relative, true) => "Perthynas",
            (SupporterKind::Advocate, false) => "An advocate",
            (SupporterKind::Advocate, true) => "Eiriolwr",
            (SupporterKind::Solicitor, false) => "A solicitor",
            (SupporterKind::Solicitor, true) => "Cyfreithiwr",
        }
    }

    pub fn need(&self, k: PracticalNeedKind) -> &'static str {
        match (k, self.cy()) {
            (PracticalNeedKind::AccessibleRoom, false) => "A room I can get into easily (step-free)",
            (PracticalNeedKind::AccessibleRoom, true) => "Ystafell y gallaf fynd iddi'n hawdd (heb risiau)",
            (PracticalNeedKind::Childcare, false) => "Childcare",
            (PracticalNeedKind::Childcare, true) => "Gofal plant",
            (PracticalNeedKind::Travel, false) => "Help with travel",
            (PracticalNeedKind::Travel, true) => "Help gyda theithio",
            (PracticalNeedKind::QuietSpace, false) => "A quiet space",
            (PracticalNeedKind::QuietSpace, true) => "Lle tawel",
            (PracticalNeedKind::HearingLoop, false) => "A hearing loop",
            (PracticalNeedKind::HearingLoop, true) => "Dolen sain",
            (PracticalNeedKind::Other, false) => "Something else",
            (PracticalNeedKind::Other, true) => "Rhywbeth arall",
        }
    }

    pub fn exclusion_reason(&self, r: ExclusionReason) -> &'static str {
        match (r, self.cy()) {
            (ExclusionReason::RiskOfViolence, false) => "There is a risk of violence to someone at the conference",
            (ExclusionReason::RiskOfViolence, true) => "Mae risg o drais i rywun yn y gynhadledd",
            (ExclusionReason::RiskOfHarmToChild, false) => "There is a risk of harm to the child if you are there",
            (ExclusionReason::RiskOfHarmToChild, true) => "Mae risg o niwed i'r plentyn os ydych chi yno",
            (ExclusionReason::HarmToOwnWellbeing, false) => "Being there could harm your own health or wellbeing",
            (ExclusionReason::HarmToOwnWellbeing, true) => "Gallai bod yno niweidio eich iechyd neu eich lles eich hun",
            (ExclusionReason::LikelyToDisrupt, false) => "The conference might not be able to carry on",
            (ExclusionReason::LikelyToDisrupt, true) => "Efallai na fyddai'r gynhadledd yn gallu parhau",
            (ExclusionReason::UnderTheInfluence, false) => "Drugs or alcohol",
            (ExclusionReason::UnderTheInfluence, true) => "Cyffuriau neu alcohol",
        }
    }

    pub fn views_route(&self, r: ViewsRoute) -> &'static str {
        match (r, self.cy()) {
            (ViewsRoute::LetterToChair, false) => "A letter to the chair, which is read out at the conference",
            (ViewsRoute::LetterToChair, true) => "Llythyr at y cadeirydd, a gaiff ei ddarllen yn y gynhadledd",
            (ViewsRoute::ThroughSocialWorker, false) => "Through your social worker",
            (ViewsRoute::ThroughSocialWorker, true) => "Drwy eich gweithiwr cymdeithasol",
            (ViewsRoute::PhoneOrVideo, false) => "By phone or video for your part",
            (ViewsRoute::PhoneOrVideo, true) => "Dros y ffôn neu drwy fideo ar gyfer eich rhan chi",
            (ViewsRoute::Representative, false) => "Through someone who speaks for you, such as a solicitor",
            (ViewsRoute::Representative, true) => "Drwy rywun sy'n siarad ar eich rhan, fel cyfreithiwr",
            (ViewsRoute::MeetingWithChair, false) => "A separate meeting with the chair",
            (ViewsRoute::MeetingWithChair, true) => "Cyfarfod ar wahân gyda'r cadeirydd",
        }
    }

    fn category(&self, c: PlanCategory) -> &'static str {
        match (c, self.cy()) {
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
    pub fn outcome(&self, o: &ChildOutcome) -> String {
        let cy = self.cy();
        match o {
            ChildOutcome::ChildProtectionPlan { category } | ChildOutcome::ContinuePlan { category } => {
                if cy {
                    format!("Cynllun amddiffyn plant, oherwydd {}", self.category(*category))
                } else {
                    format!("A child protection plan, because of {}", self.category(*category))
                }
            }
            ChildOutcome::ChildInNeedPlan | ChildOutcome::EndPlanStepDownToChildInNeed => {
                if cy {
                    "Cynllun plentyn mewn angen".into()
                } else {
                    "A child in need plan".into()
                }
            }
            ChildOutcome::NoFurtherPlan | ChildOutcome::EndPlanNoFurtherPlan => {
                if cy {
                    "Dim cynllun pellach".into()
                } else {
                    "No further plan".into()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_portal_text_has_a_welsh_version_lang_04() {
        let (en, cy) = (&super::ENGLISH, &super::WELSH);
        let pairs = [
            (en.your_conferences, cy.your_conferences),
            (en.invitation_title, cy.invitation_title),
            (en.views_intro, cy.views_intro),
            (en.views_young_person, cy.views_young_person),
            (en.excluded_whole, cy.excluded_whole),
            (en.correction_intro, cy.correction_intro),
            (en.parts_withheld, cy.parts_withheld),
            (en.download_pdf, cy.download_pdf),
            (en.download_large, cy.download_large),
            (en.download_html, cy.download_html),
            (en.download_outcome, cy.download_outcome),
            (en.needs_intro, cy.needs_intro),
            // rule: PLAN-06 — family documents say a plan does not change parental responsibility.
            (en.plan_note, cy.plan_note),
        ];
        for (e, c) in pairs {
            assert!(!c.is_empty() && e != c, "Welsh text missing for: {e}");
        }
    }
}
