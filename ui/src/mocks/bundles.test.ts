import { describe, expect, it } from "vitest";
import type { BundleBuildInput } from "../bindings/BundleBuildInput";
import type { IpcError } from "../bindings/IpcError";
import {
  MOCK_BUNDLE_PASSPHRASE,
  MOCK_BUNDLES,
  MOCK_CHANGED_ENTRY,
  MOCK_IDENTITY_FILE,
  MOCK_RECIPIENT,
  MockBundles,
} from "./bundles";
import { MockConsoles } from "./consoles";
import { demoLibrary } from "./demoData";
import { MockLibrary } from "./library";
import { MockPlans } from "./plans";

function setup() {
  const library = new MockLibrary(demoLibrary());
  const consoles = new MockConsoles(library);
  const plans = new MockPlans(consoles);
  return { library, consoles, bundles: new MockBundles(library, consoles, plans) };
}

/** The IPC error a call rejects with. */
function failure(call: () => unknown): IpcError {
  try {
    call();
  } catch (e) {
    return e as IpcError;
  }
  throw new Error("the call did not fail");
}

const passphrase = (p: string) => ({ kind: "passphrase" as const, passphrase: p });

describe("the mock bundles", () => {
  it("asks for the key, refuses a wrong one, and names the changed file", () => {
    const { bundles } = setup();
    expect(failure(() => bundles.inspect(MOCK_BUNDLES.frankfurt, { kind: "none" })).code).toBe(
      "bundle_key_needed",
    );
    const wrong = failure(() => bundles.verify(MOCK_BUNDLES.frankfurt, passphrase("nope")));
    expect(wrong).toEqual({
      code: "bundle_wrong_key",
      message: "Frankfurt.bundle: the passphrase or key does not open this bundle",
      details: { file: "Frankfurt.bundle" },
    });
    const good = passphrase(MOCK_BUNDLE_PASSPHRASE);
    expect(bundles.verify(MOCK_BUNDLES.frankfurt, good).filesChecked).toBe(6);
    const changed = failure(() => bundles.verify(MOCK_BUNDLES.changed, good));
    expect(changed.code).toBe("bundle_tampered");
    expect(changed.details).toEqual({
      file: "Frankfurt-changed.bundle",
      entry: MOCK_CHANGED_ENTRY,
    });
    expect(changed.message).toContain(`"${MOCK_CHANGED_ENTRY}"`);
    // Inspecting the changed bundle applies nothing and shows the entry's real size.
    const inspected = bundles.inspect(MOCK_BUNDLES.changed, good);
    const listed = inspected.manifest.files.find((f) => f.path === MOCK_CHANGED_ENTRY);
    const actual = inspected.entries.find(([p]) => p === MOCK_CHANGED_ENTRY);
    expect(actual?.[1]).toBe((listed?.size ?? 0) + 21);
  });

  it("opens a recipients' bundle with the identity file only, and tells a bad signature", () => {
    const { bundles } = setup();
    expect(bundles.identityDialog()).toBe(MOCK_IDENTITY_FILE);
    expect(
      failure(() => bundles.inspect(MOCK_BUNDLES.sydney, passphrase(MOCK_BUNDLE_PASSPHRASE))).code,
    ).toBe("bundle_wrong_key");
    expect(
      failure(() => bundles.inspect(MOCK_BUNDLES.sydney, { kind: "identityFile", path: "/x" }))
        .details,
    ).toMatchObject({ field: "identity" });
    const key = { kind: "identityFile" as const, path: MOCK_IDENTITY_FILE };
    expect(bundles.inspect(MOCK_BUNDLES.sydney, key).signer?.valid).toBe(false);
    expect(failure(() => bundles.verify(MOCK_BUNDLES.sydney, key)).code).toBe(
      "bundle_signature_invalid",
    );
  });

  it("builds like the backend: refuses without confirmation, then round-trips", () => {
    const { bundles, library } = setup();
    const ca = library.items.find((i) => i.kind === "ca");
    const admin = library.items.find((i) => i.kind === "identity");
    if (!ca || !admin) throw new Error("the demo library has a CA and an identity");
    const input = (patch: Partial<BundleBuildInput>): BundleBuildInput => ({
      target: "Tokyo",
      contents: { artifacts: [ca.id] },
      protection: { kind: "unencrypted", confirmed: false },
      includeIdentities: false,
      sign: false,
      ...patch,
    });
    expect(failure(() => bundles.create(input({}))).details).toMatchObject({
      field: "unencrypted",
    });
    expect(
      failure(() => bundles.create(input({ contents: { artifacts: [admin.id] } }))).details,
    ).toMatchObject({ field: "includeIdentities" });
    expect(
      failure(() =>
        bundles.create(input({ protection: { kind: "recipients", recipients: ["age1no"] } })),
      ).details,
    ).toMatchObject({ field: "recipient" });

    const written = bundles.create(
      input({ protection: { kind: "recipients", recipients: [MOCK_RECIPIENT] }, sign: true }),
    );
    expect(written).toMatchObject({
      path: "/home/operator/Downloads/Tokyo.bundle",
      encrypted: true,
    });
    expect(written.manifest.target_console).toEqual({
      name: "Tokyo",
      url: "https://127.0.0.1:3003",
    });
    expect(bundles.openDialog()).toBe(written.path);
    expect(bundles.detect([written.path, "/tmp/peer.json"])).toEqual([written.path]);

    const key = { kind: "identityFile" as const, path: MOCK_IDENTITY_FILE };
    const report = bundles.apply(written.path, key, { console: "Tokyo" });
    expect(report.console?.items.map((i) => i.outcome)).toEqual(["imported"]);
    const again = bundles.apply(written.path, key, { console: "Tokyo" });
    expect(again.console?.items.map((i) => i.outcome)).toEqual(["alreadyPresent"]);
    const elsewhere = failure(() => bundles.apply(written.path, key, { console: "Dallas" }));
    expect(elsewhere.code).toBe("bundle_wrong_console");
  });

  it("applies into the library without duplicates", () => {
    const { bundles, library } = setup();
    const before = library.items.length;
    const first = bundles.apply(MOCK_BUNDLES.tokyo, { kind: "none" }, "library");
    const stored = first.library?.files[0]?.artifacts ?? [];
    expect(stored.map((a) => [a.displayName, a.new])).toEqual([
      ["Org2 CA", true],
      ["Org2 MSP", true],
    ]);
    const again = bundles.apply(MOCK_BUNDLES.tokyo, { kind: "none" }, "library");
    expect(again.library?.files[0]?.artifacts.every((a) => !a.new)).toBe(true);
    expect(library.items.length).toBe(before + 2);
    expect(first.planStepsRecorded).toEqual([]);
  });
});
