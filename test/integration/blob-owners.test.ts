import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { LABELS, argsCsv } from "./batch-jobs-app.js";
import { type Client, appClient, cloudpickleBundleBody as cloudpickleBundle, createEndpoint, eventually, field } from "./control-fixture.js";

/**
 * Issue 13 item 2: every blob has an owner, and another owner's blob answers exactly as a missing
 * one (404 `Object not found: …`), for reads and writes alike, through every route that touches
 * blobs. Seeded fixtures are readable by anyone only with `public=true`.
 */
let app: TestApp;
let alice: Client;
let bob: Client;

beforeEach(async () => {
  app = await createTestApp();
  alice = appClient(app, "alice");
  bob = appClient(app, "bob");
});
afterEach(async () => {
  await app.close();
});

const blobPath = (location: string, extra = ""): string => `/_launch_local/blobs?location=${encodeURIComponent(location)}${extra}`;

async function bytesOf(client: Client, location: string): Promise<string> {
  const reply = await client.call("GET", blobPath(location));
  expect(reply.status, reply.text).toBe(200);
  return reply.text;
}

/** The client's upload: a signed slot from the upload route, then an unauthenticated PUT. */
async function upload(client: Client, route: string, body: string): Promise<string> {
  const slot = await client.ok("POST", `/v1/hosted_inference/${route}`, {});
  const put = await fetch(String(field(slot, "signedUrl")), { method: "PUT", body });
  expect(put.status).toBe(200);
  return `s3://${String(field(slot, "bucket"))}/${String(field(slot, "key"))}`;
}

describe("blob owners", () => {
  it("keeps one user's seeded blob from another's reads and overwrites", async () => {
    const location = "s3://inputs/alice/rows.csv";
    await alice.ok("PUT", blobPath(location), new Uint8Array(Buffer.from("mine")));
    const read = await bob.call("GET", blobPath(location));
    expect(read.status).toBe(404);
    expect(read.json).toEqual({ detail: `Object not found: ${location}` });
    const write = await bob.call("PUT", blobPath(location), new Uint8Array(Buffer.from("theirs")));
    expect(write.status).toBe(404);
    expect(write.json).toEqual({ detail: `Object not found: ${location}` });
    expect(await bytesOf(alice, location)).toBe("mine");
    // The owner may replace its own object.
    await alice.ok("PUT", blobPath(location), new Uint8Array(Buffer.from("again")));
    expect(await bytesOf(alice, location)).toBe("again");
  });

  it("lets anyone read a blob seeded with public=true, and only its owner replace it", async () => {
    const location = "s3://fixtures/model.pkl";
    await alice.ok("PUT", blobPath(location, "&public=true"), new Uint8Array([1, 2]));
    expect((await bob.call("GET", blobPath(location))).status).toBe(200);
    expect((await bob.call("PUT", blobPath(location, "&public=true"), new Uint8Array([3]))).status).toBe(404);
    expect((await bob.call("PUT", blobPath(location, "&public=maybe"), new Uint8Array([3]))).status).toBe(422);
  });

  it("makes an upload the uploader's, so another user can neither read it nor deploy it", async () => {
    const location = await upload(alice, "model_bundle_upload", "pickle bytes");
    expect(await bytesOf(alice, location)).toBe("pickle bytes");
    expect((await bob.call("GET", blobPath(location))).status).toBe(404);
    expect((await bob.call("PUT", blobPath(location), new Uint8Array([0]))).status).toBe(404);
    // Bob points a bundle of his own at Alice's artifact: it cannot be read at deploy time.
    const bundle = await bob.ok("POST", "/v2/model-bundles", cloudpickleBundle("stolen", location));
    const endpointId = await createEndpoint(bob, "stolen", String(field(bundle, "model_bundle_id")));
    const failed = await eventually(async () => {
      const view = await bob.ok("GET", `/v1/model-endpoints/${endpointId}`);
      return field(view, "status") === "UPDATE_FAILED" ? view : null;
    }, "the endpoint to fail its build");
    expect(String(field(failed, "status_reason"))).toContain(`Object not found: ${location}`);
  });

  it("keeps a batch job's input and result file to the job's owner", async () => {
    const input = await upload(alice, "batch_task_input_upload", argsCsv([{ x: 1 }]));
    const bundleLocation = await upload(alice, "model_bundle_upload", "pickle");
    const bundleId = String(field(await alice.ok("POST", "/v2/model-bundles", cloudpickleBundle("echo", bundleLocation)), "model_bundle_id"));
    // Bob's job over Alice's input file fails: he cannot read it.
    const bobBundle = await upload(bob, "model_bundle_upload", "pickle");
    const bobBundleId = String(field(await bob.ok("POST", "/v2/model-bundles", cloudpickleBundle("echo", bobBundle)), "model_bundle_id"));
    const jobOf = (bundle: string) => ({
      model_bundle_id: bundle,
      input_path: input,
      serialization_format: "JSON",
      labels: LABELS,
      resource_requests: { gpus: 0 },
    });
    const bobJob = String(field(await bob.ok("POST", "/v1/batch-jobs", jobOf(bobBundleId)), "job_id"));
    const aliceJob = String(field(await alice.ok("POST", "/v1/batch-jobs", jobOf(bundleId)), "job_id"));
    const final = async (client: Client, jobId: string) =>
      eventually(async () => {
        const job = await client.ok("GET", `/v1/batch-jobs/${jobId}`);
        return ["SUCCESS", "FAILURE"].includes(String(field(job, "status"))) ? job : null;
      }, `job ${jobId} to finish`);
    expect(field(await final(bob, bobJob), "status")).toBe("FAILURE");
    const done = await final(alice, aliceJob);
    expect(field(done, "status")).toBe("SUCCESS");
    const result = String(field(done, "result"));
    expect(await bytesOf(alice, result)).toContain('"status": "SUCCESS"');
    expect((await bob.call("GET", blobPath(result))).status).toBe(404);
    expect((await bob.call("PUT", blobPath(result), new Uint8Array([0]))).status).toBe(404);
    expect(await bytesOf(alice, result)).toContain('"status": "SUCCESS"');
  });

  it("reset with keep=bundles keeps a kept bundle's artifact with its owner", async () => {
    const location = await upload(alice, "model_bundle_upload", "pickle");
    await alice.ok("POST", "/v2/model-bundles", cloudpickleBundle("kept", location));
    await alice.ok("PUT", blobPath("s3://inputs/loose.csv"), new Uint8Array([1]));
    await alice.ok("POST", "/_launch_local/reset?keep=bundles");
    expect(await bytesOf(alice, location)).toBe("pickle");
    expect((await bob.call("GET", blobPath(location))).status).toBe(404);
    expect((await alice.call("GET", blobPath("s3://inputs/loose.csv"))).status).toBe(404);
  });
});
