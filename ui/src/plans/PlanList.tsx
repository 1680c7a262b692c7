// The saved HA plans as tiles (or a table), each with its state; "New plan" opens the wizard.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { planList, planRunning } from "../api";
import type { PlanRecord } from "../bindings/PlanRecord";
import type { TileStatus } from "../components/NodeTile";
import { useNotifier } from "../components/Notifications";
import { TileSection } from "../components/TileSection";
import { formatNumber, joinList } from "../i18n";
import { useAppState } from "../state";
import { plansHref, type ShownState, shownState, stateLabel } from "./logic";
import { wasPreviewed } from "./session";

interface Row {
  record: PlanRecord;
  state: ShownState;
}

const SQUARE: Record<ShownState, TileStatus> = {
  draft: "unknown",
  previewed: "unknown",
  running: "pending",
  stopped: "stopped",
  completed: "running",
};

const peerCount = (r: PlanRecord) => r.plan.targets.reduce((n, t) => n + t.peers.length, 0);
const targetsText = (r: PlanRecord) => joinList(r.plan.targets.map((t) => t.console));

export function PlanList() {
  const { t } = useTranslation("plans");
  const columns = [
    { key: "name", header: t("list.columns.name"), text: (r: Row) => r.record.plan.name },
    { key: "state", header: t("list.columns.state"), text: (r: Row) => stateLabel(r.state) },
    {
      key: "source",
      header: t("list.columns.source"),
      text: (r: Row) => r.record.plan.source.console,
    },
    { key: "targets", header: t("list.columns.targets"), text: (r: Row) => targetsText(r.record) },
    {
      key: "peers",
      header: t("list.columns.peers"),
      text: (r: Row) => formatNumber(peerCount(r.record)),
    },
  ];
  const { settings } = useAppState();
  const { notifyError } = useNotifier();
  const [rows, setRows] = useState<Row[] | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([planList(), planRunning()])
      .then(([plans, running]) => {
        if (!live) return;
        setRows(
          plans.map((record) => ({
            record,
            state: shownState(
              record.state,
              running.includes(record.plan.name),
              wasPreviewed(record.plan.name),
            ),
          })),
        );
      })
      .catch((e) => {
        if (live) {
          setRows([]);
          notifyError(e, t("list.listFailed"));
        }
      });
    return () => {
      live = false;
    };
  }, [notifyError, t]);

  return (
    <>
      <h1 className="fhd-page-title">{t("list.title")}</h1>
      <TileSection
        id="ha-plans"
        title={t("list.title")}
        info={t("list.info")}
        items={rows ?? []}
        itemKey={(r) => r.record.id}
        toTile={(r) => ({
          id: r.record.id,
          title: r.record.plan.name,
          subtitle: `${r.record.plan.source.console} → ${targetsText(r.record)}`,
          status: SQUARE[r.state],
          statusLabel: stateLabel(r.state),
          labels: [
            { kind: "tag", text: stateLabel(r.state) },
            {
              kind: "text",
              text: t("list.peersInRegions", {
                peers: t("list.newPeers", { count: peerCount(r.record) }),
                regions: t("list.regions", { count: r.record.plan.targets.length }),
              }),
            },
          ],
          data: { testid: "plan-tile", plan: r.record.plan.name, state: r.state },
        })}
        onOpen={(r) => () => {
          window.location.hash = plansHref({ view: "plan", name: r.record.plan.name }).slice(1);
        }}
        columns={columns}
        actions={[
          {
            label: t("list.newPlan"),
            onClick: () => {
              window.location.hash = plansHref({ view: "new" }).slice(1);
            },
          },
        ]}
        emptyTitle={rows === null ? t("list.loading") : t("list.empty")}
        emptyHint={t("list.emptyHint")}
        defaultPageSize={settings.pageSize}
      />
    </>
  );
}
