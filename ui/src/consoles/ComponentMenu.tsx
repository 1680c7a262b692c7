// The ⋮ menu of a console component's tile: a peer's channels and chaincode (and joining,
// installing), export it into the library, save its file, or copy it to another console (the
// keyboard way of dragging it onto another region's column), or run the HA check of its MSP.
import { haCheckHref } from "../hacheck/logic";
import { useConsolesUi } from "./ConsolesUi";
import type { ComponentRef } from "./logic";
import { type MenuItem, TileMenu } from "./TileMenu";

export function ComponentMenu(props: {
  component: ComponentRef;
  /** What the tile knows of a peer (shown in its panel before the peer answers). */
  node?: { mspId: string | null; apiUrl: string | null };
  /** The organization whose HA check the menu offers (peers and MSP definitions). */
  mspId?: string | null;
}) {
  const ui = useConsolesUi();
  const { component, node } = props;
  const peerItems: MenuItem[] =
    component.kind === "peer"
      ? [
          {
            label: "Channels and chaincode",
            onClick: () => ui.openPeer(component, "details", node),
          },
          { label: "Join channel…", onClick: () => ui.openPeer(component, "join", node) },
          { label: "Install chaincode…", onClick: () => ui.openPeer(component, "install", node) },
        ]
      : [];
  const mspId = props.mspId;
  const checkItems: MenuItem[] = mspId
    ? [
        {
          label: `HA check of ${mspId}`,
          onClick: () => {
            window.location.hash = haCheckHref({ console: component.console, mspId }).slice(1);
          },
        },
      ]
    : [];
  const items: MenuItem[] = [
    ...peerItems,
    ...checkItems,
    { label: "Export to library", onClick: () => void ui.exportToLibrary(component) },
    { label: "Save file…", onClick: () => void ui.saveFile(component) },
    ...ui.consoles
      .filter((c) => c.name !== component.console)
      .map((c) => ({
        label: `Copy to ${c.name}`,
        onClick: () => void ui.copy(component.console, c.name, [component]),
      })),
  ];
  return <TileMenu label={`Actions for ${component.displayName}`} items={items} />;
}
