//! WHERE and HAVING conditions and their values: comparisons, LIKE, IN / NOT IN (lists or
//! semi-joins), INCLUDES / EXCLUDES, DISTANCE, and literals including relative dates.

use super::SoqlError;
use super::ast::{Cond, Expr, Literal};
use super::dates::{normalise_datetime, range, takes_count};
use super::lexer::Tok;
use super::parser::Parser;

impl Parser {
    pub(super) fn or(&mut self) -> Result<Cond, SoqlError> {
        self.chain("OR", Self::and, Cond::Or)
    }

    fn and(&mut self) -> Result<Cond, SoqlError> {
        self.chain("AND", Self::not, Cond::And)
    }

    /// `term (word term)*`: a lone term as it is, several joined by `join`.
    fn chain(
        &mut self,
        word: &str,
        term: fn(&mut Self) -> Result<Cond, SoqlError>,
        join: fn(Vec<Cond>) -> Cond,
    ) -> Result<Cond, SoqlError> {
        let mut terms = vec![term(self)?];
        while self.keyword(word) {
            terms.push(term(self)?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            join(terms)
        })
    }

    fn not(&mut self) -> Result<Cond, SoqlError> {
        if self.keyword("NOT") {
            return Ok(Cond::Not(Box::new(self.not()?)));
        }
        if self.peek().tok == Tok::LParen {
            self.next();
            let inner = self.or()?;
            self.expect(Tok::RParen)?;
            return Ok(inner);
        }
        self.comparison()
    }

    /// `DISTANCE(field, GEOLOCATION(lat, lon), 'mi'|'km') < n`.
    fn distance(&mut self) -> Result<Cond, SoqlError> {
        self.next();
        self.next();
        let path = self.path()?;
        self.expect(Tok::Comma)?;
        if !self.peek().is_keyword("GEOLOCATION") {
            return Err(self.unexpected());
        }
        self.next();
        self.expect(Tok::LParen)?;
        self.number::<f64>()?;
        self.expect(Tok::Comma)?;
        self.number::<f64>()?;
        self.expect(Tok::RParen)?;
        self.expect(Tok::Comma)?;
        match &self.peek().tok {
            Tok::Str(unit) if unit == "mi" || unit == "km" => self.next(),
            _ => return Err(self.unexpected()),
        };
        self.expect(Tok::RParen)?;
        if !matches!(self.peek().tok, Tok::Op("<" | ">")) {
            return Err(self.unexpected());
        }
        self.next();
        self.number::<f64>()?;
        Ok(Cond::Distance(path))
    }

    fn comparison(&mut self) -> Result<Cond, SoqlError> {
        if self.peek().is_keyword("DISTANCE") && *self.peek_at(1) == Tok::LParen {
            return self.distance();
        }
        let left = self.expr()?;
        let op_pos = self.peek().pos;
        if self.keyword("LIKE") {
            return match self.literal()? {
                Literal::Str(pattern) => Ok(Cond::Like { left, pattern }),
                _ => Err(SoqlError::malformed(
                    op_pos,
                    "LIKE needs a string literal".into(),
                )),
            };
        }
        for (word, negated) in [("INCLUDES", false), ("EXCLUDES", true)] {
            if self.keyword(word) {
                self.expect(Tok::LParen)?;
                let mut sets = Vec::new();
                loop {
                    let Literal::Str(set) = self.literal()? else {
                        return Err(SoqlError::malformed(
                            op_pos,
                            format!("{word} needs string literals"),
                        ));
                    };
                    sets.push(set.split(';').map(|v| v.trim().to_string()).collect());
                    if self.peek().tok != Tok::Comma {
                        break;
                    }
                    self.next();
                }
                self.expect(Tok::RParen)?;
                return Ok(Cond::Includes {
                    left,
                    sets,
                    negated,
                });
            }
        }
        let negated = self.keyword("NOT");
        if self.keyword("IN") {
            self.expect(Tok::LParen)?;
            if self.peek().is_keyword("SELECT") {
                let query = Box::new(self.query()?);
                self.expect(Tok::RParen)?;
                let Expr::Scalar(scalar) = left else {
                    return Err(SoqlError::malformed(
                        op_pos,
                        "a semi-join compares a field".into(),
                    ));
                };
                return Ok(Cond::SemiJoin {
                    path: scalar.path,
                    query,
                    negated,
                });
            }
            let mut values = vec![self.literal()?];
            while self.peek().tok == Tok::Comma {
                self.next();
                values.push(self.literal()?);
            }
            self.expect(Tok::RParen)?;
            return Ok(Cond::In {
                left,
                values,
                negated,
            });
        }
        if negated {
            return Err(self.unexpected());
        }
        let op = match self.peek().tok {
            Tok::Op(op) => op,
            _ => return Err(self.unexpected()),
        };
        self.next();
        let value = self.literal()?;
        Ok(Cond::Cmp { left, op, value })
    }

    fn literal(&mut self) -> Result<Literal, SoqlError> {
        let token = self.peek().clone();
        let value = match &token.tok {
            Tok::Str(s) => Literal::Str(s.clone()),
            Tok::Num(n) => Literal::Num(n.parse().map_err(|_| self.unexpected())?),
            // The simulated orgs have one currency: an ISO-coded amount is that amount.
            Tok::Currency(amount) => Literal::Num(amount.parse().map_err(|_| self.unexpected())?),
            Tok::DateLit(d) if d.len() == 10 => Literal::Date(d.clone()),
            Tok::DateLit(d) => {
                Literal::DateTime(normalise_datetime(d).ok_or_else(|| self.unexpected())?)
            }
            Tok::Ident(word) => match word.to_ascii_uppercase().as_str() {
                "NULL" => Literal::Null,
                "TRUE" => Literal::Bool(true),
                "FALSE" => Literal::Bool(false),
                name if takes_count(name) => {
                    let name = name.to_string();
                    self.next();
                    self.expect(Tok::Colon)?;
                    let n = self.number::<usize>()? as i64;
                    let (start, end) = range(&name, n).ok_or_else(|| {
                        SoqlError::malformed(token.pos, format!("unexpected token: {word}"))
                    })?;
                    return Ok(Literal::DateRange(start, end));
                }
                name => match range(name, 0) {
                    Some((start, end)) => Literal::DateRange(start, end),
                    None => return Err(self.unexpected()),
                },
            },
            _ => return Err(self.unexpected()),
        };
        self.next();
        Ok(value)
    }
}
