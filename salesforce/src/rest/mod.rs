//! A typed REST client for one connection: an `instance_url`, an access token and an API version
//! (API-NOTES §3, §4). It makes exactly one HTTP call per method — refreshing on 401 and retrying
//! are the caller's policy, decided from the [`Error`] class.

mod describe;
mod search;
mod types;
mod version;

use std::sync::{Arc, Mutex};

use reqwest::{Method, header};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use url::Url;

pub use describe::*;
pub use search::{ParameterizedSearch, SearchObject};
pub use types::*;
pub use version::ApiVersion;

use crate::http::Answer;
use crate::{Error, HttpClient, LimitInfo, RecordId, ident};

#[derive(Debug, Clone)]
pub struct RestClient {
    http: HttpClient,
    instance_url: Url,
    access_token: SecretString,
    version: ApiVersion,
    /// `Sforce-Auto-Assign` on writes: whether Case and Lead assignment rules run.
    auto_assign: Option<bool>,
    last_limit: Arc<Mutex<Option<LimitInfo>>>,
}

impl RestClient {
    /// Checks `instance_url` against the client's host policy before any token goes there.
    pub fn new(
        http: HttpClient,
        instance_url: &str,
        access_token: SecretString,
        version: ApiVersion,
    ) -> Result<Self, Error> {
        let instance_url = http.policy().check_instance_url(instance_url)?;
        Ok(RestClient {
            http,
            instance_url,
            access_token,
            version,
            auto_assign: None,
            last_limit: Arc::default(),
        })
    }

    /// The same connection with a new access token (after a refresh).
    pub fn with_access_token(&self, access_token: SecretString) -> Self {
        RestClient {
            access_token,
            ..self.clone()
        }
    }

    /// The same connection on another API version (after discovery).
    pub fn with_version(&self, version: ApiVersion) -> Self {
        RestClient {
            version,
            ..self.clone()
        }
    }

    /// The same connection, telling Salesforce on every write whether to run the active Case or
    /// Lead assignment rule (`Sforce-Auto-Assign: TRUE|FALSE`); Salesforce runs it when unsaid.
    pub fn with_auto_assign(&self, run: bool) -> Self {
        RestClient {
            auto_assign: Some(run),
            ..self.clone()
        }
    }

    pub fn version(&self) -> ApiVersion {
        self.version
    }

    pub fn instance_url(&self) -> &Url {
        &self.instance_url
    }

    /// The `Sforce-Limit-Info` of the most recent response that carried one.
    pub fn last_limit_info(&self) -> Option<LimitInfo> {
        self.last_limit.lock().map(|l| l.clone()).unwrap_or(None)
    }

    /// `GET /services/data/`: every version the org serves (no token needed, not counted).
    pub async fn versions(&self) -> Result<Vec<VersionInfo>, Error> {
        let url = self.url(&["services", "data", ""])?;
        let request = self.http.request(Method::GET, url)?;
        self.finish(request).await?.json()
    }

    /// The newest version the org serves that is not newer than `at_most`.
    pub async fn discover_version(&self, at_most: ApiVersion) -> Result<ApiVersion, Error> {
        self.versions()
            .await?
            .iter()
            .filter_map(|v| ApiVersion::parse(&v.version).ok())
            .filter(|v| *v <= at_most)
            .max()
            .ok_or_else(|| Error::Protocol(format!("the org serves no API version ≤ {at_most}")))
    }

    /// `GET /sobjects` (describeGlobal), conditional on `If-Modified-Since`.
    pub async fn describe_global(
        &self,
        if_modified_since: Option<OffsetDateTime>,
    ) -> Result<Conditional<DescribeGlobal>, Error> {
        let url = self.data_url(&["sobjects"])?;
        self.conditional(url, if_modified_since).await
    }

    /// `GET /sobjects/{Name}/describe`, conditional on `If-Modified-Since`.
    pub async fn describe(
        &self,
        sobject: &str,
        if_modified_since: Option<OffsetDateTime>,
    ) -> Result<Conditional<SObjectDescribe>, Error> {
        let url = self.data_url(&["sobjects", api_name(sobject)?, "describe"])?;
        self.conditional(url, if_modified_since).await
    }

    /// `GET /query?q=`. Run the text through [`crate::soql::guard`] first when it comes from a
    /// person or an assistant.
    pub async fn query(&self, soql: &str) -> Result<QueryResult, Error> {
        self.query_at("query", soql).await
    }

    /// `GET /queryAll?q=`: also returns deleted and archived rows.
    pub async fn query_all(&self, soql: &str) -> Result<QueryResult, Error> {
        self.query_at("queryAll", soql).await
    }

    /// The next page: `GET {instance_url}{nextRecordsUrl}`. The locator path must stay under
    /// `/services/data/`, so a crafted value can't point the token anywhere else.
    pub async fn query_more(&self, next_records_url: &str) -> Result<QueryResult, Error> {
        let valid = next_records_url.starts_with("/services/data/")
            && !next_records_url.contains("..")
            && !next_records_url.contains("//")
            && next_records_url
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/.-_".contains(c));
        if !valid {
            return Err(Error::InvalidInput("not a nextRecordsUrl path".into()));
        }
        let url = self
            .instance_url
            .join(next_records_url)
            .map_err(|e| Error::InvalidInput(e.to_string()))?;
        self.get_json(url).await
    }

    /// `GET /search?q=` with a SOSL statement (build it with [`crate::sosl::Search`]).
    pub async fn search(&self, sosl: &str) -> Result<SearchResult, Error> {
        let mut url = self.data_url(&["search"])?;
        url.query_pairs_mut().append_pair("q", sosl);
        self.get_json(url).await
    }

    /// `GET /parameterizedSearch`: plain keyword search, no SOSL.
    pub async fn parameterized_search(
        &self,
        search: &ParameterizedSearch,
    ) -> Result<SearchResult, Error> {
        let mut url = self.data_url(&["parameterizedSearch"])?;
        url.query_pairs_mut().extend_pairs(search.params()?);
        self.get_json(url).await
    }

    /// `GET /sobjects/{Name}/{Id}[?fields=…]`. A field hidden by FLS is an error when named.
    pub async fn get_record(
        &self,
        sobject: &str,
        id: &RecordId,
        fields: Option<&[&str]>,
    ) -> Result<Record, Error> {
        let mut url = self.data_url(&["sobjects", api_name(sobject)?, id.as_str()])?;
        if let Some(fields) = fields {
            url.query_pairs_mut()
                .append_pair("fields", &field_list(fields)?);
        }
        self.get_json(url).await
    }

    /// `GET /sobjects/{Name}/{ExtIdField}/{value}[?fields=…]`: the record an upsert by that key
    /// would touch (read it before proposing the change), or the URLs of every match (300).
    pub async fn get_record_by_external_id(
        &self,
        sobject: &str,
        external_id_field: &str,
        external_id: &str,
        fields: Option<&[&str]>,
    ) -> Result<ExternalIdMatch, Error> {
        if external_id.is_empty() {
            return Err(Error::InvalidInput("the external id value is empty".into()));
        }
        let segments = [
            "sobjects",
            api_name(sobject)?,
            api_name(external_id_field)?,
            external_id,
        ];
        let mut url = self.data_url(&segments)?;
        if let Some(fields) = fields {
            url.query_pairs_mut()
                .append_pair("fields", &field_list(fields)?);
        }
        let answer = self.finish(self.authed(Method::GET, url)?).await?;
        if answer.status == 300 {
            return Ok(ExternalIdMatch::Several(answer.json()?));
        }
        Ok(ExternalIdMatch::One(answer.json()?))
    }

    /// `POST /sobjects/{Name}` → 201 with the new id.
    pub async fn create(
        &self,
        sobject: &str,
        fields: &Map<String, Value>,
    ) -> Result<SaveResult, Error> {
        if fields.keys().any(|k| k.eq_ignore_ascii_case("Id")) {
            return Err(Error::InvalidInput(
                "a create body must not contain Id".into(),
            ));
        }
        let url = self.data_url(&["sobjects", api_name(sobject)?])?;
        let request = self.authed(Method::POST, url)?.json(fields);
        self.finish(request).await?.json()
    }

    /// `PATCH /sobjects/{Name}/{Id}` with only the changed fields → 204.
    pub async fn update(
        &self,
        sobject: &str,
        id: &RecordId,
        fields: &Map<String, Value>,
    ) -> Result<(), Error> {
        let url = self.data_url(&["sobjects", api_name(sobject)?, id.as_str()])?;
        let request = self.authed(Method::PATCH, url)?.json(fields);
        self.finish(request).await.map(drop)
    }

    /// `PATCH /sobjects/{Name}/{ExtIdField}/{value}`: 201 created, 200 `created:false` (or 204
    /// before v46) updated, 300 several matches. The body must not hold the key field or `Id`.
    pub async fn upsert(
        &self,
        sobject: &str,
        external_id_field: &str,
        external_id: &str,
        fields: &Map<String, Value>,
    ) -> Result<UpsertOutcome, Error> {
        let field = api_name(external_id_field)?;
        if fields
            .keys()
            .any(|k| k.eq_ignore_ascii_case(field) || k.eq_ignore_ascii_case("Id"))
        {
            return Err(Error::InvalidInput(format!(
                "an upsert body must not contain {field} or Id"
            )));
        }
        if external_id.is_empty() {
            return Err(Error::InvalidInput("the external id value is empty".into()));
        }
        // The value goes in as one percent-encoded path segment, whatever it contains.
        let url = self.data_url(&["sobjects", api_name(sobject)?, field, external_id])?;
        let request = self.authed(Method::PATCH, url)?.json(fields);
        let answer = self.finish(request).await?;
        match answer.status {
            201 => Ok(UpsertOutcome::Created(answer.json()?)),
            204 => Ok(UpsertOutcome::Updated(None)),
            300 => Ok(UpsertOutcome::MultipleMatches(answer.json()?)),
            _ => Ok(UpsertOutcome::Updated(Some(answer.json()?))),
        }
    }

    /// `DELETE /sobjects/{Name}/{Id}` → 204; the record goes to the Recycle Bin.
    pub async fn delete(&self, sobject: &str, id: &RecordId) -> Result<(), Error> {
        let url = self.data_url(&["sobjects", api_name(sobject)?, id.as_str()])?;
        let request = self.authed(Method::DELETE, url)?;
        self.finish(request).await.map(drop)
    }

    /// `GET /limits`.
    pub async fn limits(&self) -> Result<Limits, Error> {
        let url = self.data_url(&["limits"])?;
        self.get_json(url).await
    }

    /// `GET /limits/recordCount?sObjects=A,B`.
    pub async fn record_counts(&self, sobjects: &[&str]) -> Result<RecordCounts, Error> {
        let names: Result<Vec<&str>, Error> = sobjects.iter().map(|s| api_name(s)).collect();
        let mut url = self.data_url(&["limits", "recordCount"])?;
        url.query_pairs_mut()
            .append_pair("sObjects", &names?.join(","));
        self.get_json(url).await
    }

    async fn query_at(&self, resource: &str, soql: &str) -> Result<QueryResult, Error> {
        let mut url = self.data_url(&[resource])?;
        url.query_pairs_mut().append_pair("q", soql);
        self.get_json(url).await
    }

    async fn conditional<T: serde::de::DeserializeOwned>(
        &self,
        url: Url,
        if_modified_since: Option<OffsetDateTime>,
    ) -> Result<Conditional<T>, Error> {
        let mut request = self.authed(Method::GET, url)?;
        if let Some(since) = if_modified_since {
            request = request.header(header::IF_MODIFIED_SINCE, http_date(since)?);
        }
        let answer = self.finish(request).await?;
        if answer.status == 304 {
            return Ok(Conditional::NotModified);
        }
        let last_modified = answer
            .headers
            .get(header::LAST_MODIFIED)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date);
        Ok(Conditional::Modified {
            value: answer.json()?,
            last_modified,
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: Url) -> Result<T, Error> {
        let request = self.authed(Method::GET, url)?;
        self.finish(request).await?.json()
    }

    fn authed(&self, method: Method, url: Url) -> Result<reqwest::RequestBuilder, Error> {
        let request = self
            .http
            .request(method, url)?
            .bearer_auth(self.access_token.expose_secret())
            .header(header::ACCEPT, "application/json");
        Ok(match self.auto_assign {
            Some(run) => request.header("Sforce-Auto-Assign", if run { "TRUE" } else { "FALSE" }),
            None => request,
        })
    }

    /// Sends, records the limit header (also from failures), then classifies the status.
    async fn finish(&self, request: reqwest::RequestBuilder) -> Result<Answer, Error> {
        let answer = self.http.send(request).await?;
        if let (Some(info), Ok(mut last)) = (&answer.limit_info, self.last_limit.lock()) {
            *last = Some(info.clone());
        }
        answer.check()
    }

    /// `{instance_url}/segments…`, each segment percent-encoded on its own. A trailing `""`
    /// gives a trailing slash.
    fn url(&self, segments: &[&str]) -> Result<Url, Error> {
        let mut url = self.instance_url.clone();
        url.path_segments_mut()
            .map_err(|_| Error::InvalidInput("instance URL cannot take a path".into()))?
            .clear()
            .extend(segments);
        Ok(url)
    }

    /// `{instance_url}/services/data/vXX.X/segments…`.
    fn data_url(&self, segments: &[&str]) -> Result<Url, Error> {
        let version = self.version.segment();
        let mut all = vec!["services", "data", version.as_str()];
        all.extend_from_slice(segments);
        self.url(&all)
    }
}

fn api_name(name: &str) -> Result<&str, Error> {
    if ident::is_api_name(name) {
        Ok(name)
    } else {
        Err(Error::InvalidInput(format!(
            "{name:?} is not an object or field API name"
        )))
    }
}

/// `A,B,C` after checking each name.
fn field_list(fields: &[&str]) -> Result<String, Error> {
    match fields.iter().find(|f| !ident::is_field_path(f)) {
        Some(bad) => Err(Error::InvalidInput(format!("{bad:?} is not a field name"))),
        None => Ok(fields.join(",")),
    }
}

/// RFC 1123, the one HTTP date form Salesforce sends and accepts: `Sun, 06 Nov 1994 08:49:37 GMT`.
const HTTP_DATE: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

fn http_date(t: OffsetDateTime) -> Result<String, Error> {
    t.to_offset(time::UtcOffset::UTC)
        .format(HTTP_DATE)
        .map_err(|e| Error::InvalidInput(e.to_string()))
}

/// A `Last-Modified` value; `None` when it is not an RFC 1123 date (then nothing is revalidated
/// against it).
fn parse_http_date(value: &str) -> Option<OffsetDateTime> {
    time::PrimitiveDateTime::parse(value.trim(), HTTP_DATE)
        .ok()
        .map(|t| t.assume_utc())
}

#[cfg(test)]
mod tests;
