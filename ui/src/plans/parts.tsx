// Small pieces shared by the wizard and the plan's page.
import { ProgressIndicator, ProgressStep, Tag } from "@carbon/react";
import { useTranslation } from "react-i18next";
import type { PlanPreviewStatus } from "../bindings/PlanPreviewStatus";
import { WIZARD_STEPS } from "./logic";
import { verdictText } from "./reasonText";

/** The seven steps of a plan, `current` highlighted (0 source … 6 report). */
export function PlanProgress(props: { current: number }) {
  const { t } = useTranslation("plans");
  return (
    <ProgressIndicator
      className="fhd-plan-progress"
      currentIndex={props.current}
      spaceEqually
      data-testid="plan-progress"
    >
      {WIZARD_STEPS.map((step) => (
        <ProgressStep
          key={step}
          label={t(`steps.${step}`)}
          translateWithId={(id: string) => t(`progress.${id.split(".").pop() ?? "incomplete"}`)}
        />
      ))}
    </ProgressIndicator>
  );
}

/** A preview verdict: will do / already done / blocked (with the reason under it). */
export function VerdictTag(props: { verdict: PlanPreviewStatus }) {
  const { t } = useTranslation("plans");
  const v = props.verdict;
  switch (v.status) {
    case "will_do":
      return (
        <Tag type="blue" size="sm" data-verdict="will_do">
          {t("verdict.willDo")}
        </Tag>
      );
    case "already_done":
      return (
        <span data-verdict="already_done">
          <Tag type="green" size="sm">
            {t("verdict.alreadyDone")}
          </Tag>
          <span className="fhd-plan-hint"> {verdictText(v)}</span>
        </span>
      );
    case "blocked":
      return (
        <span data-verdict="blocked">
          <Tag type="red" size="sm">
            {t("verdict.blocked")}
          </Tag>
          <span className="fhd-plan-reason">{verdictText(v)}</span>
        </span>
      );
  }
}
