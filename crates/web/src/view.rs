//! What every page shares: the layout's context and rendering.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use confer_domain::validate::FormErrors;

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

/// Percent-encodes text for a query string value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A safe place to go back to after sign-in: only a path on this site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.starts_with("/sign-") => {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// "23 November 2026" (GOV.UK date style).
pub fn long_date(d: &chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// A stored instant shown as "23 November 2026 at 3:04pm" (UTC; times shown to staff).
pub fn long_instant(s: &str) -> String {
    match confer_store::parse_stamp(s) {
        Some(t) => t.format("%-d %B %Y at %H:%M UTC").to_string(),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn next_is_only_a_local_path() {
        assert_eq!(safe_next(Some("/families/1")), "/families/1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
