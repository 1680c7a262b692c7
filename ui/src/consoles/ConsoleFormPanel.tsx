// "Add console" / "Edit console": the console's side panel with the display name, region, URL,
// the credentials (API key + secret, a username + password used once to create an API key, or
// an IBM Cloud API key and IAM token URL for a console on IBM Cloud) and an optional extra CA
// certificate for the console's TLS. Secrets stay in this form's state
// and leave it only as the argument of console_add / console_update.
import { Button, Checkbox, InlineNotification, PasswordInput, TextInput } from "@carbon/react";
import { type ChangeEvent, type FormEvent, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { consoleAdd, consoleUpdate } from "../api";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import { notificationText } from "../components/carbonText";
import { describeError, isIpcError } from "../errors";
import { PanelButton } from "../library/PanelParts";
import { SidePanel } from "../library/SidePanel";
import {
  type AuthMode,
  type ConsoleForm,
  consoleAuthText,
  consoleUrlScheme,
  emptyForm,
  type FormErrors,
  fieldOfError,
  IBM_CLOUD_IAM_TOKEN_URL,
  toConsoleInput,
  validateConsoleForm,
} from "./logic";

/** A CA certificate file is small; anything bigger is not one. */
const MAX_PEM_BYTES = 64 * 1024;

export default function ConsoleFormPanel(props: {
  editing?: ConsoleSummary | undefined;
  existingNames: string[];
  onClose: () => void;
  /** `previous` is the edited console's old name (undefined when adding). */
  onSaved: (saved: ConsoleSummary, previous: string | undefined) => void;
}) {
  const { editing } = props;
  const { t } = useTranslation("consoles");
  const [form, setForm] = useState<ConsoleForm>(() => emptyForm(editing));
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const formId = useId();

  const errors: FormErrors = submitted
    ? {
        ...serverErrors,
        ...validateConsoleForm(form, {
          existingNames: props.existingNames,
          editing: editing?.name,
        }),
      }
    : serverErrors;

  const set =
    <K extends keyof ConsoleForm>(key: K) =>
    (value: ConsoleForm[K]) => {
      setForm((f) => ({ ...f, [key]: value }));
      setServerErrors(({ [key as keyof FormErrors]: _gone, ...rest }) => rest);
    };
  const onText =
    (
      key:
        | "name"
        | "region"
        | "url"
        | "apiKey"
        | "apiSecret"
        | "username"
        | "password"
        | "iamApiKey"
        | "tokenUrl"
        | "caCertPem",
    ) =>
    (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      set(key)(event.target.value);

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    if (file.size > MAX_PEM_BYTES) {
      setServerErrors((e) => ({
        ...e,
        caCertPem: t("form.error.fileTooLarge", { name: file.name }),
      }));
      return;
    }
    set("caCertPem")(await file.text());
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    setSubmitted(true);
    setFailure(null);
    const found = validateConsoleForm(form, {
      existingNames: props.existingNames,
      editing: editing?.name,
    });
    if (Object.keys(found).length > 0) {
      const first = Object.keys(found)[0];
      document.getElementById(`console-form-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const input = toConsoleInput(form);
      const saved = editing ? await consoleUpdate(editing.name, input) : await consoleAdd(input);
      props.onSaved(saved, editing?.name);
    } catch (error) {
      setBusy(false);
      const field = isIpcError(error)
        ? (error.code as string) === "console_exists"
          ? "name"
          : error.code === "InvalidInput"
            ? fieldOfError(error.details)
            : null
        : null;
      if (field) {
        const described = describeError(error);
        setServerErrors({ [field]: described.detail });
        document.getElementById(`console-form-${field}`)?.focus();
      } else {
        setFailure(error);
      }
    }
  };

  const scheme = consoleUrlScheme(form.url);
  const described = failure ? describeError(failure) : null;
  const showAuth = !editing || form.replaceAuth;
  const title = editing ? t("form.editTitle") : t("form.addTitle");

  return (
    <SidePanel
      id="console-form-panel"
      title={title}
      label={editing?.name}
      onClose={props.onClose}
      footer={
        <>
          <PanelButton kind="cancel" onClick={props.onClose}>
            {t("common:cancel")}
          </PanelButton>
          <PanelButton
            kind="primary"
            id="console-form-submit"
            disabled={busy}
            onClick={() => void submit()}
          >
            {busy
              ? editing
                ? t("form.saving")
                : t("form.adding")
              : editing
                ? t("form.save")
                : t("form.addTitle")}
          </PanelButton>
        </>
      }
    >
      <form id={formId} className="fhd-console-form" noValidate onSubmit={(e) => void submit(e)}>
        <p className="fhd-panel__intro">{t("form.intro")}</p>
        <TextInput
          id="console-form-name"
          labelText={t("form.name")}
          placeholder={t("form.namePlaceholder")}
          value={form.name}
          onChange={onText("name")}
          invalid={errors.name !== undefined}
          invalidText={errors.name}
          maxLength={64}
          data-modal-primary-focus
        />
        <TextInput
          id="console-form-region"
          labelText={t("form.region")}
          placeholder={t("form.regionPlaceholder")}
          helperText={t("form.regionHelp")}
          value={form.region}
          onChange={onText("region")}
          invalid={errors.region !== undefined}
          invalidText={errors.region}
        />
        <TextInput
          id="console-form-url"
          labelText={t("form.url")}
          placeholder="https://console.example.com:443" // i18n-ignore: an example URL
          value={form.url}
          onChange={onText("url")}
          invalid={errors.url !== undefined}
          invalidText={errors.url}
          warn={errors.url === undefined && scheme === "http:"}
          warnText={t("form.httpWarning")}
        />

        <fieldset className="fhd-console-form__auth">
          <legend className="cds--label">{t("form.auth")}</legend>
          {editing ? (
            <Checkbox
              id="console-form-replace-auth"
              labelText={t("form.replaceAuth", { auth: consoleAuthText(editing) })}
              checked={form.replaceAuth}
              onChange={(_event, { checked }) => set("replaceAuth")(checked)}
            />
          ) : null}
          {showAuth ? (
            <>
              <div className="fhd-seg" role="radiogroup" aria-label={t("form.signInWith")}>
                {(
                  [
                    ["apiKey", t("form.modeApiKey")],
                    ["password", t("form.modePassword")],
                    ["iam", t("form.modeIam")],
                  ] as const
                ).map(([mode, text]) => (
                  <label
                    key={mode}
                    className={`fhd-seg__option${form.authMode === mode ? " fhd-seg__option--on" : ""}`}
                  >
                    <input
                      type="radio"
                      name={`${formId}-auth`}
                      value={mode}
                      checked={form.authMode === mode}
                      onChange={() => set("authMode")(mode as AuthMode)}
                    />
                    {text}
                  </label>
                ))}
              </div>
              {form.authMode === "apiKey" ? (
                <>
                  <TextInput
                    id="console-form-apiKey"
                    labelText={t("form.apiKey")}
                    autoComplete="off"
                    value={form.apiKey}
                    onChange={onText("apiKey")}
                    invalid={errors.apiKey !== undefined}
                    invalidText={errors.apiKey}
                  />
                  <PasswordInput
                    id="console-form-apiSecret"
                    labelText={t("form.apiSecret")}
                    autoComplete="off"
                    helperText={t("form.apiSecretHelp")}
                    showPasswordLabel={t("form.show")}
                    hidePasswordLabel={t("form.hide")}
                    value={form.apiSecret}
                    onChange={onText("apiSecret")}
                    invalid={errors.apiSecret !== undefined}
                    invalidText={errors.apiSecret}
                  />
                </>
              ) : form.authMode === "iam" ? (
                <>
                  <PasswordInput
                    id="console-form-iamApiKey"
                    labelText={t("form.iamApiKey")}
                    autoComplete="off"
                    helperText={t("form.iamApiKeyHelp")}
                    showPasswordLabel={t("form.show")}
                    hidePasswordLabel={t("form.hide")}
                    value={form.iamApiKey}
                    onChange={onText("iamApiKey")}
                    invalid={errors.iamApiKey !== undefined}
                    invalidText={errors.iamApiKey}
                  />
                  <TextInput
                    id="console-form-tokenUrl"
                    labelText={t("form.tokenUrl")}
                    autoComplete="off"
                    helperText={t("form.tokenUrlHelp", { url: IBM_CLOUD_IAM_TOKEN_URL })}
                    placeholder={IBM_CLOUD_IAM_TOKEN_URL}
                    value={form.tokenUrl}
                    onChange={onText("tokenUrl")}
                    invalid={errors.tokenUrl !== undefined}
                    invalidText={errors.tokenUrl}
                  />
                </>
              ) : (
                <>
                  <TextInput
                    id="console-form-username"
                    labelText={t("form.username")}
                    autoComplete="off"
                    value={form.username}
                    onChange={onText("username")}
                    invalid={errors.username !== undefined}
                    invalidText={errors.username}
                  />
                  <PasswordInput
                    id="console-form-password"
                    labelText={t("form.password")}
                    autoComplete="off"
                    helperText={t("form.passwordHelp")}
                    showPasswordLabel={t("form.show")}
                    hidePasswordLabel={t("form.hide")}
                    value={form.password}
                    onChange={onText("password")}
                    invalid={errors.password !== undefined}
                    invalidText={errors.password}
                  />
                </>
              )}
            </>
          ) : null}
        </fieldset>

        <div className="fhd-console-form__ca">
          <label className="cds--label" htmlFor="console-form-caCertPem">
            {t("form.caCert")}
          </label>
          <textarea
            id="console-form-caCertPem"
            className={`fhd-textarea${errors.caCertPem ? " fhd-textarea--invalid" : ""}`}
            rows={5}
            spellCheck={false}
            placeholder="-----BEGIN CERTIFICATE-----" // i18n-ignore: the PEM header
            value={form.caCertPem}
            onChange={onText("caCertPem")}
            aria-invalid={errors.caCertPem !== undefined}
            aria-describedby="console-form-caCertPem-help"
          />
          <p
            id="console-form-caCertPem-help"
            className={errors.caCertPem ? "fhd-field-error" : "fhd-field-help"}
          >
            {errors.caCertPem ??
              (editing?.hasExtraCa ? t("form.caCertStored") : t("form.caCertHelp"))}
          </p>
          {editing?.hasExtraCa ? (
            <Checkbox
              id="console-form-remove-ca"
              labelText={t("form.removeCa")}
              checked={form.removeCa}
              disabled={form.caCertPem.trim() !== ""}
              onChange={(_event, { checked }) => set("removeCa")(checked)}
            />
          ) : null}
          <Button kind="tertiary" size="sm" onClick={() => fileInput.current?.click()}>
            {t("form.chooseFile")}
          </Button>
          <input
            ref={fileInput}
            type="file"
            accept=".pem,.crt,.cer,.txt"
            hidden
            aria-hidden="true"
            tabIndex={-1}
            data-testid="console-form-ca-file"
            onChange={(e) => void onFile(e)}
          />
        </div>

        {described ? (
          <InlineNotification
            {...notificationText("error")}
            kind="error"
            lowContrast
            hideCloseButton
            title={described.sentence}
            subtitle={[
              described.fix,
              described.detail !== described.sentence ? described.detail : "",
            ]
              .filter(Boolean)
              .join(" ")}
          />
        ) : null}
        {/* Enter in a field submits the form. */}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </SidePanel>
  );
}
