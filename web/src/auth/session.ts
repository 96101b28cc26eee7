import { create } from "zustand";
import { persist } from "zustand/middleware";

// The signed-in session. Tokens live in localStorage so a reload keeps the user signed in; the
// access token is short-lived (15 min) and refreshed on the first 401.
export interface Tokens {
  access_token: string;
  refresh_token: string;
  access_expires_at: string;
  user_id: string;
}

interface SessionState {
  tokens: Tokens | null;
  signIn: (tokens: Tokens) => void;
  signOut: () => void;
}

export const useSession = create<SessionState>()(
  persist(
    (set) => ({
      tokens: null,
      signIn: (tokens) =>
        set({
          tokens: {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            access_expires_at: tokens.access_expires_at,
            user_id: tokens.user_id,
          },
        }),
      signOut: () => set({ tokens: null }),
    }),
    { name: "parley.session" },
  ),
);
