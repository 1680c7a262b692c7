import { describe, expect, it } from "vitest";
import type { PlanProgress } from "../bindings/PlanProgress";
import type { PlanStatus } from "../bindings/PlanStatus";
import { i18n } from "../i18n";
import {
  applyProgress,
  BOOTSTRAP_REGION,
  bootstrapProblems,
  buildPlan,
  createdOrg,
  defaultEnrollId,
  editNewOrg,
  emptyForm,
  laneLabel,
  newOrgDefaults,
  newRegion,
  parsePlansHash,
  plansHref,
  refillNewOrg,
  regionLabel,
  registrarSecret,
  runFromStatus,
  shownState,
  stateLabel,
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
    // Peers that require mutual TLS: the plan names the identity whose TLS certificate it shows.
    expect(buildPlan({ ...filled(), tlsIdentity: "org1tls" }).source.tls_identity).toBe("org1tls");
    expect(buildPlan({ ...newOrg(), tlsIdentity: "org1tls" }).source).not.toHaveProperty(
      "tls_identity",
    );
  });
});

/** A new organization Org3MSP in Dallas, with the CLI's defaults, replicated to Sydney. */
function newOrg(): WizardForm {
  return {
    ...emptyForm(),
    name: "Org3 HA",
    mode: "new",
    sourceConsole: "Dallas",
    mspId: "Org3MSP",
    org: { ...newOrgDefaults("Org3MSP", "Dallas"), edited: [] },
    targets: [withCount(newRegion("Sydney", "au-syd"), 2, "Org3MSP")],
  };
}

describe("a new organization", () => {
  it("defaults every name from the MSP id as `plan new --new-org` does", () => {
    expect(newOrgDefaults("Org3MSP", "Dallas")).toEqual({
      caName: "Org3MSP CA",
      mspName: "Org3MSP MSP",
      caAdminId: "Org3MSP-ca-admin",
      orgAdminId: "Org3MSP-admin",
      peerName: "Org3MSP peer 1 (Dallas)",
      peerEnrollId: "org3msp-dallas-peer1",
    });
    // Nothing to derive from yet; the first peer also needs the console.
    expect(Object.values(newOrgDefaults("", "Dallas")).every((v) => v === "")).toBe(true);
    expect(newOrgDefaults("Org3MSP", "")).toMatchObject({ peerName: "", peerEnrollId: "" });
  });

  it("refills the fields not typed into when the MSP id or the console changes", () => {
    let org = refillNewOrg(emptyForm().org, "Org3", "Dallas");
    org = editNewOrg(org, "caName", "Org three CA");
    org = refillNewOrg(org, "Org4MSP", "Sydney");
    expect(org).toMatchObject({
      caName: "Org three CA",
      mspName: "Org4MSP MSP",
      caAdminId: "Org4MSP-ca-admin",
      peerName: "Org4MSP peer 1 (Sydney)",
      peerEnrollId: "org4msp-sydney-peer1",
      edited: ["caName"],
    });
    // An emptied field stays the user's.
    org = refillNewOrg(editNewOrg(org, "orgAdminId", ""), "Org5MSP", "Sydney");
    expect(org.orgAdminId).toBe("");
    expect(org.edited).toEqual(["caName", "orgAdminId"]);
  });

  it("checks each field with the engine's rules and messages", () => {
    expect(validateStep(newOrg(), 0)).toEqual({});
    const broken = (patch: Partial<WizardForm["org"]>, mspId = "Org3MSP") =>
      validateStep({ ...newOrg(), mspId, org: { ...newOrg().org, ...patch } }, 0);
    expect(broken({}, "Org 3")).toEqual({
      mspId: '"Org 3" must have 1 to 250 of the characters A-Z a-z 0-9 . - (and not be . or ..)',
    });
    expect(broken({}, "..")).toHaveProperty("mspId");
    expect(broken({}, "a".repeat(251))).toHaveProperty("mspId");
    expect(broken({ caAdminId: "adm" })).toEqual({
      caAdminId: `the CA admin's enroll id "adm" needs at least 4 characters`,
    });
    expect(broken({ caAdminId: "ca admin" })).toEqual({
      caAdminId:
        'enroll id "ca admin" must have 1 to 255 characters and none of whitespace : / < > # { } % ` [ ] \\ ^ ~ | "',
    });
    expect(broken({ orgAdminId: "Org3MSP-ca-admin" })).toEqual({
      orgAdminId: "must differ from the CA admin's enroll id",
    });
    expect(broken({ peerEnrollId: "Org3MSP-admin" })).toEqual({
      peerEnrollId: "must differ from the CA admin's and the org admin's enroll ids",
    });
    expect(broken({ caName: " Org3 CA", peerName: "p".repeat(65) })).toEqual({
      caName: '" Org3 CA" must have 1 to 64 characters and no surrounding spaces',
      peerName: `peer display name "${"p".repeat(65)}" must have 1 to 64 characters and no surrounding spaces`,
    });
    // Empty fields ask for a value; an existing organization's CA and MSP are not asked for.
    expect(validateStep({ ...newOrg(), mspId: "", org: emptyForm().org }, 0)).toEqual({
      mspId: "Enter the organization's MSP id.",
      caName: "Enter the CA's display name.",
      mspName: "Enter the MSP definition's display name.",
      caAdminId: "Enter the CA admin's enroll id.",
      orgAdminId: "Enter the org admin's enroll id.",
      peerName: "Enter the first peer's display name.",
      peerEnrollId: "Enter the first peer's enroll id.",
    });
  });

  it("keeps the first peer's name and the organization's enroll ids unique in the plan", () => {
    const form = newOrg();
    const sydney = form.targets[0] as (typeof form.targets)[0];
    const clash = { ...form, targets: [{ ...sydney, names: ["Org3MSP peer 1 (Dallas)", "b"] }] };
    expect(validateStep(clash, 2)).toEqual({ "peer:Sydney:0": "Used twice in this plan." });
    // A target labelled like the console would number its peers like the first peer.
    const dallasLike = { ...form, targets: [{ ...sydney, region: "Dallas", names: ["a", "b"] }] };
    expect(validateStep(dallasLike, 2)).toEqual({
      "peer:Sydney:0": 'Its enroll id "org3msp-dallas-peer1" is used twice in this plan.',
    });
    expect(validateStep(form, 2)).toEqual({});
  });

  it("needs no secret and builds `source.create` with an empty CA, MSP and peer list", () => {
    const form = { ...newOrg(), secret: "typed-before-switching" };
    expect(validateStep({ ...form, secret: "" }, 3)).toEqual({});
    expect(registrarSecret(form)).toBeNull();
    expect(registrarSecret(filled())).toBe("s3cret");
    const plan = buildPlan(form);
    expect(JSON.stringify(plan)).not.toContain("typed-before-switching");
    expect(plan.source).toEqual({
      console: "Dallas",
      ca: "",
      msp: "",
      peers: [],
      registrar: { enroll_id: "Org3MSP-ca-admin" },
      org_admin_identity: null,
      create: {
        ca_display_name: "Org3MSP CA",
        msp_id: "Org3MSP",
        msp_display_name: "Org3MSP MSP",
        org_admin_enroll_id: "Org3MSP-admin",
        first_peer: {
          display_name: "Org3MSP peer 1 (Dallas)",
          enroll_id: "org3msp-dallas-peer1",
          csr_hosts: [],
        },
      },
    });
    expect(plan.targets[0]?.peers.map((p) => p.enroll_id)).toEqual([
      "org3msp-au-syd-peer1",
      "org3msp-au-syd-peer2",
    ]);
    expect(bootstrapProblems(plan.source)).toEqual([]);
  });

  it("reports what the engine refuses in a plan file first, in its order", () => {
    const source = buildPlan(newOrg()).source;
    expect(bootstrapProblems(buildPlan(filled()).source)).toEqual([]);
    const problems = bootstrapProblems({
      ...source,
      ca: "org1ca",
      peers: ["org1peer0"],
      registrar: { library_identity: "id1" },
    });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "source.ca / source.msp: leave them out with `create` (the plan creates the CA and the MSP)",
      "source.peers: an organization that does not exist yet has no peers to import",
      "source.registrar: with `create` the registrar is the new CA's admin: give an enroll_id",
    ]);
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
      { step: "Dallas/anchors/mychannel", console: "Dallas", state: "pending" },
      { step: "Dallas/anchors/other", console: "Dallas", state: "pending" },
    ].map((s, i) => ({
      ...s,
      number: i + 1,
      description: s.step,
      text: { code: "test", params: {} },
      attempts: 1,
      component_id: null,
      error: null,
      reason: null,
      params: {},
    })),
  } satisfies PlanStatus;
  const progress = (step: string, event: PlanProgress["event"]): PlanProgress => ({
    step,
    number: 1,
    total: 3,
    console: "Sydney",
    region: "au-syd",
    description: step,
    // A code the catalog does not have: the engine's sentence is shown as it is.
    text: { code: "test", params: {} },
    event,
  });

  it("starts from the journal and folds every update into the region and the log", () => {
    let run = runFromStatus(status);
    expect(run.regions).toEqual([
      { console: "Sydney", region: "au-syd", total: 3, done: 1, failed: true, current: null },
      // The channels' anchor peers: one lane after every region.
      { console: "Dallas", region: "all regions", total: 2, done: 0, failed: false, current: null },
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
      progress("Sydney/register/x", {
        kind: "retrying",
        attempt: 1,
        reason: "error",
        params: { message: "503", errorCode: "ca_unreachable" },
        message: "503",
      }),
    );
    run = applyProgress(
      run,
      progress("Sydney/register/x", {
        kind: "failed",
        code: "ca",
        reason: "error",
        params: { message: "refused", errorCode: "ca" },
        message: "refused",
      }),
    );
    expect(run.regions[0]).toMatchObject({ done: 2, failed: true, current: null });
    // A catch-up moves the region's current line, not the log.
    const before = run.log.length;
    run = applyProgress(
      run,
      progress("Sydney/join/x/mychannel", { kind: "catch_up", height: 3, target: 9 }),
    );
    expect(run.regions[0]?.current).toBe("Sydney/join/x/mychannel (height 3 of 9)");
    expect(run.log).toHaveLength(before);
    expect(run.log.map((l) => [l.kind, l.text])).toEqual([
      ["skipped", "Sydney/import-ca: done in an earlier run"],
      ["started", "Sydney/import-msp"],
      ["done", "Sydney/import-msp: already in place (m1)"],
      ["retrying", "Sydney/register/x: attempt 1 failed (503); retrying"],
      ["failed", "Sydney/register/x: failed — refused"],
    ]);
  });

  it("runs the organization's own lane first when the plan creates it", () => {
    const plan = buildPlan(newOrg());
    const created = {
      ...status,
      plan,
      steps: [
        { step: "Dallas/create-ca", console: "Dallas", state: "done", component_id: "org3ca" },
        { step: "Dallas/create-msp", console: "Dallas", state: "done", component_id: "org3msp" },
        { step: "Dallas/create/org3msp-dallas-peer1", console: "Dallas", state: "failed" },
        { step: "Sydney/import-ca", console: "Sydney", state: "pending" },
      ].map((s, i) => ({
        component_id: null,
        ...s,
        number: i + 1,
        description: s.step,
        text: { code: "test", params: {} },
        attempts: 1,
        error: s.state === "failed" ? "quota" : null,
        reason: null,
        params: {},
      })),
    } satisfies PlanStatus;
    let run = runFromStatus(created);
    expect(run.regions.map((r) => [r.console, r.region, r.done, r.total, r.failed])).toEqual([
      ["Dallas", BOOTSTRAP_REGION, 2, 3, true],
      ["Sydney", "au-syd", 0, 1, false],
    ]);
    run = applyProgress(run, {
      ...progress("Dallas/create/org3msp-dallas-peer1", {
        kind: "done",
        already_present: false,
        component_id: "org3msppeer1",
      }),
      console: "Dallas",
      region: BOOTSTRAP_REGION,
    });
    expect(run.regions[0]).toMatchObject({ done: 3, total: 3 });
    expect(run.log[0]?.region).toBe(BOOTSTRAP_REGION);
    expect(laneLabel(BOOTSTRAP_REGION)).toBe("region 1 · creates the organization");
    expect(laneLabel("au-syd")).toBe("au-syd");

    // The report's view of what was created: CA and MSP by id, the peer not yet.
    const org = createdOrg(created);
    expect(org?.rows.map((r) => [r.what, r.name, r.id, r.state])).toEqual([
      ["Certificate Authority", "Org3MSP CA", "org3ca", "Created"],
      ["MSP definition", "Org3MSP MSP (Org3MSP)", "org3msp", "Created"],
      ["Org admin", "Org3MSP-admin", null, "Not yet"],
      ["First peer", "Org3MSP peer 1 (Dallas)", null, "Not yet"],
    ]);
    expect(org?.open.map((s) => [s.step, s.error])).toEqual([
      ["Dallas/create/org3msp-dallas-peer1", "quota"],
    ]);
    expect(createdOrg(status)).toBeNull();
  });

  it("shows running for a run in this window and previewed for a previewed draft", () => {
    expect(shownState("draft", false, false)).toBe("draft");
    expect(shownState("draft", false, true)).toBe("previewed");
    expect(shownState("stopped", true, true)).toBe("running");
    expect(shownState("completed", false, true)).toBe("completed");
  });
});

describe("HA plans in Chinese", () => {
  it("states, lanes and the wizard's checks read as Chinese; names and ids stay as they are", async () => {
    await i18n.changeLanguage("zh-CN");
    expect(stateLabel("completed")).toBe("已完成");
    expect(laneLabel(BOOTSTRAP_REGION)).toBe("区域 1 · 创建组织");
    expect(regionLabel("all regions")).toBe("所有区域");
    expect(regionLabel("au-syd")).toBe("au-syd");
    expect(validateStep(emptyForm(), 0)).toMatchObject({
      name: "请输入计划名称。",
      sourceConsole: "请选择区域 1 的控制台。",
      ca: "请选择该组织的证书颁发机构。",
    });
    const org = createdOrg({
      id: "p2",
      plan: buildPlan(newOrg()),
      state: "draft",
      created_at: "",
      updated_at: "",
      done: 0,
      steps: [],
    });
    expect(org?.rows.map((r) => r.what)).toEqual([
      "证书颁发机构",
      "MSP 定义",
      "组织管理员",
      "第一个对等节点",
    ]);
  });

  it("words the live log's retry and failure lines from their codes, the quoted words kept", async () => {
    await i18n.changeLanguage("zh-CN");
    const line = (event: PlanProgress["event"]) =>
      applyProgress(
        { regions: [], log: [] },
        {
          step: "Sydney/register/x",
          number: 1,
          total: 3,
          console: "Sydney",
          region: "au-syd",
          description: "Register x",
          text: { code: "test", params: {} },
          event,
        },
      ).log[0]?.text;
    const refused = 'CA "https://ca.example:7054": connection refused';
    expect(
      line({
        kind: "retrying",
        attempt: 2,
        reason: "error",
        params: { message: refused, errorCode: "ca_unreachable" },
        message: refused,
      }),
    ).toBe(`Register x：第 2 次尝试失败（无法访问证书颁发机构（${refused}））；正在重试`);
    expect(
      line({
        kind: "failed",
        code: "blocked",
        reason: "peerRecordNoApiUrl",
        params: { id: "org1peer0" },
        message: 'the peer record "org1peer0" has no api_url',
      }),
    ).toBe("Register x：失败 — 对等节点记录“org1peer0”没有 api_url");
  });
});
