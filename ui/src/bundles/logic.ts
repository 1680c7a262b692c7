// The Bundles page's pure logic: the build form, its checks and the input it becomes; and what
// the receive view shows of an inspection, a verification and an apply.
import type { BundleApplyReport } from "../bindings/BundleApplyReport";
import type { BundleBuildInput } from "../bindings/BundleBuildInput";
import type { BundleFileRole } from "../bindings/BundleFileRole";
import type { BundleInspection } from "../bindings/BundleInspection";
import type { BundleKeyInput } from "../bindings/BundleKeyInput";
import type { BundleProtectionInput } from "../bindings/BundleProtectionInput";
import type { LibraryItem } from "../bindings/LibraryItem";
import type { PlanRecord } from "../bindings/PlanRecord";
import { isIpcError } from "../errors";
import { formatNumber, i18n } from "../i18n";

const msg = (key: string, options?: Record<string, unknown>): string =>
  i18n.t(key, { ns: "bundles", ...options });

// ── Build ──

/** The target select's value for "a console that is not registered here". */
export const OTHER_CONSOLE = "__other__";

export type Protection = BundleProtectionInput["kind"];

export interface BuildForm {
  /** A registered console's name, or OTHER_CONSOLE. */
  target: string;
  /** The name typed for OTHER_CONSOLE. */
  otherTarget: string;
  contents: "artifacts" | "plan";
  /** Library ids. */
  artifacts: string[];
  /** Plan name. */
  plan: string;
  protection: Protection;
  passphrase: string;
  confirm: string;
  /** age1… keys, one per line (or separated by spaces or commas). */
  recipients: string;
  /** The explicit "yes, write it unencrypted". */
  unencryptedConfirmed: boolean;
  includeIdentities: boolean;
  sign: boolean;
}

export function emptyBuildForm(): BuildForm {
  return {
    target: "",
    otherTarget: "",
    contents: "artifacts",
    artifacts: [],
    plan: "",
    protection: "passphrase",
    passphrase: "",
    confirm: "",
    recipients: "",
    unencryptedConfirmed: false,
    includeIdentities: false,
    sign: true,
  };
}

export type BuildErrors = Partial<
  Record<
    "target" | "artifacts" | "plan" | "passphrase" | "confirm" | "recipients" | "unencrypted",
    string
  >
>;

/** An age X25519 public key: `age1` and 58 bech32 characters. */
const AGE_RECIPIENT = /^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$/;

export function parseRecipients(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter((r) => r !== "");
}

/** The console the bundle is for, as the form says it. */
export function targetName(form: BuildForm): string {
  return (form.target === OTHER_CONSOLE ? form.otherTarget : form.target).trim();
}

/** Checks the form before anything is sent; `plans` are the saved plans (a plan must have the
 * target among its consoles), `library` the items the ids refer to. */
export function validateBuild(
  form: BuildForm,
  plans: readonly PlanRecord[],
  library: readonly LibraryItem[],
): BuildErrors {
  const errors: BuildErrors = {};
  const target = targetName(form);
  if (form.target === "") errors.target = msg("check.target");
  else if (target === "") errors.target = msg("check.targetName");
  if (form.contents === "artifacts") {
    if (form.artifacts.length === 0) errors.artifacts = msg("check.artifacts");
    const identities = library.filter(
      (i) => i.kind === "identity" && form.artifacts.includes(i.id),
    );
    if (identities.length > 0 && !form.includeIdentities) {
      errors.artifacts = msg("check.identities");
    }
  } else {
    const plan = plans.find((p) => p.plan.name === form.plan);
    if (!plan) errors.plan = msg("check.plan");
    else if (target !== "" && !plan.plan.targets.some((t) => t.console === target)) {
      errors.plan = msg("check.planTarget", { plan: plan.plan.name, target });
    }
  }
  if (form.protection === "passphrase") {
    if (form.passphrase === "") errors.passphrase = msg("check.passphrase");
    else if (form.confirm !== form.passphrase) errors.confirm = msg("check.confirm");
  } else if (form.protection === "recipients") {
    const keys = parseRecipients(form.recipients);
    const bad = keys.find((k) => !AGE_RECIPIENT.test(k));
    if (keys.length === 0) errors.recipients = msg("check.recipients");
    else if (bad) errors.recipients = msg("check.badRecipient", { key: bad });
  } else if (!form.unencryptedConfirmed) {
    errors.unencrypted = msg("check.unencrypted");
  }
  return errors;
}

/** The `bundle_create` input of a checked form. */
export function buildInput(form: BuildForm): BundleBuildInput {
  const protection: BundleProtectionInput =
    form.protection === "passphrase"
      ? { kind: "passphrase", passphrase: form.passphrase }
      : form.protection === "recipients"
        ? { kind: "recipients", recipients: parseRecipients(form.recipients) }
        : { kind: "unencrypted", confirmed: form.unencryptedConfirmed };
  return {
    target: targetName(form),
    contents: form.contents === "artifacts" ? { artifacts: form.artifacts } : { plan: form.plan },
    protection,
    includeIdentities: form.includeIdentities,
    sign: form.sign,
  };
}

/** The form after a bundle was written: the same choices, no passphrase left behind. */
export function afterBuild(form: BuildForm): BuildForm {
  return { ...form, passphrase: "", confirm: "", unencryptedConfirmed: false };
}

// ── Receive ──

/** The key form of the receive view. */
export interface KeyForm {
  kind: "passphrase" | "identityFile";
  passphrase: string;
  /** The identity file chosen with the open dialog. */
  identityFile: string | null;
}

/** The key to send, or null when the form does not have one yet. */
export function keyInput(form: KeyForm): BundleKeyInput | null {
  if (form.kind === "passphrase") {
    return form.passphrase === "" ? null : { kind: "passphrase", passphrase: form.passphrase };
  }
  return form.identityFile ? { kind: "identityFile", path: form.identityFile } : null;
}

/** A failure that a different key may fix (the key form stays open). */
export function isKeyError(error: unknown): boolean {
  return (
    isIpcError(error) && (error.code === "bundle_key_needed" || error.code === "bundle_wrong_key")
  );
}

export type FileCheck = "ok" | "failed" | "unchecked";

export interface FileRow {
  path: string;
  /** Null for an entry the manifest does not list. */
  role: BundleFileRole | null;
  /** The manifest's size, or the entry's for an unlisted one. */
  size: number;
  /** The manifest's SHA-256; null for an unlisted entry. */
  sha256: string | null;
  check: FileCheck;
}

/** What verifying said about the files: all hold, one (named) does not, or not yet known. */
export type VerifyState =
  | { kind: "none" }
  | { kind: "ok" }
  | { kind: "failed"; entry: string | null; error: unknown };

/** What a file of the bundle is for, in the current language. */
export function roleText(role: BundleFileRole): string {
  return msg(`role.${role}`);
}

/** The entry a failed verification names (`details.entry`), if any. */
export function failedEntry(error: unknown): string | null {
  if (!isIpcError(error) || !error.details || typeof error.details !== "object") return null;
  const entry = (error.details as { entry?: unknown }).entry;
  return typeof entry === "string" ? entry : null;
}

/** The manifest's files (and any entry it does not list), each with its verification state. */
export function fileRows(inspection: BundleInspection, verify: VerifyState): FileRow[] {
  const { files } = inspection.manifest;
  const listed = new Set(files.map((f) => f.path));
  const own = new Set(["manifest.json", "manifest.sig"]);
  const check = (path: string): FileCheck =>
    verify.kind === "ok"
      ? "ok"
      : verify.kind === "failed" && verify.entry === path
        ? "failed"
        : "unchecked";
  return [
    ...files.map((f) => ({
      path: f.path,
      role: f.role,
      size: f.size,
      sha256: f.sha256,
      check: check(f.path),
    })),
    ...inspection.entries
      .filter(([path]) => !listed.has(path) && !own.has(path))
      .map(([path, size]) => ({ path, role: null, size, sha256: null, check: check(path) })),
  ];
}

/** "512 B", "1.5 KB", "2.0 MB". */
export function formatSize(bytes: number): string {
  const one = { minimumFractionDigits: 1, maximumFractionDigits: 1 };
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, one)} KB`;
  return `${formatNumber(bytes / (1024 * 1024), one)} MB`;
}

/** The file name of a path (either separator). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** The console to apply into by default: the bundle's target, when it is registered here. */
export function defaultApplyConsole(inspection: BundleInspection, consoles: readonly string[]) {
  const target = inspection.manifest.target_console.name;
  return consoles.includes(target) ? target : "";
}

/** One line on what an apply did. */
export function applySummary(report: BundleApplyReport): string {
  const parts: string[] = [];
  if (report.library) {
    const stored = report.library.files.flatMap((f) => f.artifacts);
    const added = stored.filter((a) => a.new).length;
    parts.push(
      msg("apply.library", {
        count: stored.length,
        added: formatNumber(added),
        present: formatNumber(stored.length - added),
      }),
    );
  }
  if (report.console) {
    const count = (o: string) => report.console?.items.filter((i) => i.outcome === o).length ?? 0;
    parts.push(
      msg("apply.console", {
        count: report.console.items.length,
        console: report.console.console,
        imported: formatNumber(count("imported")),
        present: formatNumber(count("alreadyPresent")),
        rejected: formatNumber(count("rejected")),
      }),
    );
  }
  if (report.planStepsRecorded.length > 0) {
    parts.push(msg("apply.steps", { count: report.planStepsRecorded.length }));
  }
  return msg("apply.sentence", { text: parts.join(msg("apply.separator")) });
}
