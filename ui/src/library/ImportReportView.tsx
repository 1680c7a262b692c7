// The per-file report every import ends in: one row per file with its status tag, each finding
// (severity icon, JSON path, what is wrong in the window's language) and the components stored
// from it.
import { ErrorFilled, WarningAltFilled } from "@carbon/icons-react";
import { useTranslation } from "react-i18next";
import type { ImportedFile } from "../bindings/ImportedFile";
import type { ImportReport } from "../bindings/ImportReport";
import type { ImportStatus } from "../bindings/ImportStatus";
import { KIND_NAME } from "../data/library";
import { formatNumber, i18n, joinList } from "../i18n";
import { findingText } from "./findingText";

/** A file's status in words (`library:report.status.<status>`). */
export function importStatusText(status: ImportStatus): string {
  return i18n.t(`library:report.status.${status}`);
}

const STATUSES: readonly ImportStatus[] = ["accepted", "acceptedWithWarnings", "rejected"];

/** "3 files: 1 accepted, 1 accepted with warnings, 1 rejected." */
export function reportSummary(report: ImportReport): string {
  const count = (status: ImportStatus) => report.files.filter((f) => f.status === status).length;
  const parts = STATUSES.map((s) => [count(s), s] as const)
    .filter(([n]) => n > 0)
    .map(([n, s]) => i18n.t(`library:report.counted.${s}`, { n: formatNumber(n) }));
  const total = report.files.length;
  const files = i18n.t("library:files", { count: total, n: formatNumber(total) });
  return parts.length
    ? i18n.t("library:report.summary", { files, parts: joinList(parts) })
    : i18n.t("library:report.summaryEmpty", { files });
}

/** The part of a finding's file name worth showing under the row's own file name: the zip
 * entry (`archive.zip!/Peers/x.json` → `Peers/x.json`), or nothing when it is the same file. */
function entryName(findingFile: string, file: string): string {
  if (findingFile === file || findingFile === "") return "";
  const bang = findingFile.indexOf("!/");
  return bang >= 0 ? findingFile.slice(bang + 2) : findingFile;
}

function FileRow(props: { file: ImportedFile }) {
  const { file } = props;
  const { t } = useTranslation("library");
  return (
    <li
      className={`fhd-report__file fhd-report__file--${file.status}`}
      data-testid="import-file"
      data-status={file.status}
    >
      <div className="fhd-report__head">
        <span className={`fhd-report__tag fhd-report__tag--${file.status}`}>
          {importStatusText(file.status)}
        </span>
        <span className="fhd-report__name">{file.file}</span>
      </div>
      {file.findings.length > 0 ? (
        <ul
          className="fhd-report__findings"
          aria-label={t("report.findingsIn", { file: file.file })}
        >
          {file.findings.map((finding, i) => {
            const Icon = finding.severity === "error" ? ErrorFilled : WarningAltFilled;
            const entry = entryName(finding.file, file.file);
            return (
              <li
                // Findings have no id; their order is the file's document order.
                // biome-ignore lint/suspicious/noArrayIndexKey: the list never reorders.
                key={i}
                className={`fhd-report__finding fhd-report__finding--${finding.severity}`}
                data-severity={finding.severity}
              >
                <Icon
                  size={16}
                  className="fhd-report__finding-icon"
                  aria-label={
                    finding.severity === "error" ? t("report.error") : t("report.warning")
                  }
                />
                <span className="fhd-report__finding-text">
                  {entry ? <span className="fhd-report__entry">{entry}</span> : null}
                  {finding.path ? <code className="fhd-report__path">{finding.path}</code> : null}
                  <span className="fhd-report__message">{findingText(finding)}</span>
                </span>
              </li>
            );
          })}
        </ul>
      ) : null}
      {file.status === "rejected" ? (
        <p className="fhd-report__note">{t("report.nothingStored")}</p>
      ) : null}
      {file.artifacts.length > 0 ? (
        <ul
          className="fhd-report__components"
          aria-label={t("report.storedFrom", { file: file.file })}
        >
          {file.artifacts.map((artifact) => (
            <li key={artifact.id} className="fhd-report__component" data-new={artifact.new}>
              <span className="fhd-report__kind">{KIND_NAME[artifact.kind]}</span>
              <span className="fhd-report__component-name">
                {t(artifact.new ? "report.new" : "report.known", { name: artifact.displayName })}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export default function ImportReportView(props: { report: ImportReport }) {
  const { report } = props;
  const { t } = useTranslation("library");
  return (
    <section className="fhd-report" data-testid="import-report" aria-label={t("report.title")}>
      <p className="fhd-report__summary" role="status">
        {reportSummary(report)}
      </p>
      <ul className="fhd-report__files">
        {report.files.map((file, i) => (
          // The same file name can appear twice (picked from two folders).
          // biome-ignore lint/suspicious/noArrayIndexKey: rows never reorder.
          <FileRow key={`${i}:${file.file}`} file={file} />
        ))}
      </ul>
    </section>
  );
}
