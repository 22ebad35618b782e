import type { ServerResponse } from "node:http";
import { DASHBOARD_CSS } from "../assets/dashboard-css.js";
import { DASHBOARD_JS } from "../assets/dashboard-js.js";
import { SECURITY_HEADERS } from "../respond.js";

const FILES: Record<string, { type: string; body: string }> = {
  "dashboard.css": { type: "text/css; charset=utf-8", body: DASHBOARD_CSS },
  "dashboard.js": { type: "text/javascript; charset=utf-8", body: DASHBOARD_JS },
};

/** `GET /local-agent/static/<file>`: the stylesheet and the script (public, cacheable). Returns false for unknown files. */
export function staticRoute(res: ServerResponse, file: string): boolean {
  const asset = FILES[file];
  if (!asset) return false;
  res.writeHead(200, { ...SECURITY_HEADERS, "content-type": asset.type, "cache-control": "public, max-age=3600" });
  res.end(asset.body);
  return true;
}
