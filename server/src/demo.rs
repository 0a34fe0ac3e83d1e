//! `sofie demo`: one organization with an org admin, a group admin, two members and two groups,
//! so a newcomer can sign in as each role, with Salesforce played by the simulator running in the
//! same process. Seeding is idempotent: a second run reuses what it finds.

use domain::accounts::{self, FeatureChange};
use domain::changes::{Changes, PolicyForm, VERBS};
use domain::names::{DisplayName, Email, GroupName, NewPassword, OrgName};
use domain::password::Passwords;
use domain::roles::{GroupRole, OrgRole};
use domain::salesforce_settings::{
    AppSource, ClientId, Scope, SecretChange, SettingsInput, SettingsService,
};
use domain::{DomainError, DomainResult};
use salesforce_sim::{SimConfig, SimUrls};
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};

pub struct DemoLogin {
    pub email: String,
    pub role: &'static str,
}

const PEOPLE: [(&str, &str, OrgRole, &str); 4] = [
    (
        "admin@acme.example",
        "Ada Admin",
        OrgRole::Admin,
        "org admin",
    ),
    (
        "lead@acme.example",
        "Gus Groupadmin",
        OrgRole::Member,
        "group admin of Sales",
    ),
    (
        "mia@acme.example",
        "Mia Member",
        OrgRole::Member,
        "member of Sales",
    ),
    (
        "sam@acme.example",
        "Sam Support",
        OrgRole::Member,
        "member of Support",
    ),
];

/// Seeds the demo organization; every demo user gets `password`.
/// The simulator's own app, which Sofie's default credentials point at in demo mode.
const SIM_CLIENT_ID: &str = "sofie-sim-client";
const SIM_CLIENT_SECRET: &str = "sofie-sim-secret";

/// The simulator's default world, with its connected apps also accepting this server's callback
/// URLs (the built-in ones cover only port 3000).
pub fn simulator_config(callback_urls: &[String]) -> SimConfig {
    let mut config = SimConfig::default();
    for app in &mut config.connected_apps {
        app.callback_urls.extend(callback_urls.iter().cloned());
    }
    config
}

/// Points Sofie's default Salesforce app at the simulator and allowlists its hosts.
pub fn use_simulator(settings: &mut crate::config::Settings, urls: &SimUrls) {
    settings.salesforce_dev_origins = urls.dev_origins();
    settings.salesforce_client_id = Some(SIM_CLIENT_ID.into());
    settings.salesforce_client_secret = Some(SecretString::from(SIM_CLIENT_SECRET));
    settings.salesforce_auth_base_url = urls.login_mydomain.clone();
}

/// Seeds the demo organization; every demo user gets `password`. Acme uses Sofie's default app.
pub async fn seed(
    db: &DatabaseConnection,
    settings: &SettingsService,
    changes: &Changes,
    password: &SecretString,
) -> DomainResult<Vec<DemoLogin>> {
    let passwords = Passwords::new();
    let password = NewPassword::parse(password.clone())?;
    let org = match accounts::create_org(db, &OrgName::parse("Acme")?).await {
        Ok(org) => org,
        Err(DomainError::Conflict(_)) => accounts::find_org(db, "acme").await?,
        Err(other) => return Err(other),
    };
    accounts::set_features(
        db,
        &org,
        FeatureChange {
            integrations: Some(true),
            salesforce: Some(true),
        },
    )
    .await?;
    let mut users = Vec::new();
    for (email, name, role, _) in PEOPLE {
        let email = Email::parse(email)?;
        let user = match accounts::find_user(db, &email).await {
            Ok(user) => user,
            Err(DomainError::NotFound(_)) => {
                accounts::create_user(
                    db,
                    &passwords,
                    &email,
                    &DisplayName::parse(name)?,
                    &password,
                )
                .await?
            }
            Err(other) => return Err(other),
        };
        accounts::set_member(db, &org, &user, role).await?;
        users.push(user);
    }
    for (group, members) in [
        ("Sales", [(1, GroupRole::Admin), (2, GroupRole::Member)]),
        ("Support", [(1, GroupRole::Member), (3, GroupRole::Member)]),
    ] {
        let group = match accounts::create_group(db, &org, &GroupName::parse(group)?).await {
            Ok(group) => group,
            Err(DomainError::Conflict(_)) => accounts::find_group(db, &org, group).await?,
            Err(other) => return Err(other),
        };
        for (index, role) in members {
            accounts::set_group_member(db, &org, &group, &users[index], role).await?;
        }
    }
    let org = accounts::find_org(db, "acme").await?;
    let input = SettingsInput {
        enabled: true,
        app_source: AppSource::Default,
        client_id: ClientId::parse("")?,
        secret: SecretChange::Keep,
        auth_base_url: None,
    };
    // The operator seeds this: it is the operator's save, not a person's, so no step-up.
    settings.save_as_operator(&org, Scope::Org, &input).await?;
    // Prepared changes are off by default; the demo turns them on so every flow can be tried.
    changes
        .set_policy_as_operator(
            &org,
            PolicyForm {
                enabled: true,
                objects: String::new(),
                actions: VERBS.iter().map(|v| v.to_string()).collect(),
                expiry_hours: String::new(),
            },
        )
        .await?;
    Ok(PEOPLE
        .iter()
        .map(|(email, _, _, role)| DemoLogin {
            email: email.to_string(),
            role,
        })
        .collect())
}

pub fn print_logins(
    url: &str,
    logins: &[DemoLogin],
    password: &SecretString,
    generated: bool,
    sim: &SimUrls,
) {
    println!();
    println!("Sofie demo is running at {url}");
    println!("Sign in at {url}/login with any of:");
    for login in logins {
        println!("  {:<22} {}", login.email, login.role);
    }
    if generated {
        println!(
            "Password for all of them (generated; set SOFIE_DEMO_PASSWORD to choose one): {}",
            password.expose_secret()
        );
    } else {
        println!("Password for all of them: the value of SOFIE_DEMO_PASSWORD");
    }
    println!();
    println!(
        "Salesforce is played by the simulator (login host {}):",
        sim.login_mydomain
    );
    println!("  admin@acme.sim / admin-pass-1        System Administrator");
    println!("  standard@acme.sim / standard-pass-1  Standard User (some fields hidden)");
    println!(
        "Sign in as a member, open My Integrations and press Connect Salesforce to connect one."
    );
    println!();
}
