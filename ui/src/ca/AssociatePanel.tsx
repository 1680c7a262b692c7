// "Associate identity" (the console's wording): the identity this app signs the CA's register
// and users requests with. Enroll with an enroll ID and secret (usually the CA's bootstrap
// admin) into a new wallet identity, or pick an identity already in the wallet.
import { PasswordInput, Select, SelectItem, TextInput } from "@carbon/react";
import { type FormEvent, useId, useState } from "react";
import { caAssociate } from "../api";
import type { LibraryItem } from "../bindings/LibraryItem";
import { isIpcError } from "../errors";
import { SubmitFooter } from "../library/PanelParts";
import { SidePanel } from "../library/SidePanel";
import {
  type EnrollErrors,
  type EnrollForm,
  fieldOf,
  freeWalletName,
  toAssociation,
  validateEnrollForm,
} from "./logic";
import { CaErrorNotice, Segmented } from "./parts";

type Mode = "enroll" | "wallet";
const FIELDS = ["enrollId", "enrollSecret", "walletName", "identity"] as const;

export default function AssociatePanel(props: {
  ca: LibraryItem;
  current: LibraryItem | null;
  wallet: LibraryItem[];
  onClose: () => void;
  onAssociated: (identity: LibraryItem) => void;
}) {
  const { ca } = props;
  const walletNames = props.wallet.map((i) => i.displayName);
  // Identities issued by this CA first: those are the ones the CA accepts.
  const picks = [...props.wallet].sort(
    (a, b) =>
      Number(b.issuingCas.includes(ca.displayName)) - Number(a.issuingCas.includes(ca.displayName)),
  );
  const [mode, setMode] = useState<Mode>("enroll");
  const [form, setForm] = useState<EnrollForm>({
    enrollId: "",
    secret: "",
    walletName: freeWalletName(`${ca.displayName} Admin`, walletNames),
  });
  const [picked, setPicked] = useState(
    props.current?.id ?? picks.find((i) => i.issuingCas.includes(ca.displayName))?.id ?? "",
  );
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverErrors, setServerErrors] = useState<EnrollErrors & { identity?: string }>({});
  const [failure, setFailure] = useState<unknown>(null);
  const formId = useId();

  const validate = (): EnrollErrors & { identity?: string } =>
    mode === "enroll"
      ? validateEnrollForm(form, walletNames, true)
      : picked === ""
        ? { identity: "Pick an identity." }
        : {};
  const errors = submitted ? { ...serverErrors, ...validate() } : serverErrors;

  const set = (key: keyof EnrollForm, value: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    setServerErrors(({ [key]: _gone, ...rest }) => rest);
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setFailure(null);
    const found = validate();
    if (Object.keys(found).length > 0) {
      document.getElementById(`ca-associate-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const identity = await caAssociate(
        ca.id,
        mode === "enroll" ? toAssociation(form) : { kind: "wallet", identity: picked },
      );
      props.onAssociated(identity);
    } catch (error) {
      setBusy(false);
      const field =
        isIpcError(error) && error.code === "InvalidInput" ? fieldOf(error.details, FIELDS) : null;
      if (field && isIpcError(error)) {
        const key = field === "enrollSecret" ? "secret" : field;
        setServerErrors({ [key]: error.message });
      } else {
        setFailure(error);
      }
    }
  };

  return (
    <SidePanel
      id="ca-associate-panel"
      title="Associate identity"
      label={ca.displayName}
      onClose={props.onClose}
      footer={
        <SubmitFooter
          id="ca-associate-submit"
          busy={busy}
          label="Associate identity"
          busyLabel="Associating…"
          onCancel={props.onClose}
          onSubmit={() => void submit()}
        />
      }
    >
      <form className="fhd-ca-form" noValidate onSubmit={(e) => void submit(e)}>
        <p className="fhd-panel__intro">
          {`The associated identity registers users at ${ca.displayName} and lists them. Use the CA's admin (its bootstrap identity) or another registrar.`}
          {props.current ? ` Now: ${props.current.displayName}.` : ""}
        </p>
        <Segmented
          name={`${formId}-mode`}
          label="Associate by"
          value={mode}
          options={[
            ["enroll", "Enroll ID and secret"],
            ["wallet", "From the wallet"],
          ]}
          onChange={(m) => {
            setMode(m);
            setFailure(null);
          }}
        />
        {mode === "enroll" ? (
          <>
            <TextInput
              id="ca-associate-enrollId"
              labelText="Enroll ID"
              placeholder="e.g. admin"
              autoComplete="off"
              value={form.enrollId}
              onChange={(e) => set("enrollId", e.target.value)}
              invalid={errors.enrollId !== undefined}
              invalidText={errors.enrollId}
              data-modal-primary-focus
            />
            <PasswordInput
              id="ca-associate-secret"
              labelText="Enroll secret"
              autoComplete="off"
              value={form.secret}
              onChange={(e) => set("secret", e.target.value)}
              invalid={errors.secret !== undefined}
              invalidText={errors.secret}
            />
            <TextInput
              id="ca-associate-walletName"
              labelText="Wallet identity name"
              autoComplete="off"
              helperText="The enrolled identity is added to the wallet under this name."
              value={form.walletName}
              onChange={(e) => set("walletName", e.target.value)}
              invalid={errors.walletName !== undefined}
              invalidText={errors.walletName}
            />
          </>
        ) : picks.length === 0 ? (
          <p className="fhd-ca-help" id="ca-associate-identity">
            The wallet is empty: enroll with an ID and secret instead, or add an identity on the
            Wallet page.
          </p>
        ) : (
          <Select
            id="ca-associate-identity"
            labelText="Wallet identity"
            value={picked}
            onChange={(e) => {
              setPicked(e.target.value);
              setServerErrors({});
            }}
            invalid={errors.identity !== undefined}
            invalidText={errors.identity}
            helperText={`Identities issued by ${ca.displayName} are listed first.`}
          >
            <SelectItem value="" text="Choose an identity" disabled hidden />
            {picks.map((i) => (
              <SelectItem
                key={i.id}
                value={i.id}
                text={
                  i.issuingCas.length > 0
                    ? `${i.displayName} (CA: ${i.issuingCas.join(", ")})`
                    : `${i.displayName} (CA: unknown)`
                }
              />
            ))}
          </Select>
        )}
        {failure ? <CaErrorNotice error={failure} context="No identity was associated" /> : null}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </SidePanel>
  );
}
