// Receive a bundle (opened by dialog, or dropped anywhere on the window): the key when it is
// encrypted (a passphrase or an age identity file), what is inside — nothing applied — then
// verify (every file's size and SHA-256, and the signature; a changed file is named), then apply
// into a registered console or the local library with the per-item report.
import {
  Button,
  InlineLoading,
  PasswordInput,
  RadioButton,
  RadioButtonGroup,
  Select,
  SelectItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
} from "@carbon/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  bundleApply,
  bundleIdentityDialog,
  bundleInspect,
  bundleOpenDialog,
  bundleVerify,
  consoleList,
} from "../api";
import type { BundleApplyReport } from "../bindings/BundleApplyReport";
import type { BundleInspection } from "../bindings/BundleInspection";
import type { BundleKeyInput } from "../bindings/BundleKeyInput";
import type { BundleVerification } from "../bindings/BundleVerification";
import { useNotifier } from "../components/Notifications";
import ConsoleReportView from "../consoles/ConsoleReportView";
import ImportReportView from "../library/ImportReportView";
import { useLibraryUi } from "../library/LibraryUi";
import {
  applySummary,
  baseName,
  defaultApplyConsole,
  failedEntry,
  fileRows,
  formatSize,
  isKeyError,
  type KeyForm,
  keyInput,
  roleText,
  type VerifyState,
} from "./logic";
import { ErrorNote, ManifestFacts } from "./parts";
import { bundlesHref, openBundle } from "./route";

/** The receive view without a file: open one, or drop one. */
export function ReceiveStart() {
  const { t } = useTranslation("bundles");
  const { notifyError } = useNotifier();
  const open = async () => {
    try {
      const path = await bundleOpenDialog();
      if (path) openBundle(path);
    } catch (error) {
      notifyError(error, t("receive.openFailed"));
    }
  };
  return (
    <div className="fhd-bundle-form" data-testid="bundle-receive-start">
      <p className="fhd-bundle-lead">{t("receive.lead")}</p>
      <div className="fhd-bundle-buttons">
        <Button id="bundle-open" onClick={() => void open()}>
          {t("receive.open")}
        </Button>
      </div>
    </div>
  );
}

export function ReceiveView(props: { file: string }) {
  const { file } = props;
  const { t } = useTranslation("bundles");
  const { notify } = useNotifier();
  const { reload } = useLibraryUi();
  const [inspection, setInspection] = useState<BundleInspection | null>(null);
  const [key, setKey] = useState<BundleKeyInput>({ kind: "none" });
  const [keyForm, setKeyForm] = useState<KeyForm>({
    kind: "passphrase",
    passphrase: "",
    identityFile: null,
  });
  const [needsKey, setNeedsKey] = useState(false);
  const [keyError, setKeyError] = useState<unknown>(null);
  const [openError, setOpenError] = useState<unknown>(null);
  const [opening, setOpening] = useState(true);
  const [verify, setVerify] = useState<VerifyState>({ kind: "none" });
  const [verified, setVerified] = useState<BundleVerification | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [consoles, setConsoles] = useState<string[]>([]);
  const [applyTo, setApplyTo] = useState<"console" | "library">("library");
  const [applyConsole, setApplyConsole] = useState("");
  const [applying, setApplying] = useState(false);
  const [applyError, setApplyError] = useState<unknown>(null);
  const [report, setReport] = useState<BundleApplyReport | null>(null);

  // First without a key: an unencrypted bundle opens at once, an encrypted one asks for it.
  useEffect(() => {
    let live = true;
    bundleInspect(file, { kind: "none" })
      .then((found) => {
        if (live) setInspection(found);
      })
      .catch((error: unknown) => {
        if (!live) return;
        if (isKeyError(error)) setNeedsKey(true);
        else setOpenError(error);
      })
      .finally(() => {
        if (live) setOpening(false);
      });
    consoleList()
      .then((list) => {
        if (live) setConsoles(list.map((c) => c.name));
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [file]);

  useEffect(() => {
    if (!inspection) return;
    const preferred = defaultApplyConsole(inspection, consoles);
    setApplyConsole((current) => current || preferred);
    if (preferred) setApplyTo("console");
  }, [inspection, consoles]);

  const unlock = async () => {
    const candidate = keyInput(keyForm);
    if (!candidate) {
      setKeyError(null);
      return;
    }
    setOpening(true);
    setKeyError(null);
    try {
      const found = await bundleInspect(file, candidate);
      setKey(candidate);
      setInspection(found);
      setNeedsKey(false);
    } catch (error) {
      if (isKeyError(error)) setKeyError(error);
      else setOpenError(error);
    } finally {
      setOpening(false);
    }
  };

  const chooseIdentity = async () => {
    try {
      const path = await bundleIdentityDialog();
      if (path) setKeyForm((k) => ({ ...k, identityFile: path }));
    } catch (error) {
      setKeyError(error);
    }
  };

  const runVerify = async () => {
    setVerifying(true);
    try {
      setVerified(await bundleVerify(file, key));
      setVerify({ kind: "ok" });
    } catch (error) {
      setVerified(null);
      setVerify({ kind: "failed", entry: failedEntry(error), error });
    } finally {
      setVerifying(false);
    }
  };

  const runApply = async () => {
    if (applyTo === "console" && !applyConsole) return;
    setApplying(true);
    setApplyError(null);
    setReport(null);
    try {
      const done = await bundleApply(
        file,
        key,
        applyTo === "console" ? { console: applyConsole } : "library",
      );
      setReport(done);
      setVerified(done.verification);
      setVerify({ kind: "ok" });
      notify({ kind: "success", title: t("receive.applied"), subtitle: applySummary(done) });
      if (done.library) await reload();
    } catch (error) {
      setApplyError(error);
      const entry = failedEntry(error);
      if (entry) setVerify({ kind: "failed", entry, error });
    } finally {
      setApplying(false);
    }
  };

  const header = (
    <div className="fhd-bundle-file">
      <p className="fhd-bundle-path" data-testid="bundle-file">
        {file}
      </p>
      <Button
        kind="ghost"
        size="sm"
        onClick={() => {
          window.location.hash = bundlesHref({ view: "receive", file: null }).slice(1);
        }}
      >
        {t("receive.openAnother")}
      </Button>
    </div>
  );

  if (openError !== null) {
    return (
      <div className="fhd-bundle-form" data-testid="bundle-receive" data-state="failed">
        {header}
        <ErrorNote error={openError} testId="bundle-open-error" />
      </div>
    );
  }

  if (!inspection) {
    return (
      <div
        className="fhd-bundle-form"
        data-testid="bundle-receive"
        data-state={needsKey ? "key" : "opening"}
      >
        {header}
        {opening && !needsKey && (
          <InlineLoading iconDescription={t("loadingIcon")} description={t("receive.opening")} />
        )}
        {needsKey && (
          <form
            className="fhd-bundle-key-form"
            data-testid="bundle-key-form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void unlock();
            }}
          >
            <p className="fhd-bundle-lead">{t("receive.encrypted", { file: baseName(file) })}</p>
            <RadioButtonGroup
              legendText={t("receive.key")}
              name="bundle-key-kind"
              valueSelected={keyForm.kind}
              onChange={(v) => setKeyForm((k) => ({ ...k, kind: v as KeyForm["kind"] }))}
            >
              <RadioButton
                id="bundle-key-passphrase"
                labelText={t("build.passphrase")}
                value="passphrase"
              />
              <RadioButton
                id="bundle-key-identity"
                labelText={t("receive.identityFile")}
                value="identityFile"
              />
            </RadioButtonGroup>
            {keyForm.kind === "passphrase" ? (
              <PasswordInput
                id="bundle-key-passphrase-input"
                labelText={t("receive.passphrase")}
                showPasswordLabel={t("build.show")}
                hidePasswordLabel={t("build.hide")}
                autoComplete="off"
                value={keyForm.passphrase}
                onChange={(e) => setKeyForm((k) => ({ ...k, passphrase: e.target.value }))}
              />
            ) : (
              <div className="fhd-bundle-identity">
                <Button kind="tertiary" size="md" onClick={() => void chooseIdentity()}>
                  {t("receive.chooseIdentity")}
                </Button>
                <span className="fhd-bundle-hint" data-testid="bundle-identity-file">
                  {keyForm.identityFile ?? t("receive.noFile")}
                </span>
              </div>
            )}
            {keyError !== null && <ErrorNote error={keyError} testId="bundle-key-error" />}
            <div className="fhd-bundle-buttons">
              <Button
                type="submit"
                id="bundle-unlock"
                disabled={opening || keyInput(keyForm) === null}
              >
                {opening ? t("receive.unlocking") : t("receive.unlock")}
              </Button>
            </div>
          </form>
        )}
      </div>
    );
  }

  const m = inspection.manifest;
  const rows = fileRows(inspection, verify);
  const signer = inspection.signer;

  return (
    <div
      className="fhd-bundle-form fhd-bundle-form--wide"
      data-testid="bundle-receive"
      data-state="open"
      data-verify={verify.kind}
    >
      {header}
      <section aria-labelledby="bundle-inspect-title">
        <h2 id="bundle-inspect-title" className="fhd-bundle-heading">
          {t("receive.inside")}
        </h2>
        <p className="fhd-bundle-hint">{t("receive.openedOnly")}</p>
        <ManifestFacts manifest={m} encrypted={inspection.encrypted} />
        <div
          className="fhd-bundle-signer"
          data-testid="bundle-signer"
          data-valid={signer ? String(signer.valid) : "unsigned"}
        >
          <span className="fhd-bundle-signer__label">{t("receive.signer")}</span>
          {signer ? (
            <>
              <code className="fhd-bundle-key">{signer.publicKey}</code>
              <Tag type={signer.valid ? "green" : "red"} size="sm">
                {signer.valid ? t("receive.signatureHolds") : t("receive.signatureBroken")}
              </Tag>
            </>
          ) : (
            <Tag type="gray" size="sm">
              {t("receive.unsigned")}
            </Tag>
          )}
        </div>
        <h3 className="fhd-bundle-subheading">{t("build.components")}</h3>
        <Table size="sm" aria-label={t("receive.componentsLabel")}>
          <TableHead>
            <TableRow>
              <TableHeader>{t("receive.kind")}</TableHeader>
              <TableHeader>{t("receive.name")}</TableHeader>
              <TableHeader>{t("receive.mspId")}</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {m.components.map((c) => (
              <TableRow key={`${c.kind}:${c.display_name}`} data-testid="bundle-component">
                <TableCell>{t(`common:kind.${c.kind}`)}</TableCell>
                <TableCell>{c.display_name}</TableCell>
                <TableCell>{c.msp_id ?? "—"}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <h3 className="fhd-bundle-subheading">{t("receive.files")}</h3>
        <Table size="sm" aria-label={t("receive.filesLabel")} data-testid="bundle-files">
          <TableHead>
            <TableRow>
              <TableHeader>{t("receive.file")}</TableHeader>
              <TableHeader>{t("receive.what")}</TableHeader>
              <TableHeader>{t("receive.size")}</TableHeader>
              {/* i18n-ignore: the name of the hash */}
              <TableHeader>SHA-256</TableHeader>
              <TableHeader>{t("receive.check")}</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((r) => (
              <TableRow
                key={r.path}
                data-testid="bundle-file-row"
                data-path={r.path}
                data-check={r.check}
              >
                <TableCell>
                  <code>{r.path}</code>
                </TableCell>
                <TableCell>{r.role ? roleText(r.role) : t("receive.notInManifest")}</TableCell>
                <TableCell className="fhd-bundle-nowrap">{formatSize(r.size)}</TableCell>
                <TableCell>
                  <code className="fhd-bundle-hash">{r.sha256 ?? "—"}</code>
                </TableCell>
                <TableCell>
                  {r.check === "unchecked" ? (
                    "—"
                  ) : (
                    <Tag type={r.check === "ok" ? "green" : "red"} size="sm">
                      {r.check === "ok" ? t("receive.matches") : t("receive.differs")}
                    </Tag>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </section>

      <section aria-labelledby="bundle-verify-title">
        <h2 id="bundle-verify-title" className="fhd-bundle-heading">
          {t("receive.verify")}
        </h2>
        {verify.kind === "ok" && verified && (
          <p className="fhd-bundle-ok" data-testid="bundle-verified" role="status">
            {verified.signer
              ? t("receive.verifiedSigned", {
                  count: verified.filesChecked,
                  signer: verified.signer,
                })
              : t("receive.verified", { count: verified.filesChecked })}
          </p>
        )}
        {verify.kind === "failed" && (
          <ErrorNote error={verify.error} testId="bundle-verify-error" />
        )}
        <div className="fhd-bundle-buttons">
          <Button
            kind="secondary"
            id="bundle-verify"
            onClick={() => void runVerify()}
            disabled={verifying || applying}
          >
            {verifying ? t("receive.verifying") : t("receive.verify")}
          </Button>
        </div>
      </section>

      <section aria-labelledby="bundle-apply-title">
        <h2 id="bundle-apply-title" className="fhd-bundle-heading">
          {t("receive.apply")}
        </h2>
        <p className="fhd-bundle-hint">
          {t("receive.applyHint")}
          {m.plan ? t("receive.applyPlanHint") : ""}
        </p>
        <RadioButtonGroup
          legendText={t("receive.applyInto")}
          name="bundle-apply-to"
          valueSelected={applyTo}
          onChange={(v) => setApplyTo(v as "console" | "library")}
        >
          <RadioButton
            id="bundle-apply-console"
            labelText={t("receive.intoConsole")}
            value="console"
            disabled={consoles.length === 0}
          />
          <RadioButton
            id="bundle-apply-library"
            labelText={t("receive.intoLibrary")}
            value="library"
          />
        </RadioButtonGroup>
        {applyTo === "console" && (
          <Select
            id="bundle-apply-console-name"
            labelText={t("receive.console")}
            helperText={t("receive.consoleHelp", { console: m.target_console.name })}
            value={applyConsole}
            onChange={(e) => setApplyConsole(e.target.value)}
          >
            <SelectItem value="" text={t("build.chooseConsole")} />
            {consoles.map((c) => (
              <SelectItem key={c} value={c} text={c} />
            ))}
          </Select>
        )}
        {applyError !== null && <ErrorNote error={applyError} testId="bundle-apply-error" />}
        <div className="fhd-bundle-buttons">
          <Button
            id="bundle-apply"
            onClick={() => void runApply()}
            disabled={applying || verifying || (applyTo === "console" && !applyConsole)}
          >
            {t("receive.apply")}
          </Button>
        </div>
        {applying && (
          <InlineLoading
            iconDescription={t("loadingIcon")}
            data-testid="bundle-applying"
            description={
              applyTo === "console"
                ? t("receive.applyingConsole", { console: applyConsole })
                : t("receive.applyingLibrary")
            }
          />
        )}
        {report && (
          <div className="fhd-bundle-result" data-testid="bundle-apply-report">
            <p className="fhd-bundle-ok" role="status">
              {applySummary(report)}
            </p>
            {report.library && <ImportReportView report={report.library} />}
            {report.console && <ConsoleReportView report={report.console} />}
            {report.planStepsRecorded.length > 0 && (
              <>
                <h3 className="fhd-bundle-subheading">{t("receive.stepsRecorded")}</h3>
                <ul className="fhd-bundle-steps" data-testid="bundle-plan-steps">
                  {report.planStepsRecorded.map((s) => (
                    <li key={s}>
                      <code>{s}</code>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      </section>
    </div>
  );
}
