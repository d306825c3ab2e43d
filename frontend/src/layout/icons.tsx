import {
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  CalendarOutlined,
  CameraOutlined,
  CloudDownloadOutlined,
  FileDoneOutlined,
  HomeOutlined,
  PayCircleOutlined,
  RedoOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  UserSwitchOutlined,
} from "@ant-design/icons";
import type { ReactNode } from "react";
import type { IconName } from "../auth/roles";

export const PAGE_ICONS: Record<IconName, ReactNode> = {
  home: <HomeOutlined aria-hidden />,
  school: <BankOutlined aria-hidden />,
  apartment: <ApartmentOutlined aria-hidden />,
  team: <TeamOutlined aria-hidden />,
  audit: <AuditOutlined aria-hidden />,
  safety: <SafetyCertificateOutlined aria-hidden />,
  calendar: <CalendarOutlined aria-hidden />,
  camera: <CameraOutlined aria-hidden />,
  pay: <PayCircleOutlined aria-hidden />,
  proofread: <FileDoneOutlined aria-hidden />,
  makeup: <RedoOutlined aria-hidden />,
  delivery: <CloudDownloadOutlined aria-hidden />,
  user: <UserSwitchOutlined aria-hidden />,
};
