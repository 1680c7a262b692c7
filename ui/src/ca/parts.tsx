// Small pieces of the CA page: an error with its sentence and fix, a load-once hook, and the
// segmented "A | B" switch of the forms.
import { InlineNotification } from "@carbon/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { describeError } from "../errors";

export function CaErrorNotice(props: { error: unknown; context?: string; id?: string }) {
  const { t } = useTranslation("ca");
  const d = describeError(props.error);
  return (
    <InlineNotification
      id={props.id}
      className="fhd-ca-error"
      data-testid="ca-error"
      data-code={d.code}
      kind="error"
      lowContrast
      hideCloseButton
      title={
        props.context
          ? t("error.title", { context: props.context, sentence: d.sentence })
          : d.sentence
      }
      statusIconDescription={t("error.icon")}
      subtitle={[d.fix, d.detail !== d.sentence ? d.detail : ""].filter(Boolean).join(" ")}
    />
  );
}

export type Load<T> =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "done"; data: T }
  | { state: "failed"; error: unknown };

/** Runs `fetch` whenever `key` changes (null: nothing to fetch); only the latest answer counts. */
export function useLoad<T>(key: string | null, fetch: () => Promise<T>): Load<T> {
  const [load, setLoad] = useState<Load<T>>({ state: "idle" });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names everything `fetch` reads.
  useEffect(() => {
    if (key === null) {
      setLoad({ state: "idle" });
      return;
    }
    let live = true;
    setLoad({ state: "loading" });
    fetch().then(
      (data) => live && setLoad({ state: "done", data }),
      (error: unknown) => live && setLoad({ state: "failed", error }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return load;
}

export function Segmented<V extends string>(props: {
  name: string;
  label: string;
  value: V;
  options: readonly (readonly [V, string])[];
  onChange: (value: V) => void;
}) {
  return (
    <div className="fhd-ca-seg" role="radiogroup" aria-label={props.label}>
      {props.options.map(([value, text]) => (
        <label
          key={value}
          className={`fhd-ca-seg__option${props.value === value ? " fhd-ca-seg__option--on" : ""}`}
        >
          <input
            type="radio"
            name={props.name}
            value={value}
            checked={props.value === value}
            onChange={() => props.onChange(value)}
          />
          {text}
        </label>
      ))}
    </div>
  );
}
