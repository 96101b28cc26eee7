import { Card, SimpleGrid, Skeleton, Text } from "@mantine/core";
import { useEffect } from "react";

import { formatCount, metrics } from "./format";
import type { Dashboard } from "./types";

// The headline figures. The first render with data leaves a performance mark, so the browser
// test can measure first load from navigation start without guessing.
export const READY_MARK = "parley:dashboard-metrics";

export function MetricCards({ data }: { data: Dashboard | undefined }) {
  useEffect(() => {
    if (data && performance.getEntriesByName(READY_MARK).length === 0) performance.mark(READY_MARK);
  }, [data]);

  const items = data ? metrics(data) : null;
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm" aria-label="Key figures" role="list">
      {items
        ? items.map((m) => (
            <Card key={m.key} withBorder padding="md" role="listitem" data-testid={`metric-${m.key}`}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600} id={`metric-${m.key}-label`}>
                {m.label}
              </Text>
              <Text
                fz={28}
                fw={700}
                lh={1.2}
                aria-labelledby={`metric-${m.key}-label`}
                data-value={m.value}
                c={m.key === "failed" && m.value > 0 ? "red" : undefined}
              >
                {formatCount(m.value)}
              </Text>
              <Text size="xs" c="dimmed" mih={18}>
                {m.note ?? " "}
              </Text>
            </Card>
          ))
        : Array.from({ length: 6 }, (_, i) => (
            <Card key={i} withBorder padding="md" role="listitem" aria-busy="true">
              <Skeleton h={12} w="50%" mb={10} />
              <Skeleton h={28} w="70%" mb={8} />
              <Skeleton h={10} w="60%" />
            </Card>
          ))}
    </SimpleGrid>
  );
}
