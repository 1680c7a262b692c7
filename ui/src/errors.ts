// Turns IPC errors into what a person can act on: a sentence saying what happened and a fix.
import type { ErrorCode } from "./bindings/ErrorCode";
import type { IpcError } from "./bindings/IpcError";

export interface ErrorText {
  /** What went wrong, in words for the operator. */
  sentence: string;
  /** What to try next. */
  fix: string;
}

/** The consoles' error codes (console REST client, issue #4). */
type ConsoleErrorCode =
  | "console_unreachable"
  | "console_tls_untrusted"
  | "console_unauthorized"
  | "console_forbidden"
  | "not_a_console"
  | "console_import_only"
  | "unknown_enroll_host"
  | "console_not_found"
  | "console_conflict"
  | "console_rate_limited"
  | "console_server_error"
  | "console_timeout"
  | "console_invalid_response"
  | "console_exists"
  | "console_unknown";

const CONSOLE_ERROR_TEXT: Record<ConsoleErrorCode, ErrorText> = {
  console_unreachable: {
    sentence: "The console could not be reached.",
    fix: "Check the console's URL and port, and that this computer can reach it (VPN, proxy, firewall).",
  },
  console_tls_untrusted: {
    sentence: "The console's TLS certificate is not trusted.",
    fix: "Add the CA certificate that issued the console's TLS certificate under Edit → Extra trusted CA certificate.",
  },
  console_unauthorized: {
    sentence: "The console did not accept the API key and secret.",
    fix: "Check the API key and secret (Edit → Replace the stored credentials), or create a new API key in the console.",
  },
  console_forbidden: {
    sentence: "The API key may not do this on the console.",
    fix: "Give the API key the writer (or manager) role in the console's Access page, or use another key.",
  },
  not_a_console: {
    sentence: "The URL answers, but not as a Fabric Operations Console.",
    fix: "Use the address you open the console with in a browser, for example https://console.example.com:443.",
  },
  console_import_only: {
    sentence: "This console only imports components; it cannot create peers.",
    fix: "Create the peer with the cluster's own tooling and import it, or use a console that can deploy.",
  },
  unknown_enroll_host: {
    sentence: "The console does not know the CA host to enroll with.",
    fix: "Import the CA into this console first, so its host is on the console's safelist.",
  },
  console_not_found: {
    sentence: "The console has no such component (any more).",
    fix: "Refresh the console's tiles; it may have been deleted in the console.",
  },
  console_conflict: {
    sentence: "The console already has a component with that id.",
    fix: "Refresh and try again; the component may already be there.",
  },
  console_rate_limited: {
    sentence: "The console asked us to slow down (rate limit).",
    fix: "Wait a minute and try again.",
  },
  console_server_error: {
    sentence: "The console failed while answering.",
    fix: "Try again in a moment; if it keeps failing, check the console's logs.",
  },
  console_timeout: {
    sentence: "The console did not answer in time.",
    fix: "Try again; check the network to the console if it keeps happening.",
  },
  console_invalid_response: {
    sentence: "The console answered with something the app could not read.",
    fix: "Check that the URL is the console's, and its version is supported; the details say what was wrong.",
  },
  console_exists: {
    sentence: "A console with that name already exists.",
    fix: "Choose another display name.",
  },
  console_unknown: {
    sentence: "There is no console by that name (any more).",
    fix: "Refresh the Consoles page; it may have been removed in another window or by the CLI.",
  },
};

/** The Fabric CA's error codes (CA client, issue #5). */
type CaErrorCode =
  | "ca_unreachable"
  | "ca_tls_untrusted"
  | "ca_timeout"
  | "ca_authentication_failure"
  | "ca_authorization_failure"
  | "ca_already_registered"
  | "ca_cn_mismatch"
  | "ca_not_found"
  | "ca_identity_not_found"
  | "ca_identity_locked"
  | "ca_bad_request"
  | "ca_server_error"
  | "ca_invalid_response";

const CA_ERROR_TEXT: Record<CaErrorCode, ErrorText> = {
  ca_unreachable: {
    sentence: "The Certificate Authority could not be reached.",
    fix: "Check the CA's URL and port, and that this computer can reach it (VPN, proxy, firewall).",
  },
  ca_tls_untrusted: {
    sentence: "The Certificate Authority's TLS certificate is not the one pinned for it.",
    fix: "Re-import the CA's file from its console, so the app pins the CA's current TLS certificate.",
  },
  ca_timeout: {
    sentence: "The Certificate Authority did not answer in time.",
    fix: "Try again; check the network to the CA if it keeps happening.",
  },
  ca_authentication_failure: {
    sentence:
      "The Certificate Authority did not accept the enroll ID and secret (or the identity signing the request).",
    fix: "Check the enroll ID and secret; an ID that used up its enrollments is refused the same way. To register or list users, associate an identity enrolled at this CA.",
  },
  ca_authorization_failure: {
    sentence: "The identity used may not do this at the Certificate Authority.",
    fix: "Associate an identity whose hf.Registrar.Roles include this type; the CA's bootstrap admin has all of them.",
  },
  ca_already_registered: {
    sentence: "This enroll ID is already registered at the Certificate Authority.",
    fix: "Choose another enroll ID, or enroll the existing one into the wallet with its secret.",
  },
  ca_cn_mismatch: {
    sentence:
      "The Certificate Authority refused a certificate whose common name is not the enroll ID.",
    fix: "Enroll with the identity's own enroll ID.",
  },
  ca_not_found: {
    sentence: "The server has no Certificate Authority by that CA name.",
    fix: "Check the CA name: usually 'ca' for the enrollment CA and 'tlsca' for the TLS CA.",
  },
  ca_identity_not_found: {
    sentence: "The Certificate Authority has no identity with that enroll ID.",
    fix: "Check the enroll ID in the CA's users table.",
  },
  ca_identity_locked: {
    sentence: "The identity is locked at the Certificate Authority after too many wrong secrets.",
    fix: "Ask the CA's administrator to reset the identity's secret.",
  },
  ca_bad_request: {
    sentence: "The Certificate Authority refused the request's values.",
    fix: "Check the values (for example max enrollments within the CA's limit); the CA's message says what it refused.",
  },
  ca_server_error: {
    sentence: "The Certificate Authority refused the request.",
    fix: "The CA's message below says why; check the CA's log if it is unclear.",
  },
  ca_invalid_response: {
    sentence: "The server answered, but not as a Fabric Certificate Authority.",
    fix: "Check that the URL is the CA's API address (not its operations address).",
  },
};

/** The offline bundles' error codes (crates/core/src/bundles.rs). */
type BundleErrorCode =
  | "bundle_key_needed"
  | "bundle_wrong_key"
  | "bundle_tampered"
  | "bundle_signature_invalid"
  | "bundle_wrong_console"
  | "not_a_bundle"
  | "bundle_damaged";

const BUNDLE_ERROR_TEXT: Record<BundleErrorCode, ErrorText> = {
  bundle_key_needed: {
    sentence: "The bundle is encrypted.",
    fix: "Enter the bundle's passphrase, or choose the age identity file whose key it was made for.",
  },
  bundle_wrong_key: {
    sentence: "The passphrase or identity file does not open this bundle.",
    fix: "Check the passphrase (it is case-sensitive), or choose the identity file of a recipient the bundle was made for.",
  },
  bundle_tampered: {
    sentence: "A file in the bundle was changed after the bundle was made.",
    fix: "Do not apply it: ask the sender for a new bundle, sent another way.",
  },
  bundle_signature_invalid: {
    sentence: "The bundle's signature does not hold.",
    fix: "Do not apply it: the manifest was changed or signed by another key. Ask the sender for a new bundle.",
  },
  bundle_wrong_console: {
    sentence: "This bundle was made for another console.",
    fix: "Apply it to the console named in the bundle, or into the local library.",
  },
  not_a_bundle: {
    sentence: "This file is not a Fabric HA bundle.",
    fix: "Choose the bundle file itself (made with Bundles → Build or 'fabric-ha bundle create'), or update the app if it is newer.",
  },
  bundle_damaged: {
    sentence: "The bundle is damaged or unsafe to read.",
    fix: "Copy the file again from the sender; if it keeps failing, ask for a new bundle.",
  },
};

/** Peers and orderers called natively (crates/core/src/fabric). */
type FabricErrorCode =
  | "fabric_unreachable"
  | "fabric_tls_pin_mismatch"
  | "not_an_admin"
  | "channel_not_found"
  | "package_refused"
  | "fabric_refused"
  | "fabric_timeout"
  | "fabric_invalid_response"
  | "config_update_refused"
  | "no_admin_identity";

const FABRIC_ERROR_TEXT: Record<FabricErrorCode, ErrorText> = {
  fabric_unreachable: {
    sentence: "The peer or orderer could not be reached.",
    fix: "Check that the node runs and that its API address is reachable from this computer (VPN, proxy, firewall).",
  },
  fabric_tls_pin_mismatch: {
    sentence: "The node's TLS certificate is not issued by the TLS CA of its record.",
    fix: "Refresh the node's record from its own console (or re-import its file), so the app pins its current TLS CA.",
  },
  not_an_admin: {
    sentence: "The node refused the signing identity: it is not an admin of the organization.",
    fix: "Sign with the organization's admin: an identity of type admin (Node OUs) or one whose certificate is in the peer's admin certificates.",
  },
  channel_not_found: {
    sentence: "The peer has not joined this channel (or the channel does not exist).",
    fix: "Join the peer to the channel first, or check the channel's name.",
  },
  package_refused: {
    sentence: "The peer refused the chaincode package.",
    fix: "Install the exact package the organization approved, copied from another peer of the organization.",
  },
  fabric_refused: {
    sentence: "The node refused the request.",
    fix: "The node's message below says what it refused and why.",
  },
  fabric_timeout: {
    sentence: "The node did not answer in time.",
    fix: "Try again; if it keeps happening, the node is overloaded or hard to reach.",
  },
  fabric_invalid_response: {
    sentence: "The node answered something the app could not read.",
    fix: "Check the node's Fabric version; the details say what could not be read.",
  },
  config_update_refused: {
    sentence: "The orderer refused the channel configuration update.",
    fix: "Read the orderer's status and info below: usually the signer is not the organization's admin, or the channel changed meanwhile (try again).",
  },
  no_admin_identity: {
    sentence: "No identity in the wallet is an admin of the node's organization.",
    fix: "Import or enroll the organization's admin into the wallet, or choose the identity to sign with.",
  },
};

/** One entry per code: adding a code on the Rust side without a sentence here fails `tsc`. */
export const ERROR_TEXT: Record<ErrorCode, ErrorText> = {
  ...CONSOLE_ERROR_TEXT,
  ...CA_ERROR_TEXT,
  ...BUNDLE_ERROR_TEXT,
  ...FABRIC_ERROR_TEXT,
  Internal: {
    sentence: "Something unexpected went wrong inside Fabric HA Desktop.",
    fix: "Try again. If it keeps happening, run Diagnostics in Settings and include the log folder when you report it.",
  },
  InvalidInput: {
    sentence: "A value you entered was not accepted.",
    fix: "Check the highlighted field and try again.",
  },
  Storage: {
    sentence: "The workspace database could not be read or written.",
    fix: "Check that the data folder shown in Settings exists, is writable and that the disk is not full.",
  },
  KeyringUnavailable: {
    sentence: "The operating system's keyring could not be used to protect secrets.",
    fix: "Unlock or start your keyring (Secret Service, Keychain or Credential Manager), or use a passphrase instead.",
  },
  Locked: {
    sentence: "Secrets are locked, so this action cannot use private keys yet.",
    fix: "Enter your workspace passphrase to unlock them.",
  },
  WrongPassphrase: {
    sentence: "That passphrase does not open this workspace's secrets.",
    fix: "Check the passphrase (it is case-sensitive) and try again.",
  },
  NotFound: {
    sentence: "What you asked for no longer exists.",
    fix: "Refresh the page; it may have been removed in another window or by the CLI.",
  },
  plan_busy: {
    sentence: "Another process is applying this plan right now.",
    fix: "Wait for that run (the CLI or another window) to finish, or stop it; then resume here.",
  },
};

/** True for the `{code, message, details}` objects the Rust commands reject with. */
export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

export interface DescribedError extends ErrorText {
  /** The stable code, or undefined when the error did not come from our backend. */
  code: string | undefined;
  /** The backend's precise message, shown under the sentence. */
  detail: string;
}

/** Describes any rejection: known codes get their sentence, anything else its own message. */
export function describeError(error: unknown): DescribedError {
  if (isIpcError(error)) {
    const known = Object.hasOwn(ERROR_TEXT, error.code)
      ? ERROR_TEXT[error.code as ErrorCode]
      : undefined;
    if (known) {
      return { ...known, code: error.code, detail: error.message };
    }
    return { sentence: error.message, fix: "", code: error.code, detail: error.message };
  }
  const message =
    error instanceof Error ? error.message : typeof error === "string" ? error : String(error);
  return { sentence: message, fix: "", code: undefined, detail: message };
}
