import { create } from "zustand";
import { persist } from "zustand/middleware";

import { useSession } from "../../auth/session";
import type { TourRecord } from "./progress";

// One small record per user in localStorage: the server cannot know that someone skipped the
// tour or confirmed their workspace's name, and several people may share a browser.

interface TourState {
  records: Record<string, TourRecord>;
  update: (userId: string, change: Partial<TourRecord>) => void;
}

export const useTourStore = create<TourState>()(
  persist(
    (set) => ({
      records: {},
      update: (userId, change) =>
        set((s) => ({ records: { ...s.records, [userId]: { ...s.records[userId], ...change } } })),
    }),
    { name: "parley.onboarding" },
  ),
);

const EMPTY: TourRecord = {};

/** The signed-in user's record and a function to change it. */
export function useTourRecord(): [TourRecord, (change: Partial<TourRecord>) => void] {
  const userId = useSession((s) => s.tokens?.user_id ?? "");
  const record = useTourStore((s) => s.records[userId] ?? EMPTY);
  const update = useTourStore((s) => s.update);
  return [record, (change) => update(userId, change)];
}
