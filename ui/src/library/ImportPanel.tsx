// A section's import panel, worded like the console's "Add peer" panel: intro, "JSON
// information (i)" and a blue "Add file" button. The backend opens the native multi-select
// dialog and imports what was chosen in one step, so the per-file report replaces the
// console's file field. The identity panel also has the console's "Manual entry / Upload JSON"
// switcher, with manual entry not built yet.
import { Button, InlineLoading, Tooltip } from "@carbon/react";
import { useState } from "react";
import { libraryImportDialog } from "../api";
import type { ArtifactKind } from "../bindings/ArtifactKind";
import type { ImportReport } from "../bindings/ImportReport";
import { comingLaterReason } from "../components/ActionButton";
import { useNotifier } from "../components/Notifications";
import ImportReportView from "./ImportReportView";
import { useLibraryUi } from "./LibraryUi";
import { FieldLabel, PanelButton } from "./PanelParts";
import { SidePanel } from "./SidePanel";
import "../styles/deferred.scss";
import { useTranslation } from "react-i18next";
import { loadingText } from "../components/carbonText";

/** The file the console names each kind's download (a file name: the same in every language),
 * shown in the (i) tip; the panel's title and intro are `library:import.<kind>.*`. */
export const IMPORT_EXAMPLE: Record<ArtifactKind, string> = {
  peer: "Org1 Peer0_peer.json",
  ca: "Org1 CA_ca.json",
  orderer: "Ordering Service_orderer.json", // i18n-ignore: a file name
  msp: "Org1 MSP_msp.json",
  identity: "org1admin_identity.json",
};

function merge(previous: ImportReport | null, next: ImportReport): ImportReport {
  return previous ? { files: [...previous.files, ...next.files] } : next;
}

export default function ImportPanel(props: { kind: ArtifactKind; onClose: () => void }) {
  const { t } = useTranslation("library");
  const copy = {
    title: t(`import.${props.kind}.title`),
    intro: t(`import.${props.kind}.intro`),
    example: IMPORT_EXAMPLE[props.kind],
  };
  const { reload } = useLibraryUi();
  const { notifyError } = useNotifier();
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);

  const addFiles = async () => {
    setBusy(true);
    try {
      const next = await libraryImportDialog();
      if (next) {
        setReport((previous) => merge(previous, next));
        await reload();
      }
    } catch (error) {
      notifyError(error, t("ui.importFailed"));
    } finally {
      setBusy(false);
    }
  };

  const footer = report ? (
    <>
      <PanelButton kind="cancel" disabled={busy} onClick={() => void addFiles()}>
        {t("import.addAnother")}
      </PanelButton>
      <PanelButton kind="primary" onClick={props.onClose}>
        {t("common:done")}
      </PanelButton>
    </>
  ) : (
    <>
      <PanelButton kind="cancel" onClick={props.onClose}>
        {t("common:cancel")}
      </PanelButton>
      {/* As in the console, the submit button waits for a file; here choosing files imports. */}
      <PanelButton kind="primary" disabled onClick={props.onClose}>
        {copy.title}
      </PanelButton>
    </>
  );

  return (
    <SidePanel
      id={`import-${props.kind}-panel`}
      title={copy.title}
      onClose={props.onClose}
      footer={footer}
    >
      <p className="fhd-panel__intro">{copy.intro}</p>
      {props.kind === "identity" ? <IdentitySource /> : null}
      <FieldLabel
        id={`import-${props.kind}-json`}
        label={t("import.json")}
        info={t("import.jsonInfo", { example: copy.example })}
      />
      {report === null ? (
        <Button
          kind="primary"
          size="lg"
          className="fhd-add-file"
          disabled={busy}
          onClick={() => void addFiles()}
          aria-describedby={`import-${props.kind}-json`}
          data-modal-primary-focus
        >
          {t("import.addFile")}
        </Button>
      ) : null}
      {busy ? (
        <InlineLoading
          {...loadingText()}
          className="fhd-panel__loading"
          description={t("import.choosing")}
        />
      ) : null}
      {report ? <ImportReportView report={report} /> : null}
    </SidePanel>
  );
}

/** "Manual entry / Upload JSON" as in the console's Add identity panel; only Upload JSON works. */
function IdentitySource() {
  const { t } = useTranslation("library");
  return (
    <fieldset className="fhd-source-switch">
      <legend className="fhd-visually-hidden">{t("import.identitySource")}</legend>
      <Tooltip description={comingLaterReason()} align="bottom" className="fhd-source-switch__tip">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so keyboard users can read why it is disabled. */}
        <span className="fhd-source-switch__disabled" tabIndex={0}>
          <button type="button" className="fhd-source-switch__btn" disabled aria-pressed="false">
            {t("import.manual")}
          </button>
        </span>
      </Tooltip>
      <button
        type="button"
        className="fhd-source-switch__btn fhd-source-switch__btn--selected"
        aria-pressed="true"
      >
        {t("import.upload")}
      </button>
    </fieldset>
  );
}
