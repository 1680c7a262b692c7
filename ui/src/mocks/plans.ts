// The mock build's HA plans: saved plans with a journal, a preview read from the mock consoles,
// and runs that emit `plan://progress` / `plan://finished` like the desktop shell. One lane per
// target region runs concurrently; a console whose key is refused fails its region at the first
// step, an import-only console blocks peer creation. With `?planHold=1` a plan's first run waits
// at the first "wait until running" step of every region until it is cancelled, so a test can
// see a run in progress, cancel it and resume it without timing. Registrar secrets are checked
// for presence and dropped: the mock keeps none.
import { emit } from "@tauri-apps/api/event";
import type { IpcError } from "../bindings/IpcError";
import type { PlanCreateInput } from "../bindings/PlanCreateInput";
import type { PlanExportKind } from "../bindings/PlanExportKind";
import type { PlanFinished } from "../bindings/PlanFinished";
import type { PlanManualStep } from "../bindings/PlanManualStep";
import type { PlanPeerReport } from "../bindings/PlanPeerReport";
import type { PlanPlaced } from "../bindings/PlanPlaced";
import type { PlanPreview } from "../bindings/PlanPreview";
import type { PlanPreviewStatus } from "../bindings/PlanPreviewStatus";
import type { PlanProgressEvent } from "../bindings/PlanProgressEvent";
import type { PlanProgressUpdate } from "../bindings/PlanProgressUpdate";
import type { PlanRecord } from "../bindings/PlanRecord";
import type { PlanRegionOutcome } from "../bindings/PlanRegionOutcome";
import type { PlanReport } from "../bindings/PlanReport";
import type { PlanReportView } from "../bindings/PlanReportView";
import type { PlanSpec } from "../bindings/PlanSpec";
import type { PlanStatus } from "../bindings/PlanStatus";
import type { PlanStep } from "../bindings/PlanStep";
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
  attempts: number;
}

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

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "");

/** The steps of a plan, as the engine orders them (crates/engine/src/steps.rs). */
export function mockPlanSteps(plan: PlanSpec): PlanStep[] {
  const steps: PlanStep[] = [];
  const consoles = [plan.source.console, ...plan.targets.map((t) => t.console)];
  for (const t of plan.targets) {
    const c = t.console;
    const base = { number: 0, console: c, region: t.region };
    steps.push({
      ...base,
      key: `${c}/import-ca`,
      action: "import_ca",
      description: `Import CA "${plan.source.ca}" into console "${c}"`,
    });
    steps.push({
      ...base,
      key: `${c}/import-msp`,
      action: "import_msp",
      description: `Import MSP definition "${plan.source.msp}" into console "${c}"`,
    });
    for (const peer of plan.source.peers) {
      steps.push({
        ...base,
        key: `${c}/import-peer/${peer}`,
        action: "import_source_peer",
        peer,
        description: `Import peer "${peer}" of console "${plan.source.console}" into console "${c}"`,
      });
    }
    for (const p of t.peers) {
      steps.push({
        ...base,
        key: `${c}/register/${p.enroll_id}`,
        action: "register",
        enroll_id: p.enroll_id,
        description: `Register enroll id "${p.enroll_id}" (type peer) at CA "${plan.source.ca}"`,
      });
      steps.push({
        ...base,
        key: `${c}/create/${p.enroll_id}`,
        action: "create_peer",
        enroll_id: p.enroll_id,
        description: `Create peer "${p.display_name}" in console "${c}", enrolling "${p.enroll_id}" at CA "${plan.source.ca}"`,
      });
    }
    for (const p of t.peers) {
      steps.push({
        ...base,
        key: `${c}/wait/${p.enroll_id}`,
        action: "wait_running",
        enroll_id: p.enroll_id,
        description: `Wait until peer "${p.display_name}" is running`,
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
        });
      }
    }
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

  get(name: string): PlanRecord {
    return this.find(name).record;
  }

  create(input: PlanCreateInput): PlanRecord {
    const plan = input.plan;
    const invalid = (reason: string) => error("InvalidInput", `plan: ${reason}`, { field: "plan" });
    if (!plan.name.trim()) throw invalid("the name must have 1 to 64 characters");
    if (this.plans.has(plan.name)) throw invalid(`a plan named "${plan.name}" exists`);
    if (plan.targets.length === 0) throw invalid("the plan needs at least one target console");
    const ids = plan.targets.flatMap((t) => t.peers.map((p) => p.enroll_id));
    if (new Set(ids).size !== ids.length) throw invalid("an enroll id is used twice");
    if ("enroll_id" in plan.source.registrar && !input.registrarSecret) {
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

  /** Why creation cannot happen in `console`, or null. */
  private blocker(console: string): string | null {
    const v = this.consoles.verdictOf(console);
    if (!v.ok) return `${v.sentence} ${v.fix ?? ""}`.trim();
    if (v.importOnly) return `console "${console}" is import-only: it cannot create peers`;
    return null;
  }

  private verdict(plan: PlanSpec, step: PlanStep, journal: Map<string, Entry>): PlanPreviewStatus {
    const done = journal.get(step.key);
    if (done?.state === "done") {
      return { status: "already_done", detail: done.componentId ?? "done in an earlier run" };
    }
    const refused = this.consoles.verdictOf(step.console);
    if (!refused.ok) return { status: "blocked", reason: refused.sentence };
    if (step.action === "import_ca" && this.consoles.holds(step.console, plan.source.ca)) {
      return { status: "already_done", detail: plan.source.ca };
    }
    if (step.action === "import_msp" && this.consoles.holds(step.console, plan.source.msp)) {
      return { status: "already_done", detail: plan.source.msp };
    }
    if (
      step.action === "import_source_peer" &&
      this.consoles.holds(step.console, step.peer as string)
    ) {
      return { status: "already_done", detail: step.peer as string };
    }
    if (step.action === "create_peer" || step.action === "wait_running") {
      const why = this.blocker(step.console);
      if (why) return { status: "blocked", reason: why };
    }
    if (step.action === "copy_peer") {
      const into = step.into as string;
      if (!this.consoles.verdictOf(into).ok) {
        return { status: "blocked", reason: `console "${into}" refuses the API key` };
      }
    }
    return { status: "will_do" };
  }

  preview(name: string): PlanPreview {
    const p = this.find(name);
    const plan = p.record.plan;
    const checks = [plan.source.console, ...plan.targets.map((t) => t.console)].map((c) => {
      const v = this.consoles.verdictOf(c);
      return { name: `Manager key on console "${c}"`, ok: v.ok, detail: v.sentence };
    });
    checks.push({
      name: "CA reachable",
      ok: true,
      detail: `CA "${plan.source.ca}" answered cainfo`,
    });
    checks.push({
      name: "Registrar",
      ok: true,
      detail: "the registrar may register peers (hf.Registrar.Roles includes peer)",
    });
    const steps = mockPlanSteps(plan).map((step) => ({
      ...step,
      preview: this.verdict(plan, step, p.journal),
    }));
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
        state: e?.state ?? "pending",
        attempts: e?.attempts ?? 0,
        component_id: e?.componentId ?? null,
        error: e?.error ?? null,
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
          event,
        },
      };
      return emit("plan://progress", update);
    };
    const lane = async (console: string, region: string): Promise<PlanRegionOutcome> => {
      let waited = false;
      for (const step of steps.filter((s) => s.console === console)) {
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
        const why =
          this.consoles.verdictOf(console).ok === false
            ? this.consoles.verdictOf(console).sentence
            : step.action === "create_peer"
              ? this.blocker(console)
              : null;
        if (why) {
          p.journal.set(step.key, {
            ...(p.journal.get(step.key) as Entry),
            state: "failed",
            error: why,
          });
          await send(step, { kind: "failed", code: "console_refused", message: why });
          return {
            console,
            region,
            completed: false,
            failure: {
              step: step.key,
              code: "console_refused",
              message: why,
              fix: "Fix the console's key (Consoles → Edit), then resume.",
              resumable: true,
            },
          };
        }
        const entry = this.effect(plan, step);
        p.journal.set(step.key, { ...entry, attempts: (e?.attempts ?? 0) + 1 });
        await send(step, {
          kind: "done",
          already_present: entry.alreadyPresent,
          component_id: entry.componentId,
        });
      }
      const completed = steps
        .filter((s) => s.console === console)
        .every((s) => p.journal.get(s.key)?.state === "done");
      return { console, region, completed, failure: null };
    };
    const regions = await Promise.all(plan.targets.map((t) => lane(t.console, t.region)));
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

  /** What a step leaves behind in the journal. */
  private effect(plan: PlanSpec, step: PlanStep): Entry {
    const base = { state: "done" as const, error: null, attempts: 1, alreadyPresent: false };
    const peer = plan.targets
      .flatMap((t) => t.peers.map((p) => ({ t, p })))
      .find(({ p }) => "enroll_id" in step && p.enroll_id === step.enroll_id);
    switch (step.action) {
      case "import_ca":
        return {
          ...base,
          alreadyPresent: this.consoles.holds(step.console, plan.source.ca),
          componentId: plan.source.ca,
          apiUrl: null,
        };
      case "import_msp":
        return {
          ...base,
          alreadyPresent: this.consoles.holds(step.console, plan.source.msp),
          componentId: plan.source.msp,
          apiUrl: null,
        };
      case "import_source_peer":
        return { ...base, componentId: step.peer as string, apiUrl: null };
      case "register":
        return { ...base, componentId: null, apiUrl: null };
      case "create_peer":
      case "wait_running":
        return {
          ...base,
          componentId: peer ? slug(peer.p.display_name) : null,
          apiUrl: peer ? `grpcs://${peer.p.enroll_id}.${peer.t.region}.example.com:7051` : null,
        };
      case "copy_peer":
        return { ...base, componentId: peer ? slug(peer.p.display_name) : null, apiUrl: null };
      default:
        return { ...base, componentId: null, apiUrl: null };
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
    const allPeers: string[] = [];
    const regions = plan.targets.map((t) => {
      const c = t.console;
      const peers: PlanPeerReport[] = t.peers.map((peer) => {
        const created = done(`${c}/create/${peer.enroll_id}`);
        if (created?.apiUrl) allPeers.push(`${peer.display_name} (${created.apiUrl})`);
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
          .map((s) => ({
            step: s.key,
            description: s.description,
            error: p.journal.get(s.key)?.error ?? null,
          })),
      };
    });
    const admin = plan.source.org_admin_identity
      ? `the org admin identity ${plan.source.org_admin_identity}`
      : "an org admin identity of the MSP (type admin)";
    const manual: PlanManualStep[] = [];
    for (const ch of plan.channels) {
      manual.push({
        kind: "join_channel",
        channel: ch,
        chaincode: null,
        peers: allPeers,
        values: [ch],
        instruction: `Join each new peer to channel "${ch}" with ${admin}: fetch block 0 of "${ch}" and send cscc JoinChain to each peer's api_url.`,
      });
      manual.push({
        kind: "anchor_peers",
        channel: ch,
        chaincode: null,
        peers: allPeers,
        values: allPeers.map((x) => x.replace(/^.*grpcs:\/\/([^)]*)\)$/, "$1")),
        instruction: `Set the AnchorPeers of the organization in channel "${ch}" to exactly these host:port values, signed by ${admin}.`,
      });
    }
    for (const cc of plan.chaincodes) {
      manual.push({
        kind: "install_chaincode",
        channel: null,
        chaincode: cc,
        peers: allPeers,
        values: [cc],
        instruction: `Install chaincode "${cc}" on each new peer with ${admin}, using the package installed on a region-1 peer.`,
      });
    }
    const report: PlanReport = {
      plan: name,
      state: p.record.state,
      source_console: plan.source.console,
      ca: plan.source.ca,
      msp: plan.source.msp,
      org_admin_identity: plan.source.org_admin_identity ?? null,
      regions,
      manual,
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
          (x) => `- ${x.display_name}: \`${x.component_id ?? "-"}\` ${x.api_url ?? "-"}`,
        ),
        "",
      ]),
      ...(manual.length ? ["## Manual steps", "", ...manual.map((m) => `- ${m.instruction}`)] : []),
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
