//! `/login`: email and password. Works without JavaScript (a plain form post).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::Login;
use crate::components::outcome::FormError;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    view! {
        <Title text="Sign in — Sofie" />
        <main class="login">
            <h1>"Sign in to Sofie"</h1>
            <ActionForm action=login>
                <FormError error />
                <label>
                    "Email" <input type="email" name="email" autocomplete="username" required />
                </label>
                <label>
                    "Password"
                    <input
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                    />
                </label>
                <button type="submit">"Sign in"</button>
            </ActionForm>
        </main>
    }
}
