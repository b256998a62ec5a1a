/**
 * A reference for rows 1 and 2, not part of launch-local: a naive Node.js gateway, a plain `http`
 * server that forwards each body to the workers (round-robin, keep-alive through an http.Agent) with
 * the worker's token, as the gateway sends it, and wraps the answer as /v1/sync-tasks does, with no
 * auth, validation or queue. It shows what Node's http server and client alone cost per request; the
 * gateway's own connection code is measured against it. A worker's answer other than 200 comes back
 * as a 502 with the worker's status and body, so the bench counts it as a bad answer. Run as
 * `node floor-proxy.mjs PORT[:TOKEN]…`; prints its own port.
 */
import http from "node:http";

const workers = process.argv.slice(2).map((spec) => {
  const [port, token = ""] = spec.split(":");
  return { port: Number(port), headers: token === "" ? {} : { "x-launch-worker-token": token } };
});
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let next = 0;

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks);
    const worker = workers[next++ % workers.length];
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: worker.port,
        path: "/predict",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": body.byteLength, ...worker.headers },
      },
      (answer) => {
        const parts = [];
        answer.on("data", (chunk) => parts.push(chunk));
        answer.on("end", () => {
          const text = Buffer.concat(parts).toString("utf8");
          if (answer.statusCode !== 200) {
            response.writeHead(502, { "content-type": "text/plain" }).end(`worker answered ${answer.statusCode}: ${text}`);
            return;
          }
          const payload = JSON.stringify({ status: "SUCCESS", result: JSON.parse(text), traceback: null, status_code: 200 });
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
