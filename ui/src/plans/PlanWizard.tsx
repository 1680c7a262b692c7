// "New plan": source → targets → peers per region → secrets, then the plan is saved once
// (plan_create) and its page continues with preview → apply → report. The source is an existing
// organization of the region-1 console, or a new one the plan creates there first (its fields
// default from the MSP id as the CLI's `--new-org` does, and are checked by the engine's rules).
// The channels the new peers join and the packages they install are chosen from what the chosen
// region-1 peers report (peers/PlanPeerChoices.tsx).
// The registrar's secret lives only in this form's state until it is sent, and is cleared once
// the plan is saved; a new organization needs none.
import {
  Button,
  Checkbox,
  InlineLoading,
  InlineNotification,
  NumberInput,
  PasswordInput,
  RadioButton,
  RadioButtonGroup,
  Select,
  SelectItem,
  TextInput,
} from "@carbon/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { consoleComponents, consoleList, libraryList, planCreate } from "../api";
import type { ConsoleComponents } from "../bindings/ConsoleComponents";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import type { LibraryItem } from "../bindings/LibraryItem";
import { IdentitySelect } from "../components/IdentitySelect";
import { describeError } from "../errors";
import { PlanPeerChoices } from "../peers/PlanPeerChoices";
import {
  buildPlan,
  editNewOrg,
  emptyForm,
  type FormErrors,
  type NewOrgField,
  newOrgDefaults,
  newOrgErrors,
  newRegion,
  plansHref,
  type RegionForm,
  refillNewOrg,
  registrarSecret,
  validateStep,
  type WizardForm,
  withCount,
} from "./logic";
import { PlanProgress } from "./parts";

const DEFAULT_PEERS = 2;

/** The new organization's fields after its MSP id, in the order they are shown. */
/** Labels are `plans:wizard.org.<field>`, helper texts `plans:wizard.org.<field>Help`. */
const NEW_ORG_INPUTS: { field: NewOrgField; id: string; helper?: boolean }[] = [
  { field: "caName", id: "plan-org-ca-name", helper: true },
  { field: "caAdminId", id: "plan-org-ca-admin", helper: true },
  { field: "mspName", id: "plan-org-msp-name" },
  { field: "orgAdminId", id: "plan-org-admin", helper: true },
  { field: "peerName", id: "plan-org-peer-name" },
  { field: "peerEnrollId", id: "plan-org-peer-id" },
];

export function PlanWizard() {
  const { t } = useTranslation("plans");
  const [step, setStep] = useState(0);
  const [form, setForm] = useState<WizardForm>(emptyForm);
  const [errors, setErrors] = useState<FormErrors>({});
  const [consoles, setConsoles] = useState<ConsoleSummary[] | null>(null);
  const [components, setComponents] = useState<ConsoleComponents | null>(null);
  const [identities, setIdentities] = useState<LibraryItem[]>([]);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);

  useEffect(() => {
    consoleList()
      .then(setConsoles)
      .catch(() => setConsoles([]));
    libraryList()
      .then((items) => setIdentities(items.filter((i) => i.kind === "identity")))
      .catch(() => setIdentities([]));
  }, []);

  useEffect(() => {
    setComponents(null);
    if (!form.sourceConsole || form.mode === "new") return;
    let live = true;
    consoleComponents(form.sourceConsole)
      .then((c) => {
        if (live) setComponents(c);
      })
      .catch(() => {
        if (live)
          setComponents({
            console: form.sourceConsole,
            fetchedAt: "",
            peers: [],
            cas: [],
            orderers: [],
            msps: [],
          });
      });
    return () => {
      live = false;
    };
  }, [form.sourceConsole, form.mode]);

  const set = (patch: Partial<WizardForm>) => setForm((f) => ({ ...f, ...patch }));
  const setRegion = (console: string, patch: (r: RegionForm) => RegionForm) =>
    setForm((f) => ({
      ...f,
      targets: f.targets.map((t) => (t.console === console ? patch(t) : t)),
    }));

  const orgPeers = useMemo(
    () => (components?.peers ?? []).filter((p) => !form.mspId || p.mspId === form.mspId),
    [components, form.mspId],
  );
  const peerNames = useMemo(
    () => Object.fromEntries((components?.peers ?? []).map((p) => [p.id, p.displayName])),
    [components],
  );
  const setChoices = useCallback(
    (patch: { channels?: string; chaincodes?: string }) => setForm((f) => ({ ...f, ...patch })),
    [],
  );

  const next = async () => {
    const found = validateStep(form, step);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    if (step < 3) {
      setStep(step + 1);
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      const record = await planCreate({
        plan: buildPlan(form),
        registrarSecret: registrarSecret(form),
      });
      // The secret is in the workspace vault now; forget it here.
      setForm(emptyForm());
      window.location.hash = plansHref({ view: "plan", name: record.plan.name });
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const others = (consoles ?? []).filter((c) => c.name !== form.sourceConsole);
  const source = consoles?.find((c) => c.name === form.sourceConsole);
  // A new organization's fields are checked as they are typed; an empty one once Next was
  // pressed.
  const orgChecks = form.mode === "new" ? newOrgErrors(form) : {};
  const orgError = (field: NewOrgField | "mspId") => {
    const value = field === "mspId" ? form.mspId : form.org[field];
    return value !== "" || errors[field] ? orgChecks[field] : undefined;
  };
  const showChannels = form.mode === "new" ? form.sourceConsole !== "" : components !== null;

  return (
    <div className="fhd-plan-page" data-testid="plan-wizard">
      <nav className="fhd-plan-crumbs" aria-label={t("breadcrumb")}>
        <a href={plansHref({ view: "list" })}>{t("list.title")}</a> / {t("list.newPlan")}
      </nav>
      <h1 className="fhd-page-title">{t("wizard.title")}</h1>
      <PlanProgress current={step} />
      <form
        className="fhd-plan-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void next();
        }}
      >
        {step === 0 && (
          <section aria-labelledby="plan-step-title" data-step="source">
            <h2 id="plan-step-title" className="fhd-plan-heading">
              {t("wizard.source.title")}
            </h2>
            <TextInput
              id="plan-name"
              labelText={t("wizard.source.name")}
              value={form.name}
              invalid={!!errors.name}
              invalidText={errors.name}
              onChange={(e) => set({ name: e.target.value })}
            />
            <RadioButtonGroup
              legendText={t("wizard.source.organization")}
              name="plan-source-mode"
              valueSelected={form.mode}
              helperText={
                form.mode === "new" ? t("wizard.source.newHelp") : t("wizard.source.existingHelp")
              }
              onChange={(v) =>
                set({
                  mode: v as WizardForm["mode"],
                  ca: "",
                  msp: "",
                  mspId: "",
                  peers: [],
                  org: { ...newOrgDefaults("", ""), edited: [] },
                })
              }
            >
              <RadioButton
                id="plan-mode-existing"
                labelText={t("wizard.source.existing")}
                value="existing"
              />
              <RadioButton id="plan-mode-new" labelText={t("wizard.source.new")} value="new" />
            </RadioButtonGroup>
            {consoles === null ? (
              <InlineLoading
                iconDescription={t("loadingIcon")}
                description={t("wizard.source.loadingConsoles")}
              />
            ) : (
              <Select
                id="plan-source-console"
                labelText={t("wizard.source.console")}
                value={form.sourceConsole}
                invalid={!!errors.sourceConsole}
                invalidText={errors.sourceConsole}
                warn={form.mode === "new" && !!source?.lastVerdict?.importOnly}
                warnText={t("wizard.source.importOnly")}
                onChange={(e) => {
                  const targets = form.targets.filter((t) => t.console !== e.target.value);
                  set(
                    form.mode === "new"
                      ? {
                          sourceConsole: e.target.value,
                          org: refillNewOrg(form.org, form.mspId, e.target.value),
                          targets,
                        }
                      : {
                          sourceConsole: e.target.value,
                          ca: "",
                          msp: "",
                          mspId: "",
                          peers: [],
                          targets,
                        },
                  );
                }}
              >
                <SelectItem value="" text={t("wizard.source.chooseConsole")} />
                {consoles.map((c) => (
                  <SelectItem key={c.name} value={c.name} text={`${c.name} (${c.region})`} />
                ))}
              </Select>
            )}
            {form.mode === "new" && (
              <fieldset className="fhd-plan-region" data-testid="plan-new-org">
                <legend className="fhd-plan-region__title">{t("wizard.source.new")}</legend>
                <TextInput
                  id="plan-org-msp-id"
                  labelText={t("wizard.org.mspId")}
                  helperText={t("wizard.org.mspIdHelp")}
                  value={form.mspId}
                  invalid={!!orgError("mspId")}
                  invalidText={orgError("mspId")}
                  onChange={(e) =>
                    set({
                      mspId: e.target.value,
                      org: refillNewOrg(form.org, e.target.value, form.sourceConsole),
                    })
                  }
                />
                <div className="fhd-plan-names">
                  {NEW_ORG_INPUTS.map((input) => (
                    <TextInput
                      key={input.field}
                      id={input.id}
                      labelText={t(`wizard.org.${input.field}`)}
                      helperText={input.helper ? t(`wizard.org.${input.field}Help`) : undefined}
                      value={form.org[input.field]}
                      invalid={!!orgError(input.field)}
                      invalidText={orgError(input.field)}
                      onChange={(e) =>
                        set({ org: editNewOrg(form.org, input.field, e.target.value) })
                      }
                    />
                  ))}
                </div>
              </fieldset>
            )}
            {form.mode === "existing" && form.sourceConsole && !components && (
              <InlineLoading
                iconDescription={t("loadingIcon")}
                description={t("wizard.source.readingComponents")}
              />
            )}
            {form.mode === "existing" && components && (
              <>
                <Select
                  id="plan-source-ca"
                  labelText={t("wizard.source.ca")}
                  value={form.ca}
                  invalid={!!errors.ca}
                  invalidText={errors.ca}
                  onChange={(e) => set({ ca: e.target.value })}
                >
                  <SelectItem value="" text={t("wizard.source.chooseCa")} />
                  {components.cas.map((c) => (
                    <SelectItem key={c.id} value={c.id} text={`${c.displayName} (${c.id})`} />
                  ))}
                </Select>
                <Select
                  id="plan-source-msp"
                  labelText={t("wizard.source.msp")}
                  value={form.msp}
                  invalid={!!errors.msp}
                  invalidText={errors.msp}
                  onChange={(e) => {
                    const msp = components.msps.find((m) => m.id === e.target.value);
                    set({ msp: e.target.value, mspId: msp?.mspId ?? "", peers: [] });
                  }}
                >
                  <SelectItem value="" text={t("wizard.source.chooseMsp")} />
                  {components.msps.map((m) => (
                    <SelectItem key={m.id} value={m.id} text={`${m.displayName} (${m.mspId})`} />
                  ))}
                </Select>
                <fieldset className="fhd-plan-fieldset">
                  <legend className="cds--label">{t("wizard.source.peers")}</legend>
                  {orgPeers.length === 0 && (
                    <p className="fhd-plan-hint">{t("wizard.source.noPeers")}</p>
                  )}
                  {orgPeers.map((p) => (
                    <Checkbox
                      key={p.id}
                      id={`plan-source-peer-${p.id}`}
                      labelText={`${p.displayName} (${p.id})`}
                      checked={form.peers.includes(p.id)}
                      onChange={(_, { checked }) =>
                        set({
                          peers: checked
                            ? [...form.peers, p.id]
                            : form.peers.filter((x) => x !== p.id),
                        })
                      }
                    />
                  ))}
                </fieldset>
                <IdentitySelect
                  id="plan-source-tls"
                  labelText={t("wizard.source.tlsIdentity")}
                  helperText={t("wizard.source.tlsIdentityHelp")}
                  noneText={t("wizard.source.noTlsIdentity")}
                  items={identities}
                  value={form.tlsIdentity}
                  onChange={(tlsIdentity) => set({ tlsIdentity })}
                />
              </>
            )}
            {showChannels && (
              <PlanPeerChoices
                mode={form.mode}
                console={form.sourceConsole}
                peers={form.peers}
                tlsIdentity={form.tlsIdentity || null}
                names={peerNames}
                channels={form.channels}
                chaincodes={form.chaincodes}
                onChange={setChoices}
              />
            )}
          </section>
        )}

        {step === 1 && (
          <section aria-labelledby="plan-step-title" data-step="targets">
            <h2 id="plan-step-title" className="fhd-plan-heading">
              {t("wizard.targets.title")}
            </h2>
            {others.length === 0 && <p className="fhd-plan-hint">{t("wizard.targets.none")}</p>}
            {others.map((c) => (
              <Checkbox
                key={c.name}
                id={`plan-target-${c.name}`}
                labelText={
                  c.lastVerdict?.importOnly
                    ? t("wizard.targets.importOnly", { name: c.name, region: c.region })
                    : `${c.name} (${c.region})`
                }
                checked={form.targets.some((t) => t.console === c.name)}
                onChange={(_, { checked }) =>
                  set({
                    targets: checked
                      ? [
                          ...form.targets,
                          withCount(
                            newRegion(c.name, c.region),
                            DEFAULT_PEERS,
                            form.mspId || form.msp,
                          ),
                        ]
                      : form.targets.filter((t) => t.console !== c.name),
                  })
                }
              />
            ))}
            {errors.targets && <p className="fhd-plan-error">{errors.targets}</p>}
          </section>
        )}

        {step === 2 && (
          <section aria-labelledby="plan-step-title" data-step="peers">
            <h2 id="plan-step-title" className="fhd-plan-heading">
              {t("wizard.peers.title")}
            </h2>
            {errors.peers && <p className="fhd-plan-error">{errors.peers}</p>}
            {form.targets.map((target) => (
              <fieldset
                key={target.console}
                className="fhd-plan-region"
                data-testid="plan-region-form"
                data-console={target.console}
              >
                <legend className="fhd-plan-region__title">
                  {target.console} <span className="fhd-plan-hint">{target.region}</span>
                </legend>
                <NumberInput
                  id={`plan-count-${target.console}`}
                  label={t("wizard.peers.count")}
                  translateWithId={(id) =>
                    t(
                      id === "increment.number"
                        ? "wizard.peers.increment"
                        : "wizard.peers.decrement",
                    )
                  }
                  min={0}
                  max={20}
                  value={target.count}
                  onChange={(_, { value }) =>
                    setRegion(target.console, (r) =>
                      withCount(r, Number(value) || 0, form.mspId || form.msp),
                    )
                  }
                />
                <div className="fhd-plan-names">
                  {target.names.map((name, i) => (
                    <TextInput
                      // biome-ignore lint/suspicious/noArrayIndexKey: peers are positional
                      key={i}
                      id={`plan-peer-${target.console}-${i}`}
                      labelText={t("wizard.peers.name", { n: i + 1 })}
                      value={name}
                      invalid={!!errors[`peer:${target.console}:${i}`]}
                      invalidText={errors[`peer:${target.console}:${i}`]}
                      onChange={(e) =>
                        setRegion(target.console, (r) => ({
                          ...r,
                          names: r.names.map((n, j) => (j === i ? e.target.value : n)),
                        }))
                      }
                    />
                  ))}
                </div>
                <div className="fhd-plan-grid">
                  <TextInput
                    id={`plan-zone-${target.console}`}
                    labelText={t("wizard.peers.zone")}
                    value={target.zone}
                    onChange={(e) =>
                      setRegion(target.console, (r) => ({ ...r, zone: e.target.value }))
                    }
                  />
                  <TextInput
                    id={`plan-version-${target.console}`}
                    labelText={t("wizard.peers.version")}
                    placeholder={t("wizard.peers.versionDefault")}
                    value={target.version}
                    onChange={(e) =>
                      setRegion(target.console, (r) => ({ ...r, version: e.target.value }))
                    }
                  />
                  <Select
                    id={`plan-statedb-${target.console}`}
                    labelText={t("wizard.peers.stateDb")}
                    value={target.stateDb}
                    onChange={(e) =>
                      setRegion(target.console, (r) => ({
                        ...r,
                        stateDb: e.target.value as RegionForm["stateDb"],
                      }))
                    }
                  >
                    {/* i18n-ignore: product names */}
                    <SelectItem value="couchdb" text="CouchDB" />
                    {/* i18n-ignore: product names */}
                    <SelectItem value="leveldb" text="LevelDB" />
                    <SelectItem value="" text={t("wizard.peers.consoleDefault")} />
                  </Select>
                  <TextInput
                    id={`plan-cpu-${target.console}`}
                    labelText={t("wizard.peers.cpu")}
                    placeholder={t("wizard.peers.example", { value: "200m" })}
                    value={target.cpu}
                    onChange={(e) =>
                      setRegion(target.console, (r) => ({ ...r, cpu: e.target.value }))
                    }
                  />
                  <TextInput
                    id={`plan-memory-${target.console}`}
                    labelText={t("wizard.peers.memory")}
                    placeholder={t("wizard.peers.example", { value: "400Mi" })}
                    value={target.memory}
                    onChange={(e) =>
                      setRegion(target.console, (r) => ({ ...r, memory: e.target.value }))
                    }
                  />
                  <TextInput
                    id={`plan-storage-${target.console}`}
                    labelText={t("wizard.peers.storage")}
                    placeholder={t("wizard.peers.example", { value: "100Gi" })}
                    value={target.storageSize}
                    onChange={(e) =>
                      setRegion(target.console, (r) => ({ ...r, storageSize: e.target.value }))
                    }
                  />
                  <TextInput
                    id={`plan-storage-class-${target.console}`}
                    labelText={t("wizard.peers.storageClass")}
                    value={target.storageClass}
                    onChange={(e) =>
                      setRegion(target.console, (r) => ({ ...r, storageClass: e.target.value }))
                    }
                  />
                </div>
              </fieldset>
            ))}
          </section>
        )}

        {step === 3 && form.mode === "new" && (
          <section aria-labelledby="plan-step-title" data-step="secrets">
            <h2 id="plan-step-title" className="fhd-plan-heading">
              {t("wizard.secrets.generatedTitle")}
            </h2>
            <InlineNotification
              kind="info"
              statusIconDescription={t("notice.info")}
              lowContrast
              hideCloseButton
              data-testid="plan-no-secret"
              title={t("wizard.secrets.noSecret")}
              subtitle={t("wizard.secrets.noSecretHelp", {
                caAdmin: form.org.caAdminId,
                orgAdmin: form.org.orgAdminId,
              })}
            />
          </section>
        )}

        {step === 3 && form.mode === "existing" && (
          <section aria-labelledby="plan-step-title" data-step="secrets">
            <h2 id="plan-step-title" className="fhd-plan-heading">
              {t("wizard.secrets.title")}
            </h2>
            <RadioButtonGroup
              legendText={t("wizard.secrets.registrar")}
              name="plan-registrar"
              valueSelected={form.registrar}
              onChange={(v) => set({ registrar: v as WizardForm["registrar"] })}
            >
              <RadioButton
                id="plan-registrar-enroll"
                labelText={t("wizard.secrets.byEnroll")}
                value="enroll"
              />
              <RadioButton
                id="plan-registrar-wallet"
                labelText={t("wizard.secrets.byWallet")}
                value="wallet"
              />
            </RadioButtonGroup>
            {form.registrar === "enroll" ? (
              <>
                <TextInput
                  id="plan-enroll-id"
                  labelText={t("wizard.org.caAdminId")}
                  value={form.enrollId}
                  invalid={!!errors.enrollId}
                  invalidText={errors.enrollId}
                  onChange={(e) => set({ enrollId: e.target.value })}
                />
                <PasswordInput
                  id="plan-secret"
                  labelText={t("wizard.secrets.secret")}
                  helperText={t("wizard.secrets.secretHelp")}
                  showPasswordLabel={t("wizard.secrets.show")}
                  hidePasswordLabel={t("wizard.secrets.hide")}
                  autoComplete="off"
                  value={form.secret}
                  invalid={!!errors.secret}
                  invalidText={errors.secret}
                  onChange={(e) => set({ secret: e.target.value })}
                />
              </>
            ) : (
              <IdentitySelect
                id="plan-wallet-identity"
                labelText={t("wizard.secrets.walletIdentity")}
                noneText={t("wizard.secrets.chooseIdentity")}
                items={identities}
                value={form.walletIdentity}
                invalid={!!errors.walletIdentity}
                invalidText={errors.walletIdentity}
                onChange={(walletIdentity) => set({ walletIdentity })}
              />
            )}
            <IdentitySelect
              id="plan-org-admin"
              labelText={t("wizard.secrets.orgAdmin")}
              noneText={t("wizard.secrets.walletAdmin")}
              items={identities}
              value={form.orgAdminIdentity}
              onChange={(orgAdminIdentity) => set({ orgAdminIdentity })}
            />
          </section>
        )}

        {step === 3 && saveError !== null && (
          <InlineNotification
            kind="error"
            statusIconDescription={t("notice.error")}
            lowContrast
            hideCloseButton
            title={describeError(saveError).sentence}
            subtitle={describeError(saveError).detail}
          />
        )}

        <div className="fhd-plan-buttons">
          <Button
            kind="secondary"
            onClick={() => {
              if (step === 0) window.location.hash = plansHref({ view: "list" });
              else setStep(step - 1);
            }}
          >
            {step === 0 ? t("wizard.cancel") : t("wizard.back")}
          </Button>
          <Button type="submit" id="plan-wizard-next" disabled={saving}>
            {step < 3 ? t("wizard.next") : saving ? t("wizard.saving") : t("wizard.save")}
          </Button>
        </div>
      </form>
    </div>
  );
}
