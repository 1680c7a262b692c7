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
import { KIND_NAME } from "../data/library";
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
  ROLE_TEXT,
  type VerifyState,
} from "./logic";
import { ErrorNote, ManifestFacts } from "./parts";
import { bundlesHref, openBundle } from "./route";

const CHECK_TEXT = { ok: "Matches", failed: "Does not match", unchecked: "—" } as const;

/** The receive view without a file: open one, or drop one. */
export function ReceiveStart() {
  const { notifyError } = useNotifier();
  const open = async () => {
    try {
      const path = await bundleOpenDialog();
      if (path) openBundle(path);
    } catch (error) {
      notifyError(error, "The bundle could not be opened");
    }
  };
  return (
    <div className="fhd-bundle-form" data-testid="bundle-receive-start">
      <p className="fhd-bundle-lead">
        Open a bundle you received, or drop its file anywhere on the window. Nothing is applied
        until you say so: first you see what is inside, then you verify it.
      </p>
      <div className="fhd-bundle-buttons">
        <Button id="bundle-open" onClick={() => void open()}>
          Open bundle…
        </Button>
      </div>
    </div>
  );
}

export function ReceiveView(props: { file: string }) {
  const { file } = props;
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
      notify({ kind: "success", title: "Bundle applied", subtitle: applySummary(done) });
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
        Open another bundle
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
        {opening && !needsKey && <InlineLoading description="Opening the bundle…" />}
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
            <p className="fhd-bundle-lead">
              {baseName(file)} is encrypted. Open it with its passphrase, or with the age identity
              file of a recipient it was made for.
            </p>
            <RadioButtonGroup
              legendText="Key"
              name="bundle-key-kind"
              valueSelected={keyForm.kind}
              onChange={(v) => setKeyForm((k) => ({ ...k, kind: v as KeyForm["kind"] }))}
            >
              <RadioButton id="bundle-key-passphrase" labelText="Passphrase" value="passphrase" />
              <RadioButton
                id="bundle-key-identity"
                labelText="age identity file"
                value="identityFile"
              />
            </RadioButtonGroup>
            {keyForm.kind === "passphrase" ? (
              <PasswordInput
                id="bundle-key-passphrase-input"
                labelText="Bundle passphrase"
                autoComplete="off"
                value={keyForm.passphrase}
                onChange={(e) => setKeyForm((k) => ({ ...k, passphrase: e.target.value }))}
              />
            ) : (
              <div className="fhd-bundle-identity">
                <Button kind="tertiary" size="md" onClick={() => void chooseIdentity()}>
                  Choose identity file…
                </Button>
                <span className="fhd-bundle-hint" data-testid="bundle-identity-file">
                  {keyForm.identityFile ?? "No file chosen"}
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
                {opening ? "Opening…" : "Open"}
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
          What is inside
        </h2>
        <p className="fhd-bundle-hint">Opened only: nothing has been applied.</p>
        <ManifestFacts manifest={m} encrypted={inspection.encrypted} />
        <div
          className="fhd-bundle-signer"
          data-testid="bundle-signer"
          data-valid={signer ? String(signer.valid) : "unsigned"}
        >
          <span className="fhd-bundle-signer__label">Signer</span>
          {signer ? (
            <>
              <code className="fhd-bundle-key">{signer.publicKey}</code>
              <Tag type={signer.valid ? "green" : "red"} size="sm">
                {signer.valid ? "Signature holds" : "Signature does not hold"}
              </Tag>
            </>
          ) : (
            <Tag type="gray" size="sm">
              Unsigned
            </Tag>
          )}
        </div>
        <h3 className="fhd-bundle-subheading">Components</h3>
        <Table size="sm" aria-label="Components in the bundle">
          <TableHead>
            <TableRow>
              <TableHeader>Kind</TableHeader>
              <TableHeader>Name</TableHeader>
              <TableHeader>MSP ID</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {m.components.map((c) => (
              <TableRow key={`${c.kind}:${c.display_name}`} data-testid="bundle-component">
                <TableCell>{KIND_NAME[c.kind]}</TableCell>
                <TableCell>{c.display_name}</TableCell>
                <TableCell>{c.msp_id ?? "—"}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <h3 className="fhd-bundle-subheading">Files</h3>
        <Table size="sm" aria-label="Files in the bundle" data-testid="bundle-files">
          <TableHead>
            <TableRow>
              <TableHeader>File</TableHeader>
              <TableHeader>What</TableHeader>
              <TableHeader>Size</TableHeader>
              <TableHeader>SHA-256</TableHeader>
              <TableHeader>Check</TableHeader>
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
                <TableCell>{r.role ? ROLE_TEXT[r.role] : "Not in the manifest"}</TableCell>
                <TableCell className="fhd-bundle-nowrap">{formatSize(r.size)}</TableCell>
                <TableCell>
                  <code className="fhd-bundle-hash">{r.sha256 ?? "—"}</code>
                </TableCell>
                <TableCell>
                  {r.check === "unchecked" ? (
                    CHECK_TEXT.unchecked
                  ) : (
                    <Tag type={r.check === "ok" ? "green" : "red"} size="sm">
                      {CHECK_TEXT[r.check]}
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
          Verify
        </h2>
        {verify.kind === "ok" && verified && (
          <p className="fhd-bundle-ok" data-testid="bundle-verified" role="status">
            {`All ${verified.filesChecked} files match the manifest; ${
              verified.signer ? `signed by ${verified.signer}.` : "unsigned."
            }`}
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
            {verifying ? "Verifying…" : "Verify"}
          </Button>
        </div>
      </section>

      <section aria-labelledby="bundle-apply-title">
        <h2 id="bundle-apply-title" className="fhd-bundle-heading">
          Apply
        </h2>
        <p className="fhd-bundle-hint">
          Applying verifies the bundle again, then imports its components; anything already present
          is left as it is.
          {m.plan
            ? ` The plan's offline steps are recorded as done when it is a plan of this workspace.`
            : ""}
        </p>
        <RadioButtonGroup
          legendText="Apply into"
          name="bundle-apply-to"
          valueSelected={applyTo}
          onChange={(v) => setApplyTo(v as "console" | "library")}
        >
          <RadioButton
            id="bundle-apply-console"
            labelText="A registered console"
            value="console"
            disabled={consoles.length === 0}
          />
          <RadioButton id="bundle-apply-library" labelText="The local library" value="library" />
        </RadioButtonGroup>
        {applyTo === "console" && (
          <Select
            id="bundle-apply-console-name"
            labelText="Console"
            helperText={`The bundle is for console “${m.target_console.name}”.`}
            value={applyConsole}
            onChange={(e) => setApplyConsole(e.target.value)}
          >
            <SelectItem value="" text="Choose a console" />
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
            Apply
          </Button>
        </div>
        {applying && (
          <InlineLoading
            data-testid="bundle-applying"
            description={
              applyTo === "console"
                ? `Verifying, then importing into ${applyConsole}…`
                : "Verifying, then importing into the library…"
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
                <h3 className="fhd-bundle-subheading">Plan steps recorded as done</h3>
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
