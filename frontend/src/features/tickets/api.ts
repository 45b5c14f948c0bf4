/**
 * The ticket page's calls: GET /tickets/{id}/ and its sub-resources (docs/api.md "Tickets",
 * "Approvals and checklists"; federation/api). Every rule stays in the API: these only fetch and
 * send, and the components show what came back.
 */
import { api, unwrap, type Schemas } from "@/api/client";

export type Ticket = Schemas["TicketDetail"];
export type TicketRow = Schemas["TicketList"];
export type Comment = Schemas["Comment"];
export type Attachment = Schemas["Attachment"];
export type TicketEvent = Schemas["Event"];
export type ChecklistItem = Schemas["ChecklistItem"];
export type Approvals = Schemas["TicketApproval"];
export type Decision = Schemas["DecisionEnum"];
export type FederationLink = Schemas["Link"];
export type Person = Schemas["Person"];
export type Group = Schemas["Group"];
export type FormField = Schemas["FormField"];

/** One entry of the detail's `transitions` (AvailableTransition in the serializer). */
export interface AvailableTransition {
  to: string;
  to_name: string;
  name: string;
  comment_required: boolean;
  required_fields: string[];
}

export function transitionsOf(ticket: Ticket): AvailableTransition[] {
  return (ticket.transitions as unknown as AvailableTransition[]) ?? [];
}

export const keys = {
  ticket: (id: number) => ["ticket", id] as const,
  part: (id: number, part: string) => ["ticket", id, part] as const,
};

const path = (id: number) => ({ params: { path: { id } } });

export const getTicket = (id: number) => unwrap(api.GET("/api/v1/tickets/{id}/", path(id)));

export type TicketChanges = Schemas["PatchedTicketUpdate"];

export const patchTicket = (id: number, body: TicketChanges) =>
  unwrap(api.PATCH("/api/v1/tickets/{id}/", { ...path(id), body }));

export const transition = (id: number, body: { to: string; comment: string; fields?: Record<string, unknown> }) =>
  unwrap(api.POST("/api/v1/tickets/{id}/transition/", { ...path(id), body }));

// These sub-resources answer a plain list (the schema describes a page): read as lists.
export const getComments = (id: number) => unwrap(api.GET("/api/v1/tickets/{id}/comments/", path(id))) as unknown as Promise<Comment[]>;

export const addComment = (id: number, body: { body: string; internal: boolean }) =>
  unwrap(api.POST("/api/v1/tickets/{id}/comments/", { ...path(id), body })) as unknown as Promise<Comment>;

export const getEvents = (id: number) => unwrap(api.GET("/api/v1/tickets/{id}/events/", path(id))) as unknown as Promise<TicketEvent[]>;

export const getAttachments = (id: number) =>
  unwrap(api.GET("/api/v1/tickets/{id}/attachments/", path(id))) as unknown as Promise<Attachment[]>;

export function uploadAttachment(id: number, file: File, internal: boolean): Promise<Attachment> {
  return unwrap(
    api.POST("/api/v1/tickets/{id}/attachments/", {
      ...path(id),
      // multipart: the browser sets the boundary
      body: { file: file as unknown as string, internal },
      bodySerializer: (body) => {
        const form = new FormData();
        form.append("file", body.file as unknown as Blob, file.name);
        form.append("internal", body.internal ? "true" : "false");
        return form;
      },
    }),
  ) as unknown as Promise<Attachment>;
}

export const downloadUrl = (attachmentId: number) => `/api/v1/attachments/${attachmentId}/download/`;

export const getChecklist = (id: number) =>
  unwrap(api.GET("/api/v1/tickets/{id}/checklist/", path(id))) as unknown as Promise<ChecklistItem[]>;

export function tickChecklistItem(
  id: number,
  itemId: number,
  answer: { value: unknown; comment: string; photo?: File | null | undefined },
): Promise<ChecklistItem> {
  const params = { params: { path: { id, item_id: String(itemId) } } };
  if (answer.photo) {
    const photo = answer.photo;
    return unwrap(
      api.POST("/api/v1/tickets/{id}/checklist/{item_id}/", {
        ...params,
        body: { value: answer.value, comment: answer.comment },
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
  return unwrap(
    api.POST("/api/v1/tickets/{id}/checklist/{item_id}/", { ...params, body: { value: answer.value, comment: answer.comment } }),
  );
}

export const getApprovals = (id: number) => unwrap(api.GET("/api/v1/tickets/{id}/approvals/", path(id)));

export const decide = (id: number, body: { decision: Decision; comment: string }) =>
  unwrap(api.POST("/api/v1/tickets/{id}/approvals/decide/", { ...path(id), body }));

export const resubmit = (id: number, body: { comment: string }) =>
  unwrap(api.POST("/api/v1/tickets/{id}/approvals/resubmit/", { ...path(id), body: { changes: {}, ...body } }));

export const getFederation = (id: number) =>
  unwrap(api.GET("/api/v1/tickets/{id}/federation/", path(id))) as Promise<FederationLink[]>;

/** The partners this ticket may be forwarded to now (the API's own check; empty when not). */
export type ForwardTarget = Schemas["ForwardTarget"];

export const getForwardTargets = (id: number) => unwrap(api.GET("/api/v1/tickets/{id}/forward/", path(id)));

/** Forward to a partner with a note; answers the ticket's links. */
export const forwardTicket = (id: number, body: { partnership: string; note: string }) =>
  unwrap(api.POST("/api/v1/tickets/{id}/forward/", { ...path(id), body })) as Promise<FederationLink[]>;

export const setWatchers = (id: number, body: { add?: number[]; remove?: number[] }) =>
  unwrap(api.POST("/api/v1/tickets/{id}/watchers/", { ...path(id), body }));

export async function getChildren(id: number): Promise<TicketRow[]> {
  const page = await unwrap(api.GET("/api/v1/tickets/", { params: { query: { parent: id, page_size: 200 } } }));
  return page.results;
}

export const getTicketType = (typeId: number) => unwrap(api.GET("/api/v1/ticket-types/{id}/", path(typeId)));

export async function getGroups(): Promise<Group[]> {
  const page = await unwrap(api.GET("/api/v1/groups/", { params: { query: { page_size: 200 } } }));
  return page.results;
}

/**
 * People an assignee may be chosen from: the directory filtered by the agent roles (one request,
 * `role` comma-separated). Whether a person may actually be assigned is the API's answer to the PATCH.
 */
const AGENT_ROLES = ["dispatcher", "engineer", "guard", "approver", "account_admin"] as const;

export async function getAgents(): Promise<Person[]> {
  // django-filter reads the roles as one comma-separated value, not as a repeated parameter
  const role = AGENT_ROLES.join(",") as unknown as (typeof AGENT_ROLES)[number][];
  const page = await unwrap(api.GET("/api/v1/people/", { params: { query: { role, page_size: 200 } } }));
  return page.results
    .filter((person) => !person.blocked)
    .sort((a, b) => (a.full_name || a.email).localeCompare(b.full_name || b.email));
}

export const getPerson = (personId: number) => unwrap(api.GET("/api/v1/people/{id}/", path(personId)));

export async function searchPeople(q: string): Promise<Person[]> {
  const page = await unwrap(
    api.GET("/api/v1/people/", { params: { query: { page_size: 20, q } } }),
  );
  return page.results;
}
