import { api, type Schemas, unwrap } from "@/api/client";

export type DecisionOption = Schemas["DecisionOption"];
export type Decision = DecisionOption["decision"];

/** The ticket summary the queue carries (QueueItemSerializer.get_ticket). */
export interface QueueTicket {
  id: number;
  key: string;
  title: string;
  type: string;
  status: string;
  status_name: string;
  priority: number;
  created_at: string;
}

export type QueueItem = Omit<Schemas["QueueItem"], "ticket"> & { ticket: QueueTicket };

export const queueKey = ["approvals", "pending"] as const;

/** GET /approvals/: the steps waiting for the signed-in person (up to 200, the soonest due first). */
export async function getQueue(): Promise<QueueItem[]> {
  const page = await unwrap(api.GET("/api/v1/approvals/", { params: { query: { page_size: 200 } } }));
  return page.results as unknown as QueueItem[];
}

/** POST /tickets/{id}/approvals/decide/: the API says which decisions need a comment (400 `fields.comment`). */
export const decide = (ticketId: number, body: { decision: Decision; comment: string }) =>
  unwrap(api.POST("/api/v1/tickets/{id}/approvals/decide/", { params: { path: { id: ticketId } }, body }));
