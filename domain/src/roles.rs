//! Roles in an organization and in a group.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OrgRole {
    Member,
    Admin,
    Owner,
}

impl OrgRole {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "owner" => Ok(Self::Owner),
            "admin" => Ok(Self::Admin),
            "member" => Ok(Self::Member),
            _ => Err(DomainError::validation(
                "role",
                format!("{raw:?} is not an organization role: use owner, admin or member"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    /// Owners administer the organization too.
    pub fn is_admin(self) -> bool {
        self >= Self::Admin
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupRole {
    Member,
    Admin,
}

impl GroupRole {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Self::Admin),
            "member" => Ok(Self::Member),
            _ => Err(DomainError::validation(
                "role",
                format!("{raw:?} is not a group role: use admin or member"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_refuse_unknown() {
        for role in [OrgRole::Owner, OrgRole::Admin, OrgRole::Member] {
            assert_eq!(OrgRole::parse(role.as_str()).unwrap(), role);
        }
        assert!(
            OrgRole::Owner.is_admin() && OrgRole::Admin.is_admin() && !OrgRole::Member.is_admin()
        );
        assert!(OrgRole::parse("superuser").is_err());
        assert_eq!(GroupRole::parse("ADMIN").unwrap(), GroupRole::Admin);
        assert!(GroupRole::parse("owner").is_err());
    }
}
