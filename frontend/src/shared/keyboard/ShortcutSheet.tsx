import * as Dialog from "@radix-ui/react-dialog";
import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "@/shared/ui";
import { useActiveShortcuts } from "./useShortcuts";

const KEY_NAMES: Record<string, string> = {
  ArrowDown: "↓",
  ArrowUp: "↑",
  ArrowLeft: "←",
  ArrowRight: "→",
  Enter: "Enter",
  Escape: "Esc",
  " ": "Space",
};

function Keys({ keys }: { keys: string[] }) {
  const { t } = useTranslation("shared");
  return (
    <span className="a-keys">
      {keys.map((sequence, index) => (
        <Fragment key={sequence}>
          {index > 0 && <span className="a-keys__or">{t("keyboard.or")}</span>}
          {sequence.split(" ").map((key, i) => (
            <Fragment key={`${key}${i}`}>
              {i > 0 && <span className="a-keys__then">{t("keyboard.then")}</span>}
              <kbd>{KEY_NAMES[key] ?? key}</kbd>
            </Fragment>
          ))}
        </Fragment>
      ))}
    </span>
  );
}

/** The `?` sheet: every shortcut registered now, grouped (the page's and the app's). */
export default function ShortcutSheet({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { t } = useTranslation();
  const shortcuts = useActiveShortcuts();
  const groups = new Map<string, typeof shortcuts>();
  for (const shortcut of shortcuts) {
    const list = groups.get(shortcut.group) ?? [];
    if (!list.some((s) => s.label === shortcut.label)) list.push(shortcut);
    groups.set(shortcut.group, list);
  }
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="a-dialog__overlay" />
        <Dialog.Content className="a-dialog a-dialog--wide" aria-describedby={undefined}>
          <div className="a-dialog__header">
            <Dialog.Title>{t("shared:keyboard.title")}</Dialog.Title>
            <Dialog.Close className="a-btn a-btn--ghost a-btn--sm" aria-label={t("shared:actions.close")}>
              <Icon name="close" size={16} />
            </Dialog.Close>
          </div>
          <div className="a-shortcuts">
            {[...groups.entries()].map(([group, list]) => (
              <section key={group} className="a-shortcuts__group">
                <h3>{t(group)}</h3>
                <dl>
                  {list.map((s) => (
                    <div key={s.label} className="a-shortcuts__row">
                      <dt>{t(s.label)}</dt>
                      <dd>
                        <Keys keys={s.keys} />
                      </dd>
                    </div>
                  ))}
                </dl>
              </section>
            ))}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
