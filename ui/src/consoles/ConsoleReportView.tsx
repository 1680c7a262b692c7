// The per-item report of an import into a console (from the library, or a copy between
// consoles): imported / already present / present with other certificates / updated /
// rejected with the console's own message. A line whose record carries other certificates
// offers "Update record": the import or copy of that one component again, replacing the
// record's differing certificates through the console's edit route.

import { Button, InlineLoading } from "@carbon/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { consoleUpdateRecords } from "../api";
import type { ConsoleImportItem } from "../bindings/ConsoleImportItem";
import type { ConsoleImportReport } from "../bindings/ConsoleImportReport";
import { loadingText } from "../components/carbonText";
import { describeError } from "../errors";
import {
  differenceText,
  importSummary,
  isStale,
  kindLabel,
  outcomeText,
  updateSourceOf,
  withUpdatedLines,
} from "./logic";

const KINDS = ["ca", "msp", "peer", "orderer"] as const;
const kindText = (kind: string) =>
  (KINDS as readonly string[]).includes(kind) ? kindLabel(kind as (typeof KINDS)[number]) : kind;

type UpdateState = { pending: boolean; error: unknown };

function ItemRow(props: {
  console: string;
  item: ConsoleImportItem;
  update: UpdateState | undefined;
  onUpdate: (() => void) | null;
}) {
  const { item, update } = props;
  const { t } = useTranslation("consoles");
  const record = item.componentId ?? t("report.theRecord");
  const failed = update?.error ? describeError(update.error) : null;
  return (
    <li
      className={`fhd-creport__item fhd-creport__item--${item.outcome}`}
      data-testid="console-import-item"
      data-outcome={item.outcome}
      data-name={item.displayName}
    >
      <div className="fhd-creport__head">
        <span className={`fhd-creport__tag fhd-creport__tag--${item.outcome}`}>
          {outcomeText(item.outcome)}
        </span>
        <span className="fhd-creport__name">{item.displayName}</span>
        <span className="fhd-creport__kind">{kindText(item.kind)}</span>
      </div>
      {item.differences.length > 0 && (isStale(item.outcome) || item.outcome === "updated") ? (
        <p className="fhd-creport__message" data-testid="console-import-differences">
          {item.outcome === "updated"
            ? t("report.replaced", { record, fields: differenceText(item.differences) })
            : t("report.differs", {
                console: props.console,
                id: item.componentId ?? "",
                fields: differenceText(item.differences),
              })}
        </p>
      ) : null}
      {item.message ? (
        <p className="fhd-creport__message">
          {item.outcome === "rejected" ? t("report.consoleAnswered") : ""}
          <span className="fhd-creport__verbatim">{item.message}</span>
        </p>
      ) : null}
      {item.outcome === "imported" && item.componentId ? (
        <p className="fhd-creport__message">{t("report.newId", { id: item.componentId })}</p>
      ) : null}
      {isStale(item.outcome) && item.updatable && props.onUpdate === null ? (
        <p className="fhd-creport__message">{t("report.updateByCli")}</p>
      ) : null}
      {props.onUpdate ? (
        <div className="fhd-creport__actions">
          {update?.pending ? (
            <InlineLoading {...loadingText()} description={t("report.updating", { record })} />
          ) : (
            <Button
              kind="tertiary"
              size="sm"
              data-testid="console-import-update"
              onClick={props.onUpdate}
            >
              {t("report.update", { record, console: props.console })}
            </Button>
          )}
          {failed ? (
            <p className="fhd-creport__message fhd-creport__message--error" role="alert">
              {[failed.sentence, failed.fix].filter(Boolean).join(" ")}
            </p>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export default function ConsoleReportView(props: {
  report: ConsoleImportReport;
  /** Called with the console's name after a record was updated there. */
  onUpdated?: (console: string) => void;
}) {
  const { t } = useTranslation("consoles");
  const [report, setReport] = useState(props.report);
  const [seen, setSeen] = useState(props.report);
  const [updates, setUpdates] = useState<Record<number, UpdateState>>({});
  if (seen !== props.report) {
    // A new report from the parent replaces the one updated here.
    setSeen(props.report);
    setReport(props.report);
    setUpdates({});
  }

  const update = async (index: number, item: ConsoleImportItem) => {
    const source = updateSourceOf(item);
    if (!source) return;
    setUpdates((u) => ({ ...u, [index]: { pending: true, error: null } }));
    try {
      const fresh = await consoleUpdateRecords({ console: report.console, source });
      setReport((r) => withUpdatedLines(r, item, fresh.items));
      setUpdates({});
      props.onUpdated?.(report.console);
    } catch (error) {
      setUpdates((u) => ({ ...u, [index]: { pending: false, error } }));
    }
  };

  return (
    <section
      className="fhd-creport"
      data-testid="console-import-report"
      data-console={report.console}
      aria-label={t("report.label", { console: report.console })}
    >
      <p className="fhd-creport__summary" role="status">
        {t("report.headline", { console: report.console, summary: importSummary(report) })}
      </p>
      <ul className="fhd-creport__items">
        {report.items.map((item, i) => (
          <ItemRow
            // The same component may be listed twice (picked twice); rows never reorder, an
            // update replaces a row in place.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above.
            key={`${i}:${item.displayName}:${item.outcome}`}
            console={report.console}
            item={item}
            update={updates[i]}
            onUpdate={updateSourceOf(item) ? () => void update(i, item) : null}
          />
        ))}
      </ul>
    </section>
  );
}
