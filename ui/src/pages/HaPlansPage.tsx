// The HA plans page (lazy-loaded, with its styles): the saved plans with their state, the
// wizard for a new plan, and one plan's preview, run and report. Sub-views live in the hash:
// `#/ha-plans`, `#/ha-plans/new`, `#/ha-plans/p/<name>`.
import { useSyncExternalStore } from "react";
import { parsePlansHash } from "../plans/logic";
import { PlanList } from "../plans/PlanList";
import { PlanView } from "../plans/PlanView";
import { PlanWizard } from "../plans/PlanWizard";
import "../styles/deferred.scss";
import "../plans/plans.scss";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

export default function HaPlansPage() {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  const view = parsePlansHash(hash);
  return view.view === "new" ? (
    <PlanWizard />
  ) : view.view === "plan" ? (
    <PlanView key={view.name} name={view.name} />
  ) : (
    <PlanList />
  );
}
