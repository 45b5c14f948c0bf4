import * as Dialog from "@radix-ui/react-dialog";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { Button, ErrorAlert, fieldErrors, TextField } from "@/shared/ui";
import { createSavedView } from "./api";

/** Save what is shown now (the view's filters, the person's own and the ordering) as a saved view. */
export function SaveViewDialog({ open, onOpenChange, filters, ordering }: { open: boolean; onOpenChange: (open: boolean) => void; filters: Record<string, string | string[]>; ordering: string }) {
  const { t } = useTranslation("queues");
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [shared, setShared] = useState(false);
  const save = useMutation({
    mutationFn: () => createSavedView({ name, filters, ordering, shared }),
    onSuccess: (view) => {
      void queryClient.invalidateQueries({ queryKey: ["saved-views"] });
      onOpenChange(false);
      setName("");
      navigate(`/queues/saved-${view.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="a-dialog__overlay" />
        <Dialog.Content className="a-dialog" aria-describedby={undefined}>
          <div className="a-dialog__header">
            <Dialog.Title>{t("save.title")}</Dialog.Title>
          </div>
          <form className="a-form" onSubmit={submit} noValidate>
            <ErrorAlert error={save.error} shownFields={["name", "shared"]} />
            <TextField label={t("save.name")} value={name} onChange={(e) => setName(e.target.value)} errors={fieldErrors(save.error, "name")} autoFocus />
            <label className="queues-check">
              <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
              <span>{t("save.shared")}</span>
            </label>
            {fieldErrors(save.error, "shared")?.map((m) => (
              <p key={m} className="a-field__errors">
                {m}
              </p>
            ))}
            <div className="a-form__actions">
              <Button type="submit" variant="primary" busy={save.isPending}>
                {t("shared:actions.save")}
              </Button>
              <Dialog.Close asChild>
                <Button>{t("shared:actions.cancel")}</Button>
              </Dialog.Close>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
