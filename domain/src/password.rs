//! Password hashing with Argon2id at the OWASP parameters (m=19456 KiB, t=2, p=1).
//! Hashing is CPU-bound: it runs on the blocking pool, at most one per core at a time, so a burst
//! of sign-ins cannot starve the async workers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::SaltString,
};
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use crate::error::DomainError;
use crate::names::NewPassword;

/// Passwords longer than this are refused before hashing: Argon2 cost must not depend on input.
const MAX_CANDIDATE_LEN: usize = 1024;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified against when the email is unknown, so both answers take the same time.
    dummy_hash: Arc<str>,
    /// Argon2 verifications run so far, so a test can prove an unknown email costs one too.
    verifications: Arc<AtomicU64>,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("OWASP Argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> Result<String, DomainError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| DomainError::internal("hashing a password failed", e))
}

/// What a successful verification learned about the stored hash.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    Current,
    /// The hash uses weaker or other parameters; store this new hash.
    Rehashed(String),
}

impl Passwords {
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let dummy = hash_now("dummy password for unknown accounts")
            .expect("hashing a constant password works");
        Self {
            permits: Arc::new(Semaphore::new(cores)),
            dummy_hash: dummy.into(),
            verifications: Arc::default(),
        }
    }

    pub async fn hash(&self, password: &NewPassword) -> Result<String, DomainError> {
        let password = password.secret().clone();
        self.blocking(move || hash_now(password.expose_secret()))
            .await?
    }

    /// Verifies `candidate` against `stored`, or against a dummy hash when there is no account,
    /// so unknown emails and wrong passwords cost the same.
    pub async fn verify(
        &self,
        stored: Option<String>,
        candidate: &SecretString,
    ) -> Result<Option<Verified>, DomainError> {
        if candidate.expose_secret().len() > MAX_CANDIDATE_LEN {
            return Ok(None);
        }
        let candidate = candidate.clone();
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.to_string());
        let verifications = self.verifications.clone();
        self.blocking(move || {
            let parsed = PasswordHash::new(&hash)
                .map_err(|e| DomainError::internal("a stored password hash is malformed", e))?;
            let password = candidate.expose_secret();
            // Verify first, whoever the account: skipping Argon2 for unknown emails would let the
            // response time tell which accounts exist.
            verifications.fetch_add(1, Ordering::Relaxed);
            let matches = argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            if !(known && matches) {
                return Ok(None);
            }
            if is_current(&parsed) {
                Ok(Some(Verified::Current))
            } else {
                hash_now(password).map(|new| Some(Verified::Rehashed(new)))
            }
        })
        .await?
    }

    /// How many Argon2 verifications this instance has run.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, DomainError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| DomainError::internal("password hashing is shut down", e))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| DomainError::internal("password hashing task failed", e))
    }
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

fn is_current(hash: &PasswordHash<'_>) -> bool {
    hash.algorithm.as_str() == "argon2id"
        && Params::try_from(hash)
            .is_ok_and(|p| p.m_cost() == 19_456 && p.t_cost() == 2 && p.p_cost() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_password(s: &str) -> NewPassword {
        NewPassword::parse(SecretString::from(s)).unwrap()
    }

    #[tokio::test]
    async fn hashes_with_owasp_parameters_and_verifies() {
        let passwords = Passwords::new();
        let hash = passwords
            .hash(&new_password("correct horse battery"))
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        let ok = passwords
            .verify(
                Some(hash.clone()),
                &SecretString::from("correct horse battery"),
            )
            .await
            .unwrap();
        assert_eq!(ok, Some(Verified::Current));
        let wrong = passwords
            .verify(Some(hash), &SecretString::from("wrong horse battery"))
            .await
            .unwrap();
        assert_eq!(wrong, None);
        let unknown = passwords
            .verify(
                None,
                &SecretString::from("dummy password for unknown accounts"),
            )
            .await
            .unwrap();
        assert_eq!(unknown, None, "the dummy hash never signs anybody in");
    }

    /// SECURITY-BAR item 37: an unknown email runs one Argon2 verification, as a wrong password does.
    #[tokio::test]
    async fn unknown_emails_cost_one_verification_like_wrong_passwords() {
        let passwords = Passwords::new();
        let hash = passwords
            .hash(&new_password("correct horse battery"))
            .await
            .unwrap();
        let before = passwords.verifications();
        passwords
            .verify(Some(hash), &SecretString::from("a wrong password"))
            .await
            .unwrap();
        assert_eq!(passwords.verifications(), before + 1, "wrong password");
        passwords
            .verify(None, &SecretString::from("a wrong password"))
            .await
            .unwrap();
        assert_eq!(passwords.verifications(), before + 2, "unknown email");
    }

    #[tokio::test]
    async fn weaker_hashes_are_upgraded_on_sign_in() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(b"an old password!", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        let outcome = Passwords::new()
            .verify(Some(weak), &SecretString::from("an old password!"))
            .await
            .unwrap();
        match outcome {
            Some(Verified::Rehashed(new)) => {
                assert!(new.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"))
            }
            other => panic!("expected a rehash, got {other:?}"),
        }
    }
}
