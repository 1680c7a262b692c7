// "Associate identity" (the console's wording): the identity this app signs the CA's register
// and users requests with. Enroll with an enroll ID and secret (usually the CA's bootstrap
// admin) into a new wallet identity, or pick an identity already in the wallet.
import { PasswordInput, Select, SelectItem, TextInput } from "@carbon/react";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { caAssociate } from "../api";
import type { LibraryItem } from "../bindings/LibraryItem";
import { isIpcError } from "../errors";
import { joinList } from "../i18n";
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
  const { t } = useTranslation("ca");
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
        ? { identity: t("assoc.pick") }
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
      title={t("assoc.associate")}
      label={ca.displayName}
      onClose={props.onClose}
      footer={
        <SubmitFooter
          id="ca-associate-submit"
          busy={busy}
          label={t("assoc.associate")}
          busyLabel={t("assoc.busy")}
          onCancel={props.onClose}
          onSubmit={() => void submit()}
        />
      }
    >
      <form className="fhd-ca-form" noValidate onSubmit={(e) => void submit(e)}>
        <p className="fhd-panel__intro">
          {t("assoc.intro", { ca: ca.displayName })}
          {props.current ? t("assoc.now", { name: props.current.displayName }) : ""}
        </p>
        <Segmented
          name={`${formId}-mode`}
          label={t("assoc.by")}
          value={mode}
          options={[
            ["enroll", t("assoc.byEnroll")],
            ["wallet", t("assoc.byWallet")],
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
              labelText={t("users.enrollId")}
              placeholder={t("register.example", { value: "admin" })}
              autoComplete="off"
              value={form.enrollId}
              onChange={(e) => set("enrollId", e.target.value)}
              invalid={errors.enrollId !== undefined}
              invalidText={errors.enrollId}
              data-modal-primary-focus
            />
            <PasswordInput
              id="ca-associate-secret"
              labelText={t("register.secret")}
              autoComplete="off"
              showPasswordLabel={t("register.show")}
              hidePasswordLabel={t("register.hide")}
              value={form.secret}
              onChange={(e) => set("secret", e.target.value)}
              invalid={errors.secret !== undefined}
              invalidText={errors.secret}
            />
            <TextInput
              id="ca-associate-walletName"
              labelText={t("enroll.walletName")}
              autoComplete="off"
              helperText={t("assoc.walletNameHelp")}
              value={form.walletName}
              onChange={(e) => set("walletName", e.target.value)}
              invalid={errors.walletName !== undefined}
              invalidText={errors.walletName}
            />
          </>
        ) : picks.length === 0 ? (
          <p className="fhd-ca-help" id="ca-associate-identity">
            {t("assoc.walletEmpty")}
          </p>
        ) : (
          <Select
            id="ca-associate-identity"
            labelText={t("assoc.walletIdentity")}
            value={picked}
            onChange={(e) => {
              setPicked(e.target.value);
              setServerErrors({});
            }}
            invalid={errors.identity !== undefined}
            invalidText={errors.identity}
            helperText={t("assoc.issuedFirst", { ca: ca.displayName })}
          >
            <SelectItem value="" text={t("assoc.chooseIdentity")} disabled hidden />
            {picks.map((i) => (
              <SelectItem
                key={i.id}
                value={i.id}
                text={t("assoc.option", {
                  name: i.displayName,
                  cas: i.issuingCas.length > 0 ? joinList(i.issuingCas) : t("assoc.unknown"),
                })}
              />
            ))}
          </Select>
        )}
        {failure ? <CaErrorNotice error={failure} context={t("assoc.failedSubmit")} /> : null}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </SidePanel>
  );
}
