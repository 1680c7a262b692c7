// The Consoles tab: every console as a tile (name, region, URL, Sandbox / Not encrypted, the
// last connection verdict as the status square), Add console, and each tile's menu.
import { Button } from "@carbon/react";
import { TileSection } from "../components/TileSection";
import { useAppState } from "../state";
import { useConsolesUi } from "./ConsolesUi";
import { CONSOLE_COLUMNS } from "./columns";
import { consolesHref, consoleTile } from "./logic";
import { ConsolesTabs, ErrorNotice, VerdictNotice } from "./parts";
import { TileMenu } from "./TileMenu";

export function ConsoleRegistry() {
  const ui = useConsolesUi();
  const { settings } = useAppState();
  const open = (name: string) => () => {
    window.location.hash = consolesHref({ view: "console", name }).slice(1);
  };

  return (
    <>
      <h1 className="fhd-page-title">Consoles</h1>
      <ConsolesTabs active="list" />
      <div className="fhd-verdicts" aria-live="polite">
        {Object.entries(ui.tests).map(([name, state]) => (
          <VerdictNotice
            key={name}
            name={name}
            state={state}
            onClose={() => ui.dismissTest(name)}
          />
        ))}
      </div>
      {ui.listError ? (
        <div className="fhd-verdicts">
          <ErrorNotice error={ui.listError} context="The consoles could not be read" />
          <Button kind="tertiary" size="sm" onClick={() => void ui.reloadList()}>
            Try again
          </Button>
        </div>
      ) : null}
      {!ui.loaded ? null : (
        <TileSection
          id="consoles"
          title="Consoles"
          info="Each console is one region: the Fabric Operations Console of one cluster. Open a console to see its nodes and organizations; the All regions tab shows them side by side."
          items={ui.consoles}
          itemKey={(c) => c.name}
          toTile={consoleTile}
          columns={CONSOLE_COLUMNS}
          actions={[{ label: "Add console", onClick: ui.openAdd }]}
          emptyTitle="No consoles yet"
          emptyHint={
            <>
              Add the URL and an API key of a Fabric Operations Console. To try the app without a
              cluster, run <code className="fhd-code">fabric-ha sandbox --register</code>: it starts
              three test consoles on this computer and adds them here.
            </>
          }
          defaultPageSize={settings.pageSize}
          onOpen={(c) => open(c.name)}
          tileMenu={(c) => (
            <TileMenu
              label={`Actions for ${c.name}`}
              items={[
                { label: "Open", onClick: open(c.name) },
                {
                  label: "Test connection",
                  onClick: () => void ui.test(c.name),
                  disabled: ui.tests[c.name]?.pending === true,
                },
                { label: "Edit", onClick: () => ui.openEdit(c) },
                { label: "Remove", onClick: () => ui.openRemove(c) },
              ]}
            />
          )}
        />
      )}
    </>
  );
}
