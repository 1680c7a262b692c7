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
import { bundleCreate, bundleSigningKey, consoleList, planList } from "../api";
import type { ArtifactKind } from "../bindings/ArtifactKind";
import type { BundleWritten } from "../bindings/BundleWritten";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import type { PlanRecord } from "../bindings/PlanRecord";
import { useNotifier } from "../components/Notifications";
import { KIND_NAME } from "../data/library";
import { useLibrary } from "../data/WorkspaceData";
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
        notify({ kind: "success", title: "Bundle saved", subtitle: result.path });
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
          Target console
        </h2>
        {consoles === null ? (
          <InlineLoading description="Loading consoles…" />
        ) : (
          <Select
            id="bundle-target"
            labelText="The console the bundle is for"
            value={form.target}
            invalid={!!errors.target && form.target !== OTHER_CONSOLE}
            invalidText={errors.target}
            onChange={(e) => set({ target: e.target.value })}
          >
            <SelectItem value="" text="Choose a console" />
            {consoles.map((c) => (
              <SelectItem key={c.name} value={c.name} text={`${c.name} (${c.region})`} />
            ))}
            <SelectItem value={OTHER_CONSOLE} text="Another console (not registered here)" />
          </Select>
        )}
        {form.target === OTHER_CONSOLE && (
          <TextInput
            id="bundle-target-name"
            labelText="Console name"
            helperText="The name the receiver knows the console by; applying checks it."
            value={form.otherTarget}
            invalid={!!errors.target}
            invalidText={errors.target}
            onChange={(e) => set({ otherTarget: e.target.value })}
          />
        )}
      </section>

      <section aria-labelledby="bundle-contents-title">
        <h2 id="bundle-contents-title" className="fhd-bundle-heading">
          Contents
        </h2>
        <RadioButtonGroup
          legendText="What goes in"
          name="bundle-contents"
          valueSelected={form.contents}
          onChange={(v) => set({ contents: v as BuildForm["contents"] })}
        >
          <RadioButton
            id="bundle-contents-artifacts"
            labelText="Components from the library"
            value="artifacts"
          />
          <RadioButton
            id="bundle-contents-plan"
            labelText="Everything an HA plan needs in the target"
            value="plan"
          />
        </RadioButtonGroup>
        {form.contents === "artifacts" ? (
          <fieldset className="fhd-bundle-fieldset" data-testid="bundle-artifacts">
            <legend className="cds--label">Components</legend>
            {byKind.length === 0 && (
              <p className="fhd-bundle-hint">The library is empty: import console files first.</p>
            )}
            {byKind.map((group) => (
              <div key={group.kind} className="fhd-bundle-kind">
                <p className="fhd-bundle-kind__title">{KIND_NAME[group.kind]}</p>
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
            labelText="HA plan"
            helperText="Its CA, MSP and peers, exported from its consoles, with the steps to do by hand."
            value={form.plan}
            invalid={!!errors.plan}
            invalidText={errors.plan}
            onChange={(e) => set({ plan: e.target.value })}
          >
            <SelectItem value="" text="Choose a plan" />
            {plans.map((p) => (
              <SelectItem
                key={p.id}
                value={p.plan.name}
                text={`${p.plan.name} (${p.plan.targets.map((t) => t.console).join(", ")})`}
              />
            ))}
          </Select>
        )}
        <Checkbox
          id="bundle-include-identities"
          labelText="Include identities (with their private keys) and the plan's enroll secrets"
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
            Identities go into the bundle with their private keys, and the plan's enroll secrets
            into its step list. Whoever opens the bundle can act as these identities: protect it
            with a passphrase or recipients, and hand it over only to the operator of the target
            console.
          </ImportantBox>
        )}
      </section>

      <section aria-labelledby="bundle-protection-title">
        <h2 id="bundle-protection-title" className="fhd-bundle-heading">
          Protection
        </h2>
        <RadioButtonGroup
          legendText="Encryption"
          name="bundle-protection"
          valueSelected={form.protection}
          onChange={(v) => set({ protection: v as Protection })}
        >
          <RadioButton
            id="bundle-protection-passphrase"
            labelText="Passphrase (age)"
            value="passphrase"
          />
          <RadioButton
            id="bundle-protection-recipients"
            labelText="Recipients' age public keys"
            value="recipients"
          />
          <RadioButton
            id="bundle-protection-unencrypted"
            labelText="No encryption"
            value="unencrypted"
          />
        </RadioButtonGroup>
        {form.protection === "passphrase" && (
          <>
            <PasswordInput
              id="bundle-passphrase"
              labelText="Passphrase"
              helperText="Tell it to the receiver another way than the bundle travels."
              autoComplete="new-password"
              value={form.passphrase}
              invalid={!!errors.passphrase}
              invalidText={errors.passphrase}
              onChange={(e) => set({ passphrase: e.target.value })}
            />
            <PasswordInput
              id="bundle-passphrase-confirm"
              labelText="Passphrase again"
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
            labelText="Recipients (age1… public keys, one per line)"
            helperText="Each recipient opens the bundle with the identity file of their key."
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
              Without encryption the bundle is a plain console zip: whoever holds the file reads
              every component{form.includeIdentities ? ", private key and secret" : ""} in it.
            </ImportantBox>
            <Checkbox
              id="bundle-unencrypted-confirm"
              className="fhd-ack"
              labelText="I understand that the bundle is written unencrypted"
              checked={form.unencryptedConfirmed}
              invalid={!!errors.unencrypted}
              invalidText={errors.unencrypted}
              onChange={(_, { checked }) => set({ unencryptedConfirmed: checked })}
            />
          </>
        )}
        <Checkbox
          id="bundle-sign"
          labelText="Sign the manifest with this workspace's key (ed25519)"
          checked={form.sign}
          onChange={(_, { checked }) => set({ sign: checked })}
        />
        {form.sign && signingKey !== null && (
          <div className="fhd-bundle-hint" data-testid="bundle-signing-key">
            {"key" in signingKey ? (
              <>
                Receivers see this public key as the signer:{" "}
                <code className="fhd-bundle-key">{signingKey.key}</code>
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
          {busy ? "Building the bundle…" : "Save bundle…"}
        </Button>
      </div>

      {written && (
        <section
          className="fhd-bundle-result"
          data-testid="bundle-written"
          aria-labelledby="bundle-written-title"
        >
          <h2 id="bundle-written-title" className="fhd-bundle-heading">
            Saved
          </h2>
          <p className="fhd-bundle-path">{written.path}</p>
          {written.warnings.map((warning) => (
            <InlineNotification
              key={warning}
              kind="warning"
              lowContrast
              hideCloseButton
              title="Before you hand it over"
              subtitle={warning}
            />
          ))}
          <ManifestFacts manifest={written.manifest} encrypted={written.encrypted} />
          <p className="fhd-bundle-hint">
            {written.manifest.components.length} components in {written.manifest.files.length} files
            {written.manifest.signer_public_key
              ? `, signed by ${written.manifest.signer_public_key}`
              : ", unsigned"}
            .
          </p>
        </section>
      )}
    </form>
  );
}
