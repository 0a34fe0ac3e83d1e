//! The objects of the simulated org: seven standard ones, `User`, and the custom `Quality_Issue__c`.

use super::FieldType::*;
use super::build::{f, object};
use super::{ObjectAccess, ObjectDef};

pub const INDUSTRIES: [&str; 8] = [
    "Agriculture",
    "Banking",
    "Chemicals",
    "Construction",
    "Education",
    "Energy",
    "Manufacturing",
    "Technology",
];
pub const STAGES: [&str; 6] = [
    "Prospecting",
    "Qualification",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
];
pub const SEVERITIES: [&str; 4] = ["Low", "Medium", "High", "Critical"];
pub const QI_STATUSES: [&str; 4] = ["New", "Investigating", "Resolved", "Closed"];
pub const INTERESTS: [&str; 4] = ["Quality", "Logistics", "Pricing", "Support"];

pub fn all() -> Vec<ObjectDef> {
    let who = || f("WhoId", "Name ID", Reference).refs(&["Contact"], "Who");
    let what = || {
        f("WhatId", "Related To ID", Reference).refs(
            &["Account", "Opportunity", "Case", "Quality_Issue__c"],
            "What",
        )
    };
    let no_delete = ObjectAccess {
        read: true,
        create: true,
        edit: true,
        delete: false,
    };
    vec![
        object(
            "User",
            ("User", "Users"),
            "005",
            false,
            vec![
                f("Username", "Username", String)
                    .len(80)
                    .read_only()
                    .id_lookup(),
                f("FirstName", "First Name", String).len(40).read_only(),
                f("LastName", "Last Name", String).len(80).read_only(),
                f("Name", "Full Name", String).len(121).computed().name(),
                f("Email", "Email", Email).len(128).read_only(),
                f("IsActive", "Active", Boolean).read_only(),
            ],
            ObjectAccess::READ_ONLY,
        )
        // As Salesforce's own describe says for an administrator: users can be created and
        // edited (never deleted), are found by search, and have no IsDeleted field.
        .admin_access(ObjectAccess {
            read: true,
            create: true,
            edit: true,
            delete: false,
        })
        .without_is_deleted(),
        // The org itself: one record, whose id is the Organization id. Clients read `IsSandbox`
        // to tell a sandbox from production whatever login host was used.
        object(
            "Organization",
            ("Organization", "Organizations"),
            "00D",
            false,
            vec![
                f("Name", "Name", String).len(80).read_only().name(),
                f("IsSandbox", "Is Sandbox", Boolean).system(),
                f("OrganizationType", "Edition", String).len(40).read_only(),
                f("InstanceName", "Instance Name", String)
                    .len(5)
                    .read_only(),
            ],
            ObjectAccess::READ_ONLY,
        )
        .admin_read_only()
        .without_is_deleted(),
        object(
            "Account",
            ("Account", "Accounts"),
            "001",
            true,
            vec![
                f("Name", "Account Name", String).req().name(),
                f("Type", "Account Type", Picklist).pick(&[
                    "Prospect",
                    "Customer - Direct",
                    "Customer - Channel",
                    "Other",
                ]),
                f("ParentId", "Parent Account ID", Reference).refs(&["Account"], "Parent"),
                f("BillingStreet", "Billing Street", Textarea).len(255),
                f("BillingCity", "Billing City", String).len(40),
                f("BillingState", "Billing State/Province", String).len(80),
                f("BillingPostalCode", "Billing Zip/Postal Code", String).len(20),
                f("BillingCountry", "Billing Country", String).len(80),
                f("Phone", "Account Phone", Phone),
                f("Website", "Website", Url),
                f("Industry", "Industry", Picklist).pick(&INDUSTRIES),
                f("AnnualRevenue", "Annual Revenue", Currency).hidden(),
                f("NumberOfEmployees", "Employees", Int),
                f("Rating", "Account Rating", Picklist)
                    .pick(&["Hot", "Warm", "Cold"])
                    .readonly_for_standard(),
                f("AccountNumber", "Account Number", String).len(40),
                f("Description", "Account Description", Textarea),
                f("External_Id__c", "External Id", String)
                    .len(40)
                    .external_id(),
            ],
            no_delete,
        ),
        object(
            "Contact",
            ("Contact", "Contacts"),
            "003",
            true,
            vec![
                f("AccountId", "Account ID", Reference).refs(&["Account"], "Account"),
                f("FirstName", "First Name", String).len(40),
                f("LastName", "Last Name", String).len(80).req(),
                f("Name", "Full Name", String).len(121).computed().name(),
                f("Title", "Title", String).len(128),
                f("Department", "Department", String).len(80),
                f("Email", "Email", Email).len(80).id_lookup(),
                f("Phone", "Business Phone", Phone),
                f("LeadSource", "Lead Source", Picklist).len(255).pick(&[
                    "Web",
                    "Phone Inquiry",
                    "Partner Referral",
                    "Other",
                ]),
                f("Birthdate", "Birthdate", Date).hidden(),
                f("MailingCity", "Mailing City", String).len(40),
                f("Interests__c", "Interests", Multipicklist).pick(&INTERESTS),
            ],
            ObjectAccess::ALL,
        ),
        object(
            "Opportunity",
            ("Opportunity", "Opportunities"),
            "006",
            true,
            vec![
                f("AccountId", "Account ID", Reference).refs(&["Account"], "Account"),
                f("ContactId", "Contact ID", Reference).refs(&["Contact"], "Contact"),
                f("Name", "Name", String).len(120).req().name(),
                f("StageName", "Stage", Picklist).pick(&STAGES).req(),
                f("Amount", "Amount", Currency),
                f("Probability", "Probability (%)", Percent),
                f("CloseDate", "Close Date", Date).req(),
                f("Type", "Opportunity Type", Picklist)
                    .pick(&["New Customer", "Existing Customer - Upgrade"]),
                f("IsClosed", "Closed", Boolean).read_only(),
                f("Description", "Description", Textarea),
            ],
            ObjectAccess::ALL,
        ),
        object(
            "Case",
            ("Case", "Cases"),
            "500",
            true,
            vec![
                f("CaseNumber", "Case Number", String)
                    .len(30)
                    .system()
                    .name(),
                f("AccountId", "Account ID", Reference).refs(&["Account"], "Account"),
                f("ContactId", "Contact ID", Reference).refs(&["Contact"], "Contact"),
                f("Subject", "Subject", String),
                f("Status", "Status", Picklist)
                    .pick(&["New", "Working", "Escalated", "Closed"])
                    .defaulted(),
                f("Priority", "Priority", Picklist).pick(&["High", "Medium", "Low"]),
                f("Origin", "Case Origin", Picklist).pick(&["Phone", "Email", "Web"]),
                f("IsClosed", "Closed", Boolean).read_only(),
                f("Description", "Description", Textarea),
            ],
            ObjectAccess::ALL,
        ),
        object(
            "Task",
            ("Task", "Tasks"),
            "00T",
            true,
            vec![
                who(),
                what(),
                f("Subject", "Subject", String).name(),
                f("ActivityDate", "Due Date Only", Date),
                f("Status", "Status", Picklist)
                    .pick(&["Not Started", "In Progress", "Completed"])
                    .defaulted(),
                f("Priority", "Priority", Picklist)
                    .pick(&["High", "Normal", "Low"])
                    .defaulted(),
                f("Description", "Description", Textarea),
            ],
            ObjectAccess::ALL,
        ),
        object(
            "Event",
            ("Event", "Events"),
            "00U",
            true,
            vec![
                who(),
                what(),
                f("Subject", "Subject", String).name(),
                f("Location", "Location", String),
                f("ActivityDateTime", "Due Date Time", Datetime),
                f("DurationInMinutes", "Duration", Int),
                f("Description", "Description", Textarea),
            ],
            ObjectAccess::ALL,
        ),
        object(
            "Order",
            ("Order", "Orders"),
            "801",
            true,
            vec![
                f("AccountId", "Account ID", Reference)
                    .refs(&["Account"], "Account")
                    .req(),
                f("OrderNumber", "Order Number", String)
                    .len(30)
                    .system()
                    .name(),
                f("Status", "Status", Picklist)
                    .pick(&["Draft", "Activated"])
                    .req(),
                f("EffectiveDate", "Order Start Date", Date).req(),
                f("TotalAmount", "Order Amount", Currency).read_only(),
                f("Description", "Description", Textarea),
            ],
            // A Standard User has no Read on Order: the object does not exist for them.
            ObjectAccess::NONE,
        ),
        object(
            "Quality_Issue__c",
            ("Quality Issue", "Quality Issues"),
            "a0Q",
            true,
            vec![
                // A custom object's Name is an idLookup field, a standard Account's is not.
                f("Name", "Quality Issue Name", String)
                    .len(80)
                    .req()
                    .name()
                    .id_lookup(),
                f("Account__c", "Account", Reference).refs(&["Account"], "Account__r"),
                f("Contact__c", "Reported By", Reference).refs(&["Contact"], "Contact__r"),
                f("Order__c", "Order", Reference).refs(&["Order"], "Order__r"),
                f("Severity__c", "Severity", Picklist)
                    .pick(&SEVERITIES)
                    .restricted(),
                f("Status__c", "Status", Picklist).pick(&QI_STATUSES),
                f("Reported_Date__c", "Reported Date", Date),
                f("Resolution__c", "Resolution", Textarea),
                f("Cost_Impact__c", "Cost Impact", Currency).hidden(),
                f("Internal_Notes__c", "Internal Notes", Textarea).hidden(),
                f("Is_Escalated__c", "Escalated", Boolean),
                f("External_Ref__c", "External Reference", String)
                    .len(40)
                    .external_id()
                    .unique(),
            ],
            no_delete,
        ),
    ]
}

/// Names of child relationships (the ones Salesforce defines for these lookups).
pub fn child_relationship_name(child: &str, field: &str) -> Option<&'static str> {
    Some(match (child, field) {
        ("Account", "ParentId") => "ChildAccounts",
        ("Contact", "AccountId") => "Contacts",
        ("Opportunity", "AccountId") | ("Opportunity", "ContactId") => "Opportunities",
        ("Case", "AccountId") => "Cases",
        ("Case", "ContactId") => "Cases",
        ("Order", "AccountId") => "Orders",
        ("Task", "WhatId") | ("Task", "WhoId") => "Tasks",
        ("Event", "WhatId") | ("Event", "WhoId") => "Events",
        ("Quality_Issue__c", "Account__c") => "Quality_Issues__r",
        ("Quality_Issue__c", "Contact__c") => "Quality_Issues__r",
        ("Quality_Issue__c", "Order__c") => "Quality_Issues__r",
        _ => return None,
    })
}

/// `(cascadeDelete, restrictedDelete)` of a child relationship, as Salesforce's describe of
/// Account and Contact reports them (`fixtures/rest/describe_{account,contact}…`): contacts,
/// opportunities and activities go with their parent; cases keep their account or contact from
/// being deleted, and so do orders their account (flagged both ways; the restriction wins).
/// Other lookups (`ParentId`, `Opportunity.ContactId`, the custom ones) are neither.
pub fn delete_rule(child: &str, field: &str) -> (bool, bool) {
    match (child, field) {
        ("Contact", "AccountId") | ("Opportunity", "AccountId") => (true, false),
        ("Task" | "Event", "WhatId" | "WhoId") => (true, false),
        ("Case", "AccountId" | "ContactId") => (false, true),
        ("Order", "AccountId") => (true, true),
        _ => (false, false),
    }
}
