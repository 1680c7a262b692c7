// The mock build's HA plans: saved plans with a journal, a preview read from the mock consoles,
// and runs that emit `plan://progress` / `plan://finished` like the desktop shell. One lane per
// target region runs concurrently; a console whose key is refused fails its region at the first
// step, an import-only console blocks peer creation. With `?planHold=1` a plan's first run waits
// at the first "wait until running" step of every region until it is cancelled, so a test can
// see a run in progress, cancel it and resume it without timing. Registrar secrets are checked
// for presence and dropped: the mock keeps none. A plan with `source.create` first creates the
// organization in its region-1 console (the CA, MSP and first peer appear in the mock console),
// then replicates it; an import-only region-1 console blocks it.
import { emit } from "@tauri-apps/api/event";
import type { IpcError } from "../bindings/IpcError";
import type { PlanCcaasServer } from "../bindings/PlanCcaasServer";
import type { PlanChannelReport } from "../bindings/PlanChannelReport";
import type { PlanCheck } from "../bindings/PlanCheck";
import type { PlanCreateInput } from "../bindings/PlanCreateInput";
import type { PlanExportKind } from "../bindings/PlanExportKind";
import type { PlanFinished } from "../bindings/PlanFinished";
import type { PlanOpenStep } from "../bindings/PlanOpenStep";
import type { PlanPeerReport } from "../bindings/PlanPeerReport";
import type { PlanPlaced } from "../bindings/PlanPlaced";
import type { PlanPreview } from "../bindings/PlanPreview";
import type { PlanPreviewStatus } from "../bindings/PlanPreviewStatus";
import type { PlanProgressEvent } from "../bindings/PlanProgressEvent";
import type { PlanProgressUpdate } from "../bindings/PlanProgressUpdate";
import type { PlanReasonCode } from "../bindings/PlanReasonCode";
import type { PlanRecord } from "../bindings/PlanRecord";
import type { PlanRegionOutcome } from "../bindings/PlanRegionOutcome";
import type { PlanReport } from "../bindings/PlanReport";
import type { PlanReportView } from "../bindings/PlanReportView";
import type { PlanSpec } from "../bindings/PlanSpec";
import type { PlanStatus } from "../bindings/PlanStatus";
import type { PlanStep } from "../bindings/PlanStep";
import type { PlanStepText } from "../bindings/PlanStepText";
import { ALL_REGIONS, BOOTSTRAP_REGION, bootstrapProblems } from "../plans/logic";
import type { MockConsoles } from "./consoles";
import { MOCK_DOWNLOADS } from "./library";

function error(code: string, message: string, details: IpcError["details"] = null): IpcError {
  return { code: code as IpcError["code"], message, details };
}

interface Entry {
  state: "done" | "failed" | "started";
  componentId: string | null;
  apiUrl: string | null;
  alreadyPresent: boolean;
  error: string | null;
  /** A failed step's reason, as the engine journals it. */
  reason?: { code: PlanReasonCode; params: Record<string, string> };
  attempts: number;
  /** A join: the peer's height, and the region-1 peer's it caught up with. */
  height?: number;
  sourceHeight?: number;
  /** An install: the packages the peer has, and the warnings they came with. */
  packageIds?: string[];
  warnings?: string[];
  ccaas?: PlanCcaasServer[];
  /** An anchor update: the organization's anchor peers after it, and its config block. */
  anchorPeers?: string[];
  configBlock?: number;
}

/** The mock region-1 peers' channel height and the package they use on every channel. */
const MOCK_SOURCE_HEIGHT = 12;
const MOCK_PACKAGE_ID =
  "asset_1.0:3f1c2a9e0b7d4c6f8e5a1b3c7d9e0f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d3e";
/** The one chaincode server of the mock's chaincode-as-a-service package. */
const MOCK_CC_SERVER = "asset.us-south.example.com:9999";
const MOCK_REGION1_ANCHOR = "peer1.us-south.example.com:7051";

interface MockPlan {
  record: PlanRecord;
  journal: Map<string, Entry>;
  runs: number;
}

interface Run {
  cancelled: boolean;
  /** Resolves held lanes when the run is cancelled. */
  release: () => void;
  held: Promise<void>;
}

/** A step's sentence as the engine names it: a code and its values. */
const txt = (code: string, params: Record<string, string>): PlanStepText => ({ code, params });

/** An engine sentence: its code, the values it names and its English words. */
interface Reason {
  code: PlanReasonCode;
  params: Record<string, string>;
  text: string;
}

const reason = (code: PlanReasonCode, params: Record<string, string>, text: string): Reason => ({
  code,
  params,
  text,
});

/** `outer` quoting `cause`, as the engine's `Reason::with_cause`. */
function withCause(outer: Reason, cause: Reason): Reason {
  const params: Record<string, string> = {
    ...outer.params,
    cause: cause.text,
    causeCode: cause.code,
  };
  for (const [k, v] of Object.entries(cause.params)) params[`cause.${k}`] = v;
  return { ...outer, params };
}

/** The connection verdict alone, as the engine's `Reason::console_check`. */
function consoleCheck(v: { code: string; sentence: string; fix: string | null }): Reason {
  const fix = v.fix ?? "";
  return reason(
    "consoleCheck",
    { verdict: v.code, sentence: v.sentence, fix },
    `${v.sentence} ${fix}`.trimEnd(),
  );
}

/** The connection verdict on `console`, as the engine's `Reason::verdict`. */
function verdictReason(
  console: string,
  v: { code: string; sentence: string; fix: string | null },
): Reason {
  const fix = v.fix ?? "";
  return reason(
    "consoleVerdict",
    { console, verdict: v.code, sentence: v.sentence, fix },
    `console "${console}": ${v.sentence} ${fix}`.trimEnd(),
  );
}

const blocked = (r: Reason): PlanPreviewStatus => ({
  status: "blocked",
  code: r.code,
  params: r.params,
  reason: r.text,
});

const already = (r: Reason): PlanPreviewStatus => ({
  status: "already_done",
  code: r.code,
  params: r.params,
  detail: r.text,
});

/** A preview check, what it found as a reason. */
function planCheck(name: string, label: PlanStepText, ok: boolean, found: Reason): PlanCheck {
  return { name, label, ok, code: found.code, params: found.params, detail: found.text };
}

/** A step that is not done, with its last error as the engine's report has it. */
const openStep = (s: PlanStep, e: Entry | undefined): PlanOpenStep => ({
  step: s.key,
  description: s.description,
  text: s.text,
  error: e?.error ?? null,
  reason: e?.reason?.code ?? null,
  params: e?.reason?.params ?? {},
});

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "");

/** The steps that create the organization in the region-1 console, as the engine orders them. */
function bootstrapSteps(plan: PlanSpec): PlanStep[] {
  const create = plan.source.create;
  if (!create) return [];
  const c = plan.source.console;
  const base = { number: 0, console: c, region: BOOTSTRAP_REGION };
  const ca = create.ca_display_name;
  const admin = create.org_admin_enroll_id;
  const peer = create.first_peer;
  return [
    {
      ...base,
      key: `${c}/create-ca`,
      action: "create_ca",
      description: `Create CA "${ca}" in console "${c}"`,
      text: txt("createCa", { ca, console: c }),
    },
    {
      ...base,
      key: `${c}/wait-ca`,
      action: "wait_ca",
      description: `Wait until CA "${ca}" is running and answers`,
      text: txt("waitCa", { ca }),
    },
    {
      ...base,
      key: `${c}/enroll-ca-admin`,
      action: "enroll_ca_admin",
      description: `Enroll the admin of CA "${ca}"`,
      text: txt("enrollCaAdmin", { ca }),
    },
    {
      ...base,
      key: `${c}/register-admin/${admin}`,
      action: "register_admin",
      enroll_id: admin,
      description: `Register enroll id "${admin}" (type admin) at CA "${ca}"`,
      text: txt("registerAdmin", { enrollId: admin, ca }),
    },
    {
      ...base,
      key: `${c}/register/${peer.enroll_id}`,
      action: "register",
      enroll_id: peer.enroll_id,
      description: `Register enroll id "${peer.enroll_id}" (type peer) at CA "${ca}"`,
      text: txt("register", { enrollId: peer.enroll_id, ca }),
    },
    {
      ...base,
      key: `${c}/enroll-admin/${admin}`,
      action: "enroll_admin",
      enroll_id: admin,
      description: `Enroll the org admin "${admin}" into the library`,
      text: txt("enrollAdmin", { enrollId: admin }),
    },
    {
      ...base,
      key: `${c}/create-msp`,
      action: "create_msp",
      description: `Create MSP definition "${create.msp_display_name}" (${create.msp_id}) in console "${c}" with Node OUs`,
      text: txt("createMsp", { msp: create.msp_display_name, mspId: create.msp_id, console: c }),
    },
    {
      ...base,
      key: `${c}/create/${peer.enroll_id}`,
      action: "create_peer",
      enroll_id: peer.enroll_id,
      description: `Create peer "${peer.display_name}" in console "${c}", enrolling "${peer.enroll_id}" at CA "${ca}"`,
      text: txt("createPeer", {
        peer: peer.display_name,
        console: c,
        enrollId: peer.enroll_id,
        ca,
      }),
    },
    {
      ...base,
      key: `${c}/wait/${peer.enroll_id}`,
      action: "wait_running",
      enroll_id: peer.enroll_id,
      description: `Wait until peer "${peer.display_name}" is running`,
      text: txt("waitRunning", { peer: peer.display_name }),
    },
  ];
}

/** The steps of a plan, as the engine orders them (crates/engine/src/steps.rs). */
export function mockPlanSteps(plan: PlanSpec): PlanStep[] {
  const steps: PlanStep[] = bootstrapSteps(plan);
  const consoles = [plan.source.console, ...plan.targets.map((t) => t.console)];
  // A plan that creates its organization names the CA and MSP by their display names.
  const ca = plan.source.create?.ca_display_name ?? plan.source.ca;
  const msp = plan.source.create?.msp_display_name ?? plan.source.msp;
  for (const t of plan.targets) {
    const c = t.console;
    const base = { number: 0, console: c, region: t.region };
    steps.push({
      ...base,
      key: `${c}/import-ca`,
      action: "import_ca",
      description: `Import CA "${ca}" into console "${c}"`,
      text: txt("importCa", { ca, console: c }),
    });
    steps.push({
      ...base,
      key: `${c}/import-msp`,
      action: "import_msp",
      description: `Import MSP definition "${msp}" into console "${c}"`,
      text: txt("importMsp", { msp, console: c }),
    });
    if (plan.source.create) {
      steps.push({
        ...base,
        key: `${c}/import-first-peer`,
        action: "import_first_peer",
        description: `Import peer "${plan.source.create.first_peer.display_name}" of console "${plan.source.console}" into console "${c}"`,
        text: txt("importPeer", {
          peer: plan.source.create.first_peer.display_name,
          from: plan.source.console,
          console: c,
        }),
      });
    }
    for (const peer of plan.source.peers) {
      steps.push({
        ...base,
        key: `${c}/import-peer/${peer}`,
        action: "import_source_peer",
        peer,
        description: `Import peer "${peer}" of console "${plan.source.console}" into console "${c}"`,
        text: txt("importPeer", { peer, from: plan.source.console, console: c }),
      });
    }
    for (const p of t.peers) {
      steps.push({
        ...base,
        key: `${c}/register/${p.enroll_id}`,
        action: "register",
        enroll_id: p.enroll_id,
        description: `Register enroll id "${p.enroll_id}" (type peer) at CA "${ca}"`,
        text: txt("register", { enrollId: p.enroll_id, ca }),
      });
      steps.push({
        ...base,
        key: `${c}/create/${p.enroll_id}`,
        action: "create_peer",
        enroll_id: p.enroll_id,
        description: `Create peer "${p.display_name}" in console "${c}", enrolling "${p.enroll_id}" at CA "${ca}"`,
        text: txt("createPeer", { peer: p.display_name, console: c, enrollId: p.enroll_id, ca }),
      });
    }
    for (const p of t.peers) {
      steps.push({
        ...base,
        key: `${c}/wait/${p.enroll_id}`,
        action: "wait_running",
        enroll_id: p.enroll_id,
        description: `Wait until peer "${p.display_name}" is running`,
        text: txt("waitRunning", { peer: p.display_name }),
      });
    }
    for (const p of t.peers) {
      for (const other of consoles) {
        if (other === c) continue;
        steps.push({
          ...base,
          key: `${c}/copy/${p.enroll_id}/${other}`,
          action: "copy_peer",
          enroll_id: p.enroll_id,
          into: other,
          description: `Import peer "${p.display_name}" into console "${other}"`,
          text: txt("copyPeer", { peer: p.display_name, console: other }),
        });
      }
    }
    for (const p of t.peers) {
      for (const channel of plan.channels) {
        steps.push({
          ...base,
          key: `${c}/join/${p.enroll_id}/${channel}`,
          action: "join_channel",
          enroll_id: p.enroll_id,
          channel,
          description: `Join peer "${p.display_name}" to ${channel} and wait until it caught up`,
          text: txt("joinChannel", { peer: p.display_name, channel }),
        });
      }
      if (plan.channels.length > 0) {
        steps.push({
          ...base,
          key: `${c}/install/${p.enroll_id}`,
          action: "install_chaincodes",
          enroll_id: p.enroll_id,
          description: `Install the chaincode packages of ${plan.channels.join(", ")} on peer "${p.display_name}"`,
          text: txt("installChaincodes", {
            channels: plan.channels.join(", "),
            peer: p.display_name,
          }),
        });
      }
    }
  }
  for (const channel of plan.channels) {
    steps.push({
      key: `${plan.source.console}/anchors/${channel}`,
      number: 0,
      console: plan.source.console,
      region: ALL_REGIONS,
      action: "anchor_peers",
      channel,
      description: `Make the new peers of every region anchor peers of ${channel} (one config update)`,
      text: txt("anchorPeers", { channel }),
    });
  }
  return steps.map((s, i) => ({ ...s, number: i + 1 }));
}

export class MockPlans {
  private plans = new Map<string, MockPlan>();
  private active = new Map<string, Run>();
  private hold: boolean;

  constructor(
    private consoles: MockConsoles,
    opts: { hold?: boolean } = {},
  ) {
    this.hold = opts.hold ?? false;
  }

  private find(name: string): MockPlan {
    const plan = this.plans.get(name);
    if (!plan) throw error("NotFound", `plan "${name}" was not found`, { what: `plan "${name}"` });
    return plan;
  }

  list(): PlanRecord[] {
    return [...this.plans.values()]
      .map((p) => p.record)
      .sort((a, b) => a.plan.name.localeCompare(b.plan.name));
  }

  running(): string[] {
    return [...this.active.keys()].sort();
  }

  /** Resumes every plan left `running` by a run that is not active any more (the app died). */
  resumeInterrupted(): string[] {
    const names = [...this.plans.values()]
      .filter((p) => p.record.state === "running" && !this.active.has(p.record.plan.name))
      .map((p) => p.record.plan.name)
      .sort();
    for (const name of names) this.apply(name);
    return names;
  }

  get(name: string): PlanRecord {
    return this.find(name).record;
  }

  create(input: PlanCreateInput): PlanRecord {
    const plan = input.plan;
    const invalid = (reason: string) => error("InvalidInput", `plan: ${reason}`, { field: "plan" });
    if (!plan.name.trim()) throw invalid("the name must have 1 to 64 characters");
    if (this.plans.has(plan.name)) throw invalid(`a plan named "${plan.name}" exists`);
    const { source } = plan;
    const create = source.create;
    const problem = bootstrapProblems(source)[0];
    if (problem) throw invalid(`${problem.path}: ${problem.message}`);
    if (!create && (!source.ca || !source.msp)) {
      throw invalid(
        "the source needs a CA id and an MSP id (or `create` to create the organization)",
      );
    }
    if (plan.targets.length === 0) throw invalid("the plan needs at least one target console");
    const admin = "enroll_id" in source.registrar ? source.registrar.enroll_id : null;
    const names = new Set(create ? [create.first_peer.display_name] : []);
    const ids = new Set(
      create
        ? [create.first_peer.enroll_id, create.org_admin_enroll_id, ...(admin ? [admin] : [])]
        : [],
    );
    for (const peer of plan.targets.flatMap((t) => t.peers)) {
      if (names.has(peer.display_name)) {
        throw invalid(`display name "${peer.display_name}" is used twice`);
      }
      if (ids.has(peer.enroll_id)) throw invalid(`enroll id "${peer.enroll_id}" is used twice`);
      names.add(peer.display_name);
      ids.add(peer.enroll_id);
    }
    if (admin !== null && create && input.registrarSecret !== null) {
      throw error(
        "InvalidInput",
        "registrarSecret: the plan creates its CA and generates the CA admin's secret; do not give one",
        { field: "registrarSecret" },
      );
    }
    if (admin !== null && !create && !input.registrarSecret) {
      throw error("InvalidInput", "registrarSecret: the registrar's enroll secret is needed", {
        field: "registrarSecret",
      });
    }
    const now = new Date().toISOString();
    const record: PlanRecord = {
      id: `plan-${this.plans.size + 1}`,
      plan,
      state: "draft",
      created_at: now,
      updated_at: now,
    };
    this.plans.set(plan.name, { record, journal: new Map(), runs: 0 });
    return record;
  }

  private setState(p: MockPlan, state: PlanRecord["state"]) {
    p.record = { ...p.record, state, updated_at: new Date().toISOString() };
  }

  /** Why a create step of the organization would make a second component of the same name in
   * the region-1 console (the engine refuses to), or null. */
  private clash(plan: PlanSpec, step: PlanStep): Reason | null {
    const create = plan.source.create;
    if (!create || step.region !== BOOTSTRAP_REGION) return null;
    const held = this.consoles.components(step.console);
    const console = step.console;
    const ca = create.ca_display_name;
    if (step.action === "create_ca" && held.cas.some((c) => c.displayName === ca)) {
      return reason(
        "consoleHoldsCa",
        { console, ca },
        `console "${console}" already holds a CA named "${ca}" that this plan did not create`,
      );
    }
    const peer = create.first_peer.display_name;
    if (step.action === "create_peer" && held.peers.some((c) => c.displayName === peer)) {
      return reason(
        "consoleHoldsPeer",
        { console, peer },
        `console "${console}" already holds a peer named "${peer}"`,
      );
    }
    return null;
  }

  /** Why creation cannot happen in `console`, or null. */
  private blocker(console: string): Reason | null {
    const v = this.consoles.verdictOf(console);
    return v.ok && !v.importOnly ? null : verdictReason(console, v);
  }

  /** A done step's journal entry. */
  private done(p: MockPlan, key: string): Entry | undefined {
    const e = p.journal.get(key);
    return e?.state === "done" ? e : undefined;
  }

  /** Console ids of the region-1 CA and MSP: the plan's, or the ones it created. */
  private sourceIds(p: MockPlan): { ca: string; msp: string } {
    const { source } = p.record.plan;
    if (!source.create) return { ca: source.ca, msp: source.msp };
    const made = (key: string) => this.done(p, `${source.console}/${key}`)?.componentId ?? "";
    return { ca: made("create-ca"), msp: made("create-msp") };
  }

  /** Why the plan cannot create its organization, while its CA does not exist yet; or null. */
  private cannotCreate(p: MockPlan): Reason | null {
    const { source } = p.record.plan;
    if (!source.create || this.done(p, `${source.console}/create-ca`)) return null;
    return this.blocker(source.console);
  }

  private verdict(p: MockPlan, step: PlanStep): PlanPreviewStatus {
    const plan = p.record.plan;
    const done = this.done(p, step.key);
    if (done) {
      const id = done.componentId;
      return already(
        id
          ? reason("doneEarlierAs", { id }, `done by an earlier run (${id})`)
          : reason("doneEarlier", {}, "done by an earlier run"),
      );
    }
    const cannot = this.cannotCreate(p);
    if (cannot) {
      return blocked(
        withCause(
          reason("orgCannotBeCreated", {}, `the organization cannot be created: ${cannot.text}`),
          cannot,
        ),
      );
    }
    const refused = this.consoles.verdictOf(step.console);
    if (!refused.ok) return blocked(verdictReason(step.console, refused));
    const clash = this.clash(plan, step);
    if (clash) return blocked(clash);
    const ids = this.sourceIds(p);
    const present = (id: string) =>
      already(
        reason("presentAs", { console: step.console, id }, `present in "${step.console}" as ${id}`),
      );
    if (step.action === "import_ca" && this.consoles.holds(step.console, ids.ca)) {
      return present(ids.ca);
    }
    if (step.action === "import_msp" && this.consoles.holds(step.console, ids.msp)) {
      return present(ids.msp);
    }
    if (
      step.action === "import_source_peer" &&
      this.consoles.holds(step.console, step.peer as string)
    ) {
      return present(step.peer as string);
    }
    if (step.action === "create_peer" || step.action === "wait_running") {
      const why = this.blocker(step.console);
      if (why) return blocked(why);
    }
    if (step.action === "copy_peer") {
      const into = step.into as string;
      const v = this.consoles.verdictOf(into);
      if (!v.ok) return blocked(verdictReason(into, v));
    }
    return { status: "will_do" };
  }

  preview(name: string): PlanPreview {
    const p = this.find(name);
    const plan = p.record.plan;
    const checks = [plan.source.console, ...plan.targets.map((t) => t.console)].map((c) =>
      planCheck(
        `console "${c}": manager key on a console that can create peers`,
        txt("consoleCanCreate", { console: c }),
        this.consoles.verdictOf(c).ok,
        consoleCheck(this.consoles.verdictOf(c)),
      ),
    );
    const create = plan.source.create;
    if (create && !this.done(p, `${plan.source.console}/create-ca`)) {
      // Until its CA exists, a plan that creates the organization checks that it can.
      const cannot = this.cannotCreate(p);
      checks.push(
        planCheck(
          `organization "${create.msp_id}" can be created in console "${plan.source.console}"`,
          txt("orgCanBeCreated", { mspId: create.msp_id, console: plan.source.console }),
          cannot === null,
          cannot ??
            reason("canCreateOrg", {}, "manager key on a console that can create CAs and peers"),
        ),
      );
    } else {
      checks.push(
        planCheck(
          'CA "ca" reachable',
          txt("caReachable", { ca: "ca" }),
          true,
          reason("cainfoAnswered", { version: "1.5.15" }, "cainfo answered (version 1.5.15)"),
        ),
      );
      checks.push(
        planCheck(
          "registrar can act at the CA",
          txt("registrarCanAct", {}),
          true,
          reason("enrolled", {}, "enrolled"),
        ),
      );
    }
    const steps = mockPlanSteps(plan).map((step) => ({ ...step, preview: this.verdict(p, step) }));
    const ready = checks.every((c) => c.ok) && steps.every((s) => s.preview.status !== "blocked");
    return { plan: name, checks, steps, ready };
  }

  status(name: string): PlanStatus {
    const p = this.find(name);
    const steps = mockPlanSteps(p.record.plan).map((s) => {
      const e = p.journal.get(s.key);
      return {
        step: s.key,
        number: s.number,
        console: s.console,
        description: s.description,
        text: s.text,
        state: e?.state ?? "pending",
        attempts: e?.attempts ?? 0,
        component_id: e?.componentId ?? null,
        error: e?.error ?? null,
        reason: e?.reason?.code ?? null,
        params: e?.reason?.params ?? {},
      };
    });
    return {
      ...p.record,
      steps,
      done: steps.filter((s) => s.state === "done").length,
    };
  }

  apply(name: string): null {
    const p = this.find(name);
    if (this.active.has(name)) {
      throw error("InvalidInput", `name: plan "${name}" is already running`, { field: "name" });
    }
    let release = () => {};
    const held = new Promise<void>((ok) => {
      release = ok;
    });
    const run: Run = { cancelled: false, release, held };
    this.active.set(name, run);
    p.runs += 1;
    this.setState(p, "running");
    void this.run(p, run, this.hold && p.runs === 1);
    return null;
  }

  cancel(name: string): boolean {
    const run = this.active.get(name);
    if (!run) return false;
    run.cancelled = true;
    run.release();
    return true;
  }

  private async run(p: MockPlan, run: Run, hold: boolean): Promise<void> {
    const plan = p.record.plan;
    const steps = mockPlanSteps(plan);
    const total = steps.length;
    const send = (step: PlanStep, event: PlanProgressEvent) => {
      const update: PlanProgressUpdate = {
        plan: plan.name,
        progress: {
          step: step.key,
          number: step.number,
          total,
          console: step.console,
          region: step.region,
          description: step.description,
          text: step.text,
          event,
        },
      };
      return emit("plan://progress", update);
    };
    const lane = async (console: string, region: string): Promise<PlanRegionOutcome> => {
      let waited = false;
      for (const step of steps.filter((s) => s.console === console && s.region === region)) {
        if (run.cancelled) break;
        const e = p.journal.get(step.key);
        if (e?.state === "done") {
          await send(step, { kind: "skipped" });
          continue;
        }
        await send(step, { kind: "started" });
        p.journal.set(step.key, {
          state: "started",
          componentId: null,
          apiUrl: null,
          alreadyPresent: false,
          error: null,
          attempts: (e?.attempts ?? 0) + 1,
        });
        if (hold && !waited && step.action === "wait_running") {
          waited = true;
          await run.held;
        }
        // A beat between steps, so a person watching the mock sees the log grow.
        await new Promise((ok) => setTimeout(ok, 30));
        if (run.cancelled) break;
        // A console that refuses the key fails the step with its error; anything the preview
        // calls blocked stops it as blocked, as the engine does.
        const v = this.consoles.verdictOf(console);
        const refused = `console "${console}": ${v.sentence}`;
        const why = !v.ok
          ? reason("error", { message: refused, errorCode: v.code }, refused)
          : ((step.action === "create_peer" || step.action === "create_ca"
              ? this.blocker(console)
              : null) ?? this.clash(plan, step));
        if (why) {
          const code = why.code === "error" ? v.code : "blocked";
          p.journal.set(step.key, {
            ...(p.journal.get(step.key) as Entry),
            state: "failed",
            error: why.text,
            reason: { code: why.code, params: why.params },
          });
          await send(step, {
            kind: "failed",
            code,
            reason: why.code,
            params: why.params,
            message: why.text,
          });
          return {
            console,
            region,
            completed: false,
            failure: {
              step: step.key,
              code,
              reason: why.code,
              params: why.params,
              message: why.text,
              fix:
                code === "blocked"
                  ? "Resolve the conflict on the console or CA named in the message, then resume the plan."
                  : (v.fix ?? ""),
              resumable: code !== "blocked",
            },
          };
        }
        const entry = this.effect(p, step);
        if (entry.height !== undefined && entry.sourceHeight !== undefined) {
          for (const height of [0, Math.floor(entry.sourceHeight / 2), entry.sourceHeight]) {
            await send(step, { kind: "catch_up", height, target: entry.sourceHeight });
          }
        }
        p.journal.set(step.key, { ...entry, attempts: (e?.attempts ?? 0) + 1 });
        await send(step, {
          kind: "done",
          already_present: entry.alreadyPresent,
          component_id: entry.componentId,
        });
      }
      const completed = steps
        .filter((s) => s.console === console && s.region === region)
        .every((s) => p.journal.get(s.key)?.state === "done");
      return { console, region, completed, failure: null };
    };
    // The organization is created first, when the plan creates it: every region needs it.
    const regions = plan.source.create ? [await lane(plan.source.console, BOOTSTRAP_REGION)] : [];
    if (regions.every((r) => r.completed)) {
      regions.push(...(await Promise.all(plan.targets.map((t) => lane(t.console, t.region)))));
    }
    // The anchor peers, once every region is done.
    if (plan.channels.length > 0 && regions.every((r) => r.completed) && !run.cancelled) {
      regions.push(await lane(plan.source.console, ALL_REGIONS));
    }
    const completed = regions.every((r) => r.completed);
    this.setState(p, completed ? "completed" : "stopped");
    this.active.delete(plan.name);
    const finished: PlanFinished = {
      plan: plan.name,
      outcome: { plan: plan.name, completed, cancelled: run.cancelled, regions },
      error: null,
    };
    await emit("plan://finished", finished);
  }

  /** Deploys a CA, MSP or peer into mock console `name` as a console does on a create request
   * (listed at once, running, its id derived from its display name): its id and api_url. */
  private deploy(
    name: string,
    kind: "ca" | "msp" | "peer",
    displayName: string,
    mspId: string,
  ): { id: string; apiUrl: string | null } {
    const target = this.consoles.consoles.find((c) => c.summary.name === name);
    if (!target) throw error("console_unknown", `no console called ${name}`, { name });
    const taken = (id: string) =>
      target.nodes.some((n) => n.id === id) || target.msps.some((m) => m.id === id);
    const base = slug(displayName);
    let id = base;
    for (let n = 0; taken(id); n++) id = `${base}_${n}`;
    if (kind === "msp") {
      target.msps.push({
        id,
        displayName,
        mspId,
        rootCerts: 1,
        adminCerts: 1,
        nodeOuEnabled: true,
      });
      return { id, apiUrl: null };
    }
    const host = `${id}.${target.summary.region || slug(name)}.example.com`;
    const apiUrl = kind === "ca" ? `https://${host}:7054` : `grpcs://${host}:7051`;
    target.nodes.push({
      id,
      kind,
      displayName,
      mspId: kind === "peer" ? mspId : null,
      apiUrl,
      location: target.summary.region,
      imported: false,
      version: kind === "ca" ? "1.5.15" : "2.5.12",
      status: "running",
      nodes: 1,
      nodeOuEnabled: kind === "peer",
      certExpiresAt: new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString(),
    });
    return { id, apiUrl };
  }

  /** What a step leaves behind in the journal; the steps that create the organization deploy
   * its CA, MSP and first peer into the mock region-1 console. */
  private effect(p: MockPlan, step: PlanStep): Entry {
    const plan = p.record.plan;
    const { source } = plan;
    const entry = (componentId: string | null, apiUrl: string | null = null): Entry => ({
      state: "done",
      error: null,
      attempts: 1,
      alreadyPresent: false,
      componentId,
      apiUrl,
    });
    const made = (deployed: { id: string; apiUrl: string | null }) =>
      entry(deployed.id, deployed.apiUrl);
    const create = source.create;
    if (create && step.region === BOOTSTRAP_REGION) {
      const c = step.console;
      switch (step.action) {
        case "create_ca":
          return made(this.deploy(c, "ca", create.ca_display_name, create.msp_id));
        case "create_msp":
          return made(this.deploy(c, "msp", create.msp_display_name, create.msp_id));
        case "create_peer":
          return made(this.deploy(c, "peer", create.first_peer.display_name, create.msp_id));
        case "wait_ca":
          return entry(this.sourceIds(p).ca);
        case "enroll_ca_admin":
          return entry("enroll_id" in source.registrar ? source.registrar.enroll_id : null);
        case "enroll_admin":
          return entry(step.enroll_id);
      }
    }
    const ids = this.sourceIds(p);
    const created = (enrollId: string, console = step.console) =>
      this.done(p, `${console}/create/${enrollId}`);
    switch (step.action) {
      case "import_ca":
        return {
          ...entry(ids.ca),
          alreadyPresent: this.consoles.holds(step.console, ids.ca),
        };
      case "import_msp":
        return {
          ...entry(ids.msp),
          alreadyPresent: this.consoles.holds(step.console, ids.msp),
        };
      case "import_first_peer":
        return entry(
          create
            ? (created(create.first_peer.enroll_id, source.console)?.componentId ?? null)
            : null,
        );
      case "import_source_peer":
        return entry(step.peer);
      case "create_peer": {
        const target = plan.targets.find((t) =>
          t.peers.some((x) => x.enroll_id === step.enroll_id),
        );
        const peer = target?.peers.find((x) => x.enroll_id === step.enroll_id);
        return target && peer
          ? entry(
              slug(peer.display_name),
              `grpcs://${peer.enroll_id}.${target.region}.example.com:7051`,
            )
          : entry(null);
      }
      case "wait_running": {
        const peer = created(step.enroll_id);
        return entry(peer?.componentId ?? null, peer?.apiUrl ?? null);
      }
      case "copy_peer":
        return entry(created(step.enroll_id)?.componentId ?? null);
      case "join_channel":
        return {
          ...entry(created(step.enroll_id)?.componentId ?? null),
          height: MOCK_SOURCE_HEIGHT,
          sourceHeight: MOCK_SOURCE_HEIGHT,
        };
      case "install_chaincodes":
        return {
          ...entry(created(step.enroll_id)?.componentId ?? null),
          packageIds: [MOCK_PACKAGE_ID],
          warnings: [
            `${MOCK_PACKAGE_ID} is a chaincode-as-a-service package: every peer that installs it calls the one chaincode server at ${MOCK_CC_SERVER}, which runs in one region; a peer in another region needs a route to it, or a chaincode server and a package of its own`,
          ],
          ccaas: [{ package_id: MOCK_PACKAGE_ID, address: MOCK_CC_SERVER }],
        };
      case "anchor_peers": {
        const urls = plan.targets.flatMap((t) =>
          t.peers.map((peer) => p.journal.get(`${t.console}/create/${peer.enroll_id}`)?.apiUrl),
        );
        return {
          ...entry(null),
          anchorPeers: [
            MOCK_REGION1_ANCHOR,
            ...urls.flatMap((u) => (u ? [u.replace("grpcs://", "")] : [])),
          ],
          configBlock: MOCK_SOURCE_HEIGHT,
        };
      }
      default:
        return entry(null);
    }
  }

  report(name: string): PlanReportView {
    const p = this.find(name);
    const plan = p.record.plan;
    const steps = mockPlanSteps(plan);
    const done = (key: string) => {
      const e = p.journal.get(key);
      return e?.state === "done" ? e : undefined;
    };
    const placed = (key: string, console: string): PlanPlaced | null => {
      const e = done(key);
      return e ? { console, component_id: e.componentId, already_present: e.alreadyPresent } : null;
    };
    const consoles = [plan.source.console, ...plan.targets.map((t) => t.console)];
    const regions = plan.targets.map((t) => {
      const c = t.console;
      const peers: PlanPeerReport[] = t.peers.map((peer) => {
        const created = done(`${c}/create/${peer.enroll_id}`);
        const installed = done(`${c}/install/${peer.enroll_id}`);
        return {
          display_name: peer.display_name,
          enroll_id: peer.enroll_id,
          component_id: created?.componentId ?? null,
          api_url: created?.apiUrl ?? null,
          operations_url: created?.apiUrl
            ? created.apiUrl.replace("grpcs://", "https://").replace(":7051", ":9443")
            : null,
          running: done(`${c}/wait/${peer.enroll_id}`) !== undefined,
          imported_into: consoles
            .filter((o) => o !== c)
            .map((o) => placed(`${c}/copy/${peer.enroll_id}/${o}`, o))
            .filter((x): x is PlanPlaced => x !== null),
          channels: plan.channels.flatMap((channel) => {
            const joined = done(`${c}/join/${peer.enroll_id}/${channel}`);
            return joined
              ? [
                  {
                    channel,
                    height: joined.height ?? null,
                    source_height: joined.sourceHeight ?? null,
                    already_joined: joined.alreadyPresent,
                  },
                ]
              : [];
          }),
          package_ids: installed?.packageIds ?? [],
          warnings: installed?.warnings ?? [],
          ccaas: installed?.ccaas ?? [],
        };
      });
      return {
        console: c,
        region: t.region,
        ca: placed(`${c}/import-ca`, c),
        msp: placed(`${c}/import-msp`, c),
        source_peers: plan.source.peers
          .map((sp) => placed(`${c}/import-peer/${sp}`, c))
          .filter((x): x is PlanPlaced => x !== null),
        peers,
        open_steps: steps
          .filter((s) => s.console === c && !done(s.key))
          .map((s) => openStep(s, p.journal.get(s.key))),
      };
    });
    const channels: PlanChannelReport[] = plan.channels.map((channel) => {
      const key = `${plan.source.console}/anchors/${channel}`;
      const anchors = done(key);
      const step = steps.find((x) => x.key === key);
      return {
        channel,
        anchor_peers: anchors?.anchorPeers ?? [],
        config_block: anchors?.configBlock ?? null,
        already_present: anchors?.alreadyPresent ?? false,
        open: anchors || !step ? null : openStep(step, p.journal.get(key)),
      };
    });
    const report: PlanReport = {
      plan: name,
      state: p.record.state,
      source_console: plan.source.console,
      ...this.sourceIds(p),
      org_admin_identity: plan.source.org_admin_identity ?? null,
      regions,
      channels,
    };
    const md = [
      `# HA replication report: ${name}`,
      "",
      `State: **${report.state}**. Source console \`${report.source_console}\`, CA \`${report.ca}\`, MSP \`${report.msp}\`.`,
      "",
      ...regions.flatMap((r) => [
        `## ${r.region} (console \`${r.console}\`)`,
        "",
        ...r.peers.map(
          (x) =>
            `- ${x.display_name}: \`${x.component_id ?? "-"}\` ${x.api_url ?? "-"}${x.channels.map((c) => ` ${c.channel} (${c.height ?? "?"})`).join("")}${x.package_ids.map((id) => ` \`${id}\``).join("")}`,
        ),
        "",
      ]),
      ...(channels.length
        ? [
            "## Channels",
            "",
            ...channels.map(
              (c) =>
                `- \`${c.channel}\`: ${c.open ? `anchor peers not updated yet (${c.open.description})` : `anchor peers of the organization ${c.anchor_peers.map((a) => `\`${a}\``).join(", ")}`}`,
            ),
          ]
        : []),
      "",
    ].join("\n");
    return { report, markdown: md };
  }

  exportDialog(name: string, kind: PlanExportKind): string {
    this.find(name);
    const stem = name.replace(/[^A-Za-z0-9._-]+/g, "-");
    const file =
      kind === "plan"
        ? `${stem}.plan.json`
        : kind === "reportJson"
          ? `${stem}.report.json`
          : `${stem}.report.md`;
    return `${MOCK_DOWNLOADS}/${file}`;
  }
}
