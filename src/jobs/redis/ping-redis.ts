import net from "node:net";

/**
 * Whether a redis-server on this loopback port answers PING. Used to wait for a throwaway server
 * to come up: redis-server prints nothing we could wait on reliably.
 */
export async function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("error", () => resolve(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
  });
}
