// A tile's overflow menu (⋮): a button that opens a list of actions in a Carbon popover. Arrow
// keys move between items, Escape or a click outside closes it and gives the focus back.
import { OverflowMenuVertical } from "@carbon/icons-react";
import { Popover, PopoverContent } from "@carbon/react";
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";

export interface MenuItem {
  label: string;
  onClick: () => void;
  disabled?: boolean;
}

export function TileMenu(props: { label: string; items: MenuItem[] }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    if (open) list.current?.querySelector<HTMLButtonElement>("button:not(:disabled)")?.focus();
  }, [open]);

  const close = (focus: boolean) => {
    setOpen(false);
    if (focus) button.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [
      ...(list.current?.querySelectorAll<HTMLButtonElement>("button:not(:disabled)") ?? []),
    ];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => buttons[(to + buttons.length) % buttons.length]?.focus();
    if (event.key === "ArrowDown") move(at + 1);
    else if (event.key === "ArrowUp") move(at - 1);
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(buttons.length - 1);
    else if (event.key === "Escape" || event.key === "Tab") {
      close(event.key === "Escape");
      if (event.key === "Escape") event.stopPropagation();
      return;
    } else return;
    event.preventDefault();
  };

  return (
    <Popover
      open={open}
      align="bottom-end"
      caret={false}
      className="fhd-menu"
      onRequestClose={() => close(false)}
    >
      <button
        ref={button}
        type="button"
        className="fhd-menu__button"
        aria-label={props.label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={(event) => {
          event.stopPropagation();
          setOpen((o) => !o);
        }}
      >
        <OverflowMenuVertical size={16} aria-hidden="true" />
      </button>
      <PopoverContent className="fhd-menu__content">
        {open ? (
          <div
            ref={list}
            id={id}
            role="menu"
            aria-label={props.label}
            className="fhd-menu__list"
            onKeyDown={onKeyDown}
          >
            {props.items.map((item) => (
              <button
                key={item.label}
                type="button"
                role="menuitem"
                className="fhd-menu__item"
                disabled={item.disabled}
                onClick={(event) => {
                  event.stopPropagation();
                  close(true);
                  item.onClick();
                }}
              >
                {item.label}
              </button>
            ))}
          </div>
        ) : null}
      </PopoverContent>
    </Popover>
  );
}
