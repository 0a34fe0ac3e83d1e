//! Which hosts this client will talk to (API-NOTES §1, SECURITY-BAR items 6, 8, 9).
//!
//! A login host is typed by an admin, so it is parsed strictly: `https`, no userinfo, no port, no
//! path, no query, and a host in one of Salesforce's domain families. A pasted Lightning or Setup
//! URL is turned into the org's My Domain login host, and the caller is told. The same families
//! guard `instance_url` and the identity URL, which come from the token response: a token is
//! never sent to a host outside them (SSRF / mix-up defence).
//!
//! Development hosts (the simulator on `http://127.0.0.1:PORT`) pass only through an explicit
//! [`HostPolicy`] that the operator configures; there is no global switch.

use serde::{Serialize, Serializer};
use url::{Host, Origin, Url};

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    #[error("not an absolute URL")]
    NotAUrl,
    #[error("must use https, not {0}")]
    NotHttps(String),
    #[error("must not contain a user name or password")]
    HasUserinfo,
    #[error("must not name a port")]
    HasPort,
    #[error("must be only the scheme and host, without a path")]
    HasPath,
    #[error("must not contain a query or fragment")]
    HasQuery,
    #[error("an IP address is not a Salesforce host")]
    IpAddress,
    #[error("localhost is not a Salesforce host")]
    Localhost,
    #[error("host must not end with a dot")]
    TrailingDot,
    #[error("{0} is not a Salesforce domain")]
    NotSalesforce(String),
    #[error("{0} is a Salesforce domain but not a login host; use login, test or your My Domain")]
    NotALoginHost(String),
    #[error("{0} is not a valid My Domain name")]
    BadMyDomainName(String),
    #[error("{0} is not a login host kind; use production, sandbox or mydomain")]
    UnknownStandIn(String),
}

/// The Salesforce domain family a host belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum HostFamily {
    /// `login.salesforce.com`
    Production,
    /// `test.salesforce.com`
    Sandbox,
    /// `<name>.my.salesforce.com`
    MyDomain,
    /// `<name>--<sandbox>.sandbox.my.salesforce.com`
    MyDomainSandbox,
    /// `<name>.develop.my.salesforce.com` (Developer Edition)
    MyDomainDevelop,
    /// `<name>.scratch.my.salesforce.com`
    MyDomainScratch,
    /// `<name>.trailblaze.my.salesforce.com`
    MyDomainTrailblaze,
    /// `<name>.my.site.com` / `<name>.sandbox.my.site.com` (Experience Cloud)
    ExperienceSite,
    /// `naNN.salesforce.com`, `csNN.salesforce.com`: old instance hosts, valid in
    /// `instance_url`/identity URLs only.
    LegacyInstance,
    /// An origin the operator allowlisted for development (the simulator).
    DevAllowlisted,
}

impl HostFamily {
    /// Whether this family belongs to a sandbox (or scratch) org rather than production.
    pub fn is_sandbox(self) -> bool {
        matches!(
            self,
            HostFamily::Sandbox | HostFamily::MyDomainSandbox | HostFamily::MyDomainScratch
        )
    }
}

/// Longest suffix first, so `.sandbox.my.salesforce.com` wins over `.my.salesforce.com`.
const MY_DOMAIN_SUFFIXES: &[(&str, HostFamily)] = &[
    (".sandbox.my.salesforce.com", HostFamily::MyDomainSandbox),
    (".develop.my.salesforce.com", HostFamily::MyDomainDevelop),
    (".scratch.my.salesforce.com", HostFamily::MyDomainScratch),
    (
        ".trailblaze.my.salesforce.com",
        HostFamily::MyDomainTrailblaze,
    ),
    (".sandbox.my.site.com", HostFamily::ExperienceSite),
    (".my.salesforce.com", HostFamily::MyDomain),
    (".my.site.com", HostFamily::ExperienceSite),
];

/// The kinds a Lightning or Setup host may carry between the name and the suffix.
const PASTED_KINDS: &[&str] = &["sandbox", "develop", "scratch", "trailblaze"];

/// What a pasted URL was, when it was normalised to a login host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PastedKind {
    /// `https://<name>.lightning.force.com/...`
    Lightning,
    /// `https://<name>.my.salesforce-setup.com/...`
    Setup,
}

/// Where outbound calls may go. `Default` is Salesforce only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostPolicy {
    /// Each allowlisted origin with the family a login host there stands in for.
    dev_origins: Vec<(Origin, HostFamily)>,
}

impl HostPolicy {
    /// Salesforce's domain families only: the production setting.
    pub fn salesforce_only() -> Self {
        HostPolicy::default()
    }

    /// Also allows these exact origins (`http://127.0.0.1:8443`), each scheme + host + port
    /// with nothing after it. For the simulator in development and tests. An entry may name
    /// the login host it stands in for (`sandbox=http://127.0.0.1:8444`; also `production`,
    /// `mydomain`), so a login host there names its environment as the real one would.
    pub fn with_dev_origins<I, S>(origins: I) -> Result<Self, HostError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut dev_origins = Vec::new();
        for entry in origins {
            let (family, origin) = match entry.as_ref().split_once('=') {
                Some((kind, origin)) => (stand_in(kind)?, origin),
                None => (HostFamily::DevAllowlisted, entry.as_ref()),
            };
            let url = Url::parse(origin).map_err(|_| HostError::NotAUrl)?;
            check_bare(&url)?;
            dev_origins.push((url.origin(), family));
        }
        Ok(HostPolicy { dev_origins })
    }

    /// Whether any allowlisted origin is plain `http` (then the client cannot be https-only
    /// at the transport level, and relies on [`HostPolicy::check_api_url`] for every call).
    pub fn allows_plain_http(&self) -> bool {
        self.dev_origins
            .iter()
            .any(|(o, _)| matches!(o, Origin::Tuple(scheme, _, _) if scheme == "http"))
    }

    /// The family a login host at `url` stands in for, when `url` is allowlisted.
    fn dev_family(&self, url: &Url) -> Option<HostFamily> {
        let origin = url.origin();
        self.dev_origins
            .iter()
            .find(|(o, _)| *o == origin)
            .map(|(_, family)| *family)
    }

    /// The check made before every request: an allowlisted origin, or `https` on a Salesforce
    /// host of any family (paths and queries are the caller's business here).
    pub fn check_api_url(&self, url: &Url) -> Result<HostFamily, HostError> {
        if self.dev_family(url).is_some() {
            return Ok(HostFamily::DevAllowlisted);
        }
        if url.scheme() != "https" {
            return Err(HostError::NotHttps(url.scheme().to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(HostError::HasUserinfo);
        }
        if url.port().is_some() {
            return Err(HostError::HasPort);
        }
        let host = plain_host(url)?;
        family_of(host).ok_or_else(|| HostError::NotSalesforce(host.to_owned()))
    }

    /// Validates `instance_url` from a token response: an origin with no path, in a family.
    pub fn check_instance_url(&self, s: &str) -> Result<Url, HostError> {
        let url = Url::parse(s).map_err(|_| HostError::NotAUrl)?;
        self.check_api_url(&url)?;
        check_bare(&url)?;
        Ok(url)
    }

    /// Validates the identity URL (`id`) from a token response: its host must be in a family.
    pub fn check_identity_url(&self, s: &str) -> Result<Url, HostError> {
        let url = Url::parse(s).map_err(|_| HostError::NotAUrl)?;
        self.check_api_url(&url)?;
        Ok(url)
    }
}

/// A validated login (authorization server) host, held as `https://host` with no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginHost {
    origin: String,
    family: HostFamily,
}

/// The result of parsing what an admin typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedLoginHost {
    pub host: LoginHost,
    /// Set when a Lightning or Setup URL was turned into its My Domain login host, so the UI
    /// can say so.
    pub normalised_from: Option<PastedKind>,
}

impl LoginHost {
    /// `https://login.salesforce.com`
    pub fn production() -> Self {
        LoginHost {
            origin: "https://login.salesforce.com".into(),
            family: HostFamily::Production,
        }
    }

    /// `https://test.salesforce.com`
    pub fn sandbox() -> Self {
        LoginHost {
            origin: "https://test.salesforce.com".into(),
            family: HostFamily::Sandbox,
        }
    }

    /// Parses a login host typed or pasted by a person.
    pub fn parse(input: &str, policy: &HostPolicy) -> Result<ParsedLoginHost, HostError> {
        let url = Url::parse(input.trim()).map_err(|_| HostError::NotAUrl)?;
        if let Some(family) = policy.dev_family(&url) {
            check_bare(&url)?;
            return Ok(ParsedLoginHost {
                host: LoginHost {
                    origin: origin_string(&url),
                    family,
                },
                normalised_from: None,
            });
        }
        if url.scheme() != "https" {
            return Err(HostError::NotHttps(url.scheme().to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(HostError::HasUserinfo);
        }
        if url.port().is_some() {
            return Err(HostError::HasPort);
        }
        let host = plain_host(&url)?;
        // A pasted Lightning/Setup page: its path and query are the page, not part of the host.
        if let Some((my_domain, kind)) = normalise_pasted(host)? {
            let family = login_family(&my_domain)?;
            return Ok(ParsedLoginHost {
                host: LoginHost {
                    origin: format!("https://{my_domain}"),
                    family,
                },
                normalised_from: Some(kind),
            });
        }
        check_bare(&url)?;
        let family = login_family(host)?;
        Ok(ParsedLoginHost {
            host: LoginHost {
                origin: format!("https://{host}"),
                family,
            },
            normalised_from: None,
        })
    }

    /// `https://host` (no trailing slash).
    pub fn as_str(&self) -> &str {
        &self.origin
    }

    pub fn family(&self) -> HostFamily {
        self.family
    }

    /// An endpoint on this host, e.g. `endpoint("/services/oauth2/token")`.
    pub fn endpoint(&self, path: &str) -> Url {
        // The origin was validated at construction and the paths are our own constants.
        Url::parse(&format!("{}{}", self.origin, path)).expect("login host origin is a valid URL")
    }
}

impl std::fmt::Display for LoginHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.origin)
    }
}

impl Serialize for LoginHost {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.origin)
    }
}

fn origin_string(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Nothing but scheme, host and port: no userinfo, path, query or fragment.
/// The family a development login host stands in for.
fn stand_in(kind: &str) -> Result<HostFamily, HostError> {
    match kind {
        "production" => Ok(HostFamily::Production),
        "sandbox" => Ok(HostFamily::Sandbox),
        "mydomain" => Ok(HostFamily::MyDomain),
        other => Err(HostError::UnknownStandIn(other.to_owned())),
    }
}

fn check_bare(url: &Url) -> Result<(), HostError> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err(HostError::HasUserinfo);
    }
    if url.path() != "/" && !url.path().is_empty() {
        return Err(HostError::HasPath);
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(HostError::HasQuery);
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(HostError::NotAUrl);
    }
    Ok(())
}

/// The host as a DNS name, refusing IPs, localhost and trailing dots.
fn plain_host(url: &Url) -> Result<&str, HostError> {
    match url.host() {
        Some(Host::Domain(d)) => {
            if d.ends_with('.') {
                Err(HostError::TrailingDot)
            } else if d == "localhost" || d.ends_with(".localhost") {
                Err(HostError::Localhost)
            } else {
                Ok(d)
            }
        }
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => Err(HostError::IpAddress),
        None => Err(HostError::NotAUrl),
    }
}

/// A My Domain name label: letters, digits and hyphens (sandboxes use `name--sandbox`), not
/// starting or ending with a hyphen.
fn is_name_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// The family of any Salesforce host this client may call, or `None`.
fn family_of(host: &str) -> Option<HostFamily> {
    match host {
        "login.salesforce.com" => return Some(HostFamily::Production),
        "test.salesforce.com" => return Some(HostFamily::Sandbox),
        _ => {}
    }
    for (suffix, family) in MY_DOMAIN_SUFFIXES {
        if let Some(name) = host.strip_suffix(suffix) {
            return is_name_label(name).then_some(*family);
        }
    }
    let legacy = host.strip_suffix(".salesforce.com")?;
    // `my.salesforce.com` alone is a My Domain suffix with the name missing, not an instance.
    (is_name_label(legacy) && legacy != "my").then_some(HostFamily::LegacyInstance)
}

/// The family of a host usable as a login host.
fn login_family(host: &str) -> Result<HostFamily, HostError> {
    match family_of(host) {
        Some(HostFamily::LegacyInstance) => Err(HostError::NotALoginHost(host.to_owned())),
        Some(family) => Ok(family),
        None if MY_DOMAIN_SUFFIXES
            .iter()
            .any(|(suffix, _)| host.ends_with(suffix) || host == &suffix[1..]) =>
        {
            Err(HostError::BadMyDomainName(host.to_owned()))
        }
        None => Err(HostError::NotSalesforce(host.to_owned())),
    }
}

/// `name[.kind].lightning.force.com` and `name[.kind].my.salesforce-setup.com` →
/// `name[.kind].my.salesforce.com`.
fn normalise_pasted(host: &str) -> Result<Option<(String, PastedKind)>, HostError> {
    let (rest, kind) = if let Some(rest) = host.strip_suffix(".lightning.force.com") {
        (rest, PastedKind::Lightning)
    } else if let Some(rest) = host.strip_suffix(".my.salesforce-setup.com") {
        (rest, PastedKind::Setup)
    } else {
        return Ok(None);
    };
    let bad = || HostError::BadMyDomainName(host.to_owned());
    let (name, middle) = match rest.split_once('.') {
        Some((name, middle)) if PASTED_KINDS.contains(&middle) => (name, Some(middle)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    if !is_name_label(name) {
        return Err(bad());
    }
    let my_domain = match middle {
        Some(m) => format!("{name}.{m}.my.salesforce.com"),
        None => format!("{name}.my.salesforce.com"),
    };
    Ok(Some((my_domain, kind)))
}

#[cfg(test)]
#[path = "login_host_tests.rs"]
mod tests;
