// List-view columns of the consoles and of a console's components (console-api.md §7.3, §7.6).

import type { ConsoleMsp } from "../bindings/ConsoleMsp";
import type { ConsoleNode } from "../bindings/ConsoleNode";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import { StatusDot } from "../components/NodeTile";
import { statusLabel } from "../components/status";
import type { SectionColumn } from "../components/TileSection";
import { locationText } from "../data/library";
import { column } from "../data/tiles";
import { verdictStatus } from "./logic";

export const CONSOLE_COLUMNS: SectionColumn<ConsoleSummary>[] = [
  column("name", "displayName", (c) => c.name),
  column("region", "consoles:columns.region", (c) => c.region || "-"),
  column("url", "url", (c) => c.url),
  column(
    "verdict",
    "consoles:columns.connection",
    (c) => verdictStatus(c.lastVerdict).label,
    (c) => {
      const { status, label } = verdictStatus(c.lastVerdict);
      return <StatusDot status={status} label={label} />;
    },
  ),
];

const status: SectionColumn<ConsoleNode> = column(
  "status",
  "status",
  (n) => statusLabel(n.status),
  (n) => <StatusDot status={n.status} />,
);

export const NODE_COLUMNS: SectionColumn<ConsoleNode>[] = [
  column("name", "displayName", (n) => n.displayName),
  column("msp", "mspId", (n) => n.mspId ?? "-"),
  column("location", "location", (n) => locationText(n.location)),
  column("url", "url", (n) => n.apiUrl ?? "-"),
  status,
];

export const CA_COLUMNS: SectionColumn<ConsoleNode>[] = [
  column("name", "displayName", (n) => n.displayName),
  column("location", "location", (n) => locationText(n.location)),
  column("url", "caUrl", (n) => n.apiUrl ?? "-"),
  status,
];

export const MSP_COLUMNS: SectionColumn<ConsoleMsp>[] = [
  column("name", "mspDisplayName", (m) => m.displayName),
  column("msp", "mspId", (m) => m.mspId),
];
