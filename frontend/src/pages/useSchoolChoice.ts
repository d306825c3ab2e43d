import { useSearchParams } from "react-router";
import { roster } from "../api/client";
import { useCurrentUser } from "../auth/AuthContext";

/**
 * Which school a school-level page shows: a school admin's own; for the agency and the province the one chosen
 * (kept in `?school=` so the address can be shared), from the schools roster lists for them.
 */
export function useSchoolChoice() {
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const ownSchool = me.role === "school_admin" ? (me.school_code ?? undefined) : undefined;
  const school = ownSchool ?? params.get("school") ?? undefined;
  const schools = roster.useQuery("get", "/api/roster/v1/schools", {}, { enabled: ownSchool === undefined });
  const options = (schools.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }));
  const choose = (value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set("school", value);
    else next.delete("school");
    setParams(next, { replace: true });
  };
  return { ownSchool, school, choose, options, loading: schools.isPending };
}
