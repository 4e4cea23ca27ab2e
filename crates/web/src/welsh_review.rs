//! Issue 14: every Welsh text of confer in one list for a Welsh speaker to review,
//! `docs/welsh.md` (checked in). The test below gathers each (English, Welsh) pair:
//!
//! * from the tables of words, by reading their source: in each file named in [`SOURCES`],
//!   every `const` or `static` table whose name says English (`ENGLISH`, `EN`, `ENGLAND`,
//!   `ENGLISH_…`) is paired with the Welsh table of the same kind (`WELSH`, `CY`, `WELSH_…`),
//!   field by field (a list field entry by entry);
//! * from the notices (`confer_domain::notices`: e-mails, text messages, calendar entries),
//!   by making each one in English and in Welsh for a fictional meeting.
//!
//! It fails when a family-facing text has no Welsh (a table without its Welsh partner, a
//! Welsh text left empty, a notice that comes out the same in Welsh), and when `docs/welsh.md`
//! is not what it gathers: run it with `CONFER_WRITE_WELSH=1` to write the file again, and
//! commit the change with the change of words.

/// Welsh texts left empty on purpose: (file, table.field, why).
const EMPTY_ON_PURPOSE: &[(&str, &str, &str)] = &[(
    "crates/web/src/pages/portal_plan.rs",
    "WELSH.title_suffix",
    "Welsh names the plan before the child (title_prefix \"Cynllun \"), so nothing follows the name",
)];

/// The files that hold tables of family-facing words in English and Welsh, from the
/// workspace's root, with their source.
const SOURCES: &[(&str, &str)] = &[
    ("crates/web/src/pages/portal_words.rs", include_str!("pages/portal_words.rs")),
    ("crates/web/src/pages/portal_text.rs", include_str!("pages/portal_text.rs")),
    ("crates/web/src/pages/pro_words.rs", include_str!("pages/pro_words.rs")),
    ("crates/web/src/pages/portal_plan.rs", include_str!("pages/portal_plan.rs")),
    ("crates/web/src/pages/portal_letters.rs", include_str!("pages/portal_letters.rs")),
    ("crates/web/src/pages/formats.rs", include_str!("pages/formats.rs")),
    ("crates/web/src/pages/complaints.rs", include_str!("pages/complaints.rs")),
    ("crates/web/src/pages/feedback.rs", include_str!("pages/feedback.rs")),
    ("crates/web/src/pages/subject_access.rs", include_str!("pages/subject_access.rs")),
    ("crates/web/src/idempotency.rs", include_str!("idempotency.rs")),
    ("crates/docs/src/letters.rs", include_str!("../../docs/src/letters.rs")),
    ("crates/domain/src/words.rs", include_str!("../../domain/src/words.rs")),
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
}

/// The tokens of a table's body: identifiers, string literals (escapes and line
/// continuations read as Rust reads them), and punctuation; comments dropped.
fn tokens(src: &str) -> Vec<Tok> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                    match chars.get(i) {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some('\\') => s.push('\\'),
                        Some('"') => s.push('"'),
                        Some('\'') => s.push('\''),
                        Some('\n') => {
                            // A line continuation: the newline and the next line's indent go.
                            while chars.get(i + 1).is_some_and(|c| c.is_whitespace()) {
                                i += 1;
                            }
                        }
                        Some('u') => {
                            let end = (i..chars.len()).find(|&j| chars[j] == '}').unwrap_or(i);
                            let hex: String = chars[i + 2..end].iter().collect();
                            if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                                s.push(ch);
                            }
                            i = end;
                        }
                        Some(other) => s.push(*other),
                        None => {}
                    }
                } else {
                    s.push(chars[i]);
                }
                i += 1;
            }
            out.push(Tok::Str(s));
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

/// One table of words: its name, its type, and each text by field (`field` or `field[2]`).
#[derive(Debug)]
struct Table {
    name: String,
    ty: String,
    texts: Vec<(String, String)>,
}

/// The texts of a value: a string, `Some("…")`, `concat!("…", "…")`, or a list of them.
fn texts_of(value: &[Tok], field: &str, out: &mut Vec<(String, String)>) {
    let strings: Vec<&String> = value
        .iter()
        .filter_map(|t| match t {
            Tok::Str(s) => Some(s),
            _ => None,
        })
        .collect();
    let is_list = value.first() == Some(&Tok::Punct('[')) || value.starts_with(&[Tok::Punct('&'), Tok::Punct('[')]);
    let is_concat = value.first() == Some(&Tok::Ident("concat".into()));
    if is_list {
        for (n, s) in strings.iter().enumerate() {
            out.push((format!("{field}[{n}]"), (*s).clone()));
        }
    } else if is_concat {
        out.push((field.to_owned(), strings.iter().map(|s| s.as_str()).collect()));
    } else if strings.len() == 1 {
        out.push((field.to_owned(), strings[0].clone()));
    }
}

/// Every `const` or `static` table of a source file that holds texts.
fn tables(src: &str) -> Vec<Table> {
    let mut out = Vec::new();
    let lines: Vec<&str> = src.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let head = line
            .strip_prefix("pub const ")
            .or_else(|| line.strip_prefix("const "))
            .or_else(|| line.strip_prefix("pub static "))
            .or_else(|| line.strip_prefix("static "))
            .or_else(|| line.strip_prefix("pub(crate) const "))
            .or_else(|| line.strip_prefix("pub(crate) static "));
        let Some(head) = head.filter(|h| h.trim_end().ends_with('{') && h.contains(" = ")) else {
            i += 1;
            continue;
        };
        let (name, rest) = head.split_once(':').unwrap_or(("", ""));
        let ty = rest.split('=').next().unwrap_or("").trim().trim_start_matches('&').trim_start_matches("'static ");
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && lines[end] != "};" {
            end += 1;
        }
        let body = lines[start..end.min(lines.len())].join("\n");
        let toks = tokens(&body);
        let mut texts = Vec::new();
        let mut k = 0;
        while k < toks.len() {
            // `field: value,` at the table's own level.
            if let (Some(Tok::Ident(field)), Some(Tok::Punct(':'))) = (toks.get(k), toks.get(k + 1)) {
                if toks.get(k + 2) == Some(&Tok::Punct(':')) {
                    k += 1;
                    continue;
                }
                let mut depth = 0i32;
                let mut j = k + 2;
                while j < toks.len() {
                    match &toks[j] {
                        Tok::Punct('(' | '[' | '{') => depth += 1,
                        Tok::Punct(')' | ']' | '}') => depth -= 1,
                        Tok::Punct(',') if depth == 0 => break,
                        _ => {}
                    }
                    j += 1;
                }
                texts_of(&toks[k + 2..j], field, &mut texts);
                k = j + 1;
            } else {
                k += 1;
            }
        }
        if !texts.is_empty() {
            out.push(Table { name: name.trim().to_owned(), ty: ty.to_owned(), texts });
        }
        i = end + 1;
    }
    out
}

fn is_english(name: &str) -> bool {
    matches!(name, "ENGLISH" | "EN" | "ENGLAND") || name.starts_with("ENGLISH_") || name.ends_with("_EN")
}

fn is_welsh(name: &str) -> bool {
    matches!(name, "WELSH" | "CY") || name.starts_with("WELSH_") || name.ends_with("_CY")
}

/// The Welsh table's name for an English one: `ENGLISH_FACTOR` → `WELSH_FACTOR`, `EN` → `CY`.
fn welsh_name(english: &str) -> String {
    match english {
        "EN" => "CY".into(),
        "ENGLAND" => "WELSH".into(),
        n if n.ends_with("_EN") => format!("{}_CY", n.trim_end_matches("_EN")),
        n => n.replacen("ENGLISH", "WELSH", 1),
    }
}

/// One (English, Welsh) pair and where it is used.
struct Pair {
    source: String,
    wher: String,
    english: String,
    welsh: String,
}

/// The first line of a file's own documentation: what its words are for.
fn purpose(src: &str) -> String {
    src.lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").trim())
        .collect::<Vec<_>>()
        .join(" ")
        .split(". ")
        .next()
        .unwrap_or("")
        .trim_end_matches('.')
        .to_owned()
}

/// The pairs of the tables, and what has no Welsh.
fn table_pairs(problems: &mut Vec<String>) -> Vec<(String, String, Vec<Pair>)> {
    SOURCES.iter().map(|(file, src)| (file.to_string(), purpose(src), pairs_of(file, src, problems))).collect()
}

/// The (English, Welsh) pairs of one file's tables; what has no Welsh goes to `problems`.
fn pairs_of(file: &str, src: &str, problems: &mut Vec<String>) -> Vec<Pair> {
    {
        let all = tables(src);
        let mut pairs = Vec::new();
        let english: Vec<&Table> = all.iter().filter(|t| is_english(&t.name)).collect();
        if english.is_empty() {
            problems.push(format!("{file}: no table of English words found"));
        }
        for en in english {
            let wanted = welsh_name(&en.name);
            let cy = all.iter().find(|t| t.name == wanted && is_welsh(&t.name));
            let Some(cy) = cy else {
                problems.push(format!("{file}: {} has no Welsh table {wanted}", en.name));
                continue;
            };
            // A Welsh table of the same kind has every field; of another kind (the nation's
            // words), only the family-facing ones it holds.
            let same_kind = cy.ty == en.ty;
            for (field, english_text) in &en.texts {
                let welsh_text = cy.texts.iter().find(|(f, _)| f == field).map(|(_, t)| t.clone());
                match &welsh_text {
                    Some(w) if w.trim().is_empty() && !english_text.trim().is_empty() => {
                        let wher = format!("{}.{field}", cy.name);
                        if !EMPTY_ON_PURPOSE.iter().any(|(f, at, _)| *f == file && *at == wher) {
                            problems.push(format!("{file}: {wher} is empty in Welsh"))
                        }
                    }
                    None if same_kind => problems.push(format!("{file}: {}.{field} has no Welsh", cy.name)),
                    None => continue,
                    Some(_) => {}
                }
                pairs.push(Pair {
                    source: file.to_owned(),
                    wher: format!("{}.{field}", cy.name),
                    english: english_text.clone(),
                    welsh: welsh_text.unwrap_or_default(),
                });
            }
        }
        pairs
    }
}

/// The notices, made in English and in Welsh for a fictional meeting.
fn notice_pairs(problems: &mut Vec<String>) -> Vec<Pair> {
    use confer_domain::conference::{ConferenceKind, Slot};
    use confer_domain::notices::{self, About, Audience, CalendarLanguage};
    use confer_domain::Nation;
    let authority = "Fictional Council";
    let slot = Slot {
        date: "2027-01-12".parse().unwrap(),
        time: chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        venue: Some("Room 1, Civic Centre".into()),
        video_link: Some("https://video.example/room".into()),
        chair: "chair".into(),
    };
    let en = About::new(ConferenceKind::Initial, authority, Nation::England);
    let cy = About::new(ConferenceKind::Initial, authority, Nation::Wales).to(Some("cy"));
    let closes: chrono::NaiveDate = "2027-02-01".parse().unwrap();
    let core = confer_domain::plan::ArrangedCoreGroup {
        number: 1,
        on: "2027-01-19".parse().unwrap(),
        at: chrono::NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
        venue: Some("Family Centre".into()),
        online: true,
        invited: vec![],
        late_reason: None,
        arranged_by: "sw".into(),
        arranged_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
        moves: vec![],
    };
    let (e, w) = (CalendarLanguage::English, CalendarLanguage::Welsh);
    let (n, wales) = (Nation::England, Nation::Wales);
    let notices = [
        (
            "invitation (family)",
            notices::invitation(en, &slot, Audience::Family),
            notices::invitation(cy, &slot, Audience::Family),
        ),
        (
            "invitation (professional)",
            notices::invitation(en, &slot, Audience::Professional),
            notices::invitation(cy, &slot, Audience::Professional),
        ),
        ("new date, time or place", notices::moved(en, &slot), notices::moved(cy, &slot)),
        ("cancelled", notices::cancelled(en), notices::cancelled(cy)),
        (
            "feedback asked (family)",
            notices::feedback_asked(en, "https://confer.example/feedback/x", closes, Audience::Family),
            notices::feedback_asked(cy, "https://confer.example/feedback/x", closes, Audience::Family),
        ),
        (
            "core group invitation (family)",
            notices::core_group_invitation(authority, n, &core, Audience::Family, e),
            notices::core_group_invitation(authority, wales, &core, Audience::Family, w),
        ),
        (
            "core group moved",
            notices::core_group_moved(authority, n, &core, e),
            notices::core_group_moved(authority, wales, &core, w),
        ),
        (
            "core group cancelled",
            notices::core_group_cancelled(authority, n, &core, e),
            notices::core_group_cancelled(authority, wales, &core, w),
        ),
        (
            "core group cancelled, the plan ended",
            notices::core_group_cancelled_plan_ended(authority, n, &core, e),
            notices::core_group_cancelled_plan_ended(authority, wales, &core, w),
        ),
    ];
    let mut out = Vec::new();
    let mut push = |wher: String, english: String, welsh: String| {
        if english == welsh {
            problems.push(format!("notices: {wher} is the same in Welsh as in English"));
        }
        out.push(Pair { source: "crates/domain/src/notices.rs".into(), wher, english, welsh });
    };
    for (what, english, welsh) in notices {
        push(format!("{what}: subject"), english.subject, welsh.subject);
        push(format!("{what}: body"), english.body, welsh.body);
    }
    push(
        "text message: invitation".into(),
        notices::text_message(en, Some(&slot)),
        notices::text_message(cy, Some(&slot)),
    );
    push("text message: cancelled".into(), notices::text_message(en, None), notices::text_message(cy, None));
    let (ce, cw) = (notices::calendar_entry(en, &slot, e), notices::calendar_entry(en, &slot, w));
    push("calendar entry: summary".into(), ce.summary, cw.summary);
    push("calendar entry: description".into(), ce.description, cw.description);
    // The statements every record and plan carries (MEET-04, PLAN-06).
    {
        use confer_domain::conference::{confidentiality_statement, DocumentLanguage};
        push(
            "statement: confidentiality (MEET-04), conference::confidentiality_statement".into(),
            confidentiality_statement(DocumentLanguage::English).into(),
            confidentiality_statement(DocumentLanguage::Welsh).into(),
        );
        push(
            "statement: parental responsibility (PLAN-06), plan::PARENTAL_RESPONSIBILITY_EN / _CY".into(),
            confer_domain::plan::PARENTAL_RESPONSIBILITY_EN.into(),
            confer_domain::plan::PARENTAL_RESPONSIBILITY_CY.into(),
        );
    }
    let (ce, cw) = (
        notices::core_group_calendar_entry(authority, n, &core, e),
        notices::core_group_calendar_entry(authority, wales, &core, w),
    );
    push("core group calendar entry: summary".into(), ce.summary, cw.summary);
    push("core group calendar entry: description".into(), ce.description, cw.description);
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace("\r\n", "\n").trim().replace('\n', "<br>")
}

/// The review list as Markdown, and what has no Welsh.
fn review_list() -> (String, Vec<String>) {
    let mut problems = Vec::new();
    let tables = table_pairs(&mut problems);
    let notices = notice_pairs(&mut problems);
    let count: usize = tables.iter().map(|(_, _, p)| p.len()).sum::<usize>() + notices.len();
    let mut md = String::new();
    md.push_str("# Every Welsh text in confer, for review\n\n");
    md.push_str(
        "Written by a test (`crates/web/src/welsh_review.rs`): it gathers every English text that has a Welsh \
         text beside it, from the tables of words and from the notices (e-mails, text messages, calendar \
         entries, made for a fictional meeting on 12 January 2027), and fails when this file is out of date or \
         a family-facing text has no Welsh. Do not edit this file by hand: change the words where they are \
         used (the first column names the table and field, or the notice), then run \
         `CONFER_WRITE_WELSH=1 cargo nextest run --workspace -E 'test(welsh_review)'` and commit both.\n\n",
    );
    md.push_str(&format!(
        "{count} texts. The Welsh is a careful translation; a Welsh speaker (the authority's Welsh language \
         officer) should confirm each before the first Welsh authority goes live.\n\n"
    ));
    for (file, purpose, pairs) in &tables {
        if pairs.is_empty() {
            continue;
        }
        md.push_str(&format!("## `{file}`\n\n"));
        if !purpose.is_empty() {
            md.push_str(&format!("{purpose}.\n\n"));
        }
        md.push_str("| Where | English | Welsh |\n|---|---|---|\n");
        for p in pairs {
            md.push_str(&format!("| `{}` | {} | {} |\n", p.wher, cell(&p.english), cell(&p.welsh)));
        }
        md.push('\n');
    }
    md.push_str("## `crates/domain/src/notices.rs`\n\n");
    md.push_str(
        "The e-mails, text messages and calendar entries to families and professionals, as sent, and the \
         statements every record and plan carries (from `crates/domain/src`).\n\n",
    );
    md.push_str("| Where | English | Welsh |\n|---|---|---|\n");
    for p in &notices {
        debug_assert_eq!(p.source, "crates/domain/src/notices.rs");
        md.push_str(&format!("| {} | {} | {} |\n", p.wher, cell(&p.english), cell(&p.welsh)));
    }
    (md, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parser_reads_tables_lists_and_continued_lines() {
        let src = "pub const ENGLISH: W = W {\n    a: \"One \\\n       two\",\n    b: [\"x\", \"y\"],\n    \
                   c: Some(\"z\"),\n    n: Nation::Wales,\n};\n\npub const WELSH: W = W {\n    a: \"Un dau\",\n    \
                   b: [\"x1\", \"\"],\n    c: Some(\"y\"),\n    n: Nation::Wales,\n};\n";
        let t = tables(src);
        assert_eq!(t.len(), 2);
        assert_eq!(
            t[0].texts,
            vec![
                ("a".to_owned(), "One two".to_owned()),
                ("b[0]".to_owned(), "x".to_owned()),
                ("b[1]".to_owned(), "y".to_owned()),
                ("c".to_owned(), "z".to_owned()),
            ]
        );
        assert_eq!(t[1].texts[2], ("b[1]".to_owned(), String::new()));
        // An empty Welsh text, and an English table without its Welsh one, are each found.
        let mut problems = Vec::new();
        let pairs = pairs_of("x.rs", src, &mut problems);
        assert_eq!(pairs.len(), 4);
        assert_eq!(problems, ["x.rs: WELSH.b[1] is empty in Welsh"]);
        let mut problems = Vec::new();
        pairs_of("y.rs", &src.replace("WELSH", "OTHER"), &mut problems);
        assert_eq!(problems, ["y.rs: ENGLISH has no Welsh table WELSH"]);
        assert_eq!(welsh_name("ENGLISH_FACTOR"), "WELSH_FACTOR");
        assert_eq!(welsh_name("EN"), "CY");
    }

    #[test]
    fn welsh_review_every_welsh_text_is_in_docs_welsh_md_and_none_is_missing() {
        let (md, problems) = review_list();
        // Every file named holds pairs, and the list is not thin.
        assert!(md.matches("\n| ").count() > 400, "only {} texts gathered", md.matches("\n| ").count());
        assert!(md.contains("Cymraeg") && md.contains("cynhadledd"));
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/welsh.md");
        if std::env::var("CONFER_WRITE_WELSH").is_ok_and(|v| v == "1") {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &md).unwrap();
        }
        assert!(problems.is_empty(), "family-facing texts without Welsh:\n{}", problems.join("\n"));
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == md,
            "docs/welsh.md is out of date: run CONFER_WRITE_WELSH=1 cargo nextest run --workspace -E \
             'test(welsh_review)' and commit it"
        );
    }
}
