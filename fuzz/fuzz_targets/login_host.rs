//! The login-host normaliser never panics, and a host it accepts is accepted again as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesforce::{HostPolicy, LoginHost};

fuzz_target!(|input: &str| {
    let policy = HostPolicy::salesforce_only();
    if let Ok(parsed) = LoginHost::parse(input, &policy) {
        let again = LoginHost::parse(parsed.host.as_str(), &policy)
            .expect("an accepted login host is accepted again");
        assert_eq!(again.host, parsed.host);
    }
});
