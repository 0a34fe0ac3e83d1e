//! The describe cache: describeGlobal and each object's describe, per connection (two people see
//! different objects and fields), with the `Last-Modified` Salesforce sent. An entry younger than
//! the configured age is used as it is; an older one, or one read under another token generation
//! (a refresh or reconnect, possibly by another server process), is revalidated with
//! `If-Modified-Since`, so a 304 costs no body. Bounded by bytes, least recently used first out.
//!
//! What is kept is the domain's own compact view (the catalog, [`ObjectDetail`]), not
//! Salesforce's whole payload: a describe's many unused keys would cost several times its JSON
//! size in memory.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lru::LruCache;
use salesforce::rest::{Conditional, DescribeGlobal, SObjectDescribe};
use time::OffsetDateTime;

use super::{Catalog, ObjectDetail};
use crate::connections::ConnectionRef;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum What {
    Global,
    /// Lower-cased API name: Salesforce names are case-insensitive.
    Object(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    connection: i64,
    /// A reconnect may be as another Salesforce user, whose view must never be reused.
    sf_user_id: String,
    what: What,
}

#[derive(Clone)]
enum Value {
    Global(Arc<Catalog>),
    Object(Arc<ObjectDetail>),
}

struct Entry {
    value: Value,
    last_modified: Option<OffsetDateTime>,
    checked_at: Instant,
    generation: i64,
    bytes: usize,
}

/// What the cache holds for a key, and whether it may be used without asking Salesforce.
pub enum Lookup<T> {
    Fresh(Arc<T>),
    /// Ask Salesforce with `If-Modified-Since`; a 304 means `value` still holds.
    Revalidate {
        value: Arc<T>,
        since: OffsetDateTime,
    },
    Miss,
}

/// Counters for the benchmark and the tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: usize,
    pub bytes: usize,
}

pub struct DescribeCache {
    max_age: Duration,
    max_bytes: usize,
    inner: Mutex<Inner>,
}

struct Inner {
    entries: LruCache<Key, Entry>,
    bytes: usize,
}

impl DescribeCache {
    pub fn new(max_age: Duration, max_bytes: usize) -> Self {
        DescribeCache {
            max_age,
            max_bytes,
            inner: Mutex::new(Inner {
                entries: LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }

    pub fn stats(&self) -> CacheStats {
        let inner = self.inner.lock().expect("describe cache poisoned");
        CacheStats {
            entries: inner.entries.len(),
            bytes: inner.bytes,
        }
    }

    /// Forgets everything of one connection (it was disconnected or reconnected here).
    pub fn forget_connection(&self, connection: i64) {
        let mut inner = self.inner.lock().expect("describe cache poisoned");
        let keys: Vec<Key> = inner
            .entries
            .iter()
            .filter(|(k, _)| k.connection == connection)
            .map(|(k, _)| k.clone())
            .collect();
        for key in keys {
            if let Some(entry) = inner.entries.pop(&key) {
                inner.bytes -= entry.bytes;
            }
        }
    }

    pub fn global(&self, c: &ConnectionRef) -> Lookup<Catalog> {
        self.lookup(key(c, What::Global), c.generation, |v| match v {
            Value::Global(g) => Some(g.clone()),
            Value::Object(_) => None,
        })
    }

    pub fn object(&self, c: &ConnectionRef, name: &str) -> Lookup<ObjectDetail> {
        self.lookup(object_key(c, name), c.generation, |v| match v {
            Value::Object(o) => Some(o.clone()),
            Value::Global(_) => None,
        })
    }

    /// Stores what Salesforce answered (a body or a 304) and returns the value to use.
    pub fn settle_global(
        &self,
        c: &ConnectionRef,
        answer: Conditional<DescribeGlobal>,
        previous: Option<Arc<Catalog>>,
    ) -> Option<Arc<Catalog>> {
        let answer = map(answer, |g| Catalog::from(&g));
        self.settle(
            key(c, What::Global),
            c.generation,
            answer,
            previous,
            Value::Global,
        )
    }

    pub fn settle_object(
        &self,
        c: &ConnectionRef,
        name: &str,
        answer: Conditional<SObjectDescribe>,
        previous: Option<Arc<ObjectDetail>>,
    ) -> Option<Arc<ObjectDetail>> {
        let answer = map(answer, |d| ObjectDetail::from(&d));
        self.settle(
            object_key(c, name),
            c.generation,
            answer,
            previous,
            Value::Object,
        )
    }

    fn lookup<T>(
        &self,
        key: Key,
        generation: i64,
        pick: impl Fn(&Value) -> Option<Arc<T>>,
    ) -> Lookup<T> {
        let mut inner = self.inner.lock().expect("describe cache poisoned");
        let Some(entry) = inner.entries.get(&key) else {
            return Lookup::Miss;
        };
        let Some(value) = pick(&entry.value) else {
            return Lookup::Miss;
        };
        if entry.generation == generation && entry.checked_at.elapsed() < self.max_age {
            return Lookup::Fresh(value);
        }
        match entry.last_modified {
            Some(since) => Lookup::Revalidate { value, since },
            None => Lookup::Miss,
        }
    }

    fn settle<T: serde::Serialize>(
        &self,
        key: Key,
        generation: i64,
        answer: Conditional<T>,
        previous: Option<Arc<T>>,
        wrap: impl Fn(Arc<T>) -> Value,
    ) -> Option<Arc<T>> {
        let mut inner = self.inner.lock().expect("describe cache poisoned");
        match answer {
            Conditional::NotModified => {
                let entry = inner.entries.get_mut(&key)?;
                entry.checked_at = Instant::now();
                entry.generation = generation;
                previous
            }
            Conditional::Modified {
                value,
                last_modified,
            } => {
                // Measured once, on insert: strings dominate, and each also costs its header.
                let json = serde_json::to_vec(&value).map_or(0, |v| v.len());
                let bytes = json * HEAP_PER_JSON_BYTE + KEY_OVERHEAD;
                let value = Arc::new(value);
                if let Some(old) = inner.entries.pop(&key) {
                    inner.bytes -= old.bytes;
                }
                if bytes <= self.max_bytes {
                    inner.bytes += bytes;
                    inner.entries.put(
                        key,
                        Entry {
                            value: wrap(value.clone()),
                            last_modified,
                            checked_at: Instant::now(),
                            generation,
                            bytes,
                        },
                    );
                    while inner.bytes > self.max_bytes {
                        match inner.entries.pop_lru() {
                            Some((_, evicted)) => inner.bytes -= evicted.bytes,
                            None => break,
                        }
                    }
                }
                Some(value)
            }
        }
    }
}

/// The key, the entry's bookkeeping and the map's slot, roughly.
const KEY_OVERHEAD: usize = 160;
/// Heap bytes of a view per byte of its JSON, as `scripts/bench-workspace.sh` measures it.
const HEAP_PER_JSON_BYTE: usize = 2;

fn map<T, U>(answer: Conditional<T>, f: impl FnOnce(T) -> U) -> Conditional<U> {
    match answer {
        Conditional::Modified {
            value,
            last_modified,
        } => Conditional::Modified {
            value: f(value),
            last_modified,
        },
        Conditional::NotModified => Conditional::NotModified,
    }
}

fn key(c: &ConnectionRef, what: What) -> Key {
    Key {
        connection: c.id,
        sf_user_id: c.sf_user_id.clone(),
        what,
    }
}

fn object_key(c: &ConnectionRef, name: &str) -> Key {
    key(c, What::Object(name.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(id: i64, generation: i64) -> ConnectionRef {
        ConnectionRef {
            id,
            generation,
            sf_org_id: "00D".into(),
            sf_user_id: "005".into(),
        }
    }

    fn global(names: &[&str]) -> DescribeGlobal {
        serde_json::from_value(serde_json::json!({
            "sobjects": names.iter().map(|n| serde_json::json!({"name": n})).collect::<Vec<_>>()
        }))
        .unwrap()
    }

    fn modified(names: &[&str]) -> Conditional<DescribeGlobal> {
        Conditional::Modified {
            value: global(names),
            last_modified: Some(OffsetDateTime::UNIX_EPOCH),
        }
    }

    #[test]
    fn fresh_then_revalidate_after_age_or_new_generation() {
        let cache = DescribeCache::new(Duration::from_secs(60), 1 << 20);
        assert!(matches!(cache.global(&conn(1, 0)), Lookup::Miss));
        cache.settle_global(&conn(1, 0), modified(&["Account"]), None);
        assert!(matches!(cache.global(&conn(1, 0)), Lookup::Fresh(_)));
        // Another connection never sees it; a new token generation must ask again.
        assert!(matches!(cache.global(&conn(2, 0)), Lookup::Miss));
        let Lookup::Revalidate { value, .. } = cache.global(&conn(1, 1)) else {
            panic!("a new generation revalidates");
        };
        let kept = cache.settle_global(&conn(1, 1), Conditional::NotModified, Some(value));
        assert_eq!(kept.unwrap().objects[0].info.name, "Account");
        assert!(matches!(cache.global(&conn(1, 1)), Lookup::Fresh(_)));

        let stale = DescribeCache::new(Duration::ZERO, 1 << 20);
        stale.settle_global(&conn(1, 0), modified(&["Account"]), None);
        assert!(matches!(
            stale.global(&conn(1, 0)),
            Lookup::Revalidate { .. }
        ));
    }

    #[test]
    fn bounded_by_bytes_least_recently_used_out() {
        let catalog = Catalog::from(&global(&["Account"]));
        let one = serde_json::to_vec(&catalog).unwrap().len() * HEAP_PER_JSON_BYTE + KEY_OVERHEAD;
        let cache = DescribeCache::new(Duration::from_secs(60), one * 2);
        for id in 1..=3 {
            cache.settle_global(&conn(id, 0), modified(&["Account"]), None);
            if id == 2 {
                // Connection 1 was used last, so 2 goes first.
                assert!(matches!(cache.global(&conn(1, 0)), Lookup::Fresh(_)));
            }
        }
        assert_eq!(cache.stats().entries, 2);
        assert!(cache.stats().bytes <= one * 2);
        assert!(matches!(cache.global(&conn(2, 0)), Lookup::Miss));
        assert!(matches!(cache.global(&conn(1, 0)), Lookup::Fresh(_)));
        cache.forget_connection(1);
        assert_eq!(cache.stats().entries, 1);
    }
}
