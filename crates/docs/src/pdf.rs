//! A document as tagged PDF (PDF/UA-1, checked by krilla's validator when written): the title in
//! the metadata (and shown as the window title), the language on the catalog, every line of
//! text inside the structure tree (headings with their titles, paragraphs, lists with labels and
//! bodies, tables with header cells of column scope) in reading order, an outline of the
//! headings, and the font embedded (subset, with its Unicode mapping).
//!
//! Layout is simple and deliberate: A4, one column, left aligned, words wrapped at spaces, no
//! hyphenation; large print is 18 pt body text with the same margins.

use crate::doc::{Block, Doc};
use crate::PrintSize;
use krilla::configure::{Accessibility, ConfigurationBuilder, Validator};
use krilla::destination::XyzDestination;
use krilla::geom::{Point, Size};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::tagging::{
    ContentTag, Identifier, ListNumbering, SpanTag, TableHeaderScope, Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use skrifa::instance::{LocationRef, Size as FontSize};
use skrifa::{FontRef, MetadataProvider};
use std::num::NonZeroU16;

/// Why a PDF could not be written (a bug in confer, not the reader's input).
#[derive(Debug)]
pub struct PdfError(pub String);

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the PDF could not be written: {}", self.0)
    }
}
impl std::error::Error for PdfError {}

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.7;

/// One of the two faces, with what is needed to measure and draw it.
struct Face {
    font: Font,
    skrifa: FontRef<'static>,
    upem: f32,
}

impl Face {
    fn new(data: &'static [u8]) -> Result<Face, PdfError> {
        let font = Font::new(data.into(), 0).ok_or_else(|| PdfError("the bundled font did not load".into()))?;
        let skrifa = FontRef::new(data).map_err(|e| PdfError(format!("the bundled font: {e}")))?;
        let upem = f32::from(skrifa.metrics(FontSize::unscaled(), LocationRef::default()).units_per_em);
        Ok(Face { font, skrifa, upem })
    }

    /// The glyphs of one line (normalised advances, each with its byte range of `text`).
    /// Characters the font lacks have been replaced by [`printable`] already.
    fn glyphs(&self, text: &str) -> (Vec<KrillaGlyph>, f32) {
        let charmap = self.skrifa.charmap();
        let metrics = self.skrifa.glyph_metrics(FontSize::unscaled(), LocationRef::default());
        let mut out = Vec::with_capacity(text.len());
        let mut width = 0.0;
        for (i, c) in text.char_indices() {
            let gid = charmap.map(c).unwrap_or_default();
            let adv = metrics.advance_width(gid).unwrap_or(0.0) / self.upem;
            width += adv;
            out.push(KrillaGlyph::new(GlyphId::new(gid.to_u32()), adv, 0.0, 0.0, 0.0, i..i + c.len_utf8(), None));
        }
        (out, width)
    }

    /// The width of `text` at 1 pt.
    fn width(&self, text: &str) -> f32 {
        let charmap = self.skrifa.charmap();
        let metrics = self.skrifa.glyph_metrics(FontSize::unscaled(), LocationRef::default());
        text.chars().map(|c| metrics.advance_width(charmap.map(c).unwrap_or_default()).unwrap_or(0.0)).sum::<f32>()
            / self.upem
    }

    /// Text with every character the font cannot draw replaced (a PDF/UA file may not show
    /// the missing-glyph box), tabs and other controls as spaces.
    fn printable(&self, text: &str) -> String {
        let charmap = self.skrifa.charmap();
        text.chars()
            .map(|c| {
                if c.is_control() {
                    ' '
                } else if charmap.map(c).is_some() {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }

    /// Greedy word wrap at spaces; a word longer than the line is broken between characters.
    fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let text = self.printable(text);
        let space = self.width(" ") * size;
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_w = 0.0;
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let w = self.width(word) * size;
            if !line.is_empty() && line_w + space + w <= max {
                line.push(' ');
                line.push_str(word);
                line_w += space + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if w <= max {
                line.push_str(word);
                line_w = w;
            } else {
                // A very long word (a link, a reference): break it where it must.
                line_w = 0.0;
                for c in word.chars() {
                    let cw = self.width(c.encode_utf8(&mut [0; 4])) * size;
                    if line_w + cw > max && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// Where the writer is: pages written so far, the current page's surface content as a list of
/// drawn lines (drawn when the page is finished), and the cursor.
struct Writer {
    regular: Face,
    bold: Face,
    body: f32,
    y: f32,
    page: usize,
    /// Lines waiting to be drawn on the current page.
    pending: Vec<Line>,
    pages: Vec<Vec<Line>>,
}

struct Line {
    text: String,
    x: f32,
    y: f32,
    size: f32,
    bold: bool,
    /// Which tag group (by index in `groups`) the line belongs to; `None` for an artifact
    /// (the page number).
    group: Option<usize>,
}

impl Writer {
    fn line_height(&self, size: f32) -> f32 {
        size * 1.4
    }

    fn new_page(&mut self) {
        let done = std::mem::take(&mut self.pending);
        self.pages.push(done);
        self.page += 1;
        self.y = MARGIN;
    }

    /// Room for `h` more points on this page, or a new page.
    fn ensure(&mut self, h: f32) {
        if self.y + h > PAGE_H - MARGIN && self.y > MARGIN {
            self.new_page();
        }
    }

    /// Wraps and places a block of text at `x` with width `w`; returns the lines' count.
    fn text(&mut self, text: &str, x: f32, w: f32, size: f32, bold: bool, group: usize) -> usize {
        let face = if bold { &self.bold } else { &self.regular };
        let lines = face.wrap(text, size, w);
        let n = lines.len();
        let lh = self.line_height(size);
        for l in lines {
            self.ensure(lh);
            self.y += lh;
            self.pending.push(Line { text: l, x, y: self.y - size * 0.3, size, bold, group: Some(group) });
        }
        n
    }
}

/// The structure tree as it is built: groups by index, each with its kind and its children
/// (other groups or lines, in order).
enum Child {
    Group(usize),
    /// The n-th drawn line (its identifier is filled in when its page is drawn).
    Line(usize),
}

struct Group {
    kind: TagKind,
    children: Vec<Child>,
}

struct Tree {
    groups: Vec<Group>,
    /// The line index (in drawing order) each new line gets.
    next_line: usize,
}

impl Tree {
    fn group(&mut self, parent: Option<usize>, kind: impl Into<TagKind>) -> usize {
        self.groups.push(Group { kind: kind.into(), children: Vec::new() });
        let id = self.groups.len() - 1;
        if let Some(p) = parent {
            self.groups[p].children.push(Child::Group(id));
        }
        id
    }
}

pub fn render(doc: &Doc, size: PrintSize) -> Result<Vec<u8>, PdfError> {
    let mut w = Writer {
        regular: Face::new(crate::FONT_REGULAR)?,
        bold: Face::new(crate::FONT_BOLD)?,
        body: size.body_pt(),
        y: MARGIN,
        page: 0,
        pending: Vec::new(),
        pages: Vec::new(),
    };
    let body = w.body;
    let width = PAGE_W - 2.0 * MARGIN;
    // Group 0 is the document itself (its children are the tag tree's top level).
    let mut tree = Tree { groups: vec![Group { kind: Tag::Part.into(), children: Vec::new() }], next_line: 0 };
    let mut outline: Vec<(String, usize, f32)> = Vec::new();

    // Each placed line is attached to its group in placement order.
    let attach = |tree: &mut Tree, w: &Writer, from: usize, group: usize| {
        let placed = w.pages.iter().map(Vec::len).sum::<usize>() + w.pending.len();
        for _ in from..placed {
            let n = tree.next_line;
            tree.groups[group].children.push(Child::Line(n));
            tree.next_line += 1;
        }
    };
    let placed = |w: &Writer| w.pages.iter().map(Vec::len).sum::<usize>() + w.pending.len();

    let title_size = body * 1.75;
    let h1 = tree.group(Some(0), Tag::Hn(NonZeroU16::new(1).expect("1"), Some(doc.title.clone())));
    let from = placed(&w);
    w.text(&doc.title, MARGIN, width, title_size, true, h1);
    attach(&mut tree, &w, from, h1);
    outline.push((doc.title.clone(), w.page, MARGIN));
    w.y += body * 0.8;

    for block in &doc.blocks {
        match block {
            Block::Heading(level, text) => {
                let hs = if *level <= 2 { body * 1.4 } else { body * 1.15 };
                // Keep a heading with at least two lines of what follows.
                w.ensure(w.line_height(hs) + body * 0.6 + 2.0 * w.line_height(body));
                w.y += body * 0.6;
                let lvl = NonZeroU16::new(u16::from((*level).clamp(2, 6))).expect("non-zero");
                let g = tree.group(Some(0), Tag::Hn(lvl, Some(text.clone())));
                let top = w.y;
                let from = placed(&w);
                w.text(text, MARGIN, width, hs, true, g);
                attach(&mut tree, &w, from, g);
                if *level <= 2 {
                    outline.push((text.clone(), w.page, top));
                }
                w.y += body * 0.3;
            }
            Block::Paragraph(text) | Block::Notice(text) => {
                let notice = matches!(block, Block::Notice(_));
                let g = tree.group(Some(0), Tag::P);
                let from = placed(&w);
                let x = if notice { MARGIN + body } else { MARGIN };
                w.text(text, x, width - (x - MARGIN), body, notice, g);
                attach(&mut tree, &w, from, g);
                w.y += body * 0.6;
            }
            Block::List(items) => {
                let list = tree.group(Some(0), Tag::L(ListNumbering::Disc));
                let indent = body * 1.5;
                for item in items {
                    let li = tree.group(Some(list), Tag::LI);
                    let lbl = tree.group(Some(li), Tag::Lbl);
                    let lbody = tree.group(Some(li), Tag::LBody);
                    // The bullet sits on the item's first line, drawn (and read) before it.
                    let lh = w.line_height(body);
                    w.ensure(lh);
                    let from = placed(&w);
                    w.pending.push(Line {
                        text: "\u{2022}".into(),
                        x: MARGIN + body * 0.4,
                        y: w.y + lh - body * 0.3,
                        size: body,
                        bold: false,
                        group: Some(lbl),
                    });
                    attach(&mut tree, &w, from, lbl);
                    let from = placed(&w);
                    w.text(item, MARGIN + indent, width - indent, body, false, lbody);
                    attach(&mut tree, &w, from, lbody);
                    w.y += body * 0.3;
                }
                w.y += body * 0.4;
            }
            Block::Table { caption, header, rows } => {
                let table = tree.group(Some(0), Tag::Table);
                let cap = tree.group(Some(table), Tag::Caption);
                w.ensure(w.line_height(body) * 3.0);
                let from = placed(&w);
                w.text(caption, MARGIN, width, body, true, cap);
                attach(&mut tree, &w, from, cap);
                let cols = header.len().max(1);
                let widths = column_widths(&w.regular, header, rows, width);
                let pad = body * 0.4;
                let thead = tree.group(Some(table), Tag::THead);
                let tbody = tree.group(Some(table), Tag::TBody);
                let mut all: Vec<(bool, &[String])> = vec![(true, header.as_slice())];
                all.extend(rows.iter().map(|r| (false, r.as_slice())));
                for (is_head, cells) in all {
                    let tr = tree.group(Some(if is_head { thead } else { tbody }), Tag::TR);
                    // Measure the row, move to a new page if it does not fit.
                    let face = if is_head { &w.bold } else { &w.regular };
                    let heights: Vec<usize> = (0..cols)
                        .map(|i| face.wrap(cells.get(i).map_or("", String::as_str), body, widths[i] - pad).len())
                        .collect();
                    let rh = heights.iter().copied().max().unwrap_or(1) as f32 * w.line_height(body);
                    w.ensure(rh);
                    let top = w.y;
                    let mut bottom = top;
                    let mut x = MARGIN;
                    for (i, cw) in widths.iter().enumerate().take(cols) {
                        let cell = tree.group(
                            Some(tr),
                            if is_head {
                                TagKind::from(Tag::TH(TableHeaderScope::Column))
                            } else {
                                TagKind::from(Tag::TD)
                            },
                        );
                        w.y = top;
                        let from = placed(&w);
                        let text = cells.get(i).map_or("", String::as_str);
                        // An empty cell still has content for the tree (a dash, read as such).
                        let text = if text.trim().is_empty() { "-" } else { text };
                        w.text(text, x, cw - pad, body, is_head, cell);
                        attach(&mut tree, &w, from, cell);
                        bottom = f32::max(bottom, w.y);
                        x += cw;
                    }
                    w.y = bottom + body * 0.3;
                }
                w.y += body * 0.6;
            }
        }
    }
    w.new_page();
    draw(doc, w.pages, tree, outline, size)
}

/// Column widths in proportion to each column's longest text, each at least a sixth of the line.
fn column_widths(face: &Face, header: &[String], rows: &[Vec<String>], width: f32) -> Vec<f32> {
    let cols = header.len().max(1);
    let mut want = vec![0.0f32; cols];
    for r in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        for (i, c) in r.iter().enumerate().take(cols) {
            want[i] = want[i].max(face.width(c).min(30.0));
        }
    }
    let min = 1.0 / (cols as f32 * 2.0).max(6.0);
    let total: f32 = want.iter().sum::<f32>().max(1.0);
    let mut shares: Vec<f32> = want.iter().map(|w| (w / total).max(min)).collect();
    let sum: f32 = shares.iter().sum();
    for s in &mut shares {
        *s = *s / sum * width;
    }
    shares
}

fn draw(
    doc: &Doc,
    pages: Vec<Vec<Line>>,
    tree: Tree,
    outline_entries: Vec<(String, usize, f32)>,
    _size: PrintSize,
) -> Result<Vec<u8>, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .set_validator(Validator::Ua(Accessibility::UA1))
        .finish()
        .map_err(|e| PdfError(format!("{e:?}")))?;
    let settings = SerializeSettings { configuration, enable_tagging: true, ..SerializeSettings::default() };
    let mut document = Document::new_with(settings);
    let regular = Face::new(crate::FONT_REGULAR)?;
    let bold = Face::new(crate::FONT_BOLD)?;
    let total = pages.len();
    let mut ids: Vec<Option<Identifier>> = Vec::with_capacity(tree.next_line);
    let page_word = match doc.language {
        confer_domain::conference::DocumentLanguage::Welsh => "Tudalen",
        confer_domain::conference::DocumentLanguage::English => "Page",
    };
    let of_word = match doc.language {
        confer_domain::conference::DocumentLanguage::Welsh => "o",
        confer_domain::conference::DocumentLanguage::English => "of",
    };
    for (n, lines) in pages.into_iter().enumerate() {
        let size = Size::from_wh(PAGE_W, PAGE_H).expect("A4");
        let mut page = document.start_page_with(PageSettings::new(size));
        let mut surface = page.surface();
        for line in lines {
            let face = if line.bold { &bold } else { &regular };
            let id = draw_line(&mut surface, face, &line, Some(doc.lang_tag()));
            if line.group.is_some() {
                ids.push(Some(id));
            }
        }
        // The page number: an artifact, not part of the document's reading order.
        let footer = format!("{page_word} {} {of_word} {total}", n + 1);
        let small = 9.0f32.max(_size.body_pt() * 0.75);
        surface.start_tagged(ContentTag::Artifact(krilla::tagging::Artifact::with_kind(
            krilla::tagging::ArtifactType::Page,
        )));
        let (glyphs, _) = regular.glyphs(&footer);
        surface.draw_glyphs(
            Point::from_xy(MARGIN, PAGE_H - MARGIN / 2.0),
            &glyphs,
            regular.font.clone(),
            &footer,
            small,
            false,
        );
        surface.end_tagged();
        surface.finish();
        page.finish();
    }

    // Build the tag tree from the groups.
    fn build(g: usize, tree: &Tree, ids: &mut [Option<Identifier>]) -> TagGroup {
        let mut group = TagGroup::new(tree.groups[g].kind.clone());
        for c in &tree.groups[g].children {
            match c {
                Child::Group(sub) => group.push(build(*sub, tree, ids)),
                Child::Line(n) => {
                    if let Some(id) = ids.get_mut(*n).and_then(Option::take) {
                        group.push(id);
                    }
                }
            }
        }
        group
    }
    let mut tag_tree = TagTree::new();
    for c in &tree.groups[0].children {
        if let Child::Group(g) = c {
            tag_tree.push(build(*g, &tree, &mut ids));
        }
    }
    document.set_tag_tree(tag_tree);

    let mut outline = Outline::new();
    for (text, page, y) in outline_entries {
        outline.push_child(OutlineNode::new(text, XyzDestination::new(page, Point::from_xy(MARGIN, y))));
    }
    document.set_outline(outline);
    document.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .language(doc.lang_tag().to_owned())
            .creator("confer".to_owned())
            .producer("confer (krilla)".to_owned()),
    );
    document.finish().map_err(|e| PdfError(format!("{e:?}")))
}

fn draw_line(surface: &mut Surface<'_>, face: &Face, line: &Line, lang: Option<&str>) -> Identifier {
    let id = surface.start_tagged(ContentTag::Span(SpanTag::empty().with_lang(lang)));
    let (glyphs, _) = face.glyphs(&line.text);
    surface.draw_glyphs(Point::from_xy(line.x, line.y), &glyphs, face.font.clone(), &line.text, line.size, false);
    surface.end_tagged();
    id
}
