import { QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "@/api/client";
import { jsonResponse, mockApi, testQueryClient } from "@/shared/test/render";
import { useFileTicket, withUploads } from "./useFileTicket";
import { type UseUploadsOptions, useUploads } from "./useUploads";

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={testQueryClient()}>{children}</QueryClientProvider>;
}

const photo = (name = "site.jpg") => new File([new Uint8Array([1, 2, 3])], name, { type: "image/jpeg" });

// the upload calls are injected (the test environment's FormData and File do not mix); filing
// goes through the real API client to the stubbed fetch
function useBoth(options: UseUploadsOptions, onFiled = vi.fn()) {
  const uploads = useUploads(options);
  const filing = useFileTicket({ uploads, onFiled });
  return { uploads, filing };
}

describe("useUploads + useFileTicket", () => {
  it("uploads chosen files at once and files the ticket with their ids", async () => {
    const { calls } = mockApi({ "POST /api/v1/tickets/": () => jsonResponse(201, { id: 9, key: "CLN-9" }) });
    let n = 0;
    const upload = vi.fn(async (file: File) => ({ id: 70 + ++n, name: file.name }));
    const discard = vi.fn(async () => undefined);
    const onFiled = vi.fn();
    const { result } = renderHook(() => useBoth({ upload, discard }, onFiled), { wrapper });
    let ready: { id: number; name: string }[] = [];
    await act(async () => {
      ready = await result.current.uploads.add([photo("a.jpg"), photo("b.jpg")]);
    });
    expect(ready).toEqual([
      { id: 71, name: "a.jpg" },
      { id: 72, name: "b.jpg" },
    ]);
    expect(result.current.uploads.busy).toBe(false);
    expect(result.current.uploads.ids).toEqual([71, 72]);
    expect(result.current.uploads.ready).toEqual(ready);

    act(() => {
      result.current.filing.submit({ type: "dirt", title: "Spill", fields: { photo: 71 } });
    });
    await waitFor(() => expect(onFiled).toHaveBeenCalledWith(expect.objectContaining({ id: 9 })));
    const filed = calls.find((c) => c.url.endsWith("/api/v1/tickets/"))!;
    expect(await filed.json()).toEqual({ type: "dirt", title: "Spill", fields: { photo: 71 }, attachments: [71, 72] });
    // the ticket adopted them: the list is forgotten, nothing is deleted
    expect(result.current.uploads.items).toEqual([]);
    expect(discard).not.toHaveBeenCalled();
  });

  it("keeps a refused upload listed with its error and never sends its id; filing waits while one is in flight", async () => {
    const { calls } = mockApi({ "POST /api/v1/tickets/": () => jsonResponse(201, { id: 3, key: "CLN-3" }) });
    const refusal = new ApiError({ status: 400, code: "attachment_rejected", detail: "This type of file is not accepted." });
    let release: (value: { id: number; name: string }) => void = () => {};
    const upload = vi.fn((file: File) =>
      file.name === "virus.exe" ? Promise.reject(refusal) : new Promise<{ id: number; name: string }>((resolve) => (release = resolve)),
    );
    const onFiled = vi.fn();
    const { result } = renderHook(() => useBoth({ upload }, onFiled), { wrapper });
    await act(async () => {
      await result.current.uploads.add([photo("virus.exe")]);
    });
    expect(result.current.uploads.items).toEqual([expect.objectContaining({ name: "virus.exe", state: "failed", error: refusal })]);
    expect(result.current.uploads.ids).toEqual([]);

    let pending!: Promise<unknown>;
    act(() => {
      pending = result.current.uploads.add([new File(["x"], "slow.pdf", { type: "application/pdf" })]);
    });
    await waitFor(() => expect(result.current.uploads.busy).toBe(true));
    let sent = true;
    act(() => {
      sent = result.current.filing.submit({ type: "dirt", title: "Spill" });
    });
    expect(sent).toBe(false);
    expect(calls).toHaveLength(0);
    await act(async () => {
      release({ id: 80, name: "slow.pdf" });
      await pending;
    });
    expect(result.current.uploads.busy).toBe(false);
    act(() => {
      sent = result.current.filing.submit({ type: "dirt", title: "Spill" });
    });
    expect(sent).toBe(true);
    await waitFor(() => expect(onFiled).toHaveBeenCalled());
    expect(await calls[0]!.json()).toEqual({ type: "dirt", title: "Spill", attachments: [80] });
  });

  it("prepares a file before sending it; removing a ready upload drops it on the server", async () => {
    const upload = vi.fn(async (file: File) => ({ id: 5, name: file.name }));
    const discard = vi.fn(async () => undefined);
    const prepare = vi.fn(async (original: File) => new File(["small"], "small.jpg", { type: original.type }));
    const { result } = renderHook(() => useBoth({ upload, discard, prepare }), { wrapper });
    await act(async () => {
      await result.current.uploads.add([photo("huge.jpg")]);
    });
    expect(prepare).toHaveBeenCalledOnce();
    expect(upload.mock.calls[0]![0].name).toBe("small.jpg");
    const key = result.current.uploads.items[0]!.key;
    act(() => result.current.uploads.remove(key));
    expect(discard).toHaveBeenCalledWith(5);
    expect(result.current.uploads.items).toEqual([]);
  });

  it("after the API's refusal of the filing, the uploads stay for the next try", async () => {
    mockApi({
      "POST /api/v1/tickets/": () => jsonResponse(400, { code: "invalid", detail: "Check the fields.", fields: { "fields.photo": ["Upload the file again."] } }),
    });
    const upload = vi.fn(async (file: File) => ({ id: 6, name: file.name }));
    const onFiled = vi.fn();
    const { result } = renderHook(() => useBoth({ upload }, onFiled), { wrapper });
    await act(async () => {
      await result.current.uploads.add([photo()]);
    });
    act(() => {
      result.current.filing.submit({ type: "dirt", title: "Spill", fields: { photo: 6 } });
    });
    await waitFor(() => expect(result.current.filing.mutation.isError).toBe(true));
    expect(onFiled).not.toHaveBeenCalled();
    expect(result.current.uploads.ids).toEqual([6]);
  });

  it("withUploads adds the ready ids once, and nothing when there are none", () => {
    const uploads = { ids: [4, 5] } as Parameters<typeof withUploads>[1];
    expect(withUploads({ type: "t", title: "x", attachments: [5, 6] }, uploads).attachments).toEqual([5, 6, 4]);
    expect(withUploads({ type: "t", title: "x" }, undefined)).toEqual({ type: "t", title: "x" });
  });
});
