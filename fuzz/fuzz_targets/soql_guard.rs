//! The read-only SOQL guard never panics, and what it lets through it lets through again
//! unchanged (its LIMIT already within bounds).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|soql: &str| {
    if let Ok(guarded) = salesforce::soql::guard(soql, 2_000) {
        let again = salesforce::soql::guard(&guarded.soql, 2_000)
            .expect("a guarded query passes the guard again");
        assert_eq!(again.soql, guarded.soql);
    }
});
