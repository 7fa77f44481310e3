//! Tests of the Go rules' helpers.

use super::simulate_parse;

#[test]
fn foreign_layouts_fail_like_go() {
    // Checked against go1.19 `time.Parse`.
    assert_eq!(
        simulate_parse("YYYY-MM-DD"),
        Some((
            "2024-03-10".to_owned(),
            "YYYY-MM-DD".to_owned(),
            "2024-03-10".to_owned()
        ))
    );
    assert_eq!(
        simulate_parse("%Y-%m-%d"),
        Some((
            "2024-03-10".to_owned(),
            "%Y-%m-%d".to_owned(),
            "2024-03-10".to_owned()
        ))
    );
    assert_eq!(
        simulate_parse("2006-01-02 HH:mm"),
        Some((
            "2024-03-10 09:30".to_owned(),
            " HH:mm".to_owned(),
            "09:30".to_owned()
        ))
    );
    assert_eq!(
        simulate_parse("02.01.YYYY"),
        Some((
            "10.03.2024".to_owned(),
            ".YYYY".to_owned(),
            "2024".to_owned()
        ))
    );
    assert_eq!(
        simulate_parse("DD/01/2006").map(|(_, layout, value)| (layout, value)),
        Some(("DD/".to_owned(), "10/03/2024".to_owned()))
    );
    assert_eq!(simulate_parse("2006-01-02T15:04:05Z07:00"), None);
    assert_eq!(simulate_parse("Jan _2 15:04:05"), None);
}
