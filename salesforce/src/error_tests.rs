use super::*;

fn rest(status: u16, code: &str) -> Error {
    let body = format!(r#"[{{"message":"m","errorCode":"{code}","fields":["F"]}}]"#);
    Error::from_response(status, body.as_bytes())
}

fn oauth(status: u16, error: &str, description: &str) -> Error {
    let body = format!(r#"{{"error":"{error}","error_description":"{description}"}}"#);
    Error::from_response(status, body.as_bytes())
}

#[test]
fn rest_codes_are_classified() {
    assert!(matches!(
        rest(401, "INVALID_SESSION_ID"),
        Error::SessionExpired(_)
    ));
    assert!(matches!(
        rest(403, "REQUEST_LIMIT_EXCEEDED"),
        Error::LimitExceeded(_)
    ));
    for code in [
        "INSUFFICIENT_ACCESS_OR_READONLY",
        "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
        "INVALID_FIELD",
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        "API_DISABLED_FOR_ORG",
    ] {
        assert!(matches!(rest(400, code), Error::Permission(_)), "{code}");
    }
    for code in [
        "REQUIRED_FIELD_MISSING",
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "DUPLICATES_DETECTED",
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "STRING_TOO_LONG",
    ] {
        assert!(matches!(rest(400, code), Error::Validation(_)), "{code}");
    }
    assert!(matches!(rest(404, "NOT_FOUND"), Error::NotFound(_)));
    assert!(matches!(rest(400, "ENTITY_IS_DELETED"), Error::NotFound(_)));
    let lock = rest(400, "UNABLE_TO_LOCK_ROW");
    assert!(matches!(lock, Error::RowLock(_)) && lock.is_retryable());
    assert!(matches!(
        rest(503, "SERVER_UNAVAILABLE"),
        Error::Transient {
            status: Some(503),
            ..
        }
    ));
    assert!(matches!(rest(400, "MALFORMED_QUERY"), Error::Api(_)));
    let v = rest(400, "REQUIRED_FIELD_MISSING");
    assert_eq!(
        v.to_string(),
        "Salesforce validation failed (REQUIRED_FIELD_MISSING: m (fields: F))"
    );
}

#[test]
fn bodies_we_do_not_know_fall_back_to_the_status() {
    assert!(matches!(
        Error::from_response(502, b"<html>bad gateway</html>"),
        Error::Transient { .. }
    ));
    assert!(matches!(
        Error::from_response(401, b""),
        Error::SessionExpired(_)
    ));
    assert!(matches!(
        Error::from_response(404, b"nope"),
        Error::NotFound(_)
    ));
    assert!(matches!(
        Error::from_response(403, b"Bad_OAuth_Token\n"),
        Error::SessionExpired(_)
    ));
    assert!(matches!(Error::from_response(418, b""), Error::Api(_)));
}

#[test]
fn oauth_errors_are_classified_with_their_cause() {
    let cases = [
        (
            "invalid_grant",
            "expired access/refresh token",
            GrantCause::ExpiredOrRevoked,
        ),
        (
            "invalid_grant",
            "authentication failure",
            GrantCause::AuthenticationFailure,
        ),
        (
            "invalid_grant",
            "invalid authorization code",
            GrantCause::InvalidAuthorizationCode,
        ),
        (
            "invalid_grant",
            "expired authorization code",
            GrantCause::InvalidAuthorizationCode,
        ),
        (
            "invalid_grant",
            "IP restricted or invalid login hours",
            GrantCause::IpRestricted,
        ),
        (
            "invalid_grant",
            "user hasn't approved this consumer",
            GrantCause::NotApproved,
        ),
        ("invalid_grant", "something new", GrantCause::Other),
        (
            "inactive_user",
            "user is inactive",
            GrantCause::InactiveUser,
        ),
        ("inactive_org", "org is locked", GrantCause::InactiveOrg),
        (
            "OAUTH_APP_BLOCKED",
            "this app is blocked by admin",
            GrantCause::AppBlocked,
        ),
    ];
    for (error, description, want) in cases {
        let e = oauth(400, error, description);
        assert!(
            matches!(&e, Error::RefreshRevoked { cause, .. } if *cause == want),
            "{error} {description}: {e}"
        );
        assert!(!e.is_retryable());
        assert!(e.to_string().contains(description));
    }
    for transient in [
        "server_error",
        "service_unavailable",
        "system_down",
        "slow_down",
        "rate_limit_exceeded",
    ] {
        assert!(oauth(400, transient, "x").is_retryable(), "{transient}");
    }
    assert!(matches!(
        oauth(400, "invalid_client", "invalid client credentials"),
        Error::OAuth { .. }
    ));
    assert!(matches!(
        oauth(401, "invalid_token", "x"),
        Error::SessionExpired(_)
    ));
}
