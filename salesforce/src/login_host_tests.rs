use super::*;

/// What a row of the table expects.
enum Want {
    Ok(&'static str, HostFamily),
    Normalised(&'static str, HostFamily, PastedKind),
    Err(HostError),
}

fn nope(host: &str) -> Want {
    Want::Err(HostError::NotSalesforce(host.into()))
}

#[test]
fn login_host_table() {
    use HostFamily::*;
    let dev = HostPolicy::with_dev_origins(["http://127.0.0.1:4567"]).unwrap();
    let table: Vec<(&str, Want)> = vec![
        (
            "https://login.salesforce.com",
            Want::Ok("https://login.salesforce.com", Production),
        ),
        (
            "https://login.salesforce.com/",
            Want::Ok("https://login.salesforce.com", Production),
        ),
        (
            " https://test.salesforce.com ",
            Want::Ok("https://test.salesforce.com", Sandbox),
        ),
        (
            "HTTPS://LOGIN.SALESFORCE.COM",
            Want::Ok("https://login.salesforce.com", Production),
        ),
        (
            "https://acme.my.salesforce.com",
            Want::Ok("https://acme.my.salesforce.com", MyDomain),
        ),
        (
            "https://acme--uat.sandbox.my.salesforce.com",
            Want::Ok(
                "https://acme--uat.sandbox.my.salesforce.com",
                MyDomainSandbox,
            ),
        ),
        (
            "https://acme-dev-ed.develop.my.salesforce.com",
            Want::Ok(
                "https://acme-dev-ed.develop.my.salesforce.com",
                MyDomainDevelop,
            ),
        ),
        (
            "https://speed-1234.scratch.my.salesforce.com",
            Want::Ok(
                "https://speed-1234.scratch.my.salesforce.com",
                MyDomainScratch,
            ),
        ),
        (
            "https://trail.trailblaze.my.salesforce.com",
            Want::Ok(
                "https://trail.trailblaze.my.salesforce.com",
                MyDomainTrailblaze,
            ),
        ),
        (
            "https://acme.my.site.com",
            Want::Ok("https://acme.my.site.com", ExperienceSite),
        ),
        (
            "https://acme--uat.sandbox.my.site.com",
            Want::Ok("https://acme--uat.sandbox.my.site.com", ExperienceSite),
        ),
        (
            "https://acme.lightning.force.com/lightning/page/home",
            Want::Normalised(
                "https://acme.my.salesforce.com",
                MyDomain,
                PastedKind::Lightning,
            ),
        ),
        (
            "https://acme--uat.sandbox.lightning.force.com/lightning/o/Account/list?x=1",
            Want::Normalised(
                "https://acme--uat.sandbox.my.salesforce.com",
                MyDomainSandbox,
                PastedKind::Lightning,
            ),
        ),
        (
            "https://acme-dev-ed.develop.lightning.force.com",
            Want::Normalised(
                "https://acme-dev-ed.develop.my.salesforce.com",
                MyDomainDevelop,
                PastedKind::Lightning,
            ),
        ),
        (
            "https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home",
            Want::Normalised(
                "https://acme.my.salesforce.com",
                MyDomain,
                PastedKind::Setup,
            ),
        ),
        (
            "https://acme--uat.sandbox.my.salesforce-setup.com/",
            Want::Normalised(
                "https://acme--uat.sandbox.my.salesforce.com",
                MyDomainSandbox,
                PastedKind::Setup,
            ),
        ),
        (
            "http://login.salesforce.com",
            Want::Err(HostError::NotHttps("http".into())),
        ),
        (
            "ftp://login.salesforce.com",
            Want::Err(HostError::NotHttps("ftp".into())),
        ),
        ("login.salesforce.com", Want::Err(HostError::NotAUrl)),
        ("", Want::Err(HostError::NotAUrl)),
        (
            "https://login.salesforce.com/services/oauth2/authorize",
            Want::Err(HostError::HasPath),
        ),
        (
            "https://login.salesforce.com?next=x",
            Want::Err(HostError::HasQuery),
        ),
        (
            "https://login.salesforce.com/#frag",
            Want::Err(HostError::HasQuery),
        ),
        (
            "https://user:pw@login.salesforce.com",
            Want::Err(HostError::HasUserinfo),
        ),
        (
            "https://evil.example@login.salesforce.com",
            Want::Err(HostError::HasUserinfo),
        ),
        (
            "https://login.salesforce.com:8443",
            Want::Err(HostError::HasPort),
        ),
        (
            "https://login.salesforce.com.",
            Want::Err(HostError::TrailingDot),
        ),
        (
            "https://salesforce.com.evil.example",
            nope("salesforce.com.evil.example"),
        ),
        (
            "https://login.salesforce.com.evil.example",
            nope("login.salesforce.com.evil.example"),
        ),
        (
            "https://acme.my.salesforce.com.evil.example",
            nope("acme.my.salesforce.com.evil.example"),
        ),
        ("https://evilsalesforce.com", nope("evilsalesforce.com")),
        ("https://login.evil.example", nope("login.evil.example")),
        (
            "https://acme.lightning.force.com.evil.example/",
            nope("acme.lightning.force.com.evil.example"),
        ),
        ("https://127.0.0.1", Want::Err(HostError::IpAddress)),
        ("https://[::1]", Want::Err(HostError::IpAddress)),
        ("https://0x7f.1", Want::Err(HostError::IpAddress)),
        ("https://localhost", Want::Err(HostError::Localhost)),
        ("https://sf.localhost", Want::Err(HostError::Localhost)),
        (
            "http://127.0.0.1:4567",
            Want::Err(HostError::NotHttps("http".into())),
        ),
        (
            "https://my.salesforce.com",
            Want::Err(HostError::BadMyDomainName("my.salesforce.com".into())),
        ),
        (
            "https://a.b.my.salesforce.com",
            Want::Err(HostError::BadMyDomainName("a.b.my.salesforce.com".into())),
        ),
        (
            "https://-acme.my.salesforce.com",
            Want::Err(HostError::BadMyDomainName("-acme.my.salesforce.com".into())),
        ),
        (
            "https://na15.salesforce.com",
            Want::Err(HostError::NotALoginHost("na15.salesforce.com".into())),
        ),
        (
            "https://acme.weird.lightning.force.com",
            Want::Err(HostError::BadMyDomainName(
                "acme.weird.lightning.force.com".into(),
            )),
        ),
    ];
    assert!(table.len() >= 25);
    for (input, want) in table {
        let got = LoginHost::parse(input, &HostPolicy::salesforce_only());
        match want {
            Want::Ok(origin, family) => {
                let p = got.unwrap_or_else(|e| panic!("{input}: {e}"));
                assert_eq!(
                    (p.host.as_str(), p.host.family()),
                    (origin, family),
                    "{input}"
                );
                assert_eq!(p.normalised_from, None, "{input}");
            }
            Want::Normalised(origin, family, kind) => {
                let p = got.unwrap_or_else(|e| panic!("{input}: {e}"));
                assert_eq!(
                    (p.host.as_str(), p.host.family()),
                    (origin, family),
                    "{input}"
                );
                assert_eq!(p.normalised_from, Some(kind), "{input}");
            }
            Want::Err(e) => assert_eq!(got, Err(e), "{input}"),
        }
    }

    // The allowlist lets exactly the configured origin through, and nothing more.
    let p = LoginHost::parse("http://127.0.0.1:4567", &dev).unwrap();
    assert_eq!(p.host.as_str(), "http://127.0.0.1:4567");
    assert_eq!(p.host.family(), DevAllowlisted);
    assert_eq!(
        LoginHost::parse("http://127.0.0.1:4567/x", &dev),
        Err(HostError::HasPath)
    );
    assert_eq!(
        LoginHost::parse("http://127.0.0.1:4568", &dev),
        Err(HostError::NotHttps("http".into()))
    );
}

#[test]
fn instance_and_identity_urls() {
    let p = HostPolicy::salesforce_only();
    assert!(
        p.check_instance_url("https://acme.my.salesforce.com")
            .is_ok()
    );
    assert!(p.check_instance_url("https://na15.salesforce.com").is_ok());
    assert_eq!(
        p.check_instance_url("http://169.254.169.254"),
        Err(HostError::NotHttps("http".into()))
    );
    assert_eq!(
        p.check_instance_url("https://169.254.169.254"),
        Err(HostError::IpAddress)
    );
    assert_eq!(
        p.check_instance_url("https://acme.my.salesforce.com/services"),
        Err(HostError::HasPath)
    );
    assert!(
        p.check_identity_url(
            "https://login.salesforce.com/id/00D000000000001EAA/005000000000001AAA"
        )
        .is_ok()
    );
    assert_eq!(
        p.check_identity_url("https://evil.example/id/00D/005"),
        Err(HostError::NotSalesforce("evil.example".into()))
    );
    assert_eq!(
        LoginHost::production()
            .endpoint("/services/oauth2/token")
            .as_str(),
        "https://login.salesforce.com/services/oauth2/token"
    );
    assert!(LoginHost::sandbox().family().is_sandbox());
    assert!(!p.allows_plain_http());
    assert!(
        HostPolicy::with_dev_origins(["http://127.0.0.1:1"])
            .unwrap()
            .allows_plain_http()
    );
    assert_eq!(
        HostPolicy::with_dev_origins(["http://127.0.0.1:1/path"]),
        Err(HostError::HasPath)
    );
}

#[test]
fn a_development_host_names_the_login_host_it_stands_in_for() {
    let p =
        HostPolicy::with_dev_origins(["sandbox=http://127.0.0.1:2", "http://127.0.0.1:3"]).unwrap();
    let sandbox = LoginHost::parse("http://127.0.0.1:2", &p).unwrap().host;
    assert_eq!(sandbox.family(), HostFamily::Sandbox);
    assert_eq!(sandbox.as_str(), "http://127.0.0.1:2");
    let plain = LoginHost::parse("http://127.0.0.1:3", &p).unwrap().host;
    assert_eq!(plain.family(), HostFamily::DevAllowlisted);
    // Calls there are still development calls, whatever the stand-in.
    assert_eq!(
        p.check_api_url(&Url::parse("http://127.0.0.1:2/x").unwrap()),
        Ok(HostFamily::DevAllowlisted)
    );
    assert_eq!(
        HostPolicy::with_dev_origins(["staging=http://127.0.0.1:4"]),
        Err(HostError::UnknownStandIn("staging".into()))
    );
}

proptest::proptest! {
    /// Whatever is typed, an accepted login host is `https://<host>` in a Salesforce family,
    /// with nothing after the host, and parsing it again gives the same host.
    #[test]
    fn accepted_hosts_are_bare_https_salesforce_origins(
        s in "(https?://)?([a-z0-9-]{0,8}\\.){0,3}(my\\.salesforce\\.com|salesforce\\.com|lightning\\.force\\.com|my\\.site\\.com|evil\\.example)(:[0-9]{1,4})?(/[a-z]{0,5})?(\\?x)?"
    ) {
        if let Ok(p) = LoginHost::parse(&s, &HostPolicy::salesforce_only()) {
            let url = Url::parse(p.host.as_str()).unwrap();
            proptest::prop_assert_eq!(url.scheme(), "https");
            proptest::prop_assert!(url.port().is_none() && url.query().is_none() && url.path() == "/");
            proptest::prop_assert!(family_of(url.host_str().unwrap()).is_some());
            let again = LoginHost::parse(p.host.as_str(), &HostPolicy::salesforce_only()).unwrap();
            proptest::prop_assert_eq!(again.host, p.host);
        }
    }
}
