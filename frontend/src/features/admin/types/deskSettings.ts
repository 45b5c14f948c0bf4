/**
 * The account-wide desk settings (GET/PATCH /desk-settings/): today the default number of days
 * resolved work waits for its requester before it is confirmed automatically (0: never). A ticket
 * type's own `auto_confirm_days` overrides it; empty (null) on a type means this default
 * (tenant_apps/desk/confirmation.py). The API checks every value.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/api/client";

export type DeskSettings = Schemas["DeskSettings"];

export const deskSettingsKey = ["admin", "desk-settings"] as const;

export function useDeskSettings() {
  return useQuery({ queryKey: deskSettingsKey, queryFn: () => unwrap(api.GET("/api/v1/desk-settings/")) });
}

export function useSaveDeskSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { auto_confirm_days: number }) => unwrap(api.PATCH("/api/v1/desk-settings/", { body })),
    onSuccess: (saved) => queryClient.setQueryData(deskSettingsKey, saved),
  });
}

/** An input's text as the API's days: "" → null (the default), otherwise the number typed. */
export function daysFromInput(text: string): number | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : Number(trimmed);
}
