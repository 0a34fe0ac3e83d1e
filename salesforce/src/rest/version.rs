//! API versions (API-NOTES §0, §4.1): compared numerically (`"9.0" < "62.0"`), written `v67.0`
//! in paths, discovered at runtime from `GET /services/data/`.

use std::fmt;

use crate::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    major: u32,
    minor: u32,
}

impl ApiVersion {
    pub const fn new(major: u32, minor: u32) -> Self {
        ApiVersion { major, minor }
    }

    /// `"62.0"` or `"v62.0"`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let bad = || Error::InvalidInput(format!("{s:?} is not an API version like 62.0"));
        let (major, minor) = s
            .strip_prefix('v')
            .unwrap_or(s)
            .split_once('.')
            .ok_or_else(bad)?;
        Ok(ApiVersion {
            major: major.parse().map_err(|_| bad())?,
            minor: minor.parse().map_err(|_| bad())?,
        })
    }

    /// The path segment, `v62.0`.
    pub fn segment(&self) -> String {
        format!("v{}.{}", self.major, self.minor)
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_order_and_forms() {
        let v9 = ApiVersion::parse("9.0").unwrap();
        let v62 = ApiVersion::parse("v62.0").unwrap();
        assert!(v9 < v62);
        assert_eq!(v62.segment(), "v62.0");
        assert_eq!(v62.to_string(), "62.0");
        assert!(ApiVersion::parse("latest").is_err());
        assert!(ApiVersion::parse("62").is_err());
    }
}
