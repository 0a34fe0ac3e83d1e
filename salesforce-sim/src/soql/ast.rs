//! The parsed form of a SOQL query, and the date helpers its literals need.

use time::{Date, OffsetDateTime};

#[derive(Clone, Debug)]
pub struct Path {
    pub parts: Vec<String>,
    pub pos: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agg {
    Count,
    CountDistinct,
    Sum,
    Min,
    Max,
    Avg,
}

#[derive(Clone, Debug)]
pub enum Item {
    Field(Path),
    SubQuery(Box<Query>),
    /// `COUNT()`: only `totalSize` is returned.
    CountAll,
    Aggregate {
        func: Agg,
        path: Option<Path>,
        alias: Option<String>,
    },
    /// `TYPEOF rel WHEN Type THEN fields … [ELSE fields] END`
    TypeOf {
        rel: Path,
        whens: Vec<(String, Vec<Path>)>,
        otherwise: Vec<Path>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// `YYYY-MM-DD`
    Date(String),
    /// `YYYY-MM-DDThh:mm:ss.SSS+0000` (normalised to Salesforce's own format)
    DateTime(String),
    /// A relative date literal: an inclusive range of days.
    DateRange(String, String),
}

#[derive(Clone, Debug)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Cmp {
        path: Path,
        op: &'static str,
        value: Literal,
    },
    In {
        path: Path,
        values: Vec<Literal>,
        negated: bool,
    },
    /// `field [NOT] IN (SELECT field FROM …)`: resolved into `In` before evaluation.
    SemiJoin {
        path: Path,
        query: Box<Query>,
        negated: bool,
    },
    Like {
        path: Path,
        pattern: String,
    },
}

#[derive(Clone, Debug)]
pub struct Order {
    pub path: Path,
    pub descending: bool,
    pub nulls_last: bool,
}

#[derive(Clone, Debug)]
pub struct Query {
    pub items: Vec<Item>,
    pub from: String,
    pub from_pos: usize,
    pub filter: Option<Cond>,
    pub group_by: Vec<Path>,
    pub order_by: Vec<Order>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

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
