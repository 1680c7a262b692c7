// The ⋮ menu of a console component's tile: export it into the library, save its file, or copy
// it to another console (the keyboard way of dragging it onto another region's column).
import { useConsolesUi } from "./ConsolesUi";
import type { ComponentRef } from "./logic";
import { type MenuItem, TileMenu } from "./TileMenu";

export function ComponentMenu(props: { component: ComponentRef }) {
  const ui = useConsolesUi();
  const { component } = props;
  const items: MenuItem[] = [
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
