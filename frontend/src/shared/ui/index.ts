/** Shared primitives. Menu (Radix) is imported from "@/shared/ui/Menu" directly: the portal must not pull it. */
export { Alert, ErrorAlert, fieldErrors } from "./Alert";
export { Button, type ButtonProps } from "./Button";
export { PageLoading, Spinner } from "./Spinner";
export { TextField, type TextFieldProps } from "./TextField";
export { Icon, type IconName } from "./Icon";
export { PageTitleSuffix, usePageTitle } from "./usePageTitle";
export { LanguageSwitch } from "./LanguageSwitch";
