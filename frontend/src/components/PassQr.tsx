import { Flex, Typography } from "antd";
import type { CapturePass } from "../api/types";
import { formatDateTime } from "../lib/time";

/** The capture pass QR code (an SVG from the server, shown as an image so no markup is injected). */
export function PassQr({ pass, size = 220, caption = true }: { pass: CapturePass; size?: number; caption?: boolean }) {
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(pass.qr_svg)}`;
  return (
    <Flex vertical align="center" gap={8}>
      <img
        src={src}
        alt="采集凭证二维码"
        width={size}
        height={size}
        style={{ imageRendering: "pixelated", background: "#fff" }}
        data-testid="pass-qr"
      />
      {caption && (
        <Typography.Text type="secondary" style={{ fontSize: 12, textAlign: "center" }}>
          有效期至 {formatDateTime(pass.expires_at, "YYYY-MM-DD")} · 凭证编号 {pass.subject_key}
        </Typography.Text>
      )}
    </Flex>
  );
}
