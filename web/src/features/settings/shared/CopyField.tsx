import { ActionIcon, CopyButton, TextInput, Tooltip, type TextInputProps } from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";

/** A read-only value (a URL, a secret) with a button that copies it. */
export function CopyField({ label, value, ...rest }: { label: string; value: string } & TextInputProps) {
  return (
    <TextInput
      label={label}
      value={value}
      readOnly
      onFocus={(event) => event.currentTarget.select()}
      styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
      rightSection={
        <CopyButton value={value} timeout={1500}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? "Copied" : "Copy"} withArrow>
              <ActionIcon
                variant="subtle"
                color={copied ? "teal" : "gray"}
                onClick={copy}
                aria-label={`Copy ${label.toLowerCase()}`}
              >
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      }
      {...rest}
    />
  );
}
