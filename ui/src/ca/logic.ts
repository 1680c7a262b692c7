// The CA page's pure logic: the register / enroll / associate forms (validation and the input
// each sends), the generated secret, and how CA users read in the table.
import type { CaAssociationInput } from "../bindings/CaAssociationInput";
import type { CaEnrollInput } from "../bindings/CaEnrollInput";
import type { CaIdentityType } from "../bindings/CaIdentityType";
import type { CaRegisterInput } from "../bindings/CaRegisterInput";
import type { CaTarget } from "../bindings/CaTarget";
import type { CaUser } from "../bindings/CaUser";
import { formatNumber, i18n } from "../i18n";

const msg = (key: string, options?: Record<string, unknown>): string =>
  i18n.t(key, { ns: "ca", ...options });

/** The two CAs of a Fabric CA server, as the console creates them. The library's CA file names
 * the enrollment CA; the TLS CA is `tlsca` unless told otherwise. */
export type CaTab = "ca" | "tlsca";
export const TLS_CA_NAME = "tlsca";

export const IDENTITY_TYPES: readonly { value: CaIdentityType; label: string }[] = [
  { value: "peer", label: "peer" },
  { value: "client", label: "client" },
  { value: "admin", label: "admin" },
  { value: "orderer", label: "orderer" },
];

/** Where a request goes: the library CA by id, the enrollment CA (its own name) or the TLS CA. */
export function caTarget(caId: string, tab: CaTab): CaTarget {
  return { ca: caId, caName: tab === "tlsca" ? TLS_CA_NAME : null, tlsCert: null };
}

/** A strong enroll secret, made the way the backend makes one: 32 random bytes from the
 * platform's CSPRNG, base64url without padding (43 characters). */
export function generateSecret(
  fill: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  const bytes = fill(new Uint8Array(32));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  bytes.fill(0);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// ── Register user ──────────────────────────────────────────────────────────────────────────

export interface AttributeRow {
  /** Stable key for React lists. */
  key: number;
  name: string;
  value: string;
}

/** What the "Register user" panel holds while it is open. */
export interface RegisterForm {
  enrollId: string;
  type: CaIdentityType;
  /** Generate a strong secret (default) or use the one typed. */
  secretMode: "generate" | "type";
  secret: string;
  /** Empty for the CA's default; -1 for unlimited. */
  maxEnrollments: string;
  affiliation: string;
  attributes: AttributeRow[];
}

export function emptyRegisterForm(): RegisterForm {
  return {
    enrollId: "",
    type: "peer",
    secretMode: "generate",
    secret: "",
    maxEnrollments: "",
    affiliation: "",
    attributes: [],
  };
}

export type RegisterErrors = Partial<
  Record<"enrollId" | "secret" | "maxEnrollments" | "affiliation" | "attributes", string>
>;

/** Enroll ids the CA takes: no spaces, no colon (basic auth), at most 64 characters here. */
export function enrollIdError(id: string): string | undefined {
  const trimmed = id.trim();
  if (trimmed === "") return msg("check.enrollId");
  if (/\s/.test(trimmed)) return msg("check.enrollIdSpaces");
  if (trimmed.includes(":")) return msg("check.enrollIdColon");
  if (trimmed.length > 64) return msg("check.tooLong", { max: 64 });
  return undefined;
}

/** -1 (unlimited), a positive count, or empty for the CA's default. */
export function parseMaxEnrollments(text: string): number | null | "invalid" {
  const t = text.trim();
  if (t === "") return null;
  if (!/^-?\d+$/.test(t)) return "invalid";
  const n = Number(t);
  if (n < -1 || n === 0 || n > 2_147_483_647) return "invalid";
  return n;
}

export function validateRegisterForm(form: RegisterForm): RegisterErrors {
  const errors: RegisterErrors = {};
  const id = enrollIdError(form.enrollId);
  if (id) errors.enrollId = id;
  if (form.secretMode === "type") {
    if (form.secret === "") errors.secret = msg("check.secret");
    else if (form.secret.length < 8) errors.secret = msg("check.secretShort", { min: 8 });
    else if (form.secret.includes(":")) errors.secret = msg("check.secretColon");
  }
  if (parseMaxEnrollments(form.maxEnrollments) === "invalid") {
    errors.maxEnrollments = msg("check.maxEnrollments");
  }
  if (/\s/.test(form.affiliation.trim())) {
    errors.affiliation = msg("check.affiliation", { example: "org1.department1" });
  }
  const named = form.attributes.filter((a) => a.name.trim() !== "" || a.value !== "");
  if (named.some((a) => a.name.trim() === "")) {
    errors.attributes = msg("check.attributeName");
  } else {
    const names = named.map((a) => a.name.trim());
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) errors.attributes = msg("check.attributeTwice", { name: dup });
  }
  return errors;
}

/** The `ca_register` input of a valid form; `secret` is the one to send (typed or generated). */
export function toRegisterInput(
  form: RegisterForm,
  target: CaTarget,
  secret: string,
  registrar: string | null,
): CaRegisterInput {
  const max = parseMaxEnrollments(form.maxEnrollments);
  const affiliation = form.affiliation.trim();
  return {
    target,
    registrar,
    enrollId: form.enrollId.trim(),
    identityType: form.type,
    enrollSecret: secret,
    maxEnrollments: typeof max === "number" ? max : null,
    affiliation: affiliation === "" ? null : affiliation,
    attributes: form.attributes
      .filter((a) => a.name.trim() !== "")
      .map((a) => ({ name: a.name.trim(), value: a.value, ecert: false })),
  };
}

// ── Enroll into wallet / associate ─────────────────────────────────────────────────────────

export interface EnrollForm {
  enrollId: string;
  /** Empty: the secret this workspace kept when it registered the id. */
  secret: string;
  walletName: string;
}

export type EnrollErrors = Partial<Record<keyof EnrollForm, string>>;

export function walletNameError(name: string, walletNames: readonly string[]): string | undefined {
  const t = name.trim();
  if (t === "") return msg("check.walletName");
  if (t.length > 64) return msg("check.tooLong", { max: 64 });
  if (walletNames.includes(t)) return msg("check.walletNameTaken", { name: t });
  return undefined;
}

export function validateEnrollForm(
  form: EnrollForm,
  walletNames: readonly string[],
  secretRequired: boolean,
): EnrollErrors {
  const errors: EnrollErrors = {};
  const id = enrollIdError(form.enrollId);
  if (id) errors.enrollId = id;
  if (secretRequired && form.secret === "") errors.secret = msg("check.enrollSecret");
  const name = walletNameError(form.walletName, walletNames);
  if (name) errors.walletName = name;
  return errors;
}

export function toEnrollInput(form: EnrollForm, target: CaTarget): CaEnrollInput {
  return {
    target,
    enrollId: form.enrollId.trim(),
    enrollSecret: form.secret === "" ? null : form.secret,
    walletName: form.walletName.trim(),
    hosts: [],
  };
}

export function toAssociation(form: EnrollForm): CaAssociationInput {
  return {
    kind: "enroll",
    enrollId: form.enrollId.trim(),
    enrollSecret: form.secret,
    walletName: form.walletName.trim(),
  };
}

/** A wallet name proposal that is not taken: "Org1 CA Admin", then "Org1 CA Admin 2", … */
export function freeWalletName(wanted: string, walletNames: readonly string[]): string {
  if (!walletNames.includes(wanted)) return wanted;
  for (let i = 2; ; i++) {
    const next = `${wanted} ${i}`;
    if (!walletNames.includes(next)) return next;
  }
}

/** The field a backend `InvalidInput` names (`details.field`), if it is one of `fields`. */
export function fieldOf<F extends string>(details: unknown, fields: readonly F[]): F | null {
  if (typeof details !== "object" || details === null) return null;
  const field = (details as { field?: unknown }).field;
  return typeof field === "string" && (fields as readonly string[]).includes(field)
    ? (field as F)
    : null;
}

// ── Users table ────────────────────────────────────────────────────────────────────────────

export function maxEnrollmentsText(n: number): string {
  if (n === -1) return msg("users.unlimited");
  if (n === 0) return msg("users.caDefault");
  return formatNumber(n);
}

/** Users sorted by id, as the console lists them. */
export function sortUsers(users: readonly CaUser[]): CaUser[] {
  return [...users].sort((a, b) => a.id.localeCompare(b.id));
}
