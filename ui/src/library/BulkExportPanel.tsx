// Settings → Bulk data management → Export, as the console's panel: four kinds ticked,
// Identities apart and unticked; ticking it shows the "Important" private-key warning. Export
// asks the backend's save dialog for a console-compatible bulk zip of the ticked kinds.
import { Checkbox } from "@carbon/react";
import { useMemo, useState } from "react";
import { libraryExportDialog } from "../api";
import type { ArtifactKind } from "../bindings/ArtifactKind";
import type { LibraryItem } from "../bindings/LibraryItem";
import { useNotifier } from "../components/Notifications";
import { EXPORT_KINDS, idsOfKinds } from "../data/library";
import { useLibrary } from "../data/WorkspaceData";
import { ImportantBox, PanelButton } from "./PanelParts";
import { SidePanel } from "./SidePanel";
import "../styles/deferred.scss";
import { useTranslation } from "react-i18next";

const DEFAULT_KINDS: ArtifactKind[] = ["ca", "orderer", "peer", "msp"];

/** The `library_export_dialog` arguments for the ticked kinds: every kind ticked means the
 * whole library (`[]`, always a zip); otherwise the ids of the ticked kinds. */
export function bulkExportRequest(
  items: readonly LibraryItem[],
  ticked: ReadonlySet<ArtifactKind>,
): { ids: string[]; includePrivateKeys: boolean; empty: boolean } {
  const includePrivateKeys = ticked.has("identity");
  const ids = idsOfKinds(items, ticked);
  const everything = EXPORT_KINDS.every((k) => ticked.has(k.kind));
  return { ids: everything ? [] : ids, includePrivateKeys, empty: ids.length === 0 };
}

export default function BulkExportPanel(props: { onClose: () => void }) {
  const { t } = useTranslation("library");
  const { items } = useLibrary();
  const { notify, notifyError } = useNotifier();
  const [ticked, setTicked] = useState<Set<ArtifactKind>>(() => new Set(DEFAULT_KINDS));
  const [busy, setBusy] = useState(false);
  const request = useMemo(() => bulkExportRequest(items, ticked), [items, ticked]);

  const toggle = (kind: ArtifactKind, on: boolean) =>
    setTicked((previous) => {
      const next = new Set(previous);
      if (on) next.add(kind);
      else next.delete(kind);
      return next;
    });

  const run = async () => {
    setBusy(true);
    try {
      const path = await libraryExportDialog(request.ids, request.includePrivateKeys, "zip");
      if (path) {
        notify({ kind: "success", title: t("detail.exportedTo", { path }) });
        props.onClose();
      }
    } catch (error) {
      notifyError(error, t("bulk.failed"));
    } finally {
      setBusy(false);
    }
  };

  const box = (kind: ArtifactKind, label: string) => (
    <Checkbox
      key={kind}
      id={`bulk-export-${kind}`}
      // As in the console, the first box has the focus when the panel opens.
      data-modal-primary-focus={kind === "ca" ? true : undefined}
      labelText={label}
      checked={ticked.has(kind)}
      onChange={(_event, { checked }) => toggle(kind, checked)}
    />
  );

  const identities = EXPORT_KINDS.find((k) => k.kind === "identity");

  return (
    <SidePanel
      id="bulk-export-panel"
      title={t("common:export")}
      onClose={props.onClose}
      footer={
        <>
          <PanelButton kind="cancel" onClick={props.onClose}>
            {t("common:cancel")}
          </PanelButton>
          <PanelButton
            kind="primary"
            id="bulk-export-submit"
            disabled={busy || request.empty}
            onClick={() => void run()}
          >
            {t("common:export")}
          </PanelButton>
        </>
      }
    >
      <p className="fhd-panel__text">{t("bulk.intro")}</p>
      <p className="fhd-panel__text">{t("bulk.identities")}</p>
      <fieldset className="fhd-export-kinds">
        <legend className="fhd-export-kinds__legend">{t("bulk.select")}</legend>
        <div className="fhd-export-kinds__group">
          {EXPORT_KINDS.filter((k) => k.kind !== "identity").map((k) => box(k.kind, k.label))}
        </div>
        <div className="fhd-export-kinds__group fhd-export-kinds__group--identities">
          {identities ? box(identities.kind, identities.label) : null}
        </div>
      </fieldset>
      {ticked.has("identity") ? (
        <ImportantBox id="bulk-export-important">{t("bulk.important")}</ImportantBox>
      ) : null}
      {request.empty ? (
        <p className="fhd-panel__hint" role="status">
          {t("bulk.nothing")}
        </p>
      ) : null}
    </SidePanel>
  );
}
