// The HA check page (lazy-loaded, with its styles): does an organization survive the loss of any
// one region? The scope lives in the hash (`#/ha-check?plan=NAME`, `#/ha-check?console=C&msp=M`;
// the plan report links here); without one, the page asks for it. The check reads every console
// and peer (seconds), then shows one matrix per channel with the verdict, what to do in each red
// cell and the action the app has for it (the peer panel, a copy between consoles), and exports
// the check as JSON or Markdown for an audit.
import { Renew } from "@carbon/icons-react";
import {
  Button,
  InlineLoading,
  InlineNotification,
  Select,
  SelectItem,
  TextInput,
} from "@carbon/react";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { consoleComponents, haCheck, haCheckExportDialog, planList } from "../api";
import type { HaCheck } from "../bindings/HaCheck";
import type { PlanRecord } from "../bindings/PlanRecord";
import { IdentitySelect } from "../components/IdentitySelect";
import { useNotifier } from "../components/Notifications";
import { ConsolesUiProvider, useConsolesUi } from "../consoles/ConsolesUi";
import { useLibrary } from "../data/WorkspaceData";
import { describeError } from "../errors";
import { HaCheckMatrix, type MatrixActions, StatusSquare } from "../hacheck/HaCheckMatrix";
import {
  componentIdOf,
  type HaScope,
  haCheckHref,
  type PeerAction,
  parseHaCheckHash,
  peerOf,
  scopeText,
  todoCount,
  verdictText,
} from "../hacheck/logic";
import { formatDate, formatList, formatNumber, joinList } from "../i18n";
import type { PeerView } from "../peers/logic";
import { RegionDrill } from "../sandbox/RegionDrill";
import "../styles/deferred.scss";
import "../hacheck/hacheck.scss";
import { loadingText, notificationText } from "../components/carbonText";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

export default function HaCheckPage() {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  const scope = parseHaCheckHash(hash);
  const { t } = useTranslation("pages");
  return (
    <ConsolesUiProvider>
      <div className="fhd-hc-page" data-testid="ha-check-page">
        <h1 className="fhd-page-title">{t("haCheck.title")}</h1>
        <ScopeForm key={haCheckHref(scope)} scope={scope} />
        {scope ? <CheckView key={haCheckHref(scope)} scope={scope} /> : null}
      </div>
    </ConsolesUiProvider>
  );
}

/** Which organization: an HA plan, or an MSP id through one of the registered consoles. */
function ScopeForm(props: { scope: HaScope | null }) {
  const { consoles } = useConsolesUi();
  const { t } = useTranslation("pages");
  const [plans, setPlans] = useState<PlanRecord[]>([]);
  const [plan, setPlan] = useState(props.scope && "plan" in props.scope ? props.scope.plan : "");
  const [console, setConsole] = useState(
    props.scope && "console" in props.scope ? props.scope.console : "",
  );
  const [msp, setMsp] = useState(props.scope && "mspId" in props.scope ? props.scope.mspId : "");
  const [tls, setTls] = useState(props.scope?.tls ?? "");
  const { items } = useLibrary();
  const presenting = tls ? { tls } : {};
  useEffect(() => {
    let live = true;
    planList().then(
      (list) => {
        if (live) setPlans(list);
      },
      () => {
        // No plans to offer: the console + MSP form still works.
      },
    );
    return () => {
      live = false;
    };
  }, []);
  const chosenConsole = console || consoles[0]?.name || "";
  // The plan in the address stays choosable while the list loads (or if it was removed since).
  const planNames = plans.map((p) => p.plan.name);
  if (plan && !planNames.includes(plan)) planNames.unshift(plan);
  return (
    <div className="fhd-hc-scope">
      <p className="fhd-hc-intro">{t("haCheck.intro")}</p>
      <div className="fhd-hc-scope__row fhd-hc-scope__row--tls">
        <IdentitySelect
          id="ha-check-tls"
          labelText={t("haCheck.tlsIdentity")}
          helperText={t("haCheck.tlsIdentityHelp")}
          noneText={t("haCheck.noTlsIdentity")}
          items={items}
          value={tls}
          onChange={setTls}
        />
      </div>
      <div className="fhd-hc-scope__row">
        <Select
          id="ha-check-plan"
          labelText={t("haCheck.plan")}
          value={plan}
          onChange={(e) => setPlan(e.target.value)}
        >
          <SelectItem
            value=""
            text={planNames.length ? t("haCheck.choosePlan") : t("haCheck.noPlan")}
          />
          {planNames.map((name) => (
            <SelectItem key={name} value={name} text={name} />
          ))}
        </Select>
        <Button
          href={plan ? haCheckHref({ plan, ...presenting }) : undefined}
          disabled={!plan}
          data-testid="ha-check-plan-go"
        >
          {t("haCheck.checkPlan")}
        </Button>
        <span className="fhd-hc-muted fhd-hc-or">{t("haCheck.or")}</span>
        <Select
          id="ha-check-console"
          labelText={t("haCheck.console")}
          value={chosenConsole}
          onChange={(e) => setConsole(e.target.value)}
        >
          {consoles.map((c) => (
            <SelectItem key={c.name} value={c.name} text={`${c.name} (${c.region || "-"})`} />
          ))}
        </Select>
        <TextInput
          id="ha-check-msp"
          labelText={t("haCheck.mspId")}
          placeholder="Org1MSP" // i18n-ignore: an example MSP id
          value={msp}
          onChange={(e) => setMsp(e.target.value.trim())}
        />
        <Button
          href={
            chosenConsole && msp
              ? haCheckHref({ console: chosenConsole, mspId: msp, ...presenting })
              : undefined
          }
          disabled={!chosenConsole || !msp}
          data-testid="ha-check-msp-go"
        >
          {t("haCheck.checkMsp")}
        </Button>
      </div>
    </div>
  );
}

type Run = { state: "running" } | { state: "done" } | { state: "failed"; error: unknown };

function CheckView(props: { scope: HaScope }) {
  const { scope } = props;
  const ui = useConsolesUi();
  const { notify, notifyError } = useNotifier();
  const { t } = useTranslation("pages");
  const [check, setCheck] = useState<HaCheck | null>(null);
  const [run, setRun] = useState<Run>({ state: "running" });
  const generation = useRef(0);

  const start = useCallback(() => {
    const mine = ++generation.current;
    setRun({ state: "running" });
    haCheck(scope).then(
      (c) => {
        if (mine !== generation.current) return;
        setCheck(c);
        setRun({ state: "done" });
      },
      (error: unknown) => {
        if (mine === generation.current) setRun({ state: "failed", error });
      },
    );
  }, [scope]);

  useEffect(() => {
    start();
    return () => {
      generation.current++;
    };
  }, [start]);

  const exportAs = async (format: "json" | "markdown") => {
    if (!check) return;
    try {
      const path = await haCheckExportDialog(check.checkedAt, format);
      if (path) notify({ kind: "success", title: t("haCheck.savedTo", { path }) });
    } catch (error) {
      notifyError(error, t("haCheck.exportFailed"));
    }
  };

  // A cell names its peer by display name; the peer panel and a copy need the console's id.
  const locate = useCallback(
    async (console: string, name: string) => {
      const peer = check ? peerOf(check, console, name) : undefined;
      if (!peer) throw new Error(t("haCheck.peerNotInCheck", { name }));
      const consoles = [console, ...peer.listedBy.filter((c) => c !== console)];
      for (const c of consoles) {
        if (!peer.listedBy.includes(c)) continue;
        const id = componentIdOf(await consoleComponents(c), peer.apiUrl);
        if (id) return { console: c, id, peer };
      }
      throw new Error(t("haCheck.noConsoleLists", { name, url: peer.apiUrl }));
    },
    [check, t],
  );

  const actions: MatrixActions = {
    openPeer: (console, name, action: PeerAction) => {
      const view: PeerView =
        action === "join" ? "join" : action === "install" ? "install" : "details";
      locate(console, name).then(
        ({ console: c, id, peer }) =>
          ui.openPeer({ console: c, id, kind: "peer", displayName: name }, view, {
            mspId: check?.mspId ?? null,
            apiUrl: peer.apiUrl,
            tlsIdentity: scope.tls ?? null,
          }),
        (error: unknown) => notifyError(error, t("haCheck.panelFailed", { name })),
      );
    },
    importPeer: (from, to, name) => {
      locate(from, name).then(
        ({ console: c, id }) =>
          ui.copy(c, to, [{ console: c, id, kind: "peer", displayName: name }]),
        (error: unknown) => notifyError(error, t("haCheck.importFailed", { name, to })),
      );
    },
    refresh: () => start(),
  };

  const running = run.state === "running";
  return (
    <div className="fhd-hc-check" data-testid="ha-check" data-state={run.state}>
      <div className="fhd-hc-toolbar">
        <Button
          kind="tertiary"
          renderIcon={Renew}
          disabled={running}
          onClick={start}
          data-testid="ha-refresh"
        >
          {t("common:refresh")}
        </Button>
        <Button
          kind="tertiary"
          disabled={!check || running}
          onClick={() => void exportAs("json")}
          data-testid="ha-export-json"
        >
          {t("haCheck.exportJson")}
        </Button>
        <Button
          kind="tertiary"
          disabled={!check || running}
          onClick={() => void exportAs("markdown")}
          data-testid="ha-export-md"
        >
          {t("haCheck.exportMarkdown")}
        </Button>
      </div>
      <RegionDrill />
      {running && (
        <InlineLoading
          {...loadingText()}
          data-testid="ha-loading"
          description={t("haCheck.reading", { scope: scopeText(scope) })}
        />
      )}
      {run.state === "failed" && <CheckError error={run.error} />}
      {check && (
        <div className={running ? "fhd-hc-result fhd-hc-result--stale" : "fhd-hc-result"}>
          <div
            className="fhd-hc-verdict"
            data-testid="ha-verdict"
            data-survives={check.survives ? "true" : "false"}
          >
            <StatusSquare tone={check.survives ? "ok" : "bad"} label={verdictText(check)} />
            <p className="fhd-hc-muted">
              {t("haCheck.summary", {
                msp: check.mspId,
                when: formatDate(check.checkedAt, { dateStyle: "medium", timeStyle: "medium" }),
                identity: check.identity,
              })}
              {check.tlsIdentity
                ? ` · ${t("haCheck.presenting", { identity: check.tlsIdentity })}`
                : ""}
              {" · "}
              {t("haCheck.peersInRegions", {
                peers: t("haCheck.peers", {
                  count: check.peers.length,
                  n: formatNumber(check.peers.length),
                }),
                regions: t("haCheck.regions", {
                  count: check.regions.length,
                  n: formatNumber(check.regions.length),
                }),
              })}
              {todoCount(check) > 0
                ? ` · ${t("haCheck.toFix", { count: todoCount(check), n: formatNumber(todoCount(check)) })}`
                : ""}
            </p>
          </div>
          {check.channels.map((ch) => (
            <section
              key={ch.channel}
              className="fhd-hc-channel"
              data-testid="ha-channel"
              data-channel={ch.channel}
              data-survives={ch.survives ? "true" : "false"}
            >
              <h2 className="fhd-hc-channel__title">
                {ch.channel}
                <StatusSquare
                  tone={ch.survives ? "ok" : "bad"}
                  label={
                    ch.survives
                      ? t("haCheck.survives")
                      : t("haCheck.breaks", {
                          consoles: formatList(
                            ch.losses.filter((l) => !l.survives).map((l) => l.console),
                            "disjunction",
                          ),
                        })
                  }
                />
              </h2>
              <p className="fhd-hc-muted">
                {t("haCheck.height", {
                  height: formatNumber(ch.highest),
                  anchors: ch.anchorPeers.length ? joinList(ch.anchorPeers) : t("common:none"),
                })}
              </p>
              <HaCheckMatrix check={check} channel={ch} actions={actions} />
            </section>
          ))}
        </div>
      )}
    </div>
  );
}

function CheckError(props: { error: unknown }) {
  const d = describeError(props.error);
  return (
    <InlineNotification
      {...notificationText("error")}
      kind="error"
      lowContrast
      hideCloseButton
      title={d.sentence}
      subtitle={[d.fix, d.detail !== d.sentence ? d.detail : ""].filter(Boolean).join(" ")}
      data-testid="ha-error"
    />
  );
}
