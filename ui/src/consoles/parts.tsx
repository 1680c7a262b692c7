// Small pieces the console views share: the view tabs, the console's tags, the verdict of a
// "Test connection", and an error with its sentence and fix.
import { InlineLoading, InlineNotification } from "@carbon/react";
import { useTranslation } from "react-i18next";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import { loadingText, notificationText } from "../components/carbonText";
import { describeError } from "../errors";
import type { TestState } from "./ConsolesUi";
import {
  consolesHref,
  IBM_CLOUD_IAM_TOKEN_URL,
  verdictFacts,
  verdictKind,
  verdictText,
} from "./logic";

export function ConsolesTabs(props: { active: "list" | "regions" }) {
  const { t } = useTranslation("consoles");
  const tabs = [
    { id: "list" as const, label: t("tabs.list"), href: consolesHref({ view: "list" }) },
    { id: "regions" as const, label: t("tabs.regions"), href: consolesHref({ view: "regions" }) },
  ];
  return (
    <nav className="fhd-tabs" aria-label={t("tabs.label")}>
      {tabs.map((tab) => (
        <a
          key={tab.id}
          href={tab.href}
          className={`fhd-tabs__tab${props.active === tab.id ? " fhd-tabs__tab--active" : ""}`}
          aria-current={props.active === tab.id ? "page" : undefined}
          data-testid={`consoles-tab-${tab.id}`}
        >
          {tab.label}
        </a>
      ))}
    </nav>
  );
}

export function ConsoleTags(props: { console: ConsoleSummary }) {
  const { console: c } = props;
  const { t } = useTranslation("consoles");
  return (
    <>
      {c.sandbox ? <span className="fhd-ctag fhd-ctag--sandbox">{t("tags.sandbox")}</span> : null}
      {c.auth === "iam" ? (
        <span
          className="fhd-ctag fhd-ctag--iam"
          title={t("tags.iamTip", { url: c.iamTokenUrl ?? IBM_CLOUD_IAM_TOKEN_URL })}
          data-testid="console-iam-tag"
        >
          {t("tags.iam")}
        </span>
      ) : null}
      {c.encrypted ? null : (
        <span className="fhd-ctag fhd-ctag--warning" title={t("tags.notEncryptedTip")}>
          {t("tags.notEncrypted")}
        </span>
      )}
    </>
  );
}

/** The answer of "Test connection" for one console: spinner, verdict (sentence + fix) or error. */
export function VerdictNotice(props: { name: string; state: TestState; onClose?: () => void }) {
  const { name, state } = props;
  const { t } = useTranslation("consoles");
  if (state.pending) {
    return (
      <InlineLoading
        {...loadingText()}
        className="fhd-verdict fhd-verdict--pending"
        description={t("verdict.testing", { name })}
      />
    );
  }
  if (state.verdict) {
    const v = state.verdict;
    const text = verdictText(v);
    return (
      <InlineNotification
        className="fhd-verdict"
        data-testid="console-verdict"
        data-console={name}
        data-code={v.code}
        {...notificationText(verdictKind(v))}
        kind={verdictKind(v)}
        lowContrast
        hideCloseButton={!props.onClose}
        onCloseButtonClick={props.onClose}
        title={t("verdict.title", { name, sentence: text.sentence })}
        subtitle={[text.fix ?? "", verdictFacts(v)].filter(Boolean).join(" — ")}
      />
    );
  }
  if (state.error !== undefined) {
    return (
      <ErrorNotice
        error={state.error}
        context={t("verdict.testFailed", { name })}
        onClose={props.onClose}
      />
    );
  }
  return null;
}

export function ErrorNotice(props: {
  error: unknown;
  context?: string;
  onClose?: (() => void) | undefined;
}) {
  const { t } = useTranslation("components");
  const described = describeError(props.error);
  return (
    <InlineNotification
      className="fhd-verdict"
      data-testid="console-error"
      data-code={described.code}
      {...notificationText("error")}
      kind="error"
      lowContrast
      hideCloseButton={!props.onClose}
      onCloseButtonClick={props.onClose}
      title={
        props.context
          ? t("toast.contextTitle", { context: props.context, sentence: described.sentence })
          : described.sentence
      }
      subtitle={[described.fix, described.detail !== described.sentence ? described.detail : ""]
        .filter(Boolean)
        .join(" ")}
    />
  );
}
