// One console's live tiles: its Nodes page (Peers, Certificate Authorities, Ordering services —
// one tile per cluster) and Organizations (MSP definitions), with the console's status colours,
// refreshed every 60 s while visible and on demand.
import { Renew } from "@carbon/icons-react";
import { Button } from "@carbon/react";
import type { ConsoleMsp } from "../bindings/ConsoleMsp";
import type { ConsoleNode } from "../bindings/ConsoleNode";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import { EmptyState } from "../components/EmptyState";
import { StatusSquare } from "../components/NodeTile";
import { TileSection } from "../components/TileSection";
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
  const ui = useConsolesUi();
  const summary = ui.consoles.find((c) => c.name === props.name);
  if (!ui.loaded) return null;
  if (!summary) {
    return (
      <>
        <Breadcrumb name={props.name} />
        <h1 className="fhd-page-title">{props.name}</h1>
        <EmptyState
          title="No console by this name"
          hint={
            <>
              It may have been removed or renamed.{" "}
              <a href={consolesHref({ view: "list" })}>Back to the consoles</a>
            </>
          }
        />
      </>
    );
  }
  return <ConsoleDetailOf console={summary} />;
}

function Breadcrumb(props: { name: string }) {
  return (
    <nav className="fhd-crumbs" aria-label="Breadcrumb">
      <a href={consolesHref({ view: "list" })}>Consoles</a>
      <span aria-hidden="true"> / </span>
      <span aria-current="page">{props.name}</span>
    </nav>
  );
}

function ConsoleDetailOf(props: { console: ConsoleSummary }) {
  const { console: c } = props;
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
  const nodeSection = (
    id: string,
    title: string,
    info: string,
    items: ConsoleNode[],
    columns: typeof NODE_COLUMNS,
    empty: string,
  ) => (
    <TileSection
      id={`console-${id}`}
      title={title}
      info={info}
      items={items}
      itemKey={(n) => n.id}
      toTile={(n) => consoleNodeTile(n)}
      columns={columns}
      actions={[]}
      emptyTitle={data ? empty : "Not read yet"}
      emptyHint={data ? `${c.name} has none.` : "The console's components appear once it answers."}
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
          <span>{c.region || "No region"}</span>
          <span className="fhd-console-head__url">{c.url}</span>
          <ConsoleTags console={c} />
        </p>
        <div className="fhd-console-head__actions">
          <span className="fhd-fetched" data-testid="console-fetched" aria-live="polite">
            {components.loading
              ? "Reading…"
              : data
                ? `Last fetched ${formatTime(data.fetchedAt)}`
                : ""}
          </span>
          <Button
            kind="ghost"
            size="md"
            renderIcon={Renew}
            disabled={components.loading}
            onClick={components.refresh}
          >
            Refresh
          </Button>
          <Button
            kind="tertiary"
            size="md"
            disabled={test?.pending === true}
            onClick={() => void ui.test(c.name)}
          >
            Test connection
          </Button>
          <Button kind="tertiary" size="md" onClick={() => ui.openEdit(c)}>
            Edit
          </Button>
          <Button kind="danger--tertiary" size="md" onClick={() => ui.openRemove(c)}>
            Remove
          </Button>
          <Button kind="primary" size="md" onClick={() => ui.importFromLibrary(c.name)}>
            Import from library
          </Button>
        </div>
      </div>
      <div className="fhd-verdicts" aria-live="polite">
        {test ? (
          <VerdictNotice name={c.name} state={test} onClose={() => ui.dismissTest(c.name)} />
        ) : null}
        {components.error ? (
          <ErrorNotice error={components.error} context={`${c.name} could not be read`} />
        ) : null}
      </div>
      <h2 className="fhd-console-group">Nodes</h2>
      {nodeSection(
        "peers",
        "Peers",
        "The console's peers, with the status it reports.",
        data?.peers ?? [],
        NODE_COLUMNS,
        "No peers",
      )}
      {nodeSection(
        "cas",
        "Certificate Authorities",
        "The console's Certificate Authorities.",
        data?.cas ?? [],
        CA_COLUMNS,
        "No Certificate Authorities",
      )}
      {nodeSection(
        "orderers",
        "Ordering services",
        "One tile per ordering cluster; its square is the cluster's aggregate status.",
        data?.orderers ?? [],
        NODE_COLUMNS,
        "No ordering services",
      )}
      <h2 className="fhd-console-group">Organizations</h2>
      <TileSection
        id="console-msps"
        title="Available organizations"
        info="The console's MSP definitions."
        items={data?.msps ?? []}
        itemKey={(m: ConsoleMsp) => m.id}
        toTile={consoleMspTile}
        columns={MSP_COLUMNS}
        actions={[]}
        emptyTitle={data ? "No organizations" : "Not read yet"}
        emptyHint={
          data ? `${c.name} has no MSP definitions.` : "The console's MSPs appear once it answers."
        }
        variant="msp"
        defaultPageSize={6}
        tileMenu={(m) => <ComponentMenu component={ref("msp", m)} />}
      />
    </div>
  );
}
