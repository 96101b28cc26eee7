import { BarChart } from "@mantine/charts";
import { Card, Text, Title } from "@mantine/core";

import { formatRate } from "./format";
import type { Dashboard } from "./types";

export function FlowsChart({ data }: { data: Dashboard }) {
  const rows = data.flows.map((f) => ({
    name: f.name || f.flow_id,
    Started: f.started,
    Completed: f.completed,
    rate: f.conversion_rate,
  }));
  return (
    <Card withBorder padding="md">
      <Title order={3} size="h5" mb={4}>
        Conversions per flow
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        Executions started and completed in the period
      </Text>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed" py="xl" ta="center">
          No flow ran in this period. Publish a flow and message your number to see it here.
        </Text>
      ) : (
        <>
          <BarChart
            h={Math.max(160, 48 * rows.length)}
            data={rows}
            dataKey="name"
            orientation="vertical"
            yAxisProps={{ width: 110 }}
            xAxisProps={{ allowDecimals: false }}
            series={[
              { name: "Started", color: "blue.6" },
              { name: "Completed", color: "teal.6" },
            ]}
            withLegend
            gridAxis="x"
            aria-label="Conversions per flow chart"
          />
          <Text size="xs" c="dimmed" mt="xs">
            {rows.map((r) => `${r.name}: ${formatRate(r.rate)} converted`).join(" · ")}
          </Text>
        </>
      )}
    </Card>
  );
}
