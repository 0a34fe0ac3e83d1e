//! The secret vault: AES-256-GCM with a versioned key ring. Every ciphertext is bound to its row
//! (associated data such as `integration_settings.client_secret#42`), so a sealed value copied
//! into another row or column does not open. Sealed text: `v{key version}:{base64(nonce ‖ ct)}`.

use std::collections::BTreeMap;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use rand::rngs::OsRng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::{Digest, Sha256};

use crate::entities::vault_key;
use crate::error::{DomainError, DomainResult};

const NONCE_LEN: usize = 12;
const KEY_CHECK_PLAINTEXT: &str = "sofie vault key check";

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
}

pub struct Vault {
    keys: BTreeMap<u32, SecretBox<[u8; 32]>>,
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
    /// Parses `1:<base64 32 bytes>,2:<base64 32 bytes>`; the highest version seals new data.
    pub fn from_key_ring(ring: &SecretString) -> Result<Self, VaultError> {
        let mut keys = BTreeMap::new();
        for entry in ring
            .expose_secret()
            .split([',', '\n'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let (version, key) = entry.split_once(':').ok_or_else(|| {
                VaultError::MalformedKeys("each key is VERSION:BASE64, e.g. 1:AAAA…".into())
            })?;
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
        }
        let active = *keys
            .keys()
            .next_back()
            .ok_or_else(|| VaultError::MalformedKeys("no key given".into()))?;
        Ok(Self { keys, active })
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

    /// A short, non-reversible tag for audit logs and "a secret is set" displays.
    pub fn fingerprint(secret: &SecretString) -> String {
        let digest = Sha256::digest(secret.expose_secret().as_bytes());
        digest[..4].iter().map(|b| format!("{b:02x}")).collect()
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
                .map_err(|_| DomainError::Internal("negative key version".into()))?;
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
    fn malformed_rings_are_refused() {
        for bad in [
            "",
            "nokey",
            "1:notbase64!",
            "1:AAAA",
            "x:AAAA",
            "1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ] {
            assert!(
                Vault::from_key_ring(&SecretString::from(bad)).is_err(),
                "{bad:?}"
            );
        }
    }
}
