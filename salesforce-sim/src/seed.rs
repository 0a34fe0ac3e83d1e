//! Deterministic seed data: the same config always yields the same records and ids, so tests
//! and demos can rely on them; a tiny LCG instead of `rand` keeps that true across crate versions.

use serde_json::{Map, Value, json};

use crate::clock::{sf_date, sf_datetime};
use crate::config::{OrgConfig, UserConfig};
use crate::schema::Schema;
use crate::schema::objects::{INDUSTRIES, INTERESTS, QI_STATUSES, SEVERITIES, STAGES};
use crate::store::Store;

/// 2025-01-06T09:00:00Z: seeded records are created from here on, one hour apart.
const SEED_EPOCH_MS: i64 = 1_736_154_000_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % bound as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len())]
    }
}

const COMPANIES: [&str; 10] = [
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Acme Widgets",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
];
const SUFFIXES: [&str; 4] = ["Corp", "Industries", "GmbH", "Ltd"];
const CITIES: [&str; 6] = ["Berlin", "Paris", "Austin", "Osaka", "Lyon", "Denver"];
const FIRST: [&str; 10] = [
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim",
];
const LAST: [&str; 10] = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "Thompson",
    "Perlman",
    "Berners-Lee",
];
const PROBLEMS: [&str; 5] = [
    "Cracked housing",
    "Wrong label",
    "Late delivery",
    "Firmware fault",
    "Missing parts",
];

/// A multi-select picklist value (`;`-separated), or none; not drawn from the generator so the
/// other seeded values stay as they were before the field existed.
fn interests(n: usize) -> Value {
    match n % 4 {
        0 => json!(format!("{};{}", INTERESTS[0], INTERESTS[2])),
        1 => json!(INTERESTS[1]),
        2 => Value::Null,
        _ => json!(format!("{};{}", INTERESTS[3], INTERESTS[0])),
    }
}

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Seeds one org: its users, then `accounts` accounts and records derived from each.
pub fn seed(
    schema: &Schema,
    org: &OrgConfig,
    users: &[UserConfig],
    accounts: usize,
    salt: u64,
) -> Store {
    let mut store = Store::new(&org.id);
    let mut rng = Lcg(0x5EED ^ salt);
    let members: Vec<&UserConfig> = users.iter().filter(|u| u.org_id == org.id).collect();
    let owner_ids: Vec<String> = members.iter().map(|u| u.user_id.clone()).collect();
    let creator = owner_ids.first().cloned().unwrap_or_default();
    let object = |name: &str| schema.object(name).expect("seeded objects exist");
    for user in &members {
        let fields = map(json!({
            "Username": user.username, "FirstName": user.first_name, "LastName": user.last_name,
            "Email": user.email, "IsActive": user.active,
        }));
        store.insert_with_id(
            object("User"),
            user.user_id.clone(),
            fields,
            SEED_EPOCH_MS,
            &user.user_id,
        );
    }
    store.insert_with_id(
        object("Organization"),
        org.id.clone(),
        map(json!({
            "Name": org.name, "IsSandbox": org.sandbox,
            "OrganizationType": "Enterprise Edition",
            "InstanceName": format!("NA{}", org.instance + 1),
        })),
        SEED_EPOCH_MS,
        &creator,
    );
    let mut at = SEED_EPOCH_MS;
    let mut tick = || {
        at += HOUR_MS;
        at
    };
    for a in 0..accounts {
        let owner = owner_ids
            .get(a % owner_ids.len().max(1))
            .cloned()
            .unwrap_or_default();
        let company = format!(
            "{} {}",
            COMPANIES[a % COMPANIES.len()],
            SUFFIXES[(a / COMPANIES.len()) % SUFFIXES.len()]
        );
        let city = rng.pick(&CITIES);
        let account = map(json!({
            "Name": company, "Type": if a % 3 == 0 { "Prospect" } else { "Customer - Direct" },
            "Industry": rng.pick(&INDUSTRIES), "BillingCity": city, "BillingCountry": "DE",
            "Phone": format!("+49 30 {:07}", 1_000_000 + a * 7919), "Website": format!("https://www.example{a}.com"),
            "AnnualRevenue": (rng.next(500) as f64 + 1.0) * 100_000.0, "NumberOfEmployees": 10 + rng.next(5000),
            "Rating": rng.pick(&["Hot", "Warm", "Cold"]), "AccountNumber": format!("AC-{a:04}"),
            "External_Id__c": format!("EXT-{a:04}"), "OwnerId": owner,
            "Description": if a % 4 == 0 { Value::Null } else { json!(format!("{company} in {city}")) },
        }));
        let account_id = store.insert(object("Account"), account, tick(), &creator);
        let mut contacts = Vec::new();
        for c in 0..3 {
            let (first, last) = (FIRST[(a + c) % FIRST.len()], LAST[(a * 3 + c) % LAST.len()]);
            let contact = map(json!({
                "AccountId": account_id, "FirstName": first, "LastName": last,
                "Email": format!("{}.{}{a}@example.com", first.to_lowercase(), last.to_lowercase()),
                "Title": rng.pick(&["CEO", "Buyer", "Engineer", "Quality Manager"]), "Phone": format!("+1 555 {:04}", a * 3 + c),
                "LeadSource": rng.pick(&["Web", "Phone Inquiry", "Partner Referral"]), "MailingCity": city,
                "Birthdate": sf_date(SEED_EPOCH_MS - (9000 + rng.next(9000) as i64) * DAY_MS), "OwnerId": owner,
                "Interests__c": interests(a * 3 + c),
            }));
            contacts.push(store.insert(object("Contact"), contact, tick(), &creator));
        }
        for o in 0..2 {
            let stage = rng.pick(&STAGES);
            let opportunity = map(json!({
                "AccountId": account_id, "ContactId": if o == 0 { json!(contacts[0]) } else { Value::Null },
                "Name": format!("{company} - deal {}", o + 1), "StageName": stage,
                "Amount": (rng.next(200) as f64 + 1.0) * 1000.0, "Probability": rng.next(100),
                "CloseDate": sf_date(SEED_EPOCH_MS + (rng.next(365) as i64) * DAY_MS), "OwnerId": owner,
            }));
            store.insert(object("Opportunity"), opportunity, tick(), &creator);
        }
        if a % 2 == 0 {
            // Cases come from every other account, whose owner is always the same user: owners
            // alternate per case instead, so a private Case OWD still leaves each user some.
            let case_owner = owner_ids
                .get((a / 2) % owner_ids.len().max(1))
                .cloned()
                .unwrap_or_default();
            let case = map(json!({
                "AccountId": account_id, "ContactId": contacts[1], "Subject": format!("{} at {company}", rng.pick(&PROBLEMS)),
                "Status": rng.pick(&["New", "Working", "Closed"]), "Priority": rng.pick(&["High", "Medium", "Low"]),
                "Origin": rng.pick(&["Phone", "Email", "Web"]), "OwnerId": case_owner,
            }));
            store.insert(object("Case"), case, tick(), &creator);
        }
        if a % 2 == 1 {
            let order = map(json!({
                "AccountId": account_id, "Status": "Draft", "EffectiveDate": sf_date(SEED_EPOCH_MS + a as i64 * DAY_MS),
                "TotalAmount": (rng.next(90) as f64 + 10.0) * 100.0, "OwnerId": owner,
            }));
            let order_id = store.insert(object("Order"), order, tick(), &creator);
            let status = rng.pick(&QI_STATUSES);
            let issue = map(json!({
                "Name": format!("QI-{a:04}"), "Account__c": account_id, "Contact__c": contacts[2], "Order__c": order_id,
                "Severity__c": rng.pick(&SEVERITIES), "Status__c": status,
                "Reported_Date__c": sf_date(SEED_EPOCH_MS + a as i64 * DAY_MS), "Cost_Impact__c": rng.next(10_000) as f64,
                "Resolution__c": if status == "Closed" || status == "Resolved" { json!("Replaced the batch") } else { Value::Null },
                "Internal_Notes__c": "Supplier informed", "Is_Escalated__c": a % 5 == 1, "External_Ref__c": format!("QI-EXT-{a:04}"),
                "OwnerId": owner,
            }));
            store.insert(object("Quality_Issue__c"), issue, tick(), &creator);
        }
        let task = map(json!({
            "WhoId": contacts[0], "WhatId": account_id, "Subject": format!("Call {}", FIRST[a % FIRST.len()]),
            "ActivityDate": sf_date(SEED_EPOCH_MS + (a as i64 + 3) * DAY_MS), "OwnerId": owner,
            "Status": rng.pick(&["Not Started", "In Progress", "Completed"]),
        }));
        store.insert(object("Task"), task, tick(), &creator);
        if a % 3 == 0 {
            let event = map(json!({
                "WhoId": contacts[1], "WhatId": if a % 2 == 0 { json!(account_id) } else { Value::Null },
                "Subject": format!("Meeting with {company}"), "Location": city,
                "ActivityDateTime": sf_datetime(SEED_EPOCH_MS + (a as i64 + 7) * DAY_MS), "DurationInMinutes": 60,
                "OwnerId": owner,
            }));
            store.insert(object("Event"), event, tick(), &creator);
        }
    }
    store
}
