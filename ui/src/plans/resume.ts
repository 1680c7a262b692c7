// Reopening the app continues the plans whose last run was interrupted (the app or the CLI
// died while applying them): the backend resumes each from its journal and this module says so
// in a toast, then says how each resumed run ended.
import { onPlanFinished, planResumeInterrupted } from "../api";
import type { PlanFinished } from "../bindings/PlanFinished";
import type { Toast } from "../components/Notifications";
import { i18n } from "../i18n";

const t = (key: string, options?: Record<string, unknown>): string =>
  i18n.t(key, { ns: "plans", ...options });

type Notify = (toast: Omit<Toast, "id" | "caption">) => void;
type NotifyError = (error: unknown, context?: string) => void;

/** Resumes interrupted plans and reports them; the names resumed. It listens for the runs'
 * ends before starting them, so a run that finishes at once is not missed. */
export async function resumeInterruptedPlans(
  notify: Notify,
  notifyError: NotifyError,
): Promise<string[]> {
  const pending = new Set<string>();
  let started = false;
  const beforeStart: PlanFinished[] = [];
  const report = (f: PlanFinished) => {
    if (!pending.delete(f.plan)) return;
    if (f.error) {
      notifyError(f.error, t("resume.stoppedError", { plan: f.plan }));
    } else if (f.outcome?.completed) {
      notify({
        kind: "success",
        title: t("resume.completed", { plan: f.plan }),
        subtitle: t("resume.completedHint"),
      });
    } else {
      notify({
        kind: "warning",
        title: t("resume.stopped", { plan: f.plan }),
        subtitle: t("resume.stoppedHint"),
      });
    }
    if (pending.size === 0) unlisten();
  };
  let unlisten: () => void = () => {};
  let names: string[];
  try {
    unlisten = await onPlanFinished((f) => {
      if (started) report(f);
      else beforeStart.push(f);
    });
    names = await planResumeInterrupted();
  } catch (error) {
    unlisten();
    notifyError(error, t("resume.failed"));
    return [];
  }
  started = true;
  if (names.length === 0) {
    unlisten();
    return names;
  }
  for (const name of names) {
    pending.add(name);
    notify({
      kind: "info",
      title: t("resume.resuming", { plan: name }),
      subtitle: t("resume.resumingHint"),
    });
  }
  for (const f of beforeStart) report(f);
  return names;
}
