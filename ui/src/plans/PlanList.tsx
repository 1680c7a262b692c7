// The saved HA plans as tiles (or a table), each with its state; "New plan" opens the wizard.
import { useEffect, useState } from "react";
import { planList, planRunning } from "../api";
import type { PlanRecord } from "../bindings/PlanRecord";
import type { TileStatus } from "../components/NodeTile";
import { useNotifier } from "../components/Notifications";
import { TileSection } from "../components/TileSection";
import { useAppState } from "../state";
import { plansHref, type ShownState, STATE_LABEL, shownState } from "./logic";
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
const targetsText = (r: PlanRecord) => r.plan.targets.map((t) => t.console).join(", ");

const COLUMNS = [
  { key: "name", header: "Name", text: (r: Row) => r.record.plan.name },
  { key: "state", header: "State", text: (r: Row) => STATE_LABEL[r.state] },
  { key: "source", header: "Source", text: (r: Row) => r.record.plan.source.console },
  { key: "targets", header: "Targets", text: (r: Row) => targetsText(r.record) },
  { key: "peers", header: "New peers", text: (r: Row) => String(peerCount(r.record)) },
];

export function PlanList() {
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
          notifyError(e, "The plans could not be listed");
        }
      });
    return () => {
      live = false;
    };
  }, [notifyError]);

  return (
    <>
      <h1 className="fhd-page-title">HA plans</h1>
      <TileSection
        id="ha-plans"
        title="HA plans"
        info="An HA plan gives an organization redundant peers in several consoles (regions): it imports the CA and MSP, registers and creates the peers, then imports every peer into every console, with progress you can follow and resume."
        items={rows ?? []}
        itemKey={(r) => r.record.id}
        toTile={(r) => ({
          id: r.record.id,
          title: r.record.plan.name,
          subtitle: `${r.record.plan.source.console} → ${targetsText(r.record)}`,
          status: SQUARE[r.state],
          statusLabel: STATE_LABEL[r.state],
          labels: [
            { kind: "tag", text: STATE_LABEL[r.state] },
            {
              kind: "text",
              text: `${peerCount(r.record)} new peers in ${r.record.plan.targets.length} regions`,
            },
          ],
          data: { testid: "plan-tile", plan: r.record.plan.name, state: r.state },
        })}
        onOpen={(r) => () => {
          window.location.hash = plansHref({ view: "plan", name: r.record.plan.name }).slice(1);
        }}
        columns={COLUMNS}
        actions={[
          {
            label: "New plan",
            onClick: () => {
              window.location.hash = plansHref({ view: "new" }).slice(1);
            },
          },
        ]}
        emptyTitle={rows === null ? "Loading plans…" : "No HA plans yet"}
        emptyHint="A plan says which peers to add in which region; you review each step before it runs."
        defaultPageSize={settings.pageSize}
      />
    </>
  );
}
