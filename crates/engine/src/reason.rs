//! The engine's sentences about a plan's state: why a step is blocked, how a step was found
//! already done, what a check found. Each is a code, the values it names (names, ids, URLs,
//! channels, untranslated) and the English sentence; the window words it in its language from
//! the code and the params, the CLI, the logs and `--json` keep the English sentence.

use std::collections::BTreeMap;

use fabric_ha_console::Verdict;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::EngineError;

/// Which sentence a reason is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "PlanReasonCode")]
pub enum ReasonCode {
    // ── Another error's sentence ──
    /// An error that is not one of these sentences: `message` (its English words, a node's
    /// own message included) and `errorCode` (the error's stable code).
    Error,
    /// The connection verdict on `console`: `verdict` (its code), its English `sentence` and
    /// `fix`.
    ConsoleVerdict,
    /// The connection verdict of the console a preview check names already: `verdict` (its
    /// code), its English `sentence` and `fix`.
    ConsoleCheck,
    // ── Console records ──
    /// The CA record `id` carries no certificates (no `msp` object).
    CaRecordNoCertificates,
    /// The peer record `id` carries no certificates (no `msp` object).
    PeerRecordNoCertificates,
    /// The CA record `id` has no TLS certificate.
    CaRecordNoTlsCert,
    /// The CA record `id` has no api_url.
    CaRecordNoApiUrl,
    /// The MSP record `id` cannot be read (`error`).
    MspRecordUnreadable,
    /// The MSP record `id` is not an object.
    MspRecordNotObject,
    /// The MSP record `id` has no msp_id or root certificates.
    MspRecordIncomplete,
    /// The peer record `id` has no TLS certificate.
    PeerRecordNoTlsCert,
    /// The peer record `id` has no msp_id or grpcwp_url.
    PeerRecordIncomplete,
    /// The peer record `id` has no api_url.
    PeerRecordNoApiUrl,
    /// The peer record `id` has no TLS CA root certificates.
    PeerRecordNoTlsRoot,
    /// The CA api_url `url` is not a URL (`error`).
    CaUrlInvalid,
    /// The CA api_url `url` has no host.
    CaUrlNoHost,
    /// The CA api_url `url` has no port.
    CaUrlNoPort,
    /// The organization's MSP record has no msp_id.
    OrgMspNoMspId,
    // ── The organization, its CA and identities ──
    /// The organization's CA has not been created yet.
    OrgCaNotCreated,
    /// The organization's MSP definition has not been created yet.
    OrgMspNotCreated,
    /// The organization's CA does not exist yet.
    OrgCaMissing,
    /// The CA is not reachable.
    CaNotReachable,
    /// No registrar identity is available.
    NoRegistrar,
    /// The registrar cannot act at the CA, because of `cause`.
    RegistrarCannotActBecause,
    /// The registrar cannot act at the CA.
    RegistrarCannotAct,
    /// The org admin has not been enrolled yet.
    OrgAdminNotEnrolled,
    /// The plan names no org admin identity to sign the channel steps with.
    NoOrgAdminIdentity,
    /// Enroll id `enrollId` has no stored secret: its registration did not complete.
    NoStoredSecret,
    /// Enroll id `enrollId` is registered at the CA by someone else (a run's wording, with
    /// what to do).
    EnrollIdTaken,
    /// Enroll id `enrollId` is registered at the CA by someone else (the preview's wording).
    EnrollIdRegisteredElsewhere,
    /// The organization cannot be created, because of `cause`.
    OrgCannotBeCreated,
    /// The plan creates no CA.
    PlanCreatesNoCa,
    /// The plan creates no first peer.
    PlanCreatesNoFirstPeer,
    /// No such peer in the plan.
    NoSuchPeer,
    // ── Consoles and their components ──
    /// Console `console` is not in the plan.
    ConsoleNotInPlan,
    /// Console `console` has no peer `peer`.
    ConsoleHasNoPeer,
    /// Console `console` holds `count` CAs named `ca` the plan did not create (a run's wording,
    /// with what to do).
    CaNameTaken,
    /// Console `console` already holds a CA named `ca` the plan did not create.
    ConsoleHoldsCa,
    /// Console `console` already holds a peer named `peer`.
    ConsoleHoldsPeer,
    /// Console `console` holds `count` peers named `peer` (the preview's wording).
    ConsoleHoldsPeers,
    /// Console `console` holds `count` peers named `peer`; remove the extra ones.
    DuplicatePeers,
    /// Peer `peer` has not been created in console `console` yet.
    PeerNotCreated,
    /// Peer `peer` has no host:port in its api_url `url`.
    PeerUrlNoHostPort,
    /// The peer cannot be created.
    PeerCannotBeCreated,
    /// The CA import into `console` is blocked (`cause`), and the peer needs it.
    CaImportBlocked,
    /// The peer's enroll id cannot be registered (`cause`).
    RegisterBlocked,
    // ── Channels and chaincode ──
    /// The plan has no region-1 peer to join `channel` from.
    ChannelNoSourcePeer,
    /// No region-1 peer has joined `channel` (`answers`: what each peer answered, in English;
    /// apart, the peers that have not joined, `notJoined`, and the failed calls with the
    /// nodes' own words, `failed`).
    ChannelNotJoined,
    /// No region-1 peer has a package for `chaincodes` used on `channels`.
    NoPackageFor,
    /// The configuration of `channel` names no orderer address.
    ChannelNoOrderer,
    // ── Already done ──
    /// Done by an earlier run.
    DoneEarlier,
    /// Done by an earlier run, as `id`.
    DoneEarlierAs,
    /// Present in `console` as `id`.
    PresentAs,
    /// Present in `console` as `id` with other certificates (`fields`, in English with their
    /// JSON paths; `paths`, the paths alone), which the console cannot change on a CA.
    PresentWithOtherCerts,
    /// Registered by this plan.
    RegisteredByPlan,
    /// `id` is running.
    Running,
    /// Peer `peer` has joined `channel`.
    PeerHasJoined,
    /// Peer `peer` has the packages `packages`.
    PeerHasPackages,
    /// Every new peer is an anchor peer of `channel`.
    AllAnchorPeers,
    // ── What a check found ──
    /// A manager key on a console that can create CAs and peers.
    CanCreateOrg,
    /// Found, named `name`.
    Found,
    /// The CA answered cainfo (`version`).
    CainfoAnswered,
    /// Enrolled.
    Enrolled,
    /// `now` components now, `total` after the plan, of a default limit of `limit`.
    ComponentQuota,
    /// The identity's certificate cannot be read (`error`).
    AdminCertUnreadable,
    /// The MSP holds an unreadable certificate (`error`).
    MspCertUnreadable,
    /// The certificate `subject` is not issued by the MSP's root certificates.
    CertNotIssuedByMsp,
    /// `subject` is listed in the MSP's admins.
    ListedAdmin,
    /// `subject` is not in the MSP's admins, and the MSP does not enable Node OUs.
    NotAdminNoNodeOus,
    /// `subject` carries the admin OU `ou`.
    HasAdminOu,
    /// `subject` is not in the MSP's admins and lacks the admin OU `ou` (its OUs: `ous`).
    LacksAdminOu,
    /// The channel steps are signed as `identity`.
    SignsAs,
    /// Peer `peer` has joined the channel, at `height`.
    PeerJoinedAt,
    /// Peer `peer` has joined the channel.
    PeerJoined,
    /// Orderer `address` answered: config block `block`; the organization's anchor peers are
    /// `anchors`.
    OrdererAnswered,
    /// Orderer `address` answered: config block `block`; the organization has no anchor peers.
    OrdererAnsweredNoAnchors,
    /// No package is used on `channels`.
    NoPackageUsed,
    /// The packages `packages`.
    Packages,
}

impl ReasonCode {
    /// The code as the window and `--json` spell it.
    pub fn key(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => s,
            _ => format!("{self:?}"),
        }
    }
}

/// A sentence: its code, the values it names, and its English words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// Which sentence.
    pub code: ReasonCode,
    /// The values it names, by name.
    pub params: BTreeMap<String, String>,
    /// The sentence in English.
    pub text: String,
}

impl Reason {
    /// A code, the values it names and the English sentence.
    pub fn new(code: ReasonCode, params: &[(&str, &str)], text: impl Into<String>) -> Self {
        Self {
            code,
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            text: text.into(),
        }
    }

    /// The same naming `cause`, another reason it quotes: its English words as `cause`, its
    /// code as `causeCode` and each of its params prefixed with `cause.`.
    pub fn with_cause(mut self, cause: &Reason) -> Self {
        self.params.insert("cause".to_owned(), cause.text.clone());
        self.params.insert("causeCode".to_owned(), cause.code.key());
        for (k, v) in &cause.params {
            self.params.insert(format!("cause.{k}"), v.clone());
        }
        self
    }

    /// The connection verdict on `console`: its sentence and fix after the console's name.
    pub fn verdict(console: &str, verdict: &Verdict) -> Self {
        let (sentence, fix) = (verdict.sentence(), verdict.fix());
        Self::new(
            ReasonCode::ConsoleVerdict,
            &[
                ("console", console),
                ("verdict", verdict.code()),
                ("sentence", &sentence),
                ("fix", fix),
            ],
            format!("console {console:?}: {sentence} {fix}")
                .trim_end()
                .to_owned(),
        )
    }
}

impl Reason {
    /// The connection verdict alone, for a check whose name says which console it is.
    pub fn console_check(verdict: &Verdict) -> Self {
        let (sentence, fix) = (verdict.sentence(), verdict.fix());
        Self::new(
            ReasonCode::ConsoleCheck,
            &[
                ("verdict", verdict.code()),
                ("sentence", &sentence),
                ("fix", fix),
            ],
            format!("{sentence} {fix}").trim_end().to_owned(),
        )
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Reason {
    /// An error's English `message`, with its stable code.
    pub fn error(message: String, error_code: &str) -> Self {
        Reason::new(
            ReasonCode::Error,
            &[("message", &message), ("errorCode", error_code)],
            message.clone(),
        )
    }
}

impl From<&EngineError> for Reason {
    /// A blocked step's own reason; any other error as [`ReasonCode::Error`].
    fn from(e: &EngineError) -> Self {
        match e {
            EngineError::Blocked(reason) => reason.clone(),
            other => Reason::error(other.to_string(), &other.code()),
        }
    }
}

impl From<EngineError> for Reason {
    fn from(e: EngineError) -> Self {
        Reason::from(&e)
    }
}

/// `Err(EngineError::Blocked)` of a code, its params and the English sentence.
pub(crate) fn blocked(
    code: ReasonCode,
    params: &[(&str, &str)],
    text: impl Into<String>,
) -> EngineError {
    EngineError::Blocked(Reason::new(code, params, text))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use fabric_ha_console::ConsoleError;

    use super::*;
    use crate::run::PreviewStatus;

    #[test]
    fn a_console_check_says_the_verdict_without_naming_the_console_again() {
        let r = Reason::console_check(&Verdict::ImportOnly);
        assert_eq!(r.code, ReasonCode::ConsoleCheck);
        assert!(!r.params.contains_key("console"));
        assert_eq!(r.params["verdict"], "import_only");
        assert_eq!(
            r.text,
            format!(
                "{} {}",
                Verdict::ImportOnly.sentence(),
                Verdict::ImportOnly.fix()
            )
        );
        assert!(!r.text.starts_with("console"), "{}", r.text);
    }

    #[test]
    fn a_verdict_names_the_console_and_keeps_its_code_and_english_words() {
        let r = Reason::verdict("eu", &Verdict::ImportOnly);
        assert_eq!(r.code, ReasonCode::ConsoleVerdict);
        assert_eq!(r.params["console"], "eu");
        assert_eq!(r.params["verdict"], "import_only");
        assert_eq!(
            r.text,
            format!(
                "console \"eu\": {} {}",
                Verdict::ImportOnly.sentence(),
                Verdict::ImportOnly.fix()
            )
        );
        let failed = Verdict::Failed(ConsoleError::Unreachable {
            url: "https://eu.example.com".into(),
            reason: "connection refused".into(),
        });
        let r = Reason::verdict("eu", &failed);
        assert_eq!(r.params["verdict"], "console_unreachable");
        assert_eq!(r.params["sentence"], failed.sentence());
    }

    #[test]
    fn a_quoted_reason_keeps_its_code_and_params_under_cause() {
        let cause = Reason::new(
            ReasonCode::EnrollIdRegisteredElsewhere,
            &[("enrollId", "peer1")],
            "enroll id \"peer1\" is already registered at the CA, not by this plan: its secret is unknown here",
        );
        let r = Reason::new(
            ReasonCode::RegisterBlocked,
            &[],
            format!("its enroll id cannot be registered ({cause})"),
        )
        .with_cause(&cause);
        assert_eq!(
            r.text,
            "its enroll id cannot be registered (enroll id \"peer1\" is already registered at the CA, not by this plan: its secret is unknown here)"
        );
        assert_eq!(r.params["cause"], cause.text);
        assert_eq!(r.params["causeCode"], "enrollIdRegisteredElsewhere");
        assert_eq!(r.params["cause.enrollId"], "peer1");
    }

    #[test]
    fn another_error_keeps_its_words_and_its_code() {
        let e = EngineError::Storage("disk full".into());
        let r = Reason::from(&e);
        assert_eq!(r.code, ReasonCode::Error);
        assert_eq!(r.text, "workspace storage: disk full");
        assert_eq!(r.params["message"], r.text);
        assert_eq!(r.params["errorCode"], "storage");
        let blocked = EngineError::Blocked(Reason::new(
            ReasonCode::NoRegistrar,
            &[],
            "no registrar identity is available",
        ));
        assert_eq!(blocked.to_string(), "no registrar identity is available");
        assert_eq!(blocked.code(), "blocked");
        assert_eq!(Reason::from(&blocked).code, ReasonCode::NoRegistrar);
    }

    #[test]
    fn a_verdict_serializes_its_code_and_params_beside_the_english_words() {
        let status = PreviewStatus::blocked(Reason::new(
            ReasonCode::ConsoleHoldsPeer,
            &[("console", "eu"), ("peer", "Org1 Peer 2 (eu)")],
            "console \"eu\" already holds a peer named \"Org1 Peer 2 (eu)\"",
        ));
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            serde_json::json!({
                "status": "blocked",
                "code": "consoleHoldsPeer",
                "params": {"console": "eu", "peer": "Org1 Peer 2 (eu)"},
                "reason": "console \"eu\" already holds a peer named \"Org1 Peer 2 (eu)\"",
            })
        );
        let done = PreviewStatus::already(Reason::new(
            ReasonCode::PresentAs,
            &[("console", "eu"), ("id", "org1ca")],
            "present in \"eu\" as org1ca",
        ));
        assert_eq!(
            serde_json::to_value(&done).unwrap(),
            serde_json::json!({
                "status": "already_done",
                "code": "presentAs",
                "params": {"console": "eu", "id": "org1ca"},
                "detail": "present in \"eu\" as org1ca",
            })
        );
    }
}
