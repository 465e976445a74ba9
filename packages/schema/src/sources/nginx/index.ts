/** The `nginx` source: the VM gate's JSON access log, one record per request to the gateway. */
import type { LogSource } from "../../source-definition.js";
import { NginxAccessRecord, pickNginxVariant } from "./schema.js";
import { normalizeNginx } from "./normalize.js";
import { nginxSql } from "./sql.js";

export const nginxSource: LogSource = {
  name: "nginx",
  pipelineName: "nginx",
  description: "The VM gate's access log (nginx, log_format oclog_json)",
  schema: NginxAccessRecord,
  variantOf: pickNginxVariant,
  recognize: (record) => typeof record.request_id === "string" && "http_status" in record && "msec" in record,
  normalize: normalizeNginx,
  sql: nginxSql,
};
