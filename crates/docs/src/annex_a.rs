//! Ofsted's Annex A lists as files: one workbook (XLSX, one sheet a list, the headings in the
//! first row, dates as Excel dates shown dd/mm/yyyy) and one CSV file a list (dates as
//! dd/mm/yyyy). The same lists and period give the same bytes: the workbook's created date
//! is the period's last day and its zip entries carry no time.

use crate::census::csv_row;
use chrono::{Datelike, NaiveDate};
use confer_domain::annex_a::{Cell, ListNo, Lists};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// One list as CSV: the headings, then a row per record.
pub fn csv(lists: &Lists, list: ListNo) -> Vec<u8> {
    let mut out = String::new();
    csv_row(&list.headings().iter().map(|h| (*h).to_owned()).collect::<Vec<_>>(), &mut out);
    for row in lists.rows(list) {
        csv_row(&row.iter().map(Cell::display).collect::<Vec<_>>(), &mut out);
    }
    out.into_bytes()
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    // Month and day are at most 12 and 31.
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

/// The workbook: a sheet a list ("List 5", "List 6", "List 7"), made on `created` (the
/// period's last day, so the same data give the same bytes).
pub fn xlsx(lists: &Lists, created: NaiveDate) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title("Annex A lists")
            .set_author("confer")
            .set_creation_datetime(&excel_date(created)?),
    );
    let heading = Format::new().set_bold().set_text_wrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for list in ListNo::ALL {
        let sheet = book.add_worksheet();
        sheet.set_name(list.sheet())?;
        for (c, h) in list.headings().iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            sheet.write_string_with_format(0, col, *h, &heading)?;
            sheet.set_column_width(col, 20)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (r, row) in lists.rows(list).iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                match cell {
                    Cell::Text(s) => {
                        sheet.write_string(r, c, s)?;
                    }
                    Cell::Date(d) => {
                        sheet.write_datetime_with_format(r, c, excel_date(*d)?, &date)?;
                    }
                    // Counts and ages are small whole numbers: exact as f64.
                    Cell::Number(n) => {
                        sheet.write_number(r, c, *n as f64)?;
                    }
                    Cell::Blank => {}
                }
            }
        }
    }
    book.save_to_buffer()
}
