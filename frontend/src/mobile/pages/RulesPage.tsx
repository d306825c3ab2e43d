import { Button } from "antd-mobile";
import { useNavigate } from "react-router";
import { useSession } from "../../auth/AuthContext";
import { Screen } from "../Screen";

/** Example pictures: made from the test fixtures by tests/support/rule_examples.py (public/m/examples/). */
const GOOD = { src: "/m/examples/good.jpg", label: "合格：浅蓝背景、正面、光线均匀" };
const FAULTS = [
  { src: "/m/examples/blue_clothing.jpg", label: "穿蓝色衣服，与背景混在一起" },
  { src: "/m/examples/dark_lenses.jpg", label: "戴墨镜或有色眼镜" },
  { src: "/m/examples/tilted.jpg", label: "头部歪斜" },
  { src: "/m/examples/side_shadow.jpg", label: "脸上一侧有阴影" },
  { src: "/m/examples/dark.jpg", label: "太暗" },
  { src: "/m/examples/blurred.jpg", label: "模糊" },
  { src: "/m/examples/wrong_background.jpg", label: "背景不是浅蓝色（现场拍摄会保证）" },
];

/** The photo rules of the specification, in plain Chinese, before the day. Needs no sign-in (the notice links it). */
export default function RulesPage() {
  const navigate = useNavigate();
  const signedIn = useSession() !== null;
  return (
    <Screen title="拍照须知" back={signedIn ? "/m" : "/m/login"}>
      <section className="m-card" aria-labelledby="wear">
        <h2 id="wear">拍照前准备</h2>
        <ul className="m-muted" style={{ margin: 0, paddingLeft: 20, fontSize: 15, color: "#262626" }}>
          <li>穿有领的深色上衣；不穿蓝色、白色或浅色（背景是浅蓝色），避免复杂花纹和条纹。</li>
          <li>头发不遮挡眉毛、眼睛和耳朵；不戴帽子、头饰，不扎高发髻。</li>
          <li>不戴耳环、项链等首饰；不化浓妆，不戴美瞳。</li>
          <li>平时戴眼镜的可以戴，但镜片不能有颜色、不能反光，镜框不挡眼睛。</li>
          <li>带上身份证，按通知的时间提前到场。</li>
        </ul>
      </section>
      <section className="m-card" aria-labelledby="pose">
        <h2 id="pose">拍照时</h2>
        <ul className="m-muted" style={{ margin: 0, paddingLeft: 20, fontSize: 15, color: "#262626" }}>
          <li>坐正，正对镜头，双肩放平，两耳对称露出。</li>
          <li>表情自然，双眼睁开平视，嘴巴闭合。</li>
          <li>照片不做美颜、不修图：要和你本人一致，学信网会与录取照片比对。</li>
        </ul>
      </section>
      <section className="m-card" aria-labelledby="examples">
        <h2 id="examples">照片示例</h2>
        <figure style={{ margin: "0 auto 12px", maxWidth: 160, textAlign: "center" }}>
          <img src={GOOD.src} alt={GOOD.label} width={120} height={160} style={{ width: "100%", height: "auto", borderRadius: 6 }} />
          <figcaption className="m-ok" style={{ fontSize: 14 }}>
            ✓ {GOOD.label}
          </figcaption>
        </figure>
        <h3>常见问题（不合格）</h3>
        <div className="m-grid">
          {FAULTS.map((f) => (
            <figure key={f.src}>
              <img src={f.src} alt={`不合格示例：${f.label}`} width={120} height={160} loading="lazy" />
              <figcaption className="m-bad">✗ {f.label}</figcaption>
            </figure>
          ))}
        </div>
        <p className="m-muted">照片规格：480×640 像素、浅蓝色背景（RGB 100,197,255）、JPEG，由采集中心现场拍摄并自动检测。</p>
      </section>
      <Button block color="primary" onClick={() => navigate(signedIn ? "/m" : "/m/login")}>
        {signedIn ? "回到首页" : "登录查看我的采集安排"}
      </Button>
    </Screen>
  );
}
