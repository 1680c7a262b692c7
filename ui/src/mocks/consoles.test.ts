import { describe, expect, it } from "vitest";
import { MockConsoles, REJECT_MESSAGE } from "./consoles";
import { demoLibrary } from "./demoData";
import { MockLibrary } from "./library";

describe("the mock consoles", () => {
  it("copies between consoles once; a re-run reports already present", () => {
    const consoles = new MockConsoles(new MockLibrary([]));
    const first = consoles.copy("Dallas", "Tokyo", ["org1peer0", "org1msp"]);
    expect(first.items.map((i) => [i.displayName, i.outcome, i.componentId])).toEqual([
      ["Org1 Peer0", "imported", "org1peer0"],
      ["Org1 MSP", "imported", "org1msp"],
    ]);
    const again = consoles.copy("Dallas", "Tokyo", ["org1peer0", "org1msp"]);
    expect(again.items.map((i) => [i.outcome, i.message])).toEqual([
      ["alreadyPresent", "already present as org1peer0"],
      ["alreadyPresent", "already present as org1msp"],
    ]);
    const tokyo = consoles.components("Tokyo");
    expect(tokyo.peers.filter((p) => p.apiUrl === "grpcs://127.0.0.1:7051")).toHaveLength(1);
    expect(tokyo.msps.filter((m) => m.mspId === "Org1MSP")).toHaveLength(1);
  });

  it("finds a CA by URL under another id, and rejects with the console's message", () => {
    const consoles = new MockConsoles(new MockLibrary([]));
    expect(consoles.copy("Dallas", "Frankfurt", ["org1ca"]).items[0]?.outcome).toBe(
      "alreadyPresent",
    );
    const rejected = consoles.copy("Dallas", "Frankfurt", ["legacypeer"]).items[0];
    expect(rejected).toMatchObject({ outcome: "rejected", message: REJECT_MESSAGE });
  });

  it("finds records with other certificates, and updates them (not a CA's)", () => {
    const consoles = new MockConsoles(new MockLibrary(demoLibrary()), { stale: true });
    const copy = consoles.copy("Dallas", "Frankfurt", ["org1peer0", "ordererca", "org1ca"]);
    expect(copy.items.map((i) => [i.outcome, i.differences, i.updatable, i.sourceId])).toEqual([
      [
        "presentWithOtherCertificates",
        ["msp.component.tls_cert", "msp.tlsca.root_certs"],
        true,
        "org1peer0",
      ],
      ["presentWithOtherCertificates", ["msp.component.tls_cert"], false, "ordererca"],
      ["alreadyPresent", [], false, "org1ca"],
    ]);
    const updated = consoles.updateRecords({
      console: "Frankfurt",
      source: { kind: "console", from: "Dallas", componentIds: ["org1peer0", "ordererca"] },
    });
    expect(updated.items.map((i) => i.outcome)).toEqual([
      "updated",
      "presentWithOtherCertificates",
    ]);
    expect(consoles.copy("Dallas", "Frankfurt", ["org1peer0"]).items[0]?.outcome).toBe(
      "alreadyPresent",
    );
    const msp = consoles.import("Frankfurt", ["lib-msp-org1"]).items[0];
    expect(msp).toMatchObject({ outcome: "presentWithOtherContent", differences: ["admins"] });
    expect(
      consoles.updateRecords({
        console: "Frankfurt",
        source: { kind: "library", artifactIds: ["lib-msp-org1"] },
      }).items[0]?.outcome,
    ).toBe("updated");
    expect(consoles.components("Frankfurt").peers).toHaveLength(2);
  });

  it("imports library artifacts, never twice, and refuses identities", () => {
    const consoles = new MockConsoles(new MockLibrary(demoLibrary()));
    const ids = ["lib-msp-org1", "lib-peer-org1-peer0", "lib-identity-org1admin"];
    expect(consoles.import("Tokyo", ids).items.map((i) => i.outcome)).toEqual([
      "imported",
      "imported",
      "rejected",
    ]);
    expect(consoles.import("Tokyo", ids).items.map((i) => i.outcome)).toEqual([
      "alreadyPresent",
      "alreadyPresent",
      "rejected",
    ]);
  });

  it("adds, renames and removes consoles; never keeps a secret", () => {
    const consoles = new MockConsoles(new MockLibrary([]), { empty: true });
    expect(consoles.list()).toEqual([]);
    const added = consoles.add({
      name: "Sydney",
      region: "au-syd",
      url: "http://127.0.0.1:3010",
      auth: { kind: "apiKey", apiKey: "k", apiSecret: "very-secret" },
      caCertPem: null,
    });
    expect(added).toMatchObject({ encrypted: false, apiKey: "k", sandbox: false });
    expect(JSON.stringify(consoles.consoles)).not.toContain("very-secret");
    expect(() =>
      consoles.add({
        ...added,
        auth: { kind: "apiKey", apiKey: "k", apiSecret: "s" },
        caCertPem: null,
      }),
    ).toThrow();
    consoles.update("Sydney", { ...added, name: "Perth", auth: null, caCertPem: null });
    expect(consoles.list().map((c) => c.name)).toEqual(["Perth"]);
    consoles.remove("Perth");
    expect(consoles.list()).toEqual([]);
  });

  it("adds a console on IBM Cloud with an IBM Cloud API key, and keeps no key", () => {
    const consoles = new MockConsoles(new MockLibrary([]), { empty: true });
    const input = {
      name: "IBM Cloud",
      region: "us-south",
      url: "https://abc-ibp-console.us-south.blockchain.cloud.ibm.com:443",
      auth: { kind: "iam" as const, iamApiKey: "ibm-cloud-secret-key", tokenUrl: null },
      caCertPem: null,
    };
    const added = consoles.add(input);
    expect(added).toMatchObject({
      auth: "iam",
      apiKey: "",
      iamTokenUrl: "https://iam.cloud.ibm.com/identity/token",
      encrypted: true,
    });
    expect(JSON.stringify(consoles.consoles)).not.toContain("ibm-cloud-secret-key");
    // Kept on an edit without credentials; another token URL with new ones.
    expect(consoles.update("IBM Cloud", { ...input, auth: null })).toMatchObject({
      auth: "iam",
      iamTokenUrl: "https://iam.cloud.ibm.com/identity/token",
    });
    const own = "https://iam.test.cloud.ibm.com/identity/token";
    expect(
      consoles.update("IBM Cloud", {
        ...input,
        auth: { kind: "iam", iamApiKey: "k2", tokenUrl: own },
      }),
    ).toMatchObject({ auth: "iam", apiKey: "", iamTokenUrl: own });
    // Back to a console API key.
    expect(
      consoles.update("IBM Cloud", {
        ...input,
        auth: { kind: "apiKey", apiKey: "k", apiSecret: "s" },
      }),
    ).toMatchObject({ auth: "apiKey", apiKey: "k", iamTokenUrl: null });
    for (const [auth, field] of [
      [{ kind: "iam" as const, iamApiKey: " ", tokenUrl: null }, "iamApiKey"],
      [{ kind: "iam" as const, iamApiKey: "k", tokenUrl: "http://iam.example.com/t" }, "tokenUrl"],
      [
        { kind: "iam" as const, iamApiKey: "k", tokenUrl: "https://iam.example.com/t?a" },
        "tokenUrl",
      ],
    ] as const) {
      expect(() => consoles.add({ ...input, name: "Other", auth }), field).toThrow(
        expect.objectContaining({ code: "InvalidInput", details: { field } }),
      );
    }
    // Every console the mock lists says how it signs in.
    const seeded = new MockConsoles(new MockLibrary([]));
    for (const c of seeded.list()) {
      expect(c, c.name).toMatchObject({ auth: "apiKey", iamTokenUrl: null });
    }
  });
});
