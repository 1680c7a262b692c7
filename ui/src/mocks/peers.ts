// The mock build's Fabric network behind the consoles' peers: two channels (`mychannel` with the
// asset and events chaincodes, `assets` with basic), each peer's ledger heights and installed
// packages, and the channels' anchor peers. Peers are one peer by api_url, whichever console
// (`CONSOLE/ID`) or library id names them, as in the core. Joins report their catch-up as
// `peer://join-progress` events, installs copy another peer's packages or read a package file's
// name, "Make anchor peer" cuts a config block.
//
// Refusals, as the core words them: "Legacy Peer" is unreachable; no wallet identity is an
// admin of Org2MSP; a chosen wallet identity that does not administer the peer's MSP is refused
// by the peer; a package file whose name contains "refused" is refused by the peer.
import { emit } from "@tauri-apps/api/event";
import type { AddAnchorsInput } from "../bindings/AddAnchorsInput";
import type { AnchorsAdded } from "../bindings/AnchorsAdded";
import type { ChannelAnchors } from "../bindings/ChannelAnchors";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { InstalledChaincode } from "../bindings/InstalledChaincode";
import type { IpcError } from "../bindings/IpcError";
import type { JoinProgressUpdate } from "../bindings/JoinProgressUpdate";
import type { NodeRef } from "../bindings/NodeRef";
import type { OrgPeers } from "../bindings/OrgPeers";
import type { PackageInstall } from "../bindings/PackageInstall";
import type { PeerChaincodes } from "../bindings/PeerChaincodes";
import type { PeerChannels } from "../bindings/PeerChannels";
import type { PeerInstalled } from "../bindings/PeerInstalled";
import type { PeerInstallInput } from "../bindings/PeerInstallInput";
import type { PeerJoined } from "../bindings/PeerJoined";
import type { PeerJoinInput } from "../bindings/PeerJoinInput";
import type { MockConsoles } from "./consoles";
import { MOCK_DOWNLOADS, type MockLibrary } from "./library";

/** The event the shell emits while a join catches up (src-tauri/src/commands.rs). */
const JOIN_PROGRESS_EVENT = "peer://join-progress";
/** Time between two catch-up heights. */
const CATCH_UP_STEP_MS = 250;
const ORDERER = "127.0.0.1:7050";

/** The commands this mock answers. */
export const PEER_COMMANDS = [
  "peer_channels",
  "peer_chaincodes",
  "peer_org_peers",
  "peer_join",
  "peer_install",
  "peer_package_dialog",
  "channel_anchors",
  "channel_add_anchors",
] as const;

export type PeerCommand = (typeof PEER_COMMANDS)[number];

/** True for a command of `PEER_COMMANDS`. */
export function isPeerCommand(cmd: string): cmd is PeerCommand {
  return (PEER_COMMANDS as readonly string[]).includes(cmd);
}

/** What the package dialog answers. */
export const MOCK_PACKAGE_FILE = `${MOCK_DOWNLOADS}/asset_2.0.tar.gz`;

function error(code: ErrorCode, message: string, details: IpcError["details"] = null): IpcError {
  return { code, message, details };
}

/** 64 hex digits from a text (a stand-in for the package's SHA-256). */
export function fakeSha256(text: string): string {
  let out = "";
  let h = 0x811c9dc5;
  for (let round = 0; out.length < 64; round++) {
    for (const ch of `${round}:${text}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 64);
}

interface MockPackage {
  label: string;
  packageId: string;
  type: string;
}

function pkg(label: string, type = "golang"): MockPackage {
  return { label, packageId: `${label}:${fakeSha256(label)}`, type };
}

const ASSET_1 = pkg("asset_1.0");
const ASSET_09 = pkg("asset_0.9");
const BASIC = pkg("basic_1.0");
const EVENTS = pkg("events_1.0", "ccaas");

interface ChannelState {
  height: number;
  /** Chaincode definitions: name, version and the package each org approved. */
  definitions: { name: string; version: string; packageId: string }[];
  anchors: Record<string, string[]>;
  configBlock: number;
}

interface PeerState {
  /** Joined channels and the height of each. */
  channels: Map<string, number>;
  packages: MockPackage[];
}

/** A peer as the directory knows it: merged by api_url. */
interface Known {
  node: NodeRef;
  state: PeerState;
}

export class MockPeers {
  private channels = new Map<string, ChannelState>([
    [
      "mychannel",
      {
        height: 12,
        definitions: [
          { name: "asset", version: "1.0", packageId: ASSET_1.packageId },
          { name: "events", version: "1.0", packageId: EVENTS.packageId },
        ],
        anchors: { Org1MSP: ["127.0.0.1:7051"], Org2MSP: ["127.0.0.1:9051"] },
        configBlock: 4,
      },
    ],
    [
      "assets",
      {
        height: 5,
        definitions: [{ name: "basic", version: "1.0", packageId: BASIC.packageId }],
        anchors: { Org1MSP: [], Org2MSP: [] },
        configBlock: 2,
      },
    ],
  ]);

  /** By api_url. */
  private peers = new Map<string, PeerState>([
    [
      "grpcs://127.0.0.1:7051",
      {
        channels: new Map([
          ["mychannel", 12],
          ["assets", 5],
        ]),
        packages: [ASSET_09, ASSET_1, BASIC, EVENTS],
      },
    ],
    ["grpcs://127.0.0.1:8051", { channels: new Map([["mychannel", 12]]), packages: [ASSET_1] }],
    ["grpcs://127.0.0.1:9051", { channels: new Map([["mychannel", 12]]), packages: [ASSET_1] }],
  ]);

  constructor(
    private consoles: MockConsoles,
    private library: MockLibrary,
  ) {}

  /** The answer to one of the `peer_*` and `channel_*` commands (api.ts names their
   * arguments). */
  answer(cmd: PeerCommand, args: unknown): unknown {
    const a = args as {
      peer: string;
      identity: string | null;
      channel: string;
      input: PeerJoinInput & PeerInstallInput & AddAnchorsInput;
    };
    switch (cmd) {
      case "peer_channels":
        return this.channelsOf(a.peer, a.identity);
      case "peer_chaincodes":
        return this.chaincodesOf(a.peer, a.identity);
      case "peer_org_peers":
        return this.orgPeers(a.peer);
      case "peer_join":
        return this.join(a.input);
      case "peer_install":
        return this.install(a.input);
      case "peer_package_dialog":
        return MOCK_PACKAGE_FILE;
      case "channel_anchors":
        return this.anchors(a.channel, a.peer, a.identity);
      case "channel_add_anchors":
        return this.addAnchors(a.input);
    }
  }

  /** Every peer of the consoles and the library, one per api_url. */
  private directory(): Known[] {
    const byUrl = new Map<string, Known>();
    const add = (
      knownAs: string,
      peer: { displayName: string; mspId: string | null; apiUrl: string | null },
    ) => {
      if (!peer.apiUrl) return;
      const url = peer.apiUrl.replace(/\/+$/, "");
      let known = byUrl.get(url);
      if (!known) {
        let state = this.peers.get(url);
        if (!state) {
          state = { channels: new Map(), packages: [] };
          this.peers.set(url, state);
        }
        known = {
          node: { name: peer.displayName, knownAs: [], mspId: peer.mspId ?? "", apiUrl: url },
          state,
        };
        byUrl.set(url, known);
      }
      known.node.knownAs.push(knownAs);
    };
    for (const c of this.consoles.consoles) {
      for (const n of c.nodes) {
        if (n.kind === "peer") add(`${c.summary.name}/${n.id}`, n);
      }
    }
    for (const item of this.library.items) {
      if (item.kind === "peer") add(item.id, item);
    }
    return [...byUrl.values()].sort((a, b) => a.node.name.localeCompare(b.node.name));
  }

  private find(field: string, wanted: string): Known {
    const all = this.directory();
    const found = all.filter(
      (k) => k.node.knownAs.includes(wanted) || k.node.name === wanted.trim(),
    );
    const [one] = found;
    if (found.length === 1 && one) return one;
    const list = all.map(
      (k) => `"${k.node.name}" (${k.node.knownAs.join(", ")}, ${k.node.apiUrl})`,
    );
    throw error(
      "InvalidInput",
      found.length === 0
        ? `${field}: no peer of the library or of a registered console is named "${wanted}"; peers: ${list.join("; ")}`
        : `${field}: "${wanted}" names ${found.length} peers; name one as CONSOLE/ID`,
      { field, reason: "unknown or ambiguous peer" },
    );
  }

  /** The wallet identity that signs for `peer`, or the core's refusal. */
  private signer(peer: Known, identity: string | null): string {
    const named = identity?.trim();
    if (named) {
      const item = this.library.items.find(
        (i) => i.kind === "identity" && (i.id === named || i.displayName === named),
      );
      if (!item) {
        throw error("NotFound", `wallet identity "${named}" was not found`, {
          what: `wallet identity "${named}"`,
        });
      }
      if (!item.administers.includes(peer.node.mspId)) {
        const nodeMessage = `access denied: channel [] creator org unknown, creator is malformed`;
        throw this.fabricError(peer, item.displayName, "not_an_admin", "cscc.GetChannels", {
          nodeMessage,
          fix: "sign with the organization's admin: an identity of type admin (Node OUs) or one listed in the peer's admin certificates",
        });
      }
      return item.displayName;
    }
    if (peer.node.mspId !== "Org1MSP") {
      throw error(
        "no_admin_identity",
        `no wallet identity is an admin of ${peer.node.mspId} (the organization of ${peer.node.name}): import or enroll the organization's admin into the wallet (its certificate listed in the MSP definition's admins, or an admin OU certificate under Node OUs), or choose the identity to sign with (--as)`,
        { mspId: peer.node.mspId, node: peer.node.name },
      );
    }
    return "org1admin";
  }

  private fabricError(
    peer: Known,
    identity: string,
    code: ErrorCode,
    call: string,
    why: { nodeMessage: string; fix: string },
  ): IpcError {
    const host = peer.node.apiUrl.replace(/^[a-z]+:\/\//, "");
    const context = `${host} ${call}`;
    return error(
      code,
      `${peer.node.name} (${context}), signed by wallet identity "${identity}": ${why.nodeMessage}; ${why.fix}`,
      { node: peer.node.name, call: context, identity, nodeMessage: why.nodeMessage, fix: why.fix },
    );
  }

  /** Resolves the peer and its signer, and refuses an unreachable one as the core does. */
  private open(field: string, name: string, identity: string | null, call: string) {
    const peer = this.find(field, name);
    const signer = this.signer(peer, identity);
    if (peer.node.apiUrl.endsWith(":7251")) {
      throw this.fabricError(peer, signer, "fabric_unreachable", call, {
        nodeMessage: "transport error: tcp connect error: Connection refused (os error 111)",
        fix: "check that the node runs and that its api_url is reachable from this computer",
      });
    }
    return { peer, signer };
  }

  orgPeers(name: string): OrgPeers {
    const peer = this.find("PEER", name);
    return {
      peer: { ...peer.node },
      others: this.directory()
        .filter((k) => k.node.mspId === peer.node.mspId && k.node.apiUrl !== peer.node.apiUrl)
        .map((k) => ({ ...k.node })),
    };
  }

  channelsOf(name: string, identity: string | null): PeerChannels {
    const { peer, signer } = this.open("PEER", name, identity, "cscc.GetChannels");
    return {
      peer: { ...peer.node },
      identity: signer,
      channels: [...peer.state.channels.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([channel, height]) => ({
          channel,
          height,
          currentBlockHash: fakeSha256(`${channel}#${height}`),
        })),
    };
  }

  private installedOf(state: PeerState): InstalledChaincode[] {
    return [...state.packages]
      .sort((a, b) => a.packageId.localeCompare(b.packageId))
      .map((p) => ({
        packageId: p.packageId,
        label: p.label,
        references: [...state.channels.keys()]
          .sort()
          .flatMap((channel) =>
            (this.channels.get(channel)?.definitions ?? [])
              .filter((d) => d.packageId === p.packageId)
              .map((d) => ({ channel, name: d.name, version: d.version })),
          ),
      }));
  }

  chaincodesOf(name: string, identity: string | null): PeerChaincodes {
    const { peer, signer } = this.open(
      "PEER",
      name,
      identity,
      "_lifecycle.QueryInstalledChaincodes",
    );
    return { peer: { ...peer.node }, identity: signer, packages: this.installedOf(peer.state) };
  }

  async join(input: PeerJoinInput): Promise<PeerJoined> {
    const channel = input.channel.trim();
    if (channel === "") {
      throw error("InvalidInput", "CHANNEL: must not be empty", {
        field: "CHANNEL",
        reason: "must not be empty",
      });
    }
    const { peer, signer } = this.open("PEER", input.peer, input.identity, "cscc.JoinChain");
    const base = { peer: { ...peer.node }, channel, identity: signer };
    const had = peer.state.channels.get(channel);
    if (had !== undefined) {
      return {
        ...base,
        alreadyJoined: true,
        source: null,
        sourceHeight: null,
        height: had,
        caughtUp: true,
      };
    }
    const source = input.from
      ? this.find("--from", input.from)
      : this.directory().find(
          (k) =>
            k.node.mspId === peer.node.mspId &&
            k.node.apiUrl !== peer.node.apiUrl &&
            k.state.channels.has(channel),
        );
    const sourceHeight = source?.state.channels.get(channel);
    if (!source || sourceHeight === undefined) {
      throw error(
        "InvalidInput",
        source
          ? `--from: "${source.node.name}" has not joined ${channel}: name a peer that has joined ${channel}`
          : `--from: no other peer of ${peer.node.mspId} known to the library or the registered consoles lists ${channel}: pass --from PEER, a peer that has joined ${channel} (its block 0 joins this one)`,
        { field: "--from", reason: `no source of block 0 for ${channel}` },
      );
    }
    peer.state.channels.set(channel, 0);
    for (
      let height = 0;
      height <= sourceHeight;
      height += Math.max(1, Math.ceil(sourceHeight / 4))
    ) {
      await this.progress(input.peer, channel, height, sourceHeight);
    }
    peer.state.channels.set(channel, sourceHeight);
    await this.progress(input.peer, channel, sourceHeight, sourceHeight);
    return {
      ...base,
      alreadyJoined: false,
      source: { ...source.node },
      sourceHeight,
      height: sourceHeight,
      caughtUp: true,
    };
  }

  private async progress(peer: string, channel: string, height: number, target: number) {
    const update: JoinProgressUpdate = { peer, channel, progress: { height, target } };
    await emit(JOIN_PROGRESS_EVENT, update);
    await new Promise((done) => setTimeout(done, CATCH_UP_STEP_MS));
  }

  install(input: PeerInstallInput): PeerInstalled {
    const { peer, signer } = this.open(
      "PEER",
      input.peer,
      input.identity,
      "_lifecycle.InstallChaincode",
    );
    let wanted: MockPackage[];
    let source: NodeRef | null = null;
    if ("file" in input.from) {
      wanted = [this.packageFile(peer, signer, input.from.file)];
    } else {
      const from = this.open("--from", input.from.peer.peer, null, "_lifecycle.GetInstalled");
      source = { ...from.peer.node };
      const id = input.from.peer.packageId;
      const installed = this.installedOf(from.peer.state);
      const ids = id
        ? [id]
        : installed.filter((p) => p.references.length > 0).map((p) => p.packageId);
      if (ids.length === 0) {
        throw error(
          "InvalidInput",
          `--package-id: no package installed on "${from.peer.node.name}" is used by a chaincode definition on a channel: name one with --package-id (see \`fabric-ha peer chaincodes\`)`,
          { field: "--package-id", reason: "nothing referenced" },
        );
      }
      wanted = ids.map((pid) => {
        const found = from.peer.state.packages.find((p) => p.packageId === pid);
        if (!found) {
          throw this.fabricError(
            from.peer,
            from.signer,
            "fabric_refused",
            "_lifecycle.GetInstalledChaincodePackage",
            {
              nodeMessage: `could not load package: chaincode install package '${pid}' not found`,
              fix: "read the node's message; it says what it refused and why",
            },
          );
        }
        return found;
      });
    }
    const packages: PackageInstall[] = wanted.map((p) => {
      const already = peer.state.packages.some((q) => q.packageId === p.packageId);
      if (!already) peer.state.packages.push(p);
      return {
        packageId: p.packageId,
        label: p.label,
        packageType: p.type,
        alreadyInstalled: already,
        warning:
          !already && p.type === "ccaas"
            ? `${p.label} is a chaincode-as-a-service package: its connection.json names one server address (events.org1.example.com:9999), in one region; the new peer reaches the chaincode there`
            : null,
      };
    });
    return { peer: { ...peer.node }, identity: signer, source, packages };
  }

  private packageFile(peer: Known, signer: string, path: string): MockPackage {
    const name = path.split(/[\\/]/).pop() ?? path;
    const match = /^(.+?)\.(tar\.gz|tgz)$/i.exec(name);
    if (!match?.[1]) {
      throw error(
        "InvalidInput",
        `--package: ${path} is not a chaincode package: not a gzip file (expected metadata.json and code.tar.gz in a .tar.gz)`,
        { field: "--package", reason: "not a chaincode package" },
      );
    }
    if (name.includes("refused")) {
      throw this.fabricError(peer, signer, "package_refused", "_lifecycle.InstallChaincode", {
        nodeMessage:
          "failed to invoke backing implementation of 'InstallChaincode': could not build chaincode: docker build failed",
        fix: "use the exact package file the organization approved (or copy it from another peer of the organization)",
      });
    }
    return pkg(match[1]);
  }

  /** The channel's state, or the core's error for a channel no peer here has joined. */
  private channelState(channel: string, reader: Known): ChannelState {
    const state = this.channels.get(channel);
    if (!state || !reader.state.channels.has(channel)) {
      throw error(
        "InvalidInput",
        `--peer: no peer known to the library or the registered consoles could give the config block of ${channel} ("${reader.node.name}" has not joined ${channel}): pass --peer PEER, a peer that has joined it`,
        { field: "--peer", reason: `no config block of ${channel}` },
      );
    }
    return state;
  }

  /** The first peer here that has joined `channel` (the core's default reader). */
  private anyReader(channel: string, identity: string | null): { peer: Known; signer: string } {
    const found = this.directory().find((k) => k.state.channels.has(channel));
    if (!found) {
      throw error(
        "InvalidInput",
        `--peer: no peer known to the library or the registered consoles could give the config block of ${channel}: pass --peer PEER, a peer that has joined it`,
        { field: "--peer", reason: `no config block of ${channel}` },
      );
    }
    return { peer: found, signer: this.signer(found, identity) };
  }

  anchors(channel: string, peer: string | null, identity: string | null): ChannelAnchors {
    const reader = peer
      ? this.open("--peer", peer, identity, "cscc.GetConfigBlock")
      : this.anyReader(channel, identity);
    const state = this.channelState(channel, reader.peer);
    return {
      channel,
      peer: { ...reader.peer.node },
      identity: reader.signer,
      configBlock: state.configBlock,
      orgs: Object.entries(state.anchors)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([mspId, anchorPeers]) => ({ mspId, anchorPeers: [...anchorPeers] })),
    };
  }

  addAnchors(input: AddAnchorsInput): AnchorsAdded {
    const [first] = input.peers;
    if (!first) {
      throw error("InvalidInput", "PEER: name at least one peer", { field: "PEER" });
    }
    const { peer, signer } = this.open("PEER", first, input.identity, "cscc.GetConfigBlock");
    const state = this.channelState(input.channel, peer);
    const list = state.anchors[peer.node.mspId] ?? [];
    const add = input.peers
      .map((p) => this.find("PEER", p).node.apiUrl.replace(/^[a-z]+:\/\//, ""))
      .filter((hp, i, all) => !list.includes(hp) && all.indexOf(hp) === i);
    const result: AnchorsAdded = {
      channel: input.channel,
      mspId: peer.node.mspId,
      identity: signer,
      added: add,
      anchorPeers: [...list],
      updated: false,
      orderer: ORDERER,
      status: null,
      configBlock: null,
    };
    if (add.length === 0) return result;
    state.anchors[peer.node.mspId] = [...list, ...add];
    state.configBlock = state.height;
    state.height += 1;
    for (const p of this.peers.values()) {
      if (p.channels.has(input.channel)) p.channels.set(input.channel, state.height);
    }
    return {
      ...result,
      anchorPeers: [...list, ...add],
      updated: true,
      status: "SUCCESS (200)",
      configBlock: state.configBlock,
    };
  }
}
