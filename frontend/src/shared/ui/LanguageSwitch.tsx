import { useId } from "react";
import { useTranslation } from "react-i18next";
import { LANGUAGES } from "@/shared/i18n";
import { useChangeLanguage } from "@/shared/session/language";

/** Русский | English as a native radio group (keyboard: arrows; labelled by a legend). */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation("shared");
  const changeLanguage = useChangeLanguage();
  const name = useId();
  return (
    <fieldset className={`a-segmented${compact ? " a-segmented--compact" : ""}`}>
      <legend className={compact ? "a-visually-hidden" : "a-field__label"}>{t("language.label")}</legend>
      <div className="a-segmented__options">
        {LANGUAGES.map((language) => (
          <label key={language} className="a-segmented__option" lang={language}>
            <input
              type="radio"
              name={name}
              value={language}
              checked={i18n.language === language}
              onChange={() => void changeLanguage(language)}
            />
            <span>{t(`language.${language}`)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
