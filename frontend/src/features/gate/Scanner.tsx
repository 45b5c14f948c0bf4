/**
 * The camera and the QR decoder: opens the back camera, draws frames into a canvas a few times a
 * second and hands each to the decoder (decoder.ts); the first code read is passed to `onCode`
 * and the camera stops. performance marks "gate:frame" (first camera frame) and "gate:code" (read)
 * let bench/web.py time the scan.
 */
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { chooseDecoder, type DecoderKind } from "./decoder";

const MAX_WIDTH = 640; // frames are scaled down to this: enough for a QR at arm's length, cheap to decode
const INTERVAL_MS = 80;

type State = "starting" | "scanning" | "denied" | "unavailable";

export function Scanner({ onCode }: { onCode: (code: string) => void }) {
  const { t } = useTranslation("gate");
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<State>("starting");
  const [kind, setKind] = useState<DecoderKind | null>(null);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
    void (async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setState("unavailable");
        return;
      }
      try {
        const [media, decoder] = await Promise.all([
          navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false }),
          chooseDecoder(),
        ]);
        stream = media;
        if (stopped) return stop();
        setKind(decoder.kind);
        const video = videoRef.current!;
        video.srcObject = media;
        await video.play().catch(() => undefined);
        setState("scanning");
        let marked = false;
        const tick = async () => {
          if (stopped) return;
          const canvas = canvasRef.current;
          if (canvas && video.readyState >= 2 && video.videoWidth > 0) {
            if (!marked) {
              performance.mark("gate:frame");
              marked = true;
            }
            const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
            canvas.width = Math.round(video.videoWidth * scale);
            canvas.height = Math.round(video.videoHeight * scale);
            const ctx = canvas.getContext("2d", { willReadFrequently: true });
            if (ctx) {
              ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
              const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
              const code = await decoder.decode(frame, canvas).catch(() => null);
              if (code && !stopped) {
                performance.mark("gate:code");
                stop();
                onCodeRef.current(code);
                return;
              }
            }
          }
          timer = setTimeout(() => void tick(), INTERVAL_MS);
        };
        void tick();
      } catch (error) {
        if (stopped) return;
        const name = error instanceof DOMException ? error.name : "";
        setState(name === "NotAllowedError" || name === "SecurityError" ? "denied" : "unavailable");
        stop();
      }
    })();
    return stop;
  }, []);

  return (
    <div className="gt-scanner" data-state={state} data-decoder={kind ?? undefined}>
      <video ref={videoRef} className="gt-scanner__video" muted playsInline aria-label={t("scan.video")} />
      <canvas ref={canvasRef} className="gt-scanner__canvas" aria-hidden="true" />
      <div className="gt-scanner__frame" aria-hidden="true" />
      <p className="gt-scanner__status" role="status">
        {state === "starting" ? t("scan.starting") : state === "scanning" ? t("scan.scanning") : state === "denied" ? t("scan.denied") : t("scan.unavailable")}
      </p>
    </div>
  );
}
