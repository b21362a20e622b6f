import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { authSecret } from "@/lib/auth/secret";
import { clientAddress } from "@/lib/auth/client-address";
import { authenticate } from "@/lib/auth/users";
import { env } from "@/lib/env";

const SESSION_MAX_AGE_S = 7 * 24 * 60 * 60;

/** Shown for a throttled sign-in; the login page recognises the prefix. */
export const THROTTLED_PREFIX = "Too many attempts";

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  cached ??= {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const headers = new Headers();
          for (const [k, v] of Object.entries(req.headers ?? {})) if (typeof v === "string") headers.set(k, v);
          const result = await authenticate(credentials, clientAddress(headers, { trustProxy: env().SWITCHBOARD_TRUST_PROXY }));
          if (result.ok) {
            const { id, email, name, sessionVersion } = result.user;
            return { id, email, name, sessionVersion };
          }
          if (result.reason === "throttled") {
            throw new Error(`${THROTTLED_PREFIX}: wait ${Math.ceil((result.waitMs ?? 0) / 1000)} s before trying again`);
          }
          return null;
        },
      }),
    ],
    callbacks: {
      // the role is read from the database on every request (lib/auth/session.ts), never trusted from the token
      // and so is whether the session still counts: the version it was issued under is compared per request
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, userId: token.sub, sessionVersion: typeof token.sv === "number" ? token.sv : 0 };
      },
    },
  };
  return cached;
}
