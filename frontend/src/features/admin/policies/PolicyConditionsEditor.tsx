import { useTranslation } from "react-i18next";
import { Button, TextField } from "@/shared/ui";
import { CHANNELS, PRIORITIES } from "../api";
import { Checks, IdList } from "../controls";
import { FIELD_OPS, type FieldOp } from "../routing/rule";
import type { PolicyConditions } from "./conditions";

interface FormFieldOption {
  key: string;
  label: string;
}

function Errors({ messages }: { messages?: string[] }) {
  return messages?.length ? (
    <ul className="a-field__errors">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  ) : null;
}

/** "Applies when": the policy's conditions, with the API's messages next to the part they concern.
 * `formFields` are the policy's ticket type's form fields (a field condition picks one of them). */
export function PolicyConditionsEditor({ value, onChange, formFields, errors }: { value: PolicyConditions; onChange: (c: PolicyConditions) => void; formFields: FormFieldOption[]; errors: (name: string) => string[] | undefined }) {
  const { t } = useTranslation("admin");
  const set = (patch: Partial<PolicyConditions>) => onChange({ ...value, ...patch });
  const setField = (i: number, patch: Partial<PolicyConditions["fields"][number]>) => set({ fields: value.fields.map((x, k) => (k === i ? { ...x, ...patch } : x)) });
  return (
    <>
      <Errors messages={errors("conditions")} />
      <Checks legend={t("routing.priorities")} options={PRIORITIES} value={value.priorities as (1 | 2 | 3 | 4)[]} onChange={(priorities) => set({ priorities })} label={(p) => t(`priority.${p}`)} />
      <Errors messages={errors("conditions.priorities")} />
      <Checks legend={t("routing.channels")} options={CHANNELS} value={value.channels as (typeof CHANNELS)[number][]} onChange={(channels) => set({ channels })} label={(c) => t(`channels.${c}`)} />
      <Errors messages={errors("conditions.channels")} />
      <IdList label={t("routing.companies")} ids={value.companies} onChange={(companies) => set({ companies })} kind="company" errors={errors("conditions.companies")} />
      <IdList label={t("routing.locations")} ids={value.locations} onChange={(locations) => set({ locations })} kind="location" errors={errors("conditions.locations")} />
      <fieldset className="admin-fieldset">
        <legend>{t("routing.fieldConditions")}</legend>
        {value.fields.map((f, i) => {
          // a key the type's form no longer has stays choosable, so opening a policy never changes it
          const options = formFields.some((x) => x.key === f.key) || !f.key ? formFields : [...formFields, { key: f.key, label: f.key }];
          return (
            <div key={i} className="routing-fieldcond">
              <select className="a-input" aria-label={t("routing.fieldKey", { n: i + 1 })} value={f.key} onChange={(e) => setField(i, { key: e.target.value })}>
                <option value="">{t("policies.chooseField")}</option>
                {options.map((x) => (
                  <option key={x.key} value={x.key}>
                    {x.label}
                  </option>
                ))}
              </select>
              <select className="a-input" aria-label={t("routing.fieldOp", { n: i + 1 })} value={f.op} onChange={(e) => setField(i, { op: e.target.value as FieldOp })}>
                {FIELD_OPS.map((op) => (
                  <option key={op} value={op}>
                    {t(`routing.ops.${op}`)}
                  </option>
                ))}
              </select>
              <input className="a-input" aria-label={t("routing.fieldValue", { n: i + 1 })} value={f.value} onChange={(e) => setField(i, { value: e.target.value })} />
              <Button size="sm" variant="ghost" onClick={() => set({ fields: value.fields.filter((_x, k) => k !== i) })} aria-label={t("routing.removeCondition", { n: i + 1 })}>
                {t("remove")}
              </Button>
            </div>
          );
        })}
        {formFields.length === 0 && value.fields.length === 0 && <p className="admin-hint">{t("policies.noFormFields")}</p>}
        <Button size="sm" onClick={() => set({ fields: [...value.fields, { key: "", op: "eq", value: "" }] })}>
          {t("routing.addCondition")}
        </Button>
        <Errors messages={errors("conditions.fields")} />
      </fieldset>
      <fieldset className="admin-fieldset">
        <legend>{t("routing.time")}</legend>
        <label className="admin-check">
          <input type="checkbox" checked={value.timeOn} onChange={(e) => set({ timeOn: e.target.checked })} />
          {t("routing.timeOn")}
        </label>
        {value.timeOn && (
          <>
            <div className="admin-grid">
              <TextField type="time" label={t("routing.from")} value={value.timeFrom} onChange={(e) => set({ timeFrom: e.target.value })} />
              <TextField type="time" label={t("routing.to")} value={value.timeTo} onChange={(e) => set({ timeTo: e.target.value })} />
            </div>
            <Checks legend={t("routing.weekdays")} options={[0, 1, 2, 3, 4, 5, 6]} value={value.weekdays} onChange={(weekdays) => set({ weekdays })} label={(n) => t(`weekdays.${n}`)} />
          </>
        )}
        <Errors messages={errors("conditions.time")} />
      </fieldset>
    </>
  );
}
