// Where pages get their lists from: the local library (loaded at startup with AppInfo and
// Settings, re-fetched after every import or removal), after any base items (the mock build's
// demo tiles).
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
} from "react";
import { libraryList } from "../api";
import type { LibraryItem } from "../bindings/LibraryItem";
import { libraryToWorkspace, mergeWorkspace } from "./library";
import { EMPTY_WORKSPACE, type WorkspaceData } from "./model";

const BaseContext = createContext<WorkspaceData>(EMPTY_WORKSPACE);
const WorkspaceContext = createContext<WorkspaceData | null>(null);

export interface Library {
  /** Every artifact, in the backend's order. */
  items: LibraryItem[];
  /** Asks `library_list` again; rejects with the IPC error (the caller shows it). */
  refresh: () => Promise<void>;
}

const LibraryContext = createContext<Library>({ items: [], refresh: async () => {} });

/** Items shown before the library's (main.tsx passes the mock's demo tiles). */
export function WorkspaceDataProvider(props: { value: WorkspaceData; children: ReactNode }) {
  return <BaseContext.Provider value={props.value}>{props.children}</BaseContext.Provider>;
}

/** Holds the library, starting from what the boot request returned. */
export function LibraryProvider(props: { initial: LibraryItem[]; children: ReactNode }) {
  const base = useContext(BaseContext);
  const [items, setItems] = useState<LibraryItem[]>(props.initial);
  // Only the answer to the latest request counts (an older, slower one must not win).
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    const next = await libraryList();
    if (mine === generation.current) setItems(next);
  }, []);

  const library = useMemo(() => ({ items, refresh }), [items, refresh]);
  const data = useMemo(() => mergeWorkspace(base, libraryToWorkspace(items)), [base, items]);

  return (
    <LibraryContext.Provider value={library}>
      <WorkspaceContext.Provider value={data}>{props.children}</WorkspaceContext.Provider>
    </LibraryContext.Provider>
  );
}

export function useWorkspaceData(): WorkspaceData {
  const base = useContext(BaseContext);
  return useContext(WorkspaceContext) ?? base;
}

export function useLibrary(): Library {
  return useContext(LibraryContext);
}
