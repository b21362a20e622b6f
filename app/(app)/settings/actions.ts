"use server";
import { revalidatePath } from "next/cache";
import { authAction } from "@/lib/actions/safe-action";
import { createApiToken, revokeApiToken } from "@/lib/auth/tokens";
import { ZCreateTokenInput, ZTokenId } from "@/lib/auth/tokens.schema";
import { disableUser, enableUser, resetUserPassword, setUserRole, signOutUserEverywhere } from "@/lib/auth/user-admin";
import { createUser } from "@/lib/auth/users";
import { ZCreateUserInput, ZResetPasswordInput, ZSetRoleInput, ZUserId } from "@/lib/auth/users.schema";
import type { SessionUser } from "@/lib/auth/users";

const actor = (user: SessionUser) => ({ id: user.id, label: user.email });

export const createTokenAction = authAction({ schema: ZCreateTokenInput, role: "admin" }, async (input, user) => {
  const { token, scope } = await createApiToken(user.id, input, actor(user));
  revalidatePath("/settings");
  return { token, scope };
});

export const revokeTokenAction = authAction({ schema: ZTokenId, role: "admin" }, async (input, user) => {
  await revokeApiToken(input.id, actor(user));
  revalidatePath("/settings");
  return { id: input.id };
});

export const createUserAction = authAction({ schema: ZCreateUserInput, role: "admin" }, async (input, user) => {
  const created = await createUser(input, actor(user));
  revalidatePath("/settings");
  return { email: created.email };
});

export const setUserRoleAction = authAction({ schema: ZSetRoleInput, role: "admin" }, async (input, user) => {
  const result = await setUserRole(input, actor(user));
  revalidatePath("/settings");
  return result;
});

export const disableUserAction = authAction({ schema: ZUserId, role: "admin" }, async (input, user) => {
  await disableUser(input, actor(user));
  revalidatePath("/settings");
  return { id: input.id };
});

export const enableUserAction = authAction({ schema: ZUserId, role: "admin" }, async (input, user) => {
  await enableUser(input, actor(user));
  revalidatePath("/settings");
  return { id: input.id };
});

export const resetPasswordAction = authAction({ schema: ZResetPasswordInput, role: "admin" }, async (input, user) => {
  await resetUserPassword(input, actor(user));
  revalidatePath("/settings");
  return { id: input.id };
});

export const signOutEverywhereAction = authAction({ schema: ZUserId, role: "admin" }, async (input, user) => {
  await signOutUserEverywhere(input, actor(user));
  revalidatePath("/settings");
  return { id: input.id };
});
