// "Register user": enroll ID, type, secret (generated strong by default, or typed), max
// enrollments, affiliation and attributes. After success the generated secret is shown once
// with a copy button; it lives in this panel's state only and is gone when the panel closes.
import { Add, Copy, TrashCan } from "@carbon/icons-react";
import {
  Button,
  InlineNotification,
  PasswordInput,
  Select,
  SelectItem,
  TextInput,
} from "@carbon/react";
import { type FormEvent, useId, useRef, useState } from "react";
import { caRegister } from "../api";
import type { CaIdentityType } from "../bindings/CaIdentityType";
import type { CaTarget } from "../bindings/CaTarget";
import { isIpcError } from "../errors";
import { PanelButton, SubmitFooter } from "../library/PanelParts";
import { SidePanel } from "../library/SidePanel";
import {
  emptyRegisterForm,
  fieldOf,
  generateSecret,
  IDENTITY_TYPES,
  type RegisterErrors,
  type RegisterForm,
  toRegisterInput,
  validateRegisterForm,
} from "./logic";
import { CaErrorNotice, Segmented } from "./parts";

interface Registered {
  enrollId: string;
  type: CaIdentityType;
  /** The generated secret, shown once; null when the user typed the secret. */
  secret: string | null;
}

const FIELDS = ["enrollId", "enrollSecret", "maxEnrollments", "affiliation", "attributes"] as const;

export default function RegisterPanel(props: {
  /** "Org1 CA" or "Org1 CA (TLS CA)". */
  caLabel: string;
  target: CaTarget;
  registrar: string | null;
  onClose: () => void;
  onRegistered: (enrollId: string) => void;
  /** Opens "Enroll into wallet" for the new id. */
  onEnroll: (enrollId: string) => void;
}) {
  const [form, setForm] = useState<RegisterForm>(emptyRegisterForm);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverErrors, setServerErrors] = useState<RegisterErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  // The generated secret lives here only: unmounting the panel (closing it) drops it.
  const [done, setDone] = useState<Registered | null>(null);
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const nextKey = useRef(1);
  const formId = useId();

  const errors: RegisterErrors = submitted
    ? { ...serverErrors, ...validateRegisterForm(form) }
    : serverErrors;

  const set = <K extends keyof RegisterForm>(key: K, value: RegisterForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    const errorKey = key === "type" || key === "secretMode" ? null : key;
    if (errorKey) setServerErrors(({ [errorKey as keyof RegisterErrors]: _gone, ...rest }) => rest);
  };

  const setAttribute = (key: number, patch: { name?: string; value?: string }) =>
    set(
      "attributes",
      form.attributes.map((a) => (a.key === key ? { ...a, ...patch } : a)),
    );

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setFailure(null);
    const found = validateRegisterForm(form);
    if (Object.keys(found).length > 0) {
      document.getElementById(`ca-register-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    const secret = form.secretMode === "generate" ? generateSecret() : form.secret;
    try {
      const answer = await caRegister(toRegisterInput(form, props.target, secret, props.registrar));
      setDone({
        enrollId: answer.enrollId,
        type: answer.identityType,
        secret: form.secretMode === "generate" ? secret : null,
      });
      // The typed secret leaves the form with the request; nothing keeps it here.
      setForm(emptyRegisterForm());
      setBusy(false);
      props.onRegistered(answer.enrollId);
    } catch (error) {
      setBusy(false);
      const field =
        isIpcError(error) && error.code === "InvalidInput" ? fieldOf(error.details, FIELDS) : null;
      if (field && isIpcError(error)) {
        const key = field === "enrollSecret" ? "secret" : field;
        setServerErrors({ [key]: error.message });
        document.getElementById(`ca-register-${key}`)?.focus();
      } else {
        setFailure(error);
      }
    }
  };

  const copy = async (secret: string) => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };

  if (done) {
    return (
      <SidePanel
        id="ca-register-panel"
        title="User registered"
        label={props.caLabel}
        onClose={props.onClose}
        footer={
          <>
            <PanelButton kind="cancel" id="ca-register-close" onClick={props.onClose}>
              Close
            </PanelButton>
            <PanelButton
              kind="primary"
              primaryFocus
              id="ca-register-enroll"
              onClick={() => props.onEnroll(done.enrollId)}
            >
              Enroll into wallet
            </PanelButton>
          </>
        }
      >
        <InlineNotification
          kind="success"
          lowContrast
          hideCloseButton
          className="fhd-ca-done"
          data-testid="ca-registered"
          title={`${done.enrollId} is registered at ${props.caLabel}`}
          subtitle={`Type ${done.type}.`}
        />
        {done.secret !== null ? (
          <div className="fhd-ca-secret" data-testid="ca-secret">
            <p className="fhd-ca-secret__label" id="ca-secret-label">
              Enroll secret
            </p>
            <div className="fhd-ca-secret__row">
              <code className="fhd-ca-secret__value" id="ca-secret-value">
                {done.secret}
              </code>
              <Button
                kind="tertiary"
                size="sm"
                renderIcon={Copy}
                id="ca-secret-copy"
                onClick={() => void copy(done.secret ?? "")}
              >
                {copied === "yes" ? "Copied" : "Copy"}
              </Button>
            </div>
            <p className="fhd-ca-secret__note" role="note">
              This secret is shown only now: it is not shown again. The app keeps it encrypted in
              this workspace, so “Enroll into wallet” here works without typing it. Copy it if a
              node or a person elsewhere enrolls with this ID.
            </p>
            {copied === "failed" ? (
              <p className="fhd-ca-field-error">
                The clipboard is not available: select the secret and copy it.
              </p>
            ) : null}
          </div>
        ) : (
          <p className="fhd-panel__intro">
            The secret you typed is kept encrypted in this workspace, so “Enroll into wallet” here
            works without typing it again.
          </p>
        )}
      </SidePanel>
    );
  }

  return (
    <SidePanel
      id="ca-register-panel"
      title="Register user"
      label={props.caLabel}
      onClose={props.onClose}
      footer={
        <SubmitFooter
          id="ca-register-submit"
          busy={busy}
          label="Register user"
          busyLabel="Registering…"
          onCancel={props.onClose}
          onSubmit={() => void submit()}
        />
      }
    >
      <form className="fhd-ca-form" noValidate onSubmit={(e) => void submit(e)}>
        <p className="fhd-panel__intro">
          Registering creates an enroll ID and secret at the CA. A node or an administrator later
          enrolls with them to get a certificate and key. Give an admin the type admin, and a peer
          the type peer.
        </p>
        <TextInput
          id="ca-register-enrollId"
          labelText="Enroll ID"
          placeholder="e.g. peer1"
          autoComplete="off"
          value={form.enrollId}
          onChange={(e) => set("enrollId", e.target.value)}
          invalid={errors.enrollId !== undefined}
          invalidText={errors.enrollId}
          data-modal-primary-focus
        />
        <Select
          id="ca-register-type"
          labelText="Type"
          value={form.type}
          onChange={(e) => set("type", e.target.value as CaIdentityType)}
        >
          {IDENTITY_TYPES.map((t) => (
            <SelectItem key={t.value} value={t.value} text={t.label} />
          ))}
        </Select>
        <fieldset className="fhd-ca-form__group">
          <legend className="cds--label">Enroll secret</legend>
          <Segmented
            name={`${formId}-secret`}
            label="Enroll secret"
            value={form.secretMode}
            options={[
              ["generate", "Generate a strong secret"],
              ["type", "Type a secret"],
            ]}
            onChange={(mode) => set("secretMode", mode)}
          />
          {form.secretMode === "type" ? (
            <PasswordInput
              id="ca-register-secret"
              labelText="Secret"
              autoComplete="new-password"
              value={form.secret}
              onChange={(e) => set("secret", e.target.value)}
              invalid={errors.secret !== undefined}
              invalidText={errors.secret}
            />
          ) : (
            <p className="fhd-ca-help">
              32 random bytes, made on this computer. It is shown once after registering.
            </p>
          )}
        </fieldset>
        <TextInput
          id="ca-register-maxEnrollments"
          labelText="Maximum enrollments (optional)"
          placeholder="CA default"
          helperText="How often the ID may enroll: -1 for unlimited; empty for the CA's default."
          inputMode="numeric"
          value={form.maxEnrollments}
          onChange={(e) => set("maxEnrollments", e.target.value)}
          invalid={errors.maxEnrollments !== undefined}
          invalidText={errors.maxEnrollments}
        />
        <TextInput
          id="ca-register-affiliation"
          labelText="Affiliation (optional)"
          placeholder="e.g. org1.department1"
          helperText="Empty: the affiliation of the identity registering it."
          value={form.affiliation}
          onChange={(e) => set("affiliation", e.target.value)}
          invalid={errors.affiliation !== undefined}
          invalidText={errors.affiliation}
        />
        <fieldset className="fhd-ca-form__group" id="ca-register-attributes" tabIndex={-1}>
          <legend className="cds--label">Attributes (optional)</legend>
          {form.attributes.map((a, i) => (
            <div key={a.key} className="fhd-ca-attr" data-testid="ca-attribute">
              <TextInput
                id={`ca-attr-name-${a.key}`}
                labelText={`Attribute ${i + 1} name`}
                hideLabel
                placeholder="Name"
                value={a.name}
                onChange={(e) => setAttribute(a.key, { name: e.target.value })}
              />
              <TextInput
                id={`ca-attr-value-${a.key}`}
                labelText={`Attribute ${i + 1} value`}
                hideLabel
                placeholder="Value"
                value={a.value}
                onChange={(e) => setAttribute(a.key, { value: e.target.value })}
              />
              <Button
                kind="ghost"
                size="md"
                hasIconOnly
                renderIcon={TrashCan}
                iconDescription={`Remove attribute ${i + 1}`}
                tooltipPosition="left"
                onClick={() =>
                  set(
                    "attributes",
                    form.attributes.filter((x) => x.key !== a.key),
                  )
                }
              />
            </div>
          ))}
          {errors.attributes ? <p className="fhd-ca-field-error">{errors.attributes}</p> : null}
          <Button
            kind="tertiary"
            size="sm"
            renderIcon={Add}
            id="ca-register-add-attribute"
            onClick={() =>
              set("attributes", [
                ...form.attributes,
                { key: nextKey.current++, name: "", value: "" },
              ])
            }
          >
            Add attribute
          </Button>
        </fieldset>
        {failure ? (
          <CaErrorNotice error={failure} context={`${form.enrollId.trim()} was not registered`} />
        ) : null}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </SidePanel>
  );
}
