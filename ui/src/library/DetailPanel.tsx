// The detail panel of a library item: what the file says (kind, MSP ID, URL, nodes, expiry,
// source, import time; issuer and administered MSPs for identities) and the two actions, Export
// (identities only after the private-key confirmation) and Remove.
import { Button, Checkbox, Modal } from "@carbon/react";
import { lazy, Suspense, useState } from "react";
import { libraryExportDialog, libraryRemove } from "../api";
import type { LibraryItem } from "../bindings/LibraryItem";
import { useNotifier } from "../components/Notifications";
import { expiresSoon, isImported, KIND_NAME, locationText } from "../data/library";
import { timeUntil } from "../data/relativeTime";
import { useLibrary } from "../data/WorkspaceData";
import { useLibraryUi } from "./LibraryUi";
import { ImportantBox, PanelButton } from "./PanelParts";
import { CONFIRM_MODAL_CLASS, SidePanel } from "./SidePanel";
import "../styles/deferred.scss";

// The console picker loads only when asked for.
const ImportFromLibraryPanel = lazy(() => import("../consoles/ImportFromLibraryPanel"));

const isNode = (item: LibraryItem) =>
  item.kind === "peer" || item.kind === "ca" || item.kind === "orderer";

/** The file a user picked: the zip of a bulk export entry (`FOC.zip!/Peers/x.json` → `FOC.zip`). */
export function sourceFile(source: string): string {
  return source.split("!/")[0] ?? source;
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** "11/27/2027, 2:27:00 PM (in 12 months)", or "… (expired)". */
export function expiryText(iso: string, now: Date = new Date()): string {
  const left = timeUntil(new Date(iso), now);
  return `${formatDate(iso)} (${left === "expired" ? "expired" : `in ${left}`})`;
}

interface Fact {
  label: string;
  value: string;
  id: string;
  warn?: boolean;
  mono?: boolean;
}

export function detailFacts(item: LibraryItem, now: Date = new Date()): Fact[] {
  const facts: Fact[] = [{ id: "kind", label: "Kind", value: KIND_NAME[item.kind] }];
  if (item.mspId) facts.push({ id: "msp", label: "MSP ID", value: item.mspId });
  if (item.apiUrl) {
    const label =
      item.kind === "ca"
        ? "Certificate Authority endpoint URL"
        : item.kind === "orderer"
          ? "URL (first ordering node)"
          : "URL";
    facts.push({ id: "url", label, value: item.apiUrl, mono: true });
  }
  if (item.kind === "orderer") {
    facts.push({ id: "nodes", label: "Ordering nodes", value: String(item.nodes) });
  }
  if (item.kind === "msp" || item.kind === "peer" || item.kind === "orderer") {
    facts.push({
      id: "node-ou",
      label: "Node OU",
      value: item.nodeOuEnabled ? "Enabled" : "Not enabled",
    });
  }
  if (isNode(item)) {
    facts.push({
      id: "location",
      label: "Node location",
      value: `${locationText(item.location)}${isImported(item.location) ? " (imported)" : ""}`,
    });
  }
  facts.push({
    id: "expiry",
    label: item.kind === "identity" ? "Certificate expiration" : "Earliest certificate expiration",
    value: item.expiresAt ? expiryText(item.expiresAt, now) : "-",
    warn: expiresSoon(item.expiresAt, now),
  });
  if (item.kind === "identity") {
    facts.push({
      id: "issued-by",
      label: "Issued by",
      value:
        item.issuingCas.length > 0
          ? item.issuingCas.join(", ")
          : "unknown: no CA in the library issued this certificate",
    });
    facts.push({
      id: "administers",
      label: "Can administer",
      value: item.administers.length > 0 ? item.administers.join(", ") : "-",
    });
  }
  facts.push({ id: "source", label: "Source file", value: item.source, mono: true });
  facts.push({ id: "imported", label: "Imported", value: formatDate(item.importedAt) });
  facts.push({ id: "file-name", label: "Export file name", value: item.fileName, mono: true });
  return facts;
}

type Confirm = "export" | "remove" | null;

export default function DetailPanel(props: { id: string; onClose: () => void }) {
  const { items } = useLibrary();
  const { reload } = useLibraryUi();
  const { notify, notifyError } = useNotifier();
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [toConsole, setToConsole] = useState(false);
  const item = items.find((i) => i.id === props.id);
  if (!item) return null;

  if (toConsole) {
    return (
      <Suspense fallback={null}>
        <ImportFromLibraryPanel initialIds={[item.id]} onClose={props.onClose} />
      </Suspense>
    );
  }

  const exportItem = async () => {
    setBusy(true);
    try {
      const path = await libraryExportDialog([item.id], item.kind === "identity");
      setConfirm(null);
      if (path) notify({ kind: "success", title: `Exported to ${path}` });
    } catch (error) {
      setConfirm(null);
      notifyError(error, `${item.displayName} could not be exported`);
    } finally {
      setBusy(false);
      setUnderstood(false);
    }
  };

  const removeItem = async () => {
    setBusy(true);
    try {
      await libraryRemove([item.id]);
      notify({ kind: "success", title: `Removed ${item.displayName}` });
      props.onClose();
      await reload();
    } catch (error) {
      setBusy(false);
      setConfirm(null);
      notifyError(error, `${item.displayName} could not be removed`);
    }
  };

  const onExport = () => {
    if (item.kind === "identity") {
      setUnderstood(false);
      setConfirm("export");
    } else {
      void exportItem();
    }
  };

  return (
    <>
      <SidePanel
        id="library-detail-panel"
        title={item.displayName}
        label={KIND_NAME[item.kind]}
        onClose={props.onClose}
        footer={
          <>
            <PanelButton kind="danger" disabled={busy} onClick={() => setConfirm("remove")}>
              Remove
            </PanelButton>
            <PanelButton kind="primary" primaryFocus disabled={busy} onClick={onExport}>
              Export
            </PanelButton>
          </>
        }
      >
        <p className="fhd-panel__intro" id="library-detail-origin">
          {`Imported from ${sourceFile(item.source)} on ${formatDate(item.importedAt)}`}
          {isNode(item) ? "; status appears once a console that runs it is connected." : "."}
        </p>
        {item.kind !== "identity" ? (
          <Button
            kind="tertiary"
            size="md"
            className="fhd-detail-to-console"
            id="library-detail-to-console"
            onClick={() => setToConsole(true)}
          >
            Import into console…
          </Button>
        ) : null}
        <dl className="fhd-detail-facts">
          {detailFacts(item).map((fact) => (
            <div
              key={fact.id}
              className={`fhd-fact${fact.warn ? " fhd-fact--warn" : ""}`}
              data-fact={fact.id}
            >
              <dt className="fhd-fact__label">{fact.label}</dt>
              <dd className={`fhd-fact__value${fact.mono ? " fhd-fact__value--mono" : ""}`}>
                {fact.value}
              </dd>
            </div>
          ))}
        </dl>
      </SidePanel>
      {confirm === "export" ? (
        <Modal
          open
          id="export-identity-modal"
          className={CONFIRM_MODAL_CLASS}
          size="sm"
          modalLabel={item.displayName}
          modalHeading="Export identity"
          primaryButtonText={busy ? "Exporting…" : "Export"}
          secondaryButtonText="Cancel"
          primaryButtonDisabled={!understood || busy}
          preventCloseOnClickOutside
          onRequestSubmit={() => void exportItem()}
          onRequestClose={() => setConfirm(null)}
          onSecondarySubmit={() => setConfirm(null)}
        >
          <p className="fhd-modal__text">
            {`Fabric HA Desktop writes a file with the certificate and the private key of ${item.displayName}, in the format a Fabric Operations Console imports. You choose where in the next step.`}
          </p>
          <ImportantBox id="export-identity-important">
            The exported file contains the identity's private key. Anyone with the file can act as
            this identity.
          </ImportantBox>
          <Checkbox
            id="export-identity-ack"
            className="fhd-ack"
            data-modal-primary-focus
            labelText="I understand that the private key leaves the app"
            checked={understood}
            onChange={(_event, { checked }) => setUnderstood(checked)}
          />
        </Modal>
      ) : null}
      {confirm === "remove" ? (
        <Modal
          open
          danger
          id="remove-item-modal"
          className={CONFIRM_MODAL_CLASS}
          size="sm"
          modalLabel={KIND_NAME[item.kind]}
          modalHeading={`Remove ${item.displayName}?`}
          primaryButtonText={busy ? "Removing…" : "Remove"}
          secondaryButtonText="Cancel"
          primaryButtonDisabled={busy}
          preventCloseOnClickOutside
          onRequestSubmit={() => void removeItem()}
          onRequestClose={() => setConfirm(null)}
          onSecondarySubmit={() => setConfirm(null)}
        >
          <p className="fhd-modal__text">
            {`${item.displayName} is removed from this workspace's library. The file it was imported from is not changed.`}
          </p>
          {item.kind === "identity" ? (
            <p className="fhd-modal__text">
              Its private key is deleted from this workspace too: export the identity first if you
              still need it.
            </p>
          ) : null}
        </Modal>
      ) : null}
    </>
  );
}
