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
import { useTranslation } from "react-i18next";
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
  const { t } = useTranslation("ca");
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
        title={t("register.doneTitle")}
        label={props.caLabel}
        onClose={props.onClose}
        footer={
          <>
            <PanelButton kind="cancel" id="ca-register-close" onClick={props.onClose}>
              {t("panel.close")}
            </PanelButton>
            <PanelButton
              kind="primary"
              primaryFocus
              id="ca-register-enroll"
              onClick={() => props.onEnroll(done.enrollId)}
            >
              {t("users.enroll")}
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
          title={t("register.done", { id: done.enrollId, ca: props.caLabel })}
          subtitle={t("register.doneType", { type: done.type })}
          statusIconDescription={t("panel.success")}
        />
        {done.secret !== null ? (
          <div className="fhd-ca-secret" data-testid="ca-secret">
            <p className="fhd-ca-secret__label" id="ca-secret-label">
              {t("register.secret")}
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
                {copied === "yes" ? t("register.copied") : t("register.copy")}
              </Button>
            </div>
            <p className="fhd-ca-secret__note" role="note">
              {t("register.shownOnce")}
            </p>
            {copied === "failed" ? (
              <p className="fhd-ca-field-error">{t("register.noClipboard")}</p>
            ) : null}
          </div>
        ) : (
          <p className="fhd-panel__intro">{t("register.typedKept")}</p>
        )}
      </SidePanel>
    );
  }

  return (
    <SidePanel
      id="ca-register-panel"
      title={t("users.register")}
      label={props.caLabel}
      onClose={props.onClose}
      footer={
        <SubmitFooter
          id="ca-register-submit"
          busy={busy}
          label={t("users.register")}
          busyLabel={t("register.busy")}
          onCancel={props.onClose}
          onSubmit={() => void submit()}
        />
      }
    >
      <form className="fhd-ca-form" noValidate onSubmit={(e) => void submit(e)}>
        <p className="fhd-panel__intro">{t("register.intro")}</p>
        <TextInput
          id="ca-register-enrollId"
          labelText={t("users.enrollId")}
          placeholder={t("register.example", { value: "peer1" })}
          autoComplete="off"
          value={form.enrollId}
          onChange={(e) => set("enrollId", e.target.value)}
          invalid={errors.enrollId !== undefined}
          invalidText={errors.enrollId}
          data-modal-primary-focus
        />
        <Select
          id="ca-register-type"
          labelText={t("users.type")}
          value={form.type}
          onChange={(e) => set("type", e.target.value as CaIdentityType)}
        >
          {IDENTITY_TYPES.map((type) => (
            <SelectItem key={type.value} value={type.value} text={type.label} />
          ))}
        </Select>
        <fieldset className="fhd-ca-form__group">
          <legend className="cds--label">{t("register.secret")}</legend>
          <Segmented
            name={`${formId}-secret`}
            label={t("register.secret")}
            value={form.secretMode}
            options={[
              ["generate", t("register.generate")],
              ["type", t("register.typeSecret")],
            ]}
            onChange={(mode) => set("secretMode", mode)}
          />
          {form.secretMode === "type" ? (
            <PasswordInput
              id="ca-register-secret"
              labelText={t("register.secretField")}
              showPasswordLabel={t("register.show")}
              hidePasswordLabel={t("register.hide")}
              autoComplete="new-password"
              value={form.secret}
              onChange={(e) => set("secret", e.target.value)}
              invalid={errors.secret !== undefined}
              invalidText={errors.secret}
            />
          ) : (
            <p className="fhd-ca-help">{t("register.generated")}</p>
          )}
        </fieldset>
        <TextInput
          id="ca-register-maxEnrollments"
          labelText={t("register.max")}
          placeholder={t("users.caDefault")}
          helperText={t("register.maxHelp")}
          inputMode="numeric"
          value={form.maxEnrollments}
          onChange={(e) => set("maxEnrollments", e.target.value)}
          invalid={errors.maxEnrollments !== undefined}
          invalidText={errors.maxEnrollments}
        />
        <TextInput
          id="ca-register-affiliation"
          labelText={t("register.affiliation")}
          placeholder={t("register.example", { value: "org1.department1" })}
          helperText={t("register.affiliationHelp")}
          value={form.affiliation}
          onChange={(e) => set("affiliation", e.target.value)}
          invalid={errors.affiliation !== undefined}
          invalidText={errors.affiliation}
        />
        <fieldset className="fhd-ca-form__group" id="ca-register-attributes" tabIndex={-1}>
          <legend className="cds--label">{t("register.attributes")}</legend>
          {form.attributes.map((a, i) => (
            <div key={a.key} className="fhd-ca-attr" data-testid="ca-attribute">
              <TextInput
                id={`ca-attr-name-${a.key}`}
                labelText={t("register.attrName", { n: i + 1 })}
                hideLabel
                placeholder={t("register.name")}
                value={a.name}
                onChange={(e) => setAttribute(a.key, { name: e.target.value })}
              />
              <TextInput
                id={`ca-attr-value-${a.key}`}
                labelText={t("register.attrValue", { n: i + 1 })}
                hideLabel
                placeholder={t("register.value")}
                value={a.value}
                onChange={(e) => setAttribute(a.key, { value: e.target.value })}
              />
              <Button
                kind="ghost"
                size="md"
                hasIconOnly
                renderIcon={TrashCan}
                iconDescription={t("register.attrRemove", { n: i + 1 })}
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
            {t("register.addAttribute")}
          </Button>
        </fieldset>
        {failure ? (
          <CaErrorNotice
            error={failure}
            context={t("register.failed", { id: form.enrollId.trim() })}
          />
        ) : null}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </SidePanel>
  );
}
