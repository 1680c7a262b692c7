// How each kind of item becomes a tile and table columns (console-api.md §7.2, §7.3, §7.6, §7.7).

import { StatusDot, type TileData, type TileLabel } from "../components/NodeTile";
import { STATUS_LABEL } from "../components/status";
import type { SectionColumn } from "../components/TileSection";
import type { ConsoleItem, IdentityItem, MspItem, NodeItem } from "./model";
import { timeUntil } from "./relativeTime";

/** Shown where a library item has no live status (list view). */
export const NO_STATUS = "\u2014";

export function nodeLabels(item: NodeItem): TileLabel[] {
  const labels: TileLabel[] = [];
  if (item.certExpiresSoon) labels.push({ kind: "certExpiration", text: "Certificate Expiration" });
  if (item.nodes !== undefined && item.nodes > 1) {
    labels.push({ kind: "text", text: `${item.nodes} ordering nodes` });
  }
  if (item.imported) labels.push({ kind: "imported", text: "Imported" });
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
  if (item.certExpiresSoon) labels.push({ kind: "certExpiration", text: "Certificate Expiration" });
  if (item.nodeOuEnabled) labels.push({ kind: "nodeOu", text: "Node OU: Enabled" });
  return { id: item.id, title: item.displayName, subtitle: item.mspId, labels };
}

/** "CA: Org1 CA", or "CA: unknown" when no CA in the library issued the certificate. */
export function identityCaText(item: IdentityItem): string {
  if (item.caNames.length === 0) return "CA: unknown";
  return `${item.tlsCa ? "TLS CA" : "CA"}: ${item.caNames.join(", ")}`;
}

export function identityTile(item: IdentityItem, now: Date = new Date()): TileData {
  const labels: TileLabel[] = [];
  if (item.certExpiresSoon) labels.push({ kind: "certExpiration", text: "Certificate Expiration" });
  if (item.expiresAt) {
    labels.push({ kind: "text", text: `Expiration: ${timeUntil(new Date(item.expiresAt), now)}` });
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

const statusColumn = (): SectionColumn<NodeItem> => ({
  key: "status",
  header: "Status",
  text: (n) => (n.status ? (n.statusDetail ?? STATUS_LABEL[n.status]) : NO_STATUS),
  render: (n) =>
    n.status ? (
      <StatusDot status={n.status} label={n.statusDetail} />
    ) : (
      <span className="fhd-status-cell fhd-status-cell--none" title="No live status for a file">
        {NO_STATUS}
      </span>
    ),
});

export const PEER_COLUMNS: SectionColumn<NodeItem>[] = [
  { key: "name", header: "Display name", text: (n) => n.displayName },
  { key: "msp", header: "MSP ID", text: (n) => n.mspId ?? "-" },
  { key: "location", header: "Location", text: (n) => n.location || "-" },
  { key: "url", header: "URL", text: (n) => n.url },
  statusColumn(),
];

export const CA_COLUMNS: SectionColumn<NodeItem>[] = [
  { key: "name", header: "Display name", text: (n) => n.displayName },
  { key: "location", header: "Location", text: (n) => n.location || "-" },
  { key: "url", header: "Certificate Authority endpoint URL", text: (n) => n.url },
  statusColumn(),
];

export const ORDERER_COLUMNS: SectionColumn<NodeItem>[] = PEER_COLUMNS;

export const MSP_COLUMNS: SectionColumn<MspItem>[] = [
  { key: "name", header: "MSP display name", text: (m) => m.displayName },
  { key: "msp", header: "MSP ID", text: (m) => m.mspId },
];

export const IDENTITY_COLUMNS: SectionColumn<IdentityItem>[] = [
  { key: "name", header: "Name", text: (i) => i.name },
  { key: "connected", header: "Connected to", text: (i) => i.connectedTo.join(", ") || "-" },
  { key: "ca", header: "CA", text: (i) => i.caNames.join(", ") || "-" },
];

export const CONSOLE_COLUMNS: SectionColumn<ConsoleItem>[] = [
  { key: "name", header: "Display name", text: (c) => c.displayName },
  { key: "url", header: "URL", text: (c) => c.url },
  {
    key: "status",
    header: "Status",
    text: (c) => STATUS_LABEL[c.status],
    render: (c) => <StatusDot status={c.status} />,
  },
];
