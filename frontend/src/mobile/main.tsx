/** The student's phone entry (/m): its own bundle with antd-mobile, never the console's antd. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { MobileApp } from "./MobileApp";
import { adaptAntdMobileToReact19 } from "./react19";
import "./mobile.css";

adaptAntdMobileToReact19();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MobileApp />
  </StrictMode>,
);
