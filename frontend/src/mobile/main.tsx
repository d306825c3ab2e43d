/** The student's phone entry (/m): its own bundle with antd-mobile, never the console's antd. */
import "./openidFirst";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { MobileApp } from "./MobileApp";
import "./mobile.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MobileApp />
  </StrictMode>,
);
