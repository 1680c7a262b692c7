import { comingLater } from "../components/ActionButton";
import { TileSection } from "../components/TileSection";
import { CONSOLE_COLUMNS, consoleTile } from "../data/tiles";
import { useWorkspaceData } from "../data/WorkspaceData";
import { useAppState } from "../state";

export default function ConsolesPage() {
  const { consoles } = useWorkspaceData();
  const { settings } = useAppState();
  return (
    <>
      <h1 className="fhd-page-title">Consoles</h1>
      <TileSection
        id="consoles"
        title="Regions"
        info="Each region is a Fabric Operations Console. Its peers, CAs, ordering services, organizations and identities appear on the other pages."
        items={consoles}
        itemKey={(c) => c.id}
        toTile={consoleTile}
        columns={CONSOLE_COLUMNS}
        actions={comingLater("Add console")}
        emptyTitle="No consoles yet"
        emptyHint="Add the URL and credentials of a Fabric Operations Console to list its nodes here and use it as a region of an HA plan."
        defaultPageSize={settings.pageSize}
      />
    </>
  );
}
