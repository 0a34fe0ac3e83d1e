//! Reading the browser's return to the callback URL (API-NOTES §2.3): `?code=…&state=…` on
//! success, `?error=…&error_description=…&state=…` when the user denied or Salesforce refused.
//! Comparing `state` with the stored one is the caller's job (it owns the session); this only
//! types the query and refuses oversized or malformed values before anything is stored or sent.

use secrecy::SecretString;

use crate::Error;

/// Real codes are ~100 characters; anything near this is not from Salesforce.
const MAX_CODE: usize = 1024;
const MAX_STATE: usize = 256;
const MAX_TEXT: usize = 1024;

/// What came back to the callback.
#[derive(Debug)]
pub enum Callback {
    /// The user approved: exchange `code` (already URL-decoded once) for tokens.
    Code { code: SecretString, state: String },
    /// `access_denied`, `OAUTH_APP_BLOCKED`, `OAUTH_APP_ACCESS_DENIED`, `invalid_scope`, ...
    Refused {
        error: String,
        description: Option<String>,
        state: Option<String>,
    },
}

impl Callback {
    /// Parses the callback's raw query string (without the `?`).
    pub fn parse(query: &str) -> Result<Callback, Error> {
        let mut code = None;
        let mut state = None;
        let mut error = None;
        let mut description = None;
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let (slot, max) = match key.as_ref() {
                "code" => (&mut code, MAX_CODE),
                "state" => (&mut state, MAX_STATE),
                "error" => (&mut error, MAX_TEXT),
                "error_description" => (&mut description, MAX_TEXT),
                _ => continue,
            };
            if slot.is_some() {
                return Err(Error::InvalidInput(format!("callback repeats {key}")));
            }
            if value.len() > max || value.chars().any(char::is_control) {
                return Err(Error::InvalidInput(format!("callback {key} is malformed")));
            }
            *slot = Some(value.into_owned());
        }
        match (error, code, state) {
            (Some(error), _, state) => Ok(Callback::Refused {
                error,
                description,
                state,
            }),
            (None, Some(code), Some(state)) if !code.is_empty() && !state.is_empty() => {
                Ok(Callback::Code {
                    code: SecretString::from(code),
                    state,
                })
            }
            _ => Err(Error::InvalidInput(
                "callback has neither a code with a state nor an error".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn success_refusal_and_junk() {
        let Callback::Code { code, state } = Callback::parse("code=aPrx%3D%3D&state=s1").unwrap()
        else {
            panic!("code");
        };
        assert_eq!((code.expose_secret(), state.as_str()), ("aPrx==", "s1"));

        let refused = Callback::parse(
            "error=OAUTH_APP_BLOCKED&error_description=this+app+is+blocked+by+admin&state=s1",
        )
        .unwrap();
        assert!(
            matches!(refused, Callback::Refused { ref error, ref description, .. }
            if error == "OAUTH_APP_BLOCKED" && description.as_deref() == Some("this app is blocked by admin"))
        );

        for bad in [
            "",
            "code=x",
            "state=s",
            "code=&state=s",
            "code=a&code=b&state=s",
            "code=a&state=%00",
            &format!("code={}&state=s", "x".repeat(10 * 1024)),
        ] {
            assert!(
                matches!(Callback::parse(bad), Err(Error::InvalidInput(_))),
                "{bad:?}"
            );
        }
        assert!(
            !format!("{:?}", Callback::parse("code=topsecret&state=s").unwrap())
                .contains("topsecret")
        );
    }
}
