// The per-item report of an import into a console (from the library, or a copy between
// consoles): imported / already present / rejected with the console's own message.

import type { ConsoleImportItem } from "../bindings/ConsoleImportItem";
import type { ConsoleImportReport } from "../bindings/ConsoleImportReport";
import { importSummary, KIND_LABEL, OUTCOME_TEXT } from "./logic";

const kindText = (kind: string) =>
  Object.hasOwn(KIND_LABEL, kind) ? KIND_LABEL[kind as keyof typeof KIND_LABEL] : kind;

function ItemRow(props: { item: ConsoleImportItem }) {
  const { item } = props;
  return (
    <li
      className={`fhd-creport__item fhd-creport__item--${item.outcome}`}
      data-testid="console-import-item"
      data-outcome={item.outcome}
      data-name={item.displayName}
    >
      <div className="fhd-creport__head">
        <span className={`fhd-creport__tag fhd-creport__tag--${item.outcome}`}>
          {OUTCOME_TEXT[item.outcome]}
        </span>
        <span className="fhd-creport__name">{item.displayName}</span>
        <span className="fhd-creport__kind">{kindText(item.kind)}</span>
      </div>
      {item.message ? (
        <p className="fhd-creport__message">
          {item.outcome === "rejected" ? "The console answered: " : ""}
          <span className="fhd-creport__verbatim">{item.message}</span>
        </p>
      ) : null}
      {item.outcome === "imported" && item.componentId ? (
        <p className="fhd-creport__message">{`New component id: ${item.componentId}`}</p>
      ) : null}
    </li>
  );
}

export default function ConsoleReportView(props: { report: ConsoleImportReport }) {
  const { report } = props;
  return (
    <section
      className="fhd-creport"
      data-testid="console-import-report"
      data-console={report.console}
      aria-label={`Import report for ${report.console}`}
    >
      <p className="fhd-creport__summary" role="status">
        {`${report.console} — ${importSummary(report)}`}
      </p>
      <ul className="fhd-creport__items">
        {report.items.map((item, i) => (
          // The same component may be listed twice (picked twice); rows never reorder.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above.
          <ItemRow key={`${i}:${item.displayName}`} item={item} />
        ))}
      </ul>
    </section>
  );
}
