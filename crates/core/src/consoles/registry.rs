//! Add, edit, remove and list consoles; test a connection; build a client for one.

use fabric_ha_console::{
    ApiRole, ClientOptions, ConnectionReport, ConsoleAuth, ConsoleClient, ConsoleEndpoint, Verdict,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_store::{
    console_secret_id, get_console_in, insert_console, update_console, ConsoleFields, ConsoleRow,
};

use super::{
    block_on, now_rfc3339, ConnectionVerdict, ConsoleAuthInput, ConsoleAuthKind, ConsoleInput,
    ConsoleSummary,
};
use crate::error::{from_store, CoreError};
use crate::workspace::Workspace;

/// Longest console name and region label, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest API key accepted, in bytes.
const MAX_KEY_BYTES: usize = 256;
/// Description of the API keys created from a user name and password.
const KEY_DESCRIPTION: &str = "Fabric HA Desktop";

fn invalid(field: &str, reason: impl Into<String>) -> CoreError {
    CoreError::InvalidInput {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

fn check_label(field: &str, value: &str, required: bool) -> Result<String, CoreError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if value.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(
            field,
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}

fn check_api_key(key: &str) -> Result<String, CoreError> {
    let key = key.trim();
    if key.is_empty() {
        return Err(invalid("apiKey", "must not be empty"));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(invalid(
            "apiKey",
            format!("must be at most {MAX_KEY_BYTES} bytes"),
        ));
    }
    if key.contains(':') || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(
            "apiKey",
            "must not contain ':', spaces or control characters",
        ));
    }
    Ok(key.to_owned())
}

/// What an input resolves to before anything is stored.
struct Checked {
    fields: ConsoleFields,
    credentials: Credentials,
}

/// Credentials to store.
enum Credentials {
    /// Keep what is stored (edit without auth).
    Keep,
    /// Store this key and secret.
    Key(String, Sensitive<String>),
    /// Store this IBM Cloud API key and IAM token endpoint.
    Iam(Sensitive<String>, String),
}

/// An IBM Cloud API key: printable, without spaces.
fn check_iam_api_key(key: Sensitive<String>) -> Result<Sensitive<String>, CoreError> {
    let trimmed = key.expose().trim();
    if trimmed.is_empty() {
        return Err(invalid("iamApiKey", "must not be empty"));
    }
    if trimmed.len() > MAX_KEY_BYTES {
        return Err(invalid(
            "iamApiKey",
            format!("must be at most {MAX_KEY_BYTES} bytes"),
        ));
    }
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(
            "iamApiKey",
            "must not contain spaces or control characters",
        ));
    }
    Ok(if trimmed.len() == key.expose().len() {
        key
    } else {
        Sensitive::new(trimmed.to_owned())
    })
}

/// IAM's token endpoint: an `https://` URL without user, query or fragment; IBM Cloud's when
/// not given.
fn check_token_url(url: Option<String>) -> Result<String, CoreError> {
    let Some(url) = url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) else {
        return Ok(fabric_ha_console::IBM_CLOUD_IAM_TOKEN_URL.to_owned());
    };
    let parsed = url::Url::parse(&url).map_err(|e| invalid("tokenUrl", e.to_string()))?;
    if parsed.scheme() != "https" {
        return Err(invalid("tokenUrl", "must be an https:// URL"));
    }
    if parsed.host_str().unwrap_or("").is_empty()
        || !parsed.username().is_empty()
        || parsed.password().is_some()
        || parsed.query().is_some()
        || parsed.fragment().is_some()
    {
        return Err(invalid(
            "tokenUrl",
            "must be https://host[:port]/path, without user, query or fragment",
        ));
    }
    Ok(url)
}

/// `stored_ca` is the console's current extra CA on edit: `ca_cert_pem: None` keeps it, an empty
/// string removes it.
fn check_input(
    input: ConsoleInput,
    sandbox: bool,
    adding: bool,
    stored_ca: Option<String>,
) -> Result<Checked, CoreError> {
    let name = check_label("name", &input.name, true)?;
    let region = check_label("region", &input.region, false)?;
    let url = input.url.trim().to_owned();
    let ca_cert_pem = match input.ca_cert_pem {
        None => stored_ca,
        Some(p) => Some(p.trim().to_owned()).filter(|p| !p.is_empty()),
    };
    let endpoint = |ca: Option<String>| ConsoleEndpoint {
        url: url.clone(),
        auth: ConsoleAuth::key(String::new(), Sensitive::new(String::new())),
        extra_ca_pem: ca,
    };
    // The client checks the URL and the CA text exactly as it will use them.
    let reason = |e: fabric_ha_console::ConsoleError| match e {
        fabric_ha_console::ConsoleError::InvalidInput { message } => message,
        other => other.to_string(),
    };
    ConsoleClient::new(endpoint(None), ClientOptions::default())
        .map_err(|e| invalid("url", reason(e)))?;
    if ca_cert_pem.is_some() {
        ConsoleClient::new(endpoint(ca_cert_pem.clone()), ClientOptions::default())
            .map_err(|e| invalid("caCertPem", reason(e)))?;
    }
    let normalized = url.trim_end_matches('/').to_owned();
    let credentials = match input.auth {
        None if adding => {
            return Err(invalid(
                "auth",
                "an API key and secret (or a user name and password, or an IBM Cloud API key) are needed to add a console",
            ))
        }
        None => Credentials::Keep,
        Some(ConsoleAuthInput::ApiKey {
            api_key,
            api_secret,
        }) => {
            let key = check_api_key(&api_key)?;
            if api_secret.expose().is_empty() {
                return Err(invalid("apiSecret", "must not be empty"));
            }
            Credentials::Key(key, api_secret)
        }
        Some(ConsoleAuthInput::Iam {
            iam_api_key,
            token_url,
        }) => Credentials::Iam(check_iam_api_key(iam_api_key)?, check_token_url(token_url)?),
        Some(ConsoleAuthInput::Password { username, password }) => {
            let username = username.trim().to_owned();
            if username.is_empty() {
                return Err(invalid("username", "must not be empty"));
            }
            if password.expose().is_empty() {
                return Err(invalid("password", "must not be empty"));
            }
            let client =
                ConsoleClient::new(endpoint(ca_cert_pem.clone()), ClientOptions::default())?;
            let key = block_on(client.create_api_key_with_password(
                &username,
                &password,
                &[ApiRole::Reader, ApiRole::Writer, ApiRole::Manager],
                KEY_DESCRIPTION,
            ))??;
            tracing::info!(console = %name, api_key = %key.api_key, "created an API key with the console user");
            Credentials::Key(key.api_key, key.api_secret)
        }
    };
    Ok(Checked {
        fields: ConsoleFields {
            name,
            region,
            url: normalized,
            api_key: String::new(),
            iam_token_url: None,
            ca_cert_pem,
            sandbox,
        },
        credentials,
    })
}

fn summary(row: &ConsoleRow) -> ConsoleSummary {
    ConsoleSummary {
        name: row.name.clone(),
        region: row.region.clone(),
        url: row.url.clone(),
        encrypted: row.url.to_ascii_lowercase().starts_with("https://"),
        auth: if row.iam_token_url.is_some() {
            ConsoleAuthKind::Iam
        } else {
            ConsoleAuthKind::ApiKey
        },
        api_key: row.api_key.clone(),
        iam_token_url: row.iam_token_url.clone(),
        has_extra_ca: row.ca_cert_pem.is_some(),
        sandbox: row.sandbox,
        last_verdict: row
            .last_verdict
            .as_deref()
            .and_then(|v| serde_json::from_str(v).ok()),
        added_at: row.added_at.clone(),
    }
}

fn verdict_of(report: &ConnectionReport) -> ConnectionVerdict {
    let fix = report.verdict.fix();
    ConnectionVerdict {
        code: report.verdict.code().to_owned(),
        ok: matches!(
            report.verdict,
            Verdict::Ready | Verdict::ImportOnly | Verdict::CannotCreate
        ),
        sentence: report.verdict.sentence(),
        fix: (!fix.is_empty()).then(|| fix.to_owned()),
        version: report.settings.as_ref().and_then(|s| s.version()),
        import_only: report.settings.as_ref().map(|s| s.is_import_only()),
        auth_scheme: report.settings.as_ref().map(|s| s.auth_scheme.clone()),
        tested_at: now_rfc3339(),
    }
}

impl Workspace {
    /// Every registered console, by name.
    pub fn consoles(&self) -> Result<Vec<ConsoleSummary>, CoreError> {
        Ok(self
            .store()
            .list_consoles()
            .map_err(from_store)?
            .iter()
            .map(summary)
            .collect())
    }

    /// Registers a console. With a user name and password, an API key is created with the
    /// console first and stored instead; the password is never stored. The secret goes into
    /// the encrypted vault in the same transaction as the row.
    pub fn add_console(&self, input: ConsoleInput) -> Result<ConsoleSummary, CoreError> {
        self.add_console_as(input, false)
    }

    /// Registers a console started by `fabric-ha sandbox` (labelled as such). A stale sandbox
    /// console of the same name (left by a run that did not exit cleanly) is replaced; any
    /// other console of that name is not.
    pub fn add_sandbox_console(&self, input: ConsoleInput) -> Result<ConsoleSummary, CoreError> {
        let name = input.name.trim().to_owned();
        match self.store().get_console(&name).map_err(from_store)? {
            Some(row) if row.sandbox => self.update_console_as(&name, input, true),
            _ => self.add_console_as(input, true),
        }
    }

    fn add_console_as(
        &self,
        input: ConsoleInput,
        sandbox: bool,
    ) -> Result<ConsoleSummary, CoreError> {
        let name = check_label("name", &input.name, true)?;
        if self
            .store()
            .get_console(&name)
            .map_err(from_store)?
            .is_some()
        {
            return Err(CoreError::ConsoleExists { name });
        }
        let Checked {
            mut fields,
            credentials,
        } = check_input(input, sandbox, true, None)?;
        let secret = match credentials {
            Credentials::Key(api_key, secret) => {
                fields.api_key = api_key;
                secret
            }
            Credentials::Iam(key, token_url) => {
                fields.iam_token_url = Some(token_url);
                key
            }
            Credentials::Keep => {
                return Err(CoreError::Internal(
                    "a new console has no credentials".into(),
                ))
            }
        };
        self.with_vault(|vault, store| {
            store
                .try_with_tx(|tx| {
                    if get_console_in(tx, &fields.name)?.is_some() {
                        return Ok(None);
                    }
                    let id = insert_console(tx, &fields)?;
                    vault.put_in_tx(
                        store,
                        tx,
                        &console_secret_id(id),
                        secret.expose().as_bytes(),
                    )?;
                    Ok(Some(()))
                })
                .map_err(from_store)
        })?
        .ok_or_else(|| CoreError::ConsoleExists {
            name: fields.name.clone(),
        })?;
        tracing::info!(console = %fields.name, url = %fields.url, sandbox, "console added");
        self.console_summary(&fields.name)
    }

    /// Changes a console's settings; `input.auth == None` keeps the stored credentials. The
    /// last connection verdict is cleared.
    pub fn update_console(
        &self,
        name: &str,
        input: ConsoleInput,
    ) -> Result<ConsoleSummary, CoreError> {
        let sandbox = self.console_row(name)?.sandbox;
        self.update_console_as(name, input, sandbox)
    }

    fn update_console_as(
        &self,
        name: &str,
        input: ConsoleInput,
        sandbox: bool,
    ) -> Result<ConsoleSummary, CoreError> {
        let row = self.console_row(name)?;
        let Checked {
            mut fields,
            credentials,
        } = check_input(input, sandbox, false, row.ca_cert_pem.clone())?;
        if fields.name != row.name
            && self
                .store()
                .get_console(&fields.name)
                .map_err(from_store)?
                .is_some()
        {
            return Err(CoreError::ConsoleExists { name: fields.name });
        }
        let secret = match credentials {
            Credentials::Keep => {
                fields.api_key = row.api_key.clone();
                fields.iam_token_url = row.iam_token_url.clone();
                None
            }
            Credentials::Key(key, secret) => {
                fields.api_key = key;
                Some(secret)
            }
            Credentials::Iam(key, token_url) => {
                fields.iam_token_url = Some(token_url);
                Some(key)
            }
        };
        let write = |vault: Option<&fabric_ha_store::Vault>| {
            self.store()
                .try_with_tx(|tx| {
                    update_console(tx, row.id, &fields)?;
                    if let (Some(vault), Some(secret)) = (vault, &secret) {
                        vault.put_in_tx(
                            self.store(),
                            tx,
                            &console_secret_id(row.id),
                            secret.expose().as_bytes(),
                        )?;
                    }
                    Ok(())
                })
                .map_err(from_store)
        };
        if secret.is_some() {
            self.with_vault(|vault, _| write(Some(vault)))?;
        } else {
            write(None)?;
        }
        self.console_cache().forget(&row.name);
        tracing::info!(console = %fields.name, "console updated");
        self.console_summary(&fields.name)
    }

    /// Removes a console and its stored secret.
    pub fn remove_console(&self, name: &str) -> Result<(), CoreError> {
        if !self.store().remove_console(name).map_err(from_store)? {
            return Err(CoreError::ConsoleUnknown {
                name: name.to_owned(),
            });
        }
        self.console_cache().forget(name);
        tracing::info!(console = %name, "console removed");
        Ok(())
    }

    /// Tests the console and its key (public settings, then authenticated calls) and stores
    /// the verdict, which [`Workspace::consoles`] shows from then on.
    pub fn test_console(&self, name: &str) -> Result<ConnectionVerdict, CoreError> {
        let row = self.console_row(name)?;
        let client = self.console_client(&row)?;
        let report = block_on(client.test_connection())?;
        let verdict = verdict_of(&report);
        let json =
            serde_json::to_string(&verdict).map_err(|e| CoreError::Internal(e.to_string()))?;
        self.store()
            .set_console_verdict(row.id, &json)
            .map_err(from_store)?;
        tracing::info!(console = %name, verdict = %verdict.code, "console tested");
        Ok(verdict)
    }

    fn console_summary(&self, name: &str) -> Result<ConsoleSummary, CoreError> {
        Ok(summary(&self.console_row(name)?))
    }

    /// The stored row of console `name`.
    pub(crate) fn console_row(&self, name: &str) -> Result<ConsoleRow, CoreError> {
        self.store()
            .get_console(name)
            .map_err(from_store)?
            .ok_or_else(|| CoreError::ConsoleUnknown {
                name: name.to_owned(),
            })
    }

    /// A client for a stored console (its secret read from the vault).
    pub(crate) fn console_client(&self, row: &ConsoleRow) -> Result<ConsoleClient, CoreError> {
        let secret = self.with_vault(|vault, store| {
            vault
                .get_str(store, &console_secret_id(row.id))
                .map_err(from_store)
        })?;
        Ok(ConsoleClient::new(
            ConsoleEndpoint {
                url: row.url.clone(),
                auth: match &row.iam_token_url {
                    Some(token_url) => ConsoleAuth::Iam {
                        api_key: secret,
                        token_url: token_url.clone(),
                    },
                    None => ConsoleAuth::key(row.api_key.clone(), secret),
                },
                extra_ca_pem: row.ca_cert_pem.clone(),
            },
            ClientOptions::default(),
        )?
        .with_name(&row.name))
    }
}
