import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";

/** The gateway's role table; it changes only with a new gateway release, so it is kept for long. */
export function useRoleTable() {
  return useQuery({
    queryKey: ["roles"],
    queryFn: async () => unwrap(await api.GET("/api/v1/roles")),
    staleTime: 60 * 60_000,
  });
}
