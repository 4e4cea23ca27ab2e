//! The Annex A workbook read back by an independent reader (calamine): one sheet a list in
//! order, the headings in the first row, every cell of a known set of rows (text, Excel
//! dates shown dd/mm/yyyy, numbers, blanks), the created date fixed to the period's end so
//! the same lists give the same bytes; and the CSV files.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use confer_docs::annex_a::{csv, xlsx};
use confer_domain::annex_a::{Cell, ListNo, Lists};
use std::io::Cursor;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn known() -> Lists {
    let common =
        || vec![t("LA01"), t("b) Female"), t("a) WBRI"), Cell::Date(d("2016-05-10")), Cell::Number(10), t("a) Yes")];
    let mut l5 = common();
    l5.extend([
        Cell::Date(d("2026-08-01")),
        t("b) No"),
        Cell::Date(d("2026-08-20")),
        t("a) Yes"),
        Cell::Number(3),
        Cell::Number(1),
        t("West, \"duty\""),
        t("=Sam Worker"),
    ]);
    let mut l6 = common();
    l6.extend([
        t("Child protection plan"),
        Cell::Date(d("2026-09-01")),
        t("N1"),
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        t("West"),
        t("Sam Worker"),
    ]);
    let mut l7 = common();
    l7.extend([
        Cell::Date(d("2026-01-15")),
        t("a) Neglect"),
        t("d) Emotional abuse"),
        Cell::Blank,
        Cell::Blank,
        Cell::Date(d("2026-07-10")),
        Cell::Date(d("2026-09-30")),
        Cell::Blank,
        Cell::Number(1),
        t("East"),
        t("Kim Key"),
    ]);
    Lists { list5: vec![l5], list6: vec![l6], list7: vec![l7.clone(), l7] }
}

fn serial(x: NaiveDate) -> f64 {
    (x - d("1899-12-30")).num_days() as f64
}

#[test]
fn annex_a_workbook_reads_back_cell_by_cell_and_is_reproducible() {
    let lists = known();
    let bytes = xlsx(&lists, d("2026-11-30")).unwrap();
    assert_eq!(bytes, xlsx(&lists, d("2026-11-30")).unwrap(), "the same lists give the same bytes");
    assert_ne!(bytes, xlsx(&lists, d("2026-12-01")).unwrap(), "the created date is the period's end");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), vec!["List 5", "List 6", "List 7"]);
    for list in ListNo::ALL {
        let range = book.worksheet_range(list.sheet()).unwrap();
        let rows = lists.rows(list);
        assert_eq!(range.height(), rows.len() + 1, "{}", list.sheet());
        for (c, h) in list.headings().iter().enumerate() {
            assert_eq!(range.get((0, c)), Some(&Data::String((*h).to_owned())), "{} heading {c}", list.sheet());
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let got = range.get((r + 1, c)).cloned().unwrap_or(Data::Empty);
                match cell {
                    Cell::Text(s) => assert_eq!(got, Data::String(s.clone()), "{} {r},{c}", list.sheet()),
                    Cell::Number(n) => assert_eq!(got, Data::Float(*n as f64), "{} {r},{c}", list.sheet()),
                    Cell::Blank => assert_eq!(got, Data::Empty, "{} {r},{c}", list.sheet()),
                    Cell::Date(x) => match got {
                        Data::DateTime(dt) => {
                            assert!(dt.is_datetime(), "{} {r},{c} is shown as a date", list.sheet());
                            assert_eq!(dt.as_f64(), serial(*x), "{} {r},{c}", list.sheet());
                        }
                        other => panic!("{} {r},{c}: expected a date, got {other:?}", list.sheet()),
                    },
                }
            }
        }
    }
}

#[test]
fn annex_a_csv_has_the_headings_and_each_row_with_dates_as_the_template() {
    let lists = known();
    let five = String::from_utf8(csv(&lists, ListNo::List5)).unwrap();
    let mut lines = five.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Does the Child have a Disability,\
         Strategy discussion initiating Section 47 Enquiry Start Date,\
         Was an Initial Child Protection Conference deemed unnecessary?,Date of Initial Child Protection Conference,\
         Did the Initial Child Protection Conference Result in a Child Protection Plan,\
         Number of Section 47 Enquiries in the last 12 months,Number of ICPCs in the last 12 months,\
         Allocated Team,Allocated Worker"
    );
    assert_eq!(
        lines.next().unwrap(),
        "LA01,b) Female,a) WBRI,10/05/2016,10,a) Yes,01/08/2026,b) No,20/08/2026,a) Yes,3,1,\"West, \"\"duty\"\"\",'=Sam Worker"
    );
    assert_eq!(lines.next(), Some(""));
    let seven = String::from_utf8(csv(&lists, ListNo::List7)).unwrap();
    assert_eq!(seven.lines().count(), 3);
    assert!(seven
        .lines()
        .nth(1)
        .unwrap()
        .ends_with(",15/01/2026,a) Neglect,d) Emotional abuse,,,10/07/2026,30/09/2026,,1,East,Kim Key"));
    let six = String::from_utf8(csv(&lists, ListNo::List6)).unwrap();
    assert!(six.starts_with("Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Does the Child have a Disability,Case Status,CIN Start Date,Primary Need Code,Date Child Was Last Seen,CIN Closure Date,Reason for Closure,Allocated Team,Allocated Worker\r\n"));
}
