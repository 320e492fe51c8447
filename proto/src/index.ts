import { fileURLToPath } from 'node:url';

/** Folder that holds `ml_connector/tunnel/v1/*.proto`; give it to the proto loader as an include dir. */
export const PROTO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The tunnel contract file, relative to PROTO_ROOT. */
export const TUNNEL_PROTO = 'ml_connector/tunnel/v1/tunnel.proto';
