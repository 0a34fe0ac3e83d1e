pub mod change_policy;
pub mod connections_table;
pub mod layout;
pub mod outcome;
pub mod salesforce_card;
pub mod settings_form;
pub mod tokens;
