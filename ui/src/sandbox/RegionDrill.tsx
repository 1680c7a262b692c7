// The region-loss drill in the window: the regions of the sandbox (`fabric-ha sandbox --fabric`)
// that runs now, each with "Stop region" / "Start region" (its console, its CA and its peers),
// as `fabric-ha sandbox region stop|start` does. Nothing shows when no sandbox runs.
import { Button, InlineLoading, Tag } from "@carbon/react";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { sandboxRegion, sandboxRegions } from "../api";
import type { RegionOp } from "../bindings/RegionOp";
import type { SandboxRegion } from "../bindings/SandboxRegion";
import { useNotifier } from "../components/Notifications";
import "./drill.scss";

/** The running sandbox's regions, read once and again after each stop or start. */
export function useSandboxRegions(): {
  regions: SandboxRegion[];
  act: (op: RegionOp, region: string) => Promise<void>;
  busy: string | null;
} {
  const { notifyError } = useNotifier();
  const { t } = useTranslation("sandbox");
  const [regions, setRegions] = useState<SandboxRegion[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    sandboxRegions()
      .then((found) => {
        if (live) setRegions(found);
      })
      // No sandbox tooling here (another platform): no drill buttons, nothing to report.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  const act = useCallback(
    async (op: RegionOp, region: string) => {
      setBusy(region);
      try {
        const after = await sandboxRegion(op, region);
        setRegions((all) => all.map((r) => (r.region === after.region ? after : r)));
      } catch (e) {
        notifyError(e, t(op === "stop" ? "stopFailed" : "startFailed", { region }));
      } finally {
        setBusy(null);
      }
    },
    [notifyError, t],
  );
  return { regions, act, busy };
}

function RegionButton(props: {
  region: SandboxRegion;
  busy: boolean;
  onAct: (op: RegionOp, region: string) => void;
}) {
  const { t } = useTranslation("sandbox");
  const { region } = props;
  if (props.busy) {
    return (
      <InlineLoading
        description={t(region.running ? "stopping" : "starting", { region: region.region })}
      />
    );
  }
  return (
    <Button
      size="sm"
      kind={region.running ? "danger--tertiary" : "tertiary"}
      data-testid={`region-${region.running ? "stop" : "start"}-${region.region}`}
      onClick={() => props.onAct(region.running ? "stop" : "start", region.region)}
    >
      {t(region.running ? "stop" : "start", { region: region.region })}
    </Button>
  );
}

/** A console tile's drill button: shown only for a console of the running sandbox. */
export function RegionSwitch(props: { consoleUrl: string }) {
  const { regions, act, busy } = useSandboxRegions();
  const region = regions.find(
    (r) => r.consoleUrl.replace(/\/$/, "") === props.consoleUrl.replace(/\/$/, ""),
  );
  if (!region) return null;
  return (
    <RegionButton
      region={region}
      busy={busy === region.region}
      onAct={(op, name) => void act(op, name)}
    />
  );
}

/** Every region of the running sandbox with its state and its button. */
export function RegionDrill() {
  const { t } = useTranslation("sandbox");
  const { regions, act, busy } = useSandboxRegions();
  if (regions.length === 0) return null;
  return (
    <section className="fhd-region-drill" aria-label={t("title")} data-testid="region-drill">
      <h3 className="fhd-region-drill__title">{t("title")}</h3>
      <p className="fhd-region-drill__hint">{t("hint")}</p>
      <ul className="fhd-region-drill__list">
        {regions.map((r) => (
          <li key={r.region} className="fhd-region-drill__region">
            <span className="fhd-region-drill__name">{r.region}</span>
            <Tag type={r.running ? "green" : "red"} size="sm">
              {t(r.running ? "running" : "stopped")}
            </Tag>
            <span className="fhd-region-drill__nodes">{t("nodes", { count: r.nodes.length })}</span>
            <RegionButton
              region={r}
              busy={busy === r.region}
              onAct={(op, name) => void act(op, name)}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
