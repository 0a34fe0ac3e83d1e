//! `sofie demo`: one organization with an org admin, a group admin, two members and two groups,
//! so a newcomer can sign in as each role. Seeding is idempotent: a second run reuses the people
//! it finds.

use domain::accounts::{self, FeatureChange};
use domain::names::{DisplayName, Email, GroupName, NewPassword, OrgName};
use domain::password::Passwords;
use domain::roles::{GroupRole, OrgRole};
use domain::{DomainError, DomainResult};
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
pub async fn seed(
    db: &DatabaseConnection,
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
    Ok(PEOPLE
        .iter()
        .map(|(email, _, _, role)| DemoLogin {
            email: email.to_string(),
            role,
        })
        .collect())
}

pub fn print_logins(url: &str, logins: &[DemoLogin], password: &SecretString, generated: bool) {
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
}
