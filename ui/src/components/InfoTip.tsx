// The (i) next to a section title: click or press Enter to read what the section is for; Escape,
// a second click or a click elsewhere closes it. Looks like Carbon's Toggletip, built without
// its popover machinery so the start page renders quickly (see HoverTip).
import { Information } from "@carbon/icons-react";
import { useEffect, useId, useRef, useState } from "react";

export function InfoTip(props: { label: string; children: string }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("mousedown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <span ref={root} className={`fhd-infotip${open ? " fhd-infotip--open" : ""}`}>
      <button
        type="button"
        className="fhd-infotip__button"
        aria-label={props.label}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        <Information size={16} aria-hidden="true" />
      </button>
      <span id={id} className="fhd-infotip__content" role="note" hidden={!open}>
        <span className="fhd-infotip__text">{props.children}</span>
      </span>
    </span>
  );
}
