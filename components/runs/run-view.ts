// A run as the browser holds it (GET /api/runs/<id>, dates as strings): the run page and its parts (the
// live timeline, the agent transcript, the rerun form) share this type without importing each other.
import type { Serialized } from "@/components/serialized";
import type { RunDetail } from "@/lib/engine/run-detail";

export type RunView = Serialized<RunDetail>;
