import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  forwardRef,
  type RefObject,
  useEffect,
  useId,
  useImperativeHandle,
  useRef,
  useState,
} from "react";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { Alert, Button, ErrorAlert, fieldErrors, Icon, Spinner } from "@/shared/ui";
import { addComment, type Attachment, type Comment, getAttachments, getComments, keys, type Ticket } from "./api";
import { AttachmentItem, AttachmentList, useUpload } from "./Attachments";

export type ComposerMode = "public" | "internal";

export interface ComposerHandle {
  focus: (mode: ComposerMode) => void;
}

/** How long after the last keystroke a composer with text still counts as "typing". */
export const TYPING_IDLE_MS = 5_000;

type Entry = { kind: "comment"; at: string; comment: Comment; files: Attachment[] } | { kind: "file"; at: string; file: Attachment };

/** Comments and the files not attached to a comment, in time order. */
export function timeline(comments: Comment[], attachments: Attachment[]): Entry[] {
  const byComment = new Map<number, Attachment[]>();
  const loose: Attachment[] = [];
  for (const a of attachments) {
    if (a.comment) byComment.set(a.comment, [...(byComment.get(a.comment) ?? []), a]);
    else loose.push(a);
  }
  const entries: Entry[] = [
    ...comments.map((c) => ({ kind: "comment" as const, at: c.created_at, comment: c, files: byComment.get(c.id) ?? [] })),
    ...loose.map((f) => ({ kind: "file" as const, at: f.created_at, file: f })),
  ];
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

export const Conversation = forwardRef<ComposerHandle, { ticket: Ticket; onTypingChange: (typing: boolean) => void }>(function Conversation(
  { ticket, onTypingChange },
  ref,
) {
  const { t } = useTranslation("tickets");
  const comments = useQuery({ queryKey: keys.part(ticket.id, "comments"), queryFn: () => getComments(ticket.id) });
  const attachments = useQuery({ queryKey: keys.part(ticket.id, "attachments"), queryFn: () => getAttachments(ticket.id) });
  const [mode, setMode] = useState<ComposerMode>("public");
  const upload = useUpload(ticket.id);
  const [dragging, setDragging] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);

  useImperativeHandle(ref, () => ({
    focus: (next) => {
      setMode(next);
      textarea.current?.focus();
      textarea.current?.scrollIntoView({ block: "center", behavior: "smooth" });
    },
  }));

  const send = (files: File[]) => {
    if (files.length) upload.mutate({ files, internal: mode === "internal" });
  };
  const onDrop = (event: DragEvent) => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    setDragging(false);
    send([...event.dataTransfer.files]);
  };
  const onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    if (!dragging) setDragging(true);
  };

  const entries = timeline(comments.data ?? [], attachments.data ?? []);
  return (
    <section
      className={dragging ? "a-card tk-conversation tk-conversation--drop" : "a-card tk-conversation"}
      aria-labelledby="tk-conv-title"
      onDragOver={onDragOver}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <h2 id="tk-conv-title">{t("conversation.title")}</h2>
      {ticket.description && (
        <div className="tk-description">
          <h3 className="a-visually-hidden">{t("conversation.description")}</h3>
          <p>{ticket.description}</p>
        </div>
      )}
      {comments.isPending && <Spinner />}
      <ErrorAlert error={comments.error ?? attachments.error} />
      {entries.length === 0 && !comments.isPending && <p className="tk-muted">{t("conversation.empty")}</p>}
      <ol className="tk-timeline">
        {entries.map((entry) =>
          entry.kind === "comment" ? (
            <CommentItem key={`c${entry.comment.id}`} comment={entry.comment} files={entry.files} />
          ) : (
            <li key={`f${entry.file.id}`} className="tk-timeline__file">
              <ul className="tk-files">
                <AttachmentItem attachment={entry.file} />
              </ul>
            </li>
          ),
        )}
      </ol>
      {dragging && (
        <div className="tk-dropzone" aria-hidden="true">
          {mode === "internal" ? t("attachments.dropInternal") : t("attachments.drop")}
        </div>
      )}
      <Composer
        ticket={ticket}
        mode={mode}
        onModeChange={setMode}
        textarea={textarea}
        onTypingChange={onTypingChange}
        onFiles={send}
        uploading={upload.isPending}
        uploadError={upload.error}
        uploaded={upload.isSuccess ? upload.data : undefined}
      />
    </section>
  );
});

function CommentItem({ comment, files }: { comment: Comment; files: Attachment[] }) {
  const { t } = useTranslation("tickets");
  const fmt = useDateFormat();
  return (
    <li className={comment.internal ? "tk-comment tk-comment--internal" : "tk-comment"}>
      <div className="tk-comment__head">
        <span className="tk-comment__author">{comment.author?.name ?? t("conversation.system")}</span>
        {comment.internal ? (
          <span className="tk-tag tk-tag--internal">
            <Icon name="lock" size={13} />
            {t("conversation.internalTag")}
          </span>
        ) : (
          <span className="tk-tag tk-tag--public">{t("conversation.publicTag")}</span>
        )}
        <time className="tk-comment__time" dateTime={comment.created_at}>
          {fmt.dateTime(comment.created_at)}
        </time>
      </div>
      <p className="tk-comment__body">{comment.body}</p>
      <AttachmentList attachments={files} label={t("attachments.ofComment")} />
    </li>
  );
}

function Composer({
  ticket,
  mode,
  onModeChange,
  textarea,
  onTypingChange,
  onFiles,
  uploading,
  uploadError,
  uploaded,
}: {
  ticket: Ticket;
  mode: ComposerMode;
  onModeChange: (mode: ComposerMode) => void;
  textarea: RefObject<HTMLTextAreaElement | null>;
  onTypingChange: (typing: boolean) => void;
  onFiles: (files: File[]) => void;
  uploading: boolean;
  uploadError: unknown;
  uploaded: Attachment[] | undefined;
}) {
  const { t } = useTranslation("tickets");
  const id = useId();
  const queryClient = useQueryClient();
  const [body, setBody] = useState("");
  const idle = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [typing, setTyping] = useState(false);
  const internal = mode === "internal";

  useEffect(() => onTypingChange(typing), [typing, onTypingChange]);
  useEffect(() => () => clearTimeout(idle.current), []);

  const post = useMutation({
    mutationFn: () => addComment(ticket.id, { body, internal }),
    onSuccess: () => {
      setBody("");
      setTyping(false);
      void queryClient.invalidateQueries({ queryKey: keys.part(ticket.id, "comments") });
      void queryClient.invalidateQueries({ queryKey: keys.part(ticket.id, "events") });
    },
  });

  const onInput = (value: string) => {
    setBody(value);
    clearTimeout(idle.current);
    if (value.trim()) {
      setTyping(true);
      idle.current = setTimeout(() => setTyping(false), TYPING_IDLE_MS);
    } else setTyping(false);
  };
  const onPaste = (event: ClipboardEvent) => {
    const files = [...event.clipboardData.files].filter((f) => f.type.startsWith("image/"));
    if (files.length === 0) return;
    event.preventDefault();
    onFiles(files.map((f, i) => (f.name && f.name !== "image.png" ? f : new File([f], `pasted-${Date.now()}-${i + 1}.${f.type.split("/")[1] || "png"}`, { type: f.type }))));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    post.mutate();
  };
  const bodyErrors = fieldErrors(post.error, "body");
  return (
    <form className={internal ? "tk-composer tk-composer--internal" : "tk-composer tk-composer--public"} onSubmit={submit} noValidate aria-labelledby={`${id}-legend`}>
      <fieldset className="tk-composer__modes">
        <legend id={`${id}-legend`} className="a-visually-hidden">
          {t("composer.mode")}
        </legend>
        <label className={!internal ? "tk-mode tk-mode--on" : "tk-mode"}>
          <input type="radio" name={`${id}-mode`} value="public" checked={!internal} onChange={() => onModeChange("public")} />
          <Icon name="reply" size={15} />
          {t("composer.public")}
        </label>
        <label className={internal ? "tk-mode tk-mode--on tk-mode--internal" : "tk-mode tk-mode--internal"}>
          <input type="radio" name={`${id}-mode`} value="internal" checked={internal} onChange={() => onModeChange("internal")} />
          <Icon name="lock" size={15} />
          {t("composer.internal")}
        </label>
      </fieldset>
      <div className="tk-composer__banner" id={`${id}-banner`}>
        {internal ? (
          <>
            <Icon name="lock" size={15} />
            <strong>{t("composer.internalBanner")}</strong>
          </>
        ) : (
          <span>{t("composer.publicBanner", { name: ticket.requester?.name ?? t("composer.theRequester") })}</span>
        )}
      </div>
      <ErrorAlert error={post.error} shownFields={["body"]} />
      <label className="a-visually-hidden" htmlFor={`${id}-body`}>
        {internal ? t("composer.internalLabel") : t("composer.publicLabel")}
      </label>
      <textarea
        ref={textarea}
        id={`${id}-body`}
        className="a-input tk-textarea tk-composer__text"
        rows={4}
        value={body}
        placeholder={internal ? t("composer.internalPlaceholder") : t("composer.publicPlaceholder")}
        onChange={(e) => onInput(e.target.value)}
        onPaste={onPaste}
        aria-invalid={bodyErrors ? true : undefined}
        aria-describedby={`${id}-banner${bodyErrors ? ` ${id}-err` : ""}`}
      />
      {bodyErrors && (
        <ul id={`${id}-err`} className="a-field__errors">
          {bodyErrors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <ErrorAlert error={uploadError} title={t("attachments.refused")} />
      {uploaded && uploaded.length > 0 && !uploadError && (
        <Alert tone="success">{t("attachments.uploaded", { count: uploaded.length, name: uploaded[0]!.name })}</Alert>
      )}
      <div className="tk-composer__actions">
        <label className="a-btn a-btn--secondary a-btn--sm tk-file-button">
          <Icon name="paperclip" size={15} />
          <span>{internal ? t("attachments.addInternal") : t("attachments.add")}</span>
          <input
            type="file"
            multiple
            className="a-visually-hidden"
            onChange={(e) => {
              onFiles([...(e.target.files ?? [])]);
              e.target.value = "";
            }}
          />
        </label>
        {uploading && <Spinner size="sm" />}
        <span className="tk-muted tk-composer__hint">{t("attachments.hint")}</span>
        <Button type="submit" variant={internal ? "secondary" : "primary"} className={internal ? "tk-submit--internal" : undefined} busy={post.isPending}>
          {internal ? t("composer.submitInternal") : t("composer.submitPublic")}
        </Button>
      </div>
    </form>
  );
}
