/**
 * Filing a ticket from a form, for every filing page (the portal's new request and the agent's new
 * ticket share it): POST /tickets/ with the page's body plus the ids of its uploads made before
 * filing (the ticket adopts them), then `onFiled`. After a refusal (the page's own checks, or the
 * API's field messages) the first invalid field of the form gets the focus, else the alert.
 */
import { useMutation } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { fileTicket, type NewTicketBody, type TicketDetail } from "./api";
import type { Uploads } from "./useUploads";

export interface UseFileTicketOptions {
  uploads?: Uploads | undefined;
  onFiled: (ticket: TicketDetail) => void;
  /** For tests: the call to make. */
  file?: (body: NewTicketBody) => Promise<TicketDetail>;
}

export function withUploads(body: NewTicketBody, uploads: Uploads | undefined): NewTicketBody {
  const ids = [...new Set([...(body.attachments ?? []), ...(uploads?.ids ?? [])])];
  return ids.length ? { ...body, attachments: ids } : body;
}

export function useFileTicket({ uploads, onFiled, file }: UseFileTicketOptions) {
  const formRef = useRef<HTMLFormElement>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const showInvalid = useCallback(() => setFocusRequest((n) => n + 1), []);

  useEffect(() => {
    if (!focusRequest) return;
    const first = formRef.current?.querySelector<HTMLElement>("[aria-invalid=true]");
    const target = first?.matches("fieldset") ? first.querySelector<HTMLElement>("input") : first;
    (target ?? formRef.current?.querySelector<HTMLElement>("[role=alert]"))?.focus();
  }, [focusRequest]);

  const mutation = useMutation({
    mutationFn: (body: NewTicketBody) => (file ?? fileTicket)(withUploads(body, uploads)),
    onSuccess: (ticket) => {
      uploads?.adopted();
      onFiled(ticket);
    },
    onError: showInvalid,
  });

  /** Send, unless a filing is under way or a file is still uploading. */
  const submit = useCallback(
    (body: NewTicketBody) => {
      if (mutation.isPending || uploads?.busy) return false;
      mutation.mutate(body);
      return true;
    },
    [mutation, uploads?.busy],
  );

  return { formRef, mutation, submit, showInvalid };
}
