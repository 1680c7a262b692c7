//! Matching identities to CAs and MSPs the way the console's wallet does: by root
//! certificate, never by MSP id (§7.7, pitfall 13).

use zeroize::Zeroize as _;

use crate::check::chains_to;
use crate::model::MspArtifact;
use crate::pem::decode_single;
use crate::x509::{key_matches_cert, Cert, KeyProblem};

/// Index of the root in `roots` that issued `cert` (signature checked), if any.
pub fn issuing_root(cert: &Cert, roots: &[Cert]) -> Option<usize> {
    roots.iter().position(|r| cert.is_issued_by(r))
}

/// True when `cert` is issued by the MSP's roots, directly or through its intermediates.
pub fn is_member(cert: &Cert, msp: &MspArtifact) -> bool {
    chains_to(cert, msp.intermediate_certs(), msp.root_certs())
}

/// Checks that `private_key` (a wallet identity's key as stored: base64 of a PEM `PRIVATE KEY`
/// or `EC PRIVATE KEY`) is the private key of `cert`; why not otherwise. The decoded key is
/// overwritten before returning and never appears in the reason.
pub fn key_fits(cert: &Cert, private_key: &str) -> Result<(), String> {
    let (label, mut der) = decode_single(private_key.trim(), &["PRIVATE KEY", "EC PRIVATE KEY"])
        .map_err(|e| format!("its private key {e}"))?;
    let fits = key_matches_cert(&label, &der, cert);
    der.zeroize();
    match fits {
        Ok(()) => Ok(()),
        Err(KeyProblem::Mismatch) => Err(format!(
            "its private key does not belong to its certificate (their public keys differ; cert {})",
            cert.describe()
        )),
        Err(KeyProblem::Unreadable(e)) => Err(format!("its private key {e}")),
    }
}

/// True when `identity_cert` can act as an admin of `msp`: it must be issued by the MSP's roots
/// or intermediates, and either be listed in `admins` (compared by DER), or — with Node OUs
/// enabled — carry the admin OU (`admin` unless the MSP names another).
pub fn can_administer(identity_cert: &Cert, msp: &MspArtifact) -> bool {
    if !is_member(identity_cert, msp) {
        return false;
    }
    if msp.admins().iter().any(|a| a == identity_cert) {
        return true;
    }
    msp.admin_ou()
        .is_some_and(|ou| identity_cert.organizational_units().iter().any(|o| o == ou))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testdata::Pki;

    #[test]
    fn a_key_fits_its_own_certificate_only() {
        let pki = Pki::new();
        assert_eq!(key_fits(&pki.admin.cert(), &pki.admin.key_b64()), Ok(()));
        let other = key_fits(&pki.admin2.cert(), &pki.admin.key_b64()).unwrap_err();
        assert!(
            other.contains("does not belong to its certificate"),
            "{other}"
        );
        assert!(other.contains("org1admin2"), "{other}");
        let not_pem = key_fits(&pki.admin.cert(), "bm90IGEga2V5").unwrap_err();
        assert!(not_pem.starts_with("its private key "), "{not_pem}");
    }
}
