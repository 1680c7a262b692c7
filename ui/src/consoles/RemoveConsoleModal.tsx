// "Remove console?": the app forgets the console and its stored credentials; the console and
// its components are not changed.
import { Modal } from "@carbon/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { consoleRemove } from "../api";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import { useNotifier } from "../components/Notifications";

export default function RemoveConsoleModal(props: {
  console: ConsoleSummary;
  onClose: () => void;
  onRemoved: (name: string) => void;
}) {
  const { name } = props.console;
  const { t } = useTranslation("consoles");
  const { notifyError } = useNotifier();
  const [busy, setBusy] = useState(false);

  const remove = async () => {
    setBusy(true);
    try {
      await consoleRemove(name);
      props.onRemoved(name);
    } catch (error) {
      setBusy(false);
      props.onClose();
      notifyError(error, t("remove.failed", { name }));
    }
  };

  return (
    <Modal
      open
      danger
      id="remove-console-modal"
      size="sm"
      modalLabel={t("remove.label")}
      modalHeading={t("remove.heading", { name })}
      primaryButtonText={busy ? t("remove.removing") : t("common:remove")}
      secondaryButtonText={t("common:cancel")}
      closeButtonLabel={t("common:close")}
      primaryButtonDisabled={busy}
      preventCloseOnClickOutside
      onRequestSubmit={() => void remove()}
      onRequestClose={props.onClose}
      onSecondarySubmit={props.onClose}
    >
      <p className="fhd-modal__text">{t("remove.text", { name })}</p>
    </Modal>
  );
}
