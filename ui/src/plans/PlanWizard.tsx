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
import { consoleComponents, consoleList, libraryList, planCreate } from "../api";
import type { ConsoleComponents } from "../bindings/ConsoleComponents";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import type { LibraryItem } from "../bindings/LibraryItem";
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
const NEW_ORG_INPUTS: { field: NewOrgField; id: string; label: string; helper?: string }[] = [
  {
    field: "caName",
    id: "plan-org-ca-name",
    label: "CA display name",
    helper: "The console derives the CA's id from it.",
  },
  {
    field: "caAdminId",
    id: "plan-org-ca-admin",
    label: "CA admin enroll id",
    helper: "Registers every peer; its secret is generated.",
  },
  { field: "mspName", id: "plan-org-msp-name", label: "MSP display name" },
  {
    field: "orgAdminId",
    id: "plan-org-admin",
    label: "Org admin enroll id",
    helper: "Registered as type admin and listed in the MSP.",
  },
  { field: "peerName", id: "plan-org-peer-name", label: "First peer display name" },
  { field: "peerEnrollId", id: "plan-org-peer-id", label: "First peer enroll id" },
];

export function PlanWizard() {
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
      <nav className="fhd-plan-crumbs" aria-label="Breadcrumb">
        <a href={plansHref({ view: "list" })}>HA plans</a> / New plan
      </nav>
      <h1 className="fhd-page-title">New HA plan</h1>
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
              Source: the organization in region 1
            </h2>
            <TextInput
              id="plan-name"
              labelText="Plan name"
              value={form.name}
              invalid={!!errors.name}
              invalidText={errors.name}
              onChange={(e) => set({ name: e.target.value })}
            />
            <RadioButtonGroup
              legendText="Organization"
              name="plan-source-mode"
              valueSelected={form.mode}
              helperText={
                form.mode === "new"
                  ? "The plan first creates it in the console of region 1: its CA, org admin, MSP definition with Node OUs and first peer."
                  : "It exists in the console of region 1: its CA, MSP and peers are imported into every region."
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
                labelText="Existing organization"
                value="existing"
              />
              <RadioButton id="plan-mode-new" labelText="New organization" value="new" />
            </RadioButtonGroup>
            {consoles === null ? (
              <InlineLoading description="Loading consoles…" />
            ) : (
              <Select
                id="plan-source-console"
                labelText="Console of region 1"
                value={form.sourceConsole}
                invalid={!!errors.sourceConsole}
                invalidText={errors.sourceConsole}
                warn={form.mode === "new" && !!source?.lastVerdict?.importOnly}
                warnText="This console is import-only: it cannot create the organization's CA and peer."
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
                <SelectItem value="" text="Choose a console" />
                {consoles.map((c) => (
                  <SelectItem key={c.name} value={c.name} text={`${c.name} (${c.region})`} />
                ))}
              </Select>
            )}
            {form.mode === "new" && (
              <fieldset className="fhd-plan-region" data-testid="plan-new-org">
                <legend className="fhd-plan-region__title">New organization</legend>
                <TextInput
                  id="plan-org-msp-id"
                  labelText="MSP id"
                  helperText="Letters, digits, dots and dashes. The other names below start from it."
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
                      labelText={input.label}
                      helperText={input.helper}
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
              <InlineLoading description="Reading the console's components…" />
            )}
            {form.mode === "existing" && components && (
              <>
                <Select
                  id="plan-source-ca"
                  labelText="Certificate Authority"
                  value={form.ca}
                  invalid={!!errors.ca}
                  invalidText={errors.ca}
                  onChange={(e) => set({ ca: e.target.value })}
                >
                  <SelectItem value="" text="Choose the organization's CA" />
                  {components.cas.map((c) => (
                    <SelectItem key={c.id} value={c.id} text={`${c.displayName} (${c.id})`} />
                  ))}
                </Select>
                <Select
                  id="plan-source-msp"
                  labelText="MSP definition"
                  value={form.msp}
                  invalid={!!errors.msp}
                  invalidText={errors.msp}
                  onChange={(e) => {
                    const msp = components.msps.find((m) => m.id === e.target.value);
                    set({ msp: e.target.value, mspId: msp?.mspId ?? "", peers: [] });
                  }}
                >
                  <SelectItem value="" text="Choose the organization's MSP" />
                  {components.msps.map((m) => (
                    <SelectItem key={m.id} value={m.id} text={`${m.displayName} (${m.mspId})`} />
                  ))}
                </Select>
                <fieldset className="fhd-plan-fieldset">
                  <legend className="cds--label">
                    Existing peers (imported into every region)
                  </legend>
                  {orgPeers.length === 0 && <p className="fhd-plan-hint">No peer of this MSP.</p>}
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
              </>
            )}
            {showChannels && (
              <PlanPeerChoices
                mode={form.mode}
                console={form.sourceConsole}
                peers={form.peers}
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
              Targets: the consoles (regions) to replicate into
            </h2>
            {others.length === 0 && (
              <p className="fhd-plan-hint">Add another console first (Consoles → Add console).</p>
            )}
            {others.map((c) => (
              <Checkbox
                key={c.name}
                id={`plan-target-${c.name}`}
                labelText={`${c.name} (${c.region})${c.lastVerdict?.importOnly ? " — import-only" : ""}`}
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
              Peers per region
            </h2>
            {errors.peers && <p className="fhd-plan-error">{errors.peers}</p>}
            {form.targets.map((t) => (
              <fieldset
                key={t.console}
                className="fhd-plan-region"
                data-testid="plan-region-form"
                data-console={t.console}
              >
                <legend className="fhd-plan-region__title">
                  {t.console} <span className="fhd-plan-hint">{t.region}</span>
                </legend>
                <NumberInput
                  id={`plan-count-${t.console}`}
                  label="Number of peers"
                  min={0}
                  max={20}
                  value={t.count}
                  onChange={(_, { value }) =>
                    setRegion(t.console, (r) =>
                      withCount(r, Number(value) || 0, form.mspId || form.msp),
                    )
                  }
                />
                <div className="fhd-plan-names">
                  {t.names.map((name, i) => (
                    <TextInput
                      // biome-ignore lint/suspicious/noArrayIndexKey: peers are positional
                      key={i}
                      id={`plan-peer-${t.console}-${i}`}
                      labelText={`Peer ${i + 1} display name`}
                      value={name}
                      invalid={!!errors[`peer:${t.console}:${i}`]}
                      invalidText={errors[`peer:${t.console}:${i}`]}
                      onChange={(e) =>
                        setRegion(t.console, (r) => ({
                          ...r,
                          names: r.names.map((n, j) => (j === i ? e.target.value : n)),
                        }))
                      }
                    />
                  ))}
                </div>
                <div className="fhd-plan-grid">
                  <TextInput
                    id={`plan-zone-${t.console}`}
                    labelText="Zone (optional)"
                    value={t.zone}
                    onChange={(e) => setRegion(t.console, (r) => ({ ...r, zone: e.target.value }))}
                  />
                  <TextInput
                    id={`plan-version-${t.console}`}
                    labelText="Fabric version (optional)"
                    placeholder="deployer default"
                    value={t.version}
                    onChange={(e) =>
                      setRegion(t.console, (r) => ({ ...r, version: e.target.value }))
                    }
                  />
                  <Select
                    id={`plan-statedb-${t.console}`}
                    labelText="State database"
                    value={t.stateDb}
                    onChange={(e) =>
                      setRegion(t.console, (r) => ({
                        ...r,
                        stateDb: e.target.value as RegionForm["stateDb"],
                      }))
                    }
                  >
                    <SelectItem value="couchdb" text="CouchDB" />
                    <SelectItem value="leveldb" text="LevelDB" />
                    <SelectItem value="" text="Console default" />
                  </Select>
                  <TextInput
                    id={`plan-cpu-${t.console}`}
                    labelText="CPU (optional)"
                    placeholder="e.g. 200m"
                    value={t.cpu}
                    onChange={(e) => setRegion(t.console, (r) => ({ ...r, cpu: e.target.value }))}
                  />
                  <TextInput
                    id={`plan-memory-${t.console}`}
                    labelText="Memory (optional)"
                    placeholder="e.g. 400Mi"
                    value={t.memory}
                    onChange={(e) =>
                      setRegion(t.console, (r) => ({ ...r, memory: e.target.value }))
                    }
                  />
                  <TextInput
                    id={`plan-storage-${t.console}`}
                    labelText="Ledger storage (optional)"
                    placeholder="e.g. 100Gi"
                    value={t.storageSize}
                    onChange={(e) =>
                      setRegion(t.console, (r) => ({ ...r, storageSize: e.target.value }))
                    }
                  />
                  <TextInput
                    id={`plan-storage-class-${t.console}`}
                    labelText="Storage class (optional)"
                    value={t.storageClass}
                    onChange={(e) =>
                      setRegion(t.console, (r) => ({ ...r, storageClass: e.target.value }))
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
              Secrets: generated by the plan
            </h2>
            <InlineNotification
              kind="info"
              lowContrast
              hideCloseButton
              data-testid="plan-no-secret"
              title="No secret is needed."
              subtitle={`The plan generates the secret of the CA admin "${form.org.caAdminId}" and every enroll secret (the org admin "${form.org.orgAdminId}" and each peer), and keeps them encrypted in the workspace with the org admin's certificate and key.`}
            />
          </section>
        )}

        {step === 3 && form.mode === "existing" && (
          <section aria-labelledby="plan-step-title" data-step="secrets">
            <h2 id="plan-step-title" className="fhd-plan-heading">
              Secrets: who registers the new peers at the CA
            </h2>
            <RadioButtonGroup
              legendText="Registrar"
              name="plan-registrar"
              valueSelected={form.registrar}
              onChange={(v) => set({ registrar: v as WizardForm["registrar"] })}
            >
              <RadioButton
                id="plan-registrar-enroll"
                labelText="CA admin (enroll id and secret)"
                value="enroll"
              />
              <RadioButton
                id="plan-registrar-wallet"
                labelText="A wallet identity"
                value="wallet"
              />
            </RadioButtonGroup>
            {form.registrar === "enroll" ? (
              <>
                <TextInput
                  id="plan-enroll-id"
                  labelText="CA admin enroll id"
                  value={form.enrollId}
                  invalid={!!errors.enrollId}
                  invalidText={errors.enrollId}
                  onChange={(e) => set({ enrollId: e.target.value })}
                />
                <PasswordInput
                  id="plan-secret"
                  labelText="Enroll secret"
                  helperText="Sent once when the plan is saved and kept encrypted in the workspace."
                  autoComplete="off"
                  value={form.secret}
                  invalid={!!errors.secret}
                  invalidText={errors.secret}
                  onChange={(e) => set({ secret: e.target.value })}
                />
              </>
            ) : (
              <Select
                id="plan-wallet-identity"
                labelText="Wallet identity"
                value={form.walletIdentity}
                invalid={!!errors.walletIdentity}
                invalidText={errors.walletIdentity}
                onChange={(e) => set({ walletIdentity: e.target.value })}
              >
                <SelectItem value="" text="Choose an identity" />
                {identities.map((i) => (
                  <SelectItem key={i.id} value={i.id} text={i.displayName} />
                ))}
              </Select>
            )}
            <Select
              id="plan-org-admin"
              labelText="Org admin identity (signs the join, install and anchor-peer steps)"
              value={form.orgAdminIdentity}
              onChange={(e) => set({ orgAdminIdentity: e.target.value })}
            >
              <SelectItem value="" text="The wallet's admin of the MSP" />
              {identities.map((i) => (
                <SelectItem key={i.id} value={i.id} text={i.displayName} />
              ))}
            </Select>
          </section>
        )}

        {step === 3 && saveError !== null && (
          <InlineNotification
            kind="error"
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
            {step === 0 ? "Cancel" : "Back"}
          </Button>
          <Button type="submit" id="plan-wizard-next" disabled={saving}>
            {step < 3 ? "Next" : saving ? "Saving…" : "Save and preview"}
          </Button>
        </div>
      </form>
    </div>
  );
}
