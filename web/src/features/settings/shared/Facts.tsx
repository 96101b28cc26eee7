import { DataList } from "@mantine/core";
import type { ReactNode } from "react";

/** Label–value pairs (a description list). */
export function Facts({ items }: { items: { label: string; value: ReactNode }[] }) {
  return (
    <DataList labelWidth={160}>
      {items.map((item) => (
        <DataList.Item key={item.label}>
          <DataList.ItemLabel>{item.label}</DataList.ItemLabel>
          <DataList.ItemValue>{item.value}</DataList.ItemValue>
        </DataList.Item>
      ))}
    </DataList>
  );
}
