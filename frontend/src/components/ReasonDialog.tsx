import { Form, Input, Modal } from "antd";
import { useCallback, useRef, useState, type ReactNode } from "react";

export interface ReasonAsk {
  title: string;
  label: string;
  max: number;
}

/**
 * A note the operator must write before an action that is recorded with their name (why a photo is let through,
 * how an anomaly was settled): an antd dialog with 2…max characters, instead of the browser's prompt(). `ask`
 * resolves with the trimmed text, or null when cancelled; render `dialog` once in the page.
 */
export function useReasonDialog(): { ask: (question: ReasonAsk) => Promise<string | null>; dialog: ReactNode } {
  const [question, setQuestion] = useState<ReasonAsk | null>(null);
  const [form] = Form.useForm<{ text: string }>();
  const settle = useRef<(answer: string | null) => void>(() => undefined);

  const ask = useCallback(
    (next: ReasonAsk) =>
      new Promise<string | null>((resolve) => {
        settle.current = resolve;
        form.resetFields();
        setQuestion(next);
      }),
    [form],
  );

  function close(answer: string | null) {
    setQuestion(null);
    settle.current(answer);
  }

  async function submit() {
    try {
      const { text } = await form.validateFields();
      close(text.trim());
    } catch {
      // the form shows what is missing
    }
  }

  const dialog = (
    <Modal
      title={question?.title}
      open={question !== null}
      okText="确定"
      cancelText="取消"
      forceRender
      onOk={() => void submit()}
      onCancel={() => close(null)}
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="text"
          label={question?.label}
          rules={[
            { required: true, whitespace: true, message: `请填写${question?.label ?? ""}` },
            { min: 2, message: "至少 2 个字" },
          ]}
        >
          <Input.TextArea rows={3} maxLength={question?.max} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
  return { ask, dialog };
}
