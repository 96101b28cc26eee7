import { AreaChart } from "@mantine/charts";
import { Card, Text, Title } from "@mantine/core";
import { useMemo } from "react";

import { chartPoints } from "./format";
import type { Dashboard } from "./types";

const SERIES = [
  { name: "sent", label: "Sent", color: "blue.6" },
  { name: "delivered", label: "Delivered", color: "teal.6" },
  { name: "read", label: "Read", color: "violet.5" },
  { name: "replies", label: "Replies", color: "yellow.6" },
  { name: "failed", label: "Failed", color: "red.6" },
];

export function MessagesChart({ data }: { data: Dashboard }) {
  const points = useMemo(() => chartPoints(data.series, data.period.hours), [data]);
  const daily = data.period.hours > 48;
  return (
    <Card withBorder padding="md">
      <Title order={3} size="h5" mb={4}>
        Messages over time
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        {daily ? "Per day" : "Per hour"}, UTC
      </Text>
      <AreaChart
        h={260}
        data={points}
        dataKey="label"
        series={SERIES}
        curveType="linear"
        yAxisProps={{ allowDecimals: false }}
        withLegend
        legendProps={{ verticalAlign: "bottom" }}
        withDots={false}
        fillOpacity={0.15}
        tickLine="none"
        gridAxis="y"
        aria-label="Messages over time chart"
      />
    </Card>
  );
}
