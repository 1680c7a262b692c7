import { describe, expect, it } from "vitest";
import type { ErrorCode } from "./bindings/ErrorCode";
import { describeError, ERROR_TEXT, isIpcError } from "./errors";
import { i18n } from "./i18n";

// Every code, listed by hand; the type check below fails when the binding gains a code that this
// list (and so the test) does not cover. ERROR_TEXT itself is a Record<ErrorCode, …>, so tsc
// already refuses a code without a sentence.
const ALL_CODES = [
  "Internal",
  "InvalidInput",
  "Storage",
  "KeyringUnavailable",
  "Locked",
  "WrongPassphrase",
  "NotFound",
  "console_unreachable",
  "console_tls_untrusted",
  "console_unauthorized",
  "console_iam_only",
  "console_iam_refused",
  "console_not_iam",
  "console_forbidden",
  "not_a_console",
  "console_import_only",
  "unknown_enroll_host",
  "console_not_found",
  "console_conflict",
  "console_rate_limited",
  "console_server_error",
  "console_timeout",
  "console_invalid_response",
  "console_exists",
  "console_unknown",
  "ca_unreachable",
  "ca_tls_untrusted",
  "ca_timeout",
  "ca_authentication_failure",
  "ca_authorization_failure",
  "ca_already_registered",
  "ca_cn_mismatch",
  "ca_not_found",
  "ca_identity_not_found",
  "ca_identity_locked",
  "ca_bad_request",
  "ca_server_error",
  "ca_invalid_response",
  "bundle_key_needed",
  "bundle_wrong_key",
  "bundle_tampered",
  "bundle_signature_invalid",
  "bundle_wrong_console",
  "not_a_bundle",
  "bundle_damaged",
  "plan_busy",
  "fabric_unreachable",
  "fabric_tls_pin_mismatch",
  "fabric_client_cert_required",
  "not_an_admin",
  "channel_not_found",
  "package_refused",
  "fabric_refused",
  "fabric_timeout",
  "fabric_invalid_response",
  "config_update_refused",
  "no_admin_identity",
] as const satisfies readonly ErrorCode[];
type Missing = Exclude<ErrorCode, (typeof ALL_CODES)[number]>;
const noneMissing: [Missing] extends [never] ? true : false = true;

describe("errors", () => {
  it("has a sentence and a fix for every ErrorCode", () => {
    expect(noneMissing).toBe(true);
    expect(Object.keys(ERROR_TEXT).sort()).toEqual([...ALL_CODES].sort());
    for (const code of ALL_CODES) {
      expect(ERROR_TEXT[code].sentence, code).toMatch(/^[A-Z].*\.$/);
      expect(ERROR_TEXT[code].fix.length, code).toBeGreaterThan(10);
    }
  });

  it("has the sentence and fix of every ErrorCode in Chinese too", async () => {
    await i18n.changeLanguage("zh-CN");
    try {
      for (const code of ALL_CODES) {
        expect(ERROR_TEXT[code].sentence, code).toMatch(/\p{Script=Han}.*。$/u);
        expect(ERROR_TEXT[code].fix, code).toMatch(/\p{Script=Han}/u);
      }
      const d = describeError({ code: "Locked", message: "secrets are locked", details: null });
      expect(d.sentence).toBe("机密信息已锁定，因此此操作暂时无法使用私钥。");
      expect(d.detail).toBe("secrets are locked");
    } finally {
      await i18n.changeLanguage("en");
    }
  });

  it("describes a known code with its sentence and keeps the backend message", () => {
    const d = describeError({
      code: "WrongPassphrase",
      message: "the passphrase does not open this workspace's secrets",
      details: null,
    });
    expect(d.code).toBe("WrongPassphrase");
    expect(d.sentence).toBe(ERROR_TEXT.WrongPassphrase.sentence);
    expect(d.detail).toBe("the passphrase does not open this workspace's secrets");
  });

  it("falls back to the message for unknown codes and other errors", () => {
    expect(describeError({ code: "Brand new", message: "what happened", details: null })).toEqual({
      sentence: "what happened",
      fix: "",
      code: "Brand new",
      detail: "what happened",
    });
    expect(describeError(new Error("boom")).sentence).toBe("boom");
    expect(describeError("plain text").sentence).toBe("plain text");
    expect(isIpcError({ code: "Internal", message: "x", details: null })).toBe(true);
    expect(isIpcError({ message: "x" })).toBe(false);
    expect(isIpcError(null)).toBe(false);
  });
});
