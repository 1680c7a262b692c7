// The HA plans UI's pure logic: the page's sub-views in the hash, the wizard's form and its
// checks, the plan it becomes, and the live state of a run folded from progress events.
import type { PlanPeerSpec } from "../bindings/PlanPeerSpec";
import type { PlanProgress } from "../bindings/PlanProgress";
import type { PlanSpec } from "../bindings/PlanSpec";
import type { PlanState } from "../bindings/PlanState";
import type { PlanStatus } from "../bindings/PlanStatus";

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

export const STATE_LABEL: Record<ShownState, string> = {
  draft: "Draft",
  previewed: "Previewed",
  running: "Running",
  stopped: "Stopped",
  completed: "Completed",
};

// ── The wizard ──

export const WIZARD_STEPS = [
  "Source",
  "Targets",
  "Peers",
  "Secrets",
  "Preview",
  "Apply",
  "Report",
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

export interface WizardForm {
  name: string;
  sourceConsole: string;
  ca: string;
  msp: string;
  /** The MSP's msp_id (names the new peers). */
  mspId: string;
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
}

export function emptyForm(): WizardForm {
  return {
    name: "",
    sourceConsole: "",
    ca: "",
    msp: "",
    mspId: "",
    peers: [],
    channels: "",
    chaincodes: "",
    targets: [],
    registrar: "enroll",
    enrollId: "admin",
    secret: "",
    walletIdentity: "",
    orgAdminIdentity: "",
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

export type FormErrors = Partial<Record<string, string>>;

const list = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** The checks of wizard step `step` (0 source … 3 secrets); empty when it may move on. */
export function validateStep(form: WizardForm, step: number): FormErrors {
  const errors: FormErrors = {};
  if (step === 0) {
    if (!form.name.trim()) errors.name = "Enter a name for the plan.";
    else if (form.name.length > 64) errors.name = "At most 64 characters.";
    if (!form.sourceConsole) errors.sourceConsole = "Choose the console of region 1.";
    if (!form.ca) errors.ca = "Choose the organization's CA.";
    if (!form.msp) errors.msp = "Choose the organization's MSP.";
  }
  if (step === 1 && form.targets.length === 0) {
    errors.targets = "Choose at least one console to replicate into.";
  }
  if (step === 2) {
    const seen = new Set<string>();
    let total = 0;
    for (const t of form.targets) {
      total += t.count;
      t.names.forEach((name, i) => {
        const key = `peer:${t.console}:${i}`;
        if (!name.trim()) errors[key] = "Enter a display name.";
        else if (name.length > 64) errors[key] = "At most 64 characters.";
        else if (name.trim() !== name) errors[key] = "No spaces at the start or end.";
        else if (seen.has(name)) errors[key] = "Used twice in this plan.";
        seen.add(name);
      });
    }
    if (total === 0) errors.peers = "Add at least one peer in one region.";
  }
  if (step === 3) {
    if (form.registrar === "enroll") {
      if (!form.enrollId.trim()) errors.enrollId = "Enter the CA admin's enroll id.";
      if (!form.secret) errors.secret = "Enter the enroll secret.";
    } else if (!form.walletIdentity) {
      errors.walletIdentity = "Choose a wallet identity that may register peers.";
    }
  }
  return errors;
}

/** The plan the wizard describes (no secret in it). */
export function buildPlan(form: WizardForm): PlanSpec {
  const opt = (s: string) => (s.trim() ? s.trim() : null);
  return {
    format: 1,
    name: form.name.trim(),
    source: {
      console: form.sourceConsole,
      ca: form.ca,
      msp: form.msp,
      peers: form.peers,
      registrar:
        form.registrar === "enroll"
          ? { enroll_id: form.enrollId.trim() }
          : { library_identity: form.walletIdentity },
      org_admin_identity: opt(form.orgAdminIdentity),
    },
    targets: form.targets
      .filter((t) => t.count > 0)
      .map((t) => ({
        console: t.console,
        region: t.region,
        peers: t.names.map(
          (name, i): PlanPeerSpec => ({
            display_name: name,
            enroll_id: defaultEnrollId(form.mspId || form.msp, t.region || t.console, i + 1),
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
  const regions = status.plan.targets.map((t) => {
    const steps = status.steps.filter((s) => s.console === t.console);
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
    if (r.console !== p.console) return r;
    switch (ev.kind) {
      case "started":
        return { ...r, current: p.description, failed: false };
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
  const text =
    ev.kind === "started"
      ? p.description
      : ev.kind === "done"
        ? `${p.description}: ${ev.already_present ? "already in place" : "done"}${ev.component_id ? ` (${ev.component_id})` : ""}`
        : ev.kind === "skipped"
          ? `${p.description}: done in an earlier run`
          : ev.kind === "retrying"
            ? `${p.description}: attempt ${ev.attempt} failed (${ev.message}); retrying`
            : `${p.description}: failed — ${ev.message}`;
  const line: LogLine = {
    id: nextLine++,
    console: p.console,
    region: p.region,
    text,
    kind: ev.kind,
  };
  return { regions, log: [...run.log, line] };
}
