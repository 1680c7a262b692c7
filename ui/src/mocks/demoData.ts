// Sample items for the mock build: `?tiles=demo` has one tile in every status, so screenshots
// and browser tests can see each state; `?library=demo` seeds the mock's library. Never part of
// the production bundle.
import type { LibraryItem } from "../bindings/LibraryItem";
import type { WorkspaceData } from "../data/model";

const inMonths = (months: number) =>
  new Date(Date.now() + months * 30.4 * 24 * 3600 * 1000).toISOString();

export const DEMO_WORKSPACE: WorkspaceData = {
  consoles: [
    {
      id: "c1",
      displayName: "Frankfurt",
      url: "https://console.fra.example.com",
      status: "running",
    },
    { id: "c2", displayName: "Dallas", url: "https://console.dal.example.com", status: "unknown" },
  ],
  peers: [
    {
      id: "p1",
      displayName: "Org1 Peer0",
      mspId: "Org1MSP",
      location: "-",
      url: "grpcs://127.0.0.1:7051",
      status: "running",
      imported: true,
    },
    {
      id: "p2",
      displayName: "Org1 Peer1",
      mspId: "Org1MSP",
      location: "Frankfurt",
      url: "grpcs://peer1.fra.example.com:7051",
      status: "stopped",
      imported: false,
    },
    {
      id: "p3",
      displayName: "Org2 Peer0",
      mspId: "Org2MSP",
      location: "-",
      url: "grpcs://127.0.0.1:9051",
      status: "undetectable",
      imported: true,
    },
    {
      id: "p4",
      displayName: "Org2 Peer1",
      mspId: "Org2MSP",
      location: "Dallas",
      url: "grpcs://peer1.dal.example.com:7051",
      status: "unknown",
      imported: false,
      certExpiresSoon: true,
    },
    {
      id: "p5",
      displayName: "Org3 Peer0",
      mspId: "Org3MSP",
      location: "Dallas",
      url: "grpcs://peer0.dal.example.com:7051",
      status: "pending",
      imported: false,
    },
  ],
  cas: [
    {
      id: "ca1",
      displayName: "Orderer CA",
      location: "-",
      url: "https://127.0.0.1:7056",
      status: "running",
      imported: true,
    },
    {
      id: "ca2",
      displayName: "Org1 CA",
      location: "-",
      url: "https://127.0.0.1:7054",
      status: "running",
      imported: true,
    },
  ],
  orderers: [
    {
      id: "os1",
      displayName: "Ordering Service",
      mspId: "OrdererMSP",
      location: "-",
      url: "grpcs://127.0.0.1:7050",
      status: "running",
      imported: true,
    },
    {
      id: "os2",
      displayName: "HA Ordering Service",
      mspId: "OrdererMSP",
      location: "Frankfurt",
      url: "grpcs://orderer.fra.example.com:7050",
      status: "partial",
      imported: false,
    },
  ],
  msps: [
    { id: "m1", displayName: "Orderer MSP", mspId: "OrdererMSP", nodeOuEnabled: true },
    { id: "m2", displayName: "Org1 MSP", mspId: "Org1MSP", nodeOuEnabled: true },
  ],
  identities: [
    {
      id: "i1",
      name: "Orderer CA Admin",
      expiresAt: inMonths(12),
      connectedTo: ["Orderer CA"],
      caNames: ["Orderer CA"],
    },
    {
      id: "i2",
      name: "Org1 CA Admin",
      expiresAt: inMonths(12),
      connectedTo: ["Org1 CA"],
      caNames: ["Org1 CA"],
    },
    {
      id: "i3",
      name: "ordereradmin",
      expiresAt: inMonths(12),
      connectedTo: ["Ordering Service"],
      caNames: ["Orderer CA"],
    },
    {
      id: "i4",
      name: "org1admin",
      expiresAt: inMonths(12),
      connectedTo: ["Org1 Peer0"],
      caNames: ["Org1 CA"],
    },
    { id: "i5", name: "peer0", expiresAt: inMonths(12), connectedTo: [], caNames: ["Org1 CA"] },
  ],
  haPlans: [],
};

const inDays = (days: number, now: number) => new Date(now + days * 24 * 3600 * 1000).toISOString();

/** The mock's `?library=demo`: a CA, an MSP with Node OUs, a peer, an ordering service of three
 * nodes and two identities; the peer's TLS certificate expires in 10 days. */
export function demoLibrary(now: number = Date.now()): LibraryItem[] {
  const importedAt = new Date(now - 2 * 24 * 3600 * 1000).toISOString();
  const base = {
    mspId: null,
    apiUrl: null,
    nodes: 1,
    location: "-",
    expiresAt: inDays(365, now),
    nodeOuEnabled: false,
    issuingCas: [],
    administers: [],
    importedAt,
  } satisfies Partial<LibraryItem>;
  const zip = "FOC.11_27_2025-14_27.zip";
  return [
    {
      ...base,
      id: "lib-ca-org1",
      kind: "ca",
      displayName: "Org1 CA",
      apiUrl: "https://127.0.0.1:7054",
      source: `${zip}!/Certificate Authorities/org1ca_ca.json`,
      fileName: "Org1 CA_ca.json",
    },
    {
      ...base,
      id: "lib-msp-org1",
      kind: "msp",
      displayName: "Org1 MSP",
      mspId: "Org1MSP",
      nodeOuEnabled: true,
      source: `${zip}!/Organizations/org1msp_msp.json`,
      fileName: "Org1 MSP_msp.json",
    },
    {
      ...base,
      id: "lib-peer-org1-peer0",
      kind: "peer",
      displayName: "Org1 Peer0",
      mspId: "Org1MSP",
      apiUrl: "grpcs://127.0.0.1:7051",
      expiresAt: inDays(10, now),
      nodeOuEnabled: true,
      source: `${zip}!/Peers/org1peer0_peer.json`,
      fileName: "Org1 Peer0_peer.json",
    },
    {
      ...base,
      id: "lib-orderer-os",
      kind: "orderer",
      displayName: "Ordering Service",
      mspId: "OrdererMSP",
      apiUrl: "grpcs://127.0.0.1:7050",
      nodes: 3,
      nodeOuEnabled: true,
      source: "Ordering Service_orderer.json",
      fileName: "Ordering Service_orderer.json",
    },
    {
      ...base,
      id: "lib-identity-org1admin",
      kind: "identity",
      displayName: "org1admin",
      issuingCas: ["Org1 CA"],
      administers: ["Org1MSP"],
      source: `${zip}!/Wallet/org1admin_identity.json`,
      fileName: "org1admin_identity.json",
    },
    {
      ...base,
      id: "lib-identity-ordereradmin",
      kind: "identity",
      displayName: "ordereradmin",
      expiresAt: inDays(200, now),
      source: `${zip}!/Wallet/ordereradmin_identity.json`,
      fileName: "ordereradmin_identity.json",
    },
  ];
}
