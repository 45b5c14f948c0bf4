import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { ApiError } from "@/api/errors";
import { SessionProvider } from "@/shared/session/SessionContext";
import type { Me } from "@/shared/session/api";
import { jsonResponse, mockApi, renderWithQuery } from "@/shared/test/render";
import { CustomFieldsForm, type CustomFieldsFormProps, fieldErrorsFor, type FieldValues, type FormFieldDef } from ".";
import { checkFields, isoToZonedInput, toApiFields, zonedInputToIso } from "./values";

const me = { user: { id: 1, full_name: "D", email: "d@x", role: "dispatcher" }, account: { name: "Mall", time_zone: "Europe/Moscow" } } as unknown as Me;

const f = (kind: FormFieldDef["kind"], extra: Partial<FormFieldDef> = {}): FormFieldDef => ({
  key: extra.key ?? kind,
  label: extra.label ?? `The ${kind}`,
  kind,
  required: false,
  choices: [],
  min_value: null,
  max_value: null,
  max_length: null,
  help_text: "",
  ...extra,
});

let lastValues: FieldValues = {};

function Harness(props: Partial<CustomFieldsFormProps> & { fields: FormFieldDef[]; initial?: FieldValues }) {
  const [values, setValues] = useState<FieldValues>(props.initial ?? {});
  lastValues = values;
  return (
    <SessionProvider me={me}>
      <CustomFieldsForm
        {...props}
        values={values}
        onChange={(v) => {
          lastValues = v;
          setValues(v);
        }}
      />
    </SessionProvider>
  );
}

function renderForm(props: Partial<CustomFieldsFormProps> & { fields: FormFieldDef[]; initial?: FieldValues }) {
  lastValues = props.initial ?? {};
  return renderWithQuery(<Harness {...props} />);
}

describe("CustomFieldsForm (edit)", () => {
  it("renders every field in the definition's order with labels, required marks and help text", () => {
    renderForm({
      fields: [
        f("number", { key: "n", label: "Loaders", min_value: "0.0000", max_value: "50.0000" }),
        f("text", { key: "t", label: "Plate", required: true, help_text: "As on the vehicle" }),
        f("long_text", { key: "l", label: "Goods" }),
      ],
    });
    const labels = screen.getAllByText(/Loaders|Plate|Goods/).map((el) => el.textContent);
    expect(labels).toEqual(["Loaders", "Plate *", "Goods"]);
    expect(screen.getByLabelText(/Plate/)).toHaveAttribute("aria-required", "true");
    expect(screen.getByLabelText(/Plate/)).toHaveAccessibleDescription("As on the vehicle");
    expect(screen.getByLabelText("Loaders")).toHaveAccessibleDescription("From 0 to 50");
    expect(screen.getByLabelText("Goods").tagName).toBe("TEXTAREA");
  });

  it("keeps text, long text and numbers in the API's shape", async () => {
    const user = userEvent.setup();
    renderForm({ fields: [f("text"), f("long_text"), f("number")] });
    await user.type(screen.getByLabelText("The text"), "AB 123");
    await user.type(screen.getByLabelText("The long_text"), "two{enter}lines");
    await user.type(screen.getByLabelText("The number"), "2,5");
    expect(lastValues).toEqual({ text: "AB 123", long_text: "two\nlines", number: 2.5 });
    await user.clear(screen.getByLabelText("The number"));
    expect(lastValues).not.toHaveProperty("number");
  });

  it("flags an ill-formed number once left, and a required field only when validating", async () => {
    const user = userEvent.setup();
    const fields = [f("number", { key: "n", label: "Loaders" }), f("text", { key: "t", label: "Plate", required: true })];
    const { rerender } = renderForm({ fields });
    expect(screen.queryByText("Fill this in.")).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("Loaders"), "many");
    expect(screen.queryByText("Enter a number.")).not.toBeInTheDocument();
    await user.tab();
    expect(screen.getByLabelText("Loaders")).toHaveAccessibleDescription("Enter a number.");
    expect(screen.getByLabelText("Loaders")).toHaveAttribute("aria-invalid", "true");
    rerender(<Harness fields={fields} initial={{ n: "many" }} validate />);
    expect(screen.getByLabelText(/Plate/)).toHaveAccessibleDescription("Fill this in.");
    await user.type(screen.getByLabelText(/Plate/), "x");
    expect(screen.queryByText("Fill this in.")).not.toBeInTheDocument();
  });

  it("date and datetime: a date as YYYY-MM-DD, a datetime in the account's time zone with its offset", async () => {
    const user = userEvent.setup();
    renderForm({ fields: [f("date"), f("datetime")], initial: { datetime: "2026-05-01T07:30:00Z" } });
    expect(screen.getByLabelText("The datetime")).toHaveValue("2026-05-01T10:30"); // Moscow, UTC+3
    await user.type(screen.getByLabelText("The date"), "2026-06-15");
    expect(lastValues.date).toBe("2026-06-15");
    await user.clear(screen.getByLabelText("The datetime"));
    await user.type(screen.getByLabelText("The datetime"), "2026-06-15T09:05");
    expect(lastValues.datetime).toBe("2026-06-15T09:05:00+03:00");
  });

  it("choice: a select over the choices, shown as words", async () => {
    const user = userEvent.setup();
    renderForm({ fields: [f("choice", { key: "feeling", label: "It is", required: true, choices: ["too_hot", "too_cold"] })] });
    const select = screen.getByLabelText(/It is/);
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual(["Choose…", "Too hot", "Too cold"]);
    await user.selectOptions(select, "too_cold");
    expect(lastValues).toEqual({ feeling: "too_cold" });
    await user.selectOptions(select, "");
    expect(lastValues).toEqual({});
  });

  it("multi choice: checkboxes in a labelled group, kept in the definition's order", async () => {
    const user = userEvent.setup();
    renderForm({ fields: [f("multi_choice", { key: "m", label: "Works", choices: ["weld", "cut", "paint"] })] });
    const group = screen.getByRole("group", { name: "Works" });
    await user.click(within(group).getByLabelText("Paint"));
    await user.click(within(group).getByLabelText("Weld"));
    expect(lastValues).toEqual({ m: ["weld", "paint"] });
    await user.click(within(group).getByLabelText("Weld"));
    await user.click(within(group).getByLabelText("Paint"));
    expect(lastValues).toEqual({});
  });

  it("boolean: Yes / No radios, neither chosen until the person chooses", async () => {
    const user = userEvent.setup();
    renderForm({ fields: [f("boolean", { key: "hot", label: "Hot works" })] });
    const group = screen.getByRole("group", { name: "Hot works" });
    expect(within(group).getByLabelText("Yes")).not.toBeChecked();
    expect(within(group).getByLabelText("No")).not.toBeChecked();
    await user.click(within(group).getByLabelText("No"));
    expect(lastValues).toEqual({ hot: false });
    await user.click(within(group).getByLabelText("Yes"));
    expect(lastValues).toEqual({ hot: true });
  });

  it("person: searches the directory and keeps the id", async () => {
    const user = userEvent.setup();
    const { calls } = mockApi({
      "GET /api/v1/people/": (req) => {
        const q = new URL(req.url).searchParams.get("q");
        const all = [
          { id: 7, full_name: "Irina Key", email: "irina@shop.ru", company: 3 },
          { id: 8, full_name: "Oleg Guard", email: "oleg@mall.ru", company: null },
        ];
        return jsonResponse(200, { next: null, results: all.filter((p) => !q || p.full_name.includes(q)) });
      },
    });
    renderForm({ fields: [f("person", { key: "who", label: "Contact person" })] });
    const box = screen.getByRole("combobox", { name: "Contact person" });
    await user.type(box, "Irina");
    await user.click(await screen.findByRole("option", { name: /Irina Key/ }));
    expect(lastValues).toEqual({ who: 7 });
    expect(box).toHaveValue("Irina Key");
    expect(calls.some((c) => new URL(c.url).searchParams.get("q") === "Irina")).toBe(true);
  });

  it("location: the tree by keyboard (arrows and Enter)", async () => {
    const user = userEvent.setup();
    mockApi({
      "GET /api/v1/locations/": jsonResponse(200, {
        next: null,
        results: [
          { id: 1, parent: null, kind: "building", name: "Main", code: "", path: "/1/" },
          { id: 2, parent: 1, kind: "floor", name: "Floor 2", code: "F2", path: "/1/2/" },
        ],
      }),
    });
    renderForm({ fields: [f("location", { key: "where", label: "Where" })] });
    const box = screen.getByRole("combobox", { name: "Where" });
    await user.click(box);
    expect(await screen.findByRole("option", { name: /Floor 2 \(F2\)/ })).toHaveTextContent("Main");
    await user.keyboard("{ArrowDown}{Enter}");
    expect(lastValues).toEqual({ where: 2 });
    expect(box).toHaveValue("Floor 2 (F2)");
  });

  it("company and equipment pickers filter their lists", async () => {
    const user = userEvent.setup();
    mockApi({
      "GET /api/v1/companies/": jsonResponse(200, { next: null, results: [{ id: 3, name: "Coffee Lab" }, { id: 4, name: "Shoe Box" }] }),
      "GET /api/v1/equipment/": jsonResponse(200, { next: null, results: [{ id: 9, name: "Escalator E1", kind: "escalator", location: 2 }] }),
    });
    renderForm({ fields: [f("company", { label: "Supplier" }), f("equipment", { label: "Unit" })] });
    await user.type(screen.getByRole("combobox", { name: "Supplier" }), "shoe");
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual(["Shoe Box"]);
    await user.keyboard("{Enter}");
    await user.click(screen.getByRole("combobox", { name: "Unit" }));
    await user.click(await screen.findByRole("option", { name: /Escalator E1/ }));
    expect(lastValues).toEqual({ company: 4, equipment: 9 });
  });

  it("file: chooses one of the ticket's attachments; none before filing", async () => {
    const user = userEvent.setup();
    const { unmount } = renderForm({ fields: [f("file", { label: "Act" })] });
    expect(screen.getByLabelText("Act")).toBeDisabled();
    expect(screen.getByRole("option", { name: "Attach files to the ticket first" })).toBeInTheDocument();
    unmount();
    renderForm({ fields: [f("file", { label: "Act" })], attachments: [{ id: 12, name: "act.pdf" }] });
    await user.selectOptions(screen.getByLabelText("Act"), "12");
    expect(lastValues).toEqual({ file: 12 });
  });

  it("puts the API's messages under the field they name (fields.<key> and fields.fields.<key>)", () => {
    const error = new ApiError({
      status: 400,
      code: "invalid",
      detail: "Check the fields.",
      fields: { "fields.severity": ["Choose one of: drip, stream, flood."], "fields.fields.when": ["Enter a date."], title: ["Required."] },
    });
    renderForm({
      fields: [f("choice", { key: "severity", label: "How bad", choices: ["drip"] }), f("datetime", { key: "when", label: "Noticed at" })],
      error,
      errors: { when: ["Also this."] },
    });
    expect(screen.getByLabelText("How bad")).toHaveAccessibleDescription("Choose one of: drip, stream, flood.");
    expect(screen.getByLabelText("Noticed at")).toHaveAccessibleDescription("Also this. Enter a date.");
    expect(screen.queryByText("Required.")).not.toBeInTheDocument();
  });
});

describe("CustomFieldsForm (view)", () => {
  it("shows each value formatted, and a dash for empty ones", () => {
    renderForm({
      mode: "view",
      fields: [
        f("choice", { key: "c", label: "How bad", choices: ["too_hot"] }),
        f("boolean", { key: "b", label: "Hot works" }),
        f("multi_choice", { key: "m", label: "Works", choices: ["weld", "cut"] }),
        f("date", { key: "d", label: "Event date" }),
        f("text", { key: "t", label: "Plate" }),
      ],
      initial: { c: "too_hot", b: false, m: ["weld", "cut"], d: "2026-06-15" },
    });
    const row = (name: string) => screen.getByText(name).closest("div")!;
    expect(row("How bad")).toHaveTextContent("Too hot");
    expect(row("Hot works")).toHaveTextContent("No");
    expect(row("Works")).toHaveTextContent("Weld, Cut");
    expect(row("Event date")).toHaveTextContent(/15.*2026|Jun/);
    expect(row("Plate")).toHaveTextContent("—");
  });
});

describe("helpers", () => {
  it("fieldErrorsFor reads both spellings and ignores other errors", () => {
    const error = new ApiError({ status: 400, code: "invalid", detail: "", fields: { "fields.a": ["x"], "fields.fields.a": ["y"] } });
    expect(fieldErrorsFor(error, "a")).toEqual(["x", "y"]);
    expect(fieldErrorsFor(error, "b")).toBeUndefined();
    expect(fieldErrorsFor(new Error("boom"), "a")).toBeUndefined();
  });

  it("checkFields and toApiFields", () => {
    const fields = [f("text", { key: "t", required: true }), f("number", { key: "n" }), f("boolean", { key: "b" })];
    expect(checkFields(fields, { n: "abc" })).toEqual({ t: "required", n: "number" });
    expect(checkFields(fields, { t: "x", n: 3, b: false })).toEqual({});
    expect(toApiFields(fields, { t: "x", n: undefined, b: false, stray: 1 })).toEqual({ t: "x", b: false });
  });

  it("converts wall times in a zone to instants and back", () => {
    expect(zonedInputToIso("2026-01-10T09:00", "Europe/Moscow")).toBe("2026-01-10T09:00:00+03:00");
    expect(zonedInputToIso("2026-07-10T09:00", "Europe/Berlin")).toBe("2026-07-10T09:00:00+02:00");
    expect(zonedInputToIso("2026-01-10T09:00", "America/New_York")).toBe("2026-01-10T09:00:00-05:00");
    expect(isoToZonedInput("2026-07-10T07:00:00Z", "Europe/Berlin")).toBe("2026-07-10T09:00");
    expect(isoToZonedInput("nonsense", "Europe/Berlin")).toBe("");
  });
});
