//! SOQL tokens. Positions are 0-based character offsets, turned into Salesforce's
//! "ERROR at Row:1:Column:N" (1-based) by the error builder.

use super::SoqlError;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    Str(String),
    Num(String),
    /// `2024-01-31` or `2024-01-31T00:00:00Z`: unquoted date and datetime literals.
    DateLit(String),
    /// `USD5000.50`: an ISO currency code glued to an amount (the amount's text).
    Currency(String),
    Comma,
    LParen,
    RParen,
    Dot,
    Colon,
    Op(&'static str),
    Eof,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub pos: usize,
}

impl Token {
    /// How the token reads in an "unexpected token" message.
    pub fn text(&self) -> String {
        match &self.tok {
            Tok::Ident(s) | Tok::Num(s) | Tok::DateLit(s) => s.clone(),
            Tok::Currency(amount) => amount.clone(),
            Tok::Str(s) => format!("'{s}'"),
            Tok::Comma => ",".into(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::Dot => ".".into(),
            Tok::Colon => ":".into(),
            Tok::Op(op) => (*op).into(),
            Tok::Eof => "<EOF>".into(),
        }
    }

    pub fn is_keyword(&self, word: &str) -> bool {
        matches!(&self.tok, Tok::Ident(s) if s.eq_ignore_ascii_case(word))
    }
}

fn date_literal(chars: &[char], start: usize) -> Option<usize> {
    let digit = |i: usize| chars.get(i).is_some_and(|c| c.is_ascii_digit());
    let is = |i: usize, c: char| chars.get(i) == Some(&c);
    let shape = |offset: usize, pattern: &str| {
        pattern.chars().enumerate().all(|(k, p)| {
            if p == 'd' {
                digit(offset + k)
            } else {
                is(offset + k, p)
            }
        })
    };
    if !shape(start, "dddd-dd-dd") {
        return None;
    }
    let mut end = start + 10;
    if shape(end, "Tdd:dd:dd") {
        end += 9;
        if is(end, '.') {
            end += 1;
            while digit(end) {
                end += 1;
            }
        }
        if is(end, 'Z') {
            end += 1;
        } else if (is(end, '+') || is(end, '-')) && shape(end + 1, "dd:dd") {
            end += 6;
        } else if (is(end, '+') || is(end, '-')) && shape(end + 1, "dddd") {
            end += 5;
        } else {
            return None;
        }
    }
    Some(end)
}

pub fn lex(text: &str) -> Result<Vec<Token>, SoqlError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let single = match c {
            ',' => Some(Tok::Comma),
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '.' if !chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => Some(Tok::Dot),
            ':' => Some(Tok::Colon),
            '=' => Some(Tok::Op("=")),
            _ => None,
        };
        if let Some(tok) = single {
            out.push(Token { tok, pos: start });
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut value = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => {
                        let message =
                            format!("line 1:{start} mismatched character '<EOF>' expecting '''");
                        return Err(SoqlError::malformed(start, message));
                    }
                    Some('\'') => break,
                    Some('\\') => {
                        let escaped = match chars.get(i + 1) {
                            Some('n' | 'N') => '\n',
                            Some('r' | 'R') => '\r',
                            Some('t' | 'T') => '\t',
                            Some('b' | 'B') => '\u{7}',
                            Some('f' | 'F') => '\u{c}',
                            Some('"') => '"',
                            Some('\'') => '\'',
                            Some('\\') => '\\',
                            // LIKE keeps `\_` and `\%` escaped; the matcher reads them.
                            Some('_') => {
                                value.push('\\');
                                '_'
                            }
                            Some('%') => {
                                value.push('\\');
                                '%'
                            }
                            Some('u') => {
                                let hex: String = chars.iter().skip(i + 2).take(4).collect();
                                let decoded = (hex.len() == 4)
                                    .then(|| u32::from_str_radix(&hex, 16).ok())
                                    .flatten()
                                    .and_then(char::from_u32);
                                let Some(decoded) = decoded else {
                                    return Err(SoqlError::malformed(
                                        i,
                                        "Invalid string literal: illegal escape sequence".into(),
                                    ));
                                };
                                i += 4;
                                decoded
                            }
                            _ => {
                                return Err(SoqlError::malformed(
                                    i,
                                    "Invalid string literal: illegal escape sequence".into(),
                                ));
                            }
                        };
                        value.push(escaped);
                        i += 2;
                    }
                    Some(ch) => {
                        value.push(*ch);
                        i += 1;
                    }
                }
            }
            i += 1;
            out.push(Token {
                tok: Tok::Str(value),
                pos: start,
            });
        } else if let Some(end) = date_literal(&chars, i) {
            out.push(Token {
                tok: Tok::DateLit(chars[i..end].iter().collect()),
                pos: start,
            });
            i = end;
        } else if c.is_ascii_digit()
            || ((c == '-' || c == '+' || c == '.')
                && chars
                    .get(i + 1)
                    .is_some_and(|d| d.is_ascii_digit() || *d == '.'))
        {
            i += 1;
            while chars
                .get(i)
                .is_some_and(|d| d.is_ascii_digit() || *d == '.')
            {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Num(chars[start..i].iter().collect()),
                pos: start,
            });
        } else if c.is_ascii_alphabetic() || c == '_' {
            while chars
                .get(i)
                .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '_')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let currency = word.len() > 3
                && word[..3].chars().all(|c| c.is_ascii_alphabetic())
                && word[3..].chars().all(|c| c.is_ascii_digit());
            let tok = if currency {
                if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                {
                    i += 1;
                    while chars.get(i).is_some_and(char::is_ascii_digit) {
                        i += 1;
                    }
                }
                Tok::Currency(chars[start + 3..i].iter().collect())
            } else {
                Tok::Ident(word)
            };
            out.push(Token { tok, pos: start });
        } else if c == '!' && chars.get(i + 1) == Some(&'=') {
            out.push(Token {
                tok: Tok::Op("!="),
                pos: start,
            });
            i += 2;
        } else if c == '<' || c == '>' {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = match two.as_str() {
                "<=" => "<=",
                ">=" => ">=",
                "<>" => "!=",
                _ if c == '<' => "<",
                _ => ">",
            };
            i += if op.len() == 2 || two == "<>" { 2 } else { 1 };
            out.push(Token {
                tok: Tok::Op(op),
                pos: start,
            });
        } else {
            return Err(SoqlError::malformed(
                start,
                format!("line 1:{start} no viable alternative at character '{c}'"),
            ));
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: chars.len(),
    });
    Ok(out)
}
