// List-view columns of the consoles and of a console's components (console-api.md §7.3, §7.6).

import type { ConsoleMsp } from "../bindings/ConsoleMsp";
import type { ConsoleNode } from "../bindings/ConsoleNode";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import { StatusDot } from "../components/NodeTile";
import { STATUS_LABEL } from "../components/status";
import type { SectionColumn } from "../components/TileSection";
import { locationText } from "../data/library";
import { verdictStatus } from "./logic";

export const CONSOLE_COLUMNS: SectionColumn<ConsoleSummary>[] = [
  { key: "name", header: "Display name", text: (c) => c.name },
  { key: "region", header: "Region", text: (c) => c.region || "-" },
  { key: "url", header: "URL", text: (c) => c.url },
  {
    key: "verdict",
    header: "Connection",
    text: (c) => verdictStatus(c.lastVerdict).label,
    render: (c) => {
      const { status, label } = verdictStatus(c.lastVerdict);
      return <StatusDot status={status} label={label} />;
    },
  },
];

const status: SectionColumn<ConsoleNode> = {
  key: "status",
  header: "Status",
  text: (n) => STATUS_LABEL[n.status],
  render: (n) => <StatusDot status={n.status} />,
};

export const NODE_COLUMNS: SectionColumn<ConsoleNode>[] = [
  { key: "name", header: "Display name", text: (n) => n.displayName },
  { key: "msp", header: "MSP ID", text: (n) => n.mspId ?? "-" },
  { key: "location", header: "Location", text: (n) => locationText(n.location) },
  { key: "url", header: "URL", text: (n) => n.apiUrl ?? "-" },
  status,
];

export const CA_COLUMNS: SectionColumn<ConsoleNode>[] = [
  { key: "name", header: "Display name", text: (n) => n.displayName },
  { key: "location", header: "Location", text: (n) => locationText(n.location) },
  { key: "url", header: "Certificate Authority endpoint URL", text: (n) => n.apiUrl ?? "-" },
  status,
];

export const MSP_COLUMNS: SectionColumn<ConsoleMsp>[] = [
  { key: "name", header: "MSP display name", text: (m) => m.displayName },
  { key: "msp", header: "MSP ID", text: (m) => m.mspId },
];
