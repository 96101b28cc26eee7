import type { components } from "../../api/schema";

// The dashboard's answer (GET /api/v1/workspaces/{id}/dashboard) under short names.
type S = components["schemas"];
export type Dashboard = S["Dashboard"];
export type MessageFigures = S["MessageFigures"];
export type HourFigures = S["HourFigures"];
export type FlowFigures = S["FlowFigures"];
export type NumberFigures = S["NumberFigures"];
export type AttentionItem = S["AttentionItem"];
export type Severity = AttentionItem["severity"];
export type AttentionPage = AttentionItem["target"]["page"];
