//! The clause bodies: WHERE / HAVING conditions (`AND`/`OR`/`NOT`, comparisons, LIKE, IN / NOT IN
//! with lists or semi-join sub-queries, INCLUDES / EXCLUDES), literal values and date literals,
//! WITH, and ORDER BY items.

use super::SoqlError;
use super::ast::*;
use super::lexer::Tok;
use super::parser::{Parser, is_reserved};

impl Parser {
    pub(super) fn condition(&mut self) -> Result<Condition, SoqlError> {
        self.enter()?;
        let mut left = self.and_condition()?;
        while self.eat_kw("OR") {
            left = Condition::Or(Box::new(left), Box::new(self.and_condition()?));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and_condition(&mut self) -> Result<Condition, SoqlError> {
        let mut left = self.not_condition()?;
        while self.eat_kw("AND") {
            left = Condition::And(Box::new(left), Box::new(self.not_condition()?));
        }
        Ok(left)
    }

    fn not_condition(&mut self) -> Result<Condition, SoqlError> {
        if self.eat_kw("NOT") {
            self.enter()?;
            let inner = self.not_condition()?;
            self.depth -= 1;
            return Ok(Condition::Not(Box::new(inner)));
        }
        if self.eat(&Tok::LParen) {
            let c = self.condition()?;
            self.expect(Tok::RParen, "')'")?;
            return Ok(c);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Condition, SoqlError> {
        let left = self.field_expr()?;
        if let Tok::Op(op) = self.cur().tok {
            self.bump();
            let right = self.value()?;
            return Ok(Condition::Compare {
                left,
                op: op.into(),
                right,
            });
        }
        if self.eat_kw("LIKE") {
            let right = self.value()?;
            return Ok(Condition::Compare {
                left,
                op: "LIKE".into(),
                right,
            });
        }
        let op = if self.is_kw("NOT") && self.is_kw_at(1, "IN") {
            self.bump();
            "NOT IN"
        } else if self.is_kw("IN") {
            "IN"
        } else if self.is_kw("INCLUDES") {
            "INCLUDES"
        } else if self.is_kw("EXCLUDES") {
            "EXCLUDES"
        } else {
            return Err(self.expected("a comparison operator, LIKE, IN, INCLUDES or EXCLUDES"));
        };
        self.bump();
        self.expect(Tok::LParen, "'('")?;
        let values = if self.is_kw("SELECT") {
            InValues::SubQuery(Box::new(self.query()?))
        } else {
            InValues::List(self.comma_list(Self::value)?)
        };
        self.expect(Tok::RParen, "')'")?;
        Ok(Condition::In {
            left,
            op: op.into(),
            values,
        })
    }

    pub(super) fn value(&mut self) -> Result<Value, SoqlError> {
        let v = match self.cur().tok.clone() {
            Tok::Str(s) => Value::String(s),
            Tok::Number(n) => Value::Number(n),
            Tok::Date(d) => Value::Date(d),
            Tok::DateTime(d) => Value::DateTime(d),
            Tok::Currency(c) => Value::Currency(c),
            Tok::Ident(w) if w.eq_ignore_ascii_case("NULL") => Value::Null,
            Tok::Ident(w) if w.eq_ignore_ascii_case("TRUE") => Value::Bool(true),
            Tok::Ident(w) if w.eq_ignore_ascii_case("FALSE") => Value::Bool(false),
            Tok::Ident(w) if !is_reserved(&w) => {
                self.bump();
                // A date literal, possibly with a count: `LAST_N_DAYS:30`.
                let n = if self.eat(&Tok::Colon) {
                    match &self.cur().tok {
                        Tok::Number(n) => {
                            Some(n.parse().map_err(|_| self.expected("a whole number"))?)
                        }
                        _ => return Err(self.expected("a number after ':'")),
                    }
                } else {
                    None
                };
                if n.is_some() {
                    self.bump();
                }
                return Ok(Value::DateLiteral { name: w, n });
            }
            _ => return Err(self.expected("a value")),
        };
        self.bump();
        Ok(v)
    }

    pub(super) fn with_clause(&mut self) -> Result<WithClause, SoqlError> {
        if self.eat_kw("DATA") {
            self.expect_kw("CATEGORY")?;
            let mut filters = Vec::new();
            loop {
                let group = self.name("a data category group")?;
                let selector = match &self.cur().tok {
                    Tok::Ident(w)
                        if ["AT", "ABOVE", "BELOW", "ABOVE_OR_BELOW"]
                            .iter()
                            .any(|s| w.eq_ignore_ascii_case(s)) =>
                    {
                        w.to_ascii_uppercase()
                    }
                    _ => return Err(self.expected("AT, ABOVE, BELOW or ABOVE_OR_BELOW")),
                };
                self.bump();
                let categories = if self.eat(&Tok::LParen) {
                    let c = self.comma_list(|p| p.name("a category"))?;
                    self.expect(Tok::RParen, "')'")?;
                    c
                } else {
                    vec![self.name("a category")?]
                };
                filters.push((group, selector, categories));
                if !self.eat_kw("AND") {
                    return Ok(WithClause::DataCategory(filters));
                }
            }
        }
        for mode in ["SECURITY_ENFORCED", "USER_MODE"] {
            if self.eat_kw(mode) {
                return Ok(WithClause::Mode(mode.into()));
            }
        }
        Err(self.expected("DATA CATEGORY, SECURITY_ENFORCED or USER_MODE"))
    }

    pub(super) fn order_item(&mut self) -> Result<OrderItem, SoqlError> {
        let expr = self.field_expr()?;
        let descending = if self.eat_kw("DESC") {
            true
        } else {
            self.eat_kw("ASC");
            false
        };
        let nulls_last = if self.eat_kw("NULLS") {
            if self.eat_kw("LAST") {
                Some(true)
            } else {
                self.expect_kw("FIRST")?;
                Some(false)
            }
        } else {
            None
        };
        Ok(OrderItem {
            expr,
            descending,
            nulls_last,
        })
    }
}
