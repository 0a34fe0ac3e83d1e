//! Probes of a connected app that need nobody's Salesforce account: does the login host answer
//! as a Salesforce login host, does it know the client id and the callback URL (and does the app
//! require PKCE), and is the client secret right. None of them follows a redirect or spends a
//! grant.

use url::Url;

use crate::{Error, HttpClient, LoginHost};

/// What `/services/oauth2/authorize` answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeAnswer {
    /// Salesforce would show its sign-in page: the client id is known and the callback is
    /// registered.
    SignInPage,
    /// Salesforce's own error page, which never goes back to the app (`invalid_client_id`,
    /// `redirect_uri_mismatch`, …).
    ErrorPage {
        error: String,
    },
    /// Salesforce would send the browser back to the callback with an error (e.g.
    /// `invalid_request` when the app requires PKCE and none was sent).
    BackWithError {
        error: String,
        description: String,
    },
    Unexpected {
        status: u16,
    },
}

/// The `error=` code in a query string or an error page's text.
fn error_code(text: &str) -> Option<String> {
    let at = text.find("error=")? + "error=".len();
    let code: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    (!code.is_empty()).then_some(code)
}

/// Asks the authorize endpoint of `login_host` about `client_id` and `redirect_uri`, with a
/// throwaway PKCE challenge or without one.
pub async fn probe_authorize(
    http: &HttpClient,
    login_host: &LoginHost,
    client_id: &str,
    redirect_uri: &str,
    with_pkce: bool,
) -> Result<AuthorizeAnswer, Error> {
    let mut url = Url::parse(&format!(
        "{}/services/oauth2/authorize",
        login_host.as_str()
    ))
    .map_err(|e| Error::InvalidInput(format!("login host: {e}")))?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", "api refresh_token offline_access")
            .append_pair("state", "sofie-preflight");
        if with_pkce {
            let (challenge, _) = oauth2::PkceCodeChallenge::new_random_sha256();
            q.append_pair("code_challenge", challenge.as_str())
                .append_pair("code_challenge_method", "S256");
        }
    }
    let answer = http.send(http.request(reqwest::Method::GET, url)?).await?;
    let location = answer
        .headers
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    Ok(match (answer.status, location) {
        (200, _) => AuthorizeAnswer::SignInPage,
        (301..=399, Some(to)) => {
            let back = to.starts_with(redirect_uri);
            match (error_code(&to), back) {
                (Some(error), true) => {
                    let description = Url::parse(&to)
                        .ok()
                        .and_then(|u| {
                            u.query_pairs()
                                .find(|(k, _)| k == "error_description")
                                .map(|(_, v)| v.into_owned())
                        })
                        .unwrap_or_default();
                    AuthorizeAnswer::BackWithError { error, description }
                }
                (Some(error), false) => AuthorizeAnswer::ErrorPage { error },
                // On to Salesforce's sign-in page (another path on the same login host).
                (None, _) => AuthorizeAnswer::SignInPage,
            }
        }
        (status, _) => match error_code(&String::from_utf8_lossy(&answer.body)) {
            Some(error) => AuthorizeAnswer::ErrorPage { error },
            None => AuthorizeAnswer::Unexpected { status },
        },
    })
}

/// What the token endpoint said to a made-up authorization code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretAnswer {
    /// `invalid_grant`: the client authenticated; only the code was refused.
    Accepted,
    /// `invalid_client`: the secret is wrong.
    Refused,
    Other {
        error: String,
    },
}

/// Presents `client_id` and `secret` with a code that cannot exist.
pub async fn probe_secret(
    http: &HttpClient,
    login_host: &LoginHost,
    client_id: &str,
    secret: &secrecy::SecretString,
    redirect_uri: &str,
) -> Result<SecretAnswer, Error> {
    use secrecy::ExposeSecret;
    let url = Url::parse(&format!("{}/services/oauth2/token", login_host.as_str()))
        .map_err(|e| Error::InvalidInput(format!("login host: {e}")))?;
    let request = http.request(reqwest::Method::POST, url)?.form(&[
        ("grant_type", "authorization_code"),
        ("code", "sofie-preflight-not-a-code"),
        ("client_id", client_id),
        ("client_secret", secret.expose_secret()),
        ("redirect_uri", redirect_uri),
    ]);
    let answer = http.send(request).await?;
    let error = serde_json::from_slice::<serde_json::Value>(&answer.body)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("HTTP {}", answer.status));
    Ok(match error.as_str() {
        "invalid_grant" => SecretAnswer::Accepted,
        "invalid_client" => SecretAnswer::Refused,
        _ => SecretAnswer::Other { error },
    })
}

/// The issuer `login_host` names in its OpenID configuration.
pub async fn openid_issuer(http: &HttpClient, login_host: &LoginHost) -> Result<String, Error> {
    let url = Url::parse(&format!(
        "{}/.well-known/openid-configuration",
        login_host.as_str()
    ))
    .map_err(|e| Error::InvalidInput(format!("login host: {e}")))?;
    let answer = http
        .send(http.request(reqwest::Method::GET, url)?)
        .await?
        .check()?;
    let config: serde_json::Value = answer.json()?;
    config["issuer"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| Error::Protocol("the OpenID configuration names no issuer".into()))
}

#[cfg(test)]
mod tests {
    use super::error_code;

    #[test]
    fn the_error_code_is_read_from_a_query_or_an_error_page() {
        assert_eq!(
            error_code("https://x/cb?error=access_denied&state=s").as_deref(),
            Some("access_denied")
        );
        assert_eq!(
            error_code("<p id=\"error\">error=redirect_uri_mismatch&amp;error_description=…</p>")
                .as_deref(),
            Some("redirect_uri_mismatch")
        );
        assert_eq!(error_code("no code here"), None);
    }
}
