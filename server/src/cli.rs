//! The `sofie` command line: serve, migrate, demo and the operator's admin commands.

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Settings;

#[derive(Parser, Debug)]
#[command(
    name = "sofie",
    version,
    about = "Sofie's Salesforce integration server"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (the default). Migrates the database first.
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate {
        /// Change nothing: exit 0 when the schema is this build's latest, 1 with the pending
        /// migrations otherwise.
        #[arg(long)]
        check: bool,
    },
    /// Write a consistent copy of the SQLite database to FILE (`VACUUM INTO`), while the server
    /// runs if it does. FILE must not exist.
    Backup { file: std::path::PathBuf },
    /// Seed a demo organization with its people into the configured database, print the logins,
    /// then serve.
    Demo,
    /// Operator commands: organizations, users, memberships, groups, feature flags.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Rotate the vault's keys: make a key, re-seal everything with the active key, retire one.
    #[command(subcommand)]
    Keys(KeysCommand),
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Print a new key line, marked standby, for the next version of the configured ring.
    New,
    /// Show which key versions the ring holds and how many sealed values each one seals.
    Status,
    /// Re-seal every sealed value with the ring's active key, in batches; safe to stop and rerun.
    Rewrap {
        #[arg(long, default_value_t = 100)]
        batch: u64,
    },
    /// Forget key VERSION once nothing is sealed with it; start-up then accepts a ring without it.
    Retire { version: u32 },
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Organizations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Users.
    #[command(subcommand)]
    User(UserCommand),
    /// Organization memberships.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Groups inside an organization.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Turn an organization's features on or off.
    Features {
        /// Organization name or slug.
        org: String,
        #[arg(long)]
        integrations: Option<Switch>,
        #[arg(long)]
        salesforce: Option<Switch>,
    },
    /// Make a personal access token for a member, for an assistant acting for them through
    /// `/api/v1/salesforce/tools`. The token is printed once; only its hash is kept.
    Token {
        org: String,
        email: String,
        /// What the person will recognise it by, e.g. the assistant's name.
        #[arg(long)]
        name: String,
        /// Comma-separated: salesforce:read, salesforce:propose.
        #[arg(long, default_value = "salesforce:read")]
        scopes: String,
        /// Days it works, 1 to 90.
        #[arg(long, default_value_t = 30)]
        days: i64,
    },
    /// List organizations, their members and groups, and all users.
    List,
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Create an organization; its slug is made from the name.
    Create { name: String },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user. The password is read from standard input when it is not a terminal,
    /// otherwise one is generated and printed once.
    Create {
        email: String,
        /// Display name (defaults to the part of the email before the @).
        #[arg(long)]
        name: Option<String>,
    },
    /// Disable a user everywhere: they cannot sign in, and their sessions end at once.
    Disable { email: String },
}

#[derive(Subcommand, Debug)]
pub enum MemberCommand {
    /// Add a user to an organization with a role (or change their role).
    Add {
        org: String,
        email: String,
        role: String,
    },
    /// Remove a user from an organization and its groups; their sessions end at once.
    Remove { org: String, email: String },
}

#[derive(Subcommand, Debug)]
pub enum GroupCommand {
    /// Create a group in an organization.
    Create { org: String, group: String },
    /// Add an organization member to a group with a role (or change their role).
    Add {
        org: String,
        group: String,
        email: String,
        role: String,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

impl Switch {
    pub fn is_on(self) -> bool {
        matches!(self, Self::On)
    }
}
