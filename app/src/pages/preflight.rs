//! `/o/:org/settings/integrations/salesforce/check` (org admins) and
//! `/o/:org/groups/:group/settings/check` (that group's admins): "Check this app". Opening
//! the page runs the checks against the saved app and its login host; nobody's Salesforce
//! account is used and no grant is spent.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::preflight::get_preflight;
use crate::components::layout::Layout;
use crate::components::outcome::guarded;

#[component]
pub fn PreflightPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("org").unwrap_or_default(),
                p.get("group").and_then(|g| g.parse::<i64>().ok()),
            )
        },
        |(org, group)| get_preflight(org, group),
    );
    guarded(data, |data| {
        let org = data.context.org_slug.clone();
        let (settings, settings_name) = match &data.group {
            Some((id, name)) => (
                format!("/o/{org}/groups/{id}/settings"),
                format!("Group settings › {name}"),
            ),
            None => (
                format!("/o/{org}/settings/integrations/salesforce"),
                "Organization Settings › Integrations › Salesforce".to_string(),
            ),
        };
        let again = format!("{settings}/check");
        let reds = data.checks.iter().filter(|c| c.light == "red").count();
        let summary = match reds {
            0 => "No check failed.".to_string(),
            n => format!("{n} check(s) failed; each says what to change."),
        };
        let checks = data
            .checks
            .iter()
            .map(|c| {
                let mark = match c.light.as_str() {
                    "green" => "✓ green",
                    "amber" => "! amber",
                    _ => "✗ red",
                };
                view! {
                    <li class=format!("step {}", c.light)>
                        <strong>{c.name.clone()}</strong> " — " {mark}
                        <p>{c.said.clone()}</p>
                        {c.fix.clone().map(|f| view! { <p><strong>"Fix: "</strong>{f}</p> })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <Title text=format!("Check this app — {}", data.context.org_name) />
            <Layout viewer=data.context.viewer.clone() org=Some(data.context.clone())>
                <p class="crumbs">
                    <a href=settings>{settings_name}</a>
                    " › Check this app"
                </p>
                <h1>"Check this app"</h1>
                <p class="lead">"The saved app and its login host, checked without anyone's Salesforce account."</p>
                <p role="status" class=if reds == 0 { "state ok" } else { "state warn" }>{summary}</p>
                <ol class="test-steps">{checks}</ol>
                <p>
                    <a class="button secondary" href=again>"Run the checks again"</a>
                    " "
                    <a href=format!("/o/{org}/integrations/salesforce/troubleshooting")>"Troubleshooting"</a>
                </p>
            </Layout>
        }
    })
}
