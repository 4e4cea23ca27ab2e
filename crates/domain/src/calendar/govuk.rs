//! Reads a file in the shape of the UK government's bank-holidays JSON
//! (<https://www.gov.uk/bank-holidays.json>), so that holidays announced after this release of
//! confer (a coronation, a state funeral) count without a new release. Pure: it takes the text,
//! the caller reads the file.

use super::{BankHoliday, Region};
use chrono::{Datelike, NaiveDate};
use serde_json::Value;

/// The days a government file announces, per region, sorted by date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnnouncedHolidays {
    pub england_and_wales: Vec<BankHoliday>,
    pub scotland: Vec<BankHoliday>,
    pub northern_ireland: Vec<BankHoliday>,
}

impl AnnouncedHolidays {
    pub fn for_region(&self, region: Region) -> &[BankHoliday] {
        match region {
            Region::EnglandAndWales => &self.england_and_wales,
            Region::Scotland => &self.scotland,
            Region::NorthernIreland => &self.northern_ireland,
        }
    }

    /// Every announced day with its region, in region order then date order: the rows a store
    /// keeps.
    pub fn all(&self) -> Vec<(Region, BankHoliday)> {
        Region::ALL.iter().flat_map(|r| self.for_region(*r).iter().map(move |h| (*r, h.clone()))).collect()
    }
}

/// What is wrong with a bank-holidays file, in words that say what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HolidayFileError {
    #[error("the file is not valid JSON (line {line}, column {column}: {message}); download it again from https://www.gov.uk/bank-holidays.json")]
    NotJson { line: usize, column: usize, message: String },
    #[error("the file must be a JSON object with \"england-and-wales\", \"scotland\" and \"northern-ireland\" sections, like https://www.gov.uk/bank-holidays.json")]
    NotAnObject,
    #[error("the file has no \"{region}\" section: it needs \"england-and-wales\", \"scotland\" and \"northern-ireland\", like https://www.gov.uk/bank-holidays.json")]
    MissingRegion { region: &'static str },
    #[error("the \"{region}\" section has no \"events\" list: each section needs \"events\": [{{\"title\": ..., \"date\": \"YYYY-MM-DD\"}}, ...]")]
    MissingEvents { region: &'static str },
    #[error("event {number} of \"{region}\": {problem}")]
    BadEvent { region: &'static str, number: usize, problem: String },
}

/// The earliest and latest years a file may announce: anything else is a typing mistake.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2200;

/// Parses the text of a government bank-holidays file. Every region must be present (the
/// government's file always has all three); unknown extra sections are ignored so that a future
/// addition to the format does not stop an import. Each event needs a `title` and an ISO
/// `date`; `notes` (for example "Substitute day") is added to the name in brackets; `bunting` is
/// accepted and ignored.
pub fn parse_govuk_bank_holidays(text: &str) -> Result<AnnouncedHolidays, HolidayFileError> {
    let value: Value = serde_json::from_str(text).map_err(|e| HolidayFileError::NotJson {
        line: e.line(),
        column: e.column(),
        message: e.to_string().split(" at line ").next().unwrap_or_default().to_owned(),
    })?;
    let object = value.as_object().ok_or(HolidayFileError::NotAnObject)?;
    let mut announced = AnnouncedHolidays::default();
    for region in Region::ALL {
        let key = region.as_str();
        let section = object.get(key).ok_or(HolidayFileError::MissingRegion { region: key })?;
        let events =
            section.get("events").and_then(Value::as_array).ok_or(HolidayFileError::MissingEvents { region: key })?;
        let mut days = Vec::with_capacity(events.len());
        for (index, event) in events.iter().enumerate() {
            let bad = |problem: String| HolidayFileError::BadEvent { region: key, number: index + 1, problem };
            let fields = event.as_object().ok_or_else(|| {
                bad("must be an object like {\"title\": \"Christmas Day\", \"date\": \"2030-12-25\"}".into())
            })?;
            let title = match fields.get("title") {
                Some(Value::String(t)) if !t.trim().is_empty() => t.trim(),
                _ => return Err(bad("needs a \"title\", the name of the holiday".into())),
            };
            let date_text = match fields.get("date") {
                Some(Value::String(t)) => t.as_str(),
                _ => return Err(bad(format!("\"{title}\" needs a \"date\" written YYYY-MM-DD"))),
            };
            let date = parse_iso_date(date_text).ok_or_else(|| {
                bad(format!("\"{title}\" has date \"{date_text}\", which is not a real date written YYYY-MM-DD"))
            })?;
            if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
                return Err(bad(format!(
                    "\"{title}\" is dated {date}, outside {FIRST_YEAR} to {LAST_YEAR}: check the year"
                )));
            }
            let notes = match fields.get("notes") {
                None | Some(Value::Null) => "",
                Some(Value::String(n)) => n.trim(),
                Some(_) => return Err(bad(format!("\"{title}\" has \"notes\" that are not text"))),
            };
            if let Some(b) = fields.get("bunting") {
                if !b.is_boolean() && !b.is_null() {
                    return Err(bad(format!("\"{title}\" has \"bunting\" that is not true or false")));
                }
            }
            let name = if notes.is_empty() { title.to_owned() } else { format!("{title} ({notes})") };
            days.push(BankHoliday::new(date, name));
        }
        days.sort();
        if let Some(pair) = days.windows(2).find(|w| w[0].date == w[1].date) {
            return Err(HolidayFileError::BadEvent {
                region: key,
                number: events.len(),
                problem: format!(
                    "{} is listed twice (\"{}\" and \"{}\"): keep one",
                    pair[0].date, pair[0].name, pair[1].name
                ),
            });
        }
        match region {
            Region::EnglandAndWales => announced.england_and_wales = days,
            Region::Scotland => announced.scotland = days,
            Region::NorthernIreland => announced.northern_ireland = days,
        }
    }
    Ok(announced)
}

/// A date written exactly YYYY-MM-DD (chrono alone would accept "2026-1-5").
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "england-and-wales": {"division": "england-and-wales", "events": [
        {"title": "Christmas Day", "date": "2030-12-25", "notes": "", "bunting": true},
        {"title": "New Year’s Day", "date": "2030-01-01", "notes": "", "bunting": true},
        {"title": "Boxing Day", "date": "2030-12-26", "notes": "Substitute day", "bunting": true}]},
      "scotland": {"division": "scotland", "events": []},
      "northern-ireland": {"division": "northern-ireland", "events": [
        {"title": "Battle of the Boyne (Orangemen’s Day)", "date": "2030-07-12", "notes": "", "bunting": false}]}
    }"#;

    #[test]
    fn reads_the_government_shape_sorted_per_region() {
        let a = parse_govuk_bank_holidays(SAMPLE).unwrap();
        assert_eq!(a.england_and_wales.len(), 3);
        assert_eq!(a.england_and_wales[0].date, NaiveDate::from_ymd_opt(2030, 1, 1).unwrap());
        assert_eq!(a.england_and_wales[2].name, "Boxing Day (Substitute day)");
        assert!(a.scotland.is_empty());
        assert_eq!(a.northern_ireland.len(), 1);
        assert_eq!(a.all().len(), 4);
    }

    #[test]
    fn refuses_bad_files_with_a_message_that_says_what_to_fix() {
        let err = parse_govuk_bank_holidays("{not json").unwrap_err();
        assert!(err.to_string().contains("not valid JSON"), "{err}");
        let err = parse_govuk_bank_holidays("[]").unwrap_err();
        assert_eq!(err, HolidayFileError::NotAnObject);
        let err = parse_govuk_bank_holidays(r#"{"england-and-wales": {"events": []}, "scotland": {"events": []}}"#)
            .unwrap_err();
        assert_eq!(err, HolidayFileError::MissingRegion { region: "northern-ireland" });
        let no_events = SAMPLE.replace(r#""division": "scotland", "events": []"#, r#""division": "scotland""#);
        assert_eq!(
            parse_govuk_bank_holidays(&no_events).unwrap_err(),
            HolidayFileError::MissingEvents { region: "scotland" }
        );
        let bad_date = SAMPLE.replace("2030-12-25", "2030-02-30");
        let err = parse_govuk_bank_holidays(&bad_date).unwrap_err().to_string();
        assert!(err.contains("event 1 of \"england-and-wales\"") && err.contains("2030-02-30"), "{err}");
        let short_date = SAMPLE.replace("2030-12-25", "2030-12-5");
        assert!(parse_govuk_bank_holidays(&short_date).is_err());
        let no_title = SAMPLE.replace(r#""title": "Christmas Day", "#, "");
        assert!(parse_govuk_bank_holidays(&no_title).unwrap_err().to_string().contains("needs a \"title\""));
        let twice = SAMPLE.replace("2030-12-26", "2030-12-25");
        assert!(parse_govuk_bank_holidays(&twice).unwrap_err().to_string().contains("listed twice"));
        let far = SAMPLE.replace("2030-12-25", "3030-12-25");
        assert!(parse_govuk_bank_holidays(&far).unwrap_err().to_string().contains("check the year"));
    }
}
