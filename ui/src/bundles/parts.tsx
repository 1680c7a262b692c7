// Small pieces the build and receive views share: the view tabs, an error with its sentence and
// fix, and the facts of a manifest.
import { InlineNotification } from "@carbon/react";
import { useTranslation } from "react-i18next";
import type { BundleManifest } from "../bindings/BundleManifest";
import { describeError } from "../errors";
import { formatDate } from "../i18n";
import { bundlesHref } from "./route";

export function BundlesTabs(props: { active: "build" | "receive" }) {
  const { t } = useTranslation("bundles");
  const tabs = [
    { id: "build" as const, label: t("tabs.build"), href: bundlesHref({ view: "build" }) },
    {
      id: "receive" as const,
      label: t("tabs.receive"),
      href: bundlesHref({ view: "receive", file: null }),
    },
  ];
  return (
    <nav className="fhd-tabs" aria-label={t("tabs.label")}>
      {tabs.map((tab) => (
        <a
          key={tab.id}
          href={tab.href}
          className={`fhd-tabs__tab${props.active === tab.id ? " fhd-tabs__tab--active" : ""}`}
          aria-current={props.active === tab.id ? "page" : undefined}
          data-testid={`bundles-tab-${tab.id}`}
        >
          {tab.label}
        </a>
      ))}
    </nav>
  );
}

/** An IPC failure inline: the code's sentence as the title, the backend's words and the fix
 * under it. */
export function ErrorNote(props: { error: unknown; testId?: string }) {
  const { t } = useTranslation("bundles");
  const d = describeError(props.error);
  return (
    <div data-testid={props.testId} data-code={d.code}>
      <InlineNotification
        kind="error"
        lowContrast
        hideCloseButton
        title={d.sentence}
        subtitle={d.detail !== d.sentence ? d.detail : undefined}
        statusIconDescription={t("error.icon")}
      >
        {d.fix ? <p className="fhd-bundle-detail">{d.fix}</p> : null}
      </InlineNotification>
    </div>
  );
}

/** A manifest's creation time in the current language; as written when it is not a date. */
function createdAt(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : formatDate(time, { dateStyle: "medium", timeStyle: "short" });
}

/** What a manifest says the bundle is: for which console, from where, which plan, when. */
export function ManifestFacts(props: { manifest: BundleManifest; encrypted: boolean }) {
  const { t } = useTranslation("bundles");
  const m = props.manifest;
  const target = m.target_console;
  const facts: [string, string, string][] = [
    ["target", t("facts.target"), target.url ? `${target.name} (${target.url})` : target.name],
    [
      "source",
      t("facts.source"),
      m.source_console
        ? m.source_console.url
          ? `${m.source_console.name} (${m.source_console.url})`
          : m.source_console.name
        : "—",
    ],
    ["plan", t("facts.plan"), m.plan ? `${m.plan.name} (${m.plan.id})` : "—"],
    [
      "created",
      t("facts.created"),
      t("facts.createdBy", { when: createdAt(m.created_at), version: m.app_version }),
    ],
    ["encrypted", t("facts.encrypted"), props.encrypted ? t("facts.yesAge") : t("facts.no")],
    [
      "identities",
      t("facts.identities"),
      m.includes_identities ? t("facts.identitiesIncluded") : t("facts.none"),
    ],
  ];
  return (
    <dl className="fhd-bundle-facts" data-testid="bundle-facts">
      {facts.map(([key, label, value]) => (
        <div key={key} className="fhd-bundle-facts__row" data-fact={key}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
