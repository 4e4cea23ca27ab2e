//! A report sent as a file (REP-01..03): which files are taken (a PDF, Word, OpenDocument,
//! RTF or plain-text document, recognised by its content, not by its name), how large, and
//! who may read the file of a restricted report (never the family: REP-03, EXC-06).
//!
//! The bytes themselves are kept by the store; the conference keeps what it needs to know
//! about them ([`ReportFile`]): name, type, size and SHA-256, so the record shows what was
//! submitted and the file can be checked against it.

use super::{Acting, ConferenceError, Outcome, ReportId, ReportPart, RestrictionReason, Visibility};
use crate::calendar::WorkingCalendar;
use crate::model::{ProfessionalId, Role};
use crate::policy::Policy;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The largest report file taken (the upload page states it).
pub const MAX_REPORT_FILE_BYTES: usize = 10 * 1024 * 1024;

crate::text_enum! {
    /// The kinds of document a report may be sent as.
    pub enum ReportFileType {
        Pdf => "application/pdf", "PDF";
        Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document (DOCX)";
        Odt => "application/vnd.oasis.opendocument.text", "OpenDocument text (ODT)";
        Rtf => "application/rtf", "Rich Text Format (RTF)";
        Text => "text/plain", "Plain text";
    }
}

impl ReportFileType {
    /// The file name endings each type is known by.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            ReportFileType::Pdf => &["pdf"],
            ReportFileType::Docx => &["docx"],
            ReportFileType::Odt => &["odt"],
            ReportFileType::Rtf => &["rtf"],
            ReportFileType::Text => &["txt", "text"],
        }
    }

    /// What the content itself is, from its signature (magic bytes), whatever its name says.
    pub fn sniff(bytes: &[u8]) -> Option<ReportFileType> {
        const ZIP: &[u8] = b"PK\x03\x04";
        if bytes.starts_with(b"%PDF-") {
            return Some(ReportFileType::Pdf);
        }
        if bytes.starts_with(b"{\\rtf") {
            return Some(ReportFileType::Rtf);
        }
        if bytes.starts_with(ZIP) {
            // An OpenDocument file starts with an uncompressed entry `mimetype` holding its type.
            let head = &bytes[..bytes.len().min(128)];
            if contains(head, b"mimetypeapplication/vnd.oasis.opendocument.text") {
                return Some(ReportFileType::Odt);
            }
            // A Word document is a ZIP package with its main part at word/document.xml (entry
            // names are stored uncompressed in the local headers and the central directory).
            if contains(bytes, b"[Content_Types].xml") && contains(bytes, b"word/document.xml") {
                return Some(ReportFileType::Docx);
            }
            return None;
        }
        // Plain text: UTF-8 with no control characters but tab, line breaks and form feed.
        let text = std::str::from_utf8(bytes).ok()?;
        let clean = text.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
        clean.then_some(ReportFileType::Text)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Why a file was not taken as a report. Each message says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportFileError {
    #[error("Choose the report's file to upload")]
    NoFile,
    #[error("The file {name} is empty. Choose the file with the report in it.")]
    Empty { name: String },
    #[error("The file {name} is {size}, which is more than the largest file taken ({limit}). Save it smaller (for example as a PDF without scanned images) or type the report into the form.")]
    TooLarge { name: String, size: String, limit: String },
    #[error("The file {name} is not a type confer takes. Upload a PDF, Word (DOCX), OpenDocument (ODT), RTF or plain text (TXT) file.")]
    NotAllowed { name: String },
    #[error("The file {name} is named as {claimed} but its content is not: it may be damaged or another kind of file. Save it again as a PDF, DOCX, ODT, RTF or TXT file and upload that.")]
    ContentMismatch { name: String, claimed: &'static str },
}

/// "2.5 MB" for people.
pub fn size_in_words(bytes: usize) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / MB)
    } else if bytes >= 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// What the conference knows of a report's file; the store keeps the bytes under `document_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFile {
    pub document_id: String,
    pub file_name: String,
    pub file_type: ReportFileType,
    pub size_bytes: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}

impl ReportFile {
    /// Checks an uploaded file (REP-*: the types and size a report may be sent as): the name's
    /// ending must be one of the accepted types, and the content must be that type by its
    /// signature, not by its name alone; empty and over-size files are refused.
    pub fn check(document_id: String, file_name: &str, bytes: &[u8]) -> Result<ReportFile, ReportFileError> {
        // Only the last part of a path a browser may send, without control characters.
        let name: String = file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .trim()
            .to_owned();
        if name.is_empty() {
            return Err(ReportFileError::NoFile);
        }
        if bytes.is_empty() {
            return Err(ReportFileError::Empty { name });
        }
        if bytes.len() > MAX_REPORT_FILE_BYTES {
            return Err(ReportFileError::TooLarge {
                name,
                size: size_in_words(bytes.len()),
                limit: size_in_words(MAX_REPORT_FILE_BYTES),
            });
        }
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        let Some(claimed) = ReportFileType::ALL.iter().copied().find(|t| t.extensions().contains(&ext.as_str())) else {
            return Err(ReportFileError::NotAllowed { name });
        };
        if ReportFileType::sniff(bytes) != Some(claimed) {
            return Err(ReportFileError::ContentMismatch { name, claimed: claimed.label() });
        }
        Ok(ReportFile {
            document_id,
            file_name: name,
            file_type: claimed,
            size_bytes: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
        })
    }
}

impl super::Conference {
    /// REP-02, REP-03: a report sent as a file, with a summary the chair and the record can
    /// read, restricted as a whole when it holds third-party or police information. It is a
    /// report like a typed one (numbered, due to the chair, shared with parents).
    #[allow(clippy::too_many_arguments)]
    pub fn submit_report_file(
        &mut self,
        who: &Acting,
        author: &ProfessionalId,
        file: ReportFile,
        summary: &str,
        restricted: Option<RestrictionReason>,
        policy: &Policy,
        calendar: &dyn WorkingCalendar,
        today: NaiveDate,
    ) -> Outcome<ReportId> {
        let part = ReportPart {
            heading: format!("Report file: {}", file.file_name),
            text: match summary.trim() {
                "" => format!("The report is in the file {} ({}).", file.file_name, file.file_type.label()),
                s => s.to_owned(),
            },
            restricted,
        };
        let id = self.submit_report(who, author, vec![part], policy, calendar, today)?;
        if let Some(r) = self.reports.iter_mut().find(|r| r.id == id) {
            r.file = Some(file);
        }
        Ok(id)
    }

    /// What a reader of the conference may see (REP-03, EXC-06): staff everything, a
    /// professional of the conference everything, a family member what the family may, and
    /// anyone else (a supporter the conference does not know) no restricted content at all.
    pub fn visibility_of_reader(&self, who: &Acting) -> Visibility {
        if let Some(adult) = &who.adult_id {
            return self.visibility_for(&super::Recipient::FamilyMember(adult.clone()));
        }
        if who.roles.iter().any(|r| r.is_staff()) {
            return Visibility::EVERYTHING;
        }
        if who.has(Role::Professional) && self.professionals.iter().any(|p| p.user_id.as_ref() == Some(&who.user_id)) {
            return Visibility::EVERYTHING;
        }
        if let Some(child) = &who.child_id {
            return self.visibility_for(&super::Recipient::Child(child.clone()));
        }
        Visibility::LEAST
    }

    /// REP-03: the file of a report, for a reader who may see it. A restricted report's file
    /// is never given to the family (nor their supporter): the file cannot be redacted.
    pub fn report_file_for(&self, report: ReportId, reader: &Visibility) -> Outcome<&ReportFile> {
        let r = self.reports.iter().find(|r| r.id == report).ok_or(ConferenceError::NotFound { what: "report" })?;
        let file = r.file.as_ref().ok_or(ConferenceError::NotFound { what: "file of that report" })?;
        if !reader.restricted_content {
            if let Some(p) = r.parts.iter().find(|p| p.restricted.is_some()) {
                return Err(ConferenceError::RestrictedPart { heading: p.heading.clone() });
            }
        }
        Ok(file)
    }
}
