// The mock's certificate report and reenroll. The report lists, per console, each node's
// earliest record certificate (as an enrollment or TLS certificate) and, for Dallas's
// Org1 Peer1, the TLS certificate its handshake serves: 12 days left, a certificate no record
// shows (so only the report marks that tile). `?certs=none` answers an empty report.
// Reenroll gives the wallet identity a new id and a year of validity; `ca_reenroll` in
// `?fail=` leaves it as it was.
import type { CaReenrolled } from "../bindings/CaReenrolled";
import type { CertEntry } from "../bindings/CertEntry";
import type { CertsReport } from "../bindings/CertsReport";
import type { IpcError } from "../bindings/IpcError";
import type { MockConsoles } from "./consoles";
import type { MockLibrary } from "./library";

const DAY_MS = 24 * 3600 * 1000;

function entry(
  fields: Pick<CertEntry, "kind" | "owner" | "expiresAt" | "seenIn"> & Partial<CertEntry>,
): CertEntry {
  // Rounded: the mock data says "in 10 days" and is read a moment later.
  const days = Math.round((Date.parse(fields.expiresAt) - Date.now()) / DAY_MS);
  return {
    subject: `CN=${fields.owner}`,
    issuer: "CN=org1ca",
    daysLeft: days,
    expiring: days < 30,
    fingerprint: `${fields.kind}-${fields.owner}`,
    note: null,
    action: "Renew it (mock).",
    ...fields,
  };
}

export function mockCertsReport(
  consoles: MockConsoles,
  library: MockLibrary,
  empty: boolean,
): CertsReport {
  const certs: CertEntry[] = [];
  if (!empty) {
    for (const c of consoles.list()) {
      const components = consoles.components(c.name);
      for (const n of [...components.peers, ...components.orderers]) {
        if (!n.certExpiresAt) continue;
        certs.push(
          entry({
            kind: n.kind === "peer" ? "peerEnrollment" : "ordererTls",
            owner: n.displayName,
            expiresAt: n.certExpiresAt,
            seenIn: [{ source: "console", console: c.name, id: n.id }],
          }),
        );
      }
      const served = components.peers.find((p) => p.id === "org1peer1");
      if (served) {
        certs.push(
          entry({
            kind: "peerServedTls",
            owner: served.displayName,
            expiresAt: new Date(Date.now() + 12 * DAY_MS + 3600_000).toISOString(),
            seenIn: [{ source: "peer", console: c.name, id: served.id }],
            note: "the records hold another TLS certificate for this peer",
          }),
        );
      }
    }
    for (const item of library.list().filter((i) => i.kind === "identity")) {
      if (!item.expiresAt) continue;
      certs.push(
        entry({
          kind: "walletIdentity",
          owner: item.displayName,
          expiresAt: item.expiresAt,
          seenIn: [{ source: "wallet", console: null, id: item.id }],
        }),
      );
    }
  }
  certs.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  return { checkedAt: new Date().toISOString(), certs, problems: [] };
}

/** Replaces the wallet identity `id` by a reenrolled one (same name, new id, a year left). */
export function mockReenroll(library: MockLibrary, id: string): CaReenrolled {
  const at = library.items.findIndex((i) => i.id === id || i.displayName === id);
  const old = library.items[at];
  if (old?.kind !== "identity") {
    throw {
      code: "NotFound",
      message: `wallet identity "${id}" not found`,
      details: null,
    } satisfies IpcError;
  }
  const renewed = {
    ...old,
    id: `${old.id}-r${Date.now().toString(36)}`,
    expiresAt: new Date(Date.now() + 365 * DAY_MS).toISOString(),
    importedAt: new Date().toISOString(),
  };
  library.items.splice(at, 1, renewed);
  return {
    identity: { ...renewed },
    replaced: old.id,
    previousExpiresAt: old.expiresAt ?? new Date().toISOString(),
    caName: "ca",
  };
}
