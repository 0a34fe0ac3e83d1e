//! Dates in SOQL: relative date literals (`TODAY`, `LAST_N_DAYS:30`, `THIS_FISCAL_QUARTER`, …)
//! as inclusive ranges of days, and the date functions of GROUP BY queries. Everything is in
//! UTC; weeks start on Sunday (the en_US locale); the fiscal year starts in January, the
//! default, so fiscal periods are calendar periods.

use serde_json::{Value, json};
use time::{Date, Duration, Month, OffsetDateTime};

pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

pub fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `2024-01-31T10:00:00Z` / `+01:00` → `2024-01-31T10:00:00.000+0000` in UTC.
pub fn normalise_datetime(text: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    let with_colon =
        if text.len() > 5 && !text.ends_with('Z') && !text[text.len() - 5..].contains(':') {
            format!("{}:{}", &text[..text.len() - 2], &text[text.len() - 2..])
        } else {
            text.to_string()
        };
    let at = OffsetDateTime::parse(&with_colon, &Rfc3339).ok()?;
    Some(crate::clock::sf_datetime(
        (at.unix_timestamp_nanos() / 1_000_000) as i64,
    ))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Week,
    Month,
    Quarter,
    Year,
}

fn months(unit: Unit) -> i32 {
    match unit {
        Unit::Week => 0,
        Unit::Month => 1,
        Unit::Quarter => 3,
        Unit::Year => 12,
    }
}

/// The first day of the period `shift` periods from the one holding `day`.
fn period_start(day: Date, unit: Unit, shift: i64) -> Date {
    if unit == Unit::Week {
        let sunday = day - Duration::days(day.weekday().number_days_from_sunday() as i64);
        return sunday + Duration::weeks(shift);
    }
    let size = months(unit);
    let index = day.year() * 12 + (u8::from(day.month()) as i32 - 1);
    let start = (index.div_euclid(size) + shift as i32) * size;
    let month = Month::try_from((start.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    Date::from_calendar_date(start.div_euclid(12), month, 1).unwrap_or(day)
}

/// Periods `from ..= to` relative to the current one (0), as a range of days.
fn periods(unit: Unit, from: i64, to: i64) -> (Date, Date) {
    let now = today();
    let start = period_start(now, unit, from);
    let end = period_start(now, unit, to + 1) - Duration::days(1);
    (start, end)
}

fn unit_of(word: &str) -> Option<Unit> {
    Some(match word {
        "WEEK" | "WEEKS" => Unit::Week,
        "MONTH" | "MONTHS" => Unit::Month,
        "QUARTER" | "QUARTERS" | "FISCAL_QUARTER" | "FISCAL_QUARTERS" => Unit::Quarter,
        "YEAR" | "YEARS" | "FISCAL_YEAR" | "FISCAL_YEARS" => Unit::Year,
        _ => return None,
    })
}

/// Whether the literal takes `:n`.
pub fn takes_count(name: &str) -> bool {
    name.starts_with("LAST_N_") || name.starts_with("NEXT_N_") || name.ends_with("_AGO")
}

/// The days a date literal covers (inclusive); `n` for the `:n` forms. `None`: not a literal.
pub fn range(name: &str, n: i64) -> Option<(String, String)> {
    let now = today();
    let days = |from: i64, to: i64| (now + Duration::days(from), now + Duration::days(to));
    let (start, end) = match name {
        "TODAY" => days(0, 0),
        "YESTERDAY" => days(-1, -1),
        "TOMORROW" => days(1, 1),
        // The past days include today; the next ones start tomorrow.
        "LAST_90_DAYS" => days(-90, 0),
        "NEXT_90_DAYS" => days(1, 90),
        "LAST_N_DAYS" => days(-n, 0),
        "NEXT_N_DAYS" => days(1, n),
        "N_DAYS_AGO" => days(-n, -n),
        _ => {
            if let Some(unit) = name.strip_prefix("THIS_").and_then(unit_of) {
                periods(unit, 0, 0)
            } else if let Some(unit) = name.strip_prefix("LAST_N_").and_then(unit_of) {
                periods(unit, -n, -1)
            } else if let Some(unit) = name.strip_prefix("NEXT_N_").and_then(unit_of) {
                periods(unit, 1, n)
            } else if let Some(unit) = name.strip_prefix("LAST_").and_then(unit_of) {
                periods(unit, -1, -1)
            } else if let Some(unit) = name.strip_prefix("NEXT_").and_then(unit_of) {
                periods(unit, 1, 1)
            } else if let Some(unit) = name
                .strip_prefix("N_")
                .and_then(|s| s.strip_suffix("_AGO"))
                .and_then(unit_of)
            {
                periods(unit, -n, -n)
            } else {
                return None;
            }
        }
    };
    Some((ymd(start), ymd(end)))
}

/// The date functions of GROUP BY queries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateFn {
    CalendarMonth,
    CalendarQuarter,
    CalendarYear,
    DayInMonth,
    DayInWeek,
    DayInYear,
    DayOnly,
    FiscalMonth,
    FiscalQuarter,
    FiscalYear,
    HourInDay,
    WeekInMonth,
    WeekInYear,
}

impl DateFn {
    pub fn named(name: &str) -> Option<Self> {
        Some(match name.to_ascii_uppercase().as_str() {
            "CALENDAR_MONTH" => DateFn::CalendarMonth,
            "CALENDAR_QUARTER" => DateFn::CalendarQuarter,
            "CALENDAR_YEAR" => DateFn::CalendarYear,
            "DAY_IN_MONTH" => DateFn::DayInMonth,
            "DAY_IN_WEEK" => DateFn::DayInWeek,
            "DAY_IN_YEAR" => DateFn::DayInYear,
            "DAY_ONLY" => DateFn::DayOnly,
            "FISCAL_MONTH" => DateFn::FiscalMonth,
            "FISCAL_QUARTER" => DateFn::FiscalQuarter,
            "FISCAL_YEAR" => DateFn::FiscalYear,
            "HOUR_IN_DAY" => DateFn::HourInDay,
            "WEEK_IN_MONTH" => DateFn::WeekInMonth,
            "WEEK_IN_YEAR" => DateFn::WeekInYear,
            _ => return None,
        })
    }

    /// Only for datetime fields (a date has no hour, and is its own day).
    pub fn needs_time(self) -> bool {
        matches!(self, DateFn::DayOnly | DateFn::HourInDay)
    }

    /// The function of a date (`YYYY-MM-DD`) or datetime (`…T…+0000`) value; null stays null.
    pub fn apply(self, value: &Value) -> Value {
        let Some(text) = value.as_str() else {
            return Value::Null;
        };
        let day = text.get(..10).and_then(|d| {
            Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok()
        });
        let Some(day) = day else {
            return Value::Null;
        };
        let month = u8::from(day.month()) as i64;
        match self {
            DateFn::CalendarMonth | DateFn::FiscalMonth => json!(month),
            DateFn::CalendarQuarter | DateFn::FiscalQuarter => json!((month - 1) / 3 + 1),
            DateFn::CalendarYear | DateFn::FiscalYear => json!(day.year()),
            DateFn::DayInMonth => json!(day.day()),
            // 1 is Sunday.
            DateFn::DayInWeek => json!(day.weekday().number_from_sunday()),
            DateFn::DayInYear => json!(day.ordinal()),
            DateFn::DayOnly => json!(ymd(day)),
            DateFn::HourInDay => text
                .get(11..13)
                .and_then(|h| h.parse::<i64>().ok())
                .map_or(Value::Null, |h| json!(h)),
            // Week 1 is days 1–7 of the month (or year), whatever their weekdays.
            DateFn::WeekInMonth => json!((day.day() as i64 - 1) / 7 + 1),
            DateFn::WeekInYear => json!((day.ordinal() as i64 - 1) / 7 + 1),
        }
    }
}

/// The first Sunday on or before `day` (for tests of week literals).
#[cfg(test)]
fn sunday_of(day: Date) -> Date {
    let mut d = day;
    while d.weekday() != time::Weekday::Sunday {
        d -= Duration::days(1);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_cover_the_documented_days() {
        let now = today();
        let day = |offset: i64| ymd(now + Duration::days(offset));
        assert_eq!(
            range("LAST_N_DAYS", 1),
            Some((day(-1), day(0))),
            "yesterday and today"
        );
        assert_eq!(
            range("NEXT_N_DAYS", 2),
            Some((day(1), day(2))),
            "from tomorrow"
        );
        assert_eq!(range("N_DAYS_AGO", 3), Some((day(-3), day(-3))));
        let sunday = sunday_of(now);
        assert_eq!(
            range("THIS_WEEK", 0),
            Some((ymd(sunday), ymd(sunday + Duration::days(6))))
        );
        assert_eq!(
            range("LAST_N_WEEKS", 2),
            Some((
                ymd(sunday - Duration::weeks(2)),
                ymd(sunday - Duration::days(1))
            ))
        );
        let (start, end) = range("THIS_QUARTER", 0).unwrap();
        assert!(start.ends_with("-01") && start <= ymd(now) && ymd(now) <= end);
        let year = now.year();
        assert_eq!(
            range("LAST_FISCAL_YEAR", 0),
            Some((format!("{}-01-01", year - 1), format!("{}-12-31", year - 1)))
        );
        assert_eq!(
            range("N_YEARS_AGO", 2),
            Some((format!("{}-01-01", year - 2), format!("{}-12-31", year - 2)))
        );
        assert!(range("NEXT_N_MONTHS", 12).unwrap().0 > ymd(now));
        assert_eq!(range("SOMEDAY", 0), None);
    }

    #[test]
    fn period_starts_cross_years() {
        let d = Date::from_calendar_date(2025, Month::February, 10).unwrap();
        let start = period_start(d, Unit::Quarter, -1);
        assert_eq!(ymd(start), "2024-10-01");
        assert_eq!(ymd(period_start(d, Unit::Month, 11)), "2026-01-01");
    }

    #[test]
    fn date_functions() {
        let at = json!("2025-01-06T09:30:00.000+0000");
        assert_eq!(DateFn::CalendarQuarter.apply(&at), json!(1));
        assert_eq!(DateFn::DayInWeek.apply(&at), json!(2), "a Monday");
        assert_eq!(DateFn::HourInDay.apply(&at), json!(9));
        assert_eq!(DateFn::DayOnly.apply(&at), json!("2025-01-06"));
        assert_eq!(DateFn::WeekInYear.apply(&json!("2025-01-08")), json!(2));
        assert_eq!(DateFn::CalendarYear.apply(&Value::Null), Value::Null);
    }
}
