//! `/o/:org/integrations/salesforce/test[?object=…&record=…]`: "Test my connection". Opening the
//! page runs the steps (reads only) through the person's own connection and shows each one's
//! outcome; with a test record, step 6 links to its prepared update, or to the form for one.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::self_test::get_connection_test;
use crate::components::layout::Layout;
use crate::components::outcome::guarded;

#[component]
pub fn ConnectionTestPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("org").unwrap_or_default(),
                query.read().get("object"),
                query.read().get("record"),
            )
        },
        |(org, object, record)| get_connection_test(org, object, record),
    );
    guarded(data, |data| {
        let org = data.context.org_slug.clone();
        let all_passed = data.steps.iter().all(|s| s.state == "passed");
        let summary = if all_passed {
            "Every step passed: Sofie can work with Salesforce as you."
        } else {
            "Not every step passed; each one below says why and what to do."
        };
        let steps = data
            .steps
            .iter()
            .map(|s| {
                let mark = match s.state.as_str() {
                    "passed" => "✓ passed",
                    "empty" => "! nothing to show",
                    "failed" => "✗ failed",
                    _ => "– not run",
                };
                let class = format!("step {}", s.state.replace(' ', "-"));
                view! {
                    <li class=class>
                        <strong>{s.name.clone()}</strong>
                        " — " {mark}
                        {(s.state != "not run").then(|| format!(" in {} ms", s.took_ms))}
                        <p>{s.said.clone()}</p>
                        {s.link.clone().map(|(href, label)| view! { <p><a href=href>{label}</a></p> })}
                        {s.help.clone().map(|anchor| view! {
                            <p><a href=format!("/o/{org}/integrations/salesforce/troubleshooting#{anchor}")>
                                "What this means, and what to do"
                            </a></p>
                        })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <Title text=format!("Test my connection — {}", data.context.org_name) />
            <Layout viewer=data.context.viewer.clone() org=Some(data.context.clone())>
                <p class="crumbs"><a href=format!("/o/{org}/integrations")>"My Integrations"</a> " › Test my connection"</p>
                <h1>"Test my connection"</h1>
                <form method="get" class="filters">
                    <label>"Object to test (API name)"
                        <input type="text" name="object" value=data.object.clone() />
                    </label>
                    <label>"Test record Id (optional: adds step 6, a prepared update of it that waits for your approval)"
                        <input type="text" name="record" value=data.record.clone() />
                    </label>
                    <button type="submit">"Run the test again"</button>
                </form>
                <p role="status" class=if all_passed { "state ok" } else { "state warn" }>{summary}</p>
                <ol class="test-steps">{steps}</ol>
                {(!all_passed).then(|| view! {
                    <p><a href=format!("/o/{org}/integrations/salesforce/troubleshooting")>"What each error means, and what to do"</a></p>
                })}
            </Layout>
        }
    })
}
