//! When each describe last changed, for `Last-Modified` and `If-Modified-Since`.
//!
//! A change stamps the object (metadata, for everyone), the object for one profile (field or
//! object permissions) or the object in one org (sharing). A describe's `Last-Modified` is the
//! newest stamp that applies to it; describeGlobal's is the newest over all objects. HTTP dates
//! have whole seconds, so every stamp is later than all earlier ones (`max(now, last + 1 s)`):
//! two changes in one second still both move it.

use std::collections::HashMap;

use crate::clock::now_ms;
use crate::config::Profile;

/// 2025-01-06T09:00:00Z: the seeded metadata's date (the seed records start there too).
pub const SEEDED_SECS: i64 = 1_736_154_000;

pub struct Revisions {
    last: i64,
    objects: HashMap<&'static str, i64>,
    profiles: HashMap<(Profile, &'static str), i64>,
    orgs: HashMap<(String, &'static str), i64>,
}

impl Revisions {
    pub fn new() -> Self {
        Revisions {
            last: SEEDED_SECS,
            objects: HashMap::new(),
            profiles: HashMap::new(),
            orgs: HashMap::new(),
        }
    }

    fn next(&mut self) -> i64 {
        self.last = (now_ms() / 1000).max(self.last + 1);
        self.last
    }

    /// The object's metadata changed (a field added, a label renamed): everyone's describe moves.
    pub fn touch_object(&mut self, object: &'static str) -> i64 {
        let at = self.next();
        self.objects.insert(object, at);
        at
    }

    /// A profile's permissions on these objects changed.
    pub fn touch_profile(&mut self, profile: Profile, objects: &[&'static str]) -> i64 {
        let at = self.next();
        for object in objects {
            self.profiles.insert((profile, *object), at);
        }
        at
    }

    /// An org's sharing settings for the object changed.
    pub fn touch_org(&mut self, org_id: &str, object: &'static str) -> i64 {
        let at = self.next();
        self.orgs.insert((org_id.to_string(), object), at);
        at
    }

    /// `Last-Modified` (whole seconds) of one object's describe for a user of `org_id`.
    pub fn object(&self, org_id: &str, profile: Profile, object: &str) -> i64 {
        let own = [
            self.objects.get(object),
            self.profiles.get(&(profile, object)),
            self.orgs
                .iter()
                .find(|((org, o), _)| org == org_id && *o == object)
                .map(|(_, at)| at),
        ];
        own.into_iter()
            .flatten()
            .copied()
            .fold(SEEDED_SECS, i64::max)
    }

    /// `Last-Modified` of describeGlobal: the newest change to any object this user sees.
    pub fn global(&self, org_id: &str, profile: Profile) -> i64 {
        let objects = self.objects.values();
        let profiles = self
            .profiles
            .iter()
            .filter(|((p, _), _)| *p == profile)
            .map(|(_, at)| at);
        let orgs = self
            .orgs
            .iter()
            .filter(|((org, _), _)| org == org_id)
            .map(|(_, at)| at);
        objects
            .chain(profiles)
            .chain(orgs)
            .copied()
            .fold(SEEDED_SECS, i64::max)
    }
}
