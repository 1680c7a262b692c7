import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PlanFinished } from "../bindings/PlanFinished";
import type { PlanProgressUpdate } from "../bindings/PlanProgressUpdate";
import type { PlanSpec } from "../bindings/PlanSpec";
import { MockConsoles } from "./consoles";
import { MockLibrary } from "./library";
import { MockPlans, mockPlanSteps } from "./plans";

type Emitted = { event: string; payload: unknown };
const emitted: Emitted[] = [];
let waiter: { match: (e: Emitted) => boolean; done: (e: Emitted) => void } | null = null;
vi.mock("@tauri-apps/api/event", () => ({
  emit: async (event: string, payload: unknown) => {
    const e = { event, payload };
    emitted.push(e);
    if (waiter?.match(e)) waiter.done(e);
  },
}));

/** The next emitted event that matches. */
const next = (match: (e: Emitted) => boolean) =>
  new Promise<Emitted>((done) => {
    waiter = { match, done };
  });

function plan(targets: string[]): PlanSpec {
  return {
    format: 1,
    name: "Org1 HA",
    source: {
      console: "Dallas",
      ca: "org1ca",
      msp: "org1msp",
      peers: ["org1peer0"],
      registrar: { enroll_id: "admin" },
    },
    targets: targets.map((console, i) => ({
      console,
      region: `r${i + 2}`,
      peers: [1, 2].map((n) => ({
        display_name: `${console} peer ${n}`,
        enroll_id: `${console}-peer${n}`,
      })),
    })),
    channels: ["mychannel"],
    chaincodes: [],
    wait_timeout_secs: 600,
  };
}

const finished = async () =>
  (await next((e) => e.event === "plan://finished")).payload as PlanFinished;

describe("the mock HA plans", () => {
  beforeEach(() => {
    emitted.length = 0;
  });

  it("orders the steps like the engine: imports, register + create, wait, copies", () => {
    const steps = mockPlanSteps(plan(["Sydney"]));
    expect(steps.map((s) => s.key)).toEqual([
      "Sydney/import-ca",
      "Sydney/import-msp",
      "Sydney/import-peer/org1peer0",
      "Sydney/register/Sydney-peer1",
      "Sydney/create/Sydney-peer1",
      "Sydney/register/Sydney-peer2",
      "Sydney/create/Sydney-peer2",
      "Sydney/wait/Sydney-peer1",
      "Sydney/wait/Sydney-peer2",
      "Sydney/copy/Sydney-peer1/Dallas",
      "Sydney/copy/Sydney-peer2/Dallas",
    ]);
    expect(steps.map((s) => s.number)).toEqual(steps.map((_, i) => i + 1));
  });

  it("needs the registrar's secret and keeps none", () => {
    const plans = new MockPlans(new MockConsoles(new MockLibrary([]), { ha: true }));
    expect(() => plans.create({ plan: plan(["Sydney"]), registrarSecret: null })).toThrow();
    plans.create({ plan: plan(["Sydney"]), registrarSecret: "pw-canary" });
    expect(JSON.stringify(plans)).not.toContain("pw-canary");
    expect(plans.list().map((r) => [r.plan.name, r.state])).toEqual([["Org1 HA", "draft"]]);
  });

  it("runs every region, emits progress and the end, and resumes a cancelled run", async () => {
    const plans = new MockPlans(new MockConsoles(new MockLibrary([]), { ha: true }), {
      hold: true,
    });
    plans.create({ plan: plan(["Sydney", "London"]), registrarSecret: "pw" });
    // The first run holds at the first "wait until running" of a region.
    const holding = next((e) => {
      const p = (e.payload as PlanProgressUpdate).progress;
      return p?.event.kind === "started" && p.step.startsWith("London/wait/");
    });
    plans.apply("Org1 HA");
    await holding;
    let end = finished();
    expect(plans.running()).toEqual(["Org1 HA"]);
    expect(() => plans.apply("Org1 HA")).toThrow(/already running/);
    expect(plans.cancel("Org1 HA")).toBe(true);
    const first = await end;
    expect(first.outcome).toMatchObject({ completed: false, cancelled: true });
    expect(plans.get("Org1 HA").state).toBe("stopped");
    expect(plans.running()).toEqual([]);

    emitted.length = 0;
    end = finished();
    plans.apply("Org1 HA");
    const second = await end;
    expect(second.outcome).toMatchObject({ completed: true, cancelled: false });
    const updates = emitted
      .filter((e) => e.event === "plan://progress")
      .map((e) => (e.payload as PlanProgressUpdate).progress);
    expect(updates.some((u) => u.event.kind === "skipped")).toBe(true);
    expect(new Set(updates.map((u) => u.console))).toEqual(new Set(["Sydney", "London"]));
    const status = plans.status("Org1 HA");
    expect(status.state).toBe("completed");
    expect(status.done).toBe(status.steps.length);
    const report = plans.report("Org1 HA");
    expect(report.report.manual.map((m) => m.kind)).toEqual(["join_channel", "anchor_peers"]);
    expect(report.report.regions.flatMap((r) => r.peers.map((p) => p.running))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(plans.exportDialog("Org1 HA", "reportMarkdown")).toMatch(/Org1-HA\.report\.md$/);
  });

  it("stops a region whose console refuses the key; blocks creation in an import-only one", async () => {
    const plans = new MockPlans(new MockConsoles(new MockLibrary([])));
    plans.create({ plan: plan(["Frankfurt", "Tokyo"]), registrarSecret: "pw" });
    const preview = plans.preview("Org1 HA");
    expect(preview.ready).toBe(false);
    const verdict = (key: string) => preview.steps.find((s) => s.key === key)?.preview.status;
    expect(verdict("Frankfurt/import-ca")).toBe("already_done");
    expect(verdict("Frankfurt/create/Frankfurt-peer1")).toBe("blocked");
    expect(verdict("Tokyo/import-ca")).toBe("blocked");
    const end = finished();
    plans.apply("Org1 HA");
    const out = await end;
    expect(out.outcome?.regions.map((r) => [r.console, r.completed, r.failure?.step])).toEqual([
      ["Frankfurt", false, "Frankfurt/create/Frankfurt-peer1"],
      ["Tokyo", false, "Tokyo/import-ca"],
    ]);
    expect(plans.get("Org1 HA").state).toBe("stopped");
  });
});
