/**
 * Model bundle use cases (server-contract.md §2.1). Bundles are immutable; names are not unique;
 * every read is scoped to the caller's team, and another team's bundle is a 404 with the same
 * message as a missing one (§0.4).
 */
import { type InputPolicy, checkInputLocation } from "../blobs/input-policy.js";
import type { Clock } from "../clock.js";
import type { BundleRecord, LegacyBundleFields } from "../bundle.js";
import { isArtifactFlavor } from "../bundle.js";
import { notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import type { BlobStore, BundleRepository, OrderBy } from "../ports.js";
import { flavorFromV1, legacyFieldsOf } from "./bundle-flavors.js";
import type { CreateBundleV1Input, CreateBundleV2Input } from "./bundle-inputs.js";
import { flavorView } from "./bundle-views.js";

export interface BundleServiceDeps {
  bundles: BundleRepository;
  /** Not read at create time: the real server never checks a location exists (§2.1). */
  blobs: BlobStore;
  ids: IdGenerator;
  clock: Clock;
  /** Where artifacts and schemas may live (a 400 at create for anything else, README "Parity"). */
  inputs: InputPolicy;
}

/** The API routes' 404 texts, with the real server's double space (§2.1). */
const bundleNotFound = (what: string) => notFound(`Model Bundle ${what}  was not found.`);

/** What other resources (endpoints, batch jobs) answer for a bundle id they cannot use. */
export const OWNED_BUNDLE_NOT_FOUND = "The specified model bundle could not be found.";

/** Python truthiness of a JSON object: `{}` and null are falsy (`new_app_config or original`). */
const isNonEmpty = (value: Record<string, unknown> | null): value is Record<string, unknown> => value !== null && Object.keys(value).length > 0;

export class BundleService {
  private readonly bundles: BundleRepository;
  private readonly ids: IdGenerator;
  private readonly clock: Clock;
  private readonly inputs: InputPolicy;

  constructor(deps: BundleServiceDeps) {
    this.bundles = deps.bundles;
    this.ids = deps.ids;
    this.clock = deps.clock;
    this.inputs = deps.inputs;
  }

  /** POST /v1/model-bundles: the flavor is derived from packaging_type; legacy fields kept as sent. */
  createV1(user: User, input: CreateBundleV1Input): BundleRecord {
    const legacy: LegacyBundleFields = {
      location: input.location,
      requirements: [...input.requirements],
      env_params: { ...input.env_params },
      packaging_type: input.packaging_type,
      app_config: input.app_config,
    };
    const flavor = flavorFromV1(input);
    this.checkLocation(flavor);
    // v1 creates always register one model artifact, even for lira (§2.1).
    return this.insert(user.userId, user.teamId, {
      name: input.name,
      metadata: input.metadata ?? {},
      schemaLocation: input.schema_location,
      modelArtifactIds: [this.artifactId(user, input.name)],
      flavor,
      legacy,
    });
  }

  /** POST /v2/model-bundles: artifact flavors get one synthetic artifact id, runnable ones none. */
  createV2(user: User, input: CreateBundleV2Input): BundleRecord {
    const flavor = flavorView(input.flavor);
    this.checkLocation(flavor);
    return this.insert(user.userId, user.teamId, {
      name: input.name,
      metadata: input.metadata ?? {},
      schemaLocation: input.schema_location,
      modelArtifactIds: isArtifactFlavor(flavor) ? [this.artifactId(user, input.name)] : [],
      flavor,
      legacy: null,
    });
  }

  list(user: User, modelName: string | null, orderBy: OrderBy | null): BundleRecord[] {
    return this.bundles.list(user.teamId, modelName, orderBy);
  }

  /** Newest created_at among the team's bundles with that name (ties: the later insert). */
  latest(user: User, name: string): BundleRecord {
    const bundle = this.bundles.latest(user.teamId, name);
    if (!bundle) throw bundleNotFound(name);
    return bundle;
  }

  get(user: User, id: string): BundleRecord {
    const bundle = this.findOwned(user, id);
    if (!bundle) throw bundleNotFound(id);
    return bundle;
  }

  /** For other resources that reference a bundle by id (endpoint create, batch jobs). */
  getOwned(user: User, id: string): BundleRecord {
    const bundle = this.findOwned(user, id);
    if (!bundle) throw notFound(OWNED_BUNDLE_NOT_FOUND);
    return bundle;
  }

  /**
   * Clone with changes (v1 and v2 alike): same name, flavor, schema and artifact ids; the original's
   * owner, the caller as creator; metadata gains `__cloned_from_bundle_id`. Only the legacy
   * `app_config` takes `new_app_config`; the flavor's app_config is not updated (§2.1).
   */
  clone(user: User, originalId: string, newAppConfig: Record<string, unknown> | null): BundleRecord {
    const original = this.findOwned(user, originalId);
    if (!original) throw bundleNotFound(originalId);
    const legacy = legacyFieldsOf(original);
    return this.insert(user.userId, original.owner, {
      name: original.name,
      metadata: { ...original.metadata, __cloned_from_bundle_id: original.id },
      schemaLocation: original.schemaLocation,
      modelArtifactIds: [...original.modelArtifactIds],
      flavor: original.flavor,
      legacy: { ...legacy, app_config: isNonEmpty(newAppConfig) ? newAppConfig : legacy.app_config },
    });
  }

  /**
   * The real server stores any string as an artifact location; launch-local would open it on this
   * machine, so only the locations the input policy allows are accepted (domain/blobs/input-policy.ts).
   * `schema_location` is stored as given (the LLM routes write "TBA", as the real server does): the
   * docs route reads it through the same policy, and falls back to the generic schemas.
   */
  private checkLocation(flavor: BundleRecord["flavor"]): void {
    if (isArtifactFlavor(flavor)) checkInputLocation(flavor.location, this.inputs, "location");
  }

  private findOwned(user: User, id: string): BundleRecord | null {
    const bundle = this.bundles.get(id);
    return bundle && bundle.owner === user.teamId ? bundle : null;
  }

  /** `"{user_id}-{name}-{8 hex}"`, the fake model primitive gateway's artifact id (§2.1). */
  private artifactId(user: User, name: string): string {
    return `${user.userId}-${name}-${this.ids.uuid().replace(/-/g, "").slice(-8)}`;
  }

  private insert(
    createdBy: string,
    owner: string,
    fields: Pick<BundleRecord, "name" | "metadata" | "schemaLocation" | "modelArtifactIds" | "flavor" | "legacy">,
  ): BundleRecord {
    const record: BundleRecord = {
      id: this.ids.xid("bun_"),
      owner,
      createdBy,
      createdAt: this.clock.now(),
      ...fields,
    };
    this.bundles.insert(record);
    return record;
  }
}
