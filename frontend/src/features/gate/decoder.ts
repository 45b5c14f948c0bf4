/**
 * Reading a QR code from camera frames. The browser's BarcodeDetector where it reads QR codes
 * (Chrome on Android and macOS, Safari 17+); elsewhere (Chromium on Linux, Firefox) jsQR, a pure
 * JS decoder loaded on first use only, so it stays out of the app's initial bundle.
 */

export type DecoderKind = "native" | "jsqr";

export interface QrDecoder {
  kind: DecoderKind;
  /** The text of the first QR code in the frame, or null. */
  decode(frame: ImageData, canvas: HTMLCanvasElement): Promise<string | null>;
}

interface DetectedBarcode {
  rawValue: string;
}

interface BarcodeDetectorLike {
  detect(source: CanvasImageSource | ImageData): Promise<DetectedBarcode[]>;
}

export interface BarcodeDetectorClass {
  new (options?: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?: () => Promise<string[]>;
}

/** What the choice looks at (the window, in the app; a stand-in in tests). */
export interface DecoderEnvironment {
  BarcodeDetector?: BarcodeDetectorClass;
}

type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: "dontInvert" | "onlyInvert" | "attemptBoth" | "invertFirst" }) => { data: string } | null;

/** Whether this browser's own BarcodeDetector reads QR codes. */
export async function nativeQrSupported(env: DecoderEnvironment): Promise<boolean> {
  const Detector = env.BarcodeDetector;
  if (typeof Detector !== "function") return false;
  try {
    if (typeof Detector.getSupportedFormats !== "function") return true;
    return (await Detector.getSupportedFormats()).includes("qr_code");
  } catch {
    return false;
  }
}

export function nativeDecoder(Detector: BarcodeDetectorClass): QrDecoder {
  const detector = new Detector({ formats: ["qr_code"] });
  return {
    kind: "native",
    async decode(_frame, canvas) {
      const found = await detector.detect(canvas);
      return found[0]?.rawValue || null;
    },
  };
}

export function jsQrDecoder(jsQR: JsQr): QrDecoder {
  return {
    kind: "jsqr",
    async decode(frame) {
      // camera frames are dark-on-light; "dontInvert" halves the work per frame
      return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" })?.data || null;
    },
  };
}

export const loadJsQr = async (): Promise<JsQr> => (await import("jsqr")).default as unknown as JsQr;

/** The decoder to use here: the native one when it reads QR codes, else jsQR (loaded now). */
export async function chooseDecoder(
  env: DecoderEnvironment = globalThis as unknown as DecoderEnvironment,
  load: () => Promise<JsQr> = loadJsQr,
): Promise<QrDecoder> {
  if (env.BarcodeDetector && (await nativeQrSupported(env))) return nativeDecoder(env.BarcodeDetector);
  return jsQrDecoder(await load());
}
