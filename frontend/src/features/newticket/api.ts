import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "@/api/client";

export type TicketType = Schemas["TicketType"];
export type TicketCreate = Schemas["TicketCreate"];
export type TicketDetail = Schemas["TicketDetail"];

/** The types this person may file now (the API decides). */
export function useFileableTypes() {
  return useQuery({
    queryKey: ["ticket-types", "fileable"],
    queryFn: () => unwrap(api.GET("/api/v1/ticket-types/", { params: { query: { fileable: 1 } as never } })),
    staleTime: 5 * 60_000,
  });
}

/** What POST /tickets/ accepts (filing itself is features/filing's, shared with the portal). */
export type { NewTicketBody } from "@/features/filing";
