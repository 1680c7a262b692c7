// Small pieces the build and receive views share: the view tabs, an error with its sentence and
// fix, and the facts of a manifest.
import { InlineNotification } from "@carbon/react";
import type { BundleManifest } from "../bindings/BundleManifest";
import { describeError } from "../errors";
import { bundlesHref } from "./route";

export function BundlesTabs(props: { active: "build" | "receive" }) {
  const tabs = [
    { id: "build" as const, label: "Build", href: bundlesHref({ view: "build" }) },
    {
      id: "receive" as const,
      label: "Receive",
      href: bundlesHref({ view: "receive", file: null }),
    },
  ];
  return (
    <nav className="fhd-tabs" aria-label="Bundles views">
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
  const d = describeError(props.error);
  return (
    <div data-testid={props.testId} data-code={d.code}>
      <InlineNotification
        kind="error"
        lowContrast
        hideCloseButton
        title={d.sentence}
        subtitle={d.detail !== d.sentence ? d.detail : undefined}
      >
        {d.fix ? <p className="fhd-bundle-detail">{d.fix}</p> : null}
      </InlineNotification>
    </div>
  );
}

/** What a manifest says the bundle is: for which console, from where, which plan, when. */
export function ManifestFacts(props: { manifest: BundleManifest; encrypted: boolean }) {
  const m = props.manifest;
  const target = m.target_console;
  const facts: [string, string, string][] = [
    ["target", "For console", target.url ? `${target.name} (${target.url})` : target.name],
    [
      "source",
      "From console",
      m.source_console
        ? m.source_console.url
          ? `${m.source_console.name} (${m.source_console.url})`
          : m.source_console.name
        : "—",
    ],
    ["plan", "HA plan", m.plan ? `${m.plan.name} (${m.plan.id})` : "—"],
    ["created", "Created", `${m.created_at} by app ${m.app_version}`],
    ["encrypted", "Encrypted", props.encrypted ? "Yes (age)" : "No"],
    [
      "identities",
      "Identities",
      m.includes_identities ? "Included, with their private keys" : "None",
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
