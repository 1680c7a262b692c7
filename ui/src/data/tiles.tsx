// How each kind of item becomes a tile and table columns (console-api.md §7.2, §7.3, §7.6, §7.7).

import type { ReactNode } from "react";
import { StatusDot, type TileData, type TileLabel } from "../components/NodeTile";
import { statusLabel } from "../components/status";
import type { SectionColumn } from "../components/TileSection";
import { formatNumber, i18n, joinList } from "../i18n";
import type { ConsoleItem, IdentityItem, MspItem, NodeItem } from "./model";
import { timeUntil } from "./relativeTime";

/** Shown where a library item has no live status (list view). */
export const NO_STATUS = "\u2014";

const tr = (key: string, options?: Record<string, unknown>) => i18n.t(`data:${key}`, options);

/** A column whose header is read from the catalog when shown: `data:columns.<header>`, or
 * `header` itself when it names its namespace (`consoles:columns.region`). */
export function column<T>(
  key: string,
  header: string,
  text: (item: T) => string,
  render?: (item: T) => ReactNode,
): SectionColumn<T> {
  const col: SectionColumn<T> = {
    key,
    get header() {
      return header.includes(":") ? i18n.t(header) : tr(`columns.${header}`);
    },
    text,
  };
  if (render) col.render = render;
  return col;
}

export function nodeLabels(item: NodeItem): TileLabel[] {
  const labels: TileLabel[] = [];
  if (item.certExpiresSoon)
    labels.push({ kind: "certExpiration", text: tr("tile.certExpiration") });
  if (item.nodes !== undefined && item.nodes > 1) {
    labels.push({
      kind: "text",
      text: tr("tile.orderingNodes", { count: item.nodes, n: formatNumber(item.nodes) }),
    });
  }
  if (item.imported) labels.push({ kind: "imported", text: tr("tile.imported") });
  labels.push({ kind: "location", text: item.location || "-" });
  return labels;
}

/** A node's tile; library items (no `status`) get no status square. */
export function nodeTile(item: NodeItem): TileData {
  const tile: TileData = {
    id: item.id,
    title: item.displayName,
    subtitle: item.mspId,
    labels: nodeLabels(item),
  };
  if (item.status) {
    tile.status = item.status;
    tile.statusLabel = item.statusDetail;
  }
  return tile;
}

export function mspTile(item: MspItem): TileData {
  const labels: TileLabel[] = [];
  if (item.certExpiresSoon)
    labels.push({ kind: "certExpiration", text: tr("tile.certExpiration") });
  if (item.nodeOuEnabled) labels.push({ kind: "nodeOu", text: tr("tile.nodeOuEnabled") });
  return { id: item.id, title: item.displayName, subtitle: item.mspId, labels };
}

/** "CA: Org1 CA", or "CA: unknown" when no CA in the library issued the certificate. */
export function identityCaText(item: IdentityItem): string {
  if (item.caNames.length === 0) return tr("tile.caUnknown");
  return tr(item.tlsCa ? "tile.tlsCa" : "tile.ca", { names: joinList(item.caNames) });
}

export function identityTile(item: IdentityItem, now: Date = new Date()): TileData {
  const labels: TileLabel[] = [];
  if (item.certExpiresSoon)
    labels.push({ kind: "certExpiration", text: tr("tile.certExpiration") });
  if (item.expiresAt) {
    labels.push({
      kind: "text",
      text: tr("tile.expiration", { time: timeUntil(new Date(item.expiresAt), now) }),
    });
  }
  labels.push({ kind: "text", text: identityCaText(item) });
  return { id: item.id, title: item.name, labels };
}

export function consoleTile(item: ConsoleItem): TileData {
  return {
    id: item.id,
    title: item.displayName,
    subtitle: item.url,
    status: item.status,
    labels: [],
  };
}

const statusColumn = (): SectionColumn<NodeItem> =>
  column<NodeItem>(
    "status",
    "status",
    (n) => (n.status ? (n.statusDetail ?? statusLabel(n.status)) : NO_STATUS),
    (n) =>
      n.status ? (
        <StatusDot status={n.status} label={n.statusDetail} />
      ) : (
        <span className="fhd-status-cell fhd-status-cell--none" title={tr("noLiveStatus")}>
          {NO_STATUS}
        </span>
      ),
  );

export const PEER_COLUMNS: SectionColumn<NodeItem>[] = [
  column("name", "displayName", (n) => n.displayName),
  column("msp", "mspId", (n) => n.mspId ?? "-"),
  column("location", "location", (n) => n.location || "-"),
  column("url", "url", (n) => n.url),
  statusColumn(),
];

export const CA_COLUMNS: SectionColumn<NodeItem>[] = [
  column("name", "displayName", (n) => n.displayName),
  column("location", "location", (n) => n.location || "-"),
  column("url", "caUrl", (n) => n.url),
  statusColumn(),
];

export const ORDERER_COLUMNS: SectionColumn<NodeItem>[] = PEER_COLUMNS;

export const MSP_COLUMNS: SectionColumn<MspItem>[] = [
  column("name", "mspDisplayName", (m) => m.displayName),
  column("msp", "mspId", (m) => m.mspId),
];

export const IDENTITY_COLUMNS: SectionColumn<IdentityItem>[] = [
  column("name", "name", (i) => i.name),
  column("connected", "connectedTo", (i) => joinList(i.connectedTo) || "-"),
  column("ca", "ca", (i) => joinList(i.caNames) || "-"),
];

export const CONSOLE_COLUMNS: SectionColumn<ConsoleItem>[] = [
  column("name", "displayName", (c) => c.displayName),
  column("url", "url", (c) => c.url),
  column<ConsoleItem>(
    "status",
    "status",
    (c) => statusLabel(c.status),
    (c) => <StatusDot status={c.status} />,
  ),
];
