import { forwardRef, type InputHTMLAttributes, type ReactNode, useId } from "react";

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id"> {
  label: ReactNode;
  /** Messages for this field, e.g. `error.fieldErrors("password")` from the API. */
  errors?: string[] | undefined;
  hint?: ReactNode;
  id?: string;
}

/** A labelled input with its hint and its error messages wired to aria-describedby. */
export const TextField = forwardRef<HTMLInputElement, TextFieldProps>(function TextField(
  { label, errors, hint, id, className, ...input },
  ref,
) {
  const autoId = useId();
  const inputId = id ?? `f${autoId}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = errors?.length ? `${inputId}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={["a-field", errors?.length ? "a-field--invalid" : "", className].filter(Boolean).join(" ")}>
      <label className="a-field__label" htmlFor={inputId}>
        {label}
      </label>
      <input
        ref={ref}
        id={inputId}
        className="a-input"
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
      {hint && (
        <div id={hintId} className="a-field__hint">
          {hint}
        </div>
      )}
      {errorId && (
        <ul id={errorId} className="a-field__errors">
          {errors!.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
});
