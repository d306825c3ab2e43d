/**
 * Paying inside WeChat's in-app browser: JSAPI (H5 pay does not open there). JSAPI needs the payer's openid under
 * our appid: WeChat web authorisation (snsapi_base) sends the phone to WeChat and back to /m/pay with `code` and
 * `state`, which payments exchanges for the openid; it is kept for the tab's life. The pay sheet itself is WeChat's
 * own (`WeixinJSBridge.invoke("getBrandWCPayRequest", …)`); its answer proves nothing, the result page asks the
 * server.
 */

const OPENID_KEY = "tucai.wechat.openid";

interface Bridge {
  invoke(name: string, params: Record<string, string>, callback: (answer: { err_msg?: string }) => void): void;
}

declare global {
  interface Window {
    WeixinJSBridge?: Bridge;
  }
}

export function inWeChat(userAgent = typeof navigator === "undefined" ? "" : navigator.userAgent): boolean {
  return /MicroMessenger/i.test(userAgent);
}

export function openid(): string | null {
  try {
    return window.sessionStorage.getItem(OPENID_KEY);
  } catch {
    return null;
  }
}

export function keepOpenid(value: string): void {
  try {
    window.sessionStorage.setItem(OPENID_KEY, value);
  } catch {
    /* private mode: the next pay asks WeChat again */
  }
}

/** WeChat's bridge, once it is ready (it is injected after the page loads). */
function bridge(timeoutMs = 3000): Promise<Bridge | null> {
  if (window.WeixinJSBridge) return Promise.resolve(window.WeixinJSBridge);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(window.WeixinJSBridge ?? null), timeoutMs);
    document.addEventListener(
      "WeixinJSBridgeReady",
      () => {
        clearTimeout(timer);
        resolve(window.WeixinJSBridge ?? null);
      },
      { once: true },
    );
  });
}

export type SheetAnswer = "ok" | "cancel" | "fail" | "no_bridge";

/** Open WeChat's pay sheet with the server's signed JSAPI parameters. */
export async function payInWeChat(params: Record<string, string>): Promise<SheetAnswer> {
  const b = await bridge();
  if (!b) return "no_bridge";
  return new Promise((resolve) => {
    b.invoke("getBrandWCPayRequest", params, (answer) => {
      const msg = answer?.err_msg ?? "";
      resolve(msg.endsWith(":ok") ? "ok" : msg.endsWith(":cancel") ? "cancel" : "fail");
    });
  });
}
