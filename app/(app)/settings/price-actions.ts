"use server";
import { revalidatePath } from "next/cache";
import { authAction } from "@/lib/actions/safe-action";
import { deleteModelPrice, saveModelPrice } from "@/lib/spend/prices";
import { ZDeleteModelPriceInput, ZModelPriceInput } from "@/lib/spend/spend.schema";

export const savePriceAction = authAction({ schema: ZModelPriceInput, role: "admin" }, async (input, user) => {
  const saved = await saveModelPrice(input, { id: user.id, label: user.email });
  revalidatePath("/settings");
  return { model: saved.model };
});

export const deletePriceAction = authAction({ schema: ZDeleteModelPriceInput, role: "admin" }, async (input, user) => {
  await deleteModelPrice(input, { id: user.id, label: user.email });
  revalidatePath("/settings");
  return { model: input.model };
});
