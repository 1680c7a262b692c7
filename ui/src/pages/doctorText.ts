// A diagnostic check (`fabric-ha doctor`) in the window's language: its name from its id and
// what it found from its code and params (`pages:settings.doctor.*`); the core's English name
// and detail when the catalog lacks them.
import type { DoctorCheck } from "../bindings/DoctorCheck";
import { i18n, joinList } from "../i18n";

const msg = (key: string, options?: Record<string, unknown>): string =>
  i18n.t(`settings.doctor.${key}`, { ns: "pages", ...options });

const has = (key: string): boolean => i18n.exists(`settings.doctor.${key}`, { ns: "pages" });

/** The check's name. */
export function doctorName(check: DoctorCheck): string {
  return has(`name.${check.id}`) ? msg(`name.${check.id}`) : check.name;
}

/** A comma-separated param as a list. */
function items(value: string | undefined): string[] {
  return value ? value.split(", ") : [];
}

/** The params of the Fabric programs check as its sentences show them: each program with its
 * version (or "no version command"), the config and ccaas builder folders or their absence,
 * and the optional parts of the "missing" sentence. */
function fabricParams(params: DoctorCheck["params"]): Record<string, string> {
  const unversioned = items(params.unversioned);
  const programs = joinList(
    items(params.programs).map((p) =>
      unversioned.includes(p) ? msg("part.noVersion", { program: p }) : p,
    ),
  );
  return {
    ...params,
    programs,
    dirs: joinList(items(params.dirs)),
    missing: joinList(items(params.missing)),
    config: params.config ? msg("part.config", { dir: params.config }) : msg("part.noConfig"),
    ccaas: params.ccaas ? msg("part.ccaas", { dir: params.ccaas }) : msg("part.noCcaas"),
    found: programs ? msg("part.found", { programs }) : "",
  };
}

/** What the check found. */
export function doctorDetail(check: DoctorCheck): string {
  const key = `detail.${check.code}`;
  if (!has(key)) return check.detail;
  switch (check.code) {
    case "fabricBinsOk":
    case "fabricBinsBroken":
      return msg(key, fabricParams(check.params));
    case "fabricBinsMissing": {
      const broken = check.params.broken;
      return msg(key, {
        ...fabricParams(check.params),
        broken: broken ? msg("part.broken", { broken }) : "",
      });
    }
    case "databaseFound": {
      const secrets = check.params.secrets ?? "";
      return msg(key, {
        ...check.params,
        secrets: has(`secrets.${secrets}`) ? msg(`secrets.${secrets}`) : secrets,
      });
    }
    default:
      return msg(key, check.params);
  }
}
