//! The crash test of prepared changes (issue 10): each run prepares a create with a Sofie key,
//! a plain create, an update, an upsert and a delete through a `sofie serve` process, approves
//! all five at once, kills the process with SIGKILL at a random moment of those writes, starts
//! it again on the same database and waits for it to reconcile. Then every proposal's outcome
//! is checked at the simulator: an executed proposal's write is there exactly once, a failed
//! one's is not there at all, and no approved proposal is left undecided.
//!
//! Usage: `crash_changes PATH/TO/sofie RUNS` (scripts/crash-changes.sh builds both).

// Shared with the benchmarks, which use the rest of it.
#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use common::*;
use rand::Rng;
use reqwest::header::{ACCEPT, ORIGIN};
use salesforce_sim::{SimConfig, SimUrls};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

/// What one proposal was, to check its outcome at the simulator.
struct Planned {
    id: i64,
    kind: &'static str,
    /// The value that marks this run's record (a name, a phone, an external id).
    mark: String,
    /// The record an update or delete is about.
    record: Option<String>,
}

#[derive(Default)]
struct Tally {
    executed: u32,
    failed: u32,
    never_approved: u32,
    lost: u32,
    duplicated: u32,
    wrong: u32,
    /// Executing or unknown when the process died: what the restarted process reconciled.
    in_flight: u32,
}

async fn form_post(
    client: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(url)
        .header(ACCEPT, "text/html")
        .header(ORIGIN, url.split("/o/").next().unwrap())
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn prepare(client: &reqwest::Client, sofie: &str, form: &[(&str, &str)]) -> i64 {
    let answer = form_post(
        client,
        &format!("{sofie}/o/acme/salesforce/changes/prepare"),
        form,
    )
    .await;
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    location
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("prepared, not {location}"))
}

async fn records(sim: &SimUrls, object: &str) -> Vec<Value> {
    let path = format!("/__sim/objects/{object}/records?org_id=00D5i0000000001EAA");
    sim_control(sim, reqwest::Method::GET, &path, None)
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// A record made straight at the simulator, for this run's update and delete.
async fn account(direct: &salesforce::rest::RestClient, name: &str) -> String {
    let mut fields = serde_json::Map::new();
    fields.insert("Name".into(), json!(name));
    direct.create("Account", &fields).await.unwrap().id.unwrap()
}

async fn check(
    sim: &SimUrls,
    db: &sea_orm::DatabaseConnection,
    planned: &[Planned],
    tally: &mut Tally,
) {
    for p in planned {
        let row = domain::entities::proposal::Entity::find_by_id(p.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let made = match p.kind {
            "create" => records(sim, "Contact")
                .await
                .iter()
                .filter(|r| r["LastName"] == json!(p.mark) && r["IsDeleted"] == json!(false))
                .count(),
            "create-keyed" => records(sim, "Account")
                .await
                .iter()
                .filter(|r| r["Name"] == json!(p.mark))
                .count(),
            "upsert" => records(sim, "Quality_Issue__c")
                .await
                .iter()
                .filter(|r| r["External_Ref__c"] == json!(p.mark))
                .count(),
            "update" => {
                let record = sim_control(
                    sim,
                    reqwest::Method::GET,
                    &format!("/__sim/records/{}", p.record.as_ref().unwrap()),
                    None,
                )
                .await;
                usize::from(record["Phone"] == json!(p.mark))
            }
            _ => {
                let record = sim_control(
                    sim,
                    reqwest::Method::GET,
                    &format!("/__sim/records/{}", p.record.as_ref().unwrap()),
                    None,
                )
                .await;
                usize::from(record["IsDeleted"] == json!(true))
            }
        };
        if made > 1 {
            tally.duplicated += 1;
        }
        match (row.state.as_str(), made) {
            ("executed", 1) => tally.executed += 1,
            ("failed", 0) => tally.failed += 1,
            ("pending", 0) if row.approved_at.is_none() => tally.never_approved += 1,
            ("executing" | "unknown", _) => {
                tally.lost += 1;
                println!("  lost: proposal {} ({}) still {}", p.id, p.kind, row.state);
            }
            (state, made) => {
                tally.wrong += 1;
                println!(
                    "  wrong: proposal {} ({}) is {state} but Salesforce holds {made}: {:?}",
                    p.id, p.kind, row.note
                );
            }
        }
    }
}

/// Waits until no proposal is executing or unknown (the restarted process reconciled them).
async fn settled(db: &sea_orm::DatabaseConnection, within: Duration) {
    let started = Instant::now();
    while started.elapsed() < within {
        let open = domain::entities::proposal::Entity::find()
            .all(db)
            .await
            .unwrap()
            .iter()
            .filter(|p| p.state == "executing" || p.state == "unknown")
            .count();
        if open == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let sofie = args
        .next()
        .expect("usage: crash_changes PATH/TO/sofie RUNS");
    let runs: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let sim = salesforce_sim::spawn(SimConfig::default()).await.unwrap();
    let keys = domain::vault::Vault::generate_key_ring();
    let file = std::env::temp_dir().join(format!("sofie-crash-{}.db", std::process::id()));
    let sqlite = format!("sqlite://{}?mode=rwc", file.display());
    let port = free_port();
    register_callback(&sim.urls, port).await;
    let mut config = settings(&sqlite, &keys, &sim.urls, port);
    // A short timeout gives a short lease, so a restarted process reconciles within seconds.
    config.salesforce_timeout_secs = 1;
    let mut server = Some(serve(&sofie, &config).await);
    let user = seed(&config).await;
    let (db, vault, _, connections) = services(&config).await;
    let org = domain::access::memberships(&db, user.id).await.unwrap()[0]
        .0
        .clone();
    let workspace = domain::workspace::Workspace::new(connections.clone(), config.workspace());
    domain::changes::Changes::new(db.clone(), workspace, vault.clone(), config.changes())
        .set_policy_as_operator(
            &org,
            domain::changes::PolicyForm {
                enabled: true,
                actions: domain::changes::VERBS
                    .iter()
                    .map(|v| v.to_string())
                    .collect(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let client = browser();
    let url = server.as_ref().unwrap().url.clone();
    sign_in(&client, &url).await;
    connect(&client, &url).await;
    let direct = direct_client(&db, &vault, &connections.http).await;

    let mut tally = Tally::default();
    let mut rng = rand::thread_rng();
    let started = Instant::now();
    for run in 0..runs {
        let updated = account(&direct, &format!("crash {run} updated")).await;
        let deleted = account(&direct, &format!("crash {run} deleted")).await;
        let contact = format!("Crash{run}");
        let keyed = format!("crash {run} created");
        let phone = format!("+1 555 {run:04}");
        let external = format!("crash-{run}");
        let planned = vec![
            Planned {
                id: prepare(
                    &client,
                    &url,
                    &[
                        ("object", "Contact"),
                        ("action", "create"),
                        ("f:LastName", &contact),
                    ],
                )
                .await,
                kind: "create",
                mark: contact.clone(),
                record: None,
            },
            Planned {
                id: prepare(
                    &client,
                    &url,
                    &[
                        ("object", "Account"),
                        ("action", "create"),
                        ("f:Name", &keyed),
                    ],
                )
                .await,
                kind: "create-keyed",
                mark: keyed.clone(),
                record: None,
            },
            Planned {
                id: prepare(
                    &client,
                    &url,
                    &[
                        ("object", "Account"),
                        ("action", "update"),
                        ("id", &updated),
                        ("f:Phone", &phone),
                    ],
                )
                .await,
                kind: "update",
                mark: phone.clone(),
                record: Some(updated.clone()),
            },
            Planned {
                id: prepare(
                    &client,
                    &url,
                    &[
                        ("object", "Quality_Issue__c"),
                        ("action", "upsert"),
                        ("external_id_field", "External_Ref__c"),
                        ("external_id", &external),
                        ("f:Name", "crash"),
                    ],
                )
                .await,
                kind: "upsert",
                mark: external.clone(),
                record: None,
            },
            Planned {
                id: prepare(
                    &client,
                    &url,
                    &[
                        ("object", "Account"),
                        ("action", "delete"),
                        ("id", &deleted),
                    ],
                )
                .await,
                kind: "delete",
                mark: String::new(),
                record: Some(deleted.clone()),
            },
        ];
        // Writes take a random while at Salesforce, so the kill lands before, during or after them.
        for method in ["POST", "PATCH", "DELETE"] {
            let delay: u64 = rng.gen_range(0..250);
            sim_control(&sim.urls, reqwest::Method::POST, "/__sim/faults", Some(json!({"method": method, "path_prefix": "/services/data", "delay_ms": delay, "count": 2}))).await;
        }
        let mut approvals = tokio::task::JoinSet::new();
        for p in &planned {
            let (client, approve) = (
                client.clone(),
                format!("{url}/o/acme/salesforce/changes/{}/approve", p.id),
            );
            approvals.spawn(async move {
                let _ = client
                    .post(&approve)
                    .header(ACCEPT, "text/html")
                    .header(ORIGIN, approve.split("/o/").next().unwrap())
                    .form(&[("x", "")])
                    .send()
                    .await;
            });
        }
        let kill_after = Duration::from_millis(rng.gen_range(0..250));
        tokio::time::sleep(kill_after).await;
        drop(server.take());
        approvals.abort_all();
        tally.in_flight += domain::entities::proposal::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .iter()
            .filter(|p| planned.iter().any(|q| q.id == p.id))
            .filter(|p| p.state == "executing" || p.state == "unknown")
            .count() as u32;
        sim_control(&sim.urls, reqwest::Method::DELETE, "/__sim/faults", None).await;
        server = Some(serve(&sofie, &config).await);
        settled(&db, Duration::from_secs(60)).await;
        check(&sim.urls, &db, &planned, &mut tally).await;
        println!(
            "run {:>3}: killed after {:>3} ms · in flight {} · executed {} failed {} never approved {} · lost {} duplicated {} wrong {}",
            run + 1,
            kill_after.as_millis(),
            tally.in_flight,
            tally.executed,
            tally.failed,
            tally.never_approved,
            tally.lost,
            tally.duplicated,
            tally.wrong
        );
    }
    println!(
        "{runs} runs in {:.0} s, {} proposals, {} of them mid-write when the process was killed: {} executed, {} failed (nothing written), {} never approved (killed before the approval committed); {} lost, {} duplicated, {} with a state that disagrees with Salesforce",
        started.elapsed().as_secs_f64(),
        runs * 5,
        tally.in_flight,
        tally.executed,
        tally.failed,
        tally.never_approved,
        tally.lost,
        tally.duplicated,
        tally.wrong
    );
    drop(server);
    let _ = std::fs::remove_file(&file);
    if tally.lost + tally.duplicated + tally.wrong > 0 {
        std::process::exit(1);
    }
}
