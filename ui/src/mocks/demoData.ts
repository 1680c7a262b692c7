// Sample items for the mock build's `?tiles=demo`: one tile in every status, so screenshots and
// browser tests can see each state. Never part of the production bundle.
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
  bundles: [],
};
