import type { components } from "./schema";

// Short names for the schemas the pages use most.
type S = components["schemas"];
export type FlowSummary = S["FlowSummary"];
export type FlowDetail = S["FlowDetail"];
export type FlowGraph = S["FlowGraph"];
export type FlowProblem = S["FlowProblem"];
export type ExecutionSummary = S["ExecutionSummary"];
export type ExecutionReplay = S["ExecutionReplay"];
export type ChannelView = S["ChannelView"];
