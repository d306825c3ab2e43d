import { Button, Card, Result } from "antd";
import { useNavigate } from "react-router";
import { useDocumentTitle } from "../layout/PageContainer";

export function ForbiddenPage() {
  const navigate = useNavigate();
  useDocumentTitle("无权访问");
  return (
    <Card>
      <Result
        status="403"
        title="无权访问该页面"
        subTitle="当前账号的角色不能使用此功能。如需开通，请联系本单位管理员。"
        extra={
          <Button type="primary" onClick={() => navigate("/")}>
            返回首页
          </Button>
        }
      />
    </Card>
  );
}
