import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach, beforeAll } from "vitest";
import { initTestI18n } from "./i18n";

// Lazily loaded pages can take more than the default second on a loaded 2-core machine: wait
// longer for what a user would see (a wait ends as soon as it is there; it never slows a pass).
configure({ asyncUtilTimeout: 5000 });

beforeAll(async () => {
  await initTestI18n("en");
});

afterEach(() => {
  cleanup();
  document.cookie.split(";").forEach((c) => {
    const name = c.split("=")[0]?.trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  });
  localStorage.clear();
});
