//! Any path no route matches.

use leptos::prelude::*;

use crate::components::outcome::ErrorPage;
use crate::error::AppError;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound /> }
}
