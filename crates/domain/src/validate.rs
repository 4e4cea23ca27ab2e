//! Field validation that pages and the API share: each error says what to fix.

use serde::Serialize;

/// One field's problem, in words that tell the user what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub message: String,
}

impl FieldError {
    pub fn new(message: impl Into<String>) -> Self {
        FieldError { message: message.into() }
    }
}

/// Problems with a submitted form, field by field, in the order of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_owned(), message.into()));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
    pub fn into_result(self) -> Result<(), FormErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

/// Trims and requires text; `what` names the field in the message ("Enter your user name").
pub fn required(errors: &mut FormErrors, field: &str, value: &str, what: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, format!("Enter {what}"));
    }
    v.to_owned()
}

/// Parses a date typed as YYYY-MM-DD or D/M/YYYY.
pub fn parse_date(text: &str) -> Result<chrono::NaiveDate, FieldError> {
    let t = text.trim();
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .map_err(|_| FieldError::new("Enter a real date, for example 2026-11-23 or 23/11/2026"))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn dates_parse_in_both_forms_and_refuse_nonsense() {
        assert_eq!(parse_date("2026-11-23").unwrap().to_string(), "2026-11-23");
        assert_eq!(parse_date(" 23/11/2026 ").unwrap().to_string(), "2026-11-23");
        assert!(parse_date("31/02/2026").is_err());
        assert!(parse_date("").is_err());
    }
}
