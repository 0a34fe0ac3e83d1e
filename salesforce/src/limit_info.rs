//! `Sforce-Limit-Info`, sent on every REST response (API-NOTES §3): `api-usage=18/15000`, newer
//! orgs add `api-bursts=3/100`, the legacy pilot form was `per-app-api-usage=17/250(appName=x)`.
//! Parsed leniently: unknown parts are skipped, because a header we cannot read must never fail
//! the call that carried it.

use serde::Serialize;

/// The header's name, for callers that read it off a response themselves.
pub const HEADER: &str = "Sforce-Limit-Info";

/// Calls used out of an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub used: u64,
    pub limit: u64,
}

impl Usage {
    /// Share of the allocation used, 0.0 ..= 1.0 (or above when the org is over its limit);
    /// `None` when the limit is 0.
    pub fn fraction(&self) -> Option<f64> {
        (self.limit > 0).then(|| self.used as f64 / self.limit as f64)
    }
}

/// Per connected app usage from the legacy `per-app-api-usage` form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppUsage {
    pub app_name: Option<String>,
    pub usage: Usage,
}

/// The parsed header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LimitInfo {
    /// The org's rolling 24-hour API usage.
    pub api_usage: Option<Usage>,
    pub api_bursts: Option<Usage>,
    pub per_app: Vec<AppUsage>,
}

impl LimitInfo {
    /// Parses the header value; `None` when no part of it could be understood.
    pub fn parse(value: &str) -> Option<Self> {
        let mut info = LimitInfo::default();
        for part in value.split(',') {
            let Some((key, rest)) = part.trim().split_once('=') else {
                continue;
            };
            // `17/250(appName=sample-app)`: the app name is in trailing parentheses.
            let (numbers, app_name) = match rest.split_once('(') {
                Some((n, tail)) => {
                    let inner = tail.trim_end_matches(')');
                    let name = inner.strip_prefix("appName=").unwrap_or(inner);
                    (n, Some(name.trim().to_owned()))
                }
                None => (rest, None),
            };
            let Some(usage) = parse_usage(numbers) else {
                continue;
            };
            match key.trim().to_ascii_lowercase().as_str() {
                "api-usage" => info.api_usage = Some(usage),
                "api-bursts" => info.api_bursts = Some(usage),
                "per-app-api-usage" => info.per_app.push(AppUsage { app_name, usage }),
                _ => {}
            }
        }
        (info != LimitInfo::default()).then_some(info)
    }
}

fn parse_usage(s: &str) -> Option<Usage> {
    let (used, limit) = s.trim().split_once('/')?;
    Some(Usage {
        used: used.trim().parse().ok()?,
        limit: limit.trim().parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_form() {
        let plain = LimitInfo::parse("api-usage=18/15000").unwrap();
        assert_eq!(
            plain.api_usage,
            Some(Usage {
                used: 18,
                limit: 15000
            })
        );
        assert_eq!(plain.api_usage.unwrap().fraction(), Some(0.0012));

        let both = LimitInfo::parse("api-usage=9500/10000, api-bursts=3/100").unwrap();
        assert_eq!(
            both.api_bursts,
            Some(Usage {
                used: 3,
                limit: 100
            })
        );
        assert_eq!(both.api_usage.unwrap().fraction(), Some(0.95));

        let legacy =
            LimitInfo::parse("api-usage=25/5000,per-app-api-usage=17/250(appName=sample-app)")
                .unwrap();
        assert_eq!(legacy.per_app[0].app_name.as_deref(), Some("sample-app"));
        assert_eq!(
            legacy.per_app[0].usage,
            Usage {
                used: 17,
                limit: 250
            }
        );
    }

    #[test]
    fn junk_is_skipped_not_fatal() {
        assert_eq!(LimitInfo::parse(""), None);
        assert_eq!(LimitInfo::parse("garbage"), None);
        assert_eq!(LimitInfo::parse("api-usage=x/y"), None);
        let partial = LimitInfo::parse("what=1/2, api-usage=1/2").unwrap();
        assert_eq!(partial.api_usage, Some(Usage { used: 1, limit: 2 }));
        assert_eq!(Usage { used: 1, limit: 0 }.fraction(), None);
    }
}
