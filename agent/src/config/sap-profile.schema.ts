import { z } from 'zod';
import { sageX3ProfileSchema, x3PolicySchema, type SageX3Profile } from './x3-profile.schema.js';

/**
 * A SAP system the agent can reach over RFC. The relay knows it only by `name` (and `kind`); the
 * connection and the password stay here. Parameters are node-rfc's (ashost, sysnr, client, user,
 * lang, or mshost/msserv/sysid/group, or dest); the password is separate and encrypted.
 */
export const sapProfileSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-", at most 64'),
    kind: z.literal('sap-rfc'),
    connection: z.record(z.string(), z.string()).refine((c) => !Object.keys(c).some((k) => k.toLowerCase() === 'passwd'), {
      message: 'no passwd here: put it, encrypted with `mlc-agent secret encrypt`, in the profile\'s "password"',
    }),
    /** `mlc-enc:v1:...` from `mlc-agent secret encrypt`. */
    password: z.string().min(1),
    /** Hard cap on concurrent RFC connections to this system (SAP's rfc quotas: 10-50 is typical). */
    maxConnections: z.number().int().min(1).max(50).default(10),
    /** The node-rfc-compatible module to load; tests name the simulator's client. */
    rfcModule: z.string().min(1).default('node-rfc'),
    /** Seconds after which node-rfc cancels one call. */
    callTimeoutSeconds: z.number().int().positive().optional(),
  })
  .strict();

export type SapProfile = z.infer<typeof sapProfileSchema>;

const FM_PATTERN = /^[A-Z0-9_/]+\*?$/;
const TABLE_NAME = /^[A-Z0-9_/]+$/;

/**
 * The agent's last word on what the relay may do; anything not listed is denied.
 * `functionModules`: exact names or prefixes ending in "*" (e.g. "BAPI_PO_*").
 * `tables`: tables readable through rfc_read_table, each with the most rows one read may return.
 */
export const policySchema = z
  .object({
    functionModules: z.array(z.string().regex(FM_PATTERN, 'an upper-case function module name, or a prefix ending in "*"')).default([]),
    tables: z.record(z.string().regex(TABLE_NAME, 'an upper-case table name'), z.object({ maxRows: z.number().int().positive() }).strict()).default({}),
    /** Sage X3 profiles: allowed HTTP paths and GraphQL operations, by profile name. */
    x3: x3PolicySchema.default({}),
  })
  .strict();

export type AgentPolicy = z.infer<typeof policySchema>;

export type ErpProfile = SapProfile | SageX3Profile;

export const isSapProfile = (profile: ErpProfile): profile is SapProfile => profile.kind === 'sap-rfc';
export const isSageX3Profile = (profile: ErpProfile): profile is SageX3Profile => profile.kind === 'sage-x3';

export const profilesSchema = z.array(z.discriminatedUnion('kind', [sapProfileSchema, sageX3ProfileSchema])).superRefine((profiles, ctx) => {
  const seen = new Set<string>();
  profiles.forEach((profile, index) => {
    if (seen.has(profile.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `profile name "${profile.name}" is used twice` });
    seen.add(profile.name);
  });
});
