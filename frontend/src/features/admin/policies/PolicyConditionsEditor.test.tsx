import { fireEvent, screen, within } from "@testing-library/react";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { mockApi, renderWithQuery } from "@/shared/test/render";
import { conditionsFromApi, conditionsToApi, type PolicyConditions } from "./conditions";
import { PolicyConditionsEditor } from "./PolicyConditionsEditor";

const FORM = [
  { key: "amount", label: "Amount" },
  { key: "kind", label: "Kind of goods" },
];

function Harness({ initial, errors = {}, onValue }: { initial: unknown; errors?: Record<string, string[]>; onValue: (c: Record<string, unknown>) => void }) {
  const [value, setValue] = useState<PolicyConditions>(conditionsFromApi(initial));
  return (
    <PolicyConditionsEditor
      value={value}
      onChange={(c) => {
        setValue(c);
        onValue(conditionsToApi(c));
      }}
      formFields={FORM}
      errors={(name) => errors[name]}
    />
  );
}

describe("PolicyConditionsEditor", () => {
  beforeEach(() => {
    mockApi({}); // the company and location pickers look their lists up
  });

  it("adds a field condition on one of the type's form fields", () => {
    const onValue = vi.fn();
    renderWithQuery(<Harness initial={{}} onValue={onValue} />);
    fireEvent.click(screen.getByRole("button", { name: "Add field condition" }));
    const key = screen.getByRole("combobox", { name: "Field key of condition 1" });
    expect(within(key).getAllByRole("option").map((o) => o.textContent)).toEqual(["— choose a field —", "Amount", "Kind of goods"]);
    fireEvent.change(key, { target: { value: "amount" } });
    fireEvent.change(screen.getByRole("combobox", { name: "Comparison of condition 1" }), { target: { value: "gte" } });
    fireEvent.change(screen.getByRole("textbox", { name: "Value of condition 1" }), { target: { value: "5000" } });
    expect(onValue).toHaveBeenLastCalledWith({ fields: [{ key: "amount", op: "gte", value: 5000 }] });
    fireEvent.click(screen.getByRole("button", { name: "Remove condition 1" }));
    expect(onValue).toHaveBeenLastCalledWith({});
  });

  it("keeps a saved key the form no longer has choosable, so opening a policy does not change it", () => {
    renderWithQuery(<Harness initial={{ fields: [{ key: "old_field", op: "eq", value: "x" }] }} onValue={vi.fn()} />);
    expect(screen.getByRole("combobox", { name: "Field key of condition 1" })).toHaveValue("old_field");
  });

  it("sets a time window with weekdays", () => {
    const onValue = vi.fn();
    renderWithQuery(<Harness initial={{}} onValue={onValue} />);
    fireEvent.click(screen.getByRole("checkbox", { name: /Only at these times/ }));
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "07:30" } });
    expect(onValue).toHaveBeenLastCalledWith({ time: { from: "07:30", to: "18:00" } });
  });

  it("shows the API's messages in the part they concern", () => {
    renderWithQuery(
      <Harness
        initial={{ fields: [{ key: "amount", op: "eq", value: "1" }], time: { from: "09:00", to: "18:00" } }}
        errors={{ "conditions.fields": ["Each item needs a key and an op among: contains, eq."], "conditions.time": ["Use HH:MM."], "conditions.channels": ["Unknown channel."] }}
        onValue={vi.fn()}
      />,
    );
    const fields = screen.getByRole("group", { name: "Form fields" });
    expect(within(fields).getByText("Each item needs a key and an op among: contains, eq.")).toBeInTheDocument();
    expect(within(screen.getByRole("group", { name: "Time of day" })).getByText("Use HH:MM.")).toBeInTheDocument();
    expect(screen.getByText("Unknown channel.")).toBeInTheDocument();
    expect(within(fields).queryByText("Use HH:MM.")).not.toBeInTheDocument();
  });
});
