//! The parsed form of a SOQL query.

use super::dates::DateFn;

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

/// A function of one field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Date(DateFn),
    /// `toLabel(f)`: the picklist label (the simulated picklists label values as themselves).
    ToLabel,
    /// `convertCurrency(f)`: into the user's currency; the simulated orgs have one, USD.
    ConvertCurrency,
}

/// A value of one record: a field, or a function of one.
#[derive(Clone, Debug)]
pub struct Scalar {
    pub path: Path,
    pub func: Option<Func>,
}

impl Scalar {
    /// The same field and function (what GROUP BY and the select list must agree on).
    pub fn same(&self, other: &Scalar) -> bool {
        self.func == other.func && self.path.parts == other.path.parts
    }
}

#[derive(Clone, Debug)]
pub enum Expr {
    Scalar(Scalar),
    Aggregate {
        func: Agg,
        arg: Scalar,
    },
    /// `GROUPING(f)`: 1 on a ROLLUP / CUBE row that totals over `f`.
    Grouping(Path),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldsKind {
    All,
    Standard,
    Custom,
}

#[derive(Clone, Debug)]
pub enum Item {
    Expr {
        expr: Expr,
        alias: Option<String>,
        /// Wrapped in `FORMAT()`: the value as the user's locale shows it.
        format: bool,
    },
    /// `COUNT()`: only `totalSize` is returned.
    CountAll,
    SubQuery(Box<Query>),
    /// `TYPEOF rel WHEN Type THEN fields … [ELSE fields] END`
    TypeOf {
        rel: Path,
        whens: Vec<(String, Vec<Path>)>,
        otherwise: Vec<Path>,
    },
    /// `FIELDS(ALL|STANDARD|CUSTOM)`, expanded into fields when names are resolved.
    Fields {
        kind: FieldsKind,
        pos: usize,
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
        left: Expr,
        op: &'static str,
        value: Literal,
    },
    In {
        left: Expr,
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
        left: Expr,
        pattern: String,
    },
    /// `INCLUDES ('a;b', 'c')` on a multi-select picklist: any of the sets, each set meaning
    /// all of its values; `EXCLUDES` is the negation.
    Includes {
        left: Expr,
        sets: Vec<Vec<String>>,
        negated: bool,
    },
    /// `DISTANCE(field, GEOLOCATION(…), 'mi') < n`: needs a geolocation field, which no
    /// simulated object has, so resolving it always fails.
    Distance(Path),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    Plain,
    Rollup,
    Cube,
}

#[derive(Clone, Debug)]
pub struct GroupBy {
    pub kind: GroupKind,
    pub exprs: Vec<Scalar>,
}

#[derive(Clone, Debug)]
pub struct Order {
    pub expr: Expr,
    pub descending: bool,
    pub nulls_last: bool,
}

#[derive(Clone, Debug)]
pub struct Query {
    pub items: Vec<Item>,
    pub from: String,
    pub from_pos: usize,
    /// `FROM Contact c, c.Account a`: the object's alias, then relationship paths and theirs.
    pub alias: Option<String>,
    pub joins: Vec<(Path, String)>,
    /// `USING SCOPE name` and where the name is.
    pub scope: Option<(String, usize)>,
    pub filter: Option<Cond>,
    /// Where `WITH DATA CATEGORY` starts: it filters knowledge articles only.
    pub data_category: Option<usize>,
    pub group_by: Option<GroupBy>,
    pub having: Option<Cond>,
    pub order_by: Vec<Order>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

impl Query {
    /// GROUP BY or an aggregate function: rows are `AggregateResult`s.
    pub fn aggregates(&self) -> bool {
        self.group_by.is_some()
            || self.items.iter().any(|i| {
                matches!(
                    i,
                    Item::Expr {
                        expr: Expr::Aggregate { .. } | Expr::Grouping(_),
                        ..
                    }
                )
            })
    }
}
