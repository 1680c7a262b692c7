// The per-file report every import ends in: one row per file with its status tag, each finding
// (severity icon, JSON path, message) and the components stored from it.
import { ErrorFilled, WarningAltFilled } from "@carbon/icons-react";
import type { ImportedFile } from "../bindings/ImportedFile";
import type { ImportReport } from "../bindings/ImportReport";
import type { ImportStatus } from "../bindings/ImportStatus";
import { KIND_NAME } from "../data/library";

export const IMPORT_STATUS_TEXT: Record<ImportStatus, string> = {
  accepted: "Accepted",
  acceptedWithWarnings: "Accepted with warnings",
  rejected: "Rejected",
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "3 files: 1 accepted, 1 accepted with warnings, 1 rejected." */
export function reportSummary(report: ImportReport): string {
  const count = (status: ImportStatus) => report.files.filter((f) => f.status === status).length;
  const parts = [
    [count("accepted"), "accepted"],
    [count("acceptedWithWarnings"), "accepted with warnings"],
    [count("rejected"), "rejected"],
  ] as const;
  const text = parts
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`)
    .join(", ");
  return `${plural(report.files.length, "file")}${text ? `: ${text}` : ""}.`;
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
  return (
    <li
      className={`fhd-report__file fhd-report__file--${file.status}`}
      data-testid="import-file"
      data-status={file.status}
    >
      <div className="fhd-report__head">
        <span className={`fhd-report__tag fhd-report__tag--${file.status}`}>
          {IMPORT_STATUS_TEXT[file.status]}
        </span>
        <span className="fhd-report__name">{file.file}</span>
      </div>
      {file.findings.length > 0 ? (
        <ul className="fhd-report__findings" aria-label={`Findings in ${file.file}`}>
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
                  aria-label={finding.severity === "error" ? "Error" : "Warning"}
                />
                <span className="fhd-report__finding-text">
                  {entry ? <span className="fhd-report__entry">{entry}</span> : null}
                  {finding.path ? <code className="fhd-report__path">{finding.path}</code> : null}
                  <span className="fhd-report__message">{finding.message}</span>
                </span>
              </li>
            );
          })}
        </ul>
      ) : null}
      {file.status === "rejected" ? (
        <p className="fhd-report__note">Nothing from this file was stored.</p>
      ) : null}
      {file.artifacts.length > 0 ? (
        <ul className="fhd-report__components" aria-label={`Stored from ${file.file}`}>
          {file.artifacts.map((artifact) => (
            <li key={artifact.id} className="fhd-report__component" data-new={artifact.new}>
              <span className="fhd-report__kind">{KIND_NAME[artifact.kind]}</span>
              <span className="fhd-report__component-name">
                {`${artifact.displayName} — ${artifact.new ? "new" : "already in the library"}`}
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
  return (
    <section className="fhd-report" data-testid="import-report" aria-label="Import report">
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
