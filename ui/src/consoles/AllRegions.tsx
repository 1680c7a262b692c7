// All regions: one column per console, side by side, like the procedure's three clusters. Each
// column lists the console's CAs, organizations (MSPs), peers and ordering services, so an
// operator sees at a glance which region has what. Drag a tile onto another region's column to
// import it there (console_copy); the tile's ⋮ menu has "Copy to …" for the keyboard.
import { Renew, WarningAltFilled } from "@carbon/icons-react";
import { Button, InlineLoading } from "@carbon/react";
import { type DragEvent, useRef, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { CertsReport } from "../bindings/CertsReport";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import { loadingText } from "../components/carbonText";
import { EmptyState } from "../components/EmptyState";
import { StatusSquare } from "../components/NodeTile";
import { RegionSwitch } from "../sandbox/RegionDrill";
import { ComponentMenu } from "./ComponentMenu";
import { useConsolesUi } from "./ConsolesUi";
import { expiringTiles, useCertsReport } from "./certExpiry";
import {
  type ComponentRef,
  consolesHref,
  DRAG_TYPE,
  decodeDrag,
  encodeDrag,
  formatTime,
  REGION_SECTIONS,
  type RegionItem,
  regionItems,
  verdictStatus,
} from "./logic";
import { ConsolesTabs, ConsoleTags, ErrorNotice } from "./parts";
import { useConsoleComponents } from "./useConsoleComponents";

export function AllRegions() {
  const { t } = useTranslation("consoles");
  const ui = useConsolesUi();
  // The tile being dragged: `dragover` cannot read the drag data, only its types.
  const dragging = useRef<ComponentRef | null>(null);
  const certs = useCertsReport();

  return (
    <>
      <h1 className="fhd-page-title">{t("title")}</h1>
      <ConsolesTabs active="regions" />
      {ui.listError ? <ErrorNotice error={ui.listError} context={t("listUnreadable")} /> : null}
      {!ui.loaded ? null : ui.consoles.length === 0 ? (
        <EmptyState
          title={t("empty.title")}
          hint={
            <Trans
              t={t}
              i18nKey="regions.emptyHint"
              components={{
                // biome-ignore lint/a11y/useAnchorContent: Trans puts the translated link text inside.
                tab: <a href={consolesHref({ view: "list" })} />,
                code: <code className="fhd-code" />,
              }}
            />
          }
        />
      ) : (
        <>
          <p className="fhd-regions__intro">{t("regions.intro")}</p>
          <div
            className="fhd-regions"
            style={{ gridTemplateColumns: `repeat(${ui.consoles.length}, minmax(18rem, 1fr))` }}
          >
            {ui.consoles.map((c) => (
              <RegionColumn key={c.name} console={c} dragging={dragging} certs={certs} />
            ))}
          </div>
        </>
      )}
    </>
  );
}

function RegionColumn(props: {
  console: ConsoleSummary;
  dragging: { current: ComponentRef | null };
  certs: CertsReport | null;
}) {
  const { console: c, dragging } = props;
  const { t } = useTranslation("consoles");
  const ui = useConsolesUi();
  const components = useConsoleComponents(c.name, ui.versions[c.name] ?? 0);
  const [over, setOver] = useState(false);
  const verdict = verdictStatus(c.lastVerdict);
  const groups = components.data ? regionItems(components.data) : null;
  const expiring = components.data ? expiringTiles(components.data, props.certs) : null;

  const accepts = (event: DragEvent) =>
    event.dataTransfer.types.includes(DRAG_TYPE) && dragging.current?.console !== c.name;

  const onDragOver = (event: DragEvent<HTMLElement>) => {
    if (!accepts(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    if (!over) setOver(true);
  };
  const onDragLeave = (event: DragEvent<HTMLElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
  };
  const onDrop = (event: DragEvent<HTMLElement>) => {
    setOver(false);
    const payload = decodeDrag(event.dataTransfer.getData(DRAG_TYPE));
    if (!payload || payload.from === c.name) return;
    event.preventDefault();
    const known = dragging.current;
    const component: ComponentRef =
      known && known.console === payload.from && known.id === payload.componentId
        ? known
        : {
            console: payload.from,
            id: payload.componentId,
            kind: "peer",
            displayName: payload.componentId,
          };
    dragging.current = null;
    void ui.copy(payload.from, c.name, [component]);
  };

  return (
    <section
      className={`fhd-region${over ? " fhd-region--over" : ""}`}
      data-testid="region-column"
      data-console={c.name}
      aria-labelledby={`region-${c.name}-title`}
      onDragOver={onDragOver}
      onDragEnter={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      <header className="fhd-region__head">
        <div className="fhd-region__title-row">
          <h2 className="fhd-region__title" id={`region-${c.name}-title`}>
            <a href={consolesHref({ view: "console", name: c.name })}>{c.name}</a>
          </h2>
          <StatusSquare status={verdict.status} label={verdict.label} />
        </div>
        <p className="fhd-region__meta">
          <span className="fhd-region__region">{c.region || t("tile.noRegion")}</span>
          <ConsoleTags console={c} />
        </p>
        <p className="fhd-region__verdict">{verdict.label}</p>
        {c.sandbox ? <RegionSwitch consoleUrl={c.url} /> : null}
        <div className="fhd-region__fetch">
          <span>
            {components.loading
              ? t("regions.reading")
              : components.data
                ? t("regions.fetched", { time: formatTime(components.data.fetchedAt) })
                : ""}
          </span>
          <Button
            kind="ghost"
            size="sm"
            hasIconOnly
            renderIcon={Renew}
            iconDescription={t("regions.refresh", { name: c.name })}
            tooltipPosition="left"
            disabled={components.loading}
            onClick={components.refresh}
          />
        </div>
      </header>
      {components.error ? (
        <ErrorNotice
          error={components.error}
          context={t("componentsUnreadable", { name: c.name })}
        />
      ) : null}
      {groups ? (
        REGION_SECTIONS.map((section) => {
          const items = groups[section.kind];
          const title = t(`regions.section.${section.kind}`);
          return (
            <div key={section.kind} className="fhd-region__section" data-kind={section.kind}>
              <h3 className="fhd-region__section-title">
                {title} <span className="fhd-region__count">{items.length}</span>
              </h3>
              {items.length === 0 ? (
                <p className="fhd-region__none">{t("common:none")}</p>
              ) : (
                <ul
                  className="fhd-region__tiles"
                  aria-label={t("regions.sectionIn", { title, name: c.name })}
                >
                  {items.map((item) => (
                    <li key={item.id}>
                      <RegionTile item={item} dragging={dragging} expiry={expiring?.get(item.id)} />
                    </li>
                  ))}
                </ul>
              )}
            </div>
          );
        })
      ) : components.loading ? (
        <InlineLoading
          {...loadingText()}
          description={t("regions.readingConsole", { name: c.name })}
        />
      ) : null}
      <div className="fhd-region__drop" aria-hidden="true">
        {t("regions.drop", { name: c.name })}
      </div>
    </section>
  );
}

function RegionTile(props: {
  item: RegionItem;
  dragging: { current: ComponentRef | null };
  /** Why the tile carries "Certificate Expiration", when it does. */
  expiry?: string | undefined;
}) {
  const { item, dragging, expiry } = props;
  const { t } = useTranslation("data");
  return (
    <article
      className="fhd-rtile"
      draggable
      data-testid="region-tile"
      data-kind={item.kind}
      data-name={item.displayName}
      data-component-id={item.id}
      aria-label={item.displayName}
      onDragStart={(event) => {
        dragging.current = item;
        event.dataTransfer.effectAllowed = "copy";
        event.dataTransfer.setData(
          DRAG_TYPE,
          encodeDrag({ from: item.console, componentId: item.id }),
        );
        event.dataTransfer.setData("text/plain", item.displayName);
      }}
      onDragEnd={() => {
        dragging.current = null;
      }}
    >
      <div className="fhd-rtile__text">
        <h4 className="fhd-rtile__title">{item.displayName}</h4>
        {item.detail ? <p className="fhd-rtile__detail">{item.detail}</p> : null}
        {expiry ? (
          <p
            className="fhd-tile__label fhd-tile__label--certExpiration"
            data-testid="cert-expiration"
            title={expiry}
          >
            <WarningAltFilled size={16} className="fhd-tile__label-icon" aria-hidden="true" />
            <span>{t("tile.certExpiration")}</span>
          </p>
        ) : null}
      </div>
      {item.status ? <StatusSquare status={item.status} /> : null}
      <ComponentMenu
        component={item}
        node={item.kind === "peer" ? { mspId: item.detail || null, apiUrl: null } : undefined}
        mspId={item.kind === "peer" || item.kind === "msp" ? item.detail || null : null}
      />
    </article>
  );
}
