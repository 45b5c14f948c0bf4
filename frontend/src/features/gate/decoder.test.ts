import { describe, expect, it, vi } from "vitest";
import { type BarcodeDetectorClass, chooseDecoder, nativeQrSupported } from "./decoder";

function detectorClass(formats: string[] | Error, found = "native-token"): BarcodeDetectorClass {
  return class {
    static getSupportedFormats = () => (formats instanceof Error ? Promise.reject(formats) : Promise.resolve(formats));
    detect = vi.fn(async () => [{ rawValue: found }]);
  } as unknown as BarcodeDetectorClass;
}

const frame = { data: new Uint8ClampedArray(16), width: 2, height: 2 } as unknown as ImageData;
const canvas = {} as HTMLCanvasElement;

describe("chooseDecoder", () => {
  it("uses the browser's BarcodeDetector when it reads QR codes, without loading jsQR", async () => {
    const load = vi.fn();
    const decoder = await chooseDecoder({ BarcodeDetector: detectorClass(["ean_13", "qr_code"]) }, load);
    expect(decoder.kind).toBe("native");
    expect(load).not.toHaveBeenCalled();
    expect(await decoder.decode(frame, canvas)).toBe("native-token");
  });

  it("falls back to jsQR where there is no BarcodeDetector (Chromium on Linux, Firefox)", async () => {
    const jsQR = vi.fn(() => ({ data: "js-token" }));
    const load = vi.fn(async () => jsQR);
    const decoder = await chooseDecoder({}, load);
    expect(decoder.kind).toBe("jsqr");
    expect(load).toHaveBeenCalledOnce();
    expect(await decoder.decode(frame, canvas)).toBe("js-token");
    expect(jsQR).toHaveBeenCalledWith(frame.data, 2, 2, { inversionAttempts: "dontInvert" });
  });

  it("falls back to jsQR when the detector reads no QR codes or cannot say", async () => {
    const load = vi.fn(async () => () => null);
    expect((await chooseDecoder({ BarcodeDetector: detectorClass(["ean_13"]) }, load)).kind).toBe("jsqr");
    expect((await chooseDecoder({ BarcodeDetector: detectorClass(new Error("no")) }, load)).kind).toBe("jsqr");
    expect(await nativeQrSupported({})).toBe(false);
  });

  it("answers null for a frame without a code", async () => {
    const decoder = await chooseDecoder({}, async () => () => null);
    expect(await decoder.decode(frame, canvas)).toBeNull();
  });

  it("loads the real jsQR lazily", async () => {
    const decoder = await chooseDecoder({});
    expect(decoder.kind).toBe("jsqr");
    expect(await decoder.decode(frame, canvas)).toBeNull();
  });
});
