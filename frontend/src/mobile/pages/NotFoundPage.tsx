import { Button, ErrorBlock } from "antd-mobile";
import { useNavigate } from "react-router";
import { Screen } from "../Screen";

export default function NotFoundPage() {
  const navigate = useNavigate();
  return (
    <Screen title="页面不存在" back="/m">
      <div className="m-card">
        <ErrorBlock status="empty" title="页面不存在" description="链接可能已过期" />
        <Button block color="primary" onClick={() => navigate("/m")} style={{ marginTop: 12 }}>
          回到首页
        </Button>
      </div>
    </Screen>
  );
}
