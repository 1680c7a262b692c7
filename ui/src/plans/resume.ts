// Reopening the app continues the plans whose last run was interrupted (the app or the CLI
// died while applying them): the backend resumes each from its journal and this module says so
// in a toast, then says how each resumed run ended.
import { onPlanFinished, planResumeInterrupted } from "../api";
import type { PlanFinished } from "../bindings/PlanFinished";
import type { Toast } from "../components/Notifications";

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
      notifyError(f.error, `The resumed plan "${f.plan}" stopped`);
    } else if (f.outcome?.completed) {
      notify({
        kind: "success",
        title: `Plan "${f.plan}" completed`,
        subtitle: "Every step is done.",
      });
    } else {
      notify({
        kind: "warning",
        title: `Plan "${f.plan}" stopped before the end`,
        subtitle: "Open it on the HA plans page to see which step stopped, then resume it.",
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
    notifyError(error, "Interrupted plans could not be resumed");
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
      title: `Resuming plan "${name}"`,
      subtitle:
        "Its last run was interrupted. It continues from its journal; steps already done are not repeated.",
    });
  }
  for (const f of beforeStart) report(f);
  return names;
}
