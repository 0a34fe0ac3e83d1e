//! `/o/:org/salesforce/prepare?object=&action=[&id=]` and `/o/:org/salesforce/changes/:id/edit`:
//! the form that prepares a change (or a new revision of one). Only the fields the connected
//! user may write in this action are offered; nothing reaches Salesforce until approval.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::notice_view;
use crate::api::changes::{FormField, InputKind, PrepareForm, capitalised, get_prepare_form};
use crate::components::outcome::guarded;
use crate::pages::workspace::{Tab, shell};

fn input(field: &FormField, update: bool) -> impl IntoView + use<> {
    let id = format!("f-{}", field.name);
    let name = format!("f:{}", field.name);
    let described = field.problem.as_ref().map(|_| format!("e-{}", field.name));
    let invalid = field.problem.is_some().then_some("true");
    let value = field.value.clone();
    match &field.input {
        InputKind::Boolean => {
            let unset = if update { "(unchanged)" } else { "(not set)" };
            let option = move |v: &'static str, label: &'static str| {
                let selected = value == v;
                view! { <option value=v selected=selected>{label}</option> }
            };
            view! {
                <select id=id name=name aria-invalid=invalid aria-describedby=described>
                    {option("", unset)}{option("true", "true")}{option("false", "false")}
                </select>
            }
            .into_any()
        }
        InputKind::Picklist { values, restricted } => {
            let known = values.iter().any(|(v, _)| *v == value);
            let mut options: Vec<(String, String)> = vec![(String::new(), "(none)".into())];
            if !known && !value.is_empty() {
                let note = if *restricted { " (not an active value)" } else { "" };
                options.push((value.clone(), format!("{value}{note}")));
            }
            options.extend(values.iter().cloned());
            view! {
                <select id=id name=name aria-invalid=invalid aria-describedby=described>
                    {options.into_iter().map(|(v, label)| {
                        let selected = v == value;
                        view! { <option value=v selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        InputKind::LongText => view! {
            <textarea id=id name=name rows="3" aria-invalid=invalid aria-describedby=described>{value}</textarea>
        }
        .into_any(),
        other => {
            let (kind, mode, hint) = match other {
                InputKind::Date => ("date", None, None),
                InputKind::DateTime => ("text", None, Some("2026-12-01T09:30:00Z")),
                InputKind::Number => ("text", Some("decimal"), None),
                _ => ("text", None, None),
            };
            view! {
                <input type=kind id=id name=name value=value inputmode=mode placeholder=hint
                    aria-invalid=invalid aria-describedby=described />
            }
            .into_any()
        }
    }
}

fn field_row(field: FormField, update: bool) -> impl IntoView {
    let control = input(&field, update);
    let label_for = format!("f-{}", field.name);
    let shown = update.then(|| {
        view! { <input type="hidden" name=format!("o:{}", field.name) value=field.current.clone().unwrap_or_default() /> }
    });
    let now = field.current.clone().filter(|_| update).map(|c| {
        if c.is_empty() {
            "Now: empty".to_string()
        } else {
            format!("Now: {c}")
        }
    });
    view! {
        <div class="field" class:invalid=field.problem.is_some()>
            <label for=label_for>
                {field.label.clone()}" "<code>{field.name.clone()}</code>
                {field.required.then(|| view! { <span class="required">" (required)"</span> })}
            </label>
            {control}
            {shown}
            {now.map(|n| view! { <p class="hint">{n}</p> })}
            {field.problem.clone().map(|p| view! {
                <p class="field-error" id=format!("e-{}", field.name)>{format!("{}: {p}.", field.name)}</p>
            })}
        </div>
    }
}

fn form(f: PrepareForm) -> impl IntoView {
    let update = f.action == "update";
    let verb = f.action.clone();
    let submit = match (f.revising, verb.as_str()) {
        (Some(_), _) => "Save as a new revision".to_string(),
        (None, "delete") => "Prepare this delete for review".to_string(),
        (None, v) => format!("Prepare this {v} for review"),
    };
    let target = match (&f.record_name, &f.record_id) {
        (Some(name), Some(id)) => format!("{} “{name}” ({id})", f.object_label),
        _ => format!("a new {} record", f.object_label),
    };
    let upsert = (verb == "upsert").then(|| {
        let chosen = f.external_id_field.clone().unwrap_or_default();
        view! {
            <div class="field">
                <label for="external-id-field">"External id field"</label>
                <select id="external-id-field" name="external_id_field">
                    {f.external_id_fields.iter().map(|name| {
                        let selected = *name == chosen;
                        view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="external-id">"External id value"</label>
                <input id="external-id" type="text" name="external_id" required value=f.external_id.clone().unwrap_or_default() />
            </div>
        }
    });
    let assign = f.auto_assign.map(|on| {
        view! {
            <input type="hidden" name="auto_assign_shown" value="1" />
            <label class="choice">
                <input type="checkbox" name="auto_assign" checked=on />
                "Run Salesforce's assignment rule (it may give the record another owner)"
            </label>
        }
    });
    let fields = (verb != "delete").then(|| {
        view! {
            <fieldset>
                <legend>{if update { "Change the values to propose (unchanged fields are not sent)" } else { "Values" }}</legend>
                {f.fields.into_iter().map(|field| field_row(field, update)).collect_view()}
            </fieldset>
        }
    });
    view! {
        <p class="lead">{format!("{} · {target}", capitalised(&verb))}</p>
        {f.message.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        <form method="post" action=f.post_to class="prepare">
            <input type="hidden" name="object" value=f.object.clone() />
            <input type="hidden" name="action" value=verb.clone() />
            {f.record_id.clone().map(|id| view! { <input type="hidden" name="id" value=id /> })}
            {upsert}
            {fields}
            {assign}
            {(verb == "delete").then(|| view! {
                <p>"The record and the records Salesforce deletes with it go to the Recycle Bin once you approve."</p>
            })}
            <p class="hint">"Nothing is sent to Salesforce now: you review the exact change next, and it runs only when you approve it."</p>
            <button type="submit">{submit}</button>
        </form>
    }
}

#[component]
pub fn PreparePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let (p, q) = (params.read(), query.read());
            (
                p.get("org").unwrap_or_default(),
                q.get("object").unwrap_or_default(),
                q.get("action").unwrap_or_default(),
                q.get("id"),
                p.get("id").and_then(|id| id.parse::<i64>().ok()),
            )
        },
        |(org, object, action, id, revise)| get_prepare_form(org, object, action, id, revise),
    );
    guarded(data, move |page| {
        let title = match &page.view.outcome {
            crate::api::workspace::Outcome::Ready(f) if f.revising.is_some() => {
                format!("Revise: {} {}", f.action, f.object)
            }
            crate::api::workspace::Outcome::Ready(f) => {
                format!("Prepare {} · {}", f.action, f.object)
            }
            _ => "Prepare a change".to_string(),
        };
        shell(
            title,
            Tab::Changes,
            page.view,
            notice_view(page.notice),
            form,
        )
    })
}
