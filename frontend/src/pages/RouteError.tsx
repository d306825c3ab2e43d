import { Button, Flex, Result } from "antd";
import { useRouteError } from "react-router";

/** A page failed to load or crashed. The usual cause after a deployment is a chunk that no longer exists. */
export function RouteError() {
  const error = useRouteError();
  const chunk = error instanceof Error && /dynamically imported module|Importing a module script failed/i.test(error.message);
  return (
    <Flex align="center" justify="center" style={{ minHeight: "100vh" }}>
      <Result
        status="error"
        title={chunk ? "页面加载失败" : "页面出错了"}
        subTitle={chunk ? "系统可能刚刚更新，请刷新页面后重试。" : "请刷新页面重试；如果问题持续出现，请联系管理员。"}
        extra={
          <Button type="primary" onClick={() => window.location.reload()}>
            刷新页面
          </Button>
        }
      />
    </Flex>
  );
}
