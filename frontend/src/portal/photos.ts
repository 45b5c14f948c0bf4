/**
 * Photos from the phone: a camera picture is often 4000×3000 and 5 MB. Before upload, a picture
 * larger than the limit is drawn smaller on a canvas and sent as JPEG; anything else goes as is.
 * The server still checks what it gets (size, pixels, type).
 */
export const PHOTO_LIMITS = { maxSide: 2048, maxBytes: 1_500_000, quality: 0.85 } as const;

export interface ImageFacts {
  type: string;
  bytes: number;
  width: number;
  height: number;
}

export type ResizeDecision = { resize: false } | { resize: true; width: number; height: number };

/** Whether (and to what size) to shrink a picture before upload. */
export function resizeDecision(image: ImageFacts, limits: { maxSide: number; maxBytes: number } = PHOTO_LIMITS): ResizeDecision {
  if (!/^image\/(jpeg|png|webp|heic|heif)$/i.test(image.type)) return { resize: false }; // GIFs, SVGs, documents: as they are
  const side = Math.max(image.width, image.height);
  if (!(side > 0)) return { resize: false };
  if (side <= limits.maxSide && image.bytes <= limits.maxBytes) return { resize: false };
  const scale = Math.min(1, limits.maxSide / side);
  return { resize: true, width: Math.max(1, Math.round(image.width * scale)), height: Math.max(1, Math.round(image.height * scale)) };
}

function jpegName(name: string): string {
  return /\.[a-z0-9]+$/i.test(name) ? name.replace(/\.[a-z0-9]+$/i, ".jpg") : `${name}.jpg`;
}

/** The file to upload: the original, or a smaller JPEG when `resizeDecision` says so. */
export async function preparePhoto(file: File, limits = PHOTO_LIMITS): Promise<File> {
  if (typeof createImageBitmap !== "function" || !file.type.startsWith("image/")) return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return file; // a format the browser cannot decode: let the server judge it
  }
  try {
    const decision = resizeDecision({ type: file.type, bytes: file.size, width: bitmap.width, height: bitmap.height }, limits);
    if (!decision.resize) return file;
    const canvas = document.createElement("canvas");
    canvas.width = decision.width;
    canvas.height = decision.height;
    const context = canvas.getContext("2d");
    if (!context) return file;
    context.drawImage(bitmap, 0, 0, decision.width, decision.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", limits.quality));
    if (!blob || blob.size >= file.size) return file;
    return new File([blob], jpegName(file.name), { type: "image/jpeg", lastModified: file.lastModified });
  } finally {
    bitmap.close();
  }
}
