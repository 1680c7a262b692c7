import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PlanFinished } from "../bindings/PlanFinished";

type Handler = (f: PlanFinished) => void;
const api = vi.hoisted(() => ({
  handlers: [] as ((f: unknown) => void)[],
  unlistened: 0,
  resume: (): Promise<string[]> => Promise.resolve([]),
}));
vi.mock("../api", () => ({
  onPlanFinished: async (h: (f: unknown) => void) => {
    api.handlers.push(h);
    return () => {
      api.unlistened += 1;
      api.handlers = api.handlers.filter((x) => x !== h);
    };
  },
  planResumeInterrupted: () => api.resume(),
}));

import { resumeInterruptedPlans } from "./resume";

const finish = (f: PlanFinished) => {
  for (const h of [...api.handlers]) (h as Handler)(f);
};
const outcome = (plan: string, completed: boolean) => ({
  plan,
  completed,
  cancelled: false,
  regions: [],
});

describe("resumeInterruptedPlans", () => {
  beforeEach(() => {
    api.handlers = [];
    api.unlistened = 0;
  });

  it("says which plans resumed and how each run ended, then stops listening", async () => {
    api.resume = () => Promise.resolve(["east", "west"]);
    const notify = vi.fn();
    const notifyError = vi.fn();
    expect(await resumeInterruptedPlans(notify, notifyError)).toEqual(["east", "west"]);
    expect(notify.mock.calls.map(([t]) => [t.kind, t.title])).toEqual([
      ["info", 'Resuming plan "east"'],
      ["info", 'Resuming plan "west"'],
    ]);
    // A plan the user runs by hand meanwhile is not this module's business.
    finish({ plan: "other", outcome: outcome("other", true), error: null });
    finish({ plan: "east", outcome: outcome("east", true), error: null });
    expect(api.unlistened).toBe(0);
    const busy = { code: "plan_busy" as const, message: "busy", details: null };
    finish({ plan: "west", outcome: null, error: busy });
    expect(notify.mock.calls.slice(2).map(([t]) => [t.kind, t.title])).toEqual([
      ["success", 'Plan "east" completed'],
    ]);
    expect(notifyError).toHaveBeenCalledWith(busy, 'The resumed plan "west" stopped');
    expect(api.unlistened).toBe(1);
  });

  it("does not miss a run that ends before the resume call returns", async () => {
    api.resume = () => {
      finish({ plan: "east", outcome: outcome("east", false), error: null });
      return Promise.resolve(["east"]);
    };
    const notify = vi.fn();
    await resumeInterruptedPlans(notify, vi.fn());
    expect(notify.mock.calls.map(([t]) => [t.kind, t.title])).toEqual([
      ["info", 'Resuming plan "east"'],
      ["warning", 'Plan "east" stopped before the end'],
    ]);
    expect(api.unlistened).toBe(1);
  });

  it("with nothing interrupted it says nothing; a failure is shown", async () => {
    api.resume = () => Promise.resolve([]);
    const notify = vi.fn();
    expect(await resumeInterruptedPlans(notify, vi.fn())).toEqual([]);
    expect(notify).not.toHaveBeenCalled();
    expect(api.unlistened).toBe(1);
    const failure = { code: "Locked", message: "locked", details: null };
    api.resume = () => Promise.reject(failure);
    const notifyError = vi.fn();
    expect(await resumeInterruptedPlans(notify, notifyError)).toEqual([]);
    expect(notifyError).toHaveBeenCalledWith(failure, "Interrupted plans could not be resumed");
    expect(api.unlistened).toBe(2);
  });
});
