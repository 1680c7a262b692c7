// Build a bundle for a console this desk cannot reach: the target, the contents (library
// components or an HA plan), the protection (a passphrase typed twice, age recipients, or no
// encryption after an explicit confirmation), identities only on opt-in, an optional signature,
// then the native save dialog. The passphrase lives in this form only until the bundle is written.
import {
  Button,
  Checkbox,
  InlineLoading,
  InlineNotification,
  PasswordInput,
  RadioButton,
  RadioButtonGroup,
  Select,
  SelectItem,
  TextArea,
  TextInput,
} from "@carbon/react";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { bundleCreate, bundleSigningKey, consoleList, planList } from "../api";
import type { ArtifactKind } from "../bindings/ArtifactKind";
import type { BundleWritten } from "../bindings/BundleWritten";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import type { PlanRecord } from "../bindings/PlanRecord";
import { useNotifier } from "../components/Notifications";
import { useLibrary } from "../data/WorkspaceData";
import { joinList } from "../i18n";
import { ImportantBox } from "../library/PanelParts";
import {
  afterBuild,
  type BuildErrors,
  type BuildForm,
  buildInput,
  emptyBuildForm,
  OTHER_CONSOLE,
  type Protection,
  validateBuild,
} from "./logic";
import { ErrorNote, ManifestFacts } from "./parts";

const KIND_ORDER: ArtifactKind[] = ["ca", "msp", "peer", "orderer", "identity"];

export function BuildView() {
  const { t } = useTranslation("bundles");
  const { items } = useLibrary();
  const { notify } = useNotifier();
  const [form, setForm] = useState<BuildForm>(emptyBuildForm);
  const [errors, setErrors] = useState<BuildErrors>({});
  const [consoles, setConsoles] = useState<ConsoleSummary[] | null>(null);
  const [plans, setPlans] = useState<PlanRecord[]>([]);
  const [signingKey, setSigningKey] = useState<{ key: string } | { error: unknown } | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [written, setWritten] = useState<BundleWritten | null>(null);

  useEffect(() => {
    consoleList()
      .then(setConsoles)
      .catch(() => setConsoles([]));
    planList()
      .then(setPlans)
      .catch(() => setPlans([]));
  }, []);

  // The public key receivers check; made on first use, so only asked for when signing.
  useEffect(() => {
    if (!form.sign || signingKey !== null) return;
    bundleSigningKey()
      .then((key) => setSigningKey({ key }))
      .catch((error: unknown) => setSigningKey({ error }));
  }, [form.sign, signingKey]);

  const set = (patch: Partial<BuildForm>) => setForm((f) => ({ ...f, ...patch }));

  const byKind = useMemo(
    () =>
      KIND_ORDER.map((kind) => ({ kind, items: items.filter((i) => i.kind === kind) })).filter(
        (g) => g.items.length > 0,
      ),
    [items],
  );

  const toggle = (id: string, on: boolean) =>
    set({ artifacts: on ? [...form.artifacts, id] : form.artifacts.filter((a) => a !== id) });

  const submit = async () => {
    const found = validateBuild(form, plans, items);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setFailure(null);
    try {
      const result = await bundleCreate(buildInput(form));
      if (result) {
        setWritten(result);
        setForm(afterBuild);
        notify({ kind: "success", title: t("build.savedToast"), subtitle: result.path });
      }
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="fhd-bundle-form"
      data-testid="bundle-build"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <section aria-labelledby="bundle-target-title">
        <h2 id="bundle-target-title" className="fhd-bundle-heading">
          {t("build.target")}
        </h2>
        {consoles === null ? (
          <InlineLoading
            iconDescription={t("loadingIcon")}
            description={t("build.loadingConsoles")}
          />
        ) : (
          <Select
            id="bundle-target"
            labelText={t("build.targetLabel")}
            value={form.target}
            invalid={!!errors.target && form.target !== OTHER_CONSOLE}
            invalidText={errors.target}
            onChange={(e) => set({ target: e.target.value })}
          >
            <SelectItem value="" text={t("build.chooseConsole")} />
            {consoles.map((c) => (
              <SelectItem key={c.name} value={c.name} text={`${c.name} (${c.region})`} />
            ))}
            <SelectItem value={OTHER_CONSOLE} text={t("build.otherConsole")} />
          </Select>
        )}
        {form.target === OTHER_CONSOLE && (
          <TextInput
            id="bundle-target-name"
            labelText={t("build.consoleName")}
            helperText={t("build.consoleNameHelp")}
            value={form.otherTarget}
            invalid={!!errors.target}
            invalidText={errors.target}
            onChange={(e) => set({ otherTarget: e.target.value })}
          />
        )}
      </section>

      <section aria-labelledby="bundle-contents-title">
        <h2 id="bundle-contents-title" className="fhd-bundle-heading">
          {t("build.contents")}
        </h2>
        <RadioButtonGroup
          legendText={t("build.whatGoesIn")}
          name="bundle-contents"
          valueSelected={form.contents}
          onChange={(v) => set({ contents: v as BuildForm["contents"] })}
        >
          <RadioButton
            id="bundle-contents-artifacts"
            labelText={t("build.fromLibrary")}
            value="artifacts"
          />
          <RadioButton id="bundle-contents-plan" labelText={t("build.fromPlan")} value="plan" />
        </RadioButtonGroup>
        {form.contents === "artifacts" ? (
          <fieldset className="fhd-bundle-fieldset" data-testid="bundle-artifacts">
            <legend className="cds--label">{t("build.components")}</legend>
            {byKind.length === 0 && <p className="fhd-bundle-hint">{t("build.libraryEmpty")}</p>}
            {byKind.map((group) => (
              <div key={group.kind} className="fhd-bundle-kind">
                <p className="fhd-bundle-kind__title">{t(`common:kind.${group.kind}`)}</p>
                {group.items.map((item) => (
                  <Checkbox
                    key={item.id}
                    id={`bundle-artifact-${item.id}`}
                    labelText={
                      item.mspId ? `${item.displayName} (${item.mspId})` : item.displayName
                    }
                    checked={form.artifacts.includes(item.id)}
                    disabled={item.kind === "identity" && !form.includeIdentities}
                    onChange={(_, { checked }) => toggle(item.id, checked)}
                  />
                ))}
              </div>
            ))}
            {errors.artifacts && <p className="fhd-bundle-error">{errors.artifacts}</p>}
          </fieldset>
        ) : (
          <Select
            id="bundle-plan"
            labelText={t("build.plan")}
            helperText={t("build.planHelp")}
            value={form.plan}
            invalid={!!errors.plan}
            invalidText={errors.plan}
            onChange={(e) => set({ plan: e.target.value })}
          >
            <SelectItem value="" text={t("build.choosePlan")} />
            {plans.map((p) => (
              <SelectItem
                key={p.id}
                value={p.plan.name}
                text={`${p.plan.name} (${joinList(p.plan.targets.map((target) => target.console))})`}
              />
            ))}
          </Select>
        )}
        <Checkbox
          id="bundle-include-identities"
          labelText={t("build.includeIdentities")}
          checked={form.includeIdentities}
          onChange={(_, { checked }) =>
            setForm((f) => ({
              ...f,
              includeIdentities: checked,
              // Off again: no identity stays chosen.
              artifacts: checked
                ? f.artifacts
                : f.artifacts.filter((id) => items.find((i) => i.id === id)?.kind !== "identity"),
            }))
          }
        />
        {form.includeIdentities && (
          <ImportantBox id="bundle-identities-important">
            {t("build.identitiesImportant")}
          </ImportantBox>
        )}
      </section>

      <section aria-labelledby="bundle-protection-title">
        <h2 id="bundle-protection-title" className="fhd-bundle-heading">
          {t("build.protection")}
        </h2>
        <RadioButtonGroup
          legendText={t("build.encryption")}
          name="bundle-protection"
          valueSelected={form.protection}
          onChange={(v) => set({ protection: v as Protection })}
        >
          <RadioButton
            id="bundle-protection-passphrase"
            labelText={t("build.byPassphrase")}
            value="passphrase"
          />
          <RadioButton
            id="bundle-protection-recipients"
            labelText={t("build.byRecipients")}
            value="recipients"
          />
          <RadioButton
            id="bundle-protection-unencrypted"
            labelText={t("build.unencrypted")}
            value="unencrypted"
          />
        </RadioButtonGroup>
        {form.protection === "passphrase" && (
          <>
            <PasswordInput
              id="bundle-passphrase"
              labelText={t("build.passphrase")}
              helperText={t("build.passphraseHelp")}
              showPasswordLabel={t("build.show")}
              hidePasswordLabel={t("build.hide")}
              autoComplete="new-password"
              value={form.passphrase}
              invalid={!!errors.passphrase}
              invalidText={errors.passphrase}
              onChange={(e) => set({ passphrase: e.target.value })}
            />
            <PasswordInput
              id="bundle-passphrase-confirm"
              labelText={t("build.passphraseAgain")}
              showPasswordLabel={t("build.show")}
              hidePasswordLabel={t("build.hide")}
              autoComplete="new-password"
              value={form.confirm}
              invalid={!!errors.confirm}
              invalidText={errors.confirm}
              onChange={(e) => set({ confirm: e.target.value })}
            />
          </>
        )}
        {form.protection === "recipients" && (
          <TextArea
            id="bundle-recipients"
            labelText={t("build.recipients")}
            helperText={t("build.recipientsHelp")}
            rows={3}
            value={form.recipients}
            invalid={!!errors.recipients}
            invalidText={errors.recipients}
            onChange={(e) => set({ recipients: e.target.value })}
          />
        )}
        {form.protection === "unencrypted" && (
          <>
            <ImportantBox id="bundle-unencrypted-important">
              {form.includeIdentities
                ? t("build.unencryptedImportantSecrets")
                : t("build.unencryptedImportant")}
            </ImportantBox>
            <Checkbox
              id="bundle-unencrypted-confirm"
              className="fhd-ack"
              labelText={t("build.unencryptedConfirm")}
              checked={form.unencryptedConfirmed}
              invalid={!!errors.unencrypted}
              invalidText={errors.unencrypted}
              onChange={(_, { checked }) => set({ unencryptedConfirmed: checked })}
            />
          </>
        )}
        <Checkbox
          id="bundle-sign"
          labelText={t("build.sign")}
          checked={form.sign}
          onChange={(_, { checked }) => set({ sign: checked })}
        />
        {form.sign && signingKey !== null && (
          <div className="fhd-bundle-hint" data-testid="bundle-signing-key">
            {"key" in signingKey ? (
              <>
                {t("build.signer")} <code className="fhd-bundle-key">{signingKey.key}</code>
              </>
            ) : (
              <ErrorNote error={signingKey.error} />
            )}
          </div>
        )}
      </section>

      {failure !== null && <ErrorNote error={failure} testId="bundle-build-error" />}
      <div className="fhd-bundle-buttons">
        <Button type="submit" id="bundle-save" disabled={busy}>
          {busy ? t("build.busy") : t("build.save")}
        </Button>
      </div>

      {written && (
        <section
          className="fhd-bundle-result"
          data-testid="bundle-written"
          aria-labelledby="bundle-written-title"
        >
          <h2 id="bundle-written-title" className="fhd-bundle-heading">
            {t("build.saved")}
          </h2>
          <p className="fhd-bundle-path">{written.path}</p>
          {written.warnings.map((warning) => (
            <InlineNotification
              key={warning}
              kind="warning"
              statusIconDescription={t("notice.warning")}
              lowContrast
              hideCloseButton
              title={t("build.beforeHandOver")}
              subtitle={warning}
            />
          ))}
          <ManifestFacts manifest={written.manifest} encrypted={written.encrypted} />
          <p className="fhd-bundle-hint">
            {t(written.manifest.signer_public_key ? "build.summarySigned" : "build.summary", {
              components: t("build.componentCount", {
                count: written.manifest.components.length,
              }),
              files: t("build.fileCount", { count: written.manifest.files.length }),
              signer: written.manifest.signer_public_key,
            })}
          </p>
        </section>
      )}
    </form>
  );
}
