import { Alert, Button } from "antd";
import { errorMessage } from "../api/problem";

/** A failed query: what failed, the server's message, and a retry button. */
export function QueryErrorAlert({ title, error, onRetry }: { title: string; error: unknown; onRetry?: () => void }) {
  return (
    <Alert
      type="error"
      showIcon
      title={title}
      description={errorMessage(error)}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            重试
          </Button>
        ) : undefined
      }
    />
  );
}
