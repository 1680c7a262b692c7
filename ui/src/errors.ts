// Turns IPC errors into what a person can act on: a sentence saying what happened and a fix.
import type { ErrorCode } from "./bindings/ErrorCode";
import type { IpcError } from "./bindings/IpcError";

export interface ErrorText {
  /** What went wrong, in words for the operator. */
  sentence: string;
  /** What to try next. */
  fix: string;
}

/** One entry per code: adding a code on the Rust side without a sentence here fails `tsc`. */
export const ERROR_TEXT: Record<ErrorCode, ErrorText> = {
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
