//! `confer calendar`: working-day arithmetic and bank holidays from the command line, so a
//! coordinator or an administrator can check a date the product computed, and so the
//! government's list of announced bank holidays can be imported.
//!
//! Dates are ISO (YYYY-MM-DD) in and out. Bad input gets a one-line message on stderr that says
//! what to fix, and exit status 2 (the status clap uses for usage errors).

use chrono::{Datelike, NaiveDate};
use clap::{Args, Subcommand};
use confer_domain::calendar::{
    parse_govuk_bank_holidays, parse_iso_date, BankHoliday, Calendar, Region, WorkingCalendar,
};
use confer_domain::Nation;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Whose calendar to use: a nation's, or an authority's (its nation's bank holidays plus its
/// imported days and closure days). Exactly one is required.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
#[group(required = true, multiple = false)]
pub struct CalendarChoice {
    /// The nation whose bank holidays count: england, wales, scotland or northern-ireland.
    #[arg(long, value_name = "NATION")]
    pub nation: Option<String>,
    /// An authority's code: its nation's bank holidays and its own closure days.
    #[arg(long, value_name = "CODE")]
    pub authority: Option<String>,
}

/// The `confer calendar` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum CalendarCommand {
    /// Print the date N working days after a date (the date itself is day 0).
    WorkingDaysAfter {
        #[command(flatten)]
        calendar: CalendarChoice,
        /// The date to count from, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        from: String,
        /// How many working days, 0 to 100000.
        #[arg(long, value_name = "N")]
        days: String,
    },
    /// Print the date N working days before a date.
    WorkingDaysBefore {
        #[command(flatten)]
        calendar: CalendarChoice,
        /// The date to count back from, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        from: String,
        /// How many working days, 0 to 100000.
        #[arg(long, value_name = "N")]
        days: String,
    },
    /// Print the number of working days after one date up to and including another
    /// (negative when the second date is earlier).
    WorkingDaysBetween {
        #[command(flatten)]
        calendar: CalendarChoice,
        /// The first date, YYYY-MM-DD (not counted).
        #[arg(long, value_name = "DATE")]
        from: String,
        /// The last date, YYYY-MM-DD (counted).
        #[arg(long, value_name = "DATE")]
        to: String,
    },
    /// Print "yes" if a date is a working day, "no" if not.
    IsWorkingDay {
        #[command(flatten)]
        calendar: CalendarChoice,
        /// The date to check, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        date: String,
    },
    /// List the bank holidays of a year (and, for an authority, its closure days): date and
    /// name, one a line.
    Holidays {
        #[command(flatten)]
        calendar: CalendarChoice,
        /// The year, 1900 to 2200.
        #[arg(long, value_name = "YEAR")]
        year: String,
    },
    /// Read a bank-holidays file in the shape of https://www.gov.uk/bank-holidays.json and
    /// report what it announces.
    Import {
        /// The file to read.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// The largest count of working days accepted: about 400 years, far beyond any deadline.
pub const MAX_DAYS: u32 = 100_000;
/// The years `holidays` accepts, the same as an imported file.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;
/// A government file is about 20 KB; anything over this is not one.
const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

enum Failure {
    /// The user's input is wrong: exit status 2.
    Input(String),
    /// Writing the answer failed (for example a closed pipe): exit status 1.
    Output(std::io::Error),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Output(e)
    }
}

/// Runs one calendar subcommand. `authority_calendar` builds the calendar of an authority from
/// its code (the caller reads the store); its error message is shown as it is, with exit status
/// 2. For `import`, this reads and checks the file and reports what it announces; saving the
/// days is the caller's (it calls [`import_file`] itself).
pub fn run(
    cmd: &CalendarCommand,
    authority_calendar: &dyn Fn(&str) -> Result<Calendar, String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    match execute(cmd, authority_calendar, out) {
        Ok(()) => 0,
        Err(Failure::Input(message)) => {
            let _ = writeln!(err, "error: {message}");
            2
        }
        Err(Failure::Output(e)) => {
            let _ = writeln!(err, "error: could not write the answer: {e}");
            1
        }
    }
}

fn execute(
    cmd: &CalendarCommand,
    authority_calendar: &dyn Fn(&str) -> Result<Calendar, String>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    match cmd {
        CalendarCommand::WorkingDaysAfter { calendar, from, days } => {
            let (from, days) = (parse_date("--from", from)?, parse_days(days)?);
            let mut slot = None;
            let cal = choose(calendar, authority_calendar, &mut slot)?;
            writeln!(out, "{}", cal.add_working_days(from, days))?;
        }
        CalendarCommand::WorkingDaysBefore { calendar, from, days } => {
            let (from, days) = (parse_date("--from", from)?, parse_days(days)?);
            let mut slot = None;
            let cal = choose(calendar, authority_calendar, &mut slot)?;
            writeln!(out, "{}", cal.subtract_working_days(from, days))?;
        }
        CalendarCommand::WorkingDaysBetween { calendar, from, to } => {
            let (from, to) = (parse_date("--from", from)?, parse_date("--to", to)?);
            let mut slot = None;
            let cal = choose(calendar, authority_calendar, &mut slot)?;
            writeln!(out, "{}", cal.working_days_between(from, to))?;
        }
        CalendarCommand::IsWorkingDay { calendar, date } => {
            let date = parse_date("--date", date)?;
            let mut slot = None;
            let cal = choose(calendar, authority_calendar, &mut slot)?;
            writeln!(out, "{}", if cal.is_working_day(date) { "yes" } else { "no" })?;
        }
        CalendarCommand::Holidays { calendar, year } => {
            let year = parse_year(year)?;
            let mut slot = None;
            let cal = choose(calendar, authority_calendar, &mut slot)?;
            let mut days: Vec<BankHoliday> = cal.bank_holidays_in_year(year);
            days.extend(
                cal.closures()
                    .iter()
                    .filter(|d| d.year() == year)
                    .map(|d| BankHoliday::new(*d, "Closure day (this authority)")),
            );
            days.sort();
            for day in days {
                writeln!(out, "{} {}", day.date, day.name)?;
            }
        }
        CalendarCommand::Import { file } => {
            let days = import_file(file).map_err(Failure::Input)?;
            writeln!(out, "{} announces {} bank holidays:", file.display(), days.len())?;
            for region in Region::ALL {
                let dates: Vec<NaiveDate> = days.iter().filter(|(r, _)| r == region).map(|(_, h)| h.date).collect();
                match (dates.first(), dates.last()) {
                    (Some(first), Some(last)) => {
                        writeln!(out, "{} {} days, {first} to {last}", region.as_str(), dates.len())?
                    }
                    _ => writeln!(out, "{} no days", region.as_str())?,
                }
            }
        }
    }
    Ok(())
}

/// Reads and checks a bank-holidays file in the shape of https://www.gov.uk/bank-holidays.json.
/// Returns every announced day with its region, in region then date order: the rows to store.
/// The error says what to fix.
pub fn import_file(path: &Path) -> Result<Vec<(Region, BankHoliday)>, String> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open {shown}: {e}; check the path"))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "{shown} is larger than 5 MB, so it is not a bank-holidays list: download https://www.gov.uk/bank-holidays.json"
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{shown} is not UTF-8 text: download https://www.gov.uk/bank-holidays.json again"))?;
    let announced = parse_govuk_bank_holidays(&text).map_err(|e| format!("{shown}: {e}"))?;
    Ok(announced.all())
}

/// The calendar chosen by `--nation` (shared, built once) or `--authority` (built by the caller
/// into `slot`).
fn choose<'a>(
    choice: &CalendarChoice,
    authority_calendar: &dyn Fn(&str) -> Result<Calendar, String>,
    slot: &'a mut Option<Calendar>,
) -> Result<&'a Calendar, Failure> {
    match (&choice.nation, &choice.authority) {
        (Some(nation), None) => Ok(Calendar::shared(Region::for_nation(parse_nation(nation)?))),
        (None, Some(code)) => {
            let code = code.trim();
            if code.is_empty() {
                return Err(Failure::Input(
                    "--authority needs the authority's code, for example --authority 209".into(),
                ));
            }
            let calendar = authority_calendar(code).map_err(Failure::Input)?;
            Ok(slot.insert(calendar))
        }
        _ => Err(Failure::Input("give exactly one of --nation NATION or --authority CODE".into())),
    }
}

fn parse_nation(text: &str) -> Result<Nation, Failure> {
    let key = text.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    Nation::parse(&key).ok_or_else(|| {
        Failure::Input(format!("unknown nation \"{text}\": use england, wales, scotland or northern-ireland"))
    })
}

fn parse_date(flag: &str, text: &str) -> Result<NaiveDate, Failure> {
    parse_iso_date(text.trim()).ok_or_else(|| {
        Failure::Input(format!("{flag} \"{text}\" is not a date: write it as YYYY-MM-DD, for example 2026-03-02"))
    })
}

fn parse_days(text: &str) -> Result<u32, Failure> {
    match text.trim().parse::<u32>() {
        Ok(n) if n <= MAX_DAYS => Ok(n),
        _ => Err(Failure::Input(format!(
            "--days \"{text}\" is not a number of working days: give a whole number from 0 to {MAX_DAYS}"
        ))),
    }
}

fn parse_year(text: &str) -> Result<i32, Failure> {
    match text.trim().parse::<i32>() {
        Ok(y) if YEARS.contains(&y) => Ok(y),
        _ => Err(Failure::Input(format!(
            "--year \"{text}\" is not a year confer knows: give a year from {} to {}",
            YEARS.start(),
            YEARS.end()
        ))),
    }
}

/// The authority code a subcommand asks about, if it uses `--authority` (the caller loads
/// that authority's calendar from the database before running it).
pub fn authority_code(cmd: &CalendarCommand) -> Option<&str> {
    let choice = match cmd {
        CalendarCommand::WorkingDaysAfter { calendar, .. }
        | CalendarCommand::WorkingDaysBefore { calendar, .. }
        | CalendarCommand::WorkingDaysBetween { calendar, .. }
        | CalendarCommand::IsWorkingDay { calendar, .. }
        | CalendarCommand::Holidays { calendar, .. } => calendar,
        CalendarCommand::Import { .. } => return None,
    };
    choice.authority.as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nation(n: &str) -> CalendarChoice {
        CalendarChoice { nation: Some(n.into()), authority: None }
    }

    fn no_authorities(code: &str) -> Result<Calendar, String> {
        Err(format!("no authority has the code \"{code}\": check `confer authorities list`"))
    }

    fn run_it(cmd: CalendarCommand) -> (i32, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run(&cmd, &no_authorities, &mut out, &mut err);
        (status, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    #[test]
    fn working_days_after_prints_an_iso_date() {
        let cmd = CalendarCommand::WorkingDaysAfter {
            calendar: nation("england"),
            from: "2026-12-24".into(),
            days: "1".into(),
        };
        assert_eq!(run_it(cmd), (0, "2026-12-29\n".into(), String::new()));
    }

    #[test]
    fn bad_input_exits_2_with_one_line_saying_what_to_fix() {
        for cmd in [
            CalendarCommand::IsWorkingDay { calendar: nation("atlantis"), date: "2026-01-01".into() },
            CalendarCommand::IsWorkingDay { calendar: nation("wales"), date: "2026-02-30".into() },
            CalendarCommand::WorkingDaysAfter {
                calendar: nation("wales"),
                from: "2026-01-01".into(),
                days: "-3".into(),
            },
            CalendarCommand::Holidays { calendar: nation("wales"), year: "twenty".into() },
            CalendarCommand::Holidays {
                calendar: CalendarChoice { nation: None, authority: Some("999".into()) },
                year: "2026".into(),
            },
        ] {
            let (status, out, err) = run_it(cmd);
            assert_eq!(status, 2);
            assert!(out.is_empty());
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }

    #[test]
    fn an_authority_calendar_includes_its_closure_days() {
        let closures = |_: &str| -> Result<Calendar, String> {
            Ok(Calendar::builder(Region::Scotland).closures([NaiveDate::from_ymd_opt(2026, 12, 29).unwrap()]).build())
        };
        let cmd = CalendarCommand::Holidays {
            calendar: CalendarChoice { nation: None, authority: Some("S12000036".into()) },
            year: "2026".into(),
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(run(&cmd, &closures, &mut out, &mut err), 0);
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.ends_with("2026-12-28 Boxing Day (substitute day)\n2026-12-29 Closure day (this authority)\n"),
            "{out}"
        );
    }
}
