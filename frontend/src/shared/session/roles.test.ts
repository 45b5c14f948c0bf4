import { describe, expect, it } from "vitest";
import { afterSignIn, homeFor, isAgentRole, safeNext } from "./roles";

describe("roles", () => {
  it("sends agents to /app/ and requesters to /portal/", () => {
    for (const role of ["account_admin", "dispatcher", "engineer", "guard", "approver"]) {
      expect(isAgentRole(role)).toBe(true);
      expect(homeFor(role)).toBe("/app/");
    }
    for (const role of ["key_user", "employee", "visitor", "something_new"]) {
      expect(isAgentRole(role)).toBe(false);
      expect(homeFor(role)).toBe("/portal/");
    }
  });

  it("follows only same-origin app and portal paths", () => {
    const origin = "http://zelenopark.atrium.localhost:8000";
    expect(safeNext("/app/queues?x=1#top", origin)).toBe("/app/queues?x=1#top");
    expect(safeNext("/portal/", origin)).toBe("/portal/");
    expect(safeNext("//evil.example/app/", origin)).toBeUndefined();
    expect(safeNext("https://evil.example/app/", origin)).toBeUndefined();
    expect(safeNext("/\\evil.example", origin)).toBeUndefined();
    expect(safeNext("/admin/", origin)).toBeUndefined();
    expect(safeNext("/app/sign-in?next=/app/", origin)).toBeUndefined();
    expect(safeNext(null, origin)).toBeUndefined();
  });

  it("does not send a requester into the workspace", () => {
    expect(afterSignIn("dispatcher", "/app/profile")).toBe("/app/profile");
    expect(afterSignIn("employee", "/app/profile")).toBe("/portal/");
    expect(afterSignIn("employee", "/portal/x")).toBe("/portal/x");
    expect(afterSignIn("engineer", null)).toBe("/app/");
  });
});
