// A model API's failure as the step shows it: the service, the HTTP status and the API's own message,
// bounded, with nothing that could carry a key (request headers are never part of it).
import { AgentRunError } from "@/lib/agents/runner";

const MESSAGE_MAX = 500;

function apiMessage(error: unknown): string {
  if (error && typeof error === "object") {
    const body = (error as { error?: unknown }).error;
    if (body && typeof body === "object") {
      const inner = (body as { error?: { message?: unknown }; message?: unknown }).error?.message ?? (body as { message?: unknown }).message;
      if (typeof inner === "string" && inner) return inner;
    }
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

export function modelApiError(service: string, error: unknown, status?: number): AgentRunError {
  let message = apiMessage(error).replace(/\s+/g, " ").trim();
  // keys sometimes appear in a provider's "invalid key sk-..." message; keep only their first characters
  message = message.replace(/\b(sk-[A-Za-z0-9_-]{4})[A-Za-z0-9_-]+/g, "$1…");
  if (message.length > MESSAGE_MAX) message = `${message.slice(0, MESSAGE_MAX)}…`;
  const code = status ? ` (HTTP ${status})` : "";
  return new AgentRunError(`The ${service} API failed${code}: ${message || "no message"}`);
}
