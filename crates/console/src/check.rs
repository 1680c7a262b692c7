//! "Test connection": one call that tells the user whether a console is usable for the HA
//! procedure, and what to do when it is not.

use reqwest::Method;
use serde_json::json;

use crate::client::ConsoleClient;
use crate::error::ConsoleError;
use crate::models::{ApiRole, PublicSettings};

/// The outcome of [`ConsoleClient::test_connection`].
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// The key can import and create, and the console has a deployer.
    Ready,
    /// The key can import, but the console has no deployer: peers cannot be created here.
    ImportOnly,
    /// The key can import but not create peers (it lacks the manager role).
    CannotCreate,
    /// The key can only read.
    ReaderOnly,
    /// The console cannot be used (unreachable, untrusted TLS, not a console, wrong key, ...).
    Failed(ConsoleError),
}

impl Verdict {
    /// A stable identifier: `ready`, `import_only`, `cannot_create`, `reader_only`, or the
    /// error's [`ConsoleError::code`].
    pub fn code(&self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::ImportOnly => "import_only",
            Self::CannotCreate => "cannot_create",
            Self::ReaderOnly => "reader_only",
            Self::Failed(e) => e.code(),
        }
    }

    /// A human sentence.
    pub fn sentence(&self) -> String {
        match self {
            Self::Ready => "Connected: this key can import components and create peers.".into(),
            Self::ImportOnly => "Connected, but this console is import-only: it cannot create peers, only import them.".into(),
            Self::CannotCreate => "Connected: this key can import components but cannot create peers.".into(),
            Self::ReaderOnly => "Connected, but this API key can only read: it cannot import or create anything.".into(),
            Self::Failed(e) => e.to_string(),
        }
    }

    /// What to do about it (empty when nothing needs doing).
    pub fn fix(&self) -> &'static str {
        match self {
            Self::Ready => "",
            Self::ImportOnly => "Create the redundant peers in a console that has a deployer; use this one for imports.",
            Self::CannotCreate => "Use an API key with the manager role to create peers here.",
            Self::ReaderOnly => "Create an API key with the writer role (manager to create peers) and use it here.",
            Self::Failed(e) => e.fix(),
        }
    }
}

/// What the connection test found.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionReport {
    /// The console URL.
    pub url: String,
    /// False for plain `http://`.
    pub encrypted: bool,
    /// The public settings, when the console answered them.
    pub settings: Option<PublicSettings>,
    /// The highest role the key was seen to have (`None` when the key was not accepted, or
    /// the test stopped before).
    pub role: Option<ApiRole>,
    /// The verdict.
    pub verdict: Verdict,
}

/// The key's write permission, found with an import that cannot succeed.
enum ImportProbe {
    Allowed,
    Denied,
}

impl ConsoleClient {
    /// Tests the console and the key, in this order: reachable and trusted, a console at all
    /// (public settings), key accepted (a read), key may import, console has a deployer, key
    /// may create.
    ///
    /// The import check posts `{}` to `/ak/api/v3/components/msp`, which the console rejects
    /// with 400 for a writer (nothing is stored) and 401/403 for a reader; it counts against
    /// the console's write rate limit once. The manager check reads `/ak/api/v3/health`, which
    /// needs the manager role (§1.4).
    pub async fn test_connection(&self) -> ConnectionReport {
        let mut report = ConnectionReport {
            url: self.url().to_owned(),
            encrypted: self.is_encrypted(),
            settings: None,
            role: None,
            verdict: Verdict::Ready,
        };
        let settings = match self.public_settings().await {
            Ok(s) => s,
            Err(e) => return report.with(Verdict::Failed(e)),
        };
        let import_only = settings.is_import_only();

        let scheme = settings.auth_scheme.clone();
        let iam = scheme.eq_ignore_ascii_case("iam");
        report.settings = Some(settings);
        match self.probe(Method::GET, "/ak/api/v3/components", None).await {
            Ok(_) => {}
            // An IBM Cloud console refuses every console key, and a software console every
            // IAM token: say why, not "wrong key".
            Err(ConsoleError::Unauthorized { message }) if iam && !self.uses_iam() => {
                return report.with(Verdict::Failed(ConsoleError::IamOnly { message }));
            }
            Err(ConsoleError::Unauthorized { message }) if !iam && self.uses_iam() => {
                return report.with(Verdict::Failed(ConsoleError::NotIam { scheme, message }));
            }
            Err(e) => return report.with(Verdict::Failed(e)),
        }
        report.role = Some(ApiRole::Reader);

        let import = match self
            .probe(Method::POST, "/ak/api/v3/components/msp", Some(&json!({})))
            .await
        {
            Ok(_) | Err(ConsoleError::Server { status: 400, .. }) => ImportProbe::Allowed,
            Err(ConsoleError::Unauthorized { .. } | ConsoleError::Forbidden { .. }) => {
                ImportProbe::Denied
            }
            Err(e) => return report.with(Verdict::Failed(e)),
        };
        if let ImportProbe::Denied = import {
            return report.with(Verdict::ReaderOnly);
        }
        report.role = Some(ApiRole::Writer);
        if import_only {
            return report.with(Verdict::ImportOnly);
        }

        match self.probe(Method::GET, "/ak/api/v3/health", None).await {
            Ok(_) => {
                report.role = Some(ApiRole::Manager);
                report.with(Verdict::Ready)
            }
            Err(ConsoleError::Unauthorized { .. } | ConsoleError::Forbidden { .. }) => {
                report.with(Verdict::CannotCreate)
            }
            // The route is missing or failing: the role cannot be told, so do not block the
            // user; a create without the role still fails clearly with `Forbidden`.
            Err(_) => report.with(Verdict::Ready),
        }
    }
}

impl ConnectionReport {
    fn with(mut self, verdict: Verdict) -> Self {
        self.verdict = verdict;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_have_codes_sentences_and_fixes() {
        let all = [
            Verdict::Ready,
            Verdict::ImportOnly,
            Verdict::CannotCreate,
            Verdict::ReaderOnly,
            Verdict::Failed(ConsoleError::Unauthorized {
                message: "Unauthorized".into(),
            }),
        ];
        let codes: Vec<&str> = all.iter().map(Verdict::code).collect();
        assert_eq!(
            codes,
            [
                "ready",
                "import_only",
                "cannot_create",
                "reader_only",
                "console_unauthorized"
            ]
        );
        for v in &all[1..] {
            assert!(!v.fix().is_empty());
        }
        assert!(all[4].sentence().contains("Unauthorized"));
    }
}
