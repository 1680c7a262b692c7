// View models of what the pages show. Library artifacts (imported console files) become these
// items in `library.ts`; the mock build can also serve demo items in every status.
import type { LibraryItem } from "../bindings/LibraryItem";

/** Status of a node as the console computes it (console-api.md §7.4). */
export type NodeStatus = "running" | "stopped" | "partial" | "undetectable" | "unknown" | "pending";

/** A peer, CA or ordering service known to the workspace. */
export interface NodeItem {
  id: string;
  displayName: string;
  /** Peers and ordering services only. */
  mspId?: string;
  /** Where it runs, e.g. a console's region name; "-" when unknown. */
  location: string;
  /** `api_url` of the node (for CAs: the CA endpoint URL). */
  url: string;
  /** Live status; absent for a file in the library, which runs nowhere we can see. */
  status?: NodeStatus;
  /** Replaces the status label, e.g. a deployer condition while pending. */
  statusDetail?: string;
  /** Imported from a JSON file rather than deployed by a console. */
  imported: boolean;
  /** A certificate expires within 30 days. */
  certExpiresSoon?: boolean;
  /** Ordering nodes of an ordering service (shown when more than one). */
  nodes?: number;
  /** The library artifact this tile stands for (opens its detail panel). */
  library?: LibraryItem;
}

/** An MSP definition (organization). */
export interface MspItem {
  id: string;
  displayName: string;
  mspId: string;
  nodeOuEnabled: boolean;
  certExpiresSoon?: boolean;
  library?: LibraryItem;
}

/** A wallet identity. */
export interface IdentityItem {
  id: string;
  name: string;
  /** ISO date of the enrollment certificate's expiry. */
  expiresAt?: string;
  /** Nodes this identity is associated with, by display name. */
  connectedTo: string[];
  /** Display names of the CAs that issued the certificate. */
  caNames: string[];
  /** Issued by a TLS CA (the issuer name ends with `-tlsca`). */
  tlsCa?: boolean;
  certExpiresSoon?: boolean;
  library?: LibraryItem;
}

/** A Fabric Operations Console added as a region. */
export interface ConsoleItem {
  id: string;
  displayName: string;
  url: string;
  status: NodeStatus;
}

/** A high-availability plan. */
export interface HaPlanItem {
  id: string;
  name: string;
  summary: string;
}

/** Everything the pages list. */
export interface WorkspaceData {
  consoles: ConsoleItem[];
  peers: NodeItem[];
  cas: NodeItem[];
  orderers: NodeItem[];
  msps: MspItem[];
  identities: IdentityItem[];
  haPlans: HaPlanItem[];
}

export const EMPTY_WORKSPACE: WorkspaceData = {
  consoles: [],
  peers: [],
  cas: [],
  orderers: [],
  msps: [],
  identities: [],
  haPlans: [],
};
