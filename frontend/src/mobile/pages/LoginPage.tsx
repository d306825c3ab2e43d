import { Button, Form, Input, NoticeBar } from "antd-mobile";
import { useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { roster } from "../../api/client";
import { errorMessage } from "../../api/problem";
import { useMe, useSession, useStudentLogin } from "../../auth/AuthContext";
import { session } from "../../auth/session";
import { Screen } from "../Screen";

interface StudentForm {
  school_code: string;
  student_no: string;
  secret: string;
}

/** Only paths of the phone entry are followed after sign-in (no open redirect through `?redirect=`). */
export function safeRedirect(requested: string | null): string {
  if (!requested || !/^\/m(\/|\?|$)/.test(requested) || requested.startsWith("/m/login")) return "/m";
  return requested;
}

/** Student sign-in: 院校代码 + 学号 + the last six characters of the ID number (or what the school chose). */
export default function LoginPage() {
  const [form] = Form.useForm<StudentForm>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const current = useSession();
  const me = useMe();
  const login = useStudentLogin();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [expired] = useState(() => session.logoutReason() === "expired");
  const options = roster.useQuery("get", "/api/roster/v1/auth/options", {}, { staleTime: Infinity, retry: false });
  const demo = options.data?.demo ? options.data.demo_student : null;
  const target = safeRedirect(params.get("redirect"));

  if (current && me.data?.role === "student" && !submitting) return <Navigate to={target} replace />;

  async function submit(values: StudentForm) {
    setSubmitting(true);
    setError(null);
    try {
      const profile = await login(values.school_code.trim(), values.student_no.trim(), values.secret.trim());
      if (profile.role === "student") navigate(target, { replace: true });
      else window.location.replace("/");
    } catch (e) {
      setError(errorMessage(e));
      setSubmitting(false);
    }
  }

  return (
    <Screen title="学生登录">
      <div className="m-card">
        <h2>毕业生图像采集</h2>
        <p className="m-muted" style={{ margin: 0 }}>
          用院校代码、学号和身份证号后六位登录，查看采集时间、出示采集凭证、缴费并校对照片。
        </p>
      </div>
      {expired && <NoticeBar content="登录已过期，请重新登录" color="alert" wrap />}
      <Form
        form={form}
        layout="vertical"
        mode="card"
        requiredMarkStyle="none"
        onFinish={(v) => void submit(v)}
        onValuesChange={() => setError(null)}
        footer={
          <>
            {error && (
              <div role="alert" className="m-bad" style={{ marginBottom: 12 }}>
                {error}
              </div>
            )}
            <Button block type="submit" color="primary" size="large" loading={submitting}>
              登录
            </Button>
          </>
        }
      >
        <Form.Item name="school_code" label="院校代码" rules={[{ required: true, whitespace: true, message: "请输入院校代码" }]}>
          <Input placeholder="5 位数字，如 10403" inputMode="numeric" autoComplete="off" clearable />
        </Form.Item>
        <Form.Item name="student_no" label="学号" rules={[{ required: true, whitespace: true, message: "请输入学号" }]}>
          <Input placeholder="请输入学号" autoComplete="username" clearable />
        </Form.Item>
        <Form.Item
          name="secret"
          label="身份证号后六位"
          rules={[{ required: true, whitespace: true, message: "请输入身份证号后六位" }]}
        >
          <Input placeholder="最后一位是 X 请输入 X" type="password" autoComplete="current-password" clearable />
        </Form.Item>
      </Form>
      {demo && (
        <div className="m-card" role="note" aria-label="演示学生">
          <p className="m-muted" style={{ margin: 0 }}>
            演示模式：院校代码 {demo.school_code} · 学号 {demo.student_no} · 验证信息 {demo.secret}
          </p>
          <Button
            block
            fill="outline"
            color="primary"
            style={{ marginTop: 8 }}
            onClick={() => {
              form.setFieldsValue({ ...demo });
              setError(null);
            }}
          >
            一键填入演示学生
          </Button>
        </div>
      )}
    </Screen>
  );
}
