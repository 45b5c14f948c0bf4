import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { ErrorAlert, PageLoading, usePageTitle } from "@/shared/ui";
import { useTicketTypes, useWorkflows } from "../api";

/** /app/admin/workflows: the account's workflows and the types that use them. */
export default function WorkflowsPage() {
  const { t } = useTranslation("admin");
  usePageTitle(t("workflows.title"));
  const workflows = useWorkflows();
  const types = useTicketTypes();
  return (
    <div className="a-page admin-page">
      <div className="a-page__header">
        <div>
          <h1>{t("workflows.title")}</h1>
          <p className="a-page__subtitle">{t("workflows.subtitle")}</p>
        </div>
        <Link className="a-btn a-btn--primary" to="/admin/workflows/new">
          <span>{t("workflows.new")}</span>
        </Link>
      </div>
      <ErrorAlert error={workflows.error} />
      {workflows.isPending ? (
        <PageLoading />
      ) : (
        <div className="a-card admin-table-card">
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">{t("workflows.name")}</th>
                <th scope="col">{t("workflows.code")}</th>
                <th scope="col">{t("workflows.statuses")}</th>
                <th scope="col">{t("workflows.transitions")}</th>
                <th scope="col">{t("workflows.usedBy")}</th>
              </tr>
            </thead>
            <tbody>
              {(workflows.data ?? []).map((w) => (
                <tr key={w.id}>
                  <td>
                    <Link to={`/admin/workflows/${w.id}`}>{w.name}</Link>
                  </td>
                  <td>
                    <code>{w.code}</code>
                  </td>
                  <td>{w.statuses.length}</td>
                  <td>{w.transitions.length}</td>
                  <td>
                    {(types.data ?? [])
                      .filter((tt) => tt.workflow === w.id)
                      .map((tt) => tt.name)
                      .join(", ") || "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
