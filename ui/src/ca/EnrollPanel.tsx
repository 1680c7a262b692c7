// "Enroll into wallet": enroll ID + secret (empty: the one this workspace kept when it
// registered the ID) + the new wallet identity's name. The key pair is made by the backend and
// the private key stays encrypted in the workspace.
import { PasswordInput, TextInput } from "@carbon/react";
import { type FormEvent, useState } from "react";
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
      title="Enroll into wallet"
      label={props.caLabel}
      onClose={props.onClose}
      footer={
        <SubmitFooter
          id="ca-enroll-submit"
          busy={busy}
          label="Enroll"
          busyLabel="Enrolling…"
          onCancel={props.onClose}
          onSubmit={() => void submit()}
        />
      }
    >
      <form className="fhd-ca-form" noValidate onSubmit={(e) => void submit(e)}>
        <p className="fhd-panel__intro">
          Enrolling makes a new key pair on this computer and asks the CA for its certificate. The
          identity goes into the wallet; its private key stays encrypted in this workspace.
        </p>
        <TextInput
          id="ca-enroll-enrollId"
          labelText="Enroll ID"
          autoComplete="off"
          value={form.enrollId}
          onChange={(e) => set("enrollId", e.target.value)}
          invalid={errors.enrollId !== undefined}
          invalidText={errors.enrollId}
          data-modal-primary-focus
        />
        <PasswordInput
          id="ca-enroll-secret"
          labelText="Enroll secret"
          autoComplete="off"
          helperText="Leave empty for an ID this workspace registered: the app uses the secret it kept."
          value={form.secret}
          onChange={(e) => set("secret", e.target.value)}
          invalid={errors.secret !== undefined}
          invalidText={errors.secret}
        />
        <TextInput
          id="ca-enroll-walletName"
          labelText="Wallet identity name"
          autoComplete="off"
          helperText="The identity's name on the Wallet page."
          value={form.walletName}
          onChange={(e) => {
            setNameTouched(true);
            set("walletName", e.target.value);
          }}
          invalid={errors.walletName !== undefined}
          invalidText={errors.walletName}
        />
        {failure ? (
          <CaErrorNotice error={failure} context={`${form.enrollId.trim()} was not enrolled`} />
        ) : null}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </SidePanel>
  );
}
