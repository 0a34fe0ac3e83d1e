//! Salesforce's token response (API-NOTES §2.5, §2.6): the standard fields plus `instance_url`,
//! `id`, `issued_at` (milliseconds, as a string), `signature`, `id_token`; no `expires_in`; old
//! responses even lack `token_type`. Parsed into [`TokenSet`], whose secrets are `SecretString`s
//! (their Debug prints `[REDACTED]`), after the hosts it names pass the [`HostPolicy`].

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{KeyInit, Mac};
use oauth2::basic::BasicTokenType;
use oauth2::{AccessToken, RefreshToken, Scope};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use url::Url;

use crate::{Error, HostPolicy, RecordId};

/// The wire shape, in the form the oauth2 crate's token requests deserialize into.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct WireToken {
    access_token: AccessToken,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<RefreshToken>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_type: Option<String>,
    /// Salesforce only issues bearer tokens; the trait needs one to point at.
    #[serde(skip, default = "bearer")]
    basic_type: BasicTokenType,
    #[serde(
        default,
        deserialize_with = "oauth2::helpers::deserialize_space_delimited_vec",
        serialize_with = "oauth2::helpers::serialize_space_delimited_vec",
        skip_serializing_if = "Option::is_none"
    )]
    scope: Option<Vec<Scope>>,
    instance_url: String,
    id: String,
    issued_at: IssuedAt,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    signature: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

fn bearer() -> BasicTokenType {
    BasicTokenType::Bearer
}

/// Documented as a string of milliseconds; accept a bare number too.
#[derive(Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum IssuedAt {
    Text(String),
    Number(i64),
}

/// Never prints a token, whatever the caller's logging does.
impl std::fmt::Debug for WireToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireToken")
            .field("instance_url", &self.instance_url)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl oauth2::TokenResponse for WireToken {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &BasicTokenType {
        &self.basic_type
    }
    fn expires_in(&self) -> Option<std::time::Duration> {
        // Salesforce does not say; expiry shows up as 401 INVALID_SESSION_ID.
        None
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scope.as_ref()
    }
}

/// A validated token response.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: SecretString,
    /// After a refresh without rotation this is the refresh token that was used.
    pub refresh_token: Option<SecretString>,
    /// True when this response carried a new refresh token (code exchange, or rotation on
    /// refresh — then the old one is dead and this one must be stored at once).
    pub refresh_token_issued: bool,
    /// The REST base for this org; it can change on refresh (org migration).
    pub instance_url: Url,
    /// The identity URL (`id`): `https://<login host>/id/<org id>/<user id>`.
    pub identity_url: Url,
    /// `id` as sent: the signature covers these exact bytes, not a re-serialised URL.
    identity_url_raw: String,
    pub issued_at: OffsetDateTime,
    issued_at_raw: String,
    pub signature: Option<String>,
    /// Granted scopes (authoritative; may differ from what was asked). Empty when not sent.
    pub scopes: Vec<String>,
    pub token_type: String,
    pub id_token: Option<SecretString>,
    /// Other fields (`sfdc_community_url`, `api_instance_url`, ...), kept as sent.
    pub extra: Map<String, Value>,
}

impl TokenSet {
    /// Parses and validates a token-endpoint body (as the client does after an exchange).
    pub fn from_json(body: &[u8], policy: &HostPolicy) -> Result<TokenSet, Error> {
        let wire: WireToken = serde_json::from_slice(body).map_err(|e| {
            Error::Protocol(format!(
                "token response not understood ({:?} at line {} column {})",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        TokenSet::from_wire(wire, policy, None)
    }

    /// Validates hosts and fills in the refresh token to keep when none came back.
    pub(crate) fn from_wire(
        wire: WireToken,
        policy: &HostPolicy,
        previous_refresh: Option<&SecretString>,
    ) -> Result<TokenSet, Error> {
        let instance_url = policy.check_instance_url(&wire.instance_url)?;
        let identity_url = policy.check_identity_url(&wire.id)?;
        let identity_url_raw = wire.id;
        let issued_at_raw = match wire.issued_at {
            IssuedAt::Text(s) => s,
            IssuedAt::Number(n) => n.to_string(),
        };
        let ms: i64 = issued_at_raw
            .parse()
            .map_err(|_| Error::Protocol("issued_at is not a number of milliseconds".into()))?;
        let issued_at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .map_err(|_| Error::Protocol("issued_at is out of range".into()))?;
        let refresh_token_issued = wire.refresh_token.is_some();
        let refresh_token = wire
            .refresh_token
            .map(|t| SecretString::from(t.into_secret()))
            .or_else(|| previous_refresh.cloned());
        Ok(TokenSet {
            access_token: SecretString::from(wire.access_token.into_secret()),
            refresh_token,
            refresh_token_issued,
            instance_url,
            identity_url,
            identity_url_raw,
            issued_at,
            issued_at_raw,
            signature: wire.signature,
            scopes: wire
                .scope
                .unwrap_or_default()
                .into_iter()
                .map(|s| s.to_string())
                .collect(),
            token_type: wire.token_type.unwrap_or_else(|| "Bearer".into()),
            id_token: wire.id_token.map(SecretString::from),
            extra: wire.extra,
        })
    }

    /// `issued_at` exactly as Salesforce sent it (milliseconds since the epoch).
    pub fn issued_at_ms(&self) -> &str {
        &self.issued_at_raw
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// The org and user ids: the last two segments of the identity URL. This pair identifies
    /// "which Salesforce account was connected".
    pub fn org_and_user(&self) -> Result<(RecordId, RecordId), Error> {
        let segments: Vec<&str> = self
            .identity_url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        match segments.as_slice() {
            [.., "id", org, user] => Ok((RecordId::parse(org)?, RecordId::parse(user)?)),
            _ => Err(Error::Protocol(
                "identity URL does not end in /id/<org>/<user>".into(),
            )),
        }
    }

    /// Checks `signature` = Base64(HMAC-SHA256(client secret, id + issued_at)), which proves the
    /// identity URL was issued by Salesforce for this app. False when there is no signature.
    pub fn verify_signature(&self, client_secret: &SecretString) -> bool {
        let Some(expected) = self
            .signature
            .as_deref()
            .and_then(|s| STANDARD.decode(s).ok())
        else {
            return false;
        };
        signature_mac(
            client_secret.expose_secret(),
            &self.identity_url_raw,
            &self.issued_at_raw,
        )
        .verify_slice(&expected)
        .is_ok()
    }
}

fn signature_mac(secret: &str, id: &str, issued_at: &str) -> hmac::Hmac<sha2::Sha256> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(id.as_bytes());
    mac.update(issued_at.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(id: &str, instance: &str, extra: &str) -> String {
        format!(
            r#"{{"access_token":"00Dx!secret","instance_url":"{instance}","id":"{id}","issued_at":"1278448832702","token_type":"Bearer","scope":"api refresh_token"{extra}}}"#
        )
    }

    #[test]
    fn signature_round_trip() {
        let id = "https://login.salesforce.com/id/00D000000000001EAA/005000000000001AAA";
        let sig = STANDARD.encode(
            signature_mac("shh", id, "1278448832702")
                .finalize()
                .into_bytes(),
        );
        let json = body(
            id,
            "https://acme.my.salesforce.com",
            &format!(r#","signature":"{sig}""#),
        );
        let t = TokenSet::from_json(json.as_bytes(), &HostPolicy::salesforce_only()).unwrap();
        assert!(t.verify_signature(&SecretString::from("shh")));
        assert!(!t.verify_signature(&SecretString::from("other")));
        let (org, user) = t.org_and_user().unwrap();
        assert_eq!((org.key_prefix(), user.key_prefix()), ("00D", "005"));
        assert_eq!(t.issued_at.unix_timestamp(), 1_278_448_832);
        assert!(t.has_scope("refresh_token") && !t.has_scope("openid"));
        assert!(!format!("{t:?}").contains("00Dx!secret"));
    }

    #[test]
    fn hosts_are_checked_before_anything_is_kept() {
        let p = HostPolicy::salesforce_only();
        let ok_id = "https://login.salesforce.com/id/00D000000000001EAA/005000000000001AAA";
        for (id, instance) in [
            (ok_id, "http://169.254.169.254"),
            (ok_id, "https://evil.example"),
            (
                "https://evil.example/id/00D/005",
                "https://acme.my.salesforce.com",
            ),
        ] {
            let e = TokenSet::from_json(body(id, instance, "").as_bytes(), &p).unwrap_err();
            assert!(matches!(e, Error::Host(_)), "{id} {instance}: {e}");
            assert!(!e.to_string().contains("secret"));
        }
    }
}
