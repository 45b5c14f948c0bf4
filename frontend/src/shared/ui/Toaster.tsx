/**
 * Short notices that outlive a navigation ("LEAK-42 created"): `notify("…")` from anywhere, one
 * <Toaster/> in the shell shows them politely (role=status) for a few seconds, with a close button.
 */
import { useEffect, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";

export interface Toast {
  id: number;
  message: string;
  tone: "success" | "info" | "error";
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function notify(message: string, tone: Toast["tone"] = "success"): number {
  const id = nextId++;
  toasts = [...toasts, { id, message, tone }];
  emit();
  return id;
}

export function dismiss(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const SHOWN_MS = 6000;

function ToastItem({ toast }: { toast: Toast }) {
  const { t } = useTranslation("shared");
  useEffect(() => {
    const timer = setTimeout(() => dismiss(toast.id), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [toast.id]);
  return (
    <div className={`a-toast a-alert a-alert--${toast.tone}`}>
      <span>{toast.message}</span>
      <button type="button" className="a-toast__close" aria-label={t("actions.close")} onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

export function Toaster() {
  const list = useSyncExternalStore(subscribe, () => toasts, () => toasts);
  return (
    <div className="a-toaster" role="status" aria-live="polite">
      {list.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}
