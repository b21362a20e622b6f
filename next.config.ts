import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // native modules and spawned MCP servers stay plain Node requires, never bundled
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@modelcontextprotocol/sdk", "@anthropic-ai/claude-agent-sdk", "@anthropic-ai/sdk", "openai", "web-push"],
  experimental: {
    // a draft body may be up to 2 MB; server actions past this limit get a clear error
    serverActions: { bodySizeLimit: "3mb" },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
