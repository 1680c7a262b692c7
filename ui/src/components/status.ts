// Status labels of the console (console-api.md §7.4); colours live in styles/_status.scss.
import type { NodeStatus } from "../data/model";
import { i18n } from "../i18n";

export type TileStatus = NodeStatus;

export const TILE_STATUSES: readonly TileStatus[] = [
  "running",
  "stopped",
  "partial",
  "undetectable",
  "unknown",
  "pending",
];

/** The console's label of a status, in the current language (`common:status.<status>`). */
export function statusLabel(status: TileStatus): string {
  return i18n.t(`common:status.${status}`);
}
