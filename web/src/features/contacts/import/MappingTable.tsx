import { Select, Table, Text } from "@mantine/core";

import type { FieldDefinition } from "../model";
import type { CsvPreview } from "./csv";
import { targetOptions } from "./targets";

/** Each column with its first values and the contact field it fills. */
export function MappingTable({
  preview,
  fields,
  mapping,
  errors,
  onChange,
}: {
  preview: CsvPreview;
  fields: FieldDefinition[];
  mapping: Record<string, string>;
  errors: Record<string, string>;
  onChange: (column: string, target: string) => void;
}) {
  const options = targetOptions(fields);
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" aria-label="Column mapping">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Column</Table.Th>
            <Table.Th>First values</Table.Th>
            <Table.Th w={260}>Imports into</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {preview.header.map((column, index) =>
            column ? (
              <Table.Tr key={column}>
                <Table.Td fw={500}>{column}</Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed" lineClamp={2}>
                    {preview.rows.map((r) => r[index] ?? "").filter(Boolean).slice(0, 3).join(" · ") || "—"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`Column ${column} imports into`}
                    data={options}
                    value={mapping[column] ?? "ignore"}
                    allowDeselect={false}
                    error={errors[column]}
                    onChange={(target) => target && onChange(column, target)}
                  />
                </Table.Td>
              </Table.Tr>
            ) : null,
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function PreviewTable({ preview }: { preview: CsvPreview }) {
  return (
    <Table.ScrollContainer minWidth={500}>
      <Table striped withTableBorder fz="sm" aria-label="File preview">
        <Table.Thead>
          <Table.Tr>
            {preview.header.map((h, i) => (
              <Table.Th key={i}>{h || `(column ${i + 1})`}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {preview.rows.map((row, r) => (
            <Table.Tr key={r}>
              {preview.header.map((_, i) => (
                <Table.Td key={i}>{row[i] ?? ""}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
