import { Button, Card, Result } from "antd";
import { useNavigate } from "react-router";
import { useDocumentTitle } from "../layout/PageContainer";

export default function NotFoundPage() {
  const navigate = useNavigate();
  useDocumentTitle("页面不存在");
  return (
    <Card>
      <Result
        status="404"
        title="页面不存在"
        subTitle="您访问的地址不存在，可能已被移除或输入有误。"
        extra={
          <Button type="primary" onClick={() => navigate("/")}>
            返回首页
          </Button>
        }
      />
    </Card>
  );
}
