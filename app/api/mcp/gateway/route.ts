// POST /api/mcp/gateway - the MCP gateway over Streamable HTTP, for agent CLIs (codex); bearer token per running step
import { env } from "@/lib/env";
import { isAllowedHost } from "@/lib/http/guard";
import { errorToResponse, forbidden } from "@/lib/http/response";
import { gatewayStepForToken } from "@/lib/engine/gateway-tokens";
import { handleGatewayRequest } from "@/lib/mcp/gateway-http";

export const dynamic = "force-dynamic";

// Not apiRoute: no session or API token here, only the step's own token, which the engine's lookup checks.
async function handle(req: Request): Promise<Response> {
  try {
    if (!isAllowedHost(req.headers.get("host"), env().SWITCHBOARD_URL)) return forbidden("Host not allowed");
    return await handleGatewayRequest(req, gatewayStepForToken);
  } catch (error) {
    return errorToResponse(error);
  }
}

export const POST = handle;
export const GET = handle;
export const DELETE = handle;
