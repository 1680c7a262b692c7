import { lazy } from "react";
import { useTranslation } from "react-i18next";
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
  columns: SectionColumn<NodeItem>[];
}

// The three sections of the console's Nodes tab (console-api.md §7.3); their texts are
// `pages:nodes.<id>.*`.
const SECTIONS: NodeSection[] = [
  { id: "peers", kind: "peer", columns: PEER_COLUMNS },
  { id: "cas", kind: "ca", columns: CA_COLUMNS },
  { id: "orderers", kind: "orderer", columns: ORDERER_COLUMNS },
];

// A library CA's page (`#/nodes/ca/<id>`) loads on demand.
const CaDetailPage = lazy(() => import("../ca/CaDetailPage"));

export default function NodesPage() {
  const { t } = useTranslation("pages");
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
      <h1 className="fhd-page-title">{t("nodes.title")}</h1>
      {SECTIONS.map((section) => (
        <TileSection
          key={section.id}
          id={section.id}
          title={t(`nodes.${section.id}.title`)}
          info={t(`nodes.${section.id}.info`)}
          items={data[section.id]}
          itemKey={(n) => n.id}
          toTile={nodeTile}
          columns={section.columns}
          actions={[
            { label: t(`nodes.${section.id}.action`), onClick: () => openImport(section.kind) },
          ]}
          onOpen={onOpen}
          emptyTitle={t(`nodes.${section.id}.emptyTitle`)}
          emptyHint={t(`nodes.${section.id}.emptyHint`)}
          defaultPageSize={settings.pageSize}
        />
      ))}
    </>
  );
}
