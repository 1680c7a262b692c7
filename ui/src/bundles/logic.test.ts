import { describe, expect, it } from "vitest";
import type { BundleApplyReport } from "../bindings/BundleApplyReport";
import type { BundleInspection } from "../bindings/BundleInspection";
import type { PlanRecord } from "../bindings/PlanRecord";
import { i18n } from "../i18n";
import { libraryItem } from "../test/ipc";
import {
  afterBuild,
  applySummary,
  type BuildForm,
  buildInput,
  defaultApplyConsole,
  emptyBuildForm,
  failedEntry,
  fileRows,
  formatSize,
  isKeyError,
  keyInput,
  OTHER_CONSOLE,
  validateBuild,
} from "./logic";
import { bundlesHref, parseBundlesHash } from "./route";

const RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

const LIBRARY = [
  libraryItem({ id: "ca1", kind: "ca", displayName: "Org1 CA" }),
  libraryItem({ id: "admin", kind: "identity", displayName: "org1admin" }),
];

const PLAN: PlanRecord = {
  id: "plan-1",
  state: "draft",
  created_at: "2025-11-27T14:00:00Z",
  updated_at: "2025-11-27T14:00:00Z",
  plan: {
    format: 1,
    name: "Org1 HA",
    source: {
      console: "Dallas",
      ca: "org1ca",
      msp: "org1msp",
      peers: [],
      registrar: { enroll_id: "admin" },
    },
    targets: [{ console: "Frankfurt", region: "eu-de", peers: [] }],
    channels: [],
    chaincodes: [],
    wait_timeout_secs: 600,
  },
} as PlanRecord;

function filled(patch: Partial<BuildForm> = {}): BuildForm {
  return {
    ...emptyBuildForm(),
    target: "Frankfurt",
    artifacts: ["ca1"],
    passphrase: "carried by hand",
    confirm: "carried by hand",
    ...patch,
  };
}

const INSPECTION: BundleInspection = {
  file: "Frankfurt.bundle",
  encrypted: true,
  manifest: {
    format: "fabric-ha-bundle",
    format_version: 1,
    created_at: "2025-11-27T14:30:00Z",
    app_version: "0.1.0",
    target_console: { name: "Frankfurt", url: "https://127.0.0.1:3002" },
    includes_identities: false,
    components: [{ kind: "ca", display_name: "Org1 CA", msp_id: null }],
    files: [
      { path: "console/bulk-import.zip", size: 2040, sha256: "aa".repeat(32), role: "console_zip" },
      { path: "steps.md", size: 1020, sha256: "bb".repeat(32), role: "steps_markdown" },
    ],
  },
  entries: [
    ["manifest.json", 1500],
    ["manifest.sig", 190],
    ["console/bulk-import.zip", 2040],
    ["steps.md", 1020],
    ["extra.txt", 12],
  ],
  signer: null,
};

describe("the bundles hash", () => {
  it("round-trips build, receive and a received file with any characters", () => {
    for (const v of [
      { view: "build" as const },
      { view: "receive" as const, file: null },
      { view: "receive" as const, file: "/home/op/Downloads/eu de #2.bundle" },
    ]) {
      expect(parseBundlesHash(bundlesHref(v))).toEqual(v);
    }
    expect(parseBundlesHash("#/bundles/receive/%E0%A4%A")).toEqual({
      view: "receive",
      file: null,
    });
    expect(parseBundlesHash("#/nodes")).toEqual({ view: "build" });
  });
});

describe("the build form", () => {
  it("needs a target, contents and a protection that holds", () => {
    expect(validateBuild(emptyBuildForm(), [], LIBRARY)).toEqual({
      target: "Choose the console the bundle is for.",
      artifacts: "Choose at least one component.",
      passphrase: "Enter a passphrase.",
    });
    expect(validateBuild(filled(), [], LIBRARY)).toEqual({});
    expect(validateBuild(filled({ confirm: "carried by hands" }), [], LIBRARY)).toEqual({
      confirm: "The passphrases differ.",
    });
    expect(
      validateBuild(filled({ target: OTHER_CONSOLE, otherTarget: "  " }), [], LIBRARY).target,
    ).toBe("Enter the name of the console the bundle is for.");
  });

  it("takes identities only with the opt-in", () => {
    const form = filled({ artifacts: ["ca1", "admin"] });
    expect(validateBuild(form, [], LIBRARY).artifacts).toMatch(/Include identities/);
    expect(validateBuild({ ...form, includeIdentities: true }, [], LIBRARY)).toEqual({});
  });

  it("takes a plan only when the target is one of its consoles", () => {
    const form = filled({ contents: "plan", plan: "Org1 HA", target: "Tokyo" });
    expect(validateBuild(form, [PLAN], LIBRARY).plan).toBe(
      "Plan “Org1 HA” has no target console “Tokyo”.",
    );
    expect(validateBuild({ ...form, target: "Frankfurt" }, [PLAN], LIBRARY)).toEqual({});
    expect(validateBuild({ ...form, plan: "" }, [PLAN], LIBRARY).plan).toBe("Choose the HA plan.");
  });

  it("checks recipients' keys and the unencrypted confirmation", () => {
    const recipients = filled({ protection: "recipients", recipients: "" });
    expect(validateBuild(recipients, [], LIBRARY).recipients).toMatch(/at least one/);
    expect(
      validateBuild({ ...recipients, recipients: `${RECIPIENT}\nage1nope` }, [], LIBRARY)
        .recipients,
    ).toBe("“age1nope” is not an age public key (age1…).");
    expect(validateBuild({ ...recipients, recipients: RECIPIENT }, [], LIBRARY)).toEqual({});
    const plain = filled({ protection: "unencrypted" });
    expect(validateBuild(plain, [], LIBRARY).unencrypted).toMatch(/Confirm/);
    expect(validateBuild({ ...plain, unencryptedConfirmed: true }, [], LIBRARY)).toEqual({});
  });

  it("becomes the bundle_create input, and forgets the passphrase afterwards", () => {
    expect(buildInput(filled({ target: OTHER_CONSOLE, otherTarget: " eu-de " }))).toEqual({
      target: "eu-de",
      contents: { artifacts: ["ca1"] },
      protection: { kind: "passphrase", passphrase: "carried by hand" },
      includeIdentities: false,
      sign: true,
    });
    expect(
      buildInput(
        filled({
          contents: "plan",
          plan: "Org1 HA",
          protection: "recipients",
          recipients: `${RECIPIENT}, ${RECIPIENT}\n`,
          sign: false,
        }),
      ),
    ).toMatchObject({
      contents: { plan: "Org1 HA" },
      protection: { kind: "recipients", recipients: [RECIPIENT, RECIPIENT] },
      sign: false,
    });
    expect(
      buildInput(filled({ protection: "unencrypted", unencryptedConfirmed: true })).protection,
    ).toEqual({ kind: "unencrypted", confirmed: true });
    const after = afterBuild(filled({ unencryptedConfirmed: true }));
    expect([after.passphrase, after.confirm, after.unencryptedConfirmed]).toEqual(["", "", false]);
    expect(after.artifacts).toEqual(["ca1"]);
  });
});

describe("receiving", () => {
  it("sends a key only when the form has one", () => {
    const form = { kind: "passphrase" as const, passphrase: "", identityFile: null };
    expect(keyInput(form)).toBeNull();
    expect(keyInput({ ...form, passphrase: "x" })).toEqual({ kind: "passphrase", passphrase: "x" });
    expect(keyInput({ ...form, kind: "identityFile" })).toBeNull();
    expect(keyInput({ ...form, kind: "identityFile", identityFile: "/k.txt" })).toEqual({
      kind: "identityFile",
      path: "/k.txt",
    });
    expect(isKeyError({ code: "bundle_wrong_key", message: "m", details: null })).toBe(true);
    expect(isKeyError({ code: "bundle_tampered", message: "m", details: null })).toBe(false);
  });

  it("lists the manifest's files and unlisted entries, and marks the named changed file", () => {
    const none = fileRows(INSPECTION, { kind: "none" });
    expect(none.map((r) => [r.path, r.role, r.check])).toEqual([
      ["console/bulk-import.zip", "console_zip", "unchecked"],
      ["steps.md", "steps_markdown", "unchecked"],
      ["extra.txt", null, "unchecked"],
    ]);
    expect(fileRows(INSPECTION, { kind: "ok" }).every((r) => r.check === "ok")).toBe(true);
    const error = {
      code: "bundle_tampered",
      message: 'Frankfurt.bundle: entry "steps.md" does not match its SHA-256',
      details: { file: "Frankfurt.bundle", entry: "steps.md" },
    };
    expect(failedEntry(error)).toBe("steps.md");
    expect(failedEntry({ code: "bundle_wrong_key", message: "m", details: { file: "f" } })).toBe(
      null,
    );
    const failed = fileRows(INSPECTION, { kind: "failed", entry: "steps.md", error });
    expect(failed.map((r) => r.check)).toEqual(["unchecked", "failed", "unchecked"]);
  });

  it("proposes the bundle's target console when it is registered", () => {
    expect(defaultApplyConsole(INSPECTION, ["Dallas", "Frankfurt"])).toBe("Frankfurt");
    expect(defaultApplyConsole(INSPECTION, ["Dallas"])).toBe("");
  });

  it("sums up an apply", () => {
    const report: BundleApplyReport = {
      verification: { file: "f", filesChecked: 5, signer: null },
      library: {
        files: [
          {
            file: "console/bulk-import.zip",
            status: "accepted",
            findings: [],
            artifacts: [
              { id: "a", kind: "ca", displayName: "Org1 CA", new: true },
              { id: "b", kind: "msp", displayName: "Org1 MSP", new: false },
            ],
          },
        ],
      },
      console: null,
      planStepsRecorded: ["Frankfurt/import-ca"],
    };
    expect(applySummary(report)).toBe(
      "2 components in the library: 1 new, 1 already present; 1 plan step recorded as done.",
    );
    expect(formatSize(512)).toBe("512 B");
    expect(formatSize(1536)).toBe("1.5 KB");
    expect(formatSize(3 * 1024 * 1024)).toBe("3.0 MB");
  });
});

describe("bundles in Chinese", () => {
  it("checks, sizes and apply summaries read as Chinese, with Chinese plurals", async () => {
    await i18n.changeLanguage("zh-CN");
    expect(validateBuild(emptyBuildForm(), [], LIBRARY)).toMatchObject({
      target: "请选择离线包的目标控制台。",
      passphrase: "请输入口令。",
    });
    expect(formatSize(1536)).toBe("1.5 KB");
    const report: BundleApplyReport = {
      verification: { file: "f", filesChecked: 1, signer: null },
      library: null,
      console: null,
      planStepsRecorded: ["Frankfurt/import-ca"],
    };
    expect(applySummary(report)).toBe("1 个计划步骤已记录为完成。");
  });
});
