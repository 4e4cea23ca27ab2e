//! Transfer-in conferences: where the child's plan was made (TIME-02).

use super::*;

fn transferred() -> Conference {
    let mut r = request();
    r.kind = ConferenceKind::TransferIn;
    r.strategy_discussion_on = None;
    r.harm_finding = None;
    r.enquiry = None;
    r.transfer_notified_on = Some(d("2026-11-02"));
    r.children[0].current_plan = Some(PlanCategory::Neglect);
    r.due_by = Weekends.add_working_days(d("2026-11-02"), policy().transfer_in_working_days);
    requested_from(r)
}

#[test]
fn a_transfer_in_records_the_authority_and_when_the_plan_began_time_02() {
    let mut c = transferred();
    let from =
        TransferFrom::new(" Otherton Council ", Some(d("2026-06-01")), c.transfer_notified_on(), d("2026-11-03"))
            .expect("valid");
    c.record_transfer_from(&social_worker(), from, d("2026-11-03")).expect("recorded");
    let t = c.transfer_from().expect("kept");
    assert_eq!(t.authority, "Otherton Council");
    assert_eq!(t.plan_started_on, d("2026-06-01"));
}

#[test]
fn the_transfer_needs_the_authority_and_a_plan_date_not_after_the_move_time_02() {
    let notified = Some(d("2026-11-02"));
    let today = d("2026-11-03");
    assert!(matches!(
        TransferFrom::new("  ", Some(d("2026-06-01")), notified, today),
        Err(ConferenceError::Missing { .. })
    ));
    assert!(matches!(TransferFrom::new("Otherton", None, notified, today), Err(ConferenceError::Missing { .. })));
    assert!(matches!(
        TransferFrom::new("Otherton", Some(d("2026-12-01")), notified, today),
        Err(ConferenceError::BadDate { problem: "is in the future", .. })
    ));
    assert!(matches!(
        TransferFrom::new("Otherton", Some(d("2026-11-03")), notified, today),
        Err(ConferenceError::BadDate { .. })
    ));
    // Only a transfer-in conference records it.
    let mut initial = requested();
    let from = TransferFrom { authority: "Otherton".into(), plan_started_on: d("2026-06-01") };
    assert!(matches!(
        initial.record_transfer_from(&social_worker(), from, today),
        Err(ConferenceError::WrongState { .. })
    ));
}
