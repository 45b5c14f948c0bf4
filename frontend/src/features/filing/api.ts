/**
 * Uploads before filing (docs/portal.md, desk/uploads.py): POST /uploads/ stores a checked file
 * for its uploader; the ticket filed next adopts it by id (a file field's value or the
 * filing's `attachments`); DELETE /uploads/{id}/ drops one not yet adopted.
 */
import { api, type Schemas, unwrap } from "@/api/client";

export type Uploaded = Schemas["Attachment"];
export type TicketCreate = Schemas["TicketCreate"];
export type TicketDetail = Schemas["TicketDetail"];

/** What POST /tickets/ accepts; only the keys that are set are sent. */
export type NewTicketBody = Partial<Omit<TicketCreate, "type" | "title">> & { type: string; title: string; attachments?: number[] };

// endpoints newer than the generated schema: the same client (CSRF, language, errors), typed here
type Untyped = {
  POST: (path: string, init?: object) => Promise<{ data?: unknown; response: Response }>;
  DELETE: (path: string, init?: object) => Promise<{ data?: unknown; response: Response }>;
};
const untyped = api as unknown as Untyped;

export function uploadBeforeFiling(file: File): Promise<Uploaded> {
  return unwrap(
    untyped.POST("/api/v1/uploads/", {
      body: {},
      bodySerializer: () => {
        const form = new FormData();
        form.append("file", file, file.name);
        return form;
      },
    }),
  ) as Promise<Uploaded>;
}

export const discardUpload = (id: number) => unwrap(untyped.DELETE(`/api/v1/uploads/${id}/`)) as Promise<unknown>;

export function fileTicket(body: NewTicketBody): Promise<TicketDetail> {
  return unwrap(api.POST("/api/v1/tickets/", { body: body as TicketCreate }));
}
