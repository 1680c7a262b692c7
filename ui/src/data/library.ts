// The local library (imported console files) as the pages' view models, and the small pure
// helpers the library panels share (expiry, kinds, bulk-export ids).
import type { ArtifactKind } from "../bindings/ArtifactKind";
import type { LibraryItem } from "../bindings/LibraryItem";
import { i18n } from "../i18n";
import type { IdentityItem, MspItem, NodeItem, WorkspaceData } from "./model";

const DAY_MS = 24 * 3600 * 1000;

/** The console's "Certificate Expiration" warning window (console-api.md §7.2). */
export const EXPIRY_WARNING_DAYS = 30;

/** True when `expiresAt` (RFC 3339) is within 30 days from `now`, or already passed. */
export function expiresSoon(expiresAt: string | null | undefined, now: Date = new Date()): boolean {
  if (!expiresAt) return false;
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return false;
  return at - now.getTime() <= EXPIRY_WARNING_DAYS * DAY_MS;
}

/** The location line of a tile: the file's `location`, or "-". */
export function locationText(location: string | null): string {
  return location && location.trim() !== "" ? location : "-";
}

/** Imported (rather than deployed by the console it came from): the console marks every
 * component whose location is not its own SaaS platform. */
export function isImported(location: string | null): boolean {
  return location !== "ibm_saas";
}

/** What each kind is called, singular (detail panel label, notifications). */
/** In the current language: each entry is read from the catalog when it is used. */
export const KIND_NAME: Readonly<Record<ArtifactKind, string>> = {
  get peer() {
    return i18n.t("common:kind.peer");
  },
  get ca() {
    return i18n.t("common:kind.ca");
  },
  get orderer() {
    return i18n.t("common:kind.orderer");
  },
  get msp() {
    return i18n.t("common:kind.msp");
  },
  get identity() {
    return i18n.t("common:kind.identity");
  },
};

const byName = (a: LibraryItem, b: LibraryItem) =>
  a.displayName.localeCompare(b.displayName, undefined, { sensitivity: "base", numeric: true });

export function libraryNode(item: LibraryItem, now: Date = new Date()): NodeItem {
  const node: NodeItem = {
    id: item.id,
    displayName: item.displayName,
    location: locationText(item.location),
    url: item.apiUrl ?? "-",
    imported: isImported(item.location),
    certExpiresSoon: expiresSoon(item.expiresAt, now),
    nodes: item.nodes,
    library: item,
  };
  if (item.mspId && item.kind !== "ca") node.mspId = item.mspId;
  return node;
}

export function libraryMsp(item: LibraryItem, now: Date = new Date()): MspItem {
  return {
    id: item.id,
    displayName: item.displayName,
    mspId: item.mspId ?? "-",
    nodeOuEnabled: item.nodeOuEnabled,
    certExpiresSoon: expiresSoon(item.expiresAt, now),
    library: item,
  };
}

export function libraryIdentity(item: LibraryItem, now: Date = new Date()): IdentityItem {
  const identity: IdentityItem = {
    id: item.id,
    name: item.displayName,
    connectedTo: [],
    caNames: item.issuingCas,
    certExpiresSoon: expiresSoon(item.expiresAt, now),
    library: item,
  };
  if (item.expiresAt) identity.expiresAt = item.expiresAt;
  return identity;
}

export type LibraryWorkspace = Pick<
  WorkspaceData,
  "peers" | "cas" | "orderers" | "msps" | "identities"
>;

/** Sorts the library into the pages' sections, each by display name. */
export function libraryToWorkspace(
  items: readonly LibraryItem[],
  now: Date = new Date(),
): LibraryWorkspace {
  const of = (kind: ArtifactKind) => items.filter((i) => i.kind === kind).sort(byName);
  return {
    peers: of("peer").map((i) => libraryNode(i, now)),
    cas: of("ca").map((i) => libraryNode(i, now)),
    orderers: of("orderer").map((i) => libraryNode(i, now)),
    msps: of("msp").map((i) => libraryMsp(i, now)),
    identities: of("identity").map((i) => libraryIdentity(i, now)),
  };
}

/** `base` (e.g. the mock's demo tiles) followed by the library's items. */
export function mergeWorkspace(base: WorkspaceData, library: LibraryWorkspace): WorkspaceData {
  return {
    ...base,
    peers: [...base.peers, ...library.peers],
    cas: [...base.cas, ...library.cas],
    orderers: [...base.orderers, ...library.orderers],
    msps: [...base.msps, ...library.msps],
    identities: [...base.identities, ...library.identities],
  };
}

/** The kinds of the bulk export panel, in the console's order (identities last, apart). */
export const EXPORT_KINDS: readonly { kind: ArtifactKind; readonly label: string }[] = (
  ["ca", "orderer", "peer", "msp", "identity"] as const
).map((kind) => ({
  kind,
  /** Plural, in the current language. */
  get label() {
    return i18n.t(`common:kinds.${kind}`);
  },
}));

/** The ids of every library item of the ticked kinds, in library order. */
export function idsOfKinds(
  items: readonly LibraryItem[],
  kinds: ReadonlySet<ArtifactKind>,
): string[] {
  return items.filter((i) => kinds.has(i.kind)).map((i) => i.id);
}
