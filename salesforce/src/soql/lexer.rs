//! SOQL tokens. String literals are decoded here (API-NOTES §7.2), so nothing inside quotes can
//! ever be read as a keyword, a `;` or a comment marker.

use super::{SoqlError, SoqlErrorKind};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Number(String),
    /// The decoded value of a `'…'` literal.
    Str(String),
    Date(String),
    DateTime(String),
    /// `USD5000.50`
    Currency(String),
    LParen,
    RParen,
    Comma,
    Dot,
    Colon,
    /// `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`
    Op(&'static str),
    Eof,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    /// Character offset, for error messages.
    pub pos: usize,
    /// Byte range in the source, for rewriting LIMIT.
    pub start: usize,
    pub end: usize,
}

struct Lexer<'a> {
    src: &'a str,
    chars: Vec<(usize, char)>,
    i: usize,
}

pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, SoqlError> {
    let mut lx = Lexer {
        src,
        chars: src.char_indices().collect(),
        i: 0,
    };
    let mut out = Vec::new();
    loop {
        let t = lx.next_token()?;
        let eof = t.tok == Tok::Eof;
        out.push(t);
        if eof {
            return Ok(out);
        }
    }
}

fn err(position: usize, kind: SoqlErrorKind) -> SoqlError {
    SoqlError { position, kind }
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).map(|&(_, c)| c)
    }

    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.src.len(), |&(b, _)| b)
    }

    fn next_token(&mut self) -> Result<Token, SoqlError> {
        while self.peek(0).is_some_and(char::is_whitespace) {
            self.i += 1;
        }
        let pos = self.i;
        let start = self.byte(pos);
        let Some(c) = self.peek(0) else {
            return Ok(Token {
                tok: Tok::Eof,
                pos,
                start,
                end: start,
            });
        };
        let tok = match c {
            '(' => self.single(Tok::LParen),
            ')' => self.single(Tok::RParen),
            ',' => self.single(Tok::Comma),
            '.' => self.single(Tok::Dot),
            ';' => return Err(err(pos, SoqlErrorKind::StatementSeparator)),
            ':' if self.peek(1).is_some_and(|n| n.is_alphabetic() || n == '_') => {
                return Err(err(pos, SoqlErrorKind::BindVariable));
            }
            ':' => self.single(Tok::Colon),
            '=' => self.single(Tok::Op("=")),
            '!' if self.peek(1) == Some('=') => self.double(Tok::Op("!=")),
            '<' if self.peek(1) == Some('>') => self.double(Tok::Op("<>")),
            '<' if self.peek(1) == Some('=') => self.double(Tok::Op("<=")),
            '>' if self.peek(1) == Some('=') => self.double(Tok::Op(">=")),
            '<' => self.single(Tok::Op("<")),
            '>' => self.single(Tok::Op(">")),
            '-' if self.peek(1) == Some('-') => return Err(err(pos, SoqlErrorKind::Comment)),
            '/' if self.peek(1) == Some('*') => return Err(err(pos, SoqlErrorKind::Comment)),
            '*' if self.peek(1) == Some('/') => return Err(err(pos, SoqlErrorKind::Comment)),
            '\'' => self.string(pos)?,
            '-' | '+' if self.peek(1).is_some_and(|n| n.is_ascii_digit()) => {
                self.i += 1;
                self.number_or_date(pos)?
            }
            c if c.is_ascii_digit() => self.number_or_date(pos)?,
            c if c.is_ascii_alphabetic() || c == '_' => self.ident(),
            c => return Err(err(pos, SoqlErrorKind::UnexpectedChar(c))),
        };
        Ok(Token {
            tok,
            pos,
            start,
            end: self.byte(self.i),
        })
    }

    fn single(&mut self, t: Tok) -> Tok {
        self.i += 1;
        t
    }

    fn double(&mut self, t: Tok) -> Tok {
        self.i += 2;
        t
    }

    fn take_while(&mut self, f: impl Fn(char) -> bool) -> usize {
        let from = self.i;
        while self.peek(0).is_some_and(&f) {
            self.i += 1;
        }
        self.i - from
    }

    fn text(&self, from: usize) -> String {
        self.src[self.byte(from)..self.byte(self.i)].to_owned()
    }

    fn ident(&mut self) -> Tok {
        let from = self.i;
        self.take_while(|c| c.is_ascii_alphanumeric() || c == '_');
        let word = self.text(from);
        // A currency literal is an ISO code glued to a number: `USD5000` or `EUR12.50`.
        let is_currency = word.len() > 3
            && word[..3].chars().all(|c| c.is_ascii_alphabetic())
            && word[3..].chars().all(|c| c.is_ascii_digit());
        if !is_currency {
            return Tok::Ident(word);
        }
        if self.peek(0) == Some('.') && self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
            self.take_while(|c| c.is_ascii_digit());
        }
        Tok::Currency(self.text(from))
    }

    fn digits(&mut self, n: usize) -> bool {
        (0..n).all(|k| self.peek(k).is_some_and(|c| c.is_ascii_digit())) && {
            self.i += n;
            true
        }
    }

    /// A number (`42`, `-1.5`, `1e3` is not SOQL), a date `2024-01-31` or a datetime
    /// `2024-01-31T00:00:00Z` / `…T00:00:00.000+01:00`.
    fn number_or_date(&mut self, pos: usize) -> Result<Tok, SoqlError> {
        let from = pos;
        let date_ahead = (0..4).all(|k| self.peek(k).is_some_and(|c| c.is_ascii_digit()))
            && self.peek(4) == Some('-');
        if !date_ahead {
            self.take_while(|c| c.is_ascii_digit());
            if self.peek(0) == Some('.') && self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
                self.take_while(|c| c.is_ascii_digit());
            }
            if self
                .peek(0)
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            {
                return Err(err(pos, SoqlErrorKind::BadLiteral(self.text(from))));
            }
            return Ok(Tok::Number(self.text(from)));
        }
        let bad = |lx: &Self| err(pos, SoqlErrorKind::BadLiteral(lx.text(from)));
        let ok =
            self.digits(4) && self.eat('-') && self.digits(2) && self.eat('-') && self.digits(2);
        if !ok {
            return Err(bad(self));
        }
        if !self.eat('T') {
            return Ok(Tok::Date(self.text(from)));
        }
        let ok =
            self.digits(2) && self.eat(':') && self.digits(2) && self.eat(':') && self.digits(2);
        if !ok {
            return Err(bad(self));
        }
        if self.eat('.') && self.take_while(|c| c.is_ascii_digit()) == 0 {
            return Err(bad(self));
        }
        let zone_ok = self.eat('Z')
            || ((self.eat('+') || self.eat('-'))
                && self.digits(2)
                && self.eat(':')
                && self.digits(2));
        if !zone_ok {
            return Err(bad(self));
        }
        Ok(Tok::DateTime(self.text(from)))
    }

    fn eat(&mut self, c: char) -> bool {
        (self.peek(0) == Some(c)) && {
            self.i += 1;
            true
        }
    }

    fn string(&mut self, pos: usize) -> Result<Tok, SoqlError> {
        self.i += 1;
        let mut value = String::new();
        loop {
            let Some(c) = self.peek(0) else {
                return Err(err(pos, SoqlErrorKind::UnterminatedString));
            };
            self.i += 1;
            match c {
                '\'' => return Ok(Tok::Str(value)),
                '\\' => {
                    let at = self.i - 1;
                    let e = self
                        .peek(0)
                        .ok_or_else(|| err(pos, SoqlErrorKind::UnterminatedString))?;
                    self.i += 1;
                    match e {
                        'n' | 'N' => value.push('\n'),
                        'r' | 'R' => value.push('\r'),
                        't' | 'T' => value.push('\t'),
                        'b' | 'B' => value.push('\u{7}'),
                        'f' | 'F' => value.push('\u{c}'),
                        '"' | '\'' | '\\' => value.push(e),
                        // LIKE-pattern escapes stay escaped: they mean "a literal _ or %".
                        '_' | '%' => {
                            value.push('\\');
                            value.push(e);
                        }
                        'u' => {
                            let hex: String = (0..4).filter_map(|k| self.peek(k)).collect();
                            let ch = (hex.len() == 4)
                                .then(|| u32::from_str_radix(&hex, 16).ok())
                                .flatten()
                                .and_then(char::from_u32)
                                .ok_or_else(|| {
                                    err(at, SoqlErrorKind::BadEscape(format!("\\u{hex}")))
                                })?;
                            self.i += 4;
                            value.push(ch);
                        }
                        other => {
                            return Err(err(at, SoqlErrorKind::BadEscape(format!("\\{other}"))));
                        }
                    }
                }
                c => value.push(c),
            }
        }
    }
}
