import type { components } from "../../../api/schema";
import type { FlowGraph, FlowProblem } from "../../../api/types";

// Short names for the flow definition's parts, as the builder uses them.
type S = components["schemas"];
export type { FlowGraph, FlowProblem };
export type FlowNode = FlowGraph["nodes"][number];
export type NodeType = FlowNode["type"];
export type FlowEdge = S["Edge"];
export type FlowVariable = S["Variable"];
export type FlowTrigger = FlowGraph["triggers"][number];
export type TriggerKind = FlowTrigger["kind"];
export type MessageContent = S["SendMessageNode"]["message"];
export type MessageKind = MessageContent["kind"];
export type NodeOf<T extends NodeType> = Extract<FlowNode, { type: T }>;
export type XY = S["Position"];
