import { spawn } from "node:child_process";
import http from "node:http";
import { listenOnLoopback } from "./listen-on-loopback.js";

export interface GitHttpRequest {
  method: string;
  url: string;
  authorization: string | undefined;
}

/**
 * A real smart-HTTP git server on 127.0.0.1: `git http-backend` (CGI) behind basic auth that
 * accepts only `x-access-token:<token>`, like GitHub. Lets tests prove the token travels through
 * the credential helper and nowhere else.
 */
export async function startGitHttpServer(params: { projectRoot: string; token: string }): Promise<{
  url: (repo: string) => string;
  requests: GitHttpRequest[];
  close: () => Promise<void>;
}> {
  const requests: GitHttpRequest[] = [];
  const expected = `Basic ${Buffer.from(`x-access-token:${params.token}`).toString("base64")}`;
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="GitHub"' });
      res.end("auth required");
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const cgi = spawn("/usr/lib/git-core/git-http-backend", [], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        GIT_PROJECT_ROOT: params.projectRoot,
        GIT_HTTP_EXPORT_ALL: "1",
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        REMOTE_USER: "x-access-token",
        REMOTE_ADDR: "127.0.0.1",
        HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: "http.receivepack",
        GIT_CONFIG_VALUE_0: "true",
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString().split("\r\n")) {
        const [name, ...rest] = line.split(":");
        const value = rest.join(":").trim();
        if (!name) continue;
        if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    cgi.on("close", () => res.end());
  });
  const { port } = await listenOnLoopback(server);
  return {
    url: (repo) => `http://127.0.0.1:${port}/${repo}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
