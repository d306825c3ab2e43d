import { IdcardOutlined, LockOutlined, NumberOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Flex, Form, Input, Space, Tabs, Typography } from "antd";
import { useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { errorMessage } from "../api/problem";
import { useLogin, useMe, useSession, useStudentLogin } from "../auth/AuthContext";
import { landingPath } from "../auth/roles";
import { session } from "../auth/session";
import { useDocumentTitle } from "../layout/PageContainer";
import type { Me, SignInOptions } from "../api/types";
import { roster } from "../api/client";
import { loginTab } from "./loginTab";

interface StaffForm {
  username: string;
  password: string;
}

interface StudentForm {
  school_code: string;
  student_no: string;
  secret: string;
}

/** What the server lets the login page show: demo accounts and the demo student, only in demo mode. */
function useSignInOptions(): SignInOptions | undefined {
  const options = roster.useQuery("get", "/api/roster/v1/auth/options", {}, { staleTime: Infinity, retry: false });
  return options.data?.demo ? options.data : undefined;
}

/** One sign-in form: runs `signIn`, shows the server's message (Chinese) on failure, clears it on edit. */
function useSignIn<T extends object>(signIn: (values: T) => Promise<Me>, onSignedIn: (me: Me) => void) {
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function onFinish(values: T) {
    setSubmitting(true);
    setError(null);
    try {
      onSignedIn(await signIn(values));
    } catch (err) {
      setError(errorMessage(err));
      setSubmitting(false);
    }
  }
  return { submitting, error, clearError: () => setError(null), onFinish };
}

function StaffLogin({ onSignedIn, demo }: { onSignedIn: (me: Me) => void; demo?: SignInOptions }) {
  const [form] = Form.useForm<StaffForm>();
  const login = useLogin();
  const { submitting, error, clearError, onFinish } = useSignIn<StaffForm>(
    (v) => login(v.username.trim(), v.password),
    onSignedIn,
  );
  return (
    <>
      <Form<StaffForm>
        form={form}
        name="login"
        layout="vertical"
        requiredMark={false}
        onFinish={onFinish}
        onValuesChange={clearError}
        size="large"
      >
        <Form.Item label="用户名" name="username" rules={[{ required: true, whitespace: true, message: "请输入用户名" }]}>
          {/* oxlint-disable-next-line jsx-a11y/no-autofocus -- the login page has one purpose: typing the user name */}
          <Input prefix={<UserOutlined aria-hidden />} placeholder="请输入用户名" autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item label="密码" name="password" rules={[{ required: true, message: "请输入密码" }]}>
          <Input.Password prefix={<LockOutlined aria-hidden />} placeholder="请输入密码" autoComplete="current-password" />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Form.Item style={{ marginBottom: 16 }}>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            登录
          </Button>
        </Form.Item>
      </Form>
      {demo && demo.demo_accounts.length > 0 && (
        <Alert
          type="info"
          title="演示账号"
          description={
            <Space orientation="vertical" size={4} style={{ width: "100%" }}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                系统运行在演示模式。点击账号自动填入
                {demo.demo_password && (
                  <>
                    ，密码均为 <Typography.Text code>{demo.demo_password}</Typography.Text>
                  </>
                )}
              </Typography.Text>
              {demo.demo_accounts.map((a) => (
                <Flex key={a.username} justify="space-between" gap={12}>
                  <Typography.Link
                    style={{ flex: "none", whiteSpace: "nowrap" }}
                    onClick={() => {
                      form.setFieldsValue({ username: a.username, password: demo.demo_password ?? "" });
                      clearError();
                    }}
                  >
                    {a.username}
                  </Typography.Link>
                  <Typography.Text
                    type="secondary"
                    ellipsis={{ tooltip: `${a.role_label} · ${a.display_name}` }}
                    style={{ minWidth: 0, textAlign: "right" }}
                  >
                    {a.role_label} · {a.display_name}
                  </Typography.Text>
                </Flex>
              ))}
            </Space>
          }
        />
      )}
    </>
  );
}

function StudentLogin({ onSignedIn, demo }: { onSignedIn: (me: Me) => void; demo?: SignInOptions }) {
  const [form] = Form.useForm<StudentForm>();
  const login = useStudentLogin();
  const student = demo?.demo_student ?? null;
  const { submitting, error, clearError, onFinish } = useSignIn<StudentForm>(
    (v) => login(v.school_code.trim(), v.student_no.trim(), v.secret.trim()),
    onSignedIn,
  );
  return (
    <>
    <Form<StudentForm>
      form={form}
      name="student-login"
      layout="vertical"
      requiredMark={false}
      onFinish={onFinish}
      onValuesChange={clearError}
      size="large"
    >
      <Form.Item
        label="院校代码"
        name="school_code"
        rules={[
          { required: true, whitespace: true, message: "请输入院校代码" },
          { pattern: /^\s*\d{5}\s*$/, message: "院校代码为 5 位数字" },
        ]}
      >
        <Input prefix={<NumberOutlined aria-hidden />} placeholder="5 位数字，如 10403" inputMode="numeric" maxLength={5} />
      </Form.Item>
      <Form.Item label="学号" name="student_no" rules={[{ required: true, whitespace: true, message: "请输入学号" }]}>
        <Input prefix={<IdcardOutlined aria-hidden />} placeholder="请输入学号" autoComplete="username" maxLength={30} />
      </Form.Item>
      <Form.Item
        label="验证信息"
        name="secret"
        extra="默认为身份证号后六位；学校另有规定的，以学校通知为准"
        rules={[{ required: true, whitespace: true, message: "请输入验证信息" }]}
      >
        <Input.Password prefix={<LockOutlined aria-hidden />} placeholder="身份证号后六位" autoComplete="current-password" maxLength={30} />
      </Form.Item>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form.Item style={{ marginBottom: 0 }}>
        <Button type="primary" htmlType="submit" block loading={submitting}>
          登录
        </Button>
      </Form.Item>
    </Form>
      {student && (
        <Alert
          type="info"
          style={{ marginTop: 16 }}
          title="演示学生"
          description={
            <Flex justify="space-between" align="center" gap={8} wrap>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                院校代码 {student.school_code} · 学号 {student.student_no} · 验证信息 {student.secret}
              </Typography.Text>
              <Typography.Link
                onClick={() => {
                  form.setFieldsValue({ ...student });
                  clearError();
                }}
              >
                一键填入
              </Typography.Link>
            </Flex>
          }
        />
      )}
    </>
  );
}

export default function LoginPage() {
  useDocumentTitle("登录");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const current = useSession();
  const me = useMe();
  const [signingIn, setSigningIn] = useState(false);
  const [notice] = useState(() =>
    session.logoutReason() === "expired" ? "登录已过期或已在别处失效，请重新登录" : null,
  );
  const redirect = params.get("redirect");
  const [tab, setTab] = useState<string>(() => loginTab(params.get("as"), redirect));
  const demo = useSignInOptions();

  // A sign-in in progress ends with the session (logout in another tab, expiry).
  if (current === null && signingIn) setSigningIn(false);

  // Already signed in (e.g. /login opened in a second tab): go straight in.
  if (current && me.data && !signingIn) return <Navigate to={landingPath(me.data.role, redirect)} replace />;

  const onSignedIn = (profile: Me) => {
    setSigningIn(true);
    navigate(landingPath(profile.role, redirect), { replace: true });
  };

  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{
        minHeight: "100vh",
        padding: 16,
        boxSizing: "border-box",
        background: "linear-gradient(160deg, #e6f4ff 0%, #f5f5f5 55%, #e8f7ff 100%)",
      }}
    >
      <Card style={{ width: "100%", maxWidth: 420 }} styles={{ body: { padding: "28px 32px 24px" } }}>
        <Flex vertical align="center" gap={4} style={{ marginBottom: 8 }}>
          <img src="/favicon.svg" alt="" width={48} height={48} />
          <Typography.Title level={3} style={{ margin: "8px 0 0" }}>
            图采
          </Typography.Title>
          <Typography.Text type="secondary">高校毕业生图像采集管理平台</Typography.Text>
        </Flex>
        {notice && <Alert type="warning" showIcon title={notice} style={{ margin: "16px 0 0" }} />}
        <Tabs
          centered
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: "staff", label: "工作人员登录", children: <StaffLogin onSignedIn={onSignedIn} demo={demo} /> },
            { key: "student", label: "学生登录", children: <StudentLogin onSignedIn={onSignedIn} demo={demo} /> },
          ]}
        />
      </Card>
    </Flex>
  );
}
