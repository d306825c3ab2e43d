/** Response and request shapes taken from the generated OpenAPI types, by path, so they follow the backend. */
import type { paths as RosterPaths } from "./schema/roster";
import type { paths as SchedulingPaths } from "./schema/scheduling";

type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;

export type TokenResponse = Json<RosterPaths["/api/roster/v1/auth/token"]["post"]["responses"][200]>;
export type Me = Json<RosterPaths["/api/roster/v1/me"]["get"]["responses"][200]>;
export type CollegeList = Json<RosterPaths["/api/roster/v1/colleges"]["get"]["responses"][200]>;
export type College = CollegeList["items"][number];
export type CollegeCreate = NonNullable<
  RosterPaths["/api/roster/v1/colleges"]["post"]["requestBody"]
>["content"]["application/json"];
export type SchoolList = Json<RosterPaths["/api/roster/v1/schools"]["get"]["responses"][200]>;
export type School = SchoolList["items"][number];
export type SchedulingCollegeList = Json<SchedulingPaths["/api/scheduling/v1/colleges"]["get"]["responses"][200]>;
