//! The shape of a parsed SELECT. Kept small: what the guard needs, and what a caller needs to
//! check names against describe (the objects in FROM, the fields in the lists).

/// A SELECT statement (top level or sub-query).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub select: Vec<SelectItem>,
    pub from: Vec<FromItem>,
    pub using_scope: Option<String>,
    pub where_clause: Option<Condition>,
    pub with: Option<WithClause>,
    pub group_by: Vec<FieldExpr>,
    pub having: Option<Condition>,
    pub order_by: Vec<OrderItem>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    /// Byte positions used to rewrite LIMIT in the original text.
    pub(crate) spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Spans {
    /// The LIMIT number token.
    pub limit_value: Option<(usize, usize)>,
    /// Where OFFSET starts (a new LIMIT goes before it).
    pub offset_start: Option<usize>,
    /// Just past the statement's last token.
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SelectItem {
    Field {
        expr: FieldExpr,
        alias: Option<String>,
    },
    /// `(SELECT … FROM ChildRelationship …)`
    SubQuery(Box<Query>),
    /// `TYPEOF What WHEN Account THEN Name ELSE Id END`
    TypeOf {
        field: String,
        whens: Vec<(String, Vec<FieldExpr>)>,
        otherwise: Vec<FieldExpr>,
    },
}

/// A field path, a function call (`COUNT(Id)`, `FIELDS(ALL)`, `DISTANCE(…)`) or, as a function
/// argument only, a literal.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldExpr {
    Path(Vec<String>),
    Call { name: String, args: Vec<FieldExpr> },
    Literal(Value),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FromItem {
    pub path: Vec<String>,
    pub alias: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WithClause {
    /// `WITH SECURITY_ENFORCED`, `WITH USER_MODE`
    Mode(String),
    /// `WITH DATA CATEGORY Geography__c AT (usa__c, uk__c) AND …`
    DataCategory(Vec<(String, String, Vec<String>)>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
    Compare {
        left: FieldExpr,
        op: String,
        right: Value,
    },
    In {
        left: FieldExpr,
        /// `IN`, `NOT IN`, `INCLUDES`, `EXCLUDES`
        op: String,
        values: InValues,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum InValues {
    List(Vec<Value>),
    /// A semi-join: `Id IN (SELECT AccountId FROM Contact)`.
    SubQuery(Box<Query>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(String),
    Number(String),
    Date(String),
    DateTime(String),
    /// `TODAY`, `LAST_N_DAYS:30`
    DateLiteral {
        name: String,
        n: Option<i64>,
    },
    Currency(String),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderItem {
    pub expr: FieldExpr,
    pub descending: bool,
    /// `Some(true)` for NULLS LAST, `Some(false)` for NULLS FIRST.
    pub nulls_last: Option<bool>,
}
