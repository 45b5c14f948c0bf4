/**
 * The portal's calls, all through the one API client. The API decides what a requester sees and
 * may do (their own or their company's tickets, public comments only, the `can_*` flags); these
 * only fetch and send.
 */
import { api, type Schemas, unwrap } from "@/api/client";

export type TicketRow = Schemas["TicketList"];
export type Ticket = Schemas["TicketDetail"];
export type Comment = Schemas["Comment"];
export type Attachment = Schemas["Attachment"];
export type TicketType = Schemas["TicketType"];
export type Pass = Schemas["Pass"];
export type PassQr = Schemas["PassQr"];
export type Announcement = Schemas["AnnouncementList"];
export type AnnouncementDetail = Schemas["AnnouncementDetail"];
export type TeamMember = Schemas["TeamMember"];

/** What the request's detail adds for its requester (confirm, return, rate). */
export interface RequesterActions {
  can_confirm?: boolean;
  can_return?: boolean;
  can_rate?: boolean;
  confirmation?: {
    state: "awaiting" | "confirmed" | "auto_confirmed" | "returned" | null;
    due_at?: string | null;
    confirmed_at?: string | null;
    returned_reason?: string;
  } | null;
  rating?: { score: number; comment?: string; rated_at?: string | null; rated_by?: { id: number; name: string } | null } | null;
}
export type PortalTicket = Ticket & RequesterActions;

// Endpoints newer than the generated schema (confirm / return / rating): the same client, typed here.
type Untyped = {
  GET: (path: string, init?: object) => Promise<{ data?: unknown; response: Response }>;
  POST: (path: string, init?: object) => Promise<{ data?: unknown; response: Response }>;
  PUT: (path: string, init?: object) => Promise<{ data?: unknown; response: Response }>;
};
const untyped = api as unknown as Untyped;

const path = (id: number) => ({ params: { path: { id } } });

export const keys = {
  requests: (scope: string) => ["portal", "requests", scope] as const,
  request: (id: number) => ["portal", "request", id] as const,
  comments: (id: number) => ["portal", "request", id, "comments"] as const,
  attachments: (id: number) => ["portal", "request", id, "attachments"] as const,
  passes: ["portal", "passes"] as const,
  pass: (id: number) => ["portal", "pass", id] as const,
  qr: (id: number) => ["portal", "pass", id, "qr"] as const,
  announcements: ["portal", "announcements"] as const,
  team: ["portal", "team"] as const,
  filing: (id: number) => ["portal", "team", id, "filing"] as const,
};

export function listRequests(query: { requester?: number; is_open?: boolean; page_size?: number }) {
  return unwrap(api.GET("/api/v1/tickets/", { params: { query: { ordering: "-updated_at", page_size: 50, ...query } as never } }));
}

export const getRequest = (id: number) => unwrap(api.GET("/api/v1/tickets/{id}/", path(id))) as Promise<PortalTicket>;

export const getComments = (id: number) => unwrap(api.GET("/api/v1/tickets/{id}/comments/", path(id))) as unknown as Promise<Comment[]>;

export const getAttachments = (id: number) =>
  unwrap(api.GET("/api/v1/tickets/{id}/attachments/", path(id))) as unknown as Promise<Attachment[]>;

export const addComment = (id: number, body: string) =>
  unwrap(api.POST("/api/v1/tickets/{id}/comments/", { ...path(id), body: { body, internal: false } })) as unknown as Promise<Comment>;

export function uploadAttachment(id: number, file: File): Promise<Attachment> {
  return unwrap(
    api.POST("/api/v1/tickets/{id}/attachments/", {
      ...path(id),
      body: { file: file as unknown as string, internal: false },
      bodySerializer: () => {
        const form = new FormData();
        form.append("file", file, file.name);
        return form;
      },
    }),
  ) as unknown as Promise<Attachment>;
}

export const downloadUrl = (attachmentId: number) => `/api/v1/attachments/${attachmentId}/download/`;

export const confirmRequest = (id: number) => unwrap(untyped.POST(`/api/v1/tickets/${id}/confirm/`, { body: {} })) as Promise<PortalTicket>;

export const returnRequest = (id: number, reason: string) =>
  unwrap(untyped.POST(`/api/v1/tickets/${id}/return/`, { body: { reason } })) as Promise<PortalTicket>;

export const rateRequest = (id: number, score: number, comment: string) =>
  unwrap(untyped.POST(`/api/v1/tickets/${id}/rating/`, { body: { score, comment } })) as Promise<unknown>;

/** Withdraw one's own request: the workflow's move to a cancelled status (the API checks it). */
export const withdrawRequest = (id: number, to: string, comment: string) =>
  unwrap(api.POST("/api/v1/tickets/{id}/transition/", { ...path(id), body: { to, comment } })) as Promise<PortalTicket>;

export function useFileableTypesQuery() {
  return {
    queryKey: ["ticket-types", "fileable"] as const,
    queryFn: () => unwrap(api.GET("/api/v1/ticket-types/", { params: { query: { fileable: 1 } as never } })),
    staleTime: 5 * 60_000,
  };
}

export type NewRequest = Pick<Schemas["TicketCreate"], "type" | "title"> & Partial<Pick<Schemas["TicketCreate"], "description" | "location" | "fields">>;
export const createRequest = (body: NewRequest) => unwrap(api.POST("/api/v1/tickets/", { body: body as Schemas["TicketCreate"] }));

export const listPasses = () => unwrap(api.GET("/api/v1/passes/", { params: { query: { page_size: 100 } as never } }));
export const getPass = (id: number) => unwrap(api.GET("/api/v1/passes/{id}/", path(id)));
export const getPassQr = (id: number) => unwrap(api.GET("/api/v1/passes/{id}/qr/", { params: { path: { id }, query: { format: "json" } as never } }));

export const listAnnouncements = () => unwrap(api.GET("/api/v1/announcements/", { params: { query: { page_size: 100 } as never } }));
export const getAnnouncement = (id: number) => unwrap(api.GET("/api/v1/announcements/{id}/", path(id)));
export const confirmAnnouncement = (id: number) => unwrap(api.POST("/api/v1/announcements/{id}/confirm/", path(id)));

export const listTeam = () => unwrap(api.GET("/api/v1/team/", { params: { query: { page_size: 200 } as never } }));
export const inviteMember = (body: { email: string; full_name: string; phone?: string; access_expires_at?: string | null }) =>
  unwrap(api.POST("/api/v1/team/", { body: body as Schemas["TeamInvite"] }));
export const removeMember = (id: number) => unwrap(api.DELETE("/api/v1/team/{id}/", path(id)));
export const resendInvitation = (id: number) => unwrap(api.POST("/api/v1/team/{id}/resend-invitation/", path(id)));
/** Lets back an employee a key user removed (the API refuses a block the management made). */
export const unblockMember = (id: number) => unwrap(api.POST("/api/v1/team/{id}/unblock/", path(id)));
/** Extends or shortens an employee's access; null: no end (the API caps it at the key user's own). */
export const setMemberAccess = (id: number, until: string | null) =>
  unwrap(api.POST("/api/v1/team/{id}/access-expiry/", { ...path(id), body: { until } }));

/** What an employee may file (GET/PUT /team/{id}/filing/): the company's types, which of them they may. */
export interface FilingChoice {
  restricted: boolean;
  types: { id: number; code: string; name: string; allowed: boolean }[];
}
export const getMemberFiling = (id: number) => unwrap(untyped.GET(`/api/v1/team/${id}/filing/`)) as Promise<FilingChoice>;
/** `types`: the type ids the employee may file; null: everything the company may file. */
export const setMemberFiling = (id: number, types: number[] | null) =>
  unwrap(untyped.PUT(`/api/v1/team/${id}/filing/`, { body: { types } })) as Promise<FilingChoice>;

export type Company = Schemas["Company"];
/** A requester's /companies/ holds their own company only (the API filters it). */
export async function myCompany(): Promise<Company | null> {
  const page = await unwrap(api.GET("/api/v1/companies/", { params: { query: { page_size: 5 } as never } }));
  return page.results[0] ?? null;
}
export const companyKey = ["portal", "company"] as const;
