//! Family-facing words in English and Welsh (LANG-04). Every page a family sees takes its
//! text from here, so a Welsh speaker never meets an English-only page.

pub struct Text {
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_intro: &'static str,
    pub email_label: &'static str,
    pub email_hint: &'static str,
    pub email_error: &'static str,
    pub send_code: &'static str,
    pub too_many: &'static str,
    /// Too many codes asked for from one network (any addresses).
    pub too_many_from_network: &'static str,
    pub code_title: &'static str,
    pub code_intro: &'static str,
    pub code_label: &'static str,
    pub code_error: &'static str,
    pub continue_button: &'static str,
    pub new_code: &'static str,
    pub locked: &'static str,
    pub choose_title: &'static str,
    pub choose_intro: &'static str,
    pub choose_error: &'static str,
    pub error_summary_title: &'static str,
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub confidential: &'static str,
}

pub const ENGLISH: Text = Text {
    lang: "en",
    other_lang: "cy",
    other_lang_name: "Cymraeg",
    sign_in_title: "Sign in to see your conference information",
    sign_in_intro: "We will send a sign-in code to the email address you gave your social worker.",
    email_label: "Email address",
    email_hint: "The code works once, for 10 minutes.",
    email_error: "Enter an email address in the correct format, like name@example.com",
    send_code: "Send me a code",
    too_many: "You have asked for too many codes. Try again after",
    too_many_from_network: "Too many codes have been asked for from your network. Try again after",
    code_title: "Enter your sign-in code",
    code_intro: "If we know your email address, we have sent a 6-digit code to it. It may take a few minutes to arrive. Check your spam folder too.",
    code_label: "Sign-in code",
    code_error: "The code is not right or has expired. Check the code in the email, or ask for a new one",
    continue_button: "Continue",
    new_code: "Ask for a new code",
    locked: "Too many wrong codes were entered, so signing in with this email address is locked. Try again after",
    choose_title: "Choose where to sign in",
    choose_intro: "Your email address has portal access with more than one council. Choose the one you want to see now.",
    choose_error: "Choose a council",
    error_summary_title: "There is a problem",
    home_title: "Your conference information",
    home_intro: "Here you will find your invitation, the reports shared with you, and what was decided. You can also send your views to the chair.",
    confidential: "What is said at a child protection conference is confidential. It is shared outside the conference only to protect a child, or with your agreement.",
};

pub const WELSH: Text = Text {
    lang: "cy",
    other_lang: "en",
    other_lang_name: "English",
    sign_in_title: "Mewngofnodi i weld gwybodaeth am eich cynhadledd",
    sign_in_intro: "Byddwn yn anfon cod mewngofnodi i'r cyfeiriad e-bost a roesoch i'ch gweithiwr cymdeithasol.",
    email_label: "Cyfeiriad e-bost",
    email_hint: "Mae'r cod yn gweithio unwaith, am 10 munud.",
    email_error: "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@example.com",
    send_code: "Anfonwch god ataf",
    too_many: "Rydych wedi gofyn am ormod o godau. Rhowch gynnig arall ar ôl",
    too_many_from_network: "Gofynnwyd am ormod o godau o'ch rhwydwaith. Rhowch gynnig arall ar ôl",
    code_title: "Rhowch eich cod mewngofnodi",
    code_intro: "Os ydym yn adnabod eich cyfeiriad e-bost, rydym wedi anfon cod 6 digid ato. Gall gymryd ychydig funudau i gyrraedd. Edrychwch yn eich ffolder sbam hefyd.",
    code_label: "Cod mewngofnodi",
    code_error: "Nid yw'r cod yn gywir neu mae wedi dod i ben. Gwiriwch y cod yn yr e-bost, neu gofynnwch am un newydd",
    continue_button: "Parhau",
    new_code: "Gofyn am god newydd",
    locked: "Rhoddwyd gormod o godau anghywir, felly mae mewngofnodi gyda'r cyfeiriad e-bost hwn wedi'i gloi. Rhowch gynnig arall ar ôl",
    choose_title: "Dewiswch ble i fewngofnodi",
    choose_intro: "Mae gan eich cyfeiriad e-bost fynediad i'r porth gyda mwy nag un cyngor. Dewiswch yr un rydych am ei weld nawr.",
    choose_error: "Dewiswch gyngor",
    error_summary_title: "Mae problem wedi codi",
    home_title: "Gwybodaeth am eich cynhadledd",
    home_intro: "Yma fe welwch eich gwahoddiad, yr adroddiadau a rannwyd â chi, a'r hyn a benderfynwyd. Gallwch hefyd anfon eich barn at y cadeirydd.",
    confidential: "Mae'r hyn a ddywedir mewn cynhadledd amddiffyn plant yn gyfrinachol. Caiff ei rannu y tu allan i'r gynhadledd dim ond i amddiffyn plentyn, neu gyda'ch cytundeb.",
};

/// The authenticator pages (enrolment, the code, the recovery codes) in English and Welsh:
/// staff see them in English; a partner professional coming from the Welsh portal sees them
/// in Welsh (issue 10).
pub struct FactorText {
    pub lang: &'static str,
    pub enrol_title: &'static str,
    pub enrol_intro: &'static str,
    pub enrol_step_open: &'static str,
    pub enrol_step_scan: &'static str,
    pub enrol_step_enter: &'static str,
    pub enrol_key: &'static str,
    /// Followed by the name the app shows for the account.
    pub enrol_shows_as: &'static str,
    pub enrol_hint: &'static str,
    pub enrol_error: &'static str,
    pub code_title: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub code_empty: &'static str,
    pub code_error: &'static str,
    pub no_phone: &'static str,
    pub recovery_title: &'static str,
    pub recovery_warning: &'static str,
    pub recovery_intro: &'static str,
    pub recovery_saved: &'static str,
    pub continue_button: &'static str,
}

pub const ENGLISH_FACTOR: FactorText = FactorText {
    lang: "en",
    enrol_title: "Set up your authenticator app",
    enrol_intro: "confer asks for a code from an authenticator app each time you sign in, so that nobody can sign in with your password or email alone.",
    enrol_step_open: "Open your authenticator app (for example Microsoft Authenticator or Google Authenticator) and add an account.",
    enrol_step_scan: "Scan this QR code, or type in the key below it.",
    enrol_step_enter: "Enter the 6-digit code the app shows.",
    enrol_key: "Key:",
    enrol_shows_as: "Your app will show this account as",
    enrol_hint: "The 6-digit code your app shows for confer",
    enrol_error: "The code is not right. Enter the 6-digit code your authenticator app shows for confer",
    code_title: "Enter the code from your authenticator app",
    code_label: "Security code",
    code_hint: "The 6-digit code your app shows for confer. If you have lost your phone, enter one of your recovery codes, like 1a2b-3c4d-5e6f-7a8b-9c0d.",
    code_empty: "Enter the 6-digit code from your authenticator app, or one of your recovery codes",
    code_error: "The code is not right. Enter the code your authenticator app shows now (it changes every 30 seconds), or one of your recovery codes",
    no_phone: "If you have no phone and no recovery codes, ask your administrator to reset your second factor.",
    recovery_title: "Save your recovery codes",
    recovery_warning: "These codes are shown only once. Keep them somewhere safe, away from your phone.",
    recovery_intro: "If you lose your phone, each code lets you sign in once instead of a code from your app.",
    recovery_saved: "I have saved my codes",
    continue_button: "Continue",
};

pub const WELSH_FACTOR: FactorText = FactorText {
    lang: "cy",
    enrol_title: "Gosod eich ap dilysu",
    enrol_intro: "Mae confer yn gofyn am god o ap dilysu bob tro y byddwch yn mewngofnodi, fel na all neb fewngofnodi gyda'ch cyfrinair neu'ch e-bost yn unig.",
    enrol_step_open: "Agorwch eich ap dilysu (er enghraifft Microsoft Authenticator neu Google Authenticator) ac ychwanegwch gyfrif.",
    enrol_step_scan: "Sganiwch y cod QR hwn, neu teipiwch yr allwedd oddi tano.",
    enrol_step_enter: "Rhowch y cod 6 digid y mae'r ap yn ei ddangos.",
    enrol_key: "Allwedd:",
    enrol_shows_as: "Bydd eich ap yn dangos y cyfrif hwn fel",
    enrol_hint: "Y cod 6 digid y mae eich ap yn ei ddangos ar gyfer confer",
    enrol_error: "Nid yw'r cod yn gywir. Rhowch y cod 6 digid y mae eich ap dilysu yn ei ddangos ar gyfer confer",
    code_title: "Rhowch y cod o'ch ap dilysu",
    code_label: "Cod diogelwch",
    code_hint: "Y cod 6 digid y mae eich ap yn ei ddangos ar gyfer confer. Os ydych wedi colli eich ffôn, rhowch un o'ch codau adfer, fel 1a2b-3c4d-5e6f-7a8b-9c0d.",
    code_empty: "Rhowch y cod 6 digid o'ch ap dilysu, neu un o'ch codau adfer",
    code_error: "Nid yw'r cod yn gywir. Rhowch y cod y mae eich ap dilysu yn ei ddangos nawr (mae'n newid bob 30 eiliad), neu un o'ch codau adfer",
    no_phone: "Os nad oes gennych ffôn na chodau adfer, gofynnwch i'ch gweinyddwr ailosod eich ail ffactor.",
    recovery_title: "Cadwch eich codau adfer",
    recovery_warning: "Dim ond unwaith y dangosir y codau hyn. Cadwch nhw rywle diogel, i ffwrdd o'ch ffôn.",
    recovery_intro: "Os byddwch yn colli eich ffôn, mae pob cod yn gadael i chi fewngofnodi unwaith yn lle cod o'ch ap.",
    recovery_saved: "Rwyf wedi cadw fy nghodau",
    continue_button: "Parhau",
};

/// The authenticator pages' words for where the person goes next: Welsh when they came from
/// the Welsh portal (`next` asks for `lang=cy`), else English.
pub fn factor_text_for_next(next: &str) -> &'static FactorText {
    let welsh = next.split_once('?').is_some_and(|(_, q)| q.split('&').any(|pair| pair == "lang=cy"));
    if welsh {
        &WELSH_FACTOR
    } else {
        &ENGLISH_FACTOR
    }
}

pub fn for_lang(lang: Option<&str>) -> &'static Text {
    match lang {
        Some("cy") => &WELSH,
        _ => &ENGLISH,
    }
}

/// The English words said in the authority's nation's words (issue 15), made once per nation
/// and kept (four at most); Welsh as it is (Welsh authorities use England's words).
pub fn for_nation(lang: Option<&str>, nation: &'static confer_domain::words::Words) -> &'static Text {
    use std::sync::OnceLock;
    static MADE: [OnceLock<Text>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let w = for_lang(lang);
    if w.lang != "en" {
        return w;
    }
    let i = confer_domain::Nation::ALL.iter().position(|n| *n == nation.nation).unwrap_or(0);
    MADE[i].get_or_init(|| {
        let r = |s: &'static str| super::portal_words::reworded(nation, s);
        Text {
            lang: r(w.lang),
            other_lang: r(w.other_lang),
            other_lang_name: r(w.other_lang_name),
            sign_in_title: r(w.sign_in_title),
            sign_in_intro: r(w.sign_in_intro),
            email_label: r(w.email_label),
            email_hint: r(w.email_hint),
            email_error: r(w.email_error),
            send_code: r(w.send_code),
            too_many: r(w.too_many),
            too_many_from_network: r(w.too_many_from_network),
            code_title: r(w.code_title),
            code_intro: r(w.code_intro),
            code_label: r(w.code_label),
            code_error: r(w.code_error),
            continue_button: r(w.continue_button),
            new_code: r(w.new_code),
            locked: r(w.locked),
            choose_title: r(w.choose_title),
            choose_intro: r(w.choose_intro),
            choose_error: r(w.choose_error),
            error_summary_title: r(w.error_summary_title),
            home_title: r(w.home_title),
            home_intro: r(w.home_intro),
            confidential: r(w.confidential),
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_family_facing_text_has_a_welsh_version_lang_04_meet_04() {
        let (en, cy) = (&super::ENGLISH, &super::WELSH);
        let pairs = [
            (en.sign_in_title, cy.sign_in_title),
            (en.email_label, cy.email_label),
            (en.code_title, cy.code_title),
            (en.confidential, cy.confidential),
            (en.locked, cy.locked),
            (en.too_many_from_network, cy.too_many_from_network),
            (en.choose_title, cy.choose_title),
            (en.choose_intro, cy.choose_intro),
            (en.choose_error, cy.choose_error),
            (en.new_code, cy.new_code),
            (en.home_intro, cy.home_intro),
        ];
        for (e, c) in pairs {
            assert!(!c.is_empty() && e != c, "Welsh text missing for: {e}");
        }
        assert!(en.confidential.contains("confidential"));
    }

    #[test]
    fn the_authenticator_pages_have_welsh_words_and_follow_the_portal_language_lang_04() {
        let (en, cy) = (&super::ENGLISH_FACTOR, &super::WELSH_FACTOR);
        for (e, c) in [
            (en.enrol_title, cy.enrol_title),
            (en.enrol_intro, cy.enrol_intro),
            (en.enrol_shows_as, cy.enrol_shows_as),
            (en.code_title, cy.code_title),
            (en.code_hint, cy.code_hint),
            (en.code_error, cy.code_error),
            (en.recovery_title, cy.recovery_title),
            (en.recovery_warning, cy.recovery_warning),
            (en.recovery_saved, cy.recovery_saved),
        ] {
            assert!(!c.is_empty() && e != c, "Welsh text missing for: {e}");
        }
        assert_eq!(super::factor_text_for_next("/portal?lang=cy").lang, "cy");
        assert_eq!(super::factor_text_for_next("/portal").lang, "en");
        assert_eq!(super::factor_text_for_next("/families?q=lang=cy").lang, "en");
    }
}
