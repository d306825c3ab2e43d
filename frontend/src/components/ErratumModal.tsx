import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Form, Input, Modal, Select, Typography } from "antd";
import { useState } from "react";
import { roster, rosterKey } from "../api/client";
import { ApiError } from "../api/problem";
import type { StudentDetail } from "../api/types";
import { CORRECTABLE_FIELDS, checkCorrection, correctableField, fieldText } from "../pages/correctable";
import { LEVELS } from "../pages/rosterLabels";
import { applyProblem } from "./formErrors";

interface ErratumForm {
  field: string;
  new_value: string;
  reason: string;
}

const FORM_FIELDS = ["field", "new_value", "reason"] as const;

/**
 * File a correction (勘误) to one student's data: which field, the correct value, why. The school picks the field;
 * a student proofreading their record comes here from the row they found wrong (`field` fixed).
 */
export function ErratumModal({
  record,
  field,
  open,
  onClose,
  asStudent = false,
}: {
  record: StudentDetail;
  field?: string;
  open: boolean;
  onClose: () => void;
  asStudent?: boolean;
}) {
  const [form] = Form.useForm<ErratumForm>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const create = roster.useMutation("post", "/api/roster/v1/students/{student_id}/errata");
  const chosen = Form.useWatch("field", form) ?? field;
  const spec = chosen ? correctableField(chosen) : undefined;

  async function submit() {
    let values: ErratumForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setFormError(null);
    try {
      await create.mutateAsync({
        params: { path: { student_id: record.id } },
        body: { field: values.field, new_value: values.new_value.trim(), reason: (values.reason ?? "").trim() },
      });
      message.success(asStudent ? "勘误申请已提交，学校审核后更新" : "勘误申请已提交，请在「勘误处理」中审核");
      await queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/errata") });
      onClose();
    } catch (err) {
      // The server checks the value by the import's rules (dates, ID check digit, code tables): its reason
      // belongs under the value the user typed.
      const valueProblem =
        err instanceof ApiError && err.status === 422 && !["validation_failed", "field_not_correctable"].includes(err.code)
          ? { [err.code]: "new_value" }
          : {};
      setFormError(applyProblem(form, err, FORM_FIELDS, { field_not_correctable: "field", ...valueProblem }));
    }
  }

  const current = chosen ? fieldText(record, chosen) : "";

  return (
    <Modal
      title={asStudent && spec ? `更正「${spec.label}」` : "提交勘误"}
      open={open}
      okText="提交"
      cancelText="取消"
      confirmLoading={create.isPending}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      afterClose={() => setFormError(null)}
    >
      <Form<ErratumForm>
        form={form}
        name="erratum"
        layout="vertical"
        preserve={false}
        initialValues={{ field, new_value: "", reason: "" }}
        style={{ marginTop: 16 }}
      >
        {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
        <Form.Item label="需更正的信息" name="field" rules={[{ required: true, message: "请选择需更正的信息" }]} hidden={asStudent}>
          <Select
            placeholder="请选择"
            options={CORRECTABLE_FIELDS.map((f) => ({ value: f.key, label: f.label }))}
            onChange={() => form.setFieldValue("new_value", "")}
          />
        </Form.Item>
        {chosen && (
          <Typography.Paragraph type="secondary">
            现有信息：<Typography.Text strong>{current || "（空）"}</Typography.Text>
          </Typography.Paragraph>
        )}
        <Form.Item
          label="正确的信息"
          name="new_value"
          rules={[
            {
              validator: async (_, value: string | undefined) => {
                if (!chosen) return;
                const problem = checkCorrection(chosen, value ?? "");
                if (problem) throw new Error(problem);
              },
            },
          ]}
        >
          {spec?.kind === "sex" ? (
            <Select placeholder="请选择" options={[{ value: "男" }, { value: "女" }]} />
          ) : spec?.kind === "level" ? (
            <Select placeholder="请选择" options={LEVELS.map((l) => ({ value: l }))} />
          ) : (
            <Input
              placeholder={spec?.kind === "date" ? "YYYY-MM-DD，如 2001-02-03" : (spec?.placeholder ?? "请输入")}
              maxLength={100}
              autoComplete="off"
              inputMode={spec?.kind === "date" ? "numeric" : undefined}
            />
          )}
        </Form.Item>
        <Form.Item
          label="说明"
          name="reason"
          extra={asStudent ? "如：身份证上的姓名为……；学校核对后更正" : undefined}
          rules={[{ max: 200, message: "不能超过 200 个字" }]}
        >
          <Input.TextArea rows={2} maxLength={200} placeholder="更正原因或依据（选填）" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
