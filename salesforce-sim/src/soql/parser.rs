//! SOQL grammar → `Query`: FROM with aliases, USING SCOPE, WITH, GROUP BY (ROLLUP, CUBE) with
//! HAVING, ORDER BY, LIMIT, OFFSET. The SELECT list is in `select_list.rs`, conditions and
//! values in `conditions.rs`.

use super::SoqlError;
use super::ast::{GroupBy, GroupKind, Order, Path, Query};
use super::lexer::{Tok, Token, lex};

pub fn parse(text: &str) -> Result<Query, SoqlError> {
    let tokens = lex(text)?;
    let mut parser = Parser { tokens, at: 0 };
    let query = parser.query()?;
    parser.expect_eof()?;
    Ok(query)
}

pub(super) struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

/// Words that start a clause (or end a list), so they are never read as a name or an alias.
pub(super) const CLAUSE_WORDS: [&str; 14] = [
    "FROM", "WHERE", "GROUP", "ORDER", "LIMIT", "OFFSET", "FOR", "WITH", "HAVING", "USING",
    "UPDATE", "ASC", "DESC", "NULLS",
];

impl Parser {
    pub(super) fn peek(&self) -> &Token {
        &self.tokens[self.at]
    }

    pub(super) fn peek_at(&self, k: usize) -> &Tok {
        &self.tokens[(self.at + k).min(self.tokens.len() - 1)].tok
    }

    pub(super) fn next(&mut self) -> Token {
        let t = self.tokens[self.at].clone();
        if self.at < self.tokens.len() - 1 {
            self.at += 1;
        }
        t
    }

    pub(super) fn unexpected(&self) -> SoqlError {
        let t = self.peek();
        SoqlError::malformed(t.pos, format!("unexpected token: {}", t.text()))
    }

    pub(super) fn keyword(&mut self, word: &str) -> bool {
        if self.peek().is_keyword(word) {
            self.next();
            true
        } else {
            false
        }
    }

    pub(super) fn expect_keyword(&mut self, word: &str) -> Result<(), SoqlError> {
        if self.keyword(word) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    pub(super) fn expect(&mut self, tok: Tok) -> Result<(), SoqlError> {
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

    pub(super) fn ident(&mut self) -> Result<(String, usize), SoqlError> {
        match &self.peek().tok {
            Tok::Ident(name) => {
                let name = name.clone();
                let pos = self.next().pos;
                Ok((name, pos))
            }
            _ => Err(self.unexpected()),
        }
    }

    pub(super) fn path(&mut self) -> Result<Path, SoqlError> {
        let (first, pos) = self.ident()?;
        let mut parts = vec![first];
        while self.peek().tok == Tok::Dot {
            self.next();
            parts.push(self.ident()?.0);
        }
        Ok(Path { parts, pos })
    }

    pub(super) fn number<N: std::str::FromStr>(&mut self) -> Result<N, SoqlError> {
        match &self.peek().tok {
            Tok::Num(n) => {
                let value = n.parse().map_err(|_| self.unexpected())?;
                self.next();
                Ok(value)
            }
            _ => Err(self.unexpected()),
        }
    }

    /// An identifier that is not a clause word, read as an alias.
    pub(super) fn alias(&mut self) -> Option<String> {
        match &self.peek().tok {
            Tok::Ident(a) if !CLAUSE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(a)) => {
                let a = a.clone();
                self.next();
                Some(a)
            }
            _ => None,
        }
    }

    pub(super) fn is_call(&self) -> bool {
        matches!(self.peek().tok, Tok::Ident(_)) && *self.peek_at(1) == Tok::LParen
    }

    pub(super) fn query(&mut self) -> Result<Query, SoqlError> {
        self.expect_keyword("SELECT")?;
        let mut items = vec![self.item()?];
        while self.peek().tok == Tok::Comma {
            self.next();
            items.push(self.item()?);
        }
        self.expect_keyword("FROM")?;
        let (from, from_pos) = self.ident()?;
        let alias = self.alias();
        let mut joins = Vec::new();
        while self.peek().tok == Tok::Comma {
            self.next();
            let path = self.path()?;
            let name = self.alias().ok_or_else(|| self.unexpected())?;
            joins.push((path, name));
        }
        let scope = if self.keyword("USING") {
            self.expect_keyword("SCOPE")?;
            let (name, pos) = self.ident()?;
            Some((name, pos))
        } else {
            None
        };
        let filter = if self.keyword("WHERE") {
            Some(self.or()?)
        } else {
            None
        };
        let data_category = if self.peek().is_keyword("WITH") {
            self.with_clause()?
        } else {
            None
        };
        let mut group_by = None;
        let mut having = None;
        if self.keyword("GROUP") {
            self.expect_keyword("BY")?;
            group_by = Some(self.group_by()?);
            if self.keyword("HAVING") {
                having = Some(self.or()?);
            }
        }
        let mut order_by = Vec::new();
        if self.keyword("ORDER") {
            self.expect_keyword("BY")?;
            loop {
                order_by.push(self.order()?);
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
            alias,
            joins,
            scope,
            filter,
            data_category,
            group_by,
            having,
            order_by,
            limit,
            offset,
        })
    }

    /// `WITH SECURITY_ENFORCED | USER_MODE | SYSTEM_MODE | DATA CATEGORY …`. The modes are Apex's:
    /// a REST query always runs with the user's permissions and sharing, so they change nothing
    /// here. Answers where a data category filter starts.
    fn with_clause(&mut self) -> Result<Option<usize>, SoqlError> {
        let start = self.next().pos;
        for mode in ["SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE"] {
            if self.keyword(mode) {
                return Ok(None);
            }
        }
        self.expect_keyword("DATA")?;
        self.expect_keyword("CATEGORY")?;
        loop {
            self.ident()?;
            let selector = ["AT", "ABOVE", "BELOW", "ABOVE_OR_BELOW"]
                .iter()
                .any(|s| self.keyword(s));
            if !selector {
                return Err(self.unexpected());
            }
            if self.peek().tok == Tok::LParen {
                self.next();
                self.ident()?;
                while self.peek().tok == Tok::Comma {
                    self.next();
                    self.ident()?;
                }
                self.expect(Tok::RParen)?;
            } else {
                self.ident()?;
            }
            if !self.keyword("AND") {
                return Ok(Some(start));
            }
        }
    }

    fn group_by(&mut self) -> Result<GroupBy, SoqlError> {
        let kind = if self.is_call() && self.peek().is_keyword("ROLLUP") {
            GroupKind::Rollup
        } else if self.is_call() && self.peek().is_keyword("CUBE") {
            GroupKind::Cube
        } else {
            GroupKind::Plain
        };
        if kind != GroupKind::Plain {
            self.next();
            self.next();
        }
        let mut exprs = vec![self.scalar()?];
        while self.peek().tok == Tok::Comma {
            self.next();
            exprs.push(self.scalar()?);
        }
        if kind != GroupKind::Plain {
            self.expect(Tok::RParen)?;
        }
        Ok(GroupBy { kind, exprs })
    }

    fn order(&mut self) -> Result<Order, SoqlError> {
        let expr = self.expr()?;
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
        Ok(Order {
            expr,
            descending,
            nulls_last,
        })
    }
}
