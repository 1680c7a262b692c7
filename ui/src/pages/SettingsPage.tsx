// Workspace facts, preferences (saved through update_settings) and the self-checks (doctor).
import { CheckmarkFilled, ErrorFilled, Locked, WarningAltFilled } from "@carbon/icons-react";
import { Button, InlineLoading, InlineNotification, Select, SelectItem } from "@carbon/react";
import { type FormEvent, useState } from "react";
import { doctor } from "../api";
import type { CheckStatus } from "../bindings/CheckStatus";
import type { DoctorReport } from "../bindings/DoctorReport";
import type { Language } from "../bindings/Language";
import type { SecretsState } from "../bindings/SecretsState";
import { InfoTip } from "../components/InfoTip";
import { useNotifier } from "../components/Notifications";
import { PAGE_SIZES } from "../components/sectionLogic";
import { describeError } from "../errors";
import { useLibraryUi } from "../library/LibraryUi";
import { useAppState } from "../state";
import "../styles/deferred.scss";

const SECRETS_TEXT: Record<SecretsState, string> = {
  keyring: "Unlocked with the OS keyring",
  passphrase: "Unlocked with your passphrase",
  locked: "Locked: a passphrase is needed",
  uninitialized: "No secrets stored yet",
};

const LANGUAGES: { value: Language; text: string }[] = [
  { value: "en", text: "English" },
  { value: "zh-CN", text: "中文 (zh-CN)" },
];

const CHECK_ICON: Record<CheckStatus, typeof CheckmarkFilled> = {
  ok: CheckmarkFilled,
  warn: WarningAltFilled,
  fail: ErrorFilled,
};

const CHECK_TEXT: Record<CheckStatus, string> = { ok: "OK", warn: "Warning", fail: "Failed" };

function Fact(props: { label: string; id?: string; children: string | number }) {
  return (
    <div className="fhd-fact">
      <dt className="fhd-fact__label">{props.label}</dt>
      <dd className="fhd-fact__value" id={props.id}>
        {props.children}
      </dd>
    </div>
  );
}

function SectionTitle(props: { id: string; title: string; info: string }) {
  return (
    <div className="fhd-section__header fhd-section__header--plain">
      <h2 className="fhd-section__title" id={props.id}>
        {props.title}
      </h2>
      <InfoTip label={`About ${props.title}`}>{props.info}</InfoTip>
    </div>
  );
}

function Diagnostics() {
  const { notifyError } = useNotifier();
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<DoctorReport | null>(null);

  const run = async () => {
    setRunning(true);
    try {
      setReport(await doctor());
    } catch (error) {
      notifyError(error, "Diagnostics could not run");
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className="fhd-settings-block" aria-labelledby="settings-diagnostics-title">
      <SectionTitle
        id="settings-diagnostics-title"
        title="Diagnostics"
        info="Checks the workspace folder, the database, the keyring and the log folder, and says what to fix."
      />
      <div className="fhd-card fhd-diagnostics">
        <div className="fhd-diagnostics__head">
          <p>
            {report === null
              ? "Run the self-checks to see whether this machine is ready."
              : report.ok
                ? "All checks passed."
                : "Some checks need attention."}
          </p>
          <Button
            id="settings-run-doctor"
            kind="primary"
            size="md"
            disabled={running}
            onClick={() => void run()}
          >
            {report ? "Run again" : "Run diagnostics"}
          </Button>
        </div>
        {running ? <InlineLoading description="Running checks…" /> : null}
        {report ? (
          <ul className="fhd-checks" aria-label="Diagnostic checks">
            {report.checks.map((check) => {
              const Icon = CHECK_ICON[check.status];
              return (
                <li
                  key={check.name}
                  className={`fhd-check fhd-check--${check.status}`}
                  data-status={check.status}
                >
                  <Icon
                    size={16}
                    className="fhd-check__icon"
                    aria-label={CHECK_TEXT[check.status]}
                  />
                  <span className="fhd-check__name">{check.name}</span>
                  <span className="fhd-check__detail">{check.detail}</span>
                </li>
              );
            })}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

function BulkData() {
  const { openBulkExport, importFromDialog } = useLibraryUi();
  const [importing, setImporting] = useState(false);

  const runImport = async () => {
    setImporting(true);
    try {
      await importFromDialog();
    } finally {
      setImporting(false);
    }
  };

  return (
    <section className="fhd-settings-block" aria-labelledby="settings-bulk-title">
      <SectionTitle
        id="settings-bulk-title"
        title="Bulk data management"
        info="Export the library as a bulk zip that any Fabric Operations Console can import (Settings → Bulk data management → Import there), or import console files: JSON files or a bulk export zip."
      />
      <div className="fhd-bulk-actions">
        <Button id="settings-bulk-export" kind="primary" size="lg" onClick={openBulkExport}>
          Export
        </Button>
        <Button
          id="settings-bulk-import"
          kind="primary"
          size="lg"
          disabled={importing}
          onClick={() => void runImport()}
        >
          Import
        </Button>
      </div>
    </section>
  );
}

export default function SettingsPage() {
  const { info, settings, saveSettings, requestUnlock } = useAppState();
  const [language, setLanguage] = useState<Language>(settings.language);
  const [pageSize, setPageSize] = useState<number>(settings.pageSize);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<
    { kind: "success"; text: string } | { kind: "error"; title: string; text: string } | null
  >(null);

  const dirty = language !== settings.language || pageSize !== settings.pageSize;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setResult(null);
    try {
      const saved = await saveSettings({ ...settings, language, pageSize });
      setLanguage(saved.language);
      setPageSize(saved.pageSize);
      setResult({ kind: "success", text: "Your preferences were saved." });
    } catch (error) {
      const described = describeError(error);
      setResult({ kind: "error", title: described.sentence, text: described.fix });
    } finally {
      setSaving(false);
    }
  };

  const pageSizes: readonly number[] = PAGE_SIZES.includes(pageSize as (typeof PAGE_SIZES)[number])
    ? PAGE_SIZES
    : [...PAGE_SIZES, pageSize].sort((a, b) => a - b);

  return (
    <>
      <h1 className="fhd-page-title">Settings</h1>

      <section className="fhd-settings-block" aria-labelledby="settings-workspace-title">
        <SectionTitle
          id="settings-workspace-title"
          title="Workspace"
          info="Where this workspace keeps its database, logs and encrypted secrets."
        />
        <div className="fhd-card">
          <dl className="fhd-facts">
            <Fact label="Data folder" id="settings-data-dir">
              {info.dataDir}
            </Fact>
            <Fact label="Database" id="settings-database-path">
              {info.databasePath}
            </Fact>
            <Fact label="Log folder" id="settings-log-dir">
              {info.logDir}
            </Fact>
            <Fact label="Schema version" id="settings-schema-version">
              {info.schemaVersion}
            </Fact>
            <Fact label="Secrets" id="settings-secrets">
              {SECRETS_TEXT[info.secrets]}
            </Fact>
            <Fact label="App version" id="settings-app-version">
              {info.version}
            </Fact>
          </dl>
          {info.secrets === "locked" ? (
            <Button
              kind="tertiary"
              size="md"
              renderIcon={Locked}
              className="fhd-unlock-btn"
              onClick={requestUnlock}
            >
              Unlock secrets
            </Button>
          ) : null}
        </div>
      </section>

      <section className="fhd-settings-block" aria-labelledby="settings-preferences-title">
        <SectionTitle
          id="settings-preferences-title"
          title="Preferences"
          info="Stored in this workspace. The Chinese translation of the interface comes in a later release; the choice is kept until then."
        />
        <form className="fhd-preferences" onSubmit={(event) => void save(event)}>
          <div className="fhd-preferences__fields">
            <Select
              id="settings-language"
              labelText="Language"
              value={language}
              onChange={(event) => setLanguage(event.target.value as Language)}
            >
              {LANGUAGES.map((l) => (
                <SelectItem key={l.value} value={l.value} text={l.text} />
              ))}
            </Select>
            <Select
              id="settings-page-size"
              labelText="Default page size"
              value={String(pageSize)}
              onChange={(event) => setPageSize(Number(event.target.value))}
            >
              {pageSizes.map((size) => (
                <SelectItem key={size} value={String(size)} text={String(size)} />
              ))}
            </Select>
          </div>
          <Button
            id="settings-save"
            type="submit"
            kind="primary"
            size="lg"
            disabled={!dirty || saving}
          >
            {saving ? "Saving…" : "Save changes"}
          </Button>
          {result?.kind === "success" ? (
            <InlineNotification
              id="settings-saved"
              kind="success"
              lowContrast
              title="Saved"
              subtitle={result.text}
              onClose={() => setResult(null)}
            />
          ) : null}
          {result?.kind === "error" ? (
            <InlineNotification
              kind="error"
              lowContrast
              title={result.title}
              subtitle={result.text}
              onClose={() => setResult(null)}
            />
          ) : null}
        </form>
      </section>

      <BulkData />

      <Diagnostics />
    </>
  );
}
