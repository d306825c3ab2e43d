/** Response and request shapes taken from the generated OpenAPI types, by path, so they follow the backend. */
import type { components as RosterComponents, paths as RosterPaths } from "./schema/roster";
import type { components as CaptureComponents } from "./schema/capture";
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

/** Every roster schema by name, e.g. `RosterSchema["ImportJobOut"]`. */
type RosterSchema = RosterComponents["schemas"];

export type SignInOptions = RosterSchema["SignInOptions"];
export type DemoAccount = RosterSchema["DemoAccount"];
export type ImportJob = RosterSchema["ImportJobOut"];
export type ImportIssue = RosterSchema["ImportIssueOut"];
export type Student = RosterSchema["StudentOut"];
export type StudentDetail = RosterSchema["StudentDetail"];
export type StudentChange = RosterSchema["ChangeOut"];
export type SchoolClass = RosterSchema["ClassOut"];
export type Coordinator = RosterSchema["CoordinatorOut"];
export type CoordinatorCreate = RosterSchema["CoordinatorIn"];
export type SchoolUpdate = RosterSchema["SchoolUpdate"];
export type SchoolCreate = RosterSchema["SchoolIn"];
export type Campaign = RosterSchema["CampaignOut"];
export type CampaignCreate = RosterSchema["CampaignIn"];
export type ReviewBatch = RosterSchema["BatchOut"];
export type ReviewItem = RosterSchema["ReviewItemOut"];
export type ReviewFlag = RosterSchema["Flag"];
export type Erratum = RosterSchema["ErratumOut"];
export type CapturePass = RosterSchema["CapturePass"];
export type SchoolStats = RosterSchema["SchoolStats"];
export type CaptureSubject = CaptureComponents["schemas"]["SubjectOut"];
export type ClassProgress = CaptureComponents["schemas"]["ClassCaptureProgressOut"];
export type DeliveryPackage = CaptureComponents["schemas"]["DeliveryOut"];
