//! The identity URL response and OIDC UserInfo (API-NOTES §2.9). Typed for the fields the app
//! uses; everything else is kept in `extra`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `GET {id}` with the bearer token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// The identity URL itself.
    pub id: String,
    pub user_id: String,
    pub organization_id: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub user_type: Option<String>,
    #[serde(default)]
    pub urls: Map<String, Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /services/oauth2/userinfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    /// Equals the identity URL.
    pub sub: String,
    pub user_id: String,
    pub organization_id: String,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: Option<bool>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub urls: Map<String, Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
