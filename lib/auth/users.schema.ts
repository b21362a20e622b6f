import { z } from "zod";

export const ZRole = z.enum(["admin", "operator"]);
export type Role = z.infer<typeof ZRole>;

export const ZEmail = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address")).pipe(z.string().max(254));
export const ZPassword = z.string().min(10, "Use at least 10 characters").max(200, "Use at most 200 characters");

export const ZCreateUserInput = z.object({
  email: ZEmail,
  name: z.string().trim().max(100).default(""),
  password: ZPassword,
  role: ZRole.default("operator"),
});
export type CreateUserInput = z.input<typeof ZCreateUserInput>;

export const ZFirstAdminInput = ZCreateUserInput.omit({ role: true });

export const ZCredentials = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(200),
});

export const ZUserId = z.object({ id: z.string().min(1).max(64) });
export const ZSetRoleInput = ZUserId.extend({ role: ZRole });
export const ZResetPasswordInput = ZUserId.extend({ password: ZPassword });
