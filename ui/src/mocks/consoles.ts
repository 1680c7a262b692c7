// The mock build's consoles: three sandbox consoles (Dallas / us-south, Frankfurt / eu-de,
// Tokyo / jp-tok) holding a few CAs, MSPs, peers and an ordering service. `console_copy` and
// `console_import` really change the mock data and answer "already present" on a re-run, as
// the backend does (CA, peer, orderer: same api_url; MSP: same msp_id), or "present with other
// certificates" when the record there carries other certificates (`console_update_records`
// replaces them, except a CA's). `?consoles=none` starts with no console; `?consoles=ha` adds
// two empty, ready consoles (Sydney / au-syd, London / eu-gb) to replicate into;
// `?consoles=stale` gives Frankfurt older copies of Dallas's Org1 Peer0 (other TLS certificate
// and TLS root) and Orderer CA (other TLS certificate), and another admin in its Org1 MSP.
import type { ArtifactKind } from "../bindings/ArtifactKind";
import type { ConnectionVerdict } from "../bindings/ConnectionVerdict";
import type { ConsoleComponents } from "../bindings/ConsoleComponents";
import type { ConsoleImportItem } from "../bindings/ConsoleImportItem";
import type { ConsoleImportReport } from "../bindings/ConsoleImportReport";
import type { ConsoleInput } from "../bindings/ConsoleInput";
import type { ConsoleMsp } from "../bindings/ConsoleMsp";
import type { ConsoleNode } from "../bindings/ConsoleNode";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import type { ImportReport } from "../bindings/ImportReport";
import type { IpcError } from "../bindings/IpcError";
import type { LibraryItem } from "../bindings/LibraryItem";
import type { RecordUpdateInput } from "../bindings/RecordUpdateInput";
import { MOCK_DOWNLOADS, type MockLibrary } from "./library";

function error(code: string, message: string, details: IpcError["details"] = null) {
  return { code: code as IpcError["code"], message, details } satisfies IpcError;
}

/** IBM Cloud IAM's token endpoint, the backend's default for an IBM Cloud API key. */
const IBM_CLOUD_IAM_TOKEN_URL = "https://iam.cloud.ibm.com/identity/token";

/** What the backend stores of new credentials (the secrets themselves are dropped). */
function mockAuth(
  auth: NonNullable<ConsoleInput["auth"]>,
): Pick<ConsoleSummary, "auth" | "apiKey" | "iamTokenUrl"> {
  switch (auth.kind) {
    case "apiKey":
      return { auth: "apiKey", apiKey: auth.apiKey, iamTokenUrl: null };
    case "password":
      return { auth: "apiKey", apiKey: `key-created-for-${auth.username}`, iamTokenUrl: null };
    case "iam": {
      if (auth.iamApiKey.trim() === "") {
        throw error("InvalidInput", "iamApiKey: must not be empty", { field: "iamApiKey" });
      }
      const tokenUrl = auth.tokenUrl?.trim() || IBM_CLOUD_IAM_TOKEN_URL;
      if (!/^https:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/.test(tokenUrl)) {
        throw error(
          "InvalidInput",
          "tokenUrl: must be https://host[:port]/path, without user, query or fragment",
          { field: "tokenUrl" },
        );
      }
      return { auth: "iam", apiKey: "", iamTokenUrl: tokenUrl };
    }
  }
}

/** The console's own message when it refuses the mock's one bad component. */
export const REJECT_MESSAGE =
  "Expected parameter 'msp.component.tls_cert' to be a Base64 encoded PEM-string.";

/** `certs` stands for the record's certificates: records of the same component with other
 * `certs` carry other certificates (unset = the component's current ones). */
type MockNode = ConsoleNode & { rejectOnImport?: boolean; certs?: string };
type MockMsp = ConsoleMsp & { certs?: string };

interface MockConsole {
  summary: ConsoleSummary;
  nodes: MockNode[];
  msps: MockMsp[];
  /** What "Test connection" answers. */
  verdict: Omit<ConnectionVerdict, "testedAt">;
}

const ADDED_AT = "2025-11-27T14:27:00Z";
const DAY_MS = 24 * 3600 * 1000;

const READY: Omit<ConnectionVerdict, "testedAt"> = {
  code: "ready",
  ok: true,
  sentence: "Connected: this console can import and create components with this key.",
  fix: null,
  version: "2.5.2",
  importOnly: false,
  authScheme: "couchdb",
};

const IMPORT_ONLY: Omit<ConnectionVerdict, "testedAt"> = {
  code: "import_only",
  ok: true,
  sentence: "Connected, but this console is import-only: it cannot create peers.",
  fix: "Create peers with the cluster's own tooling and import them; everything else works.",
  version: "2.5.2",
  importOnly: true,
  authScheme: "couchdb",
};

const UNAUTHORIZED: Omit<ConnectionVerdict, "testedAt"> = {
  code: "console_unauthorized",
  ok: false,
  sentence: "The console did not accept the API key and secret.",
  fix: "Check the API key and secret (Edit → Replace the stored credentials), or create a new API key in the console.",
  version: "2.5.2",
  importOnly: null,
  authScheme: "couchdb",
};

function node(fields: Partial<MockNode> & Pick<MockNode, "id" | "kind" | "displayName">): MockNode {
  return {
    mspId: null,
    apiUrl: null,
    location: "-",
    imported: true,
    version: "2.5.12",
    status: "running",
    nodes: 1,
    nodeOuEnabled: fields.kind !== "ca",
    certExpiresAt: new Date(Date.now() + 300 * DAY_MS).toISOString(),
    ...fields,
  };
}

function msp(id: string, displayName: string, mspId: string): ConsoleMsp {
  return { id, displayName, mspId, rootCerts: 1, adminCerts: 1, nodeOuEnabled: true };
}

function sandbox(name: string, region: string, port: number): ConsoleSummary {
  return {
    name,
    region,
    url: `https://127.0.0.1:${port}`,
    encrypted: true,
    auth: "apiKey",
    apiKey: `sandbox-${region}-key`,
    iamTokenUrl: null,
    hasExtraCa: true,
    sandbox: true,
    lastVerdict: null,
    addedAt: ADDED_AT,
  };
}

function seed(): MockConsole[] {
  const tested = (v: Omit<ConnectionVerdict, "testedAt">): ConnectionVerdict => ({
    ...v,
    testedAt: ADDED_AT,
  });
  return [
    {
      summary: { ...sandbox("Dallas", "us-south", 3001), lastVerdict: tested(READY) },
      verdict: READY,
      nodes: [
        node({
          id: "org1ca",
          kind: "ca",
          displayName: "Org1 CA",
          apiUrl: "https://127.0.0.1:7054",
        }),
        node({
          id: "ordererca",
          kind: "ca",
          displayName: "Orderer CA",
          apiUrl: "https://127.0.0.1:7056",
        }),
        node({
          id: "org1peer0",
          kind: "peer",
          displayName: "Org1 Peer0",
          mspId: "Org1MSP",
          apiUrl: "grpcs://127.0.0.1:7051",
        }),
        node({
          id: "org1peer1",
          kind: "peer",
          displayName: "Org1 Peer1",
          mspId: "Org1MSP",
          apiUrl: "grpcs://127.0.0.1:7151",
          status: "pending",
          imported: false,
          location: "us-south",
        }),
        node({
          id: "legacypeer",
          kind: "peer",
          displayName: "Legacy Peer",
          mspId: "Org1MSP",
          apiUrl: "grpcs://127.0.0.1:7251",
          status: "undetectable",
          certExpiresAt: new Date(Date.now() + 10 * DAY_MS).toISOString(),
          rejectOnImport: true,
        }),
        node({
          id: "os",
          kind: "orderer",
          displayName: "Ordering Service",
          mspId: "OrdererMSP",
          apiUrl: "grpcs://127.0.0.1:7050",
          nodes: 3,
        }),
      ],
      msps: [msp("org1msp", "Org1 MSP", "Org1MSP"), msp("orderermsp", "Orderer MSP", "OrdererMSP")],
    },
    {
      summary: { ...sandbox("Frankfurt", "eu-de", 3002), lastVerdict: tested(IMPORT_ONLY) },
      verdict: IMPORT_ONLY,
      nodes: [
        node({
          id: "org1ca",
          kind: "ca",
          displayName: "Org1 CA",
          apiUrl: "https://127.0.0.1:7054",
        }),
        node({
          id: "org1peer2",
          kind: "peer",
          displayName: "Org1 Peer2",
          mspId: "Org1MSP",
          apiUrl: "grpcs://127.0.0.1:8051",
          location: "eu-de",
          imported: false,
        }),
      ],
      msps: [msp("org1msp", "Org1 MSP", "Org1MSP")],
    },
    {
      summary: sandbox("Tokyo", "jp-tok", 3003),
      verdict: UNAUTHORIZED,
      nodes: [
        node({
          id: "org2ca",
          kind: "ca",
          displayName: "Org2 CA",
          apiUrl: "https://127.0.0.1:9054",
        }),
        node({
          id: "org2peer0",
          kind: "peer",
          displayName: "Org2 Peer0",
          mspId: "Org2MSP",
          apiUrl: "grpcs://127.0.0.1:9051",
          status: "stopped",
          imported: false,
          location: "jp-tok",
        }),
      ],
      msps: [msp("org2msp", "Org2 MSP", "Org2MSP")],
    },
  ];
}

/** The console's derived id (console-api.md §2.3): slug of the name, `_0`, `_1`… if taken. */
function deriveId(displayName: string, taken: (id: string) => boolean): string {
  let base = displayName.replace(/[^A-Za-z0-9_-]/g, "").toLowerCase();
  if (!/^[a-z]/.test(base)) base = `c${base}`;
  if (!taken(base)) return base;
  for (let n = 0; ; n++) if (!taken(`${base}_${n}`)) return `${base}_${n}`;
}

/** Frankfurt's copies made before Dallas's Org1 Peer0 was re-created and its Orderer CA's TLS
 * certificate renewed, and its Org1 MSP with an admin the organization has since replaced. */
function makeStale(consoles: MockConsole[]): void {
  const frankfurt = consoles.find((c) => c.summary.name === "Frankfurt");
  if (!frankfurt) return;
  frankfurt.nodes.push(
    node({
      id: "org1peer0",
      kind: "peer",
      displayName: "Org1 Peer0",
      mspId: "Org1MSP",
      apiUrl: "grpcs://127.0.0.1:7051",
      certs: "before re-creation",
    }),
    node({
      id: "ordererca",
      kind: "ca",
      displayName: "Orderer CA",
      apiUrl: "https://127.0.0.1:7056",
      certs: "before renewal",
    }),
  );
  for (const m of frankfurt.msps) if (m.mspId === "Org1MSP") m.certs = "former admin";
}

/** The certificate fields that differ, as the backend names them (record JSON paths). */
function differencesOf(kind: string): string[] {
  if (kind === "msp") return ["admins"];
  if (kind === "ca") return ["msp.component.tls_cert"];
  return ["msp.component.tls_cert", "msp.tlsca.root_certs"];
}

const FIELD_TEXT: Record<string, string> = {
  admins: "admins (admins)",
  "msp.component.tls_cert": "TLS certificate (msp.component.tls_cert)",
  "msp.tlsca.root_certs": "TLS root certificates (msp.tlsca.root_certs)",
};

export class MockConsoles {
  consoles: MockConsole[];

  constructor(
    private library: MockLibrary,
    opts: { empty?: boolean; ha?: boolean; stale?: boolean } = {},
  ) {
    this.consoles = opts.empty ? [] : seed();
    if (opts.stale) makeStale(this.consoles);
    if (opts.ha && !opts.empty) {
      for (const [name, region, port] of [
        ["Sydney", "au-syd", 3004],
        ["London", "eu-gb", 3005],
      ] as const) {
        this.consoles.push({
          summary: sandbox(name, region, port),
          verdict: READY,
          nodes: [],
          msps: [],
        });
      }
    }
  }

  /** What "Test connection" would answer for `name` (the HA plan mock reads it). */
  verdictOf(name: string): Omit<ConnectionVerdict, "testedAt"> {
    return this.get(name).verdict;
  }

  /** True when console `name` holds a component (or MSP) with this id. */
  holds(name: string, id: string): boolean {
    const found = this.get(name);
    return found.nodes.some((n) => n.id === id) || found.msps.some((m) => m.id === id);
  }

  private get(name: string): MockConsole {
    const found = this.consoles.find((c) => c.summary.name === name);
    if (!found) throw error("console_unknown", `no console called ${name}`, { name });
    return found;
  }

  list(): ConsoleSummary[] {
    return this.consoles.map((c) => ({ ...c.summary }));
  }

  private check(input: ConsoleInput, editing?: string): ConsoleSummary {
    const name = input.name.trim();
    if (name === "" || name.length > 64) {
      throw error("InvalidInput", "name: 1 to 64 characters", { field: "name" });
    }
    if (this.consoles.some((c) => c.summary.name === name && c.summary.name !== editing)) {
      throw error("console_exists", `a console called ${name} already exists`, { name });
    }
    if (!/^https?:\/\/[^/\s]+\/?$/.test(input.url)) {
      throw error("InvalidInput", "url: expected https://host[:port]", { field: "url" });
    }
    const previous = editing ? this.get(editing).summary : undefined;
    if (!input.auth && !previous) {
      throw error("InvalidInput", "auth: credentials are required", { field: "auth" });
    }
    // The secret is dropped here, as the backend keeps it only in its encrypted store.
    const auth = input.auth ? mockAuth(input.auth) : undefined;
    return {
      name,
      region: input.region,
      url: input.url,
      encrypted: input.url.startsWith("https://"),
      auth: auth?.auth ?? previous?.auth ?? "apiKey",
      apiKey: auth?.apiKey ?? previous?.apiKey ?? "",
      iamTokenUrl: auth ? auth.iamTokenUrl : (previous?.iamTokenUrl ?? null),
      hasExtraCa: input.caCertPem !== null || (previous?.hasExtraCa ?? false),
      sandbox: previous?.sandbox ?? false,
      lastVerdict: previous?.lastVerdict ?? null,
      addedAt: previous?.addedAt ?? new Date().toISOString(),
    };
  }

  add(input: ConsoleInput): ConsoleSummary {
    const summary = this.check(input);
    const verdict = input.url.includes("unreachable")
      ? {
          code: "console_unreachable",
          ok: false,
          sentence: "The console could not be reached.",
          fix: "Check the console's URL and port, and that this computer can reach it.",
          version: null,
          importOnly: null,
          authScheme: null,
        }
      : READY;
    this.consoles.push({ summary, verdict, nodes: [], msps: [] });
    return { ...summary };
  }

  update(name: string, input: ConsoleInput): ConsoleSummary {
    const found = this.get(name);
    found.summary = this.check(input, name);
    return { ...found.summary };
  }

  remove(name: string): null {
    this.get(name);
    this.consoles = this.consoles.filter((c) => c.summary.name !== name);
    return null;
  }

  test(name: string): ConnectionVerdict {
    const found = this.get(name);
    const verdict = { ...found.verdict, testedAt: new Date().toISOString() };
    found.summary = { ...found.summary, lastVerdict: verdict };
    return verdict;
  }

  components(name: string): ConsoleComponents {
    const found = this.get(name);
    const strip = ({ rejectOnImport: _r, certs: _c, ...n }: MockNode): ConsoleNode => ({ ...n });
    const of = (kind: ConsoleNode["kind"]) => found.nodes.filter((n) => n.kind === kind).map(strip);
    return {
      console: name,
      fetchedAt: new Date().toISOString(),
      peers: of("peer"),
      cas: of("ca"),
      orderers: of("orderer"),
      msps: found.msps.map(({ certs: _c, ...m }) => ({ ...m })),
    };
  }

  private component(console: MockConsole, id: string): MockNode | MockMsp {
    const found = console.nodes.find((n) => n.id === id) ?? console.msps.find((m) => m.id === id);
    if (!found) {
      throw error("console_not_found", `no components by this id exist: ${id}`, { id });
    }
    return found;
  }

  /** Imports one component into `target`, never twice; a record with other certificates is
   * reported, or with `update` given the component's (not a CA's). */
  private importInto(
    target: MockConsole,
    item: MockNode | MockMsp,
    source: { artifactId: string | null; from?: string; sourceId?: string },
    update = false,
  ): ConsoleImportItem {
    const isMsp = !("kind" in item);
    const kind = isMsp ? "msp" : item.kind;
    const base = {
      artifactId: source.artifactId,
      sourceConsole: source.from ?? null,
      sourceId: source.sourceId ?? null,
      displayName: item.displayName,
      kind,
      differences: [] as string[],
      updatable: false,
    };
    const existing = isMsp
      ? target.msps.find((m) => m.mspId === item.mspId)
      : target.nodes.find((n) => n.kind === item.kind && n.apiUrl === item.apiUrl);
    if (existing && existing.certs !== item.certs) {
      const differences = differencesOf(kind);
      const fields = differences.map((d) => FIELD_TEXT[d] ?? d).join(", ");
      const word = isMsp ? "content" : "certificates";
      const found = `present as ${existing.id} with other ${word}: ${fields}`;
      const updatable = kind !== "ca";
      if (update && updatable) {
        if (item.certs === undefined) delete existing.certs;
        else existing.certs = item.certs;
        return {
          ...base,
          outcome: "updated",
          componentId: existing.id,
          differences,
          updatable,
          message: `updated ${existing.id}: ${fields}`,
        };
      }
      return {
        ...base,
        outcome: isMsp ? "presentWithOtherContent" : "presentWithOtherCertificates",
        componentId: existing.id,
        differences,
        updatable,
        message: updatable
          ? found
          : `${found}; ${update ? "not updated: " : ""}the console's edit route does not change a CA's certificates`,
      };
    }
    if (existing) {
      return {
        ...base,
        outcome: "alreadyPresent",
        componentId: existing.id,
        message: `already present as ${existing.id}`,
      };
    }
    if (!isMsp && item.rejectOnImport) {
      return { ...base, outcome: "rejected", componentId: null, message: REJECT_MESSAGE };
    }
    const taken = (id: string) =>
      target.nodes.some((n) => n.id === id) || target.msps.some((m) => m.id === id);
    const id = deriveId(item.displayName, taken);
    if (isMsp) target.msps.push({ ...item, id });
    else target.nodes.push({ ...item, id, imported: true, location: "-" });
    return { ...base, outcome: "imported", componentId: id, message: null };
  }

  copy(from: string, to: string, componentIds: string[], update = false): ConsoleImportReport {
    const source = this.get(from);
    const target = this.get(to);
    const items = componentIds.map((id) =>
      this.importInto(
        target,
        this.component(source, id),
        { artifactId: null, from, sourceId: id },
        update,
      ),
    );
    return { console: to, items };
  }

  /** `console_update_records`: the import or copy again, replacing differing certificates. */
  updateRecords(input: RecordUpdateInput): ConsoleImportReport {
    return input.source.kind === "console"
      ? this.copy(input.source.from, input.console, input.source.componentIds, true)
      : this.import(input.console, input.source.artifactIds, true);
  }

  import(name: string, artifactIds: string[], update = false): ConsoleImportReport {
    const target = this.get(name);
    const items = artifactIds.map((artifactId): ConsoleImportItem => {
      const item = this.library.items.find((i) => i.id === artifactId);
      if (!item) throw error("NotFound", `no library item ${artifactId}`, { what: artifactId });
      if (item.kind === "identity") {
        return {
          artifactId,
          sourceConsole: null,
          sourceId: null,
          differences: [],
          updatable: false,
          displayName: item.displayName,
          kind: "identity",
          outcome: "rejected",
          componentId: null,
          message: "identities are kept in a browser's wallet, not imported into a console",
        };
      }
      const component =
        item.kind === "msp"
          ? msp(artifactId, item.displayName, item.mspId ?? "")
          : node({
              id: artifactId,
              kind: item.kind,
              displayName: item.displayName,
              mspId: item.mspId,
              apiUrl: item.apiUrl,
              nodes: item.nodes,
              certExpiresAt: item.expiresAt,
            });
      return this.importInto(target, component, { artifactId }, update);
    });
    return { console: name, items };
  }

  /** Imports components read from a file (an offline bundle's console zip), never twice. */
  importComponents(
    name: string,
    components: readonly Pick<LibraryItem, "kind" | "displayName" | "mspId" | "apiUrl">[],
  ): ConsoleImportReport {
    const target = this.get(name);
    const items = components.map((c, i): ConsoleImportItem => {
      if (c.kind === "identity") {
        return {
          artifactId: null,
          sourceConsole: null,
          sourceId: null,
          differences: [],
          updatable: false,
          displayName: c.displayName,
          kind: "identity",
          outcome: "rejected",
          componentId: null,
          message: "identities are kept in a browser's wallet, not imported into a console",
        };
      }
      const id = `bundle-${i}`;
      const component =
        c.kind === "msp"
          ? msp(id, c.displayName, c.mspId ?? "")
          : node({
              id,
              kind: c.kind,
              displayName: c.displayName,
              mspId: c.mspId,
              apiUrl: c.apiUrl,
            });
      return this.importInto(target, component, { artifactId: null });
    });
    return { console: name, items };
  }

  exportToLibrary(name: string, componentIds: string[]): ImportReport {
    const found = this.get(name);
    return {
      files: componentIds.map((id) => {
        const item = this.component(found, id);
        const kind = "kind" in item ? item.kind : "msp";
        const file = `${item.displayName}_${kind}.json`;
        return {
          file: `${name}: ${file}`,
          status: "accepted" as const,
          findings: [],
          artifacts: [
            this.library.store(kind as ArtifactKind, item.displayName, `console ${name}`, {
              mspId: item.mspId,
              apiUrl: "apiUrl" in item ? item.apiUrl : null,
              nodeOuEnabled: item.nodeOuEnabled,
            }),
          ],
        };
      }),
    };
  }

  exportDialog(name: string, componentId: string): string {
    const item = this.component(this.get(name), componentId);
    const kind = "kind" in item ? item.kind : "msp";
    return `${MOCK_DOWNLOADS}/${item.displayName}_${kind}.json`;
  }
}
