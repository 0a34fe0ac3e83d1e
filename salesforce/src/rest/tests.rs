use super::*;
use crate::HttpConfig;

fn client() -> RestClient {
    RestClient::new(
        HttpClient::new(HttpConfig::default()).unwrap(),
        "https://acme.my.salesforce.com",
        SecretString::from("tok"),
        ApiVersion::new(62, 0),
    )
    .unwrap()
}

#[test]
fn urls_are_built_from_checked_segments() {
    let c = client();
    assert_eq!(
        c.data_url(&["sobjects", "Account", "describe"])
            .unwrap()
            .as_str(),
        "https://acme.my.salesforce.com/services/data/v62.0/sobjects/Account/describe"
    );
    assert_eq!(
        c.data_url(&["sobjects", "Contact", "Email", "a/b?c#d@x.com"])
            .unwrap()
            .as_str(),
        "https://acme.my.salesforce.com/services/data/v62.0/sobjects/Contact/Email/a%2Fb%3Fc%23d@x.com"
    );
    assert!(api_name("Account/../User").is_err());
    assert_eq!(
        http_date(OffsetDateTime::from_unix_timestamp(784_111_777).unwrap()).unwrap(),
        "Sun, 06 Nov 1994 08:49:37 GMT"
    );
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").map(|t| t.unix_timestamp()),
        Some(784_111_777)
    );
    assert_eq!(parse_http_date("yesterday"), None);
}

#[test]
fn instance_url_is_checked() {
    let http = HttpClient::new(HttpConfig::default()).unwrap();
    let e = RestClient::new(
        http,
        "http://169.254.169.254",
        SecretString::from("t"),
        ApiVersion::new(62, 0),
    )
    .unwrap_err();
    assert!(matches!(e, Error::Host(_)));
}
