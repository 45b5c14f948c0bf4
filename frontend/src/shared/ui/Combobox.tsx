import { type KeyboardEvent, type ReactNode, useId, useRef, useState } from "react";

export interface ComboOption {
  id: number | string;
  label: string;
  /** A second, quieter line (e-mail, the location's path). */
  detail?: string | undefined;
  /** Indentation level (a tree shown as a list). */
  depth?: number | undefined;
}

export interface ComboboxProps {
  label: ReactNode;
  id?: string | undefined;
  /** The options for the current query: the caller searches (API) or filters them. */
  options: ComboOption[];
  selected: ComboOption | null;
  onSelect: (option: ComboOption | null) => void;
  query: string;
  onQueryChange: (query: string) => void;
  loading?: boolean | undefined;
  /** Shown when there are no options ("No matches"). */
  emptyText: string;
  loadingText: string;
  /** Accessible name of the clear button ("Clear"). */
  clearLabel: string;
  errors?: string[] | undefined;
  hint?: ReactNode;
  required?: boolean | undefined;
  disabled?: boolean | undefined;
  placeholder?: string | undefined;
  className?: string | undefined;
}

/**
 * A searchable single select (the WAI-ARIA 1.2 combobox pattern): type to search, arrows to move,
 * Enter to choose, Escape to close, Tab leaves. The selection shows as the input's text while not
 * searching. Ctrl/⌘+Enter is left alone so forms can use it to submit.
 */
export function Combobox({
  label,
  id,
  options,
  selected,
  onSelect,
  query,
  onQueryChange,
  loading = false,
  emptyText,
  loadingText,
  clearLabel,
  errors,
  hint,
  required,
  disabled,
  placeholder,
  className,
}: ComboboxProps) {
  const autoId = useId();
  const inputId = id ?? `cb${autoId}`;
  const listId = `${inputId}-list`;
  const labelId = `${inputId}-label`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = errors?.length ? `${inputId}-error` : undefined;
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);

  const shown = open && !disabled;
  const activeOption = shown ? options[Math.min(active, options.length - 1)] : undefined;
  const optionId = (option: ComboOption) => `${inputId}-opt-${option.id}`;

  const choose = (option: ComboOption | null) => {
    onSelect(option);
    setEditing(false);
    setOpen(false);
    onQueryChange("");
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(0);
        } else setActive((i) => Math.min(i + 1, Math.max(options.length - 1, 0)));
        break;
      case "ArrowUp":
        event.preventDefault();
        setActive((i) => Math.max(i - 1, 0));
        break;
      case "Enter":
        if (shown && activeOption) {
          event.preventDefault();
          choose(activeOption);
        }
        break;
      case "Escape":
        if (open || editing) {
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
          setEditing(false);
          onQueryChange("");
        }
        break;
    }
  };

  const onBlur = () => {
    if (editing && query.trim() === "" && selected) onSelect(null); // the text was erased
    setOpen(false);
    setEditing(false);
    if (query) onQueryChange("");
  };

  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={["a-field", "a-combobox", errors?.length ? "a-field--invalid" : "", className].filter(Boolean).join(" ")}>
      <label className="a-field__label" id={labelId} htmlFor={inputId}>
        {label}
        {required && (
          <span className="a-required" aria-hidden="true">
            {" *"}
          </span>
        )}
      </label>
      <div className="a-combobox__control">
        <input
          ref={inputRef}
          id={inputId}
          className="a-input"
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={shown}
          aria-controls={listId}
          aria-activedescendant={activeOption ? optionId(activeOption) : undefined}
          aria-required={required || undefined}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={describedBy}
          disabled={disabled}
          placeholder={placeholder}
          value={editing ? query : (selected?.label ?? "")}
          onChange={(e) => {
            setEditing(true);
            setOpen(true);
            setActive(0);
            onQueryChange(e.target.value);
          }}
          onClick={() => setOpen(true)}
          onKeyDown={onKeyDown}
          onBlur={onBlur}
        />
        {selected && !disabled && (
          <button
            type="button"
            className="a-combobox__clear"
            aria-label={clearLabel}
            title={clearLabel}
            onClick={() => {
              choose(null);
              inputRef.current?.focus();
            }}
          >
            ×
          </button>
        )}
        {shown && options.length === 0 && (
          <div className="a-combobox__list a-combobox__note" role="status">
            {loading ? loadingText : emptyText}
          </div>
        )}
        <ul id={listId} role="listbox" aria-labelledby={labelId} className="a-combobox__list" hidden={!shown || options.length === 0}>
          {shown &&
            options.map((option) => (
              <li
                key={option.id}
                id={optionId(option)}
                role="option"
                aria-selected={option === activeOption}
                className={["a-combobox__option", option === activeOption ? "is-active" : "", selected?.id === option.id ? "is-selected" : ""]
                  .filter(Boolean)
                  .join(" ")}
                style={option.depth ? { paddingLeft: `${12 + option.depth * 14}px` } : undefined}
                onMouseDown={(e) => e.preventDefault()} // keep the focus in the input
                onClick={() => choose(option)}
              >
                <span className="a-combobox__label">{option.label}</span>
                {option.detail && <span className="a-combobox__detail">{option.detail}</span>}
              </li>
            ))}
        </ul>
      </div>
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
}
