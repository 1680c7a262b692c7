// "Import into console": library artifacts (CAs, MSPs, peers, ordering services) → a console,
// never a duplicate. Opened from a library item's detail panel (that item ticked) or from a
// console's page (nothing ticked); ends in the per-item report.
import { Checkbox, InlineLoading, InlineNotification, Select, SelectItem } from "@carbon/react";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { consoleImport, consoleList } from "../api";
import type { ArtifactKind } from "../bindings/ArtifactKind";
import type { ConsoleImportReport } from "../bindings/ConsoleImportReport";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import type { LibraryItem } from "../bindings/LibraryItem";
import { EXPORT_KINDS } from "../data/library";
import { useLibrary } from "../data/WorkspaceData";
import { describeError } from "../errors";
import { formatNumber } from "../i18n";
import { PanelButton } from "../library/PanelParts";
import { SidePanel } from "../library/SidePanel";
import ConsoleReportView from "./ConsoleReportView";
import "./consoles.scss";
import { loadingText, notificationText } from "../components/carbonText";

/** Identities live in a browser's wallet, not in the console's records: they are not offered. */
export const IMPORTABLE: ReadonlySet<ArtifactKind> = new Set(["ca", "msp", "peer", "orderer"]);

type Phase =
  | { phase: "choose" }
  | { phase: "importing" }
  | { phase: "done"; report: ConsoleImportReport }
  | { phase: "failed"; error: unknown };

export default function ImportFromLibraryPanel(props: {
  consoles?: ConsoleSummary[] | undefined;
  initialConsole?: string | undefined;
  initialIds?: string[] | undefined;
  onClose: () => void;
  onImported?: (console: string) => void;
}) {
  const { t } = useTranslation("consoles");
  const { items } = useLibrary();
  const [consoles, setConsoles] = useState<ConsoleSummary[] | null>(props.consoles ?? null);
  const [listError, setListError] = useState<unknown>(null);
  const [target, setTarget] = useState(props.initialConsole ?? "");
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(props.initialIds ?? []));
  const [phase, setPhase] = useState<Phase>({ phase: "choose" });

  useEffect(() => {
    if (props.consoles) return;
    consoleList().then(setConsoles, setListError);
  }, [props.consoles]);

  useEffect(() => {
    if (target === "" && consoles?.[0]) setTarget(consoles[0].name);
  }, [consoles, target]);

  const groups = useMemo(
    () =>
      EXPORT_KINDS.filter((k) => IMPORTABLE.has(k.kind))
        .map((k) => ({ ...k, items: items.filter((i: LibraryItem) => i.kind === k.kind) }))
        .filter((g) => g.items.length > 0),
    [items],
  );

  const toggle = (id: string, on: boolean) =>
    setChosen((c) => {
      const next = new Set(c);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const ids = items.filter((i) => chosen.has(i.id) && IMPORTABLE.has(i.kind)).map((i) => i.id);

  const run = async () => {
    setPhase({ phase: "importing" });
    try {
      const report = await consoleImport(target, ids);
      setPhase({ phase: "done", report });
      props.onImported?.(target);
    } catch (error) {
      setPhase({ phase: "failed", error });
    }
  };

  const done = phase.phase === "done";
  const failed = phase.phase === "failed" ? describeError(phase.error) : null;
  const listFailed = listError ? describeError(listError) : null;

  return (
    <SidePanel
      id="import-into-console-panel"
      title={t("importPanel.title")}
      onClose={props.onClose}
      footer={
        done ? (
          <PanelButton kind="primary" primaryFocus onClick={props.onClose}>
            {t("common:done")}
          </PanelButton>
        ) : (
          <>
            <PanelButton kind="cancel" onClick={props.onClose}>
              {t("common:cancel")}
            </PanelButton>
            <PanelButton
              kind="primary"
              id="import-into-console-submit"
              disabled={phase.phase === "importing" || target === "" || ids.length === 0}
              onClick={() => void run()}
            >
              {phase.phase === "importing" ? t("importPanel.importing") : t("common:import")}
            </PanelButton>
          </>
        )
      }
    >
      {phase.phase === "done" ? (
        <ConsoleReportView report={phase.report} onUpdated={props.onImported} />
      ) : phase.phase === "importing" ? (
        <InlineLoading
          {...loadingText()}
          className="fhd-panel__loading"
          description={t("importPanel.progress", {
            what: t("report.components", { count: ids.length, n: formatNumber(ids.length) }),
            console: target,
          })}
        />
      ) : (
        <>
          <p className="fhd-panel__intro">{t("importPanel.intro")}</p>
          {listFailed ? (
            <InlineNotification
              {...notificationText("error")}
              kind="error"
              lowContrast
              hideCloseButton
              title={listFailed.sentence}
              subtitle={listFailed.fix}
            />
          ) : consoles === null ? (
            <InlineLoading {...loadingText()} description={t("importPanel.readingConsoles")} />
          ) : consoles.length === 0 ? (
            <p className="fhd-panel__text">{t("importPanel.noConsoles")}</p>
          ) : (
            <Select
              id="import-into-console-target"
              labelText={t("importPanel.console")}
              value={target}
              onChange={(event) => setTarget(event.target.value)}
              data-modal-primary-focus
            >
              {consoles.map((c) => (
                <SelectItem
                  key={c.name}
                  value={c.name}
                  text={c.region ? `${c.name} (${c.region})` : c.name}
                />
              ))}
            </Select>
          )}
          <fieldset className="fhd-import-pick" aria-label={t("importPanel.components")}>
            {groups.length === 0 ? (
              <p className="fhd-panel__text">{t("importPanel.emptyLibrary")}</p>
            ) : (
              groups.map((group) => (
                <div key={group.kind} className="fhd-import-pick__group">
                  <p className="fhd-import-pick__title">{group.label}</p>
                  {group.items.map((item) => (
                    <Checkbox
                      key={item.id}
                      id={`import-pick-${item.id}`}
                      labelText={
                        item.mspId ? `${item.displayName} (${item.mspId})` : item.displayName
                      }
                      checked={chosen.has(item.id)}
                      onChange={(_event, { checked }) => toggle(item.id, checked)}
                    />
                  ))}
                </div>
              ))
            )}
          </fieldset>
          {failed ? (
            <InlineNotification
              {...notificationText("error")}
              kind="error"
              lowContrast
              hideCloseButton
              title={failed.sentence}
              subtitle={[failed.fix, failed.detail !== failed.sentence ? failed.detail : ""]
                .filter(Boolean)
                .join(" ")}
            />
          ) : null}
        </>
      )}
    </SidePanel>
  );
}
