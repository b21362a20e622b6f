"use server";
import { revalidatePath } from "next/cache";
import { authAction } from "@/lib/actions/safe-action";
import { recordAudit } from "@/lib/audit";
import { createApiToken, revokeApiToken } from "@/lib/auth/tokens";
import { ZCreateTokenInput, ZRevokeTokenInput } from "@/lib/auth/tokens.schema";
import { createUser } from "@/lib/auth/users";
import { ZCreateUserInput } from "@/lib/auth/users.schema";

export const createTokenAction = authAction(
  { schema: ZCreateTokenInput, role: "admin" },
  async (input, user) => {
    const { id, token } = await createApiToken(user.id, input.name);
    await recordAudit({ actor: { id: user.id, label: user.email }, action: "token.create", targetType: "token", targetId: id, data: { name: input.name } });
    revalidatePath("/settings");
    return { token };
  },
);

export const revokeTokenAction = authAction({ schema: ZRevokeTokenInput, role: "admin" }, async (input, user) => {
  await revokeApiToken(input.id);
  await recordAudit({ actor: { id: user.id, label: user.email }, action: "token.revoke", targetType: "token", targetId: input.id });
  revalidatePath("/settings");
  return { id: input.id };
});

export const createUserAction = authAction({ schema: ZCreateUserInput, role: "admin" }, async (input, user) => {
  const created = await createUser(input);
  await recordAudit({ actor: { id: user.id, label: user.email }, action: "user.create", targetType: "user", targetId: created.id, data: { role: created.role } });
  revalidatePath("/settings");
  return { email: created.email };
});
