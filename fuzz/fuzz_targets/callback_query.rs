//! The OAuth callback's query string, as anyone may send it, is parsed or refused, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|query: &str| {
    let _ = salesforce::oauth::Callback::parse(query);
});
