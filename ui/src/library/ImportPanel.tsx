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

interface ImportCopy {
  title: string;
  intro: string;
  /** The file the console names this kind's download: shown in the (i) tip. */
  example: string;
}

export const IMPORT_COPY: Record<ArtifactKind, ImportCopy> = {
  peer: {
    title: "Add peer",
    intro:
      "Import your peer through a JSON file exported with your information from the console of that deployment.",
    example: "Org1 Peer0_peer.json",
  },
  ca: {
    title: "Add Certificate Authority",
    intro:
      "Import your Certificate Authority through a JSON file exported with your information from the console of that deployment.",
    example: "Org1 CA_ca.json",
  },
  orderer: {
    title: "Add ordering service",
    intro:
      "Import your ordering service through a JSON file exported with your information from the console of that deployment. One file holds every ordering node of the service.",
    example: "Ordering Service_orderer.json",
  },
  msp: {
    title: "Import MSP definition",
    intro:
      "Import an MSP definition through a JSON file exported from a console: its root and TLS root certificates and its admins.",
    example: "Org1 MSP_msp.json",
  },
  identity: {
    title: "Add identity",
    intro:
      "Import the public and private key of an identity created by your Certificate Authority that you will use to operate your network nodes from this app.",
    example: "org1admin_identity.json",
  },
};

function merge(previous: ImportReport | null, next: ImportReport): ImportReport {
  return previous ? { files: [...previous.files, ...next.files] } : next;
}

export default function ImportPanel(props: { kind: ArtifactKind; onClose: () => void }) {
  const copy = IMPORT_COPY[props.kind];
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
      notifyError(error, "The files could not be imported");
    } finally {
      setBusy(false);
    }
  };

  const footer = report ? (
    <>
      <PanelButton kind="cancel" disabled={busy} onClick={() => void addFiles()}>
        Add another file
      </PanelButton>
      <PanelButton kind="primary" onClick={props.onClose}>
        Done
      </PanelButton>
    </>
  ) : (
    <>
      <PanelButton kind="cancel" onClick={props.onClose}>
        Cancel
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
        label="JSON information"
        info={`The file a console exports, such as “${copy.example}”. You can pick several files, or a bulk export zip; each file is checked before anything from it is stored.`}
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
          Add file
        </Button>
      ) : null}
      {busy ? (
        <InlineLoading
          className="fhd-panel__loading"
          description="Choose files in the dialog; they are checked and imported right away…"
        />
      ) : null}
      {report ? <ImportReportView report={report} /> : null}
    </SidePanel>
  );
}

/** "Manual entry / Upload JSON" as in the console's Add identity panel; only Upload JSON works. */
function IdentitySource() {
  return (
    <fieldset className="fhd-source-switch">
      <legend className="fhd-visually-hidden">How to add the identity</legend>
      <Tooltip description={comingLaterReason()} align="bottom" className="fhd-source-switch__tip">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so keyboard users can read why it is disabled. */}
        <span className="fhd-source-switch__disabled" tabIndex={0}>
          <button type="button" className="fhd-source-switch__btn" disabled aria-pressed="false">
            Manual entry
          </button>
        </span>
      </Tooltip>
      <button
        type="button"
        className="fhd-source-switch__btn fhd-source-switch__btn--selected"
        aria-pressed="true"
      >
        Upload JSON
      </button>
    </fieldset>
  );
}
