//! SOQL grammar (the supported subset) → `Query`.

use time::Duration;

use super::SoqlError;
use super::ast::{Agg, Cond, Item, Literal, Order, Path, Query, normalise_datetime, today, ymd};
use super::lexer::{Tok, Token, lex};

pub fn parse(text: &str) -> Result<Query, SoqlError> {
    let tokens = lex(text)?;
    let mut parser = Parser { tokens, at: 0 };
    let query = parser.query()?;
    parser.expect_eof()?;
    Ok(query)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

const CLAUSE_WORDS: [&str; 11] = [
    "FROM", "WHERE", "GROUP", "ORDER", "LIMIT", "OFFSET", "FOR", "WITH", "HAVING", "USING",
    "UPDATE",
];

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.at]
    }

    fn next(&mut self) -> Token {
        let t = self.tokens[self.at].clone();
        if self.at < self.tokens.len() - 1 {
            self.at += 1;
        }
        t
    }

    fn unexpected(&self) -> SoqlError {
        let t = self.peek();
        SoqlError::malformed(t.pos, format!("unexpected token: {}", t.text()))
    }

    fn keyword(&mut self, word: &str) -> bool {
        if self.peek().is_keyword(word) {
            self.next();
            true
        } else {
            false
        }
    }

    fn expect_keyword(&mut self, word: &str) -> Result<(), SoqlError> {
        if self.keyword(word) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect(&mut self, tok: Tok) -> Result<(), SoqlError> {
        if self.peek().tok == tok {
            self.next();
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect_eof(&self) -> Result<(), SoqlError> {
        if self.peek().tok == Tok::Eof {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn ident(&mut self) -> Result<(String, usize), SoqlError> {
        match &self.peek().tok {
            Tok::Ident(name) => {
                let name = name.clone();
                let pos = self.next().pos;
                Ok((name, pos))
            }
            _ => Err(self.unexpected()),
        }
    }

    fn path(&mut self) -> Result<Path, SoqlError> {
        let (first, pos) = self.ident()?;
        let mut parts = vec![first];
        while self.peek().tok == Tok::Dot {
            self.next();
            parts.push(self.ident()?.0);
        }
        Ok(Path { parts, pos })
    }

    fn number(&mut self) -> Result<usize, SoqlError> {
        match &self.peek().tok {
            Tok::Num(n) => {
                let value = n.parse().map_err(|_| self.unexpected())?;
                self.next();
                Ok(value)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn query(&mut self) -> Result<Query, SoqlError> {
        self.expect_keyword("SELECT")?;
        let mut items = vec![self.item()?];
        while self.peek().tok == Tok::Comma {
            self.next();
            items.push(self.item()?);
        }
        self.expect_keyword("FROM")?;
        let (from, from_pos) = self.ident()?;
        let filter = if self.keyword("WHERE") {
            Some(self.or()?)
        } else {
            None
        };
        let mut group_by = Vec::new();
        if self.keyword("GROUP") {
            self.expect_keyword("BY")?;
            group_by.push(self.path()?);
            while self.peek().tok == Tok::Comma {
                self.next();
                group_by.push(self.path()?);
            }
        }
        let mut order_by = Vec::new();
        if self.keyword("ORDER") {
            self.expect_keyword("BY")?;
            loop {
                let path = self.path()?;
                let descending = self.keyword("DESC") || {
                    self.keyword("ASC");
                    false
                };
                let nulls_last = if self.keyword("NULLS") {
                    if self.keyword("LAST") {
                        true
                    } else {
                        self.expect_keyword("FIRST")?;
                        false
                    }
                } else {
                    descending
                };
                order_by.push(Order {
                    path,
                    descending,
                    nulls_last,
                });
                if self.peek().tok != Tok::Comma {
                    break;
                }
                self.next();
            }
        }
        let limit = if self.keyword("LIMIT") {
            Some(self.number()?)
        } else {
            None
        };
        let offset = if self.keyword("OFFSET") {
            Some(self.number()?)
        } else {
            None
        };
        Ok(Query {
            items,
            from,
            from_pos,
            filter,
            group_by,
            order_by,
            limit,
            offset,
        })
    }

    fn item(&mut self) -> Result<Item, SoqlError> {
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
        if let Tok::Ident(word) = &self.peek().tok {
            if CLAUSE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) {
                return Err(self.unexpected());
            }
            let func = match word.to_ascii_uppercase().as_str() {
                "COUNT" => Some(Agg::Count),
                "COUNT_DISTINCT" => Some(Agg::CountDistinct),
                "SUM" => Some(Agg::Sum),
                "MIN" => Some(Agg::Min),
                "MAX" => Some(Agg::Max),
                "AVG" => Some(Agg::Avg),
                _ => None,
            };
            if let Some(func) = func.filter(|_| {
                self.tokens
                    .get(self.at + 1)
                    .is_some_and(|t| t.tok == Tok::LParen)
            }) {
                self.next();
                self.next();
                if func == Agg::Count && self.peek().tok == Tok::RParen {
                    self.next();
                    return Ok(Item::CountAll);
                }
                let path = self.path()?;
                self.expect(Tok::RParen)?;
                let alias = match &self.peek().tok {
                    Tok::Ident(a) if !CLAUSE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(a)) => {
                        let a = a.clone();
                        self.next();
                        Some(a)
                    }
                    _ => None,
                };
                return Ok(Item::Aggregate {
                    func,
                    path: Some(path),
                    alias,
                });
            }
        }
        Ok(Item::Field(self.path()?))
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

    fn or(&mut self) -> Result<Cond, SoqlError> {
        let mut terms = vec![self.and()?];
        while self.keyword("OR") {
            terms.push(self.and()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            Cond::Or(terms)
        })
    }

    fn and(&mut self) -> Result<Cond, SoqlError> {
        let mut terms = vec![self.not()?];
        while self.keyword("AND") {
            terms.push(self.not()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            Cond::And(terms)
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

    fn comparison(&mut self) -> Result<Cond, SoqlError> {
        let path = self.path()?;
        let like_pos = self.peek().pos;
        if self.keyword("LIKE") {
            return match self.literal()? {
                Literal::Str(pattern) => Ok(Cond::Like { path, pattern }),
                _ => Err(SoqlError::malformed(
                    like_pos,
                    "LIKE needs a string literal".into(),
                )),
            };
        }
        let negated = self.keyword("NOT");
        if self.keyword("IN") {
            self.expect(Tok::LParen)?;
            if self.peek().is_keyword("SELECT") {
                let query = Box::new(self.query()?);
                self.expect(Tok::RParen)?;
                return Ok(Cond::SemiJoin {
                    path,
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
                path,
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
        Ok(Cond::Cmp { path, op, value })
    }

    fn literal(&mut self) -> Result<Literal, SoqlError> {
        let token = self.peek().clone();
        let value = match &token.tok {
            Tok::Str(s) => Literal::Str(s.clone()),
            Tok::Num(n) => Literal::Num(n.parse().map_err(|_| self.unexpected())?),
            Tok::DateLit(d) if d.len() == 10 => Literal::Date(d.clone()),
            Tok::DateLit(d) => {
                Literal::DateTime(normalise_datetime(d).ok_or_else(|| self.unexpected())?)
            }
            Tok::Ident(word) => match word.to_ascii_uppercase().as_str() {
                "NULL" => Literal::Null,
                "TRUE" => Literal::Bool(true),
                "FALSE" => Literal::Bool(false),
                "TODAY" => Literal::DateRange(ymd(today()), ymd(today())),
                "YESTERDAY" => {
                    let d = ymd(today() - Duration::days(1));
                    Literal::DateRange(d.clone(), d)
                }
                "TOMORROW" => {
                    let d = ymd(today() + Duration::days(1));
                    Literal::DateRange(d.clone(), d)
                }
                upper @ ("LAST_N_DAYS" | "NEXT_N_DAYS") => {
                    let upper = upper.to_string();
                    self.next();
                    self.expect(Tok::Colon)?;
                    let n = self.number()? as i64;
                    return Ok(if upper == "LAST_N_DAYS" {
                        Literal::DateRange(ymd(today() - Duration::days(n)), ymd(today()))
                    } else {
                        Literal::DateRange(ymd(today()), ymd(today() + Duration::days(n)))
                    });
                }
                _ => return Err(self.unexpected()),
            },
            _ => return Err(self.unexpected()),
        };
        self.next();
        Ok(value)
    }
}
