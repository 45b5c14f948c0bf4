import { useId } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "@/shared/ui";
import { Menu } from "@/shared/ui/Menu";

export interface Option {
  value: string;
  label: string;
}

/** A labelled "pick several" control: a button showing the choice, a menu of checkboxes. */
export function MultiSelect({ label, options, values, onChange }: { label: string; options: Option[]; values: string[]; onChange: (values: string[]) => void }) {
  const { t } = useTranslation("queues");
  const id = useId();
  const chosen = options.filter((o) => values.includes(o.value));
  const summary = chosen.length === 0 ? t("filters.any") : chosen.length <= 2 ? chosen.map((o) => o.label).join(", ") : t("filters.nChosen", { count: chosen.length });
  return (
    <div className="a-field queues-filter">
      <span className="a-field__label" id={`${id}-label`}>
        {label}
      </span>
      <Menu.Root>
        <Menu.Trigger className="a-input queues-multi" id={`${id}-btn`} aria-labelledby={`${id}-label ${id}-btn`}>
          <span className="queues-multi__text">{summary}</span>
          <Icon name="chevron" size={14} />
        </Menu.Trigger>
        <Menu.Content align="start" className="queues-multi__menu">
          {options.map((option) => (
            <Menu.CheckboxItem
              key={option.value}
              checked={values.includes(option.value)}
              onSelect={(e) => e.preventDefault()}
              onCheckedChange={(checked) =>
                onChange(checked ? [...values, option.value] : values.filter((v) => v !== option.value))
              }
            >
              {option.label}
            </Menu.CheckboxItem>
          ))}
          {values.length > 0 && (
            <>
              <Menu.Separator />
              <Menu.Item onSelect={() => onChange([])}>{t("filters.clearOne")}</Menu.Item>
            </>
          )}
        </Menu.Content>
      </Menu.Root>
    </div>
  );
}
