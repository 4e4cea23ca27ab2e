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

pub fn for_lang(lang: Option<&str>) -> &'static Text {
    match lang {
        Some("cy") => &WELSH,
        _ => &ENGLISH,
    }
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
}
