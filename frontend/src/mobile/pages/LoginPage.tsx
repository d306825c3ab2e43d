import { Button, Input } from "antd-mobile";
import { type FormEvent, useState } from "react";
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
const FIELDS = [
  { key: "school_code", label: "院校代码", placeholder: "5 位数字，如 10403", inputMode: "numeric", autoComplete: "off" },
  { key: "student_no", label: "学号", placeholder: "请输入学号", inputMode: "text", autoComplete: "username" },
  { key: "secret", label: "身份证号后六位", placeholder: "最后一位是 X 请输入 X", inputMode: "text", autoComplete: "current-password" },
] as const;

/**
 * Student sign-in: 院校代码 + 学号 + the last six characters of the ID number (or what the school chose). A plain
 * form (no form library): this page is the first thing a student's phone loads.
 */
export default function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const current = useSession();
  const me = useMe();
  const login = useStudentLogin();
  const [values, setValues] = useState<StudentForm>({ school_code: "", student_no: "", secret: "" });
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [expired] = useState(() => session.logoutReason() === "expired");
  const options = roster.useQuery("get", "/api/roster/v1/auth/options", {}, { staleTime: Infinity, retry: false });
  const demo = options.data?.demo ? options.data.demo_student : null;
  const target = safeRedirect(params.get("redirect"));

  if (current && me.data?.role === "student" && !submitting) return <Navigate to={target} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const missing = FIELDS.find((f) => !values[f.key].trim());
    if (missing) return setError(`请输入${missing.label}`);
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
      {expired && (
        <p role="alert" className="m-card m-bad" style={{ margin: 0 }}>
          登录已过期，请重新登录
        </p>
      )}
      <form className="m-card" onSubmit={(e) => void submit(e)} noValidate>
        {FIELDS.map((f) => (
          <div key={f.key} style={{ marginBottom: 12 }}>
            <label htmlFor={`login-${f.key}`} style={{ display: "block", marginBottom: 4, fontWeight: 500 }}>
              {f.label}
            </label>
            <Input
              id={`login-${f.key}`}
              value={values[f.key]}
              onChange={(v) => {
                setValues((old) => ({ ...old, [f.key]: v }));
                setError(null);
              }}
              placeholder={f.placeholder}
              inputMode={f.inputMode}
              autoComplete={f.autoComplete}
              type={f.key === "secret" ? "password" : "text"}
              clearable
              style={{ borderBottom: "1px solid #d9d9d9" }}
            />
          </div>
        ))}
        {error && (
          <p role="alert" className="m-bad" style={{ marginTop: 0 }}>
            {error}
          </p>
        )}
        <Button block type="submit" color="primary" size="large" loading={submitting}>
          登录
        </Button>
      </form>
      <Button block fill="none" color="primary" onClick={() => navigate("/m/rules")}>
        拍照须知（无需登录）
      </Button>
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
              setValues({ school_code: demo.school_code, student_no: demo.student_no, secret: demo.secret });
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
