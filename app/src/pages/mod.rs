//! One module per page.

pub mod audit;
pub mod changes;
pub mod confirm_identity;
pub mod connection_test;
pub mod group_settings;
pub mod home;
pub mod login;
pub mod my_integrations;
pub mod not_found;
pub mod org_integrations;
pub mod org_salesforce;
pub mod preflight;
pub mod troubleshooting;
pub mod workspace;
