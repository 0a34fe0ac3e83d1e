//! Rendering a page's data or its error: sign-in redirect, 403, 404, 503 or a generic failure.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use serde::{Serialize, de::DeserializeOwned};

use crate::error::AppError;

/// Waits for `resource`, then renders `view` with its value or the page for its error.
pub fn guarded<T, V>(
    resource: Resource<Result<T, AppError>>,
    view: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p class="loading" aria-live="polite">"Loading…"</p> }>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => view(value).into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    if error == AppError::Unauthorized {
        return view! { <Redirect path="/login" /> }.into_any();
    }
    #[cfg(feature = "ssr")]
    crate::api::ssr::set_status(&error);
    let (title, advice) = match &error {
        AppError::Forbidden => (
            "Not allowed",
            "Your role in this organization does not include this page. Ask an organization admin if you need it.",
        ),
        AppError::NotFound => (
            "Not found",
            "Check the address, or go back to your home page.",
        ),
        AppError::Unavailable => (
            "Temporarily unavailable",
            "Sofie cannot reach its database right now. Try again in a minute.",
        ),
        AppError::StorageFull => (
            "Database full",
            "What was saved before is safe and pages still open, but nothing new can be saved. Tell your Sofie operator that Sofie's database disk is full.",
        ),
        _ => (
            "Something went wrong",
            "Try again; if it keeps happening, tell your administrator.",
        ),
    };
    view! {
        <main class="error-page">
            <h1>{format!("{} — {title}", error.status())}</h1>
            <p class="error">{error.to_string()}</p>
            <p>{advice}</p>
            <p>
                <a href="/">"Home"</a>
            </p>
        </main>
    }
    .into_any()
}

/// A form's failure, shown next to it.
#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|error| view! { <p class="form-error" role="alert">{error.to_string()}</p> })
    }
}
