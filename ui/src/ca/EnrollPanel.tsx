// "Enroll into wallet": enroll ID + secret (empty: the one this workspace kept when it
// registered the ID) + the new wallet identity's name. The key pair is made by the backend and
// the private key stays encrypted in the workspace.
import { PasswordInput, TextInput } from "@carbon/react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { caEnroll } from "../api";
import type { CaTarget } from "../bindings/CaTarget";
import type { LibraryItem } from "../bindings/LibraryItem";
import { isIpcError } from "../errors";
import { SubmitFooter } from "../library/PanelParts";
import { SidePanel } from "../library/SidePanel";
import {
  type EnrollErrors,
  type EnrollForm,
  fieldOf,
  toEnrollInput,
  validateEnrollForm,
} from "./logic";
import { CaErrorNotice } from "./parts";

const FIELDS = ["enrollId", "enrollSecret", "walletName"] as const;

export default function EnrollPanel(props: {
  caLabel: string;
  target: CaTarget;
  walletNames: string[];
  initialEnrollId?: string | undefined;
  onClose: () => void;
  onEnrolled: (identity: LibraryItem) => void;
}) {
  const { t } = useTranslation("ca");
  const [form, setForm] = useState<EnrollForm>({
    enrollId: props.initialEnrollId ?? "",
    secret: "",
    walletName: props.initialEnrollId ?? "",
  });
  // The wallet name follows the enroll ID until the user types one.
  const [nameTouched, setNameTouched] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverErrors, setServerErrors] = useState<EnrollErrors>({});
  const [failure, setFailure] = useState<unknown>(null);

  const errors: EnrollErrors = submitted
    ? { ...serverErrors, ...validateEnrollForm(form, props.walletNames, false) }
    : serverErrors;

  const set = (key: keyof EnrollForm, value: string) => {
    setForm((f) => ({
      ...f,
      [key]: value,
      ...(key === "enrollId" && !nameTouched ? { walletName: value.trim() } : {}),
    }));
    setServerErrors(({ [key]: _gone, ...rest }) => rest);
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setFailure(null);
    const found = validateEnrollForm(form, props.walletNames, false);
    if (Object.keys(found).length > 0) {
      document.getElementById(`ca-enroll-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const identity = await caEnroll(toEnrollInput(form, props.target));
      props.onEnrolled(identity);
    } catch (error) {
      setBusy(false);
      const field =
        isIpcError(error) && error.code === "InvalidInput" ? fieldOf(error.details, FIELDS) : null;
      if (field && isIpcError(error)) {
        const key = field === "enrollSecret" ? "secret" : field;
        setServerErrors({ [key]: error.message });
        document.getElementById(`ca-enroll-${key}`)?.focus();
      } else {
        setFailure(error);
      }
    }
  };

  return (
    <SidePanel
      id="ca-enroll-panel"
      title={t("users.enroll")}
      label={props.caLabel}
      onClose={props.onClose}
      footer={
        <SubmitFooter
          id="ca-enroll-submit"
          busy={busy}
          label={t("enroll.submit")}
          busyLabel={t("enroll.busy")}
          onCancel={props.onClose}
          onSubmit={() => void submit()}
        />
      }
    >
      <form className="fhd-ca-form" noValidate onSubmit={(e) => void submit(e)}>
        <p className="fhd-panel__intro">{t("enroll.intro")}</p>
        <TextInput
          id="ca-enroll-enrollId"
          labelText={t("users.enrollId")}
          autoComplete="off"
          value={form.enrollId}
          onChange={(e) => set("enrollId", e.target.value)}
          invalid={errors.enrollId !== undefined}
          invalidText={errors.enrollId}
          data-modal-primary-focus
        />
        <PasswordInput
          id="ca-enroll-secret"
          labelText={t("register.secret")}
          autoComplete="off"
          helperText={t("enroll.secretHelp")}
          showPasswordLabel={t("register.show")}
          hidePasswordLabel={t("register.hide")}
          value={form.secret}
          onChange={(e) => set("secret", e.target.value)}
          invalid={errors.secret !== undefined}
          invalidText={errors.secret}
        />
        <TextInput
          id="ca-enroll-walletName"
          labelText={t("enroll.walletName")}
          autoComplete="off"
          helperText={t("enroll.walletNameHelp")}
          value={form.walletName}
          onChange={(e) => {
            setNameTouched(true);
            set("walletName", e.target.value);
          }}
          invalid={errors.walletName !== undefined}
          invalidText={errors.walletName}
        />
        {failure ? (
          <CaErrorNotice
            error={failure}
            context={t("enroll.failed", { id: form.enrollId.trim() })}
          />
        ) : null}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </SidePanel>
  );
}
