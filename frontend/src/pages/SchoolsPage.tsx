import { ReloadOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Empty, Input, Space, Table, Tooltip } from "antd";
import type { TableColumnsType } from "antd";
import { useMemo, useState } from "react";
import { roster } from "../api/client";
import { errorMessage } from "../api/problem";
import type { School } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { PageContainer } from "../layout/PageContainer";
import { provinceName } from "../lib/regions";
import { filterSchools } from "./schoolFilter";

const columns: TableColumnsType<School> = [
  { title: "院校代码", dataIndex: "code", width: 140, sorter: (a, b) => a.code.localeCompare(b.code), defaultSortOrder: "ascend" },
  { title: "院校名称", dataIndex: "name" },
  { title: "所在省份", dataIndex: "province_code", width: 160, render: (code: string) => provinceName(code) },
];

export default function SchoolsPage() {
  const me = useCurrentUser();
  const [keyword, setKeyword] = useState("");
  const schools = roster.useQuery("get", "/api/roster/v1/schools");
  const rows = useMemo(() => filterSchools(schools.data?.items ?? [], keyword), [schools.data, keyword]);
  const scope = me.role === "platform_admin" ? "全部省份" : (me.province_name ?? "本省");

  return (
    <PageContainer title="学校" subTitle={`${scope}参加毕业生图像采集的高校`}>
      <Card
        title="学校列表"
        extra={
          <Space>
            <Input.Search
              allowClear
              placeholder="按院校代码或名称筛选"
              aria-label="按院校代码或名称筛选"
              onChange={(e) => setKeyword(e.target.value)}
              onSearch={setKeyword}
              style={{ width: 240 }}
            />
            <Tooltip title="刷新">
              <Button
                aria-label="刷新"
                icon={<ReloadOutlined aria-hidden />}
                loading={schools.isFetching && !schools.isPending}
                onClick={() => void schools.refetch()}
              />
            </Tooltip>
          </Space>
        }
      >
        {schools.isError ? (
          <Alert
            type="error"
            showIcon
            title="学校列表加载失败"
            description={errorMessage(schools.error)}
            action={
              <Button size="small" onClick={() => void schools.refetch()}>
                重试
              </Button>
            }
          />
        ) : (
          <Table<School>
            rowKey="code"
            columns={columns}
            dataSource={rows}
            loading={schools.isPending}
            pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: (total) => `共 ${total} 所学校` }}
            locale={{
              emptyText: (
                <Empty
                  image={Empty.PRESENTED_IMAGE_SIMPLE}
                  description={keyword ? "没有符合条件的学校" : "暂无学校"}
                />
              ),
            }}
            scroll={{ x: 480 }}
          />
        )}
      </Card>
    </PageContainer>
  );
}
