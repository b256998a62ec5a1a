/**
 * A reference for rows 1 and 2, not part of launch-local: a naive Node.js gateway, a plain `http`
 * server that forwards each body to the workers (round-robin, keep-alive through an http.Agent) and
 * wraps the answer as /v1/sync-tasks does, with no auth, validation or queue. It shows what Node's
 * http server and client alone cost per request; the gateway's own connection code is measured
 * against it. Run as `node floor-proxy.mjs PORT…`; prints its own port.
 */
import http from "node:http";

const ports = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let next = 0;

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks);
    const port = ports[next++ % ports.length];
    const upstream = http.request(
      { host: "127.0.0.1", port, path: "/predict", method: "POST", agent, headers: { "content-type": "application/json", "content-length": body.byteLength } },
      (answer) => {
        const parts = [];
        answer.on("data", (chunk) => parts.push(chunk));
        answer.on("end", () => {
          const result = JSON.parse(Buffer.concat(parts).toString("utf8"));
          const payload = JSON.stringify({ status: "SUCCESS", result, traceback: null, status_code: 200 });
          response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
          response.end(payload);
        });
      },
    );
    upstream.on("error", (error) => {
      response.writeHead(502).end(String(error));
    });
    upstream.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => process.exit(0));
