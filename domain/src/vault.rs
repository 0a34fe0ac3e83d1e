//! The secret vault: AES-256-GCM with a versioned key ring. Every ciphertext is bound to its row
//! (associated data such as `integration_settings.client_secret#42`), so a sealed value copied
//! into another row or column does not open. Sealed text: `v{key version}:{base64(nonce ‖ ct)}`.

use std::collections::BTreeMap;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit as _, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::Sha256;

use crate::entities::vault_key;
use crate::error::{DomainError, DomainResult};

const NONCE_LEN: usize = 12;
const KEY_CHECK_PLAINTEXT: &str = "sofie vault key check";
const FINGERPRINT_KEY_LABEL: &str = "sofie secret fingerprint v1";
const FINGERPRINT_BYTES: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the secret key ring is malformed: {0}")]
    MalformedKeys(String),
    #[error(
        "key version {0} sealed data in this database but is missing from SOFIE_SECRET_KEYS; refusing to start"
    )]
    MissingKey(u32),
    #[error(
        "key version {0} does not open this database's data: the key was changed; refusing to start"
    )]
    ChangedKey(u32),
    #[error("a sealed value could not be opened (wrong row, tampered, or unknown key)")]
    Open,
}

/// Where a sealed value lives; the ciphertext only opens there.
pub struct Aad(String);

impl Aad {
    pub fn new(table: &str, column: &str, row_id: i64) -> Self {
        Self(format!("{table}.{column}#{row_id}"))
    }

    /// For a value that lives outside a table row: what it is for, and what it is bound to.
    pub fn bound(purpose: &str, binding: &str) -> Self {
        Self(format!("{purpose}|{binding}"))
    }
}

pub struct Vault {
    keys: BTreeMap<u32, SecretBox<[u8; 32]>>,
    /// The highest version not marked standby: the one that seals.
    active: u32,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("versions", &self.keys.keys().collect::<Vec<_>>())
            .field("active", &self.active)
            .finish()
    }
}

impl Vault {
    /// Parses `1:<base64 32 bytes>,2:<base64 32 bytes>[:standby]`. The highest version not
    /// marked `standby` seals new data; every key opens what it sealed. A standby key lets every
    /// instance learn a new key before any of them seals with it.
    pub fn from_key_ring(ring: &SecretString) -> Result<Self, VaultError> {
        let mut keys = BTreeMap::new();
        let mut standby = Vec::new();
        for entry in ring
            .expose_secret()
            .split([',', '\n'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let (version, key) = entry.split_once(':').ok_or_else(|| {
                VaultError::MalformedKeys("each key is VERSION:BASE64, e.g. 1:AAAA…".into())
            })?;
            let (key, is_standby) = match key.split_once(':') {
                None => (key, false),
                Some((key, "standby")) => (key, true),
                Some(_) => {
                    return Err(VaultError::MalformedKeys(
                        "a key may only be followed by :standby".into(),
                    ));
                }
            };
            let version: u32 = version.trim_start_matches('v').parse().map_err(|_| {
                VaultError::MalformedKeys(format!("{version:?} is not a key version number"))
            })?;
            let bytes = STANDARD.decode(key).map_err(|_| {
                VaultError::MalformedKeys(format!("key version {version} is not base64"))
            })?;
            let key: [u8; 32] = bytes.try_into().map_err(|_| {
                VaultError::MalformedKeys(format!("key version {version} is not 32 bytes"))
            })?;
            if keys
                .insert(version, SecretBox::new(Box::new(key)))
                .is_some()
            {
                return Err(VaultError::MalformedKeys(format!(
                    "key version {version} is given twice"
                )));
            }
            if is_standby {
                standby.push(version);
            }
        }
        let active = *keys
            .keys()
            .rev()
            .find(|v| !standby.contains(v))
            .ok_or_else(|| {
                VaultError::MalformedKeys("no key given that may seal (all are standby)".into())
            })?;
        Ok(Self { keys, active })
    }

    /// The key version that seals new data.
    pub fn active_version(&self) -> u32 {
        self.active
    }

    pub fn versions(&self) -> impl Iterator<Item = u32> + '_ {
        self.keys.keys().copied()
    }

    /// A fresh key line for version `version`, marked standby: add it to every instance's ring,
    /// then drop `:standby` to seal with it.
    pub fn generate_key_line(version: u32) -> SecretString {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        SecretString::from(format!("{version}:{}:standby", STANDARD.encode(key)))
    }

    /// Opens `sealed` and seals it again with the active key, bound to the same place.
    pub fn reseal(&self, sealed: &str, aad: &Aad) -> Result<String, VaultError> {
        let plaintext = self.open(sealed, aad)?;
        Ok(self.seal(&plaintext, aad))
    }

    /// The key version a sealed value names, if it is sealed text at all.
    pub fn version_of(sealed: &str) -> Option<u32> {
        sealed.split_once(':')?.0.strip_prefix('v')?.parse().ok()
    }

    /// A fresh one-key ring in the text form `from_key_ring` reads.
    pub fn generate_key_ring() -> SecretString {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        SecretString::from(format!("1:{}", STANDARD.encode(key)))
    }

    fn cipher(&self, version: u32) -> Option<Aes256Gcm> {
        let key = self.keys.get(&version)?;
        Some(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(
            key.expose_secret(),
        )))
    }

    pub fn seal(&self, plaintext: &SecretString, aad: &Aad) -> String {
        self.seal_with(self.active, plaintext.expose_secret(), aad)
    }

    fn seal_with(&self, version: u32, plaintext: &str, aad: &Aad) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let cipher = self
            .cipher(version)
            .expect("sealing uses a key of the ring");
        let ciphertext = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: aad.0.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("v{version}:{}", STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str, aad: &Aad) -> Result<SecretString, VaultError> {
        let (version, body) = sealed.split_once(':').ok_or(VaultError::Open)?;
        let version: u32 = version
            .strip_prefix('v')
            .and_then(|v| v.parse().ok())
            .ok_or(VaultError::Open)?;
        let bytes = STANDARD.decode(body).map_err(|_| VaultError::Open)?;
        if bytes.len() <= NONCE_LEN {
            return Err(VaultError::Open);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plaintext = self
            .cipher(version)
            .ok_or(VaultError::Open)?
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.0.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Open)?;
        String::from_utf8(plaintext)
            .map(SecretString::from)
            .map_err(|_| VaultError::Open)
    }

    /// A non-reversible tag for audit logs and "a secret is set" displays: HMAC-SHA256 under a
    /// key derived from the sealing key, so nobody without the key ring can test a guessed secret
    /// against it; 96 bits, so two secrets of one organization do not collide.
    pub fn fingerprint(&self, secret: &SecretString) -> String {
        let key = self
            .keys
            .get(&self.active)
            .expect("the active key is in the ring");
        let mut derive = Hmac::<Sha256>::new_from_slice(key.expose_secret())
            .expect("HMAC takes a key of any length");
        derive.update(FINGERPRINT_KEY_LABEL.as_bytes());
        let fingerprint_key = derive.finalize().into_bytes();
        let mut mac = Hmac::<Sha256>::new_from_slice(&fingerprint_key)
            .expect("HMAC takes a key of any length");
        mac.update(secret.expose_secret().as_bytes());
        mac.finalize().into_bytes()[..FINGERPRINT_BYTES]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Refuses a ring that lost a key or whose key changed since data was sealed with it, and
    /// records a check value for each new key. Called once at start.
    pub async fn verify_against(
        &self,
        db: &DatabaseConnection,
    ) -> DomainResult<Result<(), VaultError>> {
        let stored = vault_key::Entity::find().all(db).await?;
        for row in &stored {
            let version = u32::try_from(row.version)
                .map_err(|e| DomainError::internal("a stored key version is negative", e))?;
            if !self.keys.contains_key(&version) {
                return Ok(Err(VaultError::MissingKey(version)));
            }
            if self.open(&row.check, &check_aad(version)).is_err() {
                return Ok(Err(VaultError::ChangedKey(version)));
            }
        }
        for &version in self.keys.keys() {
            if stored.iter().any(|row| row.version as u32 == version) {
                continue;
            }
            let check = self.seal_with(version, KEY_CHECK_PLAINTEXT, &check_aad(version));
            vault_key::ActiveModel {
                version: Set(version as i32),
                check: Set(check),
                created_at: Set(time::OffsetDateTime::now_utc()),
            }
            .insert(db)
            .await?;
        }
        Ok(Ok(()))
    }
}

fn check_aad(version: u32) -> Aad {
    Aad::new("vault_keys", "check", i64::from(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_vault() -> Vault {
        Vault::from_key_ring(&Vault::generate_key_ring()).unwrap()
    }

    #[test]
    fn seals_and_opens_bound_to_the_row() {
        let vault = new_vault();
        let secret = SecretString::from("s3cr3t-sentinel");
        let sealed = vault.seal(&secret, &Aad::new("t", "c", 1));
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("s3cr3t"));
        assert_eq!(
            vault
                .open(&sealed, &Aad::new("t", "c", 1))
                .unwrap()
                .expose_secret(),
            "s3cr3t-sentinel"
        );
        assert!(
            vault.open(&sealed, &Aad::new("t", "c", 2)).is_err(),
            "another row"
        );
        assert!(
            vault.open(&sealed, &Aad::new("t", "other", 1)).is_err(),
            "another column"
        );
        assert!(
            new_vault().open(&sealed, &Aad::new("t", "c", 1)).is_err(),
            "another key"
        );
        assert_ne!(
            sealed,
            vault.seal(&secret, &Aad::new("t", "c", 1)),
            "fresh nonce each time"
        );
    }

    #[test]
    fn rotation_keeps_old_data_readable() {
        let old = Vault::generate_key_ring();
        let v1 = Vault::from_key_ring(&old).unwrap();
        let sealed = v1.seal(&SecretString::from("x"), &Aad::new("t", "c", 1));
        let new = Vault::generate_key_ring();
        let ring = format!(
            "{},{}",
            old.expose_secret(),
            new.expose_secret().replacen("1:", "2:", 1)
        );
        let v2 = Vault::from_key_ring(&SecretString::from(ring)).unwrap();
        assert!(
            v2.seal(&SecretString::from("y"), &Aad::new("t", "c", 1))
                .starts_with("v2:")
        );
        assert_eq!(
            v2.open(&sealed, &Aad::new("t", "c", 1))
                .unwrap()
                .expose_secret(),
            "x"
        );
    }

    #[test]
    fn a_standby_key_opens_but_does_not_seal() {
        let old = Vault::generate_key_ring();
        let ring = format!(
            "{},{}",
            old.expose_secret(),
            Vault::generate_key_line(2).expose_secret()
        );
        let vault = Vault::from_key_ring(&SecretString::from(ring.clone())).unwrap();
        assert_eq!(vault.active_version(), 1);
        let aad = Aad::new("t", "c", 1);
        let sealed = vault.seal(&SecretString::from("x"), &aad);
        assert_eq!(Vault::version_of(&sealed), Some(1));
        let promoted =
            Vault::from_key_ring(&SecretString::from(ring.replace(":standby", ""))).unwrap();
        assert_eq!(promoted.active_version(), 2);
        let resealed = promoted.reseal(&sealed, &aad).unwrap();
        assert_eq!(Vault::version_of(&resealed), Some(2));
        assert_eq!(
            vault.open(&resealed, &aad).unwrap().expose_secret(),
            "x",
            "standby opens"
        );
        assert!(
            Vault::from_key_ring(&SecretString::from(format!(
                "{}:standby",
                old.expose_secret()
            )))
            .is_err(),
            "a ring needs a key that seals"
        );
    }

    #[test]
    fn fingerprints_are_keyed_and_long() {
        let vault = new_vault();
        let secret = SecretString::from("a guessable secret");
        let fingerprint = vault.fingerprint(&secret);
        assert_eq!(fingerprint.len(), 24);
        assert!(fingerprint.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            fingerprint,
            vault.fingerprint(&secret),
            "stable under one key"
        );
        assert_ne!(
            fingerprint,
            new_vault().fingerprint(&secret),
            "without the key ring a guess cannot be checked"
        );
        assert_ne!(
            fingerprint,
            vault.fingerprint(&SecretString::from("another secret"))
        );
    }

    #[test]
    fn malformed_rings_are_refused() {
        for bad in [
            "",
            "nokey",
            "1:notbase64!",
            "1:AAAA",
            "x:AAAA",
            "1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:retired",
        ] {
            assert!(
                Vault::from_key_ring(&SecretString::from(bad)).is_err(),
                "{bad:?}"
            );
        }
    }
}
