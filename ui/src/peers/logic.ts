// The peer panel's pure logic: how a console peer is named to the backend, anchor peers as
// host:port, which packages a set of channels uses, what a join's catch-up and an install's
// result say, and the HA wizard's choices merged over several region-1 peers.
import type { AnchorsAdded } from "../bindings/AnchorsAdded";
import type { ChaincodeReference } from "../bindings/ChaincodeReference";
import type { ChannelAnchors } from "../bindings/ChannelAnchors";
import type { InstalledChaincode } from "../bindings/InstalledChaincode";
import type { JoinProgress } from "../bindings/JoinProgress";
import type { PeerChaincodes } from "../bindings/PeerChaincodes";
import type { PeerChannels } from "../bindings/PeerChannels";
import type { PeerInstalled } from "../bindings/PeerInstalled";
import type { PeerJoined } from "../bindings/PeerJoined";
import { i18n } from "../i18n";

const msg = (key: string, options?: Record<string, unknown>): string =>
  i18n.t(key, { ns: "peers", ...options });

/** The peer a panel is about: how the backend names it, and what the tile already knows. */
export interface PeerTarget {
  /** `CONSOLE/ID` (a console's peer) or a library id: the PEER the core resolves. */
  peer: string;
  displayName: string;
  mspId: string | null;
  apiUrl: string | null;
  /** The console whose tile it was opened from, if any. */
  console: string | null;
  /** The client TLS identity to present first (the HA check's, for peers that require mutual
   * TLS); the panel's choice otherwise. */
  tlsIdentity?: string | null;
}

/** What the panel shows first. */
export type PeerView = "details" | "join" | "install";

/** `CONSOLE/ID`: how a console's component is named to the core (unique, unlike a display
 * name that several consoles may share). */
export function consolePeerName(console: string, id: string): string {
  return `${console}/${id}`;
}

/** `host:port` of a node's `api_url` (`grpcs://host:port` → `host:port`), as anchor peers are
 * listed; null when the URL has no port. */
export function hostPort(apiUrl: string | null): string | null {
  if (!apiUrl) return null;
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(apiUrl.trim());
  const authority = match?.[1];
  if (!authority || !/:\d+$/.test(authority)) return null;
  return authority.toLowerCase();
}

/** The anchor peers of `mspId` in a channel's configuration (empty when it has none). */
export function orgAnchorPeers(anchors: ChannelAnchors, mspId: string | null): string[] {
  return anchors.orgs.find((o) => o.mspId === mspId)?.anchorPeers ?? [];
}

/** True when the peer at `apiUrl` is among `anchorPeers` (`host:port`, case-insensitive). */
export function isAnchorPeer(anchorPeers: readonly string[], apiUrl: string | null): boolean {
  const own = hostPort(apiUrl);
  return own !== null && anchorPeers.some((a) => a.toLowerCase() === own);
}

/** "mychannel: basic 1.0 · other: basic 1.1", or a dash when no definition uses the package. */
export function usedByText(references: readonly ChaincodeReference[]): string {
  if (references.length === 0) return msg("usedBy.none");
  return references.map((r) => `${r.channel}: ${r.name} ${r.version}`).join(" · ");
}

/** The packages a chaincode definition on one of `channels` uses. */
export function packagesOnChannels(
  packages: readonly InstalledChaincode[],
  channels: readonly string[],
): InstalledChaincode[] {
  return packages.filter((p) => p.references.some((r) => channels.includes(r.channel)));
}

/** `asset_1.0:3f1c…9a2b`: a package id short enough for a table cell or a select. */
export function shortPackageId(packageId: string): string {
  const at = packageId.lastIndexOf(":");
  const hash = at >= 0 ? packageId.slice(at + 1) : "";
  if (hash.length <= 12) return packageId;
  return `${packageId.slice(0, at + 1)}${hash.slice(0, 4)}…${hash.slice(-4)}`;
}

/** The catch-up as a bar: its value and maximum (the target), and the words under it. */
export function catchUpText(progress: JoinProgress): { value: number; max: number; text: string } {
  const max = Math.max(progress.target, 1);
  const value = Math.min(progress.height, max);
  return {
    value,
    max,
    text:
      progress.height >= progress.target
        ? msg("join.caughtUp", { height: progress.height })
        : msg("join.catchingUp", { height: progress.height, target: progress.target }),
  };
}

/** The sentence after a join. */
export function joinedText(joined: PeerJoined): string {
  const names = { peer: joined.peer.name, channel: joined.channel, height: joined.height };
  if (joined.alreadyJoined) return msg("joined.already", names);
  const target = joined.sourceHeight ?? joined.height;
  const caught = joined.caughtUp
    ? msg("joined.caughtUp", { height: joined.height })
    : msg("joined.catchingUp", { height: joined.height, target });
  return joined.source
    ? msg("joined.fromSource", { ...names, source: joined.source.name, caught })
    : msg("joined.done", { ...names, caught });
}

/** The sentence after an install, and whether anything needs a second look (a warning). */
export function installedText(installed: PeerInstalled): { text: string; warnings: string[] } {
  const fresh = installed.packages.filter((p) => !p.alreadyInstalled);
  const already = installed.packages.filter((p) => p.alreadyInstalled);
  const parts: string[] = [];
  if (fresh.length > 0) {
    parts.push(
      msg("installed.fresh", {
        ids: fresh.map((p) => p.packageId).join(", "),
        peer: installed.peer.name,
      }),
    );
  }
  if (already.length > 0) {
    parts.push(
      msg("installed.already", {
        ids: already.map((p) => p.packageId).join(", "),
        count: already.length,
      }),
    );
  }
  if (parts.length === 0) parts.push(msg("installed.none"));
  const text = parts.join(msg("installed.separator"));
  return {
    text: installed.source
      ? msg("installed.fromSource", { text, source: installed.source.name })
      : msg("installed.sentence", { text }),
    warnings: installed.packages.flatMap((p) => (p.warning ? [p.warning] : [])),
  };
}

/** The sentence after "Make anchor peer". */
export function anchorsText(added: AnchorsAdded, peerName: string): string {
  const names = { peer: peerName, msp: added.mspId, channel: added.channel };
  if (!added.updated) return msg("anchors.already", names);
  const status = added.status ?? msg("anchors.accepted");
  return added.configBlock !== null
    ? msg("anchors.addedBlock", {
        ...names,
        orderer: added.orderer,
        status,
        block: added.configBlock,
      })
    : msg("anchors.added", { ...names, orderer: added.orderer, status });
}

/** True for a path that looks like a chaincode package (`.tar.gz`, `.tgz`). */
export function isPackagePath(path: string): boolean {
  return /\.(tar\.gz|tgz)$/i.test(path.trim());
}

/** The file name of a path (either separator). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The wallet identity an IPC error names (`details.identity`), if any. */
export function errorIdentity(error: unknown): string | null {
  if (typeof error !== "object" || error === null) return null;
  const details = (error as { details?: unknown }).details;
  if (typeof details !== "object" || details === null) return null;
  const identity = (details as { identity?: unknown }).identity;
  return typeof identity === "string" ? identity : null;
}

// ── The HA wizard's choices, from the region-1 peers ────────────────────────────────────────

/** One channel of the region-1 peers, with the highest height any of them reported. */
export interface ChannelChoice {
  channel: string;
  height: number;
}

/** The channels of every peer (by name, each with its highest height). */
export function mergeChannels(answers: readonly PeerChannels[]): ChannelChoice[] {
  const byName = new Map<string, number>();
  for (const answer of answers) {
    for (const c of answer.channels) {
      byName.set(c.channel, Math.max(byName.get(c.channel) ?? 0, c.height));
    }
  }
  return [...byName.entries()]
    .map(([channel, height]) => ({ channel, height }))
    .sort((a, b) => a.channel.localeCompare(b.channel));
}

/** The packages of every peer (by package id, references merged). */
export function mergePackages(answers: readonly PeerChaincodes[]): InstalledChaincode[] {
  const byId = new Map<string, InstalledChaincode>();
  for (const answer of answers) {
    for (const p of answer.packages) {
      const known = byId.get(p.packageId);
      if (!known) {
        byId.set(p.packageId, { ...p, references: [...p.references] });
        continue;
      }
      for (const r of p.references) {
        const same = (k: ChaincodeReference) =>
          k.channel === r.channel && k.name === r.name && k.version === r.version;
        if (!known.references.some(same)) known.references.push(r);
      }
    }
  }
  return [...byId.values()].sort((a, b) => a.packageId.localeCompare(b.packageId));
}

/** The comma-separated list the wizard's form keeps (the plan's `channels` / `chaincodes`). */
export function joinList(values: readonly string[]): string {
  return values.join(", ");
}

/** The values of such a list. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((v) => v.trim())
    .filter(Boolean);
}
