//! The SELECT list: fields, functions of them (`toLabel`, `convertCurrency`, date functions,
//! `FORMAT`), aggregates with aliases, `GROUPING()`, `COUNT()`, `FIELDS()`, sub-queries, TYPEOF.

use super::SoqlError;
use super::ast::{Agg, Expr, FieldsKind, Func, Item, Path, Scalar};
use super::dates::DateFn;
use super::lexer::Tok;
use super::parser::{CLAUSE_WORDS, Parser};

fn aggregate(name: &str) -> Option<Agg> {
    Some(match name.to_ascii_uppercase().as_str() {
        "COUNT" => Agg::Count,
        "COUNT_DISTINCT" => Agg::CountDistinct,
        "SUM" => Agg::Sum,
        "MIN" => Agg::Min,
        "MAX" => Agg::Max,
        "AVG" => Agg::Avg,
        _ => return None,
    })
}

fn field_function(name: &str) -> Option<Func> {
    match name.to_ascii_uppercase().as_str() {
        "TOLABEL" => Some(Func::ToLabel),
        "CONVERTCURRENCY" => Some(Func::ConvertCurrency),
        _ => DateFn::named(name).map(Func::Date),
    }
}

impl Parser {
    /// A field, or `toLabel` / `convertCurrency` / a date function of one.
    pub(super) fn scalar(&mut self) -> Result<Scalar, SoqlError> {
        if self.is_call() {
            let (name, _) = self.ident()?;
            let Some(func) = field_function(&name) else {
                return Err(SoqlError::malformed(
                    self.peek().pos,
                    format!("unexpected token: {name}"),
                ));
            };
            self.next();
            let path = self.path()?;
            self.expect(Tok::RParen)?;
            return Ok(Scalar {
                path,
                func: Some(func),
            });
        }
        let path = self.path()?;
        // A clause word is no field, but may name a relationship (`Order.OrderNumber`).
        if path.parts.len() == 1
            && CLAUSE_WORDS
                .iter()
                .any(|w| w.eq_ignore_ascii_case(&path.parts[0]))
        {
            return Err(SoqlError::malformed(
                path.pos,
                format!("unexpected token: {}", path.parts[0]),
            ));
        }
        Ok(Scalar { path, func: None })
    }

    /// A scalar, an aggregate function of one, or `GROUPING(field)`.
    pub(super) fn expr(&mut self) -> Result<Expr, SoqlError> {
        if self.is_call() {
            let Tok::Ident(name) = self.peek().tok.clone() else {
                unreachable!("is_call saw a name");
            };
            if let Some(func) = aggregate(&name) {
                self.next();
                self.next();
                let arg = self.scalar()?;
                self.expect(Tok::RParen)?;
                return Ok(Expr::Aggregate { func, arg });
            }
            if name.eq_ignore_ascii_case("GROUPING") {
                self.next();
                self.next();
                let path = self.path()?;
                self.expect(Tok::RParen)?;
                return Ok(Expr::Grouping(path));
            }
        }
        Ok(Expr::Scalar(self.scalar()?))
    }

    pub(super) fn item(&mut self) -> Result<Item, SoqlError> {
        if self.peek().tok == Tok::LParen {
            self.next();
            let sub = self.query()?;
            self.expect(Tok::RParen)?;
            return Ok(Item::SubQuery(Box::new(sub)));
        }
        if self.peek().is_keyword("TYPEOF") {
            self.next();
            return self.type_of();
        }
        let is = |p: &Self, word: &str| p.is_call() && p.peek().is_keyword(word);
        if is(self, "COUNT") && *self.peek_at(2) == Tok::RParen {
            self.next();
            self.next();
            self.next();
            return Ok(Item::CountAll);
        }
        if is(self, "FIELDS") {
            let pos = self.next().pos;
            self.next();
            let kind = if self.keyword("ALL") {
                FieldsKind::All
            } else if self.keyword("STANDARD") {
                FieldsKind::Standard
            } else {
                self.expect_keyword("CUSTOM")?;
                FieldsKind::Custom
            };
            self.expect(Tok::RParen)?;
            return Ok(Item::Fields { kind, pos });
        }
        let format = is(self, "FORMAT");
        if format {
            self.next();
            self.next();
        }
        let expr = self.expr()?;
        if format {
            self.expect(Tok::RParen)?;
        }
        let alias = self.alias();
        Ok(Item::Expr {
            expr,
            alias,
            format,
        })
    }

    fn type_of(&mut self) -> Result<Item, SoqlError> {
        let rel = self.path()?;
        let mut whens = Vec::new();
        let mut otherwise = Vec::new();
        while self.keyword("WHEN") {
            let (object, _) = self.ident()?;
            self.expect_keyword("THEN")?;
            whens.push((object, self.path_list()?));
        }
        if self.keyword("ELSE") {
            otherwise = self.path_list()?;
        }
        self.expect_keyword("END")?;
        if whens.is_empty() {
            return Err(self.unexpected());
        }
        Ok(Item::TypeOf {
            rel,
            whens,
            otherwise,
        })
    }

    fn path_list(&mut self) -> Result<Vec<Path>, SoqlError> {
        let mut paths = vec![self.path()?];
        while self.peek().tok == Tok::Comma {
            self.next();
            paths.push(self.path()?);
        }
        Ok(paths)
    }
}
