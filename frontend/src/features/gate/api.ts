import { api, type Schemas, unwrap } from "@/api/client";
import type { Verdict } from "./verdict";

export type TodayItem = Schemas["GateTodayItem"];
export type ChecklistItem = Schemas["ChecklistItem"];

export const todayKey = ["gate", "today"] as const;

/** POST /gate/check/: a QR token, a short code or a ticket key → the verdict (every check is logged). */
export const checkCode = (code: string): Promise<Verdict> => unwrap(api.POST("/api/v1/gate/check/", { body: { code } }));

/** GET /gate/today/: approved move-ins and works expected today (account's zone). */
export const getToday = (): Promise<TodayItem[]> => unwrap(api.GET("/api/v1/gate/today/"));

/** POST /tickets/{id}/checklist/{item_id}/: answer an item, with a comment and a photo (multipart). */
export function tickItem(ticketId: number, itemId: number, answer: { value: unknown; comment: string; photo: File | null }): Promise<ChecklistItem> {
  const params = { params: { path: { id: ticketId, item_id: String(itemId) } } };
  const body = { value: answer.value, comment: answer.comment };
  const photo = answer.photo;
  if (!photo) return unwrap(api.POST("/api/v1/tickets/{id}/checklist/{item_id}/", { ...params, body }));
  return unwrap(
    api.POST("/api/v1/tickets/{id}/checklist/{item_id}/", {
      ...params,
      body,
      bodySerializer: () => {
        const form = new FormData();
        form.append("value", JSON.stringify(answer.value ?? null));
        form.append("comment", answer.comment);
        form.append("photo", photo, photo.name);
        return form;
      },
    }),
  );
}
