import { type ButtonHTMLAttributes, forwardRef } from "react";
import { Spinner } from "./Spinner";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: "primary" | "secondary" | "ghost" | "danger";
  size?: "md" | "sm";
  /** Shows a spinner and disables the button (the label stays for screen readers). */
  busy?: boolean;
  block?: boolean;
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = "secondary", size = "md", busy = false, block = false, className, children, disabled, type = "button", ...rest },
  ref,
) {
  const classes = ["a-btn", `a-btn--${variant}`, size === "sm" && "a-btn--sm", block && "a-btn--block", className]
    .filter(Boolean)
    .join(" ");
  return (
    <button ref={ref} type={type} className={classes} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy && <Spinner size="sm" decorative />}
      <span>{children}</span>
    </button>
  );
});
