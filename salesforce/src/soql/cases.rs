//! The guard's accept/refuse table (API-NOTES §7.1): what real read-only SOQL looks like, and
//! every way a statement must be turned away, with the position reported.

#[cfg(test)]
use super::SoqlErrorKind;

/// Statements the guard must accept.
pub const ACCEPT: &[&str] = &[
    "SELECT Id FROM Account",
    // Objects named like clause words.
    "SELECT Id FROM Order ORDER BY Id",
    "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Order)",
    "select id from account",
    "SELECT Id, Name, Owner.Name, Account.Owner.Profile.Name FROM Contact",
    "SELECT Id FROM Account WHERE Name = 'Acme'",
    "SELECT Id FROM Account WHERE Name = 'O\\'Brien'",
    "SELECT Id FROM Account WHERE Name = 'semi;colon -- /* not a comment */'",
    "SELECT Id FROM Account WHERE Name = 'FOR VIEW'",
    "SELECT Id FROM Account WHERE Name LIKE 'Ac%'",
    "SELECT Id FROM Account WHERE Name LIKE '100\\%'",
    "SELECT Id FROM Account WHERE Name != null AND (Industry = 'Tech' OR NOT Industry = 'Bank')",
    "SELECT Id FROM Account WHERE Industry <> 'x'",
    "SELECT Id FROM Account WHERE AnnualRevenue >= 1000.50 AND NumberOfEmployees < -1",
    "SELECT Id FROM Account WHERE Id IN ('001000000000001', '001000000000002')",
    "SELECT Id FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact)",
    "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Won')",
    "SELECT Id FROM Contact WHERE Interests__c INCLUDES ('a;b', 'c')",
    "SELECT Id FROM Contact WHERE Interests__c EXCLUDES ('a')",
    "SELECT Id FROM Account WHERE CreatedDate = TODAY",
    "SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:30",
    "SELECT Id FROM Account WHERE CreatedDate > 2024-01-31T00:00:00Z",
    "SELECT Id FROM Account WHERE CreatedDate > 2024-01-31T00:00:00.000+01:00",
    "SELECT Id FROM Opportunity WHERE CloseDate >= 2024-01-31",
    "SELECT Id FROM Opportunity WHERE Amount > USD5000.50",
    "SELECT Id FROM Account WHERE IsDeleted = false AND IsActive__c = TRUE",
    "SELECT Name, (SELECT LastName FROM Contacts) FROM Account",
    "SELECT Name, (SELECT LastName FROM Contacts WHERE Email != null ORDER BY LastName LIMIT 5) FROM Account",
    "SELECT TYPEOF What WHEN Account THEN Phone, NumberOfEmployees WHEN Opportunity THEN Amount ELSE Name END FROM Event",
    "SELECT Id, TYPEOF Who WHEN Contact THEN Email END FROM Task",
    "SELECT COUNT() FROM Account",
    "SELECT COUNT(Id) FROM Account",
    "SELECT COUNT(Id) cnt, Industry FROM Account GROUP BY Industry",
    "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry HAVING COUNT(Id) > 1",
    "SELECT LeadSource, COUNT(Name) FROM Lead GROUP BY ROLLUP(LeadSource)",
    "SELECT Type, BillingCountry, COUNT(Id) FROM Account GROUP BY CUBE(Type, BillingCountry)",
    "SELECT SUM(Amount), AVG(Amount), MIN(Amount), MAX(Amount), COUNT_DISTINCT(OwnerId) FROM Opportunity",
    "SELECT CALENDAR_YEAR(CreatedDate), COUNT(Id) FROM Account GROUP BY CALENDAR_YEAR(CreatedDate)",
    "SELECT toLabel(Industry), FORMAT(AnnualRevenue), convertCurrency(Amount) FROM Opportunity",
    "SELECT FIELDS(ALL) FROM Account LIMIT 200",
    "SELECT Id FROM Account WHERE DISTANCE(Location__c, GEOLOCATION(37.7, -122.4), 'mi') < 20",
    "SELECT Id FROM Account ORDER BY Name DESC NULLS LAST, CreatedDate ASC NULLS FIRST",
    "SELECT Id FROM Account ORDER BY Name LIMIT 10 OFFSET 20",
    "SELECT Id FROM Account OFFSET 5",
    "SELECT Id FROM Account LIMIT 5000",
    "SELECT Id FROM Account USING SCOPE mine",
    "SELECT Id FROM Account WITH SECURITY_ENFORCED",
    "SELECT Id FROM Account WITH USER_MODE",
    "SELECT Title FROM KnowledgeArticleVersion WHERE PublishStatus = 'Online' WITH DATA CATEGORY Geography__c AT (usa__c, uk__c) AND Product__c ABOVE_OR_BELOW mobile__c",
    "SELECT c.Name, a.Name FROM Contact c, c.Account a",
    "  SELECT\n\tId\r\nFROM   Account  ",
    "SELECT Id FROM Custom__c WHERE ns__Field__c = 'x\\n\\t\\u00e9'",
    "SELECT Id FROM Account WHERE (((Name = 'a')))",
];

/// Statements the guard must refuse, with the kind and position expected.
#[cfg(test)]
pub(super) fn refuse() -> Vec<(&'static str, SoqlErrorKind, usize)> {
    use SoqlErrorKind::*;
    let exp = |e: &str, f: &str| Expected {
        expected: e.into(),
        found: f.into(),
    };
    vec![
        ("", Empty, 0),
        ("   ", Empty, 3),
        ("DELETE FROM Account", NotSelect("DELETE".into()), 0),
        (
            "insert into Account (Name) values ('x')",
            NotSelect("INSERT".into()),
            0,
        ),
        (
            "UPDATE Account SET Name = 'x'",
            NotSelect("UPDATE".into()),
            0,
        ),
        ("upsert Account", NotSelect("UPSERT".into()), 0),
        ("MERGE Account", NotSelect("MERGE".into()), 0),
        ("UNDELETE Account", NotSelect("UNDELETE".into()), 0),
        ("FIND {Acme}", UnexpectedChar('{'), 5),
        ("SELECT Id FROM Account;", StatementSeparator, 22),
        (
            "SELECT Id FROM Account; DELETE FROM Account",
            StatementSeparator,
            22,
        ),
        (
            "SELECT Id FROM Account SELECT Id FROM Contact",
            TrailingInput("'SELECT'".into()),
            23,
        ),
        ("SELECT Id FROM Account -- hi", Comment, 23),
        ("SELECT Id FROM Account /* hi */", Comment, 23),
        (
            "SELECT Id FROM Account FOR VIEW",
            WritingClause("FOR VIEW".into()),
            23,
        ),
        (
            "SELECT Id FROM Account for reference",
            WritingClause("FOR REFERENCE".into()),
            23,
        ),
        (
            "SELECT Id FROM Account LIMIT 1 FOR UPDATE",
            WritingClause("FOR UPDATE".into()),
            31,
        ),
        (
            "SELECT Id FROM KnowledgeArticleVersion UPDATE TRACKING",
            WritingClause("UPDATE TRACKING".into()),
            39,
        ),
        (
            "SELECT Id FROM KnowledgeArticleVersion UPDATE  VIEWSTAT",
            WritingClause("UPDATE VIEWSTAT".into()),
            39,
        ),
        (
            "SELECT Id, (SELECT Id FROM Contacts FOR VIEW) FROM Account",
            WritingClause("FOR VIEW".into()),
            36,
        ),
        (
            "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact FOR UPDATE)",
            WritingClause("FOR UPDATE".into()),
            66,
        ),
        (
            "SELECT Id FROM Account WHERE Name = :name",
            BindVariable,
            36,
        ),
        (
            "SELECT Id FROM Account WHERE Name = 'open",
            UnterminatedString,
            36,
        ),
        (
            "SELECT Id FROM Account WHERE Name = 'a\\qb'",
            BadEscape("\\q".into()),
            38,
        ),
        (
            "SELECT Id FROM Account WHERE Name = \"x\"",
            UnexpectedChar('"'),
            36,
        ),
        ("SELECT * FROM Account", UnexpectedChar('*'), 7),
        (
            "SELECT FROM Account",
            exp("a field or object name", "'FROM'"),
            7,
        ),
        ("SELECT Id Account", exp("FROM", "the end of the query"), 17),
        (
            "SELECT Id FROM",
            exp("a field or object name", "the end of the query"),
            14,
        ),
        (
            "SELECT Id, FROM Account",
            exp("a field or object name", "'FROM'"),
            11,
        ),
        (
            "SELECT Id FROM Account WHERE",
            exp("a field or object name", "the end of the query"),
            28,
        ),
        (
            "SELECT Id FROM Account WHERE Name",
            exp(
                "a comparison operator, LIKE, IN, INCLUDES or EXCLUDES",
                "the end of the query",
            ),
            33,
        ),
        (
            "SELECT Id FROM Account WHERE Name = ",
            exp("a value", "the end of the query"),
            36,
        ),
        (
            "SELECT Id FROM Account WHERE (Name = 'a'",
            exp("')'", "the end of the query"),
            40,
        ),
        (
            "SELECT Id FROM Account LIMIT",
            exp("a number after LIMIT", "the end of the query"),
            28,
        ),
        (
            "SELECT Id FROM Account LIMIT 1.5",
            exp("a number after LIMIT", "'1.5'"),
            29,
        ),
        (
            "SELECT Id FROM Account LIMIT -1",
            exp("a number after LIMIT", "'-1'"),
            29,
        ),
        (
            "SELECT Id FROM Account LIMIT ALL",
            exp("a number after LIMIT", "'ALL'"),
            29,
        ),
        ("SELECT Id FROM Account ORDER Name", exp("BY", "'Name'"), 29),
        ("SELECT Id FROM Account GROUP Name", exp("BY", "'Name'"), 29),
        (
            "SELECT Id FROM Account WITH SYSTEM_MODE",
            exp(
                "DATA CATEGORY, SECURITY_ENFORCED or USER_MODE",
                "'SYSTEM_MODE'",
            ),
            28,
        ),
        (
            "SELECT Id FROM Account WHERE CreatedDate > 2024-1-31",
            BadLiteral("2024-".into()),
            43,
        ),
        (
            "SELECT Id FROM Account WHERE CreatedDate > 2024-01-31T00:00",
            BadLiteral("2024-01-31T00:00".into()),
            43,
        ),
        (
            "SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:",
            exp("a number after ':'", "the end of the query"),
            55,
        ),
        (
            "SELECT Id FROM Account WHERE Amount > 12abc",
            BadLiteral("12".into()),
            38,
        ),
        (
            "SELECT TYPEOF What ELSE Name END FROM Event",
            exp("WHEN", "'ELSE'"),
            19,
        ),
        (
            "SELECT TYPEOF What WHEN Account THEN Name FROM Event",
            exp("END", "'FROM'"),
            42,
        ),
        (
            "SELECT (SELECT Id FROM Contacts FROM Account",
            exp("')' to close the sub-query", "'FROM'"),
            32,
        ),
        (
            "SELECT Id FROM Account.",
            exp("a name after '.'", "the end of the query"),
            23,
        ),
        (
            "SELECT COUNT(Id FROM Account",
            exp("')' to close the function call", "'FROM'"),
            16,
        ),
        (
            "SELECT Id FROM Account WHERE Name IN ()",
            exp("a value", "')'"),
            38,
        ),
        (
            "SELECT Id FROM Account WHERE Name = 'a' AND",
            exp("a field or object name", "the end of the query"),
            43,
        ),
        ("SELECT Id FROM Account é", UnexpectedChar('é'), 23),
        (
            "SELECT Id FROM Account FOR",
            TrailingInput("'FOR'".into()),
            23,
        ),
        (
            "SELECT Id FROM Account WHERE Name = 'x' OFFSET 1 LIMIT 1",
            TrailingInput("'LIMIT'".into()),
            49,
        ),
        (
            "SELECT Id FROM Account WHERE Name = 'x' ALL ROWS",
            TrailingInput("'ALL'".into()),
            40,
        ),
    ]
}
