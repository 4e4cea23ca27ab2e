//! Documents confer makes itself (issue 14): the record copy for each recipient, the outcome,
//! invitation and exclusion letters and the plan, as tagged PDF (PDF/UA-1, through `krilla`)
//! and as accessible HTML, in English or Welsh (LANG-04), standard or large print (LANG-03);
//! and calendar invitations (.ics).
//!
//! Pure: no I/O, no database. A document is first built as a [`Doc`] (headings, paragraphs,
//! lists, tables, in reading order) by [`letters`]; [`pdf::render`] and [`html::render`] then
//! write the same content, so the PDF and the HTML never say different things.

pub mod annex_a;
pub mod census;
pub mod doc;
pub mod html;
pub mod ics;
pub mod letters;
pub mod pdf;
pub mod register_stats;
pub mod subject_access;
#[cfg(feature = "test-support")]
pub mod testing;

pub use doc::{Block, Doc};
pub use letters::{DocumentKind, Words};

/// The bundled font (DejaVu Sans, Bitstream Vera licence: fonts/LICENSE): Latin with the Welsh
/// circumflexed vowels (ŵ, ŷ, â, ê, î, ô, û).
pub const FONT_REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
pub const FONT_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Standard print (12 pt body) or large print (18 pt body, LANG-03: at least 16 pt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrintSize {
    Standard,
    Large,
}

impl PrintSize {
    pub fn as_str(self) -> &'static str {
        match self {
            PrintSize::Standard => "standard",
            PrintSize::Large => "large",
        }
    }
    pub fn parse(s: &str) -> Option<PrintSize> {
        match s {
            "standard" => Some(PrintSize::Standard),
            "large" => Some(PrintSize::Large),
            _ => None,
        }
    }
    /// The body text size in points.
    pub fn body_pt(self) -> f32 {
        match self {
            PrintSize::Standard => 12.0,
            PrintSize::Large => 18.0,
        }
    }
}

/// PDF or HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Html,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
        }
    }
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "pdf" => Some(Format::Pdf),
            "html" => Some(Format::Html),
            _ => None,
        }
    }
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

/// A document written out in one format.
pub fn render(doc: &Doc, format: Format, size: PrintSize) -> Result<Vec<u8>, pdf::PdfError> {
    match format {
        Format::Pdf => pdf::render(doc, size),
        Format::Html => Ok(html::render(doc, size).into_bytes()),
    }
}
