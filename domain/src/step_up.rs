//! Step-up: a password re-entered moments ago before a sensitive change. The record names the
//! person and the sign-in it happened in (a random nonce made at sign-in and kept in the session,
//! since the session id rotates), so it never carries over to the next person on a shared
//! browser. A change that needs step-up is parked, sealed to that person and sign-in, and
//! completed once the password is confirmed.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::error::DomainResult;
use crate::vault::{Aad, Vault};

/// A step-up counts for this many seconds after the password was entered, without sliding.
pub const WINDOW_SECS: i64 = 5 * 60;
/// A parked change waits at most this long for its password.
pub const PARKED_TTL_SECS: i64 = 15 * 60;

/// 256 random bits made at sign-in; step-up records and parked changes are bound to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInNonce(String);

impl SignInNonce {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    #[cfg(test)]
    pub(crate) fn fixed(value: &str) -> Self {
        Self(value.into())
    }
}

/// What the session proves about how its person signed in.
#[derive(Clone, Debug)]
pub struct Authn {
    pub nonce: SignInNonce,
    pub step_up: Option<StepUp>,
}

/// A successful password re-entry: by whom, in which sign-in, when (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepUp {
    pub user_id: i64,
    pub nonce: SignInNonce,
    pub at: i64,
}

impl StepUp {
    pub fn new(actor: &Actor, now: i64) -> Self {
        Self {
            user_id: actor.user.id,
            nonce: actor.authn.nonce.clone(),
            at: now,
        }
    }

    /// Whether this record proves a fresh step-up of `actor` at `now`.
    pub fn is_fresh_for(&self, actor: &Actor, now: i64) -> bool {
        self.user_id == actor.user.id
            && self.nonce == actor.authn.nonce
            && self.at <= now
            && now - self.at <= WINDOW_SECS
    }
}

impl Actor {
    pub fn has_fresh_step_up(&self, now: i64) -> bool {
        self.authn
            .step_up
            .as_ref()
            .is_some_and(|s| s.is_fresh_for(self, now))
    }
}

/// A change waiting for step-up. Its whole payload is sealed by the vault to the person and
/// sign-in that made it, so a session row holds no form value (and no secret) in clear.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Parked {
    user_id: i64,
    org_id: i64,
    parked_at: i64,
    sealed: String,
}

fn parked_aad(user_id: i64, org_id: i64, nonce: &SignInNonce) -> Aad {
    Aad::bound(
        "step_up.parked",
        &format!("user={user_id};org={org_id};sign_in={}", nonce.as_str()),
    )
}

impl Parked {
    pub fn seal<T: Serialize>(vault: &Vault, actor: &Actor, payload: &T, now: i64) -> Self {
        let json = serde_json::to_string(payload).expect("a parked change serialises");
        Self {
            user_id: actor.user.id,
            org_id: actor.org.id,
            parked_at: now,
            sealed: vault.seal(
                &SecretString::from(json),
                &parked_aad(actor.user.id, actor.org.id, &actor.authn.nonce),
            ),
        }
    }

    /// Whether this parked change belongs to `actor` here and can still be completed.
    pub fn is_for(&self, actor: &Actor, now: i64) -> bool {
        self.user_id == actor.user.id
            && self.org_id == actor.org.id
            && now - self.parked_at <= PARKED_TTL_SECS
    }

    /// The parked payload, when it was parked by `actor` in this sign-in and has not expired.
    pub fn open<T: DeserializeOwned>(
        &self,
        vault: &Vault,
        actor: &Actor,
        now: i64,
    ) -> DomainResult<Option<T>> {
        if !self.is_for(actor, now) {
            return Ok(None);
        }
        let Ok(json) = vault.open(
            &self.sealed,
            &parked_aad(self.user_id, self.org_id, &actor.authn.nonce),
        ) else {
            // Another sign-in's change, or one sealed under a retired key: it cannot be completed.
            return Ok(None);
        };
        // A payload of another kind is another page's parked change, not this one.
        Ok(serde_json::from_str(json.expose_secret()).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::tests::actor_for;

    #[test]
    fn step_up_lasts_five_minutes_for_its_person_and_sign_in_only() {
        let now = 1_000_000;
        let ann = actor_for(1, 10);
        let record = StepUp::new(&ann, now - 10);
        assert!(record.is_fresh_for(&ann, now));
        assert!(StepUp::new(&ann, now - 300).is_fresh_for(&ann, now));
        assert!(
            !StepUp::new(&ann, now - 360).is_fresh_for(&ann, now),
            "6 minutes old"
        );
        assert!(
            !StepUp::new(&ann, now + 60).is_fresh_for(&ann, now),
            "from the future"
        );
        let bob = actor_for(2, 10);
        assert!(!record.is_fresh_for(&bob, now), "another person");
        let mut ann_again = actor_for(1, 10);
        ann_again.authn.nonce = SignInNonce::generate();
        assert!(
            !record.is_fresh_for(&ann_again, now),
            "another sign-in of the same person"
        );
    }

    #[test]
    fn a_parked_change_opens_only_for_its_person_sign_in_and_organization() {
        let vault = Vault::from_key_ring(&Vault::generate_key_ring()).unwrap();
        let now = 1_000_000;
        let ann = actor_for(1, 10);
        let parked = Parked::seal(&vault, &ann, &"the payload", now);
        assert!(!parked.sealed.contains("payload"), "sealed at rest");
        let open = |actor: &Actor, at: i64| parked.open::<String>(&vault, actor, at).unwrap();
        assert_eq!(open(&ann, now + 60).as_deref(), Some("the payload"));
        assert_eq!(open(&ann, now + PARKED_TTL_SECS + 1), None, "expired");
        assert_eq!(open(&actor_for(2, 10), now), None, "another person");
        assert_eq!(open(&actor_for(1, 11), now), None, "another organization");
        let mut new_sign_in = actor_for(1, 10);
        new_sign_in.authn.nonce = SignInNonce::generate();
        assert_eq!(open(&new_sign_in, now), None, "another sign-in");
    }
}
