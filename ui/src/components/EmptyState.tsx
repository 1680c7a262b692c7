// What a section shows before it has items: what will appear here and how to get there.
import type { ReactNode } from "react";

export function EmptyState(props: { title: string; hint: ReactNode; icon?: ReactNode }) {
  return (
    <div className="fhd-empty" role="note">
      {props.icon ? <div className="fhd-empty__icon">{props.icon}</div> : null}
      <div className="fhd-empty__text">
        <p className="fhd-empty__title">{props.title}</p>
        <p className="fhd-empty__hint">{props.hint}</p>
      </div>
    </div>
  );
}
