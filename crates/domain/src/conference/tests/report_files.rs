//! Reports sent as files: the types and size taken (REP-02), and a restricted report's file
//! never given to the family (REP-03, EXC-06).

use super::*;

fn docx() -> Vec<u8> {
    let mut b = b"PK\x03\x04".to_vec();
    b.extend_from_slice(b"\x14\x00\x00\x00[Content_Types].xml....PK\x03\x04word/document.xml....");
    b
}

fn odt() -> Vec<u8> {
    let mut b = b"PK\x03\x04".to_vec();
    b.extend_from_slice(&[0u8; 26]);
    b.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.textPK\x03\x04content.xml");
    b
}

#[test]
fn each_accepted_type_is_recognised_by_its_content_rep_02() {
    let ok = |name: &str, bytes: &[u8]| ReportFile::check("doc-1".into(), name, bytes).map(|f| f.file_type);
    assert_eq!(ok("report.pdf", b"%PDF-1.7\n..."), Ok(ReportFileType::Pdf));
    assert_eq!(ok("Report.PDF", b"%PDF-1.4"), Ok(ReportFileType::Pdf));
    assert_eq!(ok("report.docx", &docx()), Ok(ReportFileType::Docx));
    assert_eq!(ok("report.odt", &odt()), Ok(ReportFileType::Odt));
    assert_eq!(ok("report.rtf", b"{\\rtf1\\ansi Hello}"), Ok(ReportFileType::Rtf));
    assert_eq!(ok("notes.txt", "Amy's attendance: 80%.\r\nCaf\u{e9}.".as_bytes()), Ok(ReportFileType::Text));
    let f = ReportFile::check("doc-1".into(), "C:\\Users\\t\\report.pdf", b"%PDF-1.7").unwrap();
    assert_eq!(f.file_name, "report.pdf", "only the file's own name is kept, not the sender's path");
    assert_eq!(f.size_bytes, 8);
    assert_eq!(f.sha256.len(), 64);
}

#[test]
fn a_file_whose_content_is_not_what_its_name_says_is_refused_rep_02() {
    // An executable renamed to .pdf, HTML renamed to .txt-like types, a ZIP that is not a document.
    let e = ReportFile::check("d".into(), "report.pdf", b"MZ\x90\x00\x03").unwrap_err();
    assert!(matches!(e, ReportFileError::ContentMismatch { claimed: "PDF", .. }), "{e:?}");
    assert!(e.to_string().contains("report.pdf"), "{e}");
    let e = ReportFile::check("d".into(), "report.docx", b"PK\x03\x04not a word file").unwrap_err();
    assert!(matches!(e, ReportFileError::ContentMismatch { .. }), "{e:?}");
    let e = ReportFile::check("d".into(), "report.txt", b"%PDF-1.7 binary \x00\x01").unwrap_err();
    assert!(matches!(e, ReportFileError::ContentMismatch { .. }), "{e:?}");
    let e = ReportFile::check("d".into(), "report.odt", &docx()).unwrap_err();
    assert!(matches!(e, ReportFileError::ContentMismatch { .. }), "{e:?}");
}

#[test]
fn other_types_empty_files_and_files_over_the_limit_are_refused_with_what_to_do_rep_02() {
    let e = ReportFile::check("d".into(), "photo.exe", b"MZ").unwrap_err();
    assert!(matches!(e, ReportFileError::NotAllowed { .. }));
    assert!(e.to_string().contains("Upload a PDF"), "{e}");
    let e = ReportFile::check("d".into(), "page.html", b"<html>").unwrap_err();
    assert!(matches!(e, ReportFileError::NotAllowed { .. }));
    let e = ReportFile::check("d".into(), "noext", b"text").unwrap_err();
    assert!(matches!(e, ReportFileError::NotAllowed { .. }));
    assert_eq!(ReportFile::check("d".into(), "", b"x"), Err(ReportFileError::NoFile));
    assert!(matches!(ReportFile::check("d".into(), "a.pdf", b""), Err(ReportFileError::Empty { .. })));
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(MAX_REPORT_FILE_BYTES + 1, b' ');
    let e = ReportFile::check("d".into(), "big.pdf", &big).unwrap_err();
    assert!(matches!(e, ReportFileError::TooLarge { .. }));
    assert!(e.to_string().contains("10.0 MB"), "the limit is stated: {e}");
    big.truncate(MAX_REPORT_FILE_BYTES);
    assert!(ReportFile::check("d".into(), "big.pdf", &big).is_ok(), "exactly the limit is taken");
}

fn teacher() -> Acting {
    Acting::new("t1", &[Role::Professional], &[Relationship::Invited])
}

fn with_file(restricted: Option<RestrictionReason>) -> (Conference, ReportId) {
    let mut r = request();
    r.professionals[1].user_id = Some("t1".into());
    let mut c = requested_from(r);
    schedule(&mut c, CONFERENCE_DAY).expect("schedule");
    let file = ReportFile::check("doc-1".into(), "school.pdf", b"%PDF-1.7").unwrap();
    let id = c
        .submit_report_file(
            &teacher(),
            &pro("p-teacher"),
            file,
            "Attendance and wellbeing at school.",
            restricted,
            &policy(),
            &Weekends,
            d("2026-11-16"),
        )
        .expect("submit the file");
    (c, id)
}

#[test]
fn a_report_file_is_a_report_with_its_file_and_due_to_the_chair_rep_02() {
    let (c, id) = with_file(None);
    let r = &c.reports()[0];
    assert_eq!(r.id, id);
    assert_eq!(r.file.as_ref().map(|f| f.document_id.as_str()), Some("doc-1"));
    assert_eq!(r.parts[0].heading, "Report file: school.pdf");
    assert_eq!(r.parts[0].text, "Attendance and wellbeing at school.");
    assert!(!r.late_to_chair());
    // Someone who is neither its author nor the coordinator may not submit it.
    let mut c2 = c.clone();
    let f = ReportFile::check("doc-2".into(), "x.pdf", b"%PDF-1.7").unwrap();
    let e = c2
        .submit_report_file(&social_worker(), &pro("p-teacher"), f, "", None, &policy(), &Weekends, d("2026-11-16"))
        .unwrap_err();
    assert!(matches!(e, ConferenceError::NotAllowed { .. }), "{e:?}");
}

#[test]
fn a_restricted_report_file_is_never_given_to_the_family_rep_03_exc_06() {
    let (c, id) = with_file(Some(RestrictionReason::PoliceInformation));
    let parent = Acting::family_member("portal-mum", mum());
    let family = c.visibility_of_reader(&parent);
    assert!(!family.restricted_content);
    assert!(matches!(c.report_file_for(id, &family), Err(ConferenceError::RestrictedPart { .. })));
    // A reader the conference does not know as staff, professional or family sees no restricted content.
    let stranger = Acting::new("someone", &[Role::Supporter], &[]);
    assert!(c.report_file_for(id, &c.visibility_of_reader(&stranger)).is_err());
    // Staff and the conference's professionals may read it.
    assert!(c.report_file_for(id, &c.visibility_of_reader(&coordinator())).is_ok());
    assert!(c.report_file_for(id, &c.visibility_of_reader(&teacher())).is_ok());
    // An unrestricted report's file may go to the family.
    let (open, id) = with_file(None);
    assert!(open.report_file_for(id, &open.visibility_of_reader(&parent)).is_ok());
}
