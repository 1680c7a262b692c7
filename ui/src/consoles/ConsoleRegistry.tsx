// The Consoles tab: every console as a tile (name, region, URL, Sandbox / Not encrypted, the
// last connection verdict as the status square), Add console, and each tile's menu.
import { Button } from "@carbon/react";
import { Trans, useTranslation } from "react-i18next";
import { TileSection } from "../components/TileSection";
import { useAppState } from "../state";
import { useConsolesUi } from "./ConsolesUi";
import { CONSOLE_COLUMNS } from "./columns";
import { consolesHref, consoleTile } from "./logic";
import { ConsolesTabs, ErrorNotice, VerdictNotice } from "./parts";
import { TileMenu } from "./TileMenu";

export function ConsoleRegistry() {
  const { t } = useTranslation("consoles");
  const ui = useConsolesUi();
  const { settings } = useAppState();
  const open = (name: string) => () => {
    window.location.hash = consolesHref({ view: "console", name }).slice(1);
  };

  return (
    <>
      <h1 className="fhd-page-title">{t("title")}</h1>
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
          <ErrorNotice error={ui.listError} context={t("listUnreadable")} />
          <Button kind="tertiary" size="sm" onClick={() => void ui.reloadList()}>
            {t("common:retry")}
          </Button>
        </div>
      ) : null}
      {!ui.loaded ? null : (
        <TileSection
          id="consoles"
          title={t("title")}
          info={t("registry.info")}
          items={ui.consoles}
          itemKey={(c) => c.name}
          toTile={consoleTile}
          columns={CONSOLE_COLUMNS}
          actions={[{ label: t("registry.add"), onClick: ui.openAdd }]}
          emptyTitle={t("empty.title")}
          emptyHint={
            <Trans
              t={t}
              i18nKey="registry.emptyHint"
              components={{ code: <code className="fhd-code" /> }}
            />
          }
          defaultPageSize={settings.pageSize}
          onOpen={(c) => open(c.name)}
          tileMenu={(c) => (
            <TileMenu
              label={t("menu.actionsFor", { name: c.name })}
              items={[
                { label: t("registry.open"), onClick: open(c.name) },
                {
                  label: t("registry.test"),
                  onClick: () => void ui.test(c.name),
                  disabled: ui.tests[c.name]?.pending === true,
                },
                { label: t("common:edit"), onClick: () => ui.openEdit(c) },
                { label: t("common:remove"), onClick: () => ui.openRemove(c) },
              ]}
            />
          )}
        />
      )}
    </>
  );
}
