//! The reports' forms: a report typed or uploaded as a file (checked for what it claims to
//! be), its file downloaded by those allowed, and sharing it with the parents (REP-*).

use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::arrange::Fields;
use crate::pages::conferences::{allow, begin, done, finish, person_of, Home, Problem, Sent};
use crate::view;
use crate::SharedState;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_ops::conference;
use confer_store::conferences;
use confer_store::documents;

pub async fn submit_report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::SubmitReport, &id, f).await?;
    let r = async {
        let Some(author) = sent.opt("author") else {
            return Err(Problem::Field("author", "Select whose report this is".into()));
        };
        let mut parts = Vec::new();
        for n in 1..=3 {
            let heading = sent.get(&format!("heading_{n}")).trim().to_owned();
            let text = sent.get(&format!("text_{n}")).trim().to_owned();
            if heading.is_empty() && text.is_empty() {
                continue;
            }
            if heading.is_empty() {
                return Err(Problem::Field(HEADINGS[n - 1], format!("Enter a heading for part {n}")));
            }
            let restricted = match sent.opt(&format!("restricted_{n}")) {
                None => None,
                Some(r) => Some(RestrictionReason::parse(&r).ok_or_else(|| {
                    Problem::Field(RESTRICTIONS[n - 1], "Select why the part is restricted from the list".into())
                })?),
            };
            parts.push(ReportPart { heading, text, restricted });
        }
        if parts.is_empty() {
            return Err(Problem::Field("heading_1", "Enter the report: at least one part with a heading".into()));
        }
        let b = conference::ReportInput { author, parts };
        done(conference::submit_report(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "report", "author", sent, r).await
}

const HEADINGS: [&str; 3] = ["heading_1", "heading_2", "heading_3"];
const RESTRICTIONS: [&str; 3] = ["restricted_1", "restricted_2", "restricted_3"];

/// A file read from a multipart form.
struct Upload {
    name: String,
    bytes: Vec<u8>,
}

/// Reads a multipart form: its text fields in order, and the file of the field `file`. A file
/// over the limit is read no further than the limit plus one byte, so the domain can say it is
/// too large; the router's body limit sits a little above, so the form is never lost to a 413.
async fn read_multipart(mut m: Multipart) -> Result<(Sent, Option<Upload>), AppError> {
    let bad =
        |_| AppError::BadRequest("The form could not be read. Go back, reload the page and send it again.".into());
    let mut fields = Vec::new();
    let mut upload = None;
    while let Some(mut field) = m.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if bytes.len() <= MAX_REPORT_FILE_BYTES {
                    let room = MAX_REPORT_FILE_BYTES + 1 - bytes.len();
                    bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
            }
            if !file_name.is_empty() || !bytes.is_empty() {
                upload = Some(Upload { name: file_name, bytes });
            }
        } else {
            let value = field.text().await.map_err(bad)?;
            fields.push((name, value));
        }
    }
    Ok((Sent(fields), upload))
}

/// REP-02, REP-03: a report sent as a file (PDF, DOCX, ODT, RTF or plain text, checked by its
/// content), with a summary and whether the whole file is restricted. The file is stored in
/// the same transaction as the report, with who, when, size, type and SHA-256, and audited.
pub async fn upload_report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, AppError> {
    allow(&state, &ctx, Action::SubmitReport, &id).await?;
    let multipart = Multipart::from_request(req, &()).await.map_err(|_| {
        AppError::BadRequest("This form sends a file: use the upload form on the conference page.".into())
    })?;
    let (sent, upload) = read_multipart(multipart).await?;
    let v = sent.version()?;
    let r = async {
        let Some(author) = sent.opt("author") else {
            return Err(Problem::Field("author", "Select whose report this is".into()));
        };
        let restricted = match sent.opt("restricted") {
            None => None,
            Some(r) => Some(RestrictionReason::parse(&r).ok_or_else(|| {
                Problem::Field("restricted", "Select why the file is restricted from the list".into())
            })?),
        };
        let Some(upload) = upload else {
            return Err(Problem::Field("file", ReportFileError::NoFile.to_string()));
        };
        let b = conference::ReportFileInput {
            author,
            file_name: upload.name,
            bytes: upload.bytes,
            summary: sent.get("summary").to_owned(),
            restricted,
        };
        done(conference::submit_report_file(&state.ops, &ctx.actor, &id, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "upload", "file", sent, r).await
}

pub async fn download_report_file(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let a = allow(&state, &ctx, Action::ViewConference, &id).await?;
    let stored = conferences::load(&state.db, &id).await?;
    let c = &stored.conference;
    let visibility = c.visibility_of_reader(&a.acting);
    let file = match number.parse::<u32>().map(|n| c.report_file_for(ReportId(n), &visibility)) {
        Ok(Ok(f)) => f.clone(),
        // REP-03: a restricted report's file for someone who may not read it.
        Ok(Err(ConferenceError::RestrictedPart { .. })) => return Err(AppError::Forbidden),
        // No file under that number (yet): the reports on the conference page.
        _ => return Ok(Redirect::to(&format!("/conferences/{id}#reports")).into_response()),
    };
    let doc = documents::read(
        &state.db,
        a.owner.authority_id.as_str(),
        a.owner.family_id.as_str(),
        &id,
        &file.document_id,
        ctx.actor_id(),
    )
    .await?;
    let mut res = doc.content.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.file_type.as_str()));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&file.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `attachment` with an ASCII fallback name and the exact name in RFC 5987 encoding.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", view::url_encode(name))
}

/// REP-01, REP-04: records that a report was shared with a parent or carer; after the
/// deadline the domain asks for the reason. Restricted parts are never sent to the family.
pub async fn share_report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::SubmitReport, &id, f).await?;
    let r = async {
        let Ok(number) = sent.get("report").parse::<u32>() else {
            return Err(Problem::Field("report", "Select the report".into()));
        };
        let recipient = match person_of(sent.get("recipient")) {
            Some(Person::FamilyMember(x)) => Recipient::FamilyMember(x),
            _ => return Err(Problem::Field("recipient", "Select the parent or carer it was shared with".into())),
        };
        let b = conference::ShareInput {
            recipient,
            discussed_with_author: sent.yes("discussed"),
            late_reason: sent.opt("late_reason"),
        };
        done(conference::share_report(&state.ops, &ctx.actor, &id, number, v, b).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "share", "late_reason", sent, r).await
}
