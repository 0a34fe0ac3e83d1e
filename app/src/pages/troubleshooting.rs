//! `/o/:org/integrations/salesforce/troubleshooting`: every member. The values to compare for the
//! person and the address they opened (admins also see the Client IDs' last characters), then
//! every error Sofie can meet with Salesforce, each with its cause and fix and its own anchor.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::troubleshooting::get_troubleshooting;
use crate::components::layout::Layout;
use crate::components::outcome::guarded;

#[component]
pub fn TroubleshootingPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("org").unwrap_or_default(),
        get_troubleshooting,
    );
    guarded(data, |data| {
        let org = data.context.org_slug.clone();
        let rows = data
            .comparisons
            .iter()
            .map(|c| {
                view! {
                    <tr>
                        <th scope="row">{c.what.clone()}</th>
                        <td><code class="details">{c.here.clone()}</code></td>
                        <td><code class="details">{c.expected.clone()}</code></td>
                        <td>{if c.agrees { "✓ matches" } else { "✗ does not match" }}</td>
                    </tr>
                }
            })
            .collect_view();
        let sections = data
            .sections
            .iter()
            .map(|s| {
                let entries = s
                    .entries
                    .iter()
                    .map(|e| {
                        view! {
                            <div class="entry" id=e.id.clone()>
                                <dt><a href=format!("#{}", e.id)>{e.shown.clone()}</a></dt>
                                <dd><strong>"Cause: "</strong>{e.cause.clone()}</dd>
                                <dd><strong>"Fix: "</strong>{e.fix.clone()}</dd>
                            </div>
                        }
                    })
                    .collect_view();
                view! {
                    <section>
                        <h2>{s.title.clone()}</h2>
                        <dl class="troubleshooting">{entries}</dl>
                    </section>
                }
            })
            .collect_view();
        view! {
            <Title text=format!("Salesforce troubleshooting — {}", data.context.org_name) />
            <Layout viewer=data.context.viewer.clone() org=Some(data.context.clone())>
                <p class="crumbs"><a href=format!("/o/{org}/integrations")>"My Integrations"</a> " › Troubleshooting"</p>
                <h1>"Salesforce troubleshooting"</h1>
                <p class="lead">
                    "Confirm Salesforce is enabled in Sofie, the callback URL matches exactly, the auth base URL points to the right Salesforce org, "
                    "the app has api and refresh scopes, and the Salesforce app policy allows the user to authorize the app."
                </p>
                <section>
                    <h2>"Your values"</h2>
                    <div class="table-wrap">
                        <table class="data compare">
                            <thead><tr><th scope="col">"What"</th><th scope="col">"Here"</th><th scope="col">"Expected"</th><th scope="col">"Result"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    {data.preflight.clone().map(|checks| {
                        let items = checks
                            .into_iter()
                            .map(|c| view! {
                                <li class=format!("step {}", c.light)>
                                    <strong>{c.name}</strong> {format!(" — {}: ", c.light)} {c.said}
                                </li>
                            })
                            .collect_view();
                        view! {
                            <h3>"Check this app (admins only)"</h3>
                            <ol class="test-steps">{items}</ol>
                        }
                    })}
                    {data.client_ids.clone().map(|ids| view! {
                        <p>"Client ID of the app that applies (admins only): " <code>{ids}</code></p>
                    })}
                </section>
                {sections}
            </Layout>
        }
    })
}
