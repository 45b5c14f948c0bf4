import { useMutation } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "@/api/client";
import { Alert, Button, ErrorAlert, fieldErrors, TextField } from "@/shared/ui";
import { LINK_ERRORS } from "./api";

interface Props {
  uid: string;
  token: string;
  submit: (body: { uid: string; token: string; password: string }) => Promise<void>;
  submitLabel: string;
  onDone: () => void;
  /** What to offer when the link itself is expired or invalid. */
  linkHelp: ReactNode;
}

/**
 * A new password typed twice. The match check is a typing aid only; the API judges the password
 * (`fields.password`) and the link (`link_expired`, `link_invalid`).
 */
export function NewPasswordForm({ uid, token, submit, submitLabel, onDone, linkHelp }: Props) {
  const { t } = useTranslation("auth");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const mutation = useMutation({ mutationFn: submit, onSuccess: onDone });
  const error = mutation.error;
  const linkProblem = isApiError(error) && (LINK_ERRORS.has(error.code) || "uid" in error.fields || "token" in error.fields);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    mutation.mutate({ uid, token, password });
  };

  if (linkProblem) {
    return (
      <>
        <Alert tone="error" title={t(isApiError(error) && error.code === "link_expired" ? "link.expiredTitle" : "link.invalidTitle")}>
          <p>{isApiError(error) ? error.detail || t("link.invalid") : null}</p>
        </Alert>
        {linkHelp}
      </>
    );
  }

  return (
    <>
      <ErrorAlert error={error} shownFields={["password"]} />
      <form className="a-form" onSubmit={onSubmit} noValidate>
        <TextField
          label={t("fields.newPassword")}
          type="password"
          name="password"
          autoComplete="new-password"
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          errors={fieldErrors(error, "password")}
        />
        <TextField
          label={t("fields.repeatPassword")}
          type="password"
          name="repeat"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => {
            setRepeat(e.target.value);
            if (mismatch) setMismatch(false);
          }}
          errors={mismatch ? [t("fields.mismatch")] : undefined}
        />
        <Button type="submit" variant="primary" block busy={mutation.isPending}>
          {submitLabel}
        </Button>
      </form>
    </>
  );
}
