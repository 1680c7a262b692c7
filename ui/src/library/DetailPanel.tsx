// The detail panel of a library item: what the file says (kind, MSP ID, URL, nodes, expiry,
// source, import time; issuer and administered MSPs for identities) and the two actions, Export
// (identities only after the private-key confirmation) and Remove.
import { Button, Checkbox, Modal } from "@carbon/react";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { libraryExportDialog, libraryRemove } from "../api";
import type { LibraryItem } from "../bindings/LibraryItem";
import { useNotifier } from "../components/Notifications";
import { expiresSoon, isImported, KIND_NAME, locationText } from "../data/library";
import { timeUntil } from "../data/relativeTime";
import { useLibrary } from "../data/WorkspaceData";
import { formatDate as formatInLanguage, i18n, joinList } from "../i18n";
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

const tr = (key: string, options?: Record<string, unknown>) => i18n.t(`library:${key}`, options);

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : formatInLanguage(date, { dateStyle: "medium", timeStyle: "medium" });
}

/** "Nov 27, 2027, 2:27:00 PM (in 12 months)", or "… (expired)". */
export function expiryText(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const expired = !Number.isNaN(at.getTime()) && at.getTime() <= now.getTime();
  return expired
    ? tr("detail.expired", { date: formatDate(iso) })
    : tr("detail.expiresIn", { date: formatDate(iso), left: timeUntil(at, now) });
}

interface Fact {
  label: string;
  value: string;
  id: string;
  warn?: boolean;
  mono?: boolean;
}

export function detailFacts(item: LibraryItem, now: Date = new Date()): Fact[] {
  const fact = (key: string) => tr(`fact.${key}`);
  const facts: Fact[] = [{ id: "kind", label: fact("kind"), value: KIND_NAME[item.kind] }];
  if (item.mspId) facts.push({ id: "msp", label: fact("mspId"), value: item.mspId });
  if (item.apiUrl) {
    const label =
      item.kind === "ca"
        ? fact("caUrl")
        : item.kind === "orderer"
          ? fact("ordererUrl")
          : fact("url");
    facts.push({ id: "url", label, value: item.apiUrl, mono: true });
  }
  if (item.kind === "orderer") {
    facts.push({ id: "nodes", label: fact("orderingNodes"), value: String(item.nodes) });
  }
  if (item.kind === "msp" || item.kind === "peer" || item.kind === "orderer") {
    facts.push({
      id: "node-ou",
      label: fact("nodeOu"),
      value: item.nodeOuEnabled ? fact("enabled") : fact("notEnabled"),
    });
  }
  if (isNode(item)) {
    const location = locationText(item.location);
    facts.push({
      id: "location",
      label: fact("location"),
      value: isImported(item.location) ? tr("fact.locationImported", { location }) : location,
    });
  }
  facts.push({
    id: "expiry",
    label: item.kind === "identity" ? fact("certExpiration") : fact("earliestExpiration"),
    value: item.expiresAt ? expiryText(item.expiresAt, now) : "-",
    warn: expiresSoon(item.expiresAt, now),
  });
  if (item.kind === "identity") {
    facts.push({
      id: "issued-by",
      label: fact("issuedBy"),
      value: item.issuingCas.length > 0 ? joinList(item.issuingCas) : fact("issuerUnknown"),
    });
    facts.push({
      id: "administers",
      label: fact("administers"),
      value: item.administers.length > 0 ? joinList(item.administers) : "-",
    });
  }
  facts.push({ id: "source", label: fact("source"), value: item.source, mono: true });
  facts.push({ id: "imported", label: fact("imported"), value: formatDate(item.importedAt) });
  facts.push({ id: "file-name", label: fact("fileName"), value: item.fileName, mono: true });
  return facts;
}

type Confirm = "export" | "remove" | null;

export default function DetailPanel(props: { id: string; onClose: () => void }) {
  const { t } = useTranslation("library");
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
      if (path) notify({ kind: "success", title: t("detail.exportedTo", { path }) });
    } catch (error) {
      setConfirm(null);
      notifyError(error, t("detail.exportFailed", { name: item.displayName }));
    } finally {
      setBusy(false);
      setUnderstood(false);
    }
  };

  const removeItem = async () => {
    setBusy(true);
    try {
      await libraryRemove([item.id]);
      notify({ kind: "success", title: t("detail.removed", { name: item.displayName }) });
      props.onClose();
      await reload();
    } catch (error) {
      setBusy(false);
      setConfirm(null);
      notifyError(error, t("detail.removeFailed", { name: item.displayName }));
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
              {t("common:remove")}
            </PanelButton>
            <PanelButton kind="primary" primaryFocus disabled={busy} onClick={onExport}>
              {t("common:export")}
            </PanelButton>
          </>
        }
      >
        <p className="fhd-panel__intro" id="library-detail-origin">
          {t(isNode(item) ? "detail.originNode" : "detail.origin", {
            file: sourceFile(item.source),
            date: formatDate(item.importedAt),
          })}
        </p>
        {item.kind !== "identity" ? (
          <Button
            kind="tertiary"
            size="md"
            className="fhd-detail-to-console"
            id="library-detail-to-console"
            onClick={() => setToConsole(true)}
          >
            {t("detail.toConsole")}
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
          modalHeading={t("exportIdentity.heading")}
          primaryButtonText={busy ? t("exportIdentity.exporting") : t("common:export")}
          secondaryButtonText={t("common:cancel")}
          closeButtonLabel={t("common:close")}
          primaryButtonDisabled={!understood || busy}
          preventCloseOnClickOutside
          onRequestSubmit={() => void exportItem()}
          onRequestClose={() => setConfirm(null)}
          onSecondarySubmit={() => setConfirm(null)}
        >
          <p className="fhd-modal__text">{t("exportIdentity.text", { name: item.displayName })}</p>
          <ImportantBox id="export-identity-important">
            {t("exportIdentity.important")}
          </ImportantBox>
          <Checkbox
            id="export-identity-ack"
            className="fhd-ack"
            data-modal-primary-focus
            labelText={t("exportIdentity.ack")}
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
          modalHeading={t("remove.heading", { name: item.displayName })}
          primaryButtonText={busy ? t("remove.removing") : t("common:remove")}
          secondaryButtonText={t("common:cancel")}
          closeButtonLabel={t("common:close")}
          primaryButtonDisabled={busy}
          preventCloseOnClickOutside
          onRequestSubmit={() => void removeItem()}
          onRequestClose={() => setConfirm(null)}
          onSecondarySubmit={() => setConfirm(null)}
        >
          <p className="fhd-modal__text">{t("remove.text", { name: item.displayName })}</p>
          {item.kind === "identity" ? (
            <p className="fhd-modal__text">{t("remove.identity")}</p>
          ) : null}
        </Modal>
      ) : null}
    </>
  );
}
