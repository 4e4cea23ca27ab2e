//! A parent or carer chooses in the portal how they get letters (issue 14; LANG-03): by post,
//! on the authority's print list, or by e-mail, in English and Welsh (LANG-04). The choice is
//! the operation's (`confer_ops::contact`), saved at the family record's version the page was
//! made from and audited with it. The Welsh is a careful translation; have the authority's
//! Welsh language officer confirm it before the first Welsh authority goes live.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::SharedState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_ops::OpsError;

/// The letters section's words in one language.
pub struct LetterWords {
    pub title: &'static str,
    pub intro: &'static str,
    pub legend: &'static str,
    pub by_email: &'static str,
    pub by_email_hint: &'static str,
    pub no_email_hint: &'static str,
    pub by_post: &'static str,
    pub by_post_hint: &'static str,
    pub save: &'static str,
    pub saved_post: &'static str,
    pub saved_email: &'static str,
    pub error_choose: &'static str,
    pub error_conflict: &'static str,
    pub error_prefix: &'static str,
}

pub const ENGLISH: LetterWords = LetterWords {
    title: "How we send you letters",
    intro: "Invitations, new dates and other letters about the meeting can come by e-mail or by post.",
    legend: "How do you want to get letters?",
    by_email: "By e-mail",
    by_email_hint: "We send them to the e-mail address we have for you.",
    no_email_hint: "We do not have an e-mail address for you, so letters come by post until you give us one.",
    by_post: "By post",
    by_post_hint: "We print them and send them to your home address.",
    save: "Save how I get letters",
    saved_post: "You will get letters by post.",
    saved_email: "You will get letters by e-mail.",
    error_choose: "Choose by e-mail or by post",
    error_conflict: "Someone changed your family's details after you opened this page, so nothing was changed. Check how you get letters below, then choose again.",
    error_prefix: "Error:",
};

pub const WELSH: LetterWords = LetterWords {
    title: "Sut rydym yn anfon llythyrau atoch chi",
    intro: "Gall gwahoddiadau, dyddiadau newydd a llythyrau eraill am y cyfarfod ddod drwy e-bost neu drwy'r post.",
    legend: "Sut ydych chi eisiau cael llythyrau?",
    by_email: "Drwy e-bost",
    by_email_hint: "Rydym yn eu hanfon i'r cyfeiriad e-bost sydd gennym ar eich cyfer.",
    no_email_hint: "Nid oes gennym gyfeiriad e-bost ar eich cyfer, felly bydd llythyrau'n dod drwy'r post nes i chi roi un i ni.",
    by_post: "Drwy'r post",
    by_post_hint: "Rydym yn eu hargraffu ac yn eu hanfon i'ch cyfeiriad cartref.",
    save: "Cadw sut rydw i'n cael llythyrau",
    saved_post: "Byddwch yn cael llythyrau drwy'r post.",
    saved_email: "Byddwch yn cael llythyrau drwy e-bost.",
    error_choose: "Dewiswch drwy e-bost neu drwy'r post",
    error_conflict: "Newidiodd rhywun fanylion eich teulu ar ôl i chi agor y dudalen hon, felly ni newidiwyd dim. Gwiriwch sut rydych chi'n cael llythyrau isod, yna dewiswch eto.",
    error_prefix: "Gwall:",
};

pub fn words(lang: &str) -> &'static LetterWords {
    if lang == "cy" {
        &WELSH
    } else {
        &ENGLISH
    }
}

/// The notice after a choice, or the error to show by the choice, from the home's address.
pub fn said(w: &'static LetterWords, done: Option<&str>, letters: Option<&str>) -> (Option<&'static str>, Option<&'static str>) {
    let notice = match done {
        Some("letters-post") => Some(w.saved_post),
        Some("letters-email") => Some(w.saved_email),
        _ => None,
    };
    let error = match letters {
        Some("choose") => Some(w.error_choose),
        Some("conflict") => Some(w.error_conflict),
        _ => None,
    };
    (notice, error)
}

/// POST /portal/families/{family_id}/letters: the parent's or carer's choice (LANG-03).
pub async fn choose(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or("");
    let lang = if get("lang") == "cy" { "cy" } else { "en" };
    let back = |what: &str| Redirect::to(&format!("/portal?lang={lang}&{what}#letters")).into_response();
    let wanted = match get("prefers_post") {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let version = get("version").trim().parse::<i64>().ok();
    let (Some(wanted), Some(version)) = (wanted, version) else {
        // The policy first, so nothing is said to someone who may not reach the family.
        confer_ops::conference::authorize_family(
            &state.ops,
            &ctx.actor,
            confer_domain::access::Action::TakePartAsFamily,
            &family_id,
        )
        .await
        .map_err(crate::pages::conferences::to_app)?;
        return Ok(back("letters=choose"));
    };
    match confer_ops::contact::choose_letters_by_post(&state.ops, &ctx.actor, &family_id, version, wanted).await {
        Ok(_) => Ok(back(if wanted { "done=letters-post" } else { "done=letters-email" })),
        Err(OpsError::Conflict { .. }) => Ok(back("letters=conflict")),
        Err(e) => Err(crate::pages::conferences::to_app(e)),
    }
}
