// One console's live tiles: its Nodes page (Peers, Certificate Authorities, Ordering services —
// one tile per cluster) and Organizations (MSP definitions), with the console's status colours,
// refreshed every 60 s while visible and on demand.
import { Renew } from "@carbon/icons-react";
import { Button } from "@carbon/react";
import { Trans, useTranslation } from "react-i18next";
import type { ConsoleMsp } from "../bindings/ConsoleMsp";
import type { ConsoleNode } from "../bindings/ConsoleNode";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import { EmptyState } from "../components/EmptyState";
import { StatusSquare } from "../components/NodeTile";
import { TileSection } from "../components/TileSection";
import { RegionSwitch } from "../sandbox/RegionDrill";
import { useAppState } from "../state";
import { ComponentMenu } from "./ComponentMenu";
import { useConsolesUi } from "./ConsolesUi";
import { CA_COLUMNS, MSP_COLUMNS, NODE_COLUMNS } from "./columns";
import {
  type ComponentKind,
  consoleMspTile,
  consoleNodeTile,
  consolesHref,
  formatTime,
  nodeKind,
  verdictStatus,
} from "./logic";
import { ConsoleTags, ErrorNotice, VerdictNotice } from "./parts";
import { useConsoleComponents } from "./useConsoleComponents";

export function ConsoleDetail(props: { name: string }) {
  const { t } = useTranslation("consoles");
  const ui = useConsolesUi();
  const summary = ui.consoles.find((c) => c.name === props.name);
  if (!ui.loaded) return null;
  if (!summary) {
    return (
      <>
        <Breadcrumb name={props.name} />
        <h1 className="fhd-page-title">{props.name}</h1>
        <EmptyState
          title={t("detail.missing")}
          hint={
            <Trans
              t={t}
              i18nKey="detail.missingHint"
              components={{
                // biome-ignore lint/a11y/useAnchorContent: Trans puts the translated link text inside.
                back: <a href={consolesHref({ view: "list" })} />,
              }}
            />
          }
        />
      </>
    );
  }
  return <ConsoleDetailOf console={summary} />;
}

function Breadcrumb(props: { name: string }) {
  const { t } = useTranslation("consoles");
  return (
    <nav className="fhd-crumbs" aria-label={t("detail.breadcrumb")}>
      <a href={consolesHref({ view: "list" })}>{t("title")}</a>
      <span aria-hidden="true"> / </span>
      <span aria-current="page">{props.name}</span>
    </nav>
  );
}

function ConsoleDetailOf(props: { console: ConsoleSummary }) {
  const { console: c } = props;
  const { t } = useTranslation("consoles");
  const ui = useConsolesUi();
  const { settings } = useAppState();
  const components = useConsoleComponents(c.name, ui.versions[c.name] ?? 0);
  const { data } = components;
  const test = ui.tests[c.name];
  const verdict = verdictStatus(c.lastVerdict);

  const ref = (kind: ComponentKind, item: { id: string; displayName: string }) => ({
    console: c.name,
    id: item.id,
    kind,
    displayName: item.displayName,
  });
  // Texts of each section: `consoles:detail.<id>.title`, `.info` and `.empty`.
  const nodeSection = (
    id: "peers" | "cas" | "orderers",
    items: ConsoleNode[],
    columns: typeof NODE_COLUMNS,
  ) => (
    <TileSection
      id={`console-${id}`}
      title={t(`detail.${id}.title`)}
      info={t(`detail.${id}.info`)}
      items={items}
      itemKey={(n) => n.id}
      toTile={(n) => consoleNodeTile(n)}
      columns={columns}
      actions={[]}
      emptyTitle={data ? t(`detail.${id}.empty`) : t("detail.notRead")}
      emptyHint={data ? t("detail.hasNone", { name: c.name }) : t("detail.notReadHint")}
      defaultPageSize={settings.pageSize}
      tileMenu={(n) => <ComponentMenu component={ref(nodeKind(n.kind), n)} node={n} />}
      onOpen={(n) =>
        nodeKind(n.kind) === "peer" ? () => ui.openPeer(ref("peer", n), "details", n) : undefined
      }
    />
  );

  return (
    <div className="fhd-console-detail" data-console={c.name}>
      <Breadcrumb name={c.name} />
      <div className="fhd-console-head">
        <div className="fhd-console-head__title">
          <h1 className="fhd-page-title">{c.name}</h1>
          <StatusSquare status={verdict.status} label={verdict.label} />
        </div>
        <p className="fhd-console-head__meta">
          <span>{c.region || t("tile.noRegion")}</span>
          <span className="fhd-console-head__url">{c.url}</span>
          <ConsoleTags console={c} />
        </p>
        <div className="fhd-console-head__actions">
          {c.sandbox ? <RegionSwitch consoleUrl={c.url} /> : null}
          <span className="fhd-fetched" data-testid="console-fetched" aria-live="polite">
            {components.loading
              ? t("regions.reading")
              : data
                ? t("detail.lastFetched", { time: formatTime(data.fetchedAt) })
                : ""}
          </span>
          <Button
            kind="ghost"
            size="md"
            renderIcon={Renew}
            disabled={components.loading}
            onClick={components.refresh}
          >
            {t("common:refresh")}
          </Button>
          <Button
            kind="tertiary"
            size="md"
            disabled={test?.pending === true}
            onClick={() => void ui.test(c.name)}
          >
            {t("registry.test")}
          </Button>
          <Button kind="tertiary" size="md" onClick={() => ui.openEdit(c)}>
            {t("common:edit")}
          </Button>
          <Button kind="danger--tertiary" size="md" onClick={() => ui.openRemove(c)}>
            {t("common:remove")}
          </Button>
          <Button kind="primary" size="md" onClick={() => ui.importFromLibrary(c.name)}>
            {t("detail.importFromLibrary")}
          </Button>
        </div>
      </div>
      <div className="fhd-verdicts" aria-live="polite">
        {test ? (
          <VerdictNotice name={c.name} state={test} onClose={() => ui.dismissTest(c.name)} />
        ) : null}
        {components.error ? (
          <ErrorNotice
            error={components.error}
            context={t("componentsUnreadable", { name: c.name })}
          />
        ) : null}
      </div>
      <h2 className="fhd-console-group">{t("detail.nodes")}</h2>
      {nodeSection("peers", data?.peers ?? [], NODE_COLUMNS)}
      {nodeSection("cas", data?.cas ?? [], CA_COLUMNS)}
      {nodeSection("orderers", data?.orderers ?? [], NODE_COLUMNS)}
      <h2 className="fhd-console-group">{t("detail.organizations")}</h2>
      <TileSection
        id="console-msps"
        title={t("detail.msps.title")}
        info={t("detail.msps.info")}
        items={data?.msps ?? []}
        itemKey={(m: ConsoleMsp) => m.id}
        toTile={consoleMspTile}
        columns={MSP_COLUMNS}
        actions={[]}
        emptyTitle={data ? t("detail.msps.empty") : t("detail.notRead")}
        emptyHint={data ? t("detail.msps.none", { name: c.name }) : t("detail.msps.notReadHint")}
        variant="msp"
        defaultPageSize={6}
        tileMenu={(m) => <ComponentMenu component={ref("msp", m)} />}
      />
    </div>
  );
}
