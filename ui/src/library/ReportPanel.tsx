// "Import report": the report of dropped files or of Settings' Import, in a side panel.
import { InlineLoading } from "@carbon/react";
import type { ImportReport } from "../bindings/ImportReport";
import ImportReportView from "./ImportReportView";
import { PanelButton } from "./PanelParts";
import { SidePanel } from "./SidePanel";
import "../styles/deferred.scss";

export default function ReportPanel(props: {
  report: ImportReport | null;
  /** Shown until the report arrives ("Importing 2 files…"). */
  pending: string;
  onClose: () => void;
}) {
  return (
    <SidePanel
      id="import-report-panel"
      title="Import report"
      onClose={props.onClose}
      footer={
        <PanelButton
          kind="primary"
          primaryFocus
          onClick={props.onClose}
          disabled={props.report === null}
        >
          Done
        </PanelButton>
      }
    >
      {props.report ? (
        <ImportReportView report={props.report} />
      ) : (
        <InlineLoading className="fhd-panel__loading" description={props.pending} />
      )}
    </SidePanel>
  );
}
