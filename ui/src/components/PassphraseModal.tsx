// Asks for the workspace passphrase while secrets are locked. Loaded only when needed.
import { InlineNotification, Modal, PasswordInput } from "@carbon/react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { unlockSecrets } from "../api";
import type { AppInfo } from "../bindings/AppInfo";
import { type DescribedError, describeError } from "../errors";
import "../styles/deferred.scss";
import { notificationText } from "./carbonText";

export default function PassphraseModal(props: {
  onUnlocked: (info: AppInfo) => void;
  onLater: () => void;
}) {
  const { t } = useTranslation("components");
  const [passphrase, setPassphrase] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DescribedError | null>(null);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!passphrase || busy) return;
    setBusy(true);
    setError(null);
    try {
      const info = await unlockSecrets(passphrase);
      props.onUnlocked(info);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      id="unlock-modal"
      modalHeading={t("passphrase.heading")}
      modalLabel={t("passphrase.label")}
      primaryButtonText={busy ? t("passphrase.unlocking") : t("passphrase.unlock")}
      secondaryButtonText={t("passphrase.later")}
      closeButtonLabel={t("common:close")}
      primaryButtonDisabled={!passphrase || busy}
      preventCloseOnClickOutside
      size="sm"
      onRequestSubmit={() => void submit()}
      onRequestClose={props.onLater}
      onSecondarySubmit={props.onLater}
    >
      <form onSubmit={(event) => void submit(event)}>
        <p className="fhd-modal__text">{t("passphrase.text")}</p>
        <PasswordInput
          id="unlock-passphrase"
          labelText={t("passphrase.field")}
          showPasswordLabel={t("passphrase.show")}
          hidePasswordLabel={t("passphrase.hide")}
          autoComplete="current-password"
          value={passphrase}
          onChange={(event) => setPassphrase(event.target.value)}
          invalid={error?.code === "WrongPassphrase"}
          invalidText={error?.code === "WrongPassphrase" ? error.sentence : undefined}
          data-modal-primary-focus
        />
        {error && error.code !== "WrongPassphrase" ? (
          <InlineNotification
            {...notificationText("error")}
            kind="error"
            lowContrast
            hideCloseButton
            title={error.sentence}
            subtitle={error.fix}
          />
        ) : null}
      </form>
    </Modal>
  );
}
