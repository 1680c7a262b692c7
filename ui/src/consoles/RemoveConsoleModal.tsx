// "Remove console?": the app forgets the console and its stored credentials; the console and
// its components are not changed.
import { Modal } from "@carbon/react";
import { useState } from "react";
import { consoleRemove } from "../api";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import { useNotifier } from "../components/Notifications";

export default function RemoveConsoleModal(props: {
  console: ConsoleSummary;
  onClose: () => void;
  onRemoved: (name: string) => void;
}) {
  const { name } = props.console;
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
      notifyError(error, `${name} could not be removed`);
    }
  };

  return (
    <Modal
      open
      danger
      id="remove-console-modal"
      size="sm"
      modalLabel="Console"
      modalHeading={`Remove ${name}?`}
      primaryButtonText={busy ? "Removing…" : "Remove"}
      secondaryButtonText="Cancel"
      primaryButtonDisabled={busy}
      preventCloseOnClickOutside
      onRequestSubmit={() => void remove()}
      onRequestClose={props.onClose}
      onSecondarySubmit={props.onClose}
    >
      <p className="fhd-modal__text">
        {`Fabric HA Desktop forgets ${name} and deletes its stored API key. The console and its components are not changed; you can add it again later.`}
      </p>
    </Modal>
  );
}
