//! Matching identities to CAs and MSPs the way the console's wallet does: by root
//! certificate, never by MSP id (§7.7, pitfall 13).

use crate::check::chains_to;
use crate::model::MspArtifact;
use crate::x509::Cert;

/// Index of the root in `roots` that issued `cert` (signature checked), if any.
pub fn issuing_root(cert: &Cert, roots: &[Cert]) -> Option<usize> {
    roots.iter().position(|r| cert.is_issued_by(r))
}

/// True when `cert` is issued by the MSP's roots, directly or through its intermediates.
pub fn is_member(cert: &Cert, msp: &MspArtifact) -> bool {
    chains_to(cert, msp.intermediate_certs(), msp.root_certs())
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
