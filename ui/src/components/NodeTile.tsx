// The console's tile (ItemContainerTile): title top-left, subtitle under it, a 20 px status
// square in the top-right corner, and a stack of labels pinned to the bottom-left.
import { Cloud, DocumentImport, WarningAltFilled } from "@carbon/icons-react";
import type { ComponentType, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { HoverTip } from "./HoverTip";
import { statusLabel, type TileStatus } from "./status";

export type { TileStatus } from "./status";

export type TileLabelKind =
  | "imported"
  | "location"
  | "nodeOu"
  | "certExpiration"
  | "text"
  /** A small pill (e.g. "Sandbox"). */
  | "tag"
  /** A warning in the console's warning colour (e.g. "Not encrypted"). */
  | "warning";

export interface TileLabel {
  kind: TileLabelKind;
  text: string;
}

/** What a tile shows. `status` is left out for tiles without a square (MSPs, identities). */
export interface TileData {
  id: string;
  title: string;
  subtitle?: string;
  status?: TileStatus;
  /** Replaces the status label (e.g. a deployer condition name while pending). */
  statusLabel?: string;
  labels: TileLabel[];
  /** Extra `data-*` attributes of the tile (`{ testid: "x" }` → `data-testid="x"`). */
  data?: Record<string, string>;
}

/** node: 201x201 (peers, CAs, orderers, consoles); msp: ≈402 wide and shorter;
 * identity: ≈201 wide and taller than wide, larger footer text. */
export type TileVariant = "node" | "msp" | "identity";

const LABEL_ICON: Partial<
  Record<TileLabelKind, ComponentType<{ size?: number; className?: string }>>
> = {
  imported: DocumentImport,
  location: Cloud,
  certExpiration: WarningAltFilled,
  warning: WarningAltFilled,
};

export function StatusSquare(props: { status: TileStatus; label?: string | undefined }) {
  useTranslation();
  const label = props.label ?? statusLabel(props.status);
  return (
    <span className="fhd-status-tooltip">
      <span
        className={`fhd-status-square fhd-status--${props.status}`}
        role="img"
        aria-label={label}
        data-status={props.status}
      />
      <HoverTip label={label} side="bottom-end" />
    </span>
  );
}

/** The list view's status cell: a small dot and the label. */
export function StatusDot(props: { status: TileStatus; label?: string | undefined }) {
  useTranslation();
  const label = props.label ?? statusLabel(props.status);
  return (
    <span className="fhd-status-cell" data-status={props.status}>
      <span className={`fhd-status-dot fhd-status-dot--${props.status}`} aria-hidden="true" />
      {label}
    </span>
  );
}

export function NodeTile(props: {
  tile: TileData;
  variant?: TileVariant;
  /** Makes the whole tile a button that opens the item's details. */
  onOpen?: (() => void) | undefined;
  /** An overflow menu, in the bottom-right corner. */
  menu?: ReactNode;
}) {
  const { t } = useTranslation("components");
  const { tile, variant = "node", onOpen } = props;
  const data = tile.data
    ? Object.fromEntries(Object.entries(tile.data).map(([k, v]) => [`data-${k}`, v]))
    : undefined;
  return (
    <article
      className={`fhd-tile fhd-tile--${variant}${onOpen ? " fhd-tile--openable" : ""}`}
      data-tile-id={tile.id}
      aria-label={tile.title}
      {...data}
    >
      {onOpen ? (
        <button
          type="button"
          className="fhd-tile__open"
          aria-label={t("tile.showDetails", { title: tile.title })}
          onClick={onOpen}
        />
      ) : null}
      <div className="fhd-tile__head">
        <h3 className="fhd-tile__title">{tile.title}</h3>
        {tile.subtitle ? <p className="fhd-tile__subtitle">{tile.subtitle}</p> : null}
      </div>
      {tile.status ? <StatusSquare status={tile.status} label={tile.statusLabel} /> : null}
      {tile.labels.length > 0 ? (
        <ul className="fhd-tile__labels">
          {tile.labels.map((label) => {
            const Icon = LABEL_ICON[label.kind];
            return (
              <li
                key={`${label.kind}:${label.text}`}
                className={`fhd-tile__label fhd-tile__label--${label.kind}`}
              >
                {Icon ? (
                  <Icon size={16} className="fhd-tile__label-icon" aria-hidden="true" />
                ) : null}
                <span>{label.text}</span>
              </li>
            );
          })}
        </ul>
      ) : null}
      {props.menu ? <div className="fhd-tile__menu">{props.menu}</div> : null}
    </article>
  );
}
