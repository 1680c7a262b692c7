// The mock build's Fabric CAs: every library CA is a CA server with two CAs, `ca` and `tlsca`,
// each with its bootstrap admin (`admin` / `adminpw`). Register keeps the secret (given or
// generated) for a later enroll, refuses an id twice ("already registered", code 74), and
// checks the registrar was enrolled at that CA, as a Fabric CA does (code 20 otherwise).
// Enroll adds the identity to the mock library, so the Wallet page shows it.
import type { CaAssociationInput } from "../bindings/CaAssociationInput";
import type { CaEnrollInput } from "../bindings/CaEnrollInput";
import type { CaInfoView } from "../bindings/CaInfoView";
import type { CaRegistered } from "../bindings/CaRegistered";
import type { CaRegisterInput } from "../bindings/CaRegisterInput";
import type { CaTarget } from "../bindings/CaTarget";
import type { CaUser } from "../bindings/CaUser";
import type { IpcError } from "../bindings/IpcError";
import type { LibraryItem } from "../bindings/LibraryItem";
import type { MockLibrary } from "./library";

export const MOCK_CA_ADMIN = { id: "admin", secret: "adminpw" };

const DAY_MS = 24 * 3600 * 1000;

function error(code: IpcError["code"], message: string, details: IpcError["details"] = null) {
  return { code, message, details } satisfies IpcError;
}

function caError(code: IpcError["code"], status: number, caCode: number, message: string) {
  return error(code, message, { status, caCode, caMessage: message });
}

interface MockCaServer {
  users: CaUser[];
  /** Secrets by enroll id (the mock CA's database). */
  secrets: Map<string, string>;
}

function bootstrapAdmin(): CaUser {
  return {
    id: MOCK_CA_ADMIN.id,
    type: "client",
    affiliation: "",
    maxEnrollments: -1,
    attributes: [
      { name: "hf.Registrar.Roles", value: "*", ecert: false },
      { name: "hf.Registrar.Attributes", value: "*", ecert: false },
      { name: "hf.Revoker", value: "true", ecert: false },
      { name: "hf.IntermediateCA", value: "true", ecert: false },
    ],
  };
}

export class MockCas {
  private servers = new Map<string, MockCaServer>();
  /** Library CA id → associated wallet identity id. */
  private associations = new Map<string, string>();
  /** Wallet identity id → the `<ca id>|<ca name>` it was enrolled at here. */
  private enrolledAt = new Map<string, string>();

  constructor(private library: MockLibrary) {}

  private libraryCa(wanted: string): LibraryItem {
    const ca = this.library.items.find(
      (i) => i.kind === "ca" && (i.id === wanted || i.displayName === wanted),
    );
    if (!ca) {
      const cas = this.library.items.filter((i) => i.kind === "ca");
      const reason = cas.length
        ? `no library CA has the id or name "${wanted}"; the library's CAs: ${cas
            .map((i) => `${i.id} ("${i.displayName}")`)
            .join(", ")}; or give the CA's https URL`
        : `no library CA has the id or name "${wanted}": the library holds no CA; import the CA's console file first (\`artifact import\`), or give the CA's https URL`;
      throw error("InvalidInput", `ca: ${reason}`, { field: "ca" });
    }
    return ca;
  }

  private resolve(target: CaTarget): { ca: LibraryItem; caName: string; server: MockCaServer } {
    const ca = this.libraryCa(target.ca.trim());
    const caName = target.caName?.trim() || "ca";
    if (caName !== "ca" && caName !== "tlsca") {
      throw caError("ca_not_found", 404, 19, `CA '${caName}' does not exist`);
    }
    const key = `${ca.id}|${caName}`;
    let server = this.servers.get(key);
    if (!server) {
      server = {
        users: [bootstrapAdmin()],
        secrets: new Map([[MOCK_CA_ADMIN.id, MOCK_CA_ADMIN.secret]]),
      };
      this.servers.set(key, server);
    }
    return { ca, caName, server };
  }

  /** Whether a wallet identity may sign requests to this CA. */
  private signsFor(identity: LibraryItem, ca: LibraryItem, caName: string): boolean {
    const enrolled = this.enrolledAt.get(identity.id);
    if (enrolled) return enrolled === `${ca.id}|${caName}`;
    const issuer = caName === "tlsca" ? `${ca.displayName} (TLS CA)` : ca.displayName;
    return identity.issuingCas.includes(issuer);
  }

  private registrar(named: string | null, ca: LibraryItem, caName: string): LibraryItem {
    const wanted = named?.trim() || this.associations.get(ca.id);
    if (!wanted) {
      throw error(
        "InvalidInput",
        "registrar: name the registrar (a wallet identity enrolled at this CA), or associate an identity with the CA first",
        { field: "registrar" },
      );
    }
    const identity = this.library.items.find(
      (i) => i.kind === "identity" && (i.id === wanted || i.displayName === wanted),
    );
    if (!identity) {
      throw error("NotFound", `wallet identity "${wanted}" was not found`, { what: wanted });
    }
    if (!this.signsFor(identity, ca, caName)) {
      throw caError("ca_authentication_failure", 401, 20, "Authentication failure");
    }
    return identity;
  }

  info(target: CaTarget): CaInfoView {
    const { ca, caName } = this.resolve(target);
    const expiresAt = new Date(Date.now() + 730 * DAY_MS).toISOString();
    const subject = `CN=${caName === "tlsca" ? "tlsca" : "ca"},OU=Fabric,O=${ca.displayName}`;
    return {
      url: ca.apiUrl ?? "",
      caName,
      version: "1.5.15",
      caChainPem: "-----BEGIN CERTIFICATE-----\nMIIBmock\n-----END CERTIFICATE-----\n",
      chain: [{ subject, issuer: subject, expiresAt }],
      libraryCa: ca.id,
    };
  }

  register(input: CaRegisterInput): CaRegistered {
    const { ca, caName, server } = this.resolve(input.target);
    const id = input.enrollId.trim();
    if (id === "")
      throw error("InvalidInput", "enrollId: must not be empty", { field: "enrollId" });
    this.registrar(input.registrar, ca, caName);
    if (server.users.some((u) => u.id === id)) {
      throw caError(
        "ca_already_registered",
        500,
        74,
        `Registration of '${id}' failed: Identity '${id}' is already registered`,
      );
    }
    const generated = !input.enrollSecret;
    const secret = input.enrollSecret || `generated-${id}-${server.users.length}`;
    server.secrets.set(id, secret);
    server.users.push({
      id,
      type: input.identityType,
      affiliation: input.affiliation ?? "",
      maxEnrollments: input.maxEnrollments ?? -1,
      attributes: input.attributes,
    });
    return { enrollId: id, identityType: input.identityType, secretGenerated: generated };
  }

  identities(target: CaTarget, registrar: string | null): CaUser[] {
    const { ca, caName, server } = this.resolve(target);
    this.registrar(registrar, ca, caName);
    return server.users.map((u) => ({ ...u, attributes: [...u.attributes] }));
  }

  enroll(input: CaEnrollInput): LibraryItem {
    const walletName = input.walletName.trim();
    if (walletName === "") {
      throw error("InvalidInput", "walletName: must not be empty", { field: "walletName" });
    }
    const taken = this.library.items.find(
      (i) => i.kind === "identity" && i.displayName === walletName,
    );
    if (taken) {
      throw error(
        "InvalidInput",
        `walletName: an identity named "${walletName}" is already in the wallet (${taken.id}); wallet names are unique`,
        { field: "walletName" },
      );
    }
    const { ca, caName, server } = this.resolve(input.target);
    const id = input.enrollId.trim();
    const stored = server.secrets.get(id);
    if (input.enrollSecret === null && stored === undefined) {
      throw error(
        "InvalidInput",
        `enrollSecret: give the enroll secret of "${id}" (this workspace did not register it)`,
        { field: "enrollSecret" },
      );
    }
    const secret = input.enrollSecret ?? stored;
    if (stored === undefined || secret !== stored) {
      throw caError("ca_authentication_failure", 401, 20, "Authentication failure");
    }
    const line = this.library.store("identity", walletName, `Enrolled at ${ca.displayName}`, {
      issuingCas: [caName === "tlsca" ? `${ca.displayName} (TLS CA)` : ca.displayName],
      expiresAt: new Date(Date.now() + 365 * DAY_MS).toISOString(),
      fileName: `${walletName}_identity.json`,
    });
    this.enrolledAt.set(line.id, `${ca.id}|${caName}`);
    const item = this.library.items.find((i) => i.id === line.id);
    if (!item) throw error("Internal", "the enrolled identity was not stored");
    return { ...item };
  }

  associate(caWanted: string, how: CaAssociationInput): LibraryItem {
    const ca = this.libraryCa(caWanted.trim());
    let identity: LibraryItem;
    if (how.kind === "enroll") {
      identity = this.enroll({
        target: { ca: ca.id, caName: null, tlsCert: null },
        enrollId: how.enrollId,
        enrollSecret: how.enrollSecret,
        walletName: how.walletName,
        hosts: [],
      });
    } else {
      const found = this.library.items.find(
        (i) => i.kind === "identity" && (i.id === how.identity || i.displayName === how.identity),
      );
      if (!found) {
        throw error("NotFound", `wallet identity "${how.identity}" was not found`, {
          what: how.identity,
        });
      }
      if (!this.signsFor(found, ca, "ca")) {
        throw error(
          "InvalidInput",
          `identity: "${found.displayName}" was not issued by "${ca.displayName}": pick an identity enrolled at this CA`,
          { field: "identity" },
        );
      }
      identity = { ...found };
    }
    this.associations.set(ca.id, identity.id);
    return identity;
  }

  association(caWanted: string): LibraryItem | null {
    const ca = this.libraryCa(caWanted.trim());
    const id = this.associations.get(ca.id);
    const item = id ? this.library.items.find((i) => i.id === id) : undefined;
    return item ? { ...item } : null;
  }
}
