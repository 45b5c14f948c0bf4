/**
 * Files chosen for a ticket that does not exist yet, uploaded at once (POST /uploads/) so the
 * filing only names their ids. One hook for every filing page (the portal's new request, the
 * agent's new ticket): each item is uploading, ready (with its id) or failed (with the API's
 * refusal); removing a ready one drops it on the server too; after filing, `adopted()` forgets
 * them without deleting (the ticket owns them now). Image previews are object URLs, revoked when
 * an item goes or the page unmounts.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { discardUpload, uploadBeforeFiling, type Uploaded } from "./api";

export interface UploadItem {
  key: number;
  name: string;
  size: number;
  /** An object URL for an image's preview. */
  preview?: string | undefined;
  state: "uploading" | "ready" | "failed";
  /** The upload's id once ready. */
  id?: number | undefined;
  error?: unknown;
}

export interface UseUploadsOptions {
  /** Prepares a file before it is sent (the portal shrinks large photos on the phone). */
  prepare?: (file: File) => Promise<File>;
  /** For tests: the calls to make. */
  upload?: (file: File) => Promise<Pick<Uploaded, "id" | "name">>;
  discard?: (id: number) => Promise<unknown>;
}

export interface Uploads {
  items: UploadItem[];
  /** Something is still being prepared or sent: filing waits. */
  busy: boolean;
  /** The ids of the ready uploads, in the order chosen. */
  ids: number[];
  /** Ready uploads as a file field's choices. */
  ready: { id: number; name: string }[];
  /** Upload these files; resolves with the ready ones (failed ones stay listed with their error). */
  add: (files: Iterable<File>) => Promise<{ id: number; name: string }[]>;
  remove: (key: number) => void;
  /** The ticket adopted them: forget the list without deleting anything. */
  adopted: () => void;
}

export function useUploads(options: UseUploadsOptions = {}): Uploads {
  const [items, setItems] = useState<UploadItem[]>([]);
  const seq = useRef(0);
  const live = useRef(true);
  const opts = useRef(options);
  opts.current = options;
  const previews = useRef(new Set<string>());

  useEffect(() => {
    live.current = true;
    const urls = previews.current;
    return () => {
      live.current = false;
      urls.forEach((url) => URL.revokeObjectURL(url));
      urls.clear();
    };
  }, []);

  const patch = (key: number, change: Partial<UploadItem>) => {
    if (live.current) setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));
  };

  const add = useCallback(async (files: Iterable<File>) => {
    const chosen = [...files];
    const entries = chosen.map((file) => {
      const preview = file.type.startsWith("image/") && typeof URL.createObjectURL === "function" ? URL.createObjectURL(file) : undefined;
      if (preview) previews.current.add(preview);
      return { key: ++seq.current, file, preview };
    });
    setItems((list) => [...list, ...entries.map(({ key, file, preview }) => ({ key, name: file.name, size: file.size, preview, state: "uploading" as const }))]);
    const done = await Promise.all(
      entries.map(async ({ key, file }) => {
        try {
          const ready = opts.current.prepare ? await opts.current.prepare(file) : file;
          const uploaded = await (opts.current.upload ?? uploadBeforeFiling)(ready);
          patch(key, { state: "ready", id: uploaded.id, name: uploaded.name || file.name, size: ready.size });
          return { id: uploaded.id, name: uploaded.name || file.name };
        } catch (error) {
          patch(key, { state: "failed", error });
          return null;
        }
      }),
    );
    return done.filter((d): d is { id: number; name: string } => d !== null);
  }, []);

  const remove = useCallback((key: number) => {
    setItems((list) => {
      const item = list.find((i) => i.key === key);
      if (item?.preview) {
        URL.revokeObjectURL(item.preview);
        previews.current.delete(item.preview);
      }
      if (item?.id != null) void (opts.current.discard ?? discardUpload)(item.id).catch(() => undefined);
      return list.filter((i) => i.key !== key);
    });
  }, []);

  const adopted = useCallback(() => setItems([]), []);

  const ready = items.filter((i) => i.state === "ready" && i.id != null).map((i) => ({ id: i.id as number, name: i.name }));
  return { items, busy: items.some((i) => i.state === "uploading"), ids: ready.map((r) => r.id), ready, add, remove, adopted };
}
