import { lazy } from "react";
import { caHref, useCaRoute } from "../ca/route";
import type { SectionColumn } from "../components/TileSection";
import { TileSection } from "../components/TileSection";
import type { NodeItem, WorkspaceData } from "../data/model";
import { CA_COLUMNS, nodeTile, ORDERER_COLUMNS, PEER_COLUMNS } from "../data/tiles";
import { useWorkspaceData } from "../data/WorkspaceData";
import { useLibraryUi } from "../library/LibraryUi";
import { useAppState } from "../state";

interface NodeSection {
  id: "peers" | "cas" | "orderers";
  /** The library kind its Import button brings in. */
  kind: "peer" | "ca" | "orderer";
  title: string;
  info: string;
  columns: SectionColumn<NodeItem>[];
  action: string;
  emptyTitle: string;
  /** What an import is called in the empty-state hint: "a peer's JSON file". */
  file: string;
}

// The three sections of the console's Nodes tab (console-api.md §7.3).
const SECTIONS: NodeSection[] = [
  {
    id: "peers",
    kind: "peer",
    title: "Peers",
    info: "Peers hold the ledger and run smart contracts. Import them from JSON files exported by a console.",
    columns: PEER_COLUMNS,
    action: "Import peer",
    emptyTitle: "No peers yet",
    file: "a peer's JSON file",
  },
  {
    id: "cas",
    kind: "ca",
    title: "Certificate Authorities",
    info: "Certificate Authorities issue the identities of your organizations' admins, users and nodes.",
    columns: CA_COLUMNS,
    action: "Import Certificate Authority",
    emptyTitle: "No Certificate Authorities yet",
    file: "a CA's JSON file",
  },
  {
    id: "orderers",
    kind: "orderer",
    title: "Ordering services",
    info: "Ordering services order transactions into blocks. One tile stands for a whole cluster of ordering nodes.",
    columns: ORDERER_COLUMNS,
    action: "Import ordering service",
    emptyTitle: "No ordering services yet",
    file: "an ordering service's JSON file",
  },
];

// A library CA's page (`#/nodes/ca/<id>`) loads on demand.
const CaDetailPage = lazy(() => import("../ca/CaDetailPage"));

export default function NodesPage() {
  const data: WorkspaceData = useWorkspaceData();
  const { settings } = useAppState();
  const { openImport, openDetail } = useLibraryUi();
  const caId = useCaRoute();
  const onOpen = (node: NodeItem) => {
    const item = node.library;
    if (!item) return undefined;
    if (item.kind === "ca") {
      return () => {
        window.location.hash = caHref(item.id);
      };
    }
    return () => openDetail(item.id);
  };
  if (caId !== null) return <CaDetailPage id={caId} />;
  return (
    <>
      <h1 className="fhd-page-title">Nodes</h1>
      {SECTIONS.map((section) => (
        <TileSection
          key={section.id}
          id={section.id}
          title={section.title}
          info={section.info}
          items={data[section.id]}
          itemKey={(n) => n.id}
          toTile={nodeTile}
          columns={section.columns}
          actions={[{ label: section.action, onClick: () => openImport(section.kind) }]}
          onOpen={onOpen}
          emptyTitle={section.emptyTitle}
          emptyHint={`Import ${section.file}, or drop exported files anywhere on this window.`}
          defaultPageSize={settings.pageSize}
        />
      ))}
    </>
  );
}
