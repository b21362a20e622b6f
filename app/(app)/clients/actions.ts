"use server";
import { revalidatePath } from "next/cache";
import { authAction } from "@/lib/actions/safe-action";
import { createClient, saveClientMemory, setClientArchived, updateClient } from "@/lib/clients/clients";
import { ZArchiveClientInput, ZCreateClientInput, ZSaveMemoryInput, ZUpdateClientInput } from "@/lib/clients/clients.schema";

export const createClientAction = authAction({ schema: ZCreateClientInput }, async (input, user) => {
  const client = await createClient(input, { id: user.id, label: user.email });
  revalidatePath("/clients");
  return { slug: client.slug };
});

export const updateClientAction = authAction({ schema: ZUpdateClientInput }, async (input, user) => {
  await updateClient(input, { id: user.id, label: user.email }, { isAdmin: user.role === "admin" });
  revalidatePath(`/clients/${input.slug}`);
  revalidatePath("/clients");
  return { slug: input.slug };
});

export const archiveClientAction = authAction({ schema: ZArchiveClientInput }, async (input, user) => {
  await setClientArchived(input.slug, input.archived, { id: user.id, label: user.email });
  revalidatePath(`/clients/${input.slug}`);
  revalidatePath("/clients");
  return { slug: input.slug, archived: input.archived };
});

export const saveMemoryAction = authAction({ schema: ZSaveMemoryInput }, async (input, user) => {
  await saveClientMemory(input.slug, input.content, { id: user.id, label: user.email });
  revalidatePath(`/clients/${input.slug}`);
  return { bytes: Buffer.byteLength(input.content) };
});
