//! A document's content in reading order, before it is written as PDF or HTML.

use confer_domain::conference::DocumentLanguage;

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading; level 2 or 3 (the title is level 1).
    Heading(u8, String),
    Paragraph(String),
    /// A bulleted list.
    List(Vec<String>),
    /// A table with a header row.
    Table {
        caption: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A statement set apart (the confidentiality notice, MEET-04; parental responsibility, PLAN-06).
    Notice(String),
}

/// A whole document: its title (the PDF's title and the one level-1 heading), its language,
/// and its blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub title: String,
    pub language: DocumentLanguage,
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn new(title: impl Into<String>, language: DocumentLanguage) -> Doc {
        Doc { title: title.into(), language, blocks: Vec::new() }
    }
    pub fn heading(&mut self, text: impl Into<String>) -> &mut Doc {
        self.blocks.push(Block::Heading(2, text.into()));
        self
    }
    pub fn subheading(&mut self, text: impl Into<String>) -> &mut Doc {
        self.blocks.push(Block::Heading(3, text.into()));
        self
    }
    /// One paragraph per line of `text` (blank lines dropped).
    pub fn paragraphs(&mut self, text: &str) -> &mut Doc {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            self.blocks.push(Block::Paragraph(line.to_owned()));
        }
        self
    }
    pub fn para(&mut self, text: impl Into<String>) -> &mut Doc {
        self.blocks.push(Block::Paragraph(text.into()));
        self
    }
    pub fn list(&mut self, items: Vec<String>) -> &mut Doc {
        if !items.is_empty() {
            self.blocks.push(Block::List(items));
        }
        self
    }
    pub fn table(&mut self, caption: impl Into<String>, header: Vec<String>, rows: Vec<Vec<String>>) -> &mut Doc {
        self.blocks.push(Block::Table { caption: caption.into(), header, rows });
        self
    }
    pub fn notice(&mut self, text: impl Into<String>) -> &mut Doc {
        self.blocks.push(Block::Notice(text.into()));
        self
    }

    /// The BCP 47 tag: en-GB or cy.
    pub fn lang_tag(&self) -> &'static str {
        lang_tag(self.language)
    }

    /// All the text, in reading order (for tests and the print list's checks).
    pub fn plain_text(&self) -> String {
        let mut out = vec![self.title.clone()];
        for b in &self.blocks {
            match b {
                Block::Heading(_, t) | Block::Paragraph(t) | Block::Notice(t) => out.push(t.clone()),
                Block::List(items) => out.extend(items.iter().cloned()),
                Block::Table { caption, header, rows } => {
                    out.push(caption.clone());
                    out.push(header.join(" | "));
                    out.extend(rows.iter().map(|r| r.join(" | ")));
                }
            }
        }
        out.join("\n")
    }
}

pub fn lang_tag(language: DocumentLanguage) -> &'static str {
    match language {
        DocumentLanguage::English => "en-GB",
        DocumentLanguage::Welsh => "cy",
    }
}
