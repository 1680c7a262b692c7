// The HA plans UI's pure logic: the page's sub-views in the hash, the wizard's form and its
// checks (for a new organization, the engine's own rules: crates/engine/src/plan.rs), the plan
// it becomes, and the live state of a run folded from progress events.
import type { PlanAction } from "../bindings/PlanAction";
import type { PlanCheck } from "../bindings/PlanCheck";
import type { PlanPeerSpec } from "../bindings/PlanPeerSpec";
import type { PlanProgress } from "../bindings/PlanProgress";
import type { PlanSource } from "../bindings/PlanSource";
import type { PlanSpec } from "../bindings/PlanSpec";
import type { PlanState } from "../bindings/PlanState";
import type { PlanStatus } from "../bindings/PlanStatus";
import type { PlanStepText } from "../bindings/PlanStepText";
import { i18n } from "../i18n";
import { reasonText } from "./reasonText";

const msg = (key: string, options?: Record<string, unknown>): string =>
  i18n.t(key, { ns: "plans", ...options });

/** A preview check's name in the window's language, from its code and values. */
export function checkText(check: PlanCheck): string {
  return stepText(check.label, check.name);
}

/** A plan step's sentence in the window's language, from its code and values; the engine's
 * English sentence when the catalog lacks it. */
export function stepText(text: PlanStepText, description: string): string {
  const key = `stepText.${text.code}`;
  return i18n.exists(key, { ns: "plans" }) ? msg(key, text.params) : description;
}

// ── Hash: `#/ha-plans`, `#/ha-plans/new`, `#/ha-plans/p/<name>` ──

export type PlansView = { view: "list" } | { view: "new" } | { view: "plan"; name: string };

export function parsePlansHash(hash: string): PlansView {
  const parts = hash.replace(/^#\/?/, "").split("/");
  if (parts[0] !== "ha-plans") return { view: "list" };
  if (parts[1] === "new") return { view: "new" };
  if (parts[1] === "p" && parts[2]) {
    try {
      return { view: "plan", name: decodeURIComponent(parts.slice(2).join("/")) };
    } catch {
      return { view: "list" };
    }
  }
  return { view: "list" };
}

export function plansHref(view: PlansView): string {
  switch (view.view) {
    case "list":
      return "#/ha-plans";
    case "new":
      return "#/ha-plans/new";
    case "plan":
      return `#/ha-plans/p/${encodeURIComponent(view.name)}`;
  }
}

// ── States ──

/** What the list shows: the stored state, "running" for a run in this window, and
 * "previewed" for a draft previewed since the app started. */
export type ShownState = PlanState | "previewed";

export function shownState(state: PlanState, running: boolean, previewed: boolean): ShownState {
  if (running) return "running";
  if (state === "draft" && previewed) return "previewed";
  return state;
}

/** A shown state in the current language. */
export function stateLabel(state: ShownState): string {
  return msg(`state.${state}`);
}

// ── The wizard ──

/** The seven steps of a plan; their labels are `plans:steps.<step>`. */
export const WIZARD_STEPS = [
  "source",
  "targets",
  "peers",
  "secrets",
  "preview",
  "apply",
  "report",
] as const;

export interface RegionForm {
  console: string;
  region: string;
  count: number;
  /** One per peer; generated from the count, editable. */
  names: string[];
  zone: string;
  version: string;
  stateDb: "" | "couchdb" | "leveldb";
  cpu: string;
  memory: string;
  storageSize: string;
  storageClass: string;
}

/** The fields of a new organization that default from its MSP id. */
export const NEW_ORG_FIELDS = [
  "caName",
  "mspName",
  "caAdminId",
  "orgAdminId",
  "peerName",
  "peerEnrollId",
] as const;

export type NewOrgField = (typeof NEW_ORG_FIELDS)[number];

/** An organization the plan creates in the region-1 console (`source.create`). */
export type NewOrgForm = Record<NewOrgField, string> & {
  /** The fields typed into: a new MSP id or console no longer refills them. */
  edited: NewOrgField[];
};

export interface WizardForm {
  name: string;
  /** "existing": the organization is in the region-1 console; "new": the plan creates it. */
  mode: "existing" | "new";
  sourceConsole: string;
  ca: string;
  msp: string;
  /** The organization's msp_id (names the new peers): the chosen MSP's, or typed for a new one. */
  mspId: string;
  org: NewOrgForm;
  peers: string[];
  channels: string;
  chaincodes: string;
  targets: RegionForm[];
  registrar: "enroll" | "wallet";
  enrollId: string;
  /** Typed by the user; sent once with plan_create, then cleared. */
  secret: string;
  walletIdentity: string;
  orgAdminIdentity: string;
  /** Wallet identity whose TLS certificate the plan's connections present to peers and
   * orderers that require client certificates (mutual TLS); "" for none. */
  tlsIdentity: string;
}

export function emptyForm(): WizardForm {
  return {
    name: "",
    mode: "existing",
    sourceConsole: "",
    ca: "",
    msp: "",
    mspId: "",
    org: { ...newOrgDefaults("", ""), edited: [] },
    peers: [],
    channels: "",
    chaincodes: "",
    targets: [],
    registrar: "enroll",
    enrollId: "admin",
    secret: "",
    walletIdentity: "",
    orgAdminIdentity: "",
    tlsIdentity: "",
  };
}

export function newRegion(console: string, region: string): RegionForm {
  return {
    console,
    region,
    count: 0,
    names: [],
    zone: "",
    version: "",
    stateDb: "couchdb",
    cpu: "",
    memory: "",
    storageSize: "",
    storageClass: "",
  };
}

/** Enroll-id characters the console accepts: letters, digits, `-` and `.`, lower case. */
function clean(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]/g, "-").toLowerCase();
}

/** The default display name of peer `n` (as the engine's `PeerSpec::numbered`). */
export function defaultPeerName(mspId: string, region: string, n: number): string {
  return `${mspId} peer ${n} (${region})`;
}

/** The enroll id of peer `n` (as the engine's `PeerSpec::numbered`). */
export function defaultEnrollId(mspId: string, region: string, n: number): string {
  return `${clean(mspId)}-${clean(region)}-peer${n}`;
}

/** The region with `count` peers: existing names kept, new ones numbered. */
export function withCount(r: RegionForm, count: number, mspId: string): RegionForm {
  const n = Math.max(0, Math.min(20, Math.floor(count)));
  const names = r.names.slice(0, n);
  for (let i = names.length; i < n; i++) names.push(defaultPeerName(mspId, r.region, i + 1));
  return { ...r, count: n, names };
}

/** The CLI's defaults for a new organization `mspId` in console `console` (`fabric-ha plan new
 * --new-org`): "<MSP id> CA", "<MSP id> MSP", "<MSP id>-ca-admin", "<MSP id>-admin", and the first
 * peer numbered like the engine's `PeerSpec::numbered` with the console's name as its region. */
export function newOrgDefaults(mspId: string, console: string): Record<NewOrgField, string> {
  const peer = mspId !== "" && console !== "";
  return {
    caName: mspId && `${mspId} CA`,
    mspName: mspId && `${mspId} MSP`,
    caAdminId: mspId && `${mspId}-ca-admin`,
    orgAdminId: mspId && `${mspId}-admin`,
    peerName: peer ? defaultPeerName(mspId, console, 1) : "",
    peerEnrollId: peer ? defaultEnrollId(mspId, console, 1) : "",
  };
}

/** The new organization with every field not typed into refilled from `mspId` and `console`. */
export function refillNewOrg(org: NewOrgForm, mspId: string, console: string): NewOrgForm {
  const defaults = newOrgDefaults(mspId, console);
  const next = { ...org };
  for (const field of NEW_ORG_FIELDS) {
    if (!org.edited.includes(field)) next[field] = defaults[field];
  }
  return next;
}

/** The new organization with `field` typed into. */
export function editNewOrg(org: NewOrgForm, field: NewOrgField, value: string): NewOrgForm {
  const edited = org.edited.includes(field) ? org.edited : [...org.edited, field];
  return { ...org, [field]: value, edited };
}

// ── The engine's rules for a plan that creates its organization (`Plan::check_bootstrap`) ──

/** One broken rule: where the engine says it is, and the wizard's field that holds it. */
export interface BootstrapProblem {
  field: NewOrgField | "mspId" | null;
  /** The plan's field as the engine names it, e.g. `source.create.msp_id`. */
  path: string;
  message: string;
}

const quote = (s: string) => JSON.stringify(s);
const charCount = (s: string) => [...s].length;
const BAD_ENROLL_CHAR = /[\s:/<>#{}%`[\]\\^~|"]/u;
const ENROLL_CHARS = ': / < > # { } % ` [ ] \\ ^ ~ | "';

/** The engine's `check_enroll_id`: what is wrong with `id`, or null. */
function enrollIdProblem(id: string): string | null {
  const bytes = new TextEncoder().encode(id).length;
  if (bytes === 0 || bytes > 255 || BAD_ENROLL_CHAR.test(id)) {
    return msg("rules.enrollId", { id: quote(id), chars: ENROLL_CHARS });
  }
  return null;
}

/** A console tile title: 1 to 64 characters, no surrounding spaces. */
const badDisplayName = (s: string) => s.trim() === "" || s.trim() !== s || charCount(s) > 64;

/** Every rule of the engine that `source` breaks, in the engine's order (so the first is the
 * one it reports); empty for a source without `create`. */
export function bootstrapProblems(source: PlanSource): BootstrapProblem[] {
  const create = source.create;
  if (!create) return [];
  const out: BootstrapProblem[] = [];
  const add = (field: BootstrapProblem["field"], path: string, message: string) =>
    out.push({ field, path, message });
  if (source.ca || source.msp) {
    add(null, "source.ca / source.msp", msg("rules.caMspWithCreate"));
  }
  if (source.peers.length > 0) {
    add(null, "source.peers", msg("rules.noPeersToImport"));
  }
  const admin = "enroll_id" in source.registrar ? source.registrar.enroll_id : null;
  if (admin === null) {
    add("caAdminId", "source.registrar", msg("rules.registrarEnrollId"));
  } else if (charCount(admin) < 4) {
    add("caAdminId", "source.registrar", msg("rules.caAdminShort", { id: quote(admin) }));
  } else {
    const problem = enrollIdProblem(admin);
    if (problem) add("caAdminId", "source.registrar", problem);
  }
  for (const [field, key, value] of [
    ["caName", "ca_display_name", create.ca_display_name],
    ["mspName", "msp_display_name", create.msp_display_name],
  ] as const) {
    if (badDisplayName(value)) {
      add(field, `source.create.${key}`, msg("rules.displayName", { name: quote(value) }));
    }
  }
  const mspId = create.msp_id;
  if (!/^[A-Za-z0-9.-]{1,250}$/.test(mspId) || mspId === "." || mspId === "..") {
    add("mspId", "source.create.msp_id", msg("rules.mspId", { id: quote(mspId) }));
  }
  const orgAdmin = create.org_admin_enroll_id;
  const orgAdminProblem = enrollIdProblem(orgAdmin);
  if (orgAdminProblem) {
    add("orgAdminId", "source.create.org_admin_enroll_id", orgAdminProblem);
  } else if (orgAdmin === admin) {
    add("orgAdminId", "source.create.org_admin_enroll_id", msg("rules.orgAdminDiffers"));
  }
  const peer = create.first_peer;
  if (badDisplayName(peer.display_name)) {
    add(
      "peerName",
      "source.create.first_peer",
      msg("rules.peerName", { name: quote(peer.display_name) }),
    );
  }
  const peerProblem = enrollIdProblem(peer.enroll_id);
  if (peerProblem) {
    add("peerEnrollId", "source.create.first_peer", peerProblem);
  }
  if (peer.state_db && peer.state_db !== "couchdb" && peer.state_db !== "leveldb") {
    add(null, "source.create.first_peer", msg("rules.stateDb", { name: quote(peer.display_name) }));
  }
  if (!peerProblem && (peer.enroll_id === orgAdmin || peer.enroll_id === admin)) {
    add("peerEnrollId", "source.create.first_peer.enroll_id", msg("rules.peerIdDiffers"));
  }
  return out;
}

export type FormErrors = Partial<Record<string, string>>;

/** The new organization's fields that must not be empty; their messages are
 * `plans:required.<field>`. */
const REQUIRED: (NewOrgField | "mspId")[] = [
  "mspId",
  "caName",
  "mspName",
  "caAdminId",
  "orgAdminId",
  "peerName",
  "peerEnrollId",
];

/** The new organization's checks per field: "Enter …" when empty, else the engine's rule. */
export function newOrgErrors(form: WizardForm): FormErrors {
  const errors: FormErrors = {};
  for (const p of bootstrapProblems(buildSource(form))) {
    if (p.field && !errors[p.field]) errors[p.field] = p.message;
  }
  for (const field of REQUIRED) {
    const value = field === "mspId" ? form.mspId : form.org[field];
    if (value === "") errors[field] = msg(`required.${field}`);
  }
  return errors;
}

/** The enroll id of peer `i` of region `t` (as the engine's `PeerSpec::numbered`). */
function targetEnrollId(form: WizardForm, t: RegionForm, i: number): string {
  return defaultEnrollId(form.mspId || form.msp, t.region || t.console, i + 1);
}

const list = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** The checks of wizard step `step` (0 source … 3 secrets); empty when it may move on. */
export function validateStep(form: WizardForm, step: number): FormErrors {
  const errors: FormErrors = {};
  if (step === 0) {
    if (!form.name.trim()) errors.name = msg("check.name");
    else if (form.name.length > 64) errors.name = msg("check.tooLong", { max: 64 });
    if (!form.sourceConsole) errors.sourceConsole = msg("check.sourceConsole");
    if (form.mode === "new") {
      Object.assign(errors, newOrgErrors(form));
    } else {
      if (!form.ca) errors.ca = msg("check.ca");
      if (!form.msp) errors.msp = msg("check.msp");
    }
  }
  if (step === 1 && form.targets.length === 0) {
    errors.targets = msg("check.targets");
  }
  if (step === 2) {
    // A new organization's first peer and enroll ids are part of the plan too.
    const org = form.mode === "new" ? form.org : null;
    const seen = new Set<string>(org ? [org.peerName] : []);
    const ids = new Set<string>(org ? [org.caAdminId, org.orgAdminId, org.peerEnrollId] : []);
    let total = 0;
    for (const t of form.targets) {
      total += t.count;
      t.names.forEach((name, i) => {
        const key = `peer:${t.console}:${i}`;
        const id = targetEnrollId(form, t, i);
        if (!name.trim()) errors[key] = msg("check.peerName");
        else if (name.length > 64) errors[key] = msg("check.tooLong", { max: 64 });
        else if (name.trim() !== name) errors[key] = msg("check.spaces");
        else if (seen.has(name)) errors[key] = msg("check.nameTwice");
        else if (ids.has(id)) errors[key] = msg("check.idTwice", { id: quote(id) });
        seen.add(name);
        ids.add(id);
      });
    }
    if (total === 0) errors.peers = msg("check.peers");
  }
  // A new organization needs no secret: the engine generates them.
  if (step === 3 && form.mode === "existing") {
    if (form.registrar === "enroll") {
      if (!form.enrollId.trim()) errors.enrollId = msg("required.caAdminId");
      if (!form.secret) errors.secret = msg("check.secret");
    } else if (!form.walletIdentity) {
      errors.walletIdentity = msg("check.walletIdentity");
    }
  }
  return errors;
}

const opt = (s: string) => (s.trim() ? s.trim() : null);

/** The plan's source: the existing organization, or the one it creates (the CA's admin is the
 * registrar, whose secret the engine generates). */
function buildSource(form: WizardForm): PlanSource {
  if (form.mode === "new") {
    const org = form.org;
    return {
      console: form.sourceConsole,
      ca: "",
      msp: "",
      peers: [],
      registrar: { enroll_id: org.caAdminId },
      org_admin_identity: null,
      create: {
        ca_display_name: org.caName,
        msp_id: form.mspId,
        msp_display_name: org.mspName,
        org_admin_enroll_id: org.orgAdminId,
        first_peer: { display_name: org.peerName, enroll_id: org.peerEnrollId, csr_hosts: [] },
      },
    };
  }
  return {
    console: form.sourceConsole,
    ca: form.ca,
    msp: form.msp,
    peers: form.peers,
    registrar:
      form.registrar === "enroll"
        ? { enroll_id: form.enrollId.trim() }
        : { library_identity: form.walletIdentity },
    org_admin_identity: opt(form.orgAdminIdentity),
    // A created organization's peers take no client certificates: only an existing one's may.
    ...(form.tlsIdentity ? { tls_identity: form.tlsIdentity } : {}),
  };
}

/** The registrar secret sent with the plan: only an existing organization's CA admin has one. */
export function registrarSecret(form: WizardForm): string | null {
  return form.mode === "existing" && form.registrar === "enroll" ? form.secret : null;
}

/** The plan the wizard describes (no secret in it). */
export function buildPlan(form: WizardForm): PlanSpec {
  return {
    format: 1,
    name: form.name.trim(),
    source: buildSource(form),
    targets: form.targets
      .filter((t) => t.count > 0)
      .map((t) => ({
        console: t.console,
        region: t.region,
        peers: t.names.map(
          (name, i): PlanPeerSpec => ({
            display_name: name,
            enroll_id: targetEnrollId(form, t, i),
            zone: opt(t.zone),
            version: opt(t.version),
            state_db: t.stateDb || null,
            cpu: opt(t.cpu),
            memory: opt(t.memory),
            storage_size: opt(t.storageSize),
            storage_class: opt(t.storageClass),
            csr_hosts: [],
          }),
        ),
      })),
    channels: list(form.channels),
    chaincodes: list(form.chaincodes),
    wait_timeout_secs: 600,
  };
}

// ── Steps ──

/** Region label of the lane that creates the organization in the region-1 console (the
 * engine's `BOOTSTRAP_REGION`). */
export const BOOTSTRAP_REGION = "region 1";
/** The lane that runs once every region is done: the channels' anchor peers. */
export const ALL_REGIONS = "all regions";

/** A region as shown: the engine's own lane names ("region 1", "all regions") in the current
 * language, a console's region as it is. */
export function regionLabel(region: string): string {
  if (region === BOOTSTRAP_REGION) return msg("lane.bootstrap");
  if (region === ALL_REGIONS) return msg("lane.all");
  return region;
}

/** A lane's region as shown: the lane that creates the organization says so. */
export function laneLabel(region: string): string {
  return region === BOOTSTRAP_REGION
    ? msg("lane.creates", { region: regionLabel(region) })
    : region === ALL_REGIONS
      ? regionLabel(region)
      : region;
}

/** What each kind of step does, in a few words. */
export function actionLabel(action: PlanAction["action"]): string {
  return msg(`action.${action}`);
}

/** One thing a plan that creates its organization makes in the region-1 console. */
export interface CreatedRow {
  what: string;
  name: string;
  /** Its console id, once made. */
  id: string | null;
  state: string;
}

/** What a plan that creates its organization made in the region-1 console, from its journal. */
export interface CreatedOrg {
  console: string;
  rows: CreatedRow[];
  /** The organization's steps not done yet, with their last error. */
  open: PlanStatus["steps"];
}

export function createdOrg(status: PlanStatus): CreatedOrg | null {
  const { console, create } = status.plan.source;
  if (!create) return null;
  const peer = create.first_peer;
  const steps = status.steps.filter((s) => s.console === console);
  const done = (key: string) =>
    steps.find((s) => s.step === `${console}/${key}` && s.state === "done");
  const ca = done("create-ca");
  const msp = done("create-msp");
  const first = done(`create/${peer.enroll_id}`);
  const notYet = msg("created.notYet");
  const created = msg("created.created");
  return {
    console,
    rows: [
      {
        what: msg("created.ca"),
        name: create.ca_display_name,
        id: ca?.component_id ?? null,
        state: ca ? created : notYet,
      },
      {
        what: msg("created.msp"),
        name: `${create.msp_display_name} (${create.msp_id})`,
        id: msp?.component_id ?? null,
        state: msp ? created : notYet,
      },
      {
        what: msg("created.orgAdmin"),
        name: create.org_admin_enroll_id,
        id: null,
        state: done(`enroll-admin/${create.org_admin_enroll_id}`)
          ? msg("created.enrolled")
          : notYet,
      },
      {
        what: msg("created.firstPeer"),
        name: peer.display_name,
        id: first?.component_id ?? null,
        state: done(`wait/${peer.enroll_id}`) ? msg("created.running") : first ? created : notYet,
      },
    ],
    open: steps.filter((s) => s.state !== "done"),
  };
}

// ── A run, live ──

export interface RegionRun {
  console: string;
  region: string;
  total: number;
  done: number;
  failed: boolean;
  /** The step running now, if any. */
  current: string | null;
}

export interface LogLine {
  id: number;
  console: string;
  region: string;
  text: string;
  kind: "started" | "done" | "skipped" | "retrying" | "failed";
}

export interface RunView {
  regions: RegionRun[];
  log: LogLine[];
}

/** The run as the journal has it (before any event, or after a reload). */
export function runFromStatus(status: PlanStatus): RunView {
  const { source, targets } = status.plan;
  const lanes = [
    ...(source.create ? [{ console: source.console, region: BOOTSTRAP_REGION }] : []),
    ...targets,
    ...(status.plan.channels.length > 0 ? [{ console: source.console, region: ALL_REGIONS }] : []),
  ];
  const regions = lanes.map((t) => {
    const anchors = (key: string) => key.includes("/anchors/");
    const steps = status.steps.filter(
      (s) =>
        s.console === t.console && (t.region === ALL_REGIONS ? anchors(s.step) : !anchors(s.step)),
    );
    return {
      console: t.console,
      region: t.region,
      total: steps.length,
      done: steps.filter((s) => s.state === "done").length,
      failed: steps.some((s) => s.state === "failed"),
      current: null,
    };
  });
  return { regions, log: [] };
}

let nextLine = 1;

/** Folds one progress update into the run. */
export function applyProgress(run: RunView, p: PlanProgress): RunView {
  const ev = p.event;
  const regions = run.regions.map((r) => {
    if (r.console !== p.console || (r.region !== p.region && r.region !== "")) return r;
    switch (ev.kind) {
      case "started":
        return { ...r, current: stepText(p.text, p.description), failed: false };
      case "catch_up":
        return {
          ...r,
          current: msg("log.catchUp", {
            step: stepText(p.text, p.description),
            height: ev.height,
            target: ev.target,
          }),
        };
      case "done":
      case "skipped":
        return {
          ...r,
          done: Math.min(r.total, r.done + (ev.kind === "skipped" ? 0 : 1)),
          current: null,
        };
      case "failed":
        return { ...r, failed: true, current: null };
      default:
        return r;
    }
  });
  // A catch-up moves the region's current line; the log keeps the step's start and end.
  if (ev.kind === "catch_up") return { regions, log: run.log };
  const step = stepText(p.text, p.description);
  const text =
    ev.kind === "started"
      ? step
      : ev.kind === "done"
        ? msg(ev.already_present ? "log.alreadyInPlace" : "log.done", { step }) +
          (ev.component_id ? ` (${ev.component_id})` : "")
        : ev.kind === "skipped"
          ? msg("log.skipped", { step })
          : ev.kind === "retrying"
            ? msg("log.retrying", {
                step,
                attempt: ev.attempt,
                message: reasonText(ev.reason, ev.params, ev.message),
              })
            : msg("log.failed", { step, message: reasonText(ev.reason, ev.params, ev.message) });
  const line: LogLine = {
    id: nextLine++,
    console: p.console,
    region: p.region,
    text,
    kind: ev.kind,
  };
  return { regions, log: [...run.log, line] };
}
