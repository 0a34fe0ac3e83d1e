//! The operator's `sofie admin …` commands. Each prints what it did; a failure becomes one line
//! on stderr and a non-zero exit in `main`.

use std::io::{IsTerminal, Read};

use domain::DomainResult;
use domain::accounts::{self, FeatureChange};
use domain::names::{DisplayName, Email, GroupName, NewPassword, OrgName};
use domain::offboarding;
use domain::password::Passwords;
use domain::roles::{GroupRole, OrgRole};
use rand::Rng;
use rand::distributions::Alphanumeric;
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};

use crate::cli::{AdminCommand, GroupCommand, MemberCommand, OrgCommand, UserCommand};
use crate::config::Settings;

/// Revoking Salesforce grants at offboarding needs the vault and Salesforce's hosts.
async fn connections(
    settings: &Settings,
    db: &DatabaseConnection,
) -> anyhow::Result<domain::connections::ConnectionService> {
    let vault = std::sync::Arc::new(domain::vault::Vault::from_key_ring(&settings.key_ring()?)?);
    vault.verify_against(db).await??;
    let origins = settings.origins(settings.site_addr)?;
    Ok(crate::startup::salesforce_services(
        settings,
        &origins,
        db,
        &vault,
        &domain::metrics::Metrics::default(),
    )?
    .1)
}

pub async fn run(
    settings: &Settings,
    db: &DatabaseConnection,
    command: AdminCommand,
) -> anyhow::Result<()> {
    match command {
        AdminCommand::Org(OrgCommand::Create { name }) => {
            let org = accounts::create_org(db, &OrgName::parse(&name)?).await?;
            println!("created organization {} (slug {})", org.name, org.slug);
        }
        AdminCommand::User(UserCommand::Create { email, name }) => {
            let email = Email::parse(&email)?;
            let name = DisplayName::parse(
                name.as_deref()
                    .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("")),
            )?;
            let (password, generated) = read_or_generate_password()?;
            let password = NewPassword::parse(password)?;
            let user =
                accounts::create_user(db, &Passwords::new(), &email, &name, &password).await?;
            println!("created user {} ({})", user.email, user.display_name);
            if generated {
                println!(
                    "password (shown once): {}",
                    password.secret().expose_secret()
                );
            }
        }
        AdminCommand::User(UserCommand::Disable { email }) => {
            let user = accounts::find_user(db, &Email::parse(&email)?).await?;
            let id = user.id;
            let done = offboarding::disable_user(db, user).await?;
            let revoked = connections(settings, db).await?.offboard(id, None).await?;
            println!(
                "disabled {email}; ended {} session(s); disconnected {revoked} Salesforce connection(s)",
                done.sessions_ended
            );
        }
        AdminCommand::Member(MemberCommand::Remove { org, email }) => {
            let org = accounts::find_org(db, &org).await?;
            let user = accounts::find_user(db, &Email::parse(&email)?).await?;
            let done = offboarding::remove_member(db, &org, &user).await?;
            let revoked = connections(settings, db)
                .await?
                .offboard(user.id, Some(org.id))
                .await?;
            println!(
                "removed {} from {} and {} group(s); ended {} session(s); disconnected {revoked} Salesforce connection(s)",
                user.email, org.name, done.group_memberships_removed, done.sessions_ended
            );
        }
        AdminCommand::Member(MemberCommand::Add { org, email, role }) => {
            let role = OrgRole::parse(&role)?;
            let org = accounts::find_org(db, &org).await?;
            let user = accounts::find_user(db, &Email::parse(&email)?).await?;
            accounts::set_member(db, &org, &user, role).await?;
            println!("{} is now {} of {}", user.email, role.as_str(), org.name);
        }
        AdminCommand::Group(GroupCommand::Create { org, group }) => {
            let org = accounts::find_org(db, &org).await?;
            let group = accounts::create_group(db, &org, &GroupName::parse(&group)?).await?;
            println!("created group {} in {}", group.name, org.name);
        }
        AdminCommand::Group(GroupCommand::Add {
            org,
            group,
            email,
            role,
        }) => {
            let role = GroupRole::parse(&role)?;
            let org = accounts::find_org(db, &org).await?;
            let group = accounts::find_group(db, &org, &group).await?;
            let user = accounts::find_user(db, &Email::parse(&email)?).await?;
            accounts::set_group_member(db, &org, &group, &user, role).await?;
            println!(
                "{} is now {} of group {} in {}",
                user.email,
                role.as_str(),
                group.name,
                org.name
            );
        }
        AdminCommand::Features {
            org,
            integrations,
            salesforce,
        } => {
            if integrations.is_none() && salesforce.is_none() {
                anyhow::bail!(
                    "say what to change: --integrations on|off and/or --salesforce on|off"
                );
            }
            let org = accounts::find_org(db, &org).await?;
            let change = FeatureChange {
                integrations: integrations.map(|s| s.is_on()),
                salesforce: salesforce.map(|s| s.is_on()),
            };
            let org = accounts::set_features(db, &org, change).await?;
            println!(
                "{}: integrations {}, salesforce {}",
                org.name,
                on_off(org.integrations_enabled),
                on_off(org.salesforce_enabled)
            );
        }
        AdminCommand::Token {
            org,
            email,
            name,
            scopes,
            days,
        } => {
            let scopes: Vec<String> = scopes.split(',').map(|s| s.trim().to_owned()).collect();
            let new = domain::tokens::NewToken::parse(&name, &scopes, days)?;
            let org = accounts::find_org(db, &org).await?;
            let user = accounts::find_user(db, &Email::parse(&email)?).await?;
            let authn = domain::step_up::Authn {
                nonce: domain::step_up::SignInNonce::generate(),
                step_up: None,
            };
            let actor = domain::access::actor_of(db, user, authn, org)
                .await?
                .ok_or_else(|| domain::DomainError::NotFound(format!("{email} as a member")))?;
            let (info, token) = domain::tokens::create(db, &actor, new).await?;
            println!(
                "token {:?} for {} in {} ({}), until {}; shown once:\n{}",
                info.name,
                actor.user.email,
                actor.org.name,
                info.scopes.join(" "),
                info.expires_at.date(),
                token.expose_secret()
            );
        }
        AdminCommand::List => list(db).await?,
    }
    Ok(())
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

async fn list(db: &DatabaseConnection) -> DomainResult<()> {
    let (orgs, users) = accounts::overview(db).await?;
    if orgs.is_empty() {
        println!("no organizations");
    }
    for entry in orgs {
        println!(
            "organization {} (slug {}): integrations {}, salesforce {}",
            entry.org.name,
            entry.org.slug,
            on_off(entry.org.integrations_enabled),
            on_off(entry.org.salesforce_enabled)
        );
        for (user, role) in &entry.members {
            println!("  member {} {}", user.email, role.as_str());
        }
        for (group, members) in &entry.groups {
            println!("  group {}", group.name);
            for (user, role) in members {
                println!("    {} {}", user.email, role.as_str());
            }
        }
    }
    println!("users:");
    for user in users {
        let disabled = if user.disabled { " (disabled)" } else { "" };
        println!("  {} {}{disabled}", user.email, user.display_name);
    }
    Ok(())
}

/// A password piped in on standard input, else (a terminal, or nothing piped) a generated one.
fn read_or_generate_password() -> anyhow::Result<(SecretString, bool)> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok((generate_password(), true));
    }
    let mut text = String::new();
    stdin.lock().read_to_string(&mut text)?;
    // Only the line break a shell adds is dropped; the password is otherwise taken as typed.
    let password = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    if password.is_empty() {
        return Ok((generate_password(), true));
    }
    Ok((SecretString::from(password.to_string()), false))
}

pub fn generate_password() -> SecretString {
    let text: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    SecretString::from(text)
}
