// One plan's page: the wizard's last three steps. Preview (the checks and, per console, the
// ordered steps: will do / already done / blocked and why), Apply (a progress bar per region and
// the live step log from `plan://progress`, Cancel; a stopped plan shows Resume), and Report
// (what was created and imported, channels joined, packages installed, anchor peers, exports). A plan that creates its
// organization has one more lane first: "region 1", in the region-1 console.
import {
  Button,
  InlineLoading,
  InlineNotification,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@carbon/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  onPlanFinished,
  onPlanProgress,
  planApply,
  planCancel,
  planExportDialog,
  planPreview,
  planReport,
  planRunning,
  planStatus,
} from "../api";
import type { PlanExportKind } from "../bindings/PlanExportKind";
import type { PlanOpenStep } from "../bindings/PlanOpenStep";
import type { PlanPreview } from "../bindings/PlanPreview";
import type { PlanReportView } from "../bindings/PlanReportView";
import type { PlanRunOutcome } from "../bindings/PlanRunOutcome";
import type { PlanStatus } from "../bindings/PlanStatus";
import type { PlanStepStatus } from "../bindings/PlanStepStatus";
import { useNotifier } from "../components/Notifications";
import { describeError } from "../errors";
import { haCheckHref } from "../hacheck/logic";
import { joinList } from "../i18n";
import {
  actionLabel,
  applyProgress,
  BOOTSTRAP_REGION,
  checkText,
  createdOrg,
  laneLabel,
  plansHref,
  type RunView,
  regionLabel,
  runFromStatus,
  shownState,
  stateLabel,
  stepText,
} from "./logic";
import { PlanProgress, VerdictTag } from "./parts";
import {
  ccServerWarnings,
  checkDetail,
  failureFix,
  failureText,
  openStepError,
} from "./reasonText";
import { markPreviewed, wasPreviewed } from "./session";

type Stage = "preview" | "apply" | "report";

const STAGE_INDEX: Record<Stage, number> = { preview: 4, apply: 5, report: 6 };

export function PlanView(props: { name: string }) {
  const { name } = props;
  const { t } = useTranslation("plans");
  const { notify, notifyError } = useNotifier();
  const [status, setStatus] = useState<PlanStatus | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const [stage, setStage] = useState<Stage>("preview");
  const [run, setRun] = useState<RunView>({ regions: [], log: [] });
  const [outcome, setOutcome] = useState<PlanRunOutcome | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const staged = useRef(false);

  const reload = useCallback(async () => {
    const [s, active] = await Promise.all([planStatus(name), planRunning()]);
    setStatus(s);
    setRunning(active.includes(name));
    return { s, active: active.includes(name) };
  }, [name]);

  // Events first, then the journal: no update is lost between the two.
  useEffect(() => {
    let live = true;
    const unlisten: (() => void)[] = [];
    const start = async () => {
      const progress = await onPlanProgress((u) => {
        if (u.plan === name) setRun((r) => applyProgress(r, u.progress));
      });
      const finished = await onPlanFinished((f) => {
        if (f.plan !== name) return;
        setRunning(false);
        setCancelling(false);
        setOutcome(f.outcome);
        if (f.error) notifyError(f.error, t("view.runFailed"));
        void reload().catch(() => {});
      });
      unlisten.push(progress, finished);
      if (!live) {
        for (const u of unlisten) u();
        return;
      }
      try {
        const { s, active } = await reload();
        if (!live) return;
        setRun(runFromStatus(s));
        if (!staged.current) {
          staged.current = true;
          setStage(
            active || s.state === "running" || s.state === "stopped"
              ? "apply"
              : s.state === "completed"
                ? "report"
                : "preview",
          );
        }
      } catch (e) {
        if (live) setLoadError(e);
      }
    };
    void start();
    return () => {
      live = false;
      for (const u of unlisten) u();
    };
  }, [name, reload, notifyError, t]);

  const apply = async () => {
    if (!status) return;
    setOutcome(null);
    setRun((r) => ({ ...runFromStatus(status), log: r.log }));
    setStage("apply");
    try {
      setRunning(true);
      await planApply(name);
      setStatus({ ...status, state: "running" });
    } catch (e) {
      setRunning(false);
      notifyError(e, t("view.startFailed"));
    }
  };

  const cancel = async () => {
    setCancelling(true);
    try {
      await planCancel(name);
    } catch (e) {
      setCancelling(false);
      notifyError(e, t("view.cancelFailed"));
    }
  };

  const exportFile = async (kind: PlanExportKind) => {
    try {
      const path = await planExportDialog(name, kind);
      if (path) notify({ kind: "success", title: t("view.saved"), subtitle: path });
    } catch (e) {
      notifyError(e, t("view.saveFailed"));
    }
  };

  if (loadError) {
    const d = describeError(loadError);
    return (
      <div className="fhd-plan-page">
        <Crumbs name={name} />
        <h1 className="fhd-page-title">{name}</h1>
        <InlineNotification
          kind="error"
          statusIconDescription={t("notice.error")}
          lowContrast
          hideCloseButton
          title={d.sentence}
          subtitle={d.detail}
        />
      </div>
    );
  }
  if (!status) {
    return (
      <div className="fhd-plan-page">
        <Crumbs name={name} />
        <InlineLoading iconDescription={t("loadingIcon")} description={t("view.loading")} />
      </div>
    );
  }
  const shown = shownState(status.state, running, wasPreviewed(name));
  // The journal's count, followed live by the run's events.
  const done = run.regions.length ? run.regions.reduce((n, r) => n + r.done, 0) : status.done;

  return (
    <div className="fhd-plan-page" data-testid="plan-view" data-plan={name} data-state={shown}>
      <Crumbs name={name} />
      <h1 className="fhd-page-title">{name}</h1>
      <p className="fhd-plan-hint fhd-plan-state" data-testid="plan-state">
        {stateLabel(shown)} · {t("view.stepsDone", { done, count: status.steps.length })} ·{" "}
        {status.plan.source.console} → {joinList(status.plan.targets.map((t) => t.console))}
      </p>
      <PlanProgress current={STAGE_INDEX[stage]} />
      {stage === "preview" && (
        <PreviewStage
          name={name}
          canApply={!running && status.state !== "completed"}
          resume={status.state === "stopped"}
          onApply={apply}
        />
      )}
      {stage === "apply" && (
        <div className="fhd-plan-stage" data-stage="apply">
          <div className="fhd-plan-regions">
            {run.regions.map((r) => (
              <div
                key={r.console}
                className="fhd-plan-lane"
                data-testid="plan-region"
                data-console={r.console}
                data-done={r.done}
                data-total={r.total}
                data-failed={r.failed}
              >
                <div className="fhd-plan-lane__title">
                  {r.console} <span className="fhd-plan-hint">{laneLabel(r.region)}</span>
                </div>
                <ProgressBar
                  label={t("view.laneSteps", { done: r.done, count: r.total })}
                  value={r.done}
                  max={Math.max(1, r.total)}
                  status={r.failed ? "error" : r.done === r.total ? "finished" : "active"}
                  helperText={
                    r.failed
                      ? t("view.laneFailed")
                      : (r.current ??
                        (r.done === r.total ? t("view.laneDone") : t("view.laneWaiting")))
                  }
                />
              </div>
            ))}
          </div>
          <h2 className="fhd-plan-subheading">{t("view.log")}</h2>
          <ol className="fhd-plan-log" aria-live="polite" data-testid="plan-log">
            {run.log.length === 0 && <li className="fhd-plan-hint">{t("view.logEmpty")}</li>}
            {run.log.map((l) => (
              <li key={l.id} data-kind={l.kind} data-console={l.console}>
                <span className="fhd-plan-log__region">[{regionLabel(l.region) || l.console}]</span>{" "}
                {l.text}
              </li>
            ))}
          </ol>
          {outcome && !outcome.completed && (
            <InlineNotification
              kind={outcome.cancelled ? "warning" : "error"}
              statusIconDescription={t(`notice.${outcome.cancelled ? "warning" : "error"}`)}
              lowContrast
              hideCloseButton
              title={outcome.cancelled ? t("view.cancelled") : t("view.stopped")}
              subtitle={
                outcome.regions
                  .flatMap(({ console, failure: f }) =>
                    f ? [`${console}: ${failureText(f)} ${failureFix(f)}`] : [],
                  )
                  .join(" ") || t("view.resumeHint")
              }
            />
          )}
          <div className="fhd-plan-buttons">
            {running ? (
              <Button
                kind="danger"
                onClick={cancel}
                disabled={cancelling}
                data-testid="plan-cancel"
              >
                {cancelling ? t("view.cancelling") : t("view.cancel")}
              </Button>
            ) : status.state === "stopped" || status.state === "running" ? (
              <Button onClick={apply} data-testid="plan-resume">
                {t("view.resume")}
              </Button>
            ) : null}
            {!running && (
              <Button kind="secondary" onClick={() => setStage("preview")}>
                {t("view.previewAgain")}
              </Button>
            )}
            <Button kind="tertiary" onClick={() => setStage("report")} data-testid="plan-to-report">
              {status.state === "completed" ? t("view.viewReport") : t("view.reportSoFar")}
            </Button>
          </div>
        </div>
      )}
      {stage === "report" && (
        <ReportStage
          name={name}
          status={status}
          onExport={exportFile}
          onBack={() => setStage("apply")}
        />
      )}
    </div>
  );
}

function Crumbs(props: { name: string }) {
  const { t } = useTranslation("plans");
  return (
    <nav className="fhd-plan-crumbs" aria-label={t("breadcrumb")}>
      <a href={plansHref({ view: "list" })}>{t("list.title")}</a> / {props.name}
    </nav>
  );
}

function PreviewStage(props: {
  name: string;
  canApply: boolean;
  resume: boolean;
  onApply: () => void;
}) {
  const { t } = useTranslation("plans");
  const [preview, setPreview] = useState<PlanPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the preview
  useEffect(() => {
    let live = true;
    setPreview(null);
    setError(null);
    planPreview(props.name)
      .then((p) => {
        if (!live) return;
        markPreviewed(props.name);
        setPreview(p);
      })
      .catch((e) => {
        if (live) setError(e);
      });
    return () => {
      live = false;
    };
  }, [props.name, attempt]);

  if (error) {
    const d = describeError(error);
    return (
      <div className="fhd-plan-stage" data-stage="preview">
        <InlineNotification
          kind="error"
          statusIconDescription={t("notice.error")}
          lowContrast
          hideCloseButton
          title={d.sentence}
          subtitle={`${d.detail} ${d.fix}`}
        />
        <div className="fhd-plan-buttons">
          <Button onClick={() => setAttempt((a) => a + 1)}>{t("view.previewAgain")}</Button>
        </div>
      </div>
    );
  }
  if (!preview) {
    return <InlineLoading iconDescription={t("loadingIcon")} description={t("preview.reading")} />;
  }
  const consoles = [...new Set(preview.steps.map((s) => s.console))];
  return (
    <div className="fhd-plan-stage" data-stage="preview" data-ready={preview.ready}>
      <h2 className="fhd-plan-subheading">{t("preview.checks")}</h2>
      <ul className="fhd-plan-checks" data-testid="plan-checks">
        {preview.checks.map((c) => (
          <li key={c.name} data-ok={c.ok}>
            {c.ok ? "✓" : "✗"}{" "}
            {t("preview.checkLine", { check: checkText(c), detail: checkDetail(c) })}
          </li>
        ))}
      </ul>
      {consoles.map((console) => {
        const steps = preview.steps.filter((s) => s.console === console);
        return (
          <section key={console} data-testid="plan-preview-console" data-console={console}>
            <h2 className="fhd-plan-subheading">
              {console} <span className="fhd-plan-hint">{laneLabel(steps[0]?.region ?? "")}</span>
            </h2>
            <Table size="sm" aria-label={t("preview.stepsIn", { console })}>
              <TableHead>
                <TableRow>
                  <TableHeader>#</TableHeader>
                  <TableHeader>{t("preview.action")}</TableHeader>
                  <TableHeader>{t("preview.step")}</TableHeader>
                  <TableHeader>{t("preview.verdict")}</TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {steps.map((s) => (
                  <TableRow
                    key={s.key}
                    data-testid="plan-preview-step"
                    data-step={s.key}
                    data-verdict={s.preview.status}
                  >
                    <TableCell>{s.number}</TableCell>
                    <TableCell className="fhd-plan-nowrap">{actionLabel(s.action)}</TableCell>
                    <TableCell>{stepText(s.text, s.description)}</TableCell>
                    <TableCell>
                      <VerdictTag verdict={s.preview} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </section>
        );
      })}
      {!preview.ready && (
        <InlineNotification
          kind="warning"
          statusIconDescription={t("notice.warning")}
          lowContrast
          hideCloseButton
          title={t("preview.blocked")}
          subtitle={t("preview.blockedHint")}
        />
      )}
      <div className="fhd-plan-buttons">
        <Button kind="secondary" onClick={() => setAttempt((a) => a + 1)}>
          {t("view.previewAgain")}
        </Button>
        <Button
          onClick={props.onApply}
          disabled={!props.canApply || !preview.ready}
          data-testid="plan-apply"
        >
          {props.resume ? t("view.resume") : t("preview.apply")}
        </Button>
      </div>
    </div>
  );
}

/** Steps not done yet, with their last error. */
function OpenSteps(props: { steps: (PlanOpenStep | PlanStepStatus)[] }) {
  const { t } = useTranslation("plans");
  if (props.steps.length === 0) return null;
  return (
    <>
      <h3 className="fhd-plan-subheading">{t("report.openSteps")}</h3>
      <ul className="fhd-plan-checks">
        {props.steps.map((s) => (
          <li key={s.step} data-ok={s.error ? "false" : "true"}>
            {stepText(s.text, s.description)}
            {s.error ? t("report.lastError", { error: openStepError(s) }) : ""}
          </li>
        ))}
      </ul>
    </>
  );
}

function ReportStage(props: {
  name: string;
  /** The plan's journal; a newer one re-reads the report. */
  status: PlanStatus;
  onExport: (kind: PlanExportKind) => void;
  onBack: () => void;
}) {
  const { t } = useTranslation("plans");
  const [view, setView] = useState<PlanReportView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const version = props.status.updated_at;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `version` re-reads the report
  useEffect(() => {
    let live = true;
    planReport(props.name)
      .then((v) => {
        if (live) setView(v);
      })
      .catch((e) => {
        if (live) setError(e);
      });
    return () => {
      live = false;
    };
  }, [props.name, version]);
  if (error) {
    const d = describeError(error);
    return (
      <InlineNotification
        kind="error"
        statusIconDescription={t("notice.error")}
        lowContrast
        hideCloseButton
        title={d.sentence}
        subtitle={d.detail}
      />
    );
  }
  if (!view)
    return <InlineLoading iconDescription={t("loadingIcon")} description={t("report.building")} />;
  const report = view.report;
  const org = createdOrg(props.status);
  const imported = (c: { component_id: string | null; already_present: boolean } | null) =>
    c
      ? t(c.already_present ? "report.alreadyPresent" : "report.imported", {
          id: c.component_id ?? "?",
        })
      : t("report.notYet");
  return (
    <div className="fhd-plan-stage" data-stage="report" data-testid="plan-report">
      {org && (
        <section data-testid="plan-report-org" data-console={org.console}>
          <h2 className="fhd-plan-subheading">
            {regionLabel(BOOTSTRAP_REGION)}{" "}
            <span className="fhd-plan-hint">
              {t("report.createsOrg", { console: org.console })}
            </span>
          </h2>
          <Table size="sm" aria-label={t("report.createdIn", { console: org.console })}>
            <TableHead>
              <TableRow>
                <TableHeader>{t("report.created")}</TableHeader>
                <TableHeader>{t("report.name")}</TableHeader>
                <TableHeader>{t("report.id")}</TableHeader>
                <TableHeader>{t("report.state")}</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {org.rows.map((r) => (
                <TableRow key={r.what} data-testid="plan-report-created">
                  <TableCell>{r.what}</TableCell>
                  <TableCell>{r.name}</TableCell>
                  <TableCell>{r.id ?? "-"}</TableCell>
                  <TableCell>{r.state}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <OpenSteps steps={org.open} />
        </section>
      )}
      {report.regions.map((r) => (
        <section key={r.console} data-testid="plan-report-region" data-console={r.console}>
          <h2 className="fhd-plan-subheading">
            {regionLabel(r.region) || r.console}{" "}
            <span className="fhd-plan-hint">{t("report.console", { console: r.console })}</span>
          </h2>
          <p className="fhd-plan-hint">
            {t("report.caLine", {
              ca: imported(r.ca),
              msp: imported(r.msp),
            })}
            {r.source_peers.length > 0 &&
              t("report.sourcePeers", {
                ids: r.source_peers.map((p) => p.component_id ?? "?").join(", "),
              })}
          </p>
          <Table size="sm" aria-label={t("report.newPeersIn", { console: r.console })}>
            <TableHead>
              <TableRow>
                <TableHeader>{t("report.peer")}</TableHeader>
                <TableHeader>{t("report.enrollId")}</TableHeader>
                <TableHeader>{t("report.id")}</TableHeader>
                <TableHeader>{t("report.apiUrl")}</TableHeader>
                <TableHeader>{t("report.running")}</TableHeader>
                <TableHeader>{t("report.importedInto")}</TableHeader>
                <TableHeader>{t("report.channels")}</TableHeader>
                <TableHeader>{t("report.packages")}</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {r.peers.map((p) => (
                <TableRow key={p.enroll_id} data-testid="plan-report-peer">
                  <TableCell>{p.display_name}</TableCell>
                  <TableCell>{p.enroll_id}</TableCell>
                  <TableCell>{p.component_id ?? "-"}</TableCell>
                  <TableCell>{p.api_url ?? "-"}</TableCell>
                  <TableCell>{p.running ? t("report.yes") : t("report.no")}</TableCell>
                  <TableCell>
                    {p.imported_into
                      .map((i) => `${i.console}: ${i.component_id ?? "?"}`)
                      .join(", ") || "-"}
                  </TableCell>
                  <TableCell data-testid="plan-report-peer-channels">
                    {p.channels
                      .map((c) => (c.height === null ? c.channel : `${c.channel} (${c.height})`))
                      .join(", ") || "-"}
                  </TableCell>
                  <TableCell data-testid="plan-report-peer-packages">
                    {p.package_ids.map((id) => (
                      <code key={id}>{id}</code>
                    ))}
                    {p.package_ids.length === 0 && "-"}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {ccServerWarnings(r.peers).map((w) => (
            <InlineNotification
              key={w}
              kind="warning"
              statusIconDescription={t("notice.warning")}
              lowContrast
              hideCloseButton
              title={t("report.ccServer")}
              subtitle={w}
            />
          ))}
          <OpenSteps steps={r.open_steps} />
        </section>
      ))}
      {report.channels.length > 0 && (
        <h2 className="fhd-plan-subheading">{t("report.channelsTitle")}</h2>
      )}
      {report.channels.map((c) => (
        <section key={c.channel} data-testid="plan-report-channel" data-channel={c.channel}>
          <h3 className="fhd-plan-region__title">{c.channel}</h3>
          {c.open ? (
            <OpenSteps steps={[c.open]} />
          ) : (
            <p>
              {t("report.anchors")}{" "}
              {c.anchor_peers.map((a) => (
                <code key={a} className="fhd-plan-anchor">
                  {a}
                </code>
              ))}
              {c.already_present
                ? t("report.anchorsAlready")
                : c.config_block !== null
                  ? t("report.configBlock", { block: c.config_block })
                  : ""}
            </p>
          )}
        </section>
      ))}
      <div className="fhd-plan-buttons">
        <Button kind="secondary" onClick={props.onBack}>
          {t("report.back")}
        </Button>
        <Button
          kind="tertiary"
          onClick={() => props.onExport("plan")}
          data-testid="plan-export-plan"
        >
          {t("report.exportPlan")}
        </Button>
        <Button
          kind="tertiary"
          onClick={() => props.onExport("reportJson")}
          data-testid="plan-export-json"
        >
          {t("report.exportJson")}
        </Button>
        <Button
          kind="tertiary"
          onClick={() => props.onExport("reportMarkdown")}
          data-testid="plan-export-md"
        >
          {t("report.exportMarkdown")}
        </Button>
        <Button href={haCheckHref({ plan: props.name })} data-testid="plan-run-ha-check">
          {t("report.haCheck")}
        </Button>
      </div>
    </div>
  );
}
