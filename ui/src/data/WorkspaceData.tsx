// Where pages get their lists from. Today nothing fills the workspace, so every hook returns
// an empty list; features that import or fetch items will provide them here.
import { createContext, type ReactNode, useContext } from "react";
import { EMPTY_WORKSPACE, type WorkspaceData } from "./model";

const WorkspaceContext = createContext<WorkspaceData>(EMPTY_WORKSPACE);

export function WorkspaceDataProvider(props: { value: WorkspaceData; children: ReactNode }) {
  return (
    <WorkspaceContext.Provider value={props.value}>{props.children}</WorkspaceContext.Provider>
  );
}

export function useWorkspaceData(): WorkspaceData {
  return useContext(WorkspaceContext);
}
