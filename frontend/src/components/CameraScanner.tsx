import { Alert, Button, Modal, Typography } from "antd";
import { CameraOutlined } from "@ant-design/icons";
import { useEffect, useRef, useState } from "react";

type Decode = (frame: ImageData) => string | null;

/** jsQR, loaded only when the camera opens (the browsers' BarcodeDetector is missing on Windows and Linux). */
async function qrDecoder(): Promise<Decode> {
  const { default: jsQR } = await import("jsqr");
  return (frame) => jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" })?.data ?? null;
}

function cameraError(err: unknown): string {
  const name = err instanceof DOMException ? err.name : "";
  if (name === "NotAllowedError") return "浏览器未允许使用摄像头，请在地址栏的权限设置中允许后重试";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "没有找到可用的摄像头";
  if (!window.isSecureContext) return "摄像头只能在 HTTPS 页面上使用";
  return `无法打开摄像头（${name || String(err)}）`;
}

/** 摄像头扫码: reads a capture pass's QR code with the station's camera (getUserMedia) and hands its text over, as
 * the USB scanner would type it. Nothing leaves the browser but the decoded text. */
export function CameraScanner({ onResult, disabled }: { onResult: (text: string) => void; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={<CameraOutlined />} onClick={() => setOpen(true)} disabled={disabled}>摄像头扫码</Button>
      <Modal title="摄像头扫码" open={open} onCancel={() => setOpen(false)} footer={null} destroyOnHidden width={520}>
        {open && <Viewfinder onResult={(text) => { setOpen(false); onResult(text); }} />}
      </Modal>
    </>
  );
}

function Viewfinder({ onResult }: { onResult: (text: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const done = useRef(onResult);
  useEffect(() => {
    done.current = onResult; // the latest callback, without restarting the camera when the parent re-renders
  });

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    let stopped = false;
    const canvas = document.createElement("canvas");
    (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia) throw new DOMException("", "NotSupportedError");
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        const decode = await qrDecoder();
        if (stopped || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        const tick = () => {
          const v = video.current;
          if (stopped || !v) return;
          if (v.videoWidth > 0) {
            canvas.width = v.videoWidth;
            canvas.height = v.videoHeight;
            const context = canvas.getContext("2d", { willReadFrequently: true });
            context?.drawImage(v, 0, 0);
            const text = context ? decode(context.getImageData(0, 0, canvas.width, canvas.height)) : null;
            if (text) {
              done.current(text.trim());
              return;
            }
          }
          timer = window.setTimeout(tick, 150); // ~7 frames a second is plenty for a pass held still
        };
        tick();
      } catch (err) {
        if (!stopped) setError(cameraError(err));
      }
    })();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  if (error) return <Alert type="warning" showIcon message={error} description="也可以使用扫码枪，或在输入框中输入学信网图像采集码。" />;
  return (
    <>
      <video ref={video} muted playsInline aria-label="摄像头画面" style={{ width: "100%", borderRadius: 8, background: "#000" }} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>请学生将采集凭证二维码对准摄像头，识别后自动签到。</Typography.Paragraph>
    </>
  );
}
