//! What every page shares: the layout's context and rendering.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use confer_domain::validate::FormErrors;
use confer_domain::words::Words;

/// A link in the service navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The layout's context.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub title: String,
    /// The signed-in person's name, for the header.
    pub user: Option<String>,
    pub authority: Option<String>,
    /// The CSRF token every form of the page carries.
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// "en" or "cy" (Welsh), for the `lang` attribute and family-facing text.
    pub lang: &'static str,
    /// Errors of the page's form, shown in the GOV.UK error summary at the top.
    pub errors: FormErrors,
    /// A one-line confirmation after a change ("User created").
    pub notice: Option<String>,
    /// The words of the authority's nation (issue 15); England's on pages with no authority.
    pub words: Option<&'static Words>,
}

impl Page {
    /// A page for someone not signed in.
    pub fn bare(title: &str) -> Page {
        Page { title: title.to_owned(), lang: "en", ..Default::default() }
    }
    /// The `<title>`: "Error: " first when the form has errors (GOV.UK pattern).
    pub fn full_title(&self) -> String {
        let prefix = if self.errors.is_empty() { "" } else { "Error: " };
        format!("{prefix}{} - confer", self.title)
    }
    /// The words of the authority's nation, for the layout and every page's template.
    pub fn words(&self) -> &'static Words {
        self.words.unwrap_or(&confer_domain::words::ENGLAND)
    }
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
    pub fn has_error(&self, field: &str) -> bool {
        self.errors.get(field).is_some()
    }
    /// The error of one field of one of the page's forms (ids are `form-field`).
    pub fn error_in(&self, form: &str, field: &str) -> Option<&str> {
        let id = format!("{form}-{field}");
        self.errors.0.iter().find(|(f, _)| *f == id).map(|(_, m)| m.as_str())
    }
    pub fn has_error_in(&self, form: &str, field: &str) -> bool {
        self.error_in(form, field).is_some()
    }
}

pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "Sorry, there is a problem with the service.")
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub page: &'a Page,
    pub message: &'a str,
    pub detail: &'a str,
}

/// What [`url_encode`] leaves as it is: letters, digits, `-_.~` (RFC 3986's unreserved) and `/`.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// Percent-encodes text for a query string value (or a file name in `filename*=`).
pub fn url_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// A safe place to go back to after sign-in: only a path on this site.
///
/// The text is parsed as the URL standard says a browser would parse it (tabs and newlines
/// dropped, `\` read as `/`, `.` and `..` segments resolved) against a fixed base, and
/// accepted only if the result is on the base's origin; what is returned is the parsed path
/// and query, serialised again, so what the browser is sent is what was checked. A path that
/// would start with `//` (another host to a browser) and the sign-in pages themselves are
/// refused. Anything refused is `/`.
pub fn safe_next(next: Option<&str>) -> String {
    const BASE: &str = "https://confer.invalid/";
    let refused = || "/".to_owned();
    let Some(next) = next else { return refused() };
    // Only a path (not a scheme, a host, or a relative path that a base could change).
    if !next.starts_with('/') {
        return refused();
    }
    let Ok(base) = url::Url::parse(BASE) else { return refused() };
    let Ok(parsed) = base.join(next) else { return refused() };
    if parsed.origin() != base.origin() || !parsed.username().is_empty() || parsed.password().is_some() {
        return refused();
    }
    let mut out = parsed.path().to_owned();
    if let Some(q) = parsed.query() {
        out.push('?');
        out.push_str(q);
    }
    if !out.starts_with('/') || out.starts_with("//") || out.contains('\\') || out.starts_with("/sign-") {
        return refused();
    }
    out
}

/// "23 November 2026" (GOV.UK date style).
pub fn long_date(d: &chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// A stored instant shown as "23 November 2026 at 15:04", in UK time ([`crate::uk_time`]).
pub fn long_instant(s: &str) -> String {
    match confer_store::parse_stamp(s) {
        Some(t) => crate::uk_time::long_instant(&t),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn next_is_only_a_local_path() {
        assert_eq!(safe_next(Some("/families/1")), "/families/1");
        assert_eq!(safe_next(Some("/deadlines?state=overdue&sort=due")), "/deadlines?state=overdue&sort=due");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    /// Known ways round a "starts with one slash" check: each must stay on this site.
    #[test]
    fn next_refuses_known_open_redirect_bypasses() {
        let bypasses = [
            "/\t/evil.example",
            "/\t/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "//evil.example",
            "///evil.example",
            "////evil.example",
            "/./evil.example/..//evil.example",
            "/.//evil.example",
            "/x/..//evil.example",
            "/%2e%2e//evil.example",
            "/%2e/%2e//evil.example",
            "https://evil.example/",
            "http:evil.example",
            "https:/evil.example",
            "javascript:alert(1)",
            "/\u{0}/evil.example",
            " //evil.example",
            "evil.example",
            "@evil.example",
            "/@evil.example",
            "/sign-in?next=//evil.example",
            "/sign-in/code",
        ];
        for b in bypasses {
            let next = safe_next(Some(b));
            let url = url::Url::parse("https://confer.example/").unwrap().join(&next).unwrap();
            assert_eq!(url.host_str(), Some("confer.example"), "{b:?} gave {next:?}");
            assert!(!next.starts_with("//") && !next.contains('\\') && !next.contains('\t'), "{b:?} gave {next:?}");
        }
        // Encoded slashes and tabs stay encoded: a browser does not decode them into a host.
        for (given, kept) in
            [("/%2F%2Fevil.example", "/%2F%2Fevil.example"), ("/%09/evil.example", "/%09/evil.example")]
        {
            assert_eq!(safe_next(Some(given)), kept);
        }
    }

    #[test]
    fn url_encode_keeps_paths_readable() {
        assert_eq!(url_encode("/families/1?x=a b&c"), "/families/1%3Fx%3Da%20b%26c");
        assert_eq!(url_encode("Zo\u{eb}-file_1.pdf~"), "Zo%C3%AB-file_1.pdf~");
    }
}
