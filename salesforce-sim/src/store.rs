//! Records of one org, in creation order per object, with an id index.
//!
//! Deletes are soft (`IsDeleted = true`): `queryAll` still sees them, as with the Recycle Bin.
//! All-or-none requests (sObject Collections, Composite) open a transaction: each write notes
//! how to undo itself, and a rollback undoes exactly those writes, whatever else ran meanwhile.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::clock::{parse_datetime, sf_datetime};
use crate::ids;
use crate::schema::{FieldType, ObjectDef};

#[derive(Clone, Debug)]
pub struct Record {
    pub id: String,
    pub object: &'static str,
    pub fields: Map<String, Value>,
}

impl Record {
    pub fn get(&self, field: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.fields.get(field).unwrap_or(&NULL)
    }

    pub fn deleted(&self) -> bool {
        self.get("IsDeleted") == &Value::Bool(true)
    }
}

pub struct Store {
    /// Two characters of the org id, embedded in every record id (real ids carry the pod too).
    pod: String,
    next: u64,
    by_object: HashMap<&'static str, Vec<Record>>,
    index: HashMap<String, (&'static str, usize)>,
    next_txn: u64,
    open: HashMap<u64, Journal>,
}

/// How to undo one write.
pub enum Undo {
    Inserted(String),
    Changed(Record),
}

struct Journal {
    /// An inner all-or-none request (a collection inside a composite) commits into its parent.
    parent: Option<u64>,
    undo: Vec<Undo>,
}

impl Store {
    pub fn new(org_id: &str) -> Self {
        Store {
            pod: org_id[3..5].to_string(),
            next: 1,
            by_object: HashMap::new(),
            index: HashMap::new(),
            next_txn: 1,
            open: HashMap::new(),
        }
    }

    /// Opens a transaction; writes noted under it can be rolled back together.
    pub fn begin(&mut self, parent: Option<u64>) -> u64 {
        let txn = self.next_txn;
        self.next_txn += 1;
        let undo = Vec::new();
        self.open.insert(txn, Journal { parent, undo });
        txn
    }

    /// Records how to undo a write made under `txn` (nothing to do outside a transaction).
    pub fn note(&mut self, txn: Option<u64>, undo: Undo) {
        if let Some(journal) = txn.and_then(|t| self.open.get_mut(&t)) {
            journal.undo.push(undo);
        }
    }

    /// Keeps the writes; an inner transaction hands them to its parent.
    pub fn commit(&mut self, txn: u64) {
        if let Some(journal) = self.open.remove(&txn)
            && let Some(parent) = journal.parent.and_then(|p| self.open.get_mut(&p))
        {
            parent.undo.extend(journal.undo);
        }
    }

    /// Undoes the transaction's writes, newest first.
    pub fn rollback(&mut self, txn: u64) {
        let Some(journal) = self.open.remove(&txn) else {
            return;
        };
        for undo in journal.undo.into_iter().rev() {
            match undo {
                Undo::Inserted(id) => self.remove(&id),
                Undo::Changed(before) => {
                    if let Some(record) = self.get_mut(&before.id) {
                        *record = before;
                    }
                }
            }
        }
    }

    /// Forgets a record entirely (an insert that was rolled back never existed).
    fn remove(&mut self, id: &str) {
        let Some((object, i)) = self.index.remove(id) else {
            return;
        };
        if let Some(list) = self.by_object.get_mut(object) {
            list.remove(i);
            for (n, record) in list.iter().enumerate().skip(i) {
                self.index.insert(record.id.clone(), (object, n));
            }
        }
    }

    pub fn records(&self, object: &str) -> &[Record] {
        self.by_object.get(object).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A record by 15- or 18-character id (deleted ones included).
    pub fn get(&self, id: &str) -> Option<&Record> {
        let id = ids::canonical(id)?;
        let (object, i) = self.index.get(&id)?;
        self.by_object.get(object).map(|v| &v[*i])
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Record> {
        let id = ids::canonical(id)?;
        let (object, i) = *self.index.get(&id)?;
        self.by_object.get_mut(object).map(|v| &mut v[i])
    }

    /// Inserts a record: assigns the id, system fields, defaults and derived fields.
    pub fn insert(
        &mut self,
        object: &ObjectDef,
        fields: Map<String, Value>,
        now: i64,
        user_id: &str,
    ) -> String {
        let n = self.next;
        self.next += 1;
        let id = ids::make(object.key_prefix, &self.pod, n);
        self.insert_with_id(object, id, fields, now, user_id)
    }

    /// Inserts a record whose id is already known (users come from the config with their ids).
    pub fn insert_with_id(
        &mut self,
        object: &ObjectDef,
        id: String,
        mut fields: Map<String, Value>,
        now: i64,
        user_id: &str,
    ) -> String {
        let stamp = json!(sf_datetime(now));
        fields.insert("Id".into(), json!(id));
        fields.insert("IsDeleted".into(), json!(false));
        if object.field("OwnerId").is_some() && !fields.get("OwnerId").is_some_and(Value::is_string)
        {
            fields.insert("OwnerId".into(), json!(user_id));
        }
        for key in ["CreatedDate", "LastModifiedDate", "SystemModstamp"] {
            fields.insert(key.into(), stamp.clone());
        }
        for key in ["CreatedById", "LastModifiedById"] {
            fields.insert(key.into(), json!(user_id));
        }
        let count = self.records(object.name).len() + 1;
        for field in &object.fields {
            let value = match (field.name, field.kind) {
                ("CaseNumber", _) => json!(format!("{count:08}")),
                ("OrderNumber", _) => json!(format!("{count:08}")),
                (_, FieldType::Boolean) => json!(false),
                (_, FieldType::Picklist) if field.defaulted => json!(field.picklist[0]),
                _ => Value::Null,
            };
            fields.entry(field.name.to_string()).or_insert(value);
        }
        derive(object.name, &mut fields);
        let list = self.by_object.entry(object.name).or_default();
        list.push(Record {
            id: id.clone(),
            object: object.name,
            fields,
        });
        self.index.insert(id.clone(), (object.name, list.len() - 1));
        id
    }

    /// Applies changed fields and stamps the record as modified.
    pub fn update(&mut self, id: &str, changes: Map<String, Value>, now: i64, user_id: &str) {
        if let Some(record) = self.get_mut(id) {
            // Each save moves the stamps on, even within one millisecond (their precision):
            // clients compare them to tell whether a record changed since they read it.
            let last = record
                .get("SystemModstamp")
                .as_str()
                .and_then(parse_datetime)
                .unwrap_or(i64::MIN);
            let stamp = json!(sf_datetime(now.max(last.saturating_add(1))));
            record.fields.extend(changes);
            record
                .fields
                .insert("LastModifiedDate".into(), stamp.clone());
            record.fields.insert("SystemModstamp".into(), stamp);
            record
                .fields
                .insert("LastModifiedById".into(), json!(user_id));
            derive(record.object, &mut record.fields);
        }
    }

    pub fn count(&self, object: &str) -> usize {
        self.records(object).iter().filter(|r| !r.deleted()).count()
    }
}

/// Fields Salesforce computes from others.
fn derive(object: &str, fields: &mut Map<String, Value>) {
    let text = |fields: &Map<String, Value>, k: &str| {
        fields.get(k).and_then(Value::as_str).map(String::from)
    };
    match object {
        "Contact" | "User" => {
            let name = [text(fields, "FirstName"), text(fields, "LastName")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            fields.insert("Name".into(), json!(name));
        }
        "Opportunity" => {
            let closed = text(fields, "StageName").is_some_and(|s| s.starts_with("Closed"));
            fields.insert("IsClosed".into(), json!(closed));
        }
        "Case" => {
            let closed = text(fields, "Status").as_deref() == Some("Closed");
            fields.insert("IsClosed".into(), json!(closed));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    #[test]
    fn every_save_moves_the_stamps_on_even_within_one_millisecond() {
        let schema = Schema::standard();
        let account = schema.object("Account").unwrap();
        let mut store = Store::new("00D5i0000000001EAA");
        let now = 1_796_119_200_000; // 2026-12-01T10:00:00.000Z
        let id = store.insert(account, Map::new(), now, "0055i0000000001AAA");
        let stamp = |store: &Store, field: &str| store.get(&id).unwrap().get(field).clone();
        let mut seen = vec![stamp(&store, "SystemModstamp")];
        for _ in 0..3 {
            store.update(&id, Map::new(), now, "0055i0000000001AAA");
            assert_eq!(
                stamp(&store, "SystemModstamp"),
                stamp(&store, "LastModifiedDate")
            );
            seen.push(stamp(&store, "SystemModstamp"));
        }
        let expected = [
            "2026-12-01T10:00:00.000+0000",
            "2026-12-01T10:00:00.001+0000",
            "2026-12-01T10:00:00.002+0000",
            "2026-12-01T10:00:00.003+0000",
        ];
        assert_eq!(seen, expected.map(|s| json!(s)));
        assert_eq!(stamp(&store, "CreatedDate"), json!(expected[0]));
    }
}
