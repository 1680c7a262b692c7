import { describe, expect, it } from "vitest";
import type { ConnectionVerdict } from "../bindings/ConnectionVerdict";
import type { ConsoleComponents } from "../bindings/ConsoleComponents";
import type { ConsoleImportItem } from "../bindings/ConsoleImportItem";
import type { ConsoleImportOutcome } from "../bindings/ConsoleImportOutcome";
import type { ConsoleNode } from "../bindings/ConsoleNode";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import {
  consoleAuthText,
  consoleNodeTile,
  consolesHref,
  consoleTile,
  consoleUrlScheme,
  decodeDrag,
  differenceText,
  emptyForm,
  encodeDrag,
  fieldOfError,
  IBM_CLOUD_IAM_TOKEN_URL,
  importSummary,
  looksLikePemCertificate,
  parseConsolesHash,
  regionItems,
  toConsoleInput,
  updateSourceOf,
  validateConsoleForm,
  verdictKind,
  verdictStatus,
  withUpdatedLines,
} from "./logic";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";

const verdict = (fields: Partial<ConnectionVerdict>): ConnectionVerdict => ({
  code: "ready",
  ok: true,
  sentence: "Connected.",
  fix: null,
  version: "2.5.2",
  importOnly: false,
  authScheme: "couchdb",
  testedAt: "2025-11-27T14:27:00Z",
  ...fields,
});

const summary = (fields: Partial<ConsoleSummary> = {}): ConsoleSummary => ({
  name: "Dallas",
  region: "us-south",
  url: "https://console.dal.example.com",
  encrypted: true,
  auth: "apiKey",
  apiKey: "key1",
  iamTokenUrl: null,
  hasExtraCa: false,
  sandbox: false,
  lastVerdict: null,
  addedAt: "2025-11-27T14:27:00Z",
  ...fields,
});

const node = (fields: Partial<ConsoleNode> & Pick<ConsoleNode, "id" | "kind">): ConsoleNode => ({
  displayName: fields.id,
  mspId: null,
  apiUrl: null,
  location: null,
  imported: true,
  version: null,
  status: "running",
  nodes: 1,
  nodeOuEnabled: false,
  certExpiresAt: null,
  ...fields,
});

describe("the console form", () => {
  const valid = {
    ...emptyForm(),
    name: " Sydney ",
    region: "au-syd",
    url: "https://console.syd.example.com:443/",
    apiKey: " key ",
    apiSecret: " s3cret ",
  };

  it("asks for name, URL and credentials", () => {
    expect(validateConsoleForm(emptyForm(), { existingNames: [] })).toEqual({
      name: "Enter a display name.",
      url: "Enter the console's URL.",
      apiKey: "Enter the API key.",
      apiSecret: "Enter the API secret.",
    });
    expect(
      validateConsoleForm({ ...emptyForm(), authMode: "password" }, { existingNames: [] }),
    ).toMatchObject({ username: "Enter the user name.", password: "Enter the password." });
    expect(validateConsoleForm(valid, { existingNames: ["Dallas"] })).toEqual({});
  });

  it("refuses a taken name (any case) except the console's own when editing", () => {
    expect(validateConsoleForm(valid, { existingNames: ["sydney"] }).name).toBe(
      "A console called “Sydney” already exists.",
    );
    const editing = { ...valid, replaceAuth: false, apiSecret: "" };
    expect(validateConsoleForm(editing, { existingNames: ["Sydney"], editing: "Sydney" })).toEqual(
      {},
    );
    expect(
      validateConsoleForm({ ...valid, name: "x".repeat(65) }, { existingNames: [] }).name,
    ).toBe("At most 64 characters.");
  });

  it("accepts https and http console URLs only", () => {
    expect(consoleUrlScheme("https://c.example.com")).toBe("https:");
    expect(consoleUrlScheme("http://127.0.0.1:3000")).toBe("http:");
    for (const bad of ["ftp://c", "c.example.com", "https://u:p@c.example.com", "https://c/?a=1"]) {
      expect(consoleUrlScheme(bad), bad).toBeNull();
    }
  });

  it("takes a PEM certificate or its base64, nothing else", () => {
    expect(looksLikePemCertificate(PEM)).toBe(true);
    expect(looksLikePemCertificate(btoa(PEM))).toBe(true);
    expect(looksLikePemCertificate("hello")).toBe(false);
    expect(looksLikePemCertificate(btoa("hello"))).toBe(false);
    expect(
      validateConsoleForm({ ...valid, caCertPem: "nope" }, { existingNames: [] }).caCertPem,
    ).toMatch(/^Paste a PEM certificate/);
  });

  it("sends trimmed fields, the secret as typed, and null auth when keeping credentials", () => {
    expect(toConsoleInput({ ...valid, caCertPem: `  ${PEM}\n` })).toEqual({
      name: "Sydney",
      region: "au-syd",
      url: "https://console.syd.example.com:443",
      auth: { kind: "apiKey", apiKey: "key", apiSecret: " s3cret " },
      caCertPem: PEM,
    });
    expect(
      toConsoleInput({ ...valid, authMode: "password", username: " admin ", password: "pw" }).auth,
    ).toEqual({ kind: "password", username: "admin", password: "pw" });
    expect(toConsoleInput({ ...valid, replaceAuth: false }).auth).toBeNull();
    expect(toConsoleInput(valid).caCertPem).toBeNull();
    // On edit an empty field keeps the stored certificate; removing it is explicit.
    expect(toConsoleInput({ ...valid, removeCa: true }).caCertPem).toBe("");
    expect(toConsoleInput({ ...valid, removeCa: true, caCertPem: PEM }).caCertPem).toBe(PEM);
  });

  it("edits an IAM console with its IBM Cloud API key, keeping a token URL of its own", () => {
    const iam = summary({ auth: "iam", apiKey: "", iamTokenUrl: IBM_CLOUD_IAM_TOKEN_URL });
    expect(emptyForm(iam)).toMatchObject({
      authMode: "iam",
      replaceAuth: false,
      apiKey: "",
      iamApiKey: "",
      tokenUrl: "",
    });
    const own = "https://iam.test.cloud.ibm.com/identity/token";
    expect(emptyForm({ ...iam, iamTokenUrl: own })).toMatchObject({
      authMode: "iam",
      tokenUrl: own,
    });
    expect(emptyForm(summary())).toMatchObject({
      authMode: "apiKey",
      apiKey: "key1",
      tokenUrl: "",
    });
    expect(emptyForm()).toMatchObject({ authMode: "apiKey", iamApiKey: "", tokenUrl: "" });
  });

  it("asks for the IBM Cloud API key and checks an IAM token URL", () => {
    const iam = { ...valid, authMode: "iam" as const, apiKey: "", apiSecret: "" };
    expect(validateConsoleForm(iam, { existingNames: [] })).toEqual({
      iamApiKey: "Enter the IBM Cloud API key.",
    });
    const keyed = { ...iam, iamApiKey: " ibm-cloud-key " };
    expect(validateConsoleForm(keyed, { existingNames: [] })).toEqual({});
    for (const good of [
      "https://iam.cloud.ibm.com/identity/token",
      " https://iam.example.com:8443/identity/token ",
      "https://iam.example.com",
    ]) {
      expect(
        validateConsoleForm({ ...keyed, tokenUrl: good }, { existingNames: [] }),
        good,
      ).toEqual({});
    }
    for (const bad of [
      "http://iam.example.com/identity/token",
      "iam.example.com",
      "https://u:p@iam.example.com/token",
      "https://iam.example.com/token?a=1",
      "https://iam.example.com/token?",
      "https://iam.example.com/token#x",
      "ftp://iam.example.com",
    ]) {
      expect(validateConsoleForm({ ...keyed, tokenUrl: bad }, { existingNames: [] }), bad).toEqual({
        tokenUrl:
          "Enter an https:// URL without user name, query or fragment, or leave it empty for IBM Cloud's.",
      });
    }
    // Keeping the stored credentials asks for none.
    expect(validateConsoleForm({ ...iam, replaceAuth: false }, { existingNames: [] })).toEqual({});
  });

  it("sends an IBM Cloud API key with IAM's token URL, null for IBM Cloud's", () => {
    const iam = { ...valid, authMode: "iam" as const, iamApiKey: " ibm-cloud-key " };
    expect(toConsoleInput(iam).auth).toEqual({
      kind: "iam",
      iamApiKey: "ibm-cloud-key",
      tokenUrl: null,
    });
    expect(toConsoleInput({ ...iam, tokenUrl: "  " }).auth).toEqual({
      kind: "iam",
      iamApiKey: "ibm-cloud-key",
      tokenUrl: null,
    });
    expect(
      toConsoleInput({ ...iam, tokenUrl: " https://iam.example.com/identity/token " }).auth,
    ).toEqual({
      kind: "iam",
      iamApiKey: "ibm-cloud-key",
      tokenUrl: "https://iam.example.com/identity/token",
    });
    expect(toConsoleInput({ ...iam, replaceAuth: false }).auth).toBeNull();
  });

  it("says how a console signs in: its API key, or IBM Cloud IAM", () => {
    expect(consoleAuthText(summary())).toBe("API key key1");
    const iam = summary({ auth: "iam", apiKey: "", iamTokenUrl: IBM_CLOUD_IAM_TOKEN_URL });
    expect(consoleAuthText(iam)).toBe("IBM Cloud IAM");
    expect(consoleAuthText({ ...iam, iamTokenUrl: null })).toBe("IBM Cloud IAM");
    expect(consoleAuthText({ ...iam, iamTokenUrl: "https://iam.example.com/token" })).toBe(
      "IBM Cloud IAM at https://iam.example.com/token",
    );
  });

  it("maps a backend InvalidInput field onto the form", () => {
    expect(fieldOfError({ field: "caCertPem" })).toBe("caCertPem");
    expect(fieldOfError({ field: "input.url" })).toBe("url");
    expect(fieldOfError({ field: "iamApiKey" })).toBe("iamApiKey");
    expect(fieldOfError({ field: "input.auth.tokenUrl" })).toBe("tokenUrl");
    expect(fieldOfError({ field: "auth" })).toBeNull();
    expect(fieldOfError(null)).toBeNull();
  });
});

describe("verdicts", () => {
  it("ready is green, usable with limits is yellow, a failure red, untested grey", () => {
    expect(verdictKind(verdict({}))).toBe("success");
    expect(verdictKind(verdict({ code: "import_only", importOnly: true }))).toBe("warning");
    expect(verdictKind(verdict({ code: "console_unauthorized", ok: false }))).toBe("error");
    expect(verdictStatus(null)).toEqual({ status: "unknown", label: "Connection not tested yet" });
    expect(verdictStatus(verdict({ code: "not_a_console", ok: false, sentence: "No." }))).toEqual({
      status: "stopped",
      label: "No.",
    });
  });
});

describe("tiles", () => {
  it("console tile: name, region, Sandbox, Not encrypted, URL, verdict square", () => {
    const tile = consoleTile(
      summary({ sandbox: true, encrypted: false, url: "http://127.0.0.1:3000", region: "" }),
    );
    expect(tile).toMatchObject({
      title: "Dallas",
      subtitle: "No region",
      status: "unknown",
      data: { testid: "console-tile", console: "Dallas" },
    });
    expect(tile.labels).toEqual([
      { kind: "tag", text: "Sandbox" },
      { kind: "warning", text: "Not encrypted" },
      { kind: "text", text: "http://127.0.0.1:3000" },
    ]);
  });

  it("node tile: MSP line for peers, cluster size, expiry warning, imported, location", () => {
    const now = new Date("2025-11-27T00:00:00Z");
    const tile = consoleNodeTile(
      node({
        id: "os",
        kind: "orderer",
        mspId: "OrdererMSP",
        nodes: 3,
        certExpiresAt: "2025-12-01T00:00:00Z",
        status: "pending",
      }),
      now,
    );
    expect(tile.subtitle).toBe("OrdererMSP");
    expect(tile.status).toBe("pending");
    expect(tile.labels.map((l) => l.text)).toEqual([
      "Certificate Expiration",
      "3 ordering nodes",
      "Imported",
      "-",
    ]);
    expect(
      consoleNodeTile(node({ id: "ca", kind: "ca", mspId: "X" }), now).subtitle,
    ).toBeUndefined();
  });

  it("groups a console's components for its region column, sorted by name", () => {
    const components: ConsoleComponents = {
      console: "Dallas",
      fetchedAt: "2025-11-27T14:27:00Z",
      peers: [
        node({ id: "p2", kind: "peer", displayName: "Peer 10", mspId: "Org1MSP" }),
        node({ id: "p1", kind: "peer", displayName: "Peer 2", mspId: "Org1MSP" }),
      ],
      cas: [node({ id: "ca", kind: "ca", displayName: "Org1 CA", apiUrl: "https://ca:7054" })],
      orderers: [],
      msps: [
        {
          id: "m",
          displayName: "Org1 MSP",
          mspId: "Org1MSP",
          rootCerts: 1,
          adminCerts: 1,
          nodeOuEnabled: true,
        },
      ],
    };
    const groups = regionItems(components);
    expect(groups.peer.map((p) => p.displayName)).toEqual(["Peer 2", "Peer 10"]);
    expect(groups.ca[0]).toMatchObject({
      console: "Dallas",
      kind: "ca",
      detail: "https://ca:7054",
    });
    expect(groups.msp[0]).toMatchObject({ kind: "msp", detail: "Org1MSP" });
    expect(groups.msp[0]?.status).toBeUndefined();
    expect(groups.orderer).toEqual([]);
  });
});

describe("drag payload", () => {
  it("round-trips, and refuses anything else", () => {
    const text = encodeDrag({ from: "Dallas", componentId: "org1peer0" });
    expect(decodeDrag(text)).toEqual({ from: "Dallas", componentId: "org1peer0" });
    for (const bad of ["", "x", "null", "[]", '{"from":"a"}', '{"from":"","componentId":"b"}']) {
      expect(decodeDrag(bad), bad).toBeNull();
    }
  });
});

const item = (
  outcome: ConsoleImportOutcome,
  fields: Partial<ConsoleImportItem> = {},
): ConsoleImportItem => ({
  artifactId: null,
  sourceConsole: null,
  sourceId: null,
  displayName: "x",
  kind: "peer",
  outcome,
  componentId: null,
  differences: [],
  updatable: false,
  message: null,
  ...fields,
});

describe("reports and routes", () => {
  it("summarises an import report", () => {
    expect(
      importSummary({
        console: "Tokyo",
        items: [item("imported"), item("alreadyPresent"), item("alreadyPresent")],
      }),
    ).toBe("3 components: 1 imported, 2 already present.");
    expect(importSummary({ console: "Tokyo", items: [item("rejected")] })).toBe(
      "1 component: 1 rejected.",
    );
    expect(importSummary({ console: "Tokyo", items: [] })).toBe("0 components.");
    expect(
      importSummary({
        console: "Tokyo",
        items: [
          item("presentWithOtherCertificates"),
          item("presentWithOtherContent"),
          item("updated"),
        ],
      }),
    ).toBe(
      "3 components: 1 present with other certificates, 1 present with other content, 1 updated.",
    );
  });

  it("names the differing certificates and what an update re-runs", () => {
    expect(differenceText(["msp.component.tls_cert", "msp.tlsca.root_certs", "admins"])).toBe(
      "TLS certificate, TLS root certificates, admins",
    );
    expect(differenceText(["something.new"])).toBe("something.new");
    const stale = item("presentWithOtherCertificates", { updatable: true });
    expect(updateSourceOf({ ...stale, artifactId: "lib-peer" })).toEqual({
      kind: "library",
      artifactIds: ["lib-peer"],
    });
    expect(updateSourceOf({ ...stale, sourceConsole: "Dallas", sourceId: "org1peer0" })).toEqual({
      kind: "console",
      from: "Dallas",
      componentIds: ["org1peer0"],
    });
    // A file imported directly has nothing to re-run; a CA cannot be updated; nor can an
    // equal record.
    expect(updateSourceOf(stale)).toBeNull();
    expect(
      updateSourceOf({ ...stale, artifactId: "lib-ca", kind: "ca", updatable: false }),
    ).toBeNull();
    expect(updateSourceOf({ ...item("alreadyPresent"), artifactId: "lib-peer" })).toBeNull();
  });

  it("replaces the lines of one source with the update's, in place", () => {
    const node = (n: number, outcome: ConsoleImportOutcome) =>
      item(outcome, { displayName: `Node ${n}`, sourceConsole: "Dallas", sourceId: "os" });
    const report = {
      console: "Frankfurt",
      items: [
        item("imported", { artifactId: "lib-ca", displayName: "CA" }),
        node(1, "presentWithOtherCertificates"),
        node(2, "alreadyPresent"),
        item("presentWithOtherContent", { artifactId: "lib-msp", displayName: "MSP" }),
      ],
    };
    const fresh = [node(1, "updated"), node(2, "alreadyPresent")];
    const updated = withUpdatedLines(report, report.items[1] as ConsoleImportItem, fresh);
    expect(updated.items.map((i) => [i.displayName, i.outcome])).toEqual([
      ["CA", "imported"],
      ["Node 1", "updated"],
      ["Node 2", "alreadyPresent"],
      ["MSP", "presentWithOtherContent"],
    ]);
    // A line without a source changes nothing.
    expect(withUpdatedLines(report, item("presentWithOtherCertificates"), fresh)).toBe(report);
  });

  it("parses and builds the page's sub-routes", () => {
    expect(parseConsolesHash("#/consoles")).toEqual({ view: "list" });
    expect(parseConsolesHash("#/consoles/regions")).toEqual({ view: "regions" });
    const named = { view: "console", name: "Dallas / us-south" } as const;
    expect(parseConsolesHash(consolesHref(named))).toEqual(named);
    expect(parseConsolesHash("#/consoles/c/%E0%A4%A")).toEqual({ view: "list" });
  });
});
