import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "@/api/client";
import { Button, ErrorAlert, PageLoading, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { keys, type TicketType, useTicketTypes, useWorkflows } from "../api";
import { AutoConfirmCard } from "./AutoConfirmCard";
import { copyOfType } from "./formDoc";

/** /app/admin/types: the account's ticket types — create, copy, archive (deactivate) or restore. */
export default function TypesPage() {
  const { t } = useTranslation("admin");
  usePageTitle(t("types.title"));
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const types = useTicketTypes();
  const workflows = useWorkflows();
  const copy = useMutation({
    mutationFn: (type: TicketType) => unwrap(api.POST("/api/v1/ticket-types/", { body: copyOfType(type, types.data ?? [], t("types.copyName", { name: type.name })) as TicketType })),
    onSuccess: (created, source) => {
      void queryClient.invalidateQueries({ queryKey: keys.types });
      notify(t("types.copied", { name: source.name }));
      navigate(`/admin/types/${created.id}`);
    },
  });
  const archive = useMutation({
    mutationFn: (type: TicketType) =>
      unwrap(api.PATCH("/api/v1/ticket-types/{id}/", { params: { path: { id: type.id } }, body: { is_active: !type.is_active } })),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: keys.types });
      notify(saved.is_active ? t("types.restored", { name: saved.name }) : t("types.archived", { name: saved.name }));
    },
  });
  const workflowName = (id: number) => workflows.data?.find((w) => w.id === id)?.name ?? "—";
  return (
    <div className="a-page admin-page">
      <div className="a-page__header">
        <div>
          <h1>{t("types.title")}</h1>
          <p className="a-page__subtitle">{t("types.subtitle")}</p>
        </div>
        <Link className="a-btn a-btn--primary" to="/admin/types/new">
          <span>{t("types.new")}</span>
        </Link>
      </div>
      <ErrorAlert error={types.error ?? copy.error ?? archive.error} />
      {types.isPending ? (
        <PageLoading />
      ) : (
        <div className="a-card admin-table-card">
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">{t("types.name")}</th>
                <th scope="col">{t("types.code")}</th>
                <th scope="col">{t("types.prefix")}</th>
                <th scope="col">{t("types.workflow")}</th>
                <th scope="col">{t("types.fields")}</th>
                <th scope="col">{t("types.state")}</th>
                <th scope="col">
                  <span className="a-visually-hidden">{t("actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(types.data ?? []).map((type) => (
                <tr key={type.id} className={type.is_active === false ? "is-muted" : undefined}>
                  <td>
                    <Link to={`/admin/types/${type.id}`}>{type.name}</Link>
                  </td>
                  <td>
                    <code>{type.code}</code>
                  </td>
                  <td>{type.prefix}</td>
                  <td>{workflowName(type.workflow)}</td>
                  <td>{type.form_fields?.length ?? 0}</td>
                  <td>{type.is_active === false ? t("types.archivedState") : t("types.activeState")}</td>
                  <td className="admin-table__actions">
                    <Button size="sm" variant="ghost" onClick={() => copy.mutate(type)} busy={copy.isPending && copy.variables?.id === type.id} aria-label={t("types.copyOf", { name: type.name })}>
                      {t("types.copy")}
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => archive.mutate(type)}
                      busy={archive.isPending && archive.variables?.id === type.id}
                      aria-label={type.is_active === false ? t("types.restoreOf", { name: type.name }) : t("types.archiveOf", { name: type.name })}
                    >
                      {type.is_active === false ? t("types.restore") : t("types.archive")}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AutoConfirmCard />
    </div>
  );
}
