// What the HA engine says about a plan in the window's language: why a step is blocked, how a
// step was found already done, what a preview check found, why a run stopped and what to do. The catalog's sentence for the code
// (`plans:reason.<code>`) with its params (names, ids, URLs and channels untranslated); the
// engine's English words when the catalog lacks the code.
import type { PlanCheck } from "../bindings/PlanCheck";
import type { PlanFailure } from "../bindings/PlanFailure";
import type { PlanOpenStep } from "../bindings/PlanOpenStep";
import type { PlanPeerReport } from "../bindings/PlanPeerReport";
import type { PlanPreviewStatus } from "../bindings/PlanPreviewStatus";
import { differenceText, verdictWords } from "../consoles/logic";
import { ERROR_TEXT } from "../errors";
import { i18n, joinList } from "../i18n";

type Params = Partial<Record<string, string>>;

const has = (key: string): boolean => i18n.exists(`reason.${key}`, { ns: "plans" });

const msg = (key: string, options?: Record<string, unknown>): string =>
  i18n.t(`reason.${key}`, { ns: "plans", ...options });

/** The params a quoted reason carries under `prefix.`, without the prefix. */
function quotedParams(params: Params, prefix: string): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(params)) {
    if (name.startsWith(`${prefix}.`)) out[name.slice(prefix.length + 1)] = value;
  }
  return out;
}

/** A comma-separated param as a list of quoted names. */
function quotedList(value: string | undefined): string {
  const items = value ? value.split(", ") : [];
  return joinList(items.map((item) => msg("quoted", { value: item })));
}

/** The sentence of `code` with `params`, or `english` when the catalog lacks the code. */
export function reasonText(code: string, params: Params, english: string): string {
  if (!has(code)) return english;
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && !name.includes(".")) shown[name] = value;
  }
  if (params.causeCode !== undefined) {
    shown.cause = reasonText(params.causeCode, quotedParams(params, "cause"), params.cause ?? "");
  }
  switch (code) {
    case "consoleVerdict":
    case "consoleCheck": {
      const words = verdictWords(params.verdict ?? "", params.sentence ?? "", params.fix ?? null);
      return msg(code, { ...shown, sentence: words.sentence, fix: words.fix ?? "" }).trimEnd();
    }
    case "error": {
      // In English the error's own words say it all; another language puts the sentence of
      // its code before them.
      const errorCode = params.errorCode ?? "";
      if (i18n.language === "en" || !Object.hasOwn(ERROR_TEXT, errorCode)) return msg(code, shown);
      const known = ERROR_TEXT[errorCode as keyof typeof ERROR_TEXT];
      // The sentence's own full stop would end the line before the error's words.
      return msg("errorKnown", { ...shown, sentence: known.sentence.replace(/[.。]$/, "") });
    }
    case "presentWithOtherCerts": {
      const paths = params.paths ? params.paths.split(", ") : [];
      if (paths.length === 0) return msg(code, shown);
      const fields = paths.map((path) => msg("certField", { field: differenceText([path]), path }));
      return msg(code, { ...shown, fields: joinList(fields) });
    }
    case "channelNotJoined": {
      // In English the engine's answers as they are; another language words the peers that
      // have not joined and keeps the failed calls' own words.
      if (i18n.language === "en") return msg(code, shown);
      const parts = [
        ...(params.notJoined ? [msg("notJoined", { peers: quotedList(params.notJoined) })] : []),
        ...(params.failed ? [params.failed] : []),
      ];
      const answers = parts.length > 0 ? parts.join(msg("clauseSeparator")) : shown.answers;
      return msg(code, { ...shown, answers });
    }
    case "noPackageFor":
      return msg(code, { ...shown, chaincodes: quotedList(params.chaincodes) });
    case "lacksAdminOu":
      return msg(code, {
        ...shown,
        ous: params.ous ? msg("ous", { list: quotedList(params.ous) }) : msg("noOus"),
      });
    default:
      return msg(code, shown);
  }
}

/** Why a blocked step is blocked, or how a done step was found, in the window's language;
 * null for a step that will act. */
export function verdictText(verdict: PlanPreviewStatus): string | null {
  switch (verdict.status) {
    case "will_do":
      return null;
    case "already_done":
      return reasonText(verdict.code, verdict.params, verdict.detail);
    case "blocked":
      return reasonText(verdict.code, verdict.params, verdict.reason);
  }
}

/** What a preview check found, in the window's language. */
export function checkDetail(check: PlanCheck): string {
  return reasonText(check.code, check.params, check.detail);
}

/** Why a run stopped on a step. */
export function failureText(failure: PlanFailure): string {
  return reasonText(failure.reason, failure.params, failure.message);
}

/** A report's open step's last error: worded from its reason, or the stored English words of a
 * journal from before reasons were kept. */
export function openStepError(step: Pick<PlanOpenStep, "error" | "reason" | "params">): string {
  return step.reason ? reasonText(step.reason, step.params, step.error ?? "") : (step.error ?? "");
}

/** What to do about a run that stopped: in English the engine's words; in another language
 * the catalog's for the engine's code (`plans:failureFix.<code>`, the CA's codes as `ca`) or
 * for the console's or node's error code, and the engine's words for a code neither knows. */
export function failureFix(failure: PlanFailure): string {
  if (i18n.language === "en") return failure.fix;
  const code = failure.code.startsWith("ca_") ? "ca" : failure.code;
  if (i18n.exists(`failureFix.${code}`, { ns: "plans" })) {
    return i18n.t(`failureFix.${code}`, { ns: "plans" });
  }
  if (Object.hasOwn(ERROR_TEXT, code)) return ERROR_TEXT[code as keyof typeof ERROR_TEXT].fix;
  return failure.fix;
}

/** A region's chaincode-as-a-service warnings, once each: worded from the package and its
 * server; a report from before they were kept (only the English `warnings`) says those. */
export function ccServerWarnings(peers: PlanPeerReport[]): string[] {
  const servers = peers.flatMap((p) => p.ccaas);
  if (servers.length === 0) return [...new Set(peers.flatMap((p) => p.warnings))];
  const text = servers.map((s) =>
    i18n.t("plans:report.ccServerText", {
      packageId: s.package_id,
      address: s.address ?? i18n.t("plans:report.ccServerNoAddress"),
    }),
  );
  return [...new Set(text)];
}
