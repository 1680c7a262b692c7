// The mock build's offline bundles: a small file system of bundles under ~/Downloads, and the
// bundle commands answering as the backend does (crates/core/src/bundles.rs).
//
// Seeded files: `Frankfurt.bundle` (passphrase MOCK_BUNDLE_PASSPHRASE, signed, for the Frankfurt
// console, part of plan "Org1 HA"), `Frankfurt-changed.bundle` (the same, with one import body
// changed after it was made), `Tokyo.bundle.zip` (unencrypted, unsigned) and `Sydney.bundle`
// (for the age recipient MOCK_RECIPIENT, opened with the identity file MOCK_IDENTITY_FILE; its
// signature does not hold). `bundle_create` validates like the backend and "saves" the bundle
// under ~/Downloads, where the open dialog finds it next (the last one written, else
// Frankfurt.bundle). Dropped paths are bundles when this file system holds them.
import type { ArtifactKind } from "../bindings/ArtifactKind";
import type { BundleApplyReport } from "../bindings/BundleApplyReport";
import type { BundleApplyTarget } from "../bindings/BundleApplyTarget";
import type { BundleBuildInput } from "../bindings/BundleBuildInput";
import type { BundleConsoleRef } from "../bindings/BundleConsoleRef";
import type { BundleFileEntry } from "../bindings/BundleFileEntry";
import type { BundleInspection } from "../bindings/BundleInspection";
import type { BundleKeyInput } from "../bindings/BundleKeyInput";
import type { BundleManifest } from "../bindings/BundleManifest";
import type { BundlePlanRef } from "../bindings/BundlePlanRef";
import type { BundleVerification } from "../bindings/BundleVerification";
import type { BundleWritten } from "../bindings/BundleWritten";
import type { IpcError } from "../bindings/IpcError";
import type { LibraryItem } from "../bindings/LibraryItem";
import type { MockConsoles } from "./consoles";
import { MOCK_DOWNLOADS, type MockLibrary } from "./library";
import type { MockPlans } from "./plans";

export const MOCK_BUNDLE_PASSPHRASE = "carried by hand";
export const MOCK_IDENTITY_FILE = "/home/operator/.config/age/keys.txt";
export const MOCK_RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
export const MOCK_SIGNING_KEY = "Vq3pD0mYj4bN6s1kTz8rXcW2eHfL9aGuI5oQ7yPwE0U=";
export const MOCK_BUNDLES = {
  frankfurt: `${MOCK_DOWNLOADS}/Frankfurt.bundle`,
  changed: `${MOCK_DOWNLOADS}/Frankfurt-changed.bundle`,
  tokyo: `${MOCK_DOWNLOADS}/Tokyo.bundle.zip`,
  sydney: `${MOCK_DOWNLOADS}/Sydney.bundle`,
};
/** The import body the changed Frankfurt bundle has altered. */
export const MOCK_CHANGED_ENTRY = "api/03-fabric-peer-Org1-Peer0.json";

type Component = Pick<LibraryItem, "kind" | "displayName" | "mspId" | "apiUrl">;

type Lock =
  | { kind: "none" }
  | { kind: "passphrase"; passphrase: string }
  | { kind: "recipients"; recipients: string[] };

interface MockBundleFile {
  manifest: BundleManifest;
  lock: Lock;
  components: Component[];
  signatureHolds: boolean;
  /** The entry changed after the bundle was made. */
  changed: string | null;
}

function error(code: IpcError["code"], message: string, details: IpcError["details"] = null) {
  return { code, message, details } satisfies IpcError;
}

const invalid = (field: string, reason: string) =>
  error("InvalidInput", `${field}: ${reason}`, { field, reason });

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** 64 hex digits derived from `text` (FNV-1a, eight salts): stable stand-ins for SHA-256. */
function fakeSha(text: string): string {
  let out = "";
  for (let salt = 0; salt < 8; salt++) {
    let h = 0x811c9dc5 ^ salt;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, "0");
  }
  return out;
}

const namePart = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "");

const TYPE: Record<Exclude<ArtifactKind, "identity">, string> = {
  ca: "fabric-ca",
  msp: "msp",
  peer: "fabric-peer",
  orderer: "fabric-orderer",
};

/** The manifest's files for these components, as `fabric-ha-bundle` lays them out. */
function files(components: Component[], seed: string): BundleFileEntry[] {
  const entry = (path: string, size: number, role: BundleFileEntry["role"]): BundleFileEntry => ({
    path,
    size,
    sha256: fakeSha(`${seed}:${path}`),
    role,
  });
  const list = [entry("console/bulk-import.zip", 1800 * components.length + 240, "console_zip")];
  const order: ArtifactKind[] = ["ca", "msp", "peer", "orderer"];
  let n = 0;
  for (const kind of order) {
    for (const c of components.filter((x) => x.kind === kind)) {
      n += 1;
      const type = TYPE[kind as Exclude<ArtifactKind, "identity">];
      const name = `api/${String(n).padStart(2, "0")}-${type}-${namePart(c.displayName)}.json`;
      list.push(entry(name, 1400 + 37 * c.displayName.length, "import_body"));
    }
  }
  list.push(entry("steps.md", 900 + 120 * components.length, "steps_markdown"));
  list.push(entry("steps.html", 1900 + 160 * components.length, "steps_html"));
  return list;
}

function manifest(fields: {
  target: BundleConsoleRef;
  source: BundleConsoleRef | null;
  plan: BundlePlanRef | null;
  components: Component[];
  identities: boolean;
  signed: boolean;
  createdAt: string;
}): BundleManifest {
  const order: ArtifactKind[] = ["ca", "msp", "identity", "peer", "orderer"];
  return {
    format: "fabric-ha-bundle",
    format_version: 1,
    created_at: fields.createdAt,
    app_version: "0.1.0-mock",
    source_console: fields.source,
    target_console: fields.target,
    plan: fields.plan,
    includes_identities: fields.identities,
    signer_public_key: fields.signed ? MOCK_SIGNING_KEY : null,
    components: order.flatMap((kind) =>
      fields.components
        .filter((c) => c.kind === kind)
        .map((c) => ({ kind: c.kind, display_name: c.displayName, msp_id: c.mspId })),
    ),
    files: files(fields.components, `${fields.target.name}:${fields.createdAt}`),
  };
}

const ORG1: Component[] = [
  { kind: "ca", displayName: "Org1 CA", mspId: null, apiUrl: "https://127.0.0.1:7054" },
  { kind: "msp", displayName: "Org1 MSP", mspId: "Org1MSP", apiUrl: null },
  { kind: "peer", displayName: "Org1 Peer0", mspId: "Org1MSP", apiUrl: "grpcs://127.0.0.1:7051" },
];

const ORG2: Component[] = [
  { kind: "ca", displayName: "Org2 CA", mspId: null, apiUrl: "https://127.0.0.1:9054" },
  { kind: "msp", displayName: "Org2 MSP", mspId: "Org2MSP", apiUrl: null },
];

function seed(): Map<string, MockBundleFile> {
  const dallas = { name: "Dallas", url: "https://127.0.0.1:3001" };
  const frankfurt: MockBundleFile = {
    manifest: manifest({
      target: { name: "Frankfurt", url: "https://127.0.0.1:3002" },
      source: dallas,
      plan: {
        id: "plan-1",
        name: "Org1 HA",
        steps: ["Frankfurt/import-ca", "Frankfurt/import-msp", "Frankfurt/import-peer/org1peer0"],
      },
      components: ORG1,
      identities: false,
      signed: true,
      createdAt: "2025-11-27T14:30:00Z",
    }),
    lock: { kind: "passphrase", passphrase: MOCK_BUNDLE_PASSPHRASE },
    components: ORG1,
    signatureHolds: true,
    changed: null,
  };
  return new Map([
    [MOCK_BUNDLES.frankfurt, frankfurt],
    [MOCK_BUNDLES.changed, { ...frankfurt, changed: MOCK_CHANGED_ENTRY }],
    [
      MOCK_BUNDLES.tokyo,
      {
        manifest: manifest({
          target: { name: "Tokyo", url: "https://127.0.0.1:3003" },
          source: null,
          plan: null,
          components: ORG2,
          identities: false,
          signed: false,
          createdAt: "2025-11-26T09:00:00Z",
        }),
        lock: { kind: "none" },
        components: ORG2,
        signatureHolds: true,
        changed: null,
      },
    ],
    [
      MOCK_BUNDLES.sydney,
      {
        manifest: manifest({
          target: { name: "Sydney" },
          source: dallas,
          plan: null,
          components: ORG1,
          identities: false,
          signed: true,
          createdAt: "2025-11-25T17:45:00Z",
        }),
        lock: { kind: "recipients", recipients: [MOCK_RECIPIENT] },
        components: ORG1,
        signatureHolds: false,
        changed: null,
      },
    ],
  ]);
}

const AGE_RECIPIENT = /^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$/;

export class MockBundles {
  private files = seed();
  private lastWritten: string | null = null;

  constructor(
    private library: MockLibrary,
    private consoles: MockConsoles,
    private plans: MockPlans,
  ) {}

  signingKey(): string {
    return MOCK_SIGNING_KEY;
  }

  openDialog(): string {
    return this.lastWritten ?? MOCK_BUNDLES.frankfurt;
  }

  identityDialog(): string {
    return MOCK_IDENTITY_FILE;
  }

  detect(paths: string[]): string[] {
    return paths.filter((p) => this.files.has(p));
  }

  /** The console as a bundle names it: its URL when it is registered here. */
  private consoleRef(name: string): BundleConsoleRef {
    const found = this.consoles.list().find((c) => c.name === name);
    return found ? { name, url: found.url } : { name };
  }

  /** What goes in, checked as the backend does before anything is encrypted. */
  private contents(input: BundleBuildInput): {
    components: Component[];
    source: BundleConsoleRef | null;
    plan: BundlePlanRef | null;
  } {
    if ("plan" in input.contents) {
      const record = this.plans.get(input.contents.plan);
      const spec = record.plan;
      if (!spec.targets.some((t) => t.console === input.target)) {
        throw invalid(
          "for",
          `plan "${input.contents.plan}" has no target console "${input.target}"`,
        );
      }
      const parts = this.consoles.components(spec.source.console);
      const nodes = [...parts.cas, ...parts.peers];
      const pick = (id: string | null | undefined): Component[] => {
        const node = nodes.find((n) => n.id === id);
        if (node) {
          return [
            {
              kind: parts.cas.includes(node) ? "ca" : "peer",
              displayName: node.displayName,
              mspId: node.mspId,
              apiUrl: node.apiUrl,
            },
          ];
        }
        const msp = parts.msps.find((m) => m.id === id);
        return msp
          ? [{ kind: "msp", displayName: msp.displayName, mspId: msp.mspId, apiUrl: null }]
          : [];
      };
      const components = [spec.source.ca, spec.source.msp, ...spec.source.peers].flatMap(pick);
      const steps = [
        `${input.target}/import-ca`,
        `${input.target}/import-msp`,
        ...spec.source.peers.map((p) => `${input.target}/import-peer/${p}`),
      ];
      return {
        components,
        source: this.consoleRef(spec.source.console),
        plan: { id: record.id, name: spec.name, steps },
      };
    }
    const ids = input.contents.artifacts;
    if (ids.length === 0) throw invalid("artifacts", "choose the artifacts (or a plan) to bundle");
    const components = ids.map((id): Component => {
      const item = this.library.items.find((i) => i.id === id);
      if (!item)
        throw error("NotFound", `artifact ${id} was not found`, { what: `artifact ${id}` });
      if (item.kind === "identity" && !input.includeIdentities) {
        throw invalid(
          "includeIdentities",
          `"${item.displayName}" is an identity: bundling it carries its private key; opt in explicitly`,
        );
      }
      return {
        kind: item.kind,
        displayName: item.displayName,
        mspId: item.mspId,
        apiUrl: item.apiUrl,
      };
    });
    return { components, source: null, plan: null };
  }

  private lock(input: BundleBuildInput): Lock {
    const p = input.protection;
    switch (p.kind) {
      case "passphrase":
        if (p.passphrase === "") throw invalid("passphrase", "the passphrase is empty");
        return { kind: "passphrase", passphrase: p.passphrase };
      case "recipients": {
        if (p.recipients.length === 0) throw invalid("recipients", "give at least one recipient");
        const bad = p.recipients.find((r) => !AGE_RECIPIENT.test(r.trim()));
        if (bad !== undefined) {
          throw invalid(
            "recipient",
            `"${bad.trim()}" is not an age X25519 public key (age1…): invalid Bech32 encoding`,
          );
        }
        return { kind: "recipients", recipients: p.recipients.map((r) => r.trim()) };
      }
      case "unencrypted":
        if (!p.confirmed) {
          throw invalid(
            "unencrypted",
            "an unencrypted bundle shows every component to whoever holds the file; confirm it explicitly",
          );
        }
        return { kind: "none" };
    }
  }

  /** Builds, then "saves" under ~/Downloads (the mock's save dialog always answers). */
  create(input: BundleBuildInput): BundleWritten {
    const { components, source, plan } = this.contents(input);
    const lock = this.lock(input);
    if (input.target.trim() === "") throw invalid("target", "the target console has no name");
    const kept = components.filter((c) => input.includeIdentities || c.kind !== "identity");
    const built: MockBundleFile = {
      manifest: manifest({
        target: this.consoleRef(input.target),
        source,
        plan,
        components: kept,
        identities: input.includeIdentities,
        signed: input.sign,
        createdAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      }),
      lock,
      components: kept,
      signatureHolds: true,
      changed: null,
    };
    const encrypted = lock.kind !== "none";
    const stem = namePart(input.target) || "console";
    const path = `${MOCK_DOWNLOADS}/${stem}.bundle${encrypted ? "" : ".zip"}`;
    this.files.set(path, built);
    this.lastWritten = path;
    return { path, encrypted, manifest: built.manifest, warnings: [] };
  }

  /** Reads and decrypts a bundle as `bundle::open` does. */
  private open(path: string, key: BundleKeyInput): MockBundleFile {
    const found = this.files.get(path);
    if (!found) {
      throw error("Storage", `${path}: No such file or directory (os error 2)`);
    }
    const file = baseName(path);
    const details = { file };
    const lock = found.lock;
    if (lock.kind === "none") return found;
    if (key.kind === "none") {
      throw error(
        "bundle_key_needed",
        `${file}: the bundle is encrypted; give its passphrase or an identity file`,
        details,
      );
    }
    if (key.kind === "identityFile" && key.path !== MOCK_IDENTITY_FILE) {
      throw invalid("identity", `cannot read ${key.path}: No such file or directory (os error 2)`);
    }
    const opens =
      lock.kind === "passphrase"
        ? key.kind === "passphrase" && key.passphrase === lock.passphrase
        : key.kind === "identityFile" && lock.recipients.includes(MOCK_RECIPIENT);
    if (!opens) {
      throw error(
        "bundle_wrong_key",
        `${file}: the passphrase or key does not open this bundle`,
        details,
      );
    }
    return found;
  }

  inspect(path: string, key: BundleKeyInput): BundleInspection {
    const found = this.open(path, key);
    const m = found.manifest;
    const entries: [string, number][] = [["manifest.json", 1200 + 180 * m.files.length]];
    if (m.signer_public_key) entries.push(["manifest.sig", 190]);
    for (const f of m.files) {
      entries.push([f.path, f.path === found.changed ? f.size + 21 : f.size]);
    }
    return {
      file: baseName(path),
      encrypted: found.lock.kind !== "none",
      manifest: m,
      entries,
      signer: m.signer_public_key
        ? { publicKey: m.signer_public_key, valid: found.signatureHolds }
        : null,
    };
  }

  verify(path: string, key: BundleKeyInput): BundleVerification {
    const found = this.open(path, key);
    const file = baseName(path);
    const m = found.manifest;
    if (found.changed) {
      const listed = m.files.find((f) => f.path === found.changed);
      throw error(
        "bundle_tampered",
        `${file}: entry "${found.changed}" has ${(listed?.size ?? 0) + 21} bytes, the manifest says ${listed?.size ?? 0}`,
        { file, entry: found.changed },
      );
    }
    if (!found.signatureHolds) {
      throw error(
        "bundle_signature_invalid",
        `${file}: manifest.sig: does not match the manifest (the manifest was changed, or the signature is forged)`,
        { file },
      );
    }
    return { file, filesChecked: m.files.length, signer: m.signer_public_key ?? null };
  }

  apply(path: string, key: BundleKeyInput, target: BundleApplyTarget): BundleApplyReport {
    const verification = this.verify(path, key);
    const found = this.open(path, key);
    const m = found.manifest;
    const report: BundleApplyReport = {
      verification,
      library: null,
      console: null,
      planStepsRecorded: [],
    };
    let ok: boolean;
    if (target === "library") {
      const zip = "console/bulk-import.zip";
      report.library = {
        files: [
          {
            file: zip,
            status: "accepted",
            findings: [],
            artifacts: found.components.map((c) =>
              this.library.store(c.kind, c.displayName, zip, { mspId: c.mspId, apiUrl: c.apiUrl }),
            ),
          },
        ],
      };
      ok = true;
    } else {
      const name = target.console;
      const registered = this.consoles.list().find((c) => c.name === name);
      if (!registered) {
        throw error("console_unknown", `no console named "${name}" is registered`, { name });
      }
      const wanted = m.target_console;
      const sameUrl =
        wanted.url !== undefined &&
        wanted.url !== null &&
        wanted.url.replace(/\/+$/, "") === registered.url.replace(/\/+$/, "");
      if (wanted.name !== name && !sameUrl) {
        throw error(
          "bundle_wrong_console",
          `${baseName(path)}: this bundle is for console "${wanted.name}", not for "${name}"`,
          { file: baseName(path), bundleFor: wanted.name, target: name },
        );
      }
      report.console = this.consoles.importComponents(name, found.components);
      ok = report.console.items.every((i) => i.outcome !== "rejected");
    }
    const plan = m.plan;
    if (ok && plan && this.plans.list().some((p) => p.id === plan.id)) {
      report.planStepsRecorded = [...plan.steps];
    }
    return report;
  }
}
