// Turns IPC errors into what a person can act on: a sentence saying what happened and a fix.
import type { ErrorCode } from "./bindings/ErrorCode";
import type { IpcError } from "./bindings/IpcError";
import { i18n } from "./i18n";
import english from "./i18n/locales/en/errors.json";

export interface ErrorText {
  /** What went wrong, in words for the operator. */
  sentence: string;
  /** What to try next. */
  fix: string;
}

/** The English texts, typed: a code the Rust side adds without its sentence and fix in
 * `i18n/locales/en/errors.json` fails `tsc` here (and check-i18n fails until zh-CN has it too). */
const ENGLISH: Record<ErrorCode, ErrorText> = english;

/** Every code's sentence and fix, read from the catalog (`errors:<code>.sentence`, `.fix`) in
 * the current language each time they are used. */
export const ERROR_TEXT: Readonly<Record<ErrorCode, ErrorText>> = Object.fromEntries(
  Object.keys(ENGLISH).map((code) => [
    code,
    {
      get sentence() {
        return i18n.t(`errors:${code}.sentence`);
      },
      get fix() {
        return i18n.t(`errors:${code}.fix`);
      },
    },
  ]),
) as Record<ErrorCode, ErrorText>;

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
      return { sentence: known.sentence, fix: known.fix, code: error.code, detail: error.message };
    }
    return { sentence: error.message, fix: "", code: error.code, detail: error.message };
  }
  const message =
    error instanceof Error ? error.message : typeof error === "string" ? error : String(error);
  return { sentence: message, fix: "", code: undefined, detail: message };
}
