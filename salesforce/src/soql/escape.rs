//! Escaping values for SOQL string literals (API-NOTES §7.2). SOQL over REST cannot be
//! parameterised, so every user value placed in a query goes through here.

/// Escapes `value` for use inside `'…'`: backslash first, then quotes, then control characters
/// (as the escapes SOQL defines, or `\uXXXX`).
pub fn escape_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_control() => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// `'escaped value'`, ready to put after `=`.
pub fn quote_literal(value: &str) -> String {
    format!("'{}'", escape_literal(value))
}

/// Escapes a value for a LIKE pattern, so `%` and `_` in it match themselves; add your own
/// wildcards around the result (`format!("'%{}%'", escape_like(v))`).
pub fn escape_like(value: &str) -> String {
    escape_literal(value)
        .replace('%', "\\%")
        .replace('_', "\\_")
}
