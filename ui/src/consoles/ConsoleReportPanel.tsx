// A copy or import into a console, in a side panel: a spinner until the report arrives.
import { InlineLoading } from "@carbon/react";
import { useTranslation } from "react-i18next";
import type { ConsoleImportReport } from "../bindings/ConsoleImportReport";
import { loadingText } from "../components/carbonText";
import { PanelButton } from "../library/PanelParts";
import { SidePanel } from "../library/SidePanel";
import ConsoleReportView from "./ConsoleReportView";

export default function ConsoleReportPanel(props: {
  title: string;
  pending: string;
  report: ConsoleImportReport | null;
  onClose: () => void;
  /** A record was updated from the report (its console's tiles are stale). */
  onUpdated?: (console: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <SidePanel
      id="console-report-panel"
      title={props.title}
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
        <ConsoleReportView report={props.report} onUpdated={props.onUpdated} />
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
