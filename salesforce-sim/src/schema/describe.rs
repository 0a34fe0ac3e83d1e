//! Describe JSON: the same keys, types and nesting as a real v60+ describe (see
//! `fixtures/rest/describe_contact.cumulusci.json`), filtered by the caller's profile.

use serde_json::{Value, json};

use super::{FieldDef, FieldType, ObjectDef, Schema};
use crate::sharing::Viewer;

fn soap_type(kind: FieldType) -> &'static str {
    match kind {
        FieldType::Id | FieldType::Reference => "tns:ID",
        FieldType::Boolean => "xsd:boolean",
        FieldType::Int => "xsd:int",
        FieldType::Currency | FieldType::Percent => "xsd:double",
        FieldType::Date => "xsd:date",
        FieldType::Datetime => "xsd:dateTime",
        _ => "xsd:string",
    }
}

fn field_json(object: &ObjectDef, field: &FieldDef, viewer: &Viewer) -> Value {
    let (precision, scale, digits) = match field.kind {
        FieldType::Currency => (18, 2, 0),
        FieldType::Percent => (3, 0, 0),
        FieldType::Int => (0, 0, 9),
        _ => (0, 0, 0),
    };
    // Text lengths count characters; byteLength is three bytes per character (UTF-8 worst case).
    let byte_length = if field.kind.is_text()
        || field.kind == FieldType::Id
        || field.kind == FieldType::Reference
    {
        field.length * 3
    } else {
        0
    };
    let picklist: Vec<Value> = field
        .picklist
        .iter()
        .map(|v| json!({ "active": true, "defaultValue": false, "label": v, "validFor": null, "value": v }))
        .collect();
    let kind = field.kind;
    let textual = kind.is_text();
    // Long text areas can be neither filtered, sorted, grouped nor aggregated; short ones can.
    // A multi-select picklist is filtered (INCLUDES / EXCLUDES) but never sorted or grouped.
    let long_text = kind == FieldType::Textarea && field.length > 255;
    let multi = kind == FieldType::Multipicklist;
    json!({
        "aggregatable": !long_text && !multi && kind != FieldType::Boolean,
        "aiPredictionField": false,
        "autoNumber": false,
        "byteLength": if matches!(kind, FieldType::Id | FieldType::Reference) { 18 } else { byte_length },
        "calculated": false,
        "calculatedFormula": null,
        "cascadeDelete": false,
        "caseSensitive": false,
        "compoundFieldName": null,
        "controllerName": null,
        "createable": viewer.creates(object, field),
        "custom": field.custom(),
        "defaultValue": if kind == FieldType::Boolean { json!(false) } else { Value::Null },
        "defaultValueFormula": null,
        "defaultedOnCreate": field.defaulted,
        "dependentPicklist": false,
        "deprecatedAndHidden": false,
        "digits": digits,
        "displayLocationInDecimal": false,
        "encrypted": false,
        "externalId": field.external_id,
        "extraTypeInfo": if kind == FieldType::Textarea { json!("plaintextarea") } else { Value::Null },
        "filterable": !long_text,
        "filteredLookupInfo": null,
        "formulaTreatNullNumberAsZero": false,
        "groupable": !long_text && !multi && !matches!(kind, FieldType::Currency | FieldType::Percent | FieldType::Datetime),
        "highScaleNumber": false,
        "htmlFormatted": false,
        "idLookup": field.id_lookup,
        "inlineHelpText": null,
        "label": field.label,
        "length": if textual || matches!(kind, FieldType::Id | FieldType::Reference) { field.length } else { 0 },
        "mask": null,
        "maskType": null,
        "name": field.name,
        "nameField": field.name_field,
        "namePointing": field.reference_to.len() > 1,
        "nillable": field.nillable,
        "permissionable": field.permissionable(),
        "picklistValues": picklist,
        "polymorphicForeignKey": field.reference_to.len() > 1,
        "precision": precision,
        "queryByDistance": false,
        "referenceTargetField": null,
        "referenceTo": field.reference_to,
        "relationshipName": field.relationship,
        "relationshipOrder": null,
        "restrictedDelete": false,
        "restrictedPicklist": field.restricted,
        "scale": scale,
        // Lookups a user sets (not owner or audit fields) can pre-filter a search.
        "searchPrefilterable": kind == FieldType::Reference && field.updateable && field.name != "OwnerId",
        "soapType": soap_type(kind),
        "sortable": !long_text && !multi,
        "type": kind.api_name(),
        "unique": field.unique,
        "updateable": viewer.updates(object, field),
        "writeRequiresMasterRead": false,
    })
}

fn urls(object: &ObjectDef, version: &str, instance: &str, full: bool) -> Value {
    let base = format!("/services/data/{version}/sobjects/{}", object.name);
    let mut urls = json!({
        "compactLayouts": format!("{base}/describe/compactLayouts"),
        "rowTemplate": format!("{base}/{{ID}}"),
        "approvalLayouts": format!("{base}/describe/approvalLayouts"),
        "listviews": format!("{base}/listviews"),
        "describe": format!("{base}/describe"),
        "quickActions": format!("{base}/quickActions"),
        "layouts": format!("{base}/describe/layouts"),
        "sobject": base,
    });
    if full {
        urls["uiDetailTemplate"] = json!(format!("{instance}/{{ID}}"));
        urls["uiEditTemplate"] = json!(format!("{instance}/{{ID}}/e"));
        urls["uiNewRecord"] = json!(format!("{instance}/{}/e", object.key_prefix));
    }
    // The recorded describes list `defaultValues` for Account and not for Contact or custom objects.
    if full && object.name == "Account" {
        urls["defaultValues"] = json!(format!(
            "/services/data/{version}/sobjects/Account/defaultValues?recordTypeId&fields"
        ));
    }
    urls
}

/// The flags shared by describeGlobal entries and full describes (only objects the caller
/// can read are described at all).
fn flags(object: &ObjectDef, viewer: &Viewer) -> serde_json::Map<String, Value> {
    let access = viewer.object(object);
    let value = json!({
        "activateable": false,
        "associateEntityType": null,
        "associateParentEntity": null,
        "createable": access.create,
        "custom": object.custom(),
        "customSetting": false,
        "deepCloneable": false,
        "deletable": access.delete,
        "deprecatedAndHidden": false,
        "feedEnabled": !object.custom(),
        "hasSubtypes": false,
        "isInterface": false,
        "isSubtype": false,
        "keyPrefix": object.key_prefix,
        "label": object.label,
        "labelPlural": object.label_plural,
        "layoutable": true,
        "mergeable": matches!(object.name, "Account" | "Contact" | "Case"),
        "mruEnabled": true,
        "name": object.name,
        "queryable": true,
        "replicateable": true,
        "retrieveable": true,
        "searchable": object.searchable,
        "triggerable": true,
        "undeletable": access.delete,
        "updateable": access.edit,
    });
    match value {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

pub fn describe_global_entry(
    object: &ObjectDef,
    viewer: &Viewer,
    version: &str,
    instance: &str,
) -> Value {
    let mut map = flags(object, viewer);
    map.insert("urls".into(), urls(object, version, instance, false));
    Value::Object(map)
}

pub fn describe_object(
    schema: &Schema,
    object: &ObjectDef,
    viewer: &Viewer,
    version: &str,
    instance: &str,
) -> Value {
    let mut map = flags(object, viewer);
    let fields: Vec<Value> = object
        .fields
        .iter()
        .filter(|f| viewer.sees(object, f))
        .map(|f| field_json(object, f, viewer))
        .collect();
    // Relationships from objects the caller cannot read are not theirs to follow.
    let children: Vec<Value> = schema
        .children_of(object.name)
        .iter()
        .filter(|c| schema.object(c.child).is_some_and(|o| viewer.reads(o)))
        .map(|c| {
            json!({
                "cascadeDelete": c.cascade_delete,
                "childSObject": c.child,
                "deprecatedAndHidden": false,
                "field": c.field,
                "junctionIdListNames": [],
                "junctionReferenceTo": [],
                "relationshipName": c.name,
                "restrictedDelete": c.restricted_delete,
            })
        })
        .collect();
    let plural = object.label_plural.to_lowercase();
    let mut scopes = vec![
        json!({ "label": format!("All {plural}"), "name": "everything" }),
        json!({ "label": format!("My {plural}"), "name": "mine" }),
    ];
    // Standard objects with owners also offer the role-hierarchy scope.
    if !object.custom() && object.field("OwnerId").is_some() {
        scopes.push(json!({ "label": format!("My team's {plural}"), "name": "team" }));
    }
    let extra = json!({
        "actionOverrides": [],
        "childRelationships": children,
        "compactLayoutable": true,
        "defaultImplementation": null,
        "extendedBy": null,
        "extendsInterfaces": null,
        "fields": fields,
        "implementedBy": null,
        "implementsInterfaces": null,
        "listviewable": null,
        "lookupLayoutable": null,
        "namedLayoutInfos": [],
        "networkScopeFieldName": null,
        "recordTypeInfos": [{
            "active": true,
            "available": true,
            "defaultRecordTypeMapping": true,
            "developerName": "Master",
            "master": true,
            "name": "Master",
            "recordTypeId": "012000000000000AAA",
            "urls": { "layout": format!("/services/data/{version}/sobjects/{}/describe/layouts/012000000000000AAA", object.name) },
        }],
        "searchLayoutable": true,
        "sobjectDescribeOption": "FULL",
        "supportedScopes": scopes,
        "urls": urls(object, version, instance, true),
    });
    if let Value::Object(extra) = extra {
        map.extend(extra);
    }
    Value::Object(map)
}
