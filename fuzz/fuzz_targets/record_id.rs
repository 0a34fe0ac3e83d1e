//! A record id parses to its 18-character form, which parses to itself, as does its 15-character
//! prefix; anything else is refused without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesforce::RecordId;

fuzz_target!(|input: &str| {
    if let Ok(id) = RecordId::parse(input) {
        let canonical = id.as_str();
        assert_eq!(canonical.len(), 18);
        assert_eq!(RecordId::parse(canonical).as_ref(), Ok(&id));
        assert_eq!(RecordId::parse(&canonical[..15]).as_ref(), Ok(&id));
    }
});
