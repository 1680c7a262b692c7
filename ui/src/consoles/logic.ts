// The Consoles page's pure logic: form validation and the ConsoleInput it sends, verdicts as
// status squares and notifications, console components as tiles, the drag payload of the
// all-regions view, import reports as text (and what a report line's "Update" re-runs), and
// the page's sub-routes.

import type { ComponentStatus } from "../bindings/ComponentStatus";
import type { ConnectionVerdict } from "../bindings/ConnectionVerdict";
import type { ConsoleAuthInput } from "../bindings/ConsoleAuthInput";
import type { ConsoleComponents } from "../bindings/ConsoleComponents";
import type { ConsoleImportItem } from "../bindings/ConsoleImportItem";
import type { ConsoleImportOutcome } from "../bindings/ConsoleImportOutcome";
import type { ConsoleImportReport } from "../bindings/ConsoleImportReport";
import type { ConsoleInput } from "../bindings/ConsoleInput";
import type { ConsoleMsp } from "../bindings/ConsoleMsp";
import type { ConsoleNode } from "../bindings/ConsoleNode";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { RecordUpdateSource } from "../bindings/RecordUpdateSource";
import type { TileData, TileLabel, TileStatus } from "../components/NodeTile";
import { expiresSoon, locationText } from "../data/library";
import { ERROR_TEXT } from "../errors";
import { formatDate, formatNumber, i18n, joinList } from "../i18n";

const tr = (key: string, options?: Record<string, unknown>) => i18n.t(`consoles:${key}`, options);

/** The console re-polls status every minute (console-api.md §7.4); so do we. */
export const POLL_MS = 60_000;

export const NAME_MAX = 64;

// ── Form ────────────────────────────────────────────────────────────────────────────────────

/** Console API key + secret, a console user name + password (used once to create an API key),
 * or an IBM Cloud API key exchanged at IBM Cloud IAM (consoles on IBM Cloud). */
export type AuthMode = "apiKey" | "password" | "iam";

/** IBM Cloud IAM's token endpoint, used when the form's token URL is empty. */
export const IBM_CLOUD_IAM_TOKEN_URL = "https://iam.cloud.ibm.com/identity/token";

/** What the add/edit panel holds while it is open. Secrets live here and nowhere else. */
export interface ConsoleForm {
  name: string;
  region: string;
  url: string;
  authMode: AuthMode;
  /** Editing only: send new credentials (otherwise the stored ones are kept). */
  replaceAuth: boolean;
  apiKey: string;
  apiSecret: string;
  username: string;
  password: string;
  /** The IBM Cloud API key (sign-in with IBM Cloud IAM). */
  iamApiKey: string;
  /** IAM's token endpoint; empty for IBM Cloud's. */
  tokenUrl: string;
  caCertPem: string;
  /** Editing only: remove the stored CA certificate (an empty field otherwise keeps it). */
  removeCa: boolean;
}

export type FormField =
  | "name"
  | "region"
  | "url"
  | "apiKey"
  | "apiSecret"
  | "username"
  | "password"
  | "iamApiKey"
  | "tokenUrl"
  | "caCertPem";

export type FormErrors = Partial<Record<FormField, string>>;

export function emptyForm(editing?: ConsoleSummary): ConsoleForm {
  const iam = editing?.auth === "iam";
  const tokenUrl = iam ? (editing?.iamTokenUrl ?? "") : "";
  return {
    name: editing?.name ?? "",
    region: editing?.region ?? "",
    url: editing?.url ?? "",
    authMode: iam ? "iam" : "apiKey",
    replaceAuth: editing === undefined,
    apiKey: iam ? "" : (editing?.apiKey ?? ""),
    apiSecret: "",
    username: "",
    password: "",
    iamApiKey: "",
    tokenUrl: tokenUrl === IBM_CLOUD_IAM_TOKEN_URL ? "" : tokenUrl,
    caCertPem: "",
    removeCa: false,
  };
}

/** "https:" / "http:" for a console URL the backend accepts, or null. */
export function consoleUrlScheme(url: string): "https:" | "http:" | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  if (parsed.hostname === "" || parsed.username !== "" || parsed.password !== "") return null;
  if (parsed.search !== "" || parsed.hash !== "") return null;
  return parsed.protocol;
}

/** True for an IAM token URL the backend accepts: `https://host[:port][/path]`, without user,
 * query or fragment. */
export function isTokenUrl(url: string): boolean {
  const trimmed = url.trim();
  // A bare "?" or "#" leaves URL's search and hash empty; the backend still refuses it.
  if (trimmed.includes("?") || trimmed.includes("#")) return false;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return false;
  }
  return (
    parsed.protocol === "https:" &&
    parsed.hostname !== "" &&
    parsed.username === "" &&
    parsed.password === ""
  );
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** A PEM certificate, or the base64 of one (as the console's files carry them). */
export function looksLikePemCertificate(text: string): boolean {
  const trimmed = text.trim();
  if (PEM_CERT.test(trimmed)) return true;
  if (!/^[A-Za-z0-9+/=\s]+$/.test(trimmed)) return false;
  try {
    return PEM_CERT.test(atob(trimmed.replace(/\s+/g, "")));
  } catch {
    return false;
  }
}

/** Field errors, in the form's wording; an empty object when the form can be sent. */
export function validateConsoleForm(
  form: ConsoleForm,
  opts: { existingNames: readonly string[]; editing?: string | undefined },
): FormErrors {
  const errors: FormErrors = {};
  const name = form.name.trim();
  if (name === "") errors.name = tr("form.error.name");
  else if (name.length > NAME_MAX) errors.name = tr("form.error.tooLong", { max: NAME_MAX });
  else if (
    name !== opts.editing &&
    opts.existingNames.some((n) => n.toLowerCase() === name.toLowerCase())
  ) {
    errors.name = tr("form.error.nameTaken", { name });
  }
  if (form.region.trim().length > NAME_MAX) {
    errors.region = tr("form.error.tooLong", { max: NAME_MAX });
  }
  if (form.url.trim() === "") errors.url = tr("form.error.url");
  else if (consoleUrlScheme(form.url) === null) errors.url = tr("form.error.urlInvalid");
  if (form.replaceAuth) {
    if (form.authMode === "apiKey") {
      if (form.apiKey.trim() === "") errors.apiKey = tr("form.error.apiKey");
      if (form.apiSecret === "") errors.apiSecret = tr("form.error.apiSecret");
    } else if (form.authMode === "iam") {
      if (form.iamApiKey.trim() === "") errors.iamApiKey = tr("form.error.iamApiKey");
      if (form.tokenUrl.trim() !== "" && !isTokenUrl(form.tokenUrl)) {
        errors.tokenUrl = tr("form.error.tokenUrl");
      }
    } else {
      if (form.username.trim() === "") errors.username = tr("form.error.username");
      if (form.password === "") errors.password = tr("form.error.password");
    }
  }
  if (form.caCertPem.trim() !== "" && !looksLikePemCertificate(form.caCertPem)) {
    errors.caCertPem = tr("form.error.caCertPem");
  }
  return errors;
}

/** The IPC body of the form (trimmed; `auth` and `caCertPem` null keep what is stored on edit). */
export function toConsoleInput(form: ConsoleForm): ConsoleInput {
  const pem = form.caCertPem.trim();
  return {
    name: form.name.trim(),
    region: form.region.trim(),
    url: form.url.trim().replace(/\/+$/, ""),
    auth: form.replaceAuth ? authInput(form) : null,
    // null keeps the stored certificate on edit; "" removes it.
    caCertPem: pem !== "" ? pem : form.removeCa ? "" : null,
  };
}

function authInput(form: ConsoleForm): ConsoleAuthInput {
  switch (form.authMode) {
    case "apiKey":
      return { kind: "apiKey", apiKey: form.apiKey.trim(), apiSecret: form.apiSecret };
    case "password":
      return { kind: "password", username: form.username.trim(), password: form.password };
    case "iam": {
      const tokenUrl = form.tokenUrl.trim();
      // null: IBM Cloud's token endpoint.
      return { kind: "iam", iamApiKey: form.iamApiKey.trim(), tokenUrl: tokenUrl || null };
    }
  }
}

/** How a console is signed in to, in words: "API key key1" or "IBM Cloud IAM" (with its token
 * URL when it is not IBM Cloud's). */
export function consoleAuthText(c: ConsoleSummary): string {
  if (c.auth !== "iam") return tr("auth.apiKey", { key: c.apiKey || "—" });
  return c.iamTokenUrl && c.iamTokenUrl !== IBM_CLOUD_IAM_TOKEN_URL
    ? tr("auth.iamAt", { url: c.iamTokenUrl })
    : tr("auth.iam");
}

/** The form field a backend `InvalidInput` names in `details.field` (`input.url` → `url`). */
export function fieldOfError(details: unknown): FormField | null {
  if (typeof details !== "object" || details === null) return null;
  const field = (details as { field?: unknown }).field;
  if (typeof field !== "string") return null;
  const last = field.split(".").pop() ?? "";
  const known: FormField[] = [
    "name",
    "region",
    "url",
    "apiKey",
    "apiSecret",
    "username",
    "password",
    "iamApiKey",
    "tokenUrl",
    "caCertPem",
  ];
  return (known as string[]).includes(last) ? (last as FormField) : null;
}

// ── Verdicts ────────────────────────────────────────────────────────────────────────────────

export type NoticeKind = "success" | "warning" | "error";

/** ready → success; usable with limits (import-only, cannot create) → warning; else error. */
export function verdictKind(verdict: ConnectionVerdict): NoticeKind {
  if (!verdict.ok) return "error";
  return verdict.code === "ready" ? "success" : "warning";
}

/** The status square of a console tile: its last verdict, grey until tested. */
export function verdictStatus(verdict: ConnectionVerdict | null): {
  status: TileStatus;
  label: string;
} {
  if (!verdict) return { status: "unknown", label: tr("verdict.notTested") };
  const kind = verdictKind(verdict);
  const status: TileStatus =
    kind === "success" ? "running" : kind === "warning" ? "partial" : "stopped";
  return { status, label: verdictText(verdict).sentence };
}

const VERDICT_CODES = ["ready", "import_only", "cannot_create", "reader_only"];

/** The verdict's sentence and fix for the window. In English, the backend's own words (they
 * name the console's details); in another language, the catalog's for the verdict's code (a
 * verdict, or an error code), and the backend's only for a code the catalog does not know. */
export function verdictText(verdict: ConnectionVerdict): { sentence: string; fix: string | null } {
  return verdictWords(verdict.code, verdict.sentence, verdict.fix);
}

/** `verdictText` of a verdict given as its code and the backend's sentence and fix. */
export function verdictWords(
  code: string,
  sentence: string,
  fix: string | null,
): { sentence: string; fix: string | null } {
  if (i18n.language === "en") return { sentence, fix };
  if (VERDICT_CODES.includes(code)) {
    const known = tr(`verdict.code.${code}.fix`);
    return { sentence: tr(`verdict.code.${code}.sentence`), fix: known === "-" ? null : known };
  }
  if (Object.hasOwn(ERROR_TEXT, code)) {
    const text = ERROR_TEXT[code as ErrorCode];
    return { sentence: text.sentence, fix: text.fix };
  }
  return { sentence, fix };
}

/** "Console 2.5.2 · import-only · tested 14:02": the verdict's facts on one line. */
export function verdictFacts(verdict: ConnectionVerdict): string {
  const parts: string[] = [];
  if (verdict.version) parts.push(tr("verdict.version", { version: verdict.version }));
  if (verdict.importOnly) parts.push(tr("verdict.importOnly"));
  if (verdict.authScheme) parts.push(tr("verdict.auth", { scheme: verdict.authScheme }));
  parts.push(tr("verdict.tested", { time: formatTime(verdict.testedAt) }));
  return parts.join(" · ");
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatDate(date, { timeStyle: "medium" });
}

// ── Tiles ───────────────────────────────────────────────────────────────────────────────────

export function consoleTile(c: ConsoleSummary): TileData {
  const { status, label } = verdictStatus(c.lastVerdict);
  const labels: TileLabel[] = [];
  if (c.sandbox) labels.push({ kind: "tag", text: tr("tags.sandbox") });
  if (!c.encrypted) labels.push({ kind: "warning", text: tr("tags.notEncrypted") });
  labels.push({ kind: "text", text: c.url });
  return {
    id: c.name,
    title: c.name,
    subtitle: c.region || tr("tile.noRegion"),
    status,
    statusLabel: label,
    labels,
    data: { testid: "console-tile", console: c.name },
  };
}

/** ComponentStatus is a subset of the tile statuses (no "partial": clusters aggregate). */
export function tileStatus(status: ComponentStatus): TileStatus {
  return status;
}

export function consoleNodeLabels(node: ConsoleNode, now: Date = new Date()): TileLabel[] {
  const labels: TileLabel[] = [];
  if (expiresSoon(node.certExpiresAt, now)) {
    labels.push({ kind: "certExpiration", text: i18n.t("data:tile.certExpiration") });
  }
  if (node.kind === "orderer" && node.nodes > 1) {
    labels.push({
      kind: "text",
      text: i18n.t("data:tile.orderingNodes", { count: node.nodes, n: formatNumber(node.nodes) }),
    });
  }
  if (node.imported) labels.push({ kind: "imported", text: i18n.t("data:tile.imported") });
  labels.push({ kind: "location", text: locationText(node.location) });
  return labels;
}

export function consoleNodeTile(node: ConsoleNode, now: Date = new Date()): TileData {
  const tile: TileData = {
    id: node.id,
    title: node.displayName,
    status: tileStatus(node.status),
    labels: consoleNodeLabels(node, now),
  };
  if (node.kind !== "ca" && node.mspId) tile.subtitle = node.mspId;
  return tile;
}

export function consoleMspTile(msp: ConsoleMsp): TileData {
  const labels: TileLabel[] = [];
  if (msp.nodeOuEnabled) labels.push({ kind: "nodeOu", text: i18n.t("data:tile.nodeOuEnabled") });
  return { id: msp.id, title: msp.displayName, subtitle: msp.mspId, labels };
}

export type ComponentKind = "ca" | "msp" | "peer" | "orderer";

/** A node's kind as the backend names it (`ca`, `peer` or `orderer`). */
export function nodeKind(kind: string): Exclude<ComponentKind, "msp"> {
  return kind === "ca" || kind === "orderer" ? kind : "peer";
}

/** One component of a console, whatever its kind (menus, drag and drop, the regions view). */
export interface ComponentRef {
  console: string;
  id: string;
  kind: ComponentKind;
  displayName: string;
}

/** A component's kind in words, in the current language. */
export function kindLabel(kind: ComponentKind): string {
  return i18n.t(`common:kind.${kind}`);
}

/** The all-regions view's sections, in the procedure's order: CA, then MSP, then nodes; each
 * title is `consoles:regions.section.<kind>`. */
export const REGION_SECTIONS: readonly { kind: ComponentKind }[] = [
  { kind: "ca" },
  { kind: "msp" },
  { kind: "peer" },
  { kind: "orderer" },
];

export interface RegionItem extends ComponentRef {
  /** MSP ID (peers, orderers, MSPs) or the CA's URL. */
  detail: string;
  status?: TileStatus;
}

const byName = (a: { displayName: string }, b: { displayName: string }) =>
  a.displayName.localeCompare(b.displayName, undefined, { sensitivity: "base", numeric: true });

/** A console's components grouped for its column, each group sorted by name. */
export function regionItems(components: ConsoleComponents): Record<ComponentKind, RegionItem[]> {
  const node = (n: ConsoleNode): RegionItem => ({
    console: components.console,
    id: n.id,
    kind: nodeKind(n.kind),
    displayName: n.displayName,
    detail: (n.kind === "ca" ? n.apiUrl : n.mspId) ?? "",
    status: tileStatus(n.status),
  });
  return {
    ca: [...components.cas].sort(byName).map(node),
    msp: [...components.msps].sort(byName).map((m) => ({
      console: components.console,
      id: m.id,
      kind: "msp" as const,
      displayName: m.displayName,
      detail: m.mspId,
    })),
    peer: [...components.peers].sort(byName).map(node),
    orderer: [...components.orderers].sort(byName).map(node),
  };
}

// ── Drag and drop between regions ───────────────────────────────────────────────────────────

/** The drag data type of a console component (a custom type: other pages and the OS ignore it). */
export const DRAG_TYPE = "application/x-fabric-ha-component";

export interface DragPayload {
  from: string;
  componentId: string;
}

export function encodeDrag(payload: DragPayload): string {
  return JSON.stringify({ from: payload.from, componentId: payload.componentId });
}

/** The payload of a drop, or null for anything that is not one of our tiles. */
export function decodeDrag(text: string): DragPayload | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return null;
    const { from, componentId } = value as Record<string, unknown>;
    if (typeof from !== "string" || typeof componentId !== "string") return null;
    if (from === "" || componentId === "") return null;
    return { from, componentId };
  } catch {
    return null;
  }
}

// ── Import reports ──────────────────────────────────────────────────────────────────────────

/** A report line's outcome in words (`consoles:report.outcome.<outcome>`). */
export function outcomeText(outcome: ConsoleImportOutcome): string {
  return tr(`report.outcome.${outcome}`);
}

const OUTCOME_ORDER: readonly ConsoleImportOutcome[] = [
  "imported",
  "alreadyPresent",
  "presentWithOtherCertificates",
  "presentWithOtherContent",
  "updated",
  "rejected",
];

/** "2 components: 1 imported, 1 already present." */
export function importSummary(report: ConsoleImportReport): string {
  const count = (o: ConsoleImportOutcome) => report.items.filter((i) => i.outcome === o).length;
  const parts = OUTCOME_ORDER.map((o) => [count(o), o] as const)
    .filter(([n]) => n > 0)
    .map(([n, o]) => tr(`report.counted.${o}`, { n: formatNumber(n) }));
  const total = report.items.length;
  const components = tr("report.components", { count: total, n: formatNumber(total) });
  return parts.length
    ? tr("report.summary", { components, parts: joinList(parts) })
    : tr("report.summaryEmpty", { components });
}

/** The console's record is there, with other certificates than the component's. */
export const isStale = (outcome: ConsoleImportOutcome): boolean =>
  outcome === "presentWithOtherCertificates" || outcome === "presentWithOtherContent";

/** A certificate field of a console record (the backend's JSON path) → its key under
 * `consoles:report.field`. */
const CERT_FIELD_KEY: Record<string, string> = {
  "msp.component.tls_cert": "tlsCert",
  "msp.component.ecert": "ecert",
  "msp.component.admin_certs": "adminCerts",
  "msp.ca.root_certs": "rootCerts",
  "msp.tlsca.root_certs": "tlsRootCerts",
  "msp.intermediate_ca.root_certs": "intermediateCerts",
  "msp.intermediate_tlsca.root_certs": "tlsIntermediateCerts",
  root_certs: "rootCerts",
  intermediate_certs: "intermediateCerts",
  admins: "admins",
  tls_root_certs: "tlsRootCerts",
  tls_intermediate_certs: "tlsIntermediateCerts",
};

/** "TLS certificate, TLS root certificates" for `["msp.component.tls_cert", ...]`; a path
 * without words stays as it is. */
export function differenceText(paths: readonly string[]): string {
  return joinList(
    paths.map((p) =>
      Object.hasOwn(CERT_FIELD_KEY, p) ? tr(`report.field.${CERT_FIELD_KEY[p]}`) : p,
    ),
  );
}

/** Where a report line's "Update" takes the certificates from: its library artifact, or the
 * console component it was copied from. Null when the line cannot be updated from here (not
 * stale, a CA, or a file imported directly). */
export function updateSourceOf(item: ConsoleImportItem): RecordUpdateSource | null {
  if (!isStale(item.outcome) || !item.updatable) return null;
  if (item.artifactId) return { kind: "library", artifactIds: [item.artifactId] };
  if (item.sourceConsole && item.sourceId) {
    return { kind: "console", from: item.sourceConsole, componentIds: [item.sourceId] };
  }
  return null;
}

const sourceKey = (item: ConsoleImportItem): string | null =>
  item.artifactId
    ? `artifact:${item.artifactId}`
    : item.sourceConsole && item.sourceId
      ? `console:${item.sourceConsole}/${item.sourceId}`
      : null;

/** The report with the lines of `updated`'s source (one artifact or copied component may be
 * several lines: an ordering service's nodes) replaced by `fresh`, where the first was. */
export function withUpdatedLines(
  report: ConsoleImportReport,
  updated: ConsoleImportItem,
  fresh: readonly ConsoleImportItem[],
): ConsoleImportReport {
  const key = sourceKey(updated);
  if (key === null) return report;
  const items: ConsoleImportItem[] = [];
  let placed = false;
  for (const item of report.items) {
    if (sourceKey(item) !== key) {
      items.push(item);
    } else if (!placed) {
      items.push(...fresh);
      placed = true;
    }
  }
  return { ...report, items };
}

// ── Sub-routes of the Consoles page ─────────────────────────────────────────────────────────

export type ConsolesView =
  | { view: "list" }
  | { view: "regions" }
  | { view: "console"; name: string };

/** `#/consoles` → list, `#/consoles/regions` → all regions, `#/consoles/c/<name>` → one console. */
export function parseConsolesHash(hash: string): ConsolesView {
  const parts = hash.replace(/^#\/?/, "").split("/");
  if (parts[0] !== "consoles") return { view: "list" };
  if (parts[1] === "regions") return { view: "regions" };
  if (parts[1] === "c" && parts[2]) {
    try {
      return { view: "console", name: decodeURIComponent(parts.slice(2).join("/")) };
    } catch {
      return { view: "list" };
    }
  }
  return { view: "list" };
}

export function consolesHref(view: ConsolesView): string {
  switch (view.view) {
    case "list":
      return "#/consoles";
    case "regions":
      return "#/consoles/regions";
    case "console":
      return `#/consoles/c/${encodeURIComponent(view.name)}`;
  }
}
