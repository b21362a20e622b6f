// Every page, route handler and server action asks here who is calling; the role comes from the database.
import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { authOptions } from "@/lib/auth/options";
import { findActiveUser, type SessionUser } from "@/lib/auth/users";

export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  const { userId, sessionVersion } = (session ?? {}) as { userId?: unknown; sessionVersion?: unknown };
  if (typeof userId !== "string") return null;
  // sessions issued before versions existed carry none: they count as version 0
  return findActiveUser(userId, typeof sessionVersion === "number" ? sessionVersion : 0);
}

/** For pages: the signed-in user, or a redirect to the sign-in page. */
export async function requirePageUser(role?: "admin"): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (role === "admin" && user.role !== "admin") redirect("/?denied=admin");
  return user;
}
