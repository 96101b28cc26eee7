import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { IconFileInvoice } from "@tabler/icons-react";

import { EmptyState, QueryState } from "../../../components/PageState";
import { formatDate, formatMoney, formatPeriod, INVOICE_STATUS_COLORS } from "./format";
import { useInvoices } from "./queries";

/** Stripe's invoices for the organization, newest first, a page at a time (owners only). */
export function InvoicesTable({ workspaceId }: { workspaceId: string }) {
  const invoices = useInvoices(workspaceId, true);
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Invoices</Title>
        <QueryState query={invoices} loading="Loading invoices…">
          {(data) => {
            const items = data.pages.flatMap((page) => page.items);
            if (items.length === 0)
              return (
                <EmptyState title="No invoices yet" icon={<IconFileInvoice />}>
                  Invoices appear here once a paid plan starts.
                </EmptyState>
              );
            return (
              <>
                <Table.ScrollContainer minWidth={640}>
                  <Table verticalSpacing="xs" aria-label="Invoices">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Number</Table.Th>
                        <Table.Th>Date</Table.Th>
                        <Table.Th>Period</Table.Th>
                        <Table.Th>Amount</Table.Th>
                        <Table.Th>Status</Table.Th>
                        <Table.Th>Links</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {items.map((invoice) => (
                        <Table.Tr key={invoice.invoice_id}>
                          <Table.Td>
                            <Text size="sm" ff="monospace">
                              {invoice.number || invoice.invoice_id}
                            </Text>
                          </Table.Td>
                          <Table.Td>{formatDate(invoice.created)}</Table.Td>
                          <Table.Td>{formatPeriod(invoice.period_start, invoice.period_end)}</Table.Td>
                          <Table.Td>{formatMoney(invoice.status === "paid" ? invoice.amount_paid : invoice.amount_due, invoice.currency)}</Table.Td>
                          <Table.Td>
                            <Badge variant="light" color={INVOICE_STATUS_COLORS[invoice.status] ?? "gray"}>
                              {invoice.status}
                            </Badge>
                          </Table.Td>
                          <Table.Td>
                            <Group gap="sm">
                              {invoice.hosted_invoice_url && (
                                <Anchor href={invoice.hosted_invoice_url} target="_blank" rel="noreferrer" size="sm">
                                  View
                                </Anchor>
                              )}
                              {invoice.invoice_pdf && (
                                <Anchor href={invoice.invoice_pdf} target="_blank" rel="noreferrer" size="sm">
                                  PDF
                                </Anchor>
                              )}
                            </Group>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                {invoices.hasNextPage && (
                  <Button variant="default" onClick={() => invoices.fetchNextPage()} loading={invoices.isFetchingNextPage}>
                    Load more
                  </Button>
                )}
              </>
            );
          }}
        </QueryState>
      </Stack>
    </Paper>
  );
}
