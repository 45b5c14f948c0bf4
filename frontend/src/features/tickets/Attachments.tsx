import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { type Attachment, downloadUrl, keys, uploadAttachment } from "./api";

export function isImage(contentType: string): boolean {
  return /^image\/(png|jpe?g|gif|webp|bmp|avif)$/i.test(contentType);
}

export function formatSize(bytes: number, language: string): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: unit ? 1 : 0 }).format(value)} ${units[unit]}`;
}

/** Upload files one after the other; each answer (or refusal) is the API's. */
export function useUpload(ticketId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ files, internal }: { files: File[]; internal: boolean }) => {
      const done: Attachment[] = [];
      for (const file of files) done.push(await uploadAttachment(ticketId, file, internal));
      return done;
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: keys.part(ticketId, "attachments") });
      void queryClient.invalidateQueries({ queryKey: keys.part(ticketId, "events") });
    },
  });
}

export function AttachmentItem({ attachment }: { attachment: Attachment }) {
  const { t, i18n } = useTranslation("tickets");
  const fmt = useDateFormat();
  const url = attachment.download_url || downloadUrl(attachment.id);
  return (
    <li className={attachment.internal ? "tk-file tk-file--internal" : "tk-file"}>
      <a href={url} className="tk-file__link" download={attachment.name}>
        {isImage(attachment.content_type) ? (
          <img className="tk-file__thumb" src={url} alt={t("attachments.preview", { name: attachment.name })} loading="lazy" />
        ) : (
          <span className="tk-file__icon" aria-hidden="true">
            {attachment.name.split(".").pop()?.slice(0, 4).toUpperCase() || "FILE"}
          </span>
        )}
        <span className="tk-file__name">{attachment.name}</span>
      </a>
      <span className="tk-file__meta">
        {formatSize(attachment.size, i18n.language)} · {fmt.dateTime(attachment.created_at)}
        {attachment.internal && <span className="tk-tag tk-tag--internal">{t("attachments.internal")}</span>}
      </span>
    </li>
  );
}

export function AttachmentList({ attachments, label }: { attachments: Attachment[]; label: string }) {
  if (attachments.length === 0) return null;
  return (
    <ul className="tk-files" aria-label={label}>
      {attachments.map((a) => (
        <AttachmentItem key={a.id} attachment={a} />
      ))}
    </ul>
  );
}
