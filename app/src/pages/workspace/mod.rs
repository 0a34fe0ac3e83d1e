//! The Salesforce workspace pages: objects, one object, search, SOQL and a record. Every form is
//! a GET form, so a result is a link a colleague with their own connection can open.

pub mod object;
pub mod objects;
pub mod query;
pub mod record;
pub mod search;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::workspace::{Outcome, Problem, UsageView, WorkspaceView};
use crate::components::layout::Layout;
use crate::components::salesforce_card::SalesforceCard;

/// Which workspace page is showing, for the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Objects,
    Search,
    Query,
    /// An object or a record: under Objects, but not the list itself.
    Detail,
    Changes,
}

#[component]
fn WorkspaceNav(org: String, tab: Tab, waiting: u64) -> impl IntoView {
    let link = move |href: String, label: &'static str, this: Tab| {
        let current = tab == this;
        view! { <li><a href=href aria-current=current.then_some("page")>{label}</a></li> }
    };
    view! {
        <nav class="workspace" aria-label="Salesforce">
            <ul>
                {link(format!("/o/{org}/salesforce/objects"), "Objects", Tab::Objects)}
                {link(format!("/o/{org}/salesforce/search"), "Search", Tab::Search)}
                {link(format!("/o/{org}/salesforce/query"), "SOQL query", Tab::Query)}
                <li>
                    <a href=format!("/o/{org}/salesforce/changes") aria-current=(tab == Tab::Changes).then_some("page")>
                        "Prepared changes"
                        {(waiting > 0).then(|| view! {
                            " "<span class="badge waiting">{waiting}<span class="visually-hidden">" waiting for you"</span></span>
                        })}
                    </a>
                </li>
            </ul>
        </nav>
    }
}

/// Today's API usage of the connected Salesforce organization, as Salesforce last reported it.
#[component]
fn UsageGauge(usage: UsageView) -> impl IntoView {
    let text = format!(
        "Salesforce API requests, last 24 hours: {} of {} ({}%)",
        usage.used, usage.allowed, usage.percent
    );
    let high = usage.percent >= 90;
    view! {
        <p class="usage" class:warn=high>
            <label>
                <span>{text}</span>
                <meter min="0" max=usage.allowed value=usage.used high=usage.allowed * 9 / 10></meter>
            </label>
        </p>
    }
}

#[component]
pub fn ProblemView(org: String, problem: Problem) -> impl IntoView {
    let matches = (!problem.close_matches.is_empty()).then(|| {
        view! {
            <p>
                "Close matches: "
                {problem
                    .close_matches
                    .into_iter()
                    .map(|name| {
                        view! {
                            <a class="match" href=format!("/o/{org}/salesforce/objects/{name}")>{name.clone()}</a>
                            " "
                        }
                    })
                    .collect_view()}
            </p>
        }
    });
    view! {
        <div class="problem" role="alert">
            <p class="error">{problem.message}</p>
            {matches}
        </div>
    }
}

/// The frame of every workspace page: title, navigation, usage, the form (`form`, shown in
/// every state so input is never lost) and the outcome.
pub fn shell<T, V>(
    title: String,
    tab: Tab,
    view: WorkspaceView<T>,
    form: impl IntoView + 'static,
    ready: impl FnOnce(T) -> V,
) -> impl IntoView
where
    V: IntoView + 'static,
{
    let context = view.context.clone();
    let org = context.org_slug.clone();
    let body = match view.outcome {
        Outcome::Ready(value) => ready(value).into_any(),
        Outcome::Idle => ().into_any(),
        Outcome::Problem(problem) => view! { <ProblemView org=org.clone() problem /> }.into_any(),
        Outcome::Connect(card) => view! {
            <section class="provider">
                <h2>"Salesforce connection"</h2>
                <SalesforceCard org=org.clone() card=*card />
            </section>
        }
        .into_any(),
    };
    view! {
        <Title text=format!("{title} — {}", context.org_name) />
        <Layout viewer=context.viewer.clone() org=Some(context.clone())>
            <WorkspaceNav org=org.clone() tab waiting=view.waiting />
            <h1>{title}</h1>
            {view.usage.map(|usage| view! { <UsageGauge usage /> })}
            {form}
            {body}
        </Layout>
    }
}

/// A yes/no capability as a badge that reads the same to a screen reader.
pub fn badge(on: bool, label: &'static str) -> impl IntoView {
    on.then(|| view! { <span class="badge">{label}</span> })
}
