// The mock build's in-memory library: what `library_*` commands answer in the browser tests.
// `library_import_dialog` returns a canned report (one file accepted, one accepted with
// warnings, one rejected); `library_import_paths` reads the console's file names
// (`<name>_<kind>.json`); exports answer a path under ~/Downloads.
import type { ArtifactKind } from "../bindings/ArtifactKind";
import type { ImportedFile } from "../bindings/ImportedFile";
import type { ImportReport } from "../bindings/ImportReport";
import type { IpcError } from "../bindings/IpcError";
import type { LibraryItem } from "../bindings/LibraryItem";

const DAY_MS = 24 * 3600 * 1000;

/** Why the core refuses a certificate pasted as PEM text (the reason a finding names). */
const RAW_PEM = "is raw PEM text; the console expects the PEM text base64 encoded (b64pem)";
export const MOCK_DOWNLOADS = "/home/operator/Downloads";

const KINDS: readonly ArtifactKind[] = ["ca", "msp", "identity", "peer", "orderer"];

function error(code: IpcError["code"], message: string, details: IpcError["details"] = null) {
  return { code, message, details } satisfies IpcError;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

export class MockLibrary {
  items: LibraryItem[];

  constructor(seed: LibraryItem[]) {
    this.items = [...seed];
  }

  list(): LibraryItem[] {
    return this.items.map((i) => ({ ...i }));
  }

  /** Adds (or finds) an item; answers the report's component line. */
  store(kind: ArtifactKind, displayName: string, source: string, extra: Partial<LibraryItem>) {
    const id = `lib-${kind}-${slug(displayName)}`;
    const existing = this.items.find((i) => i.id === id);
    if (!existing) {
      const now = Date.now();
      this.items.push({
        id,
        kind,
        displayName,
        mspId: null,
        apiUrl: null,
        nodes: 1,
        location: "-",
        expiresAt: new Date(now + 365 * DAY_MS).toISOString(),
        nodeOuEnabled: false,
        issuingCas: [],
        administers: [],
        source,
        importedAt: new Date(now).toISOString(),
        fileName: `${displayName}_${kind}.json`,
        ...extra,
      });
    }
    return { id, kind, displayName, new: !existing };
  }

  /** The canned answer of the native open dialog: three files, one of each status. */
  importDialog(): ImportReport {
    const peerFile = "Org2 Peer0_peer.json";
    const caFile = "Org2 CA_ca.json";
    const mspFile = "Org2 MSP_msp.json";
    const soon = new Date(Date.now() + 12 * DAY_MS).toISOString();
    return {
      files: [
        {
          file: peerFile,
          status: "accepted",
          findings: [],
          artifacts: [
            this.store("peer", "Org2 Peer0", peerFile, {
              mspId: "Org2MSP",
              apiUrl: "grpcs://127.0.0.1:9051",
              nodeOuEnabled: true,
            }),
          ],
        },
        {
          file: caFile,
          status: "acceptedWithWarnings",
          findings: [
            {
              severity: "warning",
              file: caFile,
              path: "$.msp.component.tls_cert",
              code: "certExpiresSoon",
              params: { days: "12", date: soon, subject: "CN=org2ca", issuer: "CN=org2ca" },
              message: `certificate expires in 12 days, on ${soon} (subject 'CN=org2ca', issuer 'CN=org2ca')`,
            },
            {
              severity: "warning",
              file: caFile,
              path: "$.name",
              code: "legacyNameDiffers",
              params: { name: "org2ca", displayName: "Org2 CA" },
              message:
                "legacy field 'name' (\"org2ca\") differs from 'display_name' (\"Org2 CA\"); the display name is used",
            },
          ],
          artifacts: [
            this.store("ca", "Org2 CA", caFile, {
              apiUrl: "https://127.0.0.1:8054",
              expiresAt: soon,
            }),
          ],
        },
        {
          file: mspFile,
          status: "rejected",
          findings: [
            {
              severity: "error",
              file: mspFile,
              path: "$.root_certs[0]",
              code: "notB64Pem",
              params: { field: "root_certs[0]", reason: RAW_PEM, reasonCode: "rawPem" },
              message: `Expected parameter 'root_certs[0]' to be a Base64 encoded PEM-string: the value ${RAW_PEM}.`,
            },
            {
              severity: "error",
              file: mspFile,
              path: "$.admins",
              code: "adminsEmpty",
              params: {},
              message:
                "Expected parameter 'admins' to have at least one certificate: the list may be empty only when Node OUs are enabled (fabric_node_ous.enable), as the console's import requires.",
            },
          ],
          artifacts: [],
        },
      ],
    };
  }

  /** Dropped files: `<name>_<kind>.json` is accepted as that kind, a zip as a bulk export of
   * one peer and one MSP, anything else is rejected. */
  importPaths(paths: string[]): ImportReport {
    return { files: paths.map((path) => this.importPath(path)) };
  }

  private importPath(path: string): ImportedFile {
    const file = path.split(/[\\/]/).pop() ?? path;
    const json = /^(.+)_([a-z]+)\.json$/i.exec(file);
    const kind = json?.[2]?.toLowerCase() as ArtifactKind | undefined;
    if (json?.[1] && kind && KINDS.includes(kind)) {
      const extra: Partial<LibraryItem> =
        kind === "msp" || kind === "peer" || kind === "orderer"
          ? { mspId: `${json[1].split(" ")[0]}MSP`, nodeOuEnabled: true }
          : {};
      return {
        file,
        status: "accepted",
        findings: [],
        artifacts: [this.store(kind, json[1], file, extra)],
      };
    }
    if (file.toLowerCase().endsWith(".zip")) {
      return {
        file,
        status: "acceptedWithWarnings",
        findings: [
          {
            severity: "warning",
            file: `${file}!/README.txt`,
            path: "",
            code: "entryIgnored",
            params: {},
            message: "ignored: not a console .json file",
          },
        ],
        artifacts: [
          this.store("peer", "Org3 Peer0", `${file}!/Peers/org3peer0_peer.json`, {
            mspId: "Org3MSP",
          }),
          this.store("msp", "Org3 MSP", `${file}!/Organizations/org3msp_msp.json`, {
            mspId: "Org3MSP",
            nodeOuEnabled: true,
          }),
        ],
      };
    }
    return {
      file,
      status: "rejected",
      findings: [
        {
          severity: "error",
          file,
          path: "$",
          code: "jsonSyntax",
          params: { line: "1", column: "1", reason: "expected value" },
          message: "invalid JSON at line 1, column 1: expected value",
        },
      ],
      artifacts: [],
    };
  }

  exportDialog(ids: string[], includePrivateKeys: boolean): string {
    const chosen = ids.map((id) => {
      const item = this.items.find((i) => i.id === id);
      if (!item) throw error("NotFound", `no library item ${id}`, { what: id });
      return item;
    });
    if (!includePrivateKeys && chosen.some((i) => i.kind === "identity")) {
      throw error(
        "InvalidInput",
        "includePrivateKeys: identities are exported only with their private keys",
        { field: "includePrivateKeys" },
      );
    }
    // As the backend: one component (not an identity) → its JSON file; otherwise a bulk zip.
    const [only] = chosen;
    if (chosen.length === 1 && only && only.kind !== "identity") {
      return `${MOCK_DOWNLOADS}/${only.fileName}`;
    }
    return `${MOCK_DOWNLOADS}/FOC.11_27_2025-14_30.zip`;
  }

  remove(ids: string[]): number {
    const before = this.items.length;
    this.items = this.items.filter((i) => !ids.includes(i.id));
    return before - this.items.length;
  }
}
