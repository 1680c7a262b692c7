import { describe, expect, it } from "vitest";
import type { PlanProgress } from "../bindings/PlanProgress";
import type { PlanStatus } from "../bindings/PlanStatus";
import {
  applyProgress,
  buildPlan,
  defaultEnrollId,
  emptyForm,
  newRegion,
  parsePlansHash,
  plansHref,
  runFromStatus,
  shownState,
  validateStep,
  type WizardForm,
  withCount,
} from "./logic";

function filled(): WizardForm {
  return {
    ...emptyForm(),
    name: "Org1 HA",
    sourceConsole: "Dallas",
    ca: "org1ca",
    msp: "org1msp",
    mspId: "Org1MSP",
    peers: ["org1peer0"],
    channels: "mychannel, other",
    chaincodes: "basic",
    targets: [withCount(newRegion("Sydney", "au-syd"), 2, "Org1MSP")],
    secret: "s3cret",
  };
}

describe("the plans hash", () => {
  it("round-trips list, new and a plan with any characters", () => {
    for (const v of [
      { view: "list" as const },
      { view: "new" as const },
      { view: "plan" as const, name: "Org1 HA / eu#2" },
    ]) {
      expect(parsePlansHash(plansHref(v))).toEqual(v);
    }
    expect(parsePlansHash("#/ha-plans/p/%E0%A4%A")).toEqual({ view: "list" });
    expect(parsePlansHash("#/nodes")).toEqual({ view: "list" });
  });
});

describe("the wizard", () => {
  it("numbers peers like the engine, keeping edited names when the count changes", () => {
    const r = withCount(newRegion("Sydney", "au-syd"), 2, "Org1MSP");
    expect(r.names).toEqual(["Org1MSP peer 1 (au-syd)", "Org1MSP peer 2 (au-syd)"]);
    const edited = { ...r, names: ["first", r.names[1] ?? ""] };
    expect(withCount(edited, 3, "Org1MSP").names).toEqual([
      "first",
      "Org1MSP peer 2 (au-syd)",
      "Org1MSP peer 3 (au-syd)",
    ]);
    expect(withCount(edited, 1, "Org1MSP").names).toEqual(["first"]);
    expect(withCount(edited, -4, "Org1MSP").count).toBe(0);
    expect(defaultEnrollId("Org1MSP", "eu de", 1)).toBe("org1msp-eu-de-peer1");
  });

  it("checks each step before moving on", () => {
    expect(validateStep(emptyForm(), 0)).toMatchObject({
      name: expect.any(String),
      sourceConsole: expect.any(String),
      ca: expect.any(String),
      msp: expect.any(String),
    });
    expect(validateStep(filled(), 0)).toEqual({});
    expect(validateStep({ ...filled(), targets: [] }, 1)).toHaveProperty("targets");
    const twice = filled();
    twice.targets = [{ ...(twice.targets[0] as (typeof twice.targets)[0]), names: ["a", "a"] }];
    expect(validateStep(twice, 2)).toEqual({ "peer:Sydney:1": "Used twice in this plan." });
    expect(validateStep({ ...filled(), secret: "" }, 3)).toHaveProperty("secret");
    expect(validateStep({ ...filled(), registrar: "wallet" }, 3)).toHaveProperty("walletIdentity");
    expect(validateStep({ ...filled(), registrar: "wallet", walletIdentity: "id1" }, 3)).toEqual(
      {},
    );
  });

  it("builds the plan file without the secret", () => {
    const plan = buildPlan(filled());
    expect(JSON.stringify(plan)).not.toContain("s3cret");
    expect(plan.source).toEqual({
      console: "Dallas",
      ca: "org1ca",
      msp: "org1msp",
      peers: ["org1peer0"],
      registrar: { enroll_id: "admin" },
      org_admin_identity: null,
    });
    expect(plan.channels).toEqual(["mychannel", "other"]);
    expect(plan.targets[0]?.peers.map((p) => [p.display_name, p.enroll_id, p.state_db])).toEqual([
      ["Org1MSP peer 1 (au-syd)", "org1msp-au-syd-peer1", "couchdb"],
      ["Org1MSP peer 2 (au-syd)", "org1msp-au-syd-peer2", "couchdb"],
    ]);
    const wallet = buildPlan({ ...filled(), registrar: "wallet", walletIdentity: "id1" });
    expect(wallet.source.registrar).toEqual({ library_identity: "id1" });
  });
});

describe("a run", () => {
  const status = {
    id: "p1",
    plan: buildPlan(filled()),
    state: "stopped",
    created_at: "",
    updated_at: "",
    done: 1,
    steps: [
      { step: "Sydney/import-ca", console: "Sydney", state: "done" },
      { step: "Sydney/import-msp", console: "Sydney", state: "failed" },
      { step: "Sydney/register/x", console: "Sydney", state: "pending" },
    ].map((s, i) => ({
      ...s,
      number: i + 1,
      description: s.step,
      attempts: 1,
      component_id: null,
      error: null,
    })),
  } satisfies PlanStatus;
  const progress = (step: string, event: PlanProgress["event"]): PlanProgress => ({
    step,
    number: 1,
    total: 3,
    console: "Sydney",
    region: "au-syd",
    description: step,
    event,
  });

  it("starts from the journal and folds every update into the region and the log", () => {
    let run = runFromStatus(status);
    expect(run.regions).toEqual([
      { console: "Sydney", region: "au-syd", total: 3, done: 1, failed: true, current: null },
    ]);
    run = applyProgress(run, progress("Sydney/import-ca", { kind: "skipped" }));
    run = applyProgress(run, progress("Sydney/import-msp", { kind: "started" }));
    expect(run.regions[0]).toMatchObject({ done: 1, failed: false, current: "Sydney/import-msp" });
    run = applyProgress(
      run,
      progress("Sydney/import-msp", { kind: "done", already_present: true, component_id: "m1" }),
    );
    run = applyProgress(
      run,
      progress("Sydney/register/x", { kind: "retrying", attempt: 1, message: "503" }),
    );
    run = applyProgress(
      run,
      progress("Sydney/register/x", { kind: "failed", code: "ca", message: "refused" }),
    );
    expect(run.regions[0]).toMatchObject({ done: 2, failed: true, current: null });
    expect(run.log.map((l) => [l.kind, l.text])).toEqual([
      ["skipped", "Sydney/import-ca: done in an earlier run"],
      ["started", "Sydney/import-msp"],
      ["done", "Sydney/import-msp: already in place (m1)"],
      ["retrying", "Sydney/register/x: attempt 1 failed (503); retrying"],
      ["failed", "Sydney/register/x: failed — refused"],
    ]);
  });

  it("shows running for a run in this window and previewed for a previewed draft", () => {
    expect(shownState("draft", false, false)).toBe("draft");
    expect(shownState("draft", false, true)).toBe("previewed");
    expect(shownState("stopped", true, true)).toBe("running");
    expect(shownState("completed", false, true)).toBe("completed");
  });
});
