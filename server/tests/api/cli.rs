//! The operator's command line, run as the real binary against a fresh database.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use domain::vault::Vault;
use secrecy::ExposeSecret;

use crate::helpers::fresh_database_url;

/// The `sofie` binary, pointed at one database and key ring.
pub struct Sofie {
    database_url: String,
    keys: String,
    env: Vec<(String, String)>,
}

impl Sofie {
    pub async fn new() -> Self {
        Self {
            database_url: fresh_database_url().await,
            keys: Vault::generate_key_ring().expose_secret().to_string(),
            env: Vec::new(),
        }
    }

    /// The binary against a running test app's database.
    pub fn on(database_url: &str, keys: &secrecy::SecretString) -> Self {
        Self {
            database_url: database_url.to_string(),
            keys: keys.expose_secret().to_string(),
            env: Vec::new(),
        }
    }

    /// One more environment variable for every run.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sofie"))
            .args(args)
            .env("SOFIE_DATABASE_URL", &self.database_url)
            .env("SOFIE_SECRET_KEYS", &self.keys)
            .env("RUST_LOG", "error")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        child.wait_with_output().unwrap()
    }

    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_with(args, None)
    }

    fn ok_with(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(args, stdin);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "sofie {args:?} failed: {stderr}");
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must fail; returns its one-line error.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args, Some("a good long password\n"));
        assert!(!out.status.success(), "sofie {args:?} should fail");
        let stderr = String::from_utf8(out.stderr).unwrap();
        let errors: Vec<_> = stderr.lines().filter(|l| l.starts_with("error")).collect();
        assert_eq!(errors.len(), 1, "one line saying what is wrong: {stderr}");
        errors[0].to_string()
    }
}

#[tokio::test]
async fn an_operator_sets_up_an_organization() {
    let sofie = Sofie::new().await;
    assert!(sofie.ok(&["migrate"]).contains("up to date"));
    assert!(
        sofie
            .ok(&["admin", "org", "create", "Acme Corp"])
            .contains("slug acme-corp")
    );
    let created = sofie.ok_with(
        &[
            "admin",
            "user",
            "create",
            "ann@acme.example",
            "--name",
            "Ann",
        ],
        Some("a good long password\n"),
    );
    assert!(
        created.contains("created user ann@acme.example (Ann)") && !created.contains("password"),
        "{created}"
    );
    let generated = sofie.ok(&["admin", "user", "create", "bob@acme.example"]);
    assert!(
        generated.contains("password (shown once): "),
        "stdin is not a pipe here: {generated}"
    );
    sofie.ok(&[
        "admin",
        "member",
        "add",
        "acme-corp",
        "ann@acme.example",
        "admin",
    ]);
    sofie.ok(&[
        "admin",
        "member",
        "add",
        "Acme Corp",
        "bob@acme.example",
        "member",
    ]);
    sofie.ok(&["admin", "group", "create", "acme-corp", "Sales"]);
    sofie.ok(&[
        "admin",
        "group",
        "add",
        "acme-corp",
        "Sales",
        "bob@acme.example",
        "admin",
    ]);
    let features = sofie.ok(&[
        "admin",
        "features",
        "acme-corp",
        "--integrations",
        "on",
        "--salesforce",
        "on",
    ]);
    assert!(
        features.contains("integrations on, salesforce on"),
        "{features}"
    );
    let list = sofie.ok(&["admin", "list"]);
    for line in [
        "organization Acme Corp (slug acme-corp): integrations on, salesforce on",
        "  member ann@acme.example admin",
        "  member bob@acme.example member",
        "  group Sales",
        "    bob@acme.example admin",
    ] {
        assert!(list.contains(line), "missing {line:?} in:\n{list}");
    }
}

#[tokio::test]
async fn operator_mistakes_get_one_clear_line() {
    let sofie = Sofie::new().await;
    sofie.ok(&["admin", "org", "create", "Acme"]);
    sofie.ok_with(
        &["admin", "user", "create", "ann@acme.example"],
        Some("a good long password"),
    );
    let cases: [(&[&str], &str); 10] = [
        (
            &["admin", "user", "create", "ann@acme.example"],
            "already exists",
        ),
        (&["admin", "user", "create", "not-an-email"], "email"),
        (&["admin", "org", "create", "Acme"], "already exists"),
        (&["admin", "org", "create", "   "], "enter a name"),
        (
            &[
                "admin",
                "member",
                "add",
                "nope",
                "ann@acme.example",
                "admin",
            ],
            "organization \"nope\" not found",
        ),
        (
            &[
                "admin",
                "member",
                "add",
                "acme",
                "zed@acme.example",
                "admin",
            ],
            "user \"zed@acme.example\" not found",
        ),
        (
            &["admin", "member", "add", "acme", "ann@acme.example", "king"],
            "not an organization role",
        ),
        (
            &[
                "admin",
                "group",
                "add",
                "acme",
                "Nope",
                "ann@acme.example",
                "member",
            ],
            "group \"Nope\"",
        ),
        (&["admin", "features", "acme"], "say what to change"),
        (
            &["admin", "org", "create", &"x".repeat(101)],
            "at most 100 characters",
        ),
    ];
    for (args, expected) in cases {
        let line = sofie.fails(args);
        assert!(line.contains(expected), "sofie {args:?}: {line}");
    }
    sofie.ok(&["admin", "group", "create", "acme", "Sales"]);
    let not_member = sofie.fails(&[
        "admin",
        "group",
        "add",
        "acme",
        "Sales",
        "ann@acme.example",
        "member",
    ]);
    assert!(
        not_member.contains("add them to the organization first"),
        "{not_member}"
    );
    let short = sofie.run(
        &["admin", "user", "create", "cat@acme.example"],
        Some("short\n"),
    );
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
}
