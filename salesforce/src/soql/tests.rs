use proptest::prelude::*;

use super::cases::{ACCEPT, refuse};
use super::*;

const MAX: u64 = 200;

#[test]
fn accept_refuse_table() {
    let refusals = refuse();
    assert!(
        ACCEPT.len() + refusals.len() >= 60,
        "{}",
        ACCEPT.len() + refusals.len()
    );
    for q in ACCEPT {
        let g = guard(q, 5000).unwrap_or_else(|e| panic!("{q:?} refused: {e}"));
        assert!(parse(&g.soql).is_ok(), "{q:?} -> {:?}", g.soql);
    }
    let mut wrong = Vec::new();
    for (q, kind, position) in refusals {
        match guard(q, MAX) {
            Err(e) if (e.kind.clone(), e.position) == (kind.clone(), position) => {}
            other => wrong.push(format!("{q:?}: got {other:?}, want {kind:?} at {position}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn limit_is_added_kept_or_clamped() {
    let g = guard("SELECT Id FROM Account", MAX).unwrap();
    assert_eq!(g.soql, "SELECT Id FROM Account LIMIT 200");
    assert_eq!(
        (g.limit_change, g.query.limit),
        (LimitChange::Added, Some(200))
    );

    let g = guard("SELECT Id FROM Account   ", MAX).unwrap();
    assert_eq!(g.soql, "SELECT Id FROM Account LIMIT 200   ");

    let g = guard("SELECT Id FROM Account LIMIT 10", MAX).unwrap();
    assert_eq!(
        (g.soql.as_str(), g.limit_change),
        ("SELECT Id FROM Account LIMIT 10", LimitChange::Kept)
    );

    let g = guard("SELECT Id FROM Account limit 5000 OFFSET 3", MAX).unwrap();
    assert_eq!(g.soql, "SELECT Id FROM Account limit 200 OFFSET 3");
    assert_eq!(g.limit_change, LimitChange::Clamped { requested: 5000 });

    let g = guard("SELECT Id FROM Account ORDER BY Name OFFSET 3", MAX).unwrap();
    assert_eq!(
        g.soql,
        "SELECT Id FROM Account ORDER BY Name LIMIT 200 OFFSET 3"
    );

    // Only the outer LIMIT is the caller's business; a child sub-query keeps its own.
    let g = guard(
        "SELECT Name, (SELECT Id FROM Contacts LIMIT 999) FROM Account",
        MAX,
    )
    .unwrap();
    assert_eq!(
        g.soql,
        "SELECT Name, (SELECT Id FROM Contacts LIMIT 999) FROM Account LIMIT 200"
    );
    assert_eq!(g.object(), "Account");

    let g = guard("SELECT COUNT() FROM Account", MAX).unwrap();
    assert_eq!(
        (g.soql.as_str(), g.limit_change),
        ("SELECT COUNT() FROM Account", LimitChange::NotNeeded)
    );
}

#[test]
fn ast_shape() {
    let q = parse("SELECT Id, Account.Name, (SELECT Id FROM Contacts) FROM Contact WHERE Id IN (SELECT WhoId FROM Task) ORDER BY Name DESC").unwrap();
    assert_eq!(q.select.len(), 3);
    assert_eq!(
        q.select[1],
        SelectItem::Field {
            expr: FieldExpr::Path(vec!["Account".into(), "Name".into()]),
            alias: None
        }
    );
    assert!(matches!(&q.select[2], SelectItem::SubQuery(s) if s.from[0].path == ["Contacts"]));
    assert!(
        matches!(&q.where_clause, Some(Condition::In { op, values: InValues::SubQuery(_), .. }) if op == "IN")
    );
    assert!(q.order_by[0].descending);
    let q = parse("SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:7").unwrap();
    assert!(matches!(
        q.where_clause,
        Some(Condition::Compare {
            right: Value::DateLiteral { n: Some(7), .. },
            ..
        })
    ));
}

#[test]
fn nesting_is_bounded() {
    let deep = format!(
        "SELECT Id FROM A WHERE {}Name = 'x'{}",
        "(".repeat(500),
        ")".repeat(500)
    );
    assert_eq!(guard(&deep, MAX).unwrap_err().kind, SoqlErrorKind::TooDeep);
}

#[test]
fn literal_escaping() {
    assert_eq!(escape_literal(r"O'Brien\"), r"O\'Brien\\");
    assert_eq!(quote_literal("a\nb\tc\r"), r"'a\nb\tc\r'");
    assert_eq!(escape_like("100%_x"), r"100\%\_x");
    // The SECURITY-BAR probe stays one literal.
    let hostile = r"O'Brien\' OR Name LIKE '%";
    let q = format!(
        "SELECT Id FROM Contact WHERE LastName = {}",
        quote_literal(hostile)
    );
    let parsed = parse(&q).unwrap();
    assert!(
        matches!(parsed.where_clause, Some(Condition::Compare { right: Value::String(s), .. }) if s == hostile)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any text either parses or is refused with a position inside it; never a panic.
    #[test]
    fn never_panics(s in "\\PC{0,80}") {
        match guard(&s, MAX) {
            Ok(g) => prop_assert!(g.query.limit.is_none_or(|n| n <= MAX)),
            Err(e) => prop_assert!(e.position <= s.chars().count()),
        }
    }

    /// Near-SOQL noise built from real tokens exercises the parser's error paths.
    #[test]
    fn token_soup(words in prop::collection::vec(prop::sample::select(vec![
        "SELECT", "Id", "Name", "FROM", "Account", "WHERE", "=", "'x'", "(", ")", ",", "AND",
        "OR", "NOT", "IN", "LIMIT", "10", "OFFSET", "FOR", "VIEW", "UPDATE", "TRACKING", "ORDER",
        "BY", "GROUP", "COUNT", "TYPEOF", "WHEN", "THEN", "END", ".", "LIKE", "null",
    ]), 0..30)) {
        let s = words.join(" ");
        if let Ok(g) = guard(&s, MAX) {
            prop_assert!(g.query.limit.is_none_or(|n| n <= MAX));
            let again = guard(&g.soql, MAX).unwrap();
            prop_assert_eq!(again.soql, g.soql.clone());
            let upper = g.soql.to_ascii_uppercase();
            prop_assert!(!upper.contains("FOR VIEW") && !upper.contains("UPDATE TRACKING"));
        }
    }

    /// Any string, escaped and quoted, is exactly one literal that decodes back to itself.
    #[test]
    fn escaped_literals_round_trip(s in "\\PC{0,40}|[\\\\'\"%_\\n\\r\\t\u{7}\u{c}\u{1}a ]{0,40}") {
        prop_assert_eq!(decode_literal(&quote_literal(&s)).unwrap(), s.clone());
        let q = format!("SELECT Id FROM Account WHERE Name = {} LIMIT 5", quote_literal(&s));
        let g = guard(&q, MAX).unwrap();
        prop_assert_eq!(g.soql, q);
    }

    /// Whatever LIMIT is asked for, the result is within the maximum and re-guarding is stable.
    #[test]
    fn limit_never_exceeds_max(n in 0u64..1_000_000, max in 1u64..5000, offset in prop::option::of(0u64..2000)) {
        let mut q = format!("SELECT Id, Name FROM Account WHERE Name != null LIMIT {n}");
        if let Some(o) = offset { q.push_str(&format!(" OFFSET {o}")); }
        let g = guard(&q, max).unwrap();
        prop_assert_eq!(g.query.limit, Some(n.min(max)));
        prop_assert_eq!(guard(&g.soql, max).unwrap().limit_change, LimitChange::Kept);
    }
}

/// Pieces of valid SOQL, combined at random below.
fn valid_query() -> impl Strategy<Value = String> {
    let field = prop::sample::select(vec![
        "Id",
        "Name",
        "Owner.Name",
        "Account.Owner.Profile.Name",
        "Custom__c",
        "toLabel(Industry)",
        "(SELECT Id, LastName FROM Contacts WHERE Email != null LIMIT 3)",
        "TYPEOF What WHEN Account THEN Name ELSE Id END",
    ]);
    let condition = (
        prop::sample::select(vec!["Name", "Industry", "Account.Name", "Custom__c"]),
        prop::sample::select(vec!["=", "!=", "<>", "<", ">=", "LIKE"]),
        "\\PC{0,20}",
    )
        .prop_map(|(f, op, v)| format!("{f} {op} {}", quote_literal(&v)));
    let other = prop::sample::select(vec![
        "CreatedDate = LAST_N_DAYS:30".to_owned(),
        "CloseDate >= 2024-01-31".to_owned(),
        "LastModifiedDate < 2024-01-31T10:00:00Z".to_owned(),
        "Id IN (SELECT AccountId FROM Contact)".to_owned(),
        "Amount > -1.5".to_owned(),
        "IsDeleted = false".to_owned(),
        "Interests__c INCLUDES ('a;b')".to_owned(),
    ]);
    let cond = prop_oneof![condition, other];
    (
        prop::collection::vec(field, 1..5),
        prop::collection::vec(cond, 0..4),
        prop::sample::select(vec!["", " ORDER BY Name DESC NULLS LAST", " ORDER BY Id"]),
        prop::option::of(0u64..10_000),
        prop::option::of(0u64..2_000),
        prop::bool::ANY,
    )
        .prop_map(|(fields, conds, order, limit, offset, or)| {
            let mut q = format!("SELECT {} FROM Account", fields.join(", "));
            if !conds.is_empty() {
                let glue = if or { " OR " } else { " AND " };
                q.push_str(&format!(" WHERE {}", conds.join(glue)));
            }
            q.push_str(order);
            if let Some(n) = limit {
                q.push_str(&format!(" LIMIT {n}"));
            }
            if let Some(n) = offset {
                q.push_str(&format!(" OFFSET {n}"));
            }
            q
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Every statement built from valid pieces is accepted, capped, and stable when re-guarded;
    /// appending a writing clause to it is always refused.
    #[test]
    fn valid_queries_are_accepted(q in valid_query(), max in 1u64..3000) {
        let g = guard(&q, max).unwrap_or_else(|e| panic!("{q}: {e}"));
        prop_assert!(g.query.limit.is_some_and(|n| n <= max));
        prop_assert_eq!(guard(&g.soql, max).unwrap().limit_change, LimitChange::Kept);
        for clause in [" FOR VIEW", " FOR REFERENCE", " FOR UPDATE", " UPDATE TRACKING", " UPDATE VIEWSTAT"] {
            let e = guard(&format!("{q}{clause}"), max).unwrap_err();
            prop_assert!(matches!(e.kind, SoqlErrorKind::WritingClause(_)), "{}", e);
            prop_assert_eq!(e.position, q.chars().count() + 1);
        }
        let e = guard(&format!("{q};"), max).unwrap_err();
        prop_assert_eq!(e.kind, SoqlErrorKind::StatementSeparator);
    }
}
