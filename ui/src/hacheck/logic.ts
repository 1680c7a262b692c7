// The HA check page's pure logic: its scope in the hash (`#/ha-check?plan=NAME` or
// `#/ha-check?console=C&msp=MSPID`, with `&tls=IDENTITY` for peers that require mutual TLS), each peer's status squares in a cell, the actions a red
// cell offers (join, install, make anchor, import into a console), and the console row.
import type { ConsoleComponents } from "../bindings/ConsoleComponents";
import type { HaCellPeer } from "../bindings/HaCellPeer";
import type { HaChannel } from "../bindings/HaChannel";
import type { HaCheck } from "../bindings/HaCheck";
import type { HaNote } from "../bindings/HaNote";
import type { HaPeer } from "../bindings/HaPeer";
import { formatNumber, i18n, joinList } from "../i18n";

const msg = (key: string, options?: Record<string, unknown>): string =>
  i18n.t(key, { ns: "hacheck", ...options });

/** A note of the check (a thing to do, or why a loss breaks a channel) in the window's
 * language, from its code and params; the core's English text when the catalog lacks it. */
export function noteText(note: HaNote): string {
  return msg(`notes.${note.code}`, { ...note.params, defaultValue: note.text });
}

/** What a check covers, as the page's hash names it; `tls` is the wallet identity whose TLS
 * certificate the peer connections present (peers that require mutual TLS). */
export type HaScope = ({ plan: string } | { console: string; mspId: string }) & { tls?: string };

/** The scope named by a location hash, or null when it names none. */
export function parseHaCheckHash(hash: string): HaScope | null {
  const query = hash.indexOf("?");
  if (query < 0) return null;
  const params = new URLSearchParams(hash.slice(query + 1));
  const tls = params.get("tls");
  const presenting = tls ? { tls } : {};
  const plan = params.get("plan");
  if (plan) return { plan, ...presenting };
  const console = params.get("console");
  const mspId = params.get("msp");
  if (console && mspId) return { console, mspId, ...presenting };
  return null;
}

/** The page's address for a scope (the plan report and the all-regions view link here). */
export function haCheckHref(scope: HaScope | null): string {
  if (!scope) return "#/ha-check";
  const params =
    "plan" in scope
      ? new URLSearchParams({ plan: scope.plan })
      : new URLSearchParams({ console: scope.console, msp: scope.mspId });
  if (scope.tls) params.set("tls", scope.tls);
  return `#/ha-check?${params.toString()}`;
}

/** The scope in words: "plan ha-org1" or "Org1MSP through Dallas". */
export function scopeText(scope: HaScope): string {
  return "plan" in scope
    ? msg("scope.plan", { plan: scope.plan })
    : msg("scope.msp", { msp: scope.mspId, console: scope.console });
}

/** A status square's colour: green ok, yellow a warning, red broken, grey not applicable. */
export type Tone = "ok" | "warn" | "bad" | "off";

export interface Square {
  /** What it is about, for tests and styling. */
  key: "running" | "joined" | "height" | "anchor" | "chaincode";
  tone: Tone;
  label: string;
}

/** One peer's squares in a channel cell: running, joined, height (behind N), anchor, chaincode. */
export function peerSquares(p: HaCellPeer, chaincodes: number): Square[] {
  const squares: Square[] = [
    {
      key: "running",
      tone: p.running ? "ok" : "bad",
      label: p.running ? msg("square.running") : msg("square.stopped"),
    },
  ];
  if (!p.running) return squares;
  squares.push({
    key: "joined",
    tone: p.joined ? "ok" : "bad",
    label: p.joined ? msg("square.joined") : msg("square.notJoined"),
  });
  if (!p.joined) return squares;
  const behind = p.behind ?? 0;
  squares.push({
    key: "height",
    tone: behind > 0 ? "warn" : "ok",
    label:
      behind > 0
        ? msg("square.behind", { count: behind })
        : msg("square.height", { height: formatNumber(p.height ?? 0) }),
  });
  squares.push({
    key: "anchor",
    tone: p.anchor ? "ok" : "off",
    label: p.anchor ? msg("square.anchor") : msg("square.notAnchor"),
  });
  if (chaincodes > 0) {
    const missing = p.missingChaincodes.length;
    squares.push({
      key: "chaincode",
      tone: missing > 0 ? "bad" : "ok",
      label:
        missing > 0
          ? msg("square.lacks", { chaincodes: joinList(p.missingChaincodes) })
          : msg("square.chaincodeOk"),
    });
  }
  return squares;
}

/** True when a loss of this channel is broken for want of an anchor peer outside the region. */
function anchorLosses(channel: HaChannel): string[] {
  return channel.losses
    .filter((l) => !l.survives && l.reasons.some((r) => r.code === "noAnchorPeer"))
    .map((l) => l.console);
}

/** What a peer's cell offers to do, in the peer panel's views. */
export type PeerAction = "join" | "install" | "anchor";

/** The actions for one peer of region `console` on a channel: join when running and not joined,
 * install when it lacks a chaincode, make anchor when the loss of another region leaves no
 * anchor peer and this one is joined and not an anchor yet. */
export function peerActions(channel: HaChannel, console: string, p: HaCellPeer): PeerAction[] {
  if (!p.running) return [];
  if (!p.joined) return ["join"];
  const actions: PeerAction[] = [];
  if (p.missingChaincodes.length > 0) actions.push("install");
  if (!p.anchor && anchorLosses(channel).some((lost) => lost !== console)) actions.push("anchor");
  return actions;
}

/** A console that lacks a peer, and where the peer can be copied from. */
export interface ConsoleGap {
  peer: string;
  apiUrl: string;
  /** A console that lists it (its own first), or null when none does. */
  from: string | null;
}

/** The peers `console` does not list, each with a console to copy it from. */
export function consoleGaps(check: HaCheck, console: string): ConsoleGap[] {
  const entry = check.consoles.find((c) => c.console === console);
  if (!entry) return [];
  return entry.missing.map((name) => {
    const peer = check.peers.find((p) => p.name === name);
    const listing = peer
      ? [peer.console, ...peer.listedBy].find((c) => c !== console && peer.listedBy.includes(c))
      : undefined;
    return { peer: name, apiUrl: peer?.apiUrl ?? "", from: listing ?? null };
  });
}

/** The check's record of a cell's peer (its api_url and region), by display name. */
export function peerOf(check: HaCheck, console: string, name: string): HaPeer | undefined {
  return (
    check.peers.find((p) => p.name === name && p.console === console) ??
    check.peers.find((p) => p.name === name)
  );
}

/** The id of the console's component at `apiUrl`, or null when the console does not list it. */
export function componentIdOf(components: ConsoleComponents, apiUrl: string): string | null {
  const want = apiUrl.trim().replace(/\/+$/, "").toLowerCase();
  const found = components.peers.find(
    (n) => (n.apiUrl ?? "").trim().replace(/\/+$/, "").toLowerCase() === want,
  );
  return found?.id ?? null;
}

/** The region label of a console in the check. */
export function regionOf(check: HaCheck, console: string): string {
  return check.regions.find((r) => r.console === console)?.region ?? console;
}

/** The verdict in one sentence. */
export function verdictText(check: HaCheck): string {
  if (check.channels.length === 0) return msg("verdict.noChannel", { msp: check.mspId });
  if (check.survives) return msg("verdict.survives");
  const broken = check.channels.filter((c) => !c.survives).map((c) => c.channel);
  return msg("verdict.broken", { channels: joinList(broken), count: broken.length });
}

/** How many peers and red cells (peers with something to do), for the summary line. */
export function todoCount(check: HaCheck): number {
  let n = 0;
  for (const ch of check.channels)
    for (const cell of ch.cells) for (const p of cell.peers) if (p.todo.length > 0) n++;
  return n + check.consoles.filter((c) => c.error !== null || c.missing.length > 0).length;
}
