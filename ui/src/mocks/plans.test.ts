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

/** Org3MSP, created in `source` with the CLI's defaults, replicated into `targets`. */
function newOrgPlan(source: string, targets: string[]): PlanSpec {
  const base = plan(targets);
  return {
    ...base,
    name: "Org3 HA",
    source: {
      console: source,
      ca: "",
      msp: "",
      peers: [],
      registrar: { enroll_id: "Org3MSP-ca-admin" },
      create: {
        ca_display_name: "Org3MSP CA",
        msp_id: "Org3MSP",
        msp_display_name: "Org3MSP MSP",
        org_admin_enroll_id: "Org3MSP-admin",
        first_peer: { display_name: "Org3MSP peer 1", enroll_id: "org3msp-peer1" },
      },
    },
    channels: [],
  };
}

/** What `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("nothing was thrown");
}

const finished = async () =>
  (await next((e) => e.event === "plan://finished")).payload as PlanFinished;

describe("the mock HA plans", () => {
  beforeEach(() => {
    emitted.length = 0;
  });

  it("orders the steps like the engine: imports, register + create, wait, copies, channels", () => {
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
      "Sydney/join/Sydney-peer1/mychannel",
      "Sydney/install/Sydney-peer1",
      "Sydney/join/Sydney-peer2/mychannel",
      "Sydney/install/Sydney-peer2",
      "Dallas/anchors/mychannel",
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
    // The anchor peers run once, in the source console's lane, after both regions.
    expect(new Set(updates.map((u) => u.console))).toEqual(new Set(["Sydney", "London", "Dallas"]));
    expect(updates.some((u) => u.event.kind === "catch_up")).toBe(true);
    const status = plans.status("Org1 HA");
    expect(status.state).toBe("completed");
    expect(status.done).toBe(status.steps.length);
    const report = plans.report("Org1 HA");
    expect(report.report.channels.map((c) => [c.channel, c.anchor_peers.length])).toEqual([
      ["mychannel", 5],
    ]);
    for (const peer of report.report.regions.flatMap((r) => r.peers)) {
      expect(peer.channels.map((c) => [c.channel, c.height])).toEqual([["mychannel", 12]]);
      expect(peer.package_ids).toHaveLength(1);
    }
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

describe("a mock plan that creates its organization", () => {
  beforeEach(() => {
    emitted.length = 0;
  });

  it("creates the organization first, in the engine's order, then imports it everywhere", () => {
    const steps = mockPlanSteps(newOrgPlan("Dallas", ["Sydney"]));
    expect(steps.map((s) => [s.key, s.action, s.region])).toEqual([
      ["Dallas/create-ca", "create_ca", "region 1"],
      ["Dallas/wait-ca", "wait_ca", "region 1"],
      ["Dallas/enroll-ca-admin", "enroll_ca_admin", "region 1"],
      ["Dallas/register-admin/Org3MSP-admin", "register_admin", "region 1"],
      ["Dallas/register/org3msp-peer1", "register", "region 1"],
      ["Dallas/enroll-admin/Org3MSP-admin", "enroll_admin", "region 1"],
      ["Dallas/create-msp", "create_msp", "region 1"],
      ["Dallas/create/org3msp-peer1", "create_peer", "region 1"],
      ["Dallas/wait/org3msp-peer1", "wait_running", "region 1"],
      ["Sydney/import-ca", "import_ca", "r2"],
      ["Sydney/import-msp", "import_msp", "r2"],
      ["Sydney/import-first-peer", "import_first_peer", "r2"],
      ["Sydney/register/Sydney-peer1", "register", "r2"],
      ["Sydney/create/Sydney-peer1", "create_peer", "r2"],
      ["Sydney/register/Sydney-peer2", "register", "r2"],
      ["Sydney/create/Sydney-peer2", "create_peer", "r2"],
      ["Sydney/wait/Sydney-peer1", "wait_running", "r2"],
      ["Sydney/wait/Sydney-peer2", "wait_running", "r2"],
      ["Sydney/copy/Sydney-peer1/Dallas", "copy_peer", "r2"],
      ["Sydney/copy/Sydney-peer2/Dallas", "copy_peer", "r2"],
    ]);
    expect(steps.map((s) => s.number)).toEqual(steps.map((_, i) => i + 1));
    expect(steps.filter((s) => s.region === "region 1").map((s) => s.description)).toEqual([
      'Create CA "Org3MSP CA" in console "Dallas"',
      'Wait until CA "Org3MSP CA" is running and answers',
      'Enroll the admin of CA "Org3MSP CA"',
      'Register enroll id "Org3MSP-admin" (type admin) at CA "Org3MSP CA"',
      'Register enroll id "org3msp-peer1" (type peer) at CA "Org3MSP CA"',
      'Enroll the org admin "Org3MSP-admin" into the library',
      'Create MSP definition "Org3MSP MSP" (Org3MSP) in console "Dallas" with Node OUs',
      'Create peer "Org3MSP peer 1" in console "Dallas", enrolling "org3msp-peer1" at CA "Org3MSP CA"',
      'Wait until peer "Org3MSP peer 1" is running',
    ]);
  });

  it("refuses a registrar secret, and an existing CA, MSP or peers next to `create`", () => {
    const plans = new MockPlans(new MockConsoles(new MockLibrary([]), { ha: true }));
    const org = newOrgPlan("Dallas", ["Sydney"]);
    const refused = (p: PlanSpec, registrarSecret: string | null = null) =>
      thrown(() => plans.create({ plan: p, registrarSecret }));
    expect(refused(org, "pw")).toEqual({
      code: "InvalidInput",
      message:
        "registrarSecret: the plan creates its CA and generates the CA admin's secret; do not give one",
      details: { field: "registrarSecret" },
    });
    const withSource = (patch: Partial<PlanSpec["source"]>) => ({
      ...org,
      source: { ...org.source, ...patch },
    });
    expect(refused(withSource({ ca: "org1ca", msp: "org1msp" }))).toMatchObject({
      code: "InvalidInput",
      message:
        "plan: source.ca / source.msp: leave them out with `create` (the plan creates the CA and the MSP)",
    });
    expect(refused(withSource({ peers: ["org1peer0"] }))).toMatchObject({
      message: "plan: source.peers: an organization that does not exist yet has no peers to import",
    });
    expect(refused(withSource({ registrar: { enroll_id: "adm" } }))).toMatchObject({
      message: `plan: source.registrar: the CA admin's enroll id "adm" needs at least 4 characters`,
    });
    const first = org.source.create?.first_peer;
    const sydney = org.targets[0];
    if (!first || !sydney) throw new Error("the sample plan has a first peer and a target");
    const twice = { ...org, targets: [{ ...sydney, peers: [first] }] };
    expect(refused(twice)).toMatchObject({
      message: 'plan: display name "Org3MSP peer 1" is used twice',
    });
    expect(plans.list()).toEqual([]);
    plans.create({ plan: org, registrarSecret: null });
    expect(plans.list().map((r) => [r.plan.name, r.state])).toEqual([["Org3 HA", "draft"]]);
  });

  it("creates the CA, MSP and first peer in the region-1 console, then runs the regions", async () => {
    const consoles = new MockConsoles(new MockLibrary([]), { ha: true });
    const plans = new MockPlans(consoles);
    plans.create({ plan: newOrgPlan("Dallas", ["Sydney", "London"]), registrarSecret: null });
    const preview = plans.preview("Org3 HA");
    expect(preview.ready).toBe(true);
    expect(preview.checks).toContainEqual({
      name: 'organization "Org3MSP" can be created in console "Dallas"',
      label: { code: "orgCanBeCreated", params: { mspId: "Org3MSP", console: "Dallas" } },
      ok: true,
      code: "canCreateOrg",
      params: {},
      detail: "manager key on a console that can create CAs and peers",
    });
    expect(preview.steps.every((s) => s.preview.status === "will_do")).toBe(true);

    const end = finished();
    plans.apply("Org3 HA");
    const out = await end;
    expect(out.outcome?.regions.map((r) => [r.console, r.region, r.completed])).toEqual([
      ["Dallas", "region 1", true],
      ["Sydney", "r2", true],
      ["London", "r3", true],
    ]);
    // Every step of the organization ran before any region's first step.
    const consolesInOrder = emitted
      .filter((e) => e.event === "plan://progress")
      .map((e) => (e.payload as PlanProgressUpdate).progress.console);
    const lastDallas = consolesInOrder.lastIndexOf("Dallas");
    expect(lastDallas).toBe(9 * 2 - 1);
    expect(consolesInOrder.slice(lastDallas + 1)).not.toContain("Dallas");

    const dallas = consoles.components("Dallas");
    const ca = dallas.cas.find((c) => c.displayName === "Org3MSP CA");
    const msp = dallas.msps.find((m) => m.mspId === "Org3MSP");
    const peer = dallas.peers.find((p) => p.displayName === "Org3MSP peer 1");
    expect(ca).toMatchObject({ imported: false, status: "running", location: "us-south" });
    expect(msp).toMatchObject({ displayName: "Org3MSP MSP", nodeOuEnabled: true });
    expect(peer).toMatchObject({ mspId: "Org3MSP", imported: false, status: "running" });

    // The journal and the report name what was created.
    const status = plans.status("Org3 HA");
    expect(status.state).toBe("completed");
    expect(status.done).toBe(status.steps.length);
    const id = (key: string) => status.steps.find((s) => s.step === key)?.component_id;
    expect(id("Dallas/create-ca")).toBe(ca?.id);
    expect(id("Dallas/enroll-ca-admin")).toBe("Org3MSP-ca-admin");
    expect(id("Sydney/import-first-peer")).toBe(peer?.id);
    const { report } = plans.report("Org3 HA");
    expect([report.ca, report.msp]).toEqual([ca?.id, msp?.id]);
    expect(report.regions.map((r) => r.ca?.component_id)).toEqual([ca?.id, ca?.id]);
    // A plan that creates its organization has no channel to join yet.
    expect(report.channels).toEqual([]);

    // A second plan for the same organization would create a second CA of that name.
    plans.create({
      plan: { ...newOrgPlan("Dallas", ["Sydney"]), name: "Org3 again" },
      registrarSecret: null,
    });
    const again = plans.preview("Org3 again").steps.find((s) => s.key === "Dallas/create-ca");
    expect(again?.preview).toEqual({
      status: "blocked",
      code: "consoleHoldsCa",
      params: { console: "Dallas", ca: "Org3MSP CA" },
      reason:
        'console "Dallas" already holds a CA named "Org3MSP CA" that this plan did not create',
    });
  });

  it("blocks every step of an organization an import-only console cannot create", async () => {
    const consoles = new MockConsoles(new MockLibrary([]), { ha: true });
    const plans = new MockPlans(consoles);
    plans.create({ plan: newOrgPlan("Frankfurt", ["Sydney"]), registrarSecret: null });
    const preview = plans.preview("Org3 HA");
    expect(preview.ready).toBe(false);
    const reason =
      'the organization cannot be created: console "Frankfurt": Connected, but this console is import-only: it cannot create peers. Create peers with the cluster\'s own tooling and import them; everything else works.';
    const bootstrap = preview.steps.filter((s) => s.region === "region 1");
    expect(bootstrap).toHaveLength(9);
    for (const s of bootstrap) {
      expect(s.preview, s.key).toMatchObject({
        status: "blocked",
        code: "orgCannotBeCreated",
        reason,
      });
      expect(s.preview.status === "blocked" && s.preview.params).toMatchObject({
        causeCode: "consoleVerdict",
        "cause.console": "Frankfurt",
        "cause.verdict": "import_only",
      });
    }
    expect(preview.checks.find((c) => c.name.startsWith("organization"))?.ok).toBe(false);

    const before = consoles.components("Frankfurt");
    const end = finished();
    plans.apply("Org3 HA");
    const out = await end;
    // The regions never start: they need the organization.
    expect(out.outcome?.regions.map((r) => [r.console, r.completed, r.failure?.step])).toEqual([
      ["Frankfurt", false, "Frankfurt/create-ca"],
    ]);
    expect(consoles.components("Frankfurt")).toEqual({ ...before, fetchedAt: expect.any(String) });
    expect(plans.get("Org3 HA").state).toBe("stopped");
  });
});
