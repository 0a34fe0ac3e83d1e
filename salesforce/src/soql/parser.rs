//! Recursive-descent parser for one SOQL SELECT (API-NOTES §7.1). Anything outside the grammar
//! is an error with the character position of the offending token; the clauses that write
//! (FOR VIEW, FOR REFERENCE, FOR UPDATE, UPDATE TRACKING, UPDATE VIEWSTAT) are refused by name.

use super::ast::*;
use super::lexer::{Tok, Token};
use super::{SoqlError, SoqlErrorKind};

/// Words that end a list or start a clause, so they can never be read as an alias.
const RESERVED: &[&str] = &[
    "SELECT", "FROM", "WHERE", "WITH", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "FOR",
    "UPDATE", "USING", "AND", "OR", "NOT", "IN", "LIKE", "INCLUDES", "EXCLUDES", "ASC", "DESC",
    "NULLS", "TYPEOF", "WHEN", "THEN", "ELSE", "END", "NULL", "TRUE", "FALSE",
];

/// Statement words that are not SELECT: SOQL has none of them, so they mean someone is trying.
const DML: &[&str] = &["INSERT", "UPDATE", "DELETE", "UPSERT", "MERGE", "UNDELETE"];

/// Deep nesting only comes from hostile input; stop before the stack does.
const MAX_DEPTH: usize = 64;

pub(crate) struct Parser {
    toks: Vec<Token>,
    i: usize,
    pub(super) depth: usize,
}

impl Parser {
    pub(crate) fn new(toks: Vec<Token>) -> Self {
        Parser {
            toks,
            i: 0,
            depth: 0,
        }
    }

    /// The whole input: one SELECT and nothing after it.
    pub(crate) fn statement(&mut self) -> Result<Query, SoqlError> {
        match &self.cur().tok {
            Tok::Eof => return Err(self.err(SoqlErrorKind::Empty)),
            Tok::Ident(w) if DML.iter().any(|d| w.eq_ignore_ascii_case(d)) => {
                return Err(self.err(SoqlErrorKind::NotSelect(w.to_ascii_uppercase())));
            }
            _ => {}
        }
        let q = self.query()?;
        if self.cur().tok != Tok::Eof {
            return Err(self.err(SoqlErrorKind::TrailingInput(self.describe())));
        }
        Ok(q)
    }

    pub(super) fn cur(&self) -> &Token {
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    pub(super) fn peek_tok(&self, k: usize) -> &Tok {
        &self.toks[(self.i + k).min(self.toks.len() - 1)].tok
    }

    pub(super) fn bump(&mut self) {
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
    }

    pub(super) fn err(&self, kind: SoqlErrorKind) -> SoqlError {
        SoqlError {
            position: self.cur().pos,
            kind,
        }
    }

    pub(super) fn describe(&self) -> String {
        match &self.cur().tok {
            Tok::Ident(w) | Tok::Number(w) | Tok::Date(w) | Tok::DateTime(w) | Tok::Currency(w) => {
                format!("'{w}'")
            }
            Tok::Str(_) => "a string".into(),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::Comma => "','".into(),
            Tok::Dot => "'.'".into(),
            Tok::Colon => "':'".into(),
            Tok::Op(o) => format!("'{o}'"),
            Tok::Eof => "the end of the query".into(),
        }
    }

    pub(super) fn expected(&self, what: &str) -> SoqlError {
        self.err(SoqlErrorKind::Expected {
            expected: what.into(),
            found: self.describe(),
        })
    }

    pub(super) fn is_kw_at(&self, k: usize, kw: &str) -> bool {
        matches!(self.peek_tok(k), Tok::Ident(w) if w.eq_ignore_ascii_case(kw))
    }

    pub(super) fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }

    pub(super) fn eat_kw(&mut self, kw: &str) -> bool {
        self.is_kw(kw) && {
            self.bump();
            true
        }
    }

    pub(super) fn expect_kw(&mut self, kw: &str) -> Result<(), SoqlError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.expected(kw))
        }
    }

    pub(super) fn eat(&mut self, t: &Tok) -> bool {
        (&self.cur().tok == t) && {
            self.bump();
            true
        }
    }

    pub(super) fn expect(&mut self, t: Tok, what: &str) -> Result<(), SoqlError> {
        if self.eat(&t) {
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    /// A name that is not a reserved word.
    pub(super) fn name(&mut self, what: &str) -> Result<String, SoqlError> {
        match &self.cur().tok {
            Tok::Ident(w) if !is_reserved(w) => {
                let w = w.clone();
                self.bump();
                Ok(w)
            }
            _ => Err(self.expected(what)),
        }
    }

    /// A relationship may be named like a clause word (`Order.OrderNumber`, `Group.Name`): before
    /// a dot, any word is a name.
    pub(super) fn path(&mut self) -> Result<Vec<String>, SoqlError> {
        let first = match (&self.cur().tok, self.peek_tok(1)) {
            (Tok::Ident(w), Tok::Dot) => {
                let w = w.clone();
                self.bump();
                w
            }
            _ => self.name("a field or object name")?,
        };
        let mut parts = vec![first];
        while self.eat(&Tok::Dot) {
            parts.push(self.name("a name after '.'")?);
        }
        Ok(parts)
    }

    pub(super) fn enter(&mut self) -> Result<(), SoqlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(SoqlErrorKind::TooDeep));
        }
        Ok(())
    }

    pub(super) fn query(&mut self) -> Result<Query, SoqlError> {
        self.enter()?;
        self.expect_kw("SELECT")?;
        let select = self.comma_list(Self::select_item)?;
        self.expect_kw("FROM")?;
        let from = self.comma_list(Self::source)?;
        let using_scope = if self.eat_kw("USING") {
            self.expect_kw("SCOPE")?;
            Some(self.name("a scope name")?)
        } else {
            None
        };
        let where_clause = if self.eat_kw("WHERE") {
            Some(self.condition()?)
        } else {
            None
        };
        let with = if self.eat_kw("WITH") {
            Some(self.with_clause()?)
        } else {
            None
        };
        let mut group_by = Vec::new();
        let mut having = None;
        if self.eat_kw("GROUP") {
            self.expect_kw("BY")?;
            group_by = self.comma_list(Self::field_expr)?;
            if self.eat_kw("HAVING") {
                having = Some(self.condition()?);
            }
        }
        let order_by = if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            self.comma_list(Self::order_item)?
        } else {
            Vec::new()
        };
        let mut spans = Spans::default();
        let limit = if self.eat_kw("LIMIT") {
            let t = self.cur().clone();
            let n = self.unsigned("a number after LIMIT")?;
            spans.limit_value = Some((t.start, t.end));
            Some(n)
        } else {
            None
        };
        let offset = if self.is_kw("OFFSET") {
            spans.offset_start = Some(self.cur().start);
            self.bump();
            Some(self.unsigned("a number after OFFSET")?)
        } else {
            None
        };
        self.refuse_writing_clauses()?;
        spans.end = self.toks[self.i.saturating_sub(1)].end;
        self.depth -= 1;
        Ok(Query {
            select,
            from,
            using_scope,
            where_clause,
            with,
            group_by,
            having,
            order_by,
            limit,
            offset,
            spans,
        })
    }

    /// FOR VIEW / FOR REFERENCE update "recently viewed", UPDATE TRACKING / VIEWSTAT write
    /// statistics and FOR UPDATE locks rows: none of them belongs in a read.
    fn refuse_writing_clauses(&self) -> Result<(), SoqlError> {
        let clause = if self.is_kw("FOR") {
            ["VIEW", "REFERENCE", "UPDATE"]
                .into_iter()
                .find(|w| self.is_kw_at(1, w))
                .map(|w| format!("FOR {w}"))
        } else if self.is_kw("UPDATE") {
            ["TRACKING", "VIEWSTAT"]
                .into_iter()
                .find(|w| self.is_kw_at(1, w))
                .map(|w| format!("UPDATE {w}"))
        } else {
            None
        };
        match clause {
            Some(c) => Err(self.err(SoqlErrorKind::WritingClause(c))),
            None => Ok(()),
        }
    }

    fn unsigned(&mut self, what: &str) -> Result<u64, SoqlError> {
        match &self.cur().tok {
            Tok::Number(n) => {
                let v = n.parse().map_err(|_| self.expected(what))?;
                self.bump();
                Ok(v)
            }
            _ => Err(self.expected(what)),
        }
    }

    pub(super) fn comma_list<T>(
        &mut self,
        item: fn(&mut Self) -> Result<T, SoqlError>,
    ) -> Result<Vec<T>, SoqlError> {
        let mut items = vec![item(self)?];
        while self.eat(&Tok::Comma) {
            items.push(item(self)?);
        }
        Ok(items)
    }

    fn select_item(&mut self) -> Result<SelectItem, SoqlError> {
        if self.cur().tok == Tok::LParen {
            self.bump();
            let q = self.query()?;
            self.expect(Tok::RParen, "')' to close the sub-query")?;
            return Ok(SelectItem::SubQuery(Box::new(q)));
        }
        if self.is_kw("TYPEOF") {
            return self.type_of();
        }
        let expr = self.field_expr()?;
        let alias = self.alias();
        Ok(SelectItem::Field { expr, alias })
    }

    fn alias(&mut self) -> Option<String> {
        match &self.cur().tok {
            Tok::Ident(w) if !is_reserved(w) => {
                let w = w.clone();
                self.bump();
                Some(w)
            }
            _ => None,
        }
    }

    fn type_of(&mut self) -> Result<SelectItem, SoqlError> {
        self.expect_kw("TYPEOF")?;
        let field = self.path()?.join(".");
        let mut whens = Vec::new();
        while self.eat_kw("WHEN") {
            let object = self.name("an object name after WHEN")?;
            self.expect_kw("THEN")?;
            whens.push((object, self.comma_list(Self::field_expr)?));
        }
        if whens.is_empty() {
            return Err(self.expected("WHEN"));
        }
        let otherwise = if self.eat_kw("ELSE") {
            self.comma_list(Self::field_expr)?
        } else {
            Vec::new()
        };
        self.expect_kw("END")?;
        Ok(SelectItem::TypeOf {
            field,
            whens,
            otherwise,
        })
    }

    pub(super) fn field_expr(&mut self) -> Result<FieldExpr, SoqlError> {
        if matches!(self.cur().tok, Tok::Ident(_)) && self.peek_tok(1) == &Tok::LParen {
            self.enter()?;
            let name = self.name("a function name")?;
            self.bump();
            let mut args = Vec::new();
            if !self.eat(&Tok::RParen) {
                args = self.comma_list(Self::argument)?;
                self.expect(Tok::RParen, "')' to close the function call")?;
            }
            self.depth -= 1;
            return Ok(FieldExpr::Call { name, args });
        }
        Ok(FieldExpr::Path(self.path()?))
    }

    fn argument(&mut self) -> Result<FieldExpr, SoqlError> {
        match &self.cur().tok {
            Tok::Ident(_) => self.field_expr(),
            _ => Ok(FieldExpr::Literal(self.value()?)),
        }
    }

    /// Right after FROM (or a comma in it) comes an object, whose name may be a clause word:
    /// `Order` and `Group` are standard objects.
    fn source(&mut self) -> Result<FromItem, SoqlError> {
        let path = match (&self.cur().tok, self.peek_tok(1)) {
            (Tok::Ident(w), next) if *next != Tok::Dot => {
                let w = w.clone();
                self.bump();
                vec![w]
            }
            _ => self.path()?,
        };
        let alias = self.alias();
        Ok(FromItem { path, alias })
    }
}

pub(super) fn is_reserved(w: &str) -> bool {
    RESERVED.iter().any(|r| w.eq_ignore_ascii_case(r))
}
