import { describe, expect, it } from "vitest";
import { libraryItem } from "../test/ipc";
import {
  EXPORT_KINDS,
  expiresSoon,
  idsOfKinds,
  libraryToWorkspace,
  mergeWorkspace,
} from "./library";
import { EMPTY_WORKSPACE } from "./model";
import { CA_COLUMNS, identityTile, mspTile, NO_STATUS, nodeTile, PEER_COLUMNS } from "./tiles";

const NOW = new Date("2025-11-27T12:00:00Z");
const inDays = (days: number) => new Date(NOW.getTime() + days * 24 * 3600 * 1000).toISOString();

const ITEMS = [
  libraryItem({
    id: "p1",
    kind: "peer",
    displayName: "Org1 Peer0",
    mspId: "Org1MSP",
    apiUrl: "grpcs://127.0.0.1:7051",
    location: "-",
    expiresAt: inDays(10),
  }),
  libraryItem({
    id: "ca1",
    kind: "ca",
    displayName: "Org1 CA",
    mspId: "Org1MSP",
    apiUrl: "https://127.0.0.1:7054",
    expiresAt: inDays(300),
  }),
  libraryItem({
    id: "os1",
    kind: "orderer",
    displayName: "Ordering Service",
    mspId: "OrdererMSP",
    nodes: 3,
    location: "ibm_saas",
  }),
  libraryItem({ id: "os2", kind: "orderer", displayName: "Solo", nodes: 1, location: "ibmcloud" }),
  libraryItem({
    id: "m1",
    kind: "msp",
    displayName: "Org1 MSP",
    mspId: "Org1MSP",
    nodeOuEnabled: true,
    expiresAt: inDays(29),
  }),
  libraryItem({ id: "m2", kind: "msp", displayName: "Org2 MSP", mspId: "Org2MSP" }),
  libraryItem({
    id: "i1",
    kind: "identity",
    displayName: "org1admin",
    issuingCas: ["Org1 CA", "Org1 CA (TLS CA)"],
    expiresAt: inDays(365),
  }),
  libraryItem({
    id: "i2",
    kind: "identity",
    displayName: "Admin",
    issuingCas: [],
    expiresAt: inDays(5),
  }),
];

const labels = (tile: { labels: { text: string }[] }) => tile.labels.map((l) => l.text);

describe("library tiles", () => {
  const ws = libraryToWorkspace(ITEMS, NOW);

  it("sorts items into the sections by kind and name", () => {
    expect(ws.peers.map((p) => p.displayName)).toEqual(["Org1 Peer0"]);
    expect(ws.cas.map((p) => p.displayName)).toEqual(["Org1 CA"]);
    expect(ws.orderers.map((p) => p.displayName)).toEqual(["Ordering Service", "Solo"]);
    expect(ws.msps.map((m) => m.displayName)).toEqual(["Org1 MSP", "Org2 MSP"]);
    expect(ws.identities.map((i) => i.name)).toEqual(["Admin", "org1admin"]);
  });

  it("peer: MSP ID, Imported, location, Certificate Expiration within 30 days, no status", () => {
    const tile = nodeTile(ws.peers[0] as NonNullable<(typeof ws.peers)[0]>);
    expect(tile.subtitle).toBe("Org1MSP");
    expect(tile.status).toBeUndefined();
    expect(labels(tile)).toEqual(["Certificate Expiration", "Imported", "-"]);
    expect(tile.labels.map((l) => l.kind)).toEqual(["certExpiration", "imported", "location"]);
  });

  it("CA: no subtitle, Imported with '-' for an absent location, no warning a year out", () => {
    const tile = nodeTile(ws.cas[0] as NonNullable<(typeof ws.cas)[0]>);
    expect(tile.subtitle).toBeUndefined();
    expect(labels(tile)).toEqual(["Imported", "-"]);
  });

  it("orderer: node count when more than one; ibm_saas is not 'Imported'", () => {
    const [cluster, solo] = ws.orderers.map(nodeTile);
    expect(cluster?.subtitle).toBe("OrdererMSP");
    expect(labels(cluster as NonNullable<typeof cluster>)).toEqual([
      "3 ordering nodes",
      "ibm_saas",
    ]);
    expect(labels(solo as NonNullable<typeof solo>)).toEqual(["Imported", "ibmcloud"]);
  });

  it("list view: status column says — for library items", () => {
    const peer = ws.peers[0] as NonNullable<(typeof ws.peers)[0]>;
    const status = PEER_COLUMNS.find((c) => c.key === "status");
    expect(status?.text(peer)).toBe(NO_STATUS);
    expect(PEER_COLUMNS.find((c) => c.key === "url")?.text(peer)).toBe("grpcs://127.0.0.1:7051");
    expect(CA_COLUMNS.find((c) => c.key === "location")?.text(ws.cas[0] as never)).toBe("-");
  });

  it("MSP: display name, MSP ID, Node OU: Enabled, expiry warning", () => {
    const [org1, org2] = ws.msps.map(mspTile);
    expect(org1).toMatchObject({ title: "Org1 MSP", subtitle: "Org1MSP" });
    expect(labels(org1 as NonNullable<typeof org1>)).toEqual([
      "Certificate Expiration",
      "Node OU: Enabled",
    ]);
    expect(labels(org2 as NonNullable<typeof org2>)).toEqual([]);
  });

  it("identity: Expiration in relative time and the issuing CAs, or CA: unknown", () => {
    const admin = identityTile(ws.identities[0] as never, NOW);
    const org1admin = identityTile(ws.identities[1] as never, NOW);
    expect(labels(org1admin)).toEqual(["Expiration: 12 months", "CA: Org1 CA, Org1 CA (TLS CA)"]);
    expect(labels(admin)).toEqual(["Certificate Expiration", "Expiration: 5 days", "CA: unknown"]);
    expect(admin.status).toBeUndefined();
  });

  it("keeps the library item on every view model for the detail panel", () => {
    expect(ws.peers[0]?.library?.id).toBe("p1");
    expect(ws.msps[0]?.library?.id).toBe("m1");
    expect(ws.identities[1]?.library?.id).toBe("i1");
  });
});

describe("library helpers", () => {
  it("warns 30 days ahead, and for expired certificates", () => {
    expect(expiresSoon(inDays(30), NOW)).toBe(true);
    expect(expiresSoon(inDays(31), NOW)).toBe(false);
    expect(expiresSoon(inDays(-1), NOW)).toBe(true);
    expect(expiresSoon(null, NOW)).toBe(false);
    expect(expiresSoon("not a date", NOW)).toBe(false);
  });

  it("puts base items (demo tiles) before the library's", () => {
    const base = {
      ...EMPTY_WORKSPACE,
      peers: [
        {
          id: "demo",
          displayName: "Demo",
          location: "-",
          url: "x",
          status: "running" as const,
          imported: true,
        },
      ],
    };
    const merged = mergeWorkspace(base, libraryToWorkspace(ITEMS, NOW));
    expect(merged.peers.map((p) => p.id)).toEqual(["demo", "p1"]);
    expect(merged.identities).toHaveLength(2);
  });

  it("collects the ids of the ticked kinds", () => {
    expect(idsOfKinds(ITEMS, new Set(["peer", "msp"]))).toEqual(["p1", "m1", "m2"]);
    expect(idsOfKinds(ITEMS, new Set())).toEqual([]);
    expect(EXPORT_KINDS.map((k) => k.label)).toEqual([
      "Certificate Authorities",
      "Ordering services",
      "Peers",
      "MSPs",
      "Identities",
    ]);
  });
});
