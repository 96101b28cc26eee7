import { ActionIcon, Group, Slider, Stack, Text, Tooltip } from "@mantine/core";
import { IconPlayerPause, IconPlayerPlay, IconPlayerSkipBack, IconPlayerSkipForward, IconPlayerTrackNext, IconPlayerTrackPrev } from "@tabler/icons-react";
import { useEffect } from "react";

// The replay's transport: a slider over the log's events (arrow keys move it one step) and
// buttons to step, jump to either end, and play the run back.

const PLAY_MS = 800;

interface Props {
  count: number;
  position: number;
  playing: boolean;
  describe: (position: number) => string;
  onPosition: (position: number) => void;
  onPlaying: (playing: boolean) => void;
}

function Control({ label, onClick, disabled, children }: { label: string; onClick: () => void; disabled?: boolean; children: React.ReactNode }) {
  return (
    <Tooltip label={label} openDelay={400}>
      <ActionIcon variant="default" size="md" aria-label={label} onClick={onClick} disabled={disabled}>
        {children}
      </ActionIcon>
    </Tooltip>
  );
}

export function ReplayScrubber({ count, position, playing, describe, onPosition, onPlaying }: Props) {
  const last = Math.max(0, count - 1);
  const atEnd = position >= last;

  useEffect(() => {
    if (!playing) return;
    if (atEnd) {
      onPlaying(false);
      return;
    }
    const timer = setTimeout(() => onPosition(position + 1), PLAY_MS);
    return () => clearTimeout(timer);
  }, [playing, atEnd, position, onPosition, onPlaying]);

  const move = (to: number) => {
    onPlaying(false);
    onPosition(Math.max(0, Math.min(last, to)));
  };

  return (
    <Stack gap={6}>
      <Slider
        min={0}
        max={last}
        step={1}
        value={Math.min(position, last)}
        onChange={move}
        disabled={count === 0}
        thumbLabel="Replay position"
        label={(v) => `Step ${v + 1}`}
        thumbValueText={(v) => `Step ${v + 1} of ${count}: ${describe(v)}`}
      />
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap={4} wrap="nowrap">
          <Control label="First step" onClick={() => move(0)} disabled={position === 0}>
            <IconPlayerSkipBack size={16} />
          </Control>
          <Control label="Previous step" onClick={() => move(position - 1)} disabled={position === 0}>
            <IconPlayerTrackPrev size={16} />
          </Control>
          {playing ? (
            <Control label="Pause" onClick={() => onPlaying(false)}>
              <IconPlayerPause size={16} />
            </Control>
          ) : (
            <Control
              label="Play"
              onClick={() => {
                if (atEnd) onPosition(0);
                onPlaying(true);
              }}
              disabled={count < 2}
            >
              <IconPlayerPlay size={16} />
            </Control>
          )}
          <Control label="Next step" onClick={() => move(position + 1)} disabled={atEnd}>
            <IconPlayerTrackNext size={16} />
          </Control>
          <Control label="Last step" onClick={() => move(last)} disabled={atEnd}>
            <IconPlayerSkipForward size={16} />
          </Control>
        </Group>
        <Text size="xs" c="dimmed" ta="right" aria-live="polite" data-testid="replay-position">
          {count === 0 ? "No steps" : `Step ${position + 1} of ${count}`}
        </Text>
      </Group>
      {count > 0 && (
        <Text size="xs" truncate>
          {describe(position)}
        </Text>
      )}
    </Stack>
  );
}
