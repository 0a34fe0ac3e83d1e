//! List objects: everything the connected user's describeGlobal holds, each with what this user
//! may do with it. History, Share, Feed and ChangeEvent companions and hidden objects are left
//! out: no one works with them by hand.

use salesforce::rest::{DescribeGlobal, SObjectSummary};
use serde::{Deserialize, Serialize};

use super::Workspace;
use crate::access::Actor;
use crate::error::DomainResult;

/// What kind of object a name is, from its suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectKind {
    Standard,
    /// `__c`
    Custom,
    /// `__mdt`: custom metadata type (read like records, deployed like metadata).
    CustomMetadata,
    /// `__e`: platform event (published, not stored).
    PlatformEvent,
    /// `__x`: external object (rows live outside Salesforce).
    External,
    /// `__b`: big object.
    Big,
}

impl ObjectKind {
    pub fn of(name: &str, custom: bool) -> Self {
        let suffix = name.rsplit_once("__").map(|(_, s)| s.to_ascii_lowercase());
        match suffix.as_deref() {
            Some("c") => ObjectKind::Custom,
            Some("mdt") => ObjectKind::CustomMetadata,
            Some("e") => ObjectKind::PlatformEvent,
            Some("x") => ObjectKind::External,
            Some("b") => ObjectKind::Big,
            _ if custom => ObjectKind::Custom,
            _ => ObjectKind::Standard,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ObjectKind::Standard => "standard",
            ObjectKind::Custom => "custom",
            ObjectKind::CustomMetadata => "custom metadata",
            ObjectKind::PlatformEvent => "platform event",
            ObjectKind::External => "external",
            ObjectKind::Big => "big object",
        }
    }
}

/// One object and what the connected user may do with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectInfo {
    pub name: String,
    pub label: String,
    pub label_plural: String,
    pub kind: ObjectKind,
    pub key_prefix: Option<String>,
    pub searchable: bool,
    pub queryable: bool,
    pub createable: bool,
    pub updateable: bool,
    pub deletable: bool,
}

impl From<&SObjectSummary> for ObjectInfo {
    fn from(o: &SObjectSummary) -> Self {
        ObjectInfo {
            name: o.name.clone(),
            label: o.label.clone(),
            label_plural: o.label_plural.clone(),
            kind: ObjectKind::of(&o.name, o.custom),
            key_prefix: o.key_prefix.clone(),
            searchable: o.searchable,
            queryable: o.queryable,
            createable: o.createable,
            updateable: o.updateable,
            deletable: o.deletable,
        }
    }
}

/// One describeGlobal entry as the workspace keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub info: ObjectInfo,
    /// Shown in lists: neither hidden nor a History/Share/Feed/ChangeEvent companion.
    pub listed: bool,
}

/// describeGlobal, kept: every object of the connected user, listed or not (an id's key prefix
/// may belong to any of them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub objects: Vec<CatalogEntry>,
}

impl Catalog {
    pub fn find(&self, name: &str) -> Option<&ObjectInfo> {
        self.objects
            .iter()
            .map(|e| &e.info)
            .find(|o| o.name.eq_ignore_ascii_case(name.trim()))
    }

    /// The object whose ids start with `prefix`.
    pub fn by_prefix(&self, prefix: &str) -> Option<&ObjectInfo> {
        self.objects
            .iter()
            .map(|e| &e.info)
            .find(|o| o.key_prefix.as_deref() == Some(prefix))
    }
}

impl From<&DescribeGlobal> for Catalog {
    fn from(g: &DescribeGlobal) -> Self {
        Catalog {
            objects: g
                .sobjects
                .iter()
                .map(|o| CatalogEntry {
                    info: ObjectInfo::from(o),
                    listed: !o.deprecated_and_hidden && o.associate_entity_type.is_none(),
                })
                .collect(),
        }
    }
}

impl Workspace {
    /// Every object `actor`'s Salesforce user can see, by label.
    pub async fn list_objects(&self, actor: &Actor) -> DomainResult<Vec<ObjectInfo>> {
        let catalog = self.global(actor).await?;
        let mut objects: Vec<ObjectInfo> = catalog
            .objects
            .iter()
            .filter(|e| e.listed)
            .map(|e| e.info.clone())
            .collect();
        objects.sort_by(|a, b| {
            a.label
                .to_lowercase()
                .cmp(&b.label.to_lowercase())
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(objects)
    }
}

#[cfg(test)]
mod tests {
    use super::ObjectKind;

    #[test]
    fn kinds_come_from_the_suffix() {
        assert_eq!(ObjectKind::of("Account", false), ObjectKind::Standard);
        assert_eq!(ObjectKind::of("Quality_Issue__c", true), ObjectKind::Custom);
        assert_eq!(ObjectKind::of("ns__Thing__c", true), ObjectKind::Custom);
        assert_eq!(
            ObjectKind::of("Rule__mdt", true),
            ObjectKind::CustomMetadata
        );
        assert_eq!(
            ObjectKind::of("Order_Placed__e", true),
            ObjectKind::PlatformEvent
        );
        assert_eq!(ObjectKind::of("Legacy__x", true), ObjectKind::External);
        assert_eq!(ObjectKind::of("Archive__b", true), ObjectKind::Big);
    }
}
