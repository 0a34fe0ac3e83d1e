//! A tool call as the tool API receives it (the tool's name, then its JSON body) is parsed into
//! the tool's input or refused with an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let (name, body) = match input.iter().position(|&b| b == b'\n') {
        Some(at) => (&input[..at], &input[at + 1..]),
        None => (input, &[][..]),
    };
    let Ok(name) = std::str::from_utf8(name) else {
        return;
    };
    let arguments = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Null
    } else {
        match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(_) => return,
        }
    };
    let _ = domain::tools::Call::parse(name, arguments);
});
