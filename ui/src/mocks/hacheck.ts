// The mock build's HA check of Org1MSP: three regions (the sandbox consoles Dallas, Frankfurt and
// Tokyo), five peers, one channel (`mychannel`, chaincode `asset` 1.0). By default every peer is
// running, joined, caught up, with the package, and the check is green. `?haCheck=red`: Frankfurt's
// only peer has not joined, one Tokyo peer is stopped and the other lacks the package, only
// Dallas has an anchor peer, and Frankfurt's console does not list Org1 Peer1 — so the loss of
// Dallas breaks the channel, with the core's reasons. The answer comes after a short wait, as
// the real check reads every console and peer. `?haCheck=stale`: green, but Tokyo's copy of Org1
// Peer2 carries another TLS certificate than Frankfurt's own record and the peer's handshake,
// until "Update from Frankfurt" (`console_update_records`) makes it current.
import type { HaCellPeer } from "../bindings/HaCellPeer";
import type { HaCheck } from "../bindings/HaCheck";
import type { HaNote } from "../bindings/HaNote";
import type { HaNoteCode } from "../bindings/HaNoteCode";
import type { HaPeer } from "../bindings/HaPeer";
import type { IpcError } from "../bindings/IpcError";

const CHANNEL = "mychannel";
const PACKAGE = "asset_1.0:3f1c6a0e9d2b47c58e1f0a6b2c3d4e5f60718293a4b5c6d7e8f90123456789ab";
const OTHER_PACKAGE = "asset_1.0:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29180706f5e4d3c2b1a09f8e7d6c5b";
const HIGHEST = 12;
/** `?haCheck=stale`: Tokyo's stale copy of Org1 Peer2, and Frankfurt's own record of it. */
const STALE_COPY = "org1peer2-copy";
const STALE_SOURCE = "org1peer2";
/** How long the mock check takes. */
export const MOCK_CHECK_MS = 900;

const note = (code: HaNoteCode, params: Record<string, string>, text: string): HaNote => ({
  code,
  params,
  text,
});

interface Seed {
  name: string;
  console: string;
  port: number;
  running: boolean;
  height: number | null;
  packageId: string | null;
  anchor: boolean;
}

const REGIONS = [
  { console: "Dallas", region: "us-south" },
  { console: "Frankfurt", region: "eu-de" },
  { console: "Tokyo", region: "jp-tok" },
];

function seeds(red: boolean): Seed[] {
  const peer = (name: string, console: string, port: number, over: Partial<Seed> = {}): Seed => ({
    name,
    console,
    port,
    running: true,
    height: HIGHEST,
    packageId: PACKAGE,
    anchor: !red || console === "Dallas",
    ...over,
  });
  return [
    peer("Org1 Peer0", "Dallas", 7051),
    peer("Org1 Peer1", "Dallas", 7151, { anchor: false }),
    peer("Org1 Peer2", "Frankfurt", 8051, red ? { height: null } : {}),
    peer("Org1 Peer3", "Tokyo", 9151, red ? { running: false, height: null } : {}),
    peer("Org1 Peer4", "Tokyo", 9251, red ? { packageId: OTHER_PACKAGE } : { anchor: false }),
  ];
}

/** The check as the core would answer it (see crates/core/src/fabric/hacheck.rs). */
export function mockHaCheck(
  red: boolean,
  checkedAt = new Date().toISOString(),
  stale = false,
  tlsIdentity: string | null = null,
): HaCheck {
  const all = seeds(red);
  const listedBy = (s: Seed): string[] =>
    REGIONS.map((r) => r.console).filter(
      (c) => !(red && c === "Frankfurt" && s.name === "Org1 Peer1"),
    );
  const peers: HaPeer[] = all.map((s) => ({
    name: s.name,
    apiUrl: `grpcs://127.0.0.1:${s.port}`,
    console: s.console,
    running: s.running,
    error: s.running ? null : "connection refused (127.0.0.1:9151)",
    channels: s.height === null ? [] : [{ channel: CHANNEL, height: s.height }],
    packages: s.packageId ? [{ packageId: s.packageId, channel: CHANNEL, chaincode: "asset" }] : [],
    listedBy: listedBy(s),
  }));
  const cellPeer = (s: Seed): HaCellPeer => {
    const joined = s.running && s.height !== null;
    const missing = joined && s.packageId !== PACKAGE ? ["asset"] : [];
    const todo: HaNote[] = [];
    if (!s.running) {
      const error = "connection refused (127.0.0.1:9151)";
      todo.push(note("startPeer", { error }, `start the peer (it does not answer: ${error})`));
    } else if (!joined)
      todo.push(
        note(
          "joinChannel",
          { channel: CHANNEL },
          `join it to ${CHANNEL} (\`fabric-ha peer join\`)`,
        ),
      );
    else if (missing.length > 0)
      todo.push(
        note(
          "installPackage",
          { chaincode: "asset" },
          "install the package of asset that the other peers use (`fabric-ha peer install`)",
        ),
      );
    return {
      name: s.name,
      running: s.running,
      joined,
      height: joined ? s.height : null,
      behind: joined && s.height !== null ? HIGHEST - s.height : null,
      anchor: s.anchor,
      missingChaincodes: missing,
      todo,
    };
  };
  const losses = REGIONS.map((r) => {
    const reasons: HaNote[] = [];
    if (red && r.console === "Dallas") {
      reasons.push(
        note(
          "noServingPeer",
          { region: r.region, channel: CHANNEL },
          `no peer outside ${r.region} is running, joined to ${CHANNEL}, caught up and has every chaincode`,
        ),
        note(
          "noAnchorPeer",
          { region: r.region },
          `no anchor peer of the organization outside ${r.region}: make a peer of another region an anchor peer`,
        ),
      );
    }
    return { console: r.console, survives: reasons.length === 0, reasons };
  });
  const survives = losses.every((l) => l.survives);
  return {
    mspId: "Org1MSP",
    identity: "org1admin",
    tlsIdentity,
    checkedAt,
    regions: REGIONS.map((r) => ({ ...r })),
    peers,
    consoles: REGIONS.map((r) => ({
      console: r.console,
      region: r.region,
      error: null,
      missing: peers.filter((p) => !p.listedBy.includes(r.console)).map((p) => p.name),
      stale:
        stale && r.console === "Tokyo"
          ? [
              {
                peer: "Org1 Peer2",
                apiUrl: "grpcs://127.0.0.1:8051",
                componentId: STALE_COPY,
                fields: ["msp.component.tls_cert"],
                notServed: true,
                updateFrom: { console: "Frankfurt", componentId: STALE_SOURCE },
                todo: `update it from Frankfurt's record: \`fabric-ha console copy Frankfurt Tokyo ${STALE_SOURCE} --update\``,
              },
            ]
          : [],
    })),
    channels: [
      {
        channel: CHANNEL,
        highest: HIGHEST,
        anchorPeers: all.filter((s) => s.anchor).map((s) => `127.0.0.1:${s.port}`),
        chaincodes: [{ name: "asset", version: "1.0", sequence: 1, packageId: PACKAGE }],
        cells: REGIONS.map((r) => ({
          console: r.console,
          peers: all.filter((s) => s.console === r.console).map(cellPeer),
          gossipMissing: [],
        })),
        losses,
        survives,
      },
    ],
    survives,
  };
}

function error(code: IpcError["code"], message: string): IpcError {
  return { code, message, details: null };
}

/** The `ha_check` commands of the mock build. */
export class MockHaCheck {
  private last: HaCheck | null = null;
  private stale: boolean;

  constructor(
    private readonly red: boolean,
    stale = false,
  ) {
    this.stale = stale;
  }

  /** `console_update_records` of the stale copy: true when it was this one (now current). */
  updateStale(input: {
    console: string;
    source: { kind: string; from?: string; componentIds?: string[] };
  }): boolean {
    const ours =
      this.stale &&
      input.console === "Tokyo" &&
      input.source.kind === "console" &&
      input.source.from === "Frankfurt" &&
      (input.source.componentIds ?? []).includes(STALE_SOURCE);
    if (ours) this.stale = false;
    return ours;
  }

  async check(args: {
    plan: string | null;
    console: string | null;
    mspId: string | null;
    tlsIdentity?: string | null;
  }): Promise<HaCheck> {
    const known = args.plan !== null || (args.console !== null && args.mspId === "Org1MSP");
    await new Promise((ok) => setTimeout(ok, MOCK_CHECK_MS));
    if (!known) {
      throw error(
        "InvalidInput",
        `console ${JSON.stringify(args.console)} holds no peer or MSP definition of ${JSON.stringify(args.mspId)}`,
      );
    }
    // The core names the wallet identity; the mock library's ids are `lib-identity-<name>`.
    const tls = args.tlsIdentity?.replace(/^lib-identity-/, "") ?? null;
    this.last = mockHaCheck(this.red, new Date().toISOString(), this.stale, tls);
    return this.last;
  }

  exportDialog(args: { checkedAt: string; markdown: boolean }): string {
    if (this.last?.checkedAt !== args.checkedAt) {
      throw error(
        "InvalidInput",
        "checkedAt: that check is no longer the last one run in this window: run it again, then export",
      );
    }
    const date = args.checkedAt.slice(0, 10);
    return `/home/operator/Downloads/ha-check-${this.last.mspId}-${date}.${args.markdown ? "md" : "json"}`;
  }
}
