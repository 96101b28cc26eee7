import type { WizardState } from "../definition";

export interface StepProps {
  workspaceId: string;
  state: WizardState;
  set: (change: Partial<WizardState>) => void;
}
