import { Text } from "@mantine/core";

// The sandbox phone: a chat panel where the user plays the customer writing to a sandbox
// number (text, and taps on the bot's buttons and list rows). Used on its own page, beside the
// flow canvas, and in onboarding. Placeholder until it lands.
export interface SandboxPhoneProps {
  workspaceId: string;
  /** the sandbox channel to write to; when omitted the phone offers the workspace's sandbox numbers */
  channelId?: string;
  /** the customer's phone number (E.164); a default test number when omitted */
  customerPhone?: string;
  /** compact layout for side panels */
  compact?: boolean;
}

export function SandboxPhone(_props: SandboxPhoneProps) {
  return <Text c="dimmed">The sandbox phone appears here.</Text>;
}
