import { comingLater } from "../components/ActionButton";
import { TileSection } from "../components/TileSection";
import type { HaPlanItem } from "../data/model";
import { useWorkspaceData } from "../data/WorkspaceData";
import { useAppState } from "../state";

const COLUMNS = [
  { key: "name", header: "Name", text: (p: HaPlanItem) => p.name },
  { key: "summary", header: "Summary", text: (p: HaPlanItem) => p.summary },
];

export default function HaPlansPage() {
  const { haPlans } = useWorkspaceData();
  const { settings } = useAppState();
  return (
    <>
      <h1 className="fhd-page-title">HA plans</h1>
      <TileSection
        id="ha-plans"
        title="HA plans"
        info="An HA plan gives an organization redundant peers in several consoles (regions): it imports the CA and MSP, registers and creates the peers, then imports every peer into every console, with progress you can follow and resume."
        items={haPlans}
        itemKey={(p) => p.id}
        toTile={(p) => ({ id: p.id, title: p.name, subtitle: p.summary, labels: [] })}
        columns={COLUMNS}
        actions={comingLater("New HA plan")}
        emptyTitle="No HA plans yet"
        emptyHint="A plan will say which nodes to add in which region; you will review each step before it runs."
        defaultPageSize={settings.pageSize}
      />
    </>
  );
}
