//! Sofie's web UI: pages, components and the server functions behind them. Built twice: with
//! `ssr` into the server, with `hydrate` into the browser's wasm.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use pages::{
    audit::AuditPage,
    changes::{ChangesQueuePage, prepare::PreparePage, proposal::ProposalPage},
    confirm_identity::ConfirmIdentityPage,
    connection_test::ConnectionTestPage,
    group_settings::GroupSettingsPage,
    home::HomePage,
    login::LoginPage,
    my_integrations::MyIntegrationsPage,
    not_found::NotFoundPage,
    org_integrations::OrgIntegrationsPage,
    org_salesforce::OrgSalesforcePage,
    preflight::PreflightPage,
    troubleshooting::TroubleshootingPage,
    workspace::{
        object::ObjectPage, objects::ObjectsPage, query::QueryPage, record::RecordPage,
        search::SearchPage,
    },
};

/// The name of the built wasm, JS and CSS under `/pkg`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // No favicon yet: an empty one spares every page a 404.
                <link rel="icon" href="data:," />
                // Here rather than in `App`: the file's content-hashed name is known on the server only.
                <link
                    id="sofie"
                    rel="stylesheet"
                    href=format!("/{}/{}.css", options.site_pkg_dir, options.output_name)
                />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser: this marks the page once the wasm has taken over, which
    // the browser tests wait for (a broken wasm would still render on the server).
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
    view! {
        <Title text="Sofie" />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/o/:org/settings/audit") view=AuditPage ssr=SsrMode::Async />
                <Route
                    path=path!("/o/:org/settings/integrations")
                    view=OrgIntegrationsPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/o/:org/settings/integrations/salesforce")
                    view=OrgSalesforcePage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/o/:org/settings/integrations/salesforce/check")
                    view=PreflightPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/o/:org/groups/:group/settings/check")
                    view=PreflightPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/o/:org/groups/:group/settings")
                    view=GroupSettingsPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/o/:org/integrations") view=MyIntegrationsPage ssr=SsrMode::Async />
                <Route
                    path=path!("/o/:org/integrations/salesforce/troubleshooting")
                    view=TroubleshootingPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/o/:org/integrations/salesforce/test")
                    view=ConnectionTestPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/o/:org/salesforce/objects") view=ObjectsPage ssr=SsrMode::Async />
                <Route path=path!("/o/:org/salesforce/objects/:name") view=ObjectPage ssr=SsrMode::Async />
                <Route path=path!("/o/:org/salesforce/search") view=SearchPage ssr=SsrMode::Async />
                <Route path=path!("/o/:org/salesforce/query") view=QueryPage ssr=SsrMode::Async />
                <Route path=path!("/o/:org/salesforce/changes") view=ChangesQueuePage ssr=SsrMode::Async />
                <Route path=path!("/o/:org/salesforce/changes/:id") view=ProposalPage ssr=SsrMode::Async />
                <Route path=path!("/o/:org/salesforce/changes/:id/edit") view=PreparePage ssr=SsrMode::Async />
                <Route path=path!("/o/:org/salesforce/prepare") view=PreparePage ssr=SsrMode::Async />
                <Route
                    path=path!("/o/:org/salesforce/records/:object/:id")
                    view=RecordPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/o/:org/integrations/salesforce/confirm/:attempt")
                    view=ConfirmIdentityPage
                    ssr=SsrMode::Async
                />
            </Routes>
        </Router>
    }
}
