pub mod layout;
pub mod outcome;
pub mod settings_form;
