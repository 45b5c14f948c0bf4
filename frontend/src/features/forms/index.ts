/**
 * The custom-form renderer every ticket screen shares (new ticket, ticket page, transitions):
 *
 *   <CustomFieldsForm fields={type.form_fields} values={values} onChange={setValues}
 *     error={mutation.error} validate={triedToSubmit} idPrefix="new" />
 *
 * See CustomFieldsForm.tsx for the props, values.ts for the values' shape.
 */
export { CustomFieldsForm, type CustomFieldsFormProps } from "./CustomFieldsForm";
export { customFieldErrorNames, fieldErrorsFor } from "./errors";
export {
  checkFields,
  choiceLabel,
  choicesOf,
  FIELD_KINDS,
  type ClientIssue,
  type FieldKind,
  type FieldValues,
  type FormFieldDef,
  isEmpty,
  isoToZonedInput,
  toApiFields,
  zonedInputToIso,
} from "./values";
export { CompanyPicker, EquipmentPicker, LocationPicker, PersonPicker, type PickerProps } from "./pickers";
export type { Company, Equipment, Location, Person } from "./api";
