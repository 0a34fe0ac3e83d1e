//! Prepared changes: creates, updates, upserts and deletes that run only after a person approves
//! the exact preview. This module starts with what preparing needs first: each typed value checked
//! against the connected user's describe, and the values of a change checked as a whole.

mod fields;
mod values;

pub use fields::{Action, checked_fields};
pub use values::{ValueProblem, typed_value};

#[cfg(test)]
mod fields_tests;
#[cfg(test)]
mod values_tests;
