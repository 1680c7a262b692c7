// "Import report": the report of dropped files or of Settings' Import, in a side panel.
import { InlineLoading } from "@carbon/react";
import type { ImportReport } from "../bindings/ImportReport";
import ImportReportView from "./ImportReportView";
import { PanelButton } from "./PanelParts";
import { SidePanel } from "./SidePanel";
import "../styles/deferred.scss";
import { useTranslation } from "react-i18next";
import { loadingText } from "../components/carbonText";

export default function ReportPanel(props: {
  report: ImportReport | null;
  /** Shown until the report arrives ("Importing 2 files…"). */
  pending: string;
  onClose: () => void;
}) {
  const { t } = useTranslation("library");
  return (
    <SidePanel
      id="import-report-panel"
      title={t("report.title")}
      onClose={props.onClose}
      footer={
        <PanelButton
          kind="primary"
          primaryFocus
          onClick={props.onClose}
          disabled={props.report === null}
        >
          {t("common:done")}
        </PanelButton>
      }
    >
      {props.report ? (
        <ImportReportView report={props.report} />
      ) : (
        <InlineLoading
          {...loadingText()}
          className="fhd-panel__loading"
          description={props.pending}
        />
      )}
    </SidePanel>
  );
}
