//! HTTP-level tests: the real server on a random port, against a fresh SQLite file or (with
//! `SOFIE_TEST_DATABASE=postgres`) a fresh PostgreSQL database, driven as a browser would.

mod access;
mod audit_trail;
mod auth;
mod changes;
mod changes_faults;
mod changes_kinds;
mod changes_refusals;
mod changes_review;
mod cli;
mod connect;
mod connection_admin;
mod connection_states;
mod database;
mod hardening;
mod helpers;
mod keys;
mod mcp;
mod metrics;
mod operations;
mod preflight;
mod prompts;
mod salesforce_settings;
mod security;
mod self_test;
mod settings_access;
mod sim;
mod step_up;
mod tokens_ui;
mod tools;
mod tools_context;
mod tools_propose;
mod tools_throttle;
mod troubleshooting;
mod workspace;
mod workspace_refusals;
