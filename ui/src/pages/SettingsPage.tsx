// Workspace facts, preferences (saved through update_settings) and the self-checks (doctor).
import { CheckmarkFilled, ErrorFilled, Locked, WarningAltFilled } from "@carbon/icons-react";
import { Button, InlineLoading, InlineNotification, Select, SelectItem } from "@carbon/react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { doctor } from "../api";
import type { CheckStatus } from "../bindings/CheckStatus";
import type { DoctorReport } from "../bindings/DoctorReport";
import type { Language } from "../bindings/Language";
import { InfoTip } from "../components/InfoTip";
import { useNotifier } from "../components/Notifications";
import { PAGE_SIZES } from "../components/sectionLogic";
import { describeError } from "../errors";
import { setLanguage as applyLanguage, currentLanguage } from "../i18n";
import { useLibraryUi } from "../library/LibraryUi";
import { useAppState } from "../state";
import "../styles/deferred.scss";
import { loadingText, notificationText } from "../components/carbonText";
import { doctorDetail, doctorName } from "./doctorText";

/** Each language by its own name (`pages:settings.languageName.<tag>`, the same in both). */
const LANGUAGES: readonly Language[] = ["en", "zh-CN"];

const CHECK_ICON: Record<CheckStatus, typeof CheckmarkFilled> = {
  ok: CheckmarkFilled,
  warn: WarningAltFilled,
  fail: ErrorFilled,
};

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
  const { t } = useTranslation("pages");
  return (
    <div className="fhd-section__header fhd-section__header--plain">
      <h2 className="fhd-section__title" id={props.id}>
        {props.title}
      </h2>
      <InfoTip label={t("settings.about", { title: props.title })}>{props.info}</InfoTip>
    </div>
  );
}

function Diagnostics() {
  const { t } = useTranslation("pages");
  const { notifyError } = useNotifier();
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<DoctorReport | null>(null);

  const run = async () => {
    setRunning(true);
    try {
      setReport(await doctor());
    } catch (error) {
      notifyError(error, t("settings.diagnosticsFailed"));
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className="fhd-settings-block" aria-labelledby="settings-diagnostics-title">
      <SectionTitle
        id="settings-diagnostics-title"
        title={t("settings.diagnostics")}
        info={t("settings.diagnosticsInfo")}
      />
      <div className="fhd-card fhd-diagnostics">
        <div className="fhd-diagnostics__head">
          <p>
            {report === null
              ? t("settings.diagnosticsIntro")
              : report.ok
                ? t("settings.allPassed")
                : t("settings.someFailed")}
          </p>
          <Button
            id="settings-run-doctor"
            kind="primary"
            size="md"
            disabled={running}
            onClick={() => void run()}
          >
            {report ? t("settings.runAgain") : t("settings.runDiagnostics")}
          </Button>
        </div>
        {running ? <InlineLoading {...loadingText()} description={t("settings.running")} /> : null}
        {report ? (
          <ul className="fhd-checks" aria-label={t("settings.checks")}>
            {report.checks.map((check) => {
              const Icon = CHECK_ICON[check.status];
              return (
                <li
                  key={check.id}
                  className={`fhd-check fhd-check--${check.status}`}
                  data-status={check.status}
                >
                  <Icon
                    size={16}
                    className="fhd-check__icon"
                    aria-label={t(`settings.check.${check.status}`)}
                  />
                  <span className="fhd-check__name">{doctorName(check)}</span>
                  <span className="fhd-check__detail">{doctorDetail(check)}</span>
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
  const { t } = useTranslation("pages");
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
        title={t("settings.bulk")}
        info={t("settings.bulkInfo")}
      />
      <div className="fhd-bulk-actions">
        <Button id="settings-bulk-export" kind="primary" size="lg" onClick={openBulkExport}>
          {t("common:export")}
        </Button>
        <Button
          id="settings-bulk-import"
          kind="primary"
          size="lg"
          disabled={importing}
          onClick={() => void runImport()}
        >
          {t("common:import")}
        </Button>
      </div>
    </section>
  );
}

export default function SettingsPage() {
  const { t } = useTranslation("pages");
  const { info, settings, saveSettings, requestUnlock } = useAppState();
  const language = currentLanguage();
  const [pageSize, setPageSize] = useState<number>(settings.pageSize);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<
    { kind: "success"; text: string } | { kind: "error"; title: string; text: string } | null
  >(null);

  const dirty = pageSize !== settings.pageSize;

  // The language applies at once (and is kept in this webview for the next start); the
  // workspace stores it too.
  const chooseLanguage = async (next: Language) => {
    setResult(null);
    await applyLanguage(next);
    try {
      await saveSettings({ ...settings, language: next });
    } catch (error) {
      const described = describeError(error);
      setResult({ kind: "error", title: described.sentence, text: described.fix });
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setResult(null);
    try {
      const saved = await saveSettings({ ...settings, pageSize });
      setPageSize(saved.pageSize);
      setResult({ kind: "success", text: t("settings.savedText") });
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
      <h1 className="fhd-page-title">{t("settings.title")}</h1>

      <section className="fhd-settings-block" aria-labelledby="settings-workspace-title">
        <SectionTitle
          id="settings-workspace-title"
          title={t("settings.workspace")}
          info={t("settings.workspaceInfo")}
        />
        <div className="fhd-card">
          <dl className="fhd-facts">
            <Fact label={t("settings.dataDir")} id="settings-data-dir">
              {info.dataDir}
            </Fact>
            <Fact label={t("settings.database")} id="settings-database-path">
              {info.databasePath}
            </Fact>
            <Fact label={t("settings.logDir")} id="settings-log-dir">
              {info.logDir}
            </Fact>
            <Fact label={t("settings.schemaVersion")} id="settings-schema-version">
              {info.schemaVersion}
            </Fact>
            <Fact label={t("settings.secrets")} id="settings-secrets">
              {t(`settings.secretsState.${info.secrets}`)}
            </Fact>
            <Fact label={t("settings.appVersion")} id="settings-app-version">
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
              {t("settings.unlock")}
            </Button>
          ) : null}
        </div>
      </section>

      <section className="fhd-settings-block" aria-labelledby="settings-preferences-title">
        <SectionTitle
          id="settings-preferences-title"
          title={t("settings.preferences")}
          info={t("settings.preferencesInfo")}
        />
        <form className="fhd-preferences" onSubmit={(event) => void save(event)}>
          <div className="fhd-preferences__fields">
            <Select
              id="settings-language"
              labelText={t("settings.language")}
              helperText={t("settings.languageHelp")}
              value={language}
              onChange={(event) => void chooseLanguage(event.target.value as Language)}
            >
              {LANGUAGES.map((l) => (
                <SelectItem key={l} value={l} text={t(`settings.languageName.${l}`)} />
              ))}
            </Select>
            <Select
              id="settings-page-size"
              labelText={t("settings.pageSize")}
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
            {saving ? t("settings.saving") : t("settings.save")}
          </Button>
          {result?.kind === "success" ? (
            <InlineNotification
              id="settings-saved"
              {...notificationText("success")}
              kind="success"
              lowContrast
              title={t("settings.saved")}
              subtitle={result.text}
              onClose={() => setResult(null)}
            />
          ) : null}
          {result?.kind === "error" ? (
            <InlineNotification
              {...notificationText("error")}
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
