// Status labels of the console (console-api.md §7.4); colours live in styles/_status.scss.
import type { NodeStatus } from "../data/model";

export type TileStatus = NodeStatus;

export const TILE_STATUSES: readonly TileStatus[] = [
  "running",
  "stopped",
  "partial",
  "undetectable",
  "unknown",
  "pending",
];

export const STATUS_LABEL: Record<TileStatus, string> = {
  running: "Running",
  stopped: "Stopped",
  partial: "Your ordering service may be down",
  undetectable: "Status undetectable",
  unknown: "Status unknown",
  pending: "Status pending",
};
