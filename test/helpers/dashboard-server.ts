import { createServer } from "node:http";
import type { Dashboard } from "../../src/dashboard/create-dashboard.js";
import { listenOnLoopback } from "./listen-on-loopback.js";

/**
 * The app's dashboard handler on a loopback port, the way Probot's server mounts it (anything the
 * handler does not answer gets a 404). `url` is the base, e.g. `http://127.0.0.1:40123`.
 */
export async function startDashboardServer(dashboard: Dashboard, port?: number): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    dashboard.handle(req, res).then(
      (handled) => {
        if (!handled) res.writeHead(404, { "content-type": "text/plain" }).end("not the dashboard's\n");
      },
      (error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
      },
    );
  });
  let url: string;
  if (port === undefined) {
    ({ url } = await listenOnLoopback(server));
  } else {
    // A fixed port, when the app must know its public address before it starts (LOCAL_AGENT_PUBLIC_URL).
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    url = `http://127.0.0.1:${port}`;
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        dashboard.close();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
