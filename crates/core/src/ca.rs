//! Fabric CAs from the app (reference `console-api.md` §5): `cainfo`, enroll into the wallet,
//! register, list identities, and the console's "Associate identity".
//!
//! - **Which CA**: a library CA artifact (id or display name) gives the URL, the CA names and
//!   the TLS pin (`msp.component.tls_cert`); a plain URL needs the CA's TLS certificate, unless
//!   a library CA has that `api_url`. The connection is never unverified.
//! - **Which CA inside the server**: the name given, else the library CA's from its file;
//!   for a URL no library CA has, no name is sent (as `fabric-ca-client` without `--caname`),
//!   so the server's default CA answers, and its name comes back from `cainfo` and enroll.
//! - **Enroll** stores the identity in the wallet the way an imported identity file is stored
//!   (the console's identity file shape, private key only in the encrypted vault), with the CA
//!   chain the CA reported kept beside it.
//! - **Register** signs with a wallet identity (the registrar, by default the identity
//!   associated with the library CA). A secret not given is generated (32 random bytes,
//!   base64url). The secret is kept in the vault for a later enroll without retyping it.
//! - **Errors** keep the CA's code and message verbatim, with a fix in `details`.
//!
//! Like the console calls, these block the calling thread on the core's runtime: do not call
//! them from inside an async task.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use fabric_ha_artifacts::{self as artifacts, Artifact, CaArtifact, Cert, ReadOptions, Severity};
use fabric_ha_fabric_ca::{
    self as fca, CaError, CaErrorKind, CaIdentity, ClientOptions, EnrollRequest, FabricCaClient,
    ReenrollRequest, RegisterRoute, RegistrationRequest, TlsPin,
};
use fabric_ha_sensitive::{SecretBytes, Sensitive};
use fabric_ha_store::{insert_artifact, insert_enrollment, replace_identity, EnrollmentRow};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroize as _;

use crate::consoles::block_on;
use crate::error::{from_store, CoreError, ErrorCode};
use crate::library::{
    artifact_row, private_key_secret_id, rehydrate, unix_now, ImportStatus, LibraryItem,
};
use crate::workspace::Workspace;

/// The CA name used for a library CA whose file names none (console-deployed CAs answer to
/// `ca` and `tlsca`). A URL no library CA has gets no name: the server's default CA.
pub const DEFAULT_CA_NAME: &str = "ca";

/// Which CA to talk to.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CaTarget {
    /// A library CA (its id or display name), or the CA server's `https://` URL.
    pub ca: String,
    /// The CA inside the server (`?ca=`, e.g. `ca` or `tlsca`); default: the library CA's
    /// `ca_name`; for a URL no library CA has, none is sent and the server's default CA
    /// answers.
    #[serde(default)]
    pub ca_name: Option<String>,
    /// The CA's TLS certificate to pin (PEM, or base64 of PEM); default: the library CA's
    /// `msp.component.tls_cert`. Needed for a URL no library CA has.
    #[serde(default)]
    pub tls_cert: Option<String>,
}

impl CaTarget {
    /// A target by library CA or URL, with defaults for the CA name and the pin.
    pub fn new(ca: impl Into<String>) -> CaTarget {
        CaTarget {
            ca: ca.into(),
            ..CaTarget::default()
        }
    }
}

/// One certificate of a CA chain, as the CA page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CaChainCert {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// End of validity (RFC 3339).
    pub expires_at: String,
}

/// What `cainfo` reports about one CA of a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CaInfoView {
    /// The CA server URL.
    pub url: String,
    /// The CA name (`CAName`).
    pub ca_name: String,
    /// The server's version (`Version`; may be empty).
    pub version: String,
    /// The CA chain, PEM (root first, as the CA sends it).
    pub ca_chain_pem: String,
    /// The chain's certificates.
    pub chain: Vec<CaChainCert>,
    /// The library CA this URL belongs to, if any.
    pub library_ca: Option<String>,
}

/// Node OU type of a new identity. Register an organization's admin as `admin` so peers with
/// Node OUs treat it as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CaIdentityType {
    /// A peer.
    Peer,
    /// A client application or user.
    Client,
    /// An organization administrator.
    Admin,
    /// An ordering node.
    Orderer,
}

impl CaIdentityType {
    /// The type as the CA names it.
    pub fn as_str(self) -> &'static str {
        match self {
            CaIdentityType::Peer => "peer",
            CaIdentityType::Client => "client",
            CaIdentityType::Admin => "admin",
            CaIdentityType::Orderer => "orderer",
        }
    }
}

impl std::str::FromStr for CaIdentityType {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "peer" => Ok(CaIdentityType::Peer),
            "client" => Ok(CaIdentityType::Client),
            "admin" => Ok(CaIdentityType::Admin),
            "orderer" => Ok(CaIdentityType::Orderer),
            other => Err(invalid(
                "type",
                format!("{other:?} is not one of peer, client, admin, orderer"),
            )),
        }
    }
}

/// An attribute of a CA identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CaAttribute {
    /// Name, e.g. `hf.Registrar.Roles` or an application attribute.
    pub name: String,
    /// Value.
    pub value: String,
    /// Whether it goes into enrollment certificates by default.
    #[serde(default)]
    pub ecert: bool,
}

/// An enrollment into the wallet.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CaEnrollInput {
    /// The CA.
    pub target: CaTarget,
    /// The enroll id.
    pub enroll_id: String,
    /// The enroll secret; `None` uses the secret this workspace stored when it registered
    /// the id.
    #[ts(type = "string | null")]
    pub enroll_secret: Option<Sensitive<String>>,
    /// Name of the new wallet identity (unique in the wallet).
    pub wallet_name: String,
    /// Host names or IP addresses for the certificate (TLS enrollments).
    #[serde(default)]
    pub hosts: Vec<String>,
}

/// A reenrollment of a wallet identity.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CaReenrollInput {
    /// The wallet identity (id or name).
    pub identity: String,
    /// The CA that issued it; `None`: where this workspace enrolled it.
    #[serde(default)]
    pub target: Option<CaTarget>,
    /// Host names or IP addresses for the new certificate (TLS identities).
    #[serde(default)]
    pub hosts: Vec<String>,
}

/// A reenrolled wallet identity: the new one, stored under the same wallet name, and the one
/// it replaced (gone from the wallet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CaReenrolled {
    /// The new wallet identity.
    pub identity: LibraryItem,
    /// Library id of the identity it replaced.
    pub replaced: String,
    /// When the replaced certificate expires (RFC 3339).
    pub previous_expires_at: String,
    /// The CA that issued the new certificate.
    pub ca_name: String,
}

/// A registration.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CaRegisterInput {
    /// The CA.
    pub target: CaTarget,
    /// The registrar: a wallet identity (id or name); default: the identity associated with
    /// the library CA.
    #[serde(default)]
    pub registrar: Option<String>,
    /// The new enroll id.
    pub enroll_id: String,
    /// Its type.
    pub identity_type: CaIdentityType,
    /// Its secret; `None` generates a strong one (32 random bytes, base64url).
    #[ts(type = "string | null")]
    pub enroll_secret: Option<Sensitive<String>>,
    /// How often it may enroll; `None` for the CA's default, -1 for unlimited.
    #[serde(default)]
    pub max_enrollments: Option<i32>,
    /// Affiliation; `None` for the registrar's.
    #[serde(default)]
    pub affiliation: Option<String>,
    /// Extra attributes.
    #[serde(default)]
    pub attributes: Vec<CaAttribute>,
}

/// What a registration returns inside the app. The secret never crosses IPC: see
/// [`CaRegistered`].
#[derive(Debug)]
pub struct CaRegistration {
    /// The enroll id.
    pub enroll_id: String,
    /// Its type.
    pub identity_type: CaIdentityType,
    /// The enroll secret (the one given, or the one generated).
    pub enroll_secret: Sensitive<String>,
    /// True when the secret was generated here.
    pub secret_generated: bool,
}

/// A registration as the window learns of it: no secret (it is kept encrypted in the
/// workspace, and a later enroll of this id uses it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CaRegistered {
    /// The enroll id.
    pub enroll_id: String,
    /// Its type.
    pub identity_type: CaIdentityType,
    /// True when the secret was generated here.
    pub secret_generated: bool,
}

impl From<&CaRegistration> for CaRegistered {
    fn from(r: &CaRegistration) -> Self {
        CaRegistered {
            enroll_id: r.enroll_id.clone(),
            identity_type: r.identity_type,
            secret_generated: r.secret_generated,
        }
    }
}

/// An identity registered at a CA, as its users table shows it (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CaUser {
    /// Enroll id.
    pub id: String,
    /// Type (`peer`, `client`, `admin`, `orderer`, `user`, ...).
    #[serde(rename = "type")]
    pub identity_type: String,
    /// Affiliation.
    pub affiliation: String,
    /// Maximum enrollments (-1 unlimited).
    pub max_enrollments: i32,
    /// Attributes, including the `hf.*` ones.
    pub attributes: Vec<CaAttribute>,
}

/// How to associate an identity with a library CA, as the console's "Associate identity".
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum CaAssociationInput {
    /// Enroll with an id and secret into a new wallet identity.
    Enroll {
        /// The enroll id (e.g. the CA's bootstrap admin).
        #[serde(rename = "enrollId")]
        enroll_id: String,
        /// Its secret.
        #[serde(rename = "enrollSecret")]
        #[ts(type = "string")]
        enroll_secret: Sensitive<String>,
        /// Name of the new wallet identity.
        #[serde(rename = "walletName")]
        wallet_name: String,
    },
    /// Use an identity already in the wallet.
    Wallet {
        /// Its id or name.
        identity: String,
    },
}

fn invalid(field: &str, reason: impl Into<String>) -> CoreError {
    CoreError::InvalidInput {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// The stable code of a CA failure.
pub(crate) fn error_code(err: &CaError) -> ErrorCode {
    match err {
        CaError::InvalidInput { .. } => ErrorCode::InvalidInput,
        CaError::Unreachable { .. } => ErrorCode::CaUnreachable,
        CaError::TlsUntrusted { .. } => ErrorCode::CaTlsUntrusted,
        CaError::Timeout { .. } => ErrorCode::CaTimeout,
        CaError::InvalidResponse { .. } => ErrorCode::CaInvalidResponse,
        CaError::Ca { kind, .. } => match kind {
            CaErrorKind::AuthenticationFailure => ErrorCode::CaAuthenticationFailure,
            CaErrorKind::AuthorizationFailure => ErrorCode::CaAuthorizationFailure,
            CaErrorKind::AlreadyRegistered => ErrorCode::CaAlreadyRegistered,
            CaErrorKind::CnMismatch => ErrorCode::CaCnMismatch,
            CaErrorKind::CaNotFound => ErrorCode::CaNotFound,
            CaErrorKind::NotFound => ErrorCode::CaIdentityNotFound,
            CaErrorKind::PasswordAttemptsExceeded => ErrorCode::CaIdentityLocked,
            CaErrorKind::InvalidMaxEnrollments
            | CaErrorKind::NoAuthorizationHeader
            | CaErrorKind::BadRequest => ErrorCode::CaBadRequest,
            CaErrorKind::Other => ErrorCode::CaServerError,
        },
    }
}

/// What to do about a CA failure.
fn fix(err: &CaError) -> &'static str {
    match err {
        CaError::InvalidInput { .. } => "Correct the value and try again.",
        CaError::Unreachable { .. } => {
            "Check the CA's URL and port, and that this computer can reach it (VPN, proxy, firewall)."
        }
        CaError::TlsUntrusted { .. } => {
            "Pin the CA's current TLS certificate: re-import the CA's file from its console, or give the certificate (--tls-cert)."
        }
        CaError::Timeout { .. } => "Try again; check the network to the CA if it keeps happening.",
        CaError::InvalidResponse { .. } => {
            "Check that the URL is the Fabric CA's API address (not its operations address)."
        }
        CaError::Ca { kind, .. } => match kind {
            CaErrorKind::AuthenticationFailure => {
                "Check the enroll id and secret (the CA does not say which is wrong; an identity that used up its enrollments is refused the same way). For register and identities, use a registrar enrolled at this CA."
            }
            CaErrorKind::AuthorizationFailure => {
                "Use a registrar whose hf.Registrar.Roles include this type (the CA's bootstrap admin has all)."
            }
            CaErrorKind::AlreadyRegistered => {
                "Choose another enroll id, or enroll the existing one with its secret."
            }
            CaErrorKind::CnMismatch => {
                "Enroll with the identity's own enroll id; the certificate's common name must equal it."
            }
            CaErrorKind::CaNotFound => {
                "Check the CA name: console-deployed CAs answer to 'ca' (enrollment) and 'tlsca' (TLS); a standalone fabric-ca-server answers to its own name, or to no name at all (its default CA: leave --ca-name out)."
            }
            CaErrorKind::NotFound => "Check the enroll id; list the CA's identities to see them.",
            CaErrorKind::PasswordAttemptsExceeded => {
                "Ask the CA's administrator to reset the identity's secret."
            }
            CaErrorKind::InvalidMaxEnrollments => {
                "Lower max enrollments to what the CA allows (or use the CA's default)."
            }
            CaErrorKind::NoAuthorizationHeader | CaErrorKind::BadRequest => {
                "Check the values sent; the CA's message says what it refused."
            }
            CaErrorKind::Other => "The CA's message says what went wrong; check its log if unclear.",
        },
    }
}

/// `details` of a CA failure: the fix, and the CA's status, code and message verbatim.
pub(crate) fn error_details(err: &CaError) -> serde_json::Value {
    let mut details = serde_json::json!({ "fix": fix(err) });
    match err {
        CaError::Ca {
            status,
            code,
            message,
            ..
        } => {
            details["status"] = (*status).into();
            details["caCode"] = (*code).into();
            details["caMessage"] = message.clone().into();
        }
        CaError::Unreachable { url, .. }
        | CaError::TlsUntrusted { url, .. }
        | CaError::Timeout { url, .. } => details["url"] = url.clone().into(),
        CaError::InvalidInput { .. } | CaError::InvalidResponse { .. } => {}
    }
    details
}

/// How the wallet names the CA of an identity enrolled at a CA the library has no file of.
pub(crate) fn enrolled_ca_label(ca_name: &str, url: &str) -> String {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| {
                format!(
                    "{h}{}",
                    u.port().map(|p| format!(":{p}")).unwrap_or_default()
                )
            })
        })
        .unwrap_or_else(|| url.to_owned());
    format!("{ca_name} at {host}")
}

/// An enrollment stored in the wallet, with the CA that answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaEnrolled {
    /// The new wallet identity.
    #[serde(flatten)]
    pub identity: LibraryItem,
    /// The name of the CA that issued the certificate (the answer's `ServerInfo.CAName`): the
    /// server's default CA when no name was sent.
    pub ca_name: String,
}

/// A CA to call: where, which CA name (`None`: the server's default CA), the pin, and the
/// library CA it came from.
struct Resolved {
    url: String,
    ca_name: Option<String>,
    pin: TlsPin,
    library: Option<(String, CaArtifact)>,
}

impl Resolved {
    /// The CA name for logs.
    fn ca_name_shown(&self) -> &str {
        self.ca_name.as_deref().unwrap_or("(default)")
    }

    fn client(&self) -> Result<FabricCaClient, CoreError> {
        Ok(FabricCaClient::new(
            &self.url,
            &self.pin,
            ClientOptions::default(),
        )?)
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

fn cert_pem(cert: &Cert) -> String {
    artifacts::der_to_pem("CERTIFICATE", cert.der())
}

/// The PEM blocks of a chain, each with its parsed certificate.
fn chain_certs(pem: &str) -> Vec<Cert> {
    const END: &str = "-----END CERTIFICATE-----";
    pem.split_inclusive(END)
        .filter(|block| block.contains("-----BEGIN CERTIFICATE-----"))
        .filter_map(|block| Cert::from_pem(block.trim()).ok())
        .collect()
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

/// The vault id of an enroll secret this workspace registered.
fn enroll_secret_id(url: &str, enroll_id: &str) -> String {
    format!("ca/{}/enroll_secret/{enroll_id}", url.trim_end_matches('/'))
}

/// A strong enroll secret: 32 random bytes from the OS, base64url without padding.
fn generate_secret() -> Sensitive<String> {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    bytes.zeroize();
    Sensitive::new(secret)
}

fn non_empty(field: &str, value: &str) -> Result<String, CoreError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    Ok(trimmed.to_owned())
}

/// An enrollment read as the identity file `<wallet_name>_identity.json` the console would
/// download for it, with the same checks as any imported file.
fn enrolled_identity(
    wallet_name: &str,
    enrollment: &fca::Enrollment,
    now: i64,
) -> artifacts::FileReport {
    let file = format!("{wallet_name}_identity.json");
    let bytes = identity_file(
        wallet_name,
        &enrollment.cert_pem,
        &enrollment.private_key_pem,
    );
    artifacts::read_json_with(&file, bytes.expose(), &ReadOptions::at(now))
}

/// The console identity file (§4.3) of an enrollment, as bytes kept secret.
fn identity_file(name: &str, cert_pem: &str, key_pem: &Sensitive<String>) -> SecretBytes {
    let mut key_b64 = STANDARD.encode(key_pem.expose().trim_end().as_bytes());
    let mut value = serde_json::json!({
        "cert": artifacts::to_b64pem(cert_pem.trim_end()),
        "name": name,
        "private_key": key_b64.clone(),
        "type": "identity",
    });
    key_b64.zeroize();
    let bytes = SecretBytes::from(artifacts::to_console_json(&value));
    if let Some(serde_json::Value::String(key)) = value.get_mut("private_key") {
        key.zeroize();
    }
    bytes
}

impl Workspace {
    /// The library's CA artifacts with their ids.
    fn library_cas(&self) -> Result<Vec<(String, CaArtifact)>, CoreError> {
        let rows = self
            .store()
            .list_artifacts(Some("ca"))
            .map_err(from_store)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            if let Artifact::Ca(ca) = rehydrate(&row, None)? {
                out.push((row.id, ca));
            }
        }
        Ok(out)
    }

    /// The library CA named by id or display name.
    fn library_ca(&self, wanted: &str) -> Result<(String, CaArtifact), CoreError> {
        let cas = self.library_cas()?;
        if let Some(found) = cas.iter().find(|(id, _)| id == wanted) {
            return Ok(found.clone());
        }
        let mut named = cas.iter().filter(|(_, ca)| ca.display_name() == wanted);
        match (named.next(), named.next()) {
            (Some(one), None) => Ok(one.clone()),
            (Some(_), Some(_)) => Err(invalid(
                "ca",
                format!("several library CAs are named {wanted:?}; give the id instead"),
            )),
            // A console's component id (`org1ca`) is the usual mistake: say what there is.
            (None, _) if cas.is_empty() => Err(invalid(
                "ca",
                format!(
                    "no library CA has the id or name {wanted:?}: the library holds no CA; \
                     import the CA's console file first (`artifact import`), or give the \
                     CA's https URL"
                ),
            )),
            (None, _) => Err(invalid(
                "ca",
                format!(
                    "no library CA has the id or name {wanted:?}; the library's CAs: {}; or \
                     give the CA's https URL",
                    cas.iter()
                        .map(|(id, ca)| format!("{id} ({:?})", ca.display_name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    fn resolve(&self, target: &CaTarget) -> Result<Resolved, CoreError> {
        let wanted = target.ca.trim();
        if wanted.is_empty() {
            return Err(invalid("ca", "give a library CA (id or name) or a CA URL"));
        }
        // The CA names the library's files give this server, when it has any.
        let (url, library, pins, library_names) = if is_url(wanted) {
            let url = wanted.trim_end_matches('/').to_owned();
            let same: Vec<(String, CaArtifact)> = self
                .library_cas()?
                .into_iter()
                .filter(|(_, ca)| ca.api_url().trim_end_matches('/') == url)
                .collect();
            let pins: Vec<String> = same.iter().map(|(_, ca)| cert_pem(ca.tls_cert())).collect();
            let mut names: Vec<String> =
                same.iter().map(|(_, ca)| ca.ca_name().to_owned()).collect();
            names.sort();
            names.dedup();
            let library = match <[_; 1]>::try_from(same) {
                Ok([one]) => Some(one),
                Err(_) => None,
            };
            (url, library, pins, names)
        } else {
            let (id, ca) = self.library_ca(wanted)?;
            let url = ca.api_url().trim_end_matches('/').to_owned();
            let pins = vec![cert_pem(ca.tls_cert())];
            let names = vec![ca.ca_name().to_owned()];
            (url, Some((id, ca)), pins, names)
        };
        let pin = match target.tls_cert.as_deref().map(str::trim) {
            Some(given) if !given.is_empty() => {
                TlsPin::from_pem(given).map_err(|e| invalid("tlsCert", e.to_string()))?
            }
            _ if !pins.is_empty() => {
                TlsPin::from_pems(pins.iter().map(String::as_str)).map_err(CoreError::from)?
            }
            _ => {
                return Err(invalid(
                    "tlsCert",
                    format!(
                        "no library CA has the URL {url}: give the CA's TLS certificate (--tls-cert), or import the CA's file first; the connection to a CA is always verified"
                    ),
                ))
            }
        };
        let given = target
            .ca_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        let ca_name = match (given, library_names.as_slice()) {
            (Some(given), _) => Some(given),
            // A URL no library CA has: send no name, the server's default CA answers.
            (None, []) => None,
            // A library CA: the name from its file (all its files, when several have the URL).
            (None, [one]) if !one.trim().is_empty() => Some(one.trim().to_owned()),
            (None, _) => Some(DEFAULT_CA_NAME.to_owned()),
        };
        Ok(Resolved {
            url,
            ca_name,
            pin,
            library,
        })
    }

    /// The wallet identity named by id or name, as a token signer.
    fn wallet_signer(&self, wanted: &str) -> Result<CaIdentity, CoreError> {
        let (id, cert_b64) = self.wallet_identity(wanted)?;
        let key = self.with_vault(|vault, store| {
            vault
                .get_str(store, &private_key_secret_id(&id))
                .map_err(from_store)
        })?;
        CaIdentity::from_pem(&cert_b64, &key).map_err(|e| {
            invalid(
                "registrar",
                format!(
                    "wallet identity {id} cannot sign CA requests (a P-256 key is needed): {e}"
                ),
            )
        })
    }

    /// Id and certificate (b64pem) of the wallet identity named by id or name.
    fn wallet_identity(&self, wanted: &str) -> Result<(String, String), CoreError> {
        let rows = self
            .store()
            .list_artifacts(Some("identity"))
            .map_err(from_store)?;
        let row = rows
            .iter()
            .find(|r| r.id == wanted)
            .or_else(|| rows.iter().find(|r| r.display_name == wanted))
            .ok_or_else(|| CoreError::NotFound {
                what: format!("wallet identity {wanted:?}"),
            })?;
        let body: serde_json::Value = serde_json::from_str(&row.body).map_err(|e| {
            CoreError::Storage(format!("stored identity {} is unreadable: {e}", row.id))
        })?;
        let cert = body
            .get("cert")
            .and_then(|v| v.as_str())
            .ok_or_else(|| CoreError::Storage(format!("stored identity {} has no cert", row.id)))?
            .to_owned();
        Ok((row.id.clone(), cert))
    }

    /// The registrar to sign with: the one named, else the library CA's associated identity.
    fn registrar(&self, named: Option<&str>, ca: &Resolved) -> Result<CaIdentity, CoreError> {
        if let Some(name) = named.map(str::trim).filter(|n| !n.is_empty()) {
            return self.wallet_signer(name);
        }
        let associated = match &ca.library {
            Some((id, _)) => self.store().ca_association(id).map_err(from_store)?,
            None => None,
        };
        match associated {
            Some(identity) => self.wallet_signer(&identity),
            None => Err(invalid(
                "registrar",
                "name the registrar (a wallet identity enrolled at this CA), or associate an identity with the CA first",
            )),
        }
    }

    /// `cainfo` of a CA.
    pub fn ca_info(&self, target: &CaTarget) -> Result<CaInfoView, CoreError> {
        let ca = self.resolve(target)?;
        let client = ca.client()?;
        let info = block_on(client.cainfo(ca.ca_name.as_deref()))??;
        let chain = chain_certs(&info.ca_chain_pem)
            .iter()
            .map(|c| CaChainCert {
                subject: c.subject().to_owned(),
                issuer: c.issuer().to_owned(),
                expires_at: rfc3339(c.not_after()),
            })
            .collect();
        Ok(CaInfoView {
            url: ca.url,
            ca_name: info.ca_name,
            version: info.version,
            ca_chain_pem: info.ca_chain_pem,
            chain,
            library_ca: ca.library.map(|(id, _)| id),
        })
    }

    /// Enrolls at a CA and stores the identity in the wallet (private key encrypted), with the
    /// CA chain beside it. Nothing is asked of the CA when the wallet name is taken or secrets
    /// are locked.
    pub fn ca_enroll(&self, input: CaEnrollInput) -> Result<LibraryItem, CoreError> {
        self.ca_enroll_answered(input).map(|e| e.identity)
    }

    /// [`Workspace::ca_enroll`], also returning the name of the CA that answered (with no CA
    /// name sent, the server's default CA names itself).
    pub fn ca_enroll_answered(&self, input: CaEnrollInput) -> Result<CaEnrolled, CoreError> {
        let wallet_name = non_empty("walletName", &input.wallet_name)?;
        let enroll_id = non_empty("enrollId", &input.enroll_id)?;
        let taken = self
            .store()
            .list_artifacts(Some("identity"))
            .map_err(from_store)?
            .into_iter()
            .find(|r| r.display_name == wallet_name);
        if let Some(row) = taken {
            return Err(invalid(
                "walletName",
                format!(
                    "an identity named {wallet_name:?} is already in the wallet ({}); wallet names are unique",
                    row.id
                ),
            ));
        }
        let ca = self.resolve(&input.target)?;
        // The key is stored encrypted: make sure that is possible before the CA counts an
        // enrollment.
        let stored_secret = self.with_vault(|vault, store| {
            if input.enroll_secret.is_some() {
                return Ok(None);
            }
            let id = enroll_secret_id(&ca.url, &enroll_id);
            if vault.contains(store, &id).map_err(from_store)? {
                vault.get_str(store, &id).map(Some).map_err(from_store)
            } else {
                Ok(None)
            }
        })?;
        let secret = match (input.enroll_secret, stored_secret) {
            (Some(given), _) => given,
            (None, Some(stored)) => stored,
            (None, None) => {
                return Err(invalid(
                    "enrollSecret",
                    format!(
                    "give the enroll secret of {enroll_id:?} (this workspace did not register it)"
                ),
                ))
            }
        };
        let hosts: Vec<String> = input
            .hosts
            .iter()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .collect();
        let mut request = EnrollRequest::at_default_ca(enroll_id.clone(), secret);
        request.ca_name = ca.ca_name.clone();
        request.hosts = hosts;
        let client = ca.client()?;
        let enrollment = block_on(client.enroll(&request))??;
        tracing::info!(url = %ca.url, ca_name = %enrollment.ca_name, asked = ca.ca_name_shown(),
            enroll_id = %enroll_id, "enrolled");
        let identity = self.store_enrollment(&wallet_name, &ca, &enroll_id, &enrollment)?;
        Ok(CaEnrolled {
            identity,
            ca_name: enrollment.ca_name,
        })
    }

    fn store_enrollment(
        &self,
        wallet_name: &str,
        ca: &Resolved,
        enroll_id: &str,
        enrollment: &fca::Enrollment,
    ) -> Result<LibraryItem, CoreError> {
        let now = unix_now();
        let report = enrolled_identity(wallet_name, enrollment, now);
        let imported = self.store_report(report, now)?;
        let stored = match (imported.status, imported.artifacts.as_slice()) {
            (ImportStatus::Rejected, _) | (_, []) => {
                let first = imported
                    .findings
                    .iter()
                    .find(|f| f.severity == Severity::Error);
                return Err(match first {
                    Some(f) => invalid(&f.path, f.message.clone()),
                    None => CoreError::Internal("the enrolled identity was not stored".into()),
                });
            }
            (_, [one, ..]) => one.id.clone(),
        };
        let row = EnrollmentRow {
            identity_id: stored.clone(),
            ca_url: ca.url.clone(),
            ca_name: enrollment.ca_name.clone(),
            enroll_id: enroll_id.to_owned(),
            ca_chain_pem: enrollment.ca_chain_pem.clone(),
            enrolled_at: String::new(),
        };
        if let Err(e) = self.store().try_with_tx(|tx| insert_enrollment(tx, &row)) {
            // Keep the wallet and its records together: no identity without its chain.
            let _ = self.remove_artifacts(std::slice::from_ref(&stored));
            return Err(from_store(e));
        }
        self.library()?
            .into_iter()
            .find(|i| i.id == stored)
            .ok_or_else(|| CoreError::Internal(format!("identity {stored} vanished after storing")))
    }

    /// Reenrolls a wallet identity at the CA that issued it (the Fabric CA `reenroll` call,
    /// authenticated by the identity's own certificate and key: no secret), then stores the
    /// new certificate and key under the same wallet name, moves its CA associations to it
    /// and removes the old one, in one transaction. Until that commits the old identity stays
    /// as it was: a refused reenroll, or a failure storing the new one, leaves it in place.
    pub fn ca_reenroll(&self, input: CaReenrollInput) -> Result<CaReenrolled, CoreError> {
        let wanted = non_empty("identity", &input.identity)?;
        let (old_id, old_cert) = self.wallet_identity(&wanted)?;
        let wallet_name = self
            .store()
            .get_artifact(&old_id)
            .map_err(from_store)?
            .map(|row| row.display_name)
            .ok_or_else(|| CoreError::NotFound {
                what: format!("wallet identity {wanted:?}"),
            })?;
        let previous = Cert::from_b64pem(&old_cert)
            .map_err(|e| CoreError::Storage(format!("stored identity {old_id}: {e}")))?;
        let signer = self.wallet_signer(&old_id)?;
        let enroll_id = signer.enroll_id()?;
        let enrolled = self.store().enrollment(&old_id).map_err(from_store)?;
        let target = match (input.target, &enrolled) {
            (Some(target), _) => target,
            (None, Some(e)) => CaTarget {
                ca: e.ca_url.clone(),
                ca_name: Some(e.ca_name.clone()).filter(|n| !n.is_empty()),
                tls_cert: None,
            },
            (None, None) => {
                return Err(invalid(
                    "ca",
                    format!(
                        "this workspace did not enroll {wallet_name:?}: name the CA that issued it (a library CA or its URL)"
                    ),
                ))
            }
        };
        let ca = self.resolve(&target)?;
        let request = ReenrollRequest {
            ca_name: ca.ca_name.clone(),
            hosts: input
                .hosts
                .iter()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
                .collect(),
            ..ReenrollRequest::default()
        };
        let client = ca.client()?;
        let enrollment = block_on(client.reenroll(&signer, &request))??;
        tracing::info!(url = %ca.url, ca_name = %enrollment.ca_name, identity = %old_id,
            enroll_id = %enroll_id, "reenrolled");
        let identity =
            self.replace_enrollment(&old_id, &wallet_name, &ca, &enroll_id, &enrollment)?;
        Ok(CaReenrolled {
            replaced: old_id,
            previous_expires_at: rfc3339(previous.not_after()),
            ca_name: enrollment.ca_name,
            identity,
        })
    }

    /// Stores `enrollment` as the wallet identity `wallet_name` in place of `old_id`.
    fn replace_enrollment(
        &self,
        old_id: &str,
        wallet_name: &str,
        ca: &Resolved,
        enroll_id: &str,
        enrollment: &fca::Enrollment,
    ) -> Result<LibraryItem, CoreError> {
        let now = unix_now();
        let report = enrolled_identity(wallet_name, enrollment, now);
        let (artifact, key) = match (report.is_ok(), report.accepted.as_slice()) {
            (true, [one @ Artifact::Identity(identity)]) => (one, identity.private_key()),
            _ => {
                let reason = report
                    .errors()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(CoreError::Internal(format!(
                    "the reenrolled identity does not read as an identity file: {reason}"
                )));
            }
        };
        let row = artifact_row(artifact, now)?;
        if row.id == old_id {
            return Err(CoreError::Internal(
                "the CA answered with the certificate the identity already has".into(),
            ));
        }
        let enrollment_row = EnrollmentRow {
            identity_id: row.id.clone(),
            ca_url: ca.url.clone(),
            ca_name: enrollment.ca_name.clone(),
            enroll_id: enroll_id.to_owned(),
            ca_chain_pem: enrollment.ca_chain_pem.clone(),
            enrolled_at: String::new(),
        };
        self.with_vault(|vault, store| {
            store
                .try_with_tx(|tx| {
                    insert_artifact(tx, &row)?;
                    vault.put_in_tx(
                        store,
                        tx,
                        &private_key_secret_id(&row.id),
                        key.expose().as_bytes(),
                    )?;
                    insert_enrollment(tx, &enrollment_row)?;
                    replace_identity(tx, old_id, &row.id)
                })
                .map_err(from_store)
        })?;
        self.library()?
            .into_iter()
            .find(|i| i.id == row.id)
            .ok_or_else(|| {
                CoreError::Internal(format!("identity {} vanished after storing", row.id))
            })
    }

    /// Where this workspace enrolled a wallet identity: the CA's URL and CA name, if it did.
    pub fn wallet_enrollment(&self, identity: &str) -> Result<Option<(String, String)>, CoreError> {
        let (id, _) = self.wallet_identity(identity)?;
        Ok(self
            .store()
            .enrollment(&id)
            .map_err(from_store)?
            .map(|e| (e.ca_url, e.ca_name)))
    }

    /// The CA chain kept beside a wallet identity enrolled by this app (PEM), if any.
    pub fn wallet_ca_chain(&self, identity: &str) -> Result<Option<String>, CoreError> {
        let (id, _) = self.wallet_identity(identity)?;
        Ok(self
            .store()
            .enrollment(&id)
            .map_err(from_store)?
            .map(|e| e.ca_chain_pem))
    }

    /// Registers an identity, signed by a wallet registrar; the secret (given or generated)
    /// is kept encrypted for a later enroll and returned once.
    pub fn ca_register(&self, input: CaRegisterInput) -> Result<CaRegistration, CoreError> {
        let enroll_id = non_empty("enrollId", &input.enroll_id)?;
        let ca = self.resolve(&input.target)?;
        let registrar = self.registrar(input.registrar.as_deref(), &ca)?;
        for a in &input.attributes {
            non_empty("attributes", &a.name)?;
        }
        let (secret, generated) = match input.enroll_secret {
            Some(s) if !s.expose().is_empty() => (s, false),
            _ => (generate_secret(), true),
        };
        let request = RegistrationRequest {
            ca_name: ca.ca_name.clone(),
            id: enroll_id.clone(),
            identity_type: input.identity_type.as_str().to_owned(),
            secret: Some(secret),
            max_enrollments: input.max_enrollments.unwrap_or(0),
            affiliation: input.affiliation.unwrap_or_default().trim().to_owned(),
            attrs: input
                .attributes
                .iter()
                .map(|a| fca::Attribute {
                    name: a.name.trim().to_owned(),
                    value: a.value.clone(),
                    ecert: a.ecert,
                })
                .collect(),
        };
        let client = ca.client()?;
        let secret = block_on(client.register(&registrar, &request, RegisterRoute::Identities))??;
        tracing::info!(url = %ca.url, ca_name = ca.ca_name_shown(), enroll_id = %enroll_id,
            identity_type = input.identity_type.as_str(), "registered");
        let kept = self.with_vault(|vault, store| {
            vault
                .put_str(
                    store,
                    &enroll_secret_id(&ca.url, &enroll_id),
                    secret.expose(),
                )
                .map_err(from_store)
        });
        if let Err(e) = kept {
            // Registered all the same: say so, the secret is returned to the caller.
            tracing::warn!(error = %e, enroll_id = %enroll_id, "the enroll secret was not kept");
        }
        Ok(CaRegistration {
            enroll_id,
            identity_type: input.identity_type,
            enroll_secret: secret,
            secret_generated: generated,
        })
    }

    /// The identities registered at a CA that the registrar may see.
    pub fn ca_identities(
        &self,
        target: &CaTarget,
        registrar: Option<&str>,
    ) -> Result<Vec<CaUser>, CoreError> {
        let ca = self.resolve(target)?;
        let registrar = self.registrar(registrar, &ca)?;
        let client = ca.client()?;
        let list = block_on(client.identities(&registrar, ca.ca_name.as_deref()))??;
        Ok(list
            .into_iter()
            .map(|i| CaUser {
                id: i.id,
                identity_type: i.identity_type,
                affiliation: i.affiliation,
                max_enrollments: i.max_enrollments,
                attributes: i
                    .attrs
                    .into_iter()
                    .map(|a| CaAttribute {
                        name: a.name,
                        value: a.value,
                        ecert: a.ecert,
                    })
                    .collect(),
            })
            .collect())
    }

    /// Associates an identity with a library CA (the console's "Associate identity"): enroll
    /// into a new wallet identity, or pick one from the wallet (it must be issued by the CA
    /// when the CA's file carries its roots). Returns the associated identity.
    pub fn ca_associate(
        &self,
        ca: &str,
        how: CaAssociationInput,
    ) -> Result<LibraryItem, CoreError> {
        if is_url(ca.trim()) {
            return Err(invalid(
                "ca",
                "an identity is associated with a library CA: import the CA's file and name it by id or name",
            ));
        }
        let (ca_id, artifact) = self.library_ca(ca.trim())?;
        let identity = match how {
            CaAssociationInput::Enroll {
                enroll_id,
                enroll_secret,
                wallet_name,
            } => {
                self.ca_enroll(CaEnrollInput {
                    target: CaTarget::new(ca_id.clone()),
                    enroll_id,
                    enroll_secret: Some(enroll_secret),
                    wallet_name,
                    hosts: Vec::new(),
                })?
                .id
            }
            CaAssociationInput::Wallet { identity } => {
                let (id, cert_b64) = self.wallet_identity(identity.trim())?;
                let cert = Cert::from_b64pem(&cert_b64).map_err(|e| {
                    CoreError::Storage(format!("stored identity {id} has no readable cert: {e}"))
                })?;
                let roots: Vec<Cert> = artifact
                    .root_certs()
                    .iter()
                    .chain(artifact.tlsca_root_certs())
                    .cloned()
                    .collect();
                if !roots.is_empty() && artifacts::issuing_root(&cert, &roots).is_none() {
                    return Err(invalid(
                        "identity",
                        format!(
                            "{identity:?} was not issued by {:?} ({}): pick an identity enrolled at this CA",
                            artifact.display_name(),
                            cert.issuer()
                        ),
                    ));
                }
                id
            }
        };
        self.store()
            .set_ca_association(&ca_id, &identity)
            .map_err(from_store)?;
        tracing::info!(ca = %ca_id, identity = %identity, "identity associated");
        self.library()?
            .into_iter()
            .find(|i| i.id == identity)
            .ok_or_else(|| CoreError::NotFound {
                what: format!("wallet identity {identity}"),
            })
    }

    /// The wallet identity associated with a library CA, if any.
    pub fn ca_association(&self, ca: &str) -> Result<Option<LibraryItem>, CoreError> {
        let (ca_id, _) = self.library_ca(ca.trim())?;
        let Some(identity) = self.store().ca_association(&ca_id).map_err(from_store)? else {
            return Ok(None);
        };
        Ok(self.library()?.into_iter().find(|i| i.id == identity))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn generated_secrets_are_32_random_bytes_base64url() {
        let a = generate_secret();
        let b = generate_secret();
        assert_eq!(a.expose().len(), 43);
        assert_ne!(a.expose(), b.expose());
        assert_eq!(URL_SAFE_NO_PAD.decode(a.expose()).unwrap().len(), 32);
        assert!(a
            .expose()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn every_ca_failure_has_a_code_and_a_fix() {
        let refused = |code: i64| CaError::Ca {
            status: 401,
            code,
            kind: CaErrorKind::from_code(code),
            message: "Authentication failure".into(),
        };
        assert_eq!(error_code(&refused(20)), ErrorCode::CaAuthenticationFailure);
        assert_eq!(error_code(&refused(71)), ErrorCode::CaAuthorizationFailure);
        assert_eq!(error_code(&refused(74)), ErrorCode::CaAlreadyRegistered);
        assert_eq!(error_code(&refused(77)), ErrorCode::CaCnMismatch);
        assert_eq!(error_code(&refused(19)), ErrorCode::CaNotFound);
        assert_eq!(error_code(&refused(63)), ErrorCode::CaIdentityNotFound);
        assert_eq!(error_code(&refused(1234)), ErrorCode::CaServerError);
        let details = error_details(&refused(20));
        assert_eq!(details["caCode"], 20);
        assert_eq!(details["caMessage"], "Authentication failure");
        assert!(details["fix"].as_str().unwrap().contains("secret"));
        let ipc: crate::IpcError = CoreError::from(refused(74)).into();
        assert_eq!(
            serde_json::to_value(&ipc).unwrap()["code"],
            "ca_already_registered"
        );
        assert!(ipc.message.contains("Authentication failure"));
    }

    #[test]
    fn identity_types_read_as_the_ca_names_them() {
        for t in ["peer", "client", "admin", "orderer"] {
            assert_eq!(t.parse::<CaIdentityType>().unwrap().as_str(), t);
        }
        assert!("user".parse::<CaIdentityType>().is_err());
    }

    #[test]
    fn enrolled_ca_labels_name_the_host() {
        assert_eq!(
            enrolled_ca_label("ca", "https://127.0.0.1:7054"),
            "ca at 127.0.0.1:7054"
        );
        assert_eq!(
            enrolled_ca_label("ca", "https://ca.example.com"),
            "ca at ca.example.com"
        );
    }
}
