import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: import.meta.dirname + "/" },
      // `server-only` throws outside a React Server Components bundle; in tests and scripts it is a no-op
      { find: /^server-only$/, replacement: path.resolve(import.meta.dirname, "lib/testing/server-only-stub.ts") },
    ],
  },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts", "components/**/*.test.ts", "recipes/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ["lib/testing/setup.ts"],
  },
});
