//! The answer to a subject access request (RIGHT-01): what confer holds about the requester,
//! with each approved redaction replaced by a visible mark, and the list of the redactions
//! made (what kind, why, under which exemption), in English or Welsh.

use crate::doc::Doc;
use crate::letters::long_date;
use confer_domain::conference::DocumentLanguage;
use confer_domain::subject_access::{Item, SubjectAccessRequest};

/// The mark's word: "[redacted: reason]" / "[wedi'i guddio: reason]".
pub fn mark_word(language: DocumentLanguage) -> &'static str {
    match language {
        DocumentLanguage::English => "redacted",
        DocumentLanguage::Welsh => "wedi'i guddio",
    }
}

/// The bundle: `items` are the request's items with the redactions applied
/// ([`SubjectAccessRequest::redacted_items`] with [`mark_word`]).
pub fn bundle(
    r: &SubjectAccessRequest,
    items: &[Item],
    authority_name: &str,
    answered_on: chrono::NaiveDate,
    language: DocumentLanguage,
) -> Doc {
    let cy = language == DocumentLanguage::Welsh;
    let t = |en: &'static str, welsh: &'static str| if cy { welsh } else { en };
    let mut d = Doc::new(t("The records we hold about you", "Y cofnodion sydd gennym amdanoch chi"), language);
    d.list(vec![
        format!("{}: {}", t("For", "I"), r.requester_name),
        format!("{}: {}", t("From", "Gan"), authority_name),
        format!("{}: {}", t("You asked on", "Gwnaethoch ofyn ar"), long_date(r.received_on, language)),
        format!("{}: {}", t("Answered on", "Atebwyd ar"), long_date(answered_on, language)),
    ]);
    d.para(t(
        "This is a copy of the information we hold about you in our child protection conference system. Where we have taken information out, you will see a mark in square brackets saying why. The list at the end says what we took out, why, and the part of the law that allows it.",
        "Dyma gopi o'r wybodaeth sydd gennym amdanoch chi yn ein system cynadleddau amddiffyn plant. Lle rydym wedi tynnu gwybodaeth allan, fe welwch nodyn mewn cromfachau sgwâr yn dweud pam. Mae'r rhestr ar y diwedd yn dweud beth a dynnwyd allan, pam, a'r rhan o'r gyfraith sy'n caniatáu hynny.",
    ));
    d.para(t(
        "If you think we have taken out too much, or something is missing or wrong, you can ask us to look again or complain to the Information Commissioner's Office (ico.org.uk).",
        "Os ydych chi'n meddwl ein bod wedi tynnu gormod allan, neu fod rhywbeth ar goll neu'n anghywir, gallwch ofyn i ni edrych eto neu gwyno i Swyddfa'r Comisiynydd Gwybodaeth (ico.org.uk).",
    ));
    d.heading(t("What we hold about you", "Yr hyn sydd gennym amdanoch chi"));
    for item in items {
        d.subheading(format!("{}. {}", item.number, item.heading));
        d.paragraphs(&item.text);
    }
    d.heading(t("What we took out and why", "Yr hyn a dynnwyd allan a pham"));
    let rows: Vec<Vec<String>> = r
        .redactions
        .iter()
        .filter(|x| x.is_approved())
        .map(|x| vec![x.item.to_string(), x.kind.label().to_owned(), x.reason.clone(), x.exemption.label().to_owned()])
        .collect();
    if rows.is_empty() {
        d.para(t("We did not take anything out.", "Ni wnaethom dynnu dim allan."));
    } else {
        d.table(
            t("Information taken out", "Gwybodaeth a dynnwyd allan"),
            vec![
                t("Item", "Eitem").into(),
                t("Kind", "Math").into(),
                t("Why", "Pam").into(),
                t("Exemption", "Eithriad").into(),
            ],
            rows,
        );
    }
    d
}
