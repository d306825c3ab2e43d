/** The student's phone entry (/m): its own bundle with antd-mobile, never the console's antd. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { MobileApp } from "./MobileApp";
import { rememberOpenid } from "./wechat";
import "./mobile.css";

// WeChat's OAuth redirect hands the payer's openid over in the address: keep it and strip it before routing.
rememberOpenid();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MobileApp />
  </StrictMode>,
);
